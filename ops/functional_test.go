package ops_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/govif/govif/daemon"
	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ops"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/vswitch"
)

// TestMain removes the binaries the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveBinaries()
	os.Exit(code)
}

// buildGovif builds cmd/govif once per test binary and returns its path.
func buildGovif(t testing.TB) string {
	t.Helper()
	return filepath.Join(testenv.Binaries(t, "github.com/govif/govif/cmd/govif"), "govif")
}

// opsVIF is VIF number i: every fourth a VIFOpenVSwitch with create_port and create_tap (a tap
// device and its OVS port), the others hybrid VIFBridges (qbr, qvb/qvo veth, OVS port qvo).
func opsVIF(i int, prefix string) objects.VIF {
	id := fmt.Sprintf("%08x-%s-4222-8333-%012x", i, prefix, i)
	mac := net.HardwareAddr{0xfa, 0x16, 0x3e, 0x77, byte(i >> 8), byte(i)}
	netw := &objects.Network{ID: objects.Set("5b7d9f1a-3c5e-4f7a-9b1d-3f5a7c9e1b3d"), Bridge: objects.Set("br-int"), MTU: objects.Set(1450)}
	prof := &objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(id), DatapathType: objects.Set("netdev")}
	base := objects.VIFBase{ID: objects.Set(id), Address: objects.Set(mac), Network: objects.Set(netw), Plugin: objects.Set("ovs")}
	if i%4 == 0 {
		prof.CreatePort, prof.CreateTap = objects.Set(true), objects.Set(true)
		base.PortProfile = objects.Set[objects.PortProfile](prof)
		return &objects.VIFOpenVSwitch{VIFBase: base, VIFName: objects.Set(("tap" + id)[:14]), BridgeName: objects.Set("br-int")}
	}
	base.PortProfile = objects.Set[objects.PortProfile](prof)
	return &objects.VIFBridge{VIFBase: base, VIFName: objects.Set(("tap" + id)[:14]), BridgeName: objects.Set(("qbr" + id)[:14])}
}

func instance(i int) *objects.InstanceInfo {
	return &objects.InstanceInfo{UUID: objects.Set(fmt.Sprintf("%08x-aaaa-4bbb-8ccc-000000000000", i)), Name: objects.Set(fmt.Sprintf("vm-%d", i))}
}

// rig is an OVS sandbox, a config for `govif serve` in it, and the means to observe it.
type rig struct {
	t     *testing.T
	sb    *sandbox.OVS
	dir   string
	conf  string
	sock  string
	nl    *netlink.Handle
	vs    *vswitch.VSwitch
	serve *exec.Cmd
	done  chan error
}

func newRig(t *testing.T) *rig {
	sb := testenv.StartSandbox(t)
	r := &rig{t: t, sb: sb, dir: t.TempDir()}
	r.conf = filepath.Join(r.dir, "govif.conf")
	r.sock = filepath.Join(r.dir, "govif.sock")
	ini := fmt.Sprintf("[os_vif_ovs]\novsdb_connection = %s\n\n[oslo_concurrency]\nlock_path = %s\n\n[govif_daemon]\nsocket = %s\nstate_path = %s\n",
		sb.Endpoint(), filepath.Join(r.dir, "locks"), r.sock, filepath.Join(r.dir, "state"))
	if err := os.WriteFile(r.conf, []byte(ini), 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	if r.nl, err = netlink.NewHandleAt(sb.NetNS().Handle()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.nl.Close)
	if r.vs, err = vswitch.Open(context.Background(), sb.Endpoint()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.vs.Close() })
	return r
}

