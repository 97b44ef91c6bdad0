package sriov

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// Name is the plugin name (VIF.plugin).
const Name = "sriov"

func init() { plugin.Register(Name, NewFactory()) }

// zeroMAC is the MAC Nova puts on a VF it releases.
var zeroMAC = net.HardwareAddr{0, 0, 0, 0, 0, 0}

// HostOps is what the plugin does to the host.
type HostOps interface {
	// SetVF sets VF vf of the PF netdev pf to mac and vlan (netlink IFLA_VF_MAC, IFLA_VF_VLAN).
	SetVF(ctx context.Context, pf string, vf int, mac net.HardwareAddr, vlan int) error
	// SetMACState sets the MAC of dev and brings it up or down.
	SetMACState(ctx context.Context, dev string, mac net.HardwareAddr, up bool) error
	// EnsureVLAN makes the 802.1Q device name (id on parent) exist and be up; it reports
	// whether it created it.
	EnsureVLAN(ctx context.Context, name, parent string, id int) (bool, error)
	// SetTrust sets the trust of VF vf of the PF netdev pf (netlink IFLA_VF_TRUST; Nova: `ip
	// link set <pf> vf <n> trust on|off`).
	SetTrust(ctx context.Context, pf string, vf int, on bool) error
	// VF reads VF vf of the PF netdev pf from the PF's netlink IFLA_VFINFO_LIST (what
	// `ip link show <pf>` prints as "vf <n> ..."). A VF the PF does not list is an error.
	VF(ctx context.Context, pf string, vf int) (VFState, error)
	// Link reads the netdev dev; nil (no error) when it does not exist.
	Link(ctx context.Context, dev string) (*netdev.Link, error)
}

// VFState is what a PF reports about one of its VFs.
type VFState struct {
	MAC   net.HardwareAddr // IFLA_VF_MAC
	VLAN  int              // IFLA_VF_VLAN
	Trust bool             // IFLA_VF_TRUST
}

// Option configures NewFactory.
type Option func(*options)

type options struct {
	ns    netns.NsHandle
	sysfs string
	ops   HostOps
}

// InNamespace binds the plugin's netlink requests to the network namespace h.
func InNamespace(h netns.NsHandle) Option { return func(o *options) { o.ns = h } }

// WithSysfsRoot makes the PCI lookups read dir instead of /sys (tests use a fake tree).
func WithSysfsRoot(dir string) Option { return func(o *options) { o.sysfs = dir } }

// WithHostOps replaces the netlink operations (tests record them).
func WithHostOps(ops HostOps) Option { return func(o *options) { o.ops = ops } }

// NewFactory returns the plugin.Factory; the registered one is NewFactory().
func NewFactory(opts ...Option) plugin.Factory {
	return func(env plugin.Env) (plugin.Plugin, error) {
		o := options{ns: netns.None(), sysfs: "/sys"}
		for _, opt := range opts {
			opt(&o)
		}
		return New(o, env.Logger)
	}
}

// Plugin is the sriov plugin.
type Plugin struct {
	ops    HostOps
	links  *netdev.Links // for the VF number lookup (and the real HostOps)
	sysfs  string
	log    *slog.Logger
	closer func() error
}

// New builds the plugin.
func New(o options, log *slog.Logger) (*Plugin, error) {
	if log == nil {
		log = slog.Default()
	}
	nopts := []netdev.Option{netdev.WithSysfsRoot(o.sysfs), netdev.WithLogger(log)}
	if o.ns.IsOpen() {
		nopts = append(nopts, netdev.InNamespace(o.ns))
	}
	links, err := netdev.New(nopts...)
	if err != nil {
		return nil, fmt.Errorf("sriov: %w", err)
	}
	p := &Plugin{ops: o.ops, links: links, sysfs: o.sysfs, log: log, closer: links.Close}
	if p.ops == nil {
		h, err := netlink.NewHandleAt(o.ns, unix.NETLINK_ROUTE)
		if err != nil {
			links.Close()
			return nil, fmt.Errorf("sriov: %w", err)
		}
		p.ops = &netlinkOps{h: h, links: links}
		p.closer = func() error { h.Close(); return links.Close() }
	}
	return p, nil
}

// Close releases the netlink sockets.
func (p *Plugin) Close() error { return p.closer() }

// Describe: VIFDirect 1.0 and VIFHostDevice 1.0, no port profile.
func (p *Plugin) Describe() *objects.HostPluginInfo {
	return plugin.Describe(Name, plugin.SupportedVIF("VIFDirect", "1.0", "1.0"), plugin.SupportedVIF("VIFHostDevice", "1.0", "1.0"))
}

// VF is an SR-IOV VF found from its PCI address.
type VF struct {
	PCI  string
	PF   string // the PF's netdev
	Name string // the VF's own netdev
	Num  int    // N of the PF's virtfnN link
}

