package daemon

import (
	"errors"
	"os"
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
		dc.Options.RequestTimeout != 120*time.Second {
		t.Errorf("daemon config = %+v", dc)
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
