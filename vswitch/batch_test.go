package vswitch_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/vswitch"
)

func TestBatchBulk(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	var b vswitch.Batch
	for i := 0; i < 500; i++ {
		spec := vswitch.PortSpec{Bridge: "br-int", Name: fmt.Sprintf("tap%04d-xx", i), ExternalIDs: ids}
		if i%100 == 0 {
			spec.QoS = &vswitch.QoSSpec{Type: "linux-noop"}
		}
		b.AddPort(spec)
	}
	if err := v.Apply(ctx, &b); err != nil {
		t.Fatal(err)
	}
	ports, err := v.ListPorts(ctx, "br-int")
	if err != nil || len(ports) != 500 {
		t.Fatalf("ListPorts: %d, %v", len(ports), err)
	}
	// Re-applying the same batch is a no-op on membership (may-exist).
	if err := v.Apply(ctx, &b); err != nil {
		t.Fatal(err)
	}
	var d vswitch.Batch
	for i := 0; i < 500; i += 2 {
		d.DelPort("br-int", fmt.Sprintf("tap%04d-xx", i))
	}
	d.DelPort("br-int", "never-existed")
	if err := v.Apply(ctx, &d); err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(o.Vsctl(t, "list-ports", "br-int"))); n != 250 {
		t.Fatalf("%d ports left, want 250", n)
	}
	if got := o.Vsctl(t, "--columns=_uuid", "--bare", "list", "QoS"); got != "" {
		t.Fatalf("QoS rows of deleted ports left: %q", got)
	}
	if got := o.Vsctl(t, "get", "Port", "tap0001-xx", "qos"); got != "[]" {
		t.Fatalf("odd port has QoS %q", got)
	}
	var dup vswitch.Batch
	dup.AddPort(vswitch.PortSpec{Bridge: "br-int", Name: "same"})
	dup.DelPort("br-int", "same")
	var ia *vswitch.InvalidArgumentError
	if err := v.Apply(ctx, &dup); !errors.As(err, &ia) {
		t.Fatalf("duplicate in batch: %v", err)
	}
}

