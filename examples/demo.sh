#!/bin/sh
# demo.sh BUILD_DIR - two acts on the bundled text.
#  1. the word-frequency example, a raw ZeroVM program, under zerovm with a
#     hand-written manifest: the program's output, then the six-line report;
#  2. the same question answered by unmodified busybox applets (Debian's
#     busybox-static), each in its own sandbox under zvsh, joined by host
#     pipes.
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
[ $rc -eq 0 ] || exit $rc

text=$here/data/tale-of-two-cities.txt
zvsh=$build/zvsh
bb=${BUSYBOX:-/bin/busybox}
echo
echo "== act 2: busybox applets, one sandbox each, under zvsh"
printf '%s\n' "zvsh busybox tr -cs A-Za-z '\\n' <text | zvsh busybox tr A-Z a-z | zvsh busybox sort \\" \
	"  | zvsh busybox uniq -c | zvsh busybox sort -rn | zvsh busybox head -n 10"
"$zvsh" "$bb" tr -cs A-Za-z '\n' <"$text" | "$zvsh" "$bb" tr A-Z a-z | "$zvsh" "$bb" sort |
	"$zvsh" "$bb" uniq -c | "$zvsh" "$bb" sort -rn | "$zvsh" "$bb" head -n 10
echo
echo "== zvsh --report busybox wc @$(basename "$text")   (a host file as a channel; report on stderr)"
(cd "$here/data" && "$zvsh" --report "$bb" wc "@$(basename "$text")")
