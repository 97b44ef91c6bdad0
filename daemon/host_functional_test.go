package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govif/govif"
	"github.com/govif/govif/objects"
)

// TestRealHostPlugUnplug plugs a plain and a hybrid OVS VIF through the daemon into the real
// plugins and checks what they made in the sandbox, then unplugs them and checks it is gone.
func TestRealHostPlugUnplug(t *testing.T) {
	r := newRealRig(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	plain, hybrid := loadVIF(0), loadVIF(1).(*objects.VIFBridge)
	for _, v := range []objects.VIF{plain, hybrid} {
		if err := r.client.Plug(ctx, v, testInstance()); err != nil {
			t.Fatalf("plug %s: %v", v.ObjName(), err)
		}
	}
	id := hybrid.ID.Value()
	// The plain VIF has create_port but not create_tap: its port waits for libvirt's tap.
	for _, dev := range []string{hybrid.BridgeName.Value(), ("qvb" + id)[:14], ("qvo" + id)[:14]} {
		if !r.linkExists(dev) {
			t.Errorf("device %s missing in the sandbox after plug", dev)
		}
	}
	ifc, err := r.vs.InterfaceByName(ctx, ("qvo" + id)[:14])
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := r.vs.PortOnBridge(ctx, "br-int", plain.(*objects.VIFOpenVSwitch).VIFName.Value()); err != nil || !ok {
		t.Errorf("plain VIF's port not on br-int: %v %v", ok, err)
	}
	if ifc.ExternalIDs["iface-id"] != id || ifc.ExternalIDs["vm-uuid"] != testInstance().UUID.Value() || ifc.ExternalIDs["attached-mac"] != hybrid.Address.Value().String() {
		t.Errorf("qvo external_ids = %v", ifc.ExternalIDs)
	}
	for _, v := range []objects.VIF{plain, hybrid, hybrid} { // unplug twice = once
		if err := r.client.Unplug(ctx, v, testInstance()); err != nil {
			t.Fatalf("unplug %s: %v", v.ObjName(), err)
		}
	}
	if left := leftovers(t, r.nl, r.vs, "br-int"); len(left) > 0 {
		t.Errorf("left after unplug: %v", left)
	}
}

// TestRealHostBadInput sends VIFs the real host must refuse: the reply is a 4xx naming the
// field or the plugin, the client sees the typed error, and nothing changes in the sandbox.
func TestRealHostBadInput(t *testing.T) {
	r := newRealRig(t, Options{})
	ctx := context.Background()

	long := loadVIF(1).(*objects.VIFBridge)
	long.BridgeName = objects.Set("qbr-this-name-is-far-too-long")
	err := r.client.Plug(ctx, long, testInstance())
	var api *APIError
	var fe *objects.FieldError
	if !errors.As(err, &api) || api.Status != http.StatusBadRequest || !errors.As(err, &fe) || !strings.Contains(fe.Path, "bridge_name") {
		t.Errorf("too-long bridge name: err = %v (%#v), want 400 with a field error on bridge_name", err, api)
	}

	nosuch := loadVIF(0)
	nosuch.Base().Plugin = objects.Set("nosuch")
	err = r.client.Plug(ctx, nosuch, testInstance())
	if !errors.Is(err, govif.ErrNoMatchingPlugin) || !errors.As(err, &api) || api.Status != http.StatusUnprocessableEntity || api.Plugin != "nosuch" {
		t.Errorf("unknown plugin: err = %v, want 422 no_matching_plugin", err)
	}

	exists, err := r.vs.BridgeExists(ctx, "br-int")
	if err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Error("br-int was created by a refused plug")
	}
	if left := leftovers(t, r.nl, r.vs); len(left) > 0 {
		t.Errorf("refused plugs left %v", left)
	}
}

