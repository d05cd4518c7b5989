#!/bin/bash
# threads.sh ZVSH BUILD - threads inside the sandbox (docs/zrt.md, "Threads").
#
# Static programs with threads (glibc's pthreads through clone3, musl's
# through clone, C++ std::thread, OpenMP, Go; tests/zrt/threads/) give the
# same output as natively where it does not depend on the interleaving,
# and the same bytes and memory etag on two more runs by zerovm itself
# (-C: cpuid from a table); a racy program gives one result per seed
# ([threads] seed in the nvram) and different results across seeds; a
# deadlock ends the session at once with status 124 and a "deadlock" line.
#
# BUILD holds zerovm and zrt/threads-{glibc,musl,cxx,omp,go}. Prints "ok - ..."
# lines and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ZVSH=$(readlink -f "$1")
B=$(readlink -f "$2")
export ZEROVM=$B/zerovm
. "$HERE/../lib.sh"
CHECK_TWO_LINES=1
tmpdir zrt-threads
cd "$T" || exit 1

# zv OUT ARGS...: zvsh ARGS (output in OUT, stderr in OUT.err, status in
# ZRC), its manifest and nvram kept in $T/keep; then again by zerovm -C
# with the memory etag on (OUT.2, etag in E2) and once more (OUT.3, E3):
# DETERMINISTIC=yes when the three outputs and the two etags agree.
zv() {
	local out=$1 k=$T/keep
	shift
	rm -rf "$k"
	timeout 120 "$ZVSH" --timeout 60 --keep "$k" "$@" </dev/null >"$out" 2>"$out.err"
	ZRC=$?
	DETERMINISTIC=no
	[ -f "$k/manifest" ] || return
	sed -i 's/^\(Memory = [0-9]*\), 0$/\1, 1/' "$k/manifest"
	rerun "$out"
	if cmp -s "$out" "$out.2" && cmp -s "$out" "$out.3" && [ -n "$E2" ] && [ "$E2" == "$E3" ]; then
		DETERMINISTIC=yes
	fi
}
rerun() { # OUT: two runs of the kept manifest (OUT.2, OUT.3; etags E2, E3)
	local k=$T/keep
	timeout 120 "$ZEROVM" -C "$k/manifest" </dev/null 3>"$1.2" 4>/dev/null >"$k/report2" 2>/dev/null
	timeout 120 "$ZEROVM" -C "$k/manifest" </dev/null 3>"$1.3" 4>/dev/null >"$k/report3" 2>/dev/null
	E2=$(grep -o '/dev/memory [0-9a-f]*' "$k/report2")
	E3=$(grep -o '/dev/memory [0-9a-f]*' "$k/report3")
}
# seed N: the kept nvram with [threads] seed=N (the kept one first saved).
seed() {
	[ -f "$T/keep/nvram.orig" ] || cp "$T/keep/nvram" "$T/keep/nvram.orig"
	{ cat "$T/keep/nvram.orig"; printf '[threads]\nseed=%s\n' "$1"; } >"$T/keep/nvram"
}

# ---------------------------------------------------------------- same as native
# same NAME PROGRAM ARGS...: native and sandboxed output identical, status
# 0, deterministic.
same() {
	local name=$1
	shift
	timeout 60 "$@" >"$T/native.out" 2>&1
	local nrc=$?
	zv "$T/z.out" "$@"
	if [ "$nrc" -ne 0 ] || ! [ -s "$T/native.out" ]; then
		bad "$name: native run" "status $nrc" "$(head -n 3 "$T/native.out")"
	elif ! cmp -s "$T/native.out" "$T/z.out" || [ "$ZRC" -ne 0 ]; then
		bad "$name: same output as native" "status $ZRC" "native: $(head -n 3 "$T/native.out" | tr '\n' '|')" \
			"zvsh:   $(head -n 3 "$T/z.out" | tr '\n' '|') $(head -n 2 "$T/z.out.err" | tr '\n' '|')"
	elif [ "$DETERMINISTIC" != yes ]; then
		bad "$name: same output as native" "runs differ (output or memory etag)" "$E2" "$E3"
	else
		ok "$name: same output as native ($(head -n 1 "$T/z.out")), 3 runs, one memory etag"
	fi
}

