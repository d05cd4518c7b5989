#!/usr/bin/env bash
# Functional tests: real guest programs under a real zerovm.
#
#   tests/func/run.sh ZEROVM GUEST_DIR [smoke]
#
# Each test writes a manifest (and, for the probe guest, a script of trap
# calls on its stdin channel), runs zerovm and checks the program's output,
# the six-line report, the exit code and the host files. "smoke" runs a
# short subset (used for the clang build). Ends with "N passed, N failed".
set -u
ZVM=$(readlink -f "$1")
G=$(readlink -f "$2")
MODE=${3:-full}
. "$(dirname "$0")/../lib.sh"
tmpdir zvm-func
OUT=$T/stdout
ERR=$T/stderr
bad_context() {
	sed 's/^/#   | /' "$OUT" | tail -n 20
	sed 's/^/#   ! /' "$ERR" | tail -n 5
}

# The report is the last six lines of stdout; line N of it:
rep() { tail -n 6 "$OUT" | sed -n "${1}p"; }
# Program output: everything before the report.
prog_out() { head -n -6 "$OUT"; }

STD_IN="Channel = $T/script, /dev/stdin, 0, 0, 100000, 100000, 0, 0"
STD_OUT="Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100000, 10000000"
STD_ERR="Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 1000, 100000"

# manifest FILE PROGRAM [extra lines...]: Memory 32 MiB, Timeout 5 unless
# overridden with MEM= / TIMEOUT= / ETAG=.
manifest() {
	local f=$1 prog=$2
	shift 2
	{
		echo "Version = 20130611"
		echo "Program = $prog"
		echo "Memory = ${MEM:-33554432}, ${METAG:-0}"
		echo "Timeout = ${TIMEOUT:-5}"
		echo "$STD_IN"
		echo "$STD_OUT"
		echo "$STD_ERR"
		for l in "$@"; do echo "$l"; done
	} >"$f"
}

