package ovs

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/policy"
	"github.com/govif/govif/vswitch"
)

// wantOwnerConflict checks err is a *NameConflictError on name from field, seen by errors.As
// as a name_conflict *policy.Violation.
func wantOwnerConflict(t *testing.T, what string, err error, field, name string) {
	t.Helper()
	var nc *NameConflictError
	var pv *policy.Violation
	if !errors.As(err, &nc) || nc.Field != field || nc.Name != name || !errors.As(err, &pv) || pv.Code != policy.CodeNameConflict {
		t.Fatalf("%s: err = %v, want a name conflict on %s from %s", what, err, name, field)
	}
	t.Logf("%s: %v", what, err)
}

// TestFunctionalOwnership: on a real OVS and real devices, a plug or unplug refuses names
// carried by something that is not the VIF's own (a device of another kind, a tap with
// another MAC, a veth whose peer is on the host, an OVS port of another VIF) and changes
// nothing; a tap libvirt made for the VIF (MAC fe:...) is adopted.
func TestFunctionalOwnership(t *testing.T) {
	r := newRig(t, false)
	p := r.plugin(DefaultOptions())
	ctx := r.ctx
	qvo := ("qvo" + tID)[:14]
	tap := ("tap" + tID)[:14]

	// A Linux bridge named like the VIF's qvo: the hybrid plug refuses it and makes nothing.
	if err := r.nl.LinkAdd(&netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: qvo}}); err != nil {
		t.Fatal(err)
	}
	wantOwnerConflict(t, "hybrid plug over a bridge named qvo", p.Plug(ctx, hybridVIF(tID, tMAC, "netdev", 1450), testInstance()), "id", qvo)
	wantOwnerConflict(t, "hybrid unplug over a bridge named qvo", p.Unplug(ctx, hybridVIF(tID, tMAC, "netdev", 1450), testInstance()), "id", qvo)
	if r.link(("qbr" + tID)[:14]) != nil || r.link(qvo) == nil {
		t.Fatal("the refused plug changed devices")
	}
	r.nl.LinkDel(r.link(qvo))

	// A tap of another VM (another MAC) named like the VIF's tap: not adopted, MTU untouched.
	if err := r.links.CreateTap(ctx, tap, netdev.TapOptions{MAC: net.HardwareAddr{0xfe, 0x16, 0x3e, 9, 9, 9}, MTU: 1500}); err != nil {
		t.Fatal(err)
	}
	wantOwnerConflict(t, "plain plug over another VM's tap", p.Plug(ctx, ovsVIF("br-int", "netdev", 1400), testInstance()), "vif_name", tap)
	if mtu := r.link(tap).Attrs().MTU; mtu != 1500 {
		t.Errorf("refused plug set the tap's MTU to %d", mtu)
	}
	if got := r.ovs.Vsctl(t, "--if-exists", "get", "Interface", tap, "name"); got != "" {
		t.Errorf("refused plug added an OVS port: %q", got)
	}
	r.nl.LinkDel(r.link(tap))

	// A veth whose peer is on the host is not a guest's NIC.
	if err := r.nl.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: tap}, PeerName: "hostpeer"}); err != nil {
		t.Fatal(err)
	}
	wantOwnerConflict(t, "plain plug over a host veth", p.Plug(ctx, ovsVIF("br-int", "netdev", 1400), testInstance()), "vif_name", tap)
	r.nl.LinkDel(r.link(tap))

	// The tap libvirt made for this VIF (fe + the VIF's MAC) is the VIF's own: adopted, MTU set.
	if err := r.links.CreateTap(ctx, tap, netdev.TapOptions{MAC: net.HardwareAddr{0xfe, 0x16, 0x3e, 0x12, 0x34, 0x56}, MTU: 1500}); err != nil {
		t.Fatal(err)
	}
	if err := p.Plug(ctx, ovsVIF("br-int", "netdev", 1400), testInstance()); err != nil {
		t.Fatalf("plug with libvirt's tap: %v", err)
	}
	if mtu := r.link(tap).Attrs().MTU; mtu != 1400 {
		t.Errorf("own tap MTU %d, want 1400", mtu)
	}
	if err := p.Unplug(ctx, ovsVIF("br-int", "netdev", 1400), testInstance()); err != nil {
		t.Fatal(err)
	}

	// An OVS port of another VIF (iface-id) named like the VIF's qvo: unplug leaves it.
	r.ovs.Vsctl(t, "--no-wait", "add-port", "br-int", qvo, "--", "set", "Interface", qvo, "external_ids:iface-id=other-vif")
	wantOwnerConflict(t, "hybrid unplug of another VIF's port", p.Unplug(ctx, hybridVIF(tID, tMAC, "netdev", 1450), testInstance()), "id", qvo)
	if got := r.ports("br-int"); len(got) != 1 || got[0] != qvo {
		t.Errorf("ports after the refused unplug: %v", got)
	}
}

// BenchmarkOwnershipCheck measures what the ownership check adds to a plug or unplug of a
// plugged hybrid VIF on a real OVS: one OVSDB transaction (its qvo and tap) and the netlink
// lookups of tap, qvb, qvo and qbr. Run: go test -run '^$' -bench OwnershipCheck ./plugins/ovs/
func BenchmarkOwnershipCheck(b *testing.B) {
	o := testenv.StartOVS(b, testenv.OVSOptions{})
	ctx := context.Background()
	v, err := vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	l, err := netdev.New(netdev.InNamespace(o.NetNS().Handle()))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	p := New(&VSwitchSwitch{V: v}, NetdevLinks{l}, DefaultOptions(), nil)
	vif := hybridVIF(tID, tMAC, "netdev", 1450)
	if err := p.Plug(ctx, vif, testInstance()); err != nil {
		b.Fatal(err)
	}
	s, err := p.toSpec(vif, testInstance(), true)
	if err != nil {
		b.Fatal(err)
	}
	op := &op{c: &p.core, s: s, name: "plug"}
	b.ResetTimer()
	for range b.N {
		if err := op.checkOwnership(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFunctionalConcurrentCollidingPlugs: two VIFs whose ids share their first 11 characters
// plugged at the same moment: the VIF lock is per 11-character prefix, so exactly one wins and
// the other is refused with a name conflict; the port is the winner's.
func TestFunctionalConcurrentCollidingPlugs(t *testing.T) {
	r := newRig(t, false)
	p := r.plugin(DefaultOptions())
	ids := []string{tID, "a1b2c3d4-11ff-4222-8333-444455556666"}
	macs := []string{tMAC, "fa:16:3e:65:43:21"}
	qvo := ("qvo" + tID)[:14]
	for round := range 5 {
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = p.Plug(r.ctx, hybridVIF(ids[i], macs[i], "netdev", 1450), testInstance())
			}()
		}
		wg.Wait()
		var nc *NameConflictError
		winner := -1
		switch {
		case errs[0] == nil && errors.As(errs[1], &nc):
			winner = 0
		case errs[1] == nil && errors.As(errs[0], &nc):
			winner = 1
		default:
			t.Fatalf("round %d: errs = %v, want one success and one name conflict", round, errs)
		}
		if got := unq(r.get("Interface", qvo, "external_ids:iface-id")); got != ids[winner] {
			t.Fatalf("round %d: qvo iface-id %s, want the winner's %s", round, got, ids[winner])
		}
		if err := p.Unplug(r.ctx, hybridVIF(ids[winner], macs[winner], "netdev", 1450), testInstance()); err != nil {
			t.Fatal(err)
		}
		if got := r.ports("br-int"); len(got) != 0 {
			t.Fatalf("round %d: ports left %v", round, got)
		}
	}
}
