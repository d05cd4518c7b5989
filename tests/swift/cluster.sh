#!/bin/bash
# cluster.sh start DIR | stop DIR | status DIR - an all-in-one OpenStack
# Swift on loopback, for the tests and demos of zerocloud/.
#
# start: configuration, rings and data under DIR (created; must not hold a
# running cluster), then memcached, one account, one container and two
# object servers and one proxy, every one bound to 127.0.0.1 on a port the
# kernel chose free. It waits (bounded) until each answers /healthcheck and
# writes DIR/env: shell `export` lines for ST_AUTH, ST_USER, ST_KEY (the
# admin user test:tester), OS_STORAGE_URL and OS_AUTH_TOKEN, plus
# ZC_PROXY (the proxy's base URL) and ZC_OBJECT_PORTS. Other users:
# test:tester3 (no admin, same account) and test2:tester2 (another
# account), keys testing3 and testing2.
#
# The two object servers have a device each; the object ring keeps one
# replica (ZC_REPLICAS, default 1) so that objects spread over both servers
# and data locality can be seen. When zerocloud/ holds the filters
# (proxy.py, objectd.py), they are in the pipelines, loaded from the
# repository through PYTHONPATH. Settings for tests: ZC_MAX_RUNNING,
# ZC_MAX_QUEUED, ZC_TIMEOUT, ZC_POOL_SOCKET (the object filter's
# pool_socket; the test starts the server), ZC_BARE_OBJECT=N (object
# server N without the filter), ZC_FILTERS=0 (no filter anywhere).
#
# stop: every process start started, by the pids in DIR/pids: SIGTERM,
# then SIGKILL after 10 s. Safe to call twice, or after a failed start.
#
# Swift's servers are Debian's (python3-swift); they run under
# /usr/bin/python3, the interpreter Debian's modules are installed for.
# Note: Swift reads /etc/swift/swift.conf (the hash prefix and suffix)
# whatever swift_dir says; Debian's package ships one, which is used.
set -euo pipefail

PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
START_TIMEOUT=${ZC_START_TIMEOUT:-60}

die() {
	echo "cluster.sh: $*" >&2
	exit 1
}

usage() {
	echo "usage: cluster.sh start|stop|status DIR" >&2
	exit 2
}

# free_ports N: N distinct ports free on 127.0.0.1 now, one per line.
free_ports() {
	"$PY" - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
EOF
}

write_conf() { # write_conf FILE NAME PORT PIPELINE (the app's section follows on stdin)
	local f=$1 name=$2 port=$3 pipeline=$4
	{
		cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 0
user = $(id -un)
swift_dir = $D/etc
devices = $D/srv
mount_check = false
log_name = $name
log_level = INFO

[pipeline:main]
pipeline = $pipeline

EOF
		cat
	} >"$f"
}

start() {
	[ -e "$D/pids" ] && die "$D already holds a cluster (run: cluster.sh stop $D)"
	for t in swift-proxy-server swift-object-server swift-account-server swift-container-server memcached; do
		command -v "$t" >/dev/null || die "$t not found (Debian packages: run scripts/deps.sh swift)"
	done
	mkdir -p "$D/etc" "$D/tmp" "$D/srv/obj1" "$D/srv/obj2" "$D/srv/acct" "$D/srv/cont" "$D/log"
	: >"$D/pids"
	local ports
	mapfile -t ports < <(free_ports 6)
	local p_proxy=${ports[0]} p_acct=${ports[1]} p_cont=${ports[2]} p_obj1=${ports[3]} p_obj2=${ports[4]} p_mc=${ports[5]}

	# Rings, all three in one Python process (nine swift-ring-builder
	# calls take seconds).
	"$PY" - "$D/etc" "${ZC_REPLICAS:-1}" "$p_acct" "$p_cont" "$p_obj1" "$p_obj2" <<'EOF'
import os, sys
from swift.common.ring import RingBuilder
etc, replicas, acct, cont, obj1, obj2 = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:])
def build(name, devs, replicas):
    b = RingBuilder(8, replicas, 0)
    for i, (port, dev) in enumerate(devs):
        b.add_dev({"id": i, "region": 1, "zone": i + 1, "ip": "127.0.0.1", "port": port,
                   "device": dev, "weight": 100.0})
    b.rebalance()
    b.get_ring().save(os.path.join(etc, name + ".ring.gz"))
build("account", [(acct, "acct")], 1)
build("container", [(cont, "cont")], 1)
build("object", [(obj1, "obj1"), (obj2, "obj2")], replicas)
EOF
	cp /etc/swift/swift.conf "$D/etc/swift.conf" 2>/dev/null || true

	local zc_proxy="" zc_object=""
	if [ -f "$ROOT/zerocloud/proxy.py" ] && [ "${ZC_FILTERS:-1}" = 1 ]; then
		zc_proxy="zerocloud "
	fi
	if [ -f "$ROOT/zerocloud/objectd.py" ] && [ "${ZC_FILTERS:-1}" = 1 ]; then
		zc_object="zerocloud "
	fi

	write_conf "$D/etc/account-server.conf" account "$p_acct" "account-server" <<EOF
[app:account-server]
use = egg:swift#account
EOF
	write_conf "$D/etc/container-server.conf" container "$p_cont" "container-server" <<EOF
[app:container-server]
use = egg:swift#container
EOF
	local i port
	for i in 1 2; do
		port=$p_obj1
		[ $i = 2 ] && port=$p_obj2
		local filt=$zc_object
		# ZC_BARE_OBJECT=N: object server N runs without the filter (tests).
		[ "${ZC_BARE_OBJECT:-0}" = $i ] && filt=""
		write_conf "$D/etc/object-server-$i.conf" "object-$i" "$port" "healthcheck ${filt}object-server" <<EOF