for lib in glibc musl; do
	P=$B/zrt/threads-$lib
	same "$lib: producers and consumers, a mutex and condition variables, joined" "$P" pc
	same "$lib: thread-local storage, a copy per thread" "$P" tls
	same "$lib: pthread_cond_timedwait times out on the virtual clock, a thread sleeps" "$P" timed
	same "$lib: pthread_kill of a thread waiting on a condition variable runs its handler" "$P" kill
	same "$lib: pthread_exit of main, the last thread finishes" "$P" exit
	same "$lib: each thread keeps its own FPU state (rounding modes) across switches" "$P" fpu
	same "$lib: a thread exits holding a robust mutex main waits for: EOWNERDEAD" "$P" robust
	same "$lib: a thread in sigsuspend is woken by pthread_kill from main, its mask back" "$P" suspend
	same "$lib: a thread in pause is woken by pthread_kill from main" "$P" pause
	same "$lib: a blocking pipe read waits for another thread's writes; a write past the pipe's room waits for the reader" "$P" pipe
	same "$lib: select, poll, epoll_wait and an eventfd read wait for another thread's write; epoll_wait's timeout" "$P" poll
	same "$lib: a pipe read interrupted by pthread_kill: SA_RESTART goes on, else EINTR" "$P" restart
	same "$lib: kill of the process while main blocks the signal wakes the thread in pause that does not" "$P" procsig
done
same "c++: std::thread, std::mutex, std::condition_variable, std::async" "$B/zrt/threads-cxx"
same "openmp: 4 threads, reductions, critical, barrier" "$B/zrt/threads-omp"
# Go's runtime: its own threads (sysmon, the garbage collector's workers),
# futexes, signal stacks per thread, sched_yield, its sleeps.
same "go: goroutines, channels, a WaitGroup, a map under a Mutex, the collector" "$B/zrt/threads-go"
# Every seed is another interleaving of Go's threads: the same output.
zv "$T/go.out" "$B/zrt/threads-go"
gosame=yes
for s in 1 2 3 4; do
	seed "$s"
	rerun "$T/go$s.out"
	cmp -s "$T/go.out" "$T/go$s.out.2" && cmp -s "$T/go.out" "$T/go$s.out.3" && [ -n "$E2" ] && [ "$E2" == "$E3" ] ||
		gosame=no
done
check "go: 4 more seeds, each deterministic, all the same output" "$gosame $ZRC" "yes 0"
# The call log ([debug] verbosity 3, docs/zrt.md "Finding what fails"):
# Go's preemption of the spinning goroutine is a tgkill of SIGURG (23).
zv "$T/go.out" "$B/zrt/threads-go"
printf '[debug]\nverbosity=3\n' >>"$T/keep/nvram"
timeout 120 "$ZEROVM" -C "$T/keep/manifest" </dev/null 3>"$T/golog.out" 4>"$T/golog.err" >/dev/null 2>&1
urg=$(grep -c '^zrt: \[[0-9]*\] call 234 (0x1, 0x[0-9a-f]*, 0x17, 0x[0-9a-f]*) = 0$' "$T/golog.err")
clones=$(grep -c '^zrt: \[[0-9]*\] call 56 (0x[0-9a-f]*, 0x[0-9a-f]*, 0x0, 0x0) = [0-9]*$' "$T/golog.err")
check "go: the call log (verbosity 3) names every call: clones of Go's threads, the preemption as tgkill(1, tid, SIGURG) = 0; output unchanged" \
	"$([ "$urg" -ge 1 ] && echo tgkill) $([ "$clones" -ge 2 ] && echo clones) $(cmp "$T/go.out" "$T/golog.out" 2>&1)" \
	"tgkill clones "

