package govif

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/plugin"
)

// TestOneLogLinePerOperation checks that each plug and unplug, whatever its outcome, logs
// exactly one structured line with the VIF id, the instance uuid, the plugin, the outcome and
// the duration in seconds (docs/operations.md, "Logs").
func TestOneLogLinePerOperation(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ok := &fakePlugin{name: "a"}
	bad := &fakePlugin{name: "b", err: plugin.ErrUnsupportedVIFType}
	slow := &fakePlugin{name: "c", err: context.DeadlineExceeded}
	h := newTestHost(t, WithPlugin("a", ok), WithPlugin("b", bad), WithPlugin("c", slow), WithLogger(logger))
	ctx := context.Background()
	buf.Reset() // the start-up lines
	start := time.Now()
	_ = h.Plug(ctx, ovsVIF(id1, "a"), inst())
	_ = h.Unplug(ctx, ovsVIF(id1, "a"), inst())
	_ = h.Plug(ctx, ovsVIF(id2, "b"), inst())
	_ = h.Plug(ctx, ovsVIF(id2, "c"), inst())
	_ = h.Plug(ctx, ovsVIF(id2, "missing"), inst())
	errs := h.PlugMany(ctx, []plugin.Request{{VIF: ovsVIF(id1, "a"), Instance: inst()}, {VIF: ovsVIF(id2, "missing"), Instance: inst()}})
	if errs[0] != nil || !errors.Is(errs[1], ErrNoMatchingPlugin) {
		t.Fatalf("PlugMany = %v", errs)
	}
	elapsed := time.Since(start).Seconds()
	want := []struct{ msg, id, plugin, outcome, level string }{
		{"plug", id1, "a", "ok", "INFO"},
		{"unplug", id1, "a", "ok", "INFO"},
		{"plug", id2, "b", "failed", "ERROR"},
		{"plug", id2, "c", "timeout", "ERROR"},
		{"plug", id2, "missing", "rejected", "WARN"},
		{"plug", id2, "missing", "rejected", "WARN"}, // PlugMany routes first
		{"plug", id1, "a", "ok", "INFO"},
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d log lines for %d operations, want one each:\n%s", len(lines), len(want), buf.String())
	}
	for i, w := range want {
		var m map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &m); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, lines[i])
		}
		if m["msg"] != w.msg || m["vif_id"] != w.id || m["plugin"] != w.plugin || m["outcome"] != w.outcome ||
			m["level"] != w.level || m["instance_uuid"] != inst().UUID.Value() || m["vif_type"] != "VIFOpenVSwitch" {
			t.Errorf("line %d = %s, want %+v", i, lines[i], w)
		}
		d, isNum := m["duration_seconds"].(float64)
		if !isNum || d < 0 || d > elapsed {
			t.Errorf("line %d: duration_seconds %v, want seconds within the %.3f s the calls took", i, m["duration_seconds"], elapsed)
		}
		if _, hasErr := m["error"]; hasErr != (w.outcome != "ok") {
			t.Errorf("line %d: error key present=%v, want it only on failures: %s", i, hasErr, lines[i])
		}
	}
}
