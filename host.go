package govif

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/keylock"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/policy"
)

// Interface is what a caller needs to plug VIFs: an in-process Host and the daemon's client
// both satisfy it.
type Interface interface {
	Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error
	Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error
	HostInfo(ctx context.Context, permitted ...string) (*objects.HostInfo, error)
}

var _ Interface = (*Host)(nil)

// Host holds the loaded VIF plugins of one compute host and dispatches VIFs to them. It is
// os-vif's initialized library state. A Host is safe for concurrent use.
type Host struct {
	cfg     *config.Config
	logger  *slog.Logger
	plugins map[string]plugin.Plugin
	broken  map[string]error // external plugins that failed to load
	names   []string         // sorted names of plugins
	locks   keylock.Map      // per-VIF locks for plugins that do not lock VIFs themselves
	policy  *policy.Rules    // nil: no admission policy (WithPolicy)
}

// NewHost loads the plugins: every registered built-in (blank-import plugins/all to get them),
// every external govif-plugin-<name> executable in [govif] plugin_dirs, and the plugins given
// with WithPlugin. A built-in plugin whose factory fails makes NewHost fail; an external plugin
// that fails to load is logged and skipped, and VIFs routed to it fail with the load error. cfg
// nil means config.Default(). Configuration warnings are logged.
func NewHost(ctx context.Context, cfg *config.Config, opts ...Option) (*Host, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if cfg == nil {
		cfg = config.Default()
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	h := &Host{cfg: cfg, logger: o.logger, plugins: map[string]plugin.Plugin{}, broken: map[string]error{}, policy: o.policy}
	for _, w := range cfg.Warnings {
		h.logger.WarnContext(ctx, "configuration: "+w.Message, "section", w.Section, "option", w.Option, "file", w.File, "line", w.Line)
	}
	for name := range o.injected {
		if !plugin.ValidName(name) {
			return nil, fmt.Errorf("govif: WithPlugin: invalid plugin name %q", name)
		}
	}
	dirs := cfg.Govif.PluginDirs
	if o.pluginDirs != nil {
		dirs = o.pluginDirs
	}
	wanted := func(name string) bool { return o.only == nil || slices.Contains(o.only, name) }
	for _, name := range plugin.Names() {
		if _, injected := o.injected[name]; injected || !wanted(name) {
			continue
		}
		f, _ := plugin.Lookup(name)
		p, err := f(h.env(name))
		if err != nil {
			h.Close()
			return nil, fmt.Errorf("govif: load plugin %s: %w", name, err)
		}
		h.plugins[name] = p
	}
	maps.Copy(h.plugins, filterMap(o.injected, wanted))
	if !o.noExec {
		if err := h.loadExec(ctx, dirs, wanted); err != nil {
			h.Close()
			return nil, err
		}
	}
	for _, name := range o.only {
		if _, ok := h.plugins[name]; !ok && h.broken[name] == nil {
			h.Close()
			return nil, fmt.Errorf("govif: plugin %s requested but neither registered nor found in %v", name, dirs)
		}
	}
	h.names = slices.Sorted(maps.Keys(h.plugins))
	h.logger.InfoContext(ctx, "Loaded VIF plugins", "plugins", h.names)
	return h, nil
}

func (h *Host) env(name string) plugin.Env {
	return plugin.Env{Name: name, Config: h.cfg, Logger: h.logger.With("plugin", name)}
}

func (h *Host) loadExec(ctx context.Context, dirs []string, wanted func(string) bool) error {
	found, err := plugin.Discover(dirs, h.logger)
	if err != nil {
		return fmt.Errorf("govif: discover external plugins: %w", err)
	}
	for _, x := range found {
		if !wanted(x.Name) {
			continue
		}
		if _, dup := h.plugins[x.Name]; dup {
			h.logger.WarnContext(ctx, "external plugin ignored: a built-in plugin has its name", "plugin", x.Name, "path", x.Path)
			continue
		}
		p, err := plugin.NewExec(ctx, h.env(x.Name), x.Path)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("govif: load external plugin %s: %w", x.Name, err)
			}
			h.logger.ErrorContext(ctx, "external plugin failed to load", "plugin", x.Name, "path", x.Path, "error", err)
			h.broken[x.Name] = err
			continue
		}
		h.plugins[x.Name] = p
	}
	return nil
}

func filterMap(m map[string]plugin.Plugin, keep func(string) bool) map[string]plugin.Plugin {
	out := map[string]plugin.Plugin{}
	for k, v := range m {
		if keep(k) {
			out[k] = v
		}
	}
	return out
}

// Plugins returns the names of the loaded plugins, sorted.
func (h *Host) Plugins() []string { return slices.Clone(h.names) }

// Plugin returns the loaded plugin named name.
func (h *Host) Plugin(name string) (plugin.Plugin, bool) {
	p, ok := h.plugins[name]
	return p, ok
}

// Close releases the plugins that hold resources (plugin.Closer).
func (h *Host) Close() error {
	var errs []error
	for name, p := range h.plugins {
		if c, ok := p.(plugin.Closer); ok {
			if err := c.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close plugin %s: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}

// Plug plugs vif with the plugin its Plugin field names (os_vif.plug). The VIF (and the
// instance, when given) is validated before any plugin runs.
func (h *Host) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return h.do(ctx, "plug", vif, inst)
}

// Unplug unplugs vif with the plugin its Plugin field names (os_vif.unplug).
func (h *Host) Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return h.do(ctx, "unplug", vif, inst)
}

