package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPlugManyInProcess: repeated --vif plugs every VIF in one batch and prints each outcome;
// a VIF naming a plugin the host lacks fails alone (exit 2, the others done); --instance must
// be given once or once per --vif.
func TestPlugManyInProcess(t *testing.T) {
	v1, inst := writePrimitives(t, nil)
	v2, _ := writePrimitives(t, func(s string) string {
		return strings.Replace(s, "5e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c", "6e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c", 1)
	})
	out, stderr, code := runGovif(t, "", "plug", "--vif", v1, "--vif", v2, "--instance", inst)
	if code != 0 {
		t.Fatalf("plug: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "plugged VIFVHostUser 5e1f3a7c-") || !strings.HasPrefix(lines[1], "plugged VIFVHostUser 6e1f3a7c-") {
		t.Fatalf("plug output: %q", out)
	}
	out, stderr, code = runGovif(t, "", "unplug", "--vif", v1, "--vif", v2, "--instance", inst, "--instance", inst, "-o", "json")
	if code != 0 {
		t.Fatalf("unplug: exit %d: %s", code, stderr)
	}
	var rs []manyResult
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 2 {
		t.Fatalf("unplug -o json: %v: %q", err, out)
	}
	for _, r := range rs {
		if r.Op != "unplug" || r.Status != "ok" || r.Plugin != "noop" || r.Error != "" {
			t.Errorf("unplug result: %+v", r)
		}
	}

	bad, _ := writePrimitives(t, func(s string) string {
		s = strings.Replace(s, "5e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c", "7e1f3a7c-9b2d-4e6f-8a0c-1d3e5f7a9b2c", 1)
		return strings.Replace(s, `"noop"`, `"nosuch"`, 1)
	})
	out, stderr, code = runGovif(t, "", "plug", "--vif", v1, "--vif", bad, "--instance", inst, "-o", "json")
	if code != 2 || !strings.Contains(stderr, "1 of 2 VIFs failed") {
		t.Fatalf("one unknown plugin: exit %d, stderr %q", code, stderr)
	}
	rs = nil
	if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs) != 2 || rs[0].Status != "ok" || rs[1].Status != "error" || !strings.Contains(rs[1].Error, "nosuch") {
		t.Fatalf("results: %v %+v", err, rs)
	}
	for _, args := range [][]string{
		{"plug", "--vif", v1, "--vif", v2, "--instance", inst, "--instance", inst, "--instance", inst}, // 3 instances for 2 VIFs
		{"plug", "--vif", v1, "--vif", "-", "--instance", "-"},                                         // stdin twice
	} {
		if _, stderr, code := runGovif(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, stderr)
		}
	}
}
