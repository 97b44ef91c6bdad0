#!/usr/bin/python3
"""Drive Python os-vif's "linux_bridge" plugin (Debian 3.0.0) for govif's parity tests.

Run as root with /usr/bin/python3, inside the network namespace the plug must change (the
caller starts this process from a thread that entered that namespace).

Privsep runs in-process: PrivContext.set_client_mode(False) makes each privileged entrypoint
call its function directly, so no privsep-helper daemon or sudo is involved. The iptables
"binary name" (os-vif takes it from the outermost stack frame's file name, "nova-compute" in a
real deployment) is set with --binary-name so both implementations write the same chain names.

Input (stdin or --case FILE), one JSON object:
  {"config": {"<[os_vif_linux_bridge] option>": value, ...},   # optional
   "lock_path": "/tmp/...",                                     # [oslo_concurrency] lock_path
   "binary_name": "nova-compute",                               # optional
   "ops": [{"op": "plug"|"unplug", "vif": <os-vif wire primitive of a VIF>,
            "instance": {"uuid": ..., "name": ...}}, ...]}
Output (stdout): {"results": [{"op": ..., "ok": bool, "error": str|null,
                                "error_type": str|null, "seconds": float}, ...]}
The process exits 0 when it could run every op (an op failing is a result, not an exit code).
"""
import argparse
import json
import sys
import time


def _configure(case):
    from oslo_config import cfg

    lines = ["[os_vif_linux_bridge]"]
    for key, value in sorted((case.get("config") or {}).items()):
        if isinstance(value, list):
            for item in value:
                lines.append("%s = %s" % (key, item))
        elif isinstance(value, bool):
            lines.append("%s = %s" % (key, "true" if value else "false"))
        else:
            lines.append("%s = %s" % (key, value))
    lines.append("[oslo_concurrency]")
    lines.append("lock_path = %s" % case["lock_path"])
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False,
                                     dir=case["lock_path"]) as f:
        f.write("\n".join(lines) + "\n")
        conf = f.name
    cfg.CONF(["--config-file", conf], project="govif-parity")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--case", help="case JSON file (default: stdin)")
    args = ap.parse_args()
    if args.case:
        with open(args.case) as f:
            case = json.load(f)
    else:
        case = json.load(sys.stdin)

    _configure(case)

    import os_vif
    from os_vif import objects as osv_objects
    from os_vif.objects import base as osv_base
    from os_vif.objects import instance_info
    from vif_plug_linux_bridge import iptables
    from vif_plug_linux_bridge import privsep

    privsep.vif_plug.set_client_mode(False)
    iptables.binary_name = case.get("binary_name", "nova-compute")
    osv_objects.register_all()
    os_vif.initialize()

    results = []
    for op in case["ops"]:
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
    json.dump({"results": results}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
