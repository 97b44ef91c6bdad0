package netdev

import (
	"context"
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

func TestCreateVLANRejectsBadArguments(t *testing.T) {
	l := &Links{}
	ctx := context.Background()
	var ne *NameError
	if err := l.CreateVLAN(ctx, "vlan0123456789abc", "eth0", 5); !errors.As(err, &ne) {
		t.Errorf("long name: err = %v, want *NameError", err)
	}
	var ve *ValueError
	for _, id := range []int{0, 4095, -1} {
		if err := l.CreateVLAN(ctx, "vlan5", "eth0", id); !errors.As(err, &ve) {
			t.Errorf("id %d: err = %v, want *ValueError", id, err)
		}
	}
}

// In a fresh namespace: a missing parent is "not found"; with a parent the VLAN device is
// created (twice = once), or, on a kernel without 8021q, EOPNOTSUPP comes back.
func TestCreateVLAN(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	if err := l.CreateVLAN(ctx, "vlan7", "nosuch0", 7); !IsNotFound(err) {
		t.Fatalf("missing parent: err = %v, want not found", err)
	}
	if err := l.CreateVethPair(ctx, "vp0", "vp1", 0); err != nil {
		t.Fatal(err)
	}
	err := l.CreateVLAN(ctx, "vlan7", "vp0", 7)
	if errors.Is(err, unix.EOPNOTSUPP) {
		t.Skipf("skipping the rest: this kernel cannot create VLAN devices (no 8021q module): %v", err)
	}
	if err != nil {
		t.Fatalf("CreateVLAN: %v", err)
	}
	if err := l.CreateVLAN(ctx, "vlan7", "vp0", 7); err != nil {
		t.Fatalf("second CreateVLAN: %v", err)
	}
	got, err := l.Get(ctx, "vlan7")
	if err != nil || got.Kind != "vlan" {
		t.Fatalf("Get vlan7 = %+v, %v", got, err)
	}
	var ce *ConflictError
	if err := l.CreateVLAN(ctx, "vlan7", "vp0", 8); !errors.As(err, &ce) {
		t.Errorf("other id: err = %v, want *ConflictError", err)
	}
	if err := l.CreateVLAN(ctx, "vp1", "vp0", 9); !errors.As(err, &ce) {
		t.Errorf("veth named like the VLAN: err = %v, want *ConflictError", err)
	}
}