// firstNetdev is Nova's get_ifname_by_pci_address: the first entry of dir (sorted here; Nova
// takes os.listdir's order).
func firstNetdev(dir, pci, what string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return "", &netdev.PCIDeviceNotFoundError{Address: pci, Reason: "no " + what + " netdev in " + dir, Err: err}
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names[0], nil
}

// LookupVF finds the PF netdev, the VF netdev and the VF number of the VF at pci.
func (p *Plugin) LookupVF(ctx context.Context, pci string) (*VF, error) {
	num, err := p.links.VFNumber(ctx, pci)
	if err != nil {
		return nil, err
	}
	dev := filepath.Join(p.sysfs, "bus/pci/devices", pci)
	pf, err := firstNetdev(filepath.Join(dev, "physfn/net"), pci, "PF")
	if err != nil {
		return nil, err
	}
	name, err := firstNetdev(filepath.Join(dev, "net"), pci, "VF")
	if err != nil {
		return nil, err
	}
	return &VF{PCI: pci, PF: pf, Name: name, Num: num}, nil
}

// setVF is Nova's set_vf_interface_vlan.
func (p *Plugin) setVF(ctx context.Context, vf *VF, mac net.HardwareAddr, vlan int) error {
	if err := p.ops.SetVF(ctx, vf.PF, vf.Num, mac, vlan); err != nil {
		return fmt.Errorf("sriov: VF %d of %s (%s): %w", vf.Num, vf.PF, vf.PCI, err)
	}
	if err := p.ops.SetMACState(ctx, vf.Name, mac, vlan > 0); err != nil {
		return fmt.Errorf("sriov: VF netdev %s (%s): %w", vf.Name, vf.PCI, err)
	}
	return nil
}

// Plug configures the VF (hw_veb macvtap) or the VLAN device (macvtap); for a VIFHostDevice
// (hw_veb direct) it turns the VF's trust on when Trusted is true (Nova's plug_hw_veb), else
// does nothing.
func (p *Plugin) Plug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	switch v := vif.(type) {
	case *objects.VIFHostDevice:
		if !v.Trusted.Value() {
			return nil
		}
		return p.setTrust(ctx, v, true)
	case *objects.VIFDirect:
		if pci, ok := v.DevAddress.Get(); ok && pci != "" {
			mac, ok := v.Address.Get()
			if !ok || len(mac) == 0 {
				return &objects.FieldError{Path: "VIFDirect.address", Reason: "required: the MAC the VF gets"}
			}
			vlan := networkVLAN(&v.VIFBase)
			vf, err := p.LookupVF(ctx, pci)
			if err != nil {
				return fmt.Errorf("sriov: %w", err)
			}
			if err := p.setVF(ctx, vf, mac, vlan); err != nil {
				rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if rerr := p.setVF(rctx, vf, zeroMAC, 0); rerr != nil {
					p.log.Warn("sriov: rollback: resetting the VF failed", "pci", pci, "err", rerr)
				}
				return err
			}
			return nil
		}
		return p.plugVLAN(ctx, v)
	}
	return fmt.Errorf("sriov: %s: %w (want VIFDirect or VIFHostDevice)", vif.ObjName(), plugin.ErrUnsupportedVIFType)
}

func networkVLAN(b *objects.VIFBase) int {
	if n, ok := b.Network.Get(); ok && n != nil {
		return n.VLAN.Value()
	}
	return 0
}

// plugVLAN is Nova's plug_macvtap: ensure_vlan(vlan, physical_interface, interface=macvtap_source).
func (p *Plugin) plugVLAN(ctx context.Context, v *objects.VIFDirect) error {
	n, ok := v.Network.Get()
	if !ok || n == nil || !n.ShouldProvideVLAN.Value() {
		return nil
	}
	vlan := n.VLAN.Value()
	name, parent := v.VLANName.Value(), n.BridgeInterface.Value()
	for _, f := range []struct{ path, v string }{{"VIFDirect.vlan_name", name}, {"VIFDirect.network.bridge_interface", parent}} {
		if err := netdev.ValidateName(f.v); err != nil {
			return &objects.FieldError{Path: f.path, Value: f.v, Reason: err.Error(), Err: err}
		}
	}
	if vlan < 1 || vlan > 4094 {
		return &objects.FieldError{Path: "VIFDirect.network.vlan", Value: vlan, Reason: "must be 1 to 4094 with should_provide_vlan"}
	}
	if _, err := p.ops.EnsureVLAN(ctx, name, parent, vlan); err != nil {
		return fmt.Errorf("sriov: VLAN device %s: %w", name, err)
	}
	return nil
}

// hostDeviceVF finds the VF of a VIFHostDevice.
func (p *Plugin) hostDeviceVF(ctx context.Context, v *objects.VIFHostDevice) (*VF, error) {
	pci, ok := v.DevAddress.Get()
	if !ok || pci == "" {
		return nil, &objects.FieldError{Path: "VIFHostDevice.dev_address", Reason: "required with govif_trusted: the VF whose trust is set"}
	}
	vf, err := p.LookupVF(ctx, pci)
	if err != nil {
		return nil, fmt.Errorf("sriov: %w", err)
	}
	return vf, nil
}

