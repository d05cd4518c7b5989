#!/usr/bin/env bash
# bench/run.sh - zerovm benchmarks (not tests: `make check` never runs them).
#
#   bench/run.sh [build-dir]        (what `make bench` runs, after building)
#
# Builds the benchmark guests of bench/guests/ twice from the same source: as
# raw ZeroVM guests (traps) and as native static programs (plain system calls,
# bench/native_zvm.h). Times whole commands with hyperfine (-N, JSON export)
# and takes medians; the runs of the commands compared are interleaved in
# rounds, so that a noisy neighbour hurts both sides alike. Measures:
#
#   1. cold start of hello: zerovm vs native exec vs bubblewrap; through
#      the ready sandbox pool (zerovm --serve), the time from the request
#      to the program's first instruction
#   2. trap round trip: (t(N traps) - t(0 traps)) / N
#   3. channel read throughput: a 256 MiB file in 1 MiB reads vs pread(2)
#   4. a CPU-bound kernel (~0.7 s) under zerovm vs native
#   5. network channel throughput: the same file from one zerovm session to
#      another over tcp: on loopback (1 MiB reads and writes) vs a native
#      pair copying it over a TCP socket (bench/netcopy.c), both pairs
#      started by bench/netpair.sh
#   6. the runtime (ZRT): one emulated system call, busybox sha256sum of a
#      256 MiB channel vs native, zvsh start-up of busybox true vs native
#      exec, Lua start-up vs Debian's lua5.4 -e '', Python start-up
#      (build/images/python3.tar) cold vs Debian's python3.11 -c pass, and
#      from a snapshot of its zygote (zvsh's default) -c 'print(1)' vs
#      python3.11 -c 'print(1)', with a resumed session's steps, mounting
#      that image from its index vs walking its headers, a
#      dynamically linked host program (expr) first run vs cached run
#   7, 8. jobs (bench/jobs.sh): zvjob's overhead a node; a MapReduce word
#      count under zvjob vs the same programs natively
#   9. warm starts (bench/snap.sh): a raw program with a slow start resumed
#      from a snapshot, and served by a daemon (Job), vs its cold start
#   10, 11. threads (bench/threads.sh): 4 threads sharing a mutex every ~1 ms
#      under zvsh vs natively pinned to one CPU; a futex ping-pong's round
#      trip under zvsh vs natively pinned
#
# Prints a results table and writes it, with the machine and the run counts,
# between the <!-- bench:begin --> and <!-- bench:end --> markers of
# docs/performance.md (the rest of that file is left alone).
#
# Knobs (environment): COLD_ROUNDS COLD_RUNS POOL_RUNS TRAP_N TRAP_ROUNDS TRAP_RUNS
# TP_ROUNDS TP_RUNS TP_MIB CPU_ROUNDS CPU_SECONDS SYS_N ZRT_ROUNDS ZRT_RUNS
# SHA_ROUNDS NET_ROUNDS NET_RUNS BENCH_TMP BENCH_NO_DOC=1
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
ZVM=$BUILD/zerovm
OUT=$BUILD/bench
G=$OUT/guests
J=$OUT/json
M=$OUT/manifests
DOC=$ROOT/docs/performance.md

COLD_ROUNDS=${COLD_ROUNDS:-5}   # x COLD_RUNS runs per command (plus warmup)
COLD_RUNS=${COLD_RUNS:-100}
POOL_RUNS=${POOL_RUNS:-200}
TRAP_N=${TRAP_N:-200000}
TRAP_ROUNDS=${TRAP_ROUNDS:-5}
TRAP_RUNS=${TRAP_RUNS:-3}
TP_ROUNDS=${TP_ROUNDS:-10}
TP_RUNS=${TP_RUNS:-2}
TP_MIB=${TP_MIB:-256}
CPU_ROUNDS=${CPU_ROUNDS:-21}
CPU_SECONDS=${CPU_SECONDS:-0.7}
BENCH_TMP=${BENCH_TMP:-/tmp}
SYS_N=${SYS_N:-1000000}
ZRT_ROUNDS=${ZRT_ROUNDS:-5}
ZRT_RUNS=${ZRT_RUNS:-30}
SHA_ROUNDS=${SHA_ROUNDS:-5}
NET_ROUNDS=${NET_ROUNDS:-10}
NET_RUNS=${NET_RUNS:-3}
ZVSH=$BUILD/zvsh
BUSYBOX=${BUSYBOX:-/bin/busybox}

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

[ -x "$ZVM" ] || die "$ZVM not built (run make first)"
for t in gcc hyperfine bwrap jq awk lua5.4; do
	command -v "$t" >/dev/null || die "$t not found"
done
rm -rf "$J" "$M" "$OUT/hyperfine.log"
mkdir -p "$G" "$J" "$M"

# ---- build -----------------------------------------------------------------
RAW_CFLAGS=(-std=c17 -Wall -Wextra -O2 -ffreestanding -fno-stack-protector -fno-builtin
	-fno-pie -no-pie -static -nostdlib -fcf-protection=none -I"$ROOT/include")

