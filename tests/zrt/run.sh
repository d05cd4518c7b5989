#!/bin/bash
# run.sh ZVSH BUILD - the runtime (ZRT) and zvsh, end to end.
#
# Unmodified static programs under zvsh: Debian's busybox-static applets
# give byte-identical output (and exit status) to the same applets run
# natively on the same input; a statically linked Lua 5.4 interpreter and a
# glibc program do real work on channels and the in-memory filesystem; every
# sandboxed run is repeated and must give identical output and an identical
# memory etag; images are mounted (and written back) and hostile ones are
# contained; nothing on the host changes but the declared channels.
#
# BUILD holds zerovm, zrt/lua, zrt/libc and zrt/libc-musl. Prints "ok - ..." lines and
# "N passed, M failed".
set -u
ZVSH=$(readlink -f "$1")
B=$(readlink -f "$2")
BB=${BUSYBOX:-/bin/busybox}
HERE=$(cd "$(dirname "$0")" && pwd)
TEXT=$HERE/../../examples/data/tale-of-two-cities.txt
export ZEROVM=$B/zerovm
. "$HERE/../lib.sh"
CHECK_TWO_LINES=1
tmpdir zrt-test

# ---------------------------------------------------------------- inputs
cd "$T"
cp "$TEXT" text.txt
for i in $(seq 1 40); do cat "$TEXT"; done >big.txt
printf 'mallory\nalice\ntrent\nbob\ncarol\nalice\ndave\neve\n' >names.txt
seq 1 2000 | awk '{ print ($1 * 7919) % 1000 }' >numbers.txt
tr -cs 'A-Za-z' '\n' <text.txt | tr 'A-Z' 'a-z' | sort >words.txt
printf 'one\ntwo\nthree\nfour\n' >a.txt
printf 'one\nTWO\nthree\nfour\nfive\n' >b.txt
"$BB" gzip -c -9 <big.txt >big.gz

# An image: directories, files, a symlink and a hard link, owned by 1000,
# fixed times, in name order. The native side extracts the same archive.
mkdir -p src/data/sub/deeper src/data/empty
cp text.txt src/data/chapter.txt
cp names.txt src/data/sub/names.txt
cp a.txt b.txt src/data/
seq 1 500 >src/data/sub/deeper/seq.txt
ln -s chapter.txt src/data/link.txt
ln src/data/sub/names.txt src/data/sub/names-hard.txt
chmod 0750 src/data/sub
tar --format=gnu --sort=name --owner=1000 --group=1000 --numeric-owner --mtime='2020-02-02 12:00:00' \
	-C src -cf data.tar data
mkdir native && tar -C native -xf data.tar

# ---------------------------------------------------------------- helpers

# zv OUT ARGS...: zvsh ARGS with stdin from $IN (default /dev/null), output
# in OUT, stderr in OUT.err, status in ZRC. Then the manifest zvsh wrote
# (--keep) is run twice more by zerovm itself with the memory etag on and
# cpuid answered from a table (-C: glibc records the APIC id of the CPU it
# started on), the second time on another CPU when there is one: the three
# outputs and the two memory etags must agree (DETERMINISTIC=yes).
IN=/dev/null
PIN0="" PIN1=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	PIN0="taskset -c 0" PIN1="taskset -c 1"
fi
zv() {
	local out=$1 k=$T/keep
	shift
	rm -rf "$k"
	(cd "$T" && "$ZVSH" --keep "$k" "$@" <"$IN" >"$out" 2>"$out.err")
	ZRC=$?
	DETERMINISTIC=no
	[ -f "$k/manifest" ] || return
	sed -i 's/^\(Memory = [0-9]*\), 0$/\1, 1/' "$k/manifest"
	local e2 e3
	(cd "$T" && $PIN0 "$ZEROVM" -C "$k/manifest" <"$IN" 3>"$out.2" 4>/dev/null >"$k/report2" 2>/dev/null)
	(cd "$T" && $PIN1 "$ZEROVM" -C "$k/manifest" <"$IN" 3>"$out.3" 4>/dev/null >"$k/report3" 2>/dev/null)
	e2=$(grep -o '/dev/memory [0-9a-f]*' "$k/report2")
	e3=$(grep -o '/dev/memory [0-9a-f]*' "$k/report3")
	if cmp -s "$out" "$out.2" && cmp -s "$out" "$out.3" && [ -n "$e2" ] && [ "$e2" == "$e3" ]; then
		DETERMINISTIC=yes
	fi
}

