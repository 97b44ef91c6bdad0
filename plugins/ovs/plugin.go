package ovs

import (
	"context"
	"log/slog"

	"github.com/govif/govif/internal/fanout"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/vswitch"
)

// Name is the plugin name VIFs carry in their "plugin" field.
const Name = "ovs"

// Plugin is the ovs plugin. It is safe for concurrent use: plugs of different VIFs run in
// parallel.
type Plugin struct {
	core
	opts    Options
	closers []func() error
}

// New returns a plugin that works through sw and links with opts. log may be nil.
func New(sw Switch, links Links, opts Options, log *slog.Logger) *Plugin {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Plugin{core: core{sw: sw, links: links, opts: opts, log: log}, opts: opts}
}

// Describe advertises the VIF and port profile classes the plugin handles, from 1.0 to the
// newest version govif implements (os-vif advertises "1.0" to "1.0" for everything, which makes
// version negotiation fail against its own current classes).
func (p *Plugin) Describe() *objects.HostPluginInfo {
	prof := func(name string) *objects.HostPortProfileInfo {
		return plugin.SupportedProfile(name, "1.0", currentVersion(name))
	}
	vif := func(name string, profiles ...*objects.HostPortProfileInfo) *objects.HostVIFInfo {
		return plugin.SupportedVIF(name, "1.0", currentVersion(name), profiles...)
	}
	ovsp, rep := prof("VIFPortProfileOpenVSwitch"), prof("VIFPortProfileOVSRepresentor")
	return plugin.Describe(Name,
		vif("VIFBridge", ovsp),
		vif("VIFOpenVSwitch", ovsp),
		vif("VIFVHostUser", ovsp, rep),
		vif("VIFHostDevice", ovsp, rep),
	)
}

func currentVersion(class string) string {
	if v, ok := objects.CurrentVersion(class); ok {
		return v
	}
	return "1.0"
}

// LocksVIFs marks the plugin as serializing each VIF's operations itself (plugin.VIFLocker):
// the Host adds no second per-VIF lock.
func (p *Plugin) LocksVIFs() {}

// Plug plugs vif for the instance inst. On failure it returns an error naming the VIF, the step
// and the device (an *OpError wrapping the cause), after rolling back what it created.
func (p *Plugin) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	s, err := p.toSpec(vif, inst, true)
	if err != nil {
		return err
	}
	return p.plug(ctx, s, vswitch.WaitForVSwitchd)
}

// Unplug removes what Plug made for vif. Unplugging what is already gone succeeds.
func (p *Plugin) Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	s, err := p.toSpec(vif, inst, false)
	if err != nil {
		return err
	}
	return p.unplug(ctx, s)
}

// PlugMany plugs every request concurrently (bounded) and returns one error slot per request.
// The port additions do not wait for ovs-vswitchd one by one: PlugMany waits once, when all are
// made (one reconfiguration for many ports instead of one per group), then checks the
// interfaces ovs-vswitchd could not attach. A VIF whose wait or check fails is reported failed
// and rolled back like a failed Plug (what its plug created is removed).
func (p *Plugin) PlugMany(ctx context.Context, reqs []plugin.Request) []error {
	specs := make([]*vifSpec, len(reqs))
	undos := make([]*undo, len(reqs))
	errs := p.many(ctx, reqs, func(ctx context.Context, i int) error {
		s, err := p.toSpec(reqs[i].VIF, reqs[i].Instance, true)
		if err != nil {
			return err
		}
		specs[i] = s
		undos[i], err = p.plugKeep(ctx, s, vswitch.DontWait)
		return err
	})
	// A VIF whose wait or interface check fails is rolled back like a failed single plug.
	failed := func(i int, err error) {
		errs[i] = p.rollBack(ctx, specs[i], undos[i], err)
	}
	if err := p.sw.Sync(ctx); err != nil {
		for i := range errs {
			if errs[i] == nil {
				failed(i, &OpError{VIF: specs[i].id, Op: "plug", Step: "wait for ovs-vswitchd", Device: specs[i].netBridge, Err: err})
			}
		}
		return errs
	}
	for i, s := range specs {
		if errs[i] != nil || s == nil {
			continue
		}
		var dev string
		switch s.kind {
		case kindBridge:
			_, dev = vethNames(s.id)
		default:
			continue
		}
		o := &op{c: &p.core, s: s, name: "plug", wait: vswitch.WaitForVSwitchd}
		if err := o.checkInterface(ctx, s.netBridge, dev); err != nil {
			failed(i, err)
		}
	}
	return errs
}

// UnplugMany unplugs every request and returns one error slot per request. Hybrid and plain
// OVS VIFs are removed together: their OVS ports in merged transactions and their devices in
// one kernel batch (see unplugMany); the other kinds one by one, concurrently.
func (p *Plugin) UnplugMany(ctx context.Context, reqs []plugin.Request) []error {
	errs := make([]error, len(reqs))
	specs := make([]*vifSpec, len(reqs))
	for i, r := range reqs {
		specs[i], errs[i] = p.toSpec(r.VIF, r.Instance, false)
	}
	p.unplugMany(ctx, specs, errs)
	return errs
}

// manyWorkers bounds the goroutines of PlugMany/UnplugMany.
const manyWorkers = 32

func (p *Plugin) many(ctx context.Context, reqs []plugin.Request, fn func(ctx context.Context, i int) error) []error {
	errs := make([]error, len(reqs))
	fanout.Each(len(reqs), manyWorkers, func(i int) { errs[i] = fn(ctx, i) })
	return errs
}

// Close releases the connections the plugin's factory opened.
func (p *Plugin) Close() error {
	var first error
	for _, c := range p.closers {
		if err := c(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