# build <src> <out-name> [-Dextra...]: <out>.zvm (traps) and <out>.native
build() {
	local src=$ROOT/bench/guests/$1.c name=$2
	shift 2
	gcc "${RAW_CFLAGS[@]}" "$@" -o "$G/$name.zvm" "$src" "$ROOT/lib/zvm_mem.c"
	gcc "${RAW_CFLAGS[@]}" -DZVM_NATIVE "$@" -o "$G/$name.native" "$src" "$ROOT/lib/zvm_mem.c"
}

log "building guests in $G"
TP_BYTES=$((TP_MIB * 1048576))
build hello hello
build traps traps0 -DNTRAPS=0
build traps trapsN -DNTRAPS="$TRAP_N"
build readfile readfile -DEXPECT_BYTES="$TP_BYTES"
build readfile readfile0 -DEXPECT_BYTES=0
build cpu cpu-calib -DITERS=50000000L
SYS_CFLAGS=(-std=c17 -O2 -ffreestanding -fno-stack-protector -fno-pie -no-pie -static -nostdlib -fcf-protection=none)
gcc "${SYS_CFLAGS[@]}" -DNSYS=0 -o "$G/sys0" "$ROOT/bench/guests/sysloop.c"
gcc "${SYS_CFLAGS[@]}" -DNSYS="$SYS_N" -o "$G/sysN" "$ROOT/bench/guests/sysloop.c"

# ---- helpers ---------------------------------------------------------------
# manifest <name> <program> <channel line>...: writes $M/<name>.manifest
manifest() {
	local f=$M/$1.manifest prog=$2
	shift 2
	{
		echo "Version = 20130611"
		echo "Program = $prog"
		echo "Memory = 67108864, 0"
		echo "Timeout = 60"
		for c in "$@"; do echo "Channel = $c"; done
	} >"$f"
	echo "$f"
}

STD_IN="/dev/stdin, /dev/stdin, 0, 0, 1, 1, 0, 0"
STD_OUT="/dev/stdout, /dev/stdout, 0, 0, 0, 0, 100, 1000"
STD_ERR="/dev/stderr, /dev/stderr, 0, 0, 0, 0, 100, 1000"

FAILURES=()
# zvm_check <manifest> <expected program output>: one session, checks the
# report (user code 0, state ok) and the output; prints the problem if any.
zvm_check() {
	local out n
	out=$("$ZVM" "$1" </dev/null 2>&1) || { echo "zerovm exit $?: $(tail -n1 <<<"$out")"; return 1; }
	n=$(wc -l <<<"$out")
	if [ "$n" -lt 6 ] || [ "$(tail -n1 <<<"$out")" != ok ] || [ "$(tail -n4 <<<"$out" | head -n1)" != 0 ]; then
		echo "report: user code $(tail -n4 <<<"$out" | head -n1), state '$(tail -n1 <<<"$out")'"
		return 1
	fi
	if [ "$(head -n $((n - 6)) <<<"$out")" != "$2" ]; then
		echo "output '$(head -n $((n - 6)) <<<"$out" | head -c 200)', expected '$2'"
		return 1
	fi
}
# native_check <expected output> <command...>
native_check() {
	local want=$1 out
	shift
	out=$("$@" </dev/null 2>&1) || { echo "$1: exit $?"; return 1; }
	[ "$out" = "$want" ] || { echo "$1: output '${out:0:200}', expected '$want'"; return 1; }
}
# native_quiet <command...>: runs it with stdout on /dev/null, checks exit 0
native_quiet() {
	"$@" </dev/null >/dev/null 2>&1 || { echo "$1: exit $?"; return 1; }
}

# bench <tag> <rounds> <runs> <warmup> <command>...: runs hyperfine <rounds>
# times, <runs> runs of every command each time, and prints one line per
# command: median wall time, number of runs, minimum wall time, mean user+sys
# CPU time (seconds). JSON in $J/<tag>-<round>.json.
bench() {
	local tag=$1 rounds=$2 runs=$3 warmup=$4 r
	shift 4
	for ((r = 1; r <= rounds; r++)); do
		hyperfine -N --style none --warmup "$warmup" --runs "$runs" \
			--export-json "$J/$tag-$r.json" "$@" >/dev/null 2>>"$OUT/hyperfine.log" ||
			die "hyperfine failed ($tag), see $OUT/hyperfine.log"
	done
	jq -s -r '[.[].results] | transpose[]
		| ([.[] | .user + .system] | add / length) as $cpu
		| [.[].times[]] | sort
		| (length) as $n
		| (if $n % 2 == 1 then .[($n - 1) / 2] else (.[$n / 2 - 1] + .[$n / 2]) / 2 end) as $m
		| "\($m) \($n) \(.[0]) \($cpu)"' "$J/$tag"-*.json
}

# per_op <tag> <rounds> <runs> <N> <ours, 0> <ours, N> <native, 0> <native, N>:
# the cost of one operation under each, (median(N) - median(0)) / N in
# seconds, and the runs each command had: "OURS NATIVE RUNS".
per_op() {
	local res z0 zn n0 nn runs
	mapfile -t res < <(bench "$1" "$2" "$3" 1 "$5" "$6" "$7" "$8")
	read -r z0 runs _ <<<"${res[0]}"
	read -r zn _ _ <<<"${res[1]}"
	read -r n0 _ _ <<<"${res[2]}"
	read -r nn _ _ <<<"${res[3]}"
	echo "$(calc %.9f "($zn - $z0) / $4") $(calc %.9f "($nn - $n0) / $4") $runs"
}

