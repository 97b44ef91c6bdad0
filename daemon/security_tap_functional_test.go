package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netlink"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
)

// The ids of the tap and linux_bridge attacks. T and T2 share their first 11 characters
// (Nova names both VIFs' taps tap + id cut to 14); U is the attacker's own tap VIF.
const (
	secT  = "77777777-7711-4777-8777-777777777777"
	secT2 = "77777777-7722-4777-8777-777777777777"
	secU  = "88888888-8811-4888-8888-888888888888"
	// secNet2 and secNet3 are networks the attacker names: their Neutron bridges (brq + id)
	// are not the network the host's flat interface serves.
	secNet2 = "6c8e0a2b-4d6f-4a8b-8c2e-4a6b8d0f2c4e"
	secNet3 = "7d9f1b3c-5e7a-4b9c-9d3f-5b7c9e1a3d5f"
)

// secTap is a tap plugin VIFGeneric (Nova's vif_type tap) of id.
func secTap(id string) *objects.VIFGeneric {
	return &objects.VIFGeneric{VIFBase: secBase(id, "tap", secOVSNet(1450), nil), VIFName: objects.Set(d14("tap", id))}
}

// secLinuxBridgeOn is a linux_bridge VIFBridge of id on Neutron's bridge for network netID.
func secLinuxBridgeOn(id, netID string) *objects.VIFBridge {
	v := secLinuxBridge(id)
	n, _ := v.Network.Get()
	n.ID, n.Bridge = objects.Set(netID), objects.Set(d14("brq", netID))
	v.BridgeName = objects.Set(d14("brq", netID))
	return v
}

