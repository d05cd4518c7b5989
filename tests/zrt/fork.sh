#!/bin/bash
# fork.sh ZVSH BUILD - the fork file and resumed sessions, the runtime's
# side (docs/zrt.md, "Snapshots").
#
# A static glibc program (tests/zrt/fork/forkprobe.c) reads /dev/fork and
# prints the session it is in and the state it carried across the fork.
# Cold, the read answers at once with the session's arguments and
# environment. Snapshotted (zerovm --snapshot) and resumed (--resume): the
# resumed session gives the same output, the same etags of its output
# channels and the same memory etag as a cold session of the same
# manifest; a resumed session with other arguments, environment and
# channel sources sees only its own; its nvram may not change what the
# snapshot set up (refused, 127); a fork with two threads or after a write
# is refused (EBUSY).
#
# BUILD holds zerovm and zrt/forkprobe. Prints "ok - ..." lines and "N
# passed, M failed".
set -u
ZVSH=$(readlink -f "$1")
B=$(readlink -f "$2")
export ZEROVM=$B/zerovm
P=$B/zrt/forkprobe
. "$(dirname "$0")/../lib.sh"
CHECK_TWO_LINES=1 SKIP=0
tmpdir zrt-fork
cd "$T" || exit 1

# An image with a file the probe opens before the fork and reads after it.
mkdir -p src/img
echo "hello image file contents" >src/img/data.txt
tar --format=gnu --owner=1000 --group=1000 --numeric-owner --mtime='2020-02-02' -C src -cf img.tar img
echo "first input" >in1.txt
echo "second input" >in2.txt

# ---------------------------------------------------------------- cold
"$ZVSH" --keep k1 --env ANSWER=42 --image img.tar "$P" @in1.txt >cold.out 2>cold.err
rc=$?
check "cold: /dev/fork answers with the session's arguments and environment" \
	"$rc $(sed -n 1,2p cold.out | tr '\n' '|')" \
	"0 args 2: [$P] [in1.txt]|env 4: [PATH=/bin:/usr/bin] [HOME=/] [LANG=C] [ANSWER=42]|"
check "cold: the state from before the read is there after it (heap, TLS, rounding mode, an open file)" \
	"$(sed -n '4p;6p' cold.out | tr '\n' '|')" \
	"heap 1048576/1048576 tls 4242 round-up 1 (1/3 rounds up)|image file: [hell] then [o image file contents|"

"$ZVSH" "$P" --threads >thr.out 2>thr.err
check "a fork with two threads is refused: EBUSY, said on stderr" "$? $(cat thr.out) $(cat thr.err)" \
	"0 fork with two threads: Device or resource busy zrt: fork: 2 threads run; a snapshot carries one (EBUSY)"
"$ZVSH" "$P" --written >wr.out 2>wr.err
check "a fork after a write to a channel is refused: EBUSY, said on stderr" "$? $(tr '\n' '|' <wr.out) $(cat wr.err)" \
	"0 before|fork after a write: Device or resource busy| zrt: fork: /dev/stdout was written before the fork (EBUSY)"
echo x | "$ZVSH" "$P" --stdin >rd.out 2>rd.err
check "a fork after a read of stdin (sequential) is refused: EBUSY, said on stderr" "$? $(cat rd.out) $(cat rd.err)" \
	"0 read 1, fork after a read of stdin: Device or resource busy zrt: fork: /dev/stdin (sequential) was read before the fork (EBUSY)"
"$ZVSH" "$P" --again >again.out 2>again.err
check "the fork file read again, and on another descriptor: the same bytes; a write EINVAL; nothing on stderr" \
	"$? $(cat again.out)|$(cat again.err)" \
	"0 fork and again: the same bytes; another descriptor's first 8 bytes the same; a write -1 (Invalid argument)|"

# ---------------------------------------------------------------- snapshots
if ! "$ZEROVM" --help 2>&1 | grep -q -- --snapshot; then
	echo "ok - # SKIP snapshots: this zerovm has no --snapshot"
	SKIP=$((SKIP + 1))
	finish
	exit
fi

# zvm OUT MANIFEST [OPTIONS...]: zerovm on a kept manifest, memory etag
# on, stdout in OUT, report in OUT.rep, status RC, etags of the memory
# (ME) and of stdout (SE).
zvm() {
	local out=$1 man=$2
	shift 2
	timeout 120 "$ZEROVM" -C "$@" "$man" </dev/null 3>"$out" 4>"$out.err" >"$out.rep" 2>"$out.zerr"
	RC=$?
	UC=$(tail -n 6 "$out.rep" | sed -n 3p)
	ME=$(grep -o '/dev/memory [0-9a-f]*' "$out.rep")
	SE=$(grep -o '/dev/stdout [0-9a-f]*' "$out.rep")
}
sed -i 's/^\(Memory = [0-9]*\), 0$/\1, 1/' k1/manifest
zvm c1.out k1/manifest
zvm s1.out k1/manifest --snapshot snap1
check "zerovm --snapshot: the session that took the snapshot goes on as a cold one (output, etags)" \
	"$RC $(cmp -s c1.out s1.out && echo same) $([ -s snap1 ] && echo snap) $([ "$ME" == "$(grep -o '/dev/memory [0-9a-f]*' c1.out.rep)" ] && echo mem)" \
	"0 same snap mem"
