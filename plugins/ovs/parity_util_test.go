package ovs

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/govif/govif/internal/hoststate"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

// pyVIF is the VIF description scripts/python-osvif/ovs_osvif.py reads; the Go side builds the
// same objects from it.
type pyVIF struct {
	Kind       string     `json:"kind"`
	ID         string     `json:"id"`
	Address    string     `json:"address"`
	VIFName    string     `json:"vif_name,omitempty"`
	BridgeName string     `json:"bridge_name,omitempty"`
	Mode       string     `json:"mode,omitempty"`
	Path       string     `json:"path,omitempty"`
	Network    pyNetwork  `json:"network"`
	Profile    *pyProfile `json:"profile,omitempty"`
}

type pyNetwork struct {
	Bridge string `json:"bridge"`
	MTU    int    `json:"mtu,omitempty"`
}

type pyProfile struct {
	InterfaceID  string `json:"interface_id"`
	DatapathType string `json:"datapath_type,omitempty"`
	CreatePort   bool   `json:"create_port,omitempty"`
}

type pyOp struct {
	Op  string `json:"op"`
	VIF pyVIF  `json:"vif"`
}

type pyCase struct {
	Config map[string]any `json:"config"`
	Ops    []pyOp         `json:"ops"`
}

// object builds the govif VIF for v.
func (v pyVIF) object() objects.VIF {
	net := &objects.Network{ID: objects.Set("0f6c1e2a-9d3b-4c5d-8e7f-102030405060"), Bridge: objects.Set(v.Network.Bridge)}
	if v.Network.MTU > 0 {
		net.MTU = objects.Set(v.Network.MTU)
	}
	b := objects.VIFBase{ID: objects.Set(v.ID), Address: objects.Set(mustMAC(v.Address)), Network: objects.Set(net),
		Plugin: objects.Set("ovs"), Active: objects.Set(true)}
	if v.Profile != nil {
		p := &objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(v.Profile.InterfaceID)}
		if v.Profile.DatapathType != "" {
			p.DatapathType = objects.Set(v.Profile.DatapathType)
		}
		if v.Profile.CreatePort {
			p.CreatePort = objects.Set(true)
		}
		b.PortProfile = objects.Set[objects.PortProfile](p)
	}
	switch v.Kind {
	case "VIFBridge":
		return &objects.VIFBridge{VIFBase: b, VIFName: objects.Set(v.VIFName), BridgeName: objects.Set(v.BridgeName)}
	case "VIFOpenVSwitch":
		return &objects.VIFOpenVSwitch{VIFBase: b, VIFName: objects.Set(v.VIFName), BridgeName: objects.Set(v.Network.Bridge)}
	case "VIFVHostUser":
		return &objects.VIFVHostUser{VIFBase: b, VIFName: objects.Set(v.VIFName), Mode: objects.Set(objects.VIFVHostUserMode(v.Mode)),
			Path: objects.Set(v.Path)}
	}
	panic("unknown kind " + v.Kind)
}

// runPython runs the os-vif harness with c inside the sandbox's namespace.
func runPython(t *testing.T, py string, o *testenv.OVS, c pyCase) {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "../../scripts/python-osvif/ovs_osvif.py")
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "case.json")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, script, "--case", f)
	var out, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := o.NetNS().Do(cmd.Start); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var res struct {
		Results []struct {
			Op      string  `json:"op"`
			OK      bool    `json:"ok"`
			Error   string  `json:"error"`
			Seconds float64 `json:"seconds"`
		} `json:"results"`
	}
	if jerr := json.Unmarshal([]byte(out.String()), &res); jerr != nil || err != nil {
		t.Fatalf("python os-vif: %v %v\nstdout: %s\nstderr: %s", err, jerr, out.String(), stderr.String())
	}
	for i, r := range res.Results {
		t.Logf("python os-vif %s %s: %.3fs", r.Op, c.Ops[i].VIF.ID, r.Seconds)
		if !r.OK {
			t.Fatalf("python os-vif op %d (%s) failed: %s", i, r.Op, r.Error)
		}
	}
}

// hostState is a sandbox's OVSDB rows, network devices and iptables filter table as comparable
// lines (internal/hoststate, shared with the Nova bridge's parity test in python/).
func hostState(t *testing.T, _ context.Context, o *testenv.OVS) []string {
	t.Helper()
	return hoststate.Capture(t, o)
}

// diffLines returns "- x" for lines only in a (Python) and "+ x" for lines only in b (govif).
func diffLines(a, b []string) []string { return hoststate.Diff(a, b) }
