# bench/jobs.sh - zvjob's rows, sourced by bench/run.sh (its helpers:
# bench, row, calc, yesno, RUNS, FAILURES; BUILD, OUT, BUSYBOX, BENCH_TMP).
#
#   7. job overhead: a job of JOB_NODES nodes of busybox true under zvjob
#      -j 1 vs the same number of native busybox true, one at a time
#      (bench/spawn.c); per node = (median zvjob - median native) / nodes
#   8. MapReduce word count over WC_MIB MiB of text (the bundled texts
#      repeated, in WC_MAPS files): examples/jobs/wordcount.json's programs
#      under zvjob -j 2 vs the same binaries natively, all started at once,
#      each map streaming to the reducer through a FIFO (bench/wc-native.sh;
#      the FIFOs are made once, outside the timed runs)
#
# Knobs: JOB_NODES JOB_ROUNDS JOB_RUNS WC_MIB WC_MAPS WC_ROUNDS
JOB_NODES=${JOB_NODES:-16}
JOB_ROUNDS=${JOB_ROUNDS:-5}
JOB_RUNS=${JOB_RUNS:-10}
WC_MIB=${WC_MIB:-64}
WC_MAPS=${WC_MAPS:-8}
WC_ROUNDS=${WC_ROUNDS:-10}
ZVJOB=$BUILD/zvjob
JOBS_DIR=$OUT/jobs
EXJ=$BUILD/examples/jobs

log "7/8 job overhead: $JOB_NODES nodes of busybox true, zvjob -j 1 vs native one at a time"
rm -rf "$JOBS_DIR"
mkdir -p "$JOBS_DIR/true"
gcc -O2 -o "$OUT/spawn" "$ROOT/bench/spawn.c"
cat >"$JOBS_DIR/true.json" <<JSON
[{"name": "true", "count": $JOB_NODES, "exec": {"path": "$BUSYBOX", "args": "true"}}]
JSON
err=""
if "$ZVJOB" -j 1 --root "$JOBS_DIR/true" "$JOBS_DIR/true.json" </dev/null >"$JOBS_DIR/true.out" 2>&1 &&
	"$OUT/spawn" 1 "$JOB_NODES" "$BUSYBOX" true; then
	mapfile -t res < <(bench jobtrue "$JOB_ROUNDS" "$JOB_RUNS" 2 \
		"$ZVJOB -j 1 --root $JOBS_DIR/true $JOBS_DIR/true.json" "$OUT/spawn 1 $JOB_NODES $BUSYBOX true")
	read -r tz n_j _ <<<"${res[0]}"
	read -r tn _ _ <<<"${res[1]}"
	per=$(calc %.3f "($tz - $tn) * 1000 / $JOB_NODES")
	row "job overhead: $JOB_NODES nodes of busybox true (zvjob -j 1)" "$(calc %.1f "$tz * 1000") ms" \
		"$JOB_NODES native busybox true, one at a time, $(calc %.1f "$tn * 1000") ms" \
		"$per ms a node" "reported" "-"
	RUNS+=("job overhead: $n_j runs of each command ($JOB_ROUNDS rounds); per node = (median zvjob - median native) / $JOB_NODES; zvjob's time includes reading and planning the job, the work directory, every node's manifest and nvram, zerovm, and reading its report")
else
	FAILURES+=("job overhead: zvjob or the native run failed: $(tail -n 2 "$JOBS_DIR/true.out" | tr '\n' ' ')")
	row "job overhead" "FAILED" "-" "-" "reported" "**no**"
fi

