#!/usr/bin/env bash
# The syscall sweep: every system call number of the three x86 ABIs, with
# hostile arguments, each in its own session of the sweep guest; and the
# policy table (policy.table), each row against the live kernel. Checks what
# the program saw, how the session ended, that the supervisor stayed healthy
# (a full report every time) and that nothing was left behind.
#
#   tests/security/sweep.sh ZEROVM GUEST_DIR
set -u
ZVM=$(readlink -f "$1")
G=$(readlink -f "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/zvm-sweep.XXXXXX)
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0
MAXNR=${SWEEP_MAXNR:-600}

cat >"$T/m" <<M
Version = 20130611
Program = $G/sweep
Memory = 33554432, 0
Timeout = 5
Channel = $T/call, /dev/stdin, 0, 0, 10, 1000, 0, 0
Channel = $T/out, /dev/stdout, 0, 0, 0, 0, 10, 1000
Channel = /dev/null, /dev/stderr, 0, 0, 0, 0, 10, 1000
M

# run ABI NR ARGS... -> sets GOT to a normalised outcome
run() {
	echo "$*" >"$T/call"
	"$ZVM" -Z "$T/m" >"$T/report" 2>/dev/null
	local rc=$? R out=""
	mapfile -t R <"$T/report"
	IFS= read -r -d '' out <"$T/out"
	out=${out//$'\n'/ }
	local state=${R[5]:-} code=${R[2]:-}
	if [ "${#R[@]}" -ne 6 ]; then
		GOT="broken report (${#R[@]} lines, rc $rc)"
	elif [ "$out" != "ok " ] && [ "${out#ok survived }" == "$out" ]; then
		GOT="program output [$out]"
	elif [ "$state" == "Signal 31 from untrusted code: Bad system call" ] && [ "$rc" -eq 4 ]; then
		GOT=sigsys
	elif [[ "$state" == "Signal "*" from untrusted code"* ]] && [ "$rc" -eq 4 ]; then
		GOT=signal
	elif [ "$state" == ok ] && [ "$out" == "ok " ]; then
		GOT="exit $code"
	elif [ "$state" == ok ]; then
		out=${out#ok survived }
		GOT="survived ${out% }"
	else
		GOT="state [$state] rc $rc"
	fi
}

declare -A listed
declare -A default_args
declare -A default_expect
while read -r abi nr a0 a1 a2 a3 a4 a5 expect; do
	[[ -z "$abi" || "$abi" == \#* ]] && continue
	if [ "$nr" == "*" ]; then
		default_args[$abi]="$a0 $a1 $a2 $a3 $a4 $a5"
		default_expect[$abi]=$expect
		continue
	fi
	listed[$abi:$((nr))]=1
	run "$abi" "$nr" "$a0" "$a1" "$a2" "$a3" "$a4" "$a5"
	if [[ "|$expect|" == *"|$GOT|"* ]]; then
		PASS=$((PASS + 1))
		echo "ok - policy: $abi $nr($a0, $a1, $a2, ...) -> $expect"
	else
		FAIL=$((FAIL + 1))
		echo "not ok - policy: $abi $nr($a0, $a1, $a2, ...): got [$GOT], want [$expect]"
	fi
done < <(sed 's/  */ /g' "$HERE/policy.table")

for abi in x86_64 x32 i386; do
	bad=0
	n=0
	for nr in $(seq 0 "$MAXNR") 1000 4095 65535; do
		[ -n "${listed[$abi:$nr]:-}" ] && continue
		run "$abi" "$nr" ${default_args[$abi]}
		n=$((n + 1))
		if [ "$GOT" != "${default_expect[$abi]}" ]; then
			bad=$((bad + 1))
			echo "# sweep $abi $nr: got [$GOT], want [${default_expect[$abi]}]"
		fi
	done
	if [ "$bad" -eq 0 ]; then
		PASS=$((PASS + 1))
		echo "ok - sweep: all $n unlisted $abi syscall numbers stopped with SIGSYS"
	else
		FAIL=$((FAIL + 1))
		echo "not ok - sweep: $bad of $n $abi syscall numbers not stopped"
	fi
done

# Nothing left behind: no sandbox still running, nothing created here.
left=$(ls -A "$T" | sort | tr '\n' ' ')
if [ "$left" == "call m out report " ]; then
	PASS=$((PASS + 1))
	echo "ok - sweep: no file created beside the channels"
else
	FAIL=$((FAIL + 1))
	echo "not ok - sweep: files left: $left"
fi
if pgrep -f "^$ZVM -Z $T" >/dev/null; then
	FAIL=$((FAIL + 1))
	echo "not ok - sweep: a session is still running"
else
	PASS=$((PASS + 1))
	echo "ok - sweep: no session left running"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
