package govif

import (
	"context"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// HostInfo returns what the loaded plugins support, as os_vif.host_info(): one HostPluginInfo
// per plugin from its Describe, in plugin name order.
//
// With no permitted argument nothing is filtered (os-vif's permitted_vif_type_names=None).
// Otherwise only the VIF classes named in permitted are kept, and plugins left with none are
// dropped; passing an empty, non-nil slice (HostInfo(ctx, []string{}...)) keeps nothing, as
// os-vif does for [].
func (h *Host) HostInfo(ctx context.Context, permitted ...string) (*objects.HostInfo, error) {
	infos := make([]*objects.HostPluginInfo, 0, len(h.names))
	for _, name := range h.names {
		// A copy: filtering replaces fields in place and must not reach the plugin's object.
		infos = append(infos, plugin.CloneHostPluginInfo(h.plugins[name].Describe()))
	}
	hi := &objects.HostInfo{PluginInfo: objects.Set(infos)}
	if permitted != nil {
		hi.FilterVIFTypes(permitted)
	}
	return hi, nil
}
