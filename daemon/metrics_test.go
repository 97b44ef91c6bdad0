package daemon

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/govif/govif"
	"github.com/govif/govif/objects"
)

func scrape(t *testing.T, ts *testServer) string {
	t.Helper()
	resp, err := ts.client.http.Get("http://govif" + PathMetrics)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMetricsCountOutcomes checks the counters by op, plugin, VIF type and outcome, and that
// plugin names a caller makes up do not become label values.
func TestMetricsCountOutcomes(t *testing.T) {
	host := newFakeHost()
	ts := startServer(t, host, Options{})
	ctx := context.Background()
	vif := testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01")
	for range 3 {
		if err := ts.client.Plug(ctx, vif, testInstance()); err != nil {
			t.Fatal(err)
		}
	}
	if err := ts.client.Unplug(ctx, vif, testInstance()); err != nil {
		t.Fatal(err)
	}
	host.err = fmt.Errorf("route: %w", govif.ErrNoMatchingPlugin)
	for i := range 5 {
		v := testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01")
		v.Plugin = objects.Set(fmt.Sprintf("made-up-%d", i))
		if err := ts.client.Plug(ctx, v, testInstance()); err == nil {
			t.Fatal("plug with an unknown plugin succeeded")
		}
	}
	m := scrape(t, ts)
	for _, want := range []string{
		`govif_vif_operations_total{op="plug",outcome="ok",plugin="ovs",vif_type="VIFOpenVSwitch"} 3`,
		`govif_vif_operations_total{op="unplug",outcome="ok",plugin="ovs",vif_type="VIFOpenVSwitch"} 1`,
		`govif_vif_operations_total{op="plug",outcome="no_matching_plugin",plugin="unknown",vif_type="VIFOpenVSwitch"} 5`,
		`govif_vif_operation_duration_seconds_count{op="plug",plugin="ovs",vif_type="VIFOpenVSwitch"} 3`,
		`govif_requests_in_flight 1`,                                           // the scrape itself
		"go_goroutines ", "go_memstats_heap_alloc_bytes ", "process_open_fds ", // the runtime's, as docs/api.md says
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(m, "made-up-") {
		t.Error("a caller-supplied plugin name became a label value")
	}
}
