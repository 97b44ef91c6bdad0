package vendor

import (
	"context"
	"fmt"
	"time"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// rollbackTimeout bounds the undo steps of a failed plug.
const rollbackTimeout = 10 * time.Second

// IBHostdev is Nova 26's plug_ib_hostdev / unplug_ib_hostdev (Mellanox InfiniBand VFs):
// `ebrctl add-port <mac> <instance uuid> <fabric> ib_hostdev <pci slot>` and `ebrctl del-port
// <fabric> <mac>`. The fabric (Nova: the physical network) is the network's bridge_interface of
// the VIFHostDevice binding builds. It touches no device itself.
type IBHostdev struct{ *base }

// NewIBHostdevFactory returns the factory of the ib_hostdev plugin.
func NewIBHostdevFactory(opts ...Option) plugin.Factory {
	return func(env plugin.Env) (plugin.Plugin, error) {
		b, err := newBase(env, buildOptions(opts), "ebrctl")
		if err != nil {
			return nil, err
		}
		return &IBHostdev{b}, nil
	}
}

// Describe: VIFHostDevice 1.0, no port profile.
func (p *IBHostdev) Describe() *objects.HostPluginInfo {
	return plugin.Describe(p.name, plugin.SupportedVIF("VIFHostDevice", "1.0", "1.0"))
}

func (p *IBHostdev) spec(vif objects.VIF) (mac, fabric, pci string, err error) {
	h, ok := vif.(*objects.VIFHostDevice)
	if !ok {
		return "", "", "", p.unsupported(vif, "VIFHostDevice")
	}
	if mac, err = macOf("VIFHostDevice", &h.VIFBase); err != nil {
		return "", "", "", err
	}
	n, err := networkOf("VIFHostDevice", &h.VIFBase)
	if err != nil {
		return "", "", "", err
	}
	fabric, ok = n.BridgeInterface.Get()
	if !ok || fabric == "" {
		return "", "", "", &objects.FieldError{Path: "VIFHostDevice.network.bridge_interface",
			Reason: "required: the InfiniBand fabric (Nova: the physical network; NetworkMissingPhysicalNetwork)"}
	}
	pci, ok = h.DevAddress.Get()
	if !ok || pci == "" {
		return "", "", "", &objects.FieldError{Path: "VIFHostDevice.dev_address", Reason: "required: the VF's PCI address"}
	}
	return mac, fabric, pci, nil
}

// Plug runs ebrctl add-port.
func (p *IBHostdev) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	mac, fabric, pci, err := p.spec(vif)
	if err != nil {
		return err
	}
	if inst == nil {
		return &objects.FieldError{Path: "InstanceInfo", Reason: "required"}
	}
	uuid, err := instanceField("uuid", inst.UUID)
	if err != nil {
		return err
	}
	if err := p.tool.Run(ctx, p.host.NS, "add-port", mac, uuid, fabric, "ib_hostdev", pci); err != nil {
		return fmt.Errorf("ib_hostdev: plug %s: %w", pci, err)
	}
	return nil
}

// Unplug runs ebrctl del-port.
func (p *IBHostdev) Unplug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	mac, fabric, pci, err := p.spec(vif)
	if err != nil {
		return err
	}
	if err := p.tool.Run(ctx, p.host.NS, "del-port", fabric, mac); err != nil {
		return fmt.Errorf("ib_hostdev: unplug %s: %w", pci, err)
	}
	return nil
}