# same NAME NATIVE-ARGS... -- ZVSH-ARGS...: busybox natively (in native/,
# where data/ is the extracted image) and under zvsh (cwd /, image at
# /data), byte-identical output and the same status; both runs of zvsh
# agree, memory etag included.
same() {
	local name=$1
	shift
	local nat=()
	while [ "$1" != "--" ]; do nat+=("$1"); shift; done
	shift
	(cd "$T/native" && TZ=UTC "$BB" "${nat[@]}" <"$IN" >"$T/n.out" 2>/dev/null)
	local nrc=$?
	zv "$T/z.out" "$@"
	if [ -n "${SORTED:-}" ]; then # directory order differs between filesystems
		sort "$T/n.out" -o "$T/n.out"
		sort "$T/z.out" -o "$T/z.sorted" && cp "$T/z.sorted" "$T/z.out"
	fi
	if ! cmp -s "$T/n.out" "$T/z.out"; then
		bad "busybox $name: same output as native" "native $(wc -c <"$T/n.out") bytes, zvsh $(wc -c <"$T/z.out") bytes" \
			"$(diff "$T/n.out" "$T/z.out" | head -n 5 | tr '\n' '|')" "stderr: $(head -c 300 "$T/z.out.err" | tr '\n' '|')"
	elif [ "$nrc" != "$ZRC" ]; then
		bad "busybox $name: same output as native" "exit status native $nrc, zvsh $ZRC"
	elif [ "$DETERMINISTIC" != yes ]; then
		bad "busybox $name: same output as native" "runs differ (output or memory etag)"
	else
		ok "busybox $name: same output as native ($(wc -c <"$T/z.out") bytes, status $ZRC, 3 runs, same memory etag)"
	fi
}

IMG=(--image "$T/data.tar")   # at /: its data/ is /data, and "data/x" means the same on both sides

# ---------------------------------------------------------------- busybox
IN=/dev/null
same "sort @file" sort "$T/names.txt" -- busybox sort @names.txt
same "sort -n -r" sort -n -r "$T/numbers.txt" -- busybox sort -n -r @numbers.txt
same "sort -u -k1,1" sort -u -k1,1 "$T/words.txt" -- busybox sort -u -k1,1 @words.txt
IN=$T/words.txt
same "uniq -c (stdin)" uniq -c -- busybox uniq -c
IN=$T/big.txt
same "wc -l -w -c (stdin)" wc -l -w -c -- busybox wc -l -w -c
same "sha256sum (stdin)" sha256sum -- busybox sha256sum
same "md5sum (stdin)" md5sum -- busybox md5sum
same "gzip -9 -c" gzip -9 -c -- busybox gzip -9 -c
IN=$T/big.gz
same "gunzip -c" gunzip -c -- busybox gunzip -c
IN=/dev/null
"$BB" gzip -c -9 <big.txt >"$T/rt.gz" 2>/dev/null
zv "$T/rt.out" busybox gzip -d -c @rt.gz
check "busybox gzip/gunzip round trip through a channel" "$(cmp -s "$T/rt.out" big.txt && echo same)" same
same "tar -xOf @archive (extract from a channel)" tar -xOf "$T/data.tar" -- busybox tar -xOf @data.tar
same "tar -tf @archive" tar -tf "$T/data.tar" -- busybox tar -tf @data.tar
IN=$T/text.txt
same "awk (fields, END)" awk '{ n += NF } END { print n, NR }' -- busybox awk '{ n += NF } END { print n, NR }'
same "awk (arrays, printf)" awk '{ for (i = 1; i <= NF; i++) c[tolower($i)]++ } END { for (w in c) if (c[w] > 15) printf "%s %d\n", w, c[w] }' \
	-- busybox awk '{ for (i = 1; i <= NF; i++) c[tolower($i)]++ } END { for (w in c) if (c[w] > 15) printf "%s %d\n", w, c[w] }'
