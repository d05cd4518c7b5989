#!/usr/bin/env bash
# Network channels end to end (docs/network.md): zerovm sessions joined by
# tcp: channels on loopback, the name server zvns, and tests/func/netpeer
# playing a peer that misbehaves on purpose.
#
#   tests/func/net.sh BUILD_DIR [ZEROVM]
#
# BUILD_DIR holds guests/probe, zvns and netpeer; ZEROVM defaults to
# BUILD_DIR/zerovm (the sanitizer build passes its own). Ports are free ones
# found by the test (netpeer port, or 0 where the supervisor picks). Every
# session is bounded: by its manifest's Timeout and, around it, by
# timeout(1), so a hang is a failure, not a stuck suite. Ends with "N passed,
# N failed".
set -u
B=$(readlink -f "$1")
ZVM=$(readlink -f "${2:-$B/zerovm}")
G=$B/guests
NP=$B/netpeer
NS=$B/zvns
T=$(mktemp -d /tmp/zvm-net.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
bad() {
	FAIL=$((FAIL + 1))
	echo "not ok - $1"
	echo "#   $2"
	for f in "${SHOW[@]:-}"; do [ -f "$f" ] && sed "s#^#\#   $(basename "$f"): #" "$f" | tail -n 12; done
}
SHOW=()
check() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "got [$2] want [$3]"; fi; }
check_re() { if [[ "$2" =~ $3 ]]; then ok "$1"; else bad "$1" "got [$2] want /$3/"; fi; }

# rep FILE N: line N of the report at the end of FILE (a session's stdout)
rep() { tail -n 6 "$1" | sed -n "${2}p"; }
# field FILE N: field N of report line 5
field() { rep "$1" 5 | awk -v n="$2" '{ print $n }'; }
# etag_of FILE ALIAS: the etag report line 4 gives ALIAS
etag_of() { rep "$1" 4 | awk -v a="$2" '{ for (i = 1; i < NF; i += 2) if ($i == a) print $(i + 1) }'; }
port() { "$NP" port; }

# manifest FILE SCRIPT_FILE [lines...]: a probe session with stdin = the
# script; Timeout $TO (default 10), Memory's etag $ME (default 1)
manifest() {
	local f=$1 script=$2
	shift 2
	{
		echo "Version = 20130611"
		echo "Program = $G/probe"
		echo "Memory = 33554432, ${ME:-1}"
		echo "Timeout = ${TO:-10}"
		echo "Channel = $script, /dev/stdin, 0, 0, 100000, 100000, 0, 0"
		echo "Channel = /dev/stdout, /dev/stdout, 0, 0, 0, 0, 100000, 10000000"
		echo "Channel = /dev/stderr, /dev/stderr, 0, 0, 0, 0, 100000, 1000000"
		for l in "$@"; do echo "$l"; done
	} >"$f"
}
# session NAME MANIFEST: run zerovm in the background, bounded by timeout(1);
# its stdout/stderr/rc go to $T/NAME.{out,err,rc}
session() {
	local name=$1 m=$2
	(
		timeout -k 2 "${OUTER:-30}" "$ZVM" --json "$T/$name.json" "$m" >"$T/$name.out" 2>"$T/$name.err" </dev/null
		echo $? >"$T/$name.rc"
	) &
	LAST=$!
}
rc_of() { cat "$T/$1.rc" 2>/dev/null || echo none; }

