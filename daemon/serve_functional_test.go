package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

// launchServe starts `govif serve --config <ini>` inside the namespace run, with NOTIFY_SOCKET
// pointing at a unixgram socket of its own. It returns once the process started; the notify
// channel carries every state the daemon sends.
func launchServe(t testing.TB, run func(func() error) error, ini string, args ...string) (*servedDaemon, chan string) {
	t.Helper()
	bin := buildGovif(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "govif.conf")
	sock := filepath.Join(dir, "govif.sock")
	ini = strings.ReplaceAll(ini, "@SOCK@", sock)
	// The inventory goes to the test's dir, never to the host's /var/lib/govif.
	if !strings.Contains(ini, "state_path") {
		ini += "\n[govif_daemon]\nstate_path = " + filepath.Join(dir, "state") + "\n"
	}
	if err := os.WriteFile(conf, []byte(ini), 0o644); err != nil {
		t.Fatal(err)
	}
	nsock := filepath.Join(dir, "notify.sock")
	nl, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: nsock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nl.Close() })
	notes := make(chan string, 16)
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := nl.Read(buf)
			if err != nil {
				return
			}
			notes <- string(buf[:n])
		}
	}()
	d := &servedDaemon{sock: sock, done: make(chan struct{}), stderr: &lockedBuffer{}}
	d.cmd = exec.Command(bin, append([]string{"serve", "--config", conf, "--log-level", "info"}, args...)...)
	d.cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+nsock)
	d.cmd.Stderr = d.stderr
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := run(d.cmd.Start); err != nil {
		t.Fatal(err)
	}
	go func() { d.err = d.cmd.Wait(); close(d.done) }()
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		<-d.done
	})
	return d, notes
}

// awaitNote waits for the daemon to send want to the notify socket.
func awaitNote(t *testing.T, d *servedDaemon, notes chan string, want string) {
	t.Helper()
	for {
		select {
		case n := <-notes:
			if n == want {
				return
			}
		case <-d.done:
			// The datagram may still be on its way to the reader: give it a moment.
			for {
				select {
				case n := <-notes:
					if n == want {
						return
					}
					continue
				case <-time.After(2 * time.Second):
				}
				break
			}
			t.Fatalf("govif serve exited without sending %s: %v: %s", want, d.err, d.stderr.String())
		case <-time.After(30 * time.Second):
			t.Fatalf("no %s from govif serve: %s", want, d.stderr.String())
		}
	}
}