# The cap (docs/zrt.md, "Ids and the end"): 64 threads live at once, the
# next pthread_create EAGAIN; the slots of ended threads are used again.
for lib in glibc musl; do
	zv "$T/cap.out" "$B/zrt/threads-$lib" cap
	check "$lib: 64 threads live at once, the next pthread_create fails (EAGAIN), ended ones free their slots" \
		"$ZRC $(cat "$T/cap.out")" \
		"0 cap: 63 threads besides main, then Resource temporarily unavailable; after they ended: one more"
done

# Python's concurrent.futures (the Python image, make images): the same
# output as python3.11 natively, the same bytes and memory etag every run.
PYIMG=$B/images/python3.tar
if [ -f "$PYIMG" ] && [ -x /usr/bin/python3.11 ]; then
	cp "$HERE/threads/pool.py" "$T/pool.py"
	PYTHONHASHSEED=0 timeout 60 /usr/bin/python3.11 pool.py >"$T/pool.native" 2>&1
	zv "$T/pool.out" --image "$PYIMG" --env PYTHONHASHSEED=0 python3 @pool.py
	check "python: ThreadPoolExecutor (map, as_completed, an exception, wait) as natively, 3 runs, one memory etag" \
		"$ZRC $DETERMINISTIC $(cmp "$T/pool.native" "$T/pool.out" 2>&1)$(grep -c '^map: ' "$T/pool.out")" "0 yes 12"
else
	echo "ok - python: ThreadPoolExecutor # SKIP no $PYIMG (make images) or no /usr/bin/python3.11"
fi

# ---------------------------------------------------------------- CPUs
# The same session pinned to each CPU (taskset -c 0, -c 1): the same
# output and memory etag. zerovm -C answers cpuid from a table, so nothing
# a thread sees depends on the CPU it runs on.
pinned() { # NAME: the kept session of the last zv, on CPU 0 and on CPU 1
	local k=$T/keep c
	for c in 0 1; do
		taskset -c "$c" "$ZEROVM" -C "$k/manifest" </dev/null 3>"$T/cpu$c.out" 4>/dev/null >"$k/rcpu$c" 2>/dev/null
	done
	local e0 e1
	e0=$(grep -o '/dev/memory [0-9a-f]*' "$k/rcpu0")
	e1=$(grep -o '/dev/memory [0-9a-f]*' "$k/rcpu1")
	check "$1: pinned to CPU 0 and to CPU 1, the same output and memory etag" \
		"$(cmp "$T/cpu0.out" "$T/cpu1.out" 2>&1)$([ -n "$e0" ] && [ "$e0" == "$e1" ] && echo same)$(cmp "$T/cpu0.out" "$2" 2>&1)" "same"
}
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	zv "$T/pcpu.out" "$B/zrt/threads-glibc" pc
	pinned "glibc producers and consumers" "$T/pcpu.out"
	zv "$T/gocpu.out" "$B/zrt/threads-go"
	pinned "go" "$T/gocpu.out"
	zv "$T/racecpu.out" "$B/zrt/threads-musl" race
	pinned "musl race (the interleaving itself)" "$T/racecpu.out"
	zv "$T/cxxcpu.out" "$B/zrt/threads-cxx"
	pinned "c++ std::thread" "$T/cxxcpu.out"
	zv "$T/ompcpu.out" "$B/zrt/threads-omp"
	pinned "openmp, 4 threads" "$T/ompcpu.out"
	if [ -f "$PYIMG" ]; then
		zv "$T/poolcpu.out" --image "$PYIMG" --env PYTHONHASHSEED=0 python3 @pool.py
		pinned "python ThreadPoolExecutor" "$T/poolcpu.out"
	fi
else
	echo "ok - pinned to CPU 0 and to CPU 1 # SKIP one CPU, or no taskset"
fi

