package objects_test

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/objects"
)

// TestInteropBackportPython is a randomized differential test of backports against the real
// Python os-vif: Python builds random objects (every class, nesting, nulls, unset fields),
// backports each to a random version of its class, with no manifest or with a manifest naming
// only classes that are never polymorphic (where govif documents the same rules as os-vif), and
// govif must produce the same primitive from the same input (changes compared as sets).
// Cases os-vif cannot backport are left out by the helper; the golden corpus covers them and
// the documented deviations.
func TestInteropBackportPython(t *testing.T) {
	p := startPython(t)
	seed := int64(20260510)
	if s := os.Getenv("GOVIF_INTEROP_SEED"); s != "" {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			seed = v
		}
	}
	const n = 1000
	if err := json.NewEncoder(p.in).Encode(map[string]any{"op": "backports", "seed": seed, "count": n}); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Objects []struct {
			Input         json.RawMessage   `json:"input"`
			Class         string            `json:"class"`
			TargetVersion string            `json:"target_version"`
			Manifest      map[string]string `json:"manifest"`
			Output        json.RawMessage   `json:"output"`
		} `json:"objects"`
	}
	p.readReply(t, &rep)
	if len(rep.Objects) < n*9/10 {
		t.Fatalf("Python gave only %d backport samples", len(rep.Objects))
	}
	failures := 0
	for _, c := range rep.Objects {
		o, err := objects.Decode(c.Input)
		if err != nil {
			failures++
			t.Errorf("seed %d: Go cannot decode Python's %s: %v", seed, c.Class, err)
			continue
		}
		got, err := objects.EncodeWith(o, objects.EncodeOptions{TargetVersion: c.TargetVersion, Manifest: c.Manifest})
		if err != nil {
			failures++
			t.Errorf("seed %d: %s to %s (manifest %v): os-vif backports it, govif fails: %v", seed, c.Class, c.TargetVersion, c.Manifest, err)
			continue
		}
		want, _ := canonPrimitive(c.Output, false)
		g, _ := canonPrimitive(got, false)
		if diff := cmp.Diff(want, g); diff != "" {
			failures++
			if failures <= 10 {
				t.Errorf("seed %d: %s to %s (manifest %v) (-os-vif +govif):\n%s\ninput: %s", seed, c.Class, c.TargetVersion, c.Manifest, diff, c.Input)
			}
		}
		if failures > 10 {
			t.Fatalf("seed %d: too many failures", seed)
		}
	}
	t.Logf("seed %d: %d backports agree with os-vif", seed, len(rep.Objects))
}
