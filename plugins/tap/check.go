package tap

import (
	"context"
	"strconv"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

var _ plugin.Checker = (*Plugin)(nil)

// Objects implements plugin.Checker: the VIF's tap.
func (p *Plugin) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	s, err := SpecOf(vif)
	if err != nil {
		return plugin.Objects{}, err
	}
	return plugin.Objects{Devices: []string{s.Name}}, nil
}

// Check implements plugin.Checker: the tap exists, is a tap, is up, and has the MTU, MAC and
// multiqueue flag Plug gives it.
func (p *Plugin) Check(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) ([]plugin.Drift, error) {
	s, err := SpecOf(vif)
	if err != nil {
		return nil, err
	}
	l, err := p.host.Get(ctx, s.Name)
	if err != nil {
		return nil, err
	}
	obj := "device " + s.Name
	if l == nil {
		return []plugin.Drift{{Object: obj, Field: "exists", Want: "yes", Got: "no"}}, nil
	}
	if l.Kind != "tap" {
		return []plugin.Drift{{Object: obj, Field: "kind", Want: "tap", Got: l.Kind}}, nil
	}
	var d []plugin.Drift
	yn := map[bool]string{true: "yes", false: "no"}
	if !l.Up {
		d = append(d, plugin.Drift{Object: obj, Field: "up", Want: "yes", Got: "no"})
	}
	if s.Opts.MTU > 0 && l.MTU != s.Opts.MTU {
		d = append(d, plugin.Drift{Object: obj, Field: "mtu", Want: strconv.Itoa(s.Opts.MTU), Got: strconv.Itoa(l.MTU)})
	}
	if s.Opts.MAC != nil && l.MAC.String() != s.Opts.MAC.String() {
		d = append(d, plugin.Drift{Object: obj, Field: "mac", Want: s.Opts.MAC.String(), Got: l.MAC.String()})
	}
	if l.Multiqueue != s.Opts.Multiqueue {
		d = append(d, plugin.Drift{Object: obj, Field: "multiqueue", Want: yn[s.Opts.Multiqueue], Got: yn[l.Multiqueue]})
	}
	return d, nil
}
