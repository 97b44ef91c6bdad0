package ovs

import (
	"fmt"
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
	sw := vswitch.DialWriter(cfg.OVS.OVSDBConnection, vswitch.WriterOptions{WaitApplied: true, Timeout: cfg.OVS.Timeout(),
		DialOptions: []ovsdb.Option{ovsdb.WithReconnect(100*time.Millisecond, 5*time.Second)}})
	p := New(sw, NetdevLinks{links}, OptionsFrom(cfg.OVS), env.Logger)
	p.closers = append(p.closers, sw.Close, links.Close)
	return p, nil
}
