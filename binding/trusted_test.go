package binding

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

// hw_veb with vnic direct: binding:profile.trusted goes to VIFHostDevice.Trusted (govif's
// extension key govif_trusted) as Nova reads it, bool_from_string; absent stays unset (Nova's
// unplug then leaves the trust alone).
func TestHWVEBTrusted(t *testing.T) {
	ext := NovaConfig{GovifVIFTypes: true}
	for _, c := range []struct {
		profile string
		set     bool
		want    bool
	}{
		{`{"pci_slot":"0000:3b:00.2"}`, false, false},
		{`{"pci_slot":"0000:3b:00.2","trusted":true}`, true, true},
		{`{"pci_slot":"0000:3b:00.2","trusted":"True"}`, true, true},
		{`{"pci_slot":"0000:3b:00.2","trusted":"yes"}`, true, true},
		{`{"pci_slot":"0000:3b:00.2","trusted":false}`, true, false},
		{`{"pci_slot":"0000:3b:00.2","trusted":"maybe"}`, true, false},
		{`{"pci_slot":"0000:3b:00.2","trusted":null}`, true, false},
	} {
		vif, err := FromNovaVIFWith(legacyVIF(t, "hw_veb", "direct", `{"vlan":0}`, c.profile), ext)
		if err != nil {
			t.Fatalf("%s: %v", c.profile, err)
		}
		h := vif.(*objects.VIFHostDevice)
		if v, ok := h.Trusted.Get(); ok != c.set || v != c.want {
			t.Errorf("%s: Trusted = %v (set %v), want %v (set %v)", c.profile, v, ok, c.want, c.set)
		}
		out, err := objects.Encode(h)
		if err != nil {
			t.Fatal(err)
		}
		if has := strings.Contains(string(out), `"govif_trusted":`); has != c.set {
			t.Errorf("%s: primitive %s", c.profile, out)
		}
	}
}

// boolFromString agrees with oslo_utils.strutils.bool_from_string, which Nova uses, on JSON
// values of every kind.
func TestBoolFromStringMatchesOslo(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: runs python3")
	}
	py := testenv.RequirePythonModules(t, "oslo_utils.strutils")
	values := `[true, false, null, "1", "0", "t", "T", "true", "TRUE", " yes ", "y", "on", "On", "off", "no", "", "2", "truee", 1, 0, 2, 1.5, "1.0", {"a": 1}, [1]]`
	cmd := exec.Command(py, "-c", `import json, sys
from oslo_utils import strutils
print(json.dumps([strutils.bool_from_string(v) for v in json.load(sys.stdin)]))`)
	cmd.Stdin = strings.NewReader(values)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var want []bool
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(strings.NewReader(values))
	d.UseNumber()
	var vs []any
	if err := d.Decode(&vs); err != nil {
		t.Fatal(err)
	}
	var f []any
	json.Unmarshal([]byte(values), &f) // the float64 form, as without UseNumber
	for i, v := range vs {
		if got := boolFromString(v); got != want[i] {
			t.Errorf("bool_from_string(%v) = %v, govif %v", v, want[i], got)
		}
		if got := boolFromString(f[i]); got != want[i] {
			t.Errorf("float64 form: bool_from_string(%v) = %v, govif %v", f[i], want[i], got)
		}
	}
}
