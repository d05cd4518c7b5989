#!/usr/bin/env bash
# The attack suite: one hostile guest per escape attempt, each run in its own
# zerovm session, checking that it failed inside and left the host alone.
#
#   tests/security/attacks.sh ZEROVM_BINARY OUT_DIR
#
# Each attack is tests/security/attacks/NAME.c (a raw guest that tries ONE
# forbidden thing; its first comment says what and what must happen) and
# one row of the table below. The runner builds every attack into OUT_DIR,
# runs it with a generated manifest (Memory 32 MiB, Timeout 5 unless the
# row says otherwise, stdin/stdout/stderr channels to files in a temporary
# directory, plus the channels the row asks for) and checks:
#
#  (a) it failed inside: report line 6 is the expected state, zerovm's exit
#      code is the documented one (0 for "ok", 4 otherwise), its stdout is
#      exactly the six-line report (line 2 "0", line 5 ten fields), and
#      what the guest wrote to its stdout channel matches the row's regex;
#  (b) the host was not touched, after every attack:
#      - the canary directory /tmp/zvm-attack-target (files with known
#        content, modes and times) and /etc/passwd are unchanged, and no
#        new /tmp/zvm-attack-target* entry appeared;
#      - the TCP/UDP listener on 127.0.0.1 (a host helper) saw nothing;
#      - the sandbox process is gone once zerovm has ended and nothing was
#        left behind (zerovm runs under a child-subreaper helper that
#        collects anything orphaned);
#      - a `sleep` started by the runner is still alive;
#      - the stdin channel's file is unchanged, and no line of
#        /etc/passwd or of the canary files appears in the guest's output;
#      - plus the row's own checks.
#
# Host helper: tests/security/attacks/host/harness.c (listener and
# subreaper runner), built with the host C compiler into OUT_DIR.
#
# Prints "ok - NAME: ..." / "not ok - NAME: ..." per attack and ends with
# "N passed, N failed"; exits non-zero if anything failed.
set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 ZEROVM_BINARY OUT_DIR" >&2
	exit 2