# pair_ratio <tag> <i> <j>: median over rounds of time(command i) / time(command
# j) within the same round (runs of a round are close in time, so this cancels
# slow drifts of the machine's speed).
pair_ratio() {
	jq -s -r --argjson i "$2" --argjson j "$3" '[.[] | .results
		| ([.[$i].times[]] | add) / ([.[$j].times[]] | add)] | sort
		| (length) as $n
		| (if $n % 2 == 1 then .[($n - 1) / 2] else (.[$n / 2 - 1] + .[$n / 2]) / 2 end)' "$J/$1"-*.json
}

calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
yesno() { awk "BEGIN { print (($1) ? \"yes\" : \"**no**\") }"; }

ROWS=()  # markdown table rows
RUNS=()  # run counts, one line each
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }

# ---- 1. cold start ---------------------------------------------------------
log "1/4 cold start (hello): $COLD_ROUNDS rounds x $COLD_RUNS runs of each command"
HELLO_M=$(manifest hello "$G/hello.zvm" "$STD_IN" "$STD_OUT" "$STD_ERR")
BWRAP=(bwrap --unshare-all --ro-bind "$G" "$G" "$G/hello.native")
err=""
if err=$(zvm_check "$HELLO_M" "hello, world") && err=$(native_check "hello, world" "$G/hello.native") &&
	err=$(native_check "hello, world" "${BWRAP[@]}"); then
	mapfile -t res < <(bench cold "$COLD_ROUNDS" "$COLD_RUNS" 20 \
		"$ZVM $HELLO_M" "$G/hello.native" "${BWRAP[*]}")
	read -r t_zvm n_zvm _ <<<"${res[0]}"
	read -r t_nat _ _ <<<"${res[1]}"
	read -r t_bw _ _ <<<"${res[2]}"
	zms=$(calc %.3f "$t_zvm * 1000")
	row "cold start, hello (median)" "$zms ms" "-" "-" "<= 1 ms" "$(yesno "$t_zvm <= 0.001")"
	row "cold start vs native exec" "$zms ms" "native $(calc %.3f "$t_nat * 1000") ms" \
		"$(calc %.2fx "$t_zvm / $t_nat")" "<= 5x native" "$(yesno "$t_zvm <= 5 * $t_nat")"
	row "cold start vs bubblewrap" "$zms ms" "bwrap --unshare-all $(calc %.3f "$t_bw * 1000") ms" \
		"$(calc "%.2fx faster" "$t_bw / $t_zvm")" ">= 2.5x faster than bwrap" \
		"$(yesno "$t_bw >= 2.5 * $t_zvm")"
	RUNS+=("cold start: $n_zvm runs of each command ($COLD_ROUNDS interleaved rounds, 20 warmup runs per round)")
else
	FAILURES+=("cold start: $err")
	row "cold start, hello" "FAILED" "-" "-" "<= 1 ms" "**no**"
fi

# ---- 1b. the ready sandbox pool ---------------------------------------------
# zerovm --serve, and POOL_RUNS sessions of hello one after another through
# zerovm --connect -v 2: the median time from the accepted request to "sandbox
# sealed, program running" (the program's first instruction), as the server
# measures it. Not a whole-process time: the client's own start is not in it.
log "1b cold start through the pool: $POOL_RUNS sessions of hello via zerovm --connect"
POOL_SOCK=$OUT/pool.sock
rm -f "$POOL_SOCK"
"$ZVM" --serve "$POOL_SOCK" --pool 2 2>"$OUT/pool.log" &
POOL_PID=$!
for _ in $(seq 200); do [ -S "$POOL_SOCK" ] && break; sleep 0.02; done
sleep 0.2 # the first sandboxes made ready
: >"$OUT/pool.steps"
err=""
[ -S "$POOL_SOCK" ] || err="no server socket (see $OUT/pool.log)"
[ -n "$err" ] || out=$("$ZVM" --connect "$POOL_SOCK" "$HELLO_M" </dev/null 2>&1) || err="zerovm --connect exit $?: $out"
[ -n "$err" ] || [ "$(head -n 1 <<<"$out"):$(tail -n 1 <<<"$out")" = "hello, world:ok" ] || err="output '$out'"
if [ -z "$err" ]; then
	for ((i = 0; i < POOL_RUNS; i++)); do
		"$ZVM" --connect "$POOL_SOCK" -v 2 "$HELLO_M" </dev/null 2>&1 >/dev/null |
			sed -n 's/.*\[ *\([0-9.]*\) ms\] sandbox sealed, program running/\1/p' >>"$OUT/pool.steps"
	done
	n_pool=$(wc -l <"$OUT/pool.steps")
	t_pool=$(calc %.9f "$(median <"$OUT/pool.steps") / 1000")
	row "pool: request to the program's first instruction (zerovm --serve)" "$(calc %.3f "$t_pool * 1000") ms" "-" "-" \
		"<= 0.1 ms" "$(yesno "$n_pool > 0 && $t_pool <= 0.0001")"
	RUNS+=("pool: $n_pool sessions of hello through zerovm --connect -v 2, one after another (a server with --pool 2); median of the server's step time to \"sandbox sealed, program running\" (timed at the loader's last trap, right before its jump into the program)")