// waitLog waits until the daemon's stderr contains want, failing if the daemon exits first or
// nothing comes within 10 s.
func waitLog(t *testing.T, d *servedDaemon, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(d.stderr.String(), want) {
		select {
		case <-d.done:
			if strings.Contains(d.stderr.String(), want) {
				return
			}
			t.Fatalf("govif serve exited (%v) without logging %q: %s", d.err, want, d.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("govif serve did not log %q: %s", want, d.stderr.String())
		}
	}
}

// healthOf returns the status and body of GET /healthz.
func healthOf(t *testing.T, sock string) (int, Health) {
	t.Helper()
	return getJSON(t, &testServer{sock: sock}, PathHealth)
}

// TestServeLifecycle runs the real `govif serve` in the OVS sandbox: READY=1 on the notify
// socket once it listens; unknown options reported by name; SIGHUP does not kill it; /healthz
// ready, degraded while ovsdb-server is down, ready again after; SIGTERM sends STOPPING=1 and
// exits 0.
func TestServeLifecycle(t *testing.T) {
	sb := startSandbox(t)
	ini := fmt.Sprintf("[DEFAULT]\nnova_option = 1\n[libvirt]\nvirt_type = kvm\n[os_vif_ovs]\novsdb_connection = %s\nisolate_vif = false\n"+
		"[govif_daemon]\nsocket = @SOCK@\nrequest_timout = 5\n[govif_deamon]\nsocket = /nowhere\n", sb.Endpoint())
	d, notes := launchServe(t, sb.NetNS().Do, ini)
	awaitNote(t, d, notes, "READY=1")
	// stderr reaches us through a pipe: the lines may trail the READY datagram.
	for _, want := range []string{`"option":"request_timout"`, `"section":"govif_deamon"`, "govif daemon listening"} {
		waitLog(t, d, want)
	}
	logs := d.stderr.String()
	for _, never := range []string{"nova_option", "virt_type", "libvirt"} {
		if strings.Contains(logs, never) {
			t.Errorf("Nova's %s reported as unknown: %s", never, logs)
		}
	}

	if status, body := healthOf(t, d.sock); status != http.StatusOK || body.Status != HealthReady || body.Checks["ovsdb"] != "ok" {
		t.Fatalf("healthz = %d %+v, want 200 ready", status, body)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, d, "SIGHUP ignored")
	if status, _ := healthOf(t, d.sock); status != http.StatusOK {
		t.Fatalf("healthz after SIGHUP = %d", status)
	}

	sb.StopDB()
	time.Sleep(healthCacheTTL + 100*time.Millisecond)
	status, body := healthOf(t, d.sock)
	if status != http.StatusServiceUnavailable || body.Status != HealthDegraded || body.Checks["ovsdb"] == "ok" || body.Error == nil {
		t.Fatalf("healthz with ovsdb-server down = %d %+v, want 503 degraded", status, body)
	}
	t.Logf("degraded: %s", body.Checks["ovsdb"])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sb.StartDB(ctx); err != nil {
		t.Fatal(err)
	}
	for {
		time.Sleep(healthCacheTTL + 50*time.Millisecond)
		if status, _ := healthOf(t, d.sock); status == http.StatusOK {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("healthz not ready again after ovsdb-server restarted")
		}
	}

	d.cmd.Process.Signal(syscall.SIGTERM)
	awaitNote(t, d, notes, "STOPPING=1")
	select {
	case <-d.done:
		if d.err != nil {
			t.Fatalf("exit after SIGTERM: %v: %s", d.err, d.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}

// TestServeRefusesBadConfig: malformed values stop the start with exit 2 and a message naming
// the option, before anything listens.
func TestServeRefusesBadConfig(t *testing.T) {
	testenv.RequireRoot(t)
	cases := []struct{ ini, option string }{
		{"[os_vif_ovs]\novsdb_connection = 127.0.0.1:6640\n", "ovsdb_connection"},
		{"[os_vif_ovs]\novsdb_connection = ptcp:6640\n", "ovsdb_connection"},
		{"[os_vif_ovs]\novsdb_connection = ssl:127.0.0.1:6640\n", "ssl_key_file"},
		{"[os_vif_ovs]\novsdb_connection = ssl:127.0.0.1:6640\nssl_key_file = /nonexistent/k.pem\nssl_cert_file = /nonexistent/c.pem\nssl_ca_cert_file = /nonexistent/ca.pem\n", "ssl_key_file"},
		{"[govif_daemon]\nsocket_group = no-such-group-govif\n", "socket_group"},
		{"[govif_daemon]\nrequest_timeout = ten\n", "request_timeout"},
		{"[govif_daemon]\nmax_connections = 0\n", "max_connections"},
	}
	for _, c := range cases {
		d, _ := launchServe(t, func(f func() error) error { return f() }, c.ini+"[govif_daemon]\nsocket = @SOCK@\n")
		select {
		case <-d.done:
		case <-time.After(30 * time.Second):
			t.Fatalf("%q: govif serve started", c.ini)
		}
		var ee *exec.ExitError
		code := -1
		if errors.As(d.err, &ee) {
			code = ee.ExitCode()
		}
		out := d.stderr.String()
		if code == 0 || !strings.Contains(out, c.option) {
			t.Errorf("%q: exit %d, stderr %q; want a failure naming %s", c.ini, code, out, c.option)
		}
		if _, err := os.Stat(d.sock); err == nil {
			t.Errorf("%q: socket created", c.ini)
		}
	}
}

// TestServeStrictConfig: --strict-config turns an unknown option into a refused start.
func TestServeStrictConfig(t *testing.T) {
	testenv.RequireRoot(t)
	d, _ := launchServe(t, func(f func() error) error { return f() }, "[govif_daemon]\nsocket = @SOCK@\nsokcet_mode = 0600\n", "--strict-config")
	<-d.done
	if d.err == nil || !strings.Contains(d.stderr.String(), "sokcet_mode") {
		t.Fatalf("exit %v, stderr %q; want a refusal naming sokcet_mode", d.err, d.stderr.String())
	}
}

// TestServeOverSSL: `govif serve` with ovsdb_connection = ssl:... and the three PEM files
// (made here with crypto/x509) reaches a real ovsdb-server listening on pssl:, reports ready,
// plugs and unplugs a hybrid VIF over it; with a CA that did not sign the server's
// certificate /healthz says degraded and names the certificate problem.
func TestServeOverSSL(t *testing.T) {
	o := testenv.StartOVS(t, testenv.OVSOptions{VSwitchd: true})
	dir := t.TempDir()
	good := testenv.NewPKI(t, dir, "good")
	srvKey, srvCert := good.Issue(t, "server")
	o.Vsctl(t, "--no-wait", "set-ssl", srvKey, srvCert, filepath.Join(dir, "good-ca.pem"))
	o.Vsctl(t, "--no-wait", "set-manager", "pssl:6641:127.0.0.1")
	cliKey, cliCert := good.Issue(t, "client")
	ini := fmt.Sprintf("[os_vif_ovs]\novsdb_connection = ssl:127.0.0.1:6641\nssl_key_file = %s\nssl_cert_file = %s\nssl_ca_cert_file = %s\n[govif_daemon]\nsocket = @SOCK@\n",
		cliKey, cliCert, filepath.Join(dir, "good-ca.pem"))
	d, notes := launchServe(t, o.NetNS().Do, ini)
	awaitNote(t, d, notes, "READY=1")
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, body := healthOf(t, d.sock)
		if status == http.StatusOK && body.Checks["ovsdb"] == "ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz over ssl = %d %+v", status, body)
		}
		time.Sleep(healthCacheTTL)
	}
	c, err := NewClient("unix:" + d.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	vif := loadVIF(5).(*objects.VIFBridge)
	if err := c.Plug(ctx, vif, testInstance()); err != nil {
		t.Fatalf("plug over ssl: %v\n%s", err, d.stderr.String())
	}
	qvo := ("qvo" + vif.ID.Value())[:14]
	if out := o.Vsctl(t, "--no-wait", "list-ports", "br-int"); !strings.Contains(out, qvo) {
		t.Fatalf("port %s not on br-int after a plug over ssl: %q", qvo, out)
	}
	if err := c.Unplug(ctx, vif, testInstance()); err != nil {
		t.Fatalf("unplug over ssl: %v", err)
	}
	if out := o.Vsctl(t, "--no-wait", "list-ports", "br-int"); strings.Contains(out, qvo) {
		t.Fatalf("port %s left after unplug: %q", qvo, out)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	<-d.done
	if d.err != nil {
		t.Fatalf("exit: %v", d.err)
	}

	// A CA that did not sign the server's certificate: the daemon starts (the files are
	// valid) but is degraded, and says why.
	evil := testenv.NewPKI(t, dir, "evil")
	_ = evil
	ini = strings.Replace(ini, filepath.Join(dir, "good-ca.pem"), filepath.Join(dir, "evil-ca.pem"), 1)
	d, notes = launchServe(t, o.NetNS().Do, ini)
	awaitNote(t, d, notes, "READY=1")
	status, body := healthOf(t, d.sock)
	if status != http.StatusServiceUnavailable || body.Status != HealthDegraded || !strings.Contains(body.Checks["ovsdb"], "certificate") {
		t.Fatalf("healthz with the wrong CA = %d %+v, want 503 degraded naming the certificate", status, body)
	}
}

// TestRealHostBadAmongGood: one request with a NUL byte among 30 concurrent good hybrid plugs
// on the real sandbox: the bad one gets 400 naming the field before anything reaches OVSDB, every
// good one succeeds (the shared OVSDB connection survives), unplug with a bad name is 400, and
// unplugging the good ones leaves nothing.
func TestRealHostBadAmongGood(t *testing.T) {
	r := newRealRig(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	const n = 30
	bads := []struct {
		vif  objects.VIF
		path string
	}{}
	nulBridge := loadVIF(1001).(*objects.VIFBridge)
	nulBridge.Network.Value().Bridge.Set("br-\x00int")
	bads = append(bads, struct {
		vif  objects.VIF
		path string
	}{nulBridge, "VIFBridge.network.bridge"})
	surrogate := loadVIF(1003).(*objects.VIFBridge)
	surrogate.BridgeName.Set("qbr\xed\xa0\x80x")
	bads = append(bads, struct {
		vif  objects.VIF
		path string
	}{surrogate, "VIFBridge.bridge_name"})
	mtu := loadVIF(1005).(*objects.VIFBridge)
	mtu.Network.Value().MTU.Set(-1)
	bads = append(bads, struct {
		vif  objects.VIF
		path string
	}{mtu, "VIFBridge.network.mtu"})

	var wg sync.WaitGroup
	errs := make([]error, n)
	badErrs := make([]error, len(bads))
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = r.client.Plug(ctx, loadVIF(2*i+1), testInstance()) }()
		if i == n/2 {
			for j, b := range bads {
				wg.Add(1)
				go func() { defer wg.Done(); badErrs[j] = r.client.Plug(ctx, b.vif, testInstance()) }()
			}
		}
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		if err != nil {
			failed++
			t.Errorf("good plug %d failed: %v", i, err)
		}
	}
	for j, err := range badErrs {
		var api *APIError
		if !errors.As(err, &api) || api.Status != http.StatusBadRequest || api.Field != bads[j].path {
			t.Errorf("bad plug %s: err = %v, want 400 on %s", bads[j].path, err, bads[j].path)
		}
	}
	t.Logf("%d good plugs, %d failed; %d bad ones refused", n, failed, len(bads))
	for _, b := range bads {
		err := r.client.Unplug(ctx, b.vif, testInstance())
		var api *APIError
		if !errors.As(err, &api) || api.Status != http.StatusBadRequest {
			t.Errorf("unplug %s: err = %v, want 400", b.path, err)
		}
	}
	for i := range n {
		if err := r.client.Unplug(ctx, loadVIF(2*i+1), testInstance()); err != nil {
			t.Errorf("unplug %d: %v", i, err)
		}
	}
	if left := leftovers(t, r.nl, r.vs, "br-int"); len(left) > 0 {
		t.Errorf("left: %v", left)
	}
}

// vswitchdPID returns the pid of the sandbox's ovs-vswitchd.
func vswitchdPID(t *testing.T, pids []int) int {
	t.Helper()
	for _, pid := range pids {
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if strings.TrimSpace(string(comm)) == "ovs-vswitchd" {
			return pid
		}
	}
	t.Fatal("no ovs-vswitchd in the sandbox")
	return 0
}

// TestRequestTimeoutWithHungVSwitchd: with ovs-vswitchd stopped (SIGSTOP), a plug through the
// daemon cannot be confirmed and the plugin waits up to ovs_vsctl_timeout (120 s); the client
// still gets its answer, 504 timeout naming the VIF, at request_timeout (1 s). The operation
// stays tracked until the plugin returns after ovs-vswitchd resumes.
func TestRequestTimeoutWithHungVSwitchd(t *testing.T) {
	r := newRealRig(t, Options{RequestTimeout: time.Second})
	ctx := context.Background()
	warm := loadVIF(201)
	if err := r.client.Plug(ctx, warm, testInstance()); err != nil { // br-int exists, OVSDB is dialled
		t.Fatal(err)
	}
	pid := vswitchdPID(t, r.sb.PIDs())
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			syscall.Kill(pid, syscall.SIGCONT)
		}
	}
	defer resume()
	vif := loadVIF(203)
	start := time.Now()
	err := r.client.Plug(ctx, vif, testInstance())
	took := time.Since(start)
	var api *APIError
	if !errors.As(err, &api) || api.Status != http.StatusGatewayTimeout || api.VIFID != vif.Base().ID.Value() {
		t.Fatalf("plug with ovs-vswitchd hung: %v, want 504 timeout naming the VIF", err)
	}
	if took > 3*time.Second {
		t.Fatalf("answered after %v with request_timeout 1s", took)
	}
	t.Logf("answered in %v: %v", took, err)
	resume()
	waitFor := time.Now().Add(60 * time.Second)
	for len(r.srv.InFlight()) > 0 {
		if time.Now().After(waitFor) {
			t.Fatalf("operation still running 60 s after ovs-vswitchd resumed: %+v", r.srv.InFlight())
		}
		time.Sleep(20 * time.Millisecond)
	}
	uctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for _, v := range []objects.VIF{vif, warm} { // through the Host: the rig's request_timeout is 1 s
		if err := r.host.Unplug(uctx, v, testInstance()); err != nil {
			t.Errorf("unplug %s: %v", v.Base().ID.Value(), err)
		}
	}
	if left := leftovers(t, r.nl, r.vs, "br-int"); len(left) > 0 {
		t.Errorf("left: %v", left)
	}
}

