package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/daemon"
	"github.com/govif/govif/internal/buildinfo"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

// writePrimitives writes a noop-plugin VIFVHostUser and an InstanceInfo to files and returns
// their paths. The noop plugin changes nothing on the host, so these run anywhere.
func writePrimitives(t *testing.T, mutate func(string) string) (vifPath, instPath string) {
	t.Helper()
	mac, _ := net.ParseMAC("fa:16:3e:aa:bb:cc")
	vif := &objects.VIFVHostUser{
		VIFBase: objects.VIFBase{ID: objects.Set("5e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c"), Address: objects.Set(mac),
			Plugin: objects.Set("noop")},
		Path: objects.Set("/run/openvswitch/vhu5e1f3a7c-9b"), Mode: objects.Set(objects.VIFVHostUserModeClient),
	}
	vb, err := objects.Encode(vif)
	if err != nil {
		t.Fatal(err)
	}
	ib, err := objects.Encode(&objects.InstanceInfo{UUID: objects.Set("c0ffee00-1111-4222-8333-444455556666"), Name: objects.Set("instance-00000042")})
	if err != nil {
		t.Fatal(err)
	}
	s := string(vb)
	if mutate != nil {
		s = mutate(s)
	}
	dir := t.TempDir()
	vifPath, instPath = filepath.Join(dir, "vif.json"), filepath.Join(dir, "inst.json")
	if err := os.WriteFile(vifPath, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(instPath, ib, 0o644); err != nil {
		t.Fatal(err)
	}
	return vifPath, instPath
}

func TestPlugUnplugInProcess(t *testing.T) {
	vifPath, instPath := writePrimitives(t, nil)
	out, stderr, code := runGovif(t, "", "plug", "--vif", vifPath, "--instance", instPath)
	if code != 0 {
		t.Fatalf("plug: exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "plugged VIFVHostUser 5e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c (plugin noop, instance c0ffee00-1111-4222-8333-444455556666) in this process") {
		t.Errorf("plug output: %q", out)
	}
	out, stderr, code = runGovif(t, "", "unplug", "--vif", vifPath, "--instance", instPath, "-o", "json")
	if code != 0 {
		t.Fatalf("unplug: exit %d: %s", code, stderr)
	}
	var res vifResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("unplug -o json: %v: %q", err, out)
	}
	if res.Op != "unplug" || res.Status != "ok" || res.Plugin != "noop" || res.VIFType != "VIFVHostUser" || res.Server != "" {
		t.Errorf("unplug result: %+v", res)
	}
}

func TestPlugBadInputExits2WithFieldPath(t *testing.T) {
	vifPath, instPath := writePrimitives(t, func(s string) string {
		return strings.Replace(s, "fa:16:3e:aa:bb:cc", "fa:16:3e:aa:bb:zz", 1)
	})
	out, stderr, code := runGovif(t, "", "plug", "--vif", vifPath, "--instance", instPath)
	if code != 2 || out != "" {
		t.Fatalf("exit %d stdout %q, want 2 and nothing", code, out)
	}
	if !strings.Contains(stderr, "VIFVHostUser.address") || !strings.Contains(stderr, "fa:16:3e:aa:bb:zz") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("stderr should be one line naming the field and value: %q", stderr)
	}
	// A plugin this host does not have is the caller's fault too.
	vifPath, instPath = writePrimitives(t, func(s string) string { return strings.Replace(s, `"noop"`, `"nosuch"`, 1) })
	_, stderr, code = runGovif(t, "", "plug", "--vif", vifPath, "--instance", instPath)
	if code != 2 || !strings.Contains(stderr, "nosuch") {
		t.Errorf("unknown plugin: exit %d, stderr %q", code, stderr)
	}
	for _, args := range [][]string{
		{"plug", "--vif", vifPath},                                              // --instance missing
		{"plug", "--vif", vifPath, "--instance", instPath, "-o", "yaml"},        // bad format
		{"plug", "--vif", "-", "--instance", "-"},                               // both from stdin
		{"plug", "--vif", vifPath, "--instance", instPath, "--server", "tcp:x"}, // bad server
	} {
		if _, stderr, code := runGovif(t, "", args...); code == 0 {
			t.Errorf("%v: exit 0, want an error (stderr %q)", args, stderr)
		}
	}
}

