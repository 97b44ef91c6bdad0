#!/usr/bin/env bash
# Nova through govif vs Nova through os-vif (python/bench_test.go, BenchmarkNovaPlug): Nova 26's
# own LibvirtGenericVIFDriver.plug/unplug for a hybrid OVS, a plain OVS, two vhost-user (server,
# client) through OVS, a Linux bridge and a noop (vhost-user without OVS) VIF, once through the
# os-vif-govif bridge (python/) and the govif daemon, once through os-vif 3.0.0's own plugins
# (privsep in-process), alternating on ONE private OVS sandbox (ovsdb-server + ovs-vswitchd,
# userspace datapath, own network namespace) in the same run. Prints the median time per VIF of
# each driver call on both sides and the ratios (os-vif / govif: above 1 means govif is faster).
# Checks that the daemon counted every plug of the govif side.
# Needs root and what scripts/install-deps.sh installs. Not a timed test.
# Usage: sudo scripts/bench-nova.sh [PASSES] [ROUNDS]   (default 3 alternations x 5 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
passes=${1:-3}
rounds=${2:-5}
if [ "$(id -u)" -ne 0 ]; then
	echo "bench-nova: needs root (network namespaces, OVS daemons, Python os-vif's privileged calls)" >&2
	exit 1
fi
out=$(GOVIF_NOVA_PASSES=$passes GOVIF_NOVA_ROUNDS=$rounds go test -count=1 -timeout 30m -run '^$' \
	-bench '^BenchmarkNovaPlug$' -benchtime 1x ./python 2>&1) || {
	echo "$out" >&2
	exit 1
}
if echo "$out" | grep -q -- '--- SKIP'; then
	echo "$out" | grep -A2 -- '--- SKIP' >&2
	exit 1
fi
echo "$out" | grep -vE '^(goos|goarch|pkg|PASS|ok |BenchmarkNovaPlug)'
