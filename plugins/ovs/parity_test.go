package ovs

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/vswitch"
)

func parityVIFs() []pyVIF {
	mk := func(kind, id, mac string) pyVIF {
		return pyVIF{Kind: kind, ID: id, Address: mac, VIFName: ("tap" + id)[:14],
			Network: pyNetwork{Bridge: "br-int", MTU: 1450},
			Profile: &pyProfile{InterfaceID: id, DatapathType: "netdev", CreatePort: true}}
	}
	hybrid := mk("VIFBridge", "a1b2c3d4-1111-4222-8333-444455556666", "fa:16:3e:12:34:56")
	hybrid.BridgeName = "qbra1b2c3d4-11"
	plain := mk("VIFOpenVSwitch", "b1b2c3d4-1111-4222-8333-444455556666", "fa:16:3e:12:34:57")
	vhuS := mk("VIFVHostUser", "c1b2c3d4-1111-4222-8333-444455556666", "fa:16:3e:12:34:58")
	vhuS.Mode, vhuS.Path, vhuS.Network.MTU = "server", "/run/vhuc1b2c3d4-11", 9000
	vhuC := mk("VIFVHostUser", "e1b2c3d4-1111-4222-8333-444455556666", "fa:16:3e:12:34:59")
	vhuC.Mode, vhuC.VIFName = "client", "vhue1b2c3d4-11"
	vhuC.Profile.DatapathType = ""
	trunk := mk("VIFOpenVSwitch", "f1b2c3d4-1111-4222-8333-444455556666", "fa:16:3e:12:34:5a")
	trunk.Network.Bridge = "tbr-0123abcd-e"
	return []pyVIF{hybrid, plain, vhuS, vhuC, trunk}
}

// parityCase is one os-vif configuration with the VIFs plugged under it, and the differences
// between Python os-vif 3.0.0 and govif that are documented bug fixes or upstream-HEAD
// behaviour (docs/plugins-builtin.md, "Parity with Python os-vif 3.0.0").
type parityCase struct {
	name   string
	config map[string]any
	opts   Options
	vifs   []pyVIF
	// wantPlugDiff is the exact expected difference after plugging ("- " Python only,
	// "+ " govif only); after unplugging there must be none.
	wantPlugDiff []string
}

func TestParityWithPythonOSVIF(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: runs Python os-vif against two OVS sandboxes")
	}
	py := testenv.RequirePythonModules(t, "os_vif", "vif_plug_ovs", "ovsdbapp")
	all := parityVIFs()
	isoOpts := DefaultOptions()
	isoOpts.IsolateVIF = true
	ppbOpts := DefaultOptions()
	ppbOpts.PerPortBridge = true
	cases := []parityCase{
		{
			name: "default", opts: DefaultOptions(), vifs: all,
			wantPlugDiff: []string{
				// os-vif 3.0.0 passes promisc='on', which clears IFF_PROMISC (fixed upstream in
				// 5.0.0). qvo is promiscuous on both sides: ovs-vswitchd sets it when it attaches.
				"- Link qvba1b2c3d4-11 type=veth mtu=1450 flags=UP master=qbra1b2c3d4-11",
				"+ Link qvba1b2c3d4-11 type=veth mtu=1450 flags=UP|PROMISC master=qbra1b2c3d4-11",
				// Upstream 4.2.0: ports on trunk bridges carry external_ids:bridge_name.
				`- Interface tapf1b2c3d4-11,,,attached-mac=fa:16:3e:12:34:5a iface-id=f1b2c3d4-1111-4222-8333-444455556666 iface-status=active vm-uuid=5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d,,`,
				`+ Interface tapf1b2c3d4-11,,,attached-mac=fa:16:3e:12:34:5a bridge_name=tbr-0123abcd-e iface-id=f1b2c3d4-1111-4222-8333-444455556666 iface-status=active vm-uuid=5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d,,`,
			},
		},
		{
			name: "isolate_vif", config: map[string]any{"isolate_vif": true}, opts: isoOpts, vifs: []pyVIF{all[1], all[4]},
			wantPlugDiff: []string{
				// Upstream 4.1.0: the dead VLAN as Neutron does it (tag, vlan_mode=trunk,
				// trunks=4095), and never on trunk bridges.
				"- Port tapb1b2c3d4-11,4095,,,,",
				"+ Port tapb1b2c3d4-11,4095,4095,trunk,,",
				"- Port tapf1b2c3d4-11,4095,,,,",
				"+ Port tapf1b2c3d4-11,,,,,",
				`- Interface tapf1b2c3d4-11,,,attached-mac=fa:16:3e:12:34:5a iface-id=f1b2c3d4-1111-4222-8333-444455556666 iface-status=active vm-uuid=5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d,,`,
				`+ Interface tapf1b2c3d4-11,,,attached-mac=fa:16:3e:12:34:5a bridge_name=tbr-0123abcd-e iface-id=f1b2c3d4-1111-4222-8333-444455556666 iface-status=active vm-uuid=5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d,,`,
			},
		},
		{
			name: "per_port_bridge", config: map[string]any{"per_port_bridge": true}, opts: ppbOpts, vifs: []pyVIF{all[1]},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			goOVS := testenv.StartOVS(t, testenv.OVSOptions{VSwitchd: true})
			pyOVS := testenv.StartOVS(t, testenv.OVSOptions{VSwitchd: true})
			v, err := vswitch.Open(ctx, goOVS.Endpoint())
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			l, err := netdev.New(netdev.InNamespace(goOVS.NetNS().Handle()))
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			p := New(&VSwitchSwitch{V: v, WaitApplied: true}, NetdevLinks{l}, c.opts, nil)

			cfg := map[string]any{"ovsdb_connection": pyOVS.Endpoint(), "ovs_vsctl_timeout": 30}
			for k, val := range c.config {
				cfg[k] = val
			}
			for _, phase := range []string{"plug", "unplug"} {
				t0 := time.Now()
				pc := pyCase{Config: cfg}
				for _, vif := range c.vifs {
					pc.Ops = append(pc.Ops, pyOp{Op: phase, VIF: vif})
					var err error
					if phase == "plug" {
						err = p.Plug(ctx, vif.object(), testInstance())
					} else {
						err = p.Unplug(ctx, vif.object(), testInstance())
					}
					if err != nil {
						t.Fatalf("govif %s %s: %v", phase, vif.ID, err)
					}
				}
				t.Logf("govif %s: %v", phase, time.Since(t0))
				t1 := time.Now()
				runPython(t, py, pyOVS, pc)
				t.Logf("python %s: %v", phase, time.Since(t1))
				pyState, goState := hostState(t, ctx, pyOVS), hostState(t, ctx, goOVS)
				diff := diffLines(pyState, goState)
				want := c.wantPlugDiff
				if phase == "unplug" {
					want = nil
				}
				slices.Sort(want)
				if !slices.Equal(diff, want) {
					t.Errorf("after %s, os-vif 3.0.0 (-) vs govif (+):\n%s\nwant:\n%s\nfull govif state:\n%s",
						phase, strings.Join(diff, "\n"), strings.Join(want, "\n"), strings.Join(goState, "\n"))
				}
			}
		})
	}
}
