#!/usr/bin/env bash
# The server mode (zerovm --serve / --connect, the ready sandbox pool) end
# to end, against a cold zerovm in the same run.
#
#   tests/func/serve.sh ZEROVM GUEST_DIR
#
# A served session must be indistinguishable from a cold one (output,
# report, etags, memory etag), sessions of concurrent clients must never see
# each other's data, bad requests are refused with a status and the server
# goes on, and shutdown leaves nothing behind. Ends with "N passed, N failed".
set -u
ZVM=$(readlink -f "$1")
G=$(readlink -f "$2")
. "$(dirname "$0")/../lib.sh"
tmpdir zvm-serve
chmod 755 "$T"
S=$T/s.sock
SPID=
cleanup() { [ -n "$SPID" ] && kill -KILL "$SPID" 2>/dev/null; }

# manifest FILE SCRIPT [extra lines]: the probe guest with SCRIPT on stdin.
manifest() {
	local f=$1
	printf '%b' "$2" >"$f.script"
	shift 2
	{
		echo "Version = 20130611"
		echo "Program = $G/probe"
		echo "Memory = 33554432, 1"
		echo "Timeout = 10"
		echo "Channel = $f.script, /dev/stdin, 0, 1, 100000, 100000, 0, 0"
		echo "Channel = /dev/stdout, /dev/stdout, 0, 1, 0, 0, 100000, 10000000"
		echo "Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 1000, 100000"
		for l in "$@"; do echo "$l"; done
	} >"$f"
}
# Everything but the CPU times (report line 5's first two fields).
stable() { awk -v n="$(wc -l <"$1")" 'NR == n - 1 { $1 = "-"; $2 = "-" } { print }' "$1"; }
# descendants PID: every process below PID
descendants() {
	local p
	for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done
}
start_server() {
	rm -f "$S"
	"$ZVM" --serve "$S" "$@" 2>"$T/server.log" &
	SPID=$!
	for _ in $(seq 100); do [ -S "$S" ] && return 0; sleep 0.05; done
	return 1
}

start_server --pool 2 --max-sessions 8 --queue 16 || { bad "server starts" "$(cat "$T/server.log")"; }
check "socket is the owner's only (0600)" "$(stat -c %a "$S")" 600

# ---- a served session equals a cold one
head -c 5000 /dev/urandom >"$T/in"
manifest "$T/d.m" 'r 3 100 0\ncopy 3 4 1000,333\nW 4 0 written\ntouch 1000000\n' \
	"Channel = $T/in, /dev/in, 0, 1, 1000, 100000, 0, 0" \
	"Channel = $T/OUT, /dev/out, 0, 1, 0, 0, 1000, 100000"
sed -i "s|$T/OUT|$T/out-cold|" "$T/d.m"
"$ZVM" "$T/d.m" >"$T/cold" 2>"$T/cold.err" </dev/null
rc_cold=$?
sed -i "s|$T/out-cold|$T/out-pool|" "$T/d.m"
"$ZVM" --connect "$S" "$T/d.m" >"$T/pool" 2>"$T/pool.err" </dev/null
rc_pool=$?
check "determinism: exit status as cold" "$rc_pool" "$rc_cold"
check "determinism: output, report, etags and memory etag as cold" "$(stable "$T/pool")" "$(stable "$T/cold")"
check "determinism: output channel as cold" "$(cmp "$T/out-cold" "$T/out-pool" && echo same)" same
check "determinism: etags are on (report line 4)" "$(tail -n 3 "$T/pool" | head -n 1 | grep -c disabled)" 0
check "determinism: stderr as cold" "$(cat "$T/pool.err")" "$(cat "$T/cold.err")"
# Again, after sessions that dirtied their memory (touch): nothing carries.
"$ZVM" --connect "$S" "$T/d.m" >"$T/pool2" 2>/dev/null </dev/null
check "determinism: a later served session as cold" "$(stable "$T/pool2")" "$(stable "$T/cold")"
# A raw session (-Z) has no runtime: the guest memory a worker makes ahead
# with the runtime in it (src/worker.c) is not its, and its memory etag is
# a cold raw session's.
"$ZVM" -Z "$T/d.m" >"$T/coldZ" 2>/dev/null </dev/null
"$ZVM" --connect "$S" -Z "$T/d.m" >"$T/poolZ" 2>/dev/null </dev/null
check "determinism: a raw session (-Z) as cold, memory etag included" "$(stable "$T/poolZ")" "$(stable "$T/coldZ")"
check "  ... which differs from the runtime's (the check can see it)" \
	"$([ "$(tail -n 3 "$T/poolZ" | head -n 1)" != "$(tail -n 3 "$T/cold" | head -n 1)" ] && echo differs)" differs

