#!/usr/bin/env bash
# zvsh --bind and --ro-bind, for real (zerovm, the runtime, busybox):
#   - each busybox command on a --bind directory leaves it exactly as the
#     same command run natively on a copy (names, types, modes, contents,
#     link targets), and a renamed file keeps its inode (a host-side
#     rename, not a copy);
#   - a crash, a timeout and a quota leave HOST byte for byte as it was,
#     and zvsh says so; an exit with any status writes back;
#   - --ro-bind: writes fail with EROFS inside, HOST untouched;
#   - a write-back archive forged by the program cannot reach outside HOST;
#   - the same run twice gives the same archive and the same tree.
#
#   tests/func/zvsh-bind.sh ZVSH BUILD
#
# Ends with "N passed, M failed"; exit status 1 if any failed.
set -u
ZVSH=$(readlink -f "$1")
B=$(readlink -f "$2")
G=$B/zrt/bindguest
T=$(mktemp -d /tmp/zvsh-bind.XXXXXX)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
PASS=0
FAIL=0
ERR=$T/stderr
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
bad() {
	FAIL=$((FAIL + 1))
	echo "not ok - $1"
	echo "#   $2"
	sed 's/^/#   ! /' "$ERR" 2>/dev/null | tail -n 10
}
check() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got [$2] want [$3]"; fi; }
has() { if grep -qxF -- "$3" "$2" 2>/dev/null; then ok "$1"; else bad "$1" "no line [$3] in $(tr '\n' '|' <"$2")"; fi; }

BUSYBOX=$(command -v busybox)
if [ -z "$BUSYBOX" ] || ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
	echo "ok - zvsh --bind # SKIP no static busybox"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

