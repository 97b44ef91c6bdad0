package objects_test

import (
	"encoding/json"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

const hostDevTrusted = `{"versioned_object.name":"VIFHostDevice","versioned_object.namespace":"os_vif","versioned_object.version":"1.0",` +
	`"versioned_object.data":{"dev_type":"ethernet","dev_address":"0000:3b:00.2","id":"a1b2c3d4-1111-4222-8333-444455556666","plugin":"sriov","govif_trusted":true},` +
	`"versioned_object.changes":["dev_type","dev_address","id","plugin"]}`

// govif's extension key govif_trusted of VIFHostDevice: decoded into Trusted, re-encoded as
// received (never in changes), kept by Clone and by a backport, absent when unset, and a
// non-boolean is a field error naming the key.
func TestExtTrusted(t *testing.T) {
	o, err := objects.Decode([]byte(hostDevTrusted))
	if err != nil {
		t.Fatal(err)
	}
	h := o.(*objects.VIFHostDevice)
	if v, ok := h.Trusted.Get(); !ok || !v {
		t.Fatalf("Trusted = %v, %v", v, ok)
	}
	out, err := objects.Encode(h)
	if err != nil || string(out) != hostDevTrusted {
		t.Fatalf("re-encoded:\n%s\nwant\n%s (%v)", out, hostDevTrusted, err)
	}
	c := objects.Clone(h)
	if v, ok := c.Trusted.Get(); !ok || !v {
		t.Errorf("Clone lost Trusted")
	}
	back, err := objects.EncodeWith(h, objects.EncodeOptions{TargetVersion: "1.0"})
	if err != nil || !strings.Contains(string(back), `"govif_trusted":true`) {
		t.Errorf("backport: %s, %v", back, err)
	}
	h.Trusted = objects.Field[bool]{}
	out, _ = objects.Encode(h)
	if strings.Contains(string(out), "govif_trusted") {
		t.Errorf("unset Trusted encoded: %s", out)
	}
	// Only the key: still a well-formed data object.
	only := &objects.VIFHostDevice{Trusted: objects.Set(false)}
	if out, err := objects.Encode(only); err != nil || !strings.Contains(string(out), `"versioned_object.data":{"govif_trusted":false}`) {
		t.Errorf("only the key: %s, %v", out, err)
	}
	bad := strings.Replace(hostDevTrusted, `"govif_trusted":true`, `"govif_trusted":"yes"`, 1)
	var fe *objects.FieldError
	if _, err := objects.Decode([]byte(bad)); err == nil || !errors.As(err, &fe) || !strings.Contains(fe.Path, "govif_trusted") {
		t.Errorf("non-boolean govif_trusted: %v", err)
	}
}

// Python os-vif 3.0.0 decodes a VIFHostDevice carrying govif_trusted (oslo reads only its own
// fields' keys) and re-encodes it without the key: the extension is wire-compatible.
func TestExtTrustedPythonDecodes(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: runs python3-os-vif")
	}
	py := testenv.RequirePythonModules(t, "os_vif")
	script := `import json, sys
import os_vif
from os_vif import objects
objects.register_all()
from os_vif.objects import base
o = base.VersionedObject.obj_from_primitive(json.load(sys.stdin))
print(json.dumps({"class": o.__class__.__name__, "dev_address": o.dev_address, "prim": o.obj_to_primitive()}))
`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(hostDevTrusted)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("python: %v: %s%s", err, out, stderr)
	}
	var res struct {
		Class      string          `json:"class"`
		DevAddress string          `json:"dev_address"`
		Prim       json.RawMessage `json:"prim"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Class != "VIFHostDevice" || res.DevAddress != "0000:3b:00.2" || strings.Contains(string(res.Prim), "govif_trusted") {
		t.Fatalf("python decoded %+v", res)
	}
	// What Python re-encodes is what govif encodes without the extension.
	o, err := objects.Decode([]byte(hostDevTrusted))
	if err != nil {
		t.Fatal(err)
	}
	o.(*objects.VIFHostDevice).Trusted = objects.Field[bool]{}
	want, _ := objects.Encode(o)
	norm := func(data []byte) string { // changes is a set (Python's order is a set's)
		var m map[string]any
		json.Unmarshal(data, &m)
		if ch, ok := m["versioned_object.changes"].([]any); ok {
			slices.SortFunc(ch, func(x, y any) int { return strings.Compare(x.(string), y.(string)) })
		}
		j, _ := json.Marshal(m)
		return string(j)
	}
	wj, gj := norm(want), norm(res.Prim)
	if string(wj) != string(gj) {
		t.Errorf("python re-encoded\n%s\ngovif without the key\n%s", gj, wj)
	}
}