// setTrust is Nova's set_vf_trusted.
func (p *Plugin) setTrust(ctx context.Context, v *objects.VIFHostDevice, on bool) error {
	vf, err := p.hostDeviceVF(ctx, v)
	if err != nil {
		return err
	}
	if err := p.ops.SetTrust(ctx, vf.PF, vf.Num, on); err != nil {
		return fmt.Errorf("sriov: VF %d of %s (%s): trust %s: %w", vf.Num, vf.PF, vf.PCI, map[bool]string{true: "on", false: "off"}[on], err)
	}
	return nil
}

// Unplug resets the VF (hw_veb macvtap) as Nova does, and turns the trust of a hw_veb direct
// VF off when the binding had trusted (Nova: `if "trusted" in profile`); the other cases need
// nothing.
func (p *Plugin) Unplug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	switch v := vif.(type) {
	case *objects.VIFHostDevice:
		if _, ok := v.Trusted.Get(); !ok {
			return nil
		}
		return p.setTrust(ctx, v, false)
	case *objects.VIFDirect:
		pci, ok := v.DevAddress.Get()
		if !ok || pci == "" {
			return nil
		}
		vf, err := p.LookupVF(ctx, pci)
		if err != nil {
			return fmt.Errorf("sriov: %w", err)
		}
		return p.setVF(ctx, vf, zeroMAC, 0)
	}
	return fmt.Errorf("sriov: %s: %w (want VIFDirect or VIFHostDevice)", vif.ObjName(), plugin.ErrUnsupportedVIFType)
}

// netlinkOps is the real HostOps.
type netlinkOps struct {
	h     *netlink.Handle
	links *netdev.Links
}

func (o *netlinkOps) SetVF(ctx context.Context, pf string, vf int, mac net.HardwareAddr, vlan int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	link, err := o.h.LinkByName(pf)
	if err != nil {
		return fmt.Errorf("PF %s: %w", pf, err)
	}
	if err := o.h.LinkSetVfHardwareAddr(link, vf, mac); err != nil {
		return fmt.Errorf("set vf %d mac %s: %w", vf, mac, err)
	}
	if err := o.h.LinkSetVfVlan(link, vf, vlan); err != nil {
		return fmt.Errorf("set vf %d vlan %d: %w", vf, vlan, err)
	}
	return nil
}

func (o *netlinkOps) SetMACState(ctx context.Context, dev string, mac net.HardwareAddr, up bool) error {
	// The kernel refuses the all-zero MAC on a netdev; Nova's `ip link set <vf> address
	// 00:00:00:00:00:00 down` fails there too and Nova ignores its exit code 2, so only the
	// state changes.
	if !bytes.Equal(mac, zeroMAC) {
		if err := o.links.SetMAC(ctx, dev, mac); err != nil {
			return err
		}
	}
	if up {
		return o.links.SetUp(ctx, dev)
	}
	return o.links.SetDown(ctx, dev)
}

func (o *netlinkOps) SetTrust(ctx context.Context, pf string, vf int, on bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	link, err := o.h.LinkByName(pf)
	if err != nil {
		return fmt.Errorf("PF %s: %w", pf, err)
	}
	if err := o.h.LinkSetVfTrust(link, vf, on); err != nil {
		return fmt.Errorf("set vf %d trust %t: %w", vf, on, err)
	}
	return nil
}

func (o *netlinkOps) VF(ctx context.Context, pf string, vf int) (VFState, error) {
	if err := ctx.Err(); err != nil {
		return VFState{}, err
	}
	link, err := o.h.LinkByName(pf)
	if err != nil {
		return VFState{}, fmt.Errorf("PF %s: %w", pf, err)
	}
	for _, v := range link.Attrs().Vfs {
		if v.ID == vf {
			return VFState{MAC: v.Mac, VLAN: v.Vlan, Trust: v.Trust == 1}, nil
		}
	}
	return VFState{}, fmt.Errorf("PF %s reports no VF %d (%d VFs listed)", pf, vf, len(link.Attrs().Vfs))
}

func (o *netlinkOps) Link(ctx context.Context, dev string) (*netdev.Link, error) {
	l, err := o.links.Get(ctx, dev)
	if netdev.IsNotFound(err) {
		return nil, nil
	}
	return l, err
}

func (o *netlinkOps) EnsureVLAN(ctx context.Context, name, parent string, id int) (bool, error) {
	existed, err := o.links.Exists(ctx, name)
	if err != nil {
		return false, err
	}
	if err := o.links.CreateVLAN(ctx, name, parent, id); err != nil {
		return false, err
	}
	if err := o.links.SetUp(ctx, name); err != nil {
		if !existed {
			_ = o.links.Delete(context.Background(), name)
		}
		return false, err
	}
	return !existed, nil
}