fi
ZVM=$(readlink -f "$1")
mkdir -p "$2"
OUTD=$(readlink -f "$2")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=$ROOT/tests/security/attacks
CANARY=/tmp/zvm-attack-target
T=$(mktemp -d /tmp/zvm-attacks.XXXXXX)
BG=()
cleanup() {
	local p
	for p in "${BG[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
	[ "$(cat "$CANARY/.owner" 2>/dev/null)" == "$$" ] && rm -rf "$CANARY"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
PASS=0
FAIL=0
START=$((${EPOCHREALTIME/[.,]/} / 1000))

# ------------------------------------------------------------------ the table
# NAME | EXTRAS | STATE | OUTPUT | CHECKS
#
# EXTRAS (space separated, "-" for none):
#   in=GETS,GET_SIZE   /dev/in: a 20-byte file "01234567890123456789", type 0
#   rin                /dev/rin: a 10-byte file "abcdefghij", random read
#   out=PUTS,PUT_SIZE  /dev/out: an output file, type 0
#   rout[=PUT_SIZE]    /dev/rout: an output file, random write, put_size 1000
#                      unless given (random writes stay below put_size)
#   pid                /dev/pid: the host pid of the runner's `sleep`
#   port               /dev/port: the port of the listener on 127.0.0.1
#   fifo               /dev/fifo: a FIFO whose writer holds it open, silent
#   T=N                Timeout = N
#   P                  zerovm -P: no preallocation of output files
#   rt                 with the runtime loaded (no -Z): ZRT's code mapped
#                      from zerovm's own file at 0x100000
# STATE: report line 6, one of (or several joined by "/"):
#   OK, SIGSYS (Signal 31 ... Bad system call), SEGV (Signal 11), ILL
#   (Signal 4), TRAP (Signal 5), TIMEOUT (session timeout), DQUOT (disk
#   quota exceeded). Exit code: 0 for OK, 4 for the others.
# OUTPUT: regex for the guest's stdout with its lines joined by ";" (so no
#   "|" in it); TRY stands for ^try [^;]*;$ : the line announcing the
#   attempt and nothing after it.
# CHECKS (space separated, "-" for none), besides those done for every row:
#   out=N, rout=N      the file behind /dev/out, /dev/rout has exactly N bytes
#   code=N             report line 3 (user return code) is N
#   maxtime=S          the session took at most S seconds
#   prog               the program's file has the same SHA-1 after the run,
#                      and zerovm (run with -v 2 for this row) mapped part
#                      of it from the file (docs/memory.md)
#   zvm                the same for zerovm's own file, from which the
#                      runtime's code is mapped
TABLE=$(
	cat <<'EOF'
# ---- host files: open, create, change, execute
open_passwd           | -          | SIGSYS          | TRY | -
openat_passwd         | -          | SIGSYS          | TRY | -
creat_canary          | -          | SIGSYS          | ^try creat /tmp/zvm-attack-target/owned;$ | -
openat2_canary        | -          | SIGSYS          | TRY | -
truncate_canary       | -          | SIGSYS          | TRY | -
rename_canary         | -          | SIGSYS          | TRY | -
shocker               | -          | SIGSYS          | ^try open_by_handle_at inode 2;$ | -
mount_tmpfs           | -          | SIGSYS          | TRY | -
chroot_escape         | -          | SIGSYS          | ^try chroot \.;$ | -
execve_sh             | -          | SIGSYS          | ^try execve /bin/sh;$ | -
execveat_fd0          | -          | SIGSYS          | TRY | -
memfd_exec            | -          | SIGSYS          | TRY | -
# ---- network
socket_tcp            | port       | SIGSYS          | ^try socket AF_INET SOCK_STREAM;$ | -
connect_fd            | port       | SIGSYS          | ^try connect fd 3 to 127\.0\.0\.1;$ | -
bind_port             | -          | SIGSYS          | TRY | -
sendto_udp            | port       | SIGSYS          | ^try socket AF_INET SOCK_DGRAM;$ | -
socketcall_int80      | -          | SIGSYS          | TRY | -
# ---- other system call ABIs and gates
int80_open            | -          | SIGSYS          | ^try int 0x80 open /etc/passwd;$ | -
sysenter_open         | -          | SIGSYS/ILL/SEGV | TRY | -
x32_openat            | -          | SIGSYS          | ^try x32 openat /etc/passwd;$ | -
vsyscall_gettimeofday | -          | SIGSYS/SEGV     | TRY | -
far_jump_32bit        | -          | SIGSYS          | TRY | -
sigreturn_32bit       | -          | SIGSYS          | TRY | -
# ---- processes, threads, signals to others
fork_raw              | -          | SIGSYS          | ^try fork;$ | -
vfork_raw             | -          | SIGSYS          | TRY | -
clone_thread          | -          | SIGSYS          | ^try clone CLONE_THREAD;$ | -
clone_newns           | -          | SIGSYS          | TRY | -
clone3_newuser        | -          | SIGSYS          | TRY | -
trap_fork_loop        | -          | OK              | ^try zvm_fork x 1000;nonzero 0;$ | code=0
ptrace_attach_1       | -          | SIGSYS          | ^try ptrace PTRACE_ATTACH 1;$ | -
ptrace_traceme        | -          | SIGSYS          | TRY | -
kill_all              | -          | SIGSYS          | ^try kill -1 SIGKILL;$ | -
kill_pgrp             | -          | SIGSYS          | ^try kill 0 SIGKILL;$ | -
kill_sleep            | pid        | SIGSYS          | ^try kill sleep pid SIGKILL;$ | -
pidfd_sleep           | pid        | SIGSYS          | TRY | -
process_vm_writev     | pid        | SIGSYS          | TRY | -
prctl_pdeathsig       | -          | SIGSYS          | TRY | -
prlimit_raise         | -          | SIGSYS          | TRY | -
setuid_root           | -          | SIGSYS          | TRY | -
# ---- kernel attack surface, privileges, namespaces
io_uring_setup        | -          | SIGSYS          | ^try io_uring_setup;$ | -
bpf_prog_load         | -          | SIGSYS          | ^try bpf BPF_PROG_LOAD;$ | -
userfaultfd           | -          | SIGSYS          | ^try userfaultfd;$ | -
perf_event_open       | -          | SIGSYS          | TRY | -
keyctl_join           | -          | SIGSYS          | TRY | -
setns_fd0             | -          | SIGSYS          | TRY | -
unshare_user          | -          | SIGSYS          | TRY | -
personality_rie       | -          | SIGSYS          | TRY | -
modify_ldt            | -          | SIGSYS          | TRY | -
iopl                  | -          | SIGSYS          | ^try iopl 3;$ | -
ioperm                | -          | SIGSYS          | TRY | -
reboot                | -          | SIGSYS          | TRY | -
finit_module          | -          | SIGSYS          | TRY | -
# ---- the guest's own filter and signals
prctl_seccomp         | -          | SIGSYS          | ^try prctl PR_SET_SECCOMP allow-all;$ | -
seccomp_listener      | -          | SIGSYS          | TRY | -
notif_ioctl           | -          | SIGSYS          | TRY | -
sigaction_sigsys      | -          | SIGSYS          | TRY | -
sigreturn_mask_sigsys | -          | SIGSYS          | ^try rt_sigreturn blocking SIGSYS;mask set, try open /etc/passwd;$ | -
tgkill_storm          | -          | SIGSYS          | ^try tgkill storm;$ | -
sigqueue_storm        | -          | SIGSYS          | ^try rt_sigqueueinfo storm;$ | -
int3_storm            | -          | TRAP            | ^try int3 storm;$ | -
# ---- memory: new mappings, protections, exhaustion
mmap_rwx              | -          | SIGSYS          | ^try mmap 1 MiB rwx;$ | -
mprotect_boot         | -          | SIGSYS          | TRY | -
mprotect_unmapped     | -          | SEGV            | ^try mprotect 0x40000000 rw;mprotect -12;try store at 0x40000000;$ | -
jit_wx                | -          | SIGSYS          | ^try mprotect heap rwx;$ | -
mprotect_text_write   | -          | SEGV            | ^try mprotect own code rw;mprotect -13;try store into own code;$ | prog
munmap_filetext       | -          | SIGSYS          | ^try munmap file-backed code;$ | prog
mremap_filetext       | -          | SIGSYS          | ^try mremap file-backed code;$ | prog
mprotect_rt_write     | rt         | SEGV            | ^try mprotect runtime code rw;mprotect -13;try store into runtime code;$ | zvm
memory_bomb           | -          | SEGV            | ^try touch 256 MiB from the heap;$ | -
stack_bomb            | -          | SEGV            | ^try unbounded recursion;$ | -
# ---- time
timeout_spin          | T=2        | TIMEOUT         | ^try spin forever;$ | maxtime=6
trap_storm_timeout    | T=2        | TIMEOUT         | ^try trap storm forever;$ | maxtime=6
fifo_stall            | fifo T=2   | TIMEOUT         | ^try read a silent fifo;$ | maxtime=6
# ---- trap buffers outside what the guest may write (pread) or read (pwrite)
pread_trampoline      | -          | OK              | ^try pread into the trampoline;pread -22;trampoline intact;$ | code=0
pread_text            | -          | OK              | ^try pread into own code;pread -22;code intact;$ | -
pread_rodata          | -          | OK              | ^try pread into read-only data;pread -22;rodata intact;$ | -
pread_filetext        | -          | OK              | ^try pread into file-backed code;pread -22;code intact;$ | prog
pread_manifest        | -          | OK              | ^try pread into the user manifest;pread -22;channels 3;$ | -
pread_kernel          | -          | OK              | ^try pread into a kernel address;pread -22;$ | -
pread_boot_image      | -          | OK              | ^try pread into boot data;pread -22;$ | -
pread_boot_block      | -          | OK              | ^try pread into the boot block;pread -22;$ | -
pread_hole            | -          | OK              | ^try pread into the hole at 0x20000;pread -22;$ | -
pread_wrap            | -          | OK              | ^try pread wrapping the address space;pread -22;$ | -
pread_past_memory     | -          | OK              | ^try pread past the end of memory;pread -22;$ | -
pread_straddle_end    | -          | OK              | ^try pread straddling the end of memory;pread -22;$ | -
pread_jailed          | -          | OK              | ^try pread into jailed memory;jail 0;pread -22;$ | -
pwrite_kernel         | -          | OK              | ^try pwrite from a kernel address;pwrite -22;$ | -
pwrite_boot_image     | -          | OK              | ^try pwrite from boot image;pwrite -22;$ | -
pwrite_boot_block     | -          | OK              | ^try pwrite from the boot block;pwrite -22;$ | -
pwrite_hole_span      | -          | OK              | ^try pwrite across the hole;pwrite -22;$ | -
# ---- trap argument blocks and ids
trap_args_kernel      | -          | OK              | ^try trap args at a kernel address;trap -14;$ | -
trap_args_boot_image  | -          | OK              | ^try trap args in boot data;trap -14;$ | -
trap_args_hole        | -          | OK              | ^try trap args in the hole;trap -14;$ | -
trap_args_straddle    | -          | OK              | ^try trap args straddling the end of memory;trap -14;$ | -
trap_id_unknown       | -          | OK              | ^try trap Open /etc/passwd;trap -1;$ | -
trap_id_highbits      | -          | OK              | ^try trap id with high bits;trap -1;$ | -
# ---- handles, sizes, offsets
handle_neg            | -          | OK              | ^try handle -1;result -22;$ | -
handle_count          | -          | OK              | ^try handle 3;result -22;$ | -
handle_max            | -          | OK              | ^try handle 0x7fffffff;result -22;$ | -
handle_min            | -          | OK              | ^try handle 0x80000000;result -22;$ | -
size_intmin           | -          | OK              | ^try pread size INT32_MIN;pread -14;$ | -
size_huge             | -          | OK              | ^try pread size INT32_MAX into the heap;pread -22;$ | -
offset_neg            | -          | OK              | ^try pread offset -1;pread 1;$ | -
offset_max_read       | rin        | OK              | ^try pread at INT64_MAX;pread -14;$ | -
offset_overflow_read  | rin        | OK              | ^try pread at INT64_MAX - 8, size 16;pread -14;$ | -
offset_max_write      | rout=9223372036854775807 P | OK | ^try pwrite at INT64_MAX;pwrite -22;$ | rout=0
offset_overflow_write | rout=9223372036854775807 P | DQUOT | ^try pwrite at INT64_MAX - 8, size 16;$ | rout=0
# ---- quotas
quota_read_byte       | in=100,10  | OK              | ^try read get_size \+ 1 bytes;pread 10;pread -122;0123456789;$ | -
quota_write_byte      | out=100,10 | OK              | ^try write put_size \+ 1 bytes;pwrite 10;pwrite -122;$ | out=10
quota_gets            | in=2,100   | OK              | ^try gets \+ 1 reads;pread 1;pread 1;pread -122;$ | -
quota_puts            | out=2,100  | OK              | ^try puts \+ 1 writes;pwrite 1;pwrite 1;pwrite -122;$ | out=2
output_flood          | out=1000000,1000003 | OK     | ^try flood /dev/out;total 1000003;then -122;$ | out=1000003
write_stdin           | -          | OK              | ^try pwrite to stdin;pwrite -122;$ | -
read_stdout           | -          | OK              | ^try pread from stdout;pread -122;$ | -
manifest_tamper       | out=100,10 | OK              | ^try tamper with the user manifest;mprotect 0;pwrite 10;pwrite -122;handle 10 -22;$ | out=10
# ---- jail and unjail of memory that is not heap
jail_stack            | -          | OK              | ^try jail the stack;jail -22;$ | -
jail_data             | -          | OK              | ^try jail \.bss;jail -22;$ | -
jail_past_heap        | -          | OK              | ^try jail heap, INT32_MAX;jail -22;$ | -
unjail_text           | -          | OK              | ^try unjail \.text;unjail -22;$ | -
unjail_trampoline     | -          | OK              | ^try unjail the trampoline;unjail -22;$ | -
jail_size_highbits    | -          | OK              | ^try jail with size 0x100010000;trap 0;$ | code=0
# ---- the exit trap without the exit
exit_trap_continue    | -          | OK              | ^try exit trap without exiting;$ | code=0
EOF
)

# ------------------------------------------------------------------ helpers
# (The loop below runs once per attack: it avoids forks where bash can do
# the work itself, so that the suite stays fast on a loaded machine.)
say_ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
say_bad() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }
# strip VAR...: remove leading and trailing white space in place.
strip() {
	local -n s_
	for s_; do
		s_=${s_#"${s_%%[![:space:]]*}"}
		s_=${s_%"${s_##*[![:space:]]}"}
	done
}
now_ms() { NOW=$((${EPOCHREALTIME/[.,]/} / 1000)); }
# slurp VAR FILE: the whole file into VAR ("" if missing).
slurp() {
	local -n v_=$1
	v_=""
	# shellcheck disable=SC2034 # v_ is a nameref: this sets the caller's variable
	[ -f "$2" ] && IFS= read -r -d '' v_ <"$2"
	return 0
}

# state_re KEYWORD: sets STATE_RE to the regex for report line 6.
state_re() {
	case $1 in
	OK) STATE_RE='^ok$' ;;
	SIGSYS) STATE_RE='^Signal 31 from untrusted code: Bad system call$' ;;
	SEGV) STATE_RE='^Signal 11 from untrusted code: Segmentation fault$' ;;
	ILL) STATE_RE='^Signal 4 from untrusted code: Illegal instruction$' ;;
	TRAP) STATE_RE='^Signal 5 from untrusted code: Trace/breakpoint trap$' ;;
	TIMEOUT) STATE_RE='^session timeout$' ;;
	DQUOT) STATE_RE='^disk quota exceeded$' ;;
	*) STATE_RE="^unknown state keyword $1\$" ;;
	esac
}

