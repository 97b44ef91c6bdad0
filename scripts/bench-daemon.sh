#!/usr/bin/env bash
# Load test of the govif daemon (daemon/load_test.go, BenchmarkDaemonLoad): the real
# `govif serve` binary inside a private OVS sandbox (ovsdb-server + ovs-vswitchd, userspace
# datapath, own network namespace), and CLIENTS concurrent clients (default 200), each on its
# own connection, plugging then unplugging its own VIF (half plain VIFOpenVSwitch, half hybrid
# VIFBridge). Fails on any error or on anything left behind; prints plug/unplug latency
# percentiles, throughput and the daemon's RSS idle and after the load. Then the same load
# against the in-process govif.Host (BenchmarkHostLoad), to show what the daemon adds.
# Needs root and what scripts/install-deps.sh installs.
# Usage: sudo scripts/bench-daemon.sh [CLIENTS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
clients=${1:-200}
rounds=${2:-1}
if [ "$(id -u)" -ne 0 ]; then
	echo "bench-daemon: needs root (network namespaces, OVS daemons)" >&2
	exit 1
fi
echo "govif daemon load: $clients concurrent clients x $rounds round(s), plug + unplug each"
out=$(GOVIF_LOAD_CLIENTS=$clients go test -count=1 -timeout 30m -run '^$' \
	-bench '^Benchmark(Daemon|Host)Load$' -benchtime "${rounds}x" -v ./daemon 2>&1) || {
	echo "$out" >&2
	exit 1
}
echo "$out" | grep -E 'load_test.go|^Benchmark(Daemon|Host)Load|^(cpu|goos|goarch):' | sed -E 's/^ +load_test.go:[0-9]+: /  /'
if echo "$out" | grep -q -- '--- SKIP'; then
	echo "$out" | grep -A2 -- '--- SKIP' >&2
	exit 1
fi
