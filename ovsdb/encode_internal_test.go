package ovsdb

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The direct encoder must produce the same JSON values as encoding/json does.
func TestAppendValueMatchesEncodingJSON(t *testing.T) {
	values := []any{
		nil, "plain", "tap581939de-24", "quote\" back\\slash", "ctl\x01\n", "unicode é ✓", "<&>", 0, -7, int64(1 << 40), true,
		UUID("u1"), NamedUUID("row1"), Set{}, Set{1, "a", UUID("u")}, Map{}, Map{"b": "2", "a": "1"},
		map[string]any{"z": 1, "a": Set{NamedUUID("x")}}, []string{"a", "b"}, []any{1, "x"},
		[]Condition{Equal("name", "x"), Includes("ports", Set{UUID("u")})},
		[]Mutation{{"ports", "insert", Set{NamedUUID("p")}}},
		[]map[string]any{{"qos": Set{}}},
		Insert("Port", map[string]any{"name": "p", "tag": 4095}, "row2"),
		Wait("Port", []Condition{Equal("name", "p")}, []string{"_uuid"}, "==", nil, 0),
		Mutate("Bridge", nil, Mutation{"ports", "delete", Set{UUID("u")}}),
		3.5, // falls back to encoding/json
	}
	for _, v := range values {
		got, err := appendValue(nil, v)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%#v: direct encoding is not JSON: %s", v, got)
		}
		json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%#v:\n direct %s\n  json  %s", v, got, want)
		}
	}
	req, err := encodeRequest("transact", []any{"Open_vSwitch", Comment("x")}, 42)
	if err != nil || string(req) != `{"method":"transact","params":["Open_vSwitch",{"comment":"x","op":"comment"}],"id":42}` {
		t.Fatalf("request %s %v", req, err)
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("tap581939de-24")
	f.Add("\"\\\x00é")
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q encoded as invalid JSON %s", s, b)
		}
		want, _ := json.Marshal(s)
		var w string
		json.Unmarshal(want, &w)
		if back != w {
			t.Fatalf("%q round-tripped to %q, encoding/json gives %q", s, back, w)
		}
	})
}