[app:object-server]
use = egg:swift#object

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:zerocloud]
paste.filter_factory = objectd:filter_factory
zvjob = $ROOT/build/zvjob
zerovm = $ROOT/build/zerovm
programs = /bin/busybox $ROOT/build/examples/jobs/wc-map $ROOT/build/examples/jobs/wc-reduce $ROOT/build/examples/jobs/words $ROOT/build/examples/jobs/sha256
max_running = ${ZC_MAX_RUNNING:-10}
max_queued = ${ZC_MAX_QUEUED:-3}
timeout = ${ZC_TIMEOUT:-60}
tmp_dir = $D/tmp
${ZC_POOL_SOCKET:+pool_socket = $ZC_POOL_SOCKET}
EOF
	done
	write_conf "$D/etc/proxy-server.conf" proxy "$p_proxy" \
		"catch_errors gatekeeper healthcheck proxy-logging cache listing_formats tempauth ${zc_proxy}copy dlo slo proxy-logging proxy-server" <<EOF
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$p_mc
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
user_test_tester3 = testing3
user_test2_tester2 = testing2 .admin
[filter:copy]
use = egg:swift#copy
[filter:dlo]
use = egg:swift#dlo
[filter:slo]
use = egg:swift#slo

[filter:zerocloud]
paste.filter_factory = proxy:filter_factory
zvjob = $ROOT/build/zvjob
zvns = $ROOT/build/zvns
tmp_dir = $D/tmp
EOF

	# memcached first: tempauth answers 503 without it.
	memcached -l 127.0.0.1 -p "$p_mc" -U 0 -m 64 -u "$(id -un)" >"$D/log/memcached.log" 2>&1 &
	echo "$! memcached" >>"$D/pids"
	local s
	export PYTHONPATH="$ROOT/zerocloud${PYTHONPATH:+:$PYTHONPATH}"
	for s in account:account-server container:container-server object:object-server-1 object:object-server-2 \
		proxy:proxy-server; do
		"$PY" "/usr/bin/swift-${s%%:*}-server" "$D/etc/${s#*:}.conf" -v >"$D/log/${s#*:}.log" 2>&1 &
		echo "$! ${s#*:}" >>"$D/pids"
	done

	local deadline=$((SECONDS + START_TIMEOUT))
	for port in "$p_acct" "$p_cont" "$p_obj1" "$p_obj2" "$p_proxy"; do
		until curl -s -o /dev/null "http://127.0.0.1:$port/healthcheck"; do
			if [ $SECONDS -ge $deadline ]; then
				stop_all
				tail -n 20 "$D"/log/*.log >&2 || true
				die "a server on port $port did not answer /healthcheck within ${START_TIMEOUT}s (logs in $D/log)"
			fi
			alive || {
				stop_all
				tail -n 20 "$D"/log/*.log >&2 || true
				die "a server exited during start (logs in $D/log)"
			}
			sleep 0.1
		done
	done

	# Log in as test:tester: the storage URL and a token for the env file.
	local hdrs url token
	hdrs=$(curl -s -D - -o /dev/null -H "X-Auth-User: test:tester" -H "X-Auth-Key: testing" \
		"http://127.0.0.1:$p_proxy/auth/v1.0")
	url=$(tr -d '\r' <<<"$hdrs" | sed -n 's/^X-Storage-Url: //Ip')
	token=$(tr -d '\r' <<<"$hdrs" | sed -n 's/^X-Auth-Token: //Ip')
	[ -n "$url" ] && [ -n "$token" ] || {
		stop_all
		die "tempauth gave no token (logs in $D/log)"
	}
	cat >"$D/env" <<EOF
export ST_AUTH=http://127.0.0.1:$p_proxy/auth/v1.0
export ST_USER=test:tester
export ST_KEY=testing
export OS_STORAGE_URL=$url
export OS_AUTH_TOKEN=$token
export ZC_PROXY=http://127.0.0.1:$p_proxy
export ZC_OBJECT_PORTS="$p_obj1 $p_obj2"
EOF
	echo "cluster.sh: Swift is up on 127.0.0.1:$p_proxy (environment in $D/env)"
}

# alive: every started process still runs.
alive() {
	local pid name
	while read -r pid name; do
		kill -0 "$pid" 2>/dev/null || return 1
	done <"$D/pids"
}

stop_all() {
	[ -f "$D/pids" ] || return 0
	local pid name left
	while read -r pid name; do
		kill -TERM "$pid" 2>/dev/null || true
	done <"$D/pids"
	local deadline=$((SECONDS + 10))
	while :; do
		left=""
		while read -r pid name; do
			kill -0 "$pid" 2>/dev/null && left="$left $name"
		done <"$D/pids"
		[ -z "$left" ] && break
		if [ $SECONDS -ge $deadline ]; then
			while read -r pid name; do
				kill -KILL "$pid" 2>/dev/null || true
			done <"$D/pids"
			echo "cluster.sh: killed$left after 10 s" >&2
			break
		fi
		sleep 0.1
	done
	rm -f "$D/pids"
}

[ $# -eq 2 ] || usage
D=$2
case $1 in
start)
	mkdir -p "$D"
	D=$(cd "$D" && pwd)
	start
	;;
stop)
	[ -d "$D" ] || exit 0
	D=$(cd "$D" && pwd)
	stop_all
	;;
status)
	[ -f "$D/pids" ] && alive && echo running && exit 0
	echo stopped
	exit 1
	;;
*) usage ;;
esac
