package ovs

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/vishvananda/netlink"
)

// vm is one "guest": the VIF's tap is a veth whose peer lives in the guest's namespace.
type vm struct {
	ns   *testenv.NetNS
	ip   net.IP
	tap  string
	peer string
}

// TestDataPlaneHybrid plugs two VIFBridge VIFs onto one netdev-datapath bridge and checks that
// their guests reach each other (ICMP and TCP), and no longer do once one VIF is unplugged.
func TestDataPlaneHybrid(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: data-plane test")
	}
	r := newRig(t, true)
	ctx := r.ctx
	p := r.plugin(DefaultOptions())
	ids := []string{"d1d1d1d1-1111-4222-8333-444455556666", "d2d2d2d2-1111-4222-8333-444455556666"}
	macs := []string{"fa:16:3e:00:00:01", "fa:16:3e:00:00:02"}
	vms := make([]*vm, 2)
	for i, id := range ids {
		vif := hybridVIF(id, macs[i], "netdev", 1450)
		if err := p.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
		v := &vm{ns: testenv.NewNetNS(t), ip: net.IPv4(10, 9, 0, byte(i+1)), tap: ("tap" + id)[:14], peer: "eth0"}
		vms[i] = v
		// What libvirt does for <interface type='bridge'>: create the tap and put it in qbr.
		tmp := "vm" + id[:8]
		if err := r.links.CreateVethPair(ctx, v.tap, tmp, 1450); err != nil {
			t.Fatal(err)
		}
		if err := r.links.AddToBridge(ctx, v.tap, vif.BridgeName.Value()); err != nil {
			t.Fatal(err)
		}
		peer, err := r.nl.LinkByName(tmp)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.nl.LinkSetNsFd(peer, int(v.ns.Handle())); err != nil {
			t.Fatal(err)
		}
		gl, err := netdev.New(netdev.InNamespace(v.ns.Handle()))
		if err != nil {
			t.Fatal(err)
		}
		defer gl.Close()
		gh, err := netlink.NewHandleAt(v.ns.Handle())
		if err != nil {
			t.Fatal(err)
		}
		defer gh.Close()
		l, err := gh.LinkByName(tmp)
		if err != nil {
			t.Fatal(err)
		}
		hw, _ := net.ParseMAC(macs[i])
		if err := gh.LinkSetName(l, v.peer); err != nil {
			t.Fatal(err)
		}
		if err := gh.LinkSetHardwareAddr(l, hw); err != nil {
			t.Fatal(err)
		}
		if err := gh.AddrAdd(l, &netlink.Addr{IPNet: &net.IPNet{IP: v.ip, Mask: net.CIDRMask(24, 32)}}); err != nil {
			t.Fatal(err)
		}
		if err := gl.SetUp(ctx, v.peer); err != nil {
			t.Fatal(err)
		}
		if err := v.ns.Do(func() error { return sandbox.TxChecksumOff(v.peer) }); err != nil {
			t.Fatal(err)
		}
	}

	a, b := vms[0], vms[1]
	var listener net.Listener
	if err := b.ns.Do(func() (err error) {
		listener, err = net.Listen("tcp4", net.JoinHostPort(b.ip.String(), "7777"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	go echoServe(listener)
	addr := net.JoinHostPort(b.ip.String(), "7777")
	payload := bytes.Repeat([]byte("govif data plane "), 200) // several segments

	// Reachability is eventually true: ovs-vswitchd has attached qvo when Plug returns, but
	// the first packets also wait for ARP. Retry a bounded number of times.
	var err error
	for i := 0; i < 20; i++ {
		if err = a.ns.Do(func() error { _, err := sandbox.Ping(b.ip, uint16(i), time.Second); return err }); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("ping %s -> %s through OVS: %v", a.ip, b.ip, err)
	}
	err = a.ns.Do(func() error {
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		return tcpRoundTrip(c, addr, payload)
	})
	if err != nil {
		t.Fatalf("TCP %s -> %s through OVS: %v", a.ip, addr, err)
	}

	// Unplug B: qbr, qvb/qvo and the OVS port go; A can no longer reach B.
	if err := p.Unplug(ctx, hybridVIF(ids[1], macs[1], "netdev", 1450), testInstance()); err != nil {
		t.Fatal(err)
	}
	if err := a.ns.Do(func() error { _, err := sandbox.Ping(b.ip, 100, time.Second); return err }); err == nil {
		t.Error("ping still answered after unplug")
	}
	err = a.ns.Do(func() error {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		return tcpRoundTrip(c, addr, payload)
	})
	if err == nil {
		t.Error("TCP still works after unplug")
	}
}
