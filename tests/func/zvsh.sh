#!/usr/bin/env bash
# zvsh's own behaviour: options, the manifest and nvram it writes, @file
# channels, images, finding the program and zerovm, exit statuses, signals,
# socket relays.
#
#   tests/func/zvsh.sh ZVSH [ZEROVM]
#
# Almost everything runs against a fake zerovm (a script, given as
# $ZEROVM) that copies the manifest and nvram it is given, records its
# arguments and descriptors, writes what it is told to the program's
# descriptors and prints a chosen report with a chosen exit code. With
# ZEROVM, a few sessions also run for real (busybox, when a static one is
# installed). Ends with "N passed, M failed"; exit status 1 if any failed.
set -u
ZVSH=$(readlink -f "$1")
REAL=${2:+$(readlink -f "$2")}
. "$(dirname "$0")/../lib.sh"
tmpdir zvsh-test
cleanup() { chmod -R u+rwx "$T" 2>/dev/null; }
SKIP=0
OUT=$T/stdout
ERR=$T/stderr
F=$T/fake # what the fake zerovm recorded
FAKE=$T/fakezvm

bad_context() {
	sed 's/^/#   | /' "$OUT" 2>/dev/null | tail -n 10
	sed 's/^/#   ! /' "$ERR" 2>/dev/null | tail -n 10
}
# has NAME FILE LINE: FILE has exactly this line
has() { if grep -qxF -- "$3" "$2" 2>/dev/null; then ok "$1"; else bad "$1" "no line [$3] in $(basename "$2"): $(tr '\n' '|' <"$2" 2>/dev/null)"; fi; }
# hasnt NAME FILE REGEX: no line of FILE matches
hasnt() { if grep -qE -- "$3" "$2" 2>/dev/null; then bad "$1" "a line matches /$3/: $(grep -E -- "$3" "$2" | head -n 3 | tr '\n' '|')"; else ok "$1"; fi; }

# ---------------------------------------------------------------- the fake
# FAKE_CODE, FAKE_STATE, FAKE_RC: report line 3, line 6, exit code.
# FAKE_NOREPORT: print none. FAKE_OUT, FAKE_ERR, FAKE_DIAG: a line to the
# program's stdout (fd 3), stderr (fd 4), and zerovm's own stderr (fd 2).
# FAKE_CAT=N: copy descriptor N to fd 3. FAKE_WAIT: wait for a stop signal
# and report it as zerovm does. FAKE_KILL=SIG: die of SIG.
cat >"$FAKE" <<'EOF'
#!/usr/bin/env bash
d=${FAKE_DIR:?}
mkdir -p "$d"
m=${*: -1}
printf '%s\n' "$@" >"$d/argv"
cp "$m" "$d/manifest"
cp "$(sed -n 's|^Channel = \(.*\), /dev/nvram, .*|\1|p' "$m")" "$d/nvram"
# zerovm's descriptors, "N target" (listed by a child: a redirection here
# would change them; 255 is bash's own).
ls -l /proc/$$/fd >"$d/fds.ls"
sed -n 's/.* \([0-9]*\) -> \(.*\)/\1 \2/p' "$d/fds.ls" | grep -v '^255 ' | sort -n >"$d/fds"
report() { printf '0\n0\n%s\ndisabled\n0.00 0.00 0 0 0 0 0 0 0 0\n%s\n' "$1" "$2"; }
[ -n "${FAKE_DIAG:-}" ] && echo "$FAKE_DIAG" >&2
[ -n "${FAKE_OUT:-}" ] && echo "$FAKE_OUT" >&3
[ -n "${FAKE_ERR:-}" ] && echo "$FAKE_ERR" >&4
[ -n "${FAKE_CAT:-}" ] && cat <&"$FAKE_CAT" >&3
if [ -n "${FAKE_WAIT:-}" ]; then
	for s in 1 2 15; do trap "report 0 'Signal $s from trusted code: session stopped'; exit 4" $s; done
	touch "$d/ready"
	for _ in $(seq 200); do sleep 0.05; done
	exit 99
fi
[ -n "${FAKE_KILL:-}" ] && kill -"$FAKE_KILL" $$
[ -z "${FAKE_NOREPORT:-}" ] && report "${FAKE_CODE:-0}" "${FAKE_STATE:-ok}"
exit "${FAKE_RC:-0}"
EOF
chmod +x "$FAKE"

# A program for the fake to "run": any file zvsh can find in $PATH.
mkdir -p "$T/bin" "$T/tmp" "$T/w"
printf 'not really a program\n' >"$T/bin/prog"
chmod +x "$T/bin/prog"
export PATH="$T/bin:$PATH"
export TMPDIR=$T/tmp
cd "$T/w" || exit 1

# run ARGS...: zvsh with the fake; stdin from $STDIN (/dev/null). Sets RC.
run() {
	rm -rf "$F"
	FAKE_DIR=$F ZEROVM=$FAKE "$ZVSH" "$@" >"$OUT" 2>"$ERR" <"${STDIN:-/dev/null}"
	RC=$?
}
M=$F/manifest
N=$F/nvram
L=1099511627776  # quotas without a default limit: 2^40
WL=1073741824    # the bytes an output may take by default: 1 GiB

# ---------------------------------------------------------------- options
"$ZVSH" --help >"$OUT" 2>"$ERR"
RC=$?
check "--help: exit 0" "$RC" 0
check_re "--help: usage on stdout" "$(head -n 1 "$OUT")" "^usage: zvsh "
"$ZVSH" --version >"$OUT" 2>"$ERR"
check_re "--version" "$?:$(cat "$OUT")" "^0:zvsh [0-9]+\.[0-9]+\.[0-9]+ "
run
check "no program: exit 2" "$RC" 2
check_re "no program: message" "$(head -n 1 "$ERR")" "^zvsh: no program given"
run --frobnicate prog
check "unknown option: exit 2" "$RC" 2
check_re "unknown option: named" "$(cat "$ERR")" "unknown option --frobnicate"
[ ! -e "$F" ]
check "a bad command line does not run zerovm" "$?" 0
run --memory
check "option without its value: exit 2" "$RC" 2
run --report=yes prog
check "flag with a value: exit 2" "$RC" 2
for v in 12X 0 2T -5 1.5G ""; do
	run --memory "$v" prog
	check "--memory '$v' refused" "$RC" 2
