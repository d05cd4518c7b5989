#!/bin/sh
# demo.sh BUILD_DIR - run the word-frequency example under zerovm on the
# bundled text and show what a session looks like: the program's output,
# then ZeroVM's six-line report.
set -eu
build=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
dir=$build/demo
mkdir -p "$dir"
cat >"$dir/wordfreq.manifest" <<MANIFEST
= zerovm demo: count the words of a text (a comment: this line has two '=')
Version = 20130611
Program = $build/examples/wordfreq
Memory = 67108864, 1
Timeout = 10
Channel = /dev/stdin, /dev/stdin, 0, 0, 1, 1, 0, 0
Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 64, 65536
Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 16, 4096
Channel = $here/data/tale-of-two-cities.txt, /dev/input, 0, 1, 1024, 16777216, 0, 0
MANIFEST
echo "== manifest ($dir/wordfreq.manifest)"
cat "$dir/wordfreq.manifest"
echo
echo "== zerovm $dir/wordfreq.manifest"
set +e
"$build/zerovm" "$dir/wordfreq.manifest" >"$dir/out.txt" 2>&1
rc=$?
set -e
lines=$(wc -l <"$dir/out.txt")
head -n $((lines - 6)) "$dir/out.txt"
echo
echo "== report"
tail -n 6 "$dir/out.txt" | {
	read -r v; echo "validator state   $v"
	read -r d; echo "daemon            $d"
	read -r u; echo "user return code  $u"
	read -r e; echo "etags             $e"
	read -r a; echo "accounting        $a"
	read -r s; echo "exit state        $s"
}
echo "zerovm exit code  $rc"
echo "(input sha1sum    $(sha1sum <"$here/data/tale-of-two-cities.txt" | cut -d' ' -f1))"
exit $rc
