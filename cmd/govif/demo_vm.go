package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/objects"
)

// demoVM is a stand-in for a guest: the VIF's tap is one end of a veth pair on the host,
// put on the VIF's bridge as libvirt would; the other end is the guest's eth0, in the
// guest's own namespace.
type demoVM struct {
	name string
	ns   *sandbox.NetNS
	ip   net.IP
	tap  string
}

// startVM gives vif a guest with address ip/24.
func (d *demoRun) startVM(ctx context.Context, name string, vif *objects.VIFBridge, ip net.IP) (*demoVM, error) {
	e := d.env
	ns, err := sandbox.NewNetNS()
	if err != nil {
		return nil, err
	}
	vm := &demoVM{name: name, ns: ns, ip: ip, tap: vif.VIFName.Value()}
	e.vms = append(e.vms, vm)
	d.report.Namespaces = append(d.report.Namespaces, ns.ID())
	d.onCleanup("release "+name+"'s namespace", func(context.Context) error { return ns.Close() })

	mtu := vif.Network.Value().MTU.Or(1500)
	tmp := "vm" + vif.ID.Value()[:8]
	if err := e.links.CreateVethPair(ctx, vm.tap, tmp, mtu); err != nil {
		return nil, err
	}
	if err := e.links.AddToBridge(ctx, vm.tap, vif.BridgeName.Value()); err != nil {
		return nil, err
	}
	if err := e.links.SetUp(ctx, vm.tap); err != nil {
		return nil, err
	}
	peer, err := e.nl.LinkByName(tmp)
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", tmp, err)
	}
	if err := e.nl.LinkSetNsFd(peer, int(ns.Handle())); err != nil {
		return nil, fmt.Errorf("move %s into %s's namespace: %w", tmp, name, err)
	}
	gh, err := netlink.NewHandleAt(ns.Handle())
	if err != nil {
		return nil, err
	}
	defer gh.Close()
	l, err := gh.LinkByName(tmp)
	if err != nil {
		return nil, fmt.Errorf("find %s in %s: %w", tmp, name, err)
	}
	steps := []struct {
		what string
		fn   func() error
	}{
		{"rename to eth0", func() error { return gh.LinkSetName(l, "eth0") }},
		{"set MAC", func() error { return gh.LinkSetHardwareAddr(l, vif.Address.Value()) }},
		{"add address", func() error {
			return gh.AddrAdd(l, &netlink.Addr{IPNet: &net.IPNet{IP: ip, Mask: net.CIDRMask(24, 32)}})
		}},
		{"set up", func() error { return gh.LinkSetUp(l) }},
		// The userspace datapath does not complete offloaded checksums (matters for TCP).
		{"turn tx checksum offload off", func() error { return ns.Do(func() error { return sandbox.TxChecksumOff("eth0") }) }},
	}
	for _, s := range steps {
		if err := s.fn(); err != nil {
			return nil, fmt.Errorf("%s eth0: %s: %w", name, s.what, err)
		}
	}
	return vm, nil
}

// stopVM deletes the guest's veth (both ends go), as destroying a libvirt domain removes its tap.
func (d *demoRun) stopVM(ctx context.Context, vm *demoVM) error {
	return d.env.links.Delete(ctx, vm.tap)
}

// ping sends ICMP echo requests from a's namespace to b until one is answered (the first
// ones may wait for ARP and for ovs-vswitchd to learn the MACs), at most 20 tries.
func ping(ctx context.Context, a, b *demoVM) (time.Duration, int, error) {
	var lastErr error
	for i := range 20 {
		if err := ctx.Err(); err != nil {
			return 0, i, err
		}
		var rtt time.Duration
		err := a.ns.Do(func() (err error) {
			rtt, err = sandbox.Ping(b.ip, uint16(i+1), time.Second)
			return err
		})
		if err == nil {
			return rtt, i + 1, nil
		}
		lastErr = err
	}
	return 0, 20, fmt.Errorf("%s (%s) -> %s (%s): %w", a.name, a.ip, b.name, b.ip, lastErr)
}

// pingFails checks that a can no longer reach b (after b's VIF is gone).
func pingFails(ctx context.Context, a, b *demoVM) error {
	err := a.ns.Do(func() error {
		_, err := sandbox.Ping(b.ip, 999, 500*time.Millisecond)
		return err
	})
	if err == nil {
		return errors.New("ping still answered")
	}
	return ctx.Err()
}
