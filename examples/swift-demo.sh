#!/bin/bash
# swift-demo.sh BUILD - ZeroCloud on a Swift of our own (make demo-swift).
#
# Starts an all-in-one Swift on loopback with the ZeroCloud filters
# (tests/swift/cluster.sh), uploads the bundled text cut in four parts,
# and counts their words where they are stored: a job of one node per part
# (a wildcard), each node on the object server holding its part, sent once
# with curl and once with python-swiftclient. Prints the counts, the total
# against wc(1) run here, and which server ran each node. Then the
# MapReduce word count of examples/jobs/wordcount.json over the four
# bundled texts: its programs stored as objects, one map next to each
# text, the maps streaming to one reducer across the object servers
# (connect), the result stored as an object and read back. Stops the
# cluster whatever happens.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=$(mktemp -d /tmp/zc-demo.XXXXXX)
trap '"$ROOT/tests/swift/cluster.sh" stop "$D/swift" >/dev/null 2>&1; rm -rf "$D"' EXIT
"$ROOT/tests/swift/cluster.sh" start "$D/swift"
# shellcheck disable=SC1091
. "$D/swift/env"
ACC=${OS_STORAGE_URL##*/}

mkdir -p "$D/texts"
split -n l/4 -d -a 1 --additional-suffix=.txt "$ROOT/examples/data/tale-of-two-cities.txt" "$D/texts/part-"
(cd "$D/texts" && swift upload texts part-0.txt part-1.txt part-2.txt part-3.txt >/dev/null)
echo "uploaded: $(swift list texts | tr '\n' ' ')"

JOB='[{"name": "count",
  "exec": {"path": "/bin/busybox", "args": "wc -w"},
  "devices": [{"name": "stdin", "path": "swift://'"$ACC"'/texts/*.txt"},
              {"name": "stdout"}]}]'
echo
echo "== with curl: POST $OS_STORAGE_URL  (X-Zerovm-Execute: 1.0)"
echo "$JOB"
curl -s -D "$D/hdr" -o "$D/body" -X POST -H "X-Auth-Token: $OS_AUTH_TOKEN" -H 'X-Zerovm-Execute: 1.0' \
	--data-binary "$JOB" "$OS_STORAGE_URL"
tr -d '\r' <"$D/hdr" | grep -E '^(HTTP|X-Nexe-Status|X-Nexe-Retcode|X-Zerocloud-Placement)'
echo "words per part: $(tr -s ' \n' ' ' <"$D/body")"
echo "total: $(awk '{ s += $1 } END { print s }' "$D/body")   (wc -w here: $(wc -w <"$ROOT/examples/data/tale-of-two-cities.txt"))"

echo
echo "== with python-swiftclient: Connection.post_account(headers={'X-Zerovm-Execute': '1.0'}, data=job)"
/usr/bin/python3 - "$JOB" <<'PY'
import os, sys
from swiftclient.client import Connection
conn = Connection(authurl=os.environ['ST_AUTH'], user=os.environ['ST_USER'], key=os.environ['ST_KEY'])
resp = {}
headers, body = conn.post_account(headers={'X-Zerovm-Execute': '1.0'}, data=sys.argv[1], response_dict=resp)
print('status', resp['status'])
print('placement:', resp['headers'].get('x-zerocloud-placement'))
counts = [int(x) for x in body.split()]
print('words per part:', ' '.join(map(str, counts)), ' total:', sum(counts))
PY

echo
echo "== MapReduce through connect: examples/jobs/wordcount.json with this account's paths"
(cd "$ROOT/examples/data" && swift upload books ./*.txt >/dev/null)
(cd "$BUILD/examples/jobs" && swift upload bin wc-map wc-reduce >/dev/null)
swift post out
sed "s|swift://demo/bin/|swift://$ACC/bin/|; s|swift://demo/texts/|swift://$ACC/books/|; \
	s|swift://demo/out/|swift://$ACC/out/|" "$ROOT/examples/jobs/wordcount.json" >"$D/wordcount.json"
cat "$D/wordcount.json"
curl -s -D "$D/hdr" -o "$D/body" -X POST -H "X-Auth-Token: $OS_AUTH_TOKEN" -H 'X-Zerovm-Execute: 1.0' \
	--data-binary @"$D/wordcount.json" "$OS_STORAGE_URL"
tr -d '\r' <"$D/hdr" | grep -E '^(HTTP|X-Nexe-Status|X-Nexe-Retcode|X-Zerocloud-Placement)'
echo "== swift download out top-words.txt (the 10 most frequent)"
swift download out top-words.txt -o - | head -n 10
