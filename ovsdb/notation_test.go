package ovsdb_test

import (
	"encoding/json"
	"testing"

	"github.com/govif/govif/ovsdb"
)

// Golden wire encodings (RFC 7047 §5.1, §5.2; the uuid member is the OVS extension).
func TestEncodeGolden(t *testing.T) {
	one := 1
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"uuid", ovsdb.UUID("36a9e2f6-3bd4-4bd8-b1b1-3e5d6b5b6d43"), `["uuid","36a9e2f6-3bd4-4bd8-b1b1-3e5d6b5b6d43"]`},
		{"named-uuid", ovsdb.NamedUUID("row1"), `["named-uuid","row1"]`},
		{"empty set", ovsdb.Set{}, `["set",[]]`},
		{"nil set", ovsdb.Set(nil), `["set",[]]`},
		{"set of one", ovsdb.Set{"a"}, `["set",["a"]]`},
		{"set of refs", ovsdb.Set{ovsdb.NamedUUID("row1"), ovsdb.UUID("u2")}, `["set",[["named-uuid","row1"],["uuid","u2"]]]`},
		{"set of ints", ovsdb.Set{10, 20}, `["set",[10,20]]`},
		{"empty map", ovsdb.Map{}, `["map",[]]`},
		{"map sorted", ovsdb.Map{"vm-uuid": "v", "iface-id": "i"}, `["map",[["iface-id","i"],["vm-uuid","v"]]]`},
		{"condition", ovsdb.Equal("name", "tap1-2"), `["name","==","tap1-2"]`},
		{"includes", ovsdb.Includes("external_ids", ovsdb.Map{"iface-id": "x"}), `["external_ids","includes",["map",[["iface-id","x"]]]]`},
		{"mutation", ovsdb.Mutation{Column: "next_cfg", Mutator: "+=", Value: 1}, `["next_cfg","+=",1]`},
		{"insert", ovsdb.Insert("Port", map[string]any{"name": "p"}, "row2"), `{"op":"insert","row":{"name":"p"},"table":"Port","uuid-name":"row2"}`},
		{"insert with uuid", ovsdb.Operation{Op: ovsdb.OpInsert, Table: "QoS", UUID: "u1"}, `{"op":"insert","row":{},"table":"QoS","uuid":"u1"}`},
		{"select all", ovsdb.Select("Bridge", nil), `{"op":"select","table":"Bridge","where":[]}`},
		{"select cols", ovsdb.Select("Bridge", []ovsdb.Condition{ovsdb.Equal("name", "br")}, "_uuid"), `{"columns":["_uuid"],"op":"select","table":"Bridge","where":[["name","==","br"]]}`},
		{"update", ovsdb.Update("Interface", nil, map[string]any{"type": "patch"}), `{"op":"update","row":{"type":"patch"},"table":"Interface","where":[]}`},
		{"mutate", ovsdb.Mutate("Bridge", nil, ovsdb.Mutation{Column: "ports", Mutator: "insert", Value: ovsdb.Set{ovsdb.NamedUUID("row1")}}), `{"mutations":[["ports","insert",["set",[["named-uuid","row1"]]]]],"op":"mutate","table":"Bridge","where":[]}`},
		{"delete", ovsdb.Delete("QoS", ovsdb.Equal("_uuid", ovsdb.UUID("u"))), `{"op":"delete","table":"QoS","where":[["_uuid","==",["uuid","u"]]]}`},
		{"wait guard", ovsdb.Wait("Port", []ovsdb.Condition{ovsdb.Equal("name", "p")}, []string{"_uuid"}, "==", nil, 0), `{"columns":["_uuid"],"op":"wait","rows":[],"table":"Port","timeout":0,"until":"==","where":[["name","==","p"]]}`},
		{"wait forever", ovsdb.Operation{Op: ovsdb.OpWait, Table: "T", Until: "!=", Rows: []map[string]any{{"a": 1}}}, `{"columns":[],"op":"wait","rows":[{"a":1}],"table":"T","until":"!=","where":[]}`},
		{"wait timeout", ovsdb.Operation{Op: ovsdb.OpWait, Table: "T", Until: "==", Timeout: &one}, `{"columns":[],"op":"wait","rows":[],"table":"T","timeout":1,"until":"==","where":[]}`},
		{"comment", ovsdb.Comment("govif: plug"), `{"comment":"govif: plug","op":"comment"}`},
		{"assert", ovsdb.Assert("lock1"), `{"lock":"lock1","op":"assert"}`},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if string(b) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, b, tc.want)
		}
	}
}

