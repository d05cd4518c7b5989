#!/bin/bash
# bench/swift.sh [BUILD] - ZeroCloud benchmarks (make bench-swift; not tests).
#
# On an all-in-one Swift (tests/swift/cluster.sh, stopped at the end
# whatever happens):
#   1. sha256 of a SWIFT_MIB MiB object (default 256): a data-local job
#      next to the object, with examples/jobs/sha256 (libcrypto's SHA-256,
#      a host program the object servers allow) and with busybox
#      sha256sum, against `swift download -o -` piped to the native
#      sha256sum (coreutils), alternated, SHA_RUNS runs each (default 5);
#      medians and ratios. Every digest must agree.
#   2. a tiny job (busybox true, short form on a 1-byte object) through the
#      proxy: median and 99th percentile over LAT_N sequential requests
#      (default 200), then jobs per second with 8 concurrent clients
#      (CONC_N requests in all, default 400).
# Prints a table. Machines are shared and noisy: compare ratios, not times.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
PY=/usr/bin/python3
MIB=${SWIFT_MIB:-256}
SHA_RUNS=${SHA_RUNS:-5}
LAT_N=${LAT_N:-200}
CONC_N=${CONC_N:-400}
D=$(mktemp -d "${BENCH_TMP:-/tmp}/zc-bench.XXXXXX")
trap '"$ROOT/tests/swift/cluster.sh" stop "$D/swift" >/dev/null 2>&1; rm -rf "$D"' EXIT
ZC_MAX_RUNNING=${ZC_MAX_RUNNING:-10} "$ROOT/tests/swift/cluster.sh" start "$D/swift" >/dev/null
# shellcheck disable=SC1091
. "$D/swift/env"

head -c $((MIB << 20)) /dev/urandom >"$D/big"
printf x >"$D/tiny"
(cd "$D" && swift upload --object-name big bench big >/dev/null && swift upload --object-name tiny bench tiny >/dev/null)
want=$(sha256sum <"$D/big" | cut -d' ' -f1)
rm -f "$D/big"

"$PY" - "$OS_STORAGE_URL" "$OS_AUTH_TOKEN" "$want" "$ROOT/build/examples/jobs/sha256" "$SHA_RUNS" "$LAT_N" "$CONC_N" "$MIB" <<'EOF'
import http.client, statistics, subprocess, sys, threading, time, urllib.parse
url, token, want, sha_prog = sys.argv[1:5]
sha_runs, lat_n, conc_n, mib = map(int, sys.argv[5:])
u = urllib.parse.urlsplit(url)

def job(path, body, conn=None):
    c = conn or http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    c.request('POST', u.path + path, body=body,
              headers={'X-Auth-Token': token, 'X-Zerovm-Execute': '1.0'})
    r = c.getresponse()
    data = r.read()
    if r.status != 200 or r.getheader('X-Nexe-Status') != 'ok':
        sys.exit('bench: job failed: %d %s %s' % (r.status, r.getheader('X-Nexe-Status'), data[:200]))
    return data

SHA_FAST = ('{"name":"sha","exec":{"path":"%s"},"devices":[{"name":"stdout"}]}' % sha_prog).encode()
SHA_BB = b'{"name":"sha","exec":{"path":"/bin/busybox","args":"sha256sum"},"devices":[{"name":"stdout"}]}'
TRUE = b'{"name":"t","exec":{"path":"/bin/busybox","args":"true"},"devices":[{"name":"stdout"}]}'
tj, tb, tn = [], [], []
for _ in range(sha_runs):
    for body, times in ((SHA_FAST, tj), (SHA_BB, tb)):
        t0 = time.perf_counter()
        got = job('/bench/big', body).split()[0].decode()
        times.append(time.perf_counter() - t0)
        assert got == want, (got, want)
    t0 = time.perf_counter()
    out = subprocess.run('swift download bench big -o - | sha256sum', shell=True, check=True,
                         capture_output=True).stdout.split()[0].decode()
    tn.append(time.perf_counter() - t0)
    assert out == want, (out, want)
mj, mb, mn = statistics.median(tj), statistics.median(tb), statistics.median(tn)

conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
lat = []
for _ in range(lat_n):
    t0 = time.perf_counter()
    job('/bench/tiny', TRUE, conn)
    lat.append(time.perf_counter() - t0)
lat.sort()
p50, p99 = statistics.median(lat), lat[min(len(lat) - 1, int(0.99 * len(lat)))]

left = [conc_n]
lock = threading.Lock()
def client():
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    while True:
        with lock:
            if left[0] == 0:
                return
            left[0] -= 1
        job('/bench/tiny', TRUE, c)
t0 = time.perf_counter()
ts = [threading.Thread(target=client) for _ in range(8)]
for t in ts:
    t.start()
for t in ts:
    t.join()
rate = conc_n / (time.perf_counter() - t0)

print('| measure | result |')
print('|---|---|')
print('| sha256 of a %d MiB object: data-local job, examples/jobs/sha256 (libcrypto), median of %d | %.2f s |'
      % (mib, sha_runs, mj))
print('| the same job with busybox sha256sum | %.2f s |' % mb)
print('| swift download -o - piped to the native sha256sum (coreutils) | %.2f s |' % mn)
print('| ratio download + native / job (sha256): above 1, the job is faster | %.2fx |' % (mn / mj))
print('| ratio download + native / job (busybox) | %.2fx |' % (mn / mb))
print('| tiny job through the proxy, median / 99th percentile (%d requests) | %.1f ms / %.1f ms |'
      % (lat_n, p50 * 1e3, p99 * 1e3))
print('| tiny jobs per second, 8 concurrent clients (%d requests) | %.1f |' % (conc_n, rate))
EOF
