package netdev

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netns"

	"github.com/govif/govif/internal/testenv"
)

// newNSLinks returns Links bound to a fresh network namespace owned by t.
func newNSLinks(t testing.TB) (*Links, *testenv.NetNS) {
	t.Helper()
	ns := testenv.NewNetNS(t)
	l, err := New(InNamespace(ns.Handle()))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l, ns
}

// newNSLinksB is newNSLinks for benchmarks that want the namespace handle.
func newNSLinksB(b *testing.B) (*Links, netns.NsHandle) {
	b.Helper()
	l, ns := newNSLinks(b)
	return l, ns.Handle()
}

func mustGet(t *testing.T, l *Links, dev string) *Link {
	t.Helper()
	got, err := l.Get(context.Background(), dev)
	if err != nil {
		t.Fatalf("Get(%s): %v", dev, err)
	}
	return got
}

func TestVethPairIdempotent(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	for i := range 2 {
		if err := l.CreateVethPair(ctx, "qvbtest", "qvotest", 1400+i*100); err != nil {
			t.Fatalf("CreateVethPair #%d: %v", i+1, err)
		}
	}
	for _, tc := range []struct{ name, peer string }{{"qvbtest", "qvotest"}, {"qvotest", "qvbtest"}} {
		got := mustGet(t, l, tc.name)
		if got.Kind != "veth" || got.Peer != tc.peer || !got.Up || got.MTU != 1500 {
			t.Errorf("%s = %+v, want veth peered with %s, up, mtu 1500", tc.name, got, tc.peer)
		}
	}
	// mtu 0 leaves the MTU alone.
	if err := l.CreateVethPair(ctx, "qvbtest", "qvotest", 0); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, l, "qvotest"); got.MTU != 1500 {
		t.Errorf("mtu after CreateVethPair(mtu 0) = %d, want 1500 unchanged", got.MTU)
	}
}

func TestVethPairConflicts(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	if err := l.EnsureBridge(ctx, "brx"); err != nil {
		t.Fatal(err)
	}
	if err := l.CreateVethPair(ctx, "va", "vb", 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, peer string }{
		{"brx", "vz"}, // name taken by a bridge
		{"va", "vz"},  // veth with another peer
		{"vz", "va"},  // peer name taken
	} {
		err := l.CreateVethPair(ctx, tc.name, tc.peer, 0)
		var ce *ConflictError
		if !errors.As(err, &ce) {
			t.Errorf("CreateVethPair(%s, %s) = %v, want *ConflictError", tc.name, tc.peer, err)
		}
	}
	if ok, _ := l.Exists(ctx, "vz"); ok {
		t.Error("a failed CreateVethPair left vz behind")
	}
	if got := mustGet(t, l, "va"); got.Peer != "vb" {
		t.Errorf("va peer changed to %q", got.Peer)
	}
}

func TestMTUPromiscStateMAC(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	if err := l.CreateVethPair(ctx, "pa", "pb", 0); err != nil {
		t.Fatal(err)
	}
	if err := l.SetMTU(ctx, "pa", 9000); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := l.SetPromisc(ctx, "pa", true); err != nil {
			t.Fatal(err)
		}
	}
	mac := mustParseMAC(t, "fa:16:3e:00:00:01")
	if err := l.SetMAC(ctx, "pa", mac); err != nil {
		t.Fatal(err)
	}
	if err := l.SetDown(ctx, "pa"); err != nil {
		t.Fatal(err)
	}
	got := mustGet(t, l, "pa")
	if got.MTU != 9000 || !got.Promisc || got.Up || got.MAC.String() != mac.String() {
		t.Fatalf("pa = %+v, want mtu 9000, promisc, down, mac %s", got, mac)
	}
	if got := mustGet(t, l, "pb"); got.Promisc {
		t.Error("promisc set on the peer too")
	}
	if err := l.SetPromisc(ctx, "pa", false); err != nil {
		t.Fatal(err)
	}
	if err := l.SetUp(ctx, "pa"); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, l, "pa"); got.Promisc || !got.Up {
		t.Fatalf("pa = %+v, want promisc off, up", got)
	}
}

