package sandbox

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/govif/govif/vswitch"
)

// TestKillAndRestart: KillVSwitchd and KillDB end exactly that daemon with SIGKILL; the
// restarted daemons serve the same database (a bridge made before survives both crashes and
// ovs-vswitchd applies the configuration again).
func TestKillAndRestart(t *testing.T) {
	requireOVS(t)
	if testing.Short() {
		t.Skip("skipping in -short: starts OVS daemons")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	o, err := StartOVS(ctx, Options{VSwitchd: true})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	v, err := vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	if err := v.EnsureBridge(ctx, "br-kill", "netdev"); err != nil {
		t.Fatal(err)
	}
	v.Close()
	before := o.PIDs()
	if !o.KillVSwitchd() {
		t.Fatal("KillVSwitchd: not running")
	}
	if o.KillVSwitchd() {
		t.Fatal("KillVSwitchd twice: still running")
	}
	if got := o.PIDs(); len(got) != 1 || got[0] != before[0] {
		t.Fatalf("after KillVSwitchd PIDs = %v, want only ovsdb-server %d", got, before[0])
	}
	o.KillDB()
	if got := o.PIDs(); len(got) != 0 {
		t.Fatalf("after KillDB PIDs = %v", got)
	}
	if err := o.StartDB(ctx); err != nil {
		t.Fatal(err)
	}
	if err := o.StartVSwitchd(ctx); err != nil {
		t.Fatal(err)
	}
	if err := o.StartVSwitchd(ctx); err == nil {
		t.Fatal("StartVSwitchd while running: no error")
	}
	after := o.PIDs()
	if len(after) != 2 || slices.Contains(after, before[0]) || slices.Contains(after, before[1]) {
		t.Fatalf("PIDs after restart = %v (before %v)", after, before)
	}
	v, err = vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if ok, err := v.BridgeExists(ctx, "br-kill"); err != nil || !ok {
		t.Fatalf("bridge made before the crashes: exists %v, %v", ok, err)
	}
	if err := v.WaitApplied(ctx); err != nil {
		t.Fatal(err)
	}
}