# The ready sandboxes are sealed with the runtime and cpuid left native: a
# raw session (above) and -C take a cold sandbox in the worker, and say so
# at -v 1 (docs/performance.md, "The ready sandbox pool").
"$ZVM" -C "$T/d.m" >"$T/coldC" 2>/dev/null </dev/null
"$ZVM" --connect "$S" -C -v 1 "$T/d.m" >"$T/poolC" 2>"$T/poolC.err" </dev/null
check "determinism: a session with -C as cold, memory etag included" "$(stable "$T/poolC")" "$(stable "$T/coldC")"
check "  ... run in a cold sandbox, said at -v 1" "$(grep -c 'a cold sandbox: the ready ones are sealed' "$T/poolC.err")" 1
"$ZVM" --connect "$S" -v 1 "$T/d.m" >/dev/null 2>"$T/poolv.err" </dev/null
check "  ... which a plain session does not need" "$(grep -c 'a cold sandbox' "$T/poolv.err")" 0
# The sealed sandbox's step to "program running" is timed at boot's last
# trap, right before its jump (-v 2).
"$ZVM" --connect "$S" -v 2 "$T/d.m" >"$T/poolv2" 2>"$T/poolv2.err" </dev/null
check "-v 2: a served session says when its program started, and runs as cold" \
	"$(grep -c 'sandbox sealed, program running' "$T/poolv2.err")|$(stable "$T/poolv2")" "1|$(stable "$T/cold")"

# ---- the same errors as cold
printf 'Version = 20130611\nProgram = %s/missing\nMemory = 33554432, 0\nTimeout = 5\n' "$T" >"$T/e.m"
"$ZVM" "$T/e.m" >"$T/e.cold" 2>&1 </dev/null
rc_cold=$?
"$ZVM" --connect "$S" "$T/e.m" >"$T/e.pool" 2>&1 </dev/null
check "a missing program: status as cold ($rc_cold)" "$?" "$rc_cold"
check "a missing program: message and report as cold" "$(stable "$T/e.pool")" "$(stable "$T/e.cold")"
(cd "$T" && "$ZVM" --connect "$S" d.m >"$T/rel" 2>&1 </dev/null)
check "a relative manifest path is the client's" "$(stable "$T/rel")" "$(stable "$T/cold")"
manifest "$T/fd.m" 'x 0\n' "Channel = /dev/fd/5, /dev/in, 0, 0, 10, 10, 0, 0"
"$ZVM" --connect "$S" "$T/fd.m" >"$T/fd" 2>&1 </dev/null 5</dev/null
check "/dev/fd/5: refused (exit 14)" "$?" 14
check "/dev/fd/5: says why" "$(grep -q "only the client's standard streams" "$T/fd" && echo yes)" yes
"$ZVM" --connect "$S" -l 0 "$T/d.m" >/dev/null 2>&1
check "a bad option: exit 22, as cold" "$?" 22
"$ZVM" --connect "$T/nowhere.sock" "$T/d.m" >/dev/null 2>"$T/nw"
check "no server: exit 5" "$?" 5
check "no server: says so" "$(grep -c "no server listens there" "$T/nw")" 1

# ---- bad requests: a status, and the server goes on
if [ -x /usr/bin/python3 ]; then
	req() {
		/usr/bin/python3 - "$S" "$1" <<'PY'
import socket, struct, sys, array, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1]); s.settimeout(10)
kind = sys.argv[2]
hdr = lambda argc, n: struct.pack("<QII", 0x31767265536d767a, argc, n)
fds = [0, 1, 2, os.open("/", os.O_RDONLY)]
if kind == "garbage":
    s.sendall(b"x" * 64)
elif kind == "nofds":
    s.sendall(hdr(2, 10) + b"zerovm\0-h\0")
