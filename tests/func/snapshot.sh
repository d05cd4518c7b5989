#!/usr/bin/env bash
# Snapshots and daemon mode (docs/snapshots.md), end to end.
#
#   tests/func/snapshot.sh ZEROVM GUEST_DIR JOBCLIENT
#
# The guest (tests/guests/forky.c) works before its zvm_fork (reads and
# digests /dev/table, fills a table of primes, changes the SSE rounding
# mode) and reads /dev/stdin after it. A copy resumed from a snapshot must
# give what a cold run of the same manifest gives, in the same run: its
# output, its channel etags and the memory etag. Every refusal is checked
# by its message, its exit code and the report. Ends with "N passed, N
# failed".
set -u
ZVM=$(readlink -f "$1")
G=$(readlink -f "$2")
JC=$(readlink -f "$3")
. "$(dirname "$0")/../lib.sh"
tmpdir zvm-snap
DAEMON=
cleanup() { [ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null; }
OUT=$T/stdout
ERR=$T/stderr
bad_context() {
	sed 's/^/#   | /' "$OUT" | tail -n 8
	sed 's/^/#   ! /' "$ERR" | tail -n 4
}
rep() { tail -n 6 "${2:-$OUT}" | sed -n "${1}p"; }
# A run's output and report without the accounting line (a copy is not
# charged for what the original read before the fork: docs/snapshots.md).
digest() { head -n -2 "$1"; tail -n 1 "$1"; }

head -c 5000 /dev/urandom >"$T/table"
printf 'first input\n' >"$T/in1"
printf 'the second input, longer\n' >"$T/in2"
printf '?third\n' >"$T/in3"
printf 'Fourth: forks again\n' >"$T/in4"

# manifest FILE INPUT [Memory] [extra lines]
manifest() {
	local f=$1 in=$2 mem=${3:-33554432}
	shift 3 2>/dev/null || shift $#
	{
		echo "Version = 20130611"
		echo "Program = ${PROG:-$G/forky}"
		echo "Memory = $mem, 1"
		echo "Timeout = 10"
		echo "Channel = $in, /dev/stdin, 0, 1, 100000, 100000, 0, 0"
		echo "Channel = ${STDOUT:-/dev/stdout}, /dev/stdout, 0, 1, 0, 0, 100000, 10000000"
		echo "Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 1000, 100000"
		echo "Channel = ${TABLE:-$T/table}, /dev/table, ${TTYPE:-1}, 1, 100, 1000000, 0, 0"
		for l in "$@"; do echo "$l"; done
	} >"$f"
}
for i in 1 2 3 4; do manifest "$T/m$i" "$T/in$i"; done

run() { "$ZVM" -Z "$@" >"$OUT" 2>"$ERR"; echo $?; }

# ---- taking a snapshot --------------------------------------------------
check "cold run of m1" "$(run "$T/m1")" 0
cp "$OUT" "$T/cold1"
check "--snapshot: the session runs on" "$(run --snapshot "$T/snap" "$T/m1")" 0
check "--snapshot: the same output and report as without it" "$(digest "$OUT")" "$(digest "$T/cold1")"
check "--snapshot: the file is private (0600)" "$(stat -c %a "$T/snap" 2>&1)" 600
size=$(stat -c %s "$T/snap" 2>/dev/null || echo 0)
if [ "$size" -gt 8192 ] && [ "$size" -lt 1048576 ]; then ok "--snapshot: sparse ($size bytes of 32 MiB)"; else bad "snapshot size" "$size"; fi
check "--snapshot: no temporary left" "$(ls "$T" | grep -c zerovm-)" 0

# ---- resuming: equal to a cold run ---------------------------------------
for i in 2 3 4; do
	run "$T/m$i" >/dev/null
	cp "$OUT" "$T/cold$i"
	check "resume with m$i: exit 0" "$(run --resume "$T/snap" "$T/m$i")" 0
	cp "$OUT" "$T/res$i"
	if [ "$i" = 3 ]; then
		check "resume m3: zvm_fork() returned -1 in the copy (0 cold)" \
			"$(head -n 1 "$T/res3" | grep -o 'fork -*[0-9]*') / $(head -n 1 "$T/cold3" | grep -o 'fork -*[0-9]*')" "fork -1 / fork 0"
		continue
	fi
	check "resume with m$i: output, etags (channels, memory) and state of a cold run" \
		"$(digest "$T/res$i")" "$(digest "$T/cold$i")"
done
check_re "resume: the memory etag is there" "$(rep 4 "$T/res2")" "/dev/memory [0-9a-f]{40}"
check_re "resume: 'survived 1' (the copy's counter started from the snapshot's)" "$(head -n 1 "$T/res2")" "survived 1"
run --resume "$T/snap" "$T/m2" >/dev/null
check "resumed twice: identical" "$(digest "$OUT")" "$(digest "$T/res2")"
# The same raw program under the runtime (no -Z): resumed through zvm.h's
# stub, the runtime takes no part; still equal to a cold run.
"$ZVM" --snapshot "$T/rsnap" "$T/m1" >/dev/null 2>&1
"$ZVM" "$T/m2" >"$T/rcold2" 2>/dev/null
"$ZVM" --resume "$T/rsnap" "$T/m2" >"$T/rres2" 2>/dev/null
check "under the runtime: a resumed copy equals a cold run (memory etag too)" "$(digest "$T/rres2")" "$(digest "$T/rcold2")"
check_re "under the runtime: it ran" "$(tail -n 1 "$T/rres2")" "^ok$"
"$ZVM" -Z --resume "$T/snap" --json "$T/r.json" "$T/m2" >/dev/null 2>&1
check_re "--json says resumed" "$(cat "$T/r.json")" '"daemon":0,"resumed":1'

# ---- refusals: before anything runs, with the report ---------------------
# refused NAME WANT_CODE REGEX args...
refused() {
	local name=$1 want=$2 re=$3
	shift 3
	local code
	code=$("$ZVM" -Z "$@" >"$OUT" 2>"$ERR"; echo $?)
	check "refused: $name: exit $want" "$code" "$want"
	check_re "refused: $name: says why" "$(rep 6)" "$re"
	check "refused: $name: nothing ran (only the report)" "$(wc -l <"$OUT")" 6
}
PROG=$G/hello manifest "$T/x" "$T/in2"
refused "another program" 14 "refused: Program .*hello is not the snapshot's" --resume "$T/snap" "$T/x"
manifest "$T/x" "$T/in2" 67108864
refused "another memory size" 14 "refused: Memory is 67108864 bytes, the snapshot's 33554432" --resume "$T/snap" "$T/x"
sed 's|/dev/stderr, 0, 0, 0, 0, 1000|/dev/stderr, 0, 0, 0, 0, 999|' "$T/m2" >"$T/x"
refused "channel limits" 14 "channel 2 \(/dev/stderr\) differs in its limits" --resume "$T/snap" "$T/x"
sed 's|, /dev/table, 1,|, /dev/table, 3,|' "$T/m2" >"$T/x"
refused "channel type" 14 "channel 3 \(/dev/table\) differs in its type" --resume "$T/snap" "$T/x"
sed 's|, /dev/table,|, /dev/tablf,|' "$T/m2" >"$T/x"
refused "channel alias" 14 "differs in its alias" --resume "$T/snap" "$T/x"
manifest "$T/x" "$T/in2" 33554432 "Channel = $T/in1, /dev/extra, 0, 1, 10, 10, 0, 0"
refused "channel count" 14 "5 channels, the snapshot's 4" --resume "$T/snap" "$T/x"
cp "$T/table" "$T/table2"
TABLE=$T/table2 manifest "$T/x" "$T/in2"
refused "a read-before-fork channel from another file (same bytes)" 14 \
	"channel /dev/table was read before the fork, and its file is another or has changed" --resume "$T/snap" "$T/x"
refused "other options (-C)" 14 "taken with options -Z" -C --resume "$T/snap" "$T/m2"
cp "$T/snap" "$T/keep"
touch -d '2001-01-01' "$T/table"
refused "a read-before-fork file touched" 14 "its file is another or has changed since" --resume "$T/snap" "$T/m2"
# Damaged files: never a crash, always a refusal.
sz=$(stat -c %s "$T/keep")
head -c $((sz - 4096)) "$T/keep" >"$T/cut"
refused "cut short" 14 "cut short or damaged" --resume "$T/cut" "$T/m2"
head -c 100 "$T/keep" >"$T/cut"
refused "cut inside its head" 14 "not a zerovm snapshot \(or cut short\)" --resume "$T/cut" "$T/m2"
flip() { # flip FILE OFFSET OUT
	cp "$1" "$3"
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 0x5a)))" | dd of="$3" bs=1 seek="$2" conv=notrunc status=none
}
flip "$T/keep" 200 "$T/f"
refused "a byte of metadata flipped" 14 "damaged \(its metadata does not match its digest\)" --resume "$T/f" "$T/m2"
flip "$T/keep" $((sz - 5000)) "$T/f"
refused "a byte of data flipped" 14 "damaged \(its data does not match its digest\)" --resume "$T/f" "$T/m2"
flip "$T/keep" 20 "$T/f"
refused "another zerovm build" 14 "made by another zerovm build" --resume "$T/f" "$T/m2"
refused "not a snapshot" 14 "not a zerovm snapshot" --resume "$T/m2" "$T/m2"
refused "missing" 2 "cannot open: No such file" --resume "$T/nonesuch" "$T/m2"
# Every single-byte flip of the head and the first metadata bytes.
crash=0
for off in $(seq 0 8 400); do
	flip "$T/keep" "$off" "$T/f"
	code=$("$ZVM" -Z --resume "$T/f" "$T/m2" >"$OUT" 2>"$ERR"; echo $?)
	[ "$code" = 14 ] && [ "$(wc -l <"$OUT")" = 6 ] || crash=$((crash + 1))
