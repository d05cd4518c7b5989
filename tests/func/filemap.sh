#!/usr/bin/env bash
# The program's read-only pages mapped from its file (docs/memory.md, "The
# program's read-only pages") against the copy path, in the same run.
#
#   tests/func/filemap.sh ZEROVM GUEST_DIR [JOBCLIENT]
#
# Each program runs twice: as zerovm runs it (whole pages of its
# non-writable segments mapped from the file) and with the test-only
# ZEROVM_TEST_COPY_PROGRAM=1 (every byte copied into guest memory, as
# before). Output, exit status, report (but its CPU times) and memory etag
# must be the same;
# -v 2 must say how many bytes each way took. Programs: the raw probe guest
# (one page of code mapped), busybox through the runtime (1.9 MB mapped)
# and a static glibc program built here. The runtime's programs run with
# -C: glibc keeps cpuid's answers in memory, and this machine's CPUs may
# answer differently (APIC ids). Ends with "N passed, N failed".
set -u
ZVM=$(readlink -f "$1")
G=$(readlink -f "$2")
JC=${3:+$(readlink -f "$3")}
. "$(dirname "$0")/../lib.sh"
tmpdir zvm-filemap
DAEMON=
cleanup() { [ -n "$DAEMON" ] && kill "$DAEMON" 2>/dev/null; }

# manifest NAME PROGRAM STDIN [NVRAM]: memory etag on.
manifest() {
	{
		echo "Version = 20130611"
		echo "Program = $2"
		echo "Memory = 268435456, 1"
		echo "Timeout = 20"
		echo "Channel = $3, /dev/stdin, 0, 1, 100000, 100000, 0, 0"
		echo "Channel = $T/$1.out, /dev/stdout, 0, 1, 0, 0, 100000, 10000000"
		echo "Channel = $T/$1.err, /dev/stderr, 0, 0, 0, 0, 1000, 100000"
		[ -n "${4:-}" ] && echo "Channel = $4, /dev/nvram, 1, 0, 100000, 100000, 0, 0"
	} >"$T/$1.m"
}
# both NAME [zerovm options]: run NAME.m mapped (NAME.map) and copied
# (NAME.copy): report, status, program output; -v 2's program line.
both() {
	local n=$1 mode
	shift
	for mode in map copy; do
		# (an output's size is in the user manifest: start from none)
		rm -f "$T/$n.out" "$T/$n.err"
		if [ $mode == copy ]; then
			ZEROVM_TEST_COPY_PROGRAM=1 "$ZVM" -v 2 "$@" "$T/$n.m" >"$T/$n.$mode" 2>"$T/$n.$mode.v"
		else
			"$ZVM" -v 2 "$@" "$T/$n.m" >"$T/$n.$mode" 2>"$T/$n.$mode.v"
		fi
		echo "status $?" >>"$T/$n.$mode"
		# report line 5's first two fields are CPU times: not compared
		sed -i '5s/^[0-9.]* [0-9.]* /- - /' "$T/$n.$mode"
		cat "$T/$n.out" >>"$T/$n.$mode" 2>/dev/null
		grep '^zerovm: program:' "$T/$n.$mode.v" >"$T/$n.$mode.line"
	done
}
bytes() { sed -E 's/^zerovm: program: ([0-9]+) bytes mapped from its file, ([0-9]+) copied.*/\1 \2/' "$1"; }
# same NAME WHAT: the two runs agree, the memory etag is there, and the
# mapped run mapped something while the copy run copied it all.
same() {
	local n=$1
	if cmp -s "$T/$n.map" "$T/$n.copy"; then
		ok "$2: output, status, report and memory etag as with the copy path"
	else
		bad "$2: output, status, report and memory etag as with the copy path" \
			"$(diff "$T/$n.map" "$T/$n.copy" | head -n 6 | tr '\n' ' ')"
	fi
	check_re "$2: the report has a memory etag" "$(grep -a '/dev/memory' "$T/$n.map")" '/dev/memory [0-9a-f]{40}'
	local m c
	read -r m mc <<<"$(bytes "$T/$n.map.line")"
	read -r c cc <<<"$(bytes "$T/$n.copy.line")"
	if [ "${m:-0}" -gt 0 ] && [ "${c:-1}" -eq 0 ] && [ $((m + mc)) -eq "${cc:-0}" ]; then
		ok "$2: -v 2 says $m bytes mapped and $mc copied (copy path: $cc copied)"
	else
		bad "$2: -v 2 says how many bytes were mapped and copied" "$(cat "$T/$n.map.line") / $(cat "$T/$n.copy.line")"
	fi
}

