"""Runs os-vif's own SR-IOV sysfs lookups (vif_plug_ovs.linux_net) against a fake sysfs tree.

Usage: oslinuxnet.py FAKE_SYSFS_ROOT < queries.json > answers.json

The process must run in a private mount namespace (the Go test starts it with CLONE_NEWNS):
it bind-mounts the fake tree over /sys, because os-vif reads hard-coded /sys paths. Each query
is [function, args...]; each answer is {"value": ...} or {"error": "<exception class name>"}.
"""
import ctypes
import json
import sys

MS_BIND = 4096
libc = ctypes.CDLL(None, use_errno=True)
if libc.mount(sys.argv[1].encode(), b"/sys", None, MS_BIND, None) != 0:
    sys.exit("bind mount of the fake sysfs failed: errno %d" % ctypes.get_errno())

from vif_plug_ovs import linux_net  # noqa: E402  (after the mount, on purpose)

FUNCS = {
    "vf_num": lambda pci: int(linux_net.get_vf_num_by_pci_address(pci)),
    "pf_name": lambda pci: linux_net.get_ifname_by_pci_address(pci, pf_interface=True, switchdev=True),
    "pf_pci": linux_net.get_pf_pci_from_vf,
    "representor": linux_net.get_representor_port,
}

answers = []
for q in json.load(sys.stdin):
    try:
        answers.append({"value": FUNCS[q[0]](*q[1:])})
    except Exception as e:  # the class name is what the Go side compares
        answers.append({"error": type(e).__name__})
json.dump(answers, sys.stdout)
