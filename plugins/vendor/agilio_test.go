package vendor_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif"
	"github.com/govif/govif/binding"
	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/vswitch"
)

// novaGolden returns, for a binding golden case, the VIF Nova 26's own os_vif_util built
// (result.osvif, recorded from python3-nova by binding/testdata/gen_golden.py) and the one
// govif's binding converts from the same network_info VIF.
func novaGolden(t *testing.T, name string) (nova, govifVIF objects.VIF) {
	t.Helper()
	data, err := os.ReadFile("../../binding/testdata/golden/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		NovaVIF json.RawMessage `json:"nova_vif"`
		Result  struct {
			OSVIF json.RawMessage `json:"osvif"`
		} `json:"result"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if nova, err = objects.DecodeVIF(c.Result.OSVIF); err != nil {
		t.Fatalf("%s: Nova's object: %v", name, err)
	}
	if govifVIF, err = binding.FromNovaVIFJSON(c.NovaVIF); err != nil {
		t.Fatalf("%s: binding: %v", name, err)
	}
	return nova, govifVIF
}

// Nova 26 converts vif_type agilio_ovs itself: vnic direct to a VIFHostDevice and
// virtio-forwarder to a VIFVHostUser, both with plugin "agilio_ovs" and a
// VIFPortProfileOVSRepresentor; other vnic types to the ovs plugin's objects. This test takes
// the objects Nova built (the binding golden cases) and plugs them through a govif.Host whose
// agilio_ovs plugin is loaded from the registry with its configuration, on a private Open
// vSwitch (ovsdb-server and ovs-vswitchd in a namespace), with agilio-vf-mgr.py a stand-in that
// logs its argv: the host's HostInfo negotiates them to agilio_ovs, the plug makes the
// representor's port with the vendor plugin's external_ids and runs the vendor's claim, the
// check is clean and then names a removed external id, and unplug removes the port and
// releases the VF. A failing agilio-vf-mgr.py leaves no port.
func TestAgilioOVSNovaVIFsOnSandbox(t *testing.T) {
	o := testenv.StartOVS(t, testenv.OVSOptions{VSwitchd: true})
	o.Vsctl(t, "add-br", "br-int", "--", "set", "Bridge", "br-int", "datapath_type=netdev")
	dir, log := standins(t)
	t.Setenv("PATH", dir)
	t.Setenv(envStandinLog, log)
	cfg, err := config.FromSections(map[string]map[string][]string{
		"os_vif_agilio_ovs": {"ovsdb_connection": {o.Endpoint()}, "ovs_vsctl_timeout": {"30"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	h, err := govif.NewHost(ctx, cfg, govif.WithPlugins("agilio_ovs"), govif.WithoutExecPlugins(), govif.WithLogger(discard))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	hi, err := h.HostInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inst := &objects.InstanceInfo{UUID: objects.Set("b7c1a9e0-1234-4c3d-9e8f-0a1b2c3d4e5f"), Name: objects.Set("vm")}
	const port, pci, mac, ifaceID = "tapa1b2c3d4-11", "0000:3b:00.2", "fa:16:3e:12:34:56", "a1b2c3d4-1111-4222-8333-444455556666"
	v, err := vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	extIDs := func(t *testing.T) map[string]string {
		i, err := v.InterfaceByName(ctx, port)
		if err != nil {
			t.Fatal(err)
		}
		return i.ExternalIDs
	}
	ports := func(t *testing.T) []string { return strings.Fields(o.Vsctl(t, "list-ports", "br-int")) }
	for _, c := range []struct {
		golden, class   string
		claim, release  []string
		virtioForwarder bool
	}{
		{"agilio-direct", "VIFHostDevice", []string{"--claim-passthrough", port, mac, "--pciaddr", pci}, []string{"--releasepci", pci}, false},
		{"agilio-virtio-forwarder", "VIFVHostUser", []string{"--claim-forwarder", port, mac, "--pciaddr", pci, "--vhupath", "/var/run/openvswitch/vhua1b2c3d4-11"},
			[]string{"--releasepci", pci, "--vhupath", "/var/run/openvswitch/vhua1b2c3d4-11"}, true},
	} {
		t.Run(c.golden, func(t *testing.T) {
			os.Remove(log)
			nova, conv := novaGolden(t, c.golden)
			if nova.Base().Plugin.Value() != "agilio_ovs" || nova.ObjName() != c.class || conv.Base().Plugin.Value() != "agilio_ovs" || conv.ObjName() != c.class {
				t.Fatalf("Nova built %s/%s, binding %s/%s; want agilio_ovs/%s", nova.Base().Plugin.Value(), nova.ObjName(), conv.Base().Plugin.Value(), conv.ObjName(), c.class)
			}
			n, err := binding.Negotiate(hi, nova)
			if err != nil || n.Plugin != "agilio_ovs" || n.VIF.ObjName() != c.class {
				t.Fatalf("negotiation with the govif host: %+v, %v", n, err)
			}
			for range 2 { // idempotent
				if err := h.Plug(ctx, nova, inst); err != nil {
					t.Fatal(err)
				}
			}
			if got := ports(t); !slices.Equal(got, []string{port}) {
				t.Fatalf("ports on br-int: %v", got)
			}
			want := map[string]string{"iface-id": ifaceID, "iface-status": "active", "attached-mac": mac, "vm-uuid": inst.UUID.Value()}
			if c.virtioForwarder {
				want["virtio_forwarder"] = "1"
			}
			if diff := cmp.Diff(want, extIDs(t)); diff != "" {
				t.Errorf("external_ids (-vendor plugin's +govif's):\n%s", diff)
			}
			p, _ := h.Plugin("agilio_ovs")
			ch := p.(plugin.Checker)
			if d, err := ch.Check(ctx, nova, inst); err != nil || len(d) != 0 {
				t.Fatalf("check after plug: %v, %v", d, err)
			}
			o.Vsctl(t, "remove", "Interface", port, "external_ids", "iface-id")
			d, err := ch.Check(ctx, nova, inst)
			if err != nil || len(d) != 1 || d[0].String() != `ovs port br-int/`+port+`: external_ids:iface-id want "`+ifaceID+`", got ""` {
				t.Fatalf("check after removing iface-id: %v, %v", d, err)
			}
			for range 2 {
				if err := h.Unplug(ctx, nova, inst); err != nil {
					t.Fatal(err)
				}
			}
			if got := ports(t); len(got) != 0 {
				t.Fatalf("ports left on br-int: %v", got)
			}
			wantCalls := []toolCall{{"agilio-vf-mgr.py", c.claim}, {"agilio-vf-mgr.py", c.claim},
				{"agilio-vf-mgr.py", c.release}, {"agilio-vf-mgr.py", c.release}}
			if diff := cmp.Diff(wantCalls, readCalls(t, log)); diff != "" {
				t.Errorf("agilio-vf-mgr.py calls (-vendor plugin's +govif's):\n%s", diff)
			}

			// A failing claim fails the plug with the tool's error and adds no port.
			t.Setenv(envStandinFail, "agilio-vf-mgr.py")
			var te interface{ Unwrap() error }
			if err := h.Plug(ctx, nova, inst); err == nil || !strings.Contains(err.Error(), "failing as asked") || !errors.As(err, &te) {
				t.Fatalf("plug with a failing agilio-vf-mgr.py: %v", err)
			}
			if got := ports(t); len(got) != 0 {
				t.Fatalf("failed plug left ports: %v", got)
			}
		})
	}

	// vnic normal: Nova converts agilio_ovs as ovs (here a hybrid VIFBridge), for the ovs plugin.
	nova, conv := novaGolden(t, "agilio-normal")
	if nova.Base().Plugin.Value() != "ovs" || conv.Base().Plugin.Value() != "ovs" || nova.ObjName() != conv.ObjName() {
		t.Errorf("agilio-normal: Nova %s/%s, binding %s", nova.Base().Plugin.Value(), nova.ObjName(), conv.Base().Plugin.Value())
	}
	// Bad input changes nothing: no profile, a wrong profile.
	vif, _ := novaGolden(t, "agilio-direct")
	vif.Base().PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(ifaceID)})
	var wp *plugin.WrongPortProfileError
	if err := h.Plug(ctx, vif, inst); !errors.As(err, &wp) {
		t.Errorf("wrong profile: %v", err)
	}
	vif.Base().PortProfile = objects.Field[objects.PortProfile]{}
	if err := h.Plug(ctx, vif, inst); !errors.Is(err, plugin.ErrMissingPortProfile) {
		t.Errorf("no profile: %v", err)
	}
}
