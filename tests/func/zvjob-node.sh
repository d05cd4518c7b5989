#!/usr/bin/env bash
# zvjob --node: one node of a job's plan run alone, as the Swift object
# filter (zerocloud/objectd.py) runs it next to its object; tested here
# without Swift.
#
#   tests/func/zvjob-node.sh ZVJOB BUILD_DIR
#
# Checks: only the chosen node runs (its output, no other), the plan is
# the whole job's (node ids and names, --listing deciding a wildcard), an
# object that is a /proc/PID/fd/N link to a deleted file is read (the
# filter's snapshot), a failing node leaves no output, the command line's
# refusals; and a word count whose nodes run as separate zvjob --node
# processes joined by one name server (zvns) started here, against the
# native pipeline. ZVJOB finds zerovm and zvns beside itself (or $ZEROVM,
# $ZVNS). Ends with "N passed, M failed"; exit status 1 if any failed.
set -u
ZVJOB=$(readlink -f "$1")
BUILD=$(readlink -f "$2")
EX=$BUILD/examples/jobs
BB=${BUSYBOX:-/bin/busybox}
ZVNS=${ZVNS:-$BUILD/zvns}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$(cd "$HERE/../../examples/data" && pwd)
. "$HERE/../lib.sh"
tmpdir zvjob-node
NSPID=""
cleanup() { [ -n "$NSPID" ] && kill "$NSPID" 2>/dev/null; }
OUT=$T/stdout
ERR=$T/stderr
R=$T/root
bad_context() {
	sed 's/^/#   | /' "$OUT" 2>/dev/null | tail -n 10
	sed 's/^/#   ! /' "$ERR" 2>/dev/null | tail -n 10
}
# node ID JOB [options...]: zvjob --node ID --root $R ... $T/JOB; RC, $OUT, $ERR
node() {
	local id=$1 f=$2
	shift 2
	"$ZVJOB" --node "$id" --root "$R" "$@" "$T/$f" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

[ -x "$BB" ] || { echo "not ok - $BB: a static busybox is needed"; echo "0 passed, 1 failed"; exit 1; }
for p in "$EX/wc-map" "$EX/wc-reduce" "$ZVNS"; do
	[ -x "$p" ] || { echo "not ok - $p not built"; echo "0 passed, 1 failed"; exit 1; }
done
mkdir -p "$R/acc/texts" "$R/acc/out" "$R/acc/bin"
for i in 1 2 3; do printf 'text %s says hello\nand %s\n' "$i" "$i$i" >"$R/acc/texts/t$i.txt"; done
cp "$EX/wc-map" "$EX/wc-reduce" "$R/acc/bin/"

cat >"$T/up.json" <<EOF
[{"name": "up", "exec": {"path": "$BB", "args": "tr a-z A-Z"},
  "devices": [{"name": "stdin", "path": "swift://acc/texts/*.txt"},
              {"name": "stdout", "path": "swift://acc/out/*.up"}]}]
EOF
node 2 up.json --report "$T/up.report"
check "--node 2: exit 0, only node 2's output" "$RC:$(cd "$R/acc/out" && ls)" "0:t2.up"
check "--node 2: its output is the native command's" "$(cat "$R/acc/out/t2.up")" "$(tr a-z A-Z <"$R/acc/texts/t2.txt")"
check "--node 2: the report has that node alone, by its plan name" \
	"$(grep -c '"name": "up-' "$T/up.report"):$(grep -o '"name": "up-[0-9]*"' "$T/up.report")" '1:"name": "up-2"'
rm -f "$R"/acc/out/*
echo '{"acc/texts": ["t1.txt", "t3.txt"]}' >"$T/listing.json"
node 2 up.json --listing "$T/listing.json"
check "--node with --listing: the listing decides the plan (node 2 of two reads t3)" \
	"$RC:$(cd "$R/acc/out" && ls)" "0:t3.up"
rm -f "$R"/acc/out/*

# The object filter's snapshot: the object is a link to an open descriptor
# of a file deleted since.
printf 'kept in a descriptor\n' >"$T/gone.txt"
exec 7<"$T/gone.txt"
rm "$T/gone.txt"
ln -s "/proc/$$/fd/7" "$R/acc/texts/t4.txt"
echo '{"acc/texts": ["t4.txt"]}' >"$T/listing4.json"
node 1 up.json --listing "$T/listing4.json"
check "an object linked as /proc/PID/fd/N of a deleted file is read" "$RC:$(cat "$R/acc/out/t4.up")" \
	"0:KEPT IN A DESCRIPTOR"
exec 7<&-
rm -f "$R/acc/texts/t4.txt" "$R"/acc/out/*

cat >"$T/fail.json" <<EOF
[{"name": "ok", "exec": {"path": "$BB", "args": "echo fine"}, "devices": [{"name": "stdout", "path": "swift://acc/out/ok"}]},
 {"name": "bad", "exec": {"path": "$BB", "args": "sh -c \"echo partial; exit 3\""},
  "devices": [{"name": "stdout", "path": "swift://acc/out/bad"}]}]
EOF
node 2 fail.json --report "$T/fail.report"
check_re "--node: a failing node: exit 1, named" "$RC:$(tail -n 1 "$ERR")" "^1:zvjob: .*node bad .*return code 3"
check "--node: the failing node leaves no output, and the other node did not run" "$(ls -A "$R/acc/out")" ""

# Refusals: exit 2, the problem named.
node 4 up.json
check "--node beyond the plan: exit 2" "$RC:$(head -n 1 "$ERR")" "2:zvjob: --node 4: the plan has nodes 1 to 3"
node 0 up.json
check "--node 0: exit 2" "$RC:$(head -n 1 "$ERR")" "2:zvjob: --node '0': expected a node id from 1 to 4096"
"$ZVJOB" --node 1 --plan "$T/up.json" >"$OUT" 2>"$ERR"
check "--node with --plan: exit 2" "$?:$(head -n 1 "$ERR")" "2:zvjob: --node and --plan: give one"
"$ZVJOB" --nameserver udp:127.0.0.1:5 --root "$R" "$T/up.json" >"$OUT" 2>"$ERR"
check "--nameserver without --node: exit 2" "$?:$(head -n 1 "$ERR")" \
	"2:zvjob: --nameserver goes with --node (a whole job runs its own)"
sed 's#swift://demo/#swift://acc/#g' "$HERE/../../examples/jobs/wordcount.json" >"$T/wc.json"
node 1 wc.json
check "a node with network channels needs --nameserver: exit 2" "$RC:$(head -n 1 "$ERR")" \
	"2:zvjob: --node 1: node map-1 has network channels: give the job's --nameserver udp:IP:PORT"
for ns in udp:1.2.3:4 tcp:1.2.3.4:4 udp:1.2.3.4:0 udp:1.2.3.256:5; do
	node 1 wc.json --nameserver "$ns"
	check "--nameserver $ns: exit 2" "$RC:$(head -n 1 "$ERR")" "2:zvjob: --nameserver '$ns': expected udp:IPv4:PORT"
done
"$ZVJOB" --connect "$T/pool.sock" --root "$R" "$T/up.json" >"$OUT" 2>"$ERR"
check "--connect without --node: exit 2" "$?:$(head -n 1 "$ERR")" "2:zvjob: --connect goes with --node"
check "nothing ran for the refused command lines" "$(ls -A "$R/acc/out")" ""

# --connect: the node's session in a zerovm --serve started here (one
# ready sandbox): the output and report of the node run without it, and
# the server made its next sandbox ready (it handed one to the session).
# No server there: the node fails, saying so.
node 3 up.json --connect "$T/pool.sock"
check_re "--connect with no server: the node fails, saying so" "$RC:$(cat "$ERR")" \
	"^1:.*no server listens there"
check "  ... and leaves no output" "$(ls -A "$R/acc/out")" ""
ZVM=${ZEROVM:-$(dirname "$ZVJOB")/zerovm}
"$ZVM" --serve "$T/pool.sock" --pool 1 -v 2 2>"$T/pool.log" &
NSPID=$!
for _ in $(seq 100); do grep -q ' ready ' "$T/pool.log" 2>/dev/null && break; sleep 0.05; done
node 3 up.json --connect "$T/pool.sock" --report "$T/pool.report"
check "--connect: exit 0, node 3's output as without it" "$RC:$(cat "$R/acc/out/t3.up")" \
	"0:$(tr a-z A-Z <"$R/acc/texts/t3.txt")"
check "  ... its report says ok" "$(jq -r '.nodes[0].status + " " + (.nodes[0].return_code|tostring)' "$T/pool.report")" \
	"ok 0"
for _ in $(seq 100); do [ "$(grep -c ' ready ' "$T/pool.log")" -ge 2 ] && break; sleep 0.05; done
check "  ... it ran in the server's sandbox (the server made the next one ready)" \
	"$(grep -c ' ready ' "$T/pool.log")" 2
kill "$NSPID"
wait "$NSPID"
NSPID=""
rm -f "$R"/acc/out/*

# The word count, each node a zvjob --node process of its own, joined by a
# name server started here (what the proxy filter does across servers).
rm -f "$R"/acc/texts/*
cp "$DATA"/*.txt "$R/acc/texts/"
nodes=$(($(ls "$DATA"/*.txt | wc -l) + 1))
"$ZVNS" --nodes "$nodes" --port-file "$T/ns.port" --timeout 60 &
NSPID=$!
for _ in $(seq 100); do [ -s "$T/ns.port" ] && break; sleep 0.05; done
pids=()
for id in $(seq "$nodes"); do
	"$ZVJOB" --node "$id" --root "$R" --nameserver "udp:127.0.0.1:$(cat "$T/ns.port")" --timeout 60 \
		--report "$T/wc-$id.report" "$T/wc.json" >"$T/wc-$id.out" 2>"$T/wc-$id.err" </dev/null &
	pids+=($!)
done
rcs=""
for p in "${pids[@]}"; do
	wait "$p"
	rcs="$rcs$?"
done
kill "$NSPID" 2>/dev/null
wait "$NSPID" 2>/dev/null
NSPID=""
check "connect: every node, a process of its own, exit 0" "$rcs" "$(printf '0%.0s' $(seq "$nodes"))"
want=$(cat "$DATA"/*.txt | tr -cs A-Za-z '\n' | tr A-Z a-z | grep . | sort | uniq -c | sort -k1,1rn -k2,2 |
	head -n 20 | awk '{ print $1, $2 }')
check "connect: the word count through the name server is the native pipeline's" \
	"$(cat "$R/acc/out/top-words.txt" 2>/dev/null)" "$want"

finish