else
	FAILURES+=("pool: $err")
	row "pool: request to the program's first instruction" "FAILED" "-" "-" "<= 0.1 ms" "**no**"
fi
kill "$POOL_PID" 2>/dev/null
wait "$POOL_PID" 2>/dev/null

# ---- 2. trap round trip ----------------------------------------------------
log "2/4 trap round trip: $TRAP_N one-byte writes to /dev/null"
NULL_OUT="/dev/null, /dev/stdout, 0, 0, 0, 0, $((TRAP_N + 10)), $((TRAP_N + 10))"
T0_M=$(manifest traps0 "$G/traps0.zvm" "$STD_IN" "$NULL_OUT" "$STD_ERR")
TN_M=$(manifest trapsN "$G/trapsN.zvm" "$STD_IN" "$NULL_OUT" "$STD_ERR")
err=""
if err=$(zvm_check "$T0_M" "") && err=$(zvm_check "$TN_M" "") &&
	err=$(native_quiet "$G/traps0.native") && err=$(native_quiet "$G/trapsN.native"); then
	read -r tz tn n_t < <(per_op traps "$TRAP_ROUNDS" "$TRAP_RUNS" "$TRAP_N" \
		"$ZVM $T0_M" "$ZVM $TN_M" "$G/traps0.native" "$G/trapsN.native")
	row "trap round trip (1-byte zvm_pwrite)" "$(calc %.2f "$tz * 1e6") us" \
		"native pwrite64 $(calc %.3f "$tn * 1e6") us" "$(calc %.1fx "$tz / $tn")" "<= 3 us" \
		"$(yesno "$tz <= 3e-6")"
	RUNS+=("trap round trip: $n_t runs each of N = $TRAP_N and N = 0, zerovm and native ($TRAP_ROUNDS rounds); per trap = (median(N) - median(0)) / N")
else
	FAILURES+=("trap round trip: $err")
	row "trap round trip" "FAILED" "-" "-" "<= 3 us" "**no**"
fi

# ---- 3. channel read throughput --------------------------------------------
DATA=$BENCH_TMP/zerovm-bench-${TP_MIB}m.bin
if [ "$(stat -c %s "$DATA" 2>/dev/null || echo 0)" != "$TP_BYTES" ]; then
	log "creating $DATA"
	head -c "$TP_BYTES" /dev/urandom >"$DATA.tmp" && mv "$DATA.tmp" "$DATA"
fi
cat "$DATA" >/dev/null  # warm the page cache
EMPTY=$BENCH_TMP/zerovm-bench-empty.bin
: >"$EMPTY"
log "3/4 read throughput: $TP_MIB MiB in 1 MiB reads"
TP_M=$(manifest readfile "$G/readfile.zvm" "$STD_IN" "$STD_OUT" "$STD_ERR" \
	"$DATA, /dev/input, 0, 0, 1000000, $((TP_BYTES * 2)), 0, 0")
err=""
TP0_M=$(manifest readfile0 "$G/readfile0.zvm" "$STD_IN" "$STD_OUT" "$STD_ERR" \
	"$EMPTY, /dev/input, 0, 0, 1000000, $((TP_BYTES * 2)), 0, 0")
if want=$("$G/readfile.native" "$DATA" </dev/null) && err=$(zvm_check "$TP_M" "$want") &&
	err=$(zvm_check "$TP0_M" "0000000000000000") && err=$(native_check "0000000000000000" "$G/readfile0.native" "$EMPTY"); then
	mapfile -t res < <(bench read "$TP_ROUNDS" "$TP_RUNS" 1 "$ZVM $TP_M" "$G/readfile.native $DATA" \
		"$ZVM $TP0_M" "$G/readfile0.native $EMPTY")
	read -r tz n_tp mz _ <<<"${res[0]}"
	read -r tn _ mn _ <<<"${res[1]}"
	read -r tz0 _ _ _ <<<"${res[2]}"
	read -r tn0 _ _ _ <<<"${res[3]}"
	sz=$(calc %.0f "$TP_MIB / ($tz - $tz0)")
	sn=$(calc %.0f "$TP_MIB / ($tn - $tn0)")
	bz=$(calc %.0f "$TP_MIB / $tz")
	bn=$(calc %.0f "$TP_MIB / $tn")
	row "channel read throughput ($TP_MIB MiB file, 1 MiB reads)" "$bz MiB/s" "native pread $bn MiB/s" \
		"$(calc %.3fx "$bz / $bn")" ">= 0.9x native" "$(yesno "$bz >= 0.9 * $bn")"
	RUNS+=("read throughput: $n_tp runs of each command ($TP_ROUNDS rounds); whole-process time, start-up included; page cache warm. Other estimators of the ratio: median of per-round ratios $(calc %.3fx "1 / $(pair_ratio read 0 1)"), best runs $(calc %.3fx "$mn / $mz") ($(calc %.0f "$TP_MIB / $mz") vs $(calc %.0f "$TP_MIB / $mn") MiB/s); start-up excluded (time minus the median time of reading an empty file) $(calc %.3fx "$sz / $sn") ($sz vs $sn MiB/s)")