log "8/8 MapReduce word count: $WC_MIB MiB in $WC_MAPS texts, zvjob -j 2 vs native"
WCR=$JOBS_DIR/wc
mkdir -p "$WCR/b/texts" "$WCR/b/out" "$WCR/b/bin" "$JOBS_DIR/native"
cp "$EXJ/wc-map" "$EXJ/wc-reduce" "$WCR/b/bin/"
# The texts: the bundled ones, repeated to WC_MIB / WC_MAPS MiB each.
seedf=$JOBS_DIR/seed.txt
cat "$ROOT"/examples/data/*.txt >"$seedf"
per_file=$((WC_MIB * 1048576 / WC_MAPS))
while [ "$(stat -c %s "$seedf")" -lt "$per_file" ]; do cat "$seedf" "$seedf" >"$seedf.2" && mv "$seedf.2" "$seedf"; done
for i in $(seq "$WC_MAPS"); do head -c "$per_file" "$seedf" >"$WCR/b/texts/text-$(printf %03d "$i").txt"; done
rm -f "$seedf"
cat >"$JOBS_DIR/wc.json" <<JSON
[{"name": "map", "exec": {"path": "swift://b/bin/wc-map"},
  "devices": [{"name": "input", "path": "swift://b/texts/*.txt"}], "connect": ["reduce"]},
 {"name": "reduce", "exec": {"path": "swift://b/bin/wc-reduce", "args": "-n 20"},
  "devices": [{"name": "stdout", "path": "swift://b/out/top-words.txt"}]}]
JSON
"$ROOT/bench/wc-native.sh" setup "$JOBS_DIR/native" "$WC_MAPS"
NATIVE_WC=("$ROOT/bench/wc-native.sh" run "$JOBS_DIR/native" "$EXJ/wc-map" "$EXJ/wc-reduce" "$WCR"/b/texts/*.txt)
# The same job on WC_MAPS texts of two words: what starting the nodes costs
# both ways, to tell the fixed cost from the per-byte one.
WC0=$JOBS_DIR/wc0
mkdir -p "$WC0/b/texts" "$WC0/b/out" "$WC0/b/bin"
cp "$EXJ/wc-map" "$EXJ/wc-reduce" "$WC0/b/bin/"
for i in $(seq "$WC_MAPS"); do echo "two words" >"$WC0/b/texts/text-$(printf %03d "$i").txt"; done
NATIVE_WC0=("$ROOT/bench/wc-native.sh" run "$JOBS_DIR/native" "$EXJ/wc-map" "$EXJ/wc-reduce" "$WC0"/b/texts/*.txt)
if "$ZVJOB" -j 2 --root "$WCR" "$JOBS_DIR/wc.json" </dev/null >"$JOBS_DIR/wc.out" 2>&1 && "${NATIVE_WC[@]}" &&
	cmp -s "$WCR/b/out/top-words.txt" "$JOBS_DIR/native/top-words.txt"; then
	mapfile -t res < <(bench jobwc "$WC_ROUNDS" 2 1 "$ZVJOB -j 2 --root $WCR $JOBS_DIR/wc.json" "${NATIVE_WC[*]}" \
		"$ZVJOB -j 2 --root $WC0 $JOBS_DIR/wc.json" "${NATIVE_WC0[*]}")
	read -r tz n_w _ cz <<<"${res[0]}"
	read -r tn _ _ cn <<<"${res[1]}"
	read -r tz0 _ _ _ <<<"${res[2]}"
	read -r tn0 _ _ _ <<<"${res[3]}"
	row "MapReduce word count, $WC_MIB MiB ($WC_MAPS maps, 1 reduce; zvjob -j 2)" "$(calc %.3f "$tz") s" \
		"native, maps streaming through FIFOs, $(calc %.3f "$tn") s" "$(calc %.3fx "$tz / $tn")" "<= 1.2x" \
		"$(yesno "$tz <= 1.2 * $tn")"
	RUNS+=("word count: $n_w runs of each command ($WC_ROUNDS rounds, interleaved); the same static binaries (examples/jobs/wc-map, wc-reduce) both ways, results compared; median of per-round ratios $(calc %.3fx "$(pair_ratio jobwc 0 1)"); user+system CPU $(calc %.3f "$cz") s vs $(calc %.3f "$cn") s; the same job on $WC_MAPS two-word texts (starting the nodes, the name server, the streams) $(calc %.1f "$tz0 * 1000") ms vs $(calc %.1f "$tn0 * 1000") ms natively; start-up excluded (each time minus its two-word job's) $(calc %.3fx "($tz - $tz0) / ($tn - $tn0)")")
else
	FAILURES+=("word count: zvjob or the native run failed, or their results differ: $(tail -n 2 "$JOBS_DIR/wc.out" | tr '\n' ' ')")
	row "MapReduce word count" "FAILED" "-" "-" "<= 1.2x" "**no**"
fi
rm -rf "$WCR/b/texts"
