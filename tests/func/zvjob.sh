#!/usr/bin/env bash
# zvjob's behaviour, with the real zerovm: jobs fanned out by wildcards and
# counts, fanned in through connect, failures ending the job, outputs all
# or nothing, the report, determinism, every bad job refused before
# anything runs (message and exit code), --plan.
#
#   tests/func/zvjob.sh ZVJOB BUILD_DIR
#
# ZVJOB finds zerovm beside itself. The programs are Debian's static
# busybox and the job examples' programs (BUILD_DIR/examples/jobs/).
# Network channels stay on loopback (the job's name server and its nodes
# listen on 127.0.0.1 and ephemeral ports). Ends with "N passed, M
# failed"; exit status 1 if any failed.
set -u
ZVJOB=$(readlink -f "$1")
BUILD=$(readlink -f "$2")
EX=$BUILD/examples/jobs
BB=${BUSYBOX:-/bin/busybox}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$(cd "$HERE/../../examples/data" && pwd)
. "$HERE/../lib.sh"
tmpdir zvjob-test
OUT=$T/stdout
ERR=$T/stderr
R=$T/root # the --root of every job
bad_context() {
	sed 's/^/#   | /' "$OUT" 2>/dev/null | tail -n 10
	sed 's/^/#   ! /' "$ERR" 2>/dev/null | tail -n 10
}

# job FILE [zvjob options...]: run zvjob on FILE (in $T) with --root $R;
# RC, $OUT, $ERR.
job() {
	local f=$1
	shift
	"$ZVJOB" --root "$R" "$@" "$T/$f" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}
