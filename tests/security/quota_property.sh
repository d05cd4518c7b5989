#!/usr/bin/env bash
# Quota property test, end to end: random sessions of random reads and
# writes against random limits, run by the probe guest under a real zerovm,
# compared call by call with a model of the trap rules (docs/traps.md). Checks that no
# call moves a byte or makes a call past a limit, that every result is the
# model's, and that the output file holds exactly the bytes reported.
#
#   tests/security/quota_property.sh ZEROVM GUEST_DIR [SESSIONS]
set -u
ZVM=$(readlink -f "$1")
G=$(readlink -f "$2")
SESSIONS=${3:-300}
T=$(mktemp -d /tmp/zvm-quota.XXXXXX)
trap 'rm -rf "$T"' EXIT
RANDOM=20130611 # reproducible
FSIZE=500
head -c $FSIZE /dev/urandom >"$T/in"
PASS=0
FAIL=0
OPS=0

rnd() { echo $((RANDOM % ($2 - $1 + 1) + $1)); }

# Find the heap address once.
printf 'm\n' >"$T/script"
cat >"$T/m0" <<M
Version = 20130611
Program = $G/probe
Memory = 33554432, 0
Timeout = 10
Channel = $T/script, /dev/stdin, 0, 0, 100000, 100000, 0, 0
Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100000, 10000000
Channel = /dev/null, /dev/stderr, 0, 0, 0, 0, 10, 100
M
heap=$("$ZVM" "$T/m0" | head -n 1 | awk '{print $2}')

for s in $(seq 1 "$SESSIONS"); do
	gets=$(rnd 1 8) gsize=$(rnd 1 300) rtype=$(rnd 0 1)
	puts=$(rnd 1 8) psize=$(rnd 1 300) wtype=$((2 * $(rnd 0 1)))
	# model state
	ug=0 ub=0 up=0 upb=0 rpos=0 wend=0 wpos=0
	script="" expect=""
	for _ in $(seq 1 12); do
		size=$(rnd -3 150) off=$(rnd -2 600)
		[ $((RANDOM % 4)) -eq 0 ] && size=0
		if [ $((RANDOM % 2)) -eq 0 ]; then
			script+="ra 3 $heap $size $off\n"
			# a random read is first clipped to the end (0 at it, < 0 past it)
			[ $rtype -eq 1 ] && [ $off -ge 0 ] && [ $((FSIZE - off)) -lt $size ] && size=$((FSIZE - off))
			if [ $size -eq 0 ]; then r=0
			elif [ $size -lt 0 ]; then r=-14
			elif [ $rtype -eq 1 ] && [ $off -lt 0 ]; then r=-22
			elif [ $ug -ge $gets ] || [ $((gsize - ub)) -le 0 ]; then r=-122
			else
				n=$((size < gsize - ub ? size : gsize - ub))
				if [ $rtype -eq 1 ]; then
					left=$((FSIZE - off))
				else
					left=$((FSIZE - rpos))
				fi
				r=$((n < left ? n : left))
				[ $rtype -eq 0 ] && rpos=$((rpos + r))
				ug=$((ug + 1)) ub=$((ub + r))
			fi
		else
			script+="wa 4 $heap $size $off\n"
			if [ $size -eq 0 ]; then r=0
			elif [ $size -lt 0 ]; then r=-14
			elif [ $wtype -eq 2 ] && [ $off -lt 0 ]; then r=-22
			elif [ $up -ge $puts ]; then r=-122
			elif [ $wtype -eq 2 ] && [ $off -ge $psize ]; then r=-22 # write-only: below put_size
			elif [ $((psize - upb)) -le 0 ]; then r=-122
			else
				r=$((size < psize - upb ? size : psize - upb))
				if [ $wtype -eq 2 ]; then
					[ $((off + r)) -gt $wend ] && wend=$((off + r))
				else
					wpos=$((wpos + r))
				fi
				up=$((up + 1)) upb=$((upb + r))
			fi
		fi
		expect+="= $r\n"
		OPS=$((OPS + 1))
	done
	printf "$script" >"$T/script"
	rm -f "$T/out"
	cat >"$T/m" <<M
Version = 20130611
Program = $G/probe
Memory = 33554432, 0
Timeout = 10
Channel = $T/script, /dev/stdin, 0, 0, 100000, 100000, 0, 0
Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100000, 10000000
Channel = /dev/null, /dev/stderr, 0, 0, 0, 0, 10, 100
Channel = $T/in, /dev/in, $rtype, 0, $gets, $gsize, 0, 0
Channel = $T/out, /dev/out, $wtype, 0, 0, 0, $puts, $psize
M
	got=$("$ZVM" "$T/m" 2>&1)
	results=$(echo "$got" | head -n 12)
	state=$(echo "$got" | tail -n 1)
	want_size=$((wtype == 2 ? wend : wpos))
	size=$(stat -c %s "$T/out")
	if [ "$results" == "$(printf "$expect" | head -n 12)" ] && [ "$state" == ok ] && [ "$size" -eq "$want_size" ] &&
		[ $ub -le $gsize ] && [ $ug -le $gets ] && [ $upb -le $psize ] && [ $up -le $puts ]; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		echo "not ok - session $s: gets=$gets get_size=$gsize type=$rtype puts=$puts put_size=$psize type=$wtype"
		diff <(printf "$expect") <(echo "$results") | sed 's/^/#   /'
		echo "#   state [$state], output size $size, want $want_size"
	fi
done
if [ "$FAIL" -eq 0 ]; then
	echo "ok - all $SESSIONS random sessions ($OPS calls) matched the quota model exactly"
	echo "1 passed, 0 failed"
else
	echo "not ok - $FAIL of $SESSIONS random sessions differ from the quota model"
	echo "0 passed, 1 failed"
fi
[ "$FAIL" -eq 0 ]
