package daemon

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/vswitch"
)

// failedPlugLeftoversFixed says whether a plug that fails because ovsdb-server or
// ovs-vswitchd died under it is known to leave nothing behind. Issue 11 part 5 (a plug whose
// add-port committed but whose confirmation was lost leaves its OVS row; rollback removes
// exactly what the plug made) is fixed in the plug path (vswitch.Writer's OutcomeUnknownError,
// read-back by external_ids, rollback on its own deadline), so
// TestFaultCampaign/failed-plugs-leave-nothing fails if such a plug leaves anything.
const failedPlugLeftoversFixed = true

// faultCampaign is the configuration of TestFaultCampaign, from the environment:
//
//	GOVIF_FAULTS_ATTACKS   attacks (default 3: one kill -9 of each target; `make faults`: 30)
//	GOVIF_FAULTS_VIFS      VIFs per run (default 100)
//	GOVIF_FAULTS_CLIENTS   concurrent clients (default 10)
//	GOVIF_FAULTS_SEED      random seed (default: the time; printed, to replay a campaign)
//	GOVIF_FAULTS_TIMEOUT   the daemon's request_timeout and the plugins' ovs_vsctl_timeout,
//	                       in seconds (default 5)
type faultCampaign struct {
	attacks, vifs, clients int
	seed                   uint64
	timeout                time.Duration
}

func faultConfig(t *testing.T) faultCampaign {
	t.Helper()
	num := func(name string, def int) int {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("%s=%q: want a positive integer", name, v)
		}
		return n
	}
	c := faultCampaign{attacks: num("GOVIF_FAULTS_ATTACKS", 3), vifs: num("GOVIF_FAULTS_VIFS", 100),
		clients: num("GOVIF_FAULTS_CLIENTS", 10), timeout: time.Duration(num("GOVIF_FAULTS_TIMEOUT", 5)) * time.Second,
		seed: uint64(time.Now().UnixNano())}
	if v := os.Getenv("GOVIF_FAULTS_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("GOVIF_FAULTS_SEED=%q: %v", v, err)
		}
		c.seed = s
	}
	return c
}

// Fault targets.
const (
	targetDB       = "ovsdb-server"
	targetVSwitchd = "ovs-vswitchd"
	targetDaemon   = "govif serve"
)

