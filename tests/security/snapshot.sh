#!/usr/bin/env bash
# Attacks through a snapshot file (docs/security.md, "Snapshots"): whoever
# can write a snapshot can put any bytes in the guest's memory, but gets
# no more than a cold start of a program would. The supervisor refuses a
# resume point outside executable guest memory (the zero page, past the
# end, a data page), a stack outside writable memory, regions over the boot
# block, past the end (also at offsets that wrap a naive bounds check),
# writable and executable at once, or a changed trampoline page, and data
# over the boot block or past the end; a resumed sandbox runs
# under the same filter as a cold one (forged code that makes a system
# call is killed by it).
#
#   tests/security/snapshot.sh ZEROVM GUEST_DIR
set -u
ZVM=$(readlink -f "$1")
G=$(readlink -f "$2")
FORGE=$(dirname "$(readlink -f "$0")")/snapforge.py
T=$(mktemp -d /tmp/zvm-snapsec.XXXXXX)
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $1"; echo "#   $2"; tail -n 3 "$T/out" | sed 's/^/#   | /'; }

head -c 3000 /dev/urandom >"$T/table"
printf 'input\n' >"$T/in"
cat >"$T/m" <<EOM
Version = 20130611
Program = $G/forky
Memory = 33554432, 0
Timeout = 5
Channel = $T/in, /dev/stdin, 0, 0, 100000, 100000, 0, 0
Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100000, 10000000
Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 1000, 100000
Channel = $T/table, /dev/table, 1, 0, 100, 1000000, 0, 0
EOM
"$ZVM" -Z --snapshot "$T/snap" "$T/m" >/dev/null 2>&1 || { echo "not ok - no snapshot"; exit 1; }
"$ZVM" -Z --resume "$T/snap" "$T/m" >"$T/out" 2>&1
[ "$(tail -n 1 "$T/out")" = ok ] && ok "the untouched snapshot resumes" || bad "untouched" "not ok"

# forged NAME REGEX FIELD=VALUE...: refused with exit 14 before anything ran
forged() {
	local name=$1 re=$2
	shift 2
	"$FORGE" "$T/snap" "$T/f" "$@" || { bad "$name" "forge failed"; return; }
	local code
	code=$("$ZVM" -Z --resume "$T/f" "$T/m" >"$T/out" 2>/dev/null; echo $?)
	local last
	last=$(tail -n 1 "$T/out")
	if [ "$code" = 14 ] && [ "$(wc -l <"$T/out")" = 6 ] && [[ "$last" =~ $re ]]; then
		ok "refused: $name"
	else
		bad "refused: $name" "exit $code, [$last]"
	fi
}
forged "resume entry in the zero page" "the resume entry" entry=0x10
forged "resume entry past guest memory" "the resume entry" entry=0x2001000
forged "resume entry in the boot block" "the resume entry" entry=0x1000
forged "resume entry on the stack (not executable)" "the resume entry" entry=0x1fff000
forged "resume stack in the trampoline (read-only)" "the resume stack" sp=0x10800
forged "resume stack past guest memory" "the resume stack" sp=0x4000000
forged "a region over the boot block" "a memory region" region0.addr=0
forged "the trampoline made writable" "a memory region" region0.prot=7
forged "a region writable and executable" "a memory region" region1.prot=7
forged "a region past guest memory" "a memory region" region1.len=0x4000000
forged "data over the boot block" "an extent" ext0.off=0
forged "data far past guest memory (an offset that wraps a naive bounds check)" "an extent" extlast.off=0x4000000000000000
forged "a last region starting far past guest memory" "a memory region" regionlast.addr=0x4000000000000000

# The program's file-backed ranges (docs/memory.md): the probe guest has a
# page of code mapped from its file, which its snapshot names instead of
# holding. A forged range must be refused before anything is mapped.
printf 'f\nx 0\n' >"$T/pin"
sed -e "s#$G/forky#$G/probe#" -e "s#$T/in,#$T/pin,#" "$T/m" >"$T/pm"
if "$ZVM" -Z --snapshot "$T/psnap" "$T/pm" >/dev/null 2>&1; then
	"$ZVM" -Z --resume "$T/psnap" "$T/pm" >"$T/out" 2>&1
	[ "$(tail -n 1 "$T/out")" = ok ] && ok "a snapshot naming a file-backed range resumes" || bad "probe resume" "not ok"
	pforged() {
		local name=$1 re=$2 want=${3:-14}
		shift 3
		"$FORGE" "$T/psnap" "$T/f" "$@" || { bad "$name" "forge failed"; return; }
		local code last
		code=$("$ZVM" -Z --resume "$T/f" "$T/pm" >"$T/out" 2>"$T/err"; echo $?)
		last=$(tail -n 1 "$T/out")
		if [ "$code" = "$want" ] && [ "$(wc -l <"$T/out")" = 6 ] && [[ "$last" =~ $re ]]; then
			ok "refused: $name"
		else
			bad "refused: $name" "exit $code, [$last]"
		fi
	}
	pforged "a file-backed range made writable" "a file-backed range" 14 fmap0.prot=3
	pforged "a file-backed range over the stack" "a file-backed range" 14 fmap0.addr=0x1fff000
	pforged "a file-backed range over the boot block" "a file-backed range" 14 fmap0.addr=0
	pforged "a file-backed range past guest memory (wrapping)" "a file-backed range" 14 fmap0.len=0xfffffffffffff000
	pforged "a file-backed range not page aligned in the file" "a file-backed range" 14 fmap0.off=0x1001
	pforged "a file-backed range under the snapshot's data" "a file-backed range" 14 fmap0.addr=0x400000
	pforged "a file-backed range past the program file's end" "is not the snapshot's" 14 fmap0.off=0x100000
else
	bad "probe snapshot" "zerovm --snapshot of the probe failed"
fi

# Forged code: the resume entry on a system call instruction of the
# program's text (boot enters with rax 0: read): the copy must die by the
# filter, as a cold program making that call would.
sc=$(objdump -d "$G/forky" | awk '/\tsyscall/ { sub(":", "", $1); print "0x" $1; exit }')
"$FORGE" "$T/snap" "$T/f" entry="$sc" || bad "forge" "failed"
code=$("$ZVM" -Z --resume "$T/f" "$T/m" >"$T/out" 2>/dev/null; echo $?)
last=$(tail -n 1 "$T/out")
if [ -n "$sc" ] && [ "$code" = 4 ] && [[ "$last" =~ "Signal 31" ]]; then
	ok "a forged resume point in a resumed sandbox is stopped by the filter ($last)"
else
	bad "forged resume point at $sc" "exit $code, [$last]"
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
