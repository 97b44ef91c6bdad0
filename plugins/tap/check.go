package tap

import (
	"context"

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
	return p.host.Check(ctx, s.Name, s.Opts)
}
