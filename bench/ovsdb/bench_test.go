package ovsdbbench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/vswitch"
)

const (
	bridge = "br-int"
	port   = "bench0" // one end of a veth pair: a real netdev, as a libvirt tap would be
)

var ids = map[string]string{"iface-id": "0bd2e7fa-3bd4-4bd8-b1b1-3e5d6b5b6d43", "iface-status": "active",
	"attached-mac": "fa:16:3e:00:00:01", "vm-uuid": "8f6f7a3c-1111-4222-8333-444455556666"}

// sample is one add and one delete duration.
type sample struct{ add, del time.Duration }

type result struct {
	method, mode string
	size         int
	samples      []sample
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func TestBenchOVSDB(t *testing.T) {
	if os.Getenv("GOVIF_BENCH") != "1" {
		t.Skip("benchmark: run scripts/bench-ovsdb.sh (GOVIF_BENCH=1)")
	}
	py := testenv.RequirePythonModules(t, "ovsdbapp.schema.open_vswitch.impl_idl")
	iters := envInt("GOVIF_BENCH_ITERS", 100)
	sizes := []int{10, 1000, 5000}
	if s := os.Getenv("GOVIF_BENCH_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatalf("GOVIF_BENCH_SIZES: %v", err)
			}
			sizes = append(sizes, n)
		}
	}
	var all []result
	for _, n := range sizes {
		all = append(all, benchSize(t, py, n, iters)...)
	}
	report(t, all)
}

func benchSize(t *testing.T, py string, n, iters int) []result {
	o := testenv.StartOVS(t, testenv.OVSOptions{VSwitchd: true})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	v, err := vswitch.Open(ctx, o.Endpoint(), ovsdb.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.EnsureBridge(ctx, bridge, "netdev"); err != nil {
		t.Fatal(err)
	}
	// n patch ports, peered in pairs: real ports with ofports, but no netdevs to poll.
	var b vswitch.Batch
	for i := 0; i < n; i++ {
		b.AddPort(vswitch.PortSpec{Bridge: bridge, Name: fmt.Sprintf("pp%05d", i), Type: "patch",
			Options: map[string]string{"peer": fmt.Sprintf("pp%05d", i^1)}, ExternalIDs: ids})
	}
	b.WaitApplied = true
	if err := v.Apply(ctx, &b); err != nil {
		t.Fatal(err)
	}
	h, err := netlink.NewHandleAt(o.NetNS().Handle())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	la := netlink.NewLinkAttrs()
	la.Name = port
	if err := h.LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: port + "p"}); err != nil {
		t.Fatal(err)
	}
	t.Logf("size %d: sandbox ready", n)
	spec := vswitch.PortSpec{Bridge: bridge, Name: port, ExternalIDs: ids}
	// Every client does one add+del in turn, iteration after iteration, so load changes on
	// the machine hit them all alike.
	var out []result
	bulk := make([]vswitch.PortSpec, bulkN)
	for i := range bulk {
		bulk[i] = vswitch.PortSpec{Bridge: bridge, Name: fmt.Sprintf("bulk%04d", i), Type: "patch",
			Options: map[string]string{"peer": fmt.Sprintf("bulk%04d", i^1)}, ExternalIDs: ids}
	}
	for _, mode := range []string{"no-wait", "wait", bulkMode} {
		wait := mode != "no-wait"
		if mode == bulkMode {
			out = append(out, benchBulk(t, ctx, v, o, py, n, bulk)...)
			continue
		}
		// ovs-vsctl and ovsdbapp get slow on big bridges (seconds per call at 5000 ports on a
		// busy machine): they take fewer turns so the run stays a few minutes.
		clients := []struct {
			name string
			max  int
			f    func() (sample, error)
		}{
			{"govif", iters, func() (sample, error) {
				return timed(
					func() error { var b vswitch.Batch; b.AddPort(spec); b.WaitApplied = wait; return v.Apply(ctx, &b) },
					func() error {
						var b vswitch.Batch
						b.DelPort(bridge, port)
						b.WaitApplied = wait
						return v.Apply(ctx, &b)
					})
			}},
			{"floor", iters, floor(t, ctx, v.Client(), wait)},
			{"ovs-vsctl", min(iters, 15), vsctlClient(o, wait)},
			{"ovsdbapp", min(iters, 30), pythonClient(t, ctx, py, o.Endpoint(), map[bool]string{true: "wait", false: "nowait"}[wait])},
		}
		rs := make([]result, len(clients))
		for i := range rs {
			rs[i] = result{method: clients[i].name, mode: mode, size: n}
		}
		rng := rand.New(rand.NewPCG(uint64(n), 1))
		for it := 0; it < iters; it++ {
			// A fresh order every turn: whoever goes right after another client's change
			// may find ovs-vswitchd still busy with it.
			for _, i := range rng.Perm(len(clients)) {
				c := clients[i]
				if it >= c.max {
					continue
				}
				s, err := c.f()
				if err != nil {
					t.Fatalf("%s %s size %d: %v", c.name, mode, n, err)
				}
				rs[i].samples = append(rs[i].samples, s)
			}
		}
		for _, r := range rs {
			t.Logf("size %d %-9s %-7s add+del median %v", n, r.method, mode, median(r.samples, pair))
		}
		out = append(out, rs...)
	}
	return out
}

