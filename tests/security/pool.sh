#!/usr/bin/env bash
# Attacks on what the sealed ready sandbox changes at the wall
# (docs/security.md, "The ready sandbox pool"; docs/performance.md).
#
#   tests/security/pool.sh ZEROVM GUEST_DIR
#
# A ready sandbox of zerovm --serve is sealed before its request: guest
# memory is mapped whole (to 2^40) PROT_NONE, boot's block stays readable
# through a private view, boot waits in a trap its worker holds, and the
# session's limits are set from outside. Guests (tests/security/pool/*.c,
# raw system calls, run with the runtime through the pool and cold in the
# same run) try each of these; the shell checks what the host sees: the
# waiting sandboxes, their limits, who holds their trap, what is left when
# a worker or the server goes. Ends with "N passed, N failed".
set -u
ZVM=$(readlink -f "$1")
G=$(readlink -f "$2")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib.sh"
tmpdir zvm-pool-attack
chmod 755 "$T"
S=$T/s.sock
SPID=
cleanup() { [ -n "$SPID" ] && kill -KILL "$SPID" 2>/dev/null; }

for n in gap beyond view; do
	(cd "$ROOT" && gcc -std=c17 -Wall -Wextra -O2 -ffreestanding -fno-stack-protector -fno-builtin -fno-pie -no-pie \
		-static -nostdlib -fcf-protection=none -Iinclude -Itests/security/attacks -o "$T/$n" \
		"tests/security/pool/$n.c" lib/zvm_mem.c) || bad "build $n"
done
(cd "$ROOT" && gcc -std=c17 -Wall -Wextra -O2 -ffreestanding -fno-stack-protector -fno-builtin -fno-pie -no-pie \
	-static -nostdlib -fcf-protection=none -Iinclude -o "$T/notif_ioctl" tests/security/attacks/notif_ioctl.c \
	lib/zvm_mem.c) || bad "build notif_ioctl"

# manifest NAME PROGRAM MEMORY TIMEOUT [STDIN]
manifest() {
	{
		echo "Version = 20130611"
		echo "Program = $2"
		echo "Memory = $3, 1"
		echo "Timeout = $4"
		echo "Channel = ${5:-/dev/stdin}, /dev/stdin, 0, 1, 100000, 100000, 0, 0"
		echo "Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 1000, 100000"
		echo "Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 1000, 100000"
	} >"$T/$1.m"
}
# out FILE: the guest's lines joined by ";" (all but the six report lines)
out() { head -n -6 "$1" | tr '\n' ';'; }
state() { tail -n 1 "$1"; }
etag() { sed -n 4p "$1" | head -c 200; }
# The sandboxes (children of the workers, children of the server).
sandboxes() {
	local w
	for w in $(pgrep -P "$SPID"); do pgrep -P "$w"; done
}
start_server() {
	rm -f "$S"
	"$ZVM" --serve "$S" "$@" 2>"$T/server.log" &
	SPID=$!
	for _ in $(seq 100); do [ -S "$S" ] && break; sleep 0.05; done
	# ... and until both ready sandboxes wait in their trap
	for _ in $(seq 100); do [ "$(sandboxes | wc -w)" -ge 2 ] && return 0; sleep 0.05; done
	return 1
}
served() { "$ZVM" --connect "$S" "$T/$1.m" >"$T/$1.$2" 2>"$T/$1.$2.err" </dev/null; }
cold() { "$ZVM" "$T/$1.m" >"$T/$1.cold" 2>"$T/$1.cold.err" </dev/null; }

start_server --pool 2 --max-sessions 4 || bad "server starts" "$(cat "$T/server.log")"

# ---- the ready sandbox waits in a trap that only its worker holds
sbs=$(sandboxes)
n=0
for p in $sbs; do
	# /proc/PID/syscall: number and arguments of the call it sleeps in
	[ "$(awk '{print $1, $2}' "/proc/$p/syscall" 2>/dev/null)" == "31350 0x79646552" ] && n=$((n + 1))
done
check "each ready sandbox sleeps in the trap {Redy}" "$n" "$(echo $sbs | wc -w)"
listeners() { ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'seccomp notify'; }
check "the server holds no trap listener" "$(listeners "$SPID")" 0
n=0
for w in $(pgrep -P "$SPID"); do [ "$(listeners "$w")" == 1 ] && n=$((n + 1)); done
check "each worker holds exactly one (its sandbox's)" "$n" "$(pgrep -P "$SPID" | wc -l)"
n=0
for p in $sbs; do [ "$(grep -c '^Max cpu time *unlimited' "/proc/$p/limits")" == 1 ] && n=$((n + 1)); done
check "a ready sandbox has no CPU limit yet (its session's comes with the request)" "$n" "$(echo $sbs | wc -w)"

# ---- the gaps between regions: the program's own memory, nothing more
manifest gap "$T/gap" 33554432 5
served gap pool
served gap pool2
cold gap
check "gap (served): mprotect of a gap inside Memory works, zero at first" "$(out "$T/gap.pool")" \
	"try mprotect 0x80000 rw;mprotect 0;before 0;after 66;"
