package daemon

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/config"
)

// TestExampleConfig loads contrib/systemd/govif.conf, the file the systemd unit points at:
// no unknown options, and (with its group made one that exists here) the daemon settings it
// documents.
func TestExampleConfig(t *testing.T) {
	data, err := os.ReadFile("../contrib/systemd/govif.conf")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Warnings) != 0 {
		t.Errorf("example config warnings: %v", cfg.Warnings)
	}
	if cfg.OVS.OVSDBConnection != "unix:/run/openvswitch/db.sock" {
		t.Errorf("ovsdb_connection = %q", cfg.OVS.OVSDBConnection)
	}
	cfg, err = config.Parse([]byte(strings.ReplaceAll(string(data), "nova", "root")))
	if err != nil {
		t.Fatal(err)
	}
	dc, err := ConfigFrom(cfg)
	if err != nil {
		t.Fatal(err)
	}
	gid, err := dc.GroupID()
	if err != nil || gid != 0 {
		t.Errorf("GroupID = %d, %v; want 0 (root)", gid, err)
	}
	if dc.Socket != DefaultSocket || dc.SocketMode != 0o660 || dc.Options.MaxBodyBytes != 1<<20 ||
		dc.Options.RequestTimeout != 120*time.Second || dc.Options.HeaderTimeout != 10*time.Second ||
		dc.Options.BodyTimeout != 30*time.Second || dc.Options.IdleTimeout != 60*time.Second ||
		dc.Options.MaxConnections != 256 || dc.Options.AbortTimeout != 15*time.Second {
		t.Errorf("daemon config = %+v", dc)
	}
	if len(dc.Warnings) != 0 {
		t.Errorf("unknown [govif_daemon] options in the example: %v", dc.Warnings)
	}
	if ws := cfg.UnknownSections([]string{"govif", SectionDaemon, config.SectionOVS, config.SectionLinuxBridge}); len(ws) != 0 {
		t.Errorf("unknown sections in the example: %v", ws)
	}
	if len(dc.Options.Access.UIDs) != 1 || dc.Options.Access.UIDs[0] != 0 || len(dc.Options.Access.GIDs) != 1 || dc.Options.Access.GIDs[0] != 0 {
		t.Errorf("access = %+v", dc.Options.Access)
	}
}

func TestConfigFromDefaultsAndErrors(t *testing.T) {
	dc, err := ConfigFrom(config.Default())
	if err != nil {
		t.Fatal(err)
	}
	if dc.Socket != DefaultSocket || dc.SocketMode != 0o660 || dc.SocketGroup != "" ||
		len(dc.Options.Access.UIDs) != 1 || dc.Options.Access.UIDs[0] != 0 || len(dc.Options.Access.GIDs) != 0 {
		t.Errorf("defaults = %+v", dc)
	}
	if gid, err := dc.GroupID(); err != nil || gid != -1 {
		t.Errorf("GroupID without a group = %d, %v; want -1", gid, err)
	}
	for _, c := range []struct{ option, value string }{
		{"socket_mode", "0999"},
		{"socket_mode", "01777"},
		{"allowed_uids", "no-such-user-govif"},
		{"allowed_gids", "no-such-group-govif"},
		{"max_body_bytes", "0"},
		{"request_timeout", "-5"},
		{"request_timeout", "soon"},
		{"body_timeout", "0"},
		{"idle_timeout", "100000"},
		{"header_timeout", "-1"},
		{"abort_timeout", "0"},
		{"max_connections", "0"},
		{"socket", "relative/govif.sock"},
		{"socket_group", "no-such-group-govif"},
	} {
		cfg, err := config.Parse([]byte("[govif_daemon]\n" + c.option + " = " + c.value + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ConfigFrom(cfg)
		var ve *config.ValueError
		if !errors.As(err, &ve) || ve.Option != c.option || !strings.Contains(err.Error(), c.value) {
			t.Errorf("%s = %s: err = %v, want a *config.ValueError naming the option and value", c.option, c.value, err)
		}
	}
	// A group set later (serve --group) is checked by GroupID.
	dc.SocketGroup = "no-such-group-govif"
	if _, err := dc.GroupID(); err == nil || !strings.Contains(err.Error(), "no-such-group-govif") {
		t.Errorf("unknown socket_group: err = %v", err)
	}
}

// TestConfigFromReportsUnknownOptions: a misspelt option of [govif_daemon] is reported by name
// (and line), the known ones are not.
func TestConfigFromReportsUnknownOptions(t *testing.T) {
	cfg, err := config.Parse([]byte("[govif_daemon]\nrequest_timeout = 10\nrequest_timout = 10\nmax_connections = 8\n"))
	if err != nil {
		t.Fatal(err)
	}
	dc, err := ConfigFrom(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(dc.Warnings) != 1 || dc.Warnings[0].Option != "request_timout" || dc.Warnings[0].Line != 3 {
		t.Fatalf("warnings = %+v, want one for request_timout at line 3", dc.Warnings)
	}
	if dc.Options.RequestTimeout != 10*time.Second || dc.Options.MaxConnections != 8 {
		t.Fatalf("options = %+v", dc.Options)
	}
}

// TestSystemdUnitVerifies runs `systemd-analyze verify` on contrib/systemd/govif.service (with
// ExecStart pointing at an existing binary) when systemd-analyze is installed, and checks the
// settings the daemon relies on: Type=notify, optional paths marked with "-", a stop timeout
// above serve's grace plus abort_timeout.
func TestSystemdUnitVerifies(t *testing.T) {
	data, err := os.ReadFile("../contrib/systemd/govif.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(data)
	for _, want := range []string{"\nType=notify\n", "\nEnvironmentFile=-/etc/default/govif\n", "-/run/openvswitch", "-/run/xtables.lock", "\nTimeoutStopSec=90\n"} {
		if !strings.Contains(unit, want) {
			t.Errorf("unit lacks %q", want)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "govif.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(unit, "/usr/local/bin/govif", self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) != 0 {
		t.Fatalf("systemd-analyze verify: %v: %s", err, out)
	}
}