same "sed -n s///gp" sed -n '10,40s/the/THE/gp' -- busybox sed -n '10,40s/the/THE/gp'
same "grep -E -n" grep -E -n 'wor(l)?d|Paris|London' -- busybox grep -E -n 'wor(l)?d|Paris|London'
same "grep -E -c -i" grep -E -c -i 'the|and' -- busybox grep -E -c -i 'the|and'
same "cut -d' ' -f1,3" cut -d' ' -f1,3 -- busybox cut -d' ' -f1,3
same "tr a-z A-Z" tr a-z A-Z -- busybox tr a-z A-Z
same "od -A x -t x1z" od -A x -t x1z -N 300 -- busybox od -A x -t x1z -N 300
same "head -n 7" head -n 7 -- busybox head -n 7
same "tail -n 7" tail -n 7 -- busybox tail -n 7
same "base64" base64 -- busybox base64
same "tac" tac -- busybox tac
same "rev" rev -- busybox rev
same "nl -b a" nl -b a -- busybox nl -b a
same "fold -w 30" fold -w 30 -- busybox fold -w 30
IN=/dev/null
same "seq 1 3 100" seq 1 3 100 -- busybox seq 1 3 100
same "cmp -l (two channels, differ)" cmp -l "$T/a.txt" "$T/b.txt" -- busybox cmp -l @a.txt @b.txt
same "diff of two image files (unified, names and times in the header)" diff data/a.txt data/b.txt -- "${IMG[@]}" busybox diff data/a.txt data/b.txt
same "expr 6 * 7" expr 6 '*' 7 -- busybox expr 6 '*' 7
same "expr length" expr length "sandboxed" -- busybox expr length "sandboxed"
same "date -u -d @0" date -u -d @0 '+%Y-%m-%d %H:%M:%S %a' -- busybox date -u -d @@0 '+%Y-%m-%d %H:%M:%S %a'
same "ls -ln over a mounted image" ls -ln data data/sub -- "${IMG[@]}" busybox ls -ln data data/sub
same "ls -lnR over a mounted image" ls -lnR data -- "${IMG[@]}" busybox ls -lnR data
SORTED=1 same "find -type f over a mounted image (sorted)" find data -type f -name '*.txt' -- "${IMG[@]}" busybox find data -type f -name '*.txt'
SORTED=1 same "find -type d over a mounted image (sorted)" find data -type d -- "${IMG[@]}" busybox find data -type d
same "sha256sum of image files" sha256sum data/chapter.txt data/sub/deeper/seq.txt -- "${IMG[@]}" busybox sha256sum data/chapter.txt data/sub/deeper/seq.txt
same "cat through a symlink in an image" cat data/link.txt -- "${IMG[@]}" busybox cat data/link.txt
same "wc of a hard link in an image" wc -l data/sub/names-hard.txt -- "${IMG[@]}" busybox wc -l data/sub/names-hard.txt
same "stat -c of image entries" stat -c '%n %s %a %h %u %Y %F' data/chapter.txt data/sub data/link.txt \
	-- "${IMG[@]}" busybox stat -c '%n %s %a %h %u %Y %F' data/chapter.txt data/sub data/link.txt

# tar create to a channel: the archive zvsh writes lists and extracts to
# the same names and bytes as the image it was made from.
zv "$T/made.tar" "${IMG[@]}" busybox tar -cf - data
check "busybox tar -c to a channel: same names" "$("$BB" tar -tf "$T/made.tar" | sed 's,/$,,' | sort | tr '\n' ' ')" \
	"$(tar -tf data.tar | sed 's,/$,,' | sort | tr '\n' ' ')"
check "busybox tar -c to a channel: same contents" "$("$BB" tar -xOf "$T/made.tar" | sha256sum)" \
	"$(tar -xOf data.tar | sha256sum)"
check "busybox tar -c: deterministic" "$DETERMINISTIC" yes

# date without arguments: the clock is virtual.
zv "$T/date.out" busybox date -u
check "busybox date: deterministic clock from [time] (0)" "$(cat "$T/date.out") $DETERMINISTIC" \
	"Thu Jan  1 00:00:00 UTC 1970 yes"

# The done criterion of the runtime issue, exactly as a user types it.
out=$(cd "$T" && "$ZVSH" busybox sort @names.txt)
check "zvsh busybox sort @names.txt" "$(echo $out)" "alice alice bob carol dave eve mallory trent"