check "gap (served): the session ends normally" "$(state "$T/gap.pool")" ok
check "gap (served): nothing of the first session in the second" "$(out "$T/gap.pool2")" "$(out "$T/gap.pool")"
check "gap (served): the same memory etag every run" "$(etag "$T/gap.pool2")" "$(etag "$T/gap.pool")"
check "gap (cold): the gap is unmapped (-ENOMEM, then SIGSEGV)" \
	"$(out "$T/gap.cold")|$(state "$T/gap.cold")" "try mprotect 0x80000 rw;mprotect -12;|Signal 11 from untrusted code: Segmentation fault"

manifest beyond "$T/beyond" 33554432 5
served beyond pool
rc=$?
cold beyond
check "beyond (served): past Memory, mprotect works but across 2^40 it does not" "$(out "$T/beyond.pool")" \
	"try mprotect past memory rw;mprotect 0;try mprotect across 2^40 rw;mprotect -12;try store past memory;"
check "beyond (served): a store past Memory is SIGBUS (exit 4): guest memory ends at Memory" \
	"$rc|$(state "$T/beyond.pool")" "4|Signal 7 from untrusted code: Bus error"
check "beyond (cold): -ENOMEM twice, then SIGSEGV" "$(out "$T/beyond.cold")|$(state "$T/beyond.cold")" \
	"try mprotect past memory rw;mprotect -12;try mprotect across 2^40 rw;mprotect -12;try store past memory;|Signal 11 from untrusted code: Segmentation fault"

# ---- boot's view of its block: readable, never writable
manifest view "$T/view" 33554432 5
served view pool
rc=$?
check_re "view (served): readable; mprotect to rw refused (the filter sends it to the runtime)" \
	"$(out "$T/view.pool")" "^try read view;magic is zvmBoot1 1;try mprotect view rw;mprotect -[0-9]+;try store view;$"
check "view (served): the store is SIGSEGV (exit 4)" "$rc|$(state "$T/view.pool")" \
	"4|Signal 11 from untrusted code: Segmentation fault"

# ---- the listener at the sandbox's fd 0 is not the program's
manifest notif "$T/notif_ioctl" 33554432 5
served notif pool
check_re "the program cannot receive its own traps on fd 0 (the runtime answers ioctl)" \
	"$(out "$T/notif.pool")" "^try ioctl fd 0 SECCOMP_IOCTL_NOTIF_RECV;survived -[0-9]+;$"

# ---- a request's limits are set from outside, before the program runs
mkfifo "$T/fifo1" "$T/fifo2"
exec 7<>"$T/fifo1" 8<>"$T/fifo2"
manifest lim1 "$G/probe" 33554432 7 "$T/fifo1"
manifest lim2 "$G/probe" 67108864 20 "$T/fifo2"
"$ZVM" --connect "$S" "$T/lim1.m" >"$T/lim1.out" 2>&1 </dev/null 7>&- 8>&- &
c1=$!
"$ZVM" --connect "$S" "$T/lim2.m" >"$T/lim2.out" 2>&1 </dev/null 7>&- 8>&- &
c2=$!
lims() {
	local p
	for p in $(sandboxes); do
		echo "$(awk '/^Max cpu time/ {print $4}' "/proc/$p/limits") $(awk '/^Max address space/ {print $4}' "/proc/$p/limits")"
	done | sort
}
for _ in $(seq 100); do
	l=$(lims)
	grep -q '^9 ' <<<"$l" && grep -q '^22 ' <<<"$l" && break
	sleep 0.05
done
check "Memory 32 MiB, Timeout 7: the sandbox's RLIMIT_CPU 9 s, RLIMIT_AS Memory + 64 MiB" \
	"$(grep -c '^9 100663296$' <<<"$l")" 1
check "Memory 64 MiB, Timeout 20 at the same time: 22 s, 128 MiB" "$(grep -c '^22 134217728$' <<<"$l")" 1
exec 7>&- 8>&- # the probes' scripts end: empty
wait $c1
r1=$?
wait $c2
r2=$?
check "both sessions then end normally" "$r1 $r2 $(tail -n 1 "$T/lim1.out") $(tail -n 1 "$T/lim2.out")" "0 0 ok ok"

# ---- a request that never comes
w=$(pgrep -P "$SPID" | head -n 1)
sb=$(pgrep -P "$w")
kill -KILL "$w"
for _ in $(seq 100); do [ "$(alive $sb)" == 0 ] && break; sleep 0.05; done
check "a worker killed while its sandbox waits: the sandbox dies with it" "$(alive $sb)" 0
for _ in $(seq 100); do [ "$(sandboxes | wc -w)" -ge 2 ] && break; sleep 0.05; done
kids=$(for w in $(pgrep -P "$SPID"); do echo "$w"; pgrep -P "$w"; done)
kill -TERM "$SPID"
wait "$SPID"
rc=$?
SPID=
check "SIGTERM with sandboxes waiting: the server exits 0" "$rc" 0
check "... and none of its $(echo $kids | wc -w) workers and sandboxes is left" "$(alive $kids)" 0

finish
