package plugin

import (
	"context"
	"log/slog"

	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
)

// Plugin plugs and unplugs VIFs of the kinds it describes. It is os-vif's PluginBase.
//
// Plug and Unplug must be idempotent (plugging twice is plugging once; unplugging what is gone
// succeeds) and safe for concurrent calls on different VIFs. Failures are returned as errors;
// use the sentinels and types of this package for the os-vif failure kinds callers branch on.
type Plugin interface {
	// Describe returns what the plugin supports, as os-vif's describe(). Each call returns a
	// new object the caller may modify.
	Describe() *objects.HostPluginInfo
	// Plug connects vif to the host's networking for the instance.
	Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error
	// Unplug disconnects vif.
	Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error
}

// Request is one VIF to plug or unplug, for BulkPlugger.
type Request struct {
	VIF      objects.VIF
	Instance *objects.InstanceInfo
}

// BulkPlugger is implemented by plugins that can plug or unplug many VIFs more cheaply than one
// at a time (for example in one OVSDB transaction). The returned slice has one error (or nil)
// per request, in order. Callers fall back to parallel Plug/Unplug calls for other plugins.
type BulkPlugger interface {
	PlugMany(ctx context.Context, reqs []Request) []error
	UnplugMany(ctx context.Context, reqs []Request) []error
}

// Closer is implemented by plugins that hold resources (connections, goroutines); the owner of
// the plugin calls Close once when done with it.
type Closer interface {
	Close() error
}

// VIFLocker is implemented by plugins that serialize the operations on one VIF themselves (a
// per-VIF lock taken inside Plug, Unplug and their bulk forms). The Host takes its own per-VIF
// lock only for plugins that do not implement it, so every request is locked exactly once.
type VIFLocker interface {
	// LocksVIFs is a marker; it does nothing.
	LocksVIFs()
}

// Env is what a Factory gets to build a plugin.
type Env struct {
	// Name is the name the plugin is registered under; it selects the plugin through
	// VIF.plugin and names its configuration section [os_vif_<Name>].
	Name string
	// Config is the loaded configuration; never nil.
	Config *config.Config
	// Logger is the logger the plugin should use; never nil.
	Logger *slog.Logger
}

// SectionName returns the configuration section of a plugin named name: os_vif_<name>.
func SectionName(name string) string { return "os_vif_" + name }

// Section returns the plugin's raw configuration section, [os_vif_<Name>].
func (e Env) Section() config.Section { return e.Config.Section(SectionName(e.Name)) }

// Factory builds a plugin. It is called once per Host (os-vif's PluginBase.load); it should
// check its configuration and fail with a clear error rather than at the first Plug, and it
// should not block (connect lazily, on the first call that has a context).
type Factory func(env Env) (Plugin, error)
