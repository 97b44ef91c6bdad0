#!/usr/bin/env bash
# Benchmarks the objects codec against Python os-vif on the same object in the same run.
# Go: go test -bench (decode, encode, round trip, backport; -benchmem). Python: os-vif 3.0.0
# (Debian /usr/bin/python3) doing json.loads + obj_from_primitive + obj_to_primitive + json.dumps.
# Prints both rates and the ratio. Usage: scripts/bench-objects.sh [BENCHTIME] [PY_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
benchtime=${1:-2s}
pysec=${2:-3}
obj=objects/testdata/golden/bench/vif_openvswitch.json

echo "object: $obj ($(wc -c <"$obj") bytes)"
go_out=$(go test -run='^$' -bench='^Benchmark(Decode|Encode|RoundTrip|BackportOldest)$' \
	-benchmem -benchtime="$benchtime" -count=1 ./objects)
echo "$go_out" | grep -E '^(Benchmark|goos|goarch|cpu)'
rt_ns=$(echo "$go_out" | awk '$1 ~ /^BenchmarkRoundTrip/ {for (i=1;i<=NF;i++) if ($(i+1)=="ns/op") print $i}')
[ -n "$rt_ns" ] || { echo "no BenchmarkRoundTrip result" >&2; exit 1; }

if ! /usr/bin/python3 -c 'import os_vif' 2>/dev/null; then
	echo "python os-vif not installed (/usr/bin/python3): Go only"
	awk -v ns="$rt_ns" 'BEGIN {printf "go_roundtrips_per_sec %.0f\n", 1e9/ns}'
	exit 0
fi
py_out=$(/usr/bin/python3 scripts/bench_objects.py "$obj" "$pysec")
echo "$py_out"
py_rt=$(echo "$py_out" | awk '$1=="python_roundtrips_per_sec" {print $2}')
awk -v ns="$rt_ns" -v py="$py_rt" 'BEGIN {
	go = 1e9/ns
	printf "go_roundtrips_per_sec %.0f\n", go
	printf "ratio_go_over_python %.1fx (target >= 20x)\n", go/py
}'
