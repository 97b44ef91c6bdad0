package binding

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

// goldenCase is one file of testdata/golden (see testdata/README.md).
type goldenCase struct {
	Name    string           `json:"name"`
	Kind    string           `json:"kind"`
	Neutron *NeutronDocument `json:"neutron"`
	Options struct {
		OVSBridge    string `json:"ovs_bridge"`
		FlatInjected bool   `json:"flat_injected"`
	} `json:"options"`
	Instance *struct {
		UUID      string  `json:"uuid"`
		ID        int     `json:"id"`
		ProjectID *string `json:"project_id"`
	} `json:"instance"`
	NovaVIF      json.RawMessage `json:"nova_vif"`
	NovaVIFError *pyError        `json:"nova_vif_error"`
	Result       struct {
		OSVIF json.RawMessage `json:"osvif"`
		None  bool            `json:"none"`
		Error *pyError        `json:"error"`
	} `json:"result"`
}

type pyError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// goldenDeviations are the cases where govif deliberately differs from Nova (docs/binding.md).
// Each maps to a check of what govif does instead.
var goldenDeviations = map[string]func(t *testing.T, vif objects.VIF, err error){
	// Nova raises "Missing vlan number" when should_create_vlan is present but false; a VLAN id is
	// only needed to provide a VLAN.
	"nova-meta-falsy": func(t *testing.T, vif objects.VIF, err error) {
		if err != nil {
			t.Fatalf("want a VIF, got %v", err)
		}
		n := vif.Base().Network.Value()
		if v, _ := n.ShouldProvideVLAN.Get(); v || n.VLAN.HasValue() {
			t.Errorf("should_provide_vlan = %v, vlan set = %v; want false, unset", v, n.VLAN.HasValue())
		}
	},
}

// debian303Manifest lowers the OVS profiles to the version Debian's os-vif 3.0.0 has (1.3): the
// corpus was recorded there, and the 1.4 fields are never set by the conversion.
var debian303Manifest = map[string]string{
	"VIFPortProfileOpenVSwitch":    "1.3",
	"VIFPortProfileFPOpenVSwitch":  "1.3",
	"VIFPortProfileOVSRepresentor": "1.3",
}

func loadGolden(t *testing.T, dir string) []goldenCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in %s: %v", dir, err)
	}
	var cases []goldenCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c goldenCase
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		cases = append(cases, c)
	}
	return cases
}

func (c *goldenCase) config() NovaConfig {
	return NovaConfig{OVSBridge: c.Options.OVSBridge, FlatInjected: c.Options.FlatInjected}
}

// normJSON decodes a JSON document and turns every versioned_object.changes list into a sorted
// list, so that changes compare as a set.
func normJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	var walk func(any)
	walk = func(x any) {
		switch y := x.(type) {
		case map[string]any:
			for k, v := range y {
				if k == "versioned_object.changes" {
					if l, ok := v.([]any); ok {
						sort.Slice(l, func(i, j int) bool { return l[i].(string) < l[j].(string) })
					}
					continue
				}
				walk(v)
			}
		case []any:
			for _, v := range y {
				walk(v)
			}
		}
	}
	walk(v)
	return v
}

// checkResult compares a conversion with the recorded Nova result.
func checkResult(t *testing.T, c *goldenCase, vif objects.VIF, err error) {
	t.Helper()
	if dev, ok := goldenDeviations[c.Name]; ok {
		dev(t, vif, err)
		return
	}
	switch {
	case c.Result.None:
		var te *VIFTypeError
		if !errors.As(err, &te) || !(errors.Is(err, ErrLegacyVIFType) || errors.Is(err, ErrNotBound)) {
			t.Fatalf("Nova returns None; want a *VIFTypeError wrapping ErrLegacyVIFType or ErrNotBound, got %v", err)
		}
	case c.Result.Error != nil:
		if err == nil {
			t.Fatalf("Nova raises %s(%s); govif converted without error", c.Result.Error.Type, c.Result.Error.Message)
		}
		checkErrorKind(t, c.Result.Error, err)
	default:
		if err != nil {
			t.Fatalf("conversion failed: %v", err)
		}
		got, err := objects.EncodeWith(vif, objects.EncodeOptions{Manifest: debian303Manifest})
		if err != nil {
			t.Fatalf("encoding: %v", err)
		}
		if d := cmp.Diff(normJSON(t, c.Result.OSVIF), normJSON(t, got)); d != "" {
			t.Errorf("primitive differs from Nova's (-nova +govif):\n%s", d)
		}
	}
}

