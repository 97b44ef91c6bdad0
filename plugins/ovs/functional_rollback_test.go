package ovs

import (
	"context"
	"errors"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/vswitch"
)

var errInjected = errors.New("injected fault")

// injector fails the at-th plug step (every call that creates or changes something, on the
// host or in OVSDB), either before doing it or after (the step was done, its caller is told
// it failed: for an OVSDB add, the reply was lost, as when ovsdb-server restarts or the
// connection drops after the commit).
type injector struct {
	mu    sync.Mutex
	at    int
	after bool
	n     int
	steps []string
}

func (in *injector) fail(step string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.n++
	in.steps = append(in.steps, step)
	return in.n == in.at
}

func (in *injector) count() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.n
}

// faultLinks is the real Links with the injector on its creating steps.
type faultLinks struct {
	Links
	in *injector
}

func (f faultLinks) EnsureHybridBridge(ctx context.Context, name string) (bool, error) {
	if !f.in.after && f.in.fail("EnsureHybridBridge "+name) {
		return false, errInjected
	}
	created, err := f.Links.EnsureHybridBridge(ctx, name)
	if err == nil && f.in.after && f.in.fail("EnsureHybridBridge "+name) {
		return created, errInjected
	}
	return created, err
}

func (f faultLinks) EnsureHybridVeth(ctx context.Context, a, b, bridge string, mtu int) (bool, error) {
	if !f.in.after && f.in.fail("EnsureHybridVeth "+a) {
		return false, errInjected
	}
	created, err := f.Links.EnsureHybridVeth(ctx, a, b, bridge, mtu)
	if err == nil && f.in.after && f.in.fail("EnsureHybridVeth "+a) {
		return created, errInjected
	}
	return created, err
}

func (f faultLinks) CreateTap(ctx context.Context, name, mac string, mtu int, mq bool) (bool, error) {
	if !f.in.after && f.in.fail("CreateTap "+name) {
		return false, errInjected
	}
	created, err := f.Links.CreateTap(ctx, name, mac, mtu, mq)
	if err == nil && f.in.after && f.in.fail("CreateTap "+name) {
		return created, errInjected
	}
	return created, err
}

// faultSwitch is the real Switch with the injector on its writing steps. An add that fails
// "after" reports an unknown outcome naming what it created (the lost confirmation), without
// a way to settle it: the plug must read back to find its port.
type faultSwitch struct {
	Switch
	in *injector
}

func (f faultSwitch) EnsureBridge(ctx context.Context, b vswitch.BridgeSpec) (bool, error) {
	if !f.in.after && f.in.fail("EnsureBridge "+b.Name) {
		return false, errInjected
	}
	created, err := f.Switch.EnsureBridge(ctx, b)
	if err == nil && f.in.after && f.in.fail("EnsureBridge "+b.Name) {
		return created, errInjected
	}
	return created, err
}

func (f faultSwitch) AddPorts(ctx context.Context, wait vswitch.Wait, ports ...vswitch.PortSpec) ([]string, error) {
	if !f.in.after && f.in.fail("AddPorts "+ports[0].Name) {
		return nil, errInjected
	}
	created, err := f.Switch.AddPorts(ctx, wait, ports...)
	if err == nil && f.in.after && f.in.fail("AddPorts "+ports[0].Name) {
		return nil, &vswitch.OutcomeUnknownError{MayHaveCreated: created, Err: errInjected}
	}
	return created, err
}

func (f faultSwitch) AddPortsOnBridges(ctx context.Context, wait vswitch.Wait, require, create []vswitch.BridgeSpec, ports ...vswitch.PortSpec) (bool, []string, error) {
	if !f.in.after && f.in.fail("AddPortsOnBridges "+ports[0].Name) {
		return true, nil, errInjected
	}
	ok, created, err := f.Switch.AddPortsOnBridges(ctx, wait, require, create, ports...)
	if ok && err == nil && f.in.after && f.in.fail("AddPortsOnBridges "+ports[0].Name) {
		return true, nil, &vswitch.OutcomeUnknownError{MayHaveCreated: created, Err: errInjected}
	}
	return ok, created, err
}