# The reader and the writer of one channel, carrying $T/data: the writer's
# program copies /dev/data (handle 3) to /dev/net (4) in pieces of 1000 and
# 7777 bytes; the reader's copies /dev/in (3) to /dev/out (4) in 65536.
# reader_m FILE SOURCE [etag] [gets get_size]; writer_m FILE SOURCE [etag] [puts put_size] [extra lines...]
printf 'copy 3 4 65536\n' >"$T/rscript"
printf 'copy 3 4 1000,7777\n' >"$T/wscript"
reader_m() {
	local f=$1 src=$2 e=${3:-1} gets=${4:-100000} gsize=${5:-100000000}
	shift 5 2>/dev/null || shift $#
	manifest "$f" "$T/rscript" "Channel = $src, /dev/in, 0, $e, $gets, $gsize, 0, 0" \
		"Channel = $T/out, /dev/out, 0, $e, 0, 0, 100000, 100000000" "$@"
}
writer_m() {
	local f=$1 src=$2 e=${3:-1} puts=${4:-100000} psize=${5:-100000000}
	shift 5 2>/dev/null || shift $#
	manifest "$f" "$T/wscript" "Channel = $T/data, /dev/data, 0, $e, 100000, 100000000, 0, 0" \
		"Channel = $src, /dev/net, 0, $e, 0, 0, $puts, $psize" "$@"
}
head -c 3000000 /dev/urandom >"$T/data"
SIZE=3000000
SHA=$(sha1sum <"$T/data" | cut -d' ' -f1)

# ------------------------------------------------------ two sessions, raw
# pair_raw NAME FIRST: reader and writer over tcp:127.0.0.1:<free port>,
# FIRST (reader|writer) started first.
pair_raw() {
	local name=$1 first=$2 p
	p=$(port)
	rm -f "$T/out"
	reader_m "$T/r.m" "tcp:127.0.0.1:$p"
	writer_m "$T/w.m" "tcp:127.0.0.1:$p"
	if [ "$first" = reader ]; then
		session r "$T/r.m"
		sleep 0.2
		session w "$T/w.m"
	else
		session w "$T/w.m"
		sleep 0.5
		session r "$T/r.m"
	fi
	wait
	SHOW=("$T/r.out" "$T/r.err" "$T/w.out" "$T/w.err")
	check "$name: reader exit 0, writer exit 0" "$(rc_of r) $(rc_of w)" "0 0"
	check "$name: states ok" "$(rep "$T/r.out" 6) $(rep "$T/w.out" 6)" "ok ok"
	if cmp -s "$T/data" "$T/out"; then ok "$name: the bytes arrive equal (cmp)"; else bad "$name: bytes differ" "$(cmp "$T/data" "$T/out" 2>&1)"; fi
	check "$name: reader's program read it all, then end of input" "$(head -n 1 "$T/r.out")" "= $SIZE 46 0 0"
	# Report line 5: fields 7-8 network reads and bytes, 9-10 writes and bytes.
	check "$name: reader's network accounting (47 reads, 46 with data and the end)" \
		"$(field "$T/r.out" 7) $(field "$T/r.out" 8) $(field "$T/r.out" 9) $(field "$T/r.out" 10)" "47 $SIZE 0 0"
	check "$name: writer's network accounting" \
		"$(field "$T/w.out" 7) $(field "$T/w.out" 8) $(field "$T/w.out" 9) $(field "$T/w.out" 10)" "0 0 684 $SIZE"
	if command -v jq >/dev/null; then
		check "$name: zerovm --json has line 5's network fields, on both sides" \
			"$(jq -r '.accounting.network | [.reads, .read_bytes, .writes, .write_bytes] | join(" ")' \
				"$T/r.json" "$T/w.json" | tr '\n' ' ')" "47 $SIZE 0 0 0 0 684 $SIZE "
	fi
	check "$name: etags equal sha1sum on both sides" \
		"$(etag_of "$T/r.out" /dev/in) $(etag_of "$T/w.out" /dev/net)" "$SHA $SHA"
}
pair_raw "raw, reader first" reader
pair_raw "raw, writer first" writer

# ------------------------------------------------------- the name server
"$NS" --nodes 5 --port-file "$T/ns.port" -v 2>"$T/ns.log" &
NSPID=$!
PIDS+=("$NSPID")
for _ in $(seq 50); do [ -s "$T/ns.port" ] && break; sleep 0.1; done
NSP=$(cat "$T/ns.port")
NSL="NameServer = udp:127.0.0.1:$NSP"

