package linuxbridge

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"

	"github.com/vishvananda/netns"

	"github.com/govif/govif/config"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// Name is the plugin's name: VIFs with plugin "linux_bridge" come here, and its options are
// read from [os_vif_linux_bridge].
const Name = "linux_bridge"

func init() { plugin.Register(Name, NewFactory()) }

// Plugin is os-vif 3.0.0's linux_bridge plugin: plugging a VIFBridge ensures its Linux bridge
// (and the VLAN device or NIC behind it) and the iptables rules that let it forward; unplug
// does nothing. It is safe for concurrent use; plugs into different bridges run in parallel.
type Plugin struct {
	cfg    config.LinuxBridge
	net    NetOps
	fw     *firewall
	locks  *locker
	log    *slog.Logger
	closer func() error
}

// Option configures New.
type Option func(*options)

type options struct {
	net     NetOps
	v4, v6  IPTables
	ipt     bool // v4/v6 given (v6 may be nil on purpose)
	ns      netns.NsHandle
	lockDir string
	prefix  string
	log     *slog.Logger
}

// WithNetOps makes the plugin use ops for link operations instead of a netdev.Links of its own.
func WithNetOps(ops NetOps) Option { return func(o *options) { o.net = ops } }

// WithIPTables makes the plugin use v4 (and, when use_ipv6 is set, v6) for the filter
// tables instead of the iptables and ip6tables binaries.
func WithIPTables(v4, v6 IPTables) Option {
	return func(o *options) { o.v4, o.v6, o.ipt = v4, v6, true }
}

// InNamespace binds the plugin's own netdev.Links and iptables commands to the network
// namespace h (default: the caller's). The caller keeps h open while the plugin is used.
func InNamespace(h netns.NsHandle) Option { return func(o *options) { o.ns = h } }

// WithLockDir sets the directory of the lock files (default: [oslo_concurrency] lock_path
// when the configuration sets it, else DefaultLockDir).
func WithLockDir(dir string) Option { return func(o *options) { o.lockDir = dir } }

// WithChainPrefix sets the prefix of the wrapped iptables chains (default
// DefaultChainPrefix, which gives os-vif's chain names under nova-compute).
func WithChainPrefix(p string) Option { return func(o *options) { o.prefix = p } }

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// NewFactory returns a plugin.Factory that builds the plugin from the Env's configuration
// with opts; the registered factory is NewFactory(). Tests use it to bind the plugin to a
// network namespace.
func NewFactory(opts ...Option) plugin.Factory {
	return func(env plugin.Env) (plugin.Plugin, error) {
		all := []Option{WithLogger(env.Logger)}
		if dir, ok := env.Config.Section("oslo_concurrency").Get("lock_path"); ok && dir != "" {
			all = append(all, WithLockDir(dir))
		}
		return New(env.Config.LinuxBridge, append(all, opts...)...)
	}
}

