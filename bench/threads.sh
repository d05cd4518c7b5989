# bench/threads.sh - the threads rows, sourced by bench/run.sh (its helpers:
# bench, row, calc, yesno, log, RUNS, FAILURES; ROOT, OUT, ZVSH).
#
#   9. 4 CPU-bound threads taking a shared mutex after every ~1 ms of work
#      (bench/threads.c mutex) under zvsh vs the same binary natively,
#      pinned to one CPU (taskset -c 0); the work is calibrated natively to
#      about THR_SECONDS in all
#  10. a futex ping-pong between two threads: (t(N) - t(0)) / N per round
#      trip, under zvsh vs natively pinned to one CPU
#
# Knobs: THR_SECONDS THR_ROUNDS THR_RUNS PING_N
THR_SECONDS=${THR_SECONDS:-0.8}
THR_ROUNDS=${THR_ROUNDS:-5}
THR_RUNS=${THR_RUNS:-3}
PING_N=${PING_N:-100000}
TB=$OUT/threads-bench

log "9/10 threads: 4 threads sharing a mutex, a futex ping-pong ($THR_ROUNDS rounds)"
if gcc -O2 -static -pthread -o "$TB" "$ROOT/bench/threads.c" 2>/dev/null && command -v taskset >/dev/null; then
	# Calibrate: iterations a unit so that 4 x 200 units take THR_SECONDS natively.
	iters=$("$TB" calib)
	t0=$(date +%s%N)
	taskset -c 0 "$TB" mutex "$iters" 200 >/dev/null
	t1=$(date +%s%N)
	iters=$(calc %.0f "$iters * $THR_SECONDS / (($t1 - $t0) / 1e9)")
	want=$(taskset -c 0 "$TB" mutex "$iters" 200)
	got=$("$ZVSH" "$TB" mutex "$iters" 200 2>&1)
	if [ "$got" = "$want" ]; then
		mapfile -t res < <(bench thrmutex "$THR_ROUNDS" "$THR_RUNS" 1 "$ZVSH $TB mutex $iters 200" \
			"taskset -c 0 $TB mutex $iters 200")
		read -r tz n_t _ <<<"${res[0]}"
		read -r tn _ _ <<<"${res[1]}"
		row "4 threads, a shared mutex every ~1 ms of work (bench/threads.c)" "$(calc %.3f "$tz") s" \
			"native, taskset -c 0: $(calc %.3f "$tn") s" "$(calc %.3fx "$tz / $tn")" "<= 1.2x" \
			"$(yesno "$tz <= 1.2 * $tn")"
		RUNS+=("threads, mutex: $n_t runs of each command ($THR_ROUNDS rounds); 4 threads x 200 units of $iters iterations; zvsh's time includes its start-up; per-round ratio median $(calc %.3fx "$(pair_ratio thrmutex 0 1)")")
	else
		FAILURES+=("threads, mutex: zvsh gave '${got:0:100}', native '$want'")
	fi
	want=$(taskset -c 0 "$TB" pingpong "$PING_N")
	got=$("$ZVSH" "$TB" pingpong "$PING_N" 2>&1)
	if [ "$got" = "$want" ]; then
		read -r pz pn n_p < <(per_op thrping "$THR_ROUNDS" "$THR_RUNS" "$PING_N" "$ZVSH $TB pingpong 0" \
			"$ZVSH $TB pingpong $PING_N" "taskset -c 0 $TB pingpong 0" "taskset -c 0 $TB pingpong $PING_N")
		row "futex ping-pong between two threads, per round trip" "$(calc %.2f "$pz * 1e6") us" \
			"native, taskset -c 0: $(calc %.2f "$pn * 1e6") us" "$(calc %.2fx "$pz / $pn")" "reported" "-"
		RUNS+=("threads, ping-pong: $n_p runs each of N = $PING_N and N = 0 round trips, under zvsh and natively pinned ($THR_ROUNDS rounds); per round trip = (median(N) - median(0)) / N; a round trip is 2 FUTEX_WAKE and 2 FUTEX_WAIT calls (4 emulated calls under zvsh, each a SIGSYS)")
	else
		FAILURES+=("threads, ping-pong: zvsh gave '${got:0:100}', native '$want'")
	fi
else
	FAILURES+=("threads: bench/threads.c does not build (gcc -static -pthread), or no taskset")
fi
