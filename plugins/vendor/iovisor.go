package vendor

import (
	"context"
	"fmt"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/internal/tapdev"
)

// IOVisor is Nova 26's plug_iovisor / unplug_iovisor (PLUMgrid): a tap named vif_name, then
// `ifc_ctl gateway add_port <dev>` and `ifc_ctl gateway ifup <dev> access_vm <vif id> <mac>
// pgtag2=<network id> pgtag1=<project id>`; unplug runs `ifc_ctl gateway ifdown <dev>` and
// `ifc_ctl gateway del_port <dev>`, then deletes the tap.
type IOVisor struct{ *base }

// NewIOVisorFactory returns the factory of the iovisor plugin.
func NewIOVisorFactory(opts ...Option) plugin.Factory {
	return func(env plugin.Env) (plugin.Plugin, error) {
		b, err := newBase(env, buildOptions(opts), "ifc_ctl")
		if err != nil {
			return nil, err
		}
		return &IOVisor{b}, nil
	}
}

// Describe: VIFGeneric 1.0, no port profile.
func (p *IOVisor) Describe() *objects.HostPluginInfo {
	return plugin.Describe(p.name, plugin.SupportedVIF("VIFGeneric", "1.0", "1.0"))
}

func (p *IOVisor) dev(vif objects.VIF) (*objects.VIFGeneric, string, error) {
	g, ok := vif.(*objects.VIFGeneric)
	if !ok {
		return nil, "", p.unsupported(vif, "VIFGeneric")
	}
	dev, err := tapdev.VIFName(g)
	return g, dev, err
}

// Plug creates the tap and attaches it. On a failure it undoes the add_port it made and
// deletes a tap it created.
func (p *IOVisor) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	g, dev, err := p.dev(vif)
	if err != nil {
		return err
	}
	mac, err := macOf("VIFGeneric", &g.VIFBase)
	if err != nil {
		return err
	}
	n, err := networkOf("VIFGeneric", &g.VIFBase)
	if err != nil {
		return err
	}
	netID, ok := n.ID.Get()
	if !ok {
		return &objects.FieldError{Path: "VIFGeneric.network.id", Reason: "required: ifc_ctl is given it"}
	}
	if inst == nil {
		return &objects.FieldError{Path: "InstanceInfo", Reason: "required"}
	}
	tenant, err := instanceField("project_id", inst.ProjectID)
	if err != nil {
		return err
	}
	created, err := p.host.Ensure(ctx, dev, netdev.TapOptions{}, tapdev.OwnerOf(g, nil))
	if err != nil {
		return fmt.Errorf("iovisor: plug %s: %w", dev, err)
	}
	undo := func() {
		if created {
			p.host.Rollback(dev)
		}
	}
	if err := p.tool.Run(ctx, p.host.NS, "gateway", "add_port", dev); err != nil {
		undo()
		return fmt.Errorf("iovisor: plug %s: %w", dev, err)
	}
	if err := p.tool.Run(ctx, p.host.NS, "gateway", "ifup", dev, "access_vm", g.ID.Value(), mac,
		"pgtag2="+netID, "pgtag1="+tenant); err != nil {
		rctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
		if rerr := p.tool.Run(rctx, p.host.NS, "gateway", "del_port", dev); rerr != nil {
			p.log.Warn("iovisor: rollback: del_port failed", "dev", dev, "err", rerr)
		}
		cancel()
		undo()
		return fmt.Errorf("iovisor: plug %s: %w", dev, err)
	}
	return nil
}

// Unplug detaches the tap and deletes it; a failing ifc_ctl fails the unplug and keeps the tap.
func (p *IOVisor) Unplug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	g, dev, err := p.dev(vif)
	if err != nil {
		return err
	}
	own := tapdev.OwnerOf(g, nil)
	if _, err := p.host.Claim(ctx, dev, own); err != nil {
		return fmt.Errorf("iovisor: unplug %s: %w", dev, err)
	}
	for _, args := range [][]string{{"gateway", "ifdown", dev}, {"gateway", "del_port", dev}} {
		if err := p.tool.Run(ctx, p.host.NS, args...); err != nil {
			return fmt.Errorf("iovisor: unplug %s: %w", dev, err)
		}
	}
	if err := p.host.Remove(ctx, dev, own); err != nil {
		return fmt.Errorf("iovisor: unplug %s: %w", dev, err)
	}
	return nil
}
