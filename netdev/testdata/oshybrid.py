"""Runs os-vif's own hybrid-plug host steps (vif_plug_ovs.linux_net, in-process, no privsep
daemon) in the current network namespace: the Go test starts this process inside a fresh one.

Usage: oshybrid.py BRIDGE VETH_A VETH_B MTU
"""
import sys

from vif_plug_ovs import linux_net
from vif_plug_ovs import privsep

privsep.vif_plug.set_client_mode(False)  # run the entrypoints here, as os-vif's own tests do

bridge, a, b, mtu = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
linux_net.ensure_bridge(bridge)
linux_net.create_veth_pair(a, b, mtu)
linux_net.add_bridge_port(bridge, a)