elif kind == "toolong":
    s.sendmsg([hdr(2, 1 << 30)], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
elif kind == "cut":
    s.sendmsg([hdr(3, 10)], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    s.sendall(b"zerovm\0-h\0")
elif kind == "serve":
    a = b"zerovm\0--serve\0/tmp/x\0"
    s.sendmsg([hdr(3, len(a))], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    s.sendall(a)
elif kind == "stuckerr":
    # fd 2 is a full pipe nobody reads: the refusal's message cannot go
    # out, and must not keep the status from coming
    r, w = os.pipe(); os.set_blocking(w, False)
    try:
        while True: os.write(w, b"x" * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(w, True)  # as a terminal or a shell's pipe would be
    fds[2] = w
    s.sendmsg([hdr(3, 10)], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))])
    s.sendall(b"zerovm\0-h\0")
elif kind == "silent":
    pass
st = s.recv(4)
print(struct.unpack("<i", st)[0] if len(st) == 4 else "none")
PY
	}
	for k in garbage nofds toolong cut serve; do
		check "bad request ($k): refused with status 22" "$(req $k 2>/dev/null)" 22
	done
	check "bad request (silent for 5 s): timed out with status 22" "$(req silent 2>/dev/null)" 22
	check "bad request, its stderr never read: still status 22" "$(req stuckerr 2>/dev/null)" 22
	"$ZVM" --connect "$S" "$T/d.m" >"$T/after" 2>/dev/null </dev/null
	check "the server serves after bad requests" "$(stable "$T/after")" "$(stable "$T/cold")"
else
	echo "ok - bad requests # SKIP /usr/bin/python3 missing"
fi

# ---- another user may not connect
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ZVM" --connect "$S" "$T/d.m" >/dev/null 2>"$T/nobody"
	check "another user: refused (exit 5)" "$?" 5
	check "another user: permission denied" "$(grep -c "Permission denied" "$T/nobody")" 1
else
	echo "ok - another user # SKIP needs root and setpriv"
fi

# ---- 8 concurrent clients, 3 rounds: each sees only its own data
for i in 1 2 3 4 5 6 7 8; do
	head -c $((100000 + i * 777)) /dev/urandom >"$T/in$i"
	manifest "$T/c$i.m" 'copy 3 4 4096\n' \
		"Channel = $T/in$i, /dev/in, 0, 0, 100000, 10000000, 0, 0" \
		"Channel = $T/out$i, /dev/out, 0, 0, 0, 0, 100000, 10000000"
done
okc=0
for round in 1 2 3; do
	for i in 1 2 3 4 5 6 7 8; do
		rm -f "$T/out$i"
		"$ZVM" --connect "$S" "$T/c$i.m" >"$T/r$i" 2>&1 </dev/null &
	done
	wait $(jobs -p | grep -v "^$SPID$")
	for i in 1 2 3 4 5 6 7 8; do
		cmp -s "$T/in$i" "$T/out$i" && [ "$(tail -n 1 "$T/r$i")" = ok ] &&
			[ "$(head -n 1 "$T/r$i" | cut -d' ' -f2)" = "$((100000 + i * 777))" ] && okc=$((okc + 1))
	done
done
check "8 concurrent clients x 3: every output is its own input" "$okc" 24

# ---- shutdown: a running session finishes, nothing is left
manifest "$T/long.m" 'busy 200\nW 1 0 finished\n'
"$ZVM" --connect "$S" "$T/long.m" >"$T/long" 2>&1 </dev/null &
CPID=$!
sleep 0.2
kids=$(descendants "$SPID")
kill -TERM "$SPID"
wait "$CPID"
check "SIGTERM: the running session finished (exit 0)" "$?" 0
check "SIGTERM: its output is whole" "$(grep -c '^finished' "$T/long")$(tail -n 1 "$T/long")" "1ok"
wait "$SPID"
check "SIGTERM: the server exits 0" "$?" 0
SPID=
check "SIGTERM: the socket is removed" "$([ -e "$S" ] && echo there || echo gone)" gone
left=$(alive $kids)
check "SIGTERM: no worker or sandbox left ($(echo $kids | wc -w) before)" "$left" 0

start_server --pool 3
sleep 0.5
kids=$(descendants "$SPID")
kill -KILL "$SPID"
wait "$SPID" 2>/dev/null
SPID=
sleep 0.3
left=$(alive $kids)
check "SIGKILL of the server: its $(echo $kids | wc -w) workers and sandboxes die with it" "$left" 0

"$ZVM" --serve "$T" >/dev/null 2>"$T/exists"
check "--serve on a path that is not a socket: exit 5" "$?" 5
finish
