package objects_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/govif/govif/objects"
)

// Strings are read as Python's json.loads reads bytes (UTF-8 with "surrogatepass", see
// docs/wire-format.md "Strings"): lone UTF-16 surrogates are kept and written back as the same
// escape, invalid UTF-8 is rejected with a *FieldError naming the field, and nothing is ever
// replaced with U+FFFD. The expected outputs are what Python os-vif 3.0.0 re-emits (json.dumps
// writes "\ud800\udc00" for U+10000 where govif writes the character; the same JSON value).

func vifBridgeWithName(raw string) []byte {
	return []byte(`{"versioned_object.name":"VIFBridge","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{"vif_name":` + raw + `}}`)
}

func TestDecodeKeepsStrings(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{`"a\ud800b"`, `"a\ud800b"`},
		{`"\udc00"`, `"\udc00"`},
		{`"\uDBFF\uDFFF"`, "\"\U0010ffff\""},
		{`"\ud800\u0041"`, `"\ud800A"`}, // a high surrogate not followed by a low one stays alone
		{`"\ud800\udc00"`, "\"\U00010000\""},
		{`"\udc00\ud800"`, `"\udc00\ud800"`},
		{`"\ud800\ud800\udc00"`, "\"\\ud800\U00010000\""},
		{`"\ud800\\udc00"`, `"\ud800\\udc00"`},
		{`"\ud800\u12"`, ""},                                                       // bad escape after a high surrogate: a syntax error
		{"\"a\xed\xa0\x80b\"", `"a\ud800b"`},                                       // surrogatepass: the raw encoding is accepted
		{"\"\xed\xa0\x80\xed\xb0\x80\"", `"\ud800\udc00"`},                         // as Python: two surrogates, same JSON text
		{"\"\\ud800\xed\xb0\x80\"", `"\ud800\udc00"`},                              // escape then raw low surrogate: not joined
		{"\"\xed\x9f\xbf \\n \xe2\x82\xac\"", "\"\xed\x9f\xbf \\n \xe2\x82\xac\""}, // U+D7FF, U+20AC
	} {
		o, err := objects.Decode(vifBridgeWithName(tc.raw))
		if tc.want == "" {
			var se *objects.SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("%s: got %v, want a *SyntaxError", tc.raw, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.raw, err)
			continue
		}
		out, err := objects.Encode(o)
		if err != nil {
			t.Fatalf("%s: %v", tc.raw, err)
		}
		if got := string(out[strings.Index(string(out), `"vif_name":`)+len(`"vif_name":`) : len(out)-2]); got != tc.want {
			t.Errorf("%s: re-emitted as %s, want %s", tc.raw, got, tc.want)
		}
		// The output decodes to the same object again, except where two surrogates read
		// separately meet as a pair: written as "\ud800\udc00" they are read back as U+10000,
		// exactly as Python's json.loads(json.dumps(s)) does.
		if strings.Contains(tc.want, `\ud800\udc00`) {
			continue
		}
		o2, err := objects.Decode(out)
		if err != nil {
			t.Fatalf("%s: decoding the output %s: %v", tc.raw, out, err)
		}
		out2, _ := objects.Encode(o2)
		if string(out2) != string(out) {
			t.Errorf("%s: second round trip %s, first %s", tc.raw, out2, out)
		}
	}
}