// TestFaultCampaign is issue 11's fault campaign as a test. A `govif serve` binary serves an
// OVS sandbox; each attack runs VIFs (half hybrid VIFBridge, half VIFOpenVSwitch) through it
// from concurrent clients, each plugging its VIFs one request at a time and then unplugging
// those that plugged, and at a random point of that run kills one of ovsdb-server,
// ovs-vswitchd and the daemon with SIGKILL, restarting it after a random pause. Then:
//
//   - nothing hangs: every request is answered (by the daemon, or by a refused connection while
//     it is down) before the client's deadline, the daemon's own answers within its
//     request_timeout plus 2 s;
//   - a plug that failed while the daemon lived left nothing of its VIF (subtest
//     failed-plugs-leave-nothing; see failedPlugLeftoversFixed);
//   - replugging every VIF of the run and unplugging them all succeeds, and leaves no OVS port
//     and no qbr/qvb/qvo/tap device.
//
// It prints the figures: attacks per target, how many held, and what failed. Short by default
// (three attacks, under two minutes); `make faults` runs the long campaign.
func TestFaultCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short: the fault campaign starts OVS daemons and the govif daemon")
	}
	fc := faultConfig(t)
	sb := startSandbox(t)
	rng := rand.New(rand.NewPCG(fc.seed, 0x5eed))
	t.Logf("fault campaign: %d attacks, %d VIFs from %d clients per run, request_timeout %v, seed %d (GOVIF_FAULTS_SEED to replay)",
		fc.attacks, fc.vifs, fc.clients, fc.timeout, fc.seed)

	fd := newFaultDaemon(t, sb, fc.timeout)
	nl, err := netlink.NewHandleAt(sb.NetNS().Handle())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nl.Close)
	vs, err := vswitch.Open(context.Background(), sb.Endpoint(), ovsdb.WithReconnect(50*time.Millisecond, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vs.Close() })
	obs := &observer{nl: nl, vs: vs}

	// A run without an attack: it must be clean, and its length is the window attacks fall in.
	base := fd.run(t, fc, 0, nil)
	if bad := base.problems(fc); len(bad) > 0 {
		t.Fatalf("the run without an attack failed: %v", bad)
	}
	if left := obs.left(t); len(left) > 0 {
		t.Fatalf("the run without an attack left %v", left)
	}
	window := base.elapsed
	t.Logf("run without attack: %d plugs and %d unplugs in %.2f s, nothing left", len(base.vifs), len(base.vifs), window.Seconds())

	targets := []string{targetDB, targetVSwitchd, targetDaemon}
	type tally struct{ attacks, held int }
	per := map[string]*tally{}
	var failures, leftByFailedPlugs []string
	failedPlugs := 0
	for k := range fc.attacks {
		target := targets[k%len(targets)]
		at := time.Duration(rng.Int64N(int64(window)))
		down := time.Duration(rng.Int64N(int64(time.Second)))
		attack := func() error {
			switch target {
			case targetDB:
				sb.KillDB()
				time.Sleep(down)
				return sb.StartDB(context.Background())
			case targetVSwitchd:
				sb.KillVSwitchd()
				time.Sleep(down)
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				return sb.StartVSwitchd(ctx)
			default:
				fd.kill()
				time.Sleep(down / 2)
				return fd.start()
			}
		}
		r := fd.run(t, fc, (k+1)*fc.vifs, &scheduled{at: at, do: attack})
		if per[target] == nil {
			per[target] = &tally{}
		}
		per[target].attacks++
		name := fmt.Sprintf("attack %d: kill -9 %s at %.2f s (down %.2f s)", k+1, target, at.Seconds(), down.Seconds())
		bad := r.problems(fc)

		// A plug that failed while the daemon lived must leave nothing of its VIF (the
		// daemon's rollback ran; time for it: the rollback's own deadline).
		if target != targetDaemon {
			var left []string
			for _, o := range r.failedPlugs() {
				failedPlugs++
				if l := obs.waitGone(t, r.vifs[o.vif], 2*fc.timeout); len(l) > 0 {
					left = append(left, fmt.Sprintf("VIF #%d (plug error: %v) left %v", o.vif, o.err, l))
				}
			}
			if len(left) > 0 {
				leftByFailedPlugs = append(leftByFailedPlugs, fmt.Sprintf("%s: %v", name, left))
			}
		}
		// Replug and unplug everything; nothing may be left.
		bad = append(bad, fd.cleanup(t, r.vifs)...)
		if left := obs.left(t); len(left) > 0 {
			bad = append(bad, fmt.Sprintf("after replug and unplug, left: %v", left))
		}
		t.Logf("%s: %s", name, r.summary())
		if len(bad) > 0 {
			failures = append(failures, fmt.Sprintf("%s: %s", name, strings.Join(bad, "; ")))
			t.Logf("  FAILED: %s", strings.Join(bad, "; "))
			continue
		}
		per[target].held++
	}

	held := 0
	var lines []string
	for _, tg := range targets {
		if s := per[tg]; s != nil {
			held += s.held
			lines = append(lines, fmt.Sprintf("%s %d/%d", tg, s.held, s.attacks))
		}
	}
	t.Logf("fault campaign figures: %d attacks, %d held, %d failed (held per target: %s); %d plugs failed under ovsdb-server/ovs-vswitchd kills, %d of those left something",
		fc.attacks, held, fc.attacks-held, strings.Join(lines, ", "), failedPlugs, len(leftByFailedPlugs))
	for _, f := range failures {
		t.Errorf("%s", f)
	}

	t.Run("failed-plugs-leave-nothing", func(t *testing.T) {
		if len(leftByFailedPlugs) == 0 {
			return
		}
		for _, l := range leftByFailedPlugs {
			t.Logf("failed plug left: %s", l)
		}
		if !failedPlugLeftoversFixed {
			t.Skipf("KNOWN FAILURE (issue 11 part 5, fixed on branch plugpath: a plug whose confirmation is lost, or whose rollback cannot reach OVSDB, leaves its rows): %d attacks left VIF parts behind after failed plugs (listed above); set failedPlugLeftoversFixed once plugpath is merged",
				len(leftByFailedPlugs))
		}
		t.Errorf("%d attacks left VIF parts behind after failed plugs", len(leftByFailedPlugs))
	})
}

// scheduled is an attack at a point of a run.
type scheduled struct {
	at time.Duration
	do func() error
}

// outcome is one request of a run.
type outcome struct {
	op   string
	vif  int // index into runResult.vifs
	err  error
	took time.Duration
}

type runResult struct {
	vifs      []objects.VIF
	outcomes  []outcome
	elapsed   time.Duration
	attackErr error
}

// failedPlugs returns the outcomes of the plugs that failed.
func (r *runResult) failedPlugs() []outcome {
	var out []outcome
	for _, o := range r.outcomes {
		if o.op == "plug" && o.err != nil {
			out = append(out, o)
		}
	}
	return out
}

