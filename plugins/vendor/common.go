package vendor

import (
	"fmt"
	"log/slog"

	"github.com/vishvananda/netns"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/internal/hosttool"
	"github.com/govif/govif/plugins/internal/tapdev"
	"github.com/govif/govif/vswitch"
)

// Option configures the factories of this package.
type Option func(*options)

type options struct {
	ns netns.NsHandle
	sw *vswitch.Writer // agilio_ovs only
}

// InNamespace binds a plugin (its devices and the tools it runs) to the network namespace h
// (default: the caller's). The caller keeps h open while the plugin is used.
func InNamespace(h netns.NsHandle) Option { return func(o *options) { o.ns = h } }

func buildOptions(opts []Option) options {
	o := options{ns: netns.None()}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// base is what every plugin of the package holds: its name, the host side and its tool.
type base struct {
	name string
	host *tapdev.Host
	tool *hosttool.Tool
	log  *slog.Logger
}

func newBase(env plugin.Env, o options, tool string, extraDirs ...string) (*base, error) {
	t, err := hosttool.New(env.Section(), tool, extraDirs...)
	if err != nil {
		return nil, fmt.Errorf("%s: [%s] %w", env.Name, plugin.SectionName(env.Name), err)
	}
	h, err := tapdev.Open(o.ns, env.Logger)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", env.Name, err)
	}
	return &base{name: env.Name, host: h, tool: t, log: env.Logger}, nil
}

// Close releases the netlink sockets.
func (b *base) Close() error { return b.host.Close() }

func (b *base) unsupported(vif objects.VIF, want string) error {
	return fmt.Errorf("%s: %s: %w (want %s)", b.name, vif.ObjName(), plugin.ErrUnsupportedVIFType, want)
}

// macOf returns the VIF's address as Nova passes vif['address'] (lower-case, colon-separated).
func macOf(class string, b *objects.VIFBase) (string, error) {
	mac, ok := b.Address.Get()
	if !ok || len(mac) == 0 {
		return "", &objects.FieldError{Path: class + ".address", Reason: "required: the tool is given the VIF's MAC"}
	}
	return mac.String(), nil
}

func networkOf(class string, b *objects.VIFBase) (*objects.Network, error) {
	n, ok := b.Network.Get()
	if !ok || n == nil {
		return nil, &objects.FieldError{Path: class + ".network", Reason: "required"}
	}
	return n, nil
}

func instanceField(path string, f objects.Field[string]) (string, error) {
	v, ok := f.Get()
	if !ok || v == "" {
		return "", &objects.FieldError{Path: "InstanceInfo." + path, Reason: "required: the tool is given it"}
	}
	return v, nil
}