else
	FAILURES+=("read throughput: ${err:-native run failed}")
	row "channel read throughput" "FAILED" "-" "-" ">= 0.9x native" "**no**"
fi

# ---- 5. network channel throughput ----------------------------------------
# Two sessions of the probe guest (tests/guests/probe.c): the writer copies
# the file to a tcp: channel, the reader reads it to its end and drops it,
# both in 1 MiB pieces; the baseline does the same with plain sockets.
log "5 network channel throughput: $TP_MIB MiB over loopback, $NET_ROUNDS rounds x $NET_RUNS runs"
gcc -O2 -o "$OUT/netcopy" "$ROOT/bench/netcopy.c"
NETP=$("$BUILD/netpeer" port 2>/dev/null || echo 47123)
NATP=$("$BUILD/netpeer" port 2>/dev/null || echo 47124)
printf 'copy 3 -1 1048576\n' >"$M/netr.script"
printf 'copy 3 4 1048576\n' >"$M/netw.script"
NET_R=$(manifest netr "$BUILD/guests/probe" "$M/netr.script, /dev/stdin, 0, 0, 100, 100000, 0, 0" "$STD_OUT" "$STD_ERR" \
	"tcp:127.0.0.1:$NETP, /dev/in, 0, 0, 1000000, $((TP_BYTES * 2)), 0, 0")
NET_W=$(manifest netw "$BUILD/guests/probe" "$M/netw.script, /dev/stdin, 0, 0, 100, 100000, 0, 0" "$STD_OUT" "$STD_ERR" \
	"$DATA, /dev/data, 0, 0, 1000000, $((TP_BYTES * 2)), 0, 0" \
	"tcp:127.0.0.1:$NETP, /dev/net, 0, 0, 0, 0, 1000000, $((TP_BYTES * 2))")
PAIR=$ROOT/bench/netpair.sh
("$ZVM" "$NET_R" >"$OUT/netr.out" 2>&1 </dev/null &
	"$ZVM" "$NET_W" >"$OUT/netw.out" 2>&1 </dev/null
	wait)
want="= $TP_BYTES $((TP_BYTES / 1048576)) 0 0"
if [ "$(head -n 1 "$OUT/netr.out")" = "$want" ] && [ "$(head -n 1 "$OUT/netw.out")" = "$want" ] &&
	[ "$(tail -n 1 "$OUT/netr.out") $(tail -n 1 "$OUT/netw.out")" = "ok ok" ] &&
	[ "$("$OUT/netcopy" recv "$NATP" & "$OUT/netcopy" send "$NATP" "$DATA"; wait)" = "$TP_BYTES" ]; then
	mapfile -t res < <(bench net "$NET_ROUNDS" "$NET_RUNS" 1 "$PAIR $ZVM $NET_R -- $ZVM $NET_W" \
		"$PAIR $OUT/netcopy recv $NATP -- $OUT/netcopy send $NATP $DATA")
	read -r tz n_net mz _ <<<"${res[0]}"
	read -r tn _ mn _ <<<"${res[1]}"
	bz=$(calc %.0f "$TP_MIB / $tz")
	bn=$(calc %.0f "$TP_MIB / $tn")
	row "network channel throughput ($TP_MIB MiB, two sessions on loopback, 1 MiB pieces)" "$bz MiB/s" \
		"native TCP copy $bn MiB/s" "$(calc %.3fx "$bz / $bn")" ">= 0.8x native" "$(yesno "$bz >= 0.8 * $bn")"
	RUNS+=("network throughput: $n_net runs of each pair ($NET_ROUNDS rounds); whole-pair time (both processes' start-up, connection, copy, end) from bench/netpair.sh; page cache warm. Other estimators of the ratio: median of per-round ratios $(calc %.3fx "1 / $(pair_ratio net 0 1)"), best runs $(calc %.3fx "$mn / $mz")")
else
	FAILURES+=("network throughput: the pair did not copy $TP_BYTES bytes: $(head -n 1 "$OUT/netr.out") / $(head -n 1 "$OUT/netw.out")")
	row "network channel throughput" "FAILED" "-" "-" ">= 0.8x native" "**no**"
fi

