package netdev

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The ensure functions report what they created: true once, then false for what exists,
// so that a rollback removes exactly what its plug made.
func TestEnsureReportsCreated(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	zero := time.Duration(0)
	for i, want := range []bool{true, false} {
		created, err := l.EnsureBridgeCreated(ctx, "qbrx", BridgeOptions{AgeingTime: &zero})
		if err != nil || created != want {
			t.Fatalf("EnsureBridgeCreated #%d = %t, %v; want %t", i+1, created, err, want)
		}
		created, err = l.EnsureVeth(ctx, "qvbx", "qvox", VethOptions{MTU: 1450, Promisc: true, Master: "qbrx"})
		if err != nil || created != want {
			t.Fatalf("EnsureVeth #%d = %t, %v; want %t", i+1, created, err, want)
		}
		created, err = l.EnsureTap(ctx, "tapx", TapOptions{MTU: 1442, MAC: mustParseMAC(t, "fa:16:3e:00:00:01")})
		if err != nil || created != want {
			t.Fatalf("EnsureTap #%d = %t, %v; want %t", i+1, created, err, want)
		}
	}
	br := mustGet(t, l, "qbrx")
	if br.Kind != "bridge" || !br.Up {
		t.Errorf("qbrx = %+v, want an up bridge", br)
	}
	for _, d := range []string{"qvbx", "qvox"} {
		got := mustGet(t, l, d)
		if got.Kind != "veth" || !got.Up || !got.Promisc || got.MTU != 1450 {
			t.Errorf("%s = %+v, want an up promiscuous veth at MTU 1450", d, got)
		}
	}
	if m := mustGet(t, l, "qvbx").Master; m != "qbrx" {
		t.Errorf("qvbx master %q, want qbrx", m)
	}
	if m := mustGet(t, l, "qvox").Master; m != "" {
		t.Errorf("qvox master %q, want none", m)
	}
	tap := mustGet(t, l, "tapx")
	if !tap.Up || tap.MTU != 1442 || tap.MAC.String() != "fa:16:3e:00:00:01" {
		t.Errorf("tapx = %+v", tap)
	}
	// A re-plug repairs what was changed behind its back, and still reports false.
	if err := l.SetDown(ctx, "qvox"); err != nil {
		t.Fatal(err)
	}
	if err := l.SetMTU(ctx, "qvbx", 1400); err != nil {
		t.Fatal(err)
	}
	if created, err := l.EnsureVeth(ctx, "qvbx", "qvox", VethOptions{MTU: 1450, Promisc: true, Master: "qbrx"}); err != nil || created {
		t.Fatalf("EnsureVeth repair = %t, %v", created, err)
	}
	if a, b := mustGet(t, l, "qvbx"), mustGet(t, l, "qvox"); a.MTU != 1450 || b.MTU != 1450 || !b.Up {
		t.Errorf("not repaired: %+v %+v", a, b)
	}
	// Someone else's device of that name is a conflict, and is not reported as created.
	var ce *ConflictError
	if created, err := l.EnsureVeth(ctx, "tapx", "qvoy", VethOptions{}); !errors.As(err, &ce) || created {
		t.Errorf("EnsureVeth over a tap = %t, %v; want false, *ConflictError", created, err)
	}
	if created, err := l.EnsureBridgeCreated(ctx, "tapx", BridgeOptions{}); !errors.As(err, &ce) || created {
		t.Errorf("EnsureBridgeCreated over a tap = %t, %v; want false, *ConflictError", created, err)
	}
	if ok, _ := l.Exists(ctx, "qvoy"); ok {
		t.Error("a failed EnsureVeth left its peer")
	}
}
