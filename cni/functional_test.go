package cni

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/invoke"
	"github.com/containernetworking/cni/pkg/types"
	current "github.com/containernetworking/cni/pkg/types/100"
	"github.com/containernetworking/cni/pkg/version"
	"github.com/vishvananda/netlink"

	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/vswitch"
)

// rig is one OVS sandbox (ovsdb-server + ovs-vswitchd, userspace datapath, br-int) with the
// govif-cni and host-local binaries built into a temp dir, driven through libcni as a
// container runtime drives plugins.
type rig struct {
	t      *testing.T
	ovs    *testenv.OVS
	bin    string
	dir    string
	cninet *libcni.CNIConfig
}

// TestMain removes the plugin binaries the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveBinaries()
	os.Exit(code)
}

// buildPlugins builds govif-cni and containernetworking/plugins' host-local (once) and returns
// the directory holding them.
func buildPlugins(t *testing.T) string {
	t.Helper()
	return testenv.Binaries(t, "github.com/govif/govif/cmd/govif-cni", "github.com/containernetworking/plugins/plugins/ipam/host-local")
}

func newRig(t *testing.T) *rig {
	if testing.Short() {
		t.Skip("-short: needs root, OVS and namespaces")
	}
	testenv.RequireRoot(t)
	r := &rig{t: t, ovs: testenv.StartOVS(t, testenv.OVSOptions{VSwitchd: true}), dir: t.TempDir()}
	r.bin = buildPlugins(t)
	vs, err := vswitch.Open(t.Context(), r.ovs.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	defer vs.Close()
	if err := vs.EnsureBridge(t.Context(), "br-int", "netdev"); err != nil {
		t.Fatal(err)
	}
	// An explicit Exec: libcni creates its default one lazily, racily under concurrent calls.
	r.cninet = libcni.NewCNIConfigWithCacheDir([]string{r.bin}, filepath.Join(r.dir, "cache"),
		&invoke.DefaultExec{RawExec: &invoke.RawExec{Stderr: os.Stderr}, PluginDecoder: version.PluginDecoder{}})
	return r
}

// conf is the network configuration; extra keys are merged in.
func (r *rig) conf(version string, extra map[string]any) []byte {
	m := map[string]any{
		"cniVersion": version, "name": "podnet", "type": "govif-cni", "bridge": "br-int",
		"ovsdb": r.ovs.Endpoint(), "mtu": 1400, "datapathType": "netdev",
		"stateDir": filepath.Join(r.dir, "state"),
		"ipam": map[string]any{"type": "host-local", "dataDir": filepath.Join(r.dir, "ipam"),
			"ranges": [][]map[string]string{{{"subnet": "10.77.0.0/24"}}}},
	}
	for k, v := range extra {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

func (r *rig) list(version string, extra map[string]any) *libcni.NetworkConfigList {
	r.t.Helper()
	c := r.conf(version, extra)
	var m map[string]any
	_ = json.Unmarshal(c, &m)
	delete(m, "cniVersion")
	delete(m, "name")
	b, _ := json.Marshal(map[string]any{"cniVersion": version, "name": "podnet", "plugins": []any{m}})
	l, err := libcni.NetworkConfFromBytes(b)
	if err != nil {
		r.t.Fatal(err)
	}
	return l
}

// inHost runs fn in the sandbox's namespace (the "host" of the pods): the plugin processes
// libcni starts there see the sandbox's ovs-vswitchd and devices.
func (r *rig) inHost(fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(r.t.Context(), time.Minute)
	defer cancel()
	return r.ovs.NetNS().Do(func() error { return fn(ctx) })
}

type pod struct {
	ns  *testenv.NetNS
	rt  *libcni.RuntimeConf
	uid string
}

func (r *rig) newPod(name string) *pod {
	uid := uuid5("pod/" + name) // any UUID will do
	p := &pod{ns: testenv.NewNetNS(r.t), uid: uid}
	p.rt = &libcni.RuntimeConf{ContainerID: "ctr-" + name, NetNS: p.ns.Path(), IfName: "eth0",
		Args: [][2]string{{"IgnoreUnknown", "1"}, {"K8S_POD_NAMESPACE", "default"}, {"K8S_POD_NAME", name}, {"K8S_POD_UID", uid}}}
	return p
}

func (r *rig) add(l *libcni.NetworkConfigList, p *pod) *current.Result {
	r.t.Helper()
	var res *current.Result
	err := r.inHost(func(ctx context.Context) error {
		got, err := r.cninet.AddNetworkList(ctx, l, p.rt)
		if err != nil {
			return err
		}
		res, err = current.NewResultFromResult(got)
		return err
	})
	if err != nil {
		r.t.Fatalf("ADD %s: %v", p.rt.ContainerID, err)
	}
	return res
}

func podIP(t *testing.T, res *current.Result) net.IP {
	t.Helper()
	if len(res.IPs) != 1 {
		t.Fatalf("result has %d IPs, want 1: %+v", len(res.IPs), res)
	}
	return res.IPs[0].Address.IP
}

func cniCode(err error) uint {
	var te *types.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// TestPods is the pod life cycle on real parts: two pods ADDed ping each other through br-int;
// CHECK clean, then dirty after a device or an OVS port is removed by hand; DEL twice; DEL with
// the netns gone; GC; STATUS with OVSDB up and down.
func TestPods(t *testing.T) {
	r := newRig(t)
	l := r.list("1.1.0", nil)
	a, b := r.newPod("a"), r.newPod("b")
	resA, resB := r.add(l, a), r.add(l, b)
	ipA, ipB := podIP(t, resA), podIP(t, resB)

	// The result: host end, then the pod end with its sandbox; the IP on the pod end.
	if len(resA.Interfaces) != 2 || resA.Interfaces[1].Sandbox != a.ns.Path() || resA.Interfaces[1].Name != "eth0" ||
		resA.Interfaces[0].Sandbox != "" || *resA.IPs[0].Interface != 1 {
		t.Fatalf("result interfaces: %+v", resA)
	}
	d := deriveIDs(a.rt.ContainerID, "eth0", a.uid)
	if resA.Interfaces[0].Name != d.hostIf {
		t.Errorf("host end %q, want %q", resA.Interfaces[0].Name, d.hostIf)
	}
	// The OVS port carries os-vif's external_ids.
	vs, err := vswitch.Open(t.Context(), r.ovs.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	defer vs.Close()
	iface, err := vs.InterfaceByName(t.Context(), d.hostIf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"iface-id": d.ifaceID, "attached-mac": resA.Interfaces[1].Mac, "iface-status": "active", "vm-uuid": a.uid}
	for k, v := range want {
		if iface.ExternalIDs[k] != v {
			t.Errorf("external_ids:%s = %q, want %q", k, iface.ExternalIDs[k], v)
		}
	}
	if on, _ := vs.PortOnBridge(t.Context(), "br-int", d.hostIf); !on {
		t.Errorf("port %s not on br-int", d.hostIf)
	}
	// The pod end: MAC, MTU, address.
	_ = a.ns.Do(func() error {
		l, err := netlink.LinkByName("eth0")
		if err != nil {
			t.Errorf("pod eth0: %v", err)
			return nil
		}
		if l.Attrs().MTU != 1400 || l.Attrs().HardwareAddr.String() != resA.Interfaces[1].Mac {
			t.Errorf("pod eth0 mtu %d mac %s, result %+v", l.Attrs().MTU, l.Attrs().HardwareAddr, resA.Interfaces[1])
		}
		return nil
	})

	// Data plane: each pod pings the other through br-int (userspace datapath).
	for _, c := range []struct {
		from *pod
		to   net.IP
	}{{a, ipB}, {b, ipA}} {
		var err error
		for i := 0; i < 50; i++ {
			if err = c.from.ns.Do(func() error { _, err := sandbox.Ping(c.to, uint16(i), 500*time.Millisecond); return err }); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatalf("ping %s from %s: %v", c.to, c.from.rt.ContainerID, err)
		}
	}

	// TCP across br-int: the userspace datapath does not complete checksums a sender offloaded,
	// so TX checksum offload is turned off in both pods (as a VM's virtio NIC would not offload).
	tcpAcross(t, a, b, ipB)

	// A second ADD of a live attachment is refused and leaves it as it was.
	err = r.inHost(func(ctx context.Context) error { _, err := r.cninet.AddNetworkList(ctx, l, a.rt); return err })
	if err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("second ADD: %v, want refused", err)
	}
	pingRetry(t, b, ipA.String())

	// CHECK clean, then dirty.
	if err := r.inHost(func(ctx context.Context) error { return r.cninet.CheckNetworkList(ctx, l, a.rt) }); err != nil {
		t.Fatalf("CHECK clean: %v", err)
	}
	if err := a.ns.Do(func() error { return netlink.LinkDel(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "eth0"}}) }); err != nil {
		t.Fatal(err)
	}
	err = r.inHost(func(ctx context.Context) error { return r.cninet.CheckNetworkList(ctx, l, a.rt) })
	if cniCode(err) != ErrDrift || !strings.Contains(err.Error(), `device "eth0" in the pod`) {
		t.Fatalf("CHECK after deleting eth0: %v (code %d), want code %d naming the device", err, cniCode(err), ErrDrift)
	}
	db := deriveIDs(b.rt.ContainerID, "eth0", b.uid)
	r.ovs.Vsctl(t, "del-port", "br-int", db.hostIf)
	err = r.inHost(func(ctx context.Context) error { return r.cninet.CheckNetworkList(ctx, l, b.rt) })
	if cniCode(err) != ErrDrift || !strings.Contains(err.Error(), "OVS port") {
		t.Fatalf("CHECK after deleting the OVS port: %v, want code %d naming the OVS port", err, ErrDrift)
	}

	// DEL twice; A's devices are gone already (deleted by hand), B's port too.
	for _, p := range []*pod{a, a, b, b} {
		if err := r.inHost(func(ctx context.Context) error { return r.cninet.DelNetworkList(ctx, l, p.rt) }); err != nil {
			t.Fatalf("DEL %s: %v", p.rt.ContainerID, err)
		}
	}
	r.assertGone(t, vs, d.hostIf, a)
	r.assertGone(t, vs, db.hostIf, b)

	// DEL with the netns gone: the pod end is gone with it (deleting it takes the veth pair).
	c := r.newPod("c")
	r.add(l, c)
	dc := deriveIDs(c.rt.ContainerID, "eth0", c.uid)
	_ = c.ns.Do(func() error { return netlink.LinkDel(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "eth0"}}) })
	c.rt.NetNS = "/run/netns/govif-cni-gone-" + dc.vifID[:8]
	if err := r.inHost(func(ctx context.Context) error { return r.cninet.DelNetworkList(ctx, l, c.rt) }); err != nil {
		t.Fatalf("DEL with netns gone: %v", err)
	}
	r.assertGone(t, vs, dc.hostIf, c)

	// GC: e is not in the valid attachments, f is.
	e, f := r.newPod("e"), r.newPod("f")
	resE := r.add(l, e)
	r.add(l, f)
	de, df := deriveIDs(e.rt.ContainerID, "eth0", e.uid), deriveIDs(f.rt.ContainerID, "eth0", f.uid)
	err = r.inHost(func(ctx context.Context) error {
		return r.cninet.GCNetworkList(ctx, l, &libcni.GCArgs{ValidAttachments: []types.GCAttachment{{ContainerID: f.rt.ContainerID, IfName: "eth0"}}})
	})
	if err != nil {
		t.Fatalf("GC: %v", err)
	}
	r.assertGone(t, vs, de.hostIf, e)
	if _, err := os.Stat(filepath.Join(r.dir, "ipam", "podnet", podIP(t, resE).String())); !os.IsNotExist(err) {
		t.Errorf("host-local still holds e's address after GC: %v", err)
	}
	if on, _ := vs.PortOnBridge(t.Context(), "br-int", df.hostIf); !on {
		t.Errorf("GC removed f's port %s, which is valid", df.hostIf)
	}
	if err := r.inHost(func(ctx context.Context) error { return r.cninet.CheckNetworkList(ctx, l, f.rt) }); err != nil {
		t.Errorf("CHECK f after GC: %v", err)
	}

	// STATUS: fine while OVSDB answers, code 50 while it does not.
	if err := r.inHost(func(ctx context.Context) error { return r.cninet.GetStatusNetworkList(ctx, l) }); err != nil {
		t.Fatalf("STATUS: %v", err)
	}
	r.ovs.StopDB(t)
	err = r.inHost(func(ctx context.Context) error { return r.cninet.GetStatusNetworkList(ctx, l) })
	if cniCode(err) != types.ErrPluginNotAvailable {
		t.Errorf("STATUS with OVSDB down: %v (code %d), want code 50", err, cniCode(err))
	}
	r.ovs.StartDB(t)
	if err := r.inHost(func(ctx context.Context) error { return r.cninet.DelNetworkList(ctx, l, f.rt) }); err != nil {
		t.Fatalf("DEL f: %v", err)
	}
	r.assertGone(t, vs, df.hostIf, f)
}