# ---------------------------------------------------------------- files
zv "$T/cp.out" busybox cp @text.txt @copy.txt
check "busybox cp @in @new: the new host file gets the bytes" "$(cmp -s "$T/copy.txt" "$T/text.txt" && echo same)" same
rm -f "$T/out.tar"
zv "$T/wo.out" --image "$T/out.tar,/out,wo" busybox cp @text.txt /out/copy.txt
check "access=wo image: written back at exit" "$(tar -xOf "$T/out.tar" copy.txt 2>/dev/null | cmp -s - "$T/text.txt" && echo same)" same
# The in-memory filesystem through shell builtins (one process: busybox sh
# runs its builtins itself, anything else would need fork).
zv "$T/mem.out" busybox sh -c 'cd /tmp && echo hi >f && echo there >>f && read a <f && echo "$a" && pwd && test -s f && echo nonempty; cd /nowhere; echo $?'
check "busybox sh builtins over the in-memory filesystem" "$(tr '\n' ' ' <"$T/mem.out")" "hi /tmp nonempty 2 "
zv "$T/cpr.out" "${IMG[@]}" busybox cp -r data /tmp/copy
check "busybox cp -r of a mounted image into memory" "$ZRC $DETERMINISTIC" "0 yes"

# Memory is the budget: a file that does not fit is ENOSPC for the program,
# not a crash; the session ends normally.
zv "$T/full.out" --memory 64M busybox dd if=/dev/zero of=/tmp/big bs=1048576 count=200
check "in-memory file larger than Memory: ENOSPC for the program, session ok" \
	"$ZRC $(grep -c 'No space left on device' "$T/full.out.err")" "1 1"
# An image costs what the program touches: a 64 MiB member is not read
# when the program does not open it (report line 5, bytes read).
mkdir -p big/b && head -c 67108864 /dev/zero >big/b/large.bin && echo small >big/b/small.txt
tar -C big -cf big.tar b && rm -rf big
out=$(cd "$T" && "$ZVSH" --report --image "$T/big.tar" busybox cat b/small.txt 2>&1 >/dev/null | tail -n 2 | head -n 1)
read -r _ _ _ got_bytes _ <<<"$out"
check "a 64 MiB image: mounting and reading a small member reads under 1 MiB of it" \
	"$([ -n "$got_bytes" ] && [ "$got_bytes" -lt 1048576 ] && echo lazy || echo "read $got_bytes bytes")" lazy

# ---------------------------------------------------------------- lua
cat >"$T/words.lua" <<'LUA'
-- count words and lines of a channel, round-trip them through a file in
-- the in-memory filesystem, and print the most frequent words
local f = assert(io.open(arg[1], "r"))
local count, lines, total = {}, 0, 0
for line in f:lines() do
  lines = lines + 1
  for w in line:gmatch("%a+") do
    w = w:lower(); count[w] = (count[w] or 0) + 1; total = total + 1
  end
