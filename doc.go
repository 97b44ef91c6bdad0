// Package govif is os-vif for Go: it plugs and unplugs VM network interfaces (VIFs) on a
// compute host through VIF plugins, and reports what those plugins support.
//
// Host is the library face, the Go form of os-vif's initialize / plug / unplug / host_info:
//
//	import _ "github.com/govif/govif/plugins/all" // the built-in plugins
//
//	cfg, err := config.Load("/etc/nova/nova.conf")
//	host, err := govif.NewHost(ctx, cfg)
//	defer host.Close()
//	err = host.Plug(ctx, vif, instance)   // dispatched on vif.Plugin
//	info, err := host.HostInfo(ctx)       // os_vif.host_info()
//
// Errors callers branch on: ErrNoMatchingPlugin (no plugin of that name), *PlugError (the
// plugin failed; it wraps the plugin's error, e.g. plugin.ErrUnsupportedVIFType), and
// *objects.FieldError (the VIF is invalid; no plugin ran).
//
// The package knows plugins only through the plugin package; it does no host networking itself.
// Per-VIF serialisation of concurrent calls is the caller's (the daemon's) job.
package govif
