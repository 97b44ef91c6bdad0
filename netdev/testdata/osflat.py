"""Runs os-vif's linux_bridge _update_bridge_routes(INTERFACE, BRIDGE) (the flat-network move of
addresses and gateway routes, done with `ip` commands) in the current network namespace, as many
times as asked. The Go test starts this process inside a fresh namespace.

Usage: osflat.py INTERFACE BRIDGE [TIMES]
"""
import sys

from vif_plug_linux_bridge import linux_net

for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 1):
    linux_net._update_bridge_routes(sys.argv[1], sys.argv[2])