func TestDeleteTwiceAndNotFound(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	if err := l.CreateVethPair(ctx, "da", "db", 0); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := l.Delete(ctx, "da"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
	}
	if err := l.Delete(ctx, "db"); err != nil { // went with its peer
		t.Fatalf("Delete peer: %v", err)
	}
	for _, dev := range []string{"da", "db"} {
		if ok, err := l.Exists(ctx, dev); ok || err != nil {
			t.Errorf("Exists(%s) = %v, %v after delete", dev, ok, err)
		}
	}
	_, err := l.Get(ctx, "da")
	if !IsNotFound(err) {
		t.Errorf("Get of a missing device = %v, want IsNotFound", err)
	}
	err = l.SetMTU(ctx, "da", 1500)
	var oe *OpError
	if !IsNotFound(err) || !errors.As(err, &oe) || oe.Dev != "da" || oe.Op != "set mtu 1500" {
		t.Errorf("SetMTU on a missing device = %#v, want *OpError{set mtu 1500, da} wrapping ErrNotFound", err)
	}
}

func TestInvalidNamesChangeNothing(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	before, err := l.ListLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	long := "qvb0123456789abcdef"
	calls := map[string]error{
		"veth name": l.CreateVethPair(ctx, long, "ok", 0),
		"veth peer": l.CreateVethPair(ctx, "ok", "a/b", 0),
		"bridge":    l.EnsureBridge(ctx, "br:0"),
		"tap":       l.CreateTap(ctx, "tap%d", TapOptions{}),
		"delete":    l.Delete(ctx, ""),
		"mtu":       l.SetMTU(ctx, "a b", 1500),
	}
	for what, err := range calls {
		var ne *NameError
		if !errors.As(err, &ne) {
			t.Errorf("%s: err = %v, want *NameError", what, err)
		}
	}
	var ve *ValueError
	if err := l.SetMTU(ctx, "lo", 10); !errors.As(err, &ve) || ve.Field != "mtu" {
		t.Errorf("SetMTU(10) = %v, want *ValueError for mtu", err)
	}
	if err := l.CreateVethPair(ctx, "m1", "m2", -5); !errors.As(err, &ve) {
		t.Errorf("CreateVethPair(mtu -5) = %v, want *ValueError", err)
	}
	after, err := l.ListLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("devices changed: %d before, %d after", len(before), len(after))
	}
}

func TestContextCancelled(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := l.CreateVethPair(ctx, "ca", "cb", 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CreateVethPair with a cancelled context = %v, want context.Canceled", err)
	}
	if ok, _ := l.Exists(context.Background(), "ca"); ok {
		t.Error("device created despite the cancelled context")
	}
}

// TestListLinksMatchesGet checks the dump (which resolves masters and peers from the dump
// itself) against one Get per device.
func TestListLinksMatchesGet(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	if err := l.EnsureBridge(ctx, "brl"); err != nil {
		t.Fatal(err)
	}
	if err := l.CreateVethPair(ctx, "la", "lb", 1400); err != nil {
		t.Fatal(err)
	}
	if err := l.AddToBridge(ctx, "la", "brl"); err != nil {
		t.Fatal(err)
	}
	if err := l.CreateTap(ctx, "lt", TapOptions{Multiqueue: true}); err != nil {
		t.Fatal(err)
	}
	links, err := l.ListLinks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, lk := range links {
		seen[lk.Name] = true
		got := mustGet(t, l, lk.Name)
		if diff := cmp.Diff(*got, lk); diff != "" {
			t.Errorf("%s: Get and ListLinks differ (-get +list):\n%s", lk.Name, diff)
		}
	}
	for _, want := range []string{"lo", "brl", "la", "lb", "lt"} {
		if !seen[want] {
			t.Errorf("ListLinks misses %s (got %v)", want, seen)
		}
	}
}
