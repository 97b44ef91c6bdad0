package vswitch

import (
	"encoding/json"
	"testing"

	"github.com/govif/govif/ovsdb"
)

// TestWatchFollowsInterfaces: the cur_cfg watch keeps each Interface's error and ofport from
// monitor updates as ovsdb-server sends them (update2: a modify of these optional columns
// carries the elements added or removed), so a plug's interface check needs no read.
func TestWatchFollowsInterfaces(t *testing.T) {
	w := &cfgWatch{ifaces: map[ovsdb.UUID]*ifaceStatus{}, byName: map[string]ovsdb.UUID{}}
	row := func(kv map[string]string) ovsdb.Row {
		r := ovsdb.Row{}
		for k, v := range kv {
			r[k] = json.RawMessage(v)
		}
		return r
	}
	up := func(kind string, kv map[string]string) {
		w.apply([]ovsdb.RowUpdate{{Table: "Interface", UUID: "u1", Kind: kind, Row: row(kv)}})
	}
	check := func(what string, wantErr string, wantOF []int, wantKnown bool) {
		t.Helper()
		st, ok := w.iface("tap1")
		if ok != wantKnown {
			t.Fatalf("%s: known = %t, want %t", what, ok, wantKnown)
		}
		got := ""
		if len(st.errs) > 0 {
			got = st.errs[0]
		}
		if got != wantErr || len(st.ofport) != len(wantOF) || (len(wantOF) == 1 && st.ofport[0] != wantOF[0]) {
			t.Errorf("%s: error %q ofport %v, want %q %v", what, got, st.ofport, wantErr, wantOF)
		}
	}
	check("before any update", "", nil, false)
	up("initial", map[string]string{"name": `"tap1"`}) // error and ofport omitted: empty
	check("initial", "", nil, true)
	up("modify", map[string]string{"ofport": `5`})
	check("ofport set", "", []int{5}, true)
	up("modify", map[string]string{"ofport": `["set",[5,7]]`}) // 5 removed, 7 added
	check("ofport changed", "", []int{7}, true)
	up("modify", map[string]string{"ofport": `["set",[7,-1]]`, "error": `"could not open network device tap1 (No such device)"`})
	check("failed", "could not open network device tap1 (No such device)", []int{-1}, true)
	up("modify", map[string]string{"error": `"could not open network device tap1 (No such device)"`, "ofport": `["set",[-1,3]]`})
	check("repaired", "", []int{3}, true)
	up("modify", map[string]string{"name": `"tap2"`})
	check("renamed away", "", nil, false)
	up("modify", map[string]string{"name": `"tap1"`})
	up("delete", nil)
	check("deleted", "", nil, false)
	// A modify of a row never seen is ignored (the next check reads the server).
	w.apply([]ovsdb.RowUpdate{{Table: "Interface", UUID: "u9", Kind: "modify", Row: row(map[string]string{"name": `"tap1"`})}})
	check("modify of an unseen row", "", nil, false)
	// cur_cfg still follows the Open_vSwitch row.
	w.apply([]ovsdb.RowUpdate{{Table: "Open_vSwitch", UUID: "o", Kind: "modify", Row: row(map[string]string{"cur_cfg": `42`})}})
	if w.cur != 42 {
		t.Errorf("cur_cfg %d, want 42", w.cur)
	}
}

// TestHintsForgetRows: a bridge deletion forgets the hints of the rows it deleted, and only
// those (the other ports' rows are unchanged, so their deletes need no read).
func TestHintsForgetRows(t *testing.T) {
	h := &hints{m: map[string]portState{"a": {uuid: "u-a"}, "b": {uuid: "u-b"}, "c": {uuid: "u-c"}}}
	h.forgetRows([]ovsdb.UUID{"u-a", "u-c", "u-x"})
	if got := h.get([]string{"a", "b", "c"}); len(got) != 1 || got["b"].uuid != "u-b" {
		t.Errorf("hints after forgetRows: %v, want only b", got)
	}
}
