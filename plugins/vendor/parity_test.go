package vendor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vishvananda/netns"

	"github.com/govif/govif/binding"
	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/tap"
	"github.com/govif/govif/plugins/vendor"
)

var discard = slog.New(slog.DiscardHandler)

// legacyCase is one network_info VIF plugged by Nova 26 and by govif.
type legacyCase struct {
	name     string
	vif      string // network_info VIF (JSON)
	inst     map[string]any
	fixedMAC bool // the plug sets the device's MAC (else the kernel picks a random one)
}

const parityNet = `"network": {"id": "6a1c4c1e-0000-4000-8000-000000000001", "bridge": null, "label": "n",
	"subnets": [], "meta": {"mtu": 1400, "physical_network": "fabric1"}}`

func legacyCases() []legacyCase {
	inst := func(uuid string, vcpus int, mq bool) map[string]any {
		return map[string]any{"uuid": uuid, "name": "instance-00000001", "project_id": "b168ea26fa0c49c1a84e1566d9565fa5", "vcpus": vcpus, "multiqueue": mq}
	}
	return []legacyCase{
		{name: "tap with MAC and MTU", fixedMAC: true, inst: inst("f0000000-0000-0000-0000-000000000001", 1, false), vif: `{
			"id": "11111111-5a1b-4c8e-9f00-112233445566", "type": "tap", "address": "fa:16:3e:11:22:31",
			"devname": "tap11111111-5a", "details": {"mac_address": "00:61:fe:ed:ca:fe"}, ` + parityNet + `}`},
		{name: "tap multiqueue", inst: inst("f0000000-0000-0000-0000-000000000002", 2, true), vif: `{
			"id": "22222222-5a1b-4c8e-9f00-112233445566", "type": "tap", "address": "fa:16:3e:11:22:32",
			"devname": "tap22222222-5a", "details": {}, ` + parityNet + `}`},
		{name: "midonet", inst: inst("f0000000-0000-0000-0000-000000000003", 1, false), vif: `{
			"id": "33333333-5a1b-4c8e-9f00-112233445566", "type": "midonet", "address": "fa:16:3e:11:22:33",
			"devname": "tap33333333-5a", "details": {}, ` + parityNet + `}`},
		{name: "iovisor", inst: inst("f0000000-0000-0000-0000-000000000004", 1, false), vif: `{
			"id": "44444444-5a1b-4c8e-9f00-112233445566", "type": "iovisor", "address": "fa:16:3e:11:22:34",
			"devname": "tap44444444-5a", "details": {}, ` + parityNet + `}`},
		{name: "ib_hostdev", inst: inst("f0000000-0000-0000-0000-000000000005", 1, false), vif: `{
			"id": "55555555-5a1b-4c8e-9f00-112233445566", "type": "ib_hostdev", "vnic_type": "direct",
			"address": "fa:16:3e:11:22:35", "devname": "tap55555555-5a", "details": {},
			"profile": {"pci_slot": "0000:3b:00.2"}, ` + parityNet + `}`},
	}
}

// device is what the parity test compares of one device.
type device struct {
	Kind       string
	MAC        string
	MTU        int
	Up         bool
	Multiqueue bool
}

func snapshot(t *testing.T, h netns.NsHandle, fixedMAC map[string]bool) map[string]device {
	t.Helper()
	l, err := netdev.New(netdev.InNamespace(h))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	links, err := l.ListLinks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]device{}
	for _, k := range links {
		if k.Name == "lo" {
			continue
		}
		d := device{Kind: k.Kind, MTU: k.MTU, Up: k.Up, Multiqueue: k.Multiqueue}
		if fixedMAC[k.Name] {
			d.MAC = k.MAC.String()
		}
		out[k.Name] = d
	}
	return out
}

