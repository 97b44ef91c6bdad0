// Package testenv holds the helpers govif's tests share: a root gate, fresh network
// namespaces, a real Open vSwitch sandbox (ovsdb-server, optionally ovs-vswitchd on the
// userspace datapath) in a temp dir, and a runner for Debian's Python os-vif used as the
// interoperability oracle.
//
// Every helper that cannot run on this machine skips the test with a reason that says what is
// missing (not root, a binary absent, a Python module absent). Everything a helper starts is
// stopped by t.Cleanup, so no daemon outlives its test.
//
// It must not know anything about VIFs, plugins or OVSDB: it only starts and stops the real parts.
package testenv
