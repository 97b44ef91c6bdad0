package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/govif/govif/netdev"
)

// showOVS describes each port on bridge: its interface type, ofport, error and external_ids.
func (d *demoRun) showOVS(ctx context.Context, bridge string) ([]string, error) {
	ports, err := d.env.vs.ListPorts(ctx, bridge)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range ports {
		if p == bridge {
			continue
		}
		ifc, err := d.env.vs.InterfaceByName(ctx, p)
		if err != nil {
			return nil, err
		}
		typ := ifc.Type
		if typ == "" {
			typ = "system"
		}
		line := fmt.Sprintf("ovs port %-14s on %s  type=%s ofport=%d", p, bridge, typ, ifc.OFPort)
		if ifc.Error != "" {
			line += fmt.Sprintf(" (ovs says: %s)", ifc.Error)
		}
		out = append(out, line)
		keys := make([]string, 0, len(ifc.ExternalIDs))
		for k := range ifc.ExternalIDs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var kv []string
		for _, k := range keys {
			kv = append(kv, k+"="+ifc.ExternalIDs[k])
		}
		out = append(out, "  external_ids: "+strings.Join(kv, " "))
	}
	if len(out) == 0 {
		out = append(out, "ovs bridge "+bridge+": no ports")
	}
	return out, nil
}

// showDevices lists the devices in the host namespace whose names start with one of prefixes.
func (d *demoRun) showDevices(ctx context.Context, prefixes ...string) ([]string, error) {
	links, err := d.env.links.ListLinks(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(links, func(a, b netdev.Link) int { return strings.Compare(a.Name, b.Name) })
	var out []string
	for _, l := range links {
		if !hasAnyPrefix(l.Name, prefixes) {
			continue
		}
		state := "down"
		if l.Up {
			state = "up"
		}
		line := fmt.Sprintf("dev %-14s %-6s mtu %d %s", l.Name, l.Kind, l.MTU, state)
		if l.Master != "" {
			line += " master " + l.Master
		}
		if l.Peer != "" {
			line += " peer " + l.Peer
		}
		if l.Promisc {
			line += " promisc"
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		out = append(out, "no devices named "+strings.Join(prefixes, "*, ")+"*")
	}
	return out, nil
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// devicesGone checks that none of names exists in the host namespace.
func (d *demoRun) devicesGone(ctx context.Context, names ...string) error {
	var left []string
	for _, n := range names {
		ok, err := d.env.links.Exists(ctx, n)
		if err != nil {
			return err
		}
		if ok {
			left = append(left, n)
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("still there after unplug: %s", strings.Join(left, ", "))
	}
	return nil
}