# probe SCRIPT [extra manifest lines...] [-- zerovm options]: run the probe
# guest with SCRIPT on stdin. Sets RC.
probe() {
	printf '%b' "$1" >"$T/script"
	shift
	local lines=() opts=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do lines+=("$1"); shift; done
	[ $# -gt 0 ] && shift && opts=("$@")
	manifest "$T/m" "$G/probe" "${lines[@]}"
	"$ZVM" "${opts[@]}" "$T/m" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}
run_m() { "$ZVM" "$@" >"$OUT" 2>"$ERR" </dev/null; RC=$?; }

# ---------------------------------------------------------------- basics
: >"$T/script"
manifest "$T/hello.m" "$G/hello"
run_m "$T/hello.m"
check "hello: program output" "$(prog_out)" "hello, world"
check "hello: exit code 0" "$RC" 0
check "hello: validator state passed" "$(rep 1)" 0
check "hello: daemon 0" "$(rep 2)" 0
check "hello: user return code" "$(rep 3)" 0
check "hello: etags disabled" "$(rep 4)" disabled
check_re "hello: accounting line" "$(rep 5)" '^[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2} 0 0 1 13 0 0 0 0$'
check "hello: exit state ok" "$(rep 6)" ok

probe 'x 7\n'
check "zvm_exit code is report line 3" "$(rep 3)" 7
check "zvm_exit: session ran, exit code 0" "$RC" 0
probe 'e 3\n'
check "plain exit_group code is report line 3" "$(rep 3)" 3

# ZeroVM-era programs wrote _start in C: the compiler's aligned stores on
# the entry stack need the stack as after a call (and argc at rsp).
manifest "$T/cstart.m" "$G/cstart"
run_m "$T/cstart.m"
check "_start in C: entered as after a call, argc and argv[0] at rsp (runtime)" \
	"$(prog_out) $(rep 3) $(rep 6)" "cstart: argc 1 argv[0] cstart 3 ok"
run_m -Z "$T/cstart.m"
check "_start in C: the same raw (-Z)" "$(prog_out) $(rep 3) $(rep 6)" "cstart: argc 1 argv[0] cstart 3 ok"

if [ "$MODE" == smoke ]; then
	finish
	exit
fi

# ---------------------------------------------------------------- manifest view
printf 'abcdefghij' >"$T/ten"
probe 'm\n' "Channel = $T/ten, /dev/zz, 1, 0, 5, 50, 0, 0" "Channel = $T/w1, /dev/aa, 0, 0, 0, 0, 3, 30"
check "user manifest: channels sorted stdin, stdout, stderr, then by alias" \
	"$(prog_out | tail -n 5 | awk '{print $1, $2, $4, $6, $7, $8, $9, $10}')" \
	"$(printf '%s\n' '0 /dev/stdin 0 0 100000 100000 0 0' '1 /dev/stdout 0 0 0 0 100000 10000000' \
		'2 /dev/stderr 0 0 0 0 1000 100000' '3 /dev/aa 0 0 0 0 3 30' '4 /dev/zz 1 10 5 50 0 0')"
check_re "user manifest: heap and stack" "$(prog_out | head -n 1)" '^heap 0x[0-9a-f]+0000 size [0-9]+ stack [0-9]+ channels 5$'

# ---------------------------------------------------------------- read quotas
printf '01234567890123456789' >"$T/twenty"
probe 'r 3 6 0\nr 3 6 0\nr 3 1 0\n' "Channel = $T/twenty, /dev/in, 0, 0, 100, 10, 0, 0"
check "get_size: clipped at the exact byte, then EDQUOT" "$(prog_out)" "$(printf '= 6 012345\n= 4 6789\n= -122')"
probe 'r 3 2 0\nr 3 2 0\nr 3 2 0\n' "Channel = $T/twenty, /dev/in, 0, 0, 2, 100, 0, 0"
check "gets: the call after the last allowed one gets EDQUOT" "$(prog_out)" "$(printf '= 2 01\n= 2 23\n= -122')"
probe 'r 3 10 0\nr 3 1 0\n' "Channel = $T/ten, /dev/in, 0, 0, 100, 10, 0, 0"
check "10-byte file, get_size 10: no end of input, EDQUOT next" "$(prog_out)" "$(printf '= 10 abcdefghij\n= -122')"
printf 'abcde' >"$T/five"
probe 'r 3 3 0\nr 3 10 0\nr 3 10 0\nr 3 10 0\n' "Channel = $T/five, /dev/in, 0, 0, 100, 100, 0, 0"
check "sequential end of input is sticky" "$(prog_out)" "$(printf '= 3 abc\n= 2 de\n= 0\n= 0')"
probe 'r 3 3 7\nr 3 3 0\n' "Channel = $T/ten, /dev/in, 0, 0, 100, 100, 0, 0"
check "sequential read ignores the offset" "$(prog_out)" "$(printf '= 3 abc\n= 3 def')"
probe 'r 3 4 8\nr 3 4 10\nr 3 4 11\nr 3 4 20\nr 3 3 2\nr 3 3 -1\nr 3 0 12\n' "Channel = $T/ten, /dev/in, 1, 0, 100, 100, 0, 0"
check "random read: clipped at the end, 0 at the end, EFAULT past it, offset honoured, negative offset EINVAL" \
	"$(prog_out)" "$(printf '= 2 ij\n= 0\n= -14\n= -14\n= 3 cde\n= -22\n= -14')"
probe 'r 3 0 0\nr 3 -5 0\n' "Channel = $T/ten, /dev/in, 0, 0, 1, 1, 0, 0"
check "size 0 returns 0, size < 0 EFAULT" "$(prog_out)" "$(printf '= 0\n= -14')"
# The original's order: handle, then the buffer (also for size 0 or less),
# then the size. NULL and read-only memory are no pread buffer at all.
probe 'ra 3 0 0 0\nra 3 0x10000 0 0\nra 3 0 -5 0\nwa 4 0 0 0\nwa 4 0x10000 0 0\nwa 4 0 -1 0\nwa 4 0x10000 -1 0\nra 9 0 0 0\n' \
	"Channel = $T/ten, /dev/in, 0, 0, 100, 100, 0, 0" "Channel = $T/bo, /dev/out, 0, 0, 0, 0, 10, 100"
check "buffer before size: size 0 or less with NULL or read-only memory is EINVAL, a readable source for pwrite 0" \
	"$(prog_out)" "$(printf '= -22\n= -22\n= -22\n= -22\n= 0\n= -22\n= -14\n= -22')"
probe 'r 3 3 -1\nr 3 2 -7\nW 4 -1 xyz\nW 4 -123 uv\n' "Channel = $T/ten, /dev/in, 0, 0, 100, 100, 0, 0" \
	"Channel = $T/seqneg, /dev/out, 0, 0, 0, 0, 10, 100"
check "sequential reads and writes ignore a negative offset" "$(prog_out) $(cat "$T/seqneg")" \
	"$(printf '= 3 abc\n= 2 de\n= 3\n= 2 xyzuv')"

# ---------------------------------------------------------------- write quotas
probe 'w 3 5 0 a\nw 3 8 0 b\nw 3 1 0 c\n' "Channel = $T/wq, /dev/out, 0, 0, 0, 0, 100, 10"
check "put_size: clipped at the exact byte, then EDQUOT" "$(prog_out)" "$(printf '= 5\n= 5\n= -122')"
check "put_size: file holds exactly the bytes allowed" "$(cat "$T/wq")" "aaaaabbbbb"
probe 'w 3 1 0 a\nw 3 1 0 b\nw 3 1 0 c\n' "Channel = $T/wq2, /dev/out, 0, 0, 0, 0, 2, 100"
check "puts: the call after the last allowed one gets EDQUOT" "$(prog_out)" "$(printf '= 1\n= 1\n= -122')"
probe 'w 3 1 0 a\nr 4 1 0\n' "Channel = $T/ten, /dev/in, 0, 0, 10, 10, 0, 0" "Channel = $T/wo, /dev/out, 0, 0, 0, 0, 10, 10"
check "write to a read-only channel and read from a write-only one fail" "$(prog_out)" "$(printf '= -122\n= -122')"
probe 'r 9 1 0\nr -1 1 0\nw 99 1 0 a\n'
check "bad handle: EINVAL" "$(prog_out)" "$(printf '= -22\n= -22\n= -22')"

# ---------------------------------------------------------------- positions
probe 'W 3 5 abc\nW 3 0 xy\n' "Channel = $T/rw, /dev/out, 2, 0, 0, 0, 10, 100"
check "random write honours offsets" "$(od -An -c "$T/rw" | tr -s ' ')" " x y \\0 \\0 \\0 a b c"
check "random write: file truncated to the furthest byte written" "$(stat -c %s "$T/rw")" 8
# Random writes stay where the quota could reach (the original's bounds):
# write-only, below put_size; read-write, below the size plus what is left.
probe 'W 3 100 x\nW 3 99 abcdef\nW 3 200 y\nW 3 -1 z\n' "Channel = $T/rwo, /dev/out, 2, 0, 0, 0, 10, 100"
check "random write-only: offset >= put_size EINVAL, below it clipped by the quota" \
	"$(prog_out) $(stat -c %s "$T/rwo")" "$(printf '= -22\n= 6\n= -22\n= -22 105')"
printf '0123456789' >"$T/rrw"
probe 'W 3 15 a\nW 3 14 bcdefgh\nW 3 19 x\nW 3 3 x\n' "Channel = $T/rrw, /dev/rrw, 3, 0, 10, 100, 10, 5"
check "random read-write: offset >= size + put_size left EINVAL; quota spent: EINVAL at the end, EDQUOT inside" \
	"$(prog_out) $(stat -c %s "$T/rrw") $(tail -c 5 "$T/rrw")" "$(printf '= -22\n= 5\n= -22\n= -122 19 bcdef')"
probe 'W 3 5 abc\nW 3 0 xy\n' "Channel = $T/sw, /dev/out, 0, 0, 0, 0, 10, 100"
check "sequential write ignores offsets" "$(cat "$T/sw")" "abcxy"
printf 'abc' >"$T/app"
probe 'W 3 0 de\nr 3 10 0\n' "Channel = $T/app, /dev/app, 1, 0, 10, 100, 10, 100"
check "read-write type 1 appends and reads back" "$(prog_out)" "$(printf '= 2\n= 5 abcde')"
check "read-write type 1 file content" "$(cat "$T/app")" "abcde"

# ---------------------------------------------------------------- buffers
probe 'ra 3 0x10000 4 0\nra 3 0x0 4 0\nra 3 0xffffffff00000000 4 0\nwa 1 0xfffffffffffff000 4 0\nwa 1 0x10000 2 0\n' \
	"Channel = $T/ten, /dev/in, 0, 0, 100, 100, 0, 0"
check "buffers outside writable (readable) memory: EINVAL; trampoline is readable" \
	"$(prog_out | head -n 4)" "$(printf '= -22\n= -22\n= -22\n= -22')"
check_re "pwrite from the trampoline page works" "$(prog_out | tail -n 1)" '= 2$'
probe 'm\nM\n'
heap=$(prog_out | head -n 1 | awk '{print $2}')
heap_end=$((heap + $(prog_out | head -n 1 | awk '{print $4}')))
man=$(prog_out | tail -n 1 | awk '{print $2}')
# The original's heap never ran into the stack: the byte after heap_ptr +
# heap_size is in an unmapped gap, for the trap calls and the CPU alike.
probe "ra 3 $((heap_end - 1)) 1 0\nra 3 $((heap_end - 1)) 2 0\nra 3 $heap_end 0 0\nwa 4 $((heap_end - 1)) 2 0\nwa 4 $((heap_end - 1)) 1 0\npeek $heap_end\n" \
	"Channel = $T/ten, /dev/in, 0, 0, 100, 100, 0, 0" "Channel = $T/gapw, /dev/out, 0, 0, 0, 0, 10, 100"
check "heap gap: the last heap byte is a buffer, one more byte is not (EINVAL)" "$(prog_out)" \
	"$(printf '= 1\n= -22\n= -22\n= -22\n= 1')"
check_re "heap gap: touching the byte after the heap faults" "$(rep 6)" '^Signal 11 from untrusted code'
probe "jh $((heap_end - heap - 65536)) 65536\njh $((heap_end - heap - 65536)) 65537\njh $((heap_end - heap)) 1\n"
check "heap gap: the last 64 KiB chunk can be jailed, nothing past it" "$(prog_out)" "$(printf '= 0\n= -22\n= -22')"
probe "ra 3 $man 4 0\nwa 1 $man 4 0\n" "Channel = $T/ten, /dev/in, 0, 0, 100, 100, 0, 0"
check "the user manifest is readable, not writable" "$(prog_out | head -n 1; prog_out | tail -n 1 | cut -c5-)" "$(printf '= -22\n= 4')"
probe 'ta 0\nta 0x8\nt 5\nt 0x6b726f46\n'
check "bad args pointer EFAULT, unknown trap EPERM" "$(prog_out | head -n 3)" "$(printf '= -14\n= -14\n= -1')"
check "fork without Job returns 0" "$(prog_out | tail -n 1)" "= 0"

# ---------------------------------------------------------------- jail
printf '\xb8\x2a\x00\x00\x00\xc3' >"$T/code"
probe 'ra 3 HEAP 6 0\njh 0 65536\ncallh 0\nra 3 HEAP 6 0\nuh 0 65536\nra 3 HEAP 6 0\njh 1 100\nj 0x400000 65536\njh 0 0\n' \
	"Channel = $T/code, /dev/code, 1, 0, 100, 100, 0, 0"
sed -i "s/HEAP/$heap/g" "$T/script"
"$ZVM" "$T/m" >"$OUT" 2>"$ERR" </dev/null
check "jail: code read into the heap runs after jail; jailed memory is not writable; unjail restores" \
	"$(prog_out)" "$(printf '= 6\n= 0\n= 42\n= -22\n= 0\n= 6\n= -22\n= -22\n= -22')"
probe "jh 0 100\nra 3 $((heap + 8192)) 6 0\npoke $((heap + 8192))\n" "Channel = $T/code, /dev/code, 1, 0, 100, 100, 0, 0"
check "jail covers whole 64 KiB chunks, for the supervisor and the CPU alike" "$(prog_out)" "$(printf '= 0\n= -22')"
check_re "jail: the rest of the chunk is not writable" "$(rep 6)" '^Signal 11 from untrusted code'
probe "ra 3 $heap 6 0\ncallh 0\n" "Channel = $T/code, /dev/code, 1, 0, 100, 100, 0, 0"
check_re "heap is not executable without jail" "$(rep 6)" '^Signal 11 from untrusted code'

# ---------------------------------------------------------------- etags
printf 'some input data\n' >"$T/edata"
METAG=1 probe 'r 3 100 0\nW 4 0 written bytes\n' "Channel = $T/edata, /dev/in, 0, 1, 10, 100, 0, 0" \
	"Channel = $T/eout, /dev/out, 0, 1, 0, 0, 10, 100"
want="/dev/in $(sha1sum <"$T/edata" | cut -d' ' -f1) /dev/out $(printf 'written bytes' | sha1sum | cut -d' ' -f1)"
check_re "channel etags equal sha1sum of the data" "$(rep 4)" "^$want /dev/memory [0-9a-f]{40}\$"
m1=$(rep 4)
METAG=1 probe 'r 3 100 0\nW 4 0 written bytes\n' "Channel = $T/edata, /dev/in, 0, 1, 10, 100, 0, 0" \
	"Channel = $T/eout, /dev/out, 0, 1, 0, 0, 10, 100"
check "determinism: a second run gives the same etags and memory etag" "$(rep 4)" "$m1"
METAG=1 probe 'r 3 100 0\nW 4 0 written bytez\n' "Channel = $T/edata, /dev/in, 0, 1, 10, 100, 0, 0" \
	"Channel = $T/eout, /dev/out, 0, 1, 0, 0, 10, 100"
[ "$(rep 4 | awk '{print $6}')" != "$(echo "$m1" | awk '{print $6}')" ] && ok "memory etag changes with memory content" ||
	bad "memory etag changes with memory content" "same etag for different runs"

# ---------------------------------------------------------------- preallocation
TIMEOUT=2 probe 'W 3 0 abc\nspin\n' "Channel = $T/pre, /dev/out, 0, 0, 0, 0, 10, 4096" &
sleep 1
during=$(stat -c %s "$T/pre" 2>/dev/null)
wait
check "write channel preallocated to put_size while running" "$during" 4096
check "preallocated file truncated to the bytes written" "$(stat -c %s "$T/pre")" 3
check "timeout: exit state" "$(rep 6)" "session timeout"
TIMEOUT=2 probe 'W 3 0 abc\nspin\n' "Channel = $T/pre2, /dev/out, 0, 0, 0, 0, 10, 4096" -- -P &
sleep 1
during=$(stat -c %s "$T/pre2" 2>/dev/null)
wait
check "-P: no preallocation" "$during" 3

# ---------------------------------------------------------------- ending badly
TIMEOUT=1 probe 'spin\n'
check "timeout: exit code 4" "$RC" 4
check "timeout: state" "$(rep 6)" "session timeout"
probe 'W 1 0 partial output\nW 3 0 partial file\npeek 8\nW 1 0 never\n' "Channel = $T/crash, /dev/out, 0, 0, 0, 0, 10, 1000"
check_re "crash: Signal 11 reported" "$(rep 6)" '^Signal 11 from untrusted code'
check "crash: exit code 4" "$RC" 4
check "crash: partial program output kept, nothing after the crash" "$(prog_out | head -n 1 | cut -c1-14) $(prog_out | grep -c never)" "partial output 0"
check "crash: partial file output kept and truncated" "$(cat "$T/crash")" "partial file"
probe 'touch 1048576\n'
check "memory: touching 1 MiB of heap works" "$(prog_out)" "= 1048576"
probe 'touch 67108864\n'
check_re "memory exhaustion: touching past guest memory is stopped" "$(rep 6)" '^Signal 11 from untrusted code'
probe 'W 3 1073741820 abcd\nW 3 1073741823 xy\nW 3 0 never\n' "Channel = $T/big2, /dev/out, 2, 0, 0, 0, 10, 2147483648" -- -P -l 1
check "-l: a write ending exactly at the limit is fine; one byte past ends the session" "$(prog_out)" "$(printf '= 4')"
check "-l: output past the file size limit: disk quota exceeded" "$(rep 6)" "disk quota exceeded"
check "-l: exit code 4" "$RC" 4
check "-l: the file ends at the limit" "$(stat -c %s "$T/big2")" 1073741824
rm -f "$T/big2"

printf 'W 1 0 partial\nspin\n' >"$T/script"
TIMEOUT=30 manifest "$T/term.m" "$G/probe"
"$ZVM" "$T/term.m" >"$OUT" 2>"$ERR" &
zpid=$!
sleep 0.5
kill -TERM $zpid
wait $zpid
RC=$?
check "SIGTERM to zerovm: clean report" "$(rep 6)" "Signal 15 from trusted code: session stopped"
check "SIGTERM to zerovm: exit code 4, output kept" "$RC $(prog_out)" "4 partial= 7"

printf 'spin\n' >"$T/script"
TIMEOUT=5 manifest "$T/alrm.m" "$G/probe"
"$ZVM" "$T/alrm.m" >"$OUT" 2>"$ERR" &
zpid=$!
sleep 0.3
kill -ALRM $zpid
kill -CHLD $zpid
sleep 0.3
kill -TERM $zpid
wait $zpid
check "SIGALRM and SIGCHLD from another process are ignored" "$(rep 6)" "Signal 15 from trusted code: session stopped"
rm -f "$T/fifo2" && mkfifo "$T/fifo2"
(exec 3>"$T/fifo2"; sleep 6) &
holder=$!
printf 'r 3 10 0\n' >"$T/script"
manifest "$T/fifo2.m" "$G/probe" "Channel = $T/fifo2, /dev/fifo, 0, 0, 10, 100, 0, 0"
start=$(date +%s%N)
"$ZVM" "$T/fifo2.m" >"$OUT" 2>"$ERR" &
zpid=$!
sleep 0.5
kill -TERM $zpid
wait $zpid
ms=$((($(date +%s%N) - start) / 1000000))
kill $holder 2>/dev/null
wait $holder 2>/dev/null
check "SIGTERM while zerovm waits on a FIFO: prompt report" "$(rep 6) $([ $ms -lt 3000 ] && echo prompt || echo "slow ${ms}ms")" \
	"Signal 15 from trusted code: session stopped prompt"

# ---------------------------------------------------------------- the wall
probe 'W 1 0 before\nsys 39\n' -- -Z
check "plain Linux syscall (getpid) kills the guest with SIGSYS" "$(rep 6)" "Signal 31 from untrusted code: Bad system call"
check "plain syscall: output before it kept" "$(prog_out)" "before= 6"
probe 'sys 57\n' -- -Z
check "fork syscall: SIGSYS" "$(rep 6)" "Signal 31 from untrusted code: Bad system call"
probe 'sys 0x40000027\n'
check "x32 syscall number: killed" "$(rep 6)" "Signal 31 from untrusted code: Bad system call"
probe 'rdtsc\n' -- -Z
check_re "rdtsc traps" "$(rep 6)" '^Signal 11 from untrusted code'
probe 'peek 0x7ffff7f45000\n'
check_re "the vDSO is not mapped" "$(rep 6)" '^Signal 11 from untrusted code'
probe 'peek 0x7ffff7f3f000\n'
check_re "the vvar page is not mapped" "$(rep 6)" '^Signal 11 from untrusted code'
probe 'peek 0x7fffffffe000\n'
check_re "the kernel's initial stack (AT_RANDOM) is not mapped" "$(rep 6)" '^Signal 11 from untrusted code'
probe "mprot $heap 65536 3\nmprot $heap 65536 7\n" -- -Z
check "mprotect inside guest memory R+W is allowed" "$(prog_out)" "= 0"
check "mprotect W+X: SIGSYS" "$(rep 6)" "Signal 31 from untrusted code: Bad system call"
probe 'mprot 0x20000000000 4096 1\n' -- -Z
check "mprotect outside guest memory: SIGSYS" "$(rep 6)" "Signal 31 from untrusted code: Bad system call"

# The same acts with the runtime (the default): answered inside the sandbox.
probe 'W 1 0 before\nsys 39\nsys 57\nrdtsc\nrdtsc\n'
check "runtime: getpid is 1, fork is EAGAIN, rdtsc from the virtual clock" "$(prog_out | tr '\n' ' ')" \
	"before= 6 = 1 = -11 = 1000 = 2000 "
check "runtime: the session ends normally" "$(rep 6)" ok
probe "mprot $heap 65536 7\nmprot 0x20000000000 4096 1\nsys 2\n"
check "runtime: mprotect W+X and outside guest memory refused, open(NULL) EFAULT" "$(prog_out | tr '\n' ' ')" \
	"= -13 = -13 = -14 "

# A raw program owns its /dev/nvram: the runtime leaves a channel it cannot
# parse alone (no read, no get charged), and complains only when the program
# asks it for something (a Linux system call).
printf 'raw-config: 42\n[[not an nvram\n' >"$T/own-nvram"
probe 'r 3 100 0\nr 3 100 0\n' "Channel = $T/own-nvram, /dev/nvram, 0, 1, 2, 100, 0, 0"
check "raw program, its own /dev/nvram: read whole by the program, session ok, etag of exactly its bytes" \
	"$(prog_out | head -n 1) $(prog_out | sed -n 4p) $(rep 3) $(rep 6) $(rep 4 | awk '{print $2}')" \
	"= 30 raw-config: 42 = 0 0 ok $(sha1sum <"$T/own-nvram" | cut -d' ' -f1)"
probe 'W 1 0 before\nsys 39\nW 1 0 after\n' "Channel = $T/own-nvram, /dev/nvram, 0, 0, 2, 100, 0, 0"
check "...but a Linux system call then ends it: the nvram's problem named, status 127" \
	"$(prog_out | tr '\n' ' ')$(rep 3) $(cat "$ERR")" "before= 6 127 zrt: nvram line 1: key=value line outside any section"

# ---------------------------------------------------------------- channel sources
probe 'r 4 8 0\nW 3 0 gone\n' "Channel = /dev/zero, /dev/zero, 0, 0, 10, 100, 0, 0" \
	"Channel = /dev/null, /dev/null, 0, 0, 0, 0, 10, 100"
check "character devices: /dev/zero reads zeros, /dev/null swallows" "$(prog_out | od -An -c | tr -s ' ' | tr -d '\n')" " = 8 \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\n = 4 \\n"
rm -f "$T/fifo" && mkfifo "$T/fifo"
(printf 'through a fifo' >"$T/fifo") &
probe 'r 3 100 0\n' "Channel = $T/fifo, /dev/fifo, 0, 0, 10, 100, 0, 0"
wait
check "FIFO source" "$(prog_out)" "= 14 through a fifo"
manifest "$T/hello.m" "$G/hello"
"$ZVM" "$T/hello.m" >"$T/redirected" 2>"$ERR" </dev/null
check "stdout redirected to a file: output then report, nothing truncated" "$(head -n 1 "$T/redirected"; tail -n 1 "$T/redirected")" "$(printf 'hello, world\nok')"

probe 'r 3 4 100\n' "Channel = /dev/zero, /dev/zero, 1, 0, 10, 100, 0, 0"
check "a device with a random-read type is read sequentially" "$(prog_out | od -An -c | tr -s ' ' | tr -d '\n')" " = 4 \\0 \\0 \\0 \\0 \\n"
printf 'ab' >"$T/rep1"
printf 'ab' >"$T/rep2"
probe 'W 3 0 cd\nr 3 10 0\n' "Channel = $T/rep1;$T/rep2, /dev/rep, 1, 0, 10, 100, 10, 100"
check "replicated append channel: both sources appended, reads agree" "$(prog_out; cat "$T/rep1" "$T/rep2")" "$(printf '= 2\n= 4 abcd\nabcdabcd')"
printf 'abc' >"$T/rep3"
probe 'r 3 10 0\n' "Channel = $T/rep1;$T/rep3, /dev/rep, 0, 0, 10, 100, 0, 0"
check "replicated sources that disagree: EIO" "$(prog_out)" "= -5"
# Replicas are compared in 64 KiB pieces, whatever size the program asks
# for: a 2 GiB read of a replicated channel needs no 2 GiB of zerovm's own
# memory (its address space is held to 3.5 GiB, 2.5 of them guest memory).
if [ -n "${ASAN_OPTIONS:-}" ]; then
	echo "ok - replicated sources: a 2 GiB read is compared in pieces # SKIP AddressSanitizer cannot run under ulimit -v"
else
	MEM=2684354560 probe 'm\n'
	bigheap=$(prog_out | head -n 1 | awk '{print $2}')
	printf 'ra 3 %s 2147483647 0\n' "$bigheap" >"$T/script"
	MEM=2684354560 manifest "$T/rep.m" "$G/probe" "Channel = $T/rep1;$T/rep2, /dev/rep, 0, 0, 10, 2147483647, 0, 0"
	(ulimit -S -v 3670016; "$ZVM" "$T/rep.m" >"$OUT" 2>"$ERR" </dev/null)
	check "replicated sources: a 2 GiB read is compared in pieces (no 2 GiB allocation)" "$(prog_out) $(rep 6)" "= 4 ok"
fi

# ---------------------------------------------------------------- faults
mkdir -p "$T/small"
if mount -t tmpfs -o size=64k zvm-test "$T/small" 2>/dev/null; then
	probe 'flood 3 1024\n' "Channel = $T/small/out, /dev/out, 0, 0, 0, 0, 100000, 1048576"
	written=$(prog_out | awk '{print $2}')
	size=$(stat -c %s "$T/small/out")
	check "disk full: the program gets ENOSPC, the session ends normally" "$(prog_out | sed 's/= .*/=/') $(rep 6)" "= ok"
	check_re "disk full: everything written before is kept, nothing more" "$size" "^[1-9][0-9]*$"
	umount "$T/small"
else
	echo "ok - disk full # SKIP cannot mount a small tmpfs here"
fi
chmod 0555 "$T/small"
probe 'W 3 0 x\n' "Channel = $T/small/denied/out, /dev/out, 0, 0, 0, 0, 10, 100"
check "output path that cannot be created: exit code 5" "$RC" 5
check_re "output path that cannot be created: named in the report" "$(rep 6)" "channel /dev/out: cannot open .*/small/denied/out"
# The input shrinks while the session runs: the program reads, then waits on
# a FIFO until the file was truncated (no timing involved).
head -c 100000 /dev/urandom >"$T/shrink"
rm -f "$T/go" && mkfifo "$T/go"
printf 'ra 4 %s 4096 0\nr 3 1 0\nra 4 %s 4096 90000\nra 4 %s 4096 49000\n' "$heap" "$heap" "$heap" >"$T/script"
TIMEOUT=20 manifest "$T/shrink.m" "$G/probe" "Channel = $T/go, /dev/go, 0, 0, 10, 10, 0, 0" \
	"Channel = $T/shrink, /dev/in, 1, 0, 100, 1000000, 0, 0"
"$ZVM" "$T/shrink.m" >"$OUT" 2>"$ERR" </dev/null &
zpid=$!
exec 7>"$T/go"
for _ in $(seq 1 200); do grep -q '^= 4096' "$OUT" && break; sleep 0.05; done
truncate -s 50000 "$T/shrink"
printf 'g' >&7
exec 7>&-
wait $zpid
check "input truncated while read: reads past the new end return 0, a short read what is left" \
	"$(prog_out | tr '\n' ' ')$(rep 6)" "= 4096 = 1 g = 0 = 1000 ok"

HERE=$(cd "$(dirname "$0")" && pwd)
if gcc -std=c17 -O2 -ffreestanding -fno-stack-protector -fno-builtin -fno-pie -no-pie -static -nostdlib \
	-fcf-protection=none -I"$HERE/../../include" -o "$T/big" "$HERE/big.c" "$HERE/../../lib/zvm_mem.c" 2>"$ERR"; then
	MEM=536870912 manifest "$T/big.m" "$T/big"
	run_m "$T/big.m"
	check "a program of 300 MiB loads and runs" "$(rep 1) $(rep 3) $(rep 6)" "0 3 ok"
	MEM=268435456 manifest "$T/big2.m" "$T/big"
	run_m "$T/big2.m"
	check "a program of 300 MiB in 256 MiB of memory: exit 8, named" "$RC $(rep 6 | grep -c 'does not fit')" "8 1"
	rm -f "$T/big"
else
	bad "a program of 300 MiB" "cannot build it: $(head -n 3 "$ERR")"
fi

# A manifest of exactly 512 KiB (comment lines pad it) works; a byte more does not.
cp "$T/hello.m" "$T/pad.m"
while [ $(stat -c %s "$T/pad.m") -lt $((512 * 1024 - 100)) ]; do
	printf '== %096d\n' 0 >>"$T/pad.m"
done
pad=$((512 * 1024 - $(stat -c %s "$T/pad.m") - 1))
{ printf '=%*s' "$((pad - 1))" ''; echo; } >>"$T/pad.m"
run_m "$T/pad.m"
check "a manifest of exactly 512 KiB runs" "$(stat -c %s "$T/pad.m") $(rep 6)" "524288 ok"
echo >>"$T/pad.m"
run_m "$T/pad.m"
check "a manifest of 512 KiB + 1 byte: exit 14" "$RC $(rep 6)" "14 manifest: larger than 512 KiB"

# ---------------------------------------------------------------- errors and exit codes
err_case() { # NAME WANT_RC STATE_REGEX MANIFEST_FILE [options]
	local name=$1 want=$2 re=$3
	shift 3
	run_m "$@"
	check "$name: exit code $want" "$RC" "$want"
	check_re "$name: report says why" "$(rep 6)" "$re"
}
err_case "missing manifest" 2 "cannot open" "$T/nope.m"
: >"$T/empty.m"
err_case "empty manifest" 5 "empty" "$T/empty.m"
sed 's/^Version = .*/Version = 20120101/' "$T/hello.m" >"$T/e1.m"
err_case "wrong version" 14 "manifest line 1: Version" "$T/e1.m"
grep -v '^Program' "$T/hello.m" >"$T/e2.m"
err_case "Program missing" 14 "Program not specified" "$T/e2.m"
{ cat "$T/hello.m"; echo "Timeout = 3"; } >"$T/e3.m"
err_case "duplicate key" 14 "duplicate Timeout keyword" "$T/e3.m"
grep -v 'stderr' "$T/hello.m" >"$T/e4.m"
err_case "stderr channel missing" 14 "/dev/stderr not specified" "$T/e4.m"
manifest "$T/e5.m" "$T/does-not-exist"
err_case "program missing" 2 "cannot open" "$T/e5.m"
check "program missing: validator not run" "$(rep 1)" 2
manifest "$T/e6.m" /dev/zero
err_case "Program = /dev/zero" 5 "not a regular file" "$T/e6.m"
head -c 40 "$G/hello" >"$T/trunc"
manifest "$T/e7.m" "$T/trunc"
err_case "truncated ELF" 8 "truncated" "$T/e7.m"
head -c 2000 "$G/hello" >"$T/trunc2"
manifest "$T/e7b.m" "$T/trunc2"
err_case "ELF with segments cut off" 8 "truncated or malformed segment" "$T/e7b.m"
printf 'this is not an executable at all, just text long enough to hold an ELF header\n' >"$T/text"
manifest "$T/e8.m" "$T/text"
err_case "not an ELF" 8 "not an ELF" "$T/e8.m"
manifest "$T/e9.m" /bin/true
err_case "dynamic executable, raw (-Z): refused" 8 \
	"validation failed: dynamically linked: its interpreter is loaded by the runtime, so it cannot run raw" \
	-Z "$T/e9.m"
check "dynamic executable, raw: validator state failed" "$(rep 1)" 1
# patch FILE OFFSET BYTES: overwrite bytes of a copy of an ELF file.
patch() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
entry_rodata=$(readelf -lW "$G/hello" | awk '$1 == "LOAD" && $7 == "R" { print $3; exit }')
cp "$G/hello" "$T/badentry"
patch "$T/badentry" 24 "$(printf '%016x' $((entry_rodata)) | sed 's/../&\n/g' | tac | tr -d '\n' | sed 's/../\\x&/g')"
manifest "$T/e18.m" "$T/badentry"
err_case "entry point outside executable segments" 8 "validation failed: entry point" "$T/e18.m"
check "bad entry point: validator state failed" "$(rep 1)" 1
text_idx=$(readelf -lW "$G/hello" | awk '$1 == "LOAD" { if ($7 == "R" && $8 == "E") { print n; exit } n++ }')
cp "$G/hello" "$T/wx"
patch "$T/wx" $((64 + 56 * text_idx + 4)) '\x07'
manifest "$T/e19.m" "$T/wx"
err_case "writable and executable segment" 8 "both writable and executable" "$T/e19.m"
run_m -s "$T/e19.m"
check "writable and executable segment with -s: runs, validator not run" "$(rep 1) $(prog_out)" "2 hello, world"
manifest "$T/pie.m" "$G/hello-pie"
run_m "$T/pie.m"
check "static-PIE program runs" "$(rep 1) $(prog_out) $(rep 6)" "0 hello, world ok"
# Network channels have their own suite (tests/func/net.sh); here only an
# address the host cannot listen on (192.0.2.1 is nobody's, RFC 5737).
manifest "$T/e10.m" "$G/hello" "Channel = tcp:192.0.2.1:9, /dev/net, 0, 0, 1, 1, 0, 0"
err_case "tcp channel on a foreign address" 5 "channel /dev/net: cannot listen on 192.0.2.1:9" "$T/e10.m"
manifest "$T/e11.m" "$G/hello" "Channel = $T, /dev/dir, 0, 0, 1, 1, 0, 0"
err_case "directory channel" 93 "unsupported source" "$T/e11.m"
manifest "$T/e12.m" "$G/hello" "Channel = $T/x, /dev/x, 0, 0, 0, 10, 0, 10"
err_case "channel neither readable nor writable" 22 "neither readable" "$T/e12.m"
MEM=0 manifest "$T/e13.m" "$G/hello"
err_case "Memory = 0" 12 "invalid memory size" "$T/e13.m"
MEM=-1 METAG=1 manifest "$T/e13b.m" "$G/hello"
err_case "Memory = -1, 1 (a memory error, as the original)" 12 "invalid memory size -1" "$T/e13b.m"
MEM=1048576 manifest "$T/e14.m" "$G/hello"
err_case "program does not fit in Memory" 8 "does not fit" "$T/e14.m"
manifest "$T/e15.m" "$G/hello" "Channel = $T/nonexistent-in, /dev/in, 0, 0, 1, 1, 0, 0"
err_case "missing read-only input file (cannot be sized, as the original)" 14 "cannot open" "$T/e15.m"
{
	cat "$T/hello.m"
	for i in $(seq 1 10913); do echo "Channel=/dev/null,/dev/c$i,0,0,0,0,1,1"; done
} >"$T/e16.m"
err_case "too many channels" 23 "too many channels" "$T/e16.m"
head -n -1 "$T/e16.m" | sed 's/,0,0,0,0,1,1$/,0,1,0,0,1,1/' >"$T/e17.m"
run_m "$T/e17.m"
check "10915 channels run" "$(rep 6)" ok
check "10915 channels: every etag reported" "$(rep 4 | wc -w)" $((2 * 10912))
run_m -X "$T/hello.m"
check "unknown option: exit 22" "$RC" 22
check "unknown option: no report" "$(wc -l <"$OUT")" 0
run_m
check "no manifest: exit 22" "$RC" 22
run_m --help
check "--help: exit 0" "$RC" 0
check_re "--help: usage" "$(head -n 1 "$OUT")" "^Usage: zerovm"
run_m --version
check_re "--version" "$(cat "$OUT")" "^zerovm [0-9]"

# ---------------------------------------------------------------- options
run_m "$T/hello.m" -s
check "options may follow the manifest" "$(rep 1) $(prog_out)" "2 hello, world"
"$ZVM" "$T/hello.m" <&- >"$OUT" 2>"$ERR"
check "stdin closed: the session runs" "$(prog_out) $(rep 6)" "hello, world ok"
run_m -F "$T/hello.m"
check "-F: program not run" "$(prog_out)" ""
check "-F: validated, state ok" "$(rep 1) $(rep 6)" "0 ok"
run_m -s "$T/hello.m"
check "-s: validator state 2 (not run)" "$(rep 1)" 2
check "-s: program still runs" "$(prog_out)" "hello, world"
rm -f "$T/trace"
probe 'W 1 0 a\nr 3 1 0\nx 5\n' "Channel = $T/ten, /dev/in, 0, 0, 10, 10, 0, 0" -- -T "$T/trace"
# 20 one-byte script reads, the W command's write and result line, the r
# command's read and result line, the exit.
check "-T: one line per trap" "$(grep -c ': Trap' "$T/trace")" "$((20 + 2 + 2 + 1))"
check_re "-T: header line" "$(head -n 1 "$T/trace")" '^\[[0-9]+\] 0{48}$'
check_re "-T: line format" "$(grep TrapWrite "$T/trace" | head -n 1)" \
	'^[0-9]+\.[0-9]{6} \[[0-9]+\.[0-9]{6}\]: TrapWrite\(1, 0x[0-9a-f]+, 1, 0\) = 1$'
check_re "-T: exit traced with its code" "$(tail -n 1 "$T/trace")" 'TrapExit\(5\) = 5$'
TIMEOUT=3 probe 'spin\n' -- -t 2
check_re "-t 2: a fast accounting line each second" "$(prog_out | head -n 1)" '^[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2} [0-9]+'
run_m -v 1 "$T/hello.m"
check_re "-v 1: says how the sandbox is isolated" "$(cat "$ERR")" "sandbox: namespaces:"

# ---------------------------------------------------------------- privileges and fallbacks
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && command -v setpriv >/dev/null; then
	P=$(mktemp -d /tmp/zvm-priv.XXXXXX)
	cp "$G/hello" "$P/hello"
	STD_IN="Channel = /dev/null, /dev/stdin, 0, 0, 1, 1, 0, 0" manifest "$P/m" "$P/hello"
	chmod -R a+rX "$P"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ZVM" -v 1 "$P/m" >"$OUT" 2>"$ERR" </dev/null
	check "as an unprivileged user: runs with every namespace" "$(prog_out) $(rep 6) $(grep -c 'pid user mount ipc uts cgroup; empty root' "$ERR")" "hello, world ok 1"
	unshare -U -r "$ZVM" -v 1 "$P/m" >"$OUT" 2>"$ERR" </dev/null
	check "as root of a user namespace without nobody: ids kept, still isolated" \
		"$(prog_out) $(rep 6) $(grep -c 'user mount ipc uts cgroup; empty root; ids kept' "$ERR")" "hello, world ok 1"
	unshare -U -r sh -c "echo 0 >/proc/sys/user/max_user_namespaces && exec '$ZVM' '$P/m'" >"$OUT" 2>"$ERR" </dev/null
	check "neither nobody nor a user namespace: refuses to start (exit 14)" \
		"$(tail -n 1 "$OUT" | grep -c 'cannot drop to nobody, nor enter a user namespace') $(wc -l <"$OUT")" "1 6"
	rm -rf "$P"
else
	echo "ok - privilege fallbacks # SKIP needs root, unshare and setpriv"
fi

# ---------------------------------------------------------------- the report stays the report
# Output that ends mid-line gets a newline before the report, so that its
# last line cannot pass for part of it.
probe 'Wx 1 0 0\\n0\\n0\\ndisabled\\n0.00 0.00 0 0 0 0 0 0 0 0\\nfake\n'
check "report: program output without a final newline gets one, tail -n 6 is the true report" \
	"$(rep 3) $(rep 6) $(grep -c '^fake$' "$OUT") $(head -n -6 "$OUT" | tail -n 1)" "0 ok 1 fake"
# A random-write standard output (a file) can put a fake report anywhere:
# the true one goes after everything, at the end of the file.
STD_OUT="Channel = /dev/stdout, /dev/stdout, 2, 0, 0, 0, 10, 1000000" \
	probe 'Wx 1 100000 \\n0\\n0\\n777\\ndisabled\\n0.00 0.00 0 0 0 0 0 0 0 0\\nfake\n'
check "report: a fake report written past the end by a random-write stdout is followed by the true one" \
	"$(rep 3) $(rep 6) $(grep -ac '^777$' "$OUT") $(grep -ac '^fake$' "$OUT")" "0 ok 1 1"

# The output side of the timeout: a reader that never reads cannot keep
# zerovm past its deadline (plus a grace); what was written stays readable.
rm -f "$T/slow" && mkfifo "$T/slow"
exec 8<>"$T/slow" # a reader that never reads (and a writer, so opens do not wait)
printf 'flood 1 1024\n' >"$T/script"
TIMEOUT=2 manifest "$T/slow.m" "$G/probe"
timeout -k 5 60 "$ZVM" "$T/slow.m" >"$T/slow" 2>"$ERR" </dev/null
RC=$?
got=$(timeout 5 dd if="$T/slow" bs=65536 count=1 iflag=nonblock 2>/dev/null | tr -d 'x\0' | wc -c)
exec 8<&-
check "timeout: a stdout nobody reads does not hold zerovm past its deadline (exit 4, not killed)" "$RC" 4
check "timeout: the report could not be written, and zerovm says so" \
	"$(grep -c 'report: not written: standard output was not read by the session.s deadline' "$ERR")" 1
check "timeout: what the program wrote before is still there for the reader" "$got" 0

# zerovm's own writes are checked: a report that cannot be written is an
# I/O error (5), said on stderr.
"$ZVM" "$T/hello.m" >/dev/full 2>"$ERR" </dev/null
RC=$?
check "report: a standard output that refuses it (/dev/full): exit 5, said on stderr" \
	"$RC $(grep -c '^zerovm: report: No space left on device$' "$ERR")" "5 1"

# The host's own file size limit (ulimit -f, a soft limit here) is an error for the program
# (EFBIG), not a signal that kills zerovm.
probe 'W 3 0 0123456789\nw 3 2000 0 z\nw 3 10 0 y\n' "Channel = $T/fsz, /dev/out, 0, 0, 0, 0, 10, 100000" -- -P
(ulimit -S -f 1; "$ZVM" -P "$T/m" >"$OUT" 2>"$ERR" </dev/null)
RC=$?
check "ulimit -f: a write past it is EFBIG for the program (short, then -27), the session ends ok" \
	"$RC $(prog_out | tr '\n' ' ')$(rep 6) $(stat -c %s "$T/fsz")" "0 = 10 = 1014 = -27 ok 1024"

# -l is absolute: a standard output that already holds bytes counts them.
head -c 1000 /dev/zero >"$T/prefilled"
printf 'w 1 2000 0 a\n' >"$T/script"
TIMEOUT=5 manifest "$T/pre.m" "$G/probe"
sed -i 's|^Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100000, 10000000|Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100000, 4294967296|' "$T/pre.m"
"$ZVM" "$T/pre.m" -l 1 >>"$T/prefilled" 2>"$ERR" </dev/null
check "-l counts what a standard output already held (appending to a file of 1000 bytes)" \
	"$(tail -n 1 "$T/prefilled")" "ok"
dd if=/dev/zero bs=1M count=0 seek=1023 of="$T/prefilled" 2>/dev/null
"$ZVM" "$T/pre.m" -l 1 >>"$T/prefilled" 2>"$ERR" </dev/null
RC=$?
check "-l: a standard output 1 GiB - 1 MiB long takes no 2000 bytes more when -l 1 leaves 1 MiB... " \
	"$RC" 0
truncate -s $((1073741824 - 1000)) "$T/prefilled"
"$ZVM" "$T/pre.m" -l 1 >>"$T/prefilled" 2>"$ERR" </dev/null
RC=$?
check "-l: a write that would take a standard output past 1 GiB ends the session (disk quota exceeded)" \
	"$RC $(tail -n 1 "$T/prefilled") $(($(stat -c %s "$T/prefilled") < 1073741824 + 200))" "4 disk quota exceeded 1"
rm -f "$T/prefilled"

# -T is bounded like a channel: a storm of calls cannot fill the disk.
rm -f "$T/trace2"
printf 'flood 3 2000000\n' >"$T/script"
TIMEOUT=60 manifest "$T/storm.m" "$G/probe" "Channel = /dev/null, /dev/null, 0, 0, 0, 0, 10000000, 100000000000"
sed -i 's/^\(Channel = \/dev\/null, \/dev\/null, 0, 0, 0, 0\), 10000000/\1, 1000000/' "$T/storm.m"
"$ZVM" -T "$T/trace2" "$T/storm.m" >"$OUT" 2>"$ERR" </dev/null
RC=$?
tsize=$(stat -c %s "$T/trace2")
check "-T: a trap storm's trace stops at 16 MiB, its last line says how many calls it left out" \
	"$((tsize <= 16777216 + 200)) $(tail -n 1 "$T/trace2" | sed 's/[0-9]\+/N/g')" \
	"1 trace cut after N bytes: N more calls not traced"
check "-T: the report says the trace was cut (exit 0)" "$RC $(rep 6)" "0 ok; trace cut after $(($(tail -n 1 "$T/trace2" | awk '{print $4}'))) bytes"
"$ZVM" -T /dev/full "$T/hello.m" >"$OUT" 2>"$ERR" </dev/null
RC=$?
check "-T: a trace that cannot be written is an I/O error (5), named in the report" \
	"$RC $(rep 6)" "5 trace /dev/full: No space left on device"
rm -f "$T/trace2"

# ---------------------------------------------------------------- --json
# The report as JSON: the same session told twice, so every field is
# compared with the six lines of the same run.
if command -v jq >/dev/null; then
	ETAG=1 METAG=1 manifest "$T/json.m" "$G/hello"
	printf 'stale' >"$T/out.json"
	chmod 600 "$T/out.json"
	(umask 027 && "$ZVM" --json "$T/out.json" "$T/json.m" >"$OUT" 2>"$ERR" </dev/null)
	RC=$?
	J=$T/out.json
	check "--json: valid JSON, the six lines unchanged after the program's output" \
		"$(jq -r .version "$J") $(prog_out) $(wc -l <"$OUT")" "1 hello, world 7"
	check "--json: validator, daemon, return code and exit state as in lines 1, 2, 3, 6" \
		"$(jq -r '[.validator.state, .daemon, .user_return_code, .exit.state, .exit.code] | join(" ")' "$J")" \
		"$(rep 1) $(rep 2) $(rep 3) $(rep 6) $RC"
	check "--json: the etags of line 4, channel by channel, and the memory's" \
		"$(jq -r '[(.channels[] | select(.etag) | .alias, .etag), "/dev/memory", .memory_etag] | join(" ")' "$J")" "$(rep 4)"
	check "--json: the local accounting of line 5 (fields 3-6), network fields 7-10" \
		"$(jq -r '.accounting | [.local.reads, .local.read_bytes, .local.writes, .local.write_bytes,
			.network.reads, .network.read_bytes, .network.writes, .network.write_bytes] | join(" ")' "$J")" \
		"$(rep 5 | cut -d' ' -f3-10)"
	check "--json: each channel's own accounting (stdout: 1 write of 13 bytes) and limits" \
		"$(jq -r '.channels[] | select(.alias == "/dev/stdout") | [.used.writes, .used.write_bytes, .limits.put_size] | join(" ")' "$J")" \
		"1 13 10000000"
	check "--json: wall time, CPU time and peak memory are numbers, memory the manifest's" \
		"$(jq -r '[(.wall_time | type), (.cpu_time | type), (.peak_memory > 0), .memory] | join(" ")' "$J")" \
		"number number true 33554432"
	check "--json: an existing file is replaced (mode 0666 less the umask), no temporary left" \
		"$(stat -c %a "$J") $(ls "$T" | grep -c '\.zerovm-')" "640 0"
	# A session that fails before the program runs still gets its JSON.
	printf 'Version = 20130611\nMemory = 1000000, 0\n' >"$T/json-bad.m"
	run_m --json "$T/bad.json" "$T/json-bad.m"
	check "--json: a failed session (14) writes its state and code too" \
		"$(jq -r '[.exit.code, .exit.state, .validator.text] | join("|")' "$T/bad.json")" "$RC|$(rep 6)|not run"
	# Any path is valid JSON: a quote, a tab and a byte that is not UTF-8.
	weird=$(printf '%s/we"i\trd\377' "$T")
	printf 'abc' >"$weird"
	manifest "$T/json-weird.m" "$G/hello" "Channel = $weird, /dev/weird, 0, 0, 10, 10, 0, 0"
	run_m --json "$T/weird.json" "$T/json-weird.m"
	check "--json: a path with a quote, a tab and a non-UTF-8 byte (as U+00FF)" \
		"$(jq -r '.channels[] | select(.alias == "/dev/weird") | .sources[0]' "$T/weird.json")" \
		"$(printf '%s/we"i\trd\303\277' "$T")"
	run_m --json "$T/no/such/dir/x.json" "$T/hello.m"
	check "--json into a folder that does not exist: exit 5, said on stderr, the report still printed" \
		"$RC $(rep 6) $(grep -c 'zerovm: --json .*/no/such/dir/x.json: not written: No such file or directory' "$ERR")" \
		"5 ok 1"
	run_m "$T/hello.m" --json
	check "--json without a file: exit 22, said" "$RC $(grep -c 'option --json needs an argument' "$ERR")" "22 1"
