# bench/snap.sh - sourced by bench/run.sh: warm starts (docs/snapshots.md).
#
# A raw program with a slow start (bench/guests/warm.c: ~0.1 s of work
# before its zvm_fork, a 4 MiB table) is run cold, resumed from a snapshot
# taken at its fork (zerovm --resume), and served by a daemon (Job, one
# request through build/jobclient); the cold start of hello (raw) is the
# floor. Commands interleaved in rounds; medians. Then the time from the
# start of a session to "sandbox sealed, program running" (zerovm -v 2),
# cold vs resumed: what a warm start saves before the program's first
# instruction.
WARM_ROUNDS_B=${WARM_ROUNDS_B:-5}
WARM_RUNS=${WARM_RUNS:-20}
log "9. warm starts: $WARM_ROUNDS_B rounds x $WARM_RUNS runs"
gcc "${RAW_CFLAGS[@]}" -o "$G/warm.zvm" "$ROOT/bench/guests/warm.c" "$ROOT/lib/zvm_mem.c"
printf 'warm start\n' >"$OUT/warm.in"
WARM_M=$(manifest warm "$G/warm.zvm" "$OUT/warm.in, /dev/stdin, 0, 0, 10, 10000, 0, 0" "$STD_OUT" "$STD_ERR")
HELLO_RAW_M=$(manifest hello-raw "$G/hello.zvm" "$STD_IN" "$STD_OUT" "$STD_ERR")
SNAP=$OUT/warm.snap
JOB=$OUT/warm.sock
{ cat "$WARM_M"; echo "Job = $JOB"; } >"$M/warm-job.manifest"
JOBCLIENT=$BUILD/jobclient
err=""
want=$("$ZVM" -Z "$WARM_M" 2>&1 | sed -n 1p)
got=$("$ZVM" -Z --snapshot "$SNAP" "$WARM_M" 2>&1 | sed -n 1p)
resumed=$("$ZVM" -Z --resume "$SNAP" "$WARM_M" 2>&1 | sed -n 1p)
daemon_pid=$("$ZVM" -Z -v 1 "$M/warm-job.manifest" 2>&1 >/dev/null | sed -n 's/^zerovm: daemon \([0-9]*\) serves .*/\1/p')
served=$("$JOBCLIENT" "$JOB" "$WARM_M" 2>&1 | tail -n 1)
if [ -z "$want" ] || [ "$got" != "$want" ] || [ "$resumed" != "$want" ] || [ -z "$daemon_pid" ] || [ "$served" != ok ]; then
	FAILURES+=("warm starts: cold '$want', with --snapshot '$got', resumed '$resumed', daemon '$daemon_pid' answered '$served'")
	row "warm start (resume) vs cold start" "FAILED" "-" "-" "-" "-"
else
	mapfile -t res < <(bench warm "$WARM_ROUNDS_B" "$WARM_RUNS" 3 \
		"$ZVM -Z $WARM_M" "$ZVM -Z --resume $SNAP $WARM_M" "$JOBCLIENT $JOB $WARM_M" "$ZVM -Z $HELLO_RAW_M")
	read -r t_cold n_w _ <<<"${res[0]}"
	read -r t_res _ _ <<<"${res[1]}"
	read -r t_job _ _ <<<"${res[2]}"
	read -r t_hello _ _ <<<"${res[3]}"
	ssize=$(stat -c %s "$SNAP")
	row "warm start: zerovm --resume of a raw program (snapshot $(calc %.1f "$ssize / 1048576") MiB) vs its cold start" \
		"$(calc %.2f "$t_res * 1000") ms" "cold $(calc %.2f "$t_cold * 1000") ms" "$(calc %.2fx "$t_res / $t_cold")" "-" "-"
	row "warm start: resume vs the cold start of hello (the floor)" "$(calc %.2f "$t_res * 1000") ms" \
		"hello $(calc %.2f "$t_hello * 1000") ms" "$(calc %.2fx "$t_res / $t_hello")" "-" "-"
	row "daemon mode (Job): one request, connect to report, same program" "$(calc %.2f "$t_job * 1000") ms" \
		"cold $(calc %.2f "$t_cold * 1000") ms" "$(calc %.2fx "$t_job / $t_cold")" "-" "-"
	# Session start to the program's first instruction (zerovm -v 2).
	first() {
		local i
		for ((i = 0; i < WARM_RUNS; i++)); do
			"$ZVM" -v 2 "$@" 2>&1 >/dev/null | sed -n 's/^zerovm: \[ *\([0-9.]*\) ms\] sandbox sealed.*/\1/p'
		done | median
	}
	f_cold=$(first -Z "$WARM_M")
	f_res=$(first -Z --resume "$SNAP" "$WARM_M")
	row "warm start: session start to the program running (zerovm -v 2), resumed vs cold" "$f_res ms" \
		"cold $f_cold ms" "-" "-" "-"
	RUNS+=("warm starts: $n_w runs of each command ($WARM_ROUNDS_B rounds, interleaved); the program does ~0.1 s of work before zvm_fork (bench/guests/warm.c); the daemon serves one request at a time (build/jobclient sends it); session start to running: median of $WARM_RUNS runs each. In the cold column the program has not done its start-up work yet, in the resumed one it has")
fi
[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