done
check "51 flipped bytes in the head and metadata: each refused with a report" "$crash" 0
# Restore the table's identity for what follows: a fresh snapshot.
run --snapshot "$T/snap" "$T/m1" >/dev/null

# ---- snapshots that cannot be taken -------------------------------------
printf 'J' >"$T/jtable"
TABLE=$T/jtable manifest "$T/x" "$T/in2"
check "jailed chunks: exit 22" "$(run --snapshot "$T/s2" "$T/x")" 22
check_re "jailed chunks: says why" "$(rep 6)" "snapshot $T/s2: cannot be taken: the program has jailed"
check "jailed chunks: no file" "$(ls "$T" | grep -c '^s2')" 0
printf 'P' >"$T/ptable"
TABLE=$T/ptable manifest "$T/x" "$T/in2"
check "a raw program's own mprotect: exit 22" "$(run --snapshot "$T/s2" "$T/x")" 22
check_re "a raw program's own mprotect: says why" "$(rep 6)" "changed its memory's protections \(mprotect\)"
PROG=$G/hello manifest "$T/x" "$T/in2"
check "no fork: exit 22" "$(run --snapshot "$T/s2" "$T/x")" 22
check_re "no fork: says so" "$(rep 6)" "not written: the program made no fork trap"
check "into a missing folder: exit 5" "$(run --snapshot "$T/no/such/s2" "$T/m2")" 5
check_re "into a missing folder: names the file and why" "$(rep 6)" \
	"^snapshot $T/no/such/s2: not written: No such file or directory$"
