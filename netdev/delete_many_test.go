package netdev

import (
	"context"
	"testing"
)

func TestDeleteMany(t *testing.T) {
	l, _ := newNSLinks(t)
	ctx := context.Background()
	if err := l.EnsureBridge(ctx, "dmbr0"); err != nil {
		t.Fatal(err)
	}
	if err := l.CreateVethPair(ctx, "dmvb0", "dmvo0", 1500); err != nil {
		t.Fatal(err)
	}
	if err := l.AddToBridge(ctx, "dmvb0", "dmbr0"); err != nil {
		t.Fatal(err)
	}
	if err := l.CreateVethPair(ctx, "keep0", "keep1", 1500); err != nil {
		t.Fatal(err)
	}
	if err := l.DeleteMany(ctx, []string{"dmbr0", "dmvo0", "absent0"}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"dmbr0", "dmvb0", "dmvo0"} {
		if ok, _ := l.Exists(ctx, d); ok {
			t.Errorf("%s still exists", d)
		}
	}
	if ok, _ := l.Exists(ctx, "keep0"); !ok {
		t.Error("DeleteMany removed a device it was not given")
	}
	if err := l.DeleteMany(ctx, []string{"dmbr0"}); err != nil {
		t.Errorf("second DeleteMany: %v", err)
	}
	if err := l.DeleteMany(ctx, []string{"bad/name"}); err == nil {
		t.Error("invalid name accepted")
	}
}