# One thread: pause and rt_sigsuspend return EINTR at once (nothing could
# send a signal). pause used to be EFAULT: its mask lived on ZRT's stack.
for lib in glibc musl; do
	zv "$T/alone.out" "$B/zrt/threads-$lib" alone
	check "$lib: alone, pause and sigsuspend return EINTR at once" "$ZRC $(cat "$T/alone.out")" \
		"0 alone: pause -1 (Interrupted system call), sigsuspend -1 (Interrupted system call)"
done

# sched_yield (docs/zrt.md, "The scheduler"): the caller runs again only
# when no other thread can, under the default seed and another; thread
# ids (docs/zrt.md, "Ids and the end"): main is 1, new threads 2, 3, ...
for lib in glibc musl; do
	zv "$T/yield.out" "$B/zrt/threads-$lib" yield
	seed 5
	rerun "$T/yield5.out"
	check "$lib: two threads that sched_yield in turn alternate (seeds 0 and 5)" \
		"$ZRC $(cat "$T/yield.out") $(cat "$T/yield5.out.2")" \
		"0 yield: the other thread ran at 100 of 100 yields yield: the other thread ran at 100 of 100 yields"
	zv "$T/ids.out" "$B/zrt/threads-$lib" ids
	check "$lib: thread ids: main 1 (the pid), then 2 and 3, not reused after a join" "$ZRC $(cat "$T/ids.out")" \
		"0 ids: main 1, pid 1, then 2 and 3"
done

# ---------------------------------------------------------------- seeds
# The racy counter: every update has a system call between its read and
# its write, so lost updates depend on the interleaving alone.
for lib in glibc musl; do
	zv "$T/race.out" "$B/zrt/threads-$lib" race
	check "$lib race: deterministic with the default seed (output and memory etag)" "$DETERMINISTIC $ZRC" "yes 0"
	default=$(cat "$T/race.out")
	seed 0
	rerun "$T/race0.out"
	# (the etags differ: the nvram's text is in guest memory)
	check "$lib race: the default seed is 0 (the same interleaving)" "$(cat "$T/race0.out.2")" "$default"
	results="" same_seed=yes lost=yes
	for s in 1 2 3 4 5 6 7 8; do
		seed "$s"
		rerun "$T/race$s.out"
		cmp -s "$T/race$s.out.2" "$T/race$s.out.3" && [ "$E2" == "$E3" ] || same_seed=no
		n=$(sed -n 's/^race: counter \([0-9]*\) of 1200$/\1/p' "$T/race$s.out.2")
		[ -n "$n" ] && [ "$n" -lt 1200 ] || lost=no
		results="$results $n"
	done
	distinct=$(tr ' ' '\n' <<<"$results" | sed '/^$/d' | sort -u | wc -l)
	check "$lib race: each of 8 seeds gives one result on two runs (output and memory etag)" "$same_seed" yes
	check "$lib race: updates are lost, by how many depends on the seed ($results)" \
		"$lost $([ "$distinct" -ge 3 ] && echo several)" "yes several"
done

# ---------------------------------------------------------------- deadlock
for lib in glibc musl; do
	zv "$T/dead.out" "$B/zrt/threads-$lib" deadlock
	check "$lib: a deadlock ends the session at once, status 124, said on stderr, the same every run" \
		"$ZRC $(head -n 1 "$T/dead.out") / $(grep -c '^zrt: deadlock: every thread waits for ever (thread 1 waits on futex 0x[0-9a-f]*, thread 2 waits on futex 0x[0-9a-f]*); the session ends$' "$T/dead.out.err") $DETERMINISTIC" \
		"124 deadlock: each thread holds one mutex and takes the other / 1 yes"
	zv "$T/dead.out" "$B/zrt/threads-$lib" deadwait
	check "$lib: threads waiting on a pipe and for a signal, main joining one: a deadlock that says what each waits on" \
		"$ZRC $(grep -c '^zrt: deadlock: every thread waits for ever (thread 1 waits on futex 0x[0-9a-f]*, thread 2 waits on a descriptor, thread 3 waits for a signal); the session ends$' "$T/dead.out.err") $DETERMINISTIC" \
		"124 1 yes"
done

finish
