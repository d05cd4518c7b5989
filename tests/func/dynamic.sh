#!/usr/bin/env bash
# Dynamically linked programs and Python 3, for real, each compared with
# its native run in the same test:
#   - host coreutils, jq and sqlite3 under zvsh (interpreter and libraries
#     packed by zvsh) give what they give natively;
#   - the image cache: a second run finds the first run's image and writes
#     nothing; --clear-cache empties it;
#   - a dynamic program without its interpreter in the sandbox is told so;
#     a raw session refuses it;
#   - mapping libraries reads each one's bytes about once (the report's
#     read count against the image's size);
#   - Python (build/images/python3.tar, make images): scripts over the
#     standard library natively and sandboxed, -c, -m, a script on standard
#     input, a host file given with @; the same run twice gives the same
#     output and memory etag; threads, subprocess and sockets fail with
#     Python's own exceptions, never a crash; the image built again gives
#     the same bytes; mounted from its index, the same tree as walked.
#
#   tests/func/dynamic.sh ZVSH ZEROVM [PYTHON_IMAGE]
#
# Ends with "N passed, M failed"; exit status 1 if any failed.
set -u
ZVSH=$(readlink -f "$1")
ZEROVM=$(readlink -f "$2")
PYIMG=${3:+$(readlink -f "$3")}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/dyn-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
export XDG_CACHE_HOME=$T/cache ZEROVM
PASS=0 FAIL=0 SKIP=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
skip() { SKIP=$((SKIP + 1)); echo "ok - $1 # SKIP $2"; }
bad() {
	FAIL=$((FAIL + 1))
	echo "not ok - $1"
	echo "#   $2" | head -c 2000
	echo
}
check() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got [$2] want [$3]"; fi; }
check_re() { if [[ "$2" =~ $3 ]]; then ok "$1"; else bad "$1" "got [$2] want /$3/"; fi; }
cd "$T" || exit 1

# same NAME CMD...: the command natively and under zvsh (@FILE arguments as
# plain names natively), standard input from $T/in; outputs and statuses equal.
: >in
same() {
	local name=$1
	shift
	local native=() a
	for a in "$@"; do [[ $a == @* ]] && native+=("${a#@}") || native+=("$a"); done
	local want got
	want=$("${native[@]}" <in 2>&1; echo "rc=$?")
	got=$("$ZVSH" "$@" <in 2>&1; echo "rc=$?")
	check "$name" "$got" "$want"
}

# ---- host programs --------------------------------------------------------------
printf 'pear 3\napple 10\nfig 7\napple 2\n' >fruit.txt
same "expr 6 * 7" /usr/bin/expr 6 '*' 7
same "sort -k2n a host file" /usr/bin/sort -k2n @fruit.txt
same "wc" /usr/bin/wc @fruit.txt
same "sha256sum" /usr/bin/sha256sum @fruit.txt
same "tr and uniq through standard input" /usr/bin/uniq -c @fruit.txt
same "ls of a missing file: the error and the status" /usr/bin/ls /nonexistent
same "seq and a format" /usr/bin/seq -f '%03g' 1 3
same "date -u -d a date" /usr/bin/date -u -d 2000-02-29T12:00
if command -v jq >/dev/null; then
	printf '{"items":[{"n":"a","v":3},{"n":"b","v":4}]}\n' >data.json
	same "jq: a filter over a host file" "$(command -v jq)" -c '[.items[]|.v*2]|add' @data.json
	same "jq: an error and its status" "$(command -v jq)" '.x.y' @fruit.txt
else
	skip "jq" "jq is not installed (scripts/deps.sh test)"
fi
if command -v sqlite3 >/dev/null; then
	printf 'create table t(a,b); insert into t values (1,"x"),(2,"y"); select sum(a), group_concat(b) from t;\n' >in
	same "sqlite3: SQL from standard input, in memory" "$(command -v sqlite3)"
	: >in
else
	skip "sqlite3" "sqlite3 is not installed (scripts/deps.sh test)"
fi

# ---- the cache ------------------------------------------------------------------------
ls "$XDG_CACHE_HOME/zvsh" >cache1
touch -d @1 "$XDG_CACHE_HOME"/zvsh/deps-*.tar
"$ZVSH" /usr/bin/expr 1 + 1 >/dev/null 2>&1
ls "$XDG_CACHE_HOME/zvsh" >cache2
check "a second run uses the cached image: no new file" "$(diff cache1 cache2 && echo same)" same
check "... and does not rewrite it" "$(find "$XDG_CACHE_HOME/zvsh" -type f -newermt @2 | wc -l)" 0
"$ZVSH" --clear-cache
check "--clear-cache empties the cache" "$?:$(ls "$XDG_CACHE_HOME/zvsh" | wc -l)" "0:0"
out=$(env -u HOME -u XDG_CACHE_HOME "$ZVSH" /usr/bin/true 2>&1)
check_re "no HOME nor XDG_CACHE_HOME: said, status 2" "$?:$out" "^2:zvsh: /usr/bin/true is dynamically linked.*set HOME or XDG_CACHE_HOME"