# ---- the raw probe: channel writes from a file-backed page, reads into it
printf 'wa 1 0x401000 64 0\nra 0 0x401000 16 0\npeek 0x401000\nx 0\n' >"$T/probe.in"
manifest probe "$G/probe" "$T/probe.in"
both probe -Z
same probe "raw probe"
check "raw probe: a read into its file-backed code fails as for read-only memory" \
	"$(grep -c '^= -22' "$T/probe.out")" 1
check "raw probe: the page written from is the file's" \
	"$(head -c 64 "$T/probe.out" | od -An -tx1 | tr -d ' \n')" \
	"$(dd if="$G/probe" bs=4096 skip=1 count=1 2>/dev/null | head -c 64 | od -An -tx1 | tr -d ' \n')"

# ---- hello: its segments are under a page each, so nothing is mapped
manifest hello "$G/hello" /dev/null
"$ZVM" -Z -v 2 "$T/hello.m" >/dev/null 2>"$T/hello.v"
check_re "hello: no whole read-only page, -v 2 says why" "$(grep '^zerovm: program:' "$T/hello.v")" \
	'^zerovm: program: 0 bytes mapped from its file, [0-9]+ copied: nothing mapped, no whole read-only page$'

# ---- the runtime's code, mapped from zerovm's own file (hello, with the
# runtime this time): the same report, memory etag included, as copied
both hello
if cmp -s "$T/hello.map" "$T/hello.copy"; then
	ok "runtime: output, status, report and memory etag as with its code copied"
else
	bad "runtime: output, status, report and memory etag as with its code copied" \
		"$(diff "$T/hello.map" "$T/hello.copy" | head -n 6 | tr '\n' ' ')"
fi
check_re "runtime: -v 2 says its code was mapped from zerovm's file" \
	"$(grep '^zerovm: runtime:' "$T/hello.map.v")" "^zerovm: runtime: [1-9][0-9]* bytes of code mapped from zerovm's file$"
check "runtime: ... and none with the copy path" "$(grep '^zerovm: runtime:' "$T/hello.copy.v")" \
	"zerovm: runtime: 0 bytes of code mapped from zerovm's file, none: ZEROVM_TEST_COPY_PROGRAM is set"
"$ZVM" -v 2 --snapshot "$T/hello.snap" "$T/hello.m" >/dev/null 2>"$T/hello.snap.v"
check "runtime: a session that may take a snapshot copies it (says nothing of it)" \
	"$(grep -c '^zerovm: runtime:' "$T/hello.snap.v")" 0

# ---- busybox through the runtime
BB=$(command -v busybox || true)
if [ -n "$BB" ] && file -L "$BB" 2>/dev/null | grep -q 'statically linked'; then
	printf '[args]\nargs = busybox sha1sum\n[mapping]\nchannel=/dev/stdin, mode=file\n' >"$T/bb.nvram"
	printf 'some input\n' >"$T/bb.in"
	manifest bb "$BB" "$T/bb.in" "$T/bb.nvram"
	both bb -C
	same bb "busybox"
	check "busybox: its output" "$(cat "$T/bb.out")" "$(printf 'some input\n' | sha1sum)"
else
	skip "busybox" "no static busybox"
fi

