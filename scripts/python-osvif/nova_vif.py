#!/usr/bin/python3
"""Drive Nova 26's own LibvirtGenericVIFDriver (and os_vif.host_info) for govif's tests and
benchmark of the os-vif bridge (python/, package os-vif-govif).

Run as root with /usr/bin/python3, inside the network namespace whose OVS it must change, under
eventlet's monkey patching as nova-compute runs (--no-eventlet to run without). What
plugs is whatever os-vif loads: with vif_plug_govif on sys.path (PYTHONPATH, or --append-path
DIR to put it AFTER dist-packages) govif's bridge forwards to the daemon; without it os-vif's own
plugins run, with privsep in-process (PrivContext.set_client_mode(False): no privsep-helper).

Input (--case FILE), one JSON object:
  {"nova_conf": "<nova.conf text: [os_vif_ovs], [govif_daemon], [oslo_concurrency] ...>",
   "instance": {"uuid": ..., "id": 1, "project_id": ...},
   "ops": [{"op": "plug"|"unplug", "vif": <Nova network_info VIF dict>,
            "socket": "/x.sock", "request_timeout": 1, "connect_timeout": 0.5},   # overrides
           {"op": "host_info"}],
   "bench": {"rounds": N}}            # optional: time N x (plug every VIF, unplug every VIF)
Output (stdout): {"plugins": {name: "module:Class"}, "names": [...],
                  "results": [{"op", "ok", "error", "error_type", "seconds", "host_info"}],
                  "bench": {"plug_s": [...], "unplug_s": [...]}}
"""
import argparse
import json
import os
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True)
    ap.add_argument("--append-path", help="directory appended to sys.path (after dist-packages)")
    ap.add_argument("--no-eventlet", action="store_true",
                    help="do not monkey-patch with eventlet as nova-compute does")
    a = ap.parse_args()
    if a.append_path:
        sys.path.append(a.append_path)
    if not a.no_eventlet:
        # What nova-compute runs under: importing nova.cmd (its entry point's package) patches
        # socket, threading, time, ... with eventlet before anything else is imported.
        import nova.monkey_patch  # noqa: F401
    with open(a.case) as f:
        case = json.load(f)

    import nova.conf
    from nova import objects as nova_objects
    from nova.network import model as network_model
    from nova.virt.libvirt import vif as libvirt_vif
    import os_vif
    from oslo_config import cfg

    conf_dir = tempfile.mkdtemp(prefix="govif-nova-")
    try:
        path = os.path.join(conf_dir, "nova.conf")
        with open(path, "w") as f:
            f.write(case["nova_conf"])
        nova.conf.CONF(["--config-file", path], project="nova", default_config_files=[])
    finally:
        os.unlink(path)
        os.rmdir(conf_dir)

    nova_objects.register_all()
    # What LibvirtDriver.__init__ does once per nova-compute.
    os_vif.initialize()
    # os-vif's own plugins (used when the bridge is not installed) run privsep in-process.
    from vif_plug_linux_bridge import iptables
    from vif_plug_linux_bridge import privsep as lb_privsep
    from vif_plug_ovs import privsep as ovs_privsep
    ovs_privsep.vif_plug.set_client_mode(False)
    lb_privsep.vif_plug.set_client_mode(False)
    iptables.binary_name = "nova-compute"

    mgr = os_vif._EXT_MANAGER
    out = {"names": mgr.names(),
           "plugins": {n: "%s:%s" % (mgr[n].plugin.__module__, mgr[n].plugin.__name__)
                       for n in mgr.names()},
           "results": []}

    ispec = case.get("instance") or {}
    instance = nova_objects.Instance(
        uuid=ispec.get("uuid", "5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d"),
        id=ispec.get("id", 1),
        project_id=ispec.get("project_id", "3f1e2d4c5b6a49880123456789abcdef"),
        display_name="govif-nova-test")
    driver = libvirt_vif.LibvirtGenericVIFDriver()

    def run(op):
        res = {"op": op["op"], "ok": True, "error": None, "error_type": None}
        for key in ("socket", "request_timeout", "connect_timeout"):
            if key in op:
                cfg.CONF.set_override(key, op[key], group="govif_daemon")
        t = time.perf_counter()
        try:
            if op["op"] == "host_info":
                res["host_info"] = os_vif.host_info().obj_to_primitive()
            else:
                vif = network_model.VIF.hydrate(op["vif"])
                getattr(driver, op["op"])(instance, vif)
        except Exception as e:  # a failed op is a result the caller checks
            res.update(ok=False, error=str(e), error_type=type(e).__name__)
        res["seconds"] = time.perf_counter() - t
        for key in ("socket", "request_timeout", "connect_timeout"):
            if key in op:
                cfg.CONF.clear_override(key, group="govif_daemon")
        return res

    bench = case.get("bench")
    if not bench:
        for op in case.get("ops", []):
            out["results"].append(run(op))
    else:
        plugs, unplugs = [], []
        for _ in range(bench.get("rounds", 1)):
            for phase, times in (("plug", plugs), ("unplug", unplugs)):
                for op in case["ops"]:
                    r = run({"op": phase, "vif": op["vif"]})
                    if not r["ok"]:
                        out["results"].append(r)
                        print(json.dumps(out))
                        return 1
                    times.append(r["seconds"])
        out["bench"] = {"plug_s": plugs, "unplug_s": unplugs}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    rc = main()
    sys.stdout.flush()
    # ovsdbapp's connection thread keeps the interpreter alive for seconds at exit: leave now.
    os._exit(rc)
