#!/usr/bin/env bash
# Runs every Go fuzz target in the module for a short time each (default 10s).
# Usage: scripts/fuzz.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-10s}
found=0
while IFS= read -r -d '' f; do
	dir=$(dirname "$f")
	for fn in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$f" | awk '{print $2}'); do
		found=1
		echo "fuzz: $dir $fn ($t)"
		go test -run='^$' -fuzz="^${fn}\$" -fuzztime="$t" "./$dir"
	done
done < <(find . -name '*_test.go' -not -path './.git/*' -print0)
[ "$found" = 1 ] || echo "fuzz: no fuzz targets"