# A malformed datagram is dropped without a reply; the server goes on.
check "zvns: a malformed datagram gets no reply" "$("$NP" dgram "127.0.0.1:$NSP" 5a564e5301ff 300)" "no reply"
# A request from node 9, outside the job (1-5): refused, reason 1.
REQ9=5a564e530101000000000009000000000000000000000000
check "zvns: a node outside the job is refused" "$("$NP" dgram "127.0.0.1:$NSP" $REQ9 2000)" \
	"reply op=4 reason=1 detail=0"
# Node 3, alone, reading from nobody and writing to nobody: answered.
REQ3=5a564e530101000000000003000000000000000000000000
check "zvns: a node of the job is answered (after the malformed one)" "$("$NP" dgram "127.0.0.1:$NSP" $REQ3 2000)" \
	"reply op=2 reason=0 detail=0"

# Node 1 writes to node 2 by id; node 2 listens on a port of its own choosing.
rm -f "$T/out"
reader_m "$T/r.m" "tcp:1:" 1 100000 100000000 "$NSL" "Node = 2"
writer_m "$T/w.m" "tcp:2:" 1 100000 100000000 "$NSL" "Node = 1"
session w "$T/w.m"
sleep 0.3
session r "$T/r.m"
wait "$LAST"
for _ in $(seq 100); do [ -f "$T/w.rc" ] && break; sleep 0.1; done
SHOW=("$T/r.out" "$T/r.err" "$T/w.out" "$T/w.err" "$T/ns.log")
check "zvns form: exits 0 0" "$(rc_of r) $(rc_of w)" "0 0"
if cmp -s "$T/data" "$T/out"; then ok "zvns form: bytes equal (cmp)"; else bad "zvns form: bytes differ" "$(cmp "$T/data" "$T/out" 2>&1)"; fi
check "zvns form: etags equal sha1sum" "$(etag_of "$T/r.out" /dev/in) $(etag_of "$T/w.out" /dev/net)" "$SHA $SHA"
check "zvns form: accounting" "$(field "$T/r.out" 8) $(field "$T/w.out" 10)" "$SIZE $SIZE"
check_re "zvns: logged the dropped datagram" "$(cat "$T/ns.log")" "dropped a malformed datagram of 6 bytes"

# A session whose Node is not in the job: refused by the server, exit 14.
rm -f "$T/w.rc"
writer_m "$T/w.m" "tcp:2:" 1 100000 100000000 "$NSL" "Node = 7"
session w "$T/w.m"
wait "$LAST"
SHOW=("$T/w.out" "$T/w.err")
check "zvns: a node not registered in the job is refused (exit 14)" "$(rc_of w)" 14
check_re "zvns: ... and the state says so" "$(rep "$T/w.out" 6)" "refused node 7: this node is not in its job"

# Node 1 again, with other channels: refused (its first request stands).
writer_m "$T/w.m" "tcp:3:" 1 100000 100000000 "$NSL" "Node = 1"
session w "$T/w.m"
wait "$LAST"
check "zvns: a node registering other channels than before is refused (exit 14)" "$(rc_of w)" 14
check_re "zvns: ... and the state says so" "$(rep "$T/w.out" 6)" "refused node 1: this node registered before"

# A peer of the job that never registers: the session ends by its deadline,
# naming the peer and the channel.
TO=2 writer_m "$T/w.m" "tcp:5:" 1 100000 100000000 "$NSL" "Node = 4"
session w "$T/w.m"
wait "$LAST"
check "zvns: a peer that never registers ends the session (exit 4)" "$(rc_of w)" 4
check_re "zvns: ... naming the peer and the channel" "$(rep "$T/w.out" 6)" "node 5 never registered.*channel /dev/net"
kill "$NSPID"
wait "$NSPID"
check "zvns: exits 0 on SIGTERM" "$?" 0

