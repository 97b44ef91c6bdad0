package python

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/govif/govif/internal/hoststate"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

// wantPlugDiff is the exact difference between Python os-vif 3.0.0's own plugins ("- ") and
// govif through the bridge ("+ ") after Nova plugged novaVIFs; both are documented bug fixes
// (docs/plugins-builtin.md). After unplugging there is none.
var wantPlugDiff = []string{
	// os-vif 3.0.0 passes promisc='on', which clears IFF_PROMISC (fixed upstream in 5.0.0).
	"- Link qvba1b2c3d4-11 type=veth mtu=1450 flags=UP master=qbra1b2c3d4-11",
	"+ Link qvba1b2c3d4-11 type=veth mtu=1450 flags=UP|PROMISC master=qbra1b2c3d4-11",
}

func plugOps(vifs []novaVIF, op string) []novaOp {
	var ops []novaOp
	for _, v := range vifs {
		ops = append(ops, novaOp{Op: op, VIF: v.vif})
	}
	return ops
}

func requireOK(t *testing.T, side string, out novaOut) {
	t.Helper()
	for _, r := range out.Results {
		if !r.OK {
			t.Fatalf("%s: Nova %s failed: %s: %s", side, r.Op, r.ErrorType, r.Error)
		}
	}
}

// leftovers lists the VIF devices and OVS ports a sandbox still has.
func leftovers(state []string) []string {
	var left []string
	for _, l := range state {
		for _, p := range []string{"Link tap", "Link qbr", "Link qvb", "Link qvo", "Link vhu", "Bridge br-int port ", "Port ", "Interface "} {
			if strings.HasPrefix(l, p) && !strings.HasPrefix(l, "Port br-int,") && !strings.HasPrefix(l, "Interface br-int,") &&
				!strings.HasPrefix(l, "Bridge br-int port br-int") {
				left = append(left, l)
			}
		}
	}
	return left
}

