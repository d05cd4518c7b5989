#!/bin/bash
# syscalls-doc.sh [ROOT] - docs/zrt.md's list of calls is the table's.
#
# The system-call table (zrt/syscall.c: one CALL or RET row per call,
# keyed by the kernel's __NR_* name) and the "Every system call" table of
# docs/zrt.md must name the same calls: the doc's first column, its
# `backticked` lower-case names, with `io_uring_*` and `*xattr` read as
# globs over the table's names (each must match one at least). A call in
# the table that the doc does not name, or one the doc names that the
# table does not have, fails.
#
# Then the check checks itself: a doc without a row's call, and a doc
# naming a call the table lacks, must be refused.
#
# Prints "ok - ..." or "not ok - ..." and "N passed, M failed".
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "${1:-$HERE/../..}" && pwd)
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }

# table_calls SYSCALL_C: the table's names, one a line, sorted
table_calls() {
	sed -nE 's/^[[:space:]]*(CALL|RET)\(([a-z0-9_]+),.*/\2/p' "$1" | sort -u
}

# doc_names ZRT_MD: the names (and globs) of the first column of the
# "Every system call" table, one a line, sorted
doc_names() {
	awk '/^## Every system call/ { on = 1; next } /^## / { on = 0 } on && /^\| `/' "$1" |
		awk -F'|' '{ print $2 }' | grep -oE '`[a-z0-9_*]+`' | tr -d '`' | sort -u
}

# compare SYSCALL_C ZRT_MD: prints one line per disagreement
compare() {
	local calls names n glob hit
	calls=$(table_calls "$1")
	names=$(doc_names "$2")
	if [ "$(wc -l <<<"$calls")" -lt 100 ]; then
		echo "the table of $1 has too few rows to be read ($(wc -l <<<"$calls"))"
		return
	fi
	local -A named=()
	while IFS= read -r glob; do
		[ -n "$glob" ] || continue
		hit=0
		while IFS= read -r n; do
			# shellcheck disable=SC2053
			if [[ $n == $glob ]]; then
				named[$n]=1
				hit=1
			fi
		done <<<"$calls"
		[ "$hit" -eq 1 ] || echo "docs/zrt.md names \`$glob\`, which the table does not have"
	done <<<"$names"
	while IFS= read -r n; do
		[ -n "${named[$n]:-}" ] || echo "the table has $n, which docs/zrt.md does not name"
	done <<<"$calls"
}

problems=$(compare "$ROOT/zrt/syscall.c" "$ROOT/docs/zrt.md")
ncalls=$(table_calls "$ROOT/zrt/syscall.c" | wc -l)
if [ -z "$problems" ]; then
	ok "docs/zrt.md names the $ncalls calls of zrt/syscall.c's table, and no other"
else
	bad "docs/zrt.md and zrt/syscall.c's table disagree"
	sed 's/^/#   /' <<<"$problems"
fi

T=$(mktemp -d /tmp/zrt-doc.XXXXXX)
trap 'rm -rf "$T"' EXIT
sed 's/`getpid` //' "$ROOT/docs/zrt.md" >"$T/missing.md"
if [ -n "$(compare "$ROOT/zrt/syscall.c" "$T/missing.md")" ]; then
	ok "refuses a doc that leaves out a call of the table"
else
	bad "does not refuse a doc that leaves out getpid"
fi
sed 's/`getpid` /`getpid` `vhangup` /' "$ROOT/docs/zrt.md" >"$T/extra.md"
if [ -n "$(compare "$ROOT/zrt/syscall.c" "$T/extra.md")" ]; then
	ok "refuses a doc that names a call the table does not have"
else
	bad "does not refuse a doc that names vhangup"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