# ------------------------------------------------ a writer dying midway
# The writer's program copies from a FIFO fed 100000 bytes and then held
# open; once the reader has 65536 of them, the writer's zerovm is killed.
mkfifo "$T/fifo"
head -c 100000 "$T/data" >"$T/part"
(cat "$T/part"; : >"$T/fed"; exec sleep 60) >"$T/fifo" &
FEEDER=$!
PIDS+=("$FEEDER")
p=$(port)
rm -f "$T/out" "$T/r.rc" "$T/w.rc"
reader_m "$T/r.m" "tcp:127.0.0.1:$p"
manifest "$T/w.m" "$T/wscript" "Channel = $T/fifo, /dev/data, 0, 1, 100000, 100000000, 0, 0" \
	"Channel = tcp:127.0.0.1:$p, /dev/net, 0, 1, 0, 0, 100000, 100000000"
session r "$T/r.m"
READER=$LAST
sleep 0.2
"$ZVM" "$T/w.m" >"$T/w.out" 2>"$T/w.err" </dev/null & # $! is zerovm itself
WRITER=$!
# Once the writer's program has taken all 100000 bytes from the FIFO, give
# it a moment to send them; the reader holds 65536 (its reads are 65536).
for _ in $(seq 100); do [ -e "$T/fed" ] && break; sleep 0.1; done
sleep 0.5
kill -9 "$WRITER"
wait "$WRITER" 2>/dev/null
wait "$READER"
kill "$FEEDER" 2>/dev/null
SHOW=("$T/r.out" "$T/r.err")
check "writer killed: the reader ends with exit 5" "$(rc_of r)" 5
check_re "writer killed: its state says the stream was cut, naming channel and peer" "$(rep "$T/r.out" 6)" \
	"^channel /dev/in: the stream from 127\.0\.0\.1:[0-9]+ (ended without its end marker|was cut)"
GOT=$(stat -c %s "$T/out")
check_re "writer killed: the program got the bytes sent (65536 or more), then -EIO, never a silent end" \
	"$(head -n 1 "$T/r.out")" "^= $GOT 2 -5 0\$"
if [ "$GOT" -ge 65536 ] && cmp -s -n "$GOT" "$T/part" "$T/out"; then
	ok "writer killed: the bytes before the cut are delivered, unchanged ($GOT of 100000)"
else
	bad "writer killed: bytes" "$GOT bytes; $(cmp -n "$GOT" "$T/part" "$T/out" 2>&1)"
fi

# The same from netpeer: a stream that stops without the end marker.
netpeer_to_reader() { # NAME MODE [etag]
	local p
	p=$(port)
	rm -f "$T/out" "$T/r.rc"
	reader_m "$T/r.m" "tcp:127.0.0.1:$p" "${3:-1}"
	session r "$T/r.m"
	timeout -k 2 30 "$NP" send "127.0.0.1:$p" "$T/data" 5000 "$2" >"$T/np.out" 2>&1
	wait "$LAST"
	SHOW=("$T/r.out" "$T/r.err" "$T/np.out")
}
netpeer_to_reader cut cut
check "cut stream: exit 5" "$(rc_of r)" 5
check_re "cut stream: the state names the channel" "$(rep "$T/r.out" 6)" "^channel /dev/in: the stream from"

# ----------------------------------------------------------- the digest
netpeer_to_reader etag etag
check "digest: netpeer's right SHA-1 is accepted (exit 0)" "$(rc_of r) $(rep "$T/r.out" 6)" "0 ok"
netpeer_to_reader bad-etag bad-etag
check "digest mismatch: exit 32" "$(rc_of r)" 32
check "digest mismatch: state 'corrupted upon eof'" "$(rep "$T/r.out" 6)" "corrupted upon eof"
check "digest mismatch: the program still read every byte" "$(head -n 1 "$T/r.out")" "= $SIZE 46 0 0"
check_re "digest mismatch: stderr shows both digests" "$(cat "$T/r.err")" "sent digest [0-9a-f]{40}, the data read has $SHA"
# A reader without etag does not check.
netpeer_to_reader noetag bad-etag 0
check "digest: a reader with etag 0 does not check" "$(rc_of r)" 0

