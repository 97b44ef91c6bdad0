#!/bin/bash
# Batch benchmark through the daemon: N hybrid VIFs (VIFBridge) plugged then unplugged, against
# ONE private Open vSwitch (ovsdb-server + ovs-vswitchd, userspace datapath, bridge br-int
# datapath_type=netdev) in a private network namespace, in one run, by:
#   python     Python os-vif 3.0.0's ovs plugin, one VIF after the other (os-vif has no batch)
#   in-process govif's PlugMany/UnplugMany of all N in one call (bench/plugbench -mode bulk -warm:
#              one other VIF plugged and unplugged first, as the daemon is warmed up below)
#   in-process-inventory  the same through what the daemon runs behind its socket: ops.Manager
#              (a durable inventory record per VIF) over govif.Host, in process (-mode bulk-inventory)
#   daemon     `govif serve` in the namespace, CLIENTS concurrent clients (own connection each)
#              sending single /v1/plug and /v1/unplug requests for their share of the N VIFs,
#              one after the other (the daemon coalesces the clients' requests into the host's
#              PlugMany/UnplugMany)
#   daemon-concurrent  the same clients, each sending single requests for all its VIFs at once
#   daemon-bulk        the same clients, each sending its share as one /v1/plug-many request
# and prints medians over ROUNDS interleaved rounds with the ratios the project targets:
# daemon >= 0.8x in-process batch throughput, >= 3x Python's loop, for plug and for unplug.
#
#   sudo scripts/bench-batch.sh                      # N="30 100", CLIENTS=10, ROUNDS=3
#   N="30" CLIENTS=10 ROUNDS=5 sudo -E scripts/bench-batch.sh
# Raw JSON lines in $OUT (default: a temp file removed at exit; set OUT to keep them).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-30 100}
CLIENTS=${CLIENTS:-10}
ROUNDS=${ROUNDS:-3}
PY=/usr/bin/python3
GO=${GO:-/usr/local/go/bin/go}
[ "$(id -u)" = 0 ] || { echo "bench-batch: must run as root" >&2; exit 1; }
for b in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ip; do
	command -v $b >/dev/null || { echo "bench-batch: $b missing (scripts/install-deps.sh)" >&2; exit 1; }
done
$PY -c 'import os_vif, vif_plug_ovs, ovsdbapp' || { echo "bench-batch: python3-os-vif missing" >&2; exit 1; }

D=$(mktemp -d /tmp/govif-bench-batch-XXXXXX)
OUT=${OUT:-$D/results.jsonl}
NS=govif-bench-batch-$$
. scripts/lib/ovs-sandbox.sh
SERVE_PID=
cleanup() {
	[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null || true
	ovs_sandbox_stop
	rm -rf "$D"
}
trap cleanup EXIT
ovs_sandbox_start
$GO build -o "$D/plugbench" ./bench/plugbench
$GO build -o "$D/govif" ./cmd/govif
printf '[os_vif_ovs]\novsdb_connection = %s\n\n[oslo_concurrency]\nlock_path = %s/locks\n\n[govif_daemon]\nsocket = %s/govif.sock\nstate_path = %s/state\n' \
	"$DB" "$D" "$D" "$D" >"$D/govif.conf"
ip netns exec "$NS" "$D/govif" --config "$D/govif.conf" serve --log-level "${LOG_LEVEL:-warn}" 2>"$D/serve.log" &
SERVE_PID=$!
SERVER=unix:$D/govif.sock
for _ in $(seq 1 300); do
	"$D/govif" host-info --server "$SERVER" >/dev/null 2>&1 && break
	kill -0 "$SERVE_PID" 2>/dev/null || { cat "$D/serve.log" >&2; exit 1; }
	sleep 0.1
done
"$D/govif" host-info --server "$SERVER" >/dev/null || { cat "$D/serve.log" >&2; exit 1; }
: >"$OUT"
# The daemon is a long-running service: warm it up (first OVSDB connection, bridge lookup) with
# one plug and unplug before timing, as a compute node's daemon is warm.
"$D/plugbench" -mode daemon -server "$SERVER" -clients 1 -kind hybrid -n 1 >/dev/null

inns() { ip netns exec "$NS" "$@"; }
emit() { echo "$1" >>"$OUT"; }
# Before each measurement: let ovs-vswitchd finish reconfiguring for the previous one (an
# unplug does not wait for it), so no implementation pays for another's work.
settle() { ovs-vsctl --db=$DB --timeout=60 set Open_vSwitch . external_ids:govif-bench-settle=$RANDOM; sleep 0.5; }
pycase() { # n
	printf '{"config":{"ovsdb_connection":"%s","ovs_vsctl_timeout":120},"bench":{"kind":"VIFBridge","n":%s,"datapath_type":"netdev","mtu":1450}}' "$DB" "$1" >"$D/case.json"
}

for round in $(seq 1 "$ROUNDS"); do
	for n in $N; do
		echo "round $round/$ROUNDS, $n VIFs" >&2
		settle
		emit "{\"impl\":\"in-process\",\"data\":$(inns "$D/plugbench" -db $DB -mode bulk -warm -kind hybrid -n "$n")}"
		settle
		emit "{\"impl\":\"in-process-inventory\",\"data\":$(inns "$D/plugbench" -db $DB -mode bulk-inventory -state "$D/inproc-state" -kind hybrid -n "$n")}"
		settle
		emit "{\"impl\":\"daemon\",\"data\":$("$D/plugbench" -mode daemon -server "$SERVER" -clients "$CLIENTS" -kind hybrid -n "$n")}"
		settle
		emit "{\"impl\":\"daemon-concurrent\",\"data\":$("$D/plugbench" -mode daemon-concurrent -server "$SERVER" -clients "$CLIENTS" -kind hybrid -n "$n")}"
		settle
		emit "{\"impl\":\"daemon-bulk\",\"data\":$("$D/plugbench" -mode daemon-bulk -server "$SERVER" -clients "$CLIENTS" -kind hybrid -n "$n")}"
		settle
		pycase "$n"
		emit "{\"impl\":\"python\",\"data\":$(inns $PY scripts/python-osvif/ovs_osvif.py --bench --case "$D/case.json")}"
	done
done
left=$(ovs-vsctl --db=$DB list-ports br-int | wc -l)
[ "$left" = 0 ] || { echo "bench-batch: $left OVS ports left on br-int" >&2; exit 1; }
$PY scripts/python-osvif/ovs_batch_summary.py "$OUT" "$CLIENTS"
# How the daemon coalesced: requests per PlugMany/UnplugMany call, over the whole run.
curl -s --unix-socket "$D/govif.sock" http://govif/metrics | awk '
	/^govif_daemon_batch_size_sum/ { split($1, a, "\""); sum[a[2]] = $2 }
	/^govif_daemon_batch_size_count/ { split($1, a, "\""); cnt[a[2]] = $2 }
	END { for (op in cnt) printf "daemon %s: %d requests in %d batches (%.1f per batch)\n", op, sum[op], cnt[op], sum[op] / cnt[op] }'
[ -z "${DEBUG:-}" ] || cat "$D/serve.log"
