package plugin_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// pluginDir links the test binary into a temp dir as govif-plugin-<mode> for each mode.
func pluginDir(t testing.TB, modes ...string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, m := range modes {
		if err := os.Symlink(self, filepath.Join(dir, plugin.ExecPrefix+m)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func testEnv(t testing.TB, name, extra string) (plugin.Env, string) {
	t.Helper()
	rec := filepath.Join(t.TempDir(), "calls")
	cfg, err := config.Parse([]byte("[os_vif_" + name + "]\nrecord = " + rec + "\n" + extra))
	if err != nil {
		t.Fatal(err)
	}
	return plugin.Env{Name: name, Config: cfg, Logger: slog.New(slog.DiscardHandler)}, rec
}

func genericVIF(id string) *objects.VIFGeneric {
	return &objects.VIFGeneric{
		VIFBase: objects.VIFBase{ID: objects.Set(id), Plugin: objects.Set("good")},
		VIFName: objects.Set("tap" + id[:8]),
	}
}

func instance() *objects.InstanceInfo {
	return &objects.InstanceInfo{UUID: objects.Set("5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d"), Name: objects.Set("vm1")}
}

const vifID = "a1b2c3d4-1111-4222-8333-444455556666"

func newExec(t testing.TB, mode string, extra string) (*plugin.Exec, string) {
	t.Helper()
	dir := pluginDir(t, mode)
	env, rec := testEnv(t, mode, extra)
	p, err := plugin.NewExec(context.Background(), env, filepath.Join(dir, plugin.ExecPrefix+mode))
	if err != nil {
		t.Fatalf("NewExec(%s): %v", mode, err)
	}
	return p, rec
}

func TestExecPlugUnplugDescribe(t *testing.T) {
	p, rec := newExec(t, "good", "")
	d := p.Describe()
	if d.PluginName.Value() != "good" || len(d.VIFInfo.Value()) != 1 || d.VIFInfo.Value()[0].VIFObjectName.Value() != "VIFGeneric" {
		t.Fatalf("Describe = %+v", d)
	}
	d.VIFInfo.Value()[0].VIFObjectName.Set("changed")
	if p.Describe().VIFInfo.Value()[0].VIFObjectName.Value() != "VIFGeneric" {
		t.Fatal("Describe returned the cached object itself")
	}
	ctx := context.Background()
	if err := p.Plug(ctx, genericVIF(vifID), instance()); err != nil {
		t.Fatalf("Plug: %v", err)
	}
	if err := p.Unplug(ctx, genericVIF(vifID), instance()); err != nil {
		t.Fatalf("Unplug: %v", err)
	}
	got, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	// The plugin saw the VIF, the instance, its config section and a deadline (the default
	// exec_plugin_timeout applies).
	want := "plug " + vifID + " 5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d deadline=true\n" +
		"unplug " + vifID + " 5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d deadline=true\n"
	if string(got) != want {
		t.Fatalf("plugin recorded %q, want %q", got, want)
	}
}

func TestExecTypedPluginError(t *testing.T) {
	p, rec := newExec(t, "good", "")
	vif := &objects.VIFBridge{VIFBase: objects.VIFBase{ID: objects.Set(vifID), Plugin: objects.Set("good")}}
	err := p.Plug(context.Background(), vif, instance())
	var ee *plugin.ExecError
	if !errors.Is(err, plugin.ErrUnsupportedVIFType) || !errors.As(err, &ee) {
		t.Fatalf("Plug(VIFBridge) = %v, want ErrUnsupportedVIFType in an *ExecError", err)
	}
	if ee.Code != plugin.CodeUnsupportedVIFType || ee.ExitCode != 1 || ee.Plugin != "good" || ee.Command != "plug" {
		t.Fatalf("ExecError = %+v", ee)
	}
	if !strings.Contains(err.Error(), "This vif type is not supported by this plugin") {
		t.Fatalf("message %q lacks os-vif's text", err)
	}
	if _, err := os.Stat(rec); err == nil {
		t.Fatal("the failing plug was recorded")
	}
}

func TestExecMisbehavingPlugins(t *testing.T) {
	cases := []struct {
		mode string
		want []string // substrings of the error
		is   error
	}{
		{"crash", []string{`exec plugin "crash": plug: exited with status 2 without an error response`, "panic: boom in the plugin"}, nil},
		{"garbage", []string{`exec plugin "garbage": plug: plugin protocol violation: invalid JSON response`, `"hello, this is not JSON`}, plugin.ErrProtocol},
		{"bigout", []string{"response larger than"}, plugin.ErrProtocol},
		{"signal", []string{"killed by signal killed"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			p, _ := newExec(t, tc.mode, "")
			err := p.Plug(context.Background(), genericVIF(vifID), instance())
			if err == nil {
				t.Fatal("Plug succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
		})
	}
}

func TestExecHangIsKilled(t *testing.T) {
	p, _ := newExec(t, "hang", "")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second) // ample for the plugin to start and say "hanging"
	defer cancel()
	err := p.Plug(ctx, genericVIF(vifID), instance())
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "killed") || !strings.Contains(err.Error(), "hanging") {
		t.Fatalf("Plug = %v, want a kill at the deadline with the stderr tail", err)
	}
}

func TestExecStragglerDoesNotFailPlug(t *testing.T) {
	defer plugin.SetWaitDelay(100 * time.Millisecond)()
	p, _ := newExec(t, "straggler", "")
	if err := p.Plug(context.Background(), genericVIF(vifID), instance()); err != nil {
		t.Fatalf("Plug = %v, want success: the plugin answered and exited 0", err)
	}
}

func TestExecExpiredContextRunsNothing(t *testing.T) {
	p, rec := newExec(t, "good", "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := p.Plug(ctx, genericVIF(vifID), instance())
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "not run") {
		t.Fatalf("Plug = %v, want context.Canceled, not run", err)
	}
	if _, err := os.Stat(rec); err == nil {
		t.Fatal("the plugin ran")
	}
}

func TestExecConfiguredTimeout(t *testing.T) {
	p, _ := newExec(t, "hang", "[govif]\nexec_plugin_timeout = 1\n")
	err := p.Plug(context.Background(), genericVIF(vifID), instance())
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "exec_plugin_timeout 1s") {
		t.Fatalf("Plug = %v, want a kill naming exec_plugin_timeout", err)
	}
}

func TestNewExecRejects(t *testing.T) {
	cases := map[string]string{
		"oldproto": "plugin speaks protocol versions [2], govif speaks 1",
		"liar":     `describe answered for plugin "other"`,
	}
	for mode, want := range cases {
		dir := pluginDir(t, mode)
		env, _ := testEnv(t, mode, "")
		_, err := plugin.NewExec(context.Background(), env, filepath.Join(dir, plugin.ExecPrefix+mode))
		if !errors.Is(err, plugin.ErrProtocol) || !strings.Contains(err.Error(), want) {
			t.Errorf("NewExec(%s) = %v, want ErrProtocol and %q", mode, err, want)
		}
	}
	env, _ := testEnv(t, "missing", "")
	_, err := plugin.NewExec(context.Background(), env, filepath.Join(t.TempDir(), "govif-plugin-missing"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("NewExec(missing file) = %v, want ErrNotExist", err)
	}
}

func TestDiscover(t *testing.T) {
	first := pluginDir(t, "good", "crash")
	second := pluginDir(t, "good", "other")
	// Not plugins: a non-executable file, a bad name, an unrelated file, a directory.
	for name, mode := range map[string]os.FileMode{"govif-plugin-noexec": 0o644, "govif-plugin-bad name": 0o755, "README": 0o755,
		"govif-plugin-writable": 0o777} {
		if err := os.WriteFile(filepath.Join(first, name), []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(first, name), mode); err != nil { // past the umask
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(first, "govif-plugin-dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := plugin.Discover([]string{first, filepath.Join(first, "absent"), second}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	want := []plugin.Executable{
		{Name: "crash", Path: filepath.Join(first, "govif-plugin-crash")},
		{Name: "good", Path: filepath.Join(first, "govif-plugin-good")},
		{Name: "other", Path: filepath.Join(second, "govif-plugin-other")},
	}
	if len(got) != len(want) {
		t.Fatalf("Discover = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Discover[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestExecRequestOnTheWire(t *testing.T) {
	// A plugin in any language: this one is a shell script that saves its argv and stdin.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "seen")
	script := "#!" + sh + "\necho \"$1 $GOVIF_PLUGIN_COMMAND $GOVIF_PLUGIN_PROTOCOL\" >> " + out + "\ncat >> " + out + "\necho >> " + out + "\n" +
		"case \"$1\" in\n" +
		"version) echo '{\"protocol_version\":1,\"supported_versions\":[1]}';;\n" +
		"describe) echo '{\"protocol_version\":1,\"host_plugin_info\":{\"versioned_object.name\":\"HostPluginInfo\",\"versioned_object.namespace\":\"os_vif\",\"versioned_object.version\":\"1.0\",\"versioned_object.data\":{\"plugin_name\":\"shell\",\"vif_info\":[]}}}';;\n" +
		"*) echo '{\"protocol_version\":1}';;\nesac\n"
	path := filepath.Join(dir, "govif-plugin-shell")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, _ := config.Parse([]byte("[os_vif_shell]\nbridge = br-x\nbridge = br-y\n"))
	p, err := plugin.NewExec(context.Background(), plugin.Env{Name: "shell", Config: cfg, Logger: slog.New(slog.DiscardHandler)}, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Unplug(context.Background(), genericVIF(vifID), nil); err != nil {
		t.Fatal(err)
	}
	seen, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(seen)), "\n")
	if len(lines) != 6 || lines[0] != "version version 1" || lines[2] != "describe describe 1" || lines[4] != "unplug unplug 1" {
		t.Fatalf("argv/env seen by the plugin: %q", lines)
	}
	req := lines[5]
	for _, w := range []string{`"protocol_version":1`, `"command":"unplug"`, `"plugin":"shell"`, `"config":{"bridge":["br-x","br-y"]}`,
		`"vif":{"versioned_object.name":"VIFGeneric"`, `"timeout_ms":`} {
		if !strings.Contains(req, w) {
			t.Errorf("request %s lacks %s", req, w)
		}
	}
	if strings.Contains(req, `"instance_info"`) {
		t.Errorf("request carries an instance_info that was not given: %s", req)
	}
}

// TestPythonPluginFromDocs runs the Python plugin of docs/plugins.md §3.4 (copied verbatim to
// testdata) through the exec adapter.
func TestPythonPluginFromDocs(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("skipping: no /usr/bin/python3")
	}
	path, err := filepath.Abs("testdata/govif-plugin-pyexample")
	if err != nil {
		t.Fatal(err)
	}
	env, _ := testEnv(t, "pyexample", "")
	p, err := plugin.NewExec(context.Background(), env, path)
	if err != nil {
		t.Fatal(err)
	}
	if p.Describe().PluginName.Value() != "pyexample" {
		t.Fatalf("describe = %+v", p.Describe())
	}
	if err := p.Plug(context.Background(), genericVIF(vifID), instance()); err != nil {
		t.Fatal(err)
	}
	vif := &objects.VIFBridge{VIFBase: objects.VIFBase{ID: objects.Set(vifID), Plugin: objects.Set("pyexample")}}
	if err := p.Unplug(context.Background(), vif, nil); !errors.Is(err, plugin.ErrUnsupportedVIFType) {
		t.Fatalf("Unplug(VIFBridge) = %v, want ErrUnsupportedVIFType", err)
	}
}