# The writing zerovm's end marker and digest, seen by netpeer.
p0=$T/np.port
rm -f "$p0"
timeout -k 2 30 "$NP" recv "$p0" "$T/out" >"$T/np.out" 2>&1 &
NPR=$!
for _ in $(seq 50); do [ -s "$p0" ] && break; sleep 0.1; done
writer_m "$T/w.m" "tcp:127.0.0.1:$(cat "$p0")"
session w "$T/w.m"
wait "$LAST" "$NPR"
SHOW=("$T/w.out" "$T/w.err" "$T/np.out")
check "writer: ends its stream with the end marker and its SHA-1" "$(cat "$T/np.out")" "end $SIZE etag $SHA"

# ------------------------------------------------- peers that never come
p=$(port)
TO=2 writer_m "$T/w.m" "tcp:127.0.0.1:$p"
START=$SECONDS
session w "$T/w.m"
wait "$LAST"
SHOW=("$T/w.out" "$T/w.err")
check "nobody listening: the writer ends by its timeout, exit 4" "$(rc_of w)" 4
check_re "nobody listening: the state names channel and peer" "$(rep "$T/w.out" 6)" \
	"^channel /dev/net: nobody listened on 127\.0\.0\.1:$p by the session's deadline"
check_re "nobody listening: within the timeout (2 s), not the outer bound" "$((SECONDS - START))" "^[0-5]$"

p=$(port)
TO=2 reader_m "$T/r.m" "tcp:127.0.0.1:$p"
session r "$T/r.m"
wait "$LAST"
SHOW=("$T/r.out" "$T/r.err")
check "no writer: the reader ends by its timeout, exit 4" "$(rc_of r)" 4
check_re "no writer: the state names channel and address" "$(rep "$T/r.out" 6)" \
	"^channel /dev/in: no writer connected to 127\.0\.0\.1:$p by the session.s deadline"

# A writer that connects and never sends its header is not taken.
p=$(port)
TO=2 reader_m "$T/r.m" "tcp:127.0.0.1:$p"
session r "$T/r.m"
sleep 0.2
timeout -k 2 30 "$NP" send "127.0.0.1:$p" "$T/data" 4096 hang >/dev/null 2>&1 &
HANG=$!
PIDS+=("$HANG")
wait "$LAST"
kill "$HANG" 2>/dev/null
check "silent connection: the reader still ends by its timeout, exit 4" "$(rc_of r)" 4

# ---------------------------------------------------------------- quotas
# The reader may take 5000 bytes: reads of 3000 get 3000, 2000, then -122.
printf 'copy 3 4 3000\n' >"$T/rscript"
rm -f "$T/out"
p=$(port)
reader_m "$T/r.m" "tcp:127.0.0.1:$p" 0 100000 5000
session r "$T/r.m"
timeout -k 2 30 "$NP" send "127.0.0.1:$p" "$T/part" 4096 end >/dev/null 2>&1 &
NPS=$!
wait "$LAST"
kill "$NPS" 2>/dev/null
SHOW=("$T/r.out" "$T/r.err")
check "get_size 5000: the program reads 5000 then -EDQUOT" "$(head -n 1 "$T/r.out")" "= 5000 2 -122 0"
check "get_size 5000: accounting counts 5000 bytes" "$(field "$T/r.out" 8)" 5000
check "get_size 5000: session ok" "$(rc_of r) $(rep "$T/r.out" 6)" "0 ok"

# The reader's program stops after its 5000 bytes and its session closes the
# connection: the writer's program gets -EPIPE; its session is still ok.
p=$(port)
rm -f "$T/out"
reader_m "$T/r.m" "tcp:127.0.0.1:$p" 0 100000 5000
writer_m "$T/w.m" "tcp:127.0.0.1:$p" 0
session r "$T/r.m"
sleep 0.2
session w "$T/w.m"
wait
SHOW=("$T/r.out" "$T/r.err" "$T/w.out" "$T/w.err")
check_re "reader gone: the writer's program gets -EPIPE (-32)" "$(head -n 1 "$T/w.out")" "^= [0-9]+ [0-9]+ [0-9]+ -32\$"
check "reader gone: both sessions ok" "$(rc_of r) $(rep "$T/r.out" 6) $(rc_of w) $(rep "$T/w.out" 6)" "0 ok 0 ok"
printf 'copy 3 4 65536\n' >"$T/rscript"