// route validates vif and inst (once per request: objects.Validate, then the values OVSDB and
// the kernel cannot take, checkHostSafe) and returns the plugin for vif.
func (h *Host) route(op string, vif objects.VIF, inst *objects.InstanceInfo) (plugin.Plugin, string, error) {
	if vif == nil || vif.Base() == nil {
		return nil, "", fmt.Errorf("govif: %s: no VIF given", op)
	}
	name, ok := vif.Base().Plugin.Get()
	if !ok || name == "" {
		return nil, "", fmt.Errorf("govif: %s: %w", op, &objects.FieldError{Path: vif.ObjName() + ".plugin",
			Reason: "must name the VIF plugin"})
	}
	if err := objects.Validate(vif); err != nil {
		return nil, name, fmt.Errorf("govif: %s: invalid VIF: %w", op, err)
	}
	if inst != nil {
		if err := objects.Validate(inst); err != nil {
			return nil, name, fmt.Errorf("govif: %s: invalid instance info: %w", op, err)
		}
	}
	if err := checkHostSafe(vif, inst); err != nil {
		return nil, name, fmt.Errorf("govif: %s: %w", op, err)
	}
	if h.policy != nil {
		if err := h.policy.Check(op, vif); err != nil {
			return nil, name, fmt.Errorf("govif: %s: refused: %w", op, err)
		}
	}
	if err, ok := h.broken[name]; ok {
		return nil, name, &PlugError{Op: op, VIFID: vif.Base().ID.Value(), Plugin: name, Err: &errLoadFailed{name, err}}
	}
	p, ok := h.plugins[name]
	if !ok {
		return nil, name, errNoMatchingPlugin(name)
	}
	return p, name, nil
}

func (h *Host) do(ctx context.Context, op string, vif objects.VIF, inst *objects.InstanceInfo) error {
	start := time.Now()
	p, name, err := h.route(op, vif, inst)
	if err != nil {
		h.logOp(ctx, op, vif, inst, name, start, "rejected", err)
		return err
	}
	call := p.Plug
	if op == "unplug" {
		call = p.Unplug
	}
	unlock, err := h.lockVIF(ctx, p, vif.Base().ID.Value())
	if err != nil {
		return h.finish(ctx, op, vif, inst, name, start, err)
	}
	defer unlock()
	err = call(ctx, vif, inst)
	return h.finish(ctx, op, vif, inst, name, start, err)
}

// lockVIF serialises the operations on one VIF id: through the Host's own per-VIF lock, or not
// at all here when the plugin locks VIFs itself (plugin.VIFLocker), so each operation is locked
// exactly once.
func (h *Host) lockVIF(ctx context.Context, p plugin.Plugin, id string) (func(), error) {
	if _, self := p.(plugin.VIFLocker); self {
		return func() {}, nil
	}
	unlock, err := h.locks.Lock(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("wait for the lock of VIF %s: %w", id, err)
	}
	return unlock, nil
}

// finish logs the operation's one line and wraps a failure in a *PlugError.
func (h *Host) finish(ctx context.Context, op string, vif objects.VIF, inst *objects.InstanceInfo, name string, start time.Time, err error) error {
	if err != nil {
		outcome := "failed"
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			outcome = "timeout"
		case errors.Is(err, context.Canceled):
			outcome = "canceled"
		}
		h.logOp(ctx, op, vif, inst, name, start, outcome, err)
		return &PlugError{Op: op, VIFID: vif.Base().ID.Value(), Plugin: name, Err: err}
	}
	h.logOp(ctx, op, vif, inst, name, start, "ok", nil)
	return nil
}

// logOp writes the one structured line each plug or unplug gets (docs/operations.md, "Logs"):
// msg "plug" or "unplug"; vif_id, vif_type, instance_uuid, plugin, outcome (ok, rejected,
// failed, timeout, canceled), duration_seconds and, on failure, error. Level INFO when ok,
// WARN when rejected (bad input, policy, no such plugin), ERROR otherwise.
func (h *Host) logOp(ctx context.Context, op string, vif objects.VIF, inst *objects.InstanceInfo, name string, start time.Time, outcome string, err error) {
	level := slog.LevelInfo
	switch outcome {
	case "ok":
	case "rejected":
		level = slog.LevelWarn
	default:
		level = slog.LevelError
	}
	if !h.logger.Enabled(ctx, level) {
		return
	}
	var id, typ, uuid string
	if vif != nil && vif.Base() != nil {
		id, typ = vif.Base().ID.Value(), vif.ObjName()
	}
	if inst != nil {
		uuid = inst.UUID.Value()
	}
	attrs := []slog.Attr{slog.String("vif_id", id), slog.String("vif_type", typ), slog.String("instance_uuid", uuid),
		slog.String("plugin", name), slog.String("outcome", outcome), slog.Float64("duration_seconds", time.Since(start).Seconds())}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	h.logger.LogAttrs(ctx, level, op, attrs...)
}
