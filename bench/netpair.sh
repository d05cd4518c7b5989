#!/bin/sh
# bench/netpair.sh READER... -- WRITER...: run the reader in the background
# and the writer in the foreground, wait for both; exit 1 if either failed.
# The same wrapper times both sides of the network benchmark (zerovm's two
# sessions, the native netcopy pair), so its own cost is in both.
reader=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	reader="$reader '$1'"
	shift
done
shift
eval "$reader" >/dev/null &
r=$!
"$@" >/dev/null || { wait $r; exit 1; }
wait $r || exit 1
