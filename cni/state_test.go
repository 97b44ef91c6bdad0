package cni

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestStoreRoundTrip(t *testing.T) {
	st, err := newStore(t.TempDir(), "net")
	if err != nil {
		t.Fatal(err)
	}
	r := &Record{ContainerID: "c1", IfName: "eth0", Kind: kindVeth, HostIf: "tapx", VIF: []byte(`{}`)}
	if err := st.put(r); err != nil {
		t.Fatal(err)
	}
	got, err := st.get("c1", "eth0")
	if err != nil || got == nil || got.HostIf != "tapx" {
		t.Fatalf("get: %+v %v", got, err)
	}
	unlock, err := st.lock(t.Context(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	l, err := st.list()
	if err != nil || len(l) != 1 {
		t.Fatalf("list (the .lock file is not a record): %v %v", l, err)
	}
	if err := st.del("c1", "eth0"); err != nil {
		t.Fatal(err)
	}
	if err := st.del("c1", "eth0"); err != nil {
		t.Fatalf("second del: %v", err)
	}
	if got, err := st.get("c1", "eth0"); got != nil || err != nil {
		t.Fatalf("after del: %+v %v", got, err)
	}
	if _, err := newStore(t.TempDir(), "../x"); err == nil {
		t.Error("a network name with / accepted")
	}
}

// TestStoreLock: shared holders coexist; the exclusive (GC) waits for them and gives up when
// its context ends.
func TestStoreLock(t *testing.T) {
	st, _ := newStore(t.TempDir(), "net")
	u1, err := st.lock(t.Context(), false)
	if err != nil {
		t.Fatal(err)
	}
	u2, err := st.lock(t.Context(), false)
	if err != nil {
		t.Fatalf("second shared lock: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := st.lock(ctx, true); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("exclusive lock while shared held: %v", err)
	}
	u1()
	u2()
	u3, err := st.lock(t.Context(), true)
	if err != nil {
		t.Fatalf("exclusive after release: %v", err)
	}
	u3()
}
