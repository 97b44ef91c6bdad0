package linuxbridge

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/policy"
)

var errInjected = errors.New("injected failure")

// Each step of a plug fails in turn; the host must end as it began.
func TestPlugFailureRollsBack(t *testing.T) {
	steps := []struct {
		net, ipt string // the failing call
	}{
		{net: "CreateVLAN vlan100 eth1 100"},
		{net: "SetUp vlan100"},
		{net: "SetMTU vlan100 1450"},
		{net: "EnsureBridge " + testBridge},
		{net: "AddToBridge vlan100 " + testBridge},
		{net: "MoveAddressesAndRoutes vlan100 " + testBridge},
		{net: "SetMTU " + testBridge + " 1450"},
		{ipt: "NewChain nova-filter-top"},
		{ipt: "NewChain nova-compute-FORWARD"},
		{ipt: "Insert FORWARD"},
		{ipt: "Insert nova-filter-top"},
		{ipt: "Append nova-compute-FORWARD"},
	}
	for _, s := range steps {
		t.Run(s.net+s.ipt, func(t *testing.T) {
			net := newFakeNet(netdev.Link{Name: "eth1", Kind: "device", MTU: 1500, Up: true})
			ipt := newFakeIPT()
			if s.net != "" {
				net.fail[s.net] = errInjected
			} else {
				ipt.fail[s.ipt] = errInjected
			}
			cfg := defaultCfg()
			cfg.VLANInterface = "eth1"
			p := newTestPlugin(t, cfg, net, ipt)
			before, beforeIPT := net.snapshot(), ipt.save()
			vif := testVIF(func(_ *objects.VIFBridge, n *objects.Network) {
				n.ShouldProvideVLAN = objects.Set(true)
				n.VLAN = objects.Set(100)
			})
			err := p.Plug(context.Background(), vif, nil)
			if !errors.Is(err, errInjected) {
				t.Fatalf("Plug: err = %v, want the injected failure", err)
			}
			if !strings.Contains(err.Error(), testBridge) || !strings.Contains(err.Error(), "a1b2c3d4-1111") {
				t.Errorf("error does not name the bridge and VIF: %v", err)
			}
			if diff := cmp.Diff(before, net.snapshot()); diff != "" {
				t.Errorf("links not rolled back (-before +after):\n%s\ncalls: %v", diff, net.calls)
			}
			if diff := cmp.Diff(beforeIPT, ipt.save()); diff != "" {
				t.Errorf("iptables not rolled back (-before +after):\n%s", diff)
			}
		})
	}
}

// A failure on an existing bridge with a NIC restores the NIC's master (none: a NIC in
// another bridge is refused, TestFunctionalNeverTakesOverAnotherMastersDevice), state and MTU
// and the bridge's MTU, and leaves the bridge.
func TestPlugFailureRestoresExistingDevices(t *testing.T) {
	net := newFakeNet(
		netdev.Link{Name: testBridge, Kind: "bridge", MTU: 1500, Up: true},
		netdev.Link{Name: "eth1", Kind: "device", MTU: 1500},
		netdev.Link{Name: "otherbr", Kind: "bridge", MTU: 1500, Up: true},
	)
	ipt := newFakeIPT()
	ipt.fail["Append nova-compute-FORWARD"] = errInjected
	cfg := defaultCfg()
	cfg.FlatInterface = "eth1"
	p := newTestPlugin(t, cfg, net, ipt)
	before := net.snapshot()
	if err := p.Plug(context.Background(), testVIF(nil), nil); !errors.Is(err, errInjected) {
		t.Fatalf("Plug: err = %v", err)
	}
	if diff := cmp.Diff(before, net.snapshot()); diff != "" {
		t.Errorf("links not restored (-before +after):\n%s", diff)
	}
	if len(rulesOf(ipt.save())) != 0 {
		t.Errorf("rules left: %v", ipt.save())
	}
}

func TestPlugRefusesDeviceOfOtherKind(t *testing.T) {
	net := newFakeNet(netdev.Link{Name: testBridge, Kind: "veth", MTU: 1500})
	ipt := newFakeIPT()
	p := newTestPlugin(t, defaultCfg(), net, ipt)
	err := p.Plug(context.Background(), testVIF(nil), nil)
	var pv *policy.Violation
	if !errors.As(err, &pv) || pv.Code != policy.CodeNameConflict || !strings.Contains(err.Error(), "exists as veth, not a bridge") {
		t.Fatalf("Plug: err = %v", err)
	}
	if len(net.mutating())+len(ipt.calls) != 0 {
		t.Errorf("host touched: %v %v", net.calls, ipt.calls)
	}
}

func TestPlugCancelledContext(t *testing.T) {
	net, ipt := newFakeNet(), newFakeIPT()
	p := newTestPlugin(t, defaultCfg(), net, ipt)
	// Hold the bridge lock so the plug has to wait, and cancel it.
	unlock, err := p.locks.lock(context.Background(), lockBridgePrefix+testBridge)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Plug(ctx, testVIF(nil), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Plug: err = %v, want context.Canceled", err)
	}
	if len(net.mutating())+len(ipt.calls) != 0 {
		t.Errorf("host touched: %v %v", net.calls, ipt.calls)
	}
}