end
f:close()
local words = {}
for w, n in pairs(count) do words[#words + 1] = w end
table.sort(words, function(a, b) return count[a] > count[b] or (count[a] == count[b] and a < b) end)
local out = assert(io.open(arg[2], "w"))
for i = 1, 10 do out:write(string.format("%-8s %4d\n", words[i], count[words[i]])) end
out:close()
for line in io.lines(arg[2]) do print(line) end
print(string.format("%d lines, %d words, %d distinct", lines, total, #words))
assert(os.remove(arg[2]))
print(io.open(arg[2]) == nil and "removed" or "still there")
LUA
(cd "$T" && "$B/zrt/lua" words.lua text.txt "$T/lua-tmp.txt" >"$T/lua.native")
IN=/dev/null
zv "$T/lua.out" "$B/zrt/lua" @words.lua @text.txt /tmp/top.txt
check "lua: reads a channel, writes and removes an in-memory file, same as native" \
	"$(cmp -s "$T/lua.out" "$T/lua.native" && echo same) $ZRC" "same 0"
check "lua: deterministic (output and memory etag)" "$DETERMINISTIC" yes
zv "$T/lua2.out" "$B/zrt/lua" -e 'io.write(os.time(), " ", os.date("!%Y-%m-%d"), " ", math.random(1, 1000000), " ", math.random(1, 1000000), "\n")
  local t = {} for i = 1, 200000 do t[i] = string.rep("x", i % 64) end io.write(#t, " ", tostring(collectgarbage("count") > 1000), "\n")'
check "lua: virtual time, seeded random, 200000 strings; deterministic" \
	"$(head -n 1 "$T/lua2.out" | cut -d' ' -f1,2) $(sed -n 2p "$T/lua2.out") $DETERMINISTIC" "0 1970-01-01 200000 true yes"
# (with -e, arg[1] is the code and arg[2] the first argument after it)
(cd "$T" && "$ZVSH" "$B/zrt/lua" -e 'local f = assert(io.open(arg[2], "w")) f:write("to a channel\n") f:close()' @lua-chan.txt)
check "lua: writes a new host file through a channel" "$(cat "$T/lua-chan.txt" 2>/dev/null)" "to a channel"

# ---------------------------------------------------------------- glibc
zv "$T/libc.out" "$B/zrt/libc" /tmp/out 300 @text.txt
check "glibc: stdio, opendir, stat in the in-memory filesystem" \
	"$(sed -n 1,5p "$T/libc.out" | tr '\n' '|')" \
	"entries: file0.txt file1.txt file2.txt|file0.txt 17 bytes|file1.txt 34 bytes|file2.txt 51 bytes|read back 102 bytes|"
check "glibc: time() from the virtual clock" "$(grep '^time' "$T/libc.out")" "time 0 1970-01-01 00:00:00"
check "glibc: malloc of 300 MiB, zero-filled, written and summed" "$(grep '^malloc' "$T/libc.out" | tr '\n' '|')" \
	"malloc 300 MiB sum 9792000|malloc again ok|"
check "glibc: reads a channel" "$(grep '^input' "$T/libc.out")" "input lines $(wc -l <"$T/text.txt")"
check "glibc: cwd, pid, uid" "$(grep '^cwd' "$T/libc.out")" "cwd / pid 1 uid 1000"
check "glibc: rand and getrandom are deterministic, memory etag too" "$DETERMINISTIC $ZRC" "yes 0"
zv "$T/libc2.out" --memory 256M "$B/zrt/libc" /tmp/out 1024
check "glibc: malloc of more than Memory fails cleanly (NULL), no crash" "$(grep '^malloc' "$T/libc2.out") $ZRC" \
	"malloc 1024 MiB failed 1"

# ---------------------------------------------------------------- musl
# The same program linked against musl instead of glibc: its own start-up
# (stack, TLS, auxiliary vector) and its own way of making each call. rand()
# (another generator) and getrandom (seeded by the nvram, which holds the
# arguments) differ by design.
zv "$T/musl.out" "$B/zrt/libc-musl" /tmp/out 64 @text.txt
check "musl: the same files, time, channel and identity as the glibc build" \
	"$(grep -Ev '^(malloc|rand|getrandom)' "$T/musl.out" | tr '\n' '|')" "$(grep -Ev '^(malloc|rand|getrandom)' "$T/libc.out" | tr '\n' '|')"
check "musl: malloc of 64 MiB, deterministic (output and memory etag)" \
	"$(grep '^malloc' "$T/musl.out" | head -n 1) $DETERMINISTIC $ZRC" "malloc 64 MiB sum $((64 * 32640)) yes 0"

# ---------------------------------------------------------------- runtime, sandbox only
# What the conformance suite (tests/zrt/conformance) cannot compare with a
# native run: its probe's sandbox-only groups.
PROBE=$B/zrt/conformance-probe
zv "$T/sleep.out" "$PROBE" bigsleep
check "a nanosleep of 290 years: the monotonic clock saturates, never goes back" \
	"$(grep -c '= ok$' "$T/sleep.out") $(grep -c FAILED "$T/sleep.out") $ZRC" "5 0 0"
zv "$T/block.out" "$PROBE" pipe-block
check "a blocking read of an empty pipe it alone could fill: the session ends at once (124), said on stderr" \
	"$(head -n 1 "$T/block.out") $ZRC $(grep -c '^zrt: read of an empty pipe whose write end is open' "$T/block.out.err")" \
	"pipe = 0 124 1"
zv "$T/fmap.out" "$PROBE" fmap-sandbox
check "file mappings, where they differ from Linux by design (docs/zrt.md, Memory): a page past the end of the file and a mapping past it read as zeros (Linux: SIGBUS); pages mprotected before the next system call read as zeros, then the file's bytes; a file changed after mmap does not show through" \
	"$ZRC $(grep -v '^calls' "$T/fmap.out" | tr '\n' '|')" \
	"0 the file = ok|a page wholly past the end of the file reads as zeros = ok|a mapping at an offset past the end reads as zeros = ok|\
pages mprotected before the next system call read as zeros = ok|after a system call: the file's bytes = ok|\
pwrite 7 bytes at 0 after the mmap = 7|the untouched mapping keeps the bytes of mmap time = ok|"
LIBM=$(gcc -print-file-name=libm.so.6)
LIBM=$(readlink -f "$LIBM")
if [ -f "$LIBM" ]; then
	zv "$T/dl.out" "$PROBE" dlopen "@$LIBM"
	check "static glibc dlopen of a real library (MAP_FIXED over its read-only span): a clean failure, no crash" \
		"$ZRC $(grep -c "^dlopen $LIBM = NULL: .*cannot open shared object file" "$T/dl.out")" "0 1"
else
	bad "static glibc dlopen: no libm.so.6 to load" "$LIBM"
fi
(cd "$T" && "$ZVSH" --verbose "$PROBE" process >"$T/proc.out" 2>"$T/proc.err")
check "fork, system, popen: EAGAIN, each named in the debug log (zvsh --verbose)" \
	"$(grep -c '^zrt: fork: a sandbox runs one process (EAGAIN)$' "$T/proc.err") \
$(grep -c '^zrt: posix_spawn, system or popen (vfork): a sandbox runs one process (EAGAIN)$' "$T/proc.err") \
$(grep -c '^fork = EAGAIN$' "$T/proc.out")" "2 3 1"
zv "$T/proc2.out" "$PROBE" process
check "... and nothing in the log without --verbose" "$(grep -c '^zrt:' "$T/proc2.out.err")" 0
zv "$T/fbig.out" busybox truncate -s 2199023255552 /tmp/f
check "in-memory files: 2 TiB is past ZRT_FILE_MAX (EFBIG)" "$ZRC $(grep -c 'File too large' "$T/fbig.out.err")" "1 1"
zv "$T/fbig.out" busybox dd if=/dev/zero of=/tmp/f bs=1 count=1 seek=1099511627776 conv=notrunc
check "in-memory files: a write at ZRT_FILE_MAX is EFBIG" "$(grep -c 'File too large' "$T/fbig.out.err")" 1

# ---------------------------------------------------------------- containment
zv "$T/esc.out" busybox cat /etc/passwd
check "busybox cat /etc/passwd: no host files inside" "$ZRC $(grep -c 'No such file' "$T/esc.out.err")" "1 1"
zv "$T/esc.out" busybox ls /
check "busybox ls /: only what the session made" "$(tr '\n' ' ' <"$T/esc.out")" "dev tmp "
zv "$T/esc.out" busybox ls /proc
check "busybox ls /proc: no /proc" "$ZRC" 1
rm -f /tmp/zrt-escape
zv "$T/esc.out" busybox touch /tmp/zrt-escape
check "busybox touch /tmp/x: succeeds inside, nothing created on the host" \
	"$ZRC $([ -e /tmp/zrt-escape ] && echo created || echo none)" "0 none"
zv "$T/fork.out" busybox sh -c 'echo before; /bin/true; echo after'
check "busybox sh: no second process (fork refused with EAGAIN, the shell gives up)" \
	"$(grep -c "can't fork: Resource temporarily unavailable" "$T/fork.out.err") $(cat "$T/fork.out") $ZRC" "1 before 2"
zv "$T/net.out" busybox wget -q -O - http://127.0.0.1:1/
check "busybox wget: no network" "$([ "$ZRC" != 0 ] && echo refused)" refused

# Hostile images: '..' and absolute names stay inside, links cannot leave.
mkdir -p evil/x
echo escaped >evil/x/f
tar -C evil -cPf evil.tar --transform 's,^x/f,../../../tmp/zrt-evil-dotdot,' x/f 2>/dev/null
tar -C evil -rPf evil.tar --transform 's,^x/f,/tmp/zrt-evil-abs,' x/f 2>/dev/null
ln -s /etc/passwd evil/x/pw
tar -C evil -rf evil.tar x/pw 2>/dev/null
zv "$T/evil.out" --image "$T/evil.tar,/img" busybox find /img /tmp
check "hostile image: '..' entries skipped, absolute names kept under the mountpoint" \
	"$(sort "$T/evil.out" | tr '\n' ' ')" "/img /img/tmp /img/tmp/zrt-evil-abs /img/x /img/x/pw /tmp "
zv "$T/evil.out" --image "$T/evil.tar,/img" busybox cat /img/x/pw
check "hostile image: a symlink to /etc/passwd finds nothing" "$ZRC $(wc -c <"$T/evil.out")" "1 0"
check "hostile image: nothing written on the host" \
	"$([ -e /tmp/zrt-evil-dotdot ] || [ -e /tmp/zrt-evil-abs ] && echo written || echo none)" none
printf 'not a tar archive at all, just text\n' >notatar.tar
zv "$T/nt.out" --image "$T/notatar.tar,/img" busybox true
check "an image that is not a tar: clear message, a failure status" \
	"$(grep -c 'not a valid tar archive' "$T/nt.out.err") $([ "$ZRC" != 0 ] && echo failed)" "1 failed"

# The runtime's own start-up errors, with zerovm directly: a message on
# /dev/stderr and status 127 (report line 3), the session itself ok.
zrt_manifest() { # NVRAM-FILE EXTRA-CHANNEL-LINE...
	local nv=$1
	shift
	{
		echo "Version = 20130611"
		echo "Program = $BB"
		echo "Memory = 67108864, 0"
		echo "Timeout = 10"
		echo "Channel = /dev/stdin, /dev/stdin, 0, 0, 1, 1, 0, 0"
		echo "Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100, 10000"
		echo "Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 100, 10000"
		echo "Channel = $nv, /dev/nvram, 1, 0, 10, 100000, 0, 0"
		for c in "$@"; do echo "Channel = $c"; done
	} >"$T/zrt.manifest"
}
printf '[args]\nargs = busybox true\n[fstab]\nchannel=/dev/img, mountpoint=/img\n' >"$T/nv1"
zrt_manifest "$T/nv1" "$T/notatar.tar, /dev/img, 1, 0, 100, 100000, 0, 0"
"$B/zerovm" "$T/zrt.manifest" >"$T/zrt.out" 2>"$T/zrt.err"
check "runtime: an image that is not a tar: message, status 127, report ok" \
	"$(cat "$T/zrt.err") $(sed -n 3p "$T/zrt.out") $(tail -n 1 "$T/zrt.out")" \
	"zrt: fstab: /dev/img: not a valid tar archive 127 ok"
printf '[args]\nargs = busybox true\n[bogus]\n' >"$T/nv2"
zrt_manifest "$T/nv2"
"$B/zerovm" "$T/zrt.manifest" >"$T/zrt.out" 2>"$T/zrt.err"
check "runtime: a bad nvram: its line named, status 127" \
	"$(grep -c '^zrt: nvram line 3: ' "$T/zrt.err") $(sed -n 3p "$T/zrt.out")" "1 127"
printf '[fstab]\nchannel=/dev/missing, mountpoint=/m\n' >"$T/nv3"
zrt_manifest "$T/nv3"
"$B/zerovm" "$T/zrt.manifest" >"$T/zrt.out" 2>"$T/zrt.err"
check "runtime: [fstab] naming a missing channel" "$(cat "$T/zrt.err") $(sed -n 3p "$T/zrt.out")" \
	"zrt: fstab: no channel /dev/missing 127"
# A write-back that fails (here: put_size is smaller than the archive) is
# not only a line on stderr: the exit status says so (127).
printf '[args]\nargs = busybox mkdir /out/made\n[fstab]\nchannel=/dev/out.tar, mountpoint=/out, access=wo\n' >"$T/nv7"
zrt_manifest "$T/nv7" "$T/small.tar, /dev/out.tar, 0, 0, 0, 0, 100, 100"
"$B/zerovm" "$T/zrt.manifest" >"$T/zrt.out" 2>"$T/zrt.err"
check "runtime: a failed access=wo write-back shows in the exit status (127), both reasons said" \
	"$(sed -n 3p "$T/zrt.out") $(grep -c 'writing the image back failed' "$T/zrt.err") $(grep -c 'exit status 0 becomes 127' "$T/zrt.err")" \
	"127 1 1"
# The same for the session's notes (image/notes.c): a notes channel too
# small for them is said, naming the channel, and the status is 127.
printf '[args]\nargs = busybox touch /made\n[session]\nnotes=/dev/notes\n' >"$T/nv8"
zrt_manifest "$T/nv8" "$T/notes, /dev/notes, 0, 0, 0, 0, 100, 4"
"$B/zerovm" "$T/zrt.manifest" >"$T/zrt.out" 2>"$T/zrt.err"
check "runtime: notes that cannot be written: said, naming the channel, status 127" \
	"$(sed -n 3p "$T/zrt.out") $(grep -c '^zrt: /dev/notes: the session.s notes could not be written' "$T/zrt.err") $(grep -c 'exit status 0 becomes 127: an image or the notes were not written' "$T/zrt.err")" \
	"127 1 1"
# The nvram is handed to the runtime by zerovm, not read through the
# channel: a program that reads /dev/nvram itself (sequential, one get
# allowed) gets all of it; the report counts only the program's reads.
printf '[args]\nargs = busybox cat /dev/nvram\n' >"$T/nv4"
zrt_manifest /dev/null
sed -i "s|^Channel = /dev/null, /dev/nvram, .*|Channel = $T/nv4, /dev/nvram, 0, 0, 2, 100000, 0, 0|" "$T/zrt.manifest"
"$B/zerovm" "$T/zrt.manifest" >"$T/zrt.out" 2>"$T/zrt.err"
check "runtime: the nvram channel stays the program's (cat /dev/nvram prints it; its reads, its bytes)" \
	"$(head -n -6 "$T/zrt.out" | tr '\n' '|') $(tail -n 2 "$T/zrt.out" | head -n 1 | cut -d' ' -f3,4)" \
	"$(tr '\n' '|' <"$T/nv4") 2 $(($(wc -c <"$T/nv4")))"
# From a FIFO the nvram cannot be read ahead: the runtime reads the channel.
rm -f "$T/nvfifo" && mkfifo "$T/nvfifo"
printf '[args]\nargs = busybox echo from a fifo\n' >"$T/nv5"
zrt_manifest /dev/null
sed -i "s|^Channel = /dev/null, /dev/nvram, .*|Channel = $T/nvfifo, /dev/nvram, 0, 0, 10, 100000, 0, 0|" "$T/zrt.manifest"
timeout 20 sh -c 'cat "$1" >"$2"' - "$T/nv5" "$T/nvfifo" &
"$B/zerovm" "$T/zrt.manifest" >"$T/zrt.out" 2>"$T/zrt.err"
wait
check "runtime: an nvram from a FIFO is read through its channel" "$(head -n 1 "$T/zrt.out") $(sed -n 3p "$T/zrt.out")" \
	"from a fifo 0"
printf '[bogus]\n' >"$T/nv6"
timeout 20 sh -c 'cat "$1" >"$2"' - "$T/nv6" "$T/nvfifo" &
sed -i "s|^Program = .*|Program = $B/guests/hello|" "$T/zrt.manifest"
"$B/zerovm" "$T/zrt.manifest" >"$T/zrt.out" 2>"$T/zrt.err"
wait
check "runtime: a bad nvram from a FIFO (read, so spent) fails at start, even for a raw program" \
	"$(cat "$T/zrt.err") $(sed -n 3p "$T/zrt.out")" "zrt: nvram line 1: unknown section 'bogus' 127"
zrt_manifest "$T/nv3"
# A program linked into the runtime's place is refused (exit 8) unless -Z.
printf 'int main(void) { return 0; }\n' >"$T/low.c"
if gcc -static -nostdlib -Wl,-Ttext-segment=0x120000 -Wl,-e,main -o "$T/low" "$T/low.c" 2>"$T/low.err"; then
	sed "s,^Program = .*,Program = $T/low," "$T/zrt.manifest" >"$T/low.manifest"
	"$B/zerovm" "$T/low.manifest" >"$T/zrt.out" 2>"$T/zrt.err"
	rc=$?
	check "a program linked inside the runtime's range: exit 8 with the reason" \
		"$rc $(grep -c 'inside the runtime' "$T/zrt.err")" "8 1"
	"$B/zerovm" -Z "$T/low.manifest" >"$T/zrt.out" 2>"$T/zrt.err"
	check "the same program raw (-Z): loaded (it ends by SIGSEGV, having no exit)" \
		"$(sed -n 1p "$T/zrt.out") $(grep -c 'inside the runtime' "$T/zrt.err")" "0 0"
else
	bad "a program linked inside the runtime's range: could not build it" "$(head -c 200 "$T/low.err")"
fi

finish
