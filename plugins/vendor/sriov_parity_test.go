package vendor_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/binding"
	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/sriov"
)

// ipRecorder is a sriov.HostOps that writes each request as the argv of the `ip` command Nova
// runs for it (nova/privsep/linux_net.py), for comparison with Nova's logged argv. Reads
// answer nothing (the parity test does not check).
type ipRecorder struct{ calls [][]string }

func (r *ipRecorder) add(args ...string) error {
	r.calls = append(r.calls, append([]string{"link", "set"}, args...))
	return nil
}

func (r *ipRecorder) SetVF(_ context.Context, pf string, vf int, mac net.HardwareAddr, vlan int) error {
	return r.add(pf, "vf", fmt.Sprint(vf), "mac", mac.String(), "vlan", fmt.Sprint(vlan))
}

func (r *ipRecorder) SetMACState(_ context.Context, dev string, mac net.HardwareAddr, up bool) error {
	return r.add(dev, "address", mac.String(), map[bool]string{true: "up", false: "down"}[up])
}

func (r *ipRecorder) SetTrust(_ context.Context, pf string, vf int, on bool) error {
	return r.add(pf, "vf", fmt.Sprint(vf), "trust", map[bool]string{true: "on", false: "off"}[on])
}

func (r *ipRecorder) EnsureVLAN(context.Context, string, string, int) (bool, error) {
	return false, fmt.Errorf("not used")
}

func (r *ipRecorder) VF(context.Context, string, int) (sriov.VFState, error) {
	return sriov.VFState{}, fmt.Errorf("not used")
}

func (r *ipRecorder) Link(context.Context, string) (*netdev.Link, error) {
	return nil, fmt.Errorf("not used")
}

