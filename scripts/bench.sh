#!/usr/bin/env bash
# Runs govif's side-by-side benchmarks (each also prints the Python os-vif / ovs-vsctl figures it
# compares against, measured in the same run). Usage: sudo scripts/bench.sh [objects|ovsdb|plug|plug-count|daemon|batch|cni|ops|nova|all]
# plug-count is scripts/count-plug.sh: netlink and OVSDB requests per plug, counted, per VIF type.
# Default: objects (quick). The others start private OVS sandboxes and take minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-objects}
run() { echo "=== scripts/bench-$1.sh"; bash "scripts/bench-$1.sh"; }
case "$what" in
objects | ovsdb | plug | daemon | batch | cni | ops | nova) run "$what" ;;
plug-count) echo "=== scripts/count-plug.sh"; bash scripts/count-plug.sh ;;
all) for w in objects ovsdb plug daemon batch cni ops nova; do run "$w"; done ;;
*)
	echo "usage: $0 [objects|ovsdb|plug|plug-count|daemon|batch|cni|ops|nova|all]" >&2
	exit 2
	;;
esac
