#!/usr/bin/env bash
# commands.sh BUILD - every command shown in README.md and the man pages
# (docs/*.1.md) runs as written.
#
# A command is a line "$ COMMAND" in a fenced block; the lines after it, up
# to the next "$ " or the block's end, are its output as shown. Each block
# runs in one shell, in a fresh directory that holds what the examples use
# (names.txt, book.txt, data.csv, proj/notes.txt, templates/README,
# hello.manifest, count.sh, site.tar, rootfs.tar) and `build`, a link to BUILD; BUILD is first in PATH, so
# `zvsh` and `zerovm` are the build's. Each command must exit 0, or with
# the status the next command's `echo $?` shows; when output is shown, the
# command's must equal it once what differs from machine to machine is
# masked: CPU times on accounting lines, the timings and addresses of trace
# lines, BUILD's path (shown as /path/to/build), and runs of blanks (ls
# aligns with tabs or spaces).
#
# Prints "ok - FILE: COMMAND" or "not ok" with the difference, and
# "N passed, M failed".
set -u
B=$(readlink -f "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/zvm-doc.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; shift; printf '#   %s\n' "$@"; }

BB=$(command -v busybox)

# The files the examples name, made once, copied into each block's directory.
fixtures() {
	local d=$1
	mkdir -p "$d"
	ln -s "$B" "$d/build"
	ln -s "$ROOT/examples" "$d/examples" # read only: the examples write under $R
	printf 'carol\nalice\nbob\n' >"$d/names.txt"
	printf 'the cat sat on the mat the end\n' >"$d/book.txt"
	printf 'name,n\na,1\nb,2\n' >"$d/data.csv"
	mkdir -p "$d/proj" && printf 'some notes\n' >"$d/proj/notes.txt"
	mkdir -p "$d/templates" && printf 'the colour of the project\n' >"$d/templates/README"
	printf '#!/usr/bin/busybox sh\nread first < "$1"; echo "first line: $first"\n' >"$d/count.sh"
	chmod +x "$d/count.sh"
	cat >"$d/hello.manifest" <<M
Version = 20130611
Program = $B/guests/hello
Memory = 33554432, 0
Timeout = 5
Channel = /dev/stdin, /dev/stdin, 0, 0, 1, 1, 0, 0
Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100, 1000
Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 100, 1000
M
	mkdir -p "$T/site" "$T/rootfs/bin" "$T/rootfs/etc"
	printf 'local n = 0\nfor line in io.lines(arg[1]) do n = n + 1 end\nprint(n .. " lines")\n' >"$T/site/report.lua"
	tar -C "$T/site" -cf "$d/site.tar" .
	cp "$BB" "$T/rootfs/bin/busybox"
	ln -sf busybox "$T/rootfs/bin/cat"
	ln -sf busybox "$T/rootfs/bin/sh"
	printf 'PRETTY_NAME="an example image"\n' >"$T/rootfs/etc/os-release"
	tar -C "$T/rootfs" -cf "$d/rootfs.tar" .
}

# Mask what differs from machine to machine.
mask() {
	sed -E -e "s|$B|/path/to/build|g" \
		-e 's/^[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2} /T T /' \
		-e 's/^\[[0-9]+\] /[N] /' \
		-e 's/^[0-9]+\.[0-9]+ \[[0-9]+\.[0-9]+\]: (Trap[A-Za-z]+)\([^,)]*, 0x[0-9a-f]+/T [T]: \1(A, 0xADDR/' \
		-e 's/^[0-9]+\.[0-9]+ \[[0-9]+\.[0-9]+\]: /T [T]: /' \
		-e 's/[[:blank:]]+/ /g'
}

# extract FILE: one directory per block with commands, in $T/blocks/:
# cmd.K (the command), want.K (its output as shown), in order.
nblock=0
extract() {
	local f=$1 inb=0 k=0 dir="" line
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line == '```'* ]]; then
			inb=$((1 - inb))
			dir=""
			continue
		fi
		[ $inb = 1 ] || continue
		if [[ $line == '$ '* ]]; then
			if [ -z "$dir" ]; then
				nblock=$((nblock + 1))
				dir=$T/blocks/$nblock
				mkdir -p "$dir"
				echo "$f" >"$dir/file"
				k=0
			fi
			k=$((k + 1))
			printf '%s\n' "${line#\$ }" >"$dir/cmd.$k"
			: >"$dir/want.$k"
		elif [ -n "$dir" ]; then
			printf '%s\n' "$line" >>"$dir/want.$k"
		fi
	done <"$ROOT/$f"
}

mkdir -p "$T/blocks"
for f in README.md $(cd "$ROOT" && ls docs/*.1.md); do
	extract "$f"
done

export PATH="$B:$PATH"
export TMPDIR=$T # the examples' mktemp -d roots go away with the rest
for dir in "$T"/blocks/*; do
	f=$(cat "$dir/file")
	w=$T/w.$(basename "$dir")
	fixtures "$w"
	n=$(ls "$dir"/cmd.* | wc -l)
	# One shell per block, so that "rc=$?" and "echo $?" see what the
	# command before them did.
	{
		echo "cd '$w' || exit 99"
		for k in $(seq "$n"); do
			printf '{ %s\n} >"%s/got.%d" 2>&1 </dev/null\n' "$(cat "$dir/cmd.$k")" "$dir" "$k"
			printf '__rc=$?; echo $__rc >"%s/rc.%d"; (exit $__rc)\n' "$dir" "$k"
		done
	} >"$dir/script"
	timeout 120 bash "$dir/script" >/dev/null 2>&1
	for k in $(seq "$n"); do
		cmd=$(cat "$dir/cmd.$k")
		rc=$(cat "$dir/rc.$k" 2>/dev/null || echo none)
		want_rc=0
		next=$dir/cmd.$((k + 1))
		if [ -f "$next" ] && [ "$(cat "$next")" = 'echo $?' ]; then
			want_rc=$(head -n 1 "$dir/want.$((k + 1))")
		fi
		if [ "$rc" != "$want_rc" ]; then
			bad "$f: $cmd" "exit status $rc, want $want_rc" "$(head -n 5 "$dir/got.$k" 2>/dev/null)"
		elif [ -s "$dir/want.$k" ] && ! diff <(mask <"$dir/want.$k") <(mask <"$dir/got.$k") >"$dir/diff.$k"; then
			bad "$f: $cmd" "output differs from the one shown (< shown, > got):" "$(head -n 12 "$dir/diff.$k")"
		else
			ok "$f: $cmd"
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
