#!/bin/bash
# Count what one plug and one unplug cost in system calls, per VIF type: netlink requests
# (sendto/sendmsg on a NETLINK socket), OVSDB requests (JSON-RPC writes on the OVSDB socket, by
# method), tun ioctls and /proc/sys writes. bench/plugbench -mark runs sequential plugs then
# unplugs under `strace -f`, making a recognisable stat before each one; the trace is cut at
# those marks. Plug #0 is the cold plug (new process: dial, bridge not yet remembered); the
# others are steady plugs (the median is printed). "floor" rows are bench/plugbench -mode floor:
# the same host changes made directly through netdev and vswitch.
#
#   sudo scripts/count-plug.sh                       # N=6, kinds hybrid ovs ovs-tap ovs-pb vhu
#   N=10 KINDS="ovs hybrid" sudo -E scripts/count-plug.sh
#   CALLGRIND=1 KINDS="ovs hybrid" sudo -E scripts/count-plug.sh
#
# With CALLGRIND=1 it also counts the instructions plugbench itself executes (valgrind
# --tool=callgrind, user space only: repeatable, unlike wall time on a loaded machine) for
# N=CG_N1 and N=CG_N2 plug+unplug cycles (default 5 and 25), and prints the difference per
# cycle: the client-side CPU cost of one plug and unplug, govif vs floor.
#
# Prints a markdown table; needs strace, ovsdb-server, ovs-vswitchd (userspace datapath).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-6}
KINDS=${KINDS:-"hybrid ovs ovs-tap ovs-pb vhu"}
PY=/usr/bin/python3
GO=${GO:-/usr/local/go/bin/go}
[ "$(id -u)" = 0 ] || { echo "count-plug: must run as root" >&2; exit 1; }
for b in strace ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ip; do
	command -v $b >/dev/null || { echo "count-plug: $b missing" >&2; exit 1; }
done
D=$(mktemp -d /tmp/govif-count-XXXXXX)
NS=govif-count-$$
. scripts/lib/ovs-sandbox.sh
cleanup() {
	ovs_sandbox_stop
	[ -n "${KEEP:-}" ] && echo "count-plug: kept $D" >&2 || rm -rf "$D"
}
trap cleanup EXIT
ovs_sandbox_start
$GO build -o "$D/plugbench" ./bench/plugbench
for kind in $KINDS; do
	for mode in floor steady; do
		ip netns exec "$NS" strace -f -qq -yy -s 200 -o "$D/trace.$mode.$kind" \
			-e trace=sendto,sendmsg,write,ioctl,openat,newfstatat -e signal=none \
			"$D/plugbench" -db "$DB" -mode "$mode" -kind "$kind" -n "$N" -mark >/dev/null
	done
done
$PY scripts/count_plug_trace.py "$D" $KINDS
[ -n "${CALLGRIND:-}" ] || exit 0
command -v valgrind >/dev/null || { echo "count-plug: valgrind missing" >&2; exit 1; }
CG_N1=${CG_N1:-5}
CG_N2=${CG_N2:-25}
ir() { # mode kind n -> instructions executed by plugbench
	ip netns exec "$NS" env GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$D/cg.out" \
		"$D/plugbench" -db "$DB" -mode "$1" -kind "$2" -n "$3" >/dev/null 2>"$D/cg.err"
	sed -n 's/^summary: //p; s/^totals: //p' "$D/cg.out" | head -1
}
echo
echo "| VIF kind | client instructions per plug+unplug cycle: govif | floor | govif / floor |"
echo "|---|---|---|---|"
for kind in $KINDS; do
	declare -A per
	for mode in floor steady; do
		a=$(ir $mode $kind "$CG_N1")
		b=$(ir $mode $kind "$CG_N2")
		per[$mode]=$(( (b - a) / (CG_N2 - CG_N1) ))
	done
	awk -v k="$kind" -v g="${per[steady]}" -v f="${per[floor]}" \
		'BEGIN { printf "| %s | %.2f M | %.2f M | %.2f× |\n", k, g / 1e6, f / 1e6, g / f }'
done
