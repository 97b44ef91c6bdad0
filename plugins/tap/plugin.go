package tap

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/vishvananda/netns"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/internal/tapdev"
)

// Name is the plugin name (VIF.plugin).
const Name = "tap"

func init() { plugin.Register(Name, NewFactory()) }

// Option configures NewFactory.
type Option func(*options)

type options struct{ ns netns.NsHandle }

// InNamespace binds the plugin to the network namespace h (default: the caller's). The caller
// keeps h open while the plugin is used.
func InNamespace(h netns.NsHandle) Option { return func(o *options) { o.ns = h } }

// NewFactory returns the plugin.Factory; the registered one is NewFactory().
func NewFactory(opts ...Option) plugin.Factory {
	return func(env plugin.Env) (plugin.Plugin, error) {
		o := options{ns: netns.None()}
		for _, opt := range opts {
			opt(&o)
		}
		return New(o.ns, env.Logger)
	}
}

// Plugin is the tap plugin. It is safe for concurrent use.
type Plugin struct{ host *tapdev.Host }

var _ plugin.Plugin = (*Plugin)(nil)

// New opens the plugin's netlink sockets in ns (netns.None(): the caller's namespace).
func New(ns netns.NsHandle, log *slog.Logger) (*Plugin, error) {
	h, err := tapdev.Open(ns, log)
	if err != nil {
		return nil, fmt.Errorf("tap: %w", err)
	}
	return &Plugin{host: h}, nil
}

// Close releases the netlink sockets.
func (p *Plugin) Close() error { return p.host.Close() }

// Describe: VIFGeneric 1.0, without a port profile or with VIFPortProfileFPTap (the tap's MAC)
// or VIFPortProfileOpenVSwitch 1.4 (create_tap, multiqueue).
func (p *Plugin) Describe() *objects.HostPluginInfo {
	return plugin.Describe(Name, plugin.SupportedVIF("VIFGeneric", "1.0", "1.0",
		plugin.SupportedProfile("VIFPortProfileFPTap", "1.0", "1.1"),
		plugin.SupportedProfile("VIFPortProfileOpenVSwitch", "1.4", "1.4")))
}

// Spec is what a tap VIF asks of the host.
type Spec struct {
	Name  string
	Opts  netdev.TapOptions
	Owner tapdev.Owner // what makes an existing device the VIF's own tap
}

// SpecOf reads a tap VIF: a VIFGeneric with vif_name, and an optional FPTap (MAC) or OpenVSwitch
// (create_tap + multiqueue) profile. Bad input gives an *objects.FieldError or a
// *plugin.WrongPortProfileError.
func SpecOf(vif objects.VIF) (*Spec, error) {
	g, ok := vif.(*objects.VIFGeneric)
	if !ok {
		return nil, fmt.Errorf("tap: %s: %w (want VIFGeneric)", vif.ObjName(), plugin.ErrUnsupportedVIFType)
	}
	name, err := tapdev.VIFName(g)
	if err != nil {
		return nil, err
	}
	s := &Spec{Name: name, Opts: netdev.TapOptions{MTU: tapdev.MTU(&g.VIFBase)}}
	if prof, ok := g.PortProfile.Get(); ok && prof != nil {
		switch pp := prof.(type) {
		case *objects.VIFPortProfileFPTap:
			if mac, ok := pp.MACAddress.Get(); ok {
				s.Opts.MAC = mac
			}
		case *objects.VIFPortProfileOpenVSwitch:
			s.Opts.Multiqueue = pp.CreateTap.Value() && pp.Multiqueue.Value()
		default:
			return nil, &plugin.WrongPortProfileError{Profile: prof.ObjName(), Want: "VIFPortProfileFPTap or VIFPortProfileOpenVSwitch"}
		}
	}
	s.Owner = tapdev.OwnerOf(g, s.Opts.MAC)
	return s, nil
}

// Plug ensures the tap, as Nova's plug_tap (create_tap_dev, set_device_mtu). A device of
// that name that is not the VIF's own tap (tapdev.Claim) is refused with a
// *tapdev.NameConflictError and left unchanged.
func (p *Plugin) Plug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	s, err := SpecOf(vif)
	if err != nil {
		return err
	}
	if _, err := p.host.Ensure(ctx, s.Name, s.Opts, s.Owner); err != nil {
		return fmt.Errorf("tap: plug %s: %w", s.Name, err)
	}
	return nil
}

// Unplug deletes the tap, as Nova's unplug_tap; a missing tap is success. A device of that
// name that is not the VIF's own tap is refused with a *tapdev.NameConflictError and kept.
func (p *Plugin) Unplug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	s, err := SpecOf(vif)
	if err != nil {
		return err
	}
	if err := p.host.Remove(ctx, s.Name, s.Owner); err != nil {
		return fmt.Errorf("tap: unplug %s: %w", s.Name, err)
	}
	return nil
}
