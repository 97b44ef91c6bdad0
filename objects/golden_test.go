package objects_test

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/objects"
)

// goldenCase is one case of objects/testdata/golden/*.json, recorded from Python os-vif 3.0.0 by
// scripts/gen-objects-golden.py (see objects/testdata/README.md).
type goldenCase struct {
	Name          string            `json:"name"`
	Op            string            `json:"op"` // roundtrip | backport
	Input         json.RawMessage   `json:"input"`
	TargetVersion string            `json:"target_version"`
	Manifest      map[string]string `json:"manifest"`
	Output        json.RawMessage   `json:"output"`
	Error         *pyError          `json:"error"`
	HandWritten   bool              `json:"hand_written"`
	// FieldPath (rejects of a bad value) is where the value is; a *FieldError's Path must start
	// with it.
	FieldPath string `json:"field_path"`
}

// pyError is the exception Python raised for a case.
type pyError struct {
	Stage   string `json:"stage"` // decode | encode
	Class   string `json:"class"`
	Module  string `json:"module"`
	Message string `json:"message"`
}

const goldenDir = "testdata/golden"

func loadGolden(t testing.TB) []goldenCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in %s (%v)", goldenDir, err)
	}
	var all []goldenCase
	for _, f := range files {
		if filepath.Base(f) == "deviations.json" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Cases []goldenCase `json:"cases"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		all = append(all, doc.Cases...)
	}
	return all
}

// TestGolden replays every case Python os-vif 3.0.0 recorded and checks govif gives the same
// result: the same output (changes compared as sets) or an error of the matching type, unless the
// case is a documented deviation, which is checked instead.
func TestGolden(t *testing.T) {
	cases := loadGolden(t)
	devs := loadDeviations(t)
	casesByName = map[string]goldenCase{}
	for _, c := range cases {
		casesByName[c.Name] = c
	}
	if len(cases) < 700 {
		t.Fatalf("only %d golden cases", len(cases))
	}
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.Name] {
			t.Errorf("duplicate case name %q", c.Name)
		}
		seen[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			got, gotErr := runGolden(c)
			if d := findDeviation(devs, c.Name); d != nil {
				checkDeviation(t, c, d, got, gotErr)
				return
			}
			checkLikePython(t, c, got, gotErr)
		})
	}
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" && f.Value.String() != "TestGolden" {
		return // a subset ran: staleness cannot be judged
	}
	for _, d := range devs {
		if !d.used {
			t.Errorf("deviation %q matches no golden case (stale entry)", d.Case)
		}
	}
}

// runGolden does with govif what the case did with Python: decode, then encode (backported).
func runGolden(c goldenCase) ([]byte, error) {
	o, err := objects.Decode(c.Input)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	var out []byte
	if c.Op == "backport" {
		out, err = objects.EncodeWith(o, objects.EncodeOptions{TargetVersion: c.TargetVersion, Manifest: c.Manifest})
	} else {
		out, err = objects.Encode(o)
	}
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return out, nil
}

func checkLikePython(t *testing.T, c goldenCase, got []byte, gotErr error) {
	t.Helper()
	if c.Error != nil {
		if gotErr == nil {
			t.Fatalf("Python raised %s: %s (at %s); govif accepted and gave %s", c.Error.Class, c.Error.Message, c.Error.Stage, got)
		}
		if !strings.HasPrefix(gotErr.Error(), c.Error.Stage+":") {
			t.Errorf("Python failed at %s, govif: %v", c.Error.Stage, gotErr)
		}
		checkErrorType(t, c.Error, gotErr)
		var fe *objects.FieldError
		if c.FieldPath != "" && errors.As(gotErr, &fe) && !strings.HasPrefix(fe.Path, c.FieldPath) {
			t.Errorf("FieldError path %q does not name the bad field %q", fe.Path, c.FieldPath)
		}
		return
	}
	if gotErr != nil {
		t.Fatalf("Python succeeded with %s\ngovif: %v", c.Output, gotErr)
	}
	compareJSON(t, c.Output, got, false)
}

// checkErrorType checks govif's error is the typed counterpart of Python's exception, with
// os-vif's message where oslo.versionedobjects defines one.
func checkErrorType(t *testing.T, pe *pyError, err error) {
	t.Helper()
	if !isTypedError(err) {
		t.Fatalf("govif error is not one of the package's typed errors: %v (%T)", err, errors.Unwrap(err))
	}
	switch pe.Class {
	case "UnsupportedObjectError":
		var e *objects.UnsupportedObjectError
		if !errors.As(err, &e) {
			t.Fatalf("want *UnsupportedObjectError (Python: %s), got %v", pe.Message, err)
		}
		if e.Error() != pe.Message {
			t.Errorf("message: Python %q, govif %q", pe.Message, e.Error())
		}
	case "IncompatibleObjectVersion":
		var e *objects.IncompatibleVersionError
		if !errors.As(err, &e) {
			t.Fatalf("want *IncompatibleVersionError (Python: %s), got %v", pe.Message, err)
		}
		if e.Error() != pe.Message {
			t.Errorf("message: Python %q, govif %q", pe.Message, e.Error())
		}
	case "InvalidTargetVersion":
		var e *objects.InvalidTargetVersionError
		if !errors.As(err, &e) {
			t.Fatalf("want *InvalidTargetVersionError (Python: %s), got %v", pe.Message, err)
		}
		if !strings.HasPrefix(e.Error(), pe.Message) {
			t.Errorf("message: Python %q, govif %q", pe.Message, e.Error())
		}
	case "ObjectActionError":
		var e *objects.ObjectActionError
		if !errors.As(err, &e) {
			t.Fatalf("want *ObjectActionError (Python: %s), got %v", pe.Message, err)
		}
	case "ValueError", "TypeError", "KeyError":
		var e *objects.FieldError
		if !errors.As(err, &e) {
			t.Fatalf("want *FieldError (Python %s: %s), got %v", pe.Class, pe.Message, err)
		}
		if e.Path == "" {
			t.Errorf("FieldError without a path: %v", err)
		}
	}
}

// isTypedError reports whether err is (or wraps) one of the package's exported error types.
func isTypedError(err error) bool {
	var (
		fe  *objects.FieldError
		se  *objects.SyntaxError
		ue  *objects.UnsupportedObjectError
		ive *objects.IncompatibleVersionError
		ite *objects.InvalidTargetVersionError
		oae *objects.ObjectActionError
	)
	return errors.As(err, &fe) || errors.As(err, &se) || errors.As(err, &ue) || errors.As(err, &ive) ||
		errors.As(err, &ite) || errors.As(err, &oae)
}

func errorTypeName(err error) string {
	var (
		fe  *objects.FieldError
		se  *objects.SyntaxError
		ue  *objects.UnsupportedObjectError
		ive *objects.IncompatibleVersionError
		ite *objects.InvalidTargetVersionError
		oae *objects.ObjectActionError
	)
	switch {
	case errors.As(err, &ue):
		return "UnsupportedObjectError"
	case errors.As(err, &ive):
		return "IncompatibleVersionError"
	case errors.As(err, &ite):
		return "InvalidTargetVersionError"
	case errors.As(err, &oae):
		return "ObjectActionError"
	case errors.As(err, &fe):
		return "FieldError"
	case errors.As(err, &se):
		return "SyntaxError"
	}
	return fmt.Sprintf("%T", err)
}

// compareJSON compares two primitives with every versioned_object.changes list as a set.
func compareJSON(t *testing.T, want, got []byte, ignoreChanges bool) {
	t.Helper()
	w, err := canonPrimitive(want, ignoreChanges)
	if err != nil {
		t.Fatalf("want: %v", err)
	}
	g, err := canonPrimitive(got, ignoreChanges)
	if err != nil {
		t.Fatalf("govif output is not JSON: %v\n%s", err, got)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("output differs from Python os-vif (-python +govif):\n%s", diff)
	}
}

// canonPrimitive parses a primitive and sorts (or drops) every changes list.
func canonPrimitive(b []byte, dropChanges bool) (any, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return canonValue(v, dropChanges), nil
}

func canonValue(v any, dropChanges bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k == "versioned_object.changes" {
				if dropChanges {
					continue
				}
				if l, ok := e.([]any); ok {
					s := make([]string, 0, len(l))
					for _, n := range l {
						s = append(s, fmt.Sprint(n))
					}
					sort.Strings(s)
					out[k] = s
					continue
				}
			}
			out[k] = canonValue(e, dropChanges)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canonValue(e, dropChanges)
		}
		return out
	}
	return v
}

// TestGoldenCoversEveryClassVersion checks the corpus decodes every class at every version
// Python os-vif 3.0.0 has (the OVS profile family's 1.4 is covered by head.json instead).
func TestGoldenCoversEveryClassVersion(t *testing.T) {
	have := map[string]bool{}
	for _, c := range loadGolden(t) {
		if c.Op != "roundtrip" || c.Error != nil {
			continue
		}
		var env struct {
			Name    string `json:"versioned_object.name"`
			Version string `json:"versioned_object.version"`
		}
		if json.Unmarshal(c.Input, &env) == nil {
			have[env.Name+"@"+env.Version] = true
		}
	}
	classes := objects.Classes()
	if len(classes) != 31 {
		t.Errorf("objects.Classes() has %d classes, want 31", len(classes))
	}
	for _, c := range classes {
		for _, v := range c.History {
			if v.Version == "1.4" && pythonMax[c.Name] == "1.3" {
				if !have[c.Name+"@1.3"] {
					t.Errorf("no golden round trip of %s@1.3", c.Name)
				}
				continue
			}
			if !have[c.Name+"@"+v.Version] {
				t.Errorf("no golden round trip of %s@%s", c.Name, v.Version)
			}
		}
	}
}
