#!/usr/bin/python3
"""Summarise scripts/bench-plug.sh's JSON lines as a markdown table (medians over rounds)."""
import json
import statistics
import sys
from collections import defaultdict


def med(xs):
    return statistics.median(xs) if xs else None


def ms(x):
    return "-" if x is None else "%.1f ms" % (x * 1000)


def sec(x):
    return "-" if x is None else "%.2f s" % x


def ratio(a, b):
    return "-" if not a or not b else "%.1f×" % (a / b)


def main(path, py_bulk_max):
    v = defaultdict(list)
    for line in open(path):
        r = json.loads(line)
        impl = r["impl"]
        if r.get("mode") == "cold":
            v[(impl, "cold")].append(r["t1"] - r["t0"])
            continue
        if impl == "python":
            t = r["detail"]["timing"]
            if r["mode"] == "steady":
                v[("python", "plug", r["kind"])].append(med(t["plug_s"]))
                v[("python", "unplug", r["kind"])].append(med(t["unplug_s"]))
            else:
                v[("python", "bulk", r["n"])].append(t["plug_total_s"] + t["unplug_total_s"])
                v[("python", "bulkplug", r["n"])].append(t["plug_total_s"])
                v[("python", "bulkunplug", r["n"])].append(t["unplug_total_s"])
            continue
        d = r["data"]
        if d["mode"] == "bulk":
            v[(impl, "bulk", d["n"])].append(d["plug_total_s"] + d["unplug_total_s"])
            v[(impl, "bulkplug", d["n"])].append(d["plug_total_s"])
            v[(impl, "bulkunplug", d["n"])].append(d["unplug_total_s"])
        else:
            v[(impl, "plug", d["kind"])].append(d["plug_median_s"])
            v[(impl, "unplug", d["kind"])].append(d["unplug_median_s"])
    m = {k: med(x) for k, x in v.items()}
    rounds = len(v.get(("govif", "cold"), []))
    print("| measurement (median of %d rounds) | Python os-vif 3.0.0 | govif | floor | Python / govif | govif / floor |" % rounds)
    print("|---|---|---|---|---|---|")
    pc, gc = m.get(("python", "cold")), m.get(("govif", "cold"))
    print("| cold: process start to first hybrid plug done (plugbench) | %s | %s | - | %s | - |" % (sec(pc), ms(gc), ratio(pc, gc)))
    cc = m.get(("govif-cli", "cold"))
    if cc:
        print("| cold: `govif plug --vif F --instance F` (CLI, in-process host) | %s | %s | - | %s | - |" % (sec(pc), ms(cc), ratio(pc, cc)))
    labels = (("hybrid", "VIFBridge (hybrid)"), ("ovs", "VIFOpenVSwitch"), ("ovs-tap", "VIFOpenVSwitch create_tap"),
              ("ovs-pb", "VIFOpenVSwitch per_port_bridge (create_tap)"), ("vhu", "VIFVHostUser"))
    for kind, label in labels:
        for op in ("plug", "unplug"):
            p, g, f = m.get(("python", op, kind)), m.get(("govif", op, kind)), m.get(("floor", op, kind))
            if g is None:
                continue
            # govif / floor per round (floor and govif run back to back in each round).
            rr = sorted(a / b for a, b in zip(v.get(("govif", op, kind), []), v.get(("floor", op, kind), [])) if b)
            spread = " (rounds %.2f–%.2f)" % (rr[0], rr[-1]) if len(rr) > 1 else ""
            print("| steady %s %s, per VIF | %s | %s | %s | %s | %s%s |" % (label, op, ms(p), ms(g), ms(f), ratio(p, g),
                                                                        "-" if not g or not f else "%.2f×" % (g / f), spread))
    ns = sorted({k[2] for k in m if k[1] == "bulk"})
    for n in ns:
        g = m.get(("govif", "bulk", n))
        p = m.get(("python", "bulk", n))
        note = ""
        if p is None and m.get(("python", "bulk", py_bulk_max)):
            p = m[("python", "bulk", py_bulk_max)] * n / py_bulk_max
            note = " (extrapolated from N=%d)" % py_bulk_max
        print("| %d hybrid VIFs plug + unplug: Python sequential vs govif PlugMany+UnplugMany | %s%s | %s | - | %s | - |" % (
            n, sec(p), note, sec(g), ratio(p, g)))
        print("| … of which plug / unplug | %s / %s | %s / %s | - | - | - |" % (
            sec(m.get(("python", "bulkplug", n))), sec(m.get(("python", "bulkunplug", n))),
            sec(m.get(("govif", "bulkplug", n))), sec(m.get(("govif", "bulkunplug", n)))))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100)
