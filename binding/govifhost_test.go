package binding_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/govif/govif"
	"github.com/govif/govif/binding"
	"github.com/govif/govif/objects"
	_ "github.com/govif/govif/plugins/all"
)

// novaVIF converts the network_info VIF of one golden case.
func novaVIF(t *testing.T, name string) objects.VIF {
	t.Helper()
	data, err := os.ReadFile("testdata/golden/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		NovaVIF json.RawMessage `json:"nova_vif"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	vif, err := binding.FromNovaVIFJSON(c.NovaVIF)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return vif
}

// TestNegotiateWithGovifHost negotiates Nova's VIFs against what a real govif host (the built-in
// plugins) advertises: the objects Nova builds for ovs, linux_bridge and noop go through at their
// full versions; the ones for external plugins do not.
func TestNegotiateWithGovifHost(t *testing.T) {
	ctx := context.Background()
	h, err := govif.NewHost(ctx, nil, govif.WithoutExecPlugins())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	host, err := h.HostInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	profileCur, _ := objects.CurrentVersion("VIFPortProfileOpenVSwitch")
	for _, tc := range []struct {
		golden, plugin, class, version, profile, profileVersion string
	}{
		{"ovs-plain", "ovs", "VIFOpenVSwitch", "1.0", "VIFPortProfileOpenVSwitch", profileCur},
		{"ovs-hybrid", "ovs", "VIFBridge", "1.0", "VIFPortProfileOpenVSwitch", profileCur},
		{"vhostuser-ovs", "ovs", "VIFVHostUser", "1.1", "VIFPortProfileOpenVSwitch", profileCur},
		{"ovs-direct", "ovs", "VIFHostDevice", "1.0", "VIFPortProfileOVSRepresentor", ""},
		{"bridge", "linux_bridge", "VIFBridge", "1.0", "", ""},
		{"vhostuser-plain", "noop", "VIFVHostUser", "", "", ""},
		// govif's own vendor plugins (plugins/vendor) take the vendors' objects.
		{"vhostuser-fp-bridge", "vhostuser_fp", "VIFVHostUser", "1.1", "VIFPortProfileFPBridge", "1.1"},
		{"vrouter", "vrouter", "VIFGeneric", "1.0", "", ""},
		// agilio_ovs: Nova's direct and virtio-forwarder objects go to govif's agilio_ovs plugin
		// (plugins/vendor), its other vnic types to ovs.
		{"agilio-direct", "agilio_ovs", "VIFHostDevice", "1.0", "VIFPortProfileOVSRepresentor", ""},
		{"agilio-virtio-forwarder", "agilio_ovs", "VIFVHostUser", "1.1", "VIFPortProfileOVSRepresentor", ""},
		{"agilio-normal", "ovs", "VIFBridge", "1.0", "VIFPortProfileOpenVSwitch", profileCur},
		// Nova sends remote-managed ports to noop as VIFHostDevice, which noop does not list
		// (os-vif 3.0.0's noop describes only VIFVHostUser).
		{"ovs-remote-managed", "", "", "", "", ""},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			n, err := binding.Negotiate(host, novaVIF(t, tc.golden))
			if tc.plugin == "" {
				var nm *binding.NoMatchError
				if !errors.As(err, &nm) {
					t.Fatalf("want a *NoMatchError, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n.Plugin != tc.plugin || n.VIF.ObjName() != tc.class {
				t.Errorf("negotiated %s/%s, want %s/%s", n.Plugin, n.VIF.ObjName(), tc.plugin, tc.class)
			}
			if tc.version != "" && n.Version != tc.version {
				t.Errorf("version %s, want %s", n.Version, tc.version)
			}
			if tc.profile != "" {
				if _, ok := n.Manifest[tc.profile]; !ok {
					t.Errorf("manifest %v does not name %s", n.Manifest, tc.profile)
				}
				if tc.profileVersion != "" && n.Manifest[tc.profile] != tc.profileVersion {
					t.Errorf("profile version %s, want %s", n.Manifest[tc.profile], tc.profileVersion)
				}
			}
			back, err := objects.DecodeVIF(n.Primitive)
			if err != nil || back.ObjName() != tc.class {
				t.Errorf("negotiated primitive does not decode as %s: %v", tc.class, err)
			}
		})
	}
}
