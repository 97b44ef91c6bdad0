#!/usr/bin/env bash
# `make test`: scripts/test.sh TEST_TIMEOUT FUZZTIME VERSION (docs/testing.md).
#  1. go test -race -short ./...   the unit tests under the race detector (no root, no daemons)
#  2. go test ./...                 everything; as root the functional tests too (no -race:
#                                    they wait on OVS and the kernel, and -race would double CI time)
#  3. scripts/fuzz.sh               every fuzz target for FUZZTIME
#  4. make test-deb                 build the .deb, dpkg -i, check, dpkg -r/-P (root)
# All with TMPDIR set to a fresh directory, which must be empty at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
timeout=$1 fuzztime=$2 version=$3
tmp=$(mktemp -d /tmp/gt.XXXXXX)
chmod 1777 "$tmp" # as /tmp: tests run helpers as other uids (nobody) from temp dirs
export TMPDIR=$tmp
status=0
step() {
	echo "== $*"
	local s=$(date +%s)
	if ! "$@"; then status=1; echo "== FAILED: $*"; fi
	echo "== $(( $(date +%s) - s )) s"
}
step go test -count=1 -short -race -timeout "$timeout" ./...
step go test -count=1 -timeout "$timeout" ./...
step bash scripts/fuzz.sh "$fuzztime"
step make --no-print-directory test-deb VERSION="$version"
left=$(find "$tmp" -mindepth 1 -maxdepth 1 -printf '%f\n' | grep -v '^go-build' || true)
# Go code must not bypass TMPDIR with a hard-coded /tmp.
if hard=$(git grep -n '"/tmp' -- '*.go' 2>/dev/null) && [ -n "$hard" ]; then
	echo "== FAILED: Go code names /tmp instead of using os.TempDir/t.TempDir:"
	echo "$hard"
	status=1
fi
if [ -n "$left" ]; then
	echo "== FAILED: tests left these in TMPDIR ($tmp):"
	echo "$left" | head -50
	status=1
fi
rm -rf "$tmp"
exit $status
