#!/usr/bin/env bash
# tree.sh [ROOT] - the house rules that hold for the whole tree (HACKING.md):
#
#   - every C source and header is as clang-format and .clang-format
#     write it (`make format` applies it);
#   - no source file is over 1,000 lines (a file that long wants splitting);
#   - no "..." include leaves its own top-level folder: what two trust
#     domains share lives in abi/, untrusted/, include/ or lib/ and is
#     reached through the include path, never through ../ (within a domain,
#     ../ between its own subfolders is fine).
#
# Then it checks itself: a copy of one file with one violation each must be
# refused. Prints "ok - ..." / "not ok - ..." and "N passed, N failed".
set -u
ROOT=$(cd "${1:-$(dirname "$0")/..}" && pwd)
cd "$ROOT" || exit 1
pass=0 fail=0 skip=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
T=$(mktemp -d /tmp/zvm-tree.XXXXXX)
trap 'rm -rf "$T"' EXIT
MAX_LINES=1000

sources() { git ls-files '*.c' '*.h' '*.S' '*.sh' '*.py' 2>/dev/null || find . -name '*.[chS]' -o -name '*.sh'; }
c_sources() { git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]'; }

# unformatted FILE...: the files clang-format would change
unformatted() {
	local f
	for f in "$@"; do
		clang-format --style="file:$ROOT/.clang-format" "$f" | cmp -s - "$f" || echo "$f"
	done
}

# too_long FILE...: files over MAX_LINES lines
too_long() {
	local f n
	for f in "$@"; do
		n=$(wc -l <"$f")
		[ "$n" -le "$MAX_LINES" ] || echo "$f ($n lines)"
	done
}

# crossing FILE...: "..." includes that climb out of the file's top folder
crossing() {
	local f top inc dir path
	for f in "$@"; do
		top=${f%%/*}
		dir=$(dirname "$f")
		while IFS= read -r inc; do
			case $inc in ../*) ;; *) continue ;; esac
			path=$(realpath -m --relative-to="$ROOT" "$dir/$inc")
			[ "${path%%/*}" = "$top" ] || echo "$f: #include \"$inc\" reaches $path"
		done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
	done
}

mapfile -t C < <(c_sources)
mapfile -t ALL < <(sources)

if command -v clang-format >/dev/null; then
	u=$(unformatted "${C[@]}")
	if [ -z "$u" ]; then ok "every C file is formatted (${#C[@]} files; make format)"; else
		bad "files differ from clang-format (run make format):"
		sed 's/^/#   /' <<<"$u"
	fi
else
	echo "ok - formatting # SKIP clang-format is not installed"
	skip=$((skip + 1))
fi
l=$(too_long "${ALL[@]}")
if [ -z "$l" ]; then ok "no source file is over $MAX_LINES lines (${#ALL[@]} files)"; else
	bad "files over $MAX_LINES lines:"
	sed 's/^/#   /' <<<"$l"
fi
x=$(crossing "${C[@]}")
if [ -z "$x" ]; then ok "no include climbs out of its trust domain with ../"; else
	bad "includes that cross trust domains through ../ (use the include path):"
	sed 's/^/#   /' <<<"$x"
fi

# The checks refuse what they must.
mkdir -p "$T/src"
printf 'int  f( void ){return 0;}\n' >"$T/src/ugly.c"
if command -v clang-format >/dev/null; then
	if [ -n "$(unformatted "$T/src/ugly.c")" ]; then ok "refuses an unformatted file"; else bad "accepts an unformatted file"; fi
fi
seq 1 $((MAX_LINES + 1)) >"$T/src/long.c"
if [ -n "$(too_long "$T/src/long.c")" ]; then ok "refuses a file of $((MAX_LINES + 1)) lines"; else bad "accepts a file too long"; fi
mkdir -p src/.tree-check && printf '#include "../../zrt/zrt.h"\n#include "../guest.h"\n' >src/.tree-check/x.c
if [ "$(crossing src/.tree-check/x.c | wc -l)" -eq 1 ]; then ok "refuses an include of another domain through ../, not one within its own"; else
	bad "crossing includes are not told apart"
fi
rm -rf src/.tree-check

if [ "$skip" -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
