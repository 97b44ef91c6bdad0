package linuxbridge

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vishvananda/netns"

	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

const (
	helperNetNS   = "GOVIF_LB_HELPER_NETNS"
	helperLockDir = "GOVIF_LB_HELPER_LOCKDIR"
	helperID      = "GOVIF_LB_HELPER_ID"
)

// Two processes plug VIFs into the same namespace at once, sharing the lock directory, as
// two govif processes on one host would: every plug succeeds and no rule is doubled (without
// the cross-process iptables lock both would create the same chains and one would fail).
func TestFunctionalTwoProcesses(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBinary(t, "iptables", "iptables")
	ns := testenv.NewNetNS(t)
	lockDir := t.TempDir()
	var wg sync.WaitGroup
	outs := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPlugProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), helperNetNS+"="+ns.Path(), helperLockDir+"="+lockDir, helperID+"="+strconv.Itoa(i))
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(out), err
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil || !strings.Contains(outs[i], "PASS") {
			t.Errorf("helper %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	st := captureState(t, ns)
	if len(st.Devices) != 6 {
		t.Errorf("want 6 bridges, got:\n%s", strings.Join(st.Devices, "\n"))
	}
	seen := map[string]bool{}
	for _, r := range st.Filter {
		if seen[r] {
			t.Errorf("duplicate rule: %s", r)
		}
		seen[r] = true
	}
	if want := 8 + 6 + 6*2; len(st.Filter) != want { // chains, skeleton jumps, 2 rules per bridge
		t.Errorf("filter table has %d lines, want %d:\n%s", len(st.Filter), want, strings.Join(st.Filter, "\n"))
	}
}

// TestHelperPlugProcess is the child of TestFunctionalTwoProcesses; it does nothing otherwise.
// Helper i plugs VIFs into bridges brqproc<i>-0..2, three times over, so its plugs interleave
// with the other helper's.
func TestHelperPlugProcess(t *testing.T) {
	path := os.Getenv(helperNetNS)
	if path == "" {
		t.Skip("helper process of TestFunctionalTwoProcesses")
	}
	h, err := netns.GetFromPath(path)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	p, err := New(config.Default().LinuxBridge, InNamespace(h), WithLockDir(os.Getenv(helperLockDir)), WithLogger(discard))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	id := os.Getenv(helperID)
	for round := range 3 {
		for b := range 3 {
			vif := testVIF(func(v *objects.VIFBridge, _ *objects.Network) {
				v.BridgeName = objects.Set(fmt.Sprintf("brqproc%s-%d", id, b))
			})
			if err := p.Plug(context.Background(), vif, nil); err != nil {
				t.Fatalf("round %d bridge %d: %v", round, b, err)
			}
		}
	}
}