// runNova runs Nova 26's LibvirtGenericVIFDriver over ops in the namespace ns.
func runNova(t *testing.T, py, script string, ns *testenv.NetNS, path, log string, ops []map[string]any, extra ...map[string]any) {
	t.Helper()
	r := map[string]any{"netns": ns.Path(), "path": path, "ops": ops}
	for _, e := range extra {
		maps.Copy(r, e)
	}
	req, _ := json.Marshal(r)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, script)
	cmd.Stdin = bytes.NewReader(req)
	cmd.Env = append(os.Environ(), "PATH="+path, envStandinLog+"="+log)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("nova driver: %v\n%s", err, stderr.String())
	}
	var res struct {
		Results []struct {
			Op    string  `json:"op"`
			OK    bool    `json:"ok"`
			Error *string `json:"error"`
		} `json:"results"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("nova driver output %q: %v", stdout.String(), err)
	}
	for i, r := range res.Results {
		if !r.OK {
			t.Fatalf("nova %s #%d failed: %s", r.Op, i, *r.Error)
		}
	}
}

// govifPlugins builds the plugins of the legacy types, bound to ns.
func govifPlugins(t *testing.T, h netns.NsHandle) map[string]plugin.Plugin {
	t.Helper()
	cfg := config.Default()
	out := map[string]plugin.Plugin{}
	for name, f := range map[string]plugin.Factory{
		"tap":        tap.NewFactory(tap.InNamespace(h)),
		"midonet":    vendor.NewMidonetFactory(vendor.InNamespace(h)),
		"iovisor":    vendor.NewIOVisorFactory(vendor.InNamespace(h)),
		"ib_hostdev": vendor.NewIBHostdevFactory(vendor.InNamespace(h)),
	} {
		p, err := f(plugin.Env{Name: name, Config: cfg, Logger: discard})
		if err != nil {
			t.Fatal(err)
		}
		out[name] = p
		t.Cleanup(func() { p.(plugin.Closer).Close() })
	}
	return out
}

// TestParityWithNova plugs (twice) and unplugs (twice) the same network_info VIFs with Nova 26's
// own LibvirtGenericVIFDriver (python3-nova, privsep in-process, in one namespace) and with govif
// (binding.FromNovaVIFWith with GovifVIFTypes, then the plugins, in another), the vendor tools
// replaced on PATH by stand-ins that log their argv. Devices (kind, MAC where the plug sets it,
// MTU, up, multiqueue) and the tool calls must be equal after the plugs and after the unplugs.
func TestParityWithNova(t *testing.T) {
	testenv.RequireRoot(t)
	if testing.Short() {
		t.Skip("skipping in -short: runs Nova 26")
	}
	py := testenv.RequirePythonModules(t, "nova.virt.libvirt.vif", "nova.privsep.linux_net")
	testenv.RequireBinary(t, "ip", "iproute2")
	script, err := filepath.Abs("../../scripts/python-osvif/nova_legacy_plug.py")
	if err != nil {
		t.Fatal(err)
	}
	dir, novaLog := standins(t)
	govLog := filepath.Join(filepath.Dir(novaLog), "govif.jsonl")
	path := dir + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	novaNS, govNS := testenv.NewNetNS(t), testenv.NewNetNS(t)

	cases := legacyCases()
	fixed := map[string]bool{}
	var plugOps, unplugOps []map[string]any
	type govOp struct {
		vif  objects.VIF
		inst *objects.InstanceInfo
	}
	var gov []govOp
	for _, c := range cases {
		var v map[string]any
		if err := json.Unmarshal([]byte(c.vif), &v); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.fixedMAC {
			fixed[v["devname"].(string)] = true
		}
		for range 2 {
			plugOps = append(plugOps, map[string]any{"op": "plug", "vif": v, "instance": c.inst})
			unplugOps = append(unplugOps, map[string]any{"op": "unplug", "vif": v, "instance": c.inst})
		}
		nv, err := binding.ParseNovaVIF([]byte(c.vif))
		if err != nil {
			t.Fatal(err)
		}
		obj, err := binding.FromNovaVIFWith(nv, binding.NovaConfig{GovifVIFTypes: true, Multiqueue: c.inst["multiqueue"].(bool)})
		if err != nil {
			t.Fatalf("%s: binding: %v", c.name, err)
		}
		inst := &objects.InstanceInfo{UUID: objects.Set(c.inst["uuid"].(string)), Name: objects.Set(c.inst["name"].(string)),
			ProjectID: objects.Set(c.inst["project_id"].(string))}
		gov = append(gov, govOp{obj, inst})
	}

	t.Setenv("PATH", path)
	t.Setenv(envStandinLog, govLog)
	plugins := govifPlugins(t, govNS.Handle())
	ctx := context.Background()
	govRun := func(op string) {
		for _, g := range gov {
			p := plugins[g.vif.Base().Plugin.Value()]
			for range 2 {
				var err error
				if op == "plug" {
					err = p.Plug(ctx, g.vif, g.inst)
				} else {
					err = p.Unplug(ctx, g.vif, g.inst)
				}
				if err != nil {
					t.Fatalf("govif %s %s: %v", op, g.vif.Base().ID.Value(), err)
				}
			}
		}
	}

	compare := func(phase string) {
		t.Helper()
		nd, gd := snapshot(t, novaNS.Handle(), fixed), snapshot(t, govNS.Handle(), fixed)
		if diff := cmp.Diff(nd, gd); diff != "" {
			t.Errorf("after %s, devices differ (-nova +govif):\n%s", phase, diff)
		}
		nc, gc := readCalls(t, novaLog), readCalls(t, govLog)
		if diff := cmp.Diff(nc, gc); diff != "" {
			t.Errorf("after %s, tool calls differ (-nova +govif):\n%s", phase, diff)
		}
		if phase == "plug" && len(nd) != 4 {
			t.Errorf("after plug: %d devices, want the 4 taps of tap, midonet and iovisor: %v", len(nd), nd)
		}
		if phase == "unplug" && len(nd) != 0 {
			t.Errorf("after unplug: devices left: %v", nd)
		}
		t.Logf("after %s: %d devices, %d tool calls", phase, len(nd), len(nc))
	}
	start := time.Now()
	runNova(t, py, script, novaNS, path, novaLog, plugOps)
	mid := time.Now()
	govRun("plug")
	t.Logf("plug: nova %v, govif %v", mid.Sub(start), time.Since(mid))
	compare("plug")
	start = time.Now()
	runNova(t, py, script, novaNS, path, novaLog, unplugOps)
	mid = time.Now()
	govRun("unplug")
	t.Logf("unplug: nova %v, govif %v", mid.Sub(start), time.Since(mid))
	compare("unplug")
}
