#!/usr/bin/env bash
# Like-for-like OVSDB benchmark: add+delete of one port through govif's vswitch package, through
# ovs-vsctl (os-vif's vsctl driver) and through Python ovsdbapp (os-vif's native driver), each
# without and with waiting for ovs-vswitchd (next_cfg/cur_cfg), on a netdev bridge that already
# holds 10, 1000 and 5000 ports. "floor" is a bare client with the cur_cfg monitor set up
# beforehand: the daemons' own time. Clients take turns each iteration so machine load hits all.
#
# Usage (as root): scripts/bench-ovsdb.sh [ITERATIONS] [SIZES]
#   ITERATIONS  add+del turns per client and mode (default 60)
#   SIZES       comma-separated port counts (default 10,1000,5000)
# Writes the markdown table to bench/ovsdb/results.md (and prints it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
iters=${1:-60}
sizes=${2:-10,1000,5000}
out=bench/ovsdb/results.md
echo "bench-ovsdb: $iters iterations, sizes $sizes, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
GOVIF_BENCH=1 GOVIF_BENCH_ITERS=$iters GOVIF_BENCH_SIZES=$sizes GOVIF_BENCH_OUT=$PWD/$out \
	go test -count=1 -timeout 60m -v -run '^TestBenchOVSDB$' ./bench/ovsdb | grep -v '^=== RUN'
echo "bench-ovsdb: load average after $(cut -d' ' -f1-3 /proc/loadavg); table in $out"
