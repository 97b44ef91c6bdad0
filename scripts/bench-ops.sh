#!/usr/bin/env bash
# Operations benchmark (ops/bench_test.go, TestOpsBenchmark): N VIFs (default 1000) plugged
# through the real `govif serve` in a private OVS sandbox (ovsdb-server + ovs-vswitchd,
# userspace datapath, own network namespace), then, with the real CLI through the daemon:
#   check --all on intact plumbing and replug --all with nothing to repair (medians of 3);
#   a simulated reboot (every VIF's OVS port and devices deleted), check --all, replug --all
#   restoring everything, check --all again (must be clean);
#   the reference for the restore, in the same run and sandbox: Python os-vif 3.0.0 plugging
#   as many VIFs of the same kind one by one (what Nova's resume_state_on_host_boot does).
# Prints seconds and milliseconds per VIF. KIND=ovs (VIFOpenVSwitch, create_port) or hybrid
# (VIFBridge: qbr + veth + OVS port; slow on this kernel, and Python takes ~1.7 s per VIF at
# N=1000, so cap it with PY_MAX). Needs root and what scripts/install-deps.sh installs.
# Usage: sudo [KIND=ovs|hybrid] [PY_MAX=N] scripts/bench-ops.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
n=${1:-1000}
kind=${KIND:-ovs}
if [ "$(id -u)" -ne 0 ]; then
	echo "bench-ops: needs root (network namespaces, OVS daemons)" >&2
	exit 1
fi
/usr/bin/python3 -c 'import os_vif, vif_plug_ovs' || { echo "bench-ops: python3-os-vif missing" >&2; exit 1; }
echo "govif operations: $n $kind VIFs (check, replug, restore after a simulated reboot)"
out=$(GOVIF_BENCH_OPS_N=$n GOVIF_BENCH_OPS_KIND=$kind GOVIF_BENCH_OPS_PY_MAX=${PY_MAX:-0} \
	go test -count=1 -timeout 60m -run '^TestOpsBenchmark$' -v ./ops 2>&1) || {
	echo "$out" >&2
	exit 1
}
if echo "$out" | grep -q -- '--- SKIP'; then
	echo "$out" | grep -A2 -- '--- SKIP' >&2
	exit 1
fi
echo "$out" | grep 'RESULT' | sed -E 's/^ +bench_test.go:[0-9]+: RESULT /  /'
