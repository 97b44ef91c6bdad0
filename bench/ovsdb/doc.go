// Package ovsdbbench holds the like-for-like OVSDB benchmark that scripts/bench-ovsdb.sh runs:
// add+delete of one port through govif's vswitch, through ovs-vsctl and through Python
// ovsdbapp (os-vif's native driver), with and without waiting for ovs-vswitchd, on a bridge
// that already holds 10, 1000 or 5000 ports. It only runs when GOVIF_BENCH=1 (it takes
// minutes), never in the normal test run.
package ovsdbbench
