package linuxbridge

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

func TestPlugRejectsBadInput(t *testing.T) {
	long := "brq0123456789abcdef"
	cases := []struct {
		name  string
		vif   objects.VIF
		field string // expected FieldError path, "" for ErrUnsupportedVIFType
		value string // expected in the message
	}{
		{"no bridge name", testVIF(func(v *objects.VIFBridge, _ *objects.Network) { v.BridgeName = objects.Unset[string]() }), "VIFBridge.bridge_name", "required"},
		{"empty bridge name", testVIF(func(v *objects.VIFBridge, _ *objects.Network) { v.BridgeName = objects.Set("") }), "VIFBridge.bridge_name", "required"},
		{"long bridge name", testVIF(func(v *objects.VIFBridge, _ *objects.Network) { v.BridgeName = objects.Set(long) }), "VIFBridge.bridge_name", long},
		{"slash in bridge name", testVIF(func(v *objects.VIFBridge, _ *objects.Network) { v.BridgeName = objects.Set("br/x") }), "VIFBridge.bridge_name", "br/x"},
		{"no network", testVIF(func(v *objects.VIFBridge, _ *objects.Network) { v.Network = objects.Null[*objects.Network]() }), "VIFBridge.network", "required"},
		{"mtu too small", testVIF(func(_ *objects.VIFBridge, n *objects.Network) { n.MTU = objects.Set(40) }), "VIFBridge.network.mtu", "40"},
		{"mtu too big", testVIF(func(_ *objects.VIFBridge, n *objects.Network) { n.MTU = objects.Set(70000) }), "VIFBridge.network.mtu", "70000"},
		{"bad bridge_interface", testVIF(func(_ *objects.VIFBridge, n *objects.Network) { n.BridgeInterface = objects.Set("eth0123456789abcd") }), "VIFBridge.network.bridge_interface", "eth0123456789abcd"},
		{"vlan without id", testVIF(func(_ *objects.VIFBridge, n *objects.Network) {
			n.ShouldProvideVLAN = objects.Set(true)
			n.BridgeInterface = objects.Set("eth1")
		}), "VIFBridge.network.vlan", "required"},
		{"vlan out of range", testVIF(func(_ *objects.VIFBridge, n *objects.Network) {
			n.ShouldProvideVLAN = objects.Set(true)
			n.VLAN = objects.Set(4095)
			n.BridgeInterface = objects.Set("eth1")
		}), "VIFBridge.network.vlan", "4095"},
		{"vlan without interface", testVIF(func(_ *objects.VIFBridge, n *objects.Network) {
			n.ShouldProvideVLAN = objects.Set(true)
			n.VLAN = objects.Set(7)
		}), "VIFBridge.network.bridge_interface", "vlan_interface"},
		{"bridge is the interface", testVIF(func(_ *objects.VIFBridge, n *objects.Network) { n.BridgeInterface = objects.Set(testBridge) }), "VIFBridge.bridge_name", testBridge},
		{"wrong VIF type", &objects.VIFOpenVSwitch{BridgeName: objects.Set("br-int")}, "", "VIFOpenVSwitch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			net, ipt := newFakeNet(netdev.Link{Name: "eth1", Kind: "device", MTU: 1500}), newFakeIPT()
			p := newTestPlugin(t, defaultCfg(), net, ipt)
			err := p.Plug(context.Background(), c.vif, nil)
			if err == nil {
				t.Fatal("Plug succeeded")
			}
			if c.field == "" {
				if !errors.Is(err, plugin.ErrUnsupportedVIFType) {
					t.Errorf("err = %v, want ErrUnsupportedVIFType", err)
				}
			} else {
				var fe *objects.FieldError
				if !errors.As(err, &fe) || fe.Path != c.field {
					t.Fatalf("err = %v, want *objects.FieldError for %s", err, c.field)
				}
			}
			if !strings.Contains(err.Error(), c.value) {
				t.Errorf("err %q does not mention %q", err, c.value)
			}
			if len(net.calls)+len(ipt.calls) != 0 {
				t.Errorf("host touched: %v %v", net.calls, ipt.calls)
			}
		})
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	cases := []struct {
		option string
		mod    func(*config.LinuxBridge)
	}{
		{"iptables_top_regex", func(c *config.LinuxBridge) { c.IptablesTopRegex = "([" }},
		{"iptables_bottom_regex", func(c *config.LinuxBridge) { c.IptablesBottomRegex = "(?<=x)" }},
		{"iptables_drop_action", func(c *config.LinuxBridge) { c.IptablesDropAction = "" }},
		{"flat_interface", func(c *config.LinuxBridge) { c.FlatInterface = "a very long interface" }},
		{"vlan_interface", func(c *config.LinuxBridge) { c.VLANInterface = "x/y" }},
		{"network_device_mtu", func(c *config.LinuxBridge) { c.NetworkDeviceMTU = 10 }},
	}
	for _, c := range cases {
		cfg := defaultCfg()
		c.mod(&cfg)
		_, err := New(cfg, WithNetOps(newFakeNet()), WithIPTables(newFakeIPT(), nil), WithLockDir(t.TempDir()), WithLogger(discard))
		var ve *config.ValueError
		if !errors.As(err, &ve) || ve.Option != c.option || ve.Section != "os_vif_linux_bridge" {
			t.Errorf("%s: err = %v, want *config.ValueError for it", c.option, err)
		}
	}
}

func TestNewRejectsBadChainPrefix(t *testing.T) {
	for _, prefix := range []string{"", "a-prefix-that-is-too-long", "nova compute"} {
		_, err := New(defaultCfg(), WithNetOps(newFakeNet()), WithIPTables(newFakeIPT(), nil), WithChainPrefix(prefix))
		if err == nil || !strings.Contains(err.Error(), "chain prefix") {
			t.Errorf("prefix %q: err = %v", prefix, err)
		}
	}
}
