#!/bin/bash
# CNI benchmark: N pods ADDed then DELeted, sequentially and C at a time, by
#   - govif-cni (config mode with host-local IPAM; VIF mode with the address in the VIF),
#   - the same work done with `ip` and `ovs-vsctl` commands (what shell-based plugins pay),
#   - the floor: the netlink calls and one OVSDB transaction per pod, in-process,
#   - govif-cni in VIF mode plugging through a govif daemon (daemon.Server, as `govif serve`),
# all in one run against ONE private OVS sandbox (ovsdb-server + ovs-vswitchd, userspace
# datapath, br-int) in a private network namespace, started and removed by bench/cnibench.
# Pods are named network namespaces (cnib<pid>-<i>), created before and removed after the runs.
#
#   sudo scripts/bench-cni.sh                   # N=100, concurrency 1 and 10, 3 rounds
#   N=100 ROUNDS=1 CONC=1,10 sudo -E scripts/bench-cni.sh
#
# Output: a markdown table (medians over ROUNDS interleaved rounds) on stdout, progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100}
ROUNDS=${ROUNDS:-3}
CONC=${CONC:-1,10}
GO=${GO:-/usr/local/go/bin/go}
[ "$(id -u)" = 0 ] || { echo "bench-cni: must run as root" >&2; exit 1; }
for b in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ip; do
	command -v $b >/dev/null || { echo "bench-cni: $b missing (scripts/install-deps.sh)" >&2; exit 1; }
done
D=$(mktemp -d /tmp/govif-bench-cni-XXXXXX)
trap 'rm -rf "$D"' EXIT
$GO build -o "$D/" ./cmd/govif-cni github.com/containernetworking/plugins/plugins/ipam/host-local
$GO build -o "$D/cnibench" ./bench/cnibench
"$D/cnibench" -bin "$D" -n "$N" -rounds "$ROUNDS" -c "$CONC"