check "--snapshot with --resume: a usage error" "$(run --snapshot "$T/a" --resume "$T/snap" "$T/m2")" 22

# ---- daemon mode (Job) ----------------------------------------------------
for i in 1 2 3 4; do STDOUT=$T/out$i manifest "$T/d$i" "$T/in$i"; done
for i in 2 3 4; do
	"$ZVM" -Z "$T/d$i" >"$T/dcold$i" 2>/dev/null
	cp "$T/out$i" "$T/dcoldout$i"
done
STDOUT=$T/out1 manifest "$T/job" "$T/in1" 33554432 "Job = $T/job.sock"
# zerovm's caller gives it a pipe on descriptor 7: the daemon must not
# keep it, or the reader would wait for its end as long as the daemon lives.
mkfifo "$T/fifo"
("$ZVM" -Z -v 1 "$T/job" 7>"$T/fifo" >"$OUT" 2>"$ERR"; echo $? >"$T/code") &
timeout 20 cat "$T/fifo" >/dev/null
held=$?
wait
code=$(cat "$T/code")
DAEMON=$(sed -n 's/^zerovm: daemon \([0-9]*\) serves .*/\1/p' "$ERR")
check "Job: the session that forks ends with exit 0" "$code" 0
check "Job: the daemon keeps none of its caller's descriptors (a pipe on fd 7 ends)" "$held" 0
check "Job: report line 2 is 1 (daemon)" "$(rep 2)" 1
check "Job: line 6 ok" "$(rep 6)" ok
check "Job: the daemon listens (mode 0600)" "$(stat -c '%F %a' "$T/job.sock" 2>&1)" "socket 600"
n=0
for i in 2 x 3 y 4; do
	n=$((n + 1))
	case $i in
	x) "$JC" "$T/job.sock" -raw "0xzzzzzz garbage" >"$OUT" 2>"$ERR"
	   check_re "daemon: a bad request is refused" "$(rep 6)" "daemon: bad request"
	   continue ;;
	y) "$JC" "$T/job.sock" "$T/x" >"$OUT" 2>"$ERR"
	   check_re "daemon: a request with another program is refused" "$(rep 6)" "refused: Program"
	   continue ;;
	esac
	"$JC" "$T/job.sock" "$T/d$i" >"$OUT" 2>"$ERR"
	check "daemon: request $n answered with 6 lines" "$(wc -l <"$OUT")" 6
	[ "$i" != 3 ] && check "daemon: request $n (input $i): report lines 1-4 and 6 of a cold run" \
		"$(sed -n '1,4p;6p' "$OUT")" "$(tail -n 6 "$T/dcold$i" | sed -n '1,4p;6p')"
	if [ "$i" = 3 ]; then
		check_re "daemon: request $n: the copy's zvm_fork returned -1" "$(head -n 1 "$T/out3")" "fork -1"
	else
		check "daemon: request $n: output of a cold run (nothing of the previous request)" \
			"$(cat "$T/out$i")" "$(cat "$T/dcoldout$i")"
	fi
done
check "daemon: requests do not reach the daemon's own stdout" "$(cat "$T/out1" | wc -c)" 0
kill -TERM "$DAEMON"
for _ in $(seq 50); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.1; done
check "daemon: SIGTERM ends it" "$(kill -0 "$DAEMON" 2>/dev/null && echo running || echo gone)" gone
check "daemon: its socket is removed" "$(ls "$T" | grep -c job.sock)" 0
DAEMON=
STDOUT=$T/out1 PROG=$G/hello manifest "$T/job2" "$T/in1" 33554432 "Job = $T/job2.sock"
check "Job with a program that never forks: a plain session" "$(run "$T/job2")" 0
check "Job without a fork: line 2 is 0" "$(rep 2)" 0

finish