func TestEncodeRejects(t *testing.T) {
	for _, op := range []ovsdb.Operation{
		ovsdb.Insert("Port", nil, "tap581939de-24"), // ovsdb-server rejects '-' in uuid-name
		ovsdb.Insert("Port", nil, "1row"),
		{Op: "frobnicate"},
	} {
		if b, err := json.Marshal(op); err == nil {
			t.Errorf("%+v encoded as %s", op, b)
		}
	}
	for s, ok := range map[string]bool{"row1": true, "_x": true, "Row_9": true, "": false, "a-b": false, "9a": false, "a.b": false} {
		if ovsdb.ValidUUIDName(s) != ok {
			t.Errorf("ValidUUIDName(%q) != %v", s, ok)
		}
	}
}

// Reading: a set column arrives as ["set",[...]] or, with one element, as the bare atom.
func TestRowDecode(t *testing.T) {
	var row ovsdb.Row
	raw := `{"_uuid":["uuid","u0"],"name":"tap1","ofport":5,"noport":["set",[]],"ports":["uuid","u1"],
		"more":["set",[["uuid","u1"],["uuid","u2"]]],"trunks":["set",[10,20]],"one":["set",["x"]],
		"external_ids":["map",[["iface-id","i"],["vm-uuid","v"]]],"bad":{"x":1}}`
	if err := json.Unmarshal([]byte(raw), &row); err != nil {
		t.Fatal(err)
	}
	if u, err := row.UUID(); err != nil || u != "u0" {
		t.Errorf("UUID = %q %v", u, err)
	}
	if s, err := row.String("name"); err != nil || s != "tap1" {
		t.Errorf("name = %q %v", s, err)
	}
	if s, err := row.String("one"); err != nil || s != "x" {
		t.Errorf("one = %q %v", s, err)
	}
	if n, ok, err := row.Int("ofport"); err != nil || !ok || n != 5 {
		t.Errorf("ofport = %d %v %v", n, ok, err)
	}
	if _, ok, err := row.Int("noport"); err != nil || ok {
		t.Errorf("empty optional int: ok=%v %v", ok, err)
	}
	if us, err := row.UUIDs("ports"); err != nil || len(us) != 1 || us[0] != "u1" {
		t.Errorf("bare ref as set = %v %v", us, err)
	}
	if us, err := row.UUIDs("more"); err != nil || len(us) != 2 {
		t.Errorf("set of refs = %v %v", us, err)
	}
	if ss, err := row.Strings("name"); err != nil || len(ss) != 1 {
		t.Errorf("bare string as set = %v %v", ss, err)
	}
	if m, err := row.Map("external_ids"); err != nil || m["iface-id"] != "i" || len(m) != 2 {
		t.Errorf("map = %v %v", m, err)
	}
	for _, col := range []string{"bad", "missing"} {
		if _, err := row.String(col); err == nil {
			t.Errorf("String(%s) succeeded", col)
		}
		if _, err := row.Map(col); err == nil {
			t.Errorf("Map(%s) succeeded", col)
		}
	}
	if _, err := row.UUIDs("name"); err == nil {
		t.Error("a string decoded as a uuid")
	}
	var res []ovsdb.OperationResult
	if err := json.Unmarshal([]byte(`[{"uuid":["uuid","u9"]},null,{"count":2},{"error":"timed out","details":"d"}]`), &res); err != nil {
		t.Fatal(err)
	}
	if res[0].UUID != "u9" || res[2].Count != 2 || res[3].Error != "timed out" || res[1].Error != "" {
		t.Errorf("results %+v", res)
	}
}

func FuzzRowDecode(f *testing.F) {
	f.Add(`{"a":["set",[1,2]],"b":["map",[["k","v"]]],"_uuid":["uuid","x"]}`)
	f.Add(`{"a":"s","b":["set",[]]}`)
	f.Fuzz(func(t *testing.T, s string) {
		var row ovsdb.Row
		if json.Unmarshal([]byte(s), &row) != nil {
			return
		}
		for col := range row {
			row.String(col)
			row.Int(col)
			row.UUIDs(col)
			row.Strings(col)
			row.Map(col)
		}
		row.UUID()
	})
}
