#!/bin/bash
# python-snapshot.sh ZVSH ZEROVM PYTHON3.TAR - Python from a snapshot of its
# zygote (docs/python.md, "Warm starts"; docs/zvsh.1.md, SNAPSHOTS).
#
# zvsh runs Python from the image from a cached snapshot taken after
# start-up. Each form the zygote runs (-c, -m json.tool, a script with a
# data file, a script on stdin, an uncaught exception, sys.exit(3)) gives,
# resumed from the snapshot, what native python3.11 gives in the same run
# (output and status) and what a cold zvsh run (--no-snapshot) gives, set
# order included; one snapshot serves sessions with other arguments,
# environment and inputs, which see only their own; a resumed session run
# twice by zerovm gives the same output and memory etag; a damaged
# snapshot and a changed image are taken again without a word; a form the
# zygote does not run (-I, PYTHON* variables) runs cold and still equals
# native; --no-snapshot takes none; --clear-cache removes them.
#
# Prints "ok - ..." lines and "N passed, M failed".
set -u
ZVSH=$(readlink -f "$1")
ZEROVM=$(readlink -f "$2")
PYIMG=$(readlink -f "$3")
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3.11
export ZEROVM
. "$HERE/../lib.sh"
CHECK_TWO_LINES=1 SKIP=0
tmpdir python-snapshot
cd "$T" || exit 1
export XDG_CACHE_HOME=$T/cache
if [ ! -f "$PYIMG" ] || [ ! -x "$PY" ]; then
	echo "ok - # SKIP Python snapshots: no image (make images) or no $PY"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
PZ=("$ZVSH" --image "$PYIMG")
snaps() { find "$XDG_CACHE_HOME/zvsh" -name 'snap-*' ! -name '*.prot' ! -name 'snap-prog-*' 2>/dev/null | sort; }

cp "$HERE/python/stdlib.py" .
printf 'city,temp\nOslo,4.5\nLima,19.25\nCairo,28\nOslo,6.5\n' >data.csv
printf '{"b": [1, 2], "a": {"c": null}}\n' >data.json
printf 'import sys\nprint(sys.argv, sys.path[0], __file__, len(sys.stdin.read()))\n' >script.py
printf 'import sys\nprint(sys.argv, sys.path[0] == "", __file__)\nfor l in sys.stdin: print(l.strip())\n' >stdin.py

# same NAME ARGS...: native python3.11, zvsh from the snapshot, zvsh cold:
# output and status alike (stdin from $IN). The zvsh run is made twice, so
# that the second surely resumes. same_cold: for what names paths or the
# executable (the sandbox's are not the host's), zvsh cold only.
IN=/dev/null
run_both() { # ARGS...: SNAP and COLD
	"${PZ[@]}" python3 "$@" <"$IN" >/dev/null 2>&1
	SNAP=$("${PZ[@]}" python3 "$@" <"$IN" 2>&1; echo "rc=$?")
	COLD=$("${PZ[@]}" --no-snapshot python3 "$@" <"$IN" 2>&1; echo "rc=$?")
}
same() {
	local name=$1
	shift
	local native=() a
	for a in "$@"; do [[ $a == @* ]] && native+=("${a#@}") || native+=("$a"); done
	local want
	want=$("$PY" "${native[@]}" <"$IN" 2>&1; echo "rc=$?")
	run_both "$@"
	check "from a snapshot = native python3.11: $name" "$SNAP" "$want"
	check "from a snapshot = cold zvsh: $name" "$SNAP" "$COLD"
}
same_cold() {
	local name=$1
	shift
	run_both "$@"
	check "from a snapshot = cold zvsh: $name" "$SNAP" "$COLD"
}

same "-c" -c 'import sys, os; print(sum(range(10)), "héllo".upper(), sys.argv, repr(sys.path[0]), sorted(globals()))' x
n1=$(snaps | wc -l)
same "-c, other arguments" -c 'import sys; print(sys.argv, sys.orig_argv[1:])' y z
check "one snapshot serves -c with any arguments (the key leaves them out)" "$n1 $(snaps | wc -l)" "1 1"
same "stdlib: json re csv hashlib decimal sqlite3 datetime zlib struct collections itertools statistics" \
	@stdlib.py @data.csv
same "-m json.tool" -m json.tool @data.json
same_cold "a script: sys.argv, sys.path[0], __file__" @script.py a b
same_cold "a script named with ./" @./script.py
IN=stdin.py
same "a script on standard input (-)" - x y
same "a script on standard input (no argument)"
IN=/dev/null
same "an uncaught exception: the traceback, status 1" -c 'def f():
    raise ValueError("no")
f()'
printf 'def g():\n    return 1 / 0\n\ng()\n' >div.py
same_cold "an exception in a script: the traceback names the script's lines" @div.py
same "an exception while handling another: both tracebacks" -c 'try:
    {}["k"]
except KeyError:
    raise RuntimeError("then")'
same "sys.exit(3)" -c 'import sys; sys.exit(3)'
same "sys.exit with a message" -c 'import sys; sys.exit("bye")'
same_cold "-m of a module that does not exist" -m no_such_module
same_cold "a script that does not exist" nosuch.py

# The hash secret and the generator: a cold run's (the seed leaves [args]
# and [env] out), so set order equals a cold run's, and each run repeats.
s1=$("${PZ[@]}" python3 -c 'import random; print({"a", "b", "c", "d", "e"}, hash("abc"), random.random())')
s2=$("${PZ[@]}" python3 -c 'import random; print({"a", "b", "c", "d", "e"}, hash("abc"), random.random())')
c1=$("${PZ[@]}" --no-snapshot python3 -c 'import random; print({"a", "b", "c", "d", "e"}, hash("abc"), random.random())')
check "set order, hash() and random: the same from the snapshot twice and cold" "$s1|$s2" "$c1|$c1"

