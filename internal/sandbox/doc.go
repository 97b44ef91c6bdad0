// Package sandbox starts a private Open vSwitch (ovsdb-server and, optionally, ovs-vswitchd on
// the userspace datapath) inside a fresh network namespace, with its database, sockets, pid
// files and logs in one temp dir, and tears it all down again. It also holds the few
// namespace-level helpers a demo or a load test needs around it: fresh namespaces, running a
// function inside one, an ICMP echo, and turning off a device's tx checksum offload.
//
// It is used by `govif demo`, by the daemon's functional and load tests and by benchmarks;
// it is not for production hosts (there govif talks to the system's ovsdb-server). Nothing
// here touches /var/run/openvswitch or the caller's namespace, and no shell is involved: the
// daemons are exec'd directly and the Open_vSwitch row is initialised over OVSDB.
package sandbox
