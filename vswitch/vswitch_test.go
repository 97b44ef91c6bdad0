package vswitch_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/vswitch"
)

func sandbox(t *testing.T, opts testenv.OVSOptions) (*testenv.OVS, *vswitch.VSwitch, context.Context) {
	t.Helper()
	o := testenv.StartOVS(t, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	v, err := vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return o, v, ctx
}

func TestEnsureBridge(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	for i := 0; i < 2; i++ { // may-exist: twice is once
		if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
			t.Fatal(err)
		}
	}
	if got := o.Vsctl(t, "list-br"); got != "br-int" {
		t.Fatalf("list-br = %q", got)
	}
	if got := o.Vsctl(t, "get", "Bridge", "br-int", "datapath_type"); got != "netdev" {
		t.Fatalf("datapath_type = %q", got)
	}
	if got := o.Vsctl(t, "get", "Interface", "br-int", "type"); got != "internal" {
		t.Fatalf("bridge-local interface type = %q", got)
	}
	if got := o.Vsctl(t, "--columns=name", "--bare", "list", "Port"); got != "br-int" {
		t.Fatalf("ports = %q", got)
	}
	// Another datapath: typed error, bridge unchanged (os-vif flips it; we do not).
	err := v.EnsureBridge(ctx, "br-int", "system")
	var dc *vswitch.DatapathConflictError
	if !errors.As(err, &dc) || dc.Have != "netdev" || dc.Want != "system" {
		t.Fatalf("conflict: %v", err)
	}
	if got := o.Vsctl(t, "get", "Bridge", "br-int", "datapath_type"); got != "netdev" {
		t.Fatalf("datapath_type flipped to %q", got)
	}
	if err := v.EnsureBridge(ctx, "br-int", ""); err != nil {
		t.Fatalf("any datapath: %v", err)
	}
	// "" and "system" are the same datapath.
	o.Vsctl(t, "--no-wait", "add-br", "br-sys")
	if err := v.EnsureBridge(ctx, "br-sys", "system"); err != nil {
		t.Fatal(err)
	}
	if ok, err := v.BridgeExists(ctx, "br-sys"); !ok || err != nil {
		t.Fatalf("BridgeExists = %v, %v", ok, err)
	}
	var nf *vswitch.BridgeNotFoundError
	if err := v.CheckBridge(ctx, "br-none"); !errors.As(err, &nf) || nf.Bridge != "br-none" {
		t.Fatalf("CheckBridge missing: %v", err)
	}
	created, err := v.EnsureBridgeWith(ctx, vswitch.BridgeSpec{Name: "br-int", DatapathType: "system", AcceptOtherDatapath: true})
	if err != nil || created {
		t.Fatalf("EnsureBridgeWith existing, accept other datapath: %v, %v", created, err)
	}
	created, err = v.EnsureBridgeWith(ctx, vswitch.BridgeSpec{Name: "br-new"})
	if err != nil || !created {
		t.Fatalf("EnsureBridgeWith new: %v, %v", created, err)
	}
	if err := v.EnsureBridge(ctx, "", "netdev"); err == nil || !strings.Contains(err.Error(), "BridgeSpec.Name") {
		t.Fatalf("empty name: %v", err)
	}
}