# ---- without zvsh's help ----------------------------------------------------------------
"$ZVSH" --keep k busybox true >/dev/null 2>&1 || true
if [ -f k/manifest ]; then
	sed "s#^Program = .*#Program = /usr/bin/expr#" k/manifest >m
	out=$("$ZEROVM" m 2>&1 3>&1 4>&1 </dev/null)
	check_re "no interpreter in the sandbox: the runtime says so, status 127" "$out" \
		"zrt: /lib64/ld-linux-x86-64.so.2: the program's interpreter is not in the sandbox.*"$'\n'"127"$'\n'
fi

# ---- reading libraries once ---------------------------------------------------------------
"$ZVSH" --json r.json /usr/bin/expr 6 '*' 7 >/dev/null 2>&1
img=$(ls "$XDG_CACHE_HOME"/zvsh/deps-*.tar | head -1)
size=$(stat -c %s "$img")
read_bytes=$(jq '.channels[] | select(.alias == "/dev/image0.tar") | .used.read_bytes' r.json 2>/dev/null)
if [ -n "$read_bytes" ] && [ "$read_bytes" != null ]; then
	check "the libraries are read about once: $read_bytes bytes of a $size-byte image" \
		"$([ "$read_bytes" -le $((size + size / 10)) ] && echo yes)" yes
else
	skip "the libraries are read once" "no per-channel byte count in the JSON report"
fi

# ---- Python ---------------------------------------------------------------------------------
PY=/usr/bin/python3.11
if [ -z "$PYIMG" ] || [ ! -f "$PYIMG" ] || [ ! -x "$PY" ]; then
	skip "Python" "no image (make images) or no $PY"
else
	PZ=("$ZVSH" --image "$PYIMG")
	# pysame NAME ARGS...: python3.11 natively and in the sandbox
	pysame() {
		local name=$1
		shift
		local native=() a
		for a in "$@"; do [[ $a == @* ]] && native+=("${a#@}") || native+=("$a"); done
		local want got
		want=$(PYTHONHASHSEED=0 "$PY" "${native[@]}" <in 2>&1; echo "rc=$?")
		got=$("${PZ[@]}" --env PYTHONHASHSEED=0 python3 "$@" <in 2>&1; echo "rc=$?")
		check "python: $name" "$got" "$want"
	}
	cp "$HERE/python/"*.py .
	printf 'city,temp\nOslo,4.5\nLima,19.25\nCairo,28\nOslo,6.5\n' >data.csv
	pysame "-c" -c 'print(sum(range(10)), "héllo".upper())'
	pysame "stdlib: json re csv hashlib decimal sqlite3 datetime zlib struct collections itertools statistics unicode" @stdlib.py @data.csv
	pysame "directories of 700 entries made, renamed, removed, listed (the runtime's directory index)" @bigdir.py
	pysame "-m json.tool" -m json.tool @data.json
	printf 'import sys\nprint(sys.argv, len(sys.stdin.read()))\n' >in
	pysame "a script on standard input" - x y
	: >in
	pysame "an uncaught exception: the traceback and status 1" -c 'raise ValueError("no")'
	pysame "sys.exit(3)" -c 'import sys; sys.exit(3)'
	# The same session twice, with the memory etag on (Memory = N, 1), on
	# one CPU (glibc keeps the APIC id cpuid gives: docs/zrt.md).
	"${PZ[@]}" --keep kp python3 -c 'import random; print(random.random(), hash("abc"), {1, "a", 2.5})' \
		>/dev/null 2>&1
	sed 's/^Memory = \([0-9]*\), 0$/Memory = \1, 1/' kp/manifest >kp/m1
	for i in 1 2; do
		taskset -c 0 "$ZEROVM" --json r$i.json kp/m1 3>o$i 4>&2 </dev/null >/dev/null 2>&1
	done
	check "python: the same run twice: the same output (hash, random, set order)" "$(cat o1)" "$(cat o2)"
	check_re "python: ... not an empty one" "$(cat o1)" "^0\.[0-9]+ -?[0-9]+ \{"
	e1=$(jq -r .memory_etag r1.json) e2=$(jq -r .memory_etag r2.json)
	check_re "python: ... and the same memory etag" "$e1" "^$e2\$"
	check_re "python: ... which is one" "$e1" "^[0-9a-f]{40}\$"
	out=$("${PZ[@]}" python3 @limits.py 2>&1)
	check "python: a thread runs; subprocess, sockets: Python's own exceptions, no crash" "$?:$out" \
		"0:in a thread
