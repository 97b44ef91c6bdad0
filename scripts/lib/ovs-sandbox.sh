# Sourced by the benchmark scripts: a private OVS (ovsdb-server + ovs-vswitchd, userspace
# datapath, bridge br-int) in the temp dir $D inside the network namespace $NS, OVSDB at $DB.
# The caller sets D and NS, calls ovs_sandbox_start, and calls ovs_sandbox_stop from its EXIT
# trap (after stopping whatever else it started in the namespace).
DB=unix:$D/db.sock

# ovs_sandbox_start creates the namespace, starts both daemons and adds br-int (netdev).
ovs_sandbox_start() {
	export OVS_RUNDIR=$D OVS_LOGDIR=$D OVS_DBDIR=$D OVS_SYSCONFDIR=$D
	ip netns add "$NS"
	ip netns exec "$NS" ip link set lo up
	ovsdb-tool create "$D/conf.db" /usr/share/openvswitch/vswitch.ovsschema
	ip netns exec "$NS" ovsdb-server "$D/conf.db" --remote=punix:"$D/db.sock" --pidfile="$D/ovsdb-server.pid" \
		--unixctl="$D/ovsdb-server.ctl" --log-file="$D/ovsdb-server.log" --detach -vconsole:off
	ovs-vsctl --db="$DB" --no-wait init
	ip netns exec "$NS" ovs-vswitchd "$DB" --pidfile="$D/ovs-vswitchd.pid" --unixctl="$D/ovs-vswitchd.ctl" \
		--log-file="$D/ovs-vswitchd.log" --detach -vconsole:off
	ovs-vsctl --db="$DB" --timeout=30 -- add-br br-int -- set Bridge br-int datapath_type=netdev
}

# ovs_sandbox_stop stops both daemons and removes the namespace (not $D: the caller decides).
ovs_sandbox_stop() {
	for p in ovs-vswitchd ovsdb-server; do
		[ -f "$D/$p.pid" ] && kill "$(cat "$D/$p.pid")" 2>/dev/null || true
	done
	sleep 0.5
	ip netns del "$NS" 2>/dev/null || true
}
