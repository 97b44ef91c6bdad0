package linuxbridge

import (
	"context"
	"slices"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/plugin"
)

// TestFunctionalCheck plugs a flat VIF in a namespace, damages the bridge, the NIC's
// membership and a gateway rule by hand, and checks that Check names exactly that, and that a
// re-plug repairs it.
func TestFunctionalCheck(t *testing.T) {
	cfg := config.Default()
	cfg.LinuxBridge.FlatInterface = "lbeth0"
	ns, h := nsHost(t, cfg, nil)
	addVethWithAddress(t, ns, "lbeth0", "192.0.2.10/24", "198.51.100.0/24", "192.0.2.1")
	ctx := context.Background()
	vif := testVIF(nil)
	if err := h.Plug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
	p, _ := h.Plugin(Name)
	c := p.(plugin.Checker)
	if d, err := c.Check(ctx, vif, nil); err != nil || len(d) != 0 {
		t.Fatalf("Check after plug = %v, %v", d, err)
	}
	if o, err := c.Objects(vif, nil); err != nil || o.Bridge != testBridge || len(o.Devices) != 0 {
		t.Fatalf("Objects = %+v, %v", o, err)
	}

	nl := ns.Netlink(t)
	eth, err := nl.LinkByName("lbeth0")
	if err != nil {
		t.Fatal(err)
	}
	if err := nl.LinkSetNoMaster(eth); err != nil {
		t.Fatal(err)
	}
	br, err := nl.LinkByName(testBridge)
	if err != nil {
		t.Fatal(err)
	}
	if err := nl.LinkSetDown(br); err != nil {
		t.Fatal(err)
	}
	ipt := NewIPTables(false, ns.Handle())
	if err := ipt.Delete(ctx, "filter", "nova-compute-FORWARD", "-o", testBridge, "-j", "ACCEPT"); err != nil {
		t.Fatal(err)
	}
	d, err := c.Check(ctx, vif, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range d {
		got = append(got, x.Object+" "+x.Field+" want "+x.Want+" got "+x.Got)
	}
	want := []string{
		"device " + testBridge + " mtu want 1450 got 1500", // the kernel's, once its only port left
		"device " + testBridge + " up want yes got no",
		"device lbeth0 master want " + testBridge + " got ",
		"iptables filter nova-compute-FORWARD rule want -o " + testBridge + " -j ACCEPT got ",
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("Check after damage =\n%q\nwant\n%q", got, want)
	}
	if err := h.Plug(ctx, vif, nil); err != nil {
		t.Fatal(err)
	}
	if d, err := c.Check(ctx, vif, nil); err != nil || len(d) != 0 {
		t.Fatalf("Check after re-plug = %v, %v", d, err)
	}
}
