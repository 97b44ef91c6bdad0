#!/bin/bash
# Plug benchmark: Python os-vif 3.0.0's ovs plugin and govif's, side by side, against ONE
# private Open vSwitch (ovsdb-server + ovs-vswitchd on the userspace datapath, bridge br-int
# datapath_type=netdev) in a private network namespace, plus the "floor": the netlink calls and
# the OVSDB transaction a plug needs, made directly through govif's netdev and vswitch packages.
#
#   sudo scripts/bench-plug.sh                # steady N=50, bulk N=100, 3 rounds
#   N_STEADY=100 N_BULK="100 1000" ROUNDS=5 PY_BULK_MAX=100 sudo -E scripts/bench-plug.sh
#
# Measures (medians over ROUNDS interleaved rounds):
#   cold    wall time of one process that starts, connects and hybrid-plugs one VIF
#           (Python: interpreter + imports + os_vif.initialize() + in-process privsep + plug;
#           govif: `govif plug --vif FILE --instance FILE`, and bench/plugbench -mode cold);
#   steady  per-VIF sequential plug/unplug medians, hybrid (VIFBridge) and plain OVS (govif,
#           floor, Python); create_tap, per_port_bridge, vhost-user (govif and floor only; set
#           GOVIF_KINDS="" to skip them);
#   bulk    N hybrid VIFs plugged then unplugged: Python's sequential loop vs govif's
#           PlugMany/UnplugMany (Python runs only for N <= PY_BULK_MAX; larger N is extrapolated
#           linearly from its N=PY_BULK_MAX run and marked so).
# Results: a markdown table on stdout; raw JSON lines in $OUT (default /tmp/govif-bench-plug.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
N_STEADY=${N_STEADY:-50}
N_BULK=${N_BULK:-100}
ROUNDS=${ROUNDS:-3}
PY_BULK_MAX=${PY_BULK_MAX:-100}
GOVIF_KINDS=${GOVIF_KINDS-"ovs-tap ovs-pb vhu"} # steady govif vs floor only (no Python case)
OUT=${OUT:-/tmp/govif-bench-plug.jsonl}
PY=/usr/bin/python3
GO=${GO:-/usr/local/go/bin/go}
[ "$(id -u)" = 0 ] || { echo "bench-plug: must run as root" >&2; exit 1; }
for b in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ip; do
	command -v $b >/dev/null || { echo "bench-plug: $b missing (scripts/install-deps.sh)" >&2; exit 1; }
done
$PY -c 'import os_vif, vif_plug_ovs, ovsdbapp' || { echo "bench-plug: python3-os-vif missing" >&2; exit 1; }

D=$(mktemp -d /tmp/govif-bench-XXXXXX)
NS=govif-bench-$$
. scripts/lib/ovs-sandbox.sh
cleanup() {
	ovs_sandbox_stop
	rm -rf "$D"
}
trap cleanup EXIT
ovs_sandbox_start
$GO build -o "$D/plugbench" ./bench/plugbench
$GO build -o "$D/govif" ./cmd/govif
printf '[os_vif_ovs]\novsdb_connection = %s\n' "$DB" >"$D/govif.conf"
"$D/plugbench" -mode emit -kind hybrid -out "$D/cold"
: >"$OUT"

inns() { ip netns exec "$NS" "$@"; }
now() { date +%s.%N; }
pycase() { # kind n
	printf '{"config":{"ovsdb_connection":"%s","ovs_vsctl_timeout":120},"bench":{"kind":"%s","n":%s,"datapath_type":"netdev","mtu":1450}}' "$DB" "$1" "$2" >"$D/case.json"
}
emit() { echo "$1" >>"$OUT"; }

for round in $(seq 1 "$ROUNDS"); do
	echo "round $round/$ROUNDS" >&2
	# cold: one process, one hybrid plug.
	pycase VIFBridge 1
	t0=$(now); r=$(inns $PY scripts/python-osvif/ovs_osvif.py --bench --case "$D/case.json"); t1=$(now)
	emit "{\"impl\":\"python\",\"mode\":\"cold\",\"t0\":$t0,\"t1\":$t1,\"detail\":$r}"
	t0=$(now); inns "$D/plugbench" -db $DB -mode cold -kind hybrid -n 1; t1=$(now)
	emit "{\"impl\":\"govif\",\"mode\":\"cold\",\"t0\":$t0,\"t1\":$t1}"
	inns "$D/plugbench" -db $DB -mode unplug1 -kind hybrid -n 1
	t0=$(now); inns "$D/govif" --config "$D/govif.conf" plug --vif "$D/cold.vif.json" --instance "$D/cold.instance.json" >/dev/null; t1=$(now)
	emit "{\"impl\":\"govif-cli\",\"mode\":\"cold\",\"t0\":$t0,\"t1\":$t1}"
	inns "$D/govif" --config "$D/govif.conf" unplug --vif "$D/cold.vif.json" --instance "$D/cold.instance.json" >/dev/null
	# steady.
	for kind in hybrid ovs; do
		pykind=VIFBridge; [ $kind = ovs ] && pykind=VIFOpenVSwitch
		emit "{\"impl\":\"floor\",\"data\":$(inns "$D/plugbench" -db $DB -mode floor -kind $kind -n "$N_STEADY")}"
		emit "{\"impl\":\"govif\",\"data\":$(inns "$D/plugbench" -db $DB -mode steady -kind $kind -n "$N_STEADY")}"
		pycase $pykind "$N_STEADY"
		emit "{\"impl\":\"python\",\"mode\":\"steady\",\"kind\":\"$kind\",\"n\":$N_STEADY,\"detail\":$(inns $PY scripts/python-osvif/ovs_osvif.py --bench --case "$D/case.json")}"
	done
	for kind in $GOVIF_KINDS; do
		emit "{\"impl\":\"floor\",\"data\":$(inns "$D/plugbench" -db $DB -mode floor -kind $kind -n "$N_STEADY")}"
		emit "{\"impl\":\"govif\",\"data\":$(inns "$D/plugbench" -db $DB -mode steady -kind $kind -n "$N_STEADY")}"
	done
	# bulk.
	for n in $N_BULK; do
		emit "{\"impl\":\"govif\",\"data\":$(inns "$D/plugbench" -db $DB -mode bulk -kind hybrid -n "$n")}"
		if [ "$n" -le "$PY_BULK_MAX" ]; then
			pycase VIFBridge "$n"
			emit "{\"impl\":\"python\",\"mode\":\"bulk\",\"kind\":\"hybrid\",\"n\":$n,\"detail\":$(inns $PY scripts/python-osvif/ovs_osvif.py --bench --case "$D/case.json")}"
		fi
	done
done
$PY scripts/python-osvif/ovs_bench_summary.py "$OUT" "$PY_BULK_MAX"
