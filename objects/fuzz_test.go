package objects_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/govif/govif/objects"
)

// addGoldenSeeds seeds a fuzz target with the input of every golden case.
func addGoldenSeeds(f *testing.F, add func(c goldenCase)) {
	f.Helper()
	for _, c := range loadGolden(f) {
		add(c)
	}
}

// FuzzDecode feeds arbitrary bytes to Decode: it must never panic, every failure must be one of
// the package's typed errors, and whatever it accepts must encode, decode again and re-encode to
// the same primitive (changes compared as sets).
func FuzzDecode(f *testing.F) {
	addGoldenSeeds(f, func(c goldenCase) { f.Add([]byte(c.Input)) })
	f.Add([]byte(`null`))
	f.Add([]byte(`{"versioned_object.name":"VIFBridge"}`))
	// strings with lone surrogates and invalid UTF-8 (see strings_test.go)
	for _, raw := range []string{`"a\ud800b"`, `"\udc00\ud800\u0041"`, "\"\\ud800\xed\xb0\x80\"", "\"a\xffb\"", "\"\\n\xc3\x28\""} {
		f.Add(vifBridgeWithName(raw))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodeStable(t, data)
	})
}

func checkDecodeStable(t *testing.T, data []byte) {
	t.Helper()
	o, err := objects.Decode(data)
	if err != nil {
		if !isTypedError(err) {
			t.Fatalf("Decode(%q): untyped error %T: %v", data, err, err)
		}
		return
	}
	if o == nil {
		t.Fatalf("Decode(%q): nil object and nil error", data)
	}
	b1, err := objects.Encode(o)
	if err != nil {
		t.Fatalf("Decode accepted %q but Encode fails: %v", data, err)
	}
	o2, err := objects.Decode(b1)
	if err != nil {
		t.Fatalf("Decode of our own output fails: %v\ninput: %q\noutput: %s", err, data, b1)
	}
	b2, err := objects.Encode(o2)
	if err != nil {
		t.Fatalf("second Encode fails: %v\noutput: %s", err, b1)
	}
	if !bytes.Equal(b1, b2) {
		c1, _ := canonPrimitive(b1, false)
		c2, _ := canonPrimitive(b2, false)
		j1, _ := json.Marshal(c1)
		j2, _ := json.Marshal(c2)
		if !bytes.Equal(j1, j2) {
			t.Fatalf("decode->encode not stable for input %q:\nfirst:  %s\nsecond: %s", data, b1, b2)
		}
	}
}

// FuzzEncodeWith decodes arbitrary input and backports it to an arbitrary target version and
// manifest: no panic, typed errors only, and a successful output decodes again.
func FuzzEncodeWith(f *testing.F) {
	addGoldenSeeds(f, func(c goldenCase) {
		if c.Op == "backport" {
			m, _ := json.Marshal(c.Manifest)
			f.Add([]byte(c.Input), c.TargetVersion, m)
		}
	})
	f.Add([]byte(`{}`), "1.0", []byte(`{"Network":"1.0"}`))
	f.Fuzz(func(t *testing.T, data []byte, target string, manifest []byte) {
		o, err := objects.Decode(data)
		if err != nil {
			return // FuzzDecode covers this
		}
		var m map[string]string
		if json.Unmarshal(manifest, &m) != nil {
			m = nil
		}
		out, err := objects.EncodeWith(o, objects.EncodeOptions{TargetVersion: target, Manifest: m})
		if err != nil {
			if !isTypedError(err) {
				t.Fatalf("EncodeWith(%q, %q): untyped error %T: %v", target, m, err, err)
			}
			return
		}
		if _, err := objects.Decode(out); err != nil {
			t.Fatalf("our backported output does not decode: %v\nin: %q target %q manifest %q\nout: %s", err, data, target, m, out)
		}
	})
}

// FuzzDecodeField puts an arbitrary JSON value into one field of one class (chosen by index
// over objects.Classes()), so the fuzzer spends its time in the value parsers (MAC, PCI, IP,
// CIDR, enums, lists, nested envelopes) rather than on the envelope. Same checks as FuzzDecode.
func FuzzDecodeField(f *testing.F) {
	classes := objects.Classes()
	for ci, c := range classes {
		for fi := range c.Fields {
			f.Add(uint8(ci), uint8(fi), []byte(`"fa:16:3e:00:11:22"`))
		}
	}
	for _, v := range []string{`"10.0.0.1"`, `"::ffff:10.0.0.1"`, `"2001:db8::/64"`, `"0000:3b:00.2"`, `"vepa"`, `null`,
		`["8.8.8.8"]`, `1500`, `true`, `{"versioned_object.name":"Network","versioned_object.namespace":"os_vif","versioned_object.version":"1.1","versioned_object.data":{}}`} {
		f.Add(uint8(0), uint8(0), []byte(v))
	}
	f.Fuzz(func(t *testing.T, ci, fi uint8, value []byte) {
		c := classes[int(ci)%len(classes)]
		if len(c.Fields) == 0 {
			return
		}
		fd := c.Fields[int(fi)%len(c.Fields)]
		name, _ := json.Marshal(fd.Name)
		var b bytes.Buffer
		b.WriteString(`{"versioned_object.name":"` + c.Name + `","versioned_object.namespace":"os_vif","versioned_object.version":"` +
			c.Version + `","versioned_object.data":{`)
		b.Write(name)
		b.WriteByte(':')
		b.Write(value)
		b.WriteString(`}}`)
		checkDecodeStable(t, b.Bytes())
	})
}
