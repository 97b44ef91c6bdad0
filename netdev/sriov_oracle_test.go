package netdev

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"syscall"
	"testing"

	"github.com/govif/govif/internal/testenv"
)

// TestSysfsLookupsMatchOSVIF runs Debian's os-vif (vif_plug_ovs.linux_net) on the same fake
// sysfs tree, mounted over /sys in a private mount namespace, and checks that netdev finds
// the same VF numbers, PF netdevs, PF addresses and representors, and fails where os-vif
// raises (PciDeviceNotFoundById, RepresentorNotFound, OSError).
func TestSysfsLookupsMatchOSVIF(t *testing.T) {
	t.Parallel() // mostly waiting for Python to import os-vif
	testenv.RequireRoot(t)
	py := testenv.RequirePythonModules(t, "vif_plug_ovs.linux_net")
	root := fakeSysfs(t)
	l := newSysfsLinks(t, root)
	ctx := context.Background()

	type answer struct {
		Value any    `json:"value"`
		Error string `json:"error"`
	}
	type query struct {
		q    []any
		call func() (any, error)
	}
	var queries []query
	for _, vf := range []string{"0000:03:00.2", "0000:03:00.3", "0000:05:00.4", "0000:06:00.2", "0000:09:00.1", "0000:03:00.0"} {
		queries = append(queries,
			query{[]any{"vf_num", vf}, func() (any, error) { n, err := l.VFNumber(ctx, vf); return float64(n), err }},
			query{[]any{"pf_name", vf}, func() (any, error) { return l.PFName(ctx, vf) }},
			query{[]any{"pf_pci", vf}, func() (any, error) { return l.PFPCIAddress(ctx, vf) }},
		)
	}
	for _, pf := range []string{"ens1f0", "ens1f1", "eth4", "nosuch"} {
		for _, n := range []int{0, 1, 2} {
			queries = append(queries, query{[]any{"representor", pf, n}, func() (any, error) { return l.VFRepresentor(ctx, pf, n) }})
		}
	}
	var in bytes.Buffer
	qs := make([][]any, len(queries))
	for i, q := range queries {
		qs[i] = q.q
	}
	if err := json.NewEncoder(&in).Encode(qs); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "testdata/oslinuxnet.py", root)
	cmd.Stdin = &in
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS} // Go makes / private first
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("os-vif oracle: %v\n%s", err, stderr.String())
	}
	t.Logf("os-vif answers: %s", out)
	var answers []answer
	if err := json.Unmarshal(out, &answers); err != nil || len(answers) != len(queries) {
		t.Fatalf("os-vif oracle answered %d of %d (%v): %s", len(answers), len(queries), err, out)
	}
	for i, q := range queries {
		got, gerr := q.call()
		want := answers[i]
		switch {
		case want.Error != "":
			var pnf *PCIDeviceNotFoundError
			var rnf *RepresentorNotFoundError
			wantErr := map[string]bool{
				"PciDeviceNotFoundById": errors.As(gerr, &pnf),
				"RepresentorNotFound":   errors.As(gerr, &rnf),
				"FileNotFoundError":     errors.As(gerr, &pnf), // os-vif lets readlink's OSError escape
			}
			if !wantErr[want.Error] {
				t.Errorf("%v: os-vif raises %s, netdev returns %v, %v", q.q, want.Error, got, gerr)
			}
		case gerr != nil || got != want.Value:
			t.Errorf("%v: os-vif says %v, netdev says %v, %v", q.q, want.Value, got, gerr)
		}
	}
}
