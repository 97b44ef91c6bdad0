package objects_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/govif/govif/objects"
)

// This file holds the deviations side of TestGolden: testdata/golden/deviations.json lists
// where govif deliberately differs from Python os-vif and what it does instead.

// deviation is an entry of golden/deviations.json: a case (or a path.Match pattern of case names)
// where govif deliberately differs from Python os-vif, and what govif does instead.
type deviation struct {
	Case   string `json:"case"`
	Doc    string `json:"doc"`    // docs/wire-format.md#anchor
	Reason string `json:"reason"` // one line
	// Expect is "reject" (govif returns a typed error), "accept" (govif succeeds; Output, when
	// given, is the expected result) or "output" (govif succeeds with Output).
	Expect string `json:"expect"`
	// ErrorType names the error type govif returns for "reject" ("FieldError", ...); "" = any typed error.
	ErrorType string          `json:"error_type"`
	Output    json.RawMessage `json:"output"`
	// IgnoreChanges compares outputs without versioned_object.changes.
	IgnoreChanges bool `json:"ignore_changes"`
	// SameAs names another case whose Python output govif must give instead (e.g. a manifest
	// keyed by the concrete class gives what Python gives for the declared base class).
	SameAs string `json:"same_as"`
	// SameAsReplace derives that other case's name from this one's: [old, new] replaces old
	// by new (for patterns, e.g. ["/nomanifest", "/emptymanifest"]).
	SameAsReplace []string `json:"same_as_replace"`
	// OutputIsInput: govif must give back the input primitive unchanged.
	OutputIsInput bool `json:"output_is_input"`
	// DropFields lists data keys govif leaves out where Python keeps them: "field" (in any
	// object), "Class:field" or "Class@version:field". They are removed from Python's output
	// before comparing.
	DropFields []string `json:"drop_fields"`
	// FilterChanges compares each changes list only over the keys in its object's data (govif
	// filters nested changes lists; Python leaves them unfiltered after a manifest backport).
	FilterChanges bool `json:"filter_changes"`
	used          bool
}

func loadDeviations(t testing.TB) []*deviation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, "deviations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Deviations []*deviation `json:"deviations"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("deviations.json: %v", err)
	}
	for _, d := range doc.Deviations {
		if !strings.HasPrefix(d.Doc, "docs/wire-format.md") || d.Reason == "" {
			t.Errorf("deviation %q: needs a reason and a docs/wire-format.md link", d.Case)
		}
		if _, err := path.Match(d.Case, ""); err != nil {
			t.Errorf("deviation %q: bad pattern: %v", d.Case, err)
		}
	}
	return doc.Deviations
}

func findDeviation(devs []*deviation, name string) *deviation {
	for _, d := range devs {
		if ok, _ := path.Match(d.Case, name); ok || d.Case == name {
			d.used = true
			return d
		}
	}
	return nil
}

func checkDeviation(t *testing.T, c goldenCase, d *deviation, got []byte, gotErr error) {
	t.Helper()
	t.Logf("documented deviation (%s): %s", d.Doc, d.Reason)
	switch d.Expect {
	case "reject":
		if gotErr == nil {
			t.Fatalf("govif should reject (%s) but gave %s", d.Reason, got)
		}
		if !isTypedError(gotErr) {
			t.Fatalf("untyped error: %v", gotErr)
		}
		if d.ErrorType != "" {
			var fe *objects.FieldError
			name := errorTypeName(gotErr)
			if name != d.ErrorType && !(d.ErrorType == "FieldError" && errors.As(gotErr, &fe)) {
				t.Fatalf("want %s, got %s: %v", d.ErrorType, name, gotErr)
			}
		}
	case "accept", "output":
		if gotErr != nil {
			t.Fatalf("govif should accept (%s): %v", d.Reason, gotErr)
		}
		want := d.Output
		ref := d.SameAs
		if len(d.SameAsReplace) == 2 {
			ref = strings.Replace(c.Name, d.SameAsReplace[0], d.SameAsReplace[1], 1)
		}
		if ref != "" {
			other, ok := casesByName[ref]
			if !ok || other.Output == nil {
				t.Fatalf("deviation %q refers to case %q: no such case with an output", d.Case, ref)
			}
			want = other.Output
		}
		if d.OutputIsInput {
			want = c.Input
		}
		if want == nil && d.Expect == "output" {
			want = c.Output
		}
		if want == nil {
			if d.Expect == "output" {
				t.Fatalf("deviation %q expects an output but names none and Python gave none", d.Case)
			}
			return
		}
		if len(d.DropFields) > 0 || d.FilterChanges {
			want = transformPrimitive(t, want, d.DropFields, d.FilterChanges)
			got = transformPrimitive(t, got, nil, d.FilterChanges)
		}
		compareJSON(t, want, got, d.IgnoreChanges)
	default:
		t.Fatalf("deviation %q: unknown expect %q", d.Case, d.Expect)
	}
}

// casesByName indexes the golden cases for deviations that refer to another case (same_as).
var casesByName map[string]goldenCase

// transformPrimitive removes the listed data keys (see deviation.DropFields) and, with
// filterChanges, reduces every changes list to the keys of its object's data.
func transformPrimitive(t *testing.T, b []byte, drop []string, filterChanges bool) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("transform: %v", err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			name, _ := x["versioned_object.name"].(string)
			version, _ := x["versioned_object.version"].(string)
			data, isEnv := x["versioned_object.data"].(map[string]any)
			if !isEnv {
				for _, e := range x {
					walk(e)
				}
				return
			}
			for _, spec := range drop {
				field := spec
				if i := strings.LastIndexByte(spec, ':'); i >= 0 {
					cls, ver, _ := strings.Cut(spec[:i], "@")
					field = spec[i+1:]
					if cls != name || (ver != "" && ver != version) {
						continue
					}
				}
				delete(data, field)
			}
			for _, e := range data {
				walk(e)
			}
			if l, ok := x["versioned_object.changes"].([]any); ok && filterChanges {
				kept := []any{}
				for _, c := range l {
					if _, ok := data[fmt.Sprint(c)]; ok {
						kept = append(kept, c)
					}
				}
				if len(kept) == 0 {
					delete(x, "versioned_object.changes")
				} else {
					x["versioned_object.changes"] = kept
				}
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeviationDocLinks checks that every deviation's link points at a heading of
// docs/wire-format.md (GitHub anchor rules), so the documented behaviour can be found.
func TestDeviationDocLinks(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "wire-format.md"))
	if err != nil {
		t.Skipf("docs/wire-format.md not readable: %v", err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		anchors[githubAnchor(strings.TrimLeft(line, "#"))] = true
	}
	for _, d := range loadDeviations(t) {
		_, anchor, _ := strings.Cut(d.Doc, "#")
		if !anchors[anchor] {
			t.Errorf("deviation %q links %s, but docs/wire-format.md has no heading with that anchor", d.Case, d.Doc)
		}
	}
}

// githubAnchor turns a Markdown heading into its GitHub anchor: lower case, spaces to '-',
// punctuation other than '-' and '_' removed.
func githubAnchor(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
