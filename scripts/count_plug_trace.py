#!/usr/bin/python3
"""Cut the strace -f traces scripts/count-plug.sh made at bench/plugbench's marks and count,
per plug and unplug: netlink requests, OVSDB JSON-RPC requests (by method), /dev/net/tun
ioctls and /proc/sys writes. Usage: count_plug_trace.py DIR KIND..."""
import collections
import re
import statistics
import sys

MARK = re.compile(r'newfstatat\(AT_FDCWD[^,]*, "/govif-mark/(plug|unplug)-(\d+)"')
CALL = re.compile(r'^\d+\s+(sendto|sendmsg|write|ioctl|openat)\((\d+)<([^>]*)>?(.*)')
NLTYPE = re.compile(r'nlmsg_type=(?:RTM_)?(\w+)')
METHOD = re.compile(r'\\"method\\":\\"(\w+)\\"')


def windows(path):
    """Yields ((op, i), Counter) for each marked window of the trace at path."""
    cur, c = None, collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            m = MARK.search(line)
            if m:
                if cur:
                    yield cur, c
                cur, c = (m.group(1), int(m.group(2))), collections.Counter()
                continue
            if cur is None or "resumed>" in line.split(" ", 2)[1][:12]:
                continue
            m = CALL.match(line)
            if not m:
                continue
            call, fd, target, rest = m.groups()
            if call in ("sendto", "sendmsg") and target.startswith("NETLINK"):
                c["netlink"] += 1
                t = NLTYPE.search(rest)
                c["nl:" + (t.group(1) if t else "?")] += 1
            elif call == "write" and target.startswith("UNIX-STREAM") and (mm := METHOD.search(rest)):
                c["ovsdb:" + mm.group(1)] += 1
            elif call == "ioctl" and "/dev/net/tun" in target:
                c["tun ioctl"] += 1
            elif call == "write" and target.startswith("/proc/sys"):
                c["sysctl write"] += 1
    if cur:
        yield cur, c


def fmt(c):
    nl = ", ".join(f"{k[3:]} {c[k]:g}" for k in sorted(c) if k.startswith("nl:") and c[k])
    out = [f"netlink {c.get('netlink', 0):g}" + (f" ({nl})" if nl else "")]
    out.append(f"OVSDB transact {c.get('ovsdb:transact', 0):g}")
    out += [f"OVSDB {k[6:]} {c[k]:g}" for k in sorted(c) if k.startswith("ovsdb:") and k != "ovsdb:transact" and c[k]]
    out += [f"{k} {c[k]:g}" for k in ("tun ioctl", "sysctl write") if c.get(k)]
    return "; ".join(out)


def med(cs):
    keys = set().union(*cs) if cs else set()
    return collections.Counter({k: statistics.median(c.get(k, 0) for c in cs) for k in keys})


def main():
    d, kinds = sys.argv[1], sys.argv[2:]
    print("| VIF kind | run | cold plug (#0) | steady plug (median of #1..) | steady unplug (median) |")
    print("|---|---|---|---|---|")
    for kind in kinds:
        for mode in ("steady", "floor"):
            try:
                ws = dict(windows(f"{d}/trace.{mode}.{kind}"))
            except FileNotFoundError:
                continue
            plugs = [c for (op, i), c in sorted(ws.items()) if op == "plug"]
            unplugs = [c for (op, i), c in sorted(ws.items()) if op == "unplug"][:-1]  # last: process exit
            run = "govif" if mode == "steady" else "floor"
            print(f"| {kind} | {run} | {fmt(plugs[0])} | {fmt(med(plugs[1:]))} | {fmt(med(unplugs))} |")


if __name__ == "__main__":
    main()