# A tree as text: type, mode, path, link target, then every file's hash.
tree() {
	(cd "$1" && find . -mindepth 1 -printf '%y %m %p %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
}
# The same, with every entry's modification time and inode: "untouched".
stamp() { (cd "$1" && find . -printf '%y %m %i %T@ %s %p %l\n' | LC_ALL=C sort); }

# The project every case starts from.
BASE=$T/base
mkdir -p "$BASE/sub/deep" "$BASE/empty"
printf 'hello world\nline two\n' >"$BASE/notes.txt"
echo aaa >"$BASE/sub/a"
echo deeper >"$BASE/sub/deep/d"
echo keep >"$BASE/k"
chmod 640 "$BASE/k"
chmod 750 "$BASE/sub/deep"
ln -s notes.txt "$BASE/lnk"
head -c 300000 /dev/urandom >"$BASE/big.bin"

fresh() { rm -rf "$1" && cp -a "$BASE" "$1"; }

# same NAME ARGS...: busybox ARGS with {} for the directory, natively on one
# copy and under zvsh --bind on another (as /work): same status, same tree.
same() {
	local name=$1
	shift
	fresh "$T/nat"
	fresh "$T/box"
	local nargs=() bargs=()
	for a in "$@"; do
		nargs+=("${a//\{\}/$T/nat}")
		bargs+=("${a//\{\}//work}")
	done
	(cd "$T" && "$BUSYBOX" "${nargs[@]}" >/dev/null 2>&1)
	local nrc=$?
	"$ZVSH" --bind "$T/box" /work busybox "${bargs[@]}" >/dev/null 2>"$ERR"
	local brc=$?
	if [ "$nrc" != "$brc" ]; then
		bad "$name: status" "native $nrc, zvsh $brc"
	elif [ "$(tree "$T/nat")" != "$(tree "$T/box")" ]; then
		bad "$name: tree as native" "$(diff <(tree "$T/nat") <(tree "$T/box") | head -n 8 | tr '\n' '|')"
	else
		ok "$name: as native (status $nrc, same names, modes, contents)"
	fi
}

same "gzip" gzip {}/notes.txt
same "a command that changes nothing" true
same "sed -i" sed -i s/aaa/bbb/ {}/sub/a
same "rm" rm {}/k
same "rm -r" rm -r {}/sub
same "rmdir" rmdir {}/empty
same "mv a file" mv {}/notes.txt {}/sub/deep/moved.txt
same "mv a directory" mv {}/sub {}/renamed
same "mv over a file" mv {}/k {}/notes.txt
same "mkdir -m 700" mkdir -m 700 {}/newdir
same "mkdir -p" mkdir -p {}/x/y/z
same "cp" cp {}/sub/a {}/sub/b
same "cp -r" cp -r {}/sub {}/copy
same "chmod" chmod 600 {}/notes.txt
same "chmod a directory" chmod 700 {}/sub
same "touch a new file" touch {}/fresh
same "ln -s" ln -s sub/a {}/sl
same "ln (hard)" ln {}/notes.txt {}/hard
same "truncate" truncate -s 5 {}/big.bin
same "a failing command" rm {}/missing

# A rename is a rename on the host too: the file keeps its inode.
fresh "$T/box"
ino=$(stat -c %i "$T/box/big.bin")
"$ZVSH" --bind "$T/box" /work busybox mv /work/big.bin /work/sub/moved.bin 2>"$ERR"
check "mv: the host file is renamed, not copied (same inode)" "$(stat -c %i "$T/box/sub/moved.bin" 2>&1)" "$ino"
# An unchanged file is not rewritten. (The directories that change are
# HOST itself, where the staging folder was, and sub, which has a new entry.)
fresh "$T/box"
files() { stamp "$1" | awk '$6 != "." && $6 != "./sub" && $6 != "./sub/k2"'; }
before=$(files "$T/box")
"$ZVSH" --bind "$T/box" /work busybox cp /work/k /work/sub/k2 2>"$ERR"
after=$(files "$T/box")
check "cp: nothing but the new file changes on the host" "$after" "$before"

# No setuid or setgid bit reaches the host (bubblewrap's binds are nosuid).
fresh "$T/box"
"$ZVSH" --bind "$T/box" /work busybox chmod 6755 /work/notes.txt /work/sub 2>"$ERR"
check "chmod 6755: the host gets 755, no setuid or setgid bit" "$(stat -c %a "$T/box/notes.txt" "$T/box/sub" | tr '\n' ' ')" "755 755 "
"$ZVSH" --bind "$T/box" /work busybox sh -c 'echo x > /work/s' 2>"$ERR"
"$ZVSH" --bind "$T/box" /work busybox chmod 4777 /work/s 2>"$ERR"
check "a new setuid file: the host gets 777" "$(stat -c %a "$T/box/s")" "777"

# Unchanged files cost a header each in the write-back archive, not their
# data (big.bin alone is 300000 bytes), even renamed.
fresh "$T/box"
"$ZVSH" --keep "$T/k1" --bind "$T/box" /work busybox mv /work/big.bin /work/moved.bin 2>"$ERR"
size=$(stat -c %s "$T/k1/bind0.out")
if [ "$size" -lt 20000 ]; then ok "unchanged and renamed files: not copied into the archive ($size bytes)"; else bad "unchanged and renamed files: not copied into the archive" "$size bytes"; fi
rm -rf "$T/k1"

# A grant hides what GUEST held (here an image's /work), as a bind mount.
mkdir -p "$T/img/work"
echo from-image >"$T/img/work/old"
tar -cf "$T/img.tar" -C "$T/img" .
fresh "$T/box"
check "--ro-bind hides the image's files at GUEST" \
	"$("$ZVSH" --image "$T/img.tar" --ro-bind "$T/box" /work busybox ls /work 2>&1 | tr '\n' ' ')" \
	"big.bin empty k lnk notes.txt sub "
"$ZVSH" --image "$T/img.tar" --bind "$T/box" /work busybox touch /work/t 2>"$ERR"
check "--bind hides them too, and does not copy them into HOST" "$(ls "$T/box" | tr '\n' ' ')" \
	"big.bin empty k lnk notes.txt sub t "
rm -rf "$T/img" "$T/img.tar"

# A file grant: sed -i renames a new file over it inside the sandbox.
fresh "$T/nat"
fresh "$T/box"
"$BUSYBOX" sed -i s/hello/HELLO/ "$T/nat/notes.txt"
"$ZVSH" --bind "$T/box/notes.txt" /work/notes.txt busybox sed -i s/hello/HELLO/ /work/notes.txt 2>"$ERR"
check "--bind FILE: sed -i as native" "$(tree "$T/box")" "$(tree "$T/nat")"
"$ZVSH" --bind "$T/box/k" /data/other-name busybox sh -c 'echo new > /data/other-name; echo x > /data/sidecar' 2>"$ERR"
check "--bind FILE GUEST of another name: written to FILE, nothing else" "$(cat "$T/box/k"):$(ls "$T/box" | tr '\n' ' ')" \
	"new:big.bin empty k lnk notes.txt sub "

"$ZVSH" --bind "$T/box/k" /data/k busybox rm /data/k 2>"$ERR"
check "--bind FILE removed inside: HOST kept, said" "$(cat "$T/box/k"):$(grep -c "removed k inside the sandbox; $T/box/k is left as it was" "$ERR")" "new:1"

# ---------------------------------------------------------------- endings
# A crash, a timeout and a quota: nothing reaches HOST, and zvsh says so.
fresh "$T/box"
st=$(stamp "$T/box")
"$ZVSH" --bind "$T/box" /work "$G" crash /work 2>"$ERR"
check "crash: status 139" "$?" "139"
check "crash: HOST untouched" "$(stamp "$T/box")" "$st"
has "crash: said" "$ERR" "zvsh: the program was killed by signal 11; nothing written back to $T/box"
"$ZVSH" --timeout 1 --bind "$T/box" /work "$G" spin /work 2>"$ERR"
check "timeout: status 124" "$?" "124"
check "timeout: HOST untouched" "$(stamp "$T/box")" "$st"
has "timeout: said" "$ERR" "zvsh: the session timed out; nothing written back to $T/box"
"$ZVSH" --bind-quota 100K --bind "$T/box" /work "$G" big /work 200000 2>"$ERR"
check "quota: status 127 (the runtime's write-back failed)" "$?" "127"
check "quota: HOST untouched" "$(stamp "$T/box")" "$st"
has "quota: said" "$ERR" "zvsh: the program's changes under /work need more than --bind-quota (102400 bytes); nothing written back to $T/box"
check "quota: no staging folder left" "$(ls -a "$T/box" | grep -c zvsh-bind)" "0"
"$ZVSH" --bind-quota 300K --bind "$T/box" /work "$G" big /work 200000 2>"$ERR"
check "under the quota: written back" "$?:$(stat -c %s "$T/box/big")" "0:200000"
# A stop from outside (SIGTERM to zvsh, forwarded to zerovm) once the
# program runs.
st=$(stamp "$T/box")
"$ZVSH" --bind "$T/box" /work "$G" spin /work 2>"$ERR" &
zp=$!
for _ in $(seq 100); do pgrep -P "$zp" >/dev/null && break; sleep 0.05; done
sleep 0.2
kill -TERM "$zp"
wait "$zp"
check "SIGTERM: status 143" "$?" "143"
check "SIGTERM: HOST untouched" "$(stamp "$T/box")" "$st"
has "SIGTERM: said" "$ERR" "zvsh: the session was stopped by signal 15; nothing written back to $T/box"
# zerovm refuses the session (too little memory): nothing runs, nothing
# comes back.
"$ZVSH" --memory 100K --bind "$T/box" /work "$G" exit /work 0 2>"$ERR"
check "zerovm failure (exit 12): HOST untouched" "$?:$(stamp "$T/box")" "12:$st"
check "zerovm failure: said" "$(grep -c "^zvsh: the session failed (.*); nothing written back to $T/box$" "$ERR")" "1"
fresh "$T/box"
"$ZVSH" --bind "$T/box" /work "$G" exit /work 3 2>"$ERR"
check "exit 3: status 3, and written back" "$?:$(cat "$T/box/new.txt" "$T/box/notes.txt" | tr '\n' '|')" \
	"3:made in the sandbox|changed in the sandbox|"

# ---------------------------------------------------------------- --ro-bind
fresh "$T/box"
st=$(stamp "$T/box")
for cmd in "touch /work/new" "rm /work/k" "mkdir /work/d" "mv /work/k /work/k2" "chmod 777 /work/k" "rmdir /work/empty" \
	"ln -s x /work/s" "truncate -s 0 /work/k"; do
	# shellcheck disable=SC2086
	"$ZVSH" --ro-bind "$T/box" /work busybox $cmd 2>"$ERR"
	rc=$?
	if [ "$rc" != 0 ] && grep -q "Read-only file system" "$ERR"; then
		ok "--ro-bind: $cmd fails with EROFS"
	else
		bad "--ro-bind: $cmd fails with EROFS" "status $rc"
	fi
done
"$ZVSH" --ro-bind "$T/box" /work busybox sh -c 'echo x > /work/notes.txt' 2>"$ERR"
grep -q "Read-only file system" "$ERR" && ok "--ro-bind: open for writing is EROFS" || bad "--ro-bind: open for writing is EROFS" ""
check "--ro-bind: HOST untouched" "$(stamp "$T/box")" "$st"
check "--ro-bind: the files are there" \
	"$("$ZVSH" --ro-bind "$T/box" /work busybox cat /work/notes.txt /work/sub/deep/d 2>"$ERR" | tr '\n' '|')" \
	"hello world|line two|deeper|"
check "--ro-bind FILE: read" "$("$ZVSH" --ro-bind "$T/box/k" /etc/k busybox cat /etc/k 2>&1)" "keep"
check "--ro-bind FILE: EROFS on write" "$("$ZVSH" --ro-bind "$T/box/k" /etc/k busybox sh -c 'echo x > /etc/k' 2>&1)" \
	"sh: can't create /etc/k: Read-only file system"
check "--ro-bind FILE: the folder around it is writable" \
	"$("$ZVSH" --ro-bind "$T/box/k" /etc/k busybox sh -c 'echo y > /etc/other && echo ok' 2>&1)" \
	"ok
zvsh: etc/other was written inside the sandbox and discarded; use --out etc/other or --bind"
check "--ro-bind FILE: HOST untouched" "$(stamp "$T/box")" "$st"

# ---------------------------------------------------------------- attacks
# The program writes its own archive to the write-back channel and removes
# the mountpoint, so that the runtime only adds the end marker: what zvsh
# reads is forged. Nothing may land outside HOST.
OUTSIDE=$T/outside
mkdir -p "$OUTSIDE"
echo secret >"$OUTSIDE/secret"
ABS=zvsh-bind-escape-$$
forge() { "$ZVSH" --bind "$T/box" /work "$G" forge /dev/bind0.out /work "$@" 2>"$ERR"; }
outside_ok() { check "$1: nothing outside HOST" "$(ls -A "$OUTSIDE" | tr '\n' ' '):$(ls -A "$T" | tr '\n' ' ')" \
	"secret :base box nat outside stderr "; }
fresh "$T/box"
forge "f:../escape:x" "f:/$ABS:y" "f:./../../escape2:z"
check "forged ../ and /abs: .. skipped, /abs kept inside HOST" "$(ls -A "$T/box" | tr '\n' ' '):$(cat "$T/box/$ABS")" "$ABS :y"
check "forged /abs: not at the host's root" "$(ls -d "/$ABS" 2>&1 | grep -c 'No such')" "1"
outside_ok "forged ../ and /abs"
fresh "$T/box"
st=$(stamp "$T/box")
forge "l:s:$OUTSIDE" "f:s/evil:x"
check "forged symlinked parent: refused" "$(grep -c 'write-back archive is refused: s/evil has no directory above it' "$ERR")" "1"
check "forged symlinked parent: HOST untouched" "$(stamp "$T/box")" "$st"
outside_ok "forged symlinked parent"
fresh "$T/box"
ln -s "$OUTSIDE" "$T/box/out"
forge "d:out" "f:out/evil:x"
check "host symlink, forged as a directory: replaced inside HOST" "$(stat -c %F "$T/box/out"):$(cat "$T/box/out/evil")" "directory:x"
outside_ok "host symlink forged as a directory"
fresh "$T/box"
st=$(stamp "$T/box")
forge "h:stolen:../outside/secret" "h:stolen2:$OUTSIDE/secret"
check "forged hard links out of HOST: refused" "$(grep -c 'stolen2 links to a file that was not in HOST' "$ERR"):$(stamp "$T/box" | diff - <(echo "$st") | wc -l)" "1:0"
outside_ok "forged hard links"
fresh "$T/box"
st=$(stamp "$T/box")
forge "f:twice:1" "f:twice:2"
check "forged duplicate: refused, HOST untouched" "$(grep -c 'twice is in the archive twice' "$ERR"):$(stamp "$T/box" | diff - <(echo "$st") | wc -l)" "1:0"
forge "l:lnk2:/etc/passwd" "h:k2:lnk"
check "forged hard link to a symlink: refused" "$(grep -c 'k2 links to a file that was not in HOST' "$ERR")" "1"

# ---------------------------------------------------------------- determinism
fresh "$T/nat"
fresh "$T/box"
"$ZVSH" --keep "$T/k1" --bind "$T/nat" /work busybox gzip /work/notes.txt 2>"$ERR"
"$ZVSH" --keep "$T/k2" --bind "$T/box" /work busybox gzip /work/notes.txt 2>"$ERR"
check "the same run twice: the same write-back archive" "$(cmp "$T/k1/bind0.out" "$T/k2/bind0.out" && echo same)" "same"
check "the same run twice: the same tree" "$(tree "$T/box")" "$(tree "$T/nat")"
rm -rf "$T/k1" "$T/k2"

# ---------------------------------------------------------------- the command line
"$ZVSH" --bind "$T/box" 2>"$ERR"
check "--bind without GUEST: status 2" "$?" "2"
"$ZVSH" --bind "$T/box" /work --ro-bind "$T/nat" /work/x busybox true 2>"$ERR"
check "overlapping grants: status 2, said" "$?:$(grep -c overlap "$ERR")" "2:1"
"$ZVSH" --bind "$T/box" / busybox true 2>"$ERR"
check "GUEST /: status 2" "$?" "2"
"$ZVSH" --bind "$T/nonexistent" /work busybox true 2>"$ERR"
check "missing HOST: status 2" "$?" "2"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