thread worked
subprocess: BlockingIOError: [Errno 11] Resource temporarily unavailable
socket: PermissionError: [Errno 13] Permission denied"
	# The program extracted from the image is kept in the cache: a second
	# run runs that file (no copy, nothing written, no work directory); a
	# changed image gets its own; --clear-cache removes them.
	rm -f "$XDG_CACHE_HOME"/zvsh/prog-*
	"${PZ[@]}" python3 -c pass
	first=$(stat -c '%i %Y' "$XDG_CACHE_HOME"/zvsh/prog-* 2>&1)
	ctime=$(stat -c %Z "$XDG_CACHE_HOME"/zvsh/prog-*)
	"${PZ[@]}" --verbose python3 -c pass 2>log
	check "program cache: one extracted python3.11, the same file after a second run" \
		"$(ls "$XDG_CACHE_HOME"/zvsh/prog-* | wc -l) $(stat -c '%i %Y' "$XDG_CACHE_HOME"/zvsh/prog-*)" "1 $first"
	prog=$(sed -n 's/^zvsh: program //p' log)
	check "program cache: the program run is that file, never linked (its ctime unchanged), python3.11's bytes" \
		"$(stat -c '%i %h %Z' "$prog") $(cmp "$prog" "$PY" && echo same)" "${first%% *} 1 $ctime same"
	"${PZ[@]}" --keep kc python3 -c pass
	check "program cache: --keep: the kept directory's program is a link to it, its bytes python3.11's" \
		"$(stat -c '%i %h' kc/program) $(cmp kc/program "$PY" && echo same)" "${first%% *} 2 same"
	cp "$PYIMG" copy.tar
	"$ZVSH" --image copy.tar python3 -c pass
	check "program cache: another image, its own extracted program" "$(ls "$XDG_CACHE_HOME"/zvsh/prog-* | wc -l)" 2
	"$ZVSH" --clear-cache
	check "program cache: --clear-cache removes them" "$(ls "$XDG_CACHE_HOME"/zvsh/ | grep -c prog-)" 0
	rm -rf kc copy.tar log
	# The index (docs/images.md): the image mounted from its index and the
	# same archive without it (walked header by header) give the same tree,
	# every file's bytes included; an index made stale by an appended file
	# is not used, and the appended file is there.
	isz=$(tar tvf "$PYIMG" .zrt-index | awk '{print $3}')
	tail -c +$((512 + (isz + 511) / 512 * 512 + 1)) "$PYIMG" >plain.tar
	tree='import os, hashlib
for top in ("/etc", "/lib", "/lib64", "/usr"):
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for n in [d] + sorted(os.path.join(d, f) for f in files):
            st = os.lstat(n)
            h = "" if not os.path.isfile(n) or os.path.islink(n) else hashlib.sha256(open(n, "rb").read()).hexdigest()
            print(n, oct(st.st_mode), st.st_size, st.st_mtime_ns, os.readlink(n) if os.path.islink(n) else "", h)
print(sorted(os.listdir("/")))'
	# Cold (--no-snapshot): the mount is what is looked at, and its log line
	# comes at start-up, which a session resumed from a snapshot skips.
	"${PZ[@]}" --no-snapshot --verbose python3 -c "$tree" >tree-index.out 2>tree-index.err
	"$ZVSH" --image plain.tar --no-snapshot --verbose python3 -c "$tree" >tree-plain.out 2>tree-plain.err
	check "index: the image mounted from its index, as said in the log" \
		"$(grep -c 'entries, 0 skipped (from its index)$' tree-index.err) $(grep -c 'from its index' tree-plain.err)" "1 0"
	check "index: the same tree as the walk of its headers, every file's bytes too ($(wc -l <tree-plain.out) lines)" \
		"$(cmp tree-index.out tree-plain.out 2>&1)$(grep -c '^/usr/lib/python3.11/json/__init__.py 0o100644' tree-index.out)" "1"
	# An index is stale when the archive no longer ends where the index
	# says (docs/images.md): an appended file, whether the append grows
	# the archive (a filler larger than a record) or fits in the last
	# record's padding (the archive's size unchanged, so the size named
	# in the index alone would miss it).
	mkdir -p add && echo appended >add/appended.txt && head -c 20480 /dev/zero >add/filler
	for how in grown padding; do
		cp "$PYIMG" stale.tar
		if [ $how = grown ]; then
			tar -rf stale.tar -C add filler appended.txt
		else
			tar -rf stale.tar -C add appended.txt
		fi
		sizes="$(stat -c %s "$PYIMG") $(stat -c %s stale.tar)"
		out=$("$ZVSH" --image stale.tar --no-snapshot --verbose python3 -c 'print(open("/appended.txt").read(), end="")' 2>&1)
		check_re "index: a stale index (a file appended, archive $how: sizes $sizes) is not used; the walk finds the new file" "$out" \
			"its index is malformed or stale, its headers are read instead.*"$'\n'"appended"
	done
	rm -f plain.tar stale.tar
	# make images is reproducible: built again (~7 s) from another
	# temporary directory and under another umask, the same bytes.
	if (umask 077 && TMPDIR=$T TARINDEX="$(dirname "$ZVSH")/tarindex" \
		sh "$HERE/../../scripts/python-image.sh" "$T/again.tar") >build.log 2>&1; then
		check "python: the image built twice is the same bytes (another umask, another TMPDIR)" \
			"$(cmp "$PYIMG" "$T/again.tar" 2>&1)" ""
	else
		bad "python: the image builds again" "$(cat build.log)"
	fi
	rm -f "$T/again.tar"
fi

echo "$PASS passed, $FAIL failed${SKIP:+, $SKIP skipped}"
[ "$FAIL" -eq 0 ]