// checkErrorKind maps Nova's exception to the typed error govif must give.
func checkErrorKind(t *testing.T, py *pyError, err error) {
	t.Helper()
	var fe *FieldError
	var te *VIFTypeError
	switch py.Type {
	case "NovaException":
		if strings.HasPrefix(py.Message, "Unsupported VIF type") {
			if !errors.Is(err, ErrUnsupportedVIFType) || !errors.As(err, &te) {
				t.Errorf("want ErrUnsupportedVIFType, got %v", err)
			}
			return
		}
		if !errors.As(err, &fe) {
			t.Errorf("want a *FieldError, got %T %v", err, err)
		}
	case "NotImplementedError":
		if !errors.Is(err, ErrUnsupportedVNICType) {
			t.Errorf("want ErrUnsupportedVNICType, got %v", err)
		}
	default: // ValueError, KeyError, TypeError, VifDetailsMissingVhostuserSockPath, InvalidIpAddressError
		if !errors.As(err, &fe) {
			t.Errorf("Nova raises %s; want a *FieldError, got %T %v", py.Type, err, err)
		}
	}
}

// TestGoldenFromNovaVIF converts every recorded network_info VIF and compares with Nova.
func TestGoldenFromNovaVIF(t *testing.T) {
	for _, c := range loadGolden(t, "testdata/golden") {
		if c.NovaVIF == nil {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			vif, err := FromNovaVIFJSON(c.NovaVIF)
			checkResult(t, &c, vif, err)
		})
	}
}

// TestGoldenFromNeutronPort starts from the Neutron bodies: BuildNovaVIF must give Nova's
// network_info VIF, and FromNeutronPort Nova's os-vif object.
func TestGoldenFromNeutronPort(t *testing.T) {
	for _, c := range loadGolden(t, "testdata/golden") {
		if c.Kind != "neutron" {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			opts := c.Neutron.Options(c.config())
			nv, err := BuildNovaVIF(c.Neutron.Port, opts)
			if c.NovaVIFError != nil {
				if err == nil {
					t.Fatalf("Nova fails to build the VIF (%s: %s); BuildNovaVIF succeeded", c.NovaVIFError.Type, c.NovaVIFError.Message)
				}
				var fe *FieldError
				if !errors.As(err, &fe) {
					t.Errorf("want a *FieldError, got %T %v", err, err)
				}
				return
			}
			if err != nil {
				// Nova validates some values later, in os-vif; govif may refuse them earlier.
				if c.Result.Error == nil {
					t.Fatalf("BuildNovaVIF: %v", err)
				}
				checkErrorKind(t, c.Result.Error, err)
				return
			}
			got, err := json.Marshal(nv)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(normJSON(t, c.NovaVIF), normJSON(t, got)); d != "" {
				t.Errorf("network_info VIF differs from Nova's _build_vif_model (-nova +govif):\n%s", d)
			}
			vif, err := FromNeutronPort(c.Neutron.Port, opts)
			checkResult(t, &c, vif, err)
		})
	}
}

// TestGoldenInstanceInfo compares NewInstanceInfo with Nova's nova_to_osvif_instance.
func TestGoldenInstanceInfo(t *testing.T) {
	n := 0
	for _, c := range loadGolden(t, "testdata/golden") {
		if c.Kind != "instance" {
			continue
		}
		n++
		t.Run(c.Name, func(t *testing.T) {
			project := ""
			if c.Instance.ProjectID != nil {
				project = *c.Instance.ProjectID
			}
			got, err := objects.Encode(NewInstanceInfo(c.Instance.UUID, InstanceName(c.Instance.ID), project))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(normJSON(t, c.Result.OSVIF), normJSON(t, got)); d != "" {
				t.Errorf("InstanceInfo differs from Nova's (-nova +govif):\n%s", d)
			}
		})
	}
	if n == 0 {
		t.Fatal("no instance cases in the corpus")
	}
}

// TestGoldenLive regenerates the corpus with the installed Nova and checks that the committed one
// has not drifted.
func TestGoldenLive(t *testing.T) {
	py := testenv.RequirePythonModules(t, "nova.network.os_vif_util", "os_vif")
	dir := t.TempDir()
	cmd := exec.Command(py, "testdata/gen_golden.py", dir)
	cmd.Env = append(os.Environ(), "PYTHONHASHSEED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen_golden.py: %v\n%s", err, out)
	}
	committed, err := filepath.Glob("testdata/golden/*.json")
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(committed) != len(fresh) {
		t.Errorf("committed corpus has %d cases, the generator writes %d: regenerate (testdata/README.md)", len(committed), len(fresh))
	}
	for _, f := range fresh {
		want, err := os.ReadFile(filepath.Join("testdata/golden", filepath.Base(f)))
		if err != nil {
			t.Errorf("%s: not in the committed corpus: %v", filepath.Base(f), err)
			continue
		}
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(normJSON(t, want), normJSON(t, got)); d != "" {
			t.Errorf("%s: installed Nova now gives (-committed +fresh):\n%s", filepath.Base(f), d)
		}
	}
}
