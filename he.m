Version = 20130611
Program = /tmp/zsrc/build/guests/hello
Memory = 33554432, 1
Timeout = 5
Channel = /dev/stdin, /dev/stdin, 0, 0, 1, 1, 0, 0
Channel = /dev/stdout, /dev/stdout, 0, 1, 0, 0, 100, 1000
Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 100, 1000
