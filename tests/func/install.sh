#!/usr/bin/env bash
# install.sh - make install into a temporary DESTDIR, then use only what was
# installed: the programs (zvsh finds the zerovm beside it), man pages that
# `man` reads, the headers and libzvm.a (a raw program built against them
# runs), the docs; make uninstall removes all of it. Run from the top of the
# tree after `make all` (make install-test).
set -u
T=$(mktemp -d /tmp/zvm-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $1"; echo "#   $2"; }
check() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got [$2] want [$3]"; fi; }

D=$T/dest
P=/opt/zv
if ! make --no-print-directory install DESTDIR="$D" PREFIX=$P >"$T/log" 2>&1; then
	bad "make install DESTDIR=... PREFIX=$P" "$(tail -n 5 "$T/log")"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi
ok "make install DESTDIR=... PREFIX=$P"
B=$D$P/bin

check "programs installed, executable" "$(cd "$B" && ls -1 | tr '\n' ' ')" "zerovm zvjob zvns zvsh "
# zvsh finds the installed zerovm beside itself, not the build's.
got=$(env -u ZEROVM PATH=/usr/bin:/bin "$B/zvsh" busybox echo installed 2>&1)
check "the installed zvsh runs a program with the installed zerovm" "$got" "installed"
check "the installed zerovm --version" "$("$B/zerovm" --version | cut -d' ' -f1)" "zerovm"

# Man pages: every docs/*.1.md, readable by man (NAME section first).
want=$(cd docs && ls -1 *.1.md | sed 's/\.md$//' | tr '\n' ' ')
check "a man page per docs/*.1.md" "$(cd "$D$P/share/man/man1" && ls -1 | tr '\n' ' ')" "$want"
for page in $want; do
	name=${page%.1}
	# (stderr: groff's "cannot adjust line" warnings for wide tables)
	out=$(MANPATH=$D$P/share/man MANWIDTH=80 man -P cat "$name" 2>/dev/null)
	sec=$(printf '%s\n' "$out" | sed -n '2,4p' | tr -s ' ' | grep -c '^NAME$')
	check "man $name: formatted, NAME first, title $name(1)" \
		"$sec $(printf '%s\n' "$out" | head -n 1 | awk '{print $1}')" "1 $name(1)"
done
check "man zvsh: its options are there (--image, --report)" \
	"$(MANPATH=$D$P/share/man MANWIDTH=80 man -P cat zvsh 2>/dev/null | grep -c -E -- '^ +--(image|report)')" 2

# A raw program built against the installed header and library.
cc -std=c17 -O2 -ffreestanding -fno-stack-protector -fno-builtin -fno-pie -no-pie -static -nostdlib \
	-fcf-protection=none -I"$D$P/include/zerovm" -o "$T/hello" tests/guests/hello.c -L"$D$P/lib" -lzvm \
	2>"$T/cc.err"
check "a raw program compiles against the installed zvm_start.h and libzvm.a" "$? $(wc -c <"$T/cc.err")" "0 0"
cat >"$T/m" <<M
Version = 20130611
Program = $T/hello
Memory = 33554432, 0
Timeout = 5
Channel = /dev/stdin, /dev/stdin, 0, 0, 1, 1, 0, 0
Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100, 1000
Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 1, 1
M
check "...and runs under the installed zerovm" "$("$B/zerovm" "$T/m" </dev/null | sed -n 1p)" "hello, world"
check "the docs installed beside" "$(ls "$D$P/share/doc/zerovm" | grep -c -E '^(README|manifest|report)\.md$')" 3

make --no-print-directory uninstall DESTDIR="$D" PREFIX=$P >"$T/log" 2>&1
check "make uninstall removes every file it installed" "$(find "$D" -type f | wc -l)" 0

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