func TestDelBridge(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	if err := v.EnsureBridge(ctx, "tbr-1", "netdev"); err != nil {
		t.Fatal(err)
	}
	if err := v.AddPort(ctx, vswitch.PortSpec{Bridge: "tbr-1", Name: "vhu1", Type: "dpdkvhostuser"}); err != nil {
		t.Fatal(err)
	}
	if err := v.EnsureQoS(ctx, "vhu1", "linux-noop"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := v.DelBridge(ctx, "tbr-1"); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range []string{"Bridge", "Port", "Interface", "QoS"} {
		if got := o.Vsctl(t, "--columns=_uuid", "--bare", "list", table); got != "" {
			t.Fatalf("%s rows left: %q", table, got)
		}
	}
}

var ids = map[string]string{"iface-id": "a1b2", "iface-status": "active", "attached-mac": "fa:16:3e:00:00:01", "vm-uuid": "vm-1"}

func TestAddPortMayExistAndMerge(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	spec := vswitch.PortSpec{Bridge: "br-int", Name: "tapa1b2c3d4-11", ExternalIDs: ids, Tag: 4095}
	if err := v.AddPort(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if got := o.Vsctl(t, "get", "Interface", "tapa1b2c3d4-11", "external_ids:iface-id"); got != "a1b2" {
		t.Fatalf("iface-id = %s", got)
	}
	if got := o.Vsctl(t, "get", "Port", "tapa1b2c3d4-11", "tag"); got != "4095" {
		t.Fatalf("tag = %s", got)
	}
	// Someone else adds a key; a re-plug changes one of ours: merged, not replaced.
	o.Vsctl(t, "--no-wait", "set", "Interface", "tapa1b2c3d4-11", "external_ids:other=keep")
	spec.ExternalIDs = map[string]string{"iface-id": "new-id"}
	spec.Tag = 0
	if err := v.AddPort(ctx, spec); err != nil {
		t.Fatal(err)
	}
	it, err := v.InterfaceByName(ctx, "tapa1b2c3d4-11")
	if err != nil {
		t.Fatal(err)
	}
	if it.ExternalIDs["iface-id"] != "new-id" || it.ExternalIDs["other"] != "keep" || it.ExternalIDs["vm-uuid"] != "vm-1" {
		t.Fatalf("external_ids not merged: %v", it.ExternalIDs)
	}
	if got := o.Vsctl(t, "list-ports", "br-int"); got != "tapa1b2c3d4-11" {
		t.Fatalf("duplicate or missing port: %q", got)
	}
	if got := o.Vsctl(t, "get", "Port", "tapa1b2c3d4-11", "tag"); got != "4095" {
		t.Fatalf("tag 0 must leave the tag: %s", got)
	}
	names, err := v.PortsByIfaceID(ctx, "new-id")
	if err != nil || len(names) != 1 || names[0] != "tapa1b2c3d4-11" {
		t.Fatalf("PortsByIfaceID = %v, %v", names, err)
	}
	ports, err := v.ListPorts(ctx, "br-int")
	if err != nil || len(ports) != 1 || ports[0] != "tapa1b2c3d4-11" {
		t.Fatalf("ListPorts = %v, %v", ports, err)
	}
	if ok, err := v.PortExists(ctx, "tapa1b2c3d4-11"); !ok || err != nil {
		t.Fatalf("PortExists = %v, %v", ok, err)
	}
}

func TestAddPortErrors(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	// Missing bridge: an error (os-vif swallows it), and nothing written.
	err := v.AddPort(ctx, vswitch.PortSpec{Bridge: "br-missing", Name: "tap1"})
	var nf *vswitch.BridgeNotFoundError
	if !errors.As(err, &nf) || nf.Bridge != "br-missing" {
		t.Fatalf("missing bridge: %v", err)
	}
	if got := o.Vsctl(t, "--columns=_uuid", "--bare", "list", "Interface"); got != "" {
		t.Fatalf("rows written: %q", got)
	}
	// A port on another bridge.
	for _, br := range []string{"br1", "br2"} {
		if err := v.EnsureBridge(ctx, br, "netdev"); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.AddPort(ctx, vswitch.PortSpec{Bridge: "br1", Name: "p1"}); err != nil {
		t.Fatal(err)
	}
	err = v.AddPort(ctx, vswitch.PortSpec{Bridge: "br2", Name: "p1"})
	var pc *vswitch.PortConflictError
	if !errors.As(err, &pc) || pc.OtherBridge != "br1" || pc.Bridge != "br2" {
		t.Fatalf("cross-bridge add: %v", err)
	}
	err = v.DelPort(ctx, "br2", "p1")
	if !errors.As(err, &pc) {
		t.Fatalf("cross-bridge del: %v", err)
	}
	if got := o.Vsctl(t, "list-ports", "br1"); got != "p1" {
		t.Fatalf("p1 moved or lost: %q", got)
	}
	// An Interface of that name on another port's row (a bond member): the index refuses it,
	// and that is an error, not endless contention.
	o.Vsctl(t, "--no-wait", "add-bond", "br1", "bond0", "eth0", "eth1")
	err = v.AddPort(ctx, vswitch.PortSpec{Bridge: "br1", Name: "eth0"})
	if !errors.Is(err, ovsdb.ErrConstraintViolation) {
		t.Fatalf("port named like a bond member: %v", err)
	}
	if got := o.Vsctl(t, "list-ports", "br1"); got != "bond0\np1" {
		t.Fatalf("ports after refused add: %q", got)
	}
	// Bad input names the field and changes nothing.
	for _, spec := range []vswitch.PortSpec{{Bridge: "br1"}, {Name: "x"}, {Bridge: "br1", Name: "x", Tag: 5000}, {Bridge: "br1", Name: "x", MTURequest: -1}} {
		var ia *vswitch.InvalidArgumentError
		if err := v.AddPort(ctx, spec); !errors.As(err, &ia) || !strings.HasPrefix(ia.Field, "PortSpec.") {
			t.Fatalf("%+v: %v", spec, err)
		}
	}
	var nfe *vswitch.NotFoundError
	if err := v.SetInterface(ctx, "nope", vswitch.InterfaceUpdate{ExternalIDs: ids}); !errors.As(err, &nfe) {
		t.Fatalf("SetInterface missing: %v", err)
	}
	if _, err := v.InterfaceByName(ctx, "nope"); !errors.As(err, &nfe) {
		t.Fatalf("InterfaceByName missing: %v", err)
	}
	if err := v.EnsureQoS(ctx, "nope", "linux-noop"); !errors.As(err, &nfe) {
		t.Fatalf("EnsureQoS missing: %v", err)
	}
}

func TestDelPortIfExistsAndQoS(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	spec := vswitch.PortSpec{Bridge: "br-int", Name: "vhu1", Type: "dpdkvhostuserclient",
		Options: map[string]string{"vhost-server-path": "/run/vhu1"}, MTURequest: 9000, ExternalIDs: ids}
	if err := v.AddPort(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if got := o.Vsctl(t, "get", "Interface", "vhu1", "mtu_request"); got != "9000" {
		t.Fatalf("mtu_request = %s", got)
	}
	for i := 0; i < 2; i++ {
		if err := v.EnsureQoS(ctx, "vhu1", "linux-noop"); err != nil {
			t.Fatal(err)
		}
	}
	if got := o.Vsctl(t, "--columns=type", "--bare", "list", "QoS"); got != "linux-noop" {
		t.Fatalf("QoS rows = %q (want exactly one)", got)
	}
	if err := v.EnsureQoS(ctx, "vhu1", "linux-htb"); err != nil {
		t.Fatal(err)
	}
	if got := o.Vsctl(t, "--columns=type", "--bare", "list", "QoS"); got != "linux-htb" {
		t.Fatalf("QoS rows after type change = %q", got)
	}
	for i := 0; i < 2; i++ { // if-exists: twice is once
		if err := v.DelPort(ctx, "", "vhu1"); err != nil {
			t.Fatal(err)
		}
	}
	if got := o.Vsctl(t, "--columns=_uuid", "--bare", "list", "QoS"); got != "" {
		t.Fatalf("QoS rows leaked after DelPort: %q", got)
	}
	for _, table := range []string{"Interface", "Port"} {
		if got := o.Vsctl(t, "--columns=name", "--bare", "list", table); got != "br-int" {
			t.Fatalf("%s rows after DelPort: %q", table, got)
		}
	}
}

func TestSetInterfaceAndPatchPair(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	for _, br := range []string{"br-int", "pb1"} {
		if err := v.EnsureBridge(ctx, br, "netdev"); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.AddPatchPair(ctx, "br-int", "ibp1", "pb1", "pbp1"); err != nil {
		t.Fatal(err)
	}
	if got := o.Vsctl(t, "get", "Interface", "ibp1", "options:peer"); got != "pbp1" {
		t.Fatalf("ibp1 peer = %s", got)
	}
	if got := o.Vsctl(t, "get", "Interface", "pbp1", "type"); got != "patch" {
		t.Fatalf("pbp1 type = %s", got)
	}
	typ, mtu := "internal", 1400
	if err := v.SetInterface(ctx, "ibp1", vswitch.InterfaceUpdate{Type: &typ, MTURequest: &mtu,
		ExternalIDs: map[string]string{"iface-id": "x"}, Options: map[string]string{"foo": "bar"}}); err != nil {
		t.Fatal(err)
	}
	it, err := v.InterfaceByName(ctx, "ibp1")
	if err != nil {
		t.Fatal(err)
	}
	if it.Type != "internal" || it.MTURequest != 1400 || it.ExternalIDs["iface-id"] != "x" || it.Options["peer"] != "pbp1" || it.Options["foo"] != "bar" {
		t.Fatalf("after SetInterface: %+v", it)
	}
}

func TestAddPortPortColumnsAndQoS(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	spec := vswitch.PortSpec{Bridge: "br-int", Name: "qvo1", Tag: 4095, Trunks: []int{10, 20}, VLANMode: "trunk",
		QoS: &vswitch.QoSSpec{Type: "linux-noop", ExternalIDs: map[string]string{"id": "q1", "_type": "linux-noop"}}}
	if err := v.AddPort(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if got := o.Vsctl(t, "get", "Port", "qvo1", "trunks", "vlan_mode", "tag"); got != "[10, 20]\ntrunk\n4095" {
		t.Fatalf("port columns = %q", got)
	}
	qos := o.Vsctl(t, "get", "Port", "qvo1", "qos")
	if got := o.Vsctl(t, "get", "QoS", qos, "type", "external_ids:id"); got != "linux-noop\nq1" {
		t.Fatalf("QoS = %q", got)
	}
	// A re-plug with KeepPortColumns keeps tag/trunks/mode and the QoS row (no second one).
	spec.Tag, spec.Trunks, spec.VLANMode, spec.KeepPortColumns = 7, []int{30}, "access", true
	if err := v.AddPort(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if got := o.Vsctl(t, "get", "Port", "qvo1", "trunks", "vlan_mode", "tag"); got != "[10, 20]\ntrunk\n4095" {
		t.Fatalf("KeepPortColumns: port columns = %q", got)
	}
	if got := o.Vsctl(t, "--columns=_uuid", "--bare", "list", "QoS"); got != qos {
		t.Fatalf("QoS rows = %q, want only %s", got, qos)
	}
	spec.KeepPortColumns = false
	if err := v.AddPort(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if got := o.Vsctl(t, "get", "Port", "qvo1", "trunks", "vlan_mode", "tag"); got != "[30]\naccess\n7" {
		t.Fatalf("update: port columns = %q", got)
	}
	if on, err := v.PortOnBridge(ctx, "br-int", "qvo1"); !on || err != nil {
		t.Fatalf("PortOnBridge = %v, %v", on, err)
	}
	if on, err := v.PortOnBridge(ctx, "br-other", "qvo1"); on || err != nil {
		t.Fatalf("PortOnBridge(other) = %v, %v", on, err)
	}
	if err := v.DelPort(ctx, "br-int", "qvo1"); err != nil {
		t.Fatal(err)
	}
	if got := o.Vsctl(t, "--columns=_uuid", "--bare", "list", "QoS"); got != "" {
		t.Fatalf("QoS leaked: %q", got)
	}
}