# The writer may send 10000 bytes: the reader gets exactly those, then the end.
p=$(port)
rm -f "$T/out"
reader_m "$T/r.m" "tcp:127.0.0.1:$p"
writer_m "$T/w.m" "tcp:127.0.0.1:$p" 1 100000 10000
session r "$T/r.m"
RD=$LAST
sleep 0.2
session w "$T/w.m"
wait
SHOW=("$T/r.out" "$T/r.err" "$T/w.out" "$T/w.err")
check "put_size 10000: the writer's program is clipped, then -EDQUOT" "$(head -n 1 "$T/w.out")" "= 17554 4 7777 -122"
check "put_size 10000: writer accounts 10000 bytes" "$(field "$T/w.out" 10)" 10000
check "put_size 10000: the reader gets those 10000 and a clean end" "$(head -n 1 "$T/r.out") $(rc_of r)" "= 10000 1 0 0 0"
check "put_size 10000: the bytes are the first 10000" "$(head -c 10000 "$T/data" | sha1sum | cut -d' ' -f1)" \
	"$(sha1sum <"$T/out" | cut -d' ' -f1)"

# The call quota: puts 3 lets three writes through.
p=$(port)
rm -f "$T/out"
reader_m "$T/r.m" "tcp:127.0.0.1:$p"
writer_m "$T/w.m" "tcp:127.0.0.1:$p" 1 3 100000000
session r "$T/r.m"
sleep 0.2
session w "$T/w.m"
wait
check "puts 3: the fourth write fails with -EDQUOT" "$(head -n 1 "$T/w.out")" "= 17554 4 7777 -122"
check "puts 3: reader gets 1000+7777+1000 bytes" "$(stat -c %s "$T/out") $(field "$T/w.out" 9)" "9777 3"

# -T traces a network channel's traps like a file's: the reads of handle 3
# add up to the bytes sent, the last returns 0 (the end).
p=$(port)
rm -f "$T/out" "$T/trace"
reader_m "$T/r.m" "tcp:127.0.0.1:$p"
timeout -k 2 30 "$ZVM" -T "$T/trace" "$T/r.m" >"$T/r.out" 2>"$T/r.err" </dev/null &
RD=$!
timeout -k 2 30 "$NP" send "127.0.0.1:$p" "$T/part" 3000 end >/dev/null 2>&1
wait "$RD"
SHOW=("$T/r.out" "$T/r.err" "$T/trace")
check "-T: the network reads are traced, their results add up, the last is the end" \
	"$(awk -F'= ' '/TrapRead\(3,/ { n++; sum += $2; last = $2 } END { print n, sum, last }' "$T/trace")" "3 100000 0"

# ---------------------------------------------------- the wall is the same
# A session with a read channel (its writer connected, silent) and a write
# channel (to a test reader), its program spinning: the sockets are the
# supervisor's, the sandbox holds its trap listener and nothing else; a
# stopped session sends no end marker; and the program still cannot make a
# socket of its own.
p=$(port)
rm -f "$p0"
timeout -k 2 30 "$NP" recv "$p0" "$T/out" >"$T/np.out" 2>&1 &
NPR=$!
for _ in $(seq 50); do [ -s "$p0" ] && break; sleep 0.1; done
printf 'W 1 0 1\nspin\n' >"$T/sscript"
manifest "$T/s.m" "$T/sscript" "Channel = tcp:127.0.0.1:$p, /dev/in, 0, 1, 100, 100000, 0, 0" \
	"Channel = tcp:127.0.0.1:$(cat "$p0"), /dev/net, 0, 1, 0, 0, 100, 100000"
