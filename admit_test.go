package govif

import (
	"context"
	"errors"
	"testing"

	"github.com/govif/govif/policy"
)

// TestAdmit: Admit refuses what Plug/Unplug refuse before any plugin runs (the policy, an
// unknown plugin) with the same error, accepts what they accept, and never calls the plugin.
func TestAdmit(t *testing.T) {
	a := &fakePlugin{name: "a", vifs: []string{"VIFOpenVSwitch"}}
	h := newTestHost(t, WithPlugin("a", a), WithPlugins("a"), WithPolicy(policy.FromConfig(nil)))
	good := ovsVIF(id1, "a")
	if err := h.Admit("plug", good, inst()); err != nil {
		t.Fatalf("Admit of a good VIF: %v", err)
	}
	bad := ovsVIF(id1, "a")
	bad.VIFName.Set("eth0")
	for _, op := range []string{"plug", "unplug"} {
		err := h.Admit(op, bad, inst())
		var pv *policy.Violation
		if !errors.As(err, &pv) || pv.Code != policy.CodeNotDerived {
			t.Errorf("Admit %s of vif_name eth0: %v, want name_not_derived", op, err)
		}
		if perr := h.Plug(context.Background(), bad, inst()); perr == nil || perr.Error() != h.Admit("plug", bad, inst()).Error() {
			t.Errorf("Plug and Admit disagree: %v vs %v", perr, err)
		}
	}
	if err := h.Admit("plug", ovsVIF(id1, "nosuch"), inst()); !errors.Is(err, ErrNoMatchingPlugin) {
		t.Errorf("Admit of an unknown plugin: %v", err)
	}
	if got := a.Calls(); len(got) != 0 {
		t.Errorf("Admit called the plugin: %v", got)
	}
}