# ---- 4. CPU-bound ----------------------------------------------------------
# Calibrate the iteration count so that the native run takes CPU_SECONDS.
read -r tc _ < <(bench cpucal 1 3 1 "$G/cpu-calib.native")
ITERS=$(calc %.0f "50000000 * $CPU_SECONDS / $tc")
ITERS=$(( (ITERS + 500000) / 1000000 * 1000000 ))
build cpu cpu -DITERS="${ITERS}L"
log "4/4 CPU-bound kernel: $ITERS iterations, $CPU_ROUNDS interleaved runs"
CPU_M=$(manifest cpu "$G/cpu.zvm" "$STD_IN" "$STD_OUT" "$STD_ERR")
err=""
if want=$("$G/cpu.native" </dev/null) && err=$(zvm_check "$CPU_M" "$want"); then
	mapfile -t res < <(bench cpu "$CPU_ROUNDS" 1 0 "$ZVM $CPU_M" "$G/cpu.native")
	read -r tz n_c mz cz <<<"${res[0]}"
	read -r tn _ mn cn <<<"${res[1]}"
	row "CPU-bound kernel ($((ITERS / 1000000))M rounds of a 64-bit mix)" "$(calc %.3f "$tz") s" \
		"native $(calc %.3f "$tn") s" "$(calc %.4fx "$tz / $tn")" "<= 1.01x" "$(yesno "$tz <= 1.01 * $tn")"
	RUNS+=("CPU-bound: $n_c runs of each command, interleaved one by one. Other estimators of the ratio: median of per-round ratios $(calc %.4fx "$(pair_ratio cpu 0 1)"), best runs $(calc %.4fx "$mz / $mn"), user+system CPU time $(calc %.4fx "$cz / $cn")")
else
	FAILURES+=("CPU-bound: ${err:-native build failed}")
	row "CPU-bound kernel" "FAILED" "-" "-" "<= 1.01x" "**no**"
fi

# ---- 6. the runtime (ZRT) ---------------------------------------------------
log "6/6 runtime: emulated system calls, busybox sha256sum, zvsh and Lua start-up"
SYS0_M=$(manifest sys0 "$G/sys0" "$STD_IN" "$STD_OUT" "$STD_ERR")
SYSN_M=$(manifest sysN "$G/sysN" "$STD_IN" "$STD_OUT" "$STD_ERR")
err=""
if err=$(zvm_check "$SYS0_M" "") && err=$(zvm_check "$SYSN_M" "") && err=$(native_quiet "$G/sysN"); then
	read -r tz tn n_s < <(per_op sys "$TRAP_ROUNDS" "$TRAP_RUNS" "$SYS_N" \
		"$ZVM $SYS0_M" "$ZVM $SYSN_M" "$G/sys0" "$G/sysN")
	row "emulated system call (getppid, ZRT's SIGSYS handler)" "$(calc %.2f "$tz * 1e6") us" \
		"native getppid $(calc %.3f "$tn * 1e6") us" "$(calc %.1fx "$tz / $tn")" "<= 1.5 us" "$(yesno "$tz <= 1.5e-6")"
	RUNS+=("emulated system call: $n_s runs each of N = $SYS_N and N = 0 getppid calls, under zerovm and native ($TRAP_ROUNDS rounds); per call = (median(N) - median(0)) / N")
else
	FAILURES+=("emulated system call: $err")
	row "emulated system call" "FAILED" "-" "-" "<= 1.5 us" "**no**"