// bulkN ports are added in one transaction and deleted in another, waiting for ovs-vswitchd.
const bulkN = 100

var bulkMode = fmt.Sprintf("bulk %d, wait", bulkN)

// benchBulk times the bulk plug: govif's Batch, one ovs-vsctl call with bulkN add-port
// commands, one ovsdbapp transaction with bulkN add_port+db_set.
func benchBulk(t *testing.T, ctx context.Context, v *vswitch.VSwitch, o *testenv.OVS, py string, n int, bulk []vswitch.PortSpec) []result {
	var add, del []string
	for _, p := range bulk {
		add = append(add, "--", "--may-exist", "add-port", bridge, p.Name, "--", "set", "Interface", p.Name,
			"type=patch", "options:peer="+p.Options["peer"])
		for k, val := range ids {
			add = append(add, "external_ids:"+k+"="+val)
		}
		del = append(del, "--", "--if-exists", "del-port", bridge, p.Name)
	}
	clients := []struct {
		name  string
		turns int
		f     func() (sample, error)
	}{
		{"govif", 10, func() (sample, error) {
			var a, d vswitch.Batch
			for _, p := range bulk {
				a.AddPort(p)
				d.DelPort(bridge, p.Name)
			}
			a.WaitApplied, d.WaitApplied = true, true
			return timed(func() error { return v.Apply(ctx, &a) }, func() error { return v.Apply(ctx, &d) })
		}},
		{"ovs-vsctl", 5, func() (sample, error) {
			return timed(func() error { _, err := o.VsctlErr(add...); return err },
				func() error { _, err := o.VsctlErr(del...); return err })
		}},
		{"ovsdbapp", 5, pythonClient(t, ctx, py, o.Endpoint(), fmt.Sprintf("bulk%d", bulkN))},
	}
	rs := make([]result, len(clients))
	for i, c := range clients {
		rs[i] = result{method: c.name, mode: bulkMode, size: n}
	}
	rng := rand.New(rand.NewPCG(uint64(n), 2))
	for it := 0; it < 10; it++ {
		for _, i := range rng.Perm(len(clients)) {
			if it >= clients[i].turns {
				continue
			}
			s, err := clients[i].f()
			if err != nil {
				t.Fatalf("%s bulk size %d: %v", clients[i].name, n, err)
			}
			rs[i].samples = append(rs[i].samples, s)
		}
	}
	return rs
}

func timed(fs ...func() error) (sample, error) {
	var d [2]time.Duration
	for i, f := range fs {
		t0 := time.Now()
		if err := f(); err != nil {
			return sample{}, err
		}
		d[i] = time.Since(t0)
	}
	return sample{d[0], d[1]}, nil
}

// vsctlClient runs ovs-vsctl as os-vif's vsctl driver does (one process per call).
func vsctlClient(o *testenv.OVS, wait bool) func() (sample, error) {
	vsctl := func(args ...string) func() error {
		if !wait {
			args = append([]string{"--no-wait"}, args...)
		}
		return func() error { _, err := o.VsctlErr(args...); return err }
	}
	addArgs := []string{"--may-exist", "add-port", bridge, port, "--", "set", "Interface", port}
	for k, val := range ids {
		addArgs = append(addArgs, "external_ids:"+k+"="+val)
	}
	return func() (sample, error) {
		return timed(vsctl(addArgs...), vsctl("--if-exists", "del-port", bridge, port))
	}
}

// pythonClient drives ovsdbapp_bench.py: one line in, one add+del, one line of timings out.
func pythonClient(t *testing.T, ctx context.Context, py, endpoint, mode string) func() (sample, error) {
	cmd := exec.CommandContext(ctx, py, "ovsdbapp_bench.py", endpoint, bridge, port, mode)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	sc := bufio.NewScanner(outPipe)
	if !sc.Scan() || sc.Text() != "ready" {
		t.Fatalf("ovsdbapp_bench.py did not start: %q %v", sc.Text(), sc.Err())
	}
	return func() (sample, error) {
		if _, err := io.WriteString(in, "go\n"); err != nil {
			return sample{}, err
		}
		if !sc.Scan() {
			return sample{}, fmt.Errorf("ovsdbapp_bench.py: %v", sc.Err())
		}
		var d [2]float64
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return sample{}, fmt.Errorf("ovsdbapp_bench.py output %q: %w", sc.Text(), err)
		}
		return sample{secs(d[0]), secs(d[1])}, nil
	}
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

