package noop

import (
	"context"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

var _ plugin.Checker = Plugin{}

// Objects implements plugin.Checker: the noop plugin makes nothing on the host.
func (Plugin) Objects(objects.VIF, *objects.InstanceInfo) (plugin.Objects, error) {
	return plugin.Objects{}, nil
}

// Check implements plugin.Checker: nothing is made, so nothing can drift.
func (Plugin) Check(context.Context, objects.VIF, *objects.InstanceInfo) ([]plugin.Drift, error) {
	return nil, nil
}
