#!/bin/sh
# demo.sh BUILD_DIR - four acts on the bundled texts.
#  1. the word-frequency example, a raw ZeroVM program, under zerovm with a
#     hand-written manifest: the program's output, then the six-line report;
#  2. the same question answered by unmodified busybox applets (Debian's
#     busybox-static), each in its own sandbox under zvsh, joined by host
#     pipes;
#  3. a MapReduce word count over every bundled text under zvjob: map nodes
#     from a wildcard, one reduce node through connect; the result and the
#     per-node report;
#  4. Debian's python3.11 from build/images/python3.tar under zvsh: a short
#     analysis of the bundled texts.
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

# Act 3: the same question as a MapReduce job under zvjob: one map node per
# bundled text (a wildcard), one reduce node fed through connect (network
# channels on loopback, resolved by the job's name server).
zvjob=$build/zvjob
root=$dir/jobroot
rm -rf "$root"
mkdir -p "$root/demo/bin" "$root/demo/texts" "$root/demo/out"
cp "$build"/examples/jobs/wc-map "$build"/examples/jobs/wc-reduce "$root/demo/bin/"
cp "$here"/data/*.txt "$root/demo/texts/"
echo
echo "== act 3: MapReduce word count under zvjob (examples/jobs/wordcount.json)"
echo "texts: $(cd "$root/demo/texts" && echo *)"
echo "zvjob --root $root --report $dir/report.json examples/jobs/wordcount.json"
"$zvjob" --root "$root" --report "$dir/report.json" "$here/jobs/wordcount.json"
echo
echo "== swift://demo/out/top-words.txt (the 10 most frequent of its 20)"
head -n 10 "$root/demo/out/top-words.txt"
echo
echo "== the report, one line a node ($dir/report.json)"
# jansson's indented output: a node's keys at 6 spaces, accounting's at 8.
awk '
	function val(s) { sub(/^ *"[a-z_]+": /, "", s); sub(/,$/, "", s); gsub(/"/, "", s); return s }
	BEGIN { printf "%-8s %-7s %-11s %3s %10s %10s %10s %10s %8s\n", "node", "status", "exit state", "rc",
		"read", "written", "net in", "net out", "wall ms" }
	/^      "name": /        { name = val($0) }
	/^      "status": /      { st = val($0) }
	/^      "exit_state": /  { es = val($0) }
	/^      "return_code": / { rc = val($0) }
	/^        "local_bytes_read": /    { lr = val($0) }
	/^        "local_bytes_written": / { lw = val($0) }
	/^        "net_bytes_read": /      { nr = val($0) }
	/^        "net_bytes_written": /   { nw = val($0) }
	/^      "wall_time": / {
		printf "%-8s %-7s %-11s %3s %10s %10s %10s %10s %8.1f\n", name, st, es, rc, lr, lw, nr, nw, val($0) * 1000 }
	/^    "status": /    { job = val($0) }
	/^    "wall_time": / { jw = val($0) * 1000 }
	END { printf "job: %s in %.1f ms\n", job, jw }' "$dir/report.json"

# Act 4: Python. Debian's own python3.11, unmodified and dynamically linked,
# from the image make images builds (docs/python.md): a short analysis of
# the bundled texts.
echo
echo "== act 4: Debian's python3.11 in the sandbox (examples/python/books.py)"
echo "zvsh --image build/images/python3.tar python3 @python/books.py @data/*.txt"
(cd "$here" && "$zvsh" --image "$build/images/python3.tar" python3 @python/books.py \
	@data/alice-in-wonderland.txt @data/moby-dick.txt @data/pride-and-prejudice.txt @data/tale-of-two-cities.txt)
