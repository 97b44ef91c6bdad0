#!/usr/bin/python3
"""Drive Python os-vif's "linux_bridge" plugin (Debian 3.0.0) for govif's parity tests.

Run as root with /usr/bin/python3. Each case names the network namespace it must change (a
path such as /proc/<pid>/fd/<n>, entered with setns); a case without one runs in the
namespace the process was started in.

Privsep runs in-process: PrivContext.set_client_mode(False) makes each privileged entrypoint
call its function directly, so no privsep-helper daemon or sudo is involved. The iptables
"binary name" (os-vif takes it from the outermost stack frame's file name, "nova-compute" in a
real deployment) is set from "binary_name" so both implementations write the same chain names.

Input (stdin or --case FILE), one JSON object:
  {"lock_path": "/tmp/...",                                     # [oslo_concurrency] lock_path
   "binary_name": "nova-compute",                               # optional
   "cases": [{"netns": "/proc/<pid>/fd/<n>",                    # optional: enter it first
              "config": {"<[os_vif_linux_bridge] option>": value, ...},
              "ops": [{"op": "plug"|"unplug", "vif": <os-vif wire primitive of a VIF>,
                       "instance": {"uuid": ..., "name": ...}}, ...]}, ...]}
Each case gets a new LinuxBridgePlugin (so a new IptablesManager, as in a new nova-compute)
built from its own options, and runs in its network namespace: one interpreter start serves
many cases. A single case may also be given at the top level ("config", "ops", no "cases").
Output (stdout): {"cases": [{"results": [{"op": ..., "ok": bool, "error": str|null,
                                           "error_type": str|null, "seconds": float}, ...]}]}
(or {"results": [...]} for a top-level case). The process exits 0 when it could run every op
(an op failing is a result, not an exit code).
"""
import argparse
import json
import sys
import time


CLONE_NEWNET = 0x40000000


def _enter_netns(path):
    """Move this (single-threaded) process into the network namespace at path."""
    import ctypes
    import os
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def _configure(lock_path):
    from oslo_config import cfg
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False,
                                     dir=lock_path) as f:
        f.write("[oslo_concurrency]\nlock_path = %s\n" % lock_path)
        conf = f.name
    cfg.CONF(["--config-file", conf], project="govif-parity")


def _new_plugin(options):
    """A LinuxBridgePlugin built from [os_vif_linux_bridge] = defaults + options."""
    import os_vif
    from oslo_config import cfg
    from vif_plug_linux_bridge import linux_bridge
    group = "os_vif_linux_bridge"
    for opt in linux_bridge.LinuxBridgePlugin.CONFIG_OPTS:
        cfg.CONF.clear_override(opt.name, group=group)
    for key, value in (options or {}).items():
        cfg.CONF.set_override(key, value, group=group)
    plugin = linux_bridge.LinuxBridgePlugin(getattr(cfg.CONF, group))
    os_vif._EXT_MANAGER["linux_bridge"].obj = plugin  # what os_vif.plug dispatches to
    return plugin


def _run_ops(ops):
    import os_vif
    from os_vif.objects import base as osv_base
    from os_vif.objects import instance_info
    results = []
    for op in ops:
        vif = osv_base.VersionedObject.obj_from_primitive(op["vif"])
        ispec = op.get("instance") or {}
        inst = instance_info.InstanceInfo(
            uuid=ispec.get("uuid", "5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d"),
            name=ispec.get("name", "instance-00000001"))
        res = {"op": op["op"], "ok": True, "error": None, "error_type": None}
        start = time.perf_counter()
        try:
            if op["op"] == "plug":
                os_vif.plug(vif, inst)
            elif op["op"] == "unplug":
                os_vif.unplug(vif, inst)
            else:
                raise ValueError("unknown op %r" % op["op"])
        except Exception as e:  # a failed op is a result the caller compares
            res.update(ok=False, error=str(e), error_type=type(e).__name__)
        res["seconds"] = time.perf_counter() - start
        results.append(res)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", help="case JSON file (default: stdin)")
    args = ap.parse_args()
    if args.case:
        with open(args.case) as f:
            case = json.load(f)
    else:
        case = json.load(sys.stdin)

    _configure(case["lock_path"])

    import os_vif
    from os_vif import objects as osv_objects
    from vif_plug_linux_bridge import iptables
    from vif_plug_linux_bridge import privsep

    privsep.vif_plug.set_client_mode(False)
    iptables.binary_name = case.get("binary_name", "nova-compute")
    osv_objects.register_all()
    os_vif.initialize()

    if "cases" not in case:
        _new_plugin(case.get("config"))
        json.dump({"results": _run_ops(case["ops"])}, sys.stdout)
    else:
        out = []
        for c in case["cases"]:
            if c.get("netns"):
                _enter_netns(c["netns"])
            _new_plugin(c.get("config"))
            out.append({"results": _run_ops(c["ops"])})
        json.dump({"cases": out}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
