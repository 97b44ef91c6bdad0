package ovs

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/govif/govif/config"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/vswitch"
)

func init() { plugin.Register(Name, Factory) }

// OptionsFrom maps [os_vif_ovs] to Options.
func OptionsFrom(c config.OVS) Options {
	return Options{NetworkDeviceMTU: c.NetworkDeviceMTU, IsolateVIF: c.IsolateVIF, PerPortBridge: c.PerPortBridge,
		DefaultQoSType: c.DefaultQoSType}
}

// Factory builds the plugin from env: netlink in the caller's namespace, and OVSDB at
// [os_vif_ovs] ovsdb_connection, dialled on first use (as os-vif does), with
// ovs_vsctl_timeout bounding each database commit.
func Factory(env plugin.Env) (plugin.Plugin, error) {
	cfg := config.Default()
	if env.Config != nil {
		cfg = env.Config
	}
	links, err := netdev.New(netdev.WithLogger(env.Logger))
	if err != nil {
		return nil, fmt.Errorf("ovs: %w", err)
	}
	dialOpts, err := DialOptions(cfg.OVS)
	if err != nil {
		links.Close()
		return nil, err
	}
	sw := &lazySwitch{endpoint: cfg.OVS.OVSDBConnection, timeout: cfg.OVS.Timeout(), opts: dialOpts}
	p := New(sw, NetdevLinks{links}, OptionsFrom(cfg.OVS), env.Logger)
	p.closers = append(p.closers, sw.close, links.Close)
	return p, nil
}

// DialOptions returns the ovsdb options [os_vif_ovs] asks for: for an ssl: ovsdb_connection
// the TLS configuration from ssl_key_file, ssl_cert_file and ssl_ca_cert_file (read now, so
// that a missing or bad file stops the start instead of failing every plug).
func DialOptions(c config.OVS) ([]ovsdb.Option, error) {
	if !strings.HasPrefix(c.OVSDBConnection, "ssl:") {
		return nil, nil
	}
	tc, err := ovsdb.TLSConfigFromFiles(c.SSLKeyFile, c.SSLCertFile, c.SSLCACertFile)
	if err != nil {
		return nil, fmt.Errorf("ovs: [%s] ssl_key_file, ssl_cert_file, ssl_ca_cert_file: %w", config.SectionOVS, err)
	}
	return []ovsdb.Option{ovsdb.WithTLSConfig(tc)}, nil
}

// lazySwitch dials OVSDB on first use, so a host whose VIFs never need OVS never connects.
type lazySwitch struct {
	endpoint string
	timeout  time.Duration
	opts     []ovsdb.Option

	mu sync.Mutex
	sw *VSwitchSwitch
}

func (l *lazySwitch) get(ctx context.Context) (*VSwitchSwitch, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sw != nil {
		return l.sw, nil
	}
	if l.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, l.timeout)
		defer cancel()
	}
	v, err := vswitch.Open(ctx, l.endpoint, append([]ovsdb.Option{ovsdb.WithReconnect(100*time.Millisecond, 5*time.Second)}, l.opts...)...)
	if err != nil {
		return nil, fmt.Errorf("connect to OVSDB at %s: %w", l.endpoint, err)
	}
	l.sw = &VSwitchSwitch{V: v, WaitApplied: true, Timeout: l.timeout}
	return l.sw, nil
}

func (l *lazySwitch) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sw == nil {
		return nil
	}
	err := l.sw.V.Close()
	l.sw = nil
	return err
}

func (l *lazySwitch) EnsureBridge(ctx context.Context, b BridgeSpec) (bool, error) {
	sw, err := l.get(ctx)
	if err != nil {
		return false, err
	}
	return sw.EnsureBridge(ctx, b)
}

func (l *lazySwitch) PortExists(ctx context.Context, bridge, port string) (bool, error) {
	sw, err := l.get(ctx)
	if err != nil {
		return false, err
	}
	return sw.PortExists(ctx, bridge, port)
}

func (l *lazySwitch) AddPorts(ctx context.Context, ports ...Port) error {
	sw, err := l.get(ctx)
	if err != nil {
		return err
	}
	return sw.AddPorts(ctx, ports...)
}

func (l *lazySwitch) DelPort(ctx context.Context, bridge, port string) error {
	sw, err := l.get(ctx)
	if err != nil {
		return err
	}
	return sw.DelPort(ctx, bridge, port)
}

func (l *lazySwitch) Sync(ctx context.Context) error {
	sw, err := l.get(ctx)
	if err != nil {
		return err
	}
	return sw.Sync(ctx)
}

func (l *lazySwitch) InterfaceError(ctx context.Context, name string) (string, error) {
	sw, err := l.get(ctx)
	if err != nil {
		return "", err
	}
	return sw.InterfaceError(ctx, name)
}

func (l *lazySwitch) DelBridge(ctx context.Context, name string) error {
	sw, err := l.get(ctx)
	if err != nil {
		return err
	}
	return sw.DelBridge(ctx, name)
}
