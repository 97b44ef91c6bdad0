package vendor

import (
	"context"
	"fmt"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/internal/tapdev"
)

// The plugin names, as binding sets VIF.plugin.
const (
	NameMidonet         = "midonet"
	NameIOVisor         = "iovisor"
	NameIBHostdev       = "ib_hostdev"
	NameVRouter         = "vrouter"
	NameContrailVRouter = "contrail_vrouter"
	NameVHostUserFP     = "vhostuser_fp"
)

func init() {
	plugin.Register(NameMidonet, NewMidonetFactory())
	plugin.Register(NameIOVisor, NewIOVisorFactory())
	plugin.Register(NameIBHostdev, NewIBHostdevFactory())
	plugin.Register(NameVRouter, NewVRouterFactory())
	plugin.Register(NameContrailVRouter, NewVRouterFactory())
	plugin.Register(NameVHostUserFP, NewVHostUserFPFactory())
}

// Midonet is Nova 26's plug_midonet / unplug_midonet: a tap named vif_name (no MAC, no MTU,
// as create_tap_dev(dev)) bound to the MidoNet port with `mm-ctl --bind-port <port id> <dev>`;
// unplug runs `mm-ctl --unbind-port <port id>`, then deletes the tap.
type Midonet struct{ *base }

// NewMidonetFactory returns the factory of the midonet plugin.
func NewMidonetFactory(opts ...Option) plugin.Factory {
	return func(env plugin.Env) (plugin.Plugin, error) {
		b, err := newBase(env, buildOptions(opts), "mm-ctl")
		if err != nil {
			return nil, err
		}
		return &Midonet{b}, nil
	}
}

// Describe: VIFGeneric 1.0, no port profile.
func (p *Midonet) Describe() *objects.HostPluginInfo {
	return plugin.Describe(p.name, plugin.SupportedVIF("VIFGeneric", "1.0", "1.0"))
}

func (p *Midonet) spec(vif objects.VIF) (dev, portID string, err error) {
	g, ok := vif.(*objects.VIFGeneric)
	if !ok {
		return "", "", p.unsupported(vif, "VIFGeneric")
	}
	if dev, err = tapdev.VIFName(g); err != nil {
		return "", "", err
	}
	portID, ok = g.ID.Get()
	if !ok || portID == "" {
		return "", "", &objects.FieldError{Path: "VIFGeneric.id", Reason: "required: the MidoNet port id"}
	}
	return dev, portID, nil
}

// Plug creates the tap and binds it; if mm-ctl fails, a tap this call created is deleted.
func (p *Midonet) Plug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	dev, portID, err := p.spec(vif)
	if err != nil {
		return err
	}
	created, err := p.host.Ensure(ctx, dev, netdev.TapOptions{}, tapdev.OwnerOf(vif.(*objects.VIFGeneric), nil))
	if err != nil {
		return fmt.Errorf("midonet: plug %s: %w", dev, err)
	}
	if err := p.tool.Run(ctx, p.host.NS, "--bind-port", portID, dev); err != nil {
		if created {
			p.host.Rollback(dev)
		}
		return fmt.Errorf("midonet: plug %s: %w", dev, err)
	}
	return nil
}

// Unplug unbinds the port and deletes the tap. A failing mm-ctl fails the unplug and keeps the
// tap (as in Nova, where the failure skips the delete), so a retry does both.
func (p *Midonet) Unplug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	dev, portID, err := p.spec(vif)
	if err != nil {
		return err
	}
	own := tapdev.OwnerOf(vif.(*objects.VIFGeneric), nil)
	if _, err := p.host.Claim(ctx, dev, own); err != nil {
		return fmt.Errorf("midonet: unplug %s: %w", dev, err)
	}
	if err := p.tool.Run(ctx, p.host.NS, "--unbind-port", portID); err != nil {
		return fmt.Errorf("midonet: unplug %s: %w", dev, err)
	}
	if err := p.host.Remove(ctx, dev, own); err != nil {
		return fmt.Errorf("midonet: unplug %s: %w", dev, err)
	}
	return nil
}
