#!/usr/bin/env bash
# A local Redis Cluster for tests and benchmarks: six redis-server on 127.0.0.1, ports
# FIRST..FIRST+5 (and their cluster bus ports, +10000), three primaries with one replica
# each. It never touches any other Redis (the one on 6379 included).
#
#   scripts/redis-cluster.sh start FIRST DIR   starts the nodes, creates the cluster, waits for cluster_state:ok
#   scripts/redis-cluster.sh stop FIRST DIR    stops the nodes and deletes DIR
#
# A node timeout of one second lets a replica take over a killed primary within seconds;
# start returns once every replica has its primary's data, so it can take over at once.
# redis-server and redis-cli are the system's, or fetched into the cache the first time
# (test-tools/which.js; N8N_TEST_REDIS_SERVER and N8N_TEST_REDIS_CLI name others).
set -euo pipefail

command=${1:-}
first=${2:-}
dir=${3:-}
if [[ ! $command =~ ^(start|stop)$ || ! $first =~ ^[0-9]+$ || -z $dir ]]; then
	echo "usage: $0 start|stop FIRST_PORT DIR (six nodes on FIRST_PORT..FIRST_PORT+5)" >&2
	exit 2
fi
if ((first == 6379 || (first <= 6379 && 6379 <= first + 5) || first + 5 + 10000 > 65535)); then
	echo "$0: ports $first..$((first + 5)) would touch 6379 or pass 55535: choose others" >&2
	exit 2
fi
ports=$(seq "$first" $((first + 5)))

stop() {
	for port in $ports; do
		local pidfile=$dir/$port/redis.pid
		kill "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || true
	done
	for port in $ports; do
		local pidfile=$dir/$port/redis.pid
		for _ in $(seq 50); do
			kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || break
			sleep 0.1
		done
	done
	rm -rf "$dir"
}

if [[ $command == stop ]]; then
	stop
	exit 0
fi

tools=$(node "$(dirname "$0")/../test-tools/which.js" redis-server redis-cli)
{ read -r redis_server && read -r redis_cli; } <<<"$tools"

mkdir -p "$dir"
nodes=()
for port in $ports; do
	mkdir -p "$dir/$port"
	"$redis_server" --port "$port" --bind 127.0.0.1 --dir "$dir/$port" --daemonize yes \
		--pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" \
		--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 1000 \
		--cluster-replica-validity-factor 0 --repl-diskless-sync-delay 0 --save '' --appendonly no
	nodes+=("127.0.0.1:$port")
done
for port in $ports; do
	for attempt in $(seq 100); do
		"$redis_cli" -p "$port" ping >/dev/null 2>&1 && break
		if ((attempt == 100)); then
			echo "$0: the node on port $port did not start; its log: $dir/$port/redis.log" >&2
			exit 1
		fi
		sleep 0.05
	done
done
"$redis_cli" --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 || {
	cat "$dir/create.log" >&2
	exit 1
}
for port in $ports; do
	for attempt in $(seq 200); do
		"$redis_cli" -p "$port" cluster info | grep -q '^cluster_state:ok' && break
		if ((attempt == 200)); then
			echo "$0: the node on port $port never reached cluster_state:ok" >&2
			exit 1
		fi
		sleep 0.05
	done
done
for port in $ports; do
	for attempt in $(seq 200); do
		info=$("$redis_cli" -p "$port" info replication)
		grep -q '^role:master' <<<"$info" && break
		grep -q '^master_link_status:up' <<<"$info" && break
		if ((attempt == 200)); then
			echo "$0: the replica on port $port never finished syncing with its primary" >&2
			exit 1
		fi
		sleep 0.05
	done
done