// start runs `govif serve` (the real binary) in the sandbox namespace.
func (r *rig) start() {
	t := r.t
	t.Helper()
	cmd := exec.Command(buildGovif(t), "serve", "--config", r.conf, "--log-level", "warn")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := r.sb.NetNS().Do(cmd.Start); err != nil {
		t.Fatal(err)
	}
	r.serve, r.done = cmd, make(chan error, 1)
	go func() { r.done <- cmd.Wait() }()
	t.Cleanup(r.kill)
	c := r.client()
	defer c.Close()
	deadline := time.Now().Add(30 * time.Second)
	for c.Health(context.Background()) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("govif serve did not answer: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL to the daemon and waits for it.
func (r *rig) kill() {
	if r.serve == nil {
		return
	}
	r.serve.Process.Signal(syscall.SIGKILL)
	<-r.done
	r.serve = nil
}

func (r *rig) client() *daemon.Client {
	c, err := daemon.NewClient("unix:" + r.sock)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// govif runs the CLI (a real process, in the sandbox namespace) and returns its stdout and
// exit code.
func (r *rig) govif(args ...string) (string, int) {
	t := r.t
	t.Helper()
	cmd := exec.Command(buildGovif(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := r.sb.NetNS().Do(cmd.Start); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if stderr.Len() > 0 {
		t.Logf("govif %s: stderr: %s", strings.Join(args, " "), stderr.String())
	}
	return stdout.String(), code
}

func (r *rig) check() (*ops.CheckResult, int) {
	out, code := r.govif("check", "--all", "--server", "unix:"+r.sock, "-o", "json")
	var res ops.CheckResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		r.t.Fatalf("check -o json: %v: %s", err, out)
	}
	return &res, code
}

// driftSet is the drift of a check as "vif object field" strings, sorted.
func driftSet(res *ops.CheckResult) []string {
	var out []string
	for _, v := range res.VIFs {
		for _, d := range v.Drift {
			out = append(out, v.ID+" "+d.Object+" "+d.Field)
		}
		if v.Status != ops.StatusOK && v.Status != ops.StatusDrift {
			out = append(out, v.ID+" status "+v.Status+" "+v.Error)
		}
	}
	sort.Strings(out)
	return out
}

// snapshot is every device (name, kind, master, MTU, up) and every OVS bridge, port,
// interface (with external_ids) and QoS row in the sandbox.
func (r *rig) snapshot() []string {
	t := r.t
	t.Helper()
	var out []string
	links, err := r.nl.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	names := map[int]string{}
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	for _, l := range links {
		a := l.Attrs()
		out = append(out, fmt.Sprintf("device %s %s master=%s mtu=%d flags=%v", a.Name, l.Type(), names[a.MasterIndex], a.MTU, a.Flags&net.FlagUp))
	}
	res, err := r.vs.Client().Transact(context.Background(), vswitch.DB,
		ovsdb.Select("Bridge", nil, "name", "ports"),
		ovsdb.Select("Port", nil, "_uuid", "name"),
		ovsdb.Select("Interface", nil, "name", "external_ids"),
		ovsdb.Select("QoS", nil, "_uuid", "external_ids"))
	if err != nil {
		t.Fatal(err)
	}
	portNames := map[ovsdb.UUID]string{}
	for _, row := range res[1].Rows {
		u, _ := row.UUID()
		portNames[u], _ = row.String("name")
	}
	for _, row := range res[0].Rows {
		n, _ := row.String("name")
		ports, _ := row.UUIDs("ports")
		for _, p := range ports {
			out = append(out, "ovs port "+n+"/"+portNames[p])
		}
	}
	for _, row := range res[2].Rows {
		n, _ := row.String("name")
		ids, _ := row.Map("external_ids")
		out = append(out, fmt.Sprintf("ovs interface %s %v", n, map[string]string(ids)))
	}
	for _, row := range res[3].Rows {
		u, _ := row.UUID()
		ids, _ := row.Map("external_ids")
		out = append(out, fmt.Sprintf("qos %s %v", u, map[string]string(ids)))
	}
	sort.Strings(out)
	return out
}

func (r *rig) delLink(name string) {
	r.t.Helper()
	l, err := r.nl.LinkByName(name)
	if err != nil {
		r.t.Fatalf("find %s: %v", name, err)
	}
	if err := r.nl.LinkDel(l); err != nil {
		r.t.Fatalf("delete %s: %v", name, err)
	}
}

// TestOperationsOnTheSandbox is issue 12's "done when": 20 VIFs plugged through the daemon;
// kill -9; damage by hand; restart; check names exactly the damage; replug repairs it; a
// simulated reboot is restored by replug; planted stale plumbing is found by gc and removed
// with --yes, nothing else on the host changing.
func TestOperationsOnTheSandbox(t *testing.T) {
	r := newRig(t)
	r.start()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c := r.client()
	defer c.Close()
	const n = 20
	vifs := make([]objects.VIF, n)
	for i := range vifs {
		vifs[i] = opsVIF(i, "1111")
		if err := c.Plug(ctx, vifs[i], instance(i)); err != nil {
			t.Fatalf("plug %d: %v", i, err)
		}
	}
	id := func(i int) string { return vifs[i].Base().ID.Value() }
	dev := func(prefix string, i int) string { return (prefix + id(i))[:14] }

	if res, code := r.check(); code != 0 {
		t.Fatalf("check right after plugging: exit %d: %v", code, driftSet(res))
	}
	// The daemon dies without warning; every acknowledged plug must be in the inventory.
	r.kill()
	out, code := r.govif("list", "--config", r.conf, "-o", "json")
	var lr ops.ListResult
	if err := json.Unmarshal([]byte(out), &lr); code != 0 || err != nil {
		t.Fatalf("list in-process after kill -9: exit %d, %v: %s", code, err, out)
	}
	if len(lr.VIFs) != n || len(lr.Damaged) != 0 {
		t.Fatalf("list after kill -9: %d VIFs, damaged %v; want %d, none", len(lr.VIFs), lr.Damaged, n)
	}
	if v := lr.VIFs[1]; v.ID != id(1) || v.Type != "VIFBridge" || v.Plugin != "ovs" || v.Bridge != "br-int" ||
		!slices.Equal(v.Devices, []string{dev("qbr", 1), dev("qvb", 1), dev("qvo", 1)}) || v.InstanceUUID != instance(1).UUID.Value() {
		t.Errorf("list entry 1 = %+v", v)
	}

	// Damage: two qbr bridges and one tap removed, one OVS port removed.
	r.delLink(dev("qbr", 1))
	r.delLink(dev("qbr", 5))
	if err := r.vs.DelPort(ctx, "br-int", dev("qvo", 2)); err != nil {
		t.Fatal(err)
	}
	r.start()
	res, code := r.check()
	want := []string{
		id(1) + " device " + dev("qbr", 1) + " exists",
		id(1) + " device " + dev("qvb", 1) + " master",
		id(2) + " ovs port br-int/" + dev("qvo", 2) + " exists",
		id(5) + " device " + dev("qbr", 5) + " exists",
		id(5) + " device " + dev("qvb", 5) + " master",
	}
	if got := driftSet(res); code != 1 || !slices.Equal(got, want) {
		t.Fatalf("check --all after damage: exit %d, drift\n%s\nwant exit 1 and\n%s", code, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if out, code := r.govif("check", "--vif", id(3), "--server", "unix:"+r.sock); code != 0 || !strings.Contains(out, "1 ok") {
		t.Errorf("check --vif of an intact VIF: exit %d: %s", code, out)
	}
	if _, code := r.govif("check", "--vif", "no-such-vif", "--server", "unix:"+r.sock); code != 2 {
		t.Errorf("check --vif unknown: exit %d, want 2", code)
	}
	if _, code := r.govif("check", "--server", "unix:"+r.sock); code != 2 {
		t.Errorf("check without --vif or --all: exit %d, want 2", code)
	}

	out, code = r.govif("replug", "--all", "--server", "unix:"+r.sock, "-o", "json")
	var rr ops.ReplugResult
	if err := json.Unmarshal([]byte(out), &rr); code != 0 || err != nil {
		t.Fatalf("replug --all: exit %d, %v: %s", code, err, out)
	}
	if rr.Repaired() != len(want) {
		t.Errorf("replug repaired %d drift items, want %d: %s", rr.Repaired(), len(want), out)
	}
	if res, code := r.check(); code != 0 || len(driftSet(res)) != 0 {
		t.Fatalf("check after replug: exit %d, drift %v", code, driftSet(res))
	}

	// A simulated reboot: the daemon, every VIF device and every VIF OVS port are gone.
	r.kill()
	for i := range vifs {
		if i%4 == 0 {
			r.delLink(dev("tap", i))
			if err := r.vs.DelPort(ctx, "br-int", dev("tap", i)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		r.delLink(dev("qbr", i))
		r.delLink(dev("qvb", i)) // takes its peer qvo with it
		if err := r.vs.DelPort(ctx, "br-int", dev("qvo", i)); err != nil {
			t.Fatal(err)
		}
	}
	r.start()
	res, code = r.check()
	for _, v := range res.VIFs {
		if v.Status != ops.StatusDrift {
			t.Errorf("after the reboot: VIF %s status %s, want drift", v.ID, v.Status)
		}
	}
	if code != 1 {
		t.Errorf("check after the reboot: exit %d, want 1", code)
	}
	if out, code := r.govif("replug", "--all", "--server", "unix:"+r.sock); code != 0 || !strings.Contains(out, fmt.Sprintf("%d repaired", n)) {
		t.Fatalf("replug after the reboot: exit %d: %s", code, out)
	}
	if res, code := r.check(); code != 0 || len(driftSet(res)) != 0 {
		t.Fatalf("check after restoring: exit %d, drift %v", code, driftSet(res))
	}

	// Stale plumbing: two hybrid VIFs plugged in-process (not recorded), one of them live;
	// an unused os-vif QoS row; and things that are not os-vif's.
	stale, live := opsVIF(101, "dead"), opsVIF(102, "beef")
	for i, v := range []objects.VIF{stale, live} {
		dir := t.TempDir()
		vf, inf := filepath.Join(dir, "vif.json"), filepath.Join(dir, "inst.json")
		vb, _ := objects.Encode(v)
		ib, _ := objects.Encode(instance(100 + i))
		os.WriteFile(vf, vb, 0o644)
		os.WriteFile(inf, ib, 0o644)
		if out, code := r.govif("plug", "--config", r.conf, "--vif", vf, "--instance", inf); code != 0 {
			t.Fatalf("plant plug: exit %d: %s", code, out)
		}
	}
	if _, err := r.vs.Client().Transact(ctx, vswitch.DB, ovsdb.Insert("QoS",
		map[string]any{"type": "linux-noop", "external_ids": ovsdb.Map{"id": "qvogone", "_type": "linux-noop"}}, "")); err != nil {
		t.Fatal(err)
	}
	if err := r.nl.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "keep0"}, PeerName: "qvoffffffff-ff"}); err != nil {
		t.Fatal(err) // a veth pair whose qvo end is named for a live id: kept
	}
	liveFile := filepath.Join(t.TempDir(), "live")
	os.WriteFile(liveFile, []byte("# Nova's ports\n"+live.Base().ID.Value()+"\nffffffff-ffff-4fff-8fff-ffffffffffff\n"), 0o644)

	before := r.snapshot()
	out, code = r.govif("gc", "--live-ids", liveFile, "--server", "unix:"+r.sock, "-o", "json")
	var gr ops.GCResult
	if err := json.Unmarshal([]byte(out), &gr); code != 0 || err != nil {
		t.Fatalf("gc dry run: exit %d, %v: %s", code, err, out)
	}
	sid := stale.Base().ID.Value()
	wantStale := []string{
		"device " + ("qbr" + sid)[:14], "device " + ("qvb" + sid)[:14], "device " + ("qvo" + sid)[:14],
		"ovs-port " + ("qvo" + sid)[:14], "qos ",
	}
	var gotStale []string
	for _, s := range gr.Stale {
		k := s.Kind + " " + s.Name
		if s.Kind == "qos" {
			k = "qos "
		}
		gotStale = append(gotStale, k)
	}
	sort.Strings(gotStale)
	if !slices.Equal(gotStale, wantStale) || gr.Removed {
		t.Fatalf("gc dry run found %v (removed %v), want %v", gotStale, gr.Removed, wantStale)
	}
	if after := r.snapshot(); !slices.Equal(before, after) {
		t.Fatalf("gc dry run changed the host:\n%s", diff(before, after))
	}
	if out, code := r.govif("gc", "--live-ids", liveFile, "--yes", "--server", "unix:"+r.sock); code != 0 || !strings.Contains(out, "removed 5 stale objects") {
		t.Fatalf("gc --yes: exit %d: %s", code, out)
	}
	after := r.snapshot()
	var removed []string
	for _, l := range before {
		if !slices.Contains(after, l) {
			removed = append(removed, l)
		}
	}
	for _, l := range after {
		if !slices.Contains(before, l) {
			t.Errorf("gc --yes added or changed: %s", l)
		}
	}
	for _, l := range removed {
		if !strings.Contains(l, sid[:11]) && !strings.Contains(l, "qvogone") {
			t.Errorf("gc --yes removed something not stale: %s", l)
		}
	}
	if len(removed) == 0 {
		t.Errorf("gc --yes removed nothing")
	}
	if out, code := r.govif("gc", "--live-ids", liveFile, "--server", "unix:"+r.sock); code != 0 || !strings.Contains(out, "nothing stale") {
		t.Errorf("gc after --yes: exit %d: %s", code, out)
	}
	if res, code := r.check(); code != 0 || len(res.VIFs) != n {
		t.Errorf("check after gc: exit %d, %d VIFs, drift %v", code, len(res.VIFs), driftSet(res))
	}

	// Unplug removes the record.
	if err := c.Unplug(ctx, vifs[0], instance(0)); err != nil {
		t.Fatal(err)
	}
	lres, err := c.List(ctx)
	if err != nil || len(lres.VIFs) != n-1 || lres.VIFs[0].ID == id(0) {
		t.Fatalf("list after unplug: %v, %+v", err, lres)
	}
}

func diff(a, b []string) string {
	var out []string
	for _, l := range a {
		if !slices.Contains(b, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range b {
		if !slices.Contains(a, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// TestKillDaemonDuringPlugs kills `govif serve` with SIGKILL while clients plug VIFs through
// it, then reads the inventory: every plug the daemon acknowledged is recorded, nothing is
// damaged, and at most the plugs in flight at the kill are recorded without an answer.
func TestKillDaemonDuringPlugs(t *testing.T) {
	r := newRig(t)
	r.start()
	c := r.client()
	defer c.Close()
	const clients = 4
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("%08x-5555-4666-8777-%012x", w, i)
				vif := &objects.VIFGeneric{VIFBase: objects.VIFBase{ID: objects.Set(id), Plugin: objects.Set("noop"),
					Address: objects.Set(net.HardwareAddr{0xfa, 0x16, 0x3e, byte(w), byte(i >> 8), byte(i)})},
					VIFName: objects.Set(("tap" + id)[:14])}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				err := c.Plug(ctx, vif, instance(i))
				cancel()
				if err != nil {
					return // the daemon is gone
				}
				mu.Lock()
				acked[id] = true
				mu.Unlock()
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	r.kill()
	close(stop)
	wg.Wait()

	out, code := r.govif("list", "--config", r.conf, "-o", "json")
	var lr ops.ListResult
	if err := json.Unmarshal([]byte(out), &lr); code != 0 || err != nil {
		t.Fatalf("list after kill -9: exit %d, %v: %s", code, err, out)
	}
	if len(lr.Damaged) != 0 {
		t.Fatalf("damaged records after kill -9: %v", lr.Damaged)
	}
	have := map[string]bool{}
	for _, v := range lr.VIFs {
		have[v.ID] = true
	}
	for id := range acked {
		if !have[id] {
			t.Errorf("acknowledged plug of %s is not in the inventory", id)
		}
	}
	if extra := len(have) - len(acked); extra < 0 || extra > clients {
		t.Errorf("%d records for %d acknowledged plugs: at most %d (one in flight per client) may be unanswered", len(have), len(acked), clients)
	}
	t.Logf("killed after %d acknowledged plugs; %d records", len(acked), len(have))
}