# What must never change: the canary directory (names, types, sizes, modes,
# mtimes, ctimes, contents), /etc/passwd, and the set of
# /tmp/zvm-attack-target* names.
snapshot() {
	find "$CANARY" /etc/passwd -printf '%p|%y|%s|%m|%T@|%C@\n' \( -type f -exec sha1sum {} + \) 2>&1
	printf '%s\n' /tmp/zvm-attack-target*
}

# The canary directory has a fixed name (attacks use real paths), so one run
# at a time owns it: it is created complete with .owner (our pid) and renamed
# into place, which fails while another run holds it. A directory whose
# owner is gone is stale and replaced.
acquire_canary() {
	local owner
	for _ in $(seq 600); do
		mkdir -p "$T/canary" && echo $$ >"$T/canary/.owner"
		mv -T "$T/canary" "$CANARY" 2>/dev/null && return 0
		owner=$(cat "$CANARY/.owner" 2>/dev/null)
		if [ -z "$owner" ] || ! kill -0 "$owner" 2>/dev/null; then
			rm -rf "$CANARY"
			continue
		fi
		sleep 0.2
	done
	return 1
}

make_canary() {
	find "$CANARY" -mindepth 1 ! -name .owner -exec rm -rf {} +
	mkdir -p "$CANARY/sub"
	printf 'canary one: must stay as it is\n' >"$CANARY/canary1"
	printf 'TOP-SECRET-CANARY-7f3a\n' >"$CANARY/secret"
	printf 'deep canary\n' >"$CANARY/sub/file"
	chmod 644 "$CANARY/canary1" "$CANARY/sub/file"
	chmod 600 "$CANARY/secret"
	touch -d '2001-02-03 04:05:06' "$CANARY/canary1" "$CANARY/secret" "$CANARY/sub/file" "$CANARY/.owner" \
		"$CANARY/sub" "$CANARY"
}