// TestRealHostUnplugBadNames: unplug of a VIF whose names the kernel would refuse is a 400
// (invalid_object) naming the value, not a 500, and changes nothing.
func TestRealHostUnplugBadNames(t *testing.T) {
	r := newRealRig(t, Options{})
	ctx := context.Background()
	long := loadVIF(1).(*objects.VIFBridge)
	long.BridgeName = objects.Set("qbr-this-name-is-far-too-long")
	slash := loadVIF(3).(*objects.VIFBridge)
	slash.BridgeName = objects.Set("qbr/x")
	tap := loadVIF(0).(*objects.VIFOpenVSwitch)
	tap.VIFName = objects.Set("tap-this-name-is-far-too-long")
	nul := loadVIF(5).(*objects.VIFBridge)
	nul.BridgeName = objects.Set("qbr\x00x")
	for _, c := range []struct {
		vif  objects.VIF
		name string
	}{{long, "qbr-this-name-is-far-too-long"}, {slash, "qbr/x"}, {tap, "tap-this-name-is-far-too-long"}, {nul, `qbr\x00x`}} {
		err := r.client.Unplug(ctx, c.vif, testInstance())
		var api *APIError
		if !errors.As(err, &api) || api.Status != http.StatusBadRequest || api.Code != CodeInvalidObject || !strings.Contains(api.Message, c.name) {
			t.Errorf("unplug with %q: err = %v, want 400 invalid_object naming it", c.name, err)
		}
	}
	if left := leftovers(t, r.nl, r.vs); len(left) > 0 {
		t.Errorf("left: %v", left)
	}
}

