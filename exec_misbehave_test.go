package govif

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/config"
	"github.com/govif/govif/plugin"
)

// shellPlugin writes a govif-plugin-<name> script that answers version and describe properly
// and runs onPlug for plug and unplug.
func shellPlugin(t *testing.T, dir, name, onPlug string) {
	t.Helper()
	describe := `{"protocol_version":1,"host_plugin_info":{"versioned_object.name":"HostPluginInfo",` +
		`"versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":` +
		`{"plugin_name":"` + name + `","vif_info":[]}}}`
	script := "#!/bin/sh\ncat >/dev/null\ncase \"$1\" in\n" +
		"version) echo '{\"protocol_version\":1,\"supported_versions\":[1]}';;\n" +
		"describe) echo '" + describe + "';;\n" +
		"*) " + onPlug + ";;\nesac\n"
	if err := os.WriteFile(filepath.Join(dir, "govif-plugin-"+name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestMisbehavingExternalPluginsThroughHost(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("skipping: no /bin/sh for the test plugins")
	}
	dir := t.TempDir()
	shellPlugin(t, dir, "crash", "echo 'Traceback: boom' >&2; exit 7")
	shellPlugin(t, dir, "garbage", "echo 'this is not json'")
	shellPlugin(t, dir, "hang", "echo 'stuck' >&2; exec sleep 600")
	shellPlugin(t, dir, "typed", `echo '{"protocol_version":1,"error":{"code":"missing_port_profile","message":"A port profile is mandatory for the OpenVSwitch plugin"}}'; exit 1`)
	cfg, err := config.Parse([]byte("[govif]\nexec_plugin_timeout = 2\nplugin_dirs = " + dir + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHost(context.Background(), cfg, WithLogger(slog.New(slog.DiscardHandler)), WithPlugins("crash", "garbage", "hang", "typed"))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	cases := []struct {
		plugin string
		want   []string
		is     error
	}{
		{"crash", []string{"Failed to plug VIF " + id1 + ". Got error: exec plugin \"crash\": plug: exited with status 7 without an error response", "Traceback: boom"}, nil},
		{"garbage", []string{`invalid JSON response on stdout`, `"this is not json`}, plugin.ErrProtocol},
		{"hang", []string{"killed: context deadline exceeded: exec_plugin_timeout 2s", "stuck"}, context.DeadlineExceeded},
		{"typed", []string{"A port profile is mandatory for the OpenVSwitch plugin (code missing_port_profile)"}, plugin.ErrMissingPortProfile},
	}
	for _, tc := range cases {
		start := time.Now()
		err := h.Plug(context.Background(), genericVIF(id1, tc.plugin), inst())
		var pe *PlugError
		var ee *plugin.ExecError
		if !errors.As(err, &pe) || !errors.As(err, &ee) || pe.Plugin != tc.plugin || ee.Plugin != tc.plugin {
			t.Errorf("%s: Plug = %v, want a *PlugError wrapping an *ExecError", tc.plugin, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tc.plugin, err, w)
			}
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: error is not %v", tc.plugin, tc.is)
		}
		t.Logf("%s: failed in %v", tc.plugin, time.Since(start).Round(time.Millisecond))
	}
}