else
	ok "--json # SKIP jq is missing (scripts/deps.sh installs it)"
fi

# ---------------------------------------------------------------- --stream
# Whole reads are the rule (results never depend on timing); --stream makes
# a sequential channel's reads return what has arrived. Behaviour is tested
# with a co-process in tests/func/zvsh.sh; here, what may stream.
manifest "$T/st.m" "$G/hello"
run_m --stream /dev/stdin "$T/st.m"
check "--stream /dev/stdin: the session runs" "$RC $(rep 6)" "0 ok"
run_m --stream /dev/stdout "$T/st.m"
check "--stream of a channel that is not read: exit 22, the report says why" "$RC $(rep 6)" \
	"22 --stream /dev/stdout: only a readable sequential channel of one source can stream"
run_m --stream /dev/nosuch "$T/st.m"
check "--stream of no channel: exit 22, named" "$RC $(rep 6)" "22 --stream /dev/nosuch: no such channel"
printf 'abc' >"$T/rnd"
manifest "$T/st2.m" "$G/hello" "Channel = $T/rnd, /dev/rnd, 1, 0, 10, 10, 0, 0"
run_m --stream /dev/rnd "$T/st2.m"
check "--stream of a random-read channel: exit 22" "$RC" 22

# ---------------------------------------------------------------- host untouched
probe 'sys 2\n' -- -Z
check "open syscall is stopped" "$(rep 6)" "Signal 31 from untrusted code: Bad system call"

# The sandbox dies with its supervisor.
printf 'spin\n' >"$T/script"
TIMEOUT=60 manifest "$T/spin.m" "$G/probe"
# Started from a subshell so that it is not our job: bash would report
# the kill below as noise.
("$ZVM" "$T/spin.m" >/dev/null 2>&1 & echo $! >"$T/zpid")
zpid=$(cat "$T/zpid")
child=""
for _ in $(seq 50); do
	child=$(cat /proc/$zpid/task/*/children 2>/dev/null | tr -d ' ')
	[ -n "$child" ] && [ "$(readlink /proc/$child/exe 2>/dev/null)" != "$ZVM" ] && break
	sleep 0.05
done
kill -9 $zpid
for _ in $(seq 50); do [ -d /proc/$child ] || break; sleep 0.05; done
if [ -n "$child" ] && [ ! -d /proc/$child ]; then ok "supervisor killed: the sandbox dies too"; else
	bad "supervisor killed: the sandbox dies too" "sandbox pid [$child] still there"; fi

finish
