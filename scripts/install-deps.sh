#!/usr/bin/env bash
# Installs every system package govif's demo and tests need on Debian 12, when missing.
# Called by `make demo`, `make test` and .ci/run. Idempotent; quiet when nothing is missing.
# It installs packages (and the pinned staticcheck into $(go env GOPATH)/bin) and nothing else:
# it never stops, starts, restarts or reconfigures a service or the host's OVS (see README,
# "What the install script changes").
set -euo pipefail

pkgs=(openvswitch-switch python3-os-vif python3-nova python3-ovsdbapp python3-pip iproute2 iptables ethtool procps)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
	missing+=(golang-go)
fi

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: missing packages: ${missing[*]}; not root, so not installing them." >&2
		echo "install-deps: tests that need them will skip; run as root (sudo $0) to install." >&2
		exit 0
	fi
	echo "install-deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# govif's tests and demo start private ovsdb-server/ovs-vswitchd instances in temp dirs and
	# never use the system OVS. So that installing openvswitch-switch does not start a system OVS
	# (an ovs-vswitchd on the userspace datapath spins a core), service starts are denied for the
	# duration of this apt-get run only, through a policy-rc.d of our own; an existing
	# /usr/sbin/policy-rc.d is left as it is. Services already running are never touched.
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		trap 'rm -f "$policy"' EXIT
		printf '#!/bin/sh\n# temporary, from govif scripts/install-deps.sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
	fi
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go tools `make vet` runs, pinned (the module proxy serves them).
STATICCHECK_VERSION=${STATICCHECK_VERSION:-v0.8.2}
gobin=$(PATH=/usr/local/go/bin:$PATH go env GOPATH 2>/dev/null)/bin
if [ ! -x "$gobin/staticcheck" ] || ! "$gobin/staticcheck" -version 2>/dev/null | grep -qF "(${STATICCHECK_VERSION#v})"; then
	echo "install-deps: go install honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}" >&2
	PATH=/usr/local/go/bin:$PATH GOFLAGS=-mod=mod go install "honnef.co/go/tools/cmd/staticcheck@${STATICCHECK_VERSION}"
fi

exit 0