# ---- a static glibc program built here, reading its own rodata and code
cat >"$T/g.c" <<'C'
#include <stdio.h>
#include <string.h>
static const char table[20000] = "rodata, two pages and more";
int main(int argc, char **argv)
{
	unsigned long sum = 0;
	for (size_t i = 0; i < sizeof table; i++)
		sum = sum * 31 + (unsigned char)table[i];
	const unsigned char *code = (const unsigned char *)main;
	for (int i = 0; i < 4096; i++)
		sum = sum * 31 + code[i];
	printf("%s %d %s %lx\n", argv[0], argc, table, sum);
	return 5;
}
C
if gcc -static -O1 -o "$T/g" "$T/g.c" 2>"$T/g.cc"; then
	printf '[args]\nargs = g one two\n' >"$T/g.nvram"
	manifest g "$T/g" /dev/null "$T/g.nvram"
	both g -C
	same g "static glibc program"
	check_re "static glibc program: its output" "$(cat "$T/g.out")" '^g 3 rodata, two pages and more [0-9a-f]+$'
	native=$("$T/g" one two | cut -d' ' -f5)
	check "static glibc program: the sum of its rodata and code as natively" "$(cut -d' ' -f5 "$T/g.out")" "$native"
	# A snapshot-free second run gives the same memory etag (determinism).
	rm -f "$T/g.out"
	"$ZVM" -C "$T/g.m" >"$T/g.again" 2>/dev/null
	check "static glibc program: a second run, the same memory etag" "$(grep -a /dev/memory "$T/g.again")" \
		"$(grep -a /dev/memory "$T/g.map")"
else
	skip "static glibc program" "gcc -static failed: $(head -n 1 "$T/g.cc")"
fi

# ---- snapshots name the file-backed ranges instead of holding them; a
# resumed session maps them again: resumed = cold (output, memory etag)
printf 'f\nwa 1 0x401000 64 0\nx 0\n' >"$T/snap.in"
manifest snap "$G/probe" "$T/snap.in"
rm -f "$T/snap.out"
"$ZVM" -Z "$T/snap.m" >"$T/snap.cold" 2>/dev/null
cp "$T/snap.out" "$T/snap.cold.out"
rm -f "$T/snap.out"
"$ZVM" -Z --snapshot "$T/s1" "$T/snap.m" >/dev/null 2>&1
rm -f "$T/snap.out"
ZEROVM_TEST_COPY_PROGRAM=1 "$ZVM" -Z --snapshot "$T/s2" "$T/snap.m" >/dev/null 2>&1
check "a snapshot does not hold the page mapped from the file (the copy path's holds 4096 bytes more)" \
	"$(($(stat -c %s "$T/s2") - $(stat -c %s "$T/s1")))" 4096
for mode in map copy; do
	rm -f "$T/snap.out"
	if [ $mode == copy ]; then
		ZEROVM_TEST_COPY_PROGRAM=1 "$ZVM" -Z -v 2 --resume "$T/s1" "$T/snap.m" >"$T/snap.$mode" 2>"$T/snap.$mode.v"
	else
		"$ZVM" -Z -v 2 --resume "$T/s1" "$T/snap.m" >"$T/snap.$mode" 2>"$T/snap.$mode.v"
	fi
	# (the fork's own result differs: 0 cold, -1 in a copy)
	check "resumed ($mode): the bytes written from the mapped page and the memory etag as cold" \
		"$(tail -c 64 "$T/snap.out" | od -An -tx1 | tr -d ' \n') $(grep -ao '/dev/memory [0-9a-f]*' "$T/snap.$mode")" \
		"$(tail -c 64 "$T/snap.cold.out" | od -An -tx1 | tr -d ' \n') $(grep -ao '/dev/memory [0-9a-f]*' "$T/snap.cold")"
done
check "resumed: -v 2 says the page was mapped from the file" "$(grep '^zerovm: program:' "$T/snap.map.v")" \
	"zerovm: program: 4096 bytes mapped from its file, 0 read"
check "resumed with the copy path: -v 2 says the page was read" "$(grep '^zerovm: program:' "$T/snap.copy.v")" \
	"zerovm: program: 0 bytes mapped from its file, 4096 read: nothing mapped, ZEROVM_TEST_COPY_PROGRAM is set"
cp "$G/probe" "$T/probe2"
sed "s#^Program = .*#Program = $T/probe2#" "$T/snap.m" >"$T/snap2.m"
rm -f "$T/snap.out"
"$ZVM" -Z --snapshot "$T/s3" "$T/snap2.m" >/dev/null 2>&1
printf 'x' | dd of="$T/probe2" bs=1 seek=4096 conv=notrunc 2>/dev/null
"$ZVM" -Z --resume "$T/s3" "$T/snap2.m" >"$T/snap3" 2>"$T/snap3.err"
check_re "resumed after the program's file changed: refused by the key" \
	"$? $(cat "$T/snap3.err")" '^14 zerovm: snapshot .*/s3: refused: Program .*/probe2 is not the snapshot'"'"'s'

