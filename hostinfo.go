package govif

import (
	"context"
	"slices"

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
	if permitted != nil {
		infos = filterVIFTypes(infos, permitted)
	}
	return &objects.HostInfo{PluginInfo: objects.Set(infos)}, nil
}

// filterVIFTypes is os-vif's HostInfo.filter_vif_types: each plugin keeps the VIF classes
// named in names (order kept), and plugins left with none are dropped.
func filterVIFTypes(infos []*objects.HostPluginInfo, names []string) []*objects.HostPluginInfo {
	out := make([]*objects.HostPluginInfo, 0, len(infos))
	for _, p := range infos {
		vifs := p.VIFInfo.Value()
		kept := make([]*objects.HostVIFInfo, 0, len(vifs))
		for _, v := range vifs {
			if v != nil && slices.Contains(names, v.VIFObjectName.Value()) {
				kept = append(kept, v)
			}
		}
		p.VIFInfo = objects.Set(kept)
		if len(kept) > 0 {
			out = append(out, p)
		}
	}
	return out
}
