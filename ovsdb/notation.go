package ovsdb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// UUID is a row UUID, encoded as ["uuid","<uuid>"] on the wire.
type UUID string

// MarshalJSON encodes u as ["uuid", u].
func (u UUID) MarshalJSON() ([]byte, error) {
	return json.Marshal([2]string{"uuid", string(u)})
}

// UnmarshalJSON decodes ["uuid", "..."].
func (u *UUID) UnmarshalJSON(b []byte) error {
	var pair [2]string
	if err := json.Unmarshal(b, &pair); err != nil || pair[0] != "uuid" {
		return fmt.Errorf("ovsdb: %s is not a uuid", clip(b))
	}
	*u = UUID(pair[1])
	return nil
}

// NamedUUID refers, inside one transaction, to the row an insert operation created with the
// same uuid-name. It is encoded as ["named-uuid","<name>"]. ovsdb-server only accepts names of
// the form [A-Za-z_][A-Za-z0-9_]*; see ValidUUIDName.
type NamedUUID string

// MarshalJSON encodes n as ["named-uuid", n].
func (n NamedUUID) MarshalJSON() ([]byte, error) {
	return json.Marshal([2]string{"named-uuid", string(n)})
}

// ValidUUIDName reports whether s is accepted by ovsdb-server as a uuid-name. Device names such
// as "tap581939de-24" are not: generate names instead of deriving them from device names.
func ValidUUIDName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

// Set is an OVSDB set of atoms (string, int, float64, bool, UUID or NamedUUID), encoded as
// ["set",[...]]. An empty Set clears an optional column. When reading, a set column may also
// arrive as a bare atom (a one-element set); the Row accessors accept both.
type Set []any

// MarshalJSON encodes s as ["set",[...]], with [] for an empty or nil set.
func (s Set) MarshalJSON() ([]byte, error) {
	elems := []any(s)
	if elems == nil {
		elems = []any{}
	}
	return json.Marshal([]any{"set", elems})
}

// Map is an OVSDB map with string keys and string values (external_ids, options,
// other_config), encoded as ["map",[[k,v],...]] with keys sorted, so the encoding is stable.
type Map map[string]string

// MarshalJSON encodes m as ["map",[[k,v],...]].
func (m Map) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([][2]string, 0, len(m))
	for _, k := range keys {
		pairs = append(pairs, [2]string{k, m[k]})
	}
	return json.Marshal([]any{"map", pairs})
}

// UnmarshalJSON decodes ["map",[[k,v],...]] with string keys and values.
func (m *Map) UnmarshalJSON(b []byte) error {
	var tagged [2]json.RawMessage
	if err := json.Unmarshal(b, &tagged); err != nil {
		return fmt.Errorf("ovsdb: %s is not a map: %w", clip(b), err)
	}
	var tag string
	if err := json.Unmarshal(tagged[0], &tag); err != nil || tag != "map" {
		return fmt.Errorf("ovsdb: %s is not a map", clip(b))
	}
	var pairs [][2]string
	if err := json.Unmarshal(tagged[1], &pairs); err != nil {
		return fmt.Errorf("ovsdb: map %s does not have string keys and values: %w", clip(b), err)
	}
	out := make(Map, len(pairs))
	for _, p := range pairs {
		out[p[0]] = p[1]
	}
	*m = out
	return nil
}

// Row is one row of a reply (select results, monitor updates): column name to the column's
// raw JSON value. The typed accessors decode a column, accepting a set column both as
// ["set",[...]] and as a bare atom.
type Row map[string]json.RawMessage

// Has reports whether the reply carried the column.
func (r Row) Has(col string) bool { _, ok := r[col]; return ok }

// UUID returns the row's _uuid column.
func (r Row) UUID() (UUID, error) {
	var u UUID
	err := r.decode("_uuid", &u)
	return u, err
}

// String returns a string column, or the one element of an optional string column ("" when
// the set is empty).
func (r Row) String(col string) (string, error) {
	var out []string
	if err := r.setOf(col, &out); err != nil {
		return "", err
	}
	if len(out) == 0 {
		return "", nil
	}
	return out[0], nil
}

// Int returns an integer column, or the one element of an optional integer column; ok is
// false when the optional column is empty.
func (r Row) Int(col string) (v int, ok bool, err error) {
	var out []int
	if err := r.setOf(col, &out); err != nil {
		return 0, false, err
	}
	if len(out) == 0 {
		return 0, false, nil
	}
	return out[0], true, nil
}

// UUIDs returns a set-of-references column (or a single reference) as a slice.
func (r Row) UUIDs(col string) ([]UUID, error) {
	var out []UUID
	err := r.setOf(col, &out)
	return out, err
}

// Strings returns a set-of-strings column as a slice.
func (r Row) Strings(col string) ([]string, error) {
	var out []string
	err := r.setOf(col, &out)
	return out, err
}

// Map returns a string-to-string map column.
func (r Row) Map(col string) (Map, error) {
	var m Map
	err := r.decode(col, &m)
	return m, err
}

func (r Row) decode(col string, v any) error {
	raw, ok := r[col]
	if !ok {
		return fmt.Errorf("ovsdb: row has no column %q", col)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("ovsdb: column %q: %w", col, err)
	}
	return nil
}

// setOf decodes a column that is either ["set",[atoms]] or one bare atom into *[]T.
func setOf[T any](raw json.RawMessage, out *[]T) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var tagged [2]json.RawMessage
		if err := json.Unmarshal(trimmed, &tagged); err == nil {
			var tag string
			if json.Unmarshal(tagged[0], &tag) == nil && tag == "set" {
				return json.Unmarshal(tagged[1], out)
			}
		}
	}
	var one T
	if err := json.Unmarshal(trimmed, &one); err != nil {
		return err
	}
	*out = []T{one}
	return nil
}

func (r Row) setOf(col string, out any) error {
	raw, ok := r[col]
	if !ok {
		return fmt.Errorf("ovsdb: row has no column %q", col)
	}
	var err error
	switch o := out.(type) {
	case *[]string:
		err = setOf(raw, o)
	case *[]int:
		err = setOf(raw, o)
	case *[]UUID:
		err = setOf(raw, o)
	default:
		panic(fmt.Sprintf("ovsdb: setOf: unsupported %T", out))
	}
	if err != nil {
		return fmt.Errorf("ovsdb: column %q: %s: %w", col, clip(raw), err)
	}
	return nil
}

// clip shortens raw JSON for error messages.
func clip(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + "..."
	}
	return string(b)
}