// problems lists requests that hung (the client's deadline passed without an answer) or that
// the daemon answered later than its request_timeout plus 2 s, and a failed restart.
func (r *runResult) problems(fc faultCampaign) []string {
	var bad []string
	if r.attackErr != nil {
		bad = append(bad, "restart after the kill failed: "+r.attackErr.Error())
	}
	hung, late := 0, 0
	var example []string
	for _, o := range r.outcomes {
		var api *APIError
		switch {
		case o.err != nil && errors.Is(o.err, context.DeadlineExceeded) && !errors.As(o.err, &api):
			hung++
			example = append(example, fmt.Sprintf("%s #%d: no answer in %v", o.op, o.vif, o.took.Round(time.Millisecond)))
		case o.took > fc.timeout+2*time.Second && errors.As(o.err, &api):
			late++
			example = append(example, fmt.Sprintf("%s #%d: answered after %v (%v)", o.op, o.vif, o.took.Round(time.Millisecond), o.err))
		}
	}
	if hung+late > 0 {
		bad = append(bad, fmt.Sprintf("%d requests hung past their deadline, %d answered past request_timeout+2s: %v", hung, late, example[:min(3, len(example))]))
	}
	return bad
}

// summary counts outcomes by op and error kind.
func (r *runResult) summary() string {
	var parts []string
	for _, op := range []string{"plug", "unplug"} {
		n, ok := 0, 0
		kinds := map[string]int{}
		for _, o := range r.outcomes {
			if o.op != op {
				continue
			}
			n++
			if o.err == nil {
				ok++
				continue
			}
			var api *APIError
			if errors.As(o.err, &api) {
				kinds[strconv.Itoa(api.Status)+" "+api.Code]++
			} else {
				kinds["not answered ("+firstLine(o.err)+")"]++
			}
		}
		s := fmt.Sprintf("%d %ss: %d ok", n, op, ok)
		keys := make([]string, 0, len(kinds))
		for k := range kinds {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			s += fmt.Sprintf(", %d %s", kinds[k], k)
		}
		parts = append(parts, s)
	}
	if r.attackErr != nil {
		parts = append(parts, "restart failed: "+r.attackErr.Error())
	}
	return strings.Join(parts, "; ")
}

// faultDaemon is `govif serve` in the sandbox, killable and restartable on the same socket.
type faultDaemon struct {
	t    *testing.T
	sb   *sandbox.OVS
	bin  string
	conf string
	sock string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	logs *lockedBuffer
}

func newFaultDaemon(t *testing.T, sb *sandbox.OVS, timeout time.Duration) *faultDaemon {
	t.Helper()
	dir := t.TempDir()
	secs := int(timeout / time.Second)
	fd := &faultDaemon{t: t, sb: sb, bin: buildGovif(t), conf: filepath.Join(dir, "govif.conf"), sock: filepath.Join(dir, "govif.sock"), logs: &lockedBuffer{}}
	ini := fmt.Sprintf("[os_vif_ovs]\novsdb_connection = %s\novs_vsctl_timeout = %d\n\n[oslo_concurrency]\nlock_path = %s\n\n[govif_daemon]\nsocket = %s\nrequest_timeout = %d\nstate_path = %s\n",
		sb.Endpoint(), secs, filepath.Join(dir, "locks"), fd.sock, secs, filepath.Join(dir, "state"))
	if err := os.WriteFile(fd.conf, []byte(ini), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := fd.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		fd.kill()
		if t.Failed() {
			t.Logf("govif serve log (last 4000 bytes): %s", tail(fd.logs.String(), 4000))
		}
	})
	return fd
}

// start runs a new daemon and waits until it answers /healthz.
func (fd *faultDaemon) start() error {
	cmd := exec.Command(fd.bin, "serve", "--config", fd.conf, "--log-level", "warn")
	cmd.Stderr = fd.logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := fd.sb.NetNS().Do(cmd.Start); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	fd.mu.Lock()
	fd.cmd, fd.done = cmd, done
	fd.mu.Unlock()
	return awaitHealthy(fd.sock, done, func() string { return tail(fd.logs.String(), 2000) })
}

// kill ends the daemon with SIGKILL and waits for it.
func (fd *faultDaemon) kill() {
	fd.mu.Lock()
	cmd, done := fd.cmd, fd.done
	fd.cmd = nil
	fd.mu.Unlock()
	if cmd == nil {
		return
	}
	cmd.Process.Kill()
	<-done
}