// New builds the plugin from the [os_vif_linux_bridge] options. It checks them (the regexes
// must compile, the drop action and MTU must be usable) and fails with an error naming the
// option and value. Without WithNetOps it opens netlink sockets, which Close releases;
// without WithIPTables it runs the iptables (and, with use_ipv6, ip6tables) binaries.
func New(cfg config.LinuxBridge, opts ...Option) (*Plugin, error) {
	o := options{ns: netns.None(), lockDir: DefaultLockDir, prefix: DefaultChainPrefix, log: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	if o.log == nil {
		o.log = slog.Default()
	}
	if o.prefix == "" || len(o.prefix) > 16 || strings.ContainsAny(o.prefix, " \t\n\"'!") {
		// os-vif cuts its binary name to 16: wrapped chains stay within iptables' 28.
		return nil, fmt.Errorf("linux_bridge: invalid iptables chain prefix %q: want 1 to 16 characters, no spaces or quotes", o.prefix)
	}
	if len(cfg.ForwardBridgeInterface) == 0 {
		cfg.ForwardBridgeInterface = []string{"all"}
	}
	if cfg.IptablesDropAction == "" {
		return nil, optionError("iptables_drop_action", cfg.IptablesDropAction, "must not be empty")
	}
	if cfg.NetworkDeviceMTU < 0 || cfg.NetworkDeviceMTU > maxMTU ||
		(cfg.NetworkDeviceMTU != 0 && cfg.NetworkDeviceMTU < minMTU) {
		return nil, optionError("network_device_mtu", fmt.Sprint(cfg.NetworkDeviceMTU), fmt.Sprintf("must be between %d and %d", minMTU, maxMTU))
	}
	for _, name := range []struct{ opt, v string }{{"flat_interface", cfg.FlatInterface}, {"vlan_interface", cfg.VLANInterface}} {
		if name.v != "" {
			if err := netdev.ValidateName(name.v); err != nil {
				return nil, optionError(name.opt, name.v, err.Error())
			}
		}
	}
	var top, bottom *regexp.Regexp
	var err error
	if cfg.IptablesTopRegex != "" {
		if top, err = regexp.Compile(cfg.IptablesTopRegex); err != nil {
			return nil, optionError("iptables_top_regex", cfg.IptablesTopRegex, err.Error())
		}
	}
	if cfg.IptablesBottomRegex != "" {
		if bottom, err = regexp.Compile(cfg.IptablesBottomRegex); err != nil {
			return nil, optionError("iptables_bottom_regex", cfg.IptablesBottomRegex, err.Error())
		}
	}

	p := &Plugin{cfg: cfg, locks: newLocker(o.lockDir), log: o.log, closer: func() error { return nil }}
	if o.net == nil {
		nopts := []netdev.Option{netdev.WithLogger(o.log)}
		if o.ns.IsOpen() {
			nopts = append(nopts, netdev.InNamespace(o.ns))
		}
		links, err := netdev.New(nopts...)
		if err != nil {
			return nil, fmt.Errorf("linux_bridge: %w", err)
		}
		o.net = links
		p.closer = links.Close
	}
	p.net = o.net
	if !o.ipt {
		o.v4, o.v6 = NewIPTables(false, o.ns), NewIPTables(true, o.ns)
	}
	if !cfg.UseIPv6 {
		o.v6 = nil
	}
	p.fw = &firewall{
		v4: o.v4, v6: o.v6, prefix: o.prefix, drop: cfg.IptablesDropAction,
		forward: cfg.ForwardBridgeInterface, top: top, under: bottom, locks: p.locks, log: o.log,
	}
	return p, nil
}

// Close releases the netlink sockets the plugin opened itself.
func (p *Plugin) Close() error { return p.closer() }

// Describe returns os-vif's describe(): VIFBridge 1.0 to 1.0, no port profiles.
func (p *Plugin) Describe() *objects.HostPluginInfo {
	return plugin.Describe(Name, plugin.SupportedVIF("VIFBridge", "1.0", "1.0"))
}

// Plug ensures the bridge of a VIFBridge, as os-vif's LinuxBridgePlugin.plug does, when the
// network asks the host to provide it (should_provide_bridge and not multi_host): the bridge,
// the NIC (flat) or VLAN device (should_provide_vlan) enslaved to it with the network's MTU,
// the NIC's addresses and gateway routes moved onto the bridge, and, unless the VIF has
// traffic filtering, the iptables rules letting the bridge forward. It does not touch the
// VIF's own device (libvirt creates and enslaves the tap). Bad input is rejected before the
// host changes; a plug failing midway undoes what it did.
func (p *Plugin) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	pl, err := p.planFor(vif)
	if err != nil {
		return err
	}
	if pl.skip != "" {
		p.log.DebugContext(ctx, "linux_bridge: nothing to plug", "vif", pl.vifID, "reason", pl.skip)
		return nil
	}
	return p.apply(ctx, pl)
}

// Unplug does nothing, as in os-vif: the bridge is shared by every VIF of the network and
// stays, and libvirt removes the VIF's tap itself.
func (p *Plugin) Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return nil
}
