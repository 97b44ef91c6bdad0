package ops_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govif/govif/objects"
)

// TestOpsBenchmark is the benchmark behind scripts/bench-ops.sh (skipped unless
// GOVIF_BENCH_OPS_N is set): N VIFs plugged through `govif serve` in the sandbox, then timed
// with the real CLI: check --all on intact plumbing, replug --all with nothing to repair, and,
// after a simulated reboot (every VIF's OVS port and devices deleted), check --all and
// replug --all restoring everything. The reference for the restore is what Nova does at
// host boot: Python os-vif 3.0.0 plugging the same number of VIFs of the same kind, one by
// one, on the same sandbox (os-vif has no check, so check has no reference).
func TestOpsBenchmark(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GOVIF_BENCH_OPS_N"))
	if n <= 0 {
		t.Skip("skipping: set GOVIF_BENCH_OPS_N (scripts/bench-ops.sh)")
	}
	kind := os.Getenv("GOVIF_BENCH_OPS_KIND") // ovs (default) or hybrid
	if kind == "" {
		kind = "ovs"
	}
	pyMax, _ := strconv.Atoi(os.Getenv("GOVIF_BENCH_OPS_PY_MAX"))
	if pyMax <= 0 {
		pyMax = n
	}
	r := newRig(t)
	r.start()
	c := r.client()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	vif := func(i int) objects.VIF {
		if kind == "hybrid" {
			return opsVIF(4*i+1, "3333") // odd: VIFBridge
		}
		// Multiple of 4: VIFOpenVSwitch; create_port only (the tap is libvirt's), as Python's.
		v := opsVIF(4*i, "3333")
		v.Base().PortProfile.Value().(*objects.VIFPortProfileOpenVSwitch).CreateTap = objects.Field[bool]{}
		return v
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 16)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := c.Plug(ctx, vif(i), instance(i)); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("RESULT plug %d %s VIFs through the daemon (16 clients): %.2f s", n, kind, time.Since(start).Seconds())

	timed := func(what string, wantCode int, args ...string) time.Duration {
		t.Helper()
		start := time.Now()
		out, code := r.govif(args...)
		d := time.Since(start)
		if code != wantCode {
			t.Fatalf("%s: exit %d, want %d: %.2000s", what, code, wantCode, out)
		}
		t.Logf("RESULT %-34s %8.3f s  %8.3f ms/VIF", what, d.Seconds(), float64(d.Microseconds())/1000/float64(n))
		return d
	}
	srv := "unix:" + r.sock
	median := func(what string, args ...string) {
		var ds []time.Duration
		for i := 0; i < 3; i++ {
			ds = append(ds, timed(fmt.Sprintf("%s (run %d)", what, i+1), 0, args...))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		t.Logf("RESULT %-34s %8.3f s  %8.3f ms/VIF (median of 3)", what, ds[1].Seconds(), float64(ds[1].Microseconds())/1000/float64(n))
	}
	median("check --all, intact", "check", "--all", "--server", srv)
	median("replug --all, nothing to repair", "replug", "--all", "--server", srv)

	// Simulated reboot.
	for i := 0; i < n; i++ {
		id := vif(i).Base().ID.Value()
		if kind == "hybrid" {
			r.delLink(("qbr" + id)[:14])
			r.delLink(("qvb" + id)[:14])
			if err := r.vs.DelPort(ctx, "br-int", ("qvo" + id)[:14]); err != nil {
				t.Fatal(err)
			}
		} else if err := r.vs.DelPort(ctx, "br-int", ("tap" + id)[:14]); err != nil {
			t.Fatal(err)
		}
	}
	timed("check --all, after reboot", 1, "check", "--all", "--server", srv)
	restore := timed("replug --all, after reboot", 0, "replug", "--all", "--server", srv)
	timed("check --all, restored", 0, "check", "--all", "--server", srv)

	// Reference: Python os-vif plugging as many VIFs of the kind, one by one (Nova's loop).
	pyN := min(n, pyMax)
	dir := t.TempDir()
	pyKind := map[string]string{"ovs": "VIFOpenVSwitch", "hybrid": "VIFBridge"}[kind]
	caseJSON := fmt.Sprintf(`{"config":{"ovsdb_connection":%q,"ovs_vsctl_timeout":120},"bench":{"kind":%q,"n":%d,"datapath_type":"netdev","mtu":1450}}`,
		r.sb.Endpoint(), pyKind, pyN)
	casePath := filepath.Join(dir, "case.json")
	os.WriteFile(casePath, []byte(caseJSON), 0o644)
	wd, _ := os.Getwd()
	cmd := exec.Command("/usr/bin/python3", filepath.Join(wd, "..", "scripts", "python-osvif", "ovs_osvif.py"), "--bench", "--case", casePath)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := r.sb.NetNS().Do(cmd.Start); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("python os-vif: %v: %s %s", err, stdout.String(), stderr.String())
	}
	var py struct {
		Timing struct {
			PlugTotal float64 `json:"plug_total_s"`
		} `json:"timing"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(stdout.String()), &py); err != nil || py.Error != "" {
		t.Fatalf("python os-vif: %v %s: %s", err, py.Error, stdout.String())
	}
	pyPerVIF := py.Timing.PlugTotal / float64(pyN)
	govifPerVIF := restore.Seconds() / float64(n)
	note := ""
	if pyN < n {
		note = fmt.Sprintf(" (Python ran %d VIFs; per-VIF time compared)", pyN)
	}
	t.Logf("RESULT Python os-vif plug loop, %d %s VIFs: %8.3f s  %8.3f ms/VIF", pyN, kind, py.Timing.PlugTotal, pyPerVIF*1000)
	t.Logf("RESULT restore after reboot: govif replug --all %.3f ms/VIF vs Python os-vif %.3f ms/VIF: %.1fx%s",
		govifPerVIF*1000, pyPerVIF*1000, pyPerVIF/govifPerVIF, note)
}
