#!/usr/bin/python3
"""Drive Nova 26's own LibvirtGenericVIFDriver.plug/unplug for govif's parity tests of the VIF
types Nova plugs itself (tap, midonet, iovisor, ib_hostdev).

Run as root with /usr/bin/python3 (Debian's python3-nova). Privsep runs in-process:
nova.privsep.sys_admin_pctxt.set_client_mode(False) makes each privileged entrypoint call its
function directly, so no privsep-helper daemon, rootwrap or sudo is involved; the commands Nova
runs (`ip tuntap add`, `ip link set`, mm-ctl, ifc_ctl, ebrctl) are executed by oslo.concurrency
as in nova-compute, with the PATH given (where the test puts stand-ins for the vendor tools).

Input (stdin), one JSON object:
  {"netns": "/proc/<pid>/fd/<n>",        # entered with setns before anything runs
   "path": "/dir/with/stand-ins:...",     # PATH for the commands Nova runs
   "pci_devices": "/tmp/fake/bus/pci/devices",  # optional: bind-mounted over
                                          # /sys/bus/pci/devices (a fake SR-IOV tree for hw_veb)
   "ops": [{"op": "plug"|"unplug",
            "vif": <one network_info VIF, as Nova stores it>,
            "instance": {"uuid": ..., "name": ..., "project_id": ...,
                         "vcpus": 2, "multiqueue": true|false}}, ...]}
Output (stdout): {"results": [{"op": ..., "ok": bool, "error": str|null}, ...]}
The process exits 0 when it could run every op (an op failing is a result).
"""
import json
import os
import sys

CLONE_NEWNET = 0x40000000


CLONE_NEWNS = 0x00020000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000


def _enter_netns(path, pci_devices=None):
    """Move this (single-threaded) process into the network namespace at path, with a private
    mount namespace and a fresh /sys, so that Nova's device_exists (/sys/class/net/<dev>) sees
    the devices of that namespace as it sees the host's in nova-compute."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)

    def check(rc, what):
        if rc != 0:
            err = ctypes.get_errno()
            raise OSError(err, "%s: %s" % (what, os.strerror(err)))

    fd = os.open(path, os.O_RDONLY)
    try:
        check(libc.setns(fd, CLONE_NEWNET), "setns " + path)
    finally:
        os.close(fd)
    check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
    check(libc.mount(b"sysfs", b"/sys", b"sysfs", 0, None), "mount sysfs")
    if pci_devices:
        check(libc.mount(pci_devices.encode(), b"/sys/bus/pci/devices", None, MS_BIND, None),
              "bind " + pci_devices)


def _instance(spec):
    from nova import objects
    flavor = objects.Flavor(
        vcpus=spec.get("vcpus", 1), memory_mb=512, root_gb=1, ephemeral_gb=0,
        swap=0, name="parity", flavorid="parity", extra_specs={})
    if spec.get("multiqueue"):
        flavor.extra_specs["hw:vif_multiqueue_enabled"] = "true"
    inst = objects.Instance(
        uuid=spec["uuid"], project_id=spec.get("project_id"),
        display_name=spec.get("name", "parity"), flavor=flavor, image_ref="",
        system_metadata={})  # image_meta comes from here: no image properties
    return inst


def main():
    req = json.load(sys.stdin)
    if req.get("netns"):
        _enter_netns(req["netns"], req.get("pci_devices"))
    os.environ["PATH"] = req["path"]

    import nova.conf
    from nova import objects
    objects.register_all()
    nova.conf.CONF([], project="nova", default_config_files=[])
    import nova.privsep
    nova.privsep.sys_admin_pctxt.set_client_mode(False)
    from nova.network import model as network_model
    from nova.virt.libvirt import vif as libvirt_vif

    driver = libvirt_vif.LibvirtGenericVIFDriver()
    results = []
    for op in req["ops"]:
        vif = network_model.VIF.hydrate(op["vif"])
        try:
            inst = _instance(op["instance"])
            getattr(driver, op["op"])(inst, vif)
            results.append({"op": op["op"], "ok": True, "error": None})
        except Exception as e:  # an op failing is a result
            results.append({"op": op["op"], "ok": False,
                            "error": "%s: %s" % (type(e).__name__, e)})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
