#!/bin/bash
# run.sh BUILD - ZeroCloud end to end on a real all-in-one Swift
# (tests/swift/cluster.sh): the two filters of zerocloud/ with zvjob and
# zerovm from BUILD, requests sent with curl and python-swiftclient.
#
# Cluster A (the filters everywhere, default slots): a one-node job on an
# object (sha256sum through the short form, sort through the account form)
# against the same commands run natively; a wildcard job fanning out over a
# container, each node placed on the object server the ring puts its
# object on, outputs stored and read back with `swift download`; a program
# that is itself an object; 401, 403 (a container another account may not
# read, a container it may not write), 404, 400 (a program not allowed);
# a non-zero return code and a timeout in X-Nexe-*; a failing node leaves
# no object; connect across both object servers (the word count of
# examples/jobs against the native pipeline, maps next to their texts on
# both servers, network bytes counted, the job's name server gone after);
# a failing node stopping its connected peer on the other server, a writer
# that crashes (its reader fails or is stopped); a snapshot (an object
# overwritten while its node runs: the node reads the old bytes); a job
# over 1 MiB (413); a client that disconnects ends its node and the work
# folders are removed.
# Cluster B (object server 2 without the filter, one slot and one queue
# place on each server): the slot limit answers 503 while queued nodes
# still run; an exec request reaching the bare server changes nothing
# (503 from the proxy, the object's metadata intact), where the original's
# request (with X-Timestamp) does wipe it.
# Cluster C (two replicas, one slot and one queue place on each server): a
# connected component larger than the free slots is answered 503 at once,
# its running nodes stopped; failover to the replica when the first
# primary's device is gone (507) and when its server is down (connection
# refused).
# Every cluster is stopped whatever happens (trap). Ends with
# "N passed, M failed".
set -u
BUILD=$(cd "${1:-build}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
T=$(mktemp -d /tmp/zc-test.XXXXXX)
A_DIR=$T/a B_DIR=$T/b C_DIR=$T/c
POOL=""
cleanup() {
	[ -n "$POOL" ] && kill "$POOL" 2>/dev/null
	"$HERE/cluster.sh" stop "$A_DIR" >/dev/null 2>&1
	"$HERE/cluster.sh" stop "$B_DIR" >/dev/null 2>&1
	"$HERE/cluster.sh" stop "$C_DIR" >/dev/null 2>&1
	[ -n "${ZC_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
bad() {
	FAIL=$((FAIL + 1))
	echo "not ok - $1"
	echo "#   $2"
	[ -f "$T/hdr" ] && sed 's/^/#   < /' "$T/hdr" | tr -d '\r' | head -n 20
	[ -f "$T/body" ] && head -c 600 "$T/body" | sed 's/^/#   | /'
}
check() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got [$2] want [$3]"; fi; }
check_re() { if [[ "$2" =~ $3 ]]; then ok "$1"; else bad "$1" "got [$2] want /$3/"; fi; }

# post URL JOB [curl args...]: POST the job with the token in $TOKEN;
# status code in $CODE, headers in $T/hdr, body in $T/body.
post() {
	local url=$1 job=$2
	shift 2
	rm -f "$T/hdr" "$T/body"
	CODE=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X POST ${TOKEN:+-H "X-Auth-Token: $TOKEN"} \
		-H 'X-Zerovm-Execute: 1.0' --data-binary "$job" "$@" "$url")
}
# hdr NAME: the value of header NAME of the last answer
hdr() { tr -d '\r' <"$T/hdr" | sed -n "s/^$1: //Ip" | head -n 1; }
# login USER KEY: sets TOKEN and URL
login() {
	local h
	h=$(curl -s -D - -o /dev/null -H "X-Auth-User: $1" -H "X-Auth-Key: $2" "$ZC_PROXY/auth/v1.0" | tr -d '\r')
	TOKEN=$(sed -n 's/^X-Auth-Token: //Ip' <<<"$h")
	URL=$(sed -n 's/^X-Storage-Url: //Ip' <<<"$h")
}
# where DIR ACCOUNT CONTAINER OBJECT...: "127.0.0.1:PORT/DEVICE" of each
# object's first primary in cluster DIR's ring, one a line
where() {
	"$PY" - "$@" <<'EOF'
import sys
from swift.common.ring import Ring
ring = Ring(sys.argv[1] + '/etc/object.ring.gz')
for o in sys.argv[4:]:
    part, nodes = ring.get_nodes(sys.argv[2], sys.argv[3], o)
    print('%s:%s/%s' % (nodes[0]['ip'], nodes[0]['port'], nodes[0]['device']))
EOF
}
# on_each DIR ACCOUNT CONTAINER PREFIX K: K object names PREFIXnn.txt whose
# first primary is object server 1 in cluster DIR's ring, then K on server 2
on_each() {
	local n1=0 n2=0 i w s1
	s1=$(read -r a _ <<<"$ZC_OBJECT_PORTS" && echo "127.0.0.1:$a")
	i=0
	while read -r w; do
		i=$((i + 1))
		if [ "${w%/*}" = "$s1" ]; then
			[ $n1 -lt "$5" ] && printf '%s%02d.txt\n' "$4" "$i" && n1=$((n1 + 1))
		elif [ $n2 -lt "$5" ]; then
			printf '%s%02d.txt\n' "$4" "$i" >&3 && n2=$((n2 + 1))
		fi
	done < <(where "$1" "$2" "$3" $(printf "$4%02d.txt " $(seq 1 60))) 3>"$T/on_each.2"
	cat "$T/on_each.2"
}
swiftc() { ST_AUTH=$ST_AUTH ST_USER=$ST_USER ST_KEY=$ST_KEY swift "$@"; }
# cluster NAME DIR: start the cluster in DIR (its ZC_* settings from the
# caller's environment), take its environment, log in as test:tester and
# make the container data; URL, TOKEN, ACC, p1 and p2 (the object servers'
# ports) set. A cluster that does not start ends the test.
cluster() {
	"$HERE/cluster.sh" start "$2" >/dev/null || {
		bad "cluster $1" "it did not start"
		echo "$PASS passed, $FAIL failed"
		exit 1
	}
	# shellcheck disable=SC1091
	. "$2/env"
	login test:tester testing
	ACC=${URL##*/}
	read -r p1 p2 <<<"$ZC_OBJECT_PORTS"
	swiftc post data
}

for f in zvjob zvns zerovm examples/jobs/wc-map examples/jobs/wc-reduce examples/jobs/sha256 swift/crash; do
	[ -x "$BUILD/$f" ] || {
		echo "run.sh: $BUILD/$f missing (make all first)" >&2
		exit 1
	}
done
[ -x /bin/busybox ] || {
	echo "run.sh: /bin/busybox missing (Debian's busybox-static)" >&2
	exit 1
}

# ------------------------------------------------------------ cluster A
cluster A "$A_DIR"
A_PROXY=$(awk '$2 == "proxy-server" { print $1 }' "$A_DIR/pids")
mkdir -p "$T/up"
seq 1 20000 | shuf --random-source=<(yes) >"$T/up/big.txt"
# Six parts, three on each object server (names chosen by the ring).
mapfile -t parts < <(on_each "$A_DIR" "$ACC" data part 3 | sort)
[ ${#parts[@]} = 6 ] || bad "cluster A" "not three part names on each server among 60: ${parts[*]}"
for i in 0 1 2 3 4 5; do seq "$i" 7 3000 | shuf --random-source=<(yes "$i") >"$T/up/${parts[$i]}"; done
printf 'the quick brown fox\njumps over the lazy dog the end\n' >"$T/up/words.txt"
(cd "$T/up" && swiftc upload data big.txt words.txt "${parts[@]}" >/dev/null) && swiftc post out && swiftc post bin && swiftc upload --object-name busybox bin /bin/busybox >/dev/null ||
	bad "upload" "swift upload failed"

# One node on an object: the short form (stdin is the object).
post "$URL/data/big.txt" '{"name":"sha","exec":{"path":"/bin/busybox","args":"sha256sum"},"devices":[{"name":"stdout"}]}'
check "short form: sha256sum of an object answers 200" "$CODE" 200
check "short form: the sha256 is the native one" "$(cat "$T/body")" "$(sha256sum <"$T/up/big.txt")"
check "short form: X-Nexe-Status ok, X-Nexe-Retcode 0" "$(hdr X-Nexe-Status) $(hdr X-Nexe-Retcode)" "ok 0"
check "short form: the node ran where the ring puts the object" "$(hdr X-Zerocloud-Placement)" \
	"sha=$(where "$A_DIR" "$ACC" data big.txt)"
check_re "short form: X-Nexe-Etag lists the channels' digests" "$(hdr X-Nexe-Etag)" '/dev/stdin [0-9a-f]{40}'
post "$URL/data/big.txt" '{"name":"sha","exec":{"path":"'"$ROOT/build/examples/jobs/sha256"'"},"devices":[{"name":"stdout"}]}'
check "short form: examples/jobs/sha256 (libcrypto), an allowed host program, gives the native sha256" \
	"$CODE $(cat "$T/body")" "200 $(sha256sum <"$T/up/big.txt")"

post "$URL" '[{"name":"sort","exec":{"path":"/bin/busybox","args":"sort -n"},"devices":[{"name":"stdin","path":"swift://'"$ACC"'/data/big.txt"},{"name":"stdout"}]}]'
check "account form: sort -n of an object is the native sort" "$(md5sum <"$T/body")" "$(sort -n "$T/up/big.txt" | md5sum)"

# A wildcard job: one node per object, each next to its object.
post "$URL" '[{"name":"s","exec":{"path":"/bin/busybox","args":"sort -n"},"devices":[{"name":"stdin","path":"swift://'"$ACC"'/data/part*.txt"},{"name":"stdout","path":"swift://'"$ACC"'/out/sorted*.txt"}]}]'
check "wildcard: 200 and six nodes ok" "$CODE $(hdr X-Nexe-Status)" "200 ok,ok,ok,ok,ok,ok"
want="" i=1
while read -r w; do
	want="$want${want:+, }s-$i=$w"
	i=$((i + 1))
done < <(where "$A_DIR" "$ACC" data "${parts[@]}")
check "wildcard: every node ran on the server holding its object (three on each)" "$(hdr X-Zerocloud-Placement)" "$want"
rm -rf "$T/down" && mkdir -p "$T/down"
(cd "$T/down" && swiftc download out >/dev/null 2>&1)
same=0
for p in "${parts[@]}"; do
	cmp -s "$T/down/sorted${p#part}" <(sort -n "$T/up/$p") && same=$((same + 1))
done
check "wildcard: the six outputs, read with swift download, are the native sorts" "$same" 6

# The program is an object, pushed by the proxy with the caller's authority.
post "$URL/data/words.txt" '{"name":"wc","exec":{"path":"swift://'"$ACC"'/bin/busybox","name":"wc"},"devices":[{"name":"stdout"}]}'
check "a program that is an object runs (busybox wc)" "$CODE $(tr -s ' ' <"$T/body")" "200 $(wc <"$T/up/words.txt" | tr -s ' ')"

# connect across both object servers: the word count of examples/jobs
# (wordcount.json with this account's paths): one map per text, placed
# next to its text, two texts on each server, streaming to one reducer
# through network channels that the job's name server (run by the proxy)
# resolves. The result is the native pipeline's.
mapfile -t texts < <(on_each "$A_DIR" "$ACC" texts text 2 | sort)
i=0
for f in "$ROOT"/examples/data/*.txt; do
	cp "$f" "$T/up/${texts[$i]}"
	i=$((i + 1))
done
(cd "$T/up" && swiftc upload texts "${texts[@]}" >/dev/null) &&
	swiftc upload --object-name wc-map bin "$BUILD/examples/jobs/wc-map" >/dev/null &&
	swiftc upload --object-name wc-reduce bin "$BUILD/examples/jobs/wc-reduce" >/dev/null &&
	swiftc upload --object-name crash bin "$BUILD/swift/crash" >/dev/null ||
	bad "upload" "swift upload of the word count failed"
post "$URL" "$(sed "s#swift://demo/#swift://$ACC/#g" "$ROOT/examples/jobs/wordcount.json")"
check "connect: the word count answers 200, five nodes ok" "$CODE $(hdr X-Nexe-Status) $(hdr X-Nexe-Retcode)" \
	"200 ok,ok,ok,ok,ok 0,0,0,0,0"
want=$(cat "$ROOT"/examples/data/*.txt | tr -cs A-Za-z '\n' | tr A-Z a-z | grep . | sort | uniq -c |
	sort -k1,1rn -k2,2 | head -n 20 | awk '{ print $1, $2 }')
check "connect: the word count, read with swift download, is the native pipeline's" \
	"$(swiftc download out top-words.txt -o - 2>/dev/null)" "$want"
want="" i=1
while read -r w; do
	want="$want${want:+, }map-$i=$w"
	i=$((i + 1))
done < <(where "$A_DIR" "$ACC" texts "${texts[@]}")
placement=$(hdr X-Zerocloud-Placement)
check "connect: each map ran next to its text" "${placement%, reduce=*}" "$want"
check "connect: two maps on each object server" "$(grep -o ":$p1/" <<<"${placement%, reduce=*}" | wc -l)" 2
# X-Nexe-Cdr-Line: the total, then each node's seconds and ten numbers
# (docs/report.md): the 8th is the bytes read from network channels, the
# 10th the bytes written to them.
cdr=$(hdr X-Nexe-Cdr-Line | awk -F', ' '{ for (i = 3; i <= NF; i += 2) print $i }')
sent=$(head -n 4 <<<"$cdr" | awk '{ s += $10 } END { print s }')
check_re "connect: the maps sent their counts as network bytes" "$sent" '^[1-9][0-9]*$'
check "connect: the reducer read every byte the maps sent" "$(tail -n 1 <<<"$cdr" | awk '{ print $8 }')" "$sent"
check "connect: the job's name server is gone with the job" "$(pgrep -P "$A_PROXY" -c zvns)" 0

# A failing node stops its connected peer on the other server at once: spin
# would never end by itself (it reads /dev/zero, not its stream).
on1=$(on_each "$A_DIR" "$ACC" texts text 2 | head -n 1)
on2=$(on_each "$A_DIR" "$ACC" texts text 2 | tail -n 1)
post "$URL" '[{"name":"bad","exec":{"path":"/bin/busybox","args":"false"},"connect":["spin"],
  "devices":[{"name":"stdin","path":"swift://'"$ACC/texts/$on1"'"}]},
 {"name":"spin","exec":{"path":"/bin/busybox","args":"md5sum /dev/zero"},
  "devices":[{"name":"stdin","path":"swift://'"$ACC/texts/$on2"'"},{"name":"stdout"}]}]' \
	-H 'X-Zerovm-Timeout: 60' --max-time 30
check "connect: a failing node stops its peer (not left to its 60 s timeout)" \
	"$CODE $(hdr X-Nexe-Status) $(hdr X-Nexe-Retcode)" "200 ok,stopped: node bad failed 1,-"
check "  ... the two ran on different servers" "$(hdr X-Zerocloud-Placement)" \
	"bad=$(where "$A_DIR" "$ACC" texts "$on1"), spin=$(where "$A_DIR" "$ACC" texts "$on2")"
# A writer that crashes after a line: its stream has no end marker, so its
# reader's reads fail (or the proxy stops the reader first: either way it
# ends at once).
post "$URL" '[{"name":"w","exec":{"path":"swift://'"$ACC"'/bin/crash","args":"/dev/out/r"},"connect":["r"],
  "devices":[{"name":"stdin","path":"swift://'"$ACC/texts/$on1"'"}]},
 {"name":"r","exec":{"path":"/bin/busybox","args":"cat /dev/in/w"},
  "devices":[{"name":"stdin","path":"swift://'"$ACC/texts/$on2"'"},{"name":"stdout"}]}]' \
	-H 'X-Zerovm-Timeout: 60' --max-time 30
check_re "connect: a writer that crashes: its reader fails or is stopped at once" "$CODE $(hdr X-Nexe-Status)" \
	"^200 Signal 4 from untrusted code: Illegal instruction,(channel /dev/in/w: the stream from node 1 \(127.0.0.1:[0-9]+\) ended without its end marker|stopped: node w failed)$"
n=1
for _ in $(seq 50); do
	n=$(pgrep -fc "$A_DIR/tmp/zerocloud-") || true
	[ "$n" = 0 ] && break
	sleep 0.1
done
check "connect: no node and no name server is left running" "$n:$(pgrep -P "$A_PROXY" -c zvns)" 0:0

# A snapshot: the object is overwritten while its node runs (it reads its
# stdin only after counting to four million, about 3 s here: a sleep in the
# sandbox is virtual and returns at once); the node still reads the old
# bytes, from the data file the object server opened, which Swift has
# unlinked meanwhile.
seq 1 50000 >"$T/up/snap.txt"
seq 50001 100000 >"$T/snap.new"
(cd "$T/up" && swiftc upload data snap.txt >/dev/null)
curl -s -o "$T/snap.body" -X POST -H "X-Auth-Token: $TOKEN" -H 'X-Zerovm-Execute: 1.0' --data-binary \
	'{"name":"slow","exec":{"path":"/bin/busybox","args":"sh -c \"i=0; while [ $i -lt 4000000 ]; do i=$((i + 1)); done; sha256sum\""},"devices":[{"name":"stdout"}]}' \
	"$URL/data/snap.txt" &
sp=$!
for _ in $(seq 100); do
	pgrep -f "$A_DIR/tmp/zerocloud-" >/dev/null && break
	sleep 0.05
done
curl -s -o /dev/null -X PUT -H "X-Auth-Token: $TOKEN" --data-binary @"$T/snap.new" "$URL/data/snap.txt"
old_files=$(find "$A_DIR/srv" -name '*.data' -exec cmp -s {} "$T/up/snap.txt" \; -print | wc -l)
kill -0 "$sp" 2>/dev/null && running=yes || running=no
wait "$sp"
check "snapshot: overwritten while the node ran, its old data file unlinked" "$running $old_files" "yes 0"
check "snapshot: the node read the old bytes" "$(cat "$T/snap.body")" "$(sha256sum <"$T/up/snap.txt")"
check "snapshot: the object now holds the new ones" "$(swiftc download data snap.txt -o - | md5sum)" \
	"$(md5sum <"$T/snap.new")"

# A job over the size limit (1 MiB) is refused before anything runs.
{
	printf '[{"name":"big","exec":{"path":"/bin/busybox","args":"true"},"env":{"PAD":"'
	head -c $((1 << 20)) /dev/zero | tr '\0' x
	printf '"}}]'
} >"$T/big.json"
post "$URL" "@$T/big.json"
check "a job over 1 MiB: 413, saying the limit" "$CODE $(cat "$T/body")" \
	"413 zerocloud: a job is at most 1048576 bytes"

# Refusals, as Swift answers them.
J='{"name":"sha","exec":{"path":"/bin/busybox","args":"sha256sum"},"devices":[{"name":"stdout"}]}'
TOKEN="" post "$URL/data/big.txt" "$J"
check "no token: 401" "$CODE" 401
TOKEN=AUTH_tkbogus post "$URL/data/big.txt" "$J"
check "a bad token: 401" "$CODE" 401
post "$URL/data/nothere.txt" "$J"
check "a missing object: 404" "$CODE" 404
post "$URL" '[{"name":"x","exec":{"path":"/bin/busybox","args":"cat"},"devices":[{"name":"stdin","path":"swift://'"$ACC"'/nocontainer/x"},{"name":"stdout"}]}]'
check "an object in a missing container: 404" "$CODE" 404
post "$URL/data/big.txt" '{"name":"x","exec":{"path":"/bin/sh","args":"-c id"},"devices":[{"name":"stdout"}]}'
check "a program the operator did not allow: 400" "$CODE" 400
check_re "  ... and the answer says why" "$(cat "$T/body")" "exec.path '/bin/sh' is not allowed"
post "$URL" '[{"name":"x","exec":{"path":"/bin/busybox"},"devices":[{"name":"bogus"}]}]'
check "a job zvjob refuses: 400 with its message" "$CODE $(grep -c 'unknown device' "$T/body")" "400 1"
saved=$TOKEN saved_url=$URL
login test2:tester2 testing2
post "$URL" '[{"name":"x","exec":{"path":"/bin/busybox","args":"cat"},"devices":[{"name":"stdin","path":"swift://'"$ACC"'/data/*.txt"},{"name":"stdout"}]}]'
check "another account's container (the caller may not list it): 403" "$CODE" 403
post "$URL" '[{"name":"x","exec":{"path":"/bin/busybox","args":"cat"},"devices":[{"name":"stdin","path":"swift://'"$ACC"'/data/big.txt"},{"name":"stdout"}]}]'
check "another account's object (the caller may not read it): 403" "$CODE" 403
post "$URL" '[{"name":"x","exec":{"path":"/bin/busybox","args":"echo x"},"devices":[{"name":"stdout","path":"swift://'"$ACC"'/out/intruder"}]}]'
check "writing into another account's container: 403" "$CODE" 403
post "$saved_url/data/big.txt" "$J"
check "running a job in another account: 403" "$CODE" 403
login test:tester3 testing3
post "$URL/data/big.txt" "$J"
check "a user who is not the account's owner: 403" "$CODE" 403
TOKEN=$saved URL=$saved_url

# Outcomes in X-Nexe-*.
post "$URL/data/words.txt" '{"name":"rc","exec":{"path":"/bin/busybox","args":"sh -c \"exit 3\""},"devices":[{"name":"stdout"}]}'
check "a non-zero return code: 200, X-Nexe-Retcode 3, status ok" "$CODE $(hdr X-Nexe-Retcode) $(hdr X-Nexe-Status)" "200 3 ok"
post "$URL/data/words.txt" '{"name":"loop","exec":{"path":"/bin/busybox","args":"sh -c \"while :; do :; done\""},"devices":[{"name":"stdout"}]}' \
	-H 'X-Zerovm-Timeout: 1'
check "a timeout: X-Nexe-Status session timeout" "$CODE $(hdr X-Nexe-Status)" "200 session timeout"

# A failing node leaves no object; a node that ends well leaves its own.
post "$URL/data/words.txt" '{"name":"f","exec":{"path":"/bin/busybox","args":"sh -c \"echo partial; exit 1\""},"devices":[{"name":"stdout","path":"swift://'"$ACC"'/out/failed.txt"}]}'
check "a failing node with an output: 200, retcode 1" "$CODE $(hdr X-Nexe-Retcode)" "200 1"
check "  ... leaves no object" "$(curl -s -o /dev/null -w '%{http_code}' -I -H "X-Auth-Token: $TOKEN" "$URL/out/failed.txt")" 404
post "$URL/data/words.txt" '{"name":"f","exec":{"path":"/bin/busybox","args":"sh -c \"echo kept; exit 0\""},"devices":[{"name":"stdout","path":"swift://'"$ACC"'/out/copied.txt"}]}'
check "  ... the same node ending well stores it" "$(swiftc download out copied.txt -o - 2>/dev/null)" kept
post "$URL/data/words.txt" '{"name":"f","exec":{"path":"/bin/busybox","args":"sh -c \"echo new; exit 2\""},"devices":[{"name":"stdout","path":"swift://'"$ACC"'/out/copied.txt"}]}'
check "  ... and a failing one leaves the existing object as it was" \
	"$(swiftc download out copied.txt -o - 2>/dev/null)" kept

# A client that goes away ends its node; nothing is left in the work folders.
curl -s -o /dev/null --max-time 1 -X POST -H "X-Auth-Token: $TOKEN" -H 'X-Zerovm-Execute: 1.0' \
	-H 'X-Zerovm-Timeout: 30' --data-binary \
	'{"name":"loop","exec":{"path":"/bin/busybox","args":"sh -c \"while :; do :; done\""},"devices":[{"name":"stdout"}]}' \
	"$URL/data/words.txt"
n=1
for _ in $(seq 50); do
	n=$(pgrep -fc "$A_DIR/tmp/zerocloud-") || true
	[ "$n" = 0 ] && break
	sleep 0.1
done
check "a client that disconnects: its node is stopped within 5 s" "$n" 0
sleep 0.2
check "the work folders are empty afterwards" "$(find "$A_DIR/tmp" -mindepth 1 | wc -l)" 0
"$HERE/cluster.sh" stop "$A_DIR" >/dev/null

# ------------------------------------------------------------ cluster B
ZC_POOL_SOCKET=$T/pool.sock ZC_BARE_OBJECT=2 ZC_MAX_RUNNING=1 ZC_MAX_QUEUED=1 cluster B "$B_DIR"
# An object name placed on each object server. Among 8 names all landed on
# one server once in 128 runs (then on2 was empty and the requests below
# went to the container): on_each asks the ring about 60.
mapfile -t on < <(on_each "$B_DIR" "$ACC" data o 1)
on1=${on[0]:-} on2=${on[1]:-}
[ ${#on[@]} = 2 ] || bad "cluster B" "no object name placed on each server among 60: ${on[*]}"
for o in $on1 $on2; do
	curl -s -o /dev/null -X PUT -H "X-Auth-Token: $TOKEN" -H 'X-Object-Meta-Color: blue' -H 'Content-Type: text/plain' \
		--data-binary 'some data' "$URL/data/$o"
done

# Slots: one running and one queued per server; a third node is refused.
LOOP='{"name":"loop","exec":{"path":"/bin/busybox","args":"sh -c \"while :; do :; done\""},"devices":[{"name":"stdout"}]}'
QUICK='{"name":"quick","exec":{"path":"/bin/busybox","args":"cat"},"devices":[{"name":"stdout"}]}'
curl -s -o "$T/loop.out" -D "$T/loop.hdr" -X POST -H "X-Auth-Token: $TOKEN" -H 'X-Zerovm-Execute: 1.0' \
	-H 'X-Zerovm-Timeout: 3' --data-binary "$LOOP" "$URL/data/$on1" &
lp=$!
sleep 0.7
curl -s -o "$T/q.out" -w '%{http_code}' -X POST -H "X-Auth-Token: $TOKEN" -H 'X-Zerovm-Execute: 1.0' \
	--data-binary "$QUICK" "$URL/data/$on1" >"$T/q.code" &
qp=$!
sleep 0.5
post "$URL/data/$on1" "$QUICK"
check "slots full (1 running, 1 queued): 503" "$CODE" 503
check_re "  ... saying so" "$(cat "$T/body")" "slot not available"
wait $lp $qp
check "  ... the running node ran on (its timeout)" "$(tr -d '\r' <"$T/loop.hdr" | sed -n 's/^X-Nexe-Status: //Ip')" \
	"session timeout"
check "  ... the queued node ran after it" "$(cat "$T/q.code") $(cat "$T/q.out")" "200 some data"

# An exec request that reaches an object server without the filter.
meta() { curl -s -I -H "X-Auth-Token: $TOKEN" "$URL/data/$1" | tr -d '\r' | grep -iE '^(x-object-meta-color|content-type|etag):' | sort | tr '\n' ' '; }
before=$(meta "$on2")
post "$URL/data/$on2" "$QUICK"
check "a server without the object filter: 503" "$CODE" 503
check_re "  ... saying the filter is missing" "$(cat "$T/body")" "has no ZeroCloud filter"
check "  ... and the object's metadata is unchanged" "$(meta "$on2")" "$before"
check_re "  ... (it had some)" "$before" "blue"
# The original's request carried X-Timestamp: the bare server takes it for
# a metadata POST and wipes the metadata (what the check above would see).
dev_part=$("$PY" - "$B_DIR/etc/object.ring.gz" "$ACC" data "$on2" <<'EOF'
import sys
from swift.common.ring import Ring
part, nodes = Ring(sys.argv[1]).get_nodes(*sys.argv[2:5])
print('%s/%d' % (nodes[0]['device'], part))
EOF
)
curl -s -o /dev/null -X POST -H 'X-Zerovm-Execute: 1.0' -H "X-Timestamp: $(date +%s.%N | cut -c1-16)" \
	-H 'Content-Type: application/x-tar' "http://127.0.0.1:$p2/$dev_part/$ACC/data/$on2"
check "  ... whereas the original's request with X-Timestamp wipes it" "$(meta "$on2" | grep -ci blue)" 0

# The ready sandbox pool: object server 1's filter names $T/pool.sock
# (pool_socket), absent until now, so the nodes above ran in zerovms of
# their own and the server's log said so. Then a zerovm --serve started
# here (one ready sandbox): a node runs in it (the server makes the next
# sandbox ready once it has handed one to a session), and stopping the
# server removes its socket.
fallback() { grep -c "pool_socket $T/pool.sock: No such file or directory; the node runs in a zerovm of its own" \
	"$B_DIR/log/object-server-1.log"; }
check_re "pool_socket absent: the nodes ran, and the object server's log says so" "$(fallback)" '^[1-9][0-9]*$'
said=$(fallback)
"$BUILD/zerovm" --serve "$T/pool.sock" --pool 1 -v 2 2>"$T/pool.log" &
POOL=$!
for _ in $(seq 100); do grep -q ' ready ' "$T/pool.log" 2>/dev/null && break; sleep 0.05; done
check "  ... a pool started: one sandbox ready" "$(grep -c ' ready ' "$T/pool.log")" 1
post "$URL/data/$on1" "$QUICK"
check "pool: a node on an object through the pool: 200, its output" "$CODE $(cat "$T/body")" "200 some data"
check "  ... its status ok" "$(hdr X-Nexe-Status) $(hdr X-Nexe-Retcode)" "ok 0"
for _ in $(seq 100); do [ "$(grep -c ' ready ' "$T/pool.log")" -ge 2 ] && break; sleep 0.05; done
check "  ... it took the pool's sandbox (the server made the next one ready)" "$(grep -c ' ready ' "$T/pool.log")" 2
check "  ... and no fallback was logged for it" "$(fallback)" "$said"
kill "$POOL"
wait "$POOL"
check "pool stopped (SIGTERM): exit 0, its socket removed" "$?:$(ls -A "$T" | grep -c pool.sock)" "0:0"
POOL=""
post "$URL/data/$on1" "$QUICK"
check "pool gone: the next node runs in a zerovm of its own (fallback)" "$CODE $(cat "$T/body")" "200 some data"
check "  ... and the log says so once more" "$(fallback)" "$((said + 1))"
# A socket left by a server killed without removing it: nobody listens
# there. The node fails to connect, runs again in a zerovm of its own, and
# the log says so.
"$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/pool.sock"
post "$URL/data/$on1" "$QUICK"
check "a pool's socket nobody listens on: the node runs in a zerovm of its own" \
	"$CODE $(cat "$T/body") $(hdr X-Nexe-Status)" "200 some data ok"
check "  ... and the log says so" \
	"$(grep -c "pool_socket $T/pool.sock: no server listens there; the node runs in a zerovm of its own" \
		"$B_DIR/log/object-server-1.log")" 1
rm -f "$T/pool.sock"
"$HERE/cluster.sh" stop "$B_DIR" >/dev/null

# ------------------------------------------------------------ cluster C
# Two replicas of every object (one on each server), one slot and one queue
# place per server.
ZC_REPLICAS=2 ZC_MAX_RUNNING=1 ZC_MAX_QUEUED=1 cluster C "$C_DIR"
printf 'replicated\n' >"$T/rep.txt"
for o in r1 r2; do curl -s -o /dev/null -X PUT -H "X-Auth-Token: $TOKEN" --data-binary @"$T/rep.txt" "$URL/data/$o"; done

# A connected component needs all its nodes running at once: three nodes
# for two slots (one per server). Connected nodes are never queued, so the
# node without a slot is refused by both servers and the job is answered
# 503 at once, its running peers stopped (else they would wait for it until
# their 60 s timeout).
post "$URL" '[{"name":"a","exec":{"path":"/bin/busybox","args":"sh -c \"echo a >/dev/out/c\""},"connect":["c"]},
 {"name":"b","exec":{"path":"/bin/busybox","args":"sh -c \"echo b >/dev/out/c\""},"connect":["c"]},
 {"name":"c","exec":{"path":"/bin/busybox","args":"cat /dev/in/a /dev/in/b"},"devices":[{"name":"stdout"}]}]' \
	-H 'X-Zerovm-Timeout: 60' --max-time 30
check "a component larger than the free slots: 503 at once" "$CODE" 503
check_re "  ... saying no slot was available" "$(cat "$T/body")" "slot not available"
n=1
for _ in $(seq 50); do
	n=$(pgrep -fc "$C_DIR/tmp/zerocloud-") || true
	[ "$n" = 0 ] && break
	sleep 0.1
done
check "  ... and its other nodes are stopped" "$n" 0
post "$URL" '[{"name":"a","exec":{"path":"/bin/busybox","args":"sh -c \"echo a >/dev/out/c\""},"connect":["c"]},
 {"name":"c","exec":{"path":"/bin/busybox","args":"cat /dev/in/a"},"devices":[{"name":"stdout"}]}]'
check "  ... the same with two nodes fits: 200" "$CODE $(cat "$T/body")" "200 a"

# Failover: the object's first primary cannot run the node, the replica does.
read -r first second < <("$PY" - "$C_DIR/etc/object.ring.gz" "$ACC" data r1 <<'EOF'
import sys
from swift.common.ring import Ring
part, nodes = Ring(sys.argv[1]).get_nodes(*sys.argv[2:5])
print(' '.join('%s:%s/%s' % (n['ip'], n['port'], n['device']) for n in nodes))
EOF
)
first_dev=${first#*/}
mv "$C_DIR/srv/$first_dev" "$C_DIR/srv/$first_dev.off"
post "$URL/data/r1" "$QUICK"
check "failover: the first primary's device is gone (507): the replica ran it" \
	"$CODE $(cat "$T/body") $(hdr X-Zerocloud-Placement)" "200 replicated quick=$second"
mv "$C_DIR/srv/$first_dev.off" "$C_DIR/srv/$first_dev"
post "$URL/data/r1" "$QUICK"
check "  ... back in place, the first primary runs it again" "$CODE $(hdr X-Zerocloud-Placement)" "200 quick=$first"
first_port=${first%/*}
first_port=${first_port#*:}
[ "$first_port" = "$p1" ] && srv=object-server-1 || srv=object-server-2
kill "$(awk -v s="$srv" '$2 == s { print $1 }' "$C_DIR/pids")"
for _ in $(seq 100); do
	curl -s -o /dev/null "http://127.0.0.1:$first_port/healthcheck" || break
	sleep 0.1
done
post "$URL/data/r1" "$QUICK"
check "failover: the first primary's server is down (connection refused): the replica ran it" \
	"$CODE $(cat "$T/body") $(hdr X-Zerocloud-Placement)" "200 replicated quick=$second"
"$HERE/cluster.sh" stop "$C_DIR" >/dev/null

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