"$ZVM" "$T/s.m" >"$T/s.out" 2>"$T/s.err" </dev/null &
ZPID=$!
timeout -k 2 30 "$NP" send "127.0.0.1:$p" "$T/data" 4096 hang >/dev/null 2>&1 &
HANG=$!
PIDS+=("$HANG")
SPID=""
for _ in $(seq 100); do
	SPID=$(pgrep -P "$ZPID" | head -n 1)
	[ -n "$SPID" ] && grep -q '^= 1' "$T/s.out" 2>/dev/null && break
	sleep 0.05
done
SHOW=("$T/s.out" "$T/s.err")
if [ -n "$SPID" ]; then
	fds=$(for f in /proc/"$SPID"/fd/*; do printf '%s->%s ' "${f##*/}" "$(readlink "$f")"; done)
	check "wall: with network channels open, the sandbox holds its trap listener and no socket" \
		"$fds" "0->anon_inode:seccomp notify "
	check "wall: ... while the supervisor holds the two connections (the control)" \
		"$(for f in /proc/"$ZPID"/fd/*; do readlink "$f"; done | grep -c '^socket:')" 2
else
	bad "wall: the sandbox with network channels" "no sandbox process found"
fi
kill "$ZPID"
wait "$ZPID" "$NPR" 2>/dev/null
kill "$HANG" 2>/dev/null
check "wall: a session stopped by SIGTERM ends its stream without the end marker" "$(cat "$T/np.out")" "cut 0"
printf 'sys 41\n' >"$T/sscript"
p=$(port)
TO=2 manifest "$T/s.m" "$T/sscript" "Channel = tcp:127.0.0.1:$p, /dev/net, 0, 0, 0, 0, 100, 100000"
rm -f "$p0"
timeout -k 2 30 "$NP" recv "$p0" "$T/out" >/dev/null 2>&1 &
NPR=$!
for _ in $(seq 50); do [ -s "$p0" ] && break; sleep 0.1; done
sed -i "s|tcp:127.0.0.1:$p,|tcp:127.0.0.1:$(cat "$p0"),|" "$T/s.m"
timeout -k 2 30 "$ZVM" "$T/s.m" >"$T/s.out" 2>"$T/s.err" </dev/null
check "wall: with a network channel connected, socket() still fails inside (the runtime's -EACCES)" \
	"$? $(head -n 1 "$T/s.out")" "0 = -13"
wait "$NPR" 2>/dev/null
rm -f "$p0"
timeout -k 2 30 "$NP" recv "$p0" "$T/out" >/dev/null 2>&1 &
NPR=$!
for _ in $(seq 50); do [ -s "$p0" ] && break; sleep 0.1; done
sed -i "s|tcp:127.0.0.1:[0-9]*, /dev/net|tcp:127.0.0.1:$(cat "$p0"), /dev/net|" "$T/s.m"
timeout -k 2 30 "$ZVM" -Z "$T/s.m" >"$T/s.out" 2>"$T/s.err" </dev/null
check "wall: ... and, without the runtime (-Z), the filter kills it (SIGSYS, exit 4)" \
	"$? $(rep "$T/s.out" 6)" "4 Signal 31 from untrusted code: Bad system call"
wait "$NPR" 2>/dev/null

# ------------------------------------------------- manifest-level refusals
manifest "$T/x.m" "$T/rscript" "Channel = tcp:127.0.0.1:$p, /dev/in, 0, 0, 1, 1, 1, 1"
"$ZVM" "$T/x.m" >"$T/x.out" 2>&1 </dev/null
check "a read-write network channel is refused (exit 14)" "$?" 14
manifest "$T/x.m" "$T/rscript" "Channel = tcp:2:, /dev/in, 0, 0, 1, 1, 0, 0"
"$ZVM" "$T/x.m" >"$T/x.out" 2>&1 </dev/null
check "tcp:<node>: without NameServer and Node is refused (exit 14)" "$?" 14

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