func (f faultSwitch) AddPortToKnownBridge(ctx context.Context, b vswitch.BridgeSpec, wait vswitch.Wait, p vswitch.PortSpec) (bool, bool, error) {
	if !f.in.after && f.in.fail("AddPortToKnownBridge "+p.Name) {
		return true, false, errInjected
	}
	known, created, err := f.Switch.AddPortToKnownBridge(ctx, b, wait, p)
	if known && err == nil && f.in.after && f.in.fail("AddPortToKnownBridge "+p.Name) {
		var may []string
		if created {
			may = []string{p.Name}
		}
		return true, false, &vswitch.OutcomeUnknownError{MayHaveCreated: may, Err: errInjected}
	}
	return known, created, err
}

// TestFunctionalRollbackEachStep fails every step of a plug in turn, before and after the step
// is done, on a real ovsdb-server and real devices, and checks that the failed plug left
// nothing it added: no device, no OVS port or interface row (the shared integration bridge a
// cold plug creates stays, as in os-vif: other VIFs may be on it).
func TestFunctionalRollbackEachStep(t *testing.T) {
	r := newRig(t, false)
	w := vswitch.NewWriter(r.v, vswitch.WriterOptions{})
	t.Cleanup(func() { w.Close() })
	tapVIF := func() objects.VIF {
		vif := ovsVIF("br-int", "netdev", 1442)
		prof := vif.PortProfile.Value().(*objects.VIFPortProfileOpenVSwitch)
		prof.CreateTap = objects.Set(true)
		return vif
	}
	hybridDevs := []string{"qbra1b2c3d4-11", "qvba1b2c3d4-11", "qvoa1b2c3d4-11"}
	perPort := DefaultOptions()
	perPort.PerPortBridge = true
	for _, sc := range []struct {
		name  string
		vif   objects.VIF
		devs  []string
		ports []string
		known bool // the bridge is remembered: the one-round-trip add
		opts  Options
	}{
		{"hybrid cold", hybridVIF(tID, tMAC, "netdev", 1450), hybridDevs, []string{"qvoa1b2c3d4-11"}, false, DefaultOptions()},
		{"hybrid steady", hybridVIF(tID, tMAC, "netdev", 1450), hybridDevs, []string{"qvoa1b2c3d4-11"}, true, DefaultOptions()},
		{"create_tap steady", tapVIF(), []string{"tapa1b2c3d4-11"}, []string{"tapa1b2c3d4-11"}, true, DefaultOptions()},
		{"per_port_bridge create_tap", tapVIF(), []string{"tapa1b2c3d4-11"},
			[]string{"tapa1b2c3d4-11", portName(prefixIntPatch, tID, patchNameLen), portName(prefixPortPatch, tID, patchNameLen),
				portName(prefixPortBridge, tID, nicNameLen)}, true, perPort},
	} {
		for _, after := range []bool{false, true} {
			name := sc.name + map[bool]string{false: ", fail before the step", true: ", fail after the step"}[after]
			t.Run(name, func(t *testing.T) {
				steps := 0
				for at := 1; at < 10; at++ {
					if sc.known {
						r.ovs.Vsctl(t, "--no-wait", "--may-exist", "add-br", "br-int", "--", "set", "Bridge", "br-int", "datapath_type=netdev")
						if _, err := w.EnsureBridge(r.ctx, vswitch.BridgeSpec{Name: "br-int", DatapathType: "netdev"}); err != nil {
							t.Fatal(err)
						}
					} else {
						r.ovs.Vsctl(t, "--no-wait", "--if-exists", "del-br", "br-int")
						w.DelBridge(r.ctx, "br-int") // forget it
					}
					in := &injector{at: at, after: after}
					p := New(faultSwitch{w, in}, faultLinks{NetdevLinks{r.links}, in}, sc.opts, nil)
					err := p.Plug(r.ctx, sc.vif, testInstance())
					if in.count() < at { // fewer steps than at: the plug ran clean
						if err != nil {
							t.Fatalf("clean plug: %v", err)
						}
						if err := p.Unplug(r.ctx, sc.vif, testInstance()); err != nil {
							t.Fatal(err)
						}
						steps = at - 1
						break
					}
					if !errors.Is(err, errInjected) {
						t.Fatalf("fault at step %d (%s): err = %v, want the injected fault", at, in.steps[at-1], err)
					}
					for _, d := range sc.devs {
						if r.link(d) != nil {
							t.Errorf("fault at step %d (%s): rollback left device %s", at, in.steps[at-1], d)
						}
					}
					for _, port := range sc.ports {
						for _, table := range []string{"Port", "Interface"} {
							if rows := r.ovs.Vsctl(t, "--columns=name", "--bare", "find", table, "name="+port); rows != "" {
								t.Errorf("fault at step %d (%s): rollback left %s %s", at, in.steps[at-1], table, rows)
							}
						}
					}
				}
				if steps < 2 {
					t.Fatalf("the plug made %d injectable steps; the test injected nothing useful", steps)
				}
				t.Logf("%d steps, each failed in turn", steps)
			})
		}
	}
}