C_ME=$(grep -o '/dev/memory [0-9a-f]*' c1.out.rep)
C_SE=$(grep -o '/dev/stdout [0-9a-f]*' c1.out.rep)
zvm r1.out k1/manifest --resume snap1
check "resumed with the same manifest: same output, stdout etag and memory etag as cold" \
	"$RC $(cmp -s c1.out r1.out && echo same) $SE $ME" "0 same $C_SE $C_ME"
zvm r1b.out k1/manifest --resume snap1
check "resumed twice: the same output and memory etag" \
	"$RC $(cmp -s r1.out r1b.out && echo same) $ME" "0 same $C_ME"

# Another session: other arguments, environment and channel source.
"$ZVSH" --keep k2 --env ANSWER=43 --env MORE=yes --image img.tar "$P" @in1.txt extra >k2.out 2>&1
sed -i 's/^\(Memory = [0-9]*\), 0$/\1, 1/' k2/manifest
sed -i "s|$T/in1.txt|$T/in2.txt|" k2/manifest
zvm c2.out k2/manifest
zvm r2.out k2/manifest --resume snap1
check "resumed with new arguments, environment and channel source: it sees only its own" \
	"$RC $(sed -n 1,2p r2.out | tr '\n' '|')$(grep '^in1.txt' r2.out)" \
	"0 args 3: [$P] [in1.txt] [extra]|env 5: [PATH=/bin:/usr/bin] [HOME=/] [LANG=C] [ANSWER=43] [MORE=yes]|in1.txt: second input"
check "resumed with new arguments: the same output and stdout etag as a cold session of that manifest" \
	"$(cmp -s c2.out r2.out && echo same) $SE" "same $(grep -o '/dev/stdout [0-9a-f]*' c2.out.rep)"
check "the clock and the generator go on from the snapshot as in a cold session" \
	"$(grep '^random' r2.out)" "$(grep '^random' c2.out)"

# Protections the program set after start travel with the snapshot.
"$ZVSH" --keep kx "$P" --exec >x.cold 2>&1
zvm x.snap kx/manifest --snapshot snapx
zvm x.res kx/manifest --resume snapx
check "protections: code in a page made R+X before the fork runs after a resume" \
	"$(cat x.cold) $UC $(cat x.res)" "fork ok, code 42 then 42 0 fork ok, code 42 then 42"

# What the snapshot set up from its nvram cannot change.
sed 's/^seconds=0$/seconds=5/' k2/nvram >k2/nvram.time
sed "s|$T/k2/nvram,|$T/k2/nvram.time,|" k2/manifest >k2/manifest.time
zvm r3.out k2/manifest.time --resume snap1
check "resumed with another [time]: refused by the runtime (127), said" \
	"$RC $UC $(cat r3.out.err)" \
	"0 127 zrt: resume: the nvram's [time] differs from the snapshot's (only [args], [env] and [debug] may change); take a new snapshot"

# A new nvram larger than the room the snapshot kept for it (64 KiB): the
# supervisor has already written it there; the runtime ends the session.
big=$(head -c 70000 /dev/zero | tr '\0' x)
"$ZVSH" --keep kbig --env "BIG=$big" --image img.tar "$P" @in1.txt >kbig.out 2>&1
zvm r4.out kbig/manifest --resume snap1
check "resumed with an nvram larger than the room kept for it: refused by the runtime (127), said" \
	"$RC $UC $(sed 's/([0-9]* bytes)/(N bytes)/' r4.out.err)" \
	"0 127 zrt: resume: the new nvram (N bytes) is larger than the room the snapshot kept for it (65536)"

# The new nvram from a FIFO: the supervisor cannot hand it over, and a
# resumed runtime does not read channels at start: refused, said.
mkfifo nvfifo
sed "s|^Channel = [^,]*, /dev/nvram,|Channel = $T/nvfifo, /dev/nvram,|" k1/manifest >k1/manifest.fifo
(timeout 60 cat k1/nvram >nvfifo 2>/dev/null &)
zvm r5.out k1/manifest.fifo --resume snap1
check "resumed with the nvram on a FIFO: refused by the runtime (127), said" "$RC $UC $(cat r5.out.err)" \
	"0 127 zrt: resume: the new session's /dev/nvram is not a file zerovm could hand over (a pipe?): a resumed session has no other way to read it"

finish