# ---- a daemon (Job) maps the ranges again for each request
if [ -n "$JC" ]; then
	manifest job "$G/probe" "$T/snap.in"
	echo "Job = $T/job.sock" >>"$T/job.m"
	"$ZVM" -Z -v 1 "$T/job.m" >/dev/null 2>"$T/job.v"
	DAEMON=$(sed -n 's/^zerovm: daemon \([0-9]*\) serves .*/\1/p' "$T/job.v")
	rm -f "$T/snap.out"
	"$JC" "$T/job.sock" "$T/snap.m" >"$T/job.rep" 2>/dev/null
	check "daemon: a request writes the mapped page's bytes and has the cold memory etag" \
		"$(tail -c 64 "$T/snap.out" | od -An -tx1 | tr -d ' \n') $(grep -ao '/dev/memory [0-9a-f]*' "$T/job.rep")" \
		"$(tail -c 64 "$T/snap.cold.out" | od -An -tx1 | tr -d ' \n') $(grep -ao '/dev/memory [0-9a-f]*' "$T/snap.cold")"
	# (zerovm's own messages go to job.v: job.err is the guest's stderr)
	if [ -n "$DAEMON" ]; then
		kill -TERM "$DAEMON"
		for _ in $(seq 50); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.1; done
		check "daemon: SIGTERM ends it" "$(kill -0 "$DAEMON" 2>/dev/null && echo running || echo gone)" gone
	else
		bad "daemon: its pid is said" "$(cat "$T/job.v")"
	fi
	DAEMON=
else
	skip "daemon" "no job client given"
fi

# ---- the program's file shrinks during the session: the guest faults
# (SIGBUS) on the pages the file lost; zerovm's own reads of them (the
# memory etag) see zeros instead of killing it, and it says so
cp "$G/probe" "$T/shrinks"
printf 'W 1 0 1\nspin\n' >"$T/spin.in"
manifest shrink "$T/shrinks" "$T/spin.in"
sed -i 's/^Timeout = 20/Timeout = 3/' "$T/shrink.m"
(
	for _ in $(seq 100); do [ -s "$T/shrink.out" ] && break; sleep 0.05; done
	truncate -s 0 "$T/shrinks"
) &
"$ZVM" -Z "$T/shrink.m" >"$T/shrink.rep" 2>"$T/shrink.err"
rc=$?
wait
check "the program's file truncated mid-run: the report is printed, exit 4" "$rc $(wc -l <"$T/shrink.rep")" "4 6"
check_re "the program's file truncated mid-run: the guest faults, the memory etag is there" \
	"$(sed -n '4p;6p' "$T/shrink.rep" | tr '\n' ' ')" '/dev/memory [0-9a-f]{40} (Signal 7 from untrusted code: Bus error|session timeout) $'
check "the program's file truncated mid-run: zerovm warns" "$(cat "$T/shrink.err")" \
	"zerovm: warning: program $T/shrinks: the file shrank during the session; its pages past the new end read as zeros here (docs/memory.md)"

# ---- on a noexec file system, the copy path, said in -v 2
if [ "$(id -u)" -eq 0 ] && mkdir -p "$T/noexec" && mount -t tmpfs -o noexec,size=4m none "$T/noexec" 2>/dev/null; then
	cp "$G/probe" "$T/noexec/probe"
	manifest nx "$T/noexec/probe" "$T/probe.in"
	rm -f "$T/nx.out"
	"$ZVM" -Z -v 2 "$T/nx.m" >"$T/nx.rep" 2>"$T/nx.v"
	check_re "a program on a noexec mount is copied, -v 2 says why" "$(grep '^zerovm: program:' "$T/nx.v")" \
		'^zerovm: program: 0 bytes mapped from its file, [0-9]+ copied: nothing mapped, its file system is mounted noexec$'
	check "a program on a noexec mount: the same memory etag as mapped" "$(grep -a /dev/memory "$T/nx.rep")" \
		"$(grep -a /dev/memory "$T/probe.map")"
	umount "$T/noexec"
else
	skip "noexec mount" "needs root and a tmpfs mount"
fi

finish