// floor is the least any client can do: the same operations in one transaction each, and for
// the wait a monitor on cur_cfg set up once beforehand. It measures the daemons' own time.
func floor(t *testing.T, ctx context.Context, c *ovsdb.Client, wait bool) func() (sample, error) {
	var m *ovsdb.Monitor
	if wait {
		var err error
		m, err = c.Monitor(ctx, vswitch.DB, map[string]ovsdb.MonitorRequest{"Open_vSwitch": {Columns: []string{"cur_cfg"}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(m.Cancel)
		if _, err := m.Next(ctx); err != nil {
			t.Fatal(err)
		}
	}
	bump := []ovsdb.Operation{
		ovsdb.Mutate("Open_vSwitch", nil, ovsdb.Mutation{Column: "next_cfg", Mutator: "+=", Value: 1}),
		ovsdb.Select("Open_vSwitch", nil, "next_cfg"),
	}
	commit := func(ops ...ovsdb.Operation) ([]ovsdb.OperationResult, error) {
		if wait {
			ops = append(ops, bump...)
		}
		res, err := c.Transact(ctx, vswitch.DB, ops...)
		if err != nil || !wait {
			return res, err
		}
		want, _, _ := res[len(res)-1].Rows[0].Int("next_cfg")
		for {
			ups, err := m.Next(ctx)
			if err != nil {
				return nil, err
			}
			for _, u := range ups {
				if cur, ok, _ := u.Row.Int("cur_cfg"); ok && cur >= want {
					return res, nil
				}
			}
		}
	}
	return func() (sample, error) {
		var s sample
		t0 := time.Now()
		res, err := commit(
			ovsdb.Insert("Interface", map[string]any{"name": port, "external_ids": ovsdb.Map(ids)}, "i"),
			ovsdb.Insert("Port", map[string]any{"name": port, "interfaces": ovsdb.NamedUUID("i")}, "p"),
			ovsdb.Mutate("Bridge", []ovsdb.Condition{ovsdb.Equal("name", bridge)},
				ovsdb.Mutation{Column: "ports", Mutator: "insert", Value: ovsdb.Set{ovsdb.NamedUUID("p")}}))
		if err != nil {
			return s, err
		}
		s.add = time.Since(t0)
		t1 := time.Now()
		_, err = commit(ovsdb.Mutate("Bridge", []ovsdb.Condition{ovsdb.Equal("name", bridge)},
			ovsdb.Mutation{Column: "ports", Mutator: "delete", Value: ovsdb.Set{res[1].UUID}}))
		s.del = time.Since(t1)
		return s, err
	}
}

func pair(s sample) time.Duration { return s.add + s.del }

func quantile(ss []sample, f func(sample) time.Duration, q float64) time.Duration {
	d := make([]time.Duration, len(ss))
	for i, s := range ss {
		d[i] = f(s)
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	idx := int(q*float64(len(d)-1) + 0.5)
	return d[idx]
}

func median(ss []sample, f func(sample) time.Duration) time.Duration { return quantile(ss, f, 0.5) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// report prints the markdown table: medians and p99 of add+del, and the ratios the targets use.
func report(t *testing.T, all []result) {
	med := map[string]time.Duration{}
	for _, r := range all {
		med[fmt.Sprintf("%s/%s/%d", r.method, r.mode, r.size)] = median(r.samples, pair)
	}
	var sb strings.Builder
	sb.WriteString("| ports on bridge | mode | client | n | add median ms | del median ms | add+del median ms | add+del p99 ms | ovs-vsctl / govif | ovsdbapp / govif | govif / floor |\n")
	sb.WriteString("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range all {
		k := func(m string) time.Duration { return med[fmt.Sprintf("%s/%s/%d", m, r.mode, r.size)] }
		ratios := "| | |"
		if r.method == "govif" {
			g := k("govif")
			fl := "–"
			if f := k("floor"); f > 0 {
				fl = fmt.Sprintf("%.2f×", float64(g)/float64(f))
			}
			ratios = fmt.Sprintf("| %.1f× | %.1f× | %s |", float64(k("ovs-vsctl"))/float64(g),
				float64(k("ovsdbapp"))/float64(g), fl)
		} else {
			ratios = "| | | |"
		}
		fmt.Fprintf(&sb, "| %d | %s | %s | %d | %s | %s | %s | %s %s\n", r.size, r.mode, r.method, len(r.samples),
			ms(median(r.samples, func(s sample) time.Duration { return s.add })),
			ms(median(r.samples, func(s sample) time.Duration { return s.del })),
			ms(median(r.samples, pair)), ms(quantile(r.samples, pair, 0.99)), ratios)
	}
	fmt.Println(sb.String())
	if p := os.Getenv("GOVIF_BENCH_OUT"); p != "" {
		if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}
