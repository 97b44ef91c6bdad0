package ovs

import (
	"fmt"
	"strings"
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
// [os_vif_ovs] ovsdb_connection through a vswitch.Writer that dials on first use (as os-vif
// does) and never again after Close, with ovs_vsctl_timeout bounding each database commit.
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
	sw := vswitch.DialWriter(cfg.OVS.OVSDBConnection, vswitch.WriterOptions{WaitApplied: true, Timeout: cfg.OVS.Timeout(),
		DialOptions: append([]ovsdb.Option{ovsdb.WithReconnect(100*time.Millisecond, 5*time.Second)}, dialOpts...)})
	p := New(sw, NetdevLinks{links}, OptionsFrom(cfg.OVS), env.Logger)
	p.closers = append(p.closers, sw.Close, links.Close)
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