// TestNovaPlugsThroughGovif runs Nova 26's LibvirtGenericVIFDriver.plug/unplug for every VIF
// type Nova gives os-vif's ovs, linux_bridge and noop plugins, on two OVS sandboxes with a govif
// daemon each:
//
//  1. reference: os-vif's own plugins (privsep in-process) plug on pyOVS; then, switching over,
//     the bridge unplugs them through the daemon: nothing may be left;
//  2. the bridge BEFORE dist-packages on sys.path plugs on goOVS: the rows and devices must be
//     the reference's (but for wantPlugDiff), and it unplugs: the same state as in 1;
//  3. the bridge AFTER dist-packages plugs again; then, rolling back, os-vif's own plugins
//     unplug what govif made: again the same state.
//
// Every time the bridge is on the path, os-vif must load govif's plugins, each name once, and the
// daemon's metrics must count every plug and unplug (proof that govif did the work).
func TestNovaPlugsThroughGovif(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: runs Nova and Python os-vif against two OVS sandboxes")
	}
	testenv.RequireRoot(t)
	py := testenv.RequirePythonModules(t, "os_vif", "nova.virt.libvirt.vif", "vif_plug_ovs", "vif_plug_linux_bridge", "ovsdbapp", "pip", "setuptools")
	testenv.RequireBinary(t, "iptables", "iptables")
	pkg := installBridge(t, py)

	goOVS := testenv.StartOVS(t, testenv.OVSOptions{VSwitchd: true})
	pyOVS := testenv.StartOVS(t, testenv.OVSOptions{VSwitchd: true})
	vhuDir := goOVS.Dir() // vhost-user socket paths are only OVSDB values here: the same on both sides
	goD, pyD := startDaemon(t, goOVS, vhuDir), startDaemon(t, pyOVS, vhuDir)
	vifs := novaVIFs(vhuDir)
	goConf, pyConf := novaConf(t, goOVS, goD.sock), novaConf(t, pyOVS, pyD.sock)
	wantOps := map[string]int{}
	var allIDs []string
	for _, v := range vifs {
		wantOps[v.plugin]++
		allIDs = append(allIDs, v.vif["id"].(string))
	}
	slices.Sort(allIDs)
	// counted checks that the daemon counted n (plug|unplug) ops per plugin since before.
	counted := func(t *testing.T, d *bridgeDaemon, before map[string]int, op string, n int) {
		t.Helper()
		after := d.ops(t)
		for plugin, per := range wantOps {
			k := op + " " + plugin + " ok"
			if got := after[k] - before[k]; got != per*n {
				t.Errorf("daemon metrics: %q grew by %d, want %d (all: %v)", k, got, per*n, after)
			}
		}
	}
	govifLoaded := func(t *testing.T, out novaOut) {
		t.Helper()
		if want := []string{"linux_bridge", "noop", "ovs"}; !slices.Equal(sorted(out.Names), want) {
			t.Errorf("os-vif's plugin names %v, want each of %v once", out.Names, want)
		}
		for name, cls := range out.Plugins {
			if !strings.HasPrefix(cls, "vif_plug_govif.plugin:") {
				t.Errorf("plugin %s is %s, not govif's", name, cls)
			}
		}
	}
	noLeftovers := func(t *testing.T, state []string) {
		t.Helper()
		if left := leftovers(state); len(left) > 0 {
			t.Errorf("left after unplug:\n%s", strings.Join(left, "\n"))
		}
	}

	var refPlugged, refUnplugged []string
	t.Run("os-vif plugs, govif unplugs (switching over)", func(t *testing.T) {
		out := runNova(t, py, pyOVS, novaCase{NovaConf: pyConf, Ops: plugOps(vifs, "plug")}, "", noBridge)
		requireOK(t, "os-vif", out)
		if out.Plugins["ovs"] != "vif_plug_ovs.ovs:OvsPlugin" || out.Plugins["linux_bridge"] != "vif_plug_linux_bridge.linux_bridge:LinuxBridgePlugin" {
			t.Fatalf("without the bridge, os-vif's own plugins should plug: %v", out.Plugins)
		}
		if n := pyD.ops(t); len(n) != 0 {
			t.Fatalf("the daemon counted os-vif's plugs: %v", n)
		}
		refPlugged = hoststate.Capture(t, pyOVS)
		// nova-compute restarted on the bridge plugs the VIFs of running instances again
		// (ComputeManager._init_instance → plug_vifs): govif must take os-vif's plumbing as
		// it is, then unplug it.
		before := pyD.ops(t)
		out = runNova(t, py, pyOVS, novaCase{NovaConf: pyConf, Ops: append(plugOps(vifs, "plug"), plugOps(vifs, "unplug")...)}, pkg, bridgeFirst)
		requireOK(t, "govif", out)
		govifLoaded(t, out)
		counted(t, pyD, before, "plug", 1)
		counted(t, pyD, before, "unplug", 1)
		if ids := pyD.recorded(t); len(ids) != 0 {
			t.Errorf("inventory after unplug: %v", ids)
		}
		refUnplugged = hoststate.Capture(t, pyOVS)
		noLeftovers(t, refUnplugged)
	})
	if refUnplugged == nil {
		t.FailNow()
	}

	checkPlug := func(t *testing.T, order string) {
		t.Helper()
		before := goD.ops(t)
		out := runNova(t, py, goOVS, novaCase{NovaConf: goConf, Ops: append(plugOps(vifs, "plug"), novaOp{Op: "host_info"})}, pkg, order)
		requireOK(t, "govif", out)
		govifLoaded(t, out)
		checkHostInfo(t, out.Results[len(out.Results)-1].HostInfo)
		counted(t, goD, before, "plug", 1)
		if ids := goD.recorded(t); !slices.Equal(ids, allIDs) {
			t.Errorf("inventory after plug: %v, want %v", ids, allIDs)
		}
		diff := hoststate.Diff(refPlugged, hoststate.Capture(t, goOVS))
		if want := sorted(wantPlugDiff); !slices.Equal(diff, want) {
			t.Errorf("after plug, os-vif (-) vs govif via the bridge (+):\n%s\nwant:\n%s", strings.Join(diff, "\n"), strings.Join(want, "\n"))
		}
	}
	checkUnplugged := func(t *testing.T) {
		t.Helper()
		state := hoststate.Capture(t, goOVS)
		if diff := hoststate.Diff(refUnplugged, state); len(diff) > 0 {
			t.Errorf("after unplug, the reference (-) vs this sandbox (+):\n%s", strings.Join(diff, "\n"))
		}
		noLeftovers(t, state)
	}
	errOps, checkErrs := bridgeErrors(t, vifs)
	t.Run("bridge first on sys.path: govif plugs and unplugs; errors", func(t *testing.T) {
		checkPlug(t, bridgeFirst)
		before := goD.ops(t)
		// The error cases ride along after the unplugs (they change nothing): one Nova start less.
		out := runNova(t, py, goOVS, novaCase{NovaConf: goConf, Ops: append(plugOps(vifs, "unplug"), errOps...)}, pkg, bridgeFirst)
		requireOK(t, "govif", novaOut{Results: out.Results[:len(vifs)]})
		counted(t, goD, before, "unplug", 1)
		if ids := goD.recorded(t); len(ids) != 0 {
			t.Errorf("inventory after unplug: %v", ids)
		}
		checkUnplugged(t)
		checkErrs(t, out.Results[len(vifs):])
	})
	t.Run("bridge last on sys.path: govif plugs, os-vif unplugs (rolling back)", func(t *testing.T) {
		checkPlug(t, bridgeLast)
		before := goD.ops(t)
		out := runNova(t, py, goOVS, novaCase{NovaConf: goConf, Ops: plugOps(vifs, "unplug")}, "", noBridge)
		requireOK(t, "os-vif", out)
		if out.Plugins["ovs"] != "vif_plug_ovs.ovs:OvsPlugin" {
			t.Fatalf("without the bridge, os-vif's own plugins should unplug: %v", out.Plugins)
		}
		counted(t, goD, before, "unplug", 0)
		checkUnplugged(t)
		// The daemon did not see these unplugs: its records stay (docs/nova.md, rolling back).
		if ids := goD.recorded(t); !slices.Equal(ids, allIDs) {
			t.Errorf("inventory after os-vif's unplug: %v, want the records left as they were: %v", ids, allIDs)
		}
	})
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// checkHostInfo checks os_vif.host_info() through the bridge: each plugin once, at versions
// os-vif 3.0.0 knows (VIFPortProfileOpenVSwitch ≤ 1.3, VIFVHostUser ≤ 1.1: the daemon backported
// its 1.4 profiles to the manifest the bridge sent), decodable by govif too.
func checkHostInfo(t *testing.T, prim json.RawMessage) {
	t.Helper()
	hi, err := objects.DecodeHostInfo(prim)
	if err != nil {
		t.Fatalf("host_info: %v\n%s", err, prim)
	}
	var names []string
	for _, p := range hi.PluginInfo.Value() {
		names = append(names, p.PluginName.Value())
	}
	if !slices.Equal(names, []string{"linux_bridge", "noop", "ovs"}) {
		t.Errorf("host_info plugins %v, want linux_bridge, noop, ovs once each", names)
	}
	ovsInfo, err := hi.GetPlugin("ovs")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]string{"VIFPortProfileOpenVSwitch": "1.3", "VIFVHostUser": "1.1", "VIFOpenVSwitch": "1.0", "VIFBridge": "1.0"}
	seen := 0
	for _, v := range ovsInfo.VIFInfo.Value() {
		if max, ok := known[v.VIFObjectName.Value()]; ok && v.MaxVersion.Value() != max {
			t.Errorf("ovs %s max_version %s, want %s", v.VIFObjectName.Value(), v.MaxVersion.Value(), max)
		}
		for _, p := range v.SupportedPortProfiles.Value() {
			if p.ProfileObjectName.Value() == "VIFPortProfileOpenVSwitch" {
				seen++
				if p.MaxVersion.Value() != "1.3" {
					t.Errorf("ovs %s: VIFPortProfileOpenVSwitch max_version %s, want 1.3 (os-vif 3.0.0's)", v.VIFObjectName.Value(), p.MaxVersion.Value())
				}
			}
		}
	}
	if seen == 0 {
		t.Errorf("ovs host info lists no VIFPortProfileOpenVSwitch:\n%s", prim)
	}
}