// TestRealHostSameVIFConcurrent fires plugs and unplugs of one hybrid VIF at once: the daemon
// runs them one at a time, every call succeeds, and the final state matches the last call.
func TestRealHostSameVIFConcurrent(t *testing.T) {
	r := newRealRig(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	vif := loadVIF(3).(*objects.VIFBridge)
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				errs[i] = r.client.Plug(ctx, vif, testInstance())
			} else {
				errs[i] = r.client.Unplug(ctx, vif, testInstance())
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent plug/unplug of one VIF: %v", err)
	}
	// Whatever the order was, one more plug leaves a complete hybrid plug...
	if err := r.client.Plug(ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	id := vif.ID.Value()
	for _, dev := range []string{vif.BridgeName.Value(), ("qvb" + id)[:14], ("qvo" + id)[:14]} {
		if !r.linkExists(dev) {
			t.Errorf("device %s missing after the final plug", dev)
		}
	}
	if ok, err := r.vs.PortOnBridge(ctx, "br-int", ("qvo" + id)[:14]); err != nil || !ok {
		t.Errorf("qvo not on br-int after the final plug: %v %v", ok, err)
	}
	// ...and one more unplug leaves nothing.
	if err := r.client.Unplug(ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	if left := leftovers(t, r.nl, r.vs, "br-int"); len(left) > 0 {
		t.Errorf("left after the final unplug: %v", left)
	}
}

// TestRealHostParallelVIFs plugs and unplugs 24 distinct VIFs from 24 concurrent clients (the
// CI-sized version of BenchmarkDaemonLoad) and checks the metrics count them.
func TestRealHostParallelVIFs(t *testing.T) {
	r := newRealRig(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	const n = 24
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := NewClient("unix:" + r.sock)
			if err != nil {
				errs[i] = err
				return
			}
			defer c.Close()
			vif := loadVIF(100 + i)
			if err := c.Plug(ctx, vif, testInstance()); err != nil {
				errs[i] = fmt.Errorf("plug %d: %w", i, err)
				return
			}
			if err := c.Unplug(ctx, vif, testInstance()); err != nil {
				errs[i] = fmt.Errorf("unplug %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if left := leftovers(t, r.nl, r.vs, "br-int"); len(left) > 0 {
		t.Errorf("left after %d plug/unplug pairs: %v", n, left)
	}
	resp, err := r.client.http.Get("http://govif" + PathMetrics)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		fmt.Sprintf(`govif_vif_operations_total{op="plug",outcome="ok",plugin="ovs",vif_type="VIFBridge"} %d`, n/2),
		fmt.Sprintf(`govif_vif_operations_total{op="unplug",outcome="ok",plugin="ovs",vif_type="VIFOpenVSwitch"} %d`, n/2),
		fmt.Sprintf(`govif_vif_operation_duration_seconds_count{op="plug",plugin="ovs",vif_type="VIFOpenVSwitch"} %d`, n/2),
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestServeBinaryInSandbox runs the real `govif serve` binary inside the sandbox namespace
// (config file pointing at the sandbox OVSDB), plugs and unplugs through it, and stops it
// with SIGTERM.
func TestServeBinaryInSandbox(t *testing.T) {
	sb := startSandbox(t)
	d := startServe(t, sb)
	nl, vs := observe(t, sb)
	c, err := NewClient("unix:" + d.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	vif := loadVIF(7).(*objects.VIFBridge)
	if err := c.Plug(ctx, vif, testInstance()); err != nil {
		t.Fatalf("plug: %v\n%s", err, d.stderr.String())
	}
	if _, err := nl.LinkByName(vif.BridgeName.Value()); err != nil {
		t.Errorf("%s not in the sandbox: %v", vif.BridgeName.Value(), err)
	}
	if err := c.Unplug(ctx, vif, testInstance()); err != nil {
		t.Fatalf("unplug: %v", err)
	}
	if left := leftovers(t, nl, vs, "br-int"); len(left) > 0 {
		t.Errorf("left: %v", left)
	}
	d.stop(t)
}