fi
if [ -x "$ZVSH" ] && [ -x "$BUSYBOX" ]; then
	want=$("$BUSYBOX" sha256sum "$DATA" | cut -d' ' -f1)
	got=$("$ZVSH" "$BUSYBOX" sha256sum "@$DATA" 2>&1 | cut -d' ' -f1)
	if [ "$got" = "$want" ]; then
		mapfile -t res < <(bench sha "$SHA_ROUNDS" 1 1 "$ZVSH $BUSYBOX sha256sum @$DATA" \
			"$BUSYBOX sha256sum $DATA")
		read -r tz n_sh _ <<<"${res[0]}"
		read -r tn _ _ <<<"${res[1]}"
		row "busybox sha256sum of a $TP_MIB MiB channel" "$(calc %.3f "$tz") s" "native $(calc %.3f "$tn") s" \
			"$(calc %.3fx "$tz / $tn")" "<= 1.1x" "$(yesno "$tz <= 1.1 * $tn")"
		RUNS+=("busybox sha256sum: $n_sh runs of each command ($SHA_ROUNDS rounds); the file is a read-only channel under zvsh, a file natively")
	else
		FAILURES+=("busybox sha256sum: zvsh gave '${got:0:100}', native '$want'")
	fi
	mapfile -t res < <(bench zvshtrue "$ZRT_ROUNDS" "$ZRT_RUNS" 5 "$ZVSH $BUSYBOX true" "$BUSYBOX true")
	read -r tz n_z _ <<<"${res[0]}"
	read -r tn _ _ <<<"${res[1]}"
	row "zvsh busybox true (start-up)" "$(calc %.3f "$tz * 1000") ms" "native exec $(calc %.3f "$tn * 1000") ms" \
		"$(calc %.2fx "$tz / $tn")" "<= 3x native" "$(yesno "$tz <= 3 * $tn")"
	mapfile -t res < <(bench luastart "$ZRT_ROUNDS" "$ZRT_RUNS" 5 "$ZVSH $BUILD/zrt/lua -e ''" "lua5.4 -e ''")
	read -r tz n_l _ <<<"${res[0]}"
	read -r tn _ _ <<<"${res[1]}"
	row "Lua 5.4 start-up (zvsh lua -e '')" "$(calc %.3f "$tz * 1000") ms" "Debian lua5.4 -e '' $(calc %.3f "$tn * 1000") ms" \
		"$(calc %.2fx "$tz / $tn")" "<= 1.5x" "$(yesno "$tz <= 1.5 * $tn")"
	RUNS+=("start-up: $n_z runs of zvsh busybox true and native busybox true, $n_l of each Lua command ($ZRT_ROUNDS rounds); zvsh's time includes writing the manifest and nvram and running zerovm")
	# Python (make images) and a dynamically linked host program.
	PYIMG=$BUILD/images/python3.tar
	if [ -f "$PYIMG" ] && [ -x /usr/bin/python3.11 ]; then
		# Cold (--no-snapshot) and from a snapshot of the zygote (zvsh's
		# default; the snapshot taken once before), as a user runs them.
		export XDG_CACHE_HOME=$OUT/cache
		$ZVSH --image "$PYIMG" python3 -c 'print(1)' </dev/null >/dev/null 2>&1
		mapfile -t res < <(bench pystart "$ZRT_ROUNDS" "$ZRT_RUNS" 3 \
			"$ZVSH --no-snapshot --image $PYIMG python3 -c pass" "/usr/bin/python3.11 -c pass" \
			"$ZVSH --image $PYIMG python3 -c 'print(1)'" "/usr/bin/python3.11 -c 'print(1)'")
		read -r tz n_p _ <<<"${res[0]}"
		read -r tn _ _ <<<"${res[1]}"
		read -r ts _ _ <<<"${res[2]}"
		read -r tn1 _ _ <<<"${res[3]}"
		row "Python 3.11 start-up, cold (zvsh --no-snapshot --image python3.tar python3 -c pass)" \
			"$(calc %.2f "$tz * 1000") ms" "Debian python3.11 -c pass $(calc %.2f "$tn * 1000") ms" \
			"$(calc %.2fx "$tz / $tn")" "<= 1.5x" "$(yesno "$tz <= 1.5 * $tn")"
		row "Python 3.11 from a snapshot (zvsh --image python3.tar python3 -c 'print(1)', resumed)" \
			"$(calc %.2f "$ts * 1000") ms" "Debian python3.11 -c 'print(1)' $(calc %.2f "$tn1 * 1000") ms; cold -c pass $(calc %.2f "$tz * 1000") ms" \
			"$(calc %.2fx "$ts / $tn1") native, $(calc %.2fx "$ts / $tz") cold" "<= 3 ms" "$(yesno "$ts <= 0.003")"
		# Where a resumed session's time goes: zerovm's own steps (-v 2).
		# (A cache of its own: the one snapshot there is this session's.)
		XDG_CACHE_HOME=$OUT/cache-steps $ZVSH --keep "$OUT/pykeep" --image "$PYIMG" python3 -c 'print(1)' \
			</dev/null >/dev/null 2>&1
		snapf=$(find "$OUT/cache-steps/zvsh" -name 'snap-*' ! -name '*.*' ! -name 'snap-prog-*' | head -1)
		steps=$("$ZVM" -v 2 --resume "$snapf" "$OUT/pykeep/manifest" </dev/null 3>/dev/null 4>/dev/null 2>&1 >/dev/null |
			sed -n 's/^zerovm: \[ *\([0-9.]*\) ms\] \(.*\)/\1 ms \2/p' | tr '\n' ';')
		RUNS+=("Python start-up: $n_p runs of each command ($ZRT_ROUNDS rounds), build/images/python3.tar (make images); snapshot $(stat -c %s "$snapf" 2>/dev/null) bytes; one resumed session's steps (zerovm -v 2): $steps")
		rm -rf "$OUT/pykeep" "$OUT/cache-steps"
		# What mounting the image costs, from its index and walked header by
		# header (the same archive without its index), over no image at all.
		isz=$(tar tvf "$PYIMG" .zrt-index | awk '{print $3}')
		tail -c +$((512 + (isz + 511) / 512 * 512 + 1)) "$PYIMG" >"$OUT/plain.tar"
		mapfile -t res < <(bench pymount "$ZRT_ROUNDS" "$ZRT_RUNS" 3 "$ZVSH --image $PYIMG $BUSYBOX true" \
			"$ZVSH --image $OUT/plain.tar $BUSYBOX true" "$ZVSH $BUSYBOX true")
		read -r ti n_m _ <<<"${res[0]}"
		read -r tw _ _ <<<"${res[1]}"
		read -r t0 _ _ <<<"${res[2]}"
		row "mounting the Python image (1,309 entries): zvsh --image python3.tar busybox true, from its index vs walked" \
			"index $(calc %.2f "($ti - $t0) * 1000") ms" "walked $(calc %.2f "($tw - $t0) * 1000") ms" \
			"$(calc %.1fx "($tw - $t0) / ($ti - $t0)") less" "-" "-"
		RUNS+=("Python image mount: $n_m runs of each command ($ZRT_ROUNDS rounds); the cost is the median minus that of zvsh busybox true without an image in the same run; walked: the same archive without its index")
		rm -f "$OUT/plain.tar"
	else
		FAILURES+=("Python start-up: no $PYIMG (make images) or no /usr/bin/python3.11")
	fi
	export XDG_CACHE_HOME=$OUT/cache
	EXPR=/usr/bin/expr
	hyperfine -N --style none --runs "$ZRT_RUNS" --prepare "$ZVSH --clear-cache" \
		--export-json "$J/exprfirst.json" "$ZVSH $EXPR 6 * 7" >/dev/null 2>>"$OUT/hyperfine.log" ||
		die "hyperfine failed (exprfirst), see $OUT/hyperfine.log"
	tf=$(jq '.results[0].median' "$J/exprfirst.json")
	mapfile -t res < <(bench exprcached "$ZRT_ROUNDS" "$ZRT_RUNS" 3 "$ZVSH $EXPR 6 * 7" "$EXPR 6 * 7")
	read -r tz n_e _ <<<"${res[0]}"
	read -r tn _ _ <<<"${res[1]}"
	row "dynamic host program, zvsh /usr/bin/expr 6 '*' 7: first run (libraries packed) vs cached" \
		"$(calc %.2f "$tf * 1000") ms first, $(calc %.2f "$tz * 1000") ms cached" "native $(calc %.2f "$tn * 1000") ms" \
		"cached $(calc %.2fx "$tz / $tn") native, first $(calc %.2fx "$tf / $tz") cached" "-" "-"
	RUNS+=("dynamic expr: $ZRT_RUNS first runs (zvsh --clear-cache before each), $n_e cached runs and native runs ($ZRT_ROUNDS rounds)")
