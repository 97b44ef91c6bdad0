package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/internal/testenv"
	"github.com/vishvananda/netlink"
)

func requireDemoDeps(t *testing.T) {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireBinary(t, "ovsdb-server", "openvswitch-switch")
	testenv.RequireBinary(t, "ovs-vswitchd", "openvswitch-switch")
	testenv.RequireBinary(t, "ovsdb-tool", "openvswitch-common")
	testenv.RequireBinary(t, "iptables", "iptables")
}

func readDemoReport(t *testing.T, path string) demoReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("demo report: %v", err)
	}
	var r demoReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("demo report: %v", err)
	}
	return r
}

// assertNothingLeft checks, independently of the demo's own check, that nothing it made
// outlived it: no daemon process, no process in its namespaces, no OVS process using its
// dir, no directory, no device in this namespace.
func assertNothingLeft(t *testing.T, r demoReport) {
	t.Helper()
	if r.Dir == "" || len(r.Namespaces) == 0 || len(r.PIDs) == 0 {
		t.Fatalf("report lacks what the demo made: dir %q namespaces %v pids %v", r.Dir, r.Namespaces, r.PIDs)
	}
	if len(r.Leftovers) != 0 {
		t.Errorf("the demo reports leftovers: %v", r.Leftovers)
	}
	for _, pid := range r.PIDs {
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("OVS daemon pid %d still running", pid)
		}
	}
	for _, id := range r.Namespaces {
		if pids := sandbox.ProcessesIn(id); len(pids) > 0 {
			t.Errorf("processes %v still in the demo's namespace %s", pids, id)
		}
	}
	if _, err := os.Stat(r.Dir); !os.IsNotExist(err) {
		t.Errorf("demo dir %s still there (%v)", r.Dir, err)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), r.Dir) {
			t.Errorf("a process still uses the demo dir: %s: %q", p, strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	links, err := netlink.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	demoDevs := map[string]bool{demoIntBridge: true, devName("brq", demoLBNetID): true}
	for _, id := range []string{demoPlainID, demoHybridAID, demoHybridBID, demoLBID} {
		for _, prefix := range []string{"tap", "qbr", "qvb", "qvo"} {
			demoDevs[devName(prefix, id)] = true
		}
	}
	for _, l := range links {
		if demoDevs[l.Attrs().Name] {
			t.Errorf("device %s (the demo's) is in this namespace", l.Attrs().Name)
		}
	}
}

// TestDemo runs `govif demo` as `make demo` does and checks that every step passed, that the
// two hybrid VMs pinged each other, and that nothing was left behind.
func TestDemo(t *testing.T) {
	requireDemoDeps(t)
	report := filepath.Join(t.TempDir(), "report.json")
	out, stderr, code := runGovif(t, "", "demo", "--report", report)
	if code != 0 {
		t.Fatalf("govif demo: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if !strings.Contains(out, "demo succeeded: 11 steps") || !strings.Contains(out, "nothing left behind") {
		t.Errorf("no success line:\n%s", out)
	}
	r := readDemoReport(t, report)
	if !r.OK || r.Interrupted || len(r.Steps) != 11 {
		t.Fatalf("report: ok=%v interrupted=%v steps=%d error=%q", r.OK, r.Interrupted, len(r.Steps), r.Error)
	}
	for _, s := range append(r.Steps, r.Cleanup...) {
		if !s.OK {
			t.Errorf("step %q failed: %s", s.Name, s.Error)
		}
	}
	pinged := 0
	for _, d := range r.Steps[6].Details {
		if strings.Contains(d, "echo reply") {
			pinged++
		}
	}
	if !strings.HasPrefix(r.Steps[6].Name, "ping") || pinged != 2 {
		t.Errorf("ping step: %+v", r.Steps[6])
	}
	// What the demo showed: the OVS port with os-vif's external_ids, the hybrid devices.
	for _, want := range []string{"iface-id=" + demoPlainID, "vm-uuid=" + demoInstanceUUID, "attached-mac=fa:16:3e:00:00:10",
		"dev " + devName("qvo", demoHybridAID), "dev " + devName("brq", demoLBNetID), "ovs bridge br-int: no ports"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if strings.Contains(out, "ovs says:") || strings.Contains(out, "ofport=-1") {
		t.Errorf("an OVS interface was left in error:\n%s", out)
	}
	if len(r.Namespaces) != 3 {
		t.Errorf("namespaces %v, want the host's and two VMs'", r.Namespaces)
	}
	assertNothingLeft(t, r)
}

// TestDemoInterrupted stops the demo with SIGINT midway (VIFs plugged, VMs running) and checks
// that it tears everything down and says so.
func TestDemoInterrupted(t *testing.T) {
	requireDemoDeps(t)
	report := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(govifBinary(t), "demo", "--report", report)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sc := bufio.NewScanner(stdout)
	sent := false
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		// After step 6 the VMs are up; step 10 alone waits 500 ms for a ping that must fail,
		// so the signal always lands before the demo ends.
		if !sent && strings.HasPrefix(line, " 6. ") {
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			sent = true
		}
	}
	waitDone := make(chan error, 1)
	go func() { waitDone <- cmd.Wait() }()
	select {
	case err = <-waitDone:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("demo did not exit after SIGINT:\n%s", out.String())
	}
	if !sent {
		t.Fatalf("never saw step 6:\n%s", out.String())
	}
	if err == nil {
		t.Errorf("demo exited 0 after SIGINT:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "interrupted: tearing everything down") {
		t.Errorf("no interruption notice:\n%s", out.String())
	}
	r := readDemoReport(t, report)
	if r.OK || !r.Interrupted {
		t.Errorf("report: ok=%v interrupted=%v", r.OK, r.Interrupted)
	}
	for _, s := range r.Cleanup {
		if !s.OK {
			t.Errorf("cleanup %q failed: %s", s.Name, s.Error)
		}
	}
	assertNothingLeft(t, r)
}

// TestDemoNeedsRoot runs the demo as an unprivileged user: it must refuse with a clear message
// and change nothing.
func TestDemoNeedsRoot(t *testing.T) {
	bin := govifBinary(t)
	cmd := exec.Command(bin, "demo")
	if os.Geteuid() == 0 {
		// The test binary's dir is private to root: run a copy from a dir nobody can read.
		dir, err := os.MkdirTemp("", "govif-demo-nobody")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		os.Chmod(dir, 0o755)
		b, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		nb := filepath.Join(dir, "govif")
		if err := os.WriteFile(nb, b, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command(nb, "demo")
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("demo as non-root succeeded:\n%s", out)
	}
	if !strings.Contains(string(out), "govif demo needs root") || strings.Contains(string(out), "demo succeeded") {
		t.Errorf("output:\n%s", out)
	}
	if strings.Contains(string(out), " 2. ") {
		t.Errorf("went past the prerequisite check:\n%s", out)
	}
}
