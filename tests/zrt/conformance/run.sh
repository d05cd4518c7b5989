#!/bin/bash
# run.sh ZVSH BUILD - the runtime's conformance suite: the same probe
# (BUILD/zrt/conformance-probe, static glibc), group by group, natively and
# under zvsh; the two outputs, and the exit statuses, must be identical
# line for line.
#
# Native runs start in a fresh temporary directory (the sandbox starts in
# its in-memory "/", which is as empty), with the environment zvsh gives the
# program, no core dumps, standard input /dev/null. The groups of
# --list-unprivileged (fork, threads, system, popen; the set*id family)
# run natively as an unprivileged user with RLIMIT_NPROC 0 — a Linux that
# may not create processes nor change its ids, as the sandbox may not —
# and are skipped when that user or setpriv/prlimit are missing.
#
# Prints "ok - GROUP (N calls)" or "not ok - GROUP" with the diff, and
# "N passed, M failed, K skipped".
set -u
ZVSH=$(readlink -f "$1")
B=$(readlink -f "$2")
PROBE=$B/zrt/conformance-probe
export ZEROVM=$B/zerovm
T=$(mktemp -d /tmp/zrt-conf.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
pass=0 fail=0 skip=0 calls=0
ENV=(env -i PATH=/bin:/usr/bin HOME=/ LANG=C)

closefds() { # close every descriptor above 2 of this (sub)shell
	local fd
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"
	done
	return 0
}

native() { # GROUP [PREFIX...]: output and status in $T/n.out
	local g=$1 d
	shift
	d=$(mktemp -d "$T/native.XXXXXX")
	chmod 777 "$d"
	# (the shell's own "Aborted" line for a probe killed by a signal goes
	# to /dev/null with the braces' stderr)
	# Descriptors the caller inherited are closed first: the sandboxed
	# program starts with 0, 1 and 2 only, and the size of Linux's
	# descriptor table (which grows with the highest descriptor ever
	# open) shows in what select answers for large numbers.
	{ (closefds && cd "$d" && ulimit -c 0 && "${ENV[@]}" "$@" "$PROBE" "$g" </dev/null >"$T/n.out" 2>"$T/n.err"); } 2>/dev/null
	echo "status $?" >>"$T/n.out"
}

sandboxed() { # GROUP: output and status in $T/z.out
	(cd "$T" && "$ZVSH" "$PROBE" "$1" </dev/null >"$T/z.out" 2>"$T/z.err")
	echo "status $?" >>"$T/z.out"
}

compare() { # GROUP
	local n
	if cmp -s "$T/n.out" "$T/z.out"; then
		n=$(sed -n 's/^calls \([0-9]*\)$/\1/p' "$T/z.out")
		calls=$((calls + ${n:-0}))
		echo "ok - $1 (${n:-0} calls, same output natively and in the sandbox)"
		pass=$((pass + 1))
	else
		echo "not ok - $1: native (<) and sandboxed (>) differ"
		diff "$T/n.out" "$T/z.out" | sed 's/^/#   /'
		[ -s "$T/z.err" ] && sed 's/^/#   sandbox stderr: /' "$T/z.err" | head -n 5
		fail=$((fail + 1))
	fi
}

for g in $("$PROBE" --list); do
	native "$g"
	sandboxed "$g"
	compare "$g"
done

# A Linux that may not create processes: an unprivileged user (RLIMIT_NPROC
# is not enforced for root) with RLIMIT_NPROC 0, set after the user change
# so that exec itself is not refused.
for g in $("$PROBE" --list-unprivileged); do
	if command -v setpriv >/dev/null && command -v prlimit >/dev/null && id nobody >/dev/null 2>&1; then
		native "$g" setpriv --reuid=nobody --regid=nogroup --clear-groups -- prlimit --nproc=0:0 --
		sandboxed "$g"
		compare "$g"
	else
		echo "ok - $g # SKIP no setpriv, prlimit or user nobody for the native run"
		skip=$((skip + 1))
	fi
done

echo "# $calls calls compared"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
