package netdev

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fakeSysfs builds a sysfs tree like a ConnectX NIC in switchdev mode (kernel >= 5.8 layout):
//
//	PF 0000:03:00.0 netdev ens1f0 (phys_port_name p0), VFs 0000:03:00.2 (virtfn0), .3 (virtfn1)
//	PF 0000:03:00.1 netdev ens1f1 (p1) on the same switch
//	representors eth0 pf0vf0, eth1 pf0vf1, eth2 pf1vf1 (the other PF's VF1),
//	eth3 "1" on another switch, eth4 a plain NIC without phys_switch_id.
func fakeSysfs(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	mkdir := func(p string) {
		if err := os.MkdirAll(filepath.Join(root, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, v string) {
		mkdir(filepath.Dir(p))
		if err := os.WriteFile(filepath.Join(root, p), []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, p string) {
		mkdir(filepath.Dir(p))
		if err := os.Symlink(target, filepath.Join(root, p)); err != nil {
			t.Fatal(err)
		}
	}
	pci := "bus/pci/devices/"
	for _, pf := range []string{"0000:03:00.0", "0000:03:00.1"} {
		mkdir(pci + pf)
	}
	mkdir(pci + "0000:03:00.0/net/ens1f0")
	mkdir(pci + "0000:03:00.1/net/ens1f1")
	for i, vf := range []string{"0000:03:00.2", "0000:03:00.3"} {
		mkdir(pci + vf)
		link("../0000:03:00.0", pci+vf+"/physfn")
		link("../"+vf, pci+"0000:03:00.0/virtfn"+string(rune('0'+i)))
	}
	// A VF whose PF has no netdev at all, and one whose PF's only netdev is not switchdev.
	mkdir(pci + "0000:05:00.0")
	mkdir(pci + "0000:05:00.4")
	link("../0000:05:00.0", pci+"0000:05:00.4/physfn")
	link("../0000:05:00.4", pci+"0000:05:00.0/virtfn0")
	mkdir(pci + "0000:06:00.0/net/eth4")
	mkdir(pci + "0000:06:00.2")
	link("../0000:06:00.0", pci+"0000:06:00.2/physfn")

	mkdir("class/net")
	netdev := func(name, switchID, port, pciAddr string) {
		mkdir("class/net/" + name)
		link("../../net", "class/net/"+name+"/subsystem")
		if switchID != "" {
			write("class/net/"+name+"/phys_switch_id", switchID)
		}
		if port != "" {
			write("class/net/"+name+"/phys_port_name", port)
		}
		if pciAddr != "" {
			link("../../../bus/pci/devices/"+pciAddr, "class/net/"+name+"/device")
		}
	}
	netdev("ens1f0", "e41d2d0300fa", "p0", "0000:03:00.0")
	netdev("ens1f1", "e41d2d0300fa", "p1", "0000:03:00.1")
	netdev("eth0", "e41d2d0300fa", "pf0vf0", "")
	netdev("eth1", "e41d2d0300fa", "pf0vf1", "")
	netdev("eth2", "e41d2d0300fa", "pf1vf1", "")
	netdev("eth3", "0000aaaa", "1", "")
	netdev("eth4", "", "", "0000:06:00.0")
	return root
}

func newSysfsLinks(t *testing.T, root string) *Links {
	t.Helper()
	l, err := New(WithSysfsRoot(root))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestRepresentorLookup(t *testing.T) {
	l := newSysfsLinks(t, fakeSysfs(t))
	ctx := context.Background()
	for _, tc := range []struct {
		vf   string
		want Representor
	}{
		{"0000:03:00.2", Representor{VFAddress: "0000:03:00.2", VFNumber: 0, PF: "ens1f0", Name: "eth0"}},
		{"0000:03:00.3", Representor{VFAddress: "0000:03:00.3", VFNumber: 1, PF: "ens1f0", Name: "eth1"}},
	} {
		got, err := l.RepresentorForVF(ctx, tc.vf)
		if err != nil {
			t.Fatalf("RepresentorForVF(%s): %v", tc.vf, err)
		}
		if *got != tc.want {
			t.Errorf("RepresentorForVF(%s) = %+v, want %+v", tc.vf, *got, tc.want)
		}
	}
	// The PF function number picks pf1vf1 for the second PF, never eth3 (other switch).
	if got, err := l.VFRepresentor(ctx, "ens1f1", 1); err != nil || got != "eth2" {
		t.Errorf("VFRepresentor(ens1f1, 1) = %q, %v; want eth2", got, err)
	}
	if got, err := l.PFPCIAddress(ctx, "0000:03:00.3"); err != nil || got != "0000:03:00.0" {
		t.Errorf("PFPCIAddress = %q, %v; want 0000:03:00.0", got, err)
	}
	if got, err := l.PhysPortName(ctx, "eth1"); err != nil || got != "pf0vf1" {
		t.Errorf("PhysPortName(eth1) = %q, %v", got, err)
	}
	if got, err := l.PhysSwitchID(ctx, "eth4"); err != nil || got != "" {
		t.Errorf("PhysSwitchID(eth4) = %q, %v; want \"\", nil (no such file)", got, err)
	}
}

func TestRepresentorNotFound(t *testing.T) {
	l := newSysfsLinks(t, fakeSysfs(t))
	ctx := context.Background()
	var rnf *RepresentorNotFoundError
	for _, tc := range []struct {
		pf string
		vf int
	}{
		{"ens1f0", 7}, // no such VF
		{"eth4", 0},   // not switchdev
		{"nosuch", 0}, // no such netdev
	} {
		if _, err := l.VFRepresentor(ctx, tc.pf, tc.vf); !errors.As(err, &rnf) || rnf.PF != tc.pf || rnf.VF != tc.vf {
			t.Errorf("VFRepresentor(%s, %d) = %v, want *RepresentorNotFoundError", tc.pf, tc.vf, err)
		}
	}
	var pnf *PCIDeviceNotFoundError
	for _, tc := range []struct {
		vf   string
		call func(string) error
	}{
		{"0000:09:00.1", func(a string) error { _, err := l.VFNumber(ctx, a); return err }},         // no such device
		{"0000:03:00.0", func(a string) error { _, err := l.VFNumber(ctx, a); return err }},         // a PF, not a VF
		{"0000:06:00.2", func(a string) error { _, err := l.VFNumber(ctx, a); return err }},         // no virtfn link back
		{"0000:05:00.4", func(a string) error { _, err := l.PFName(ctx, a); return err }},           // PF without netdev
		{"0000:06:00.2", func(a string) error { _, err := l.PFName(ctx, a); return err }},           // PF not switchdev
		{"0000:09:00.1", func(a string) error { _, err := l.PFPCIAddress(ctx, a); return err }},     // no such device
		{"0000:05:00.4", func(a string) error { _, err := l.RepresentorForVF(ctx, a); return err }}, // chain stops at PFName
	} {
		if err := tc.call(tc.vf); !errors.As(err, &pnf) || pnf.Address != tc.vf {
			t.Errorf("lookup of %s = %v, want *PCIDeviceNotFoundError for it", tc.vf, err)
		}
	}
	var ve *ValueError
	for _, bad := range []string{"", "../../etc", "0000:03:00.2/../x", "03:00.2"} {
		if _, err := l.VFNumber(ctx, bad); !errors.As(err, &ve) {
			t.Errorf("VFNumber(%q) = %v, want *ValueError", bad, err)
		}
	}
	if _, err := l.VFRepresentor(ctx, "ens1f0", -1); !errors.As(err, &ve) {
		t.Errorf("VFRepresentor(vf -1) = %v, want *ValueError", err)
	}
}

// TestPFNameFallback: without a p<N> uplink name, the first switchdev netdev is the PF.
func TestPFNameFallback(t *testing.T) {
	root := fakeSysfs(t)
	if err := os.WriteFile(filepath.Join(root, "class/net/ens1f0/phys_port_name"), []byte("uplink\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "bus/pci/devices/0000:03:00.0/net/aaa0"), 0o755); err != nil {
		t.Fatal(err) // a non-switchdev netdev sorted first: skipped
	}
	l := newSysfsLinks(t, root)
	if got, err := l.PFName(context.Background(), "0000:03:00.2"); err != nil || got != "ens1f0" {
		t.Errorf("PFName = %q, %v; want ens1f0", got, err)
	}
}

func TestParseVFNumber(t *testing.T) {
	for in, want := range map[string]int{"pf0vf3": 3, "PF1VF12": 12, "0": 0, "7": 7, "vf5@pf0": 5, "c1pf0vf2": 2} {
		if got, ok := ParseVFNumber(in); !ok || got != want {
			t.Errorf("ParseVFNumber(%q) = %d, %t; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"p0", "pf0", "", "uplink", "1a"} {
		if got, ok := ParseVFNumber(in); ok {
			t.Errorf("ParseVFNumber(%q) = %d, want not a VF", in, got)
		}
	}
}
