package objects

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readUnit reads a file of testdata/unit.
func readUnit(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "unit", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readUnitMap reads a testdata/unit file holding a JSON object of primitives.
func readUnitMap(t testing.TB, name string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(readUnit(t, name), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// normalize parses JSON and sorts every versioned_object.changes list, so that primitives
// compare as oslo defines them (changes is a set).
func normalize(t testing.TB, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, b)
	}
	return sortChanges(v)
}

func sortChanges(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == keyChanges {
				if l, ok := e.([]any); ok {
					sort.Slice(l, func(i, j int) bool { return l[i].(string) < l[j].(string) })
				}
				continue
			}
			x[k] = sortChanges(e)
		}
	case []any:
		for i := range x {
			x[i] = sortChanges(x[i])
		}
	}
	return v
}

// assertSamePrimitive fails t unless got and want are the same primitive (changes as sets).
func assertSamePrimitive(t testing.TB, got, want []byte) {
	t.Helper()
	if d := cmp.Diff(normalize(t, want), normalize(t, got)); d != "" {
		t.Errorf("primitive differs (-want +got):\n%s", d)
	}
}
