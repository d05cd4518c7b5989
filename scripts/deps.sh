#!/bin/sh
# deps.sh [build|bench] - install the Debian packages zerovm needs, if any
# are missing (as root; anyone else gets the apt-get line to run and exit
# status 1). `make` asks for the build's only; `make demo` and `make check`
# for the tests' too; `make bench` adds the benchmark baselines.
#   build:  gcc, make, musl-gcc (the supervisor is linked against musl),
#           libseccomp (build-time filter generation), libcrypto (SHA-1 for etags; SHA-256 for zvsh's cache keys), libxxhash (snapshot checksums, header only),
#           libjansson (zvjob reads JSON jobs), lowdown (man pages in roff
#           from docs/*.1.md, for make install)
#   test:   cmocka, clang (warnings, a second compiler) and its runtime
#           for libFuzzer; busybox-static and liblua5.4-dev (the runtime's
#           test programs: busybox applets, a static Lua interpreter);
#           jq (tests read zerovm's JSON report); man-db (the install test
#           reads the installed pages with man); sqlite3 and python3.11
#           (dynamically linked host programs under zvsh against their native
#           runs; python3.11 is also what make images packs); golang-go
#           (a static Go program with goroutines, tests/zrt/threads.sh)
#   bench:  hyperfine (timings), bubblewrap (the baseline sandbox), lua5.4
#           (Debian's native interpreter, the Lua start-up baseline)
#   test and bench also install OpenStack Swift (zerocloud/'s filters run
#           in it; tests/swift/cluster.sh starts one on loopback): its
#           servers, python3-swiftclient, memcached (tempauth's cache), curl
set -eu
pkgs="build-essential musl-tools libseccomp-dev libssl-dev libjansson-dev libxxhash-dev lowdown"
[ "${1:-}" != build ] && pkgs="$pkgs libcmocka-dev clang libclang-rt-14-dev busybox-static liblua5.4-dev jq man-db sqlite3 python3.11 golang-go"
[ "${1:-}" != build ] && pkgs="$pkgs swift swift-proxy swift-object swift-account swift-container python3-swiftclient memcached curl"
[ "${1:-}" = bench ] && pkgs="$pkgs hyperfine bubblewrap lua5.4"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "zerovm: missing Debian packages:$missing" >&2
	echo "zerovm: run 'make deps' as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "zerovm: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
