#!/usr/bin/python3
"""Drive Python os-vif's "ovs" plugin (Debian 3.0.0) against a private OVSDB, for govif's
parity test and plug benchmark.

Privsep runs in-process: PrivContext.set_client_mode(False) makes every privileged entrypoint
call its function directly, so no privsep-helper daemon or sudo is needed (run as root, inside
the sandbox's network namespace).

Input: a JSON "case" on stdin or --case FILE:
  {"config": {"ovsdb_connection": "unix:/…/db.sock", "isolate_vif": false, ...},
   "ops": [{"op": "plug"|"unplug", "vif": {...}, "instance": {...}}, ...]}
A VIF spec is:
  {"kind": "VIFOpenVSwitch"|"VIFBridge"|"VIFVHostUser"|"VIFHostDevice",
   "id", "address", "vif_name", "bridge_name", "mode", "path", "dev_address",
   "network": {"id", "bridge", "mtu"},
   "profile": {"kind": "VIFPortProfileOpenVSwitch", "interface_id", "datapath_type", "create_port"}}
Output (stdout): one JSON object {"results": [{"op", "ok", "error", "seconds"}], "timing": {...}}.

Bench mode (--bench): case has "bench": {"kind": "VIFBridge"|"VIFOpenVSwitch", "n": N,
"bridge": "br-int", "datapath_type": "netdev", "mtu": 1450}; N VIFs are plugged then unplugged
sequentially, one at a time, and per-op seconds are reported.
"""
import argparse
import json
import os
import sys
import time

T0 = time.perf_counter()

import os_vif  # noqa: E402
from os_vif import objects as osv_objects  # noqa: E402
from oslo_config import cfg  # noqa: E402

T_IMPORT = time.perf_counter()


def _in_process_privsep():
    from vif_plug_ovs import privsep
    privsep.vif_plug.set_client_mode(False)


def build_vif(spec):
    from os_vif.objects import network as onet
    from os_vif.objects import vif as ovif
    netspec = spec.get("network") or {}
    net = onet.Network(id=netspec.get("id", "0f6c1e2a-9d3b-4c5d-8e7f-102030405060"))
    if netspec.get("bridge") is not None:
        net.bridge = netspec["bridge"]
    if netspec.get("mtu") is not None:
        net.mtu = netspec["mtu"]
    prof = None
    pspec = spec.get("profile")
    if pspec is not None:
        pkind = pspec.get("kind", "VIFPortProfileOpenVSwitch")
        cls = getattr(ovif, pkind)
        prof = cls()
        for key in ("interface_id", "datapath_type", "create_port",
                    "representor_name", "representor_address"):
            if pspec.get(key) is not None and key in cls.fields:
                setattr(prof, key, pspec[key])
    cls = getattr(ovif, spec["kind"])
    vif = cls(id=spec["id"], address=spec.get("address"), network=net,
              plugin="ovs", active=True, has_traffic_filtering=False,
              preserve_on_delete=False)
    if prof is not None:
        vif.port_profile = prof
    for key in ("vif_name", "bridge_name", "mode", "path", "dev_address", "dev_type"):
        if spec.get(key) is not None and key in cls.fields:
            setattr(vif, key, spec[key])
    return vif


def build_instance(spec):
    from os_vif.objects import instance_info
    spec = spec or {}
    inst = instance_info.InstanceInfo(
        uuid=spec.get("uuid", "5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d"),
        name=spec.get("name", "instance-00000001"))
    if spec.get("project_id"):
        inst.project_id = spec["project_id"]
    return inst


def initialize(config):
    # The plugin copies its options when it is built (BaseOVS.__init__), so they must be in
    # place before os_vif.initialize(): write them to a nova.conf-style file and parse it first.
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("[os_vif_ovs]\n")
        for key, value in sorted(config.items()):
            if isinstance(value, bool):
                value = str(value).lower()
            f.write("%s = %s\n" % (key, value))
        path = f.name
    try:
        cfg.CONF(args=["--config-file", path], project="govif-parity", default_config_files=[])
    finally:
        os.unlink(path)  # parsed: leave nothing in the temp dir
    os_vif.initialize()
    _in_process_privsep()


def run_op(op):
    vif = build_vif(op["vif"])
    inst = build_instance(op.get("instance"))
    t = time.perf_counter()
    err = None
    try:
        if op["op"] == "plug":
            os_vif.plug(vif, inst)
        else:
            os_vif.unplug(vif, inst)
    except Exception as e:  # reported, the caller compares
        err = "%s: %s" % (type(e).__name__, e)
    return {"op": op["op"], "ok": err is None, "error": err,
            "seconds": time.perf_counter() - t}


def bench_vifs(b):
    out = []
    for i in range(b["n"]):
        # The index goes in the first 8 hex digits: device names keep 14 characters of the id.
        vid = "%08x-0000-4000-8000-%012x" % (0xb0000000 + i, i)
        spec = {"kind": b["kind"], "id": vid,
                "address": "fa:16:3e:%02x:%02x:%02x" % ((i >> 16) & 255, (i >> 8) & 255, i & 255),
                "vif_name": ("tap" + vid)[:14],
                "network": {"bridge": b.get("bridge", "br-int"), "mtu": b.get("mtu", 1450)},
                "profile": {"interface_id": vid,
                            "datapath_type": b.get("datapath_type", "netdev"),
                            "create_port": True}}
        if b["kind"] == "VIFBridge":
            spec["bridge_name"] = ("qbr" + vid)[:14]
        out.append(spec)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", default="-")
    ap.add_argument("--bench", action="store_true")
    a = ap.parse_args()
    case = json.load(sys.stdin if a.case == "-" else open(a.case))
    initialize(case.get("config", {}))
    t_init = time.perf_counter()
    timing = {"import_s": T_IMPORT - T0, "initialize_s": t_init - T_IMPORT}
    results = []
    if not a.bench:
        for op in case.get("ops", []):
            results.append(run_op(op))
        print(json.dumps({"results": results, "timing": timing}))
        return 0 if all(r["ok"] for r in results) else 1
    specs = bench_vifs(case["bench"])
    plugs, unplugs = [], []
    t_loop = time.perf_counter()
    for s in specs:
        r = run_op({"op": "plug", "vif": s})
        if not r["ok"]:
            print(json.dumps({"error": r["error"]}))
            return 1
        plugs.append(r["seconds"])
    t_plugged = time.perf_counter()
    for s in specs:
        r = run_op({"op": "unplug", "vif": s})
        if not r["ok"]:
            print(json.dumps({"error": r["error"]}))
            return 1
        unplugs.append(r["seconds"])
    t_done = time.perf_counter()
    timing.update({"cold_first_plug_s": t_init - T0 + plugs[0] if plugs else None,
                   "plug_total_s": t_plugged - t_loop, "unplug_total_s": t_done - t_plugged,
                   "plug_s": plugs, "unplug_s": unplugs})
    print(json.dumps({"timing": timing}))
    return 0


if __name__ == "__main__":
    rc = main()
    sys.stdout.flush()
    # ovsdbapp's connection thread keeps the interpreter alive for seconds at exit: leave now.
    os._exit(rc)
