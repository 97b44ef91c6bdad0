package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/inventory"
	"github.com/govif/govif/ops"
	"github.com/govif/govif/plugin"
)

// inventoryConfig writes a config whose state_path holds one record, and returns its path.
func inventoryConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	inv, err := inventory.Open(state)
	if err != nil {
		t.Fatal(err)
	}
	err = inv.Put(&inventory.Record{ID: "4b1a9c7e-5d3f-4e2a-8b6c-9d0e1f2a3b4c", Plugin: "ovs", Type: "VIFBridge",
		InstanceUUID: "d0c1e2f3-0000-4000-8000-000000000001", PluggedAt: time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC),
		VIF: json.RawMessage(`{}`), InstanceInfo: json.RawMessage(`{}`),
		Objects: plugin.Objects{Devices: []string{"qbr4b1a9c7e-5d", "qvb4b1a9c7e-5d", "qvo4b1a9c7e-5d"}, Bridge: "br-int"}})
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "govif.conf")
	if err := os.WriteFile(conf, []byte("[govif_daemon]\nstate_path = "+state+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return conf
}

func TestListInProcess(t *testing.T) {
	conf := inventoryConfig(t)
	out, errOut, code := runGovif(t, "", "list", "--config", conf)
	if code != 0 || !strings.Contains(out, "4b1a9c7e-5d3f-4e2a-8b6c-9d0e1f2a3b4c") || !strings.Contains(out, "qbr4b1a9c7e-5d,qvb4b1a9c7e-5d,qvo4b1a9c7e-5d") ||
		!strings.Contains(out, "2026-12-04T23:00:00Z") {
		t.Fatalf("list: exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, code = runGovif(t, "", "list", "--config", conf, "-o", "json")
	var res ops.ListResult
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || len(res.VIFs) != 1 || res.VIFs[0].Bridge != "br-int" {
		t.Fatalf("list -o json: exit %d, %v: %s", code, err, out)
	}
}

func TestOpsCommandsBadInputExit2(t *testing.T) {
	conf := inventoryConfig(t)
	for _, args := range [][]string{
		{"check", "--config", conf},
		{"check", "--config", conf, "--all", "--vif", "x"},
		{"replug", "--config", conf},
		{"list", "--config", conf, "-o", "yaml"},
		{"gc", "--config", conf, "--live-ids", filepath.Join(t.TempDir(), "missing")},
		{"check", "--all", "--server", "tcp:1.2.3.4"},
		{"list", "--config", filepath.Join(t.TempDir(), "missing.conf")},
	} {
		if _, errOut, code := runGovif(t, "", args...); code != 2 || !strings.HasPrefix(errOut, "govif: ") {
			t.Errorf("govif %v: exit %d, stderr %q; want 2 and one line", args, code, errOut)
		}
	}
}

func TestReadLiveIDs(t *testing.T) {
	dir := t.TempDir()
	lines := filepath.Join(dir, "lines")
	os.WriteFile(lines, []byte("# nova\na\n\n b # port b\n"), 0o644)
	arr := filepath.Join(dir, "arr")
	os.WriteFile(arr, []byte(` ["a","b"]`), 0o644)
	for _, p := range []string{lines, arr} {
		ids, err := readLiveIDs(nil, p)
		if err != nil || strings.Join(ids, ",") != "a,b" {
			t.Errorf("readLiveIDs(%s) = %v, %v", p, ids, err)
		}
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("a b\n"), 0o644)
	if _, err := readLiveIDs(nil, bad); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("readLiveIDs(two ids on a line) = %v", err)
	}
	if ids, err := readLiveIDs(strings.NewReader("x\n"), "-"); err != nil || len(ids) != 1 {
		t.Errorf("readLiveIDs(-) = %v, %v", ids, err)
	}
}