else
	FAILURES+=("runtime start-up: $ZVSH or $BUSYBOX missing")
fi

# ---- 9. warm starts (bench/snap.sh) --------------------------------------------
# shellcheck source=bench/snap.sh
. "$ROOT/bench/snap.sh"

# ---- 10, 11. threads (bench/threads.sh) ------------------------------------------
# shellcheck source=bench/threads.sh
. "$ROOT/bench/threads.sh"

# ---- 7, 8. jobs (bench/jobs.sh) -----------------------------------------------
# shellcheck source=bench/jobs.sh
. "$ROOT/bench/jobs.sh"

# ---- 5. what the namespaces cost --------------------------------------------
# Not a target: the numbers behind the choice of namespaces
# (docs/performance.md, "Where a cold start goes").
NSCOST=""
if gcc -O2 -o "$OUT/nscost" bench/nscost.c 2>/dev/null; then
	NSCOST=$("$OUT/nscost" 2>&1)
fi

# ---- report ----------------------------------------------------------------
BLOCK=$OUT/results.md
{
	echo "<!-- bench:begin -->"
	echo "<!-- Generated by bench/run.sh (make bench); edits here are overwritten. -->"
	echo "## Results"
	echo
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs," \
		"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), Linux $(uname -r)."
	echo "All times are medians of whole-process wall-clock times (hyperfine -N)."
	echo
	echo "| metric | zerovm | baseline | ratio | target | met? |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "Runs:"
	echo
	for r in "${RUNS[@]}"; do echo "- $r"; done
	if [ -n "$NSCOST" ]; then
		echo
		echo "Namespace cost (bench/nscost.c: median of 400 clone + setup + exit + reap, as src/sandbox.c does it):"
		echo
		echo '```'
		echo "$NSCOST"
		echo '```'
	fi
	if [ ${#FAILURES[@]} -gt 0 ]; then
		echo
		echo "Failures:"
		echo
		for f in "${FAILURES[@]}"; do echo "- $f"; done
	fi
	echo "<!-- bench:end -->"
} >"$BLOCK"

sed -e '/^<!--/d' "$BLOCK"

if [ "${BENCH_NO_DOC:-0}" != 1 ]; then
	mkdir -p "$(dirname "$DOC")"
	if [ ! -f "$DOC" ]; then
		cat >"$DOC" <<'EOF'
# Performance

How fast zerovm starts, how much a trap costs, how fast channels move data
and what the sandbox costs a CPU-bound program, each against a native (or
bubblewrap) baseline. The block below is regenerated by `make bench`
(bench/run.sh); prose outside it is kept.

EOF
		cat "$BLOCK" >>"$DOC"
	fi
	tmp=$(mktemp "$DOC.XXXXXX")
	if grep -q '^<!-- bench:begin -->' "$DOC" && grep -q '^<!-- bench:end -->' "$DOC"; then
		awk -v block="$BLOCK" '
			/^<!-- bench:begin -->/ { while ((getline l < block) > 0) print l; skip = 1; next }
			/^<!-- bench:end -->/ { skip = 0; next }
			!skip { print }' "$DOC" >"$tmp"
	else
		{ cat "$DOC"; echo; cat "$BLOCK"; } >"$tmp"
	fi
	chmod 644 "$tmp"
	mv "$tmp" "$DOC"
	log "results written to ${DOC#"$ROOT"/}"
fi

[ ${#FAILURES[@]} -eq 0 ] || { printf 'bench: FAILED: %s\n' "${FAILURES[@]}" >&2; exit 1; }
