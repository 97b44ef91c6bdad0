package linuxbridge

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

var _ plugin.Checker = (*Plugin)(nil)

// Objects implements plugin.Checker. The bridge (and the NIC or VLAN device on it) is shared
// by every VIF of the network and stays after unplug, so a linux_bridge VIF owns no device:
// only its Bridge is recorded.
func (p *Plugin) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	pl, err := p.planFor(vif)
	if err != nil {
		return plugin.Objects{}, err
	}
	return plugin.Objects{Bridge: pl.bridge}, nil
}

// Check implements plugin.Checker: the bridge exists, is a bridge and is up, with the MTU;
// the NIC or VLAN device is enslaved to it, up, with the MTU; and, unless the VIF filters its
// own traffic, the gateway rules are in the wrapped FORWARD chain of each filter table. A VIF
// for which Plug does nothing (multi_host, should_provide_bridge false) has nothing to check.
func (p *Plugin) Check(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) ([]plugin.Drift, error) {
	pl, err := p.planFor(vif)
	if err != nil {
		return nil, err
	}
	if pl.skip != "" {
		return nil, nil
	}
	var drift []plugin.Drift
	add := func(obj, field, want, got string) {
		drift = append(drift, plugin.Drift{Object: obj, Field: field, Want: want, Got: got})
	}
	get := func(dev string) (*netdev.Link, error) {
		l, err := p.net.Get(ctx, dev)
		if netdev.IsNotFound(err) {
			return nil, nil
		}
		return l, err
	}
	br, err := get(pl.bridge)
	if err != nil {
		return nil, fmt.Errorf("linux_bridge: check VIF %s: %w", pl.vifID, err)
	}
	obj := "device " + pl.bridge
	switch {
	case br == nil:
		add(obj, "exists", "yes", "no")
	case br.Kind != "bridge":
		add(obj, "kind", "bridge", br.Kind)
	default:
		if !br.Up {
			add(obj, "up", "yes", "no")
		}
		if pl.mtu != 0 && pl.iface != "" && br.MTU != pl.mtu {
			add(obj, "mtu", strconv.Itoa(pl.mtu), strconv.Itoa(br.MTU))
		}
	}
	iface := pl.iface
	if pl.vlan != 0 {
		iface = pl.vlanDev()
	}
	if iface != "" {
		l, err := get(iface)
		if err != nil {
			return nil, fmt.Errorf("linux_bridge: check VIF %s: %w", pl.vifID, err)
		}
		obj := "device " + iface
		switch {
		case l == nil && pl.vlan != 0:
			add(obj, "exists", "yes", "no")
		case l == nil: // os-vif skips a missing NIC too
		default:
			if l.Master != pl.bridge {
				add(obj, "master", pl.bridge, l.Master)
			}
			if !l.Up {
				add(obj, "up", "yes", "no")
			}
			if pl.mtu != 0 && l.MTU != pl.mtu {
				add(obj, "mtu", strconv.Itoa(pl.mtu), strconv.Itoa(l.MTU))
			}
		}
	}
	if pl.filtering {
		for _, fam := range []struct {
			name string
			ipt  IPTables
		}{{"iptables", p.fw.v4}, {"ip6tables", p.fw.v6}} {
			if fam.ipt == nil {
				continue
			}
			chain := p.fw.wrap("FORWARD")
			for _, rule := range p.fw.gatewayRules(pl.bridge) {
				ok, err := fam.ipt.Exists(ctx, filterTable, chain, rule...)
				if err != nil {
					if exists, cerr := fam.ipt.ChainExists(ctx, filterTable, chain); cerr == nil && !exists {
						ok, err = false, nil
					}
				}
				if err != nil {
					return nil, fmt.Errorf("linux_bridge: check VIF %s: %s: %w", pl.vifID, fam.name, err)
				}
				if !ok {
					add(fam.name+" filter "+chain, "rule", strings.Join(rule, " "), "")
				}
			}
		}
	}
	return drift, nil
}