# field REPORT NODE KEY: the value of "KEY" in node NODE's object of a
# report (jansson's indented output: one key a line), quotes removed.
field() {
	awk -v node="$2" -v key="$3" '
		/^    {$/ { inside = 0 }
		$0 ~ "^      \"name\": \"" node "\",$" { inside = 1 }
		inside && $0 ~ "^      +\"" key "\": " {
			sub("^ +\"" key "\": ", ""); sub(",$", ""); gsub("\"", ""); print; exit }' "$1"
}
# summary REPORT KEY: the job summary's KEY.
summary() {
	awk -v key="$2" '$0 ~ "^    \"" key "\": " { sub("^    \"" key "\": ", ""); sub(",$", ""); gsub("\"", ""); print; exit }' "$1"
}
# leftovers DIR: the temporary files zvjob left in DIR (none expected)
leftovers() { find "$1" -name '.*.zvjob-*' | wc -l; }

[ -x "$BB" ] || { echo "not ok - $BB: a static busybox is needed (Debian's busybox-static)"; echo "0 passed, 1 failed"; exit 1; }
for p in wc-map wc-reduce words part-split part-sort; do
	[ -x "$EX/$p" ] || { echo "not ok - $EX/$p not built (make $EX/$p)"; echo "0 passed, 1 failed"; exit 1; }
done

mkdir -p "$R/acc/texts" "$R/acc/out" "$R/acc/bin" "$R/acc/empty"
for i in 1 2 3; do printf 'text %s says hello\nand %s\n' "$i" "$i$i" >"$R/acc/texts/t$i.txt"; done
echo "not a text" >"$R/acc/texts/notes.md"
cp "$EX"/* "$R/acc/bin/"

# ---------------------------------------------------------------- command line
"$ZVJOB" --help >"$OUT" 2>"$ERR"
check "--help: exit 0" "$?" 0
check_re "--help: usage on stdout" "$(head -n 1 "$OUT")" "^usage: zvjob "
"$ZVJOB" --version >"$OUT" 2>"$ERR"
check_re "--version" "$?:$(cat "$OUT")" "^0:zvjob [0-9]+\.[0-9]+\.[0-9]+ "
"$ZVJOB" >"$OUT" 2>"$ERR"
check "no job: exit 2" "$?" 2
check_re "no job: message" "$(head -n 1 "$ERR")" "^zvjob: no job given"
"$ZVJOB" -j 0 x.json >"$OUT" 2>"$ERR"
check_re "-j 0: exit 2 and why" "$?:$(head -n 1 "$ERR")" "^2:zvjob: -j '0': expected a number of nodes"
"$ZVJOB" "$T/nosuch.json" >"$OUT" 2>"$ERR"
check_re "a job file that is not there: exit 2" "$?:$(head -n 1 "$ERR")" "^2:zvjob: job .*nosuch.json: No such file"

# ---------------------------------------------------------------- fan-out
# A wildcard read: one node per match, in sorted order; the match fills the
# '*' of the path written. notes.md does not match t*.txt.
cat >"$T/upper.json" <<EOF
[{"name": "up", "exec": {"path": "$BB", "args": "tr a-z A-Z"},
  "devices": [{"name": "stdin", "path": "swift://acc/texts/t*.txt"},
              {"name": "stdout", "path": "swift://acc/out/up-*.txt"}]}]
EOF
job upper.json --report "$T/upper.report"
check "wildcard fan-out: exit 0" "$RC" 0
check "wildcard fan-out: one output per match" "$(cd "$R/acc/out" && ls)" "$(printf 'up-1.txt\nup-2.txt\nup-3.txt')"
got=ok
for i in 1 2 3; do
	[ "$(cat "$R/acc/out/up-$i.txt")" == "$(tr a-z A-Z <"$R/acc/texts/t$i.txt")" ] || got="up-$i.txt differs"
done
check "wildcard fan-out: each output is its input's" "$got" ok
check "wildcard fan-out: nodes named up-1..up-3 in sorted order" \
	"$(grep -o '"name": "up-[0-9]"' "$T/upper.report" | tr -d '"' | tr '\n' ' ')" "name: up-1 name: up-2 name: up-3 "
check "report: stdin etag is sha1sum of the object" "$(field "$T/upper.report" up-2 /dev/stdin)" \
	"$(sha1sum <"$R/acc/texts/t2.txt" | cut -d' ' -f1)"
check "report: stdout etag is sha1sum of the object" "$(field "$T/upper.report" up-2 /dev/stdout)" \
	"$(sha1sum <"$R/acc/out/up-2.txt" | cut -d' ' -f1)"
check "report: bytes read counted" "$(field "$T/upper.report" up-3 local_bytes_read)" "$(wc -c <"$R/acc/texts/t3.txt")"
check "report: node status, exit state, return code" \
	"$(field "$T/upper.report" up-1 status) $(field "$T/upper.report" up-1 exit_state) $(field "$T/upper.report" up-1 return_code)" \
	"ok ok 0"
check_re "report: wall time" "$(field "$T/upper.report" up-1 wall_time)" "^[0-9.e-]+$"
check "report: summary" "$(summary "$T/upper.report" status) $(summary "$T/upper.report" nodes) $(summary "$T/upper.report" ok)" "ok 3 3"
check "no temporary file left" "$(leftovers "$R")" 0

# The same job again: the same outputs and the same etags, byte for byte.
cp -r "$R/acc/out" "$T/out.first"
rm -f "$R"/acc/out/*
job upper.json --report "$T/upper2.report"
check "determinism: the same job twice, the same outputs" "$(diff -r "$T/out.first" "$R/acc/out" && echo same)" same
check "determinism: the same etags" "$(grep -A3 '"etags"' "$T/upper2.report")" "$(grep -A3 '"etags"' "$T/upper.report")"
rm -rf "$R"/acc/out/* "$T/out.first"

# count: N nodes, the instance's number fills '*'; collected stdout in
# node order, each node's block whole.
cat >"$T/count.json" <<EOF
[{"name": "gen", "count": 3, "exec": {"path": "$BB", "args": "seq 1 2000"},
  "devices": [{"name": "stdout", "path": "swift://acc/out/part-*"}]},
 {"name": "say", "count": 2, "exec": {"path": "$BB", "args": "seq 1 3000"},
  "devices": [{"name": "stdout"}, {"name": "stderr"}]}]
EOF
job count.json -j 2
check "count: exit 0" "$RC" 0
check "count: outputs part-1..part-3" "$(cd "$R/acc/out" && ls)" "$(printf 'part-1\npart-2\npart-3')"
check "count: each output whole" "$(cat "$R"/acc/out/part-* | md5sum)" "$( (seq 1 2000; seq 1 2000; seq 1 2000) | md5sum)"
check "collected stdout: blocks whole, in node order" "$(md5sum <"$OUT")" "$( (seq 1 3000; seq 1 3000) | md5sum)"
rm -rf "$R"/acc/out/*

# ZeroCloud ignores count when a wildcard makes the instances.
cat >"$T/countwild.json" <<EOF
[{"name": "c", "count": 7, "exec": {"path": "$BB", "args": "cat"},
  "devices": [{"name": "stdin", "path": "swift://acc/texts/t*.txt"}, {"name": "stdout"}]}]
EOF
job countwild.json
check "count with a wildcard: ignored (one node per match)" "$RC:$(cat "$OUT")" "0:$(cat "$R"/acc/texts/t*.txt)"

# ---------------------------------------------------------------- failures
# A node that never ends by itself (md5sum of /dev/zero) and one that
# fails after writing: the failure stops the spinner (its state says so,
# it was not let run), the node behind them never starts, the failing
# node's output is not created and the object it would replace is left as
# it was.
echo "the old object" >"$R/acc/out/keep.txt"
cat >"$T/fail.json" <<EOF
[{"name": "spin", "exec": {"path": "$BB", "args": "md5sum /dev/zero"},
  "devices": [{"name": "stdout", "path": "swift://acc/out/spin.txt"}]},
 {"name": "bad", "exec": {"path": "$BB", "args": "cat /dev/stdin /nonexistent"},
  "devices": [{"name": "stdin", "path": "swift://acc/texts/t1.txt"},
              {"name": "stdout", "path": "swift://acc/out/keep.txt"}]},
 {"name": "later", "exec": {"path": "$BB", "args": "true"},
  "devices": [{"name": "stdout", "path": "swift://acc/out/later.txt"}]}]
EOF
job fail.json -j 2 --report "$T/fail.report"
check "a failing node: exit 1" "$RC" 1
check_re "a failing node: named, and why" "$(tail -n 1 "$ERR")" \
	'^zvjob: the job failed: node bad \(id 2\) failed: return code 1 \(0 ok, 1 failed, 1 stopped, 1 not run\)$'
check "a failing node: its state" "$(field "$T/fail.report" bad status):$(field "$T/fail.report" bad return_code)" "failed:1"
check "the failure stopped the node that would never end" \
	"$(field "$T/fail.report" spin status):$(field "$T/fail.report" spin reason)" "stopped:stopped: node bad failed"
check "nothing started after the failure" "$(field "$T/fail.report" later status)" "not run"
check "summary names the failed node" "$(summary "$T/fail.report" status):$(summary "$T/fail.report" failed_node)" "failed:bad"
check "outputs all or nothing: the failed node's object left as it was" "$(cat "$R/acc/out/keep.txt")" "the old object"
check "outputs all or nothing: no output of a stopped node" "$(ls "$R/acc/out")" "keep.txt"
check "outputs all or nothing: no temporary file left" "$(leftovers "$R")" 0

# -k: a failure stops only its own component; the others go on.
cat >"$T/failk.json" <<EOF
[{"name": "bad", "exec": {"path": "$BB", "args": "cat /dev/stdin /nonexistent"},
  "devices": [{"name": "stdin", "path": "swift://acc/texts/t1.txt"},
              {"name": "stdout", "path": "swift://acc/out/keep.txt"}]},
 {"name": "later", "exec": {"path": "$BB", "args": "true"},
  "devices": [{"name": "stdout", "path": "swift://acc/out/later.txt"}]}]
EOF
job failk.json -j 1 -k --report "$T/failk.report"
check "-k: exit 1, the independent node ran" \
	"$RC:$(field "$T/failk.report" bad status):$(field "$T/failk.report" later status):$(ls "$R/acc/out" | tr '\n' ' ')" \
	"1:failed:ok:keep.txt later.txt "
rm -rf "$R"/acc/out/*

# A stop signal to zvjob: passed to every zerovm, nothing more starts, no
# output of a stopped node, the report says "interrupted", exit 128 + 2.
cat >"$T/sig.json" <<EOF
[{"name": "spin", "exec": {"path": "$BB", "args": "md5sum /dev/zero /dev/stdin"},
  "devices": [{"name": "stdin", "path": "swift://acc/texts/t*.txt"},
              {"name": "stdout", "path": "swift://acc/out/*.md5"}]}]
EOF
"$ZVJOB" --root "$R" -j 2 --report "$T/sig.report" "$T/sig.json" >"$OUT" 2>"$ERR" &
pid=$!
sleep 0.3 # a signal before the nodes start must give the same result
kill -INT "$pid"
wait "$pid"
RC=$?
check "SIGINT: exit 130, the report says interrupted" "$RC:$(summary "$T/sig.report" status)" "130:interrupted"
check "SIGINT: no node ended ok, no output" "$(summary "$T/sig.report" ok):$(ls -A "$R/acc/out")" "0:"

# ---------------------------------------------------------------- connect
# MapReduce: one map per text (wildcard), all streaming to one reducer
# (fan-in through connect, name-server channels on loopback); the result is
# the native pipeline's.
mkdir -p "$R/demo/texts" "$R/demo/out" "$R/demo/bin"
cp "$DATA"/*.txt "$R/demo/texts/"
cp "$EX"/* "$R/demo/bin/"
EXJ=$HERE/../../examples/jobs
cp "$EXJ"/wordcount.json "$EXJ"/pipeline.json "$EXJ"/sort.json "$T/"
want=$(cat "$DATA"/*.txt | tr -cs A-Za-z '\n' | tr A-Z a-z | grep . | sort | uniq -c | sort -k1,1rn -k2,2 |
	head -n 20 | awk '{ print $1, $2 }')
job wordcount.json --report "$T/wc.report"
check "fan-in through connect: exit 0" "$RC:$(cat "$ERR")" "0:"
check "fan-in: the word count is the native pipeline's" "$(cat "$R/demo/out/top-words.txt")" "$want"
nmaps=$(ls "$DATA"/*.txt | wc -l)
check "fan-in: one map per text, and the reducer" \
	"$(grep -o '"name": "[a-z]*-*[0-9]*"' "$T/wc.report" | tr -d '"' | tr '\n' ' ')" \
	"$(for i in $(seq "$nmaps"); do printf 'name: map-%s ' "$i"; done)name: reduce "
check "fan-in: what map-1 sent is what the reducer got from it (etags)" \
	"$(field "$T/wc.report" map-1 /dev/out/reduce)" "$(field "$T/wc.report" reduce /dev/in/map-1)"
check_re "fan-in: network bytes counted" "$(field "$T/wc.report" reduce net_bytes_read)" "^[1-9][0-9]*$"
check "fan-in: the map's input etag is sha1sum of its text" "$(field "$T/wc.report" map-1 /dev/input)" \
	"$(sha1sum <"$(ls "$DATA"/*.txt | head -n 1)" | cut -d' ' -f1)"
cp "$R/demo/out/top-words.txt" "$T/top.first"
rm -f "$R"/demo/out/*
job wordcount.json -j 1 --report "$T/wc2.report"
check "a component larger than -j runs whole (-j 1)" "$RC:$(cat "$ERR")" "0:"
check "determinism through connect: the same output" "$(cat "$R/demo/out/top-words.txt")" "$(cat "$T/top.first")"
# (only the etags: the lines after them hold CPU times, which vary)
n=$(jq '[.. | .etags? // empty] | length' "$T/wc.report")
check "determinism through connect: the same etags ($n sessions)" "$(jq -S '[.. | .etags? // empty]' "$T/wc2.report")" \
	"$(jq -S '[.. | .etags? // empty]' "$T/wc.report")"
check_re "determinism through connect: ... of every session" "$n" "^[1-9][0-9]*$"

job pipeline.json
check "two-stage pipeline (busybox sort reading /dev/in/words)" "$RC:$(md5sum <"$R/demo/out/vocabulary.txt")" \
	"0:$(tr -cs A-Za-z '\n' <"$DATA/tale-of-two-cities.txt" | tr A-Z a-z | grep . | sort -u | md5sum)"
job sort.json
check "sort into parts: count outputs part-1..part-3" "$RC:$(cd "$R/demo/out" && ls part-* | tr '\n' ' ')" \
	"0:part-1 part-2 part-3 "
check "sort into parts: the parts in order are the input sorted" \
	"$(cat "$R"/demo/out/part-1 "$R"/demo/out/part-2 "$R"/demo/out/part-3 | md5sum)" \
	"$(cat "$R"/demo/texts/*.txt | LC_ALL=C sort | md5sum)"
rm -f "$R"/demo/out/*

# A failing node ends its connected peer: "spin" would never end by itself
# (it reads /dev/zero, not its stream); "bad" streams to it and fails. spin
# is stopped because of bad (its state says so), the independent node
# behind them never starts, and spin's output is not created.
cat >"$T/cfail.json" <<EOF
[{"name": "bad", "exec": {"path": "$BB", "args": "false"}, "connect": ["spin"]},
 {"name": "spin", "exec": {"path": "$BB", "args": "md5sum /dev/zero"},
  "devices": [{"name": "stdout", "path": "swift://demo/out/spin.txt"}]},
 {"name": "later", "exec": {"path": "$BB", "args": "true"}}]
EOF
job cfail.json -j 2 -k --report "$T/cfail.report"
check "connect: a failing node stops its peer" \
	"$RC:$(field "$T/cfail.report" bad status):$(field "$T/cfail.report" spin status):$(field "$T/cfail.report" spin reason)" \
	"1:failed:stopped:stopped: node bad failed"
check "connect: with -k the independent node still runs" "$(field "$T/cfail.report" later status)" "ok"
check "connect: the stopped peer's output is not created" "$(ls -A "$R/demo/out")" ""

# A writer whose session cannot even start (its program is not an ELF
# file): the reader, waiting for a connection that will never come, is
# stopped at once rather than left to its timeout.
echo "not a program" >"$R/demo/bin/bogus"
cat >"$T/nostart.json" <<EOF
[{"name": "bad", "exec": {"path": "swift://demo/bin/bogus"}, "connect": ["wait"]},
 {"name": "wait", "exec": {"path": "$BB", "args": "cat /dev/in/bad"}, "devices": [{"name": "stdout"}]}]
EOF
job nostart.json --report "$T/nostart.report"
check_re "connect: a writer that never starts: the job fails, naming it" "$RC:$(tail -n 1 "$ERR")" \
	"^1:zvjob: the job failed: node bad \(id 1\) failed: program .*bogus: "
check "connect: its reader is stopped, not left waiting" \
	"$(field "$T/nostart.report" wait status):$(field "$T/nostart.report" wait reason)" "stopped:stopped: node bad failed"
rm -f "$R/demo/bin/bogus"

# ---------------------------------------------------------------- bad jobs
# Each is refused before anything runs: exit 2, one message naming the node
# and the field, and no node started (the marker node would write a file).
MARK='{"name": "marker", "exec": {"path": "'$BB'", "args": "true"}, "devices": [{"name": "stdout", "path": "swift://acc/out/marker"}]}'
# refused NAME MESSAGE-REGEX JOB-TEXT
refused() {
	printf '%s\n' "$3" >"$T/bad.json"
	job bad.json
	check_re "bad job, $1: exit 2, message" "$RC:$(cat "$ERR")" "^2:zvjob: $2"
	check "bad job, $1: nothing ran" "$(ls "$R/acc/out")" ""
}
B='"exec": {"path": "'$BB'"}'
refused "not JSON" ".*bad.json: not a JSON job: line 2, column 0: " "[$MARK, {"
refused "not a list" ".*bad.json: expected a list of nodes" '{"name": "x"}'
refused "no node" ".*bad.json: expected 1 to 4096 nodes, not 0" '[]'
refused "unknown device" ".*bad.json: node \"a\": devices\[1\].name: unknown device \"nvram\"" \
	"[$MARK, {\"name\": \"a\", $B, \"devices\": [{\"name\": \"stdout\"}, {\"name\": \"nvram\"}]}]"
refused "unknown field" ".*bad.json: node \"a\": conect: unknown field" "[$MARK, {\"name\": \"a\", $B, \"conect\": []}]"
refused "cycle in connect" ".*bad.json: node \"c\": connect\[0\]: \"a\" closes a cycle \(a -> b -> c -> a\)" \
	"[$MARK, {\"name\": \"a\", $B, \"connect\": [\"b\"]}, {\"name\": \"b\", $B, \"connect\": [\"c\"]}, {\"name\": \"c\", $B, \"connect\": [\"a\"]}]"
refused "connect to itself" ".*bad.json: node \"a\": connect\[0\]: a node cannot stream to itself" \
	"[$MARK, {\"name\": \"a\", $B, \"connect\": [\"a\"]}]"
refused "connect to an unknown node" ".*bad.json: node \"a\": connect\[0\]: no node is named \"reduce\"" \
	"[$MARK, {\"name\": \"a\", $B, \"connect\": [\"reduce\"]}]"
refused "a wildcard matching nothing" \
	".*bad.json: node \"a\": devices\[0\].path: swift://acc/texts/z\*.txt matches no object \(under $R\)" \
	"[$MARK, {\"name\": \"a\", $B, \"devices\": [{\"name\": \"stdin\", \"path\": \"swift://acc/texts/z*.txt\"}]}]"
refused "a wildcard in an empty container" ".*node \"a\": devices\[0\].path: swift://acc/empty/\* matches no object" \
	"[$MARK, {\"name\": \"a\", $B, \"devices\": [{\"name\": \"input\", \"path\": \"swift://acc/empty/*\"}]}]"
refused "a missing program (host path)" ".*bad.json: node \"a\": exec.path: /nonexistent/prog: No such file" \
	"[$MARK, {\"name\": \"a\", \"exec\": {\"path\": \"/nonexistent/prog\"}}]"
refused "a missing program (in PATH)" ".*bad.json: node \"a\": exec.path: nosuchprog: command not found" \
	"[$MARK, {\"name\": \"a\", \"exec\": {\"path\": \"nosuchprog\"}}]"
refused "a missing program (object)" ".*bad.json: node \"a\": exec.path: swift://acc/bin/nope: no such object" \
	"[$MARK, {\"name\": \"a\", \"exec\": {\"path\": \"swift://acc/bin/nope\"}}]"
refused "no exec" ".*bad.json: node \"a\": exec: missing" "[$MARK, {\"name\": \"a\"}]"
refused "duplicate names" ".*bad.json: node \"marker\": name: also the name of node #1" "[$MARK, $MARK]"
refused "a name taken by an instance" ".*bad.json: node \"a\": its node a-1 has the name of a node of \"a-1\"" \
	"[$MARK, {\"name\": \"a-1\", $B}, {\"name\": \"a\", $B, \"count\": 2}]"
refused "count 0" ".*bad.json: node \"a\": count: expected a whole number from 1 to 4096" \
	"[$MARK, {\"name\": \"a\", $B, \"count\": 0}]"
refused "count a string" ".*bad.json: node \"a\": count: expected a whole number" \
	"[$MARK, {\"name\": \"a\", $B, \"count\": \"2\"}]"
refused "count too large" ".*bad.json: node \"a\": count: expected a whole number from 1 to 4096" \
	"[$MARK, {\"name\": \"a\", $B, \"count\": 5000}]"
refused "instances writing one object" ".*bad.json: node \"a\": devices\[0\].path: its 2 instances would all write" \
	"[$MARK, {\"name\": \"a\", $B, \"count\": 2, \"devices\": [{\"name\": \"stdout\", \"path\": \"swift://acc/out/x\"}]}]"
refused "a read device without a path" ".*bad.json: node \"a\": devices\[0\].path: missing: stdin is read" \
	"[$MARK, {\"name\": \"a\", $B, \"devices\": [{\"name\": \"stdin\"}]}]"
refused "a path that is not swift://" ".*bad.json: node \"a\": devices\[0\].path: \"/etc/passwd\": expected swift://" \
	"[$MARK, {\"name\": \"a\", $B, \"devices\": [{\"name\": \"stdin\", \"path\": \"/etc/passwd\"}]}]"
refused "a path with .." ".*bad.json: node \"a\": devices\[0\].path: .* \"\.\.\" part" \
	"[$MARK, {\"name\": \"a\", $B, \"devices\": [{\"name\": \"stdin\", \"path\": \"swift://acc/texts/../../etc\"}]}]"
refused "a missing object" ".*bad.json: node \"a\": devices\[0\].path: swift://acc/texts/none: no such object" \
	"[$MARK, {\"name\": \"a\", $B, \"devices\": [{\"name\": \"stdin\", \"path\": \"swift://acc/texts/none\"}]}]"
refused "an output in a missing container" ".*node \"a\": devices\[0\].path: swift://acc/nodir/x: the folder .* does not exist" \
	"[$MARK, {\"name\": \"a\", $B, \"devices\": [{\"name\": \"stdout\", \"path\": \"swift://acc/nodir/x\"}]}]"
refused "an object written and read" ".*node \"b\": devices\[0\].path: node b reads swift://acc/out/x, which node a writes" \
	"[$MARK, {\"name\": \"a\", $B, \"devices\": [{\"name\": \"stdout\", \"path\": \"swift://acc/out/x\"}]}, {\"name\": \"b\", $B, \"devices\": [{\"name\": \"stdin\", \"path\": \"swift://acc/out/x\"}]}]"
refused "a device twice" ".*node \"a\": devices\[1\].name: device stdout given twice" \
	"[$MARK, {\"name\": \"a\", $B, \"devices\": [{\"name\": \"stdout\"}, {\"name\": \"stdout\"}]}]"
refused "a bad name" ".*bad.json: node #2: name: expected 1 to 64 of" "[$MARK, {\"name\": \"a b\", $B}]"
refused "duplicate keys" ".*bad.json: not a JSON job: .*duplicate" "[{\"name\": \"a\", \"name\": \"b\", $B}]"

# ---------------------------------------------------------------- --plan
cat >"$T/listing.json" <<'EOF'
{"acc/texts": ["b.txt", "a.txt", "notes.md"]}
EOF
cat >"$T/plan.json" <<'EOF'
[{"name": "map", "exec": {"path": "swift://acc/bin/wc-map"},
  "devices": [{"name": "input", "path": "swift://acc/texts/*.txt"}], "connect": ["reduce"]},
 {"name": "reduce", "exec": {"path": "swift://acc/bin/wc-reduce", "args": "-n 10"},
  "devices": [{"name": "stdout", "path": "swift://acc/out/counts"}]}]
EOF
"$ZVJOB" --plan --listing "$T/listing.json" "$T/plan.json" >"$OUT" 2>"$ERR"
RC=$?
flat=$(tr -d ' \n' <"$OUT")
check "--plan: exit 0, nothing on stderr" "$RC:$(cat "$ERR")" "0:"
check_re "--plan: map-1 reads a.txt (sorted), streams to reduce" "$flat" \
	'"id":1,"name":"map-1","group":"map","instance":1,"match":"a","component":1,.*"object":"acc/texts/a.txt"}\],"channels":\{"in":\[\],"out":\[\{"alias":"/dev/out/reduce","peer":3,"peer_name":"reduce"\}\]\}'
check_re "--plan: map-2 reads b.txt" "$flat" '"id":2,"name":"map-2",.*"object":"acc/texts/b.txt"'
check_re "--plan: reduce hears both maps" "$flat" \
	'"id":3,"name":"reduce",.*"argv":\["swift://acc/bin/wc-reduce","-n","10"\].*"in":\[\{"alias":"/dev/in/map-1","peer":1,"peer_name":"map-1"\},\{"alias":"/dev/in/map-2","peer":2,"peer_name":"map-2"\}\]'
check_re "--plan: one component of three nodes" "$flat" '"components":\[\{"id":1,"nodes":\[1,2,3\]\}\]\}$'
check "--plan: the same plan from the root" "$("$ZVJOB" --plan --root "$R" "$T/plan.json" 2>&1 | sed 's/t\([12]\)\.txt/X/g' | md5sum)" \
	"$("$ZVJOB" --plan --listing <(echo '{"acc/texts": ["t1.txt", "t2.txt", "t3.txt"]}') "$T/plan.json" 2>&1 | sed 's/t\([12]\)\.txt/X/g' | md5sum)"
"$ZVJOB" --plan --listing "$T/listing.json" "$T/bad.json" >"$OUT" 2>"$ERR"
check_re "--plan: a bad job is refused the same way" "$?:$(cat "$ERR")" "^2:zvjob: .*bad.json: not a JSON job"
"$ZVJOB" --plan --listing <(echo '{"acc/texts": []}') "$T/plan.json" >"$OUT" 2>"$ERR"
check_re "--plan: a wildcard matching nothing in the listing" "$?:$(cat "$ERR")" \
	"^2:zvjob: .*plan.json: node \"map\": devices\[0\].path: swift://acc/texts/\*.txt matches no object \(in the listing"
"$ZVJOB" --listing "$T/listing.json" "$T/plan.json" >"$OUT" 2>"$ERR"
check_re "--listing without --plan: refused" "$?:$(head -n 1 "$ERR")" "^2:zvjob: --listing goes with --plan"

# Collected output that cannot be printed is not lost without a word.
printf '[{"name":"a","exec":{"path":"%s","args":"echo hi"},"devices":[{"name":"stdout"}]}]' "$BB" >"$T/full.json"
"$ZVJOB" "$T/full.json" >/dev/full 2>"$ERR"
check "a node's output that cannot be printed (stdout /dev/full): exit 1, said" \
	"$? $(grep -c "a node's collected output could not be printed whole: No space left on device" "$ERR")" "1 1"

finish