// assertGone: no OVS port, no host end, no state file for p.
func (r *rig) assertGone(t *testing.T, vs *vswitch.VSwitch, hostIf string, p *pod) {
	t.Helper()
	vs2, err := vswitch.Open(t.Context(), r.ovs.Endpoint()) // vs may predate a DB restart
	if err == nil {
		vs = vs2
		defer vs2.Close()
	}
	if ok, err := vs.PortExists(t.Context(), hostIf); err != nil || ok {
		t.Errorf("%s: OVS port %s still there (%v)", p.rt.ContainerID, hostIf, err)
	}
	_ = r.ovs.NetNS().Do(func() error {
		if _, err := netlink.LinkByName(hostIf); err == nil {
			t.Errorf("%s: host end %s still there", p.rt.ContainerID, hostIf)
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(r.dir, "state", "podnet", p.rt.ContainerID+"_eth0.json")); !os.IsNotExist(err) {
		t.Errorf("%s: state file still there (%v)", p.rt.ContainerID, err)
	}
}

// run execs govif-cni as a runtime would, returning stdout and the exit error.
func (r *rig) run(t *testing.T, command string, p *pod, stdin []byte) ([]byte, error) {
	t.Helper()
	var out []byte
	var runErr error
	err := r.inHost(func(ctx context.Context) error {
		cmd := exec.CommandContext(ctx, filepath.Join(r.bin, "govif-cni"))
		cmd.Env = []string{"CNI_COMMAND=" + command, "CNI_CONTAINERID=" + p.rt.ContainerID, "CNI_NETNS=" + p.rt.NetNS,
			"CNI_IFNAME=eth0", "CNI_PATH=" + r.bin, "CNI_ARGS=IgnoreUnknown=1;K8S_POD_UID=" + p.uid}
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, runErr = cmd.Output()
		if strings.Contains(stderr.String(), "goroutine ") || strings.Contains(string(out), "goroutine ") {
			t.Errorf("%s printed a Go stack:\n%s%s", command, out, stderr.String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, runErr
}

// TestBadConfig: every bad configuration is a CNI error JSON with code 7 (1 for an unknown
// cniVersion) naming the field, and changes nothing.
func TestBadConfig(t *testing.T) {
	r := newRig(t)
	p := r.newPod("bad")
	cases := []struct {
		name  string
		extra map[string]any
		code  uint
		field string
	}{
		{"bridge wrong type", map[string]any{"bridge": 5}, 7, `"bridge"`},
		{"bridge missing", map[string]any{"bridge": ""}, 7, `"bridge"`},
		{"mtu wrong type", map[string]any{"mtu": "big"}, 7, `"mtu"`},
		{"mtu out of range", map[string]any{"mtu": 20}, 7, `"mtu"`},
		{"ipam wrong type", map[string]any{"ipam": "host-local"}, 7, `"ipam"`},
		{"datapathType", map[string]any{"datapathType": "dpdk"}, 7, `"datapathType"`},
		{"unknown cniVersion", map[string]any{"cniVersion": "9.9.9"}, 1, "9.9.9"},
		{"vif not a VIF", map[string]any{"runtimeConfig": map[string]any{"vif": map[string]any{"versioned_object.name": "Nope"}}}, 7, "runtimeConfig.vif"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdin := r.conf("1.1.0", c.extra)
			out, err := r.run(t, "ADD", p, stdin)
			if err == nil {
				t.Fatalf("ADD succeeded: %s", out)
			}
			var te types.Error
			if jerr := json.Unmarshal(out, &te); jerr != nil {
				t.Fatalf("stdout is not a CNI error: %v\n%s", jerr, out)
			}
			if te.Code != c.code || !strings.Contains(te.Msg+te.Details, c.field) {
				t.Errorf("error %+v, want code %d naming %s", te, c.code, c.field)
			}
		})
	}
	// Nothing was made: no state, no port, no device in the pod.
	ports := r.ovs.Vsctl(t, "list-ports", "br-int")
	if ports != "" {
		t.Errorf("ports after bad configs: %q", ports)
	}
	if _, err := os.Stat(filepath.Join(r.dir, "state", "podnet")); err == nil {
		ents, _ := os.ReadDir(filepath.Join(r.dir, "state", "podnet"))
		if len(ents) != 0 {
			t.Errorf("state after bad configs: %v", ents)
		}
	}
}

// TestResultSchema: for each spec version govif-cni supports, the ADD result on stdout parses
// with the published types (types/100) at that version and converts to the older versions a
// runtime may ask for; VERSION lists 1.0.0 and 1.1.0.
func TestResultSchema(t *testing.T) {
	r := newRig(t)
	out, err := r.run(t, "VERSION", r.newPod("v"), []byte(`{"cniVersion":"1.1.0"}`))
	if err != nil {
		t.Fatalf("VERSION: %v %s", err, out)
	}
	var vi struct {
		Supported []string `json:"supportedVersions"`
	}
	if err := json.Unmarshal(out, &vi); err != nil || fmt.Sprint(vi.Supported) != "[1.0.0 1.1.0]" {
		t.Fatalf("VERSION: %s (%v)", out, err)
	}
	for _, v := range []string{"1.0.0", "1.1.0"} {
		p := r.newPod("schema" + strings.ReplaceAll(v, ".", ""))
		stdin := r.conf(v, nil)
		out, err := r.run(t, "ADD", p, stdin)
		if err != nil {
			t.Fatalf("ADD %s: %v %s", v, err, out)
		}
		var raw map[string]any
		if err := json.Unmarshal(out, &raw); err != nil || raw["cniVersion"] != v {
			t.Fatalf("%s: result cniVersion %v (%v)", v, raw["cniVersion"], err)
		}
		res, err := current.NewResult(out)
		if err != nil {
			t.Fatalf("%s: types/100 does not parse the result: %v", v, err)
		}
		for _, old := range []string{"0.4.0", "0.3.1", "1.0.0"} {
			if _, err := res.GetAsVersion(old); err != nil {
				t.Errorf("%s result as %s: %v", v, old, err)
			}
		}
		if out, err := r.run(t, "DEL", p, stdin); err != nil {
			t.Fatalf("DEL %s: %v %s", v, err, out)
		}
	}
}

// TestOVSDBDown: with OVSDB unreachable, ADD fails with code 11 (try again later) within the
// configured deadline, and what it made before the plug — the IPAM allocation, the veth pair,
// the state record — is undone.
func TestOVSDBDown(t *testing.T) {
	r := newRig(t)
	p := r.newPod("down")
	stdin := r.conf("1.1.0", map[string]any{"ovsdb": "unix:" + filepath.Join(r.dir, "no-such.sock"), "timeoutSeconds": 3})
	start := time.Now()
	out, err := r.run(t, "ADD", p, stdin)
	if err == nil {
		t.Fatalf("ADD succeeded: %s", out)
	}
	var te types.Error
	if jerr := json.Unmarshal(out, &te); jerr != nil || te.Code != types.ErrTryAgainLater {
		t.Fatalf("ADD: %s (%v), want code 11", out, jerr)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("ADD took %v with a 3 s deadline", d)
	}
	d := deriveIDs(p.rt.ContainerID, "eth0", p.uid)
	_ = r.ovs.NetNS().Do(func() error {
		if _, err := netlink.LinkByName(d.hostIf); err == nil {
			t.Errorf("host end %s left", d.hostIf)
		}
		return nil
	})
	_ = p.ns.Do(func() error {
		if _, err := netlink.LinkByName("eth0"); err == nil {
			t.Error("pod eth0 left")
		}
		return nil
	})
	ents, _ := os.ReadDir(filepath.Join(r.dir, "ipam", "podnet"))
	for _, e := range ents {
		if net.ParseIP(e.Name()) != nil {
			t.Errorf("host-local still holds %s", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(r.dir, "state", "podnet", p.rt.ContainerID+"_eth0.json")); !os.IsNotExist(err) {
		t.Errorf("state file left (%v)", err)
	}
}

// TestConcurrentPods: ten runtimes' calls at once (ADD, then GC racing the DELs): every pod
// gets its own port and address, and nothing is left.
func TestConcurrentPods(t *testing.T) {
	r := newRig(t)
	l := r.list("1.1.0", nil)
	pods := make([]*pod, 10)
	for i := range pods {
		pods[i] = r.newPod(fmt.Sprintf("conc%d", i))
	}
	run := func(f func(ctx context.Context, p *pod) error) {
		var wg sync.WaitGroup
		errs := make([]error, len(pods))
		for i, p := range pods {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = r.inHost(func(ctx context.Context) error { return f(ctx, p) })
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
	}
	ips := make([]string, len(pods))
	run(func(ctx context.Context, p *pod) error {
		res, err := r.cninet.AddNetworkList(ctx, l, p.rt)
		if err != nil {
			return err
		}
		cur, err := current.NewResultFromResult(res)
		if err != nil || len(cur.IPs) != 1 {
			return fmt.Errorf("result %v: %w", res, err)
		}
		for i := range pods {
			if pods[i] == p {
				ips[i] = cur.IPs[0].Address.IP.String()
			}
		}
		return nil
	})
	seen := map[string]bool{}
	for _, ip := range ips {
		if seen[ip] {
			t.Errorf("address %s given twice", ip)
		}
		seen[ip] = true
	}
	if ports := strings.Fields(r.ovs.Vsctl(t, "list-ports", "br-int")); len(ports) != len(pods) {
		t.Fatalf("%d ports, want %d", len(ports), len(pods))
	}
	pingRetry(t, pods[0], ips[9])
	run(func(ctx context.Context, p *pod) error {
		if p == pods[0] { // one GC (all valid but pods[0]) among the DELs
			return r.cninet.GCNetworkList(ctx, l, &libcni.GCArgs{ValidAttachments: func() []types.GCAttachment {
				var v []types.GCAttachment
				for _, q := range pods[1:] {
					v = append(v, types.GCAttachment{ContainerID: q.rt.ContainerID, IfName: "eth0"})
				}
				return v
			}()})
		}
		return r.cninet.DelNetworkList(ctx, l, p.rt)
	})
	if ports := r.ovs.Vsctl(t, "list-ports", "br-int"); ports != "" {
		t.Errorf("ports left: %q", ports)
	}
}

// tcpAcross sends 1 MiB from pod a to an echo server in pod b and checks it comes back whole.
func tcpAcross(t *testing.T, a, b *pod, ipB net.IP) {
	t.Helper()
	for _, p := range []*pod{a, b} {
		if err := p.ns.Do(func() error { return sandbox.TxChecksumOff("eth0") }); err != nil {
			t.Fatalf("tx offload off in %s: %v", p.rt.ContainerID, err)
		}
	}
	var ln net.Listener
	if err := b.ns.Do(func() (err error) { ln, err = net.Listen("tcp4", net.JoinHostPort(ipB.String(), "7777")); return }); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.Copy(c, c)
	}()
	want := bytes.Repeat([]byte("govif-cni "), 100<<10)
	var got []byte
	err := a.ns.Do(func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp4", net.JoinHostPort(ipB.String(), "7777"))
		if err != nil {
			return err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(20 * time.Second))
		go func() { _, _ = c.Write(want); _ = c.(*net.TCPConn).CloseWrite() }()
		got, err = io.ReadAll(c)
		return err
	})
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("TCP echo across br-int: %d of %d bytes back (%v)", len(got), len(want), err)
	}
}