// run plugs then unplugs VIFs first..first+fc.vifs-1 from fc.clients concurrent clients, each
// request with its own deadline (the daemon's request_timeout plus 5 s), running attack at its
// time.
func (fd *faultDaemon) run(t *testing.T, fc faultCampaign, first int, attack *scheduled) *runResult {
	t.Helper()
	r := &runResult{}
	for i := range fc.vifs {
		r.vifs = append(r.vifs, loadVIF(first+i))
	}
	deadline := fc.timeout + 5*time.Second
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for c := range fc.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl, err := NewClient("unix:" + fd.sock)
			if err != nil {
				t.Error(err)
				return
			}
			defer cl.Close()
			var plugged []int
			call := func(op string, i int) error {
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				defer cancel()
				t0 := time.Now()
				var err error
				if op == "plug" {
					err = cl.Plug(ctx, r.vifs[i], testInstance())
				} else {
					err = cl.Unplug(ctx, r.vifs[i], testInstance())
				}
				mu.Lock()
				r.outcomes = append(r.outcomes, outcome{op: op, vif: i, err: err, took: time.Since(t0)})
				mu.Unlock()
				return err
			}
			for i := c; i < fc.vifs; i += fc.clients {
				if call("plug", i) == nil {
					plugged = append(plugged, i)
				}
			}
			for _, i := range plugged {
				call("unplug", i)
			}
		}()
	}
	if attack != nil {
		select {
		case <-time.After(attack.at):
		case <-waitChan(&wg):
		}
		r.attackErr = attack.do()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	return r
}

// cleanup replugs every VIF of a run and unplugs them all, through the (restarted) daemon, in
// bulk requests with a generous deadline; it returns what failed.
func (fd *faultDaemon) cleanup(t *testing.T, vifs []objects.VIF) []string {
	t.Helper()
	c, err := NewClient("unix:" + fd.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	reqs := make([]plugin.Request, len(vifs))
	for i, v := range vifs {
		reqs[i] = plugin.Request{VIF: v, Instance: testInstance()}
	}
	var bad []string
	for _, op := range []string{"plug", "unplug"} {
		var errs []error
		if op == "plug" {
			errs = c.PlugMany(ctx, reqs)
		} else {
			errs = c.UnplugMany(ctx, reqs)
		}
		var failed []string
		for i, err := range errs {
			if err != nil {
				failed = append(failed, fmt.Sprintf("#%d: %v", i, err))
			}
		}
		if len(failed) > 0 {
			bad = append(bad, fmt.Sprintf("re%s: %d of %d failed: %v", op, len(failed), len(reqs), failed[:min(3, len(failed))]))
		}
	}
	return bad
}

// observer reads what is left in the sandbox.
type observer struct {
	nl *netlink.Handle
	vs *vswitch.VSwitch
}

// vifParts returns the OVS port and the device names a VIF's plug makes.
func vifParts(v objects.VIF) (port string, devs []string) {
	id := v.Base().ID.Value()
	if _, ok := v.(*objects.VIFBridge); ok {
		return ("qvo" + id)[:14], []string{("qbr" + id)[:14], ("qvb" + id)[:14], ("qvo" + id)[:14]}
	}
	return ("tap" + id)[:14], nil
}

// leftOf lists what remains of one VIF: its OVS port on br-int, its devices.
func (o *observer) leftOf(v objects.VIF, ports []string) []string {
	port, devs := vifParts(v)
	var left []string
	if slices.Contains(ports, port) {
		left = append(left, "ovs port "+port)
	}
	for _, d := range devs {
		if _, err := o.nl.LinkByName(d); err == nil {
			left = append(left, "device "+d)
		}
	}
	return left
}

func (o *observer) ports(t *testing.T) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		ports, err := o.vs.ListPorts(ctx, "br-int")
		if err == nil {
			return ports
		}
		if ctx.Err() != nil {
			t.Fatalf("list ports of br-int: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// left lists every OVS port on br-int and every VIF device (tap, qbr, qvb, qvo) in the sandbox.
func (o *observer) left(t *testing.T) []string {
	t.Helper()
	var left []string
	for _, p := range o.ports(t) {
		if p != "br-int" {
			left = append(left, "ovs port "+p)
		}
	}
	return append(left, leftoverDevices(t, o.nl)...)
}

// waitGone waits up to d for one VIF to have nothing left, and returns what is still there.
func (o *observer) waitGone(t *testing.T, v objects.VIF, d time.Duration) []string {
	t.Helper()
	end := time.Now().Add(d)
	for {
		left := o.leftOf(v, o.ports(t))
		if len(left) == 0 || time.Now().After(end) {
			return left
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func waitChan(wg *sync.WaitGroup) <-chan struct{} {
	ch := make(chan struct{})
	go func() { wg.Wait(); close(ch) }()
	return ch
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// firstLine shortens a transport error for the summary: its last ": "-separated part.
func firstLine(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}