// bridgeErrors returns Nova operations that must fail, and the check of their results: the
// daemon's refusals reach Nova's InternalError with their code, field and rule, and a missing
// socket or a daemon that never answers fail fast and bounded.
func bridgeErrors(t *testing.T, vifs []novaVIF) ([]novaOp, func(t *testing.T, results []novaResult)) {
	bad := map[string]any{}
	for k, v := range vifs[1].vif {
		bad[k] = v
	}
	bad["devname"] = "tap-name-longer-than-15" // Nova passes it; the daemon's policy refuses it
	badMTU := map[string]any{}
	for k, v := range vifs[1].vif {
		badMTU[k] = v
	}
	netw := map[string]any{}
	for k, v := range vifs[1].vif["network"].(map[string]any) {
		netw[k] = v
	}
	netw["meta"] = map[string]any{"mtu": 70000, "tunneled": true}
	badMTU["network"] = netw // Nova and os-vif take any integer; govif refuses it (68..65535)
	// A socket that accepts connections but never answers.
	dir, err := os.MkdirTemp("", "govif-nova-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	mute := filepath.Join(dir, "mute.sock")
	ln, err := net.Listen("unix", mute)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	absent := filepath.Join(dir, "absent.sock")
	ops := []novaOp{
		{Op: "plug", VIF: bad},
		{Op: "plug", VIF: badMTU},
		{Op: "plug", VIF: vifs[1].vif, Socket: absent},
		{Op: "unplug", VIF: vifs[1].vif, Socket: mute, RequestTimeout: 1, ConnectTimeout: 0.5},
		{Op: "host_info", Socket: absent},
	}
	return ops, func(t *testing.T, results []novaResult) {
		t.Helper()
		checkBridgeErrors(t, results)
	}
}

func checkBridgeErrors(t *testing.T, results []novaResult) {
	t.Helper()
	out := novaOut{Results: results}
	if len(out.Results) != 5 {
		t.Fatalf("results: %+v", out.Results)
	}
	// Nova's InternalError carries os-vif's PlugException, which carries the daemon's code,
	// field, value and rule.
	r := out.Results[0]
	for _, want := range []string{"Failure running os_vif plugin plug method", "Failed to plug VIF",
		"govif daemon refused plug (policy_violation, HTTP 403, field VIFOpenVSwitch.vif_name)", `"tap-name-longer-than-15"`, "at most 15 bytes", "invalid_name"} {
		if r.OK || r.ErrorType != "InternalError" || !strings.Contains(r.Error, want) {
			t.Errorf("plug of a bad vif_name: %s %q, want an InternalError containing %q", r.ErrorType, r.Error, want)
		}
	}
	r = out.Results[1]
	for _, want := range []string{"Failure running os_vif plugin plug method",
		"govif daemon refused plug (invalid_object, HTTP 400, field ", "network.mtu", "65535"} {
		if r.OK || r.ErrorType != "InternalError" || !strings.Contains(r.Error, want) {
			t.Errorf("plug with MTU 70000: %s %q, want an InternalError containing %q", r.ErrorType, r.Error, want)
		}
	}
	r = out.Results[2]
	if r.OK || r.ErrorType != "InternalError" || !strings.Contains(r.Error, "absent.sock unavailable") ||
		!strings.Contains(r.Error, "No such file") || r.Seconds > 2 {
		t.Errorf("plug with no daemon: %s %q after %.2fs, want an immediate InternalError naming the socket", r.ErrorType, r.Error, r.Seconds)
	}
	r = out.Results[3]
	if r.OK || r.ErrorType != "InternalError" || !strings.Contains(r.Error, "Failure running os_vif plugin unplug method") ||
		!strings.Contains(r.Error, "timed out: no answer within 1.5 s") || r.Seconds > 1.5+2 || r.Seconds < 1.4 {
		t.Errorf("unplug with a daemon that never answers: %s %q after %.2fs, want a timeout after 1.5 s", r.ErrorType, r.Error, r.Seconds)
	}
	// os_vif.host_info() does not wrap: describe()'s own os-vif exception comes through.
	r = out.Results[4]
	if r.OK || r.ErrorType != "DaemonUnavailable" || !strings.Contains(r.Error, "absent.sock unavailable: ENOENT") || r.Seconds > 2 {
		t.Errorf("host_info with no daemon: %s %q after %.2fs, want an immediate DaemonUnavailable", r.ErrorType, r.Error, r.Seconds)
	}
}
