package vendor

import (
	"context"
	"errors"
	"fmt"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/internal/hosttool"
)

// VHostUserFP is 6WIND's vif_plug_vhostuser_fp (networking-6wind) for VIFVHostUser:
//
//   - VIFPortProfileFPBridge: the fast-path device vif_name made with `fp-vdev add <dev>
//     --sockpath <path> --sockmode <client|server>` (the opposite of QEMU's mode) unless it
//     exists, then its MTU (the network's, else [os_vif_vhostuser_fp] network_device_mtu,
//     default 1500) and up, on an existing device too (the vendor configures only a device
//     it makes; govif ensures them so that a replug repairs them); the Linux bridge
//     bridge_name ensured and the device added to it.
//     Unplug takes it out of the bridge and runs `fp-vdev del <dev>` if it exists.
//   - VIFPortProfileFPTap: nothing, as the vendor plugin.
//   - VIFPortProfileFPOpenVSwitch: refused (the OVS port is plugins/ovs' work; not done here).
//
// fp-vdev is found on PATH, else fp-vdev-remote (as fp_vdev_remote's get_vdev_cmd), or at
// [os_vif_vhostuser_fp] fp_vdev_path.
type VHostUserFP struct {
	*base
	remote *hosttool.Tool
	mtu    int
}

// NewVHostUserFPFactory returns the factory of the vhostuser_fp plugin.
func NewVHostUserFPFactory(opts ...Option) plugin.Factory {
	return func(env plugin.Env) (plugin.Plugin, error) {
		b, err := newBase(env, buildOptions(opts), "fp-vdev")
		if err != nil {
			return nil, err
		}
		remote, err := hosttool.New(env.Section(), "fp-vdev-remote")
		if err != nil {
			return nil, err
		}
		mtu, err := env.Section().Int("network_device_mtu", 1500)
		if err != nil || mtu < 68 || mtu > 65535 {
			return nil, fmt.Errorf("%s: [%s] network_device_mtu: want 68 to 65535 (%v)", env.Name, plugin.SectionName(env.Name), err)
		}
		return &VHostUserFP{base: b, remote: remote, mtu: mtu}, nil
	}
}

// Describe: VIFVHostUser 1.0-1.1 with the fast-path bridge and tap profiles.
func (p *VHostUserFP) Describe() *objects.HostPluginInfo {
	return plugin.Describe(p.name, plugin.SupportedVIF("VIFVHostUser", "1.0", "1.1",
		plugin.SupportedProfile("VIFPortProfileFPBridge", "1.0", "1.1"),
		plugin.SupportedProfile("VIFPortProfileFPTap", "1.0", "1.1")))
}

// fpVdev runs fp-vdev, or fp-vdev-remote when fp-vdev is not found.
func (p *VHostUserFP) fpVdev(ctx context.Context, args ...string) error {
	err := p.tool.Run(ctx, p.host.NS, args...)
	if errors.Is(err, hosttool.ErrNotFound) {
		if rerr := p.remote.Run(ctx, p.host.NS, args...); !errors.Is(rerr, hosttool.ErrNotFound) {
			return rerr
		}
	}
	return err
}

type fpSpec struct {
	dev, bridge, sock, sockMode string
	mtu                         int
	nothing                     bool
}