# Another session: other arguments, environment and inputs.
printf 'city,temp\nRome,30\n' >other.csv
got=$("${PZ[@]}" --env MINE=1 python3 -c 'import os, sys; print(sys.argv, os.environ.get("MINE"), os.environ.get("OTHER"), open(sys.argv[1]).read().split()[1])' @other.csv)
check "a resumed session sees its own arguments, environment and input" "$got" "['-c', 'other.csv'] 1 None Rome,30"
got=$("${PZ[@]}" --env OTHER=2 python3 -c 'import os, sys; print(sys.argv, os.environ.get("MINE"), os.environ.get("OTHER"), open(sys.argv[1]).read().split()[1])' @data.csv)
check "... and the next one its own" "$got" "['-c', 'data.csv'] None 2 Oslo,4.5"

# zerovm resumes the same session twice: the same output and memory etag.
export XDG_CACHE_HOME=$T/cache2
rm -rf k
"${PZ[@]}" --keep k python3 -c 'print("twice")' >/dev/null 2>&1
snap=$(snaps | head -1)
sed -i 's/^\(Memory = [0-9]*\), 0$/\1, 1/' k/manifest
# No -C: a snapshot is resumed with the options it was taken with (zvsh: none).
"$ZEROVM" --resume "$snap" k/manifest </dev/null 3>t1.out 4>/dev/null >t1.rep 2>&1
"$ZEROVM" --resume "$snap" k/manifest </dev/null 3>t2.out 4>/dev/null >t2.rep 2>&1
e1=$(grep -o '/dev/memory [0-9a-f]*' t1.rep)
e2=$(grep -o '/dev/memory [0-9a-f]*' t2.rep)
check "resumed twice by zerovm: the same output and memory etag" "$(cat t1.out) $([ -n "$e1" ] && [ "$e1" == "$e2" ] && echo same)" "twice same"

# A damaged snapshot: refused by zerovm, taken again, the user sees nothing.
printf 'garbage' | dd of="$snap" bs=1 seek=4096 conv=notrunc 2>/dev/null
got=$("${PZ[@]}" python3 -c 'print("after damage")' 2>&1; echo "rc=$?")
check "a damaged snapshot is taken again without a word" "$got $(snaps | wc -l) $(cmp -s "$snap" /dev/null || echo remade)" \
	"after damage
rc=0 1 remade"

# A changed image: a new key, a new snapshot; output unchanged.
export XDG_CACHE_HOME=$T/cache3
cp "$PYIMG" py.tar
"$ZVSH" --image py.tar python3 -c 'print(1)' >/dev/null 2>&1
before=$(snaps | wc -l)
touch -d '2001-01-01' py.tar
got=$("$ZVSH" --image py.tar python3 -c 'print("changed image")' 2>&1; echo "rc=$?")
check "a changed image: a new snapshot, the same output" "$got $before $(snaps | wc -l)" "changed image
rc=0 1 2"

# --verbose says which (its [debug] line makes a key of its own).
"${PZ[@]}" --verbose python3 -c pass >v1.out 2>&1
"${PZ[@]}" --verbose python3 -c pass >v2.out 2>&1
check "--verbose: the snapshot is taken once, then resumed" \
	"$(grep -c 'snapshot .* (new)' v1.out) $(grep -c 'snapshot .* (cached)' v2.out) $(grep -c -- '--resume' v2.out)" "1 1 1"

# A #! script whose interpreter is the image's python3: resumed as well
# (zvsh's manifest and nvram are memfds here, which snap.c reads through
# the work directory; it once read zerovm's descriptor numbers as its own).
export XDG_CACHE_HOME=$T/cache5
printf '#!/usr/bin/python3\nimport sys\nprint(sys.argv[1:], __name__)\n' >hashbang.py
chmod +x hashbang.py
want=$("$PY" hashbang.py x y 2>&1)
"${PZ[@]}" --verbose ./hashbang.py x y >/dev/null 2>&1
got=$("${PZ[@]}" --verbose ./hashbang.py x y 2>&1)
check "a #! python3 script: resumed from a snapshot, as natively" \
	"$(grep -v '^zvsh:\|^zerovm:\|^zrt:' <<<"$got" | head -1) $(snaps | wc -l) $(grep -c -- '--resume' <<<"$got")" "$want 1 1"

# Forms the zygote does not run: cold (no snapshot taken), python3's answer.
export XDG_CACHE_HOME=$T/cache4
want=$("$PY" -I -c 'import sys; print(sys.flags.isolated)' 2>&1)
got=$("${PZ[@]}" python3 -I -c 'import sys; print(sys.flags.isolated)' 2>&1)
check "python3 -I runs cold (no snapshot), as natively" "$got $(snaps | wc -l)" "$want 0"
got=$("${PZ[@]}" --env PYTHONDONTWRITEBYTECODE=1 python3 -c 'import sys; print(sys.flags.dont_write_bytecode)' 2>&1)
check "a PYTHON* variable runs cold, and takes effect" "$got $(snaps | wc -l)" "1 0"

# --no-snapshot takes none; --clear-cache removes them.
rm -rf "$XDG_CACHE_HOME"
"${PZ[@]}" --no-snapshot python3 -c pass
check "--no-snapshot: no snapshot is taken" "$(snaps | wc -l)" 0
"${PZ[@]}" python3 -c pass
n=$(snaps | wc -l)
"$ZVSH" --clear-cache
check "--clear-cache removes the snapshots" "$n $(find "$XDG_CACHE_HOME/zvsh" -name 'snap-*' | wc -l)" "1 0"

finish
