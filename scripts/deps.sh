#!/bin/sh
# deps.sh - install the Debian packages zerovm needs to build, test and
# benchmark, if any are missing. Called by `make demo`, `make check` and
# `make bench`.
set -eu
pkgs="build-essential clang libseccomp-dev libssl-dev libcmocka-dev pkg-config bubblewrap"
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