func (p *VHostUserFP) spec(vif objects.VIF) (*fpSpec, error) {
	v, ok := vif.(*objects.VIFVHostUser)
	if !ok {
		return nil, p.unsupported(vif, "VIFVHostUser")
	}
	prof, _ := v.PortProfile.Get()
	switch pp := prof.(type) {
	case *objects.VIFPortProfileFPTap:
		return &fpSpec{nothing: true}, nil
	case *objects.VIFPortProfileFPBridge:
		s := &fpSpec{dev: v.VIFName.Value(), bridge: pp.BridgeName.Value(), sock: v.Path.Value(), mtu: p.mtu}
		if err := netdev.ValidateName(s.dev); err != nil {
			return nil, &objects.FieldError{Path: "VIFVHostUser.vif_name", Value: s.dev, Reason: err.Error(), Err: err}
		}
		if err := netdev.ValidateName(s.bridge); err != nil {
			return nil, &objects.FieldError{Path: "VIFVHostUser.port_profile.bridge_name", Value: s.bridge, Reason: err.Error(), Err: err}
		}
		if s.sock == "" {
			return nil, &objects.FieldError{Path: "VIFVHostUser.path", Reason: "required: fp-vdev's --sockpath"}
		}
		s.sockMode = "server"
		if v.Mode.Value() == objects.VIFVHostUserModeServer {
			s.sockMode = "client"
		}
		if n, ok := v.Network.Get(); ok && n != nil {
			if m, ok := n.MTU.Get(); ok && m > 0 {
				s.mtu = m
			}
		}
		return s, nil
	case nil:
		return nil, &objects.FieldError{Path: "VIFVHostUser.port_profile", Reason: "required: VIFPortProfileFPBridge or VIFPortProfileFPTap"}
	default:
		return nil, &plugin.WrongPortProfileError{Profile: prof.ObjName(), Want: "VIFPortProfileFPBridge or VIFPortProfileFPTap (FPOpenVSwitch is not supported by govif's vhostuser_fp)"}
	}
}

// Plug makes the fast-path device and puts it in its bridge; a failure undoes what it added.
func (p *VHostUserFP) Plug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	s, err := p.spec(vif)
	if err != nil || s.nothing {
		return err
	}
	l := p.host.Links
	fail := func(err error) error { return fmt.Errorf("vhostuser_fp: plug %s: %w", s.dev, err) }
	exists, err := l.Exists(ctx, s.dev)
	if err != nil {
		return fail(err)
	}
	bridgeExisted, err := l.Exists(ctx, s.bridge)
	if err != nil {
		return fail(err)
	}
	undo := func() {
		rctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
		defer cancel()
		if !exists {
			if err := p.fpVdev(rctx, "del", s.dev); err != nil {
				p.log.Warn("vhostuser_fp: rollback: fp-vdev del failed", "dev", s.dev, "err", err)
			}
		}
		if !bridgeExisted {
			if err := l.Delete(rctx, s.bridge); err != nil && !netdev.IsNotFound(err) {
				p.log.Warn("vhostuser_fp: rollback: deleting bridge failed", "bridge", s.bridge, "err", err)
			}
		}
	}
	if !exists {
		if err := p.fpVdev(ctx, "add", s.dev, "--sockpath", s.sock, "--sockmode", s.sockMode); err != nil {
			return fail(err)
		}
	}
	// The vendor plugin sets MTU and up only on a device it makes; govif ensures them on an
	// existing one too (as its tap plugin does), so that a replug repairs them.
	if err := l.SetMTU(ctx, s.dev, s.mtu); err != nil {
		undo()
		return fail(err)
	}
	if err := l.SetUp(ctx, s.dev); err != nil {
		undo()
		return fail(err)
	}
	if err := l.EnsureBridge(ctx, s.bridge); err != nil {
		undo()
		return fail(err)
	}
	if err := l.AddToBridge(ctx, s.dev, s.bridge); err != nil {
		undo()
		return fail(err)
	}
	return nil
}

// Unplug takes the device out of the bridge and deletes it with fp-vdev del.
func (p *VHostUserFP) Unplug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	s, err := p.spec(vif)
	if err != nil || s.nothing {
		return err
	}
	l := p.host.Links
	if err := l.RemoveFromBridge(ctx, s.dev, s.bridge); err != nil {
		return fmt.Errorf("vhostuser_fp: unplug %s: %w", s.dev, err)
	}
	exists, err := l.Exists(ctx, s.dev)
	if err != nil || !exists {
		return err
	}
	if err := p.fpVdev(ctx, "del", s.dev); err != nil {
		return fmt.Errorf("vhostuser_fp: unplug %s: %w", s.dev, err)
	}
	return nil
}