// The tap and linux_bridge attacks of issue 15 that pass the admission policy (the names are
// the VIF's by the rules) but would take over a device that is not the VIF's, through the
// real `govif serve`: each is refused 409 name_conflict naming the field, and the namespace
// (devices, OVS, iptables) is exactly as before. Stand-ins: VM T's tap as libvirt makes it
// (not recorded by the daemon: the tap plugin's own check must refuse), the host's flat
// interface eth1 (configured) in its network's bridge, and a veth named like a Neutron
// bridge. Then the VIFs' own plugs work: U's tap is made, re-plugged and deleted; T's own
// plug adopts libvirt's tap and its unplug deletes it; the network's own linux_bridge VIF
// plugs into the bridge that holds eth1.
func TestSecurityTapAndLinuxBridgeAttacksThroughServe(t *testing.T) {
	testenv.RequireBinary(t, "iptables", "iptables")
	testenv.RequireBinary(t, "iptables-save", "iptables")
	sb := startSandbox(t)
	dir := t.TempDir()
	ini := fmt.Sprintf("[os_vif_ovs]\novsdb_connection = %s\n\n[oslo_concurrency]\nlock_path = %s\n\n"+
		"[os_vif_linux_bridge]\nflat_interface = eth1\n\n"+
		"[govif_daemon]\nsocket = @SOCK@\nrequest_timeout = 60\nstate_path = %s\n",
		sb.Endpoint(), filepath.Join(dir, "locks"), filepath.Join(dir, "state"))
	d := startServeIni(t, sb, ini)
	defer d.stop(t)
	nl, vs := observe(t, sb)
	c, err := NewClient("unix:" + d.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	inst := testInstance()
	links, err := netdev.New(netdev.InNamespace(sb.NetNS().Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer links.Close()

	// VM T's tap, made by libvirt (MAC fe: + the rest of T's address), in no bridge.
	tapT := d14("tap", secT)
	if err := links.CreateTap(ctx, tapT, netdev.TapOptions{MAC: append(net.HardwareAddr{0xfe}, secMAC(secT)[1:]...), MTU: 1500}); err != nil {
		t.Fatal(err)
	}
	// The host's flat interface eth1 with an address, in its network's bridge (as Neutron's
	// agent leaves it), and a veth named like another network's bridge.
	netBr := d14("brq", secNet)
	if err := links.CreateVethPair(ctx, "eth1", "eth1p", 0); err != nil {
		t.Fatal(err)
	}
	if err := links.EnsureBridge(ctx, netBr); err != nil {
		t.Fatal(err)
	}
	if err := links.AddToBridge(ctx, "eth1", netBr); err != nil {
		t.Fatal(err)
	}
	if err := links.CreateVethPair(ctx, d14("brq", secNet3), "brqveth3p", 0); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"eth1", "eth1p", netBr} {
		if err := links.SetUp(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	l, _ := nl.LinkByName(netBr)
	a, _ := netlink.ParseAddr("192.0.2.20/24")
	if err := nl.AddrAdd(l, a); err != nil {
		t.Fatal(err)
	}
	before := snapshotHost(t, sb, nl, vs)

	attacks := []struct {
		name  string
		op    string
		vif   objects.VIF
		field string
	}{
		{"tap plug over VM T's tap (a VIF sharing T's id prefix)", "plug", secTap(secT2), "VIFGeneric.vif_name"},
		{"tap unplug of VM T's tap (a VIF sharing T's id prefix)", "unplug", secTap(secT2), "VIFGeneric.vif_name"},
		{"linux_bridge plug moving the flat interface out of its network's bridge", "plug", secLinuxBridgeOn(secX, secNet2), "VIFBridge.bridge_name"},
		{"linux_bridge plug into a veth named like a Neutron bridge", "plug", secLinuxBridgeOn(secX, secNet3), "VIFBridge.bridge_name"},
	}
	for _, a := range attacks {
		call := c.Plug
		if a.op == "unplug" {
			call = c.Unplug
		}
		err := call(ctx, a.vif, inst)
		var api *APIError
		if !errors.As(err, &api) || api.Status != 409 || api.Code != CodePolicy || api.Field != a.field || api.Rule != "name_conflict" {
			t.Errorf("%s: err = %v (%+v), want 409 %s field %s rule name_conflict", a.name, err, api, CodePolicy, a.field)
		} else {
			t.Logf("%s: %d %s", a.name, api.Status, api.Message)
		}
		if diff := cmp.Diff(before, snapshotHost(t, sb, nl, vs)); diff != "" {
			t.Fatalf("%s changed the host (-before +after):\n%s", a.name, diff)
		}
	}

	// The VIFs' own plugs and unplugs work.
	tapU := d14("tap", secU)
	for range 2 {
		if err := c.Plug(ctx, secTap(secU), inst); err != nil {
			t.Fatalf("plug U: %v", err)
		}
	}
	if l, err := links.Get(ctx, tapU); err != nil || l.Kind != "tap" || l.MTU != 1450 || l.MAC.String() != append(net.HardwareAddr{0xfe}, secMAC(secU)[1:]...).String() {
		t.Errorf("U's tap: %+v, %v", l, err)
	}
	if err := c.Unplug(ctx, secTap(secU), inst); err != nil {
		t.Fatalf("unplug U: %v", err)
	}
	if ok, _ := links.Exists(ctx, tapU); ok {
		t.Error("U's tap left after unplug")
	}
	if err := c.Plug(ctx, secTap(secT), inst); err != nil {
		t.Fatalf("T's own plug over libvirt's tap: %v", err)
	}
	if l, err := links.Get(ctx, tapT); err != nil || l.MTU != 1450 {
		t.Errorf("T's tap after T's plug: %+v, %v", l, err)
	}
	if err := c.Unplug(ctx, secTap(secT), inst); err != nil {
		t.Fatalf("T's own unplug: %v", err)
	}
	if ok, _ := links.Exists(ctx, tapT); ok {
		t.Error("T's tap left after T's unplug")
	}
	if err := c.Plug(ctx, secLinuxBridgeOn(secX, secNet), inst); err != nil {
		t.Fatalf("linux_bridge plug of the network's own VIF: %v", err)
	}
	if err := c.Unplug(ctx, secLinuxBridgeOn(secX, secNet), inst); err != nil {
		t.Fatal(err)
	}
	// The owner's plug gives eth1 and its bridge the network's MTU and adds the bridge's
	// rules (os-vif's plug); eth1 stays in its bridge, and the other stand-ins are untouched.
	if l, err := links.Get(ctx, "eth1"); err != nil || l.Master != netBr {
		t.Errorf("eth1 after its network's plug: %+v, %v", l, err)
	}
	standIns := []string{"eth1p", d14("brq", secNet3), "brqveth3p"}
	if diff := cmp.Diff(before.only(standIns...), snapshotHost(t, sb, nl, vs).only(standIns...)); diff != "" {
		t.Errorf("the VIFs' own plugs changed the stand-ins (-before +after):\n%s", diff)
	}
	if ok, _ := links.Exists(ctx, d14("brq", secNet2)); ok {
		t.Errorf("%s made by a refused plug", d14("brq", secNet2))
	}
}