func TestConcurrentAddPort(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := 0; i < 100; i++ {
		wg.Add(2)
		name := fmt.Sprintf("tap%03d-ab", i)
		for j := 0; j < 2; j++ { // two goroutines race for each port, and also ensure the bridge
			go func() {
				defer wg.Done()
				if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
					errs <- err
					return
				}
				errs <- v.AddPort(ctx, vswitch.PortSpec{Bridge: "br-int", Name: name, ExternalIDs: ids})
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	ports := strings.Fields(o.Vsctl(t, "list-ports", "br-int"))
	if len(ports) != 100 {
		t.Fatalf("%d ports, want 100", len(ports))
	}
	if n := len(strings.Fields(o.Vsctl(t, "--columns=name", "--bare", "list", "Interface"))); n != 101 {
		t.Fatalf("%d interfaces, want 101 (no duplicates)", n)
	}
	if got := o.Vsctl(t, "list-br"); got != "br-int" {
		t.Fatalf("bridges: %q", got)
	}
}

// The rows a VSwitch remembers are only hints: changes made by others in between are caught
// by the transaction's guards and the call re-reads.
func TestStaleHints(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{})
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	spec := vswitch.PortSpec{Bridge: "br-int", Name: "tap1", ExternalIDs: ids}
	if err := v.AddPort(ctx, spec); err != nil {
		t.Fatal(err)
	}
	// Someone else replaces the port (new UUID) and attaches a QoS row to it.
	o.Vsctl(t, "--no-wait", "del-port", "tap1", "--", "add-port", "br-int", "tap1", "--",
		"set", "Port", "tap1", "qos=@q", "--", "--id=@q", "create", "QoS", "type=linux-noop")
	if err := v.DelPort(ctx, "br-int", "tap1"); err != nil {
		t.Fatal(err)
	}
	if got := o.Vsctl(t, "list-ports", "br-int"); got != "" {
		t.Fatalf("ports left: %q", got)
	}
	if got := o.Vsctl(t, "--columns=_uuid", "--bare", "list", "QoS"); got != "" {
		t.Fatalf("QoS leaked: %q", got)
	}
	// Re-plug after an outside delete: the remembered row is gone, the port is created again.
	if err := v.AddPort(ctx, spec); err != nil {
		t.Fatal(err)
	}
	o.Vsctl(t, "--no-wait", "del-port", "tap1")
	if err := v.AddPort(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if got := o.Vsctl(t, "list-ports", "br-int"); got != "tap1" {
		t.Fatalf("ports: %q", got)
	}
	// An outside move to another bridge is reported, not undone.
	if err := v.EnsureBridge(ctx, "br-ex", "netdev"); err != nil {
		t.Fatal(err)
	}
	o.Vsctl(t, "--no-wait", "del-port", "tap1", "--", "add-port", "br-ex", "tap1")
	var pc *vswitch.PortConflictError
	if err := v.AddPort(ctx, spec); !errors.As(err, &pc) || pc.OtherBridge != "br-ex" {
		t.Fatalf("moved port: %v", err)
	}
}

func TestWaitWithVSwitchd(t *testing.T) {
	o, v, ctx := sandbox(t, testenv.OVSOptions{VSwitchd: true})
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	var b vswitch.Batch
	b.AddPort(vswitch.PortSpec{Bridge: "br-int", Name: "int0", Type: "internal"})
	b.WaitApplied = true
	if err := v.Apply(ctx, &b); err != nil {
		t.Fatal(err)
	}
	cur := o.Vsctl(t, "get", "Open_vSwitch", ".", "cur_cfg")
	next := o.Vsctl(t, "get", "Open_vSwitch", ".", "next_cfg")
	if cur != next {
		t.Fatalf("Apply with WaitApplied returned before vswitchd applied: cur_cfg %s next_cfg %s", cur, next)
	}
	ofport, err := v.WaitInterface(ctx, "int0")
	if err != nil || ofport <= 0 {
		t.Fatalf("WaitInterface = %d, %v", ofport, err)
	}
	// A vhost-user server port cannot work without DPDK: vswitchd records an error.
	if err := v.AddPort(ctx, vswitch.PortSpec{Bridge: "br-int", Name: "bad0", Type: "no-such-type"}); err != nil {
		t.Fatal(err)
	}
	if err := v.WaitApplied(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = v.WaitInterface(ctx, "bad0")
	var ie *vswitch.InterfaceError
	if !errors.As(err, &ie) {
		t.Fatalf("WaitInterface on a broken interface: %v", err)
	}
	// Concurrent waiters share one cur_cfg monitor; each returns once its own bump is applied.
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- v.WaitApplied(ctx) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if cur, next := o.Vsctl(t, "get", "Open_vSwitch", ".", "cur_cfg"), o.Vsctl(t, "get", "Open_vSwitch", ".", "next_cfg"); cur != next {
		t.Fatalf("after concurrent WaitApplied: cur_cfg %s next_cfg %s", cur, next)
	}
	// Across an ovsdb-server restart the watcher is rebuilt (the client here has no
	// reconnect, so use a fresh VSwitch on the restarted server).
	o.StopDB(t)
	if err := v.WaitApplied(ctx); !errors.Is(err, ovsdb.ErrDisconnected) {
		t.Fatalf("WaitApplied with the server down: %v", err)
	}
	o.StartDB(t)
	v2, err := vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	if err := v2.WaitApplied(ctx); err != nil {
		t.Fatalf("WaitApplied after restart: %v", err)
	}
	v = v2
	// WaitApplied without vswitchd's help is bounded by ctx.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = v.WaitInterface(short, "not-yet")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitInterface on a missing interface: %v", err)
	}
}