// TestServeGraceExpiry: `govif serve --grace 1s` stopped with SIGTERM while a plug is stuck on a
// hung ovs-vswitchd cancels it, logs it by VIF id and exits 1 (not 0).
func TestServeGraceExpiry(t *testing.T) {
	sb := startSandbox(t)
	ini := fmt.Sprintf("[os_vif_ovs]\novsdb_connection = %s\n[govif_daemon]\nsocket = @SOCK@\nrequest_timeout = 60\nabort_timeout = 2\n", sb.Endpoint())
	d, notes := launchServe(t, sb.NetNS().Do, ini, "--grace", "1s")
	awaitNote(t, d, notes, "READY=1")
	c, err := NewClient("unix:" + d.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	warm := loadVIF(301)
	if err := c.Plug(ctx, warm, testInstance()); err != nil {
		t.Fatalf("plug: %v\n%s", err, d.stderr.String())
	}
	pid := vswitchdPID(t, sb.PIDs())
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(pid, syscall.SIGCONT)
	stuck := loadVIF(303)
	plugged := make(chan error, 1)
	go func() { plugged <- c.Plug(ctx, stuck, testInstance()) }()
	// Wait until the daemon runs the plug (its operations gauge says so).
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(scrape(t, &testServer{sock: d.sock, client: c}), "\ngovif_operations_running 1\n") {
		if time.Now().After(deadline) {
			t.Fatal("the plug never reached the host")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopAt := time.Now()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGTERM and grace expiry")
	}
	t.Logf("exited %v after SIGTERM (grace 1 s, abort_timeout 2 s)", time.Since(stopAt))
	var ee *exec.ExitError
	if !errors.As(d.err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit = %v, want status 1 after grace expiry", d.err)
	}
	logs := d.stderr.String()
	if !strings.Contains(logs, "shutdown grace expired") || !strings.Contains(logs, stuck.Base().ID.Value()) {
		t.Errorf("abandoned plug of %s not logged by id:\n%s", stuck.Base().ID.Value(), logs)
	}
	if err := <-plugged; err == nil {
		t.Error("the plug cancelled at grace expiry was answered as a success")
	}
}
