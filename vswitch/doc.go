// Package vswitch performs Open vSwitch configuration the way ovs-vsctl does (ensure a bridge,
// add or delete a port, set interface columns, QoS, patch ports), each call as ONE OVSDB
// transaction on the Open_vSwitch database.
//
// Races are settled by the server, not by read-then-write: every transaction carries "wait"
// guards (the port is still absent, the bridge still exists, the port is still on that bridge)
// and a failed guard makes the call re-read and retry, or return a typed error. Errors are never
// swallowed: adding a port to a missing bridge returns *BridgeNotFoundError, an existing bridge
// with another datapath type returns *DatapathConflictError (its datapath_type is never
// flipped), and deleting a port removes the QoS row it references.
//
// Batch puts many port additions and deletions into one transaction, so ovs-vswitchd
// reconfigures once for a bulk plug. WaitApplied and WaitInterface wait for ovs-vswitchd.
//
// It imports only package ovsdb and must not know about VIFs, plugins or netlink.
package vswitch