// fakePCI builds <root>/bus/pci/devices with one PF (0000:3b:00.0, netdev enp59s0f0) and two
// VFs (0000:3b:00.1 and 0000:3b:00.2, netdevs enp59s0f0v0 and enp59s0f0v1), as sysfs shows them.
func fakePCI(t *testing.T) (root, devices string) {
	t.Helper()
	root = t.TempDir()
	devices = filepath.Join(root, "bus/pci/devices")
	for _, p := range []string{"0000:3b:00.0/net/enp59s0f0", "0000:3b:00.1/net/enp59s0f0v0", "0000:3b:00.2/net/enp59s0f0v1"} {
		if err := os.MkdirAll(filepath.Join(devices, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range [][2]string{{"../0000:3b:00.1", "0000:3b:00.0/virtfn0"}, {"../0000:3b:00.2", "0000:3b:00.0/virtfn1"},
		{"../0000:3b:00.0", "0000:3b:00.1/physfn"}, {"../0000:3b:00.0", "0000:3b:00.2/physfn"}} {
		if err := os.Symlink(l[0], filepath.Join(devices, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	return root, devices
}

// TestSRIOVParityWithNova runs Nova 26's own LibvirtGenericVIFDriver.plug and .unplug for
// hw_veb (vnic macvtap with a VLAN; vnic direct with binding:profile.trusted true, false and
// absent) in a namespace whose /sys/bus/pci/devices is a fake SR-IOV tree (bind-mounted, so
// Nova's pci_utils finds the PF, the VF netdev and the VF number in it) with `ip` a stand-in
// that logs its argv; and govif's binding + sriov plugin (plugins/sriov) over the same
// network_info VIFs with the same tree, recording each netlink request as the `ip` argv it
// stands for. The two argv lists must be equal: MAC/VLAN/state of the macvtap VF and its
// reset, trust on at plug when trusted, trust off at unplug when trusted is present (the
// govif_trusted extension key carries it through the wire). It lives here because the Nova
// driver harness and the stand-ins do. Real VFs need SR-IOV hardware, which CI lacks.
func TestSRIOVParityWithNova(t *testing.T) {
	testenv.RequireRoot(t)
	if testing.Short() {
		t.Skip("skipping in -short: runs Nova 26")
	}
	py := testenv.RequirePythonModules(t, "nova.virt.libvirt.vif", "nova.privsep.linux_net")
	script, err := filepath.Abs("../../scripts/python-osvif/nova_legacy_plug.py")
	if err != nil {
		t.Fatal(err)
	}
	root, devices := fakePCI(t)
	_, log := standins(t)
	path := ipStandinDir(t) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" // the stand-in shadows ip
	ns := testenv.NewNetNS(t)
	inst := map[string]any{"uuid": "f0000000-0000-0000-0000-000000000009", "name": "instance-00000009", "project_id": "p", "vcpus": 1, "multiqueue": false}
	vifs := []string{
		`{"id": "77777777-5a1b-4c8e-9f00-112233445566", "type": "hw_veb", "vnic_type": "macvtap", "address": "fa:16:3e:11:22:37",
		  "devname": "tap77777777-5a", "details": {"vlan": "100"}, "profile": {"pci_slot": "0000:3b:00.2"}, ` + parityNet + `}`,
		`{"id": "88888888-5a1b-4c8e-9f00-112233445566", "type": "hw_veb", "vnic_type": "direct", "address": "fa:16:3e:11:22:38",
		  "devname": "tap88888888-5a", "details": {"vlan": "0"}, "profile": {"pci_slot": "0000:3b:00.1", "trusted": "true"}, ` + parityNet + `}`,
		`{"id": "99999999-5a1b-4c8e-9f00-112233445566", "type": "hw_veb", "vnic_type": "direct", "address": "fa:16:3e:11:22:39",
		  "devname": "tap99999999-5a", "details": {"vlan": "0"}, "profile": {"pci_slot": "0000:3b:00.2", "trusted": false}, ` + parityNet + `}`,
		`{"id": "aaaaaaaa-5a1b-4c8e-9f00-112233445566", "type": "hw_veb", "vnic_type": "direct", "address": "fa:16:3e:11:22:3a",
		  "devname": "tapaaaaaaaa-5a", "details": {"vlan": "0"}, "profile": {"pci_slot": "0000:3b:00.1"}, ` + parityNet + `}`,
	}
	rec := &ipRecorder{}
	p, err := sriov.NewFactory(sriov.WithSysfsRoot(root), sriov.WithHostOps(rec))(plugin.Env{Name: "sriov", Config: config.Default(), Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	defer p.(plugin.Closer).Close()
	ctx := context.Background()
	var ops []map[string]any
	for _, op := range []string{"plug", "unplug"} {
		for _, js := range vifs {
			var v map[string]any
			if err := json.Unmarshal([]byte(js), &v); err != nil {
				t.Fatal(err)
			}
			ops = append(ops, map[string]any{"op": op, "vif": v, "instance": inst})
			nv, err := binding.ParseNovaVIF([]byte(js))
			if err != nil {
				t.Fatal(err)
			}
			obj, err := binding.FromNovaVIFWith(nv, binding.NovaConfig{GovifVIFTypes: true})
			if err != nil {
				t.Fatal(err)
			}
			prim, err := objects.Encode(obj) // through the wire, as the daemon receives it
			if err != nil {
				t.Fatal(err)
			}
			vif, err := objects.DecodeVIF(prim)
			if err != nil {
				t.Fatal(err)
			}
			do := p.Plug
			if op == "unplug" {
				do = p.Unplug
			}
			if err := do(ctx, vif, nil); err != nil {
				t.Fatalf("govif %s %s: %v", op, nv.ID, err)
			}
		}
	}
	runNova(t, py, script, ns, path, log, ops, map[string]any{"pci_devices": devices})
	var nova [][]string
	for _, c := range readCalls(t, log) {
		if c.Tool != "ip" {
			t.Fatalf("nova ran %s %v", c.Tool, c.Args)
		}
		nova = append(nova, c.Args)
	}
	if diff := cmp.Diff(nova, rec.calls); diff != "" {
		t.Errorf("ip requests (-nova's +govif's):\n%s", diff)
	}
	if len(nova) != 7 { // macvtap: 2 at plug, 2 at unplug; trusted: 1 at plug, 1 at unplug; false: 1 at unplug
		t.Errorf("nova ran %d ip commands, want 7: %v", len(nova), nova)
	}
}