done
for v in 0 abc 5s -1 ""; do
	run --timeout "$v" prog
	check "--timeout '$v' refused" "$RC" 2
done
run --image x.tar,/,rw prog
check "--image access rw refused" "$RC" 2
check_re "--image access: message" "$(cat "$ERR")" "access must be ro"
run --image x.tar,relative prog
check "--image relative mountpoint refused" "$RC" 2
run --image x.tar,/a/../b prog
check "--image mountpoint with .. refused" "$RC" 2
run --image x.tar,/,ro,extra prog
check "--image with four fields refused" "$RC" 2
run --image ,/ prog
check "--image without a file refused" "$RC" 2
run --env =x prog
check "--env without a name refused" "$RC" 2
run prog -l --report --memory 5
check "options stop at the program: exit 0" "$RC" 0
has "options stop at the program: its arguments" "$N" "args = prog -l --report --memory 5"
check "options after the program are the program's" "$(cat "$ERR")" ""
run --report -- prog
check_re "-- ends the options" "$(cat "$ERR")" "^0"
has "-- ends the options: the program" "$N" "args = prog"
run -- --report
check "-- then an option-looking program: not found, 127" "$RC" 127

# ---------------------------------------------------------------- manifest
run prog
check "fake session: exit 0" "$RC" 0
check "manifest: line 1" "$(sed -n 1p "$M")" "Version = 20130611"
has "manifest: Program is the absolute path found in PATH" "$M" "Program = $T/bin/prog"
has "manifest: Memory 1 GiB by default" "$M" "Memory = 1073741824, 0"
has "manifest: Timeout 600 by default" "$M" "Timeout = 600"
has "manifest: stdin from descriptor 0" "$M" "Channel = /dev/fd/0, /dev/stdin, 0, 0, $L, $L, 0, 0"
has "manifest: stdout from descriptor 3" "$M" "Channel = /dev/fd/3, /dev/stdout, 0, 0, 0, 0, $L, $WL"
has "manifest: stderr from descriptor 4" "$M" "Channel = /dev/fd/4, /dev/stderr, 0, 0, 0, 0, $L, $WL"
nvsrc=$(sed -n 's|^Channel = \(.*\), /dev/nvram, .*|\1|p' "$M")
has "manifest: nvram readable at random offsets" "$M" "Channel = $nvsrc, /dev/nvram, 1, 0, $L, $L, 0, 0"
# Manifest, nvram and notes are memfds zerovm gets as descriptors 5-7 and
# opens through /proc/self/fd; a session that needs no other file makes no
# work directory (tools/common/workdir.h).
check_re "manifest: nvram in memory, zerovm's descriptor 5-7" "$nvsrc" "^/proc/self/fd/[5-7]$"
check "  ... which is the nvram (a memfd)" "$(sed -n "s|^${nvsrc##*/} ||p" "$F/fds")" "/memfd:nvram (deleted)"
check "no work directory made" "$(ls "$T/tmp")" ""
check "zerovm's options: -P -l 4 MANIFEST" "$(head -n 3 "$F/argv" | tr '\n' ' ')" "-P -l 4 "
mfd=$(tail -n 1 "$F/argv")
check_re "zerovm's last argument: the manifest, in memory" "$mfd" "^/proc/self/fd/[5-7]$"
check "  ... which is the manifest (a memfd)" "$(sed -n "s|^${mfd##*/} ||p" "$F/fds")" "/memfd:manifest (deleted)"
for m in "64M 67108864" "1G 1073741824" "123k 125952" "1048576 1048576" "1T 1099511627776"; do
	set -- $m
	run --memory "$1" prog
	has "--memory $1" "$M" "Memory = $2, 0"
done
run --memory=8m --timeout=10 prog
has "--memory=8m" "$M" "Memory = 8388608, 0"
has "--timeout=10" "$M" "Timeout = 10"
run --timeout 7 prog
has "--timeout 7" "$M" "Timeout = 7"
run --trace "$T/tr" prog
check "--trace FILE: -T FILE" "$(grep -A1 -x -- -T "$F/argv" | tail -n 1)" "$T/tr"
run --zvm-trace prog
check "--zvm-trace alone: -T zvsh.trace.log" "$(grep -A1 -x -- -T "$F/argv" | tail -n 1)" "zvsh.trace.log"
run --zvm-trace="$T/tr2" prog
check "--zvm-trace=FILE" "$(grep -A1 -x -- -T "$F/argv" | tail -n 1)" "$T/tr2"
run --verbose prog
check "--verbose: -v 1" "$(grep -A1 -x -- -v "$F/argv" | tail -n 1)" "1"
check_re "--verbose: says where the manifest is" "$(cat "$ERR")" \
	"zvsh: manifest in memory, zerovm's /proc/self/fd/[5-7] \(--keep DIR writes it to a file\)"
check_re "--verbose: shows the command" "$(cat "$ERR")" "zvsh: running $FAKE -P -l 4 -v 1 "
check_re "--verbose: shows the report" "$(tail -n 1 "$ERR")" "^ok$"

# ---------------------------------------------------------------- nvram
run prog "a b" "" 'x,y#z"q\w' @@at @ tab$'\t'end
has "nvram: [args] with argv[0] as typed, quoted and escaped words" "$N" \
	'args = prog "a\x20b" "" x\x2cy\x23z\x22q\x5cw @at @ "tab\x09end"'
has "nvram: PATH by default" "$N" "name=PATH, value=/bin:/usr/bin"
has "nvram: HOME by default" "$N" "name=HOME, value=/"
has "nvram: LANG by default" "$N" "name=LANG, value=C"
has "nvram: the clock starts at 0" "$N" "seconds=0"
check "nvram: section order" "$(grep '^\[' "$N" | tr '\n' ' ')" "[args] [env] [mapping] [time] [session] "
has "nvram: the runtime's notes channel" "$N" "notes=/dev/zvsh.notes"
run --env PATH=/sbin --env NEW="a, b" --env HOME= prog
check "--env: replaces defaults in place, appends new names" "$(grep '^name=' "$N" | tr '\n' '|')" \
	"name=PATH, value=/sbin|name=HOME, value=|name=LANG, value=C|name=NEW, value=a\x2c\x20b|"
ZVSH_T_VAR=fromhost run --env ZVSH_T_VAR --env ZVSH_T_UNSET prog
has "--env NAME copies the host's value" "$N" "name=ZVSH_T_VAR, value=fromhost"
hasnt "--env NAME not set on the host: nothing" "$N" "ZVSH_T_UNSET"
run --env A=1 --env A=2 prog
check "--env twice: the last wins, once" "$(grep -c '^name=A,' "$N"):$(grep '^name=A,' "$N")" "1:name=A, value=2"
STDIN=$T/w/in.txt
echo data >"$STDIN"
run prog
has "[mapping]: stdin a regular file is a file" "$N" "channel=/dev/stdin, mode=file"
has "[mapping]: stdout a regular file is a file" "$N" "channel=/dev/stdout, mode=file"
STDIN=/dev/null
run prog
has "[mapping]: /dev/null is a pipe (only a terminal is a character device)" "$N" "channel=/dev/stdin, mode=pipe"
rm -rf "$F"
echo hi | FAKE_DIR=$F ZEROVM=$FAKE "$ZVSH" prog 2>"$ERR" | cat >"$OUT"
has "[mapping]: stdin a pipe" "$N" "channel=/dev/stdin, mode=pipe"
has "[mapping]: stdout a pipe" "$N" "channel=/dev/stdout, mode=pipe"
if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
	rm -rf "$F"
	FAKE_DIR=$F ZEROVM=$FAKE script -qec "$ZVSH prog" /dev/null >/dev/null 2>&1
	has "[mapping]: a terminal is a character device" "$N" "channel=/dev/stdout, mode=char"
else
	skip "[mapping]: a terminal is a character device" "no script(1)"
fi

# ---------------------------------------------------------------- @files
printf 'b\na\n' >names.txt
mkdir -p sub other
echo x >sub/x.txt
echo y >other/x.txt
run prog @names.txt
has "@file existing: read at random offsets, at its own name" "$M" "Channel = $T/w/names.txt, /names.txt, 1, 0, $L, $L, 0, 0"
has "@file: the program gets the name as typed" "$N" "args = prog names.txt"
hasnt "@file existing: no [mapping] line needed" "$N" "names.txt, mode"
run prog @new.out
has "@file missing: written sequentially, at its own name" "$M" "Channel = $T/w/new.out, /new.out, 0, 0, 0, 0, $L, $WL"
has "@file missing: a file for stat()" "$N" "channel=/new.out, mode=file"
check "@file missing: created empty by zvsh, as a shell's > would (0666 less the umask)" \
	"$(stat -c '%s %a' new.out)" "0 $(printf '%o' $((0666 & ~0$(umask))))"
rm -f new.out
run prog @sub/x.txt @other/x.txt @./sub/../other/x.txt @sub/new.txt
has "@file: relative names as typed" "$N" "args = prog sub/x.txt other/x.txt ./sub/../other/x.txt sub/new.txt"
check "@file: the same file by two spellings of one path is one channel" "$(grep -c "/other/x.txt," "$M")" 1
has "@file: path relative to the current directory" "$M" "Channel = $T/w/sub/new.txt, /sub/new.txt, 0, 0, 0, 0, $L, $WL"
rm -f sub/new.txt
run prog @out.txt @out.txt
check "@file missing, twice: one channel" "$(grep -c ", /out.txt," "$M"):$(grep '^args' "$N")" \
	"1:args = prog out.txt out.txt"
rm -f out.txt
run prog @"$T/w/names.txt"
has "@/absolute/file: the same absolute path inside" "$M" "Channel = $T/w/names.txt, $T/w/names.txt, 1, 0, $L, $L, 0, 0"
echo up >"$T/up.txt"
run --chdir /work/deep prog @names.txt @../up.txt
has "--chdir: relative names are found from the working directory" "$M" "Channel = $T/w/names.txt, /work/deep/names.txt, 1, 0, $L, $L, 0, 0"
has "--chdir: .. from it inside, from zvsh's on the host" "$M" "Channel = $T/up.txt, /work/up.txt, 1, 0, $L, $L, 0, 0"
has "--chdir: the runtime starts there ([session] cwd)" "$N" "cwd=/work/deep"
run --chdir work prog
check "--chdir relative: exit 2, said" "$RC $(grep -c "expected an absolute path inside the sandbox" "$ERR")" "2 1"
mkdir -p dev && echo r >dev/nvram
run --chdir / prog @dev/nvram
check "@file where the sandbox has its own (/dev/nvram): exit 2, said" \
	"$RC $(grep -c 'would see it as /dev/nvram, which the sandbox has already' "$ERR")" "2 1"
echo s >'my file;1=x#y.txt'
run prog '@my file;1=x#y.txt'
has "@file: spaces and odd characters in the name kept" "$N" 'args = prog "my\x20file;1=x\x23y.txt"'
check "@file: ...in the alias too (the source through a link)" "$(grep -c ', /my file;1=x#y.txt, 1, 0,' "$M")" 1
echo c >'a,b.txt'
run prog '@a,b.txt'
check "@file with a comma: exit 2, said what to do" "$RC $(grep -c 'a name with a comma' "$ERR")" "2 1"
HOME=$T/w run prog @~/names.txt
has "@~/file: from \$HOME, the absolute path inside" "$M" "Channel = $T/w/names.txt, $T/w/names.txt, 1, 0, $L, $L, 0, 0"
has "@~/file: the word is the expanded path" "$N" "args = prog $(printf '%s' "$T/w/names.txt")"
run --in names.txt --out made.txt prog
has "--in FILE: readable at its name, no argument" "$M" "Channel = $T/w/names.txt, /names.txt, 1, 0, $L, $L, 0, 0"
has "--out FILE: written at its name" "$M" "Channel = $T/w/made.txt, /made.txt, 0, 0, 0, 0, $L, $WL"
has "--in/--out: no argument added" "$N" "args = prog"
echo old >made.txt && chmod 640 made.txt
run --out made.txt prog
has "--out FILE that exists: written, not read" "$M" "Channel = $T/w/made.txt, /made.txt, 0, 0, 0, 0, $L, $WL"
check "--out FILE that exists: its mode kept (as a shell's >)" "$(stat -c %a made.txt)" 640
rm -f made.txt
run --in nosuch.txt prog
check "--in a missing file: exit 2" "$RC $(grep -c 'no such file or directory' <<<"$(tr A-Z a-z <"$ERR")")" "2 1"
run --write-limit 5M --write-calls 9 --read-limit 3k --read-calls 7 --file-limit 2 prog @names.txt
has "--read-limit, --read-calls: an input's quotas" "$M" "Channel = $T/w/names.txt, /names.txt, 1, 0, 7, 3072, 0, 0"
has "--write-limit, --write-calls: an output's quotas" "$M" "Channel = /dev/fd/3, /dev/stdout, 0, 0, 0, 0, 9, 5242880"
check "--file-limit 2: zerovm -l 2" "$(grep -A1 -x -- -l "$F/argv" | tail -n 1)" 2
run --write-limit 0 prog
check "--write-limit 0: exit 2, said" "$RC $(grep -c "expected a size" "$ERR")" "2 1"
run prog
hasnt "stdin not a terminal: no --stream by default" "$F/argv" "^--stream$"
run --stream prog
check "--stream: zerovm --stream /dev/stdin" "$(grep -A1 -x -- --stream "$F/argv" | tail -n 1)" "/dev/stdin"
if command -v script >/dev/null && script -qec true /dev/null >/dev/null 2>&1; then
	rm -rf "$F"
	FAKE_DIR=$F ZEROVM=$FAKE script -qec "$ZVSH prog" /dev/null >/dev/null 2>&1
	check "stdin a terminal: --stream by default" "$(grep -A1 -x -- --stream "$F/argv" | tail -n 1)" "/dev/stdin"
	rm -rf "$F"
	FAKE_DIR=$F ZEROVM=$FAKE script -qec "$ZVSH --no-stream prog" /dev/null >/dev/null 2>&1
	hasnt "--no-stream: not even on a terminal" "$F/argv" "^--stream$"
else
	skip "stdin a terminal: --stream by default" "no script(1)"
fi
run --json "$T/w/r.json" prog
check "--json FILE: zerovm --json FILE" "$(grep -A1 -x -- --json "$F/argv" | tail -n 1)" "$T/w/r.json"
run prog @nodir/x
check "@file in a missing directory: exit 2" "$RC" 2
check_re "@file in a missing directory: message" "$(cat "$ERR")" "^zvsh: @nodir/x: cannot create a file in nodir"
run prog @sub
check "@directory: exit 2" "$RC" 2
check_re "@directory: message" "$(cat "$ERR")" "^zvsh: @sub: is a directory"
run prog @sub/
check "@dir/: exit 2" "$RC" 2
if [ "$(id -u)" != 0 ]; then
	echo secret >locked && chmod 000 locked
	run prog @locked
	check "@file unreadable: exit 2" "$RC" 2
else
	skip "@file unreadable: exit 2" "root reads everything"
fi
STDIN=$T/w/in.txt
run prog @/dev/stdin @/dev/stdout @/dev/stderr
has "@/dev/stdin, @/dev/stdout, @/dev/stderr: the program's own streams, no channel" "$N" \
	"args = prog /dev/stdin /dev/stdout /dev/stderr"
hasnt "@/dev/stdout: no second channel" "$M" "/dev/fd/8"
STDIN=/dev/null
run prog @/dev/fd/2
has "@/dev/fd/2: written, at /dev/fd/2 inside" "$M" "Channel = /dev/fd/8, /dev/fd/2, 0, 0, 0, 0, $L, $WL"
check "@/dev/fd/2: zerovm's 8 is zvsh's 2" "$(sed -n 's/^8 //p' "$F/fds")" "$ERR"
rm -rf "$F"
FAKE_DIR=$F ZEROVM=$FAKE FAKE_CAT=8 "$ZVSH" prog @<(echo from-a-pipe) >"$OUT" 2>"$ERR" </dev/null
check "@<(...): process substitution reaches the program" "$(cat "$OUT")" "from-a-pipe"
check_re "@<(...): a pipe" "$(grep ', mode=' "$N" | tail -n 1)" "^channel=/dev/fd/[0-9]+, mode=pipe$"
run prog @/dev/fd/9
check "@/dev/fd/N not open: exit 2" "$RC" 2
rm -rf "$F"
FAKE_DIR=$F ZEROVM=$FAKE "$ZVSH" prog @/dev/fd/7 >"$OUT" 2>"$ERR" </dev/null 7>"$T/w/seven"
check "@/dev/fd/N open for writing: a written channel" "$(grep -c "/dev/fd/8, /dev/fd/7, 0, 0, 0, 0," "$M")" 1
check "@/dev/fd/N: the descriptor, not /proc's path" "$(sed -n 's/^8 //p' "$F/fds")" "$T/w/seven"
args=()
for i in $(seq 15); do args+=("@/dev/fd/0"); done
run prog "${args[@]}"
check "@/dev/fd/0 fifteen times: one channel" "$RC" 0

# ---------------------------------------------------------------- program
run "$T/bin/prog"
has "program by absolute path" "$M" "Program = $T/bin/prog"
cp "$T/bin/prog" ./local
run ./local
has "program by relative path: made absolute" "$M" "Program = $T/w/local"
has "program by relative path: argv[0] as typed" "$N" "args = ./local"
run local
check "bare name in the current directory only: 127" "$RC" 127
check_re "bare name in the current directory: hint" "$(cat "$ERR")" "written ./local"
run nosuchprogram
check "program not found: 127" "$RC" 127
check_re "program not found: message" "$(cat "$ERR")" "^zvsh: nosuchprogram: command not found"
run ./nosuch
check "program path missing: 127" "$RC" 127
run ./sub
check "program is a directory: 126" "$RC" 126
mkdir -p "odd,dir"
cp "$T/bin/prog" "odd,dir/p"
run "./odd,dir/p"
check_re "program path with a comma: given through a link" "$(sed -n 's/^Program = //p' "$M")" \
	"^$T/tmp/zvsh\.[A-Za-z0-9]{6}/link[0-9]+$"

# ---------------------------------------------------------------- images
mkdir -p root/usr/bin root/etc root/opt
printf 'BUSY\n' >root/usr/bin/busy
ln -s usr/bin root/bin
ln -s busy root/usr/bin/sh
ln root/usr/bin/busy root/usr/bin/hard
ln -s ../../../../../../etc/passwd root/etc/escape
ln -s /usr/bin/sh root/opt/abs
ln -s loop1 root/opt/loop2
ln -s loop2 root/opt/loop1
printf 'TOP\n' >root/toplevel
printf 'SHELL\n' >root/usr/bin/bash
tar -C root -cf img.tar .
tar -C root -cf img2.tar --transform 's|usr/bin/busy$|usr/bin/busy|' ./usr/bin/busy
echo 'not a tar' >bad.tar
run --keep "$T/k1" --image img.tar sh -c x
check "image: program found by PATH through a directory symlink" "$RC" 0
has "image: Program extracted into the work directory" "$M" "Program = $T/k1/program"
check "image: the extracted program is the member" "$(cat "$T/k1/program")" "BUSY"
has "image: argv[0] stays as typed" "$N" "args = sh -c x"
has "image: ro channel" "$M" "Channel = $T/w/img.tar, /dev/image0.tar, 1, 0, $L, $L, 0, 0"
has "image: [fstab] line" "$N" "channel=/dev/image0.tar, mountpoint=/, access=ro, removable=no"
check "--keep: manifest, notes, nvram, program, report kept" "$(ls "$T/k1" | tr '\n' ' ')" "manifest notes nvram program report "
check "--keep: the report file" "$(tail -n 1 "$T/k1/report")" "ok"
mkdir -p "$T/k3/report/x"
run --keep "$T/k3" --image img.tar sh -c x
check "--keep: a report that cannot be kept is said, and fails the run (exit 2)" \
	"$RC $(grep -c "^zvsh: cannot replace $T/k3/report: " "$ERR")" "2 1"
run --keep "$T/k2" --image img.tar /bin/bash
check "image: an absolute path is the image's first" "$(cat "$T/k2/program")" "SHELL"
run --image img.tar hard
check "image: a hard link to its file" "$RC:$(grep -c '^Program' "$M")" "0:1"
run --image img.tar /opt/abs
check "image: an absolute symlink inside the image" "$RC" 0
run --image img.tar /etc/escape
check "image: a symlink out of the image is not followed to the host: 127" "$RC" 127
run --image img.tar /opt/loop1
check "image: a symlink loop: 127" "$RC" 127
run --image img.tar toplevel
check "image: a bare name at the top of the image" "$RC" 0
run --image img.tar,/site /site/usr/bin/busy
check "image at /site: its path in the sandbox" "$RC" 0
has "image at /site: [fstab]" "$N" "channel=/dev/image0.tar, mountpoint=/site, access=ro, removable=no"
run --image img.tar,//site/./x/ prog
has "image: mountpoint made clean" "$N" "channel=/dev/image0.tar, mountpoint=/site/x, access=ro, removable=no"
run --image img.tar,/site busy
check "image at /site: a bare name in PATH (/bin, /usr/bin) is not under /site: host PATH next, 127" "$RC" 127
run --env PATH=/site/bin --image img.tar,/site busy
check "image at /site: the program's PATH is searched" "$RC" 0
run --image img.tar nosuch
check "image: not found anywhere: 127" "$RC" 127
check_re "image: not found: message" "$(cat "$ERR")" "on the host or in the images"
run --image img.tar prog
has "image: not in the image: the host's PATH" "$M" "Program = $T/bin/prog"
run --zvm-image img.tar --image out.tar,/out,wo --image img2.tar,/b sh
has "--zvm-image: same as --image" "$N" "channel=/dev/image0.tar, mountpoint=/, access=ro, removable=no"
has "image wo: written channel (an output's quotas)" "$M" "Channel = $T/w/out.tar, /dev/image1.tar, 0, 0, 0, 0, $L, $WL"
has "image wo: [fstab] access=wo" "$N" "channel=/dev/image1.tar, mountpoint=/out, access=wo, removable=no"
has "image: third alias" "$M" "Channel = $T/w/img2.tar, /dev/image2.tar, 1, 0, $L, $L, 0, 0"
run --image missing.tar prog
check "image missing: exit 2" "$RC" 2
run --image bad.tar sh
check "image not a tar, needed for the program: exit 2" "$RC" 2
check_re "image not a tar: message" "$(cat "$ERR")" "bad.tar: not a valid tar archive"
run --image bad.tar prog -x
check "image not a tar, program on the host: still refused (images are searched first)" "$RC" 2
echo i >image0.tar
run --image img.tar prog @image0.tar
has "@file named like an image's channel: at its own name, not the image's" "$M" "Channel = $T/w/image0.tar, /image0.tar, 1, 0, $L, $L, 0, 0"

# ---------------------------------------------------------------- zerovm's outcome
run prog
check "stdout: only the program's output" "$(cat "$OUT")" ""
FAKE_OUT=hello FAKE_ERR=oops run prog
check "program stdout through descriptor 3" "$(cat "$OUT")" "hello"
check "program stderr through descriptor 4" "$(cat "$ERR")" "oops"
FAKE_DIAG="zerovm: chatter" run prog
check "zerovm's own messages are not shown when all went well" "$(cat "$ERR")" ""
FAKE_CODE=7 run prog
check "exit: the program's code" "$RC" 7
FAKE_CODE=300 run prog
check "exit: the program's code, modulo 256" "$RC" 44
FAKE_CODE=-1 run prog
check "exit: a negative code" "$RC" 255
FAKE_CODE=7 run --getrc prog
check "--getrc: zerovm's code" "$RC" 0
FAKE_STATE="Signal 11 from untrusted code: Segmentation fault" FAKE_RC=4 run prog
check "crash: 128 + signal" "$RC" 139
check "crash: said on stderr" "$(cat "$ERR")" "zvsh: Signal 11 from untrusted code: Segmentation fault"
FAKE_STATE="Signal 31 from untrusted code: Bad system call" FAKE_RC=4 run --zvm-getrc prog
check "--zvm-getrc: zerovm's code" "$RC" 4
FAKE_STATE="session timeout" FAKE_RC=4 run prog
check "timeout: 124" "$RC" 124
check "timeout: said" "$(cat "$ERR")" "zvsh: session timeout"
FAKE_STATE="disk quota exceeded" FAKE_RC=4 run prog
check "disk quota: 153" "$RC" 153
FAKE_STATE="Signal 15 from trusted code: session stopped" FAKE_RC=4 run prog
check "stopped by SIGTERM: 143" "$RC" 143
check "stopped: nothing said" "$(cat "$ERR")" ""
FAKE_STATE="manifest line 3: Memory: invalid memory size 0" FAKE_RC=12 \
	FAKE_DIAG="zerovm: manifest line 3: Memory: invalid memory size 0" run prog
check "zerovm failure: its exit code" "$RC" 12
check "zerovm failure: said once, by zvsh" "$(cat "$ERR")" "zvsh: manifest line 3: Memory: invalid memory size 0"
FAKE_NOREPORT=1 FAKE_RC=22 FAKE_DIAG="zerovm: unknown option -X" run prog
check "no report: zerovm's code" "$RC" 22
check "no report: zerovm's own message is shown" "$(cat "$ERR")" "zerovm: unknown option -X"
FAKE_NOREPORT=1 run prog
check "no report and exit 0: 2" "$RC" 2
FAKE_KILL=KILL run prog
check "zerovm killed: 128 + signal" "$RC" 137
check_re "zerovm killed: said" "$(cat "$ERR")" "^zvsh: zerovm was killed by signal 9"
FAKE_CODE=3 run --report prog
check "--report: exit status unchanged" "$RC" 3
check "--report: the six lines on stderr" "$(cat "$ERR" | tr '\n' '|')" "0|0|3|disabled|0.00 0.00 0 0 0 0 0 0 0 0|ok|"
check "--report: nothing on stdout" "$(cat "$OUT")" ""
run prog
check "zerovm's descriptors: 0 stdin, 1 and 2 pipes to zvsh, 3 and 4 zvsh's stdout and stderr, nothing else" \
	"$(sed 's/pipe:.*/pipe/' "$F/fds" | tr '\n' '|')" \
	"0 /dev/null|1 pipe|2 pipe|3 $OUT|4 $ERR|5 /memfd:notes (deleted)|6 /memfd:nvram (deleted)|7 /memfd:manifest (deleted)|"
STDIN=$T/w/in.txt FAKE_CAT=0 run prog
check "stdin reaches the program" "$(cat "$OUT")" "data"
run --keep "$T/k,2" prog
check "--keep with a comma: exit 2" "$RC" 2
TMPDIR="$T/tmp/a,b" run "./odd,dir/p"
check_re "TMPDIR that cannot go into a manifest: /tmp instead" "$(sed -n 's/^Program = //p' "$M")" \
	"^/tmp/zvsh\.[A-Za-z0-9]{6}/link[0-9]+$"
check "  ... removed at the end" "$(ls -d "$(sed -n 's/^Program = //p' "$M" | xargs dirname)" 2>/dev/null)" ""
TMPDIR="$T/missing" run prog
check "TMPDIR missing: a session that needs no work directory runs" "$RC" 0
TMPDIR="$T/missing" run "./odd,dir/p"
check "TMPDIR missing and a link needed: exit 2, said" "$RC:$(head -n 1 "$ERR")" \
	"2:zvsh: cannot create a work directory in $T/missing: No such file or directory"
run --keep "$T/kk" prog
check "--keep DIR: manifest, nvram and notes are files there" "$(tail -n 1 "$F/argv"):$(ls "$T/kk" | tr '\n' ' ')" \
	"$T/kk/manifest:manifest notes nvram report "

# ---------------------------------------------------------------- finding zerovm
mkdir -p "$T/side"
cp "$ZVSH" "$T/side/zvsh"
ln -s "$FAKE" "$T/side/zerovm"
rm -rf "$F"
(unset ZEROVM; FAKE_DIR=$F "$T/side/zvsh" prog >"$OUT" 2>"$ERR" </dev/null)
check "zerovm beside zvsh is used" "$?:$(test -f "$F/manifest" && echo ran)" "0:ran"
mkdir -p "$T/alone" "$T/pathbin"
cp "$ZVSH" "$T/alone/zvsh"
(unset ZEROVM; PATH=$T/bin:/usr/bin:/bin "$T/alone/zvsh" prog >"$OUT" 2>"$ERR" </dev/null)
RC=$?
if command -v zerovm >/dev/null 2>&1 && [ "$(PATH=/usr/bin:/bin command -v zerovm)" != "" ]; then
	skip "zerovm nowhere: 127" "a zerovm is installed in /usr/bin or /bin"
else
	check "zerovm nowhere: 127" "$RC" 127
	check_re "zerovm nowhere: message" "$(cat "$ERR")" "^zvsh: zerovm not found"
fi
ln -s "$FAKE" "$T/pathbin/zerovm"
rm -rf "$F"
(unset ZEROVM; FAKE_DIR=$F PATH=$T/bin:$T/pathbin:/usr/bin:/bin "$T/alone/zvsh" prog >"$OUT" 2>"$ERR" </dev/null)
check "zerovm from PATH" "$?:$(test -f "$F/manifest" && echo ran)" "0:ran"
ZEROVM=$T/nonexistent "$ZVSH" prog >"$OUT" 2>"$ERR" </dev/null
check "\$ZEROVM missing: 127" "$?" 127
check_re "\$ZEROVM missing: message" "$(cat "$ERR")" "^zvsh: cannot run $T/nonexistent: No such file"
ZEROVM=$T/w/names.txt "$ZVSH" prog >"$OUT" 2>"$ERR" </dev/null
check "\$ZEROVM not executable: 126" "$?" 126
check "no work directory left behind" "$(ls "$T/tmp")" ""

# ---------------------------------------------------------------- signals
# stop_test SIG STATUS: zvsh in the background, SIG sent to zvsh alone.
stop_test() {
	rm -rf "$F"
	set -m # so that a background job does not ignore SIGINT
	FAKE_DIR=$F FAKE_WAIT=1 ZEROVM=$FAKE "$ZVSH" prog >"$OUT" 2>"$ERR" </dev/null &
	local pid=$!
	set +m
	for _ in $(seq 100); do [ -e "$F/ready" ] && break; sleep 0.05; done
	kill -"$1" "$pid"
	wait "$pid"
	RC=$?
	check "SIG$1 to zvsh: forwarded, zerovm's stop reported, $2" "$RC" "$2"
}
stop_test TERM 143
stop_test INT 130
stop_test HUP 129
check "signals: no work directory left behind" "$(ls "$T/tmp")" ""

# ---------------------------------------------------------------- sockets
if command -v python3 >/dev/null 2>&1; then
	cat >"$T/sock.py" <<'EOF'
import os, socket, subprocess, sys
# argv: which (stdin|stdout) zvsh args...
which, cmd = sys.argv[1], sys.argv[2:]
a, b = socket.socketpair()
if which == "stdout":
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=b)
    b.close()
    data = b""
    while True:
        c = a.recv(65536)
        if not c:
            break
        data += c
    sys.stdout.write(data.decode())
else:
    p = subprocess.Popen(cmd, stdin=b)
    b.close()
    a.sendall(b"through a socket\n")
    a.shutdown(socket.SHUT_WR)
sys.exit(p.wait())
EOF
	rm -rf "$F"
	FAKE_DIR=$F FAKE_OUT=relayed ZEROVM=$FAKE python3 "$T/sock.py" stdout "$ZVSH" prog >"$OUT" 2>"$ERR"
	check "stdout a socket: relayed" "$?:$(cat "$OUT")" "0:relayed"
	check_re "stdout a socket: zerovm gets a pipe" "$(sed -n 's/^3 //p' "$F/fds")" "^pipe:"
	has "stdout a socket: [mapping] pipe" "$N" "channel=/dev/stdout, mode=pipe"
	rm -rf "$F"
	FAKE_DIR=$F FAKE_CAT=0 ZEROVM=$FAKE python3 "$T/sock.py" stdin "$ZVSH" prog >"$OUT" 2>"$ERR"
	check "stdin a socket: relayed" "$?:$(cat "$OUT")" "0:through a socket"
	rm -rf "$F"
	FAKE_DIR=$F FAKE_CODE=5 ZEROVM=$FAKE timeout -k 5 20 python3 -c 'import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' "$ZVSH" prog >"$OUT" 2>"$ERR" </dev/null
	check "started with SIGCHLD ignored: zerovm still waited for" "$?" 5
else
	skip "sockets relayed" "no python3"
fi

# ---------------------------------------------------------------- for real
BB=$(command -v busybox 2>/dev/null)
if [ -z "$REAL" ]; then
	skip "real sessions" "no zerovm given"
elif [ -z "$BB" ] || ! file -L "$BB" 2>/dev/null | grep -q "statically linked"; then
	skip "real sessions" "no static busybox"
else
	printf 'carol\nalice\nbob\n' >"$T/w/names.txt"
	ZEROVM=$REAL "$ZVSH" busybox sort @names.txt >"$OUT" 2>"$ERR" </dev/null
	check "real: busybox sort @names.txt" "$?:$(cat "$OUT" | tr '\n' ' ')" "0:alice bob carol "
	echo "a b c" | ZEROVM=$REAL "$ZVSH" busybox wc -w >"$OUT" 2>"$ERR"
	check "real: stdin" "$(tr -d ' ' <"$OUT")" "3"
	ZEROVM=$REAL "$ZVSH" busybox sh -c 'exit 9' >"$OUT" 2>"$ERR" </dev/null
	check "real: the program's exit status" "$?" 9
	rm -f "$T/w/sorted"
	ZEROVM=$REAL "$ZVSH" busybox sort @names.txt -o @sorted >"$OUT" 2>"$ERR" </dev/null
	check "real: @file written" "$?:$(tr '\n' ' ' <"$T/w/sorted")" "0:alice bob carol "
	mkdir -p "$T/root/bin"
	cp "$BB" "$T/root/bin/busybox"
	echo "in the image" >"$T/root/motd"
	tar -C "$T/root" -cf "$T/w/bb.tar" .
	ZEROVM=$REAL "$ZVSH" --image bb.tar busybox cat /motd >"$OUT" 2>"$ERR" </dev/null
	check "real: the program and a file from an image" "$?:$(cat "$OUT")" "0:in the image"
	ZEROVM=$REAL "$ZVSH" --report busybox true >"$OUT" 2>"$ERR" </dev/null
	check "real: --report" "$(tail -n 1 "$ERR"):$(cat "$OUT")" "ok:"

	# Files at their own names: the output equals the native run's.
	cd "$T/w" || exit 1
	printf 'one two\nthree four five\n' >text
	for cmd in "wc @text" "wc -l @text @names.txt" "head -n 1 @text" "md5sum @text @names.txt"; do
		ZEROVM=$REAL "$ZVSH" busybox $cmd >"$OUT" 2>"$ERR" </dev/null
		check "real: zvsh busybox $cmd = busybox ${cmd//@/} natively" "$(cat "$OUT")" "$("$BB" ${cmd//@/} 2>&1)"
	done
	ZEROVM=$REAL "$ZVSH" busybox sha256sum @text @names.txt >sums 2>"$ERR" </dev/null
	check "real: sha256sum @f > sums; sha256sum -c sums on the host" "$(sha256sum -c sums 2>&1 | tr '\n' ' ')" \
		"text: OK names.txt: OK "
	ZEROVM=$REAL "$ZVSH" busybox date -u -d @@1700000000 >"$OUT" 2>"$ERR" </dev/null
	check "real: @@x passes @x (date -d @1700000000), no file made" \
		"$(cat "$OUT")$([ -e 1700000000 ] && echo ' made')" "$("$BB" date -u -d @1700000000)"
	ZEROVM=$REAL "$ZVSH" --chdir /work busybox pwd >"$OUT" 2>"$ERR" </dev/null
	check "real: --chdir /work: the program starts there" "$(cat "$OUT")" "/work"
	ZEROVM=$REAL "$ZVSH" --chdir /work busybox wc @text >"$OUT" 2>"$ERR" </dev/null
	check "real: --chdir: a relative @file is found from it" "$(cat "$OUT")" "$("$BB" wc text)"

	# Nothing lost without a word.
	rm -f sorted.csv
	ZEROVM=$REAL "$ZVSH" busybox sort -o sorted.csv @names.txt >"$OUT" 2>"$ERR" </dev/null
	check "real: a file written inside and discarded: said, nothing on the host" \
		"$(cat "$ERR")$([ -e sorted.csv ] && echo ' made')" \
		"zvsh: sorted.csv was written inside the sandbox and discarded; use --out sorted.csv or --bind"
	ZEROVM=$REAL "$ZVSH" -q busybox sort -o sorted.csv @names.txt >"$OUT" 2>"$ERR" </dev/null
	check "real: -q: no warning" "$?:$(cat "$ERR")" "0:"
	ZEROVM=$REAL "$ZVSH" busybox cp @names.txt /tmp/n >"$OUT" 2>"$ERR" </dev/null
	check "real: what is left in /tmp is scratch: no warning" "$(cat "$ERR")" ""
	for i in 1 2; do
		ZEROVM=$REAL "$ZVSH" --out sorted.csv busybox sort -o sorted.csv @names.txt >"$OUT" 2>"$ERR" </dev/null
		check "real: --out FILE, run $i: written, as natively" "$?:$(cat sorted.csv):$(cat "$ERR")" \
			"0:$("$BB" sort names.txt):"
	done
	check "real: --out FILE: mode 0666 less the umask" "$(stat -c %a sorted.csv)" \
		"$(printf '%o' $((0666 & ~0$(umask))))"
	ZEROVM=$REAL "$ZVSH" busybox sort -o @sorted.csv @names.txt >"$OUT" 2>"$ERR" </dev/null
	check "real: @FILE that exists is read only; the refused write is explained" "$(tail -n 1 "$ERR")" \
		"zvsh: sorted.csv exists, so the program was given it to read only and its write was refused; use --out sorted.csv to let the program replace it"
	# What the kernel's exec looks at, done by zvsh.
	printf '#!%s sh\necho "$0" "$@"; read first <names.txt; echo "$first"\n' "$BB" >script.sh
	chmod +x script.sh
	ZEROVM=$REAL "$ZVSH" --in names.txt ./script.sh a "b c" >"$OUT" 2>"$ERR" </dev/null
	check "real: a #! script runs with the interpreter it names, as natively" \
		"$?:$(cat "$OUT")" "0:$(./script.sh a "b c")"
	cp "$T/w/bb.tar" img.tar
	mkdir -p "$T/sroot/bin" && printf '#!/bin/busybox sh\necho from the image "$@"\n' >"$T/sroot/bin/hello"
	ln -s busybox "$T/sroot/bin/sh"
	chmod +x "$T/sroot/bin/hello" && tar -C "$T/sroot" -rf img.tar ./bin/hello ./bin/sh
	printf '#!/usr/bin/env sh\necho via env "$1"\n' >envscript
	ZEROVM=$REAL "$ZVSH" --image img.tar ./envscript x >"$OUT" 2>"$ERR" </dev/null
	check "real: #!/usr/bin/env NAME: NAME from the program's PATH (here the image's /bin/sh)" \
		"$?:$(cat "$OUT")" "0:via env x"
	ZEROVM=$REAL "$ZVSH" --image img.tar /bin/hello x >"$OUT" 2>"$ERR" </dev/null
	check "real: a script and its interpreter from an image" "$?:$(cat "$OUT")" "0:from the image x"
	DYN=$(command -v expr)
	if [ -n "$DYN" ] && file -L "$DYN" | grep -q dynamically; then
		XDG_CACHE_HOME=$T/cache ZEROVM=$REAL "$ZVSH" "$DYN" 6 '*' 7 >"$OUT" 2>"$ERR" </dev/null
		check "real: a dynamically linked program runs (tests/func/dynamic.sh for more)" "$?:$(cat "$OUT")" \
			"0:42"
	fi
	printf '#!/bin/sh\necho dash "$1"\n' >dashscript && chmod +x dashscript
	XDG_CACHE_HOME=$T/cache ZEROVM=$REAL "$ZVSH" ./dashscript x >"$OUT" 2>"$ERR" </dev/null
	check "real: a script whose interpreter is dynamic (dash) runs" "$?:$(cat "$OUT")" "0:dash x"
	ZEROVM=$REAL "$ZVSH" --memory 100K busybox true >"$OUT" 2>"$ERR" </dev/null
	check "real: --memory too small for any program: said with the option's name" "$? $(cat "$ERR")" \
		"12 zvsh: --memory 100K is too small for any program; give it a few megabytes or more (the default is 1G)"
	ZEROVM=$REAL "$ZVSH" --memory 2M busybox true >"$OUT" 2>"$ERR" </dev/null
	check "real: a program larger than --memory: said with the option's name" "$? $(cat "$ERR")" \
		"8 zvsh: busybox does not fit in --memory 2M; give it more (the default is 1G)"

	# --stream: a co-process answers line by line; without it, the first
	# answer comes only with the end of input (whole reads).
	rm -f "$T/f1" "$T/f2" && mkfifo "$T/f1" "$T/f2"
	for mode in --stream --no-stream; do
		(ZEROVM=$REAL "$ZVSH" $mode busybox awk '{ print "got", $0; fflush() }' <"$T/f1" >"$T/f2" 2>"$ERR" &)
		exec 7>"$T/f1" 8<"$T/f2"
		echo hello >&7
		r1=$(read -r -t 3 l <&8 && echo "$l")
		exec 7>&-
		r2=$(read -r -t 10 l <&8 && echo "$l")
		exec 8<&-
		if [ $mode = --stream ]; then
			check "real: --stream: a co-process's answer comes before the end of input" "$r1|$r2" "got hello|"
		else
			check "real: --no-stream: the answer waits for the end of input (whole reads)" "$r1|$r2" "|got hello"
		fi
	done

	# The notes come from inside: a program may forge them.
	ZEROVM=$REAL "$ZVSH" busybox sh -c 'printf "discarded /a\\\\x1b[31mb\nreadonly /c\033[32m\n" >/dev/zvsh.notes' \
		>"$OUT" 2>"$ERR" </dev/null
	check "real: forged notes: a control byte in a name is shown as \\xHH, a raw one drops the line" \
		"$(grep -c $'\033' "$ERR") $(grep -c 'a\\x1b\[31mb was written' "$ERR") $(wc -l <"$ERR")" "0 1 1"
	ZEROVM=$REAL "$ZVSH" busybox sh -c 'i=0; while [ $i -lt 150 ]; do echo x >f$i; i=$((i+1)); done' \
		>"$OUT" 2>"$ERR" </dev/null
	check "real: 150 files discarded: 100 warnings, then a count" \
		"$(grep -c 'was written inside the sandbox and discarded' "$ERR") $(tail -n 1 "$ERR")" \
		"100 zvsh: ... and 50 more such files"
	ZEROVM=$REAL "$ZVSH" --json "$T/w/r.json" busybox true >"$OUT" 2>"$ERR" </dev/null
	check "real: --json FILE: zerovm's JSON report" "$(grep -c '"exit":{"code":0,"state":"ok"' "$T/w/r.json")" 1
	cd "$T" || exit 1
fi

finish
