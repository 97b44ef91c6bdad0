package linuxbridge

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
)

// FuzzPlug decodes arbitrary wire VIFs and plugs them into fakes: a plug either succeeds and
// leaves a bridge named as the VIF says (or does nothing, for networks the host does not
// provide), or fails and leaves the fakes exactly as they were.
func FuzzPlug(f *testing.F) {
	for _, mod := range []func(*objects.VIFBridge, *objects.Network){
		nil,
		func(_ *objects.VIFBridge, n *objects.Network) { n.BridgeInterface = objects.Set("eth1") },
		func(_ *objects.VIFBridge, n *objects.Network) {
			n.ShouldProvideVLAN = objects.Set(true)
			n.VLAN = objects.Set(42)
			n.BridgeInterface = objects.Set("eth1")
		},
		func(_ *objects.VIFBridge, n *objects.Network) { n.MTU = objects.Set(9000) },
	} {
		b, err := objects.Encode(testVIF(mod))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vif, err := objects.DecodeVIF(data)
		if err != nil {
			return
		}
		net := newFakeNet(netdev.Link{Name: "eth1", Kind: "device", MTU: 1500, Up: true})
		ipt := newFakeIPT()
		p := newTestPlugin(t, defaultCfg(), net, ipt)
		before, beforeIPT := net.snapshot(), strings.Join(ipt.save(), "\n")
		err = p.Plug(context.Background(), vif, nil)
		if err != nil {
			if net.snapshot() != before || strings.Join(ipt.save(), "\n") != beforeIPT {
				t.Fatalf("failed plug (%v) changed the host:\n%s", err, net.snapshot())
			}
			return
		}
		br, ok := vif.(*objects.VIFBridge)
		if !ok {
			t.Fatalf("plug of a %s succeeded", vif.ObjName())
		}
		n := br.Network.Value()
		if n.MultiHost.Or(false) || !n.ShouldProvideBridge.Or(false) {
			if len(net.mutating()) != 0 {
				t.Fatalf("plug with nothing to do changed links: %v", net.calls)
			}
			return
		}
		name := br.BridgeName.Value()
		if !strings.Contains(net.snapshot(), name+" kind=bridge") {
			t.Fatalf("bridge %q missing after plug:\n%s", name, net.snapshot())
		}
		if mtu := n.MTU.Value(); mtu != 0 && strings.Contains(net.snapshot(), "master=\""+name+"\"") &&
			!strings.Contains(net.snapshot(), name+" kind=bridge mtu="+strconv.Itoa(mtu)) {
			t.Fatalf("bridge MTU is not the network's %d:\n%s", mtu, net.snapshot())
		}
	})
}

// FuzzSplitRule: splitting never panics, and a rule that splits keeps "-A <chain>" first.
func FuzzSplitRule(f *testing.F) {
	f.Add(`-A FORWARD -i br0 -j ACCEPT`)
	f.Add(`-A X -m comment --comment "a b \"c\"" -j DROP`)
	f.Fuzz(func(t *testing.T, line string) {
		args, err := splitRule(line)
		if err != nil {
			return
		}
		if len(args) < 2 || args[0] != "-A" {
			t.Fatalf("splitRule(%q) = %q", line, args)
		}
	})
}
