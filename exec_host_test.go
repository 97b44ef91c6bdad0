package govif

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// buildExample builds examples/govif-plugin-example into a fresh plugin directory.
func buildExample(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping: builds the example plugin with go build")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("skipping: no go command: %v", err)
	}
	dir := t.TempDir()
	cmd := exec.Command(gobin, "build", "-buildvcs=false", "-o", filepath.Join(dir, "govif-plugin-example"), "./examples/govif-plugin-example")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build example plugin: %v\n%s", err, out)
	}
	return dir
}

func genericVIF(id, pluginName string) *objects.VIFGeneric {
	return &objects.VIFGeneric{VIFBase: objects.VIFBase{ID: objects.Set(id), Plugin: objects.Set(pluginName)},
		VIFName: objects.Set("tapa1b2c3d4-11")}
}

func TestExternalPluginThroughHost(t *testing.T) {
	pluginDir := buildExample(t)
	state := t.TempDir()
	// A broken external plugin next to the good one must not stop the host.
	broken := filepath.Join(pluginDir, "govif-plugin-broken")
	if err := os.WriteFile(broken, []byte("#!/bin/sh\necho not json\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte("[govif]\nplugin_dirs = /nonexistent," + pluginDir + "\n[os_vif_example]\nstate_dir = " + state + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h, err := NewHost(ctx, cfg, WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if !slices.Contains(h.Plugins(), "example") || slices.Contains(h.Plugins(), "broken") {
		t.Fatalf("Plugins() = %v, want example and not broken", h.Plugins())
	}

	// describe shows up in host info like a built-in's.
	hi, err := h.HostInfo(ctx, "VIFGeneric")
	if err != nil {
		t.Fatal(err)
	}
	got, err := objects.Encode(hi)
	if err != nil {
		t.Fatal(err)
	}
	// The built-in tap, midonet, iovisor and vrouter plugins also take VIFGeneric.
	if !strings.Contains(string(got), `"plugin_name":"example"`) || len(hi.PluginInfo.Value()) != 5 {
		t.Fatalf("HostInfo(VIFGeneric) = %s", got)
	}

	// plug writes the state file, unplug removes it, twice is once.
	vif := genericVIF(id1, "example")
	for range 2 {
		if err := h.Plug(ctx, vif, inst()); err != nil {
			t.Fatalf("Plug: %v", err)
		}
	}
	data, err := os.ReadFile(filepath.Join(state, id1+".json"))
	if err != nil {
		t.Fatalf("plug left no state file: %v", err)
	}
	var rec map[string]string
	if err := json.Unmarshal(data, &rec); err != nil || rec["vif_id"] != id1 || rec["vif_name"] != "tapa1b2c3d4-11" ||
		rec["instance_uuid"] != "5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d" {
		t.Fatalf("state file %s: %v", data, err)
	}
	for range 2 {
		if err := h.Unplug(ctx, vif, inst()); err != nil {
			t.Fatalf("Unplug: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(state, id1+".json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("unplug left the state file: %v", err)
	}

	// The plugin's typed error crosses the process boundary.
	err = h.Plug(ctx, ovsVIF(id1, "example"), inst())
	var pe *PlugError
	var ee *plugin.ExecError
	if !errors.As(err, &pe) || !errors.As(err, &ee) || !errors.Is(err, plugin.ErrUnsupportedVIFType) || pe.Plugin != "example" {
		t.Fatalf("Plug(VIFOpenVSwitch) = %v, want PlugError > ExecError > ErrUnsupportedVIFType", err)
	}

	// A VIF routed to the plugin that failed to load gets its load error, not "no plugin".
	err = h.Plug(ctx, genericVIF(id1, "broken"), inst())
	if !errors.As(err, &pe) || errors.Is(err, ErrNoMatchingPlugin) || !strings.Contains(err.Error(), "plugin broken failed to load") ||
		!strings.Contains(err.Error(), "exited with status 3") {
		t.Fatalf("Plug(broken) = %v", err)
	}
}

func TestExternalPluginBadConfigFailsLoad(t *testing.T) {
	pluginDir := buildExample(t)
	cfg, err := config.Parse([]byte("[os_vif_example]\nstate_dir = relative/dir\n"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHost(context.Background(), cfg, WithPluginDirs(pluginDir), WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	err = h.Plug(context.Background(), genericVIF(id1, "example"), inst())
	if err == nil || !strings.Contains(err.Error(), `[os_vif_example] state_dir: must be an absolute path, got "relative/dir"`) {
		t.Fatalf("Plug = %v, want the plugin's config error", err)
	}
}
