package vswitch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/vswitch"
)

// ovsdb-server is killed and restarted while ports are being added: calls in flight fail with
// ErrDisconnected, the client reconnects by itself, later calls succeed, and retrying the
// failed (may-exist) calls leaves exactly one row per port.
func TestServerRestartMidRun(t *testing.T) {
	o := testenv.StartOVS(t, testenv.OVSOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	v, err := vswitch.Open(ctx, o.Endpoint(), ovsdb.WithReconnect(5*time.Millisecond, 100*time.Millisecond),
		ovsdb.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	const n = 150
	progress := make(chan int, n)
	failed := make(chan []int, 1)
	go func() {
		var bad []int
		for i := 0; i < n; i++ {
			err := v.AddPort(ctx, vswitch.PortSpec{Bridge: "br-int", Name: fmt.Sprintf("tap%03d-r", i), ExternalIDs: ids})
			if err != nil {
				if !errors.Is(err, ovsdb.ErrDisconnected) {
					t.Errorf("port %d: unclean error %v", i, err)
				}
				bad = append(bad, i)
			}
			progress <- i
		}
		failed <- bad
	}()
	for i := 0; i < 50; i++ {
		<-progress
	}
	o.StopDB(t)
	o.StartDB(t)
	for i := 50; i < n; i++ {
		<-progress
	}
	bad := <-failed
	t.Logf("%d calls failed across the restart", len(bad))
	for _, i := range bad { // the caller's retry: may-exist makes it safe
		if err := v.AddPort(ctx, vswitch.PortSpec{Bridge: "br-int", Name: fmt.Sprintf("tap%03d-r", i), ExternalIDs: ids}); err != nil {
			t.Fatalf("retry %d: %v", i, err)
		}
	}
	if got := len(strings.Fields(o.Vsctl(t, "list-ports", "br-int"))); got != n {
		t.Fatalf("%d ports, want %d", got, n)
	}
	if got := len(strings.Fields(o.Vsctl(t, "--columns=name", "--bare", "list", "Interface"))); got != n+1 {
		t.Fatalf("%d interfaces, want %d (duplicates?)", got, n+1)
	}
	// A call made while the server is down waits for it (bounded by ctx) instead of failing.
	o.StopDB(t)
	done := make(chan error, 1)
	go func() { done <- v.AddPort(ctx, vswitch.PortSpec{Bridge: "br-int", Name: "late"}) }()
	o.StartDB(t)
	if err := <-done; err != nil && !errors.Is(err, ovsdb.ErrDisconnected) {
		t.Fatalf("call across the second restart: %v", err)
	}
	if err := v.AddPort(ctx, vswitch.PortSpec{Bridge: "br-int", Name: "late"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := v.PortExists(ctx, "late"); !ok || err != nil {
		t.Fatalf("late port: %v %v", ok, err)
	}
}
