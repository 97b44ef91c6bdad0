package ovs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/vswitch"
	"github.com/vishvananda/netlink"
)

// rig is a real Open vSwitch sandbox (ovsdb-server, and ovs-vswitchd on the userspace datapath
// when vswitchd) in its own network namespace, with the plugin wired to it through the real
// vswitch and netdev packages.
type rig struct {
	t     *testing.T
	ctx   context.Context
	ovs   *testenv.OVS
	v     *vswitch.VSwitch
	sw    *VSwitchSwitch
	links *netdev.Links
	nl    *netlink.Handle
}

func newRig(t *testing.T, vswitchd bool, linkOpts ...netdev.Option) *rig {
	t.Helper()
	o := testenv.StartOVS(t, testenv.OVSOptions{VSwitchd: vswitchd})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	v, err := vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	l, err := netdev.New(append([]netdev.Option{netdev.InNamespace(o.NetNS().Handle())}, linkOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	nl, err := netlink.NewHandleAt(o.NetNS().Handle())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nl.Close)
	return &rig{t: t, ctx: ctx, ovs: o, v: v, sw: &VSwitchSwitch{V: v, WaitApplied: vswitchd}, links: l, nl: nl}
}

func (r *rig) plugin(opts Options) *Plugin { return New(r.sw, NetdevLinks{r.links}, opts, nil) }

// link returns the device or nil when it does not exist.
func (r *rig) link(name string) netlink.Link {
	l, err := r.nl.LinkByName(name)
	if err != nil {
		return nil
	}
	return l
}

func (r *rig) mustLink(name string) netlink.Link {
	r.t.Helper()
	l := r.link(name)
	if l == nil {
		r.t.Fatalf("device %s missing", name)
	}
	return l
}

// get returns one column of one row via ovs-vsctl (test assertions only).
func (r *rig) get(table, record, column string) string {
	r.t.Helper()
	return r.ovs.Vsctl(r.t, "--if-exists", "get", table, record, column)
}

func (r *rig) ports(bridge string) []string {
	r.t.Helper()
	out := r.ovs.Vsctl(r.t, "list-ports", bridge)
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

func (r *rig) qosRows() string {
	r.t.Helper()
	return r.ovs.Vsctl(r.t, "--columns=type,external_ids", "list", "QoS")
}

// hybridVIF is Nova's hybrid-plug VIFBridge for id on br-int.
func hybridVIF(id, mac, dp string, mtu int) *objects.VIFBridge {
	b := testBase(testNetwork("br-int", mtu), testProfile(dp))
	b.ID = objects.Set(id)
	b.Address = objects.Set(mustMAC(mac))
	b.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{
		InterfaceID: objects.Set(id), DatapathType: objects.Set(dp)})
	return &objects.VIFBridge{VIFBase: b, VIFName: objects.Set(("tap" + id)[:14]), BridgeName: objects.Set(("qbr" + id)[:14])}
}

// ovsVIF is Nova's plain VIFOpenVSwitch (create_port true).
func ovsVIF(bridge, dp string, mtu int) *objects.VIFOpenVSwitch {
	b := testBase(testNetwork(bridge, mtu), nil)
	prof := testProfile(dp)
	prof.CreatePort = objects.Set(true)
	b.PortProfile = objects.Set[objects.PortProfile](prof)
	return &objects.VIFOpenVSwitch{VIFBase: b, VIFName: objects.Set("tapa1b2c3d4-11"), BridgeName: objects.Set(bridge)}
}
