#!/usr/bin/python3
"""Summarise scripts/bench-batch.sh's JSON lines: medians over rounds, ratios, targets."""
import json
import statistics
import sys
from collections import defaultdict

PATHS = [
    ("python", "Python os-vif 3.0.0, its loop"),
    ("in-process", "govif in-process PlugMany/UnplugMany"),
    ("in-process-inventory", "govif in-process, with the daemon's inventory (ops.Manager)"),
    ("daemon", "govif daemon: single requests, one after the other per client"),
    ("daemon-concurrent", "govif daemon: single requests, all at once per client"),
    ("daemon-bulk", "govif daemon: one bulk request per client"),
]


def main(path, clients):
    v = defaultdict(list)
    for line in open(path):
        r = json.loads(line)
        d = r["data"]
        if r["impl"] == "python":
            t = d["timing"]
            n = len(t["plug_s"])
            v[("python", n, "plug")].append(t["plug_total_s"])
            v[("python", n, "unplug")].append(t["unplug_total_s"])
        else:
            v[(r["impl"], d["n"], "plug")].append(d["plug_total_s"])
            v[(r["impl"], d["n"], "unplug")].append(d["unplug_total_s"])
    m = {k: statistics.median(x) for k, x in v.items()}
    rounds = max(len(x) for x in v.values())
    ns = sorted({k[1] for k in m})
    print("hybrid VIFs (VIFBridge), one OVS sandbox, medians of %d rounds; daemon paths: %s concurrent clients"
          % (rounds, clients))
    print()
    print("| VIFs | op | path | wall time | VIFs/s | vs in-process (target >= 0.8×) | vs in-process with inventory | vs Python loop (target >= 3×) |")
    print("|---|---|---|---|---|---|---|---|")
    verdict = defaultdict(list)
    for n in ns:
        for op in ("plug", "unplug"):
            py, ip = m.get(("python", n, op)), m.get(("in-process", n, op))
            ii = m.get(("in-process-inventory", n, op))
            for impl, label in PATHS:
                x = m.get((impl, n, op))
                if x is None:
                    continue
                vs_ip = ip / x if ip and impl.startswith("daemon") else None
                vs_py = py / x if py and impl != "python" else None
                vs_ii = ii / x if ii and impl.startswith("daemon") else None
                print("| %d | %s | %s | %.2f s | %.0f | %s | %s | %s |" % (
                    n, op, label, x, n / x,
                    "-" if vs_ip is None else "%.2f×" % vs_ip,
                    "-" if vs_ii is None else "%.2f×" % vs_ii,
                    "-" if vs_py is None else "%.1f×" % vs_py))
                if n == 30 and impl.startswith("daemon"):
                    ok = vs_ip is not None and vs_ip >= 0.8 and vs_py is not None and vs_py >= 3
                    verdict[impl].append("%s %s" % (op, "met" if ok else "MISSED"))
    print()
    for impl, label in PATHS:
        if verdict.get(impl):
            print("targets at 30 VIFs, %s: %s" % (label, ", ".join(verdict[impl])))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "?")