// A plug whose add-port committed but whose ovs-vswitchd never applied it (hung past the
// plug's deadline) fails at its deadline and removes its port: the commit's created ports are
// known even though the wait failed.
func TestFunctionalHungVSwitchdRollsBack(t *testing.T) {
	r := newRig(t, true)
	w := vswitch.NewWriter(r.v, vswitch.WriterOptions{WaitApplied: true})
	t.Cleanup(func() { w.Close() })
	p := New(w, NetdevLinks{r.links}, DefaultOptions(), nil)
	vif := hybridVIF(tID, tMAC, "netdev", 1450)
	if err := p.Plug(r.ctx, vif, testInstance()); err != nil { // br-int made and remembered
		t.Fatal(err)
	}
	if err := p.Unplug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	r.ovs.SignalDaemon(t, "ovs-vswitchd", syscall.SIGSTOP)
	ctx, cancel := context.WithTimeout(r.ctx, 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := p.Plug(ctx, vif, testInstance())
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("plug with ovs-vswitchd hung: err = %v, want its deadline", err)
	}
	if took > 5*time.Second {
		t.Errorf("plug returned after %v, want about its 500ms deadline plus the rollback", took)
	}
	if got := r.ports("br-int"); len(got) != 0 {
		t.Errorf("plug that timed out waiting for ovs-vswitchd left ports %v", got)
	}
	for _, d := range []string{"qbra1b2c3d4-11", "qvba1b2c3d4-11", "qvoa1b2c3d4-11"} {
		if r.link(d) != nil {
			t.Errorf("rollback left %s", d)
		}
	}
	r.ovs.SignalDaemon(t, "ovs-vswitchd", syscall.SIGCONT)
}

// A plug whose add-port is in flight when its deadline passes (ovsdb-server frozen) returns at
// its deadline with an unknown outcome; its rollback waits (within its own deadline) for the
// transaction to settle and removes the port if the transaction created it.
func TestFunctionalInFlightAddRollsBack(t *testing.T) {
	r := newRig(t, false)
	w := vswitch.NewWriter(r.v, vswitch.WriterOptions{})
	t.Cleanup(func() { w.Close() })
	// struct{ Switch } hides the Writer's VSwitch reader, so the ownership check (owner.go)
	// does not read OVSDB first: the frozen ovsdb-server then meets the add-port itself.
	p := New(struct{ Switch }{w}, NetdevLinks{r.links}, DefaultOptions(), nil)
	vif := hybridVIF(tID, tMAC, "netdev", 1450)
	if err := p.Plug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	if err := p.Unplug(r.ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	r.ovs.SignalDaemon(t, "ovsdb-server", syscall.SIGSTOP)
	thaw := time.AfterFunc(1500*time.Millisecond, func() { r.ovs.SignalDaemon(t, "ovsdb-server", syscall.SIGCONT) })
	defer thaw.Stop()
	ctx, cancel := context.WithTimeout(r.ctx, 500*time.Millisecond)
	defer cancel()
	err := p.Plug(ctx, vif, testInstance())
	var ue *vswitch.OutcomeUnknownError
	if !errors.As(err, &ue) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("plug with its add in flight at its deadline: err = %v, want *vswitch.OutcomeUnknownError", err)
	}
	if got := r.ports("br-int"); len(got) != 0 {
		t.Errorf("in-flight add left ports %v", got)
	}
	if rows := r.ovs.Vsctl(t, "--columns=name", "--bare", "find", "Interface", "external_ids:iface-id="+tID); strings.TrimSpace(rows) != "" {
		t.Errorf("in-flight add left Interface rows %q", rows)
	}
	for _, d := range []string{"qbra1b2c3d4-11", "qvba1b2c3d4-11", "qvoa1b2c3d4-11"} {
		if r.link(d) != nil {
			t.Errorf("rollback left %s", d)
		}
	}
}
