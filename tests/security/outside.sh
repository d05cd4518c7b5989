#!/usr/bin/env bash
# The sandbox seen from the host: what a running sandbox process holds, and
# what other host processes can do to it (docs/security.md, "Process
# hardening").
#
#   tests/security/outside.sh ZEROVM GUEST_DIR
#
# While the probe guest spins inside a session:
#   - its descriptors, listed from /proc: the seccomp listener (fd 0) and
#     nothing else of zerovm's (not its standard output, nor anything the
#     caller left open, nor the program's file, whose page of code it maps
#     shared and read-only: its maps show the file);
#   - as root, a host process running as the sandbox's uid (nobody) can
#     neither ptrace it nor read its maps or memory (the sandbox is
#     non-dumpable and its user namespace belongs to root);
#   - a crash inside the sandbox does not start the host's core helper:
#     with core_pattern set to a pipe helper for the length of the test, a
#     native process that crashes starts it (the control) and a crashing
#     sandbox does not.
# Ends with "N passed, N failed[, N skipped]".
set -u
ZVM=$(readlink -f "$1")
G=$(readlink -f "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/zvm-outside.XXXXXX)
chmod 755 "$T"
PASS=0 FAIL=0 SKIP=0
ZPID=""
OLD_PATTERN=""
cleanup() {
	[ -n "$ZPID" ] && kill "$ZPID" 2>/dev/null
	[ -n "$OLD_PATTERN" ] && printf '%s\n' "$OLD_PATTERN" >/proc/sys/kernel/core_pattern
	rm -rf "$T"
}
trap cleanup EXIT
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $1"; echo "#   $2"; }
skip() { SKIP=$((SKIP + 1)); echo "ok - $1 # SKIP $2"; }
check() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got [$2] want [$3]"; fi; }

gcc -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -o "$T/harness" "$HERE/attacks/host/harness.c" || exit 1

# manifest FILE SCRIPT: the probe guest running SCRIPT, output to $T/out.
manifest() {
	printf '%b' "$2" >"$T/script.$1"
	cat >"$T/$1.m" <<M
Version = 20130611
Program = $G/probe
Memory = 33554432, 0
Timeout = 20
Channel = $T/script.$1, /dev/stdin, 0, 0, 1000, 1000, 0, 0
Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100, 1000
Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 100, 1000
M
}

# start NAME: run the session in the background with a few extra
# descriptors open (3, 7, 9: nothing of them may reach the sandbox); sets
# ZPID and SPID (the sandbox, zerovm's only child) once the guest spins.
start() {
	exec 7<"$T/$1.m" 9>"$T/extra"
	"$ZVM" "$T/$1.m" >"$T/$1.out" 2>"$T/$1.err" 3<"$T/$1.m" &
	ZPID=$!
	exec 7<&- 9>&-
	SPID=""
	for _ in $(seq 1 100); do
		SPID=$(pgrep -P "$ZPID" | head -n 1)
		[ -n "$SPID" ] && grep -q '^= 1' "$T/$1.out" 2>/dev/null && break
		sleep 0.05
	done
}
stop() {
	kill "$ZPID" 2>/dev/null
	wait "$ZPID" 2>/dev/null
	ZPID=""
}

# ---------------------------------------------------------------- descriptors
manifest spin 'W 1 0 1\nspin\n'
start spin
if [ -n "$SPID" ]; then
	fds=$(for f in /proc/"$SPID"/fd/*; do printf '%s->%s ' "${f##*/}" "$(readlink "$f")"; done)
	check "the sandbox holds its trap listener and nothing else (not zerovm's stdout, nor inherited descriptors)" \
		"$fds" "0->anon_inode:seccomp notify "
	# The probe's page of code is mapped from its file (docs/memory.md),
	# from a descriptor boot closed before sealing: the mapping is there,
	# the descriptor is not (above).
	check "the sandbox maps the program's file, shared and read-only, without a descriptor of it" \
		"$(awk -v p="$G/probe" '$6 == p {print $2}' /proc/"$SPID"/maps | sort -u | tr '\n' ' ')" "r-xs "
	# The runtime's code, the same way from zerovm's own file.
	check "the sandbox maps the runtime's code from zerovm's own file, shared and read-only, without a descriptor of it" \
		"$(awk -v p="$(readlink -f "$ZVM")" '$6 == p {print $2}' /proc/"$SPID"/maps | sort -u | tr '\n' ' ')" "r-xs "
else
	bad "the sandbox holds its trap listener and nothing else" "no sandbox process found"
fi

# ---------------------------------------------------------------- other host processes
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && [ -n "$SPID" ]; then
	uid=$(awk '/^Uid:/ {print $2}' /proc/"$SPID"/status)
	check "as root, the sandbox runs as the host's nobody" "$uid" 65534
	got=$(setpriv --reuid="$uid" --regid="$uid" --clear-groups "$T/harness" peek "$SPID")
	check "a host process of the sandbox's uid can neither ptrace it nor read its maps or memory" \
		"$got" "attach EPERM maps EACCES mem EACCES"
	# the control: the same process can do all of it to a process it owns
	setpriv --reuid="$uid" --regid="$uid" --clear-groups sleep 30 &
	own=$!
	sleep 0.1
	got=$(setpriv --reuid="$uid" --regid="$uid" --clear-groups "$T/harness" peek "$own" | cut -d' ' -f1-4)
	kill -KILL "$own" # even if something left it stopped
	wait "$own" 2>/dev/null
	check "(control: it can ptrace and read a process of its own)" "$got" "attach OK maps OK"
else
	skip "other host processes of the sandbox's uid" "needs root and setpriv"
fi
stop

# ---------------------------------------------------------------- core dumps
if [ "$(id -u)" -eq 0 ] && [ -w /proc/sys/kernel/core_pattern ]; then
	cat >"$T/helper" <<H
#!/bin/sh
echo "\$1" >>"$T/cores"
cat >/dev/null
H
	chmod 755 "$T/helper"
	OLD_PATTERN=$(cat /proc/sys/kernel/core_pattern)
	if printf '|%s %%p\n' "$T/helper" >/proc/sys/kernel/core_pattern 2>/dev/null; then
		(ulimit -c unlimited; sh -c 'kill -SEGV $$'; true) 2>/dev/null
		for _ in $(seq 1 100); do [ -s "$T/cores" ] && break; sleep 0.05; done
		control=$(wc -l <"$T/cores" 2>/dev/null || echo 0)
		manifest crash 'peek 8\n'
		(ulimit -c unlimited; "$ZVM" "$T/crash.m" >"$T/crash.out" 2>&1)
		sleep 0.5 # as long as the control's helper could take to start, and more
		after=$(wc -l <"$T/cores" 2>/dev/null || echo 0)
		check "(control: a native crash starts the core helper)" "$control" 1
		check "a crash in the sandbox does not start the host's core helper" \
			"$((after - control)) $(tail -n 1 "$T/crash.out")" "0 Signal 11 from untrusted code: Segmentation fault"
		printf '%s\n' "$OLD_PATTERN" >/proc/sys/kernel/core_pattern
		OLD_PATTERN=""
	else
		skip "core helper" "core_pattern cannot be set here"
	fi
else
	skip "core helper" "needs root and a writable core_pattern"
fi

if [ "$SKIP" -gt 0 ]; then
	echo "$PASS passed, $FAIL failed, $SKIP skipped"
else
	echo "$PASS passed, $FAIL failed"
fi
[ "$FAIL" -eq 0 ]
