package govif

import (
	"log/slog"
	"slices"

	"github.com/govif/govif/plugin"
	"github.com/govif/govif/policy"
)

// Option configures NewHost.
type Option func(*options)

type options struct {
	logger     *slog.Logger
	only       []string // nil: every plugin
	injected   map[string]plugin.Plugin
	pluginDirs []string // nil: from the config
	noExec     bool
	policy     *policy.Rules
}

// WithPolicy makes the host refuse, before any plugin runs, every VIF that breaks the
// admission rules r (package policy): names not derived from the VIF id, bridges and physical
// interfaces the configuration does not allow. The daemon always uses it; the CLI in-process
// too, unless root asks for --force. The error wraps a *policy.Violation.
func WithPolicy(r policy.Rules) Option { return func(o *options) { o.policy = &r } }

// WithLogger sets the logger of the host and its plugins (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithPlugins restricts the host to the named plugins (built-in, external or injected). Naming
// a plugin that does not exist makes NewHost fail.
func WithPlugins(names ...string) Option {
	return func(o *options) { o.only = append(o.only, names...) }
}

// WithPlugin adds p under name, replacing a registered or external plugin of the same name.
// Tests and the daemon use it to inject plugins.
func WithPlugin(name string, p plugin.Plugin) Option {
	return func(o *options) {
		if o.injected == nil {
			o.injected = map[string]plugin.Plugin{}
		}
		o.injected[name] = p
	}
}

// WithPluginDirs replaces [govif] plugin_dirs, the directories searched for external plugins.
func WithPluginDirs(dirs ...string) Option {
	return func(o *options) { o.pluginDirs = slices.Clone(dirs) }
}

// WithoutExecPlugins turns off the discovery of external plugins.
func WithoutExecPlugins() Option { return func(o *options) { o.noExec = true } }
