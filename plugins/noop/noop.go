package noop

import (
	"context"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// Name is the plugin name (VIF.plugin).
const Name = "noop"

func init() { plugin.Register(Name, New) }

// Plugin is the noop plugin.
type Plugin struct{}

var _ plugin.Plugin = Plugin{}

// New builds the plugin; it has no options (os-vif registers no config group for it).
func New(plugin.Env) (plugin.Plugin, error) { return Plugin{}, nil }

// Describe returns os-vif's: VIFVHostUser 1.0..1.0 with no port profiles.
func (Plugin) Describe() *objects.HostPluginInfo {
	return plugin.Describe(Name, plugin.SupportedVIF("VIFVHostUser", "1.0", "1.0"))
}

// Plug does nothing. Like os-vif, it accepts any VIF class routed to it.
func (Plugin) Plug(context.Context, objects.VIF, *objects.InstanceInfo) error { return nil }

// Unplug does nothing.
func (Plugin) Unplug(context.Context, objects.VIF, *objects.InstanceInfo) error { return nil }
