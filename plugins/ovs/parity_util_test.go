package ovs

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
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

// hostState is a sandbox's OVSDB rows and network devices as comparable lines (no UUIDs, no
// ofports, no MACs of kernel-made devices).
func hostState(t *testing.T, ctx context.Context, o *testenv.OVS) []string {
	t.Helper()
	var lines []string
	add := func(format string, a ...any) { lines = append(lines, fmt.Sprintf(format, a...)) }
	csv := func(table, cols string) []string {
		out := o.Vsctl(t, "--format=csv", "--data=bare", "--no-headings", "--columns="+cols, "list", table)
		if out == "" {
			return nil
		}
		return strings.Split(out, "\n")
	}
	for _, l := range csv("Bridge", "name,datapath_type,external_ids,other_config,fail_mode") {
		add("Bridge %s", l)
		br := strings.SplitN(l, ",", 2)[0]
		for _, p := range strings.Split(o.Vsctl(t, "list-ports", br), "\n") {
			if p != "" {
				add("Bridge %s port %s", br, p)
			}
		}
	}
	for _, l := range csv("Port", "name,tag,trunks,vlan_mode,external_ids,other_config") {
		add("Port %s", l)
	}
	for _, l := range csv("Port", "name,qos") {
		name, qos, _ := strings.Cut(l, ",")
		if qos != "" {
			add("Port %s has QoS", name)
		}
	}
	for _, l := range csv("Interface", "name,type,options,external_ids,mtu_request,other_config") {
		add("Interface %s", l)
	}
	for _, l := range csv("QoS", "type,external_ids,other_config") {
		add("QoS %s", l)
	}
	h, err := netlink.NewHandleAt(o.NetNS().Handle())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	nl, err := netdev.New(netdev.InNamespace(o.NetNS().Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	links, err := h.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	byIndex := map[int]string{}
	for _, l := range links {
		byIndex[l.Attrs().Index] = l.Attrs().Name
	}
	for _, l := range links {
		a := l.Attrs()
		flags := []string{}
		if a.RawFlags&unix.IFF_UP != 0 {
			flags = append(flags, "UP")
		}
		if a.RawFlags&unix.IFF_PROMISC != 0 {
			flags = append(flags, "PROMISC")
		}
		if l.Type() == "tuntap" {
			// ovs-vswitchd's own devices (bridge internal ports, ovs-netdev): their MTU and
			// flags follow its reconfiguration timing, not the plugin.
			add("Link %s type=tuntap", a.Name)
			continue
		}
		add("Link %s type=%s mtu=%d flags=%s master=%s", a.Name, l.Type(), a.MTU, strings.Join(flags, "|"), byIndex[a.MasterIndex])
		if br, ok := l.(*netlink.Bridge); ok {
			add("Link %s ageing=%v", a.Name, deref(br.AgeingTime))
			for _, key := range []string{"net/ipv6/conf/%s/disable_ipv6", "net/ipv4/conf/%s/arp_ignore", "net/ipv4/conf/%s/arp_announce"} {
				k := fmt.Sprintf(key, a.Name)
				v, err := nl.Sysctl(ctx, k)
				if err != nil {
					t.Fatal(err)
				}
				add("Sysctl %s=%s", k, v)
			}
		}
	}
	slices.Sort(lines)
	return lines
}

func deref(p *uint32) string {
	if p == nil {
		return "<nil>"
	}
	return fmt.Sprint(*p)
}

// diffLines returns "- x" for lines only in a (Python) and "+ x" for lines only in b (govif).
func diffLines(a, b []string) []string {
	var d []string
	for _, l := range a {
		if !slices.Contains(b, l) {
			d = append(d, "- "+l)
		}
	}
	for _, l := range b {
		if !slices.Contains(a, l) {
			d = append(d, "+ "+l)
		}
	}
	slices.Sort(d)
	return d
}