func TestHostInfoCommand(t *testing.T) {
	out, stderr, code := runGovif(t, "", "host-info")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range [][2]string{{"PLUGIN", "VIF"}, {"ovs", "VIFOpenVSwitch"}, {"linux_bridge", "VIFBridge"}, {"noop", "VIFVHostUser"}} {
		if !hasRow(out, want[0], want[1]) {
			t.Errorf("host-info output lacks a row %q:\n%s", want, out)
		}
	}
	out, stderr, code = runGovif(t, "", "host-info", "--permitted", "VIFBridge", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	hi, err := objects.DecodeHostInfo([]byte(out))
	if err != nil {
		t.Fatalf("-o json is not a HostInfo primitive: %v", err)
	}
	var names []string
	for _, p := range hi.PluginInfo.Value() {
		for _, v := range p.VIFInfo.Value() {
			names = append(names, p.PluginName.Value()+"/"+v.VIFObjectName.Value())
		}
	}
	if strings.Join(names, " ") != "linux_bridge/VIFBridge ovs/VIFBridge" {
		t.Errorf("--permitted VIFBridge: %v", names)
	}
}

// TestCommandsThroughServe runs `govif serve` and drives it with plug, unplug and host-info
// --server, then stops it with SIGTERM.
func TestCommandsThroughServe(t *testing.T) {
	testenv.RequireRoot(t) // the daemon allows uid 0 by default; the client must be root
	bin := govifBinary(t)
	dir := t.TempDir()
	sock := filepath.Join(dir, "govif.sock")
	// The inventory goes to the test's dir, never to the host's /var/lib/govif.
	conf := filepath.Join(dir, "govif.conf")
	if err := os.WriteFile(conf, []byte("[govif_daemon]\nstate_path = "+filepath.Join(dir, "state")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--config", conf, "--socket", sock, "--log-level", "debug")
	var logs strings.Builder // written by exec's copier goroutine; read after Wait returned
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	c, err := daemon.NewClient("unix:" + sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// No OVSDB here: the daemon answers /healthz 503 degraded, which is an answer.
	var api *daemon.APIError
	for err := c.Health(ctx); err != nil && !errors.As(err, &api); err = c.Health(ctx) {
		select {
		case <-done:
			t.Fatalf("govif serve exited: %v", waitErr)
		case <-ctx.Done():
			t.Fatal("govif serve did not answer /healthz")
		case <-time.After(20 * time.Millisecond):
		}
	}
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Perm() != 0o660 {
		t.Errorf("socket mode: %v %v, want 0660", fi.Mode(), err)
	}

	vifPath, instPath := writePrimitives(t, nil)
	server := "unix:" + sock
	out, se, code := runGovif(t, "", "plug", "--vif", vifPath, "--instance", instPath, "--server", server)
	if code != 0 || !strings.Contains(out, "via "+server) {
		t.Fatalf("plug --server: exit %d out %q err %q", code, out, se)
	}
	out, se, code = runGovif(t, "", "unplug", "--vif", vifPath, "--instance", instPath, "--server", server, "-o", "json")
	if code != 0 || !strings.Contains(out, `"server": "`+server+`"`) {
		t.Fatalf("unplug --server: exit %d out %q err %q", code, out, se)
	}
	// Several VIFs through the daemon: one /v1/plug-many request.
	v2, _ := writePrimitives(t, func(s string) string {
		return strings.Replace(s, "5e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c", "6e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c", 1)
	})
	for _, op := range []string{"plug", "unplug"} {
		out, se, code = runGovif(t, "", op, "--vif", vifPath, "--vif", v2, "--instance", instPath, "--server", server)
		if code != 0 || strings.Count(out, "via "+server) != 2 {
			t.Fatalf("%s of 2 VIFs --server: exit %d out %q err %q", op, code, out, se)
		}
	}
	out, se, code = runGovif(t, "", "host-info", "--server", server, "--permitted", "VIFVHostUser")
	if code != 0 || !hasRow(out, "noop", "VIFVHostUser") || strings.Contains(out, "VIFBridge") ||
		!strings.HasPrefix(out, "govif "+buildinfo.Version()+" (the daemon at "+server+")\n") {
		t.Fatalf("host-info --server: exit %d out %q err %q", code, out, se)
	}
	t.Setenv(serverEnv, server)
	out, se, code = runGovif(t, "", "version")
	if code != 0 || !strings.Contains(out, "daemon at "+server+": govif "+buildinfo.Version()+"\n") {
		t.Errorf("version with GOVIF_SERVER: exit %d out %q err %q", code, out, se)
	}
	// Bad input through the daemon: still exit 2 with the field path (from the 400 reply).
	badVIF, _ := writePrimitives(t, func(s string) string { return strings.Replace(s, `"client"`, `"sideways"`, 1) })
	_, se, code = runGovif(t, "", "plug", "--vif", badVIF, "--instance", instPath, "--server", server)
	if code != 2 || !strings.Contains(se, "VIFVHostUser.mode") {
		t.Errorf("bad mode: exit %d stderr %q, want 2 naming VIFVHostUser.mode", code, se)
	}

	// The same exit code in this process and through the daemon, for what reaches the host.
	for _, c := range []struct {
		name, from, to string
		code           int
	}{
		{"no such plugin", `"noop"`, `"nosuch"`, 2},
		{"policy", `/run/openvswitch/vhu5e1f3a7c-9b`, `/etc/govif-test.sock`, 2},
		{"ok", "", "", 0},
	} {
		v, _ := writePrimitives(t, func(s string) string {
			if c.from == "" {
				return s
			}
			return strings.Replace(s, c.from, c.to, 1)
		})
		_, seIn, inProc := runGovif(t, "", "plug", "--vif", v, "--instance", instPath, "--server=")
		_, seD, viaD := runGovif(t, "", "plug", "--vif", v, "--instance", instPath, "--server", server)
		if inProc != c.code || viaD != c.code {
			t.Errorf("%s: exit %d in-process (%q), %d via the daemon (%q); want %d both", c.name, inProc, seIn, viaD, seD, c.code)
		}
	}

	// A request the daemon refuses before the Host sees it (no VIF): logged once, as rejected.
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	resp, err := hc.Post("http://govif/v1/plug", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	hc.CloseIdleConnections()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("POST /v1/plug {}: %s, want 400", resp.Status)
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
		if waitErr != nil {
			t.Errorf("govif serve after SIGINT: %v", waitErr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("govif serve did not stop on SIGINT")
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("socket left behind after shutdown: %v", err)
	}
	// One JSON line per operation: the plug and the unplug that succeeded, the batched plug and
	// unplug of two VIFs (a line per VIF), the plug without a
	// VIF (the bad mode never left the CLI); every line is JSON.
	var ops []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("daemon log line is not JSON: %q", l)
			continue
		}
		if strings.Contains(l, "5e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c") || m["msg"] == "plug" || m["msg"] == "unplug" {
			ops = append(ops, m)
		}
	}
	want := []struct{ msg, outcome, level string }{{"plug", "ok", "INFO"}, {"unplug", "ok", "INFO"},
		{"plug", "ok", "INFO"}, {"plug", "ok", "INFO"}, {"unplug", "ok", "INFO"}, {"unplug", "ok", "INFO"}, // two --vif, one batch each
		{"plug", "rejected", "WARN"}, {"plug", "rejected", "WARN"}, {"plug", "ok", "INFO"}, // the exit code cases
		{"plug", "rejected", "WARN"}} // the request without a VIF
	if len(ops) != len(want) {
		t.Fatalf("daemon logged %d lines about the VIF, want %d (one per operation): %v\n%s", len(ops), len(want), ops, logs.String())
	}
	for i, w := range want {
		m := ops[i]
		if m["msg"] != w.msg || m["outcome"] != w.outcome || m["level"] != w.level {
			t.Errorf("line %d: %v, want msg %s outcome %s level %s", i, m, w.msg, w.outcome, w.level)
		}
		if _, ok := m["duration_seconds"].(float64); !ok {
			t.Errorf("line %d lacks duration_seconds: %v", i, m)
		}
		if id := m["vif_id"]; w.outcome == "ok" && (id != "5e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c" && id != "6e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c" || m["instance_uuid"] != "c0ffee00-1111-4222-8333-444455556666" || m["plugin"] != "noop") {
			t.Errorf("line %d: %v, want vif_id, instance_uuid and plugin", i, m)
		}
	}
}

// hasRow reports whether a line of out starts with the given whitespace-separated fields.
func hasRow(out string, fields ...string) bool {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= len(fields) && strings.Join(f[:len(fields)], " ") == strings.Join(fields, " ") {
			return true
		}
	}
	return false
}

// The admission policy (docs/security.md) applies in-process too: a socket path outside the
// allowed directories is refused with exit 2 naming the field, the value and the rule, before
// any plugin runs. --force skips it for root only and never with --server.
func TestPlugPolicyRefusedInProcess(t *testing.T) {
	vifPath, instPath := writePrimitives(t, func(s string) string {
		return strings.Replace(s, `/run/openvswitch/vhu5e1f3a7c-9b`, `/etc/govif-test.sock`, 1)
	})
	_, stderr, code := runGovif(t, "", "plug", "--vif", vifPath, "--instance", instPath)
	if code != 2 || !strings.Contains(stderr, "VIFVHostUser.path") || !strings.Contains(stderr, "/etc/govif-test.sock") ||
		!strings.Contains(stderr, "path_not_allowed") {
		t.Errorf("policy refusal: exit %d, stderr %q; want 2 naming field, value and rule", code, stderr)
	}
	if _, stderr, code := runGovif(t, "", "plug", "--vif", vifPath, "--instance", instPath, "--force", "--server", "unix:/nonexistent.sock"); code != 2 || !strings.Contains(stderr, "--force") {
		t.Errorf("--force with --server: exit %d, stderr %q; want 2", code, stderr)
	}
	if os.Geteuid() == 0 {
		// The noop plugin changes nothing, so forcing it here is harmless.
		if _, stderr, code := runGovif(t, "", "plug", "--vif", vifPath, "--instance", instPath, "--force"); code != 0 {
			t.Errorf("--force as root: exit %d, stderr %q; want 0", code, stderr)
		}
	}
}