func TestDecodeRejectsInvalidUTF8(t *testing.T) {
	const envelope = `{"versioned_object.name":"VIFBridge","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":`
	const network = `{"network":{"versioned_object.name":"Network","versioned_object.namespace":"os_vif","versioned_object.version":"1.1","versioned_object.data":{"label":`
	for _, tc := range []struct {
		in   string
		path string // "" for a *SyntaxError
		bad  string // the bad bytes; the error's offset points at them
	}{
		{envelope + "{\"vif_name\":\"a\xffb\"}}", "VIFBridge.vif_name", "\xff"},
		{envelope + "{\"vif_name\":\"\xc3\x28\"}}", "VIFBridge.vif_name", "\xc3\x28"},
		{envelope + "{\"vif_name\":\"\\n\xc0\x80\"}}", "VIFBridge.vif_name", "\xc0\x80"},      // after an escape
		{envelope + "{\"vif_name\":\"\xf4\x90\x80\x80\"}}", "VIFBridge.vif_name", "\xf4\x90"}, // beyond U+10FFFF
		{envelope + "{\"vif_name\":\"ab\xed\xa0\"}}", "VIFBridge.vif_name", "\xed\xa0\""},     // truncated
		{envelope + "{\"bridge_name\":\"br\",\"vif_name\":\"\\u00e9\xe9\"}}", "VIFBridge.vif_name", "\xe9\""},
		{envelope + network + "\"x\xfe\"}}}}", "VIFBridge.network.label", "\xfe"},
		{envelope + "{\"unknown\":\"\xff\"}}", "", "\xff"},
		{envelope + "{\"vif_\xffname\":\"x\"}}", "", "\xff"},
		{"{\"versioned_object.name\":\"VIFBr\xffidge\"}", "", "\xff"},
	} {
		_, err := objects.Decode([]byte(tc.in))
		var se *objects.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: got %v, want an error with a *SyntaxError inside", tc.in, err)
			continue
		}
		if want := strings.Index(tc.in, tc.bad); se.Offset != want {
			t.Errorf("%q: offset %d, want %d (%v)", tc.in, se.Offset, want, err)
		}
		var fe *objects.FieldError
		switch {
		case tc.path == "" && errors.As(err, &fe):
			t.Errorf("%q: got *FieldError %v, want a *SyntaxError", tc.in, err)
		case tc.path != "" && !errors.As(err, &fe):
			t.Errorf("%q: got %T %v, want a *FieldError at %s", tc.in, err, err, tc.path)
		case tc.path != "" && fe.Path != tc.path:
			t.Errorf("%q: path %q, want %q", tc.in, fe.Path, tc.path)
		case tc.path != "" && !strings.Contains(err.Error(), "invalid UTF-8"):
			t.Errorf("%q: message %q does not say what is wrong", tc.in, err)
		}
	}
}

// TestEncodeStringsSetInGo: a surrogate set in Go (as the decoder stores it) is written as its
// escape; other invalid UTF-8 set in Go is a *FieldError naming the field, never altered.
func TestEncodeStringsSetInGo(t *testing.T) {
	for in, want := range map[string]string{
		"a\xed\xbf\xbfb":           `"vif_name":"a\udfffb"`,
		"\xed\xa0\x80\xed\xb0\x80": `"vif_name":"\ud800\udc00"`,
		"x\xed\x9f\xbfy":           "\"vif_name\":\"x\xed\x9f\xbfy\"",
		"\xed\xa0\x80\xed":         "",
		"x\xed\x9f\xbfy\xff":       "",
		"\xc0\x80":                 "",
	} {
		out, err := objects.Encode(&objects.VIFBridge{VIFName: objects.Set(in)})
		if want == "" {
			var fe *objects.FieldError
			if !errors.As(err, &fe) || fe.Path != "VIFBridge.vif_name" || !strings.Contains(err.Error(), "invalid UTF-8") {
				t.Errorf("%q: got %s, %v; want a *FieldError at VIFBridge.vif_name", in, out, err)
			}
			if err2 := objects.Validate(&objects.VIFBridge{VIFName: objects.Set(in)}); err2 == nil {
				t.Errorf("%q: Validate accepts what Encode rejects", in)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if !strings.Contains(string(out), want) {
			t.Errorf("%q: encoded as %s, want %s", in, out, want)
		}
	}
}

// TestGoldenSurrogatesExact: the golden round trips with lone surrogates (recorded from Python
// os-vif) give byte for byte Python's output string. TestGolden compares through encoding/json,
// which turns every lone surrogate into U+FFFD, so it cannot tell these apart.
func TestGoldenSurrogatesExact(t *testing.T) {
	n := 0
	for _, c := range loadGolden(t) {
		if !strings.Contains(c.Name, "surrogate") {
			continue
		}
		n++
		o, err := objects.Decode(c.Input)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		got, err := objects.Encode(o)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		const key = `"vif_name":`
		i := strings.Index(string(c.Output), key)
		if i < 0 {
			t.Fatalf("%s: no vif_name in Python's output %s", c.Name, c.Output)
		}
		want := string(c.Output[i:])
		want = want[:strings.IndexByte(want[len(key)+1:], '"')+len(key)+2]
		if !strings.Contains(string(got), want) {
			t.Errorf("%s: govif writes %s, Python os-vif %s", c.Name, got, want)
		}
	}
	if n < 2 {
		t.Fatalf("found %d golden surrogate cases, want at least 2", n)
	}
}