start_sleep() {
	sleep 300 &
	SLEEP=$!
	disown "$SLEEP" # no "Killed" notice from bash if an attack got it
	BG+=("$SLEEP")
}
# Still our sleep, and not a zombie.
sleep_alive() {
	local st
	{ read -r st <"/proc/$SLEEP/stat"; } 2>/dev/null || return 1
	[[ "$st" == *"(sleep) "[!ZX]* ]]
}

# ------------------------------------------------------------------ set up
if ! gcc -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -o "$OUTD/harness" "$SRC/host/harness.c" 2>"$T/harness.err"; then
	say_bad "harness: the host helper does not build"
	sed 's/^/#   ! /' "$T/harness.err" | head -n 10
	echo "$PASS passed, $FAIL failed"
	exit 1
fi
HARNESS=$OUTD/harness

# The rows of the table, fields stripped.
ROWS=()
NAMES=()
while IFS= read -r row; do
	strip row
	[[ -z "$row" || "$row" == \#* ]] && continue
	ROWS+=("$row")
	name=${row%%|*}
	strip name
	NAMES+=("$name")
done <<<"$TABLE"

# Build every attack of the table, three compilers at a time, before any
# background process is started (the final wait waits for all children).
# A binary newer than its source, attack.h, the zvm headers and this
# script is up to date and kept.
build_one() {
	(cd "$ROOT" && gcc -std=c17 -Wall -Wextra -O2 -ffreestanding -fno-stack-protector -fno-builtin -fno-pie -no-pie \
		-static -nostdlib -fcf-protection=none -Iinclude -o "$OUTD/$1" "tests/security/attacks/$1.c" lib/zvm_mem.c) \
		>"$T/build-$1.log" 2>&1
}
up_to_date() {
	local dep
	[ -x "$OUTD/$1" ] || return 1
	for dep in "$SRC/$1.c" "$SRC/attack.h" "$ROOT/include/zvm.h" "$ROOT/include/zvm_start.h" "$ROOT/lib/zvm_mem.c" "$0"; do
		[ "$OUTD/$1" -nt "$dep" ] || return 1
	done
}
running=0
built=0
for n in "${NAMES[@]}"; do
	up_to_date "$n" && continue
	rm -f "$OUTD/$n"
	build_one "$n" &
	built=$((built + 1))
	running=$((running + 1))
	if [ $running -ge 3 ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
for n in "${NAMES[@]}"; do
	if [ -s "$T/build-$n.log" ]; then
		echo "# $n: compiler output:"
		sed 's/^/#   /' "$T/build-$n.log" | head -n 5
	fi
done
now_ms
echo "# ${#NAMES[@]} attacks, $built compiled, $((NOW - START)) ms"

# Files in attacks/ that the table forgot are an error too.
for f in "$SRC"/*.c; do
	n=$(basename "$f" .c)
	[[ " ${NAMES[*]} " == *" $n "* ]] || say_bad "$n: attacks/$n.c has no row in the table"
done

if ! acquire_canary; then
	say_bad "setup: $CANARY is held by another run (pid $(cat "$CANARY/.owner" 2>/dev/null))"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi
make_canary
BEFORE=$(snapshot)
start_sleep

mkdir -p "$T/net"
"$HARNESS" listen "$T/net" 2>"$T/net/err" &
BG+=("$!")
for _ in $(seq 100); do [ -s "$T/net/port" ] && break; sleep 0.02; done
PORT=$(cat "$T/net/port" 2>/dev/null)
NET_SKIP=""
if [ -z "$PORT" ]; then
	PORT=9
	NET_SKIP=" # SKIP network check: no listener on 127.0.0.1 ($(head -c 200 "$T/net/err"))"
fi

# ------------------------------------------------------------------ one attack
STDIN_TEXT=$'stdin canary: must stay as it is\n'
run_attack() {
	local name=$1 extras=$2 states=$3 outre=$4 checks=$5
	local timeout=5 lines=() opts=() raw=(-Z) holder="" why=() e k v R=$T/run-$1
	[ "$outre" == TRY ] && outre='^try [^;]*;$'
	mkdir "$R"
	printf '%s' "$STDIN_TEXT" >"$R/stdin"
	local prog_sum="" zvm_sum=""
	if [[ " $checks " == *" prog "* ]]; then
		prog_sum=$(sha1sum <"$OUTD/$name")
		opts+=(-v 2)
	fi
	if [[ " $checks " == *" zvm "* ]]; then
		zvm_sum=$(sha1sum <"$ZVM")
		opts+=(-v 2)
	fi
	: >"$T/net/conn"
	for e in $extras; do
		k=${e%%=*}
		v=${e#*=}
		case $k in
		-) ;;
		T) timeout=$v ;;
		P) opts+=(-P) ;;
		rt) raw=() ;;
		in)
			printf '01234567890123456789' >"$R/in"
			lines+=("Channel = $R/in, /dev/in, 0, 0, ${v%,*}, ${v#*,}, 0, 0")
			;;
		rin)
			printf 'abcdefghij' >"$R/rin"
			lines+=("Channel = $R/rin, /dev/rin, 1, 0, 100, 1000, 0, 0")
			;;
		out) lines+=("Channel = $R/out, /dev/out, 0, 0, 0, 0, ${v%,*}, ${v#*,}") ;;
		rout) lines+=("Channel = $R/rout, /dev/rout, 2, 0, 0, 0, 100, $([ "$v" == rout ] && echo 1000 || echo "$v")") ;;
		pid)
			echo "$SLEEP" >"$R/pid"
			lines+=("Channel = $R/pid, /dev/pid, 0, 0, 10, 100, 0, 0")
			;;
		port)
			echo "$PORT" >"$R/port"
			lines+=("Channel = $R/port, /dev/port, 0, 0, 10, 100, 0, 0")
			;;
		fifo)
			mkfifo "$R/fifo"
			sleep 30 3>"$R/fifo" &
			holder=$!
			BG+=("$holder")
			lines+=("Channel = $R/fifo, /dev/fifo, 0, 0, 10, 100000, 0, 0")
			;;
		*) why+=("unknown extra $e") ;;
		esac
	done
	{
		echo "Version = 20130611"
		echo "Program = $OUTD/$name"
		echo "Memory = 33554432, 0"
		echo "Timeout = $timeout"
		echo "Channel = $R/stdin, /dev/stdin, 0, 0, 100, 10000, 0, 0"
		echo "Channel = $R/stdout, /dev/stdout, 0, 0, 0, 0, 1000, 1048576"
		echo "Channel = $R/stderr, /dev/stderr, 0, 0, 0, 0, 100, 65536"
		for e in "${lines[@]}"; do echo "$e"; done
	} >"$R/manifest"

	local t0 ms
	now_ms
	t0=$NOW
	"$HARNESS" run "$R/result" "$R/report" "$R/zerr" $((timeout + 15)) -- "$ZVM" "${raw[@]}" "$R/manifest" "${opts[@]}"
	now_ms
	ms=$((NOW - t0))
	if [ -n "$holder" ]; then
		kill -9 "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
	fi

	# (a) failed inside, supervisor healthy
	local rc="" leftover="" hung="" sandbox="" report=() olines=() out="" err="" state code rest
	if [ -f "$R/result" ]; then
		while read -r k rest; do
			case $k in
			rc) rc=$rest ;;
			sandbox) sandbox=$rest ;;
			leftover) leftover=$rest ;;
			hung) hung=$rest ;;
			esac
		done <"$R/result"
	else
		why+=("the harness wrote no result")
	fi
	[ -f "$R/report" ] && mapfile -t report <"$R/report"
	state=${report[5]:-}
	code=${report[2]:-}
	[ -f "$R/stdout" ] && mapfile -t olines <"$R/stdout"
	[ ${#olines[@]} -gt 0 ] && printf -v out '%s;' "${olines[@]}"
	local matched="" want_rc="" s alts
	IFS=/ read -ra alts <<<"$states"
	for s in "${alts[@]}"; do
		state_re "$s"
		if [[ "$state" =~ $STATE_RE ]]; then
			matched=$s
			[ "$s" == OK ] && want_rc=0 || want_rc=4
		fi
	done
	[ "$hung" == 1 ] && why+=("zerovm hung: killed after $((timeout + 15)) s")
	if [ "${#report[@]}" -ne 6 ]; then
		why+=("report has ${#report[@]} lines, not 6")
	elif [ "${report[1]}" != 0 ] || ! [[ "${report[4]}" =~ ^[0-9]+\.[0-9]{2}\ [0-9]+\.[0-9]{2}(\ [0-9]+){8}$ ]]; then
		why+=("malformed report")
	fi
	if [ -z "$matched" ]; then
		why+=("state [$state], want $states")
	elif [ "$rc" != "$want_rc" ]; then
		why+=("exit code $rc, want $want_rc")
	fi
	[[ "$out" =~ $outre ]] || why+=("guest output [${out:0:300}] does not match /$outre/")

	# (b) host untouched
	local after
	after=$(snapshot)
	if [ "$after" != "$BEFORE" ]; then
		why+=("HOST CHANGED: canary directory, /etc/passwd or /tmp/zvm-attack-target*: $(diff <(echo "$BEFORE") <(echo "$after") | grep '^[<>]' | head -n 4 | tr '\n' ' ')")
		make_canary
		BEFORE=$(snapshot)
	fi
	if [ -z "$NET_SKIP" ] && [ -s "$T/net/conn" ]; then
		why+=("HOST TOUCHED: the listener on 127.0.0.1:$PORT got $(sort "$T/net/conn" | uniq -c | tr -s ' \n' ' ')")
	fi
	[ -n "$leftover" ] && why+=("PROCESS LEFT BEHIND after zerovm ended: pid $leftover")
	if ! sleep_alive; then
		why+=("HOST TOUCHED: the runner's sleep (pid $SLEEP) was killed")
		start_sleep
	fi
	slurp s "$R/stdin"
	[ "$s" == "$STDIN_TEXT" ] || why+=("HOST TOUCHED: the stdin file changed")
	slurp err "$R/stderr"
	case ";$out$err" in
	*";root:"* | *TOP-SECRET-CANARY* | *"canary one"* | *"deep canary"*)
		why+=("LEAK: host file content in the guest's output") ;;
	esac
	for e in $checks; do
		k=${e%%=*}
		v=${e#*=}
		case $k in
		-) ;;
		out | rout)
			local sz=missing
			[ -f "$R/$k" ] && sz=$(stat -c %s "$R/$k")
			[ "$sz" == "$v" ] || why+=("/dev/$k holds $sz bytes, want $v")
			;;
		code) [ "$code" == "$v" ] || why+=("user return code [$code], want $v") ;;
		maxtime) [ "$ms" -le $((v * 1000)) ] || why+=("took ${ms} ms, more than $v s") ;;
		prog)
			[ "$(sha1sum <"$OUTD/$name")" == "$prog_sum" ] || why+=("HOST CHANGED: the program's file")
			grep -Eq '^zerovm: program: [1-9][0-9]* bytes mapped from its file' "$R/zerr" ||
				why+=("no page of the program was mapped from its file: $(grep '^zerovm: program:' "$R/zerr")")
			;;
		zvm)
			[ "$(sha1sum <"$ZVM")" == "$zvm_sum" ] || why+=("HOST CHANGED: zerovm's own file")
			grep -Eq "^zerovm: runtime: [1-9][0-9]* bytes of code mapped from zerovm's file$" "$R/zerr" ||
				why+=("the runtime's code was not mapped from zerovm's file: $(grep '^zerovm: runtime:' "$R/zerr")")
			;;
		*) why+=("unknown check $e") ;;
		esac
	done

	if [ ${#why[@]} -eq 0 ]; then
		say_ok "$name: ${state:-?}, output as expected, host untouched (${sandbox:+sandbox pid $sandbox gone, }${ms} ms)$NET_SKIP"
	else
		local w
		say_bad "$name: ${why[0]}"
		for w in "${why[@]:1}"; do echo "#   $w"; done
		local rep=""
		[ ${#report[@]} -gt 0 ] && printf -v rep '%s | ' "${report[@]}"
		echo "#   report: ${rep}exit code $rc"
		echo "#   guest stdout: ${out:0:300}"
		[ -s "$R/zerr" ] && sed 's/^/#   zerovm stderr: /' "$R/zerr" | head -n 3
	fi
}

# ------------------------------------------------------------------ run them
for row in "${ROWS[@]}"; do
	IFS='|' read -r name extras states outre checks <<<"$row"
	strip name extras states outre checks
	if [ ! -x "$OUTD/$name" ]; then
		say_bad "$name: does not build"
		sed 's/^/#   ! /' "$T/build-$name.log" 2>/dev/null | head -n 5
		continue
	fi
	run_attack "$name" "$extras" "$states" "$outre" "$checks"
done

# Nothing left once all have run: no zerovm of ours still running.
if pgrep -f "^$ZVM (-Z )?$T/" >/dev/null 2>&1; then
	say_bad "cleanup: a zerovm session of this run is still running"
fi

now_ms
echo "# $((NOW - START)) ms"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
