package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
)

// TestBindingConvertThenPlugTap is the CLI path for a vif_type Nova plugs itself: `binding
// convert` of a network_info tap VIF, then `govif plug` and `govif unplug` as separate processes
// in a fresh network namespace. The tap must outlive the plugging process (persistent) with
// Nova's shape, and be gone after unplug.
func TestBindingConvertThenPlugTap(t *testing.T) {
	testenv.RequireRoot(t)
	if testing.Short() {
		t.Skip("skipping in -short: builds govif and plugs in a namespace")
	}
	ns := testenv.NewNetNS(t)
	bin := govifBinary(t)
	dir := t.TempDir()
	nova := `{"id": "2b3c0d2e-5a1b-4c8e-9f00-112233445566", "type": "tap", "address": "fa:16:3e:11:22:33",
		"devname": "tap2b3c0d2e-5a", "details": {"mac_address": "00:61:fe:ed:ca:fe"},
		"network": {"id": "6a1c4c1e-0000-4000-8000-000000000001", "subnets": [], "meta": {"mtu": 1400}}}`
	out, stderr, code := runGovif(t, nova, "binding", "convert")
	if code != 0 {
		t.Fatalf("binding convert: exit %d: %s", code, stderr)
	}
	vifPath, instPath := filepath.Join(dir, "vif.json"), filepath.Join(dir, "inst.json")
	inst := `{"versioned_object.name": "InstanceInfo", "versioned_object.namespace": "os_vif", "versioned_object.version": "1.0",
		"versioned_object.data": {"uuid": "f0000000-0000-0000-0000-000000000001", "name": "instance-00000001", "project_id": "p"}}`
	if err := os.WriteFile(vifPath, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(instPath, []byte(inst), 0o600); err != nil {
		t.Fatal(err)
	}
	runIn := func(op string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, op, "--vif", vifPath, "--instance", instPath)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := ns.Do(cmd.Start); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("govif %s: %v: %s", op, err, errb.String())
		}
	}
	l, err := netdev.New(netdev.InNamespace(ns.Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	for range 2 {
		runIn("plug")
	}
	d, err := l.Get(ctx, "tap2b3c0d2e-5a")
	if err != nil || d.Kind != "tap" || d.MAC.String() != "00:61:fe:ed:ca:fe" || d.MTU != 1400 || !d.Up {
		t.Fatalf("after govif plug exited: %+v, %v", d, err)
	}
	for range 2 {
		runIn("unplug")
	}
	if ok, _ := l.Exists(ctx, "tap2b3c0d2e-5a"); ok {
		t.Error("tap left after govif unplug")
	}
}
