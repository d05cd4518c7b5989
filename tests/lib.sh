# lib.sh - what the shell tests share (HACKING.md, "The tests"). Sourced,
# never run, after `set -u`:
#
#   . "$(dirname "$0")/../lib.sh"
#   tmpdir zvm-name        # T=/tmp/zvm-name.XXXXXX, removed at exit
#   check "what is tested" "$got" "$want"
#   finish                 # the last line; its status is the script's
#
# ok NAME           "ok - NAME", one more passed
# skip NAME WHY     "ok - NAME # SKIP WHY", one more skipped
# bad NAME LINE...  "not ok - NAME", then "#   LINE" for each LINE, then
#                   bad_context if the script defines it (the tails of
#                   its $OUT and $ERR, say); one more failed
# check NAME GOT WANT     ok if GOT is WANT, else bad with
#                   "got [GOT] want [WANT]" (on two lines, "got  [GOT]"
#                   and "want [WANT]", if CHECK_TWO_LINES is set)
# check_re NAME GOT RE    ok if GOT matches the regex RE, else bad with
#                   "got [GOT] want /RE/"
# alive PID...      how many of them still run (zombies do not count)
# tmpdir PREFIX     T, a new directory; at exit cleanup runs if the
#                   script defines it (to stop its servers), then T goes
# finish            "N passed, N failed", with ", N skipped" once skip
#                   has run or the script has set SKIP=0 itself; returns 1
#                   if any failed. make check adds these lines up.
PASS=0
FAIL=0
unset SKIP
ok() {
	PASS=$((PASS + 1))
	echo "ok - $1"
}
skip() {
	SKIP=$((${SKIP:-0} + 1))
	echo "ok - $1 # SKIP $2"
}
bad() {
	FAIL=$((FAIL + 1))
	echo "not ok - $1"
	shift
	[ $# -eq 0 ] || printf '#   %s\n' "$@"
	if declare -F bad_context >/dev/null; then bad_context; fi
}
check() {
	if [ "$2" == "$3" ]; then
		ok "$1"
	elif [ -n "${CHECK_TWO_LINES:-}" ]; then
		bad "$1" "got  [$2]" "want [$3]"
	else
		bad "$1" "got [$2] want [$3]"
	fi
}
check_re() {
	if [[ "$2" =~ $3 ]]; then
		ok "$1"
	else
		bad "$1" "got [$2] want /$3/"
	fi
}
finish() {
	echo "$PASS passed, $FAIL failed${SKIP+, $SKIP skipped}"
	[ "$FAIL" -eq 0 ]
}
alive() {
	local p n=0
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] && n=$((n + 1))
	done
	echo $n
}
tmpdir() {
	T=$(mktemp -d "/tmp/$1.XXXXXX") || exit 1
	trap lib_cleanup EXIT
}
lib_cleanup() {
	if declare -F cleanup >/dev/null; then cleanup; fi
	rm -rf "$T"
}
