package sandbox

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/govif/govif/vswitch"
	"github.com/vishvananda/netlink"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs root (network namespaces, OVS daemons)")
	}
}

func requireOVS(t *testing.T) {
	t.Helper()
	requireRoot(t)
	var me *MissingError
	if err := Check(true); errors.As(err, &me) {
		t.Skipf("skipping: %v", err)
	}
}

// TestStartOVSAndClose starts the full sandbox, uses it over OVSDB, and checks that Close
// leaves no daemon, no namespace user and no directory behind.
func TestStartOVSAndClose(t *testing.T) {
	requireOVS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	o, err := StartOVS(ctx, Options{VSwitchd: true})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	pids := o.PIDs()
	if len(pids) != 2 {
		t.Fatalf("PIDs = %v, want ovsdb-server and ovs-vswitchd", pids)
	}
	nsID := o.NetNS().ID()
	if got := ProcessesIn(nsID); len(got) != 2 {
		t.Errorf("processes in %s = %v, want the 2 daemons %v", nsID, got, pids)
	}
	v, err := vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.EnsureBridge(ctx, "br-test", "netdev"); err != nil {
		t.Fatal(err)
	}
	if err := v.WaitApplied(ctx); err != nil {
		t.Fatal(err)
	}
	// ovs-vswitchd made the bridge's internal device in the sandbox namespace, not here.
	h, err := netlink.NewHandleAt(o.NetNS().Handle())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, err := h.LinkByName("br-test"); err != nil {
		t.Errorf("br-test in sandbox namespace: %v", err)
	}
	if _, err := netlink.LinkByName("br-test"); err == nil {
		t.Errorf("br-test leaked into the caller's namespace")
	}
	v.Close()
	h.Close()

	dir := o.Dir()
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("daemon pid %d still alive after Close", pid)
		}
	}
	if got := ProcessesIn(nsID); len(got) != 0 {
		t.Errorf("processes still in %s: %v", nsID, got)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("sandbox dir %s still there: %v", dir, err)
	}
	if err := o.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestPingAcrossVeth(t *testing.T) {
	requireRoot(t)
	a, err := NewNetNS()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := NewNetNS()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ha, err := netlink.NewHandleAt(a.Handle())
	if err != nil {
		t.Fatal(err)
	}
	defer ha.Close()
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "pa"}, PeerName: "pb", PeerNamespace: netlink.NsFd(int(b.Handle()))}
	if err := ha.LinkAdd(veth); err != nil {
		t.Fatal(err)
	}
	hb, err := netlink.NewHandleAt(b.Handle())
	if err != nil {
		t.Fatal(err)
	}
	defer hb.Close()
	for _, x := range []struct {
		h    *netlink.Handle
		name string
		ip   net.IP
	}{{ha, "pa", net.IPv4(10, 7, 0, 1)}, {hb, "pb", net.IPv4(10, 7, 0, 2)}} {
		l, err := x.h.LinkByName(x.name)
		if err != nil {
			t.Fatal(err)
		}
		if err := x.h.AddrAdd(l, &netlink.Addr{IPNet: &net.IPNet{IP: x.ip, Mask: net.CIDRMask(24, 32)}}); err != nil {
			t.Fatal(err)
		}
		if err := x.h.LinkSetUp(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Do(func() error { return TxChecksumOff("pa") }); err != nil {
		t.Errorf("TxChecksumOff: %v", err)
	}
	var rtt time.Duration
	for i := range 20 {
		if err = a.Do(func() (err error) { rtt, err = Ping(net.IPv4(10, 7, 0, 2), uint16(i), time.Second); return err }); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("ping across veth: %v", err)
	}
	if rtt <= 0 {
		t.Errorf("rtt = %v", rtt)
	}
	// Nobody answers at .3: the ping fails, within its timeout.
	if err := a.Do(func() error { _, err := Ping(net.IPv4(10, 7, 0, 3), 99, 300*time.Millisecond); return err }); err == nil {
		t.Error("ping to an absent address succeeded")
	}
}
