package netdev

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"sync"
	"testing"
	"time"
)

func mustParseMAC(t *testing.T, s string) net.HardwareAddr {
	t.Helper()
	mac, err := net.ParseMAC(s)
	if err != nil {
		t.Fatal(err)
	}
	return mac
}

func TestEnsureBridgeSettings(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	zero := time.Duration(0)
	if err := l.EnsureBridgeWith(ctx, "qbrtest", BridgeOptions{AgeingTime: &zero}); err != nil {
		t.Fatal(err)
	}
	if err := l.EnsureBridge(ctx, "qbrtest"); err != nil { // second call: fine, keeps ageing 0
		t.Fatal(err)
	}
	s, err := l.BridgeSettings(ctx, "qbrtest")
	if err != nil {
		t.Fatal(err)
	}
	want := BridgeSettings{ForwardDelay: 0, STP: false, AgeingTime: 0, MulticastSnooping: false}
	if *s != want {
		t.Errorf("bridge settings = %+v, want %+v", *s, want)
	}
	if got := mustGet(t, l, "qbrtest"); got.Kind != "bridge" || !got.Up {
		t.Errorf("qbrtest = %+v, want an up bridge", got)
	}
	for key, want := range map[string]string{
		"net/ipv6/conf/qbrtest/disable_ipv6": "1",
		"net/ipv4/conf/qbrtest/arp_ignore":   "1",
		"net/ipv4/conf/qbrtest/arp_announce": "2",
	} {
		got, err := l.Sysctl(ctx, key)
		if errors.Is(err, fs.ErrNotExist) && key == "net/ipv6/conf/qbrtest/disable_ipv6" {
			continue // kernel without IPv6
		}
		if err != nil || got != want {
			t.Errorf("sysctl %s = %q, %v; want %q", key, got, err, want)
		}
	}
	// A bridge made with the kernel default ageing (linux_bridge plugin).
	if err := l.EnsureBridge(ctx, "brq1"); err != nil {
		t.Fatal(err)
	}
	if s, err := l.BridgeSettings(ctx, "brq1"); err != nil || s.AgeingTime != 300*time.Second || s.ForwardDelay != 0 {
		t.Errorf("brq1 settings = %+v, %v; want ageing 300s, forward delay 0", s, err)
	}
}

func TestEnsureBridgeOnOtherKind(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	if err := l.CreateVethPair(ctx, "notbr", "notbr1", 0); err != nil {
		t.Fatal(err)
	}
	var ce *ConflictError
	if err := l.EnsureBridge(ctx, "notbr"); !errors.As(err, &ce) {
		t.Fatalf("EnsureBridge on a veth = %v, want *ConflictError", err)
	}
	if err := l.AddToBridge(ctx, "notbr1", "notbr"); !errors.As(err, &ce) {
		t.Fatalf("AddToBridge into a veth = %v, want *ConflictError", err)
	}
	if _, err := l.BridgeSettings(ctx, "notbr"); !errors.As(err, &ce) {
		t.Fatalf("BridgeSettings of a veth = %v, want *ConflictError", err)
	}
	if _, err := l.BridgeSettings(ctx, "nosuch"); !IsNotFound(err) {
		t.Fatalf("BridgeSettings of a missing device = %v, want IsNotFound", err)
	}
}

func TestBridgePorts(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	if err := l.EnsureBridge(ctx, "br0"); err != nil {
		t.Fatal(err)
	}
	if err := l.CreateVethPair(ctx, "qvb1", "qvo1", 1450); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := l.AddToBridge(ctx, "qvb1", "br0"); err != nil {
			t.Fatal(err)
		}
	}
	if got := mustGet(t, l, "qvb1"); got.Master != "br0" {
		t.Fatalf("qvb1 master = %q, want br0", got.Master)
	}
	if got := mustGet(t, l, "br0"); got.MTU != 1450 {
		t.Errorf("bridge mtu = %d, want 1450 (follows its port)", got.MTU)
	}
	if err := l.AddToBridge(ctx, "nosuch", "br0"); !IsNotFound(err) {
		t.Errorf("AddToBridge of a missing device = %v, want IsNotFound", err)
	}
	if err := l.RemoveFromBridge(ctx, "qvo1", "br0"); err != nil { // not a port: no-op
		t.Fatal(err)
	}
	for range 2 {
		if err := l.RemoveFromBridge(ctx, "qvb1", "br0"); err != nil {
			t.Fatal(err)
		}
	}
	if got := mustGet(t, l, "qvb1"); got.Master != "" {
		t.Fatalf("qvb1 master after remove = %q", got.Master)
	}
	if err := l.RemoveFromBridge(ctx, "nosuch", "br0"); err != nil {
		t.Errorf("RemoveFromBridge of a missing device = %v, want nil", err)
	}
}

// TestParallelVethsOnOneBridge creates 50 veth pairs concurrently, each added to one bridge
// (as 50 concurrent hybrid plugs would), then checks every one.
func TestParallelVethsOnOneBridge(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, o := fmt.Sprintf("qvb%d", i), fmt.Sprintf("qvo%d", i)
			if err := l.EnsureBridge(ctx, "qbrshared"); err != nil {
				errs <- err
				return
			}
			if err := l.CreateVethPair(ctx, b, o, 1400); err != nil {
				errs <- err
				return
			}
			if err := l.AddToBridge(ctx, b, "qbrshared"); err != nil {
				errs <- err
				return
			}
			errs <- l.SetPromisc(ctx, o, true)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	links, err := l.ListLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ports := 0
	for _, lk := range links {
		if lk.Master == "qbrshared" {
			ports++
			if lk.MTU != 1400 || !lk.Up {
				t.Errorf("%s = %+v, want mtu 1400, up", lk.Name, lk)
			}
		}
	}
	if ports != n {
		t.Errorf("bridge has %d ports, want %d", ports, n)
	}
}

// TestConcurrentSameDevice: concurrent ensures of the same veth pair, tap and bridge all
// succeed (the losers of the creation race find the winner's device and accept it).
func TestConcurrentSameDevice(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, 4*n)
	for range n {
		wg.Add(4)
		go func() { defer wg.Done(); errs <- l.CreateTap(ctx, "sametap1", TapOptions{}) }()
		go func() { defer wg.Done(); errs <- l.CreateVethPair(ctx, "samea", "sameb", 1400) }()
		go func() { defer wg.Done(); errs <- l.CreateTap(ctx, "sametap", TapOptions{Multiqueue: true}) }()
		go func() { defer wg.Done(); errs <- l.EnsureBridge(ctx, "samebr") }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := mustGet(t, l, "samea"); got.Peer != "sameb" || got.MTU != 1400 {
		t.Errorf("samea = %+v", got)
	}
	if got := mustGet(t, l, "sametap"); got.Kind != "tap" || !got.Multiqueue {
		t.Errorf("sametap = %+v", got)
	}
}
