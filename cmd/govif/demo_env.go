package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/govif/govif"
	"github.com/govif/govif/config"
	"github.com/govif/govif/daemon"
	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/plugins/linuxbridge"
	"github.com/govif/govif/plugins/ovs"
	"github.com/govif/govif/policy"
	"github.com/govif/govif/vswitch"
)

// demoEnv is what the demo builds: the OVS sandbox and its namespace (the demo's "compute
// host"), a govif Host whose plugins work in that namespace, the daemon serving it and the
// client the demo plugs through.
type demoEnv struct {
	dir    string
	logger *slog.Logger
	sb     *sandbox.OVS
	nl     *netlink.Handle // netlink in the host namespace (for showing devices)
	links  *netdev.Links   // netdev in the host namespace
	vs     *vswitch.VSwitch
	host   *govif.Host
	sock   string
	client *daemon.Client
	vms    []*demoVM
}

func (d *demoRun) checkPrereqs(ctx context.Context) ([]string, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("govif demo needs root (network namespaces, Open vSwitch daemons): run it with sudo, or `sudo make demo`")
	}
	if err := sandbox.Check(true); err != nil {
		return nil, err
	}
	ipt, err := exec.LookPath("iptables")
	if err != nil {
		ipt, err = sandbox.LookBinary("iptables")
	}
	if err != nil {
		return nil, &sandbox.MissingError{What: "iptables (the linux_bridge plugin's firewall rules)", Package: "iptables"}
	}
	vswitchd, _ := sandbox.LookBinary("ovs-vswitchd")
	return []string{"root; found " + vswitchd + ", " + ipt}, nil
}

// startSandbox makes the temp dir and starts ovsdb-server and ovs-vswitchd in a fresh namespace.
func (d *demoRun) startSandbox(ctx context.Context) ([]string, error) {
	dir, err := os.MkdirTemp("", "govif-demo-")
	if err != nil {
		return nil, err
	}
	d.env.dir = dir
	d.report.Dir = dir
	d.onCleanup("remove "+dir, func(context.Context) error { return os.RemoveAll(dir) })

	sb, err := sandbox.StartOVS(ctx, sandbox.Options{VSwitchd: true, Dir: filepath.Join(dir, "ovs"), Logger: d.env.logger})
	if err != nil {
		return nil, err
	}
	d.env.sb = sb
	d.report.Namespaces = append(d.report.Namespaces, sb.NetNS().ID())
	d.report.PIDs = append(d.report.PIDs, sb.PIDs()...)
	d.onCleanup("stop ovs-vswitchd and ovsdb-server, release the host namespace", func(context.Context) error { return sb.Close() })

	if d.env.nl, err = netlink.NewHandleAt(sb.NetNS().Handle()); err != nil {
		return nil, fmt.Errorf("netlink in sandbox namespace: %w", err)
	}
	d.onCleanup("close netlink handle", func(context.Context) error { d.env.nl.Close(); return nil })
	if d.env.links, err = netdev.New(netdev.InNamespace(sb.NetNS().Handle()), netdev.WithLogger(d.env.logger)); err != nil {
		return nil, err
	}
	d.onCleanup("close netdev", func(context.Context) error { return d.env.links.Close() })
	if d.env.vs, err = vswitch.Open(ctx, sb.Endpoint()); err != nil {
		return nil, err
	}
	d.onCleanup("close OVSDB connection", func(context.Context) error { return d.env.vs.Close() })
	return []string{
		fmt.Sprintf("host namespace %s, dir %s", sb.NetNS().ID(), dir),
		fmt.Sprintf("ovsdb-server + ovs-vswitchd pids %v, OVSDB at %s", sb.PIDs(), sb.Endpoint()),
	}, nil
}

// startDaemon builds a govif Host whose plugins work in the sandbox namespace and serves it
// with the daemon on a socket in the demo's dir.
func (d *demoRun) startDaemon(ctx context.Context) ([]string, error) {
	e := d.env
	cfg := config.Default()
	cfg.OVS.OVSDBConnection = e.sb.Endpoint()

	sw, err := vswitch.Open(ctx, e.sb.Endpoint(), ovsdb.WithReconnect(100*time.Millisecond, 5*time.Second))
	if err != nil {
		return nil, err
	}
	d.onCleanup("close the ovs plugin's OVSDB connection", func(context.Context) error { return sw.Close() })
	ovsLinks, err := netdev.New(netdev.InNamespace(e.sb.NetNS().Handle()), netdev.WithLogger(e.logger))
	if err != nil {
		return nil, err
	}
	d.onCleanup("close the ovs plugin's netlink", func(context.Context) error { return ovsLinks.Close() })
	ovsPlugin := ovs.New(&ovs.VSwitchSwitch{V: sw, WaitApplied: true, Timeout: cfg.OVS.Timeout()},
		ovs.NetdevLinks{L: ovsLinks}, ovs.OptionsFrom(cfg.OVS), e.logger.With("plugin", ovs.Name))

	lb, err := linuxbridge.New(cfg.LinuxBridge, linuxbridge.InNamespace(e.sb.NetNS().Handle()),
		linuxbridge.WithLockDir(filepath.Join(e.dir, "locks")), linuxbridge.WithLogger(e.logger.With("plugin", linuxbridge.Name)))
	if err != nil {
		return nil, err
	}
	d.onCleanup("close the linux_bridge plugin", func(context.Context) error { return lb.Close() })

	e.host, err = govif.NewHost(ctx, cfg, govif.WithPlugin(ovs.Name, ovsPlugin), govif.WithPlugin(linuxbridge.Name, lb),
		govif.WithoutExecPlugins(), govif.WithLogger(e.logger), govif.WithPolicy(policy.FromConfig(cfg)))
	if err != nil {
		return nil, err
	}
	d.onCleanup("close the govif host", func(context.Context) error { return e.host.Close() })

	e.sock = filepath.Join(e.dir, "govif.sock")
	ln, err := daemon.ListenUnix(e.sock, fs.FileMode(0o660), -1)
	if err != nil {
		return nil, err
	}
	srv := daemon.NewServer(e.host, daemon.Options{Logger: e.logger})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	d.onCleanup("stop the govif daemon (drain, close socket)", func(ctx context.Context) error {
		err := srv.Shutdown(ctx)
		return errors.Join(err, <-served)
	})
	if e.client, err = daemon.NewClient("unix:" + e.sock); err != nil {
		return nil, err
	}
	d.onCleanup("close the daemon client", func(context.Context) error { return e.client.Close() })
	if err := e.client.Health(ctx); err != nil {
		return nil, err
	}
	hi, err := e.client.HostInfo(ctx)
	if err != nil {
		return nil, err
	}
	details := []string{"listening on unix:" + e.sock + " (mode 0660, uid 0 allowed); host-info over the socket:"}
	for _, p := range hi.PluginInfo.Value() {
		var types []string
		for _, v := range p.VIFInfo.Value() {
			types = append(types, v.VIFObjectName.Value()+" "+v.MinVersion.Value()+"-"+v.MaxVersion.Value())
		}
		details = append(details, fmt.Sprintf("  plugin %-13s %v", p.PluginName.Value(), types))
	}
	return details, nil
}

// processesIn lists the processes in a namespace (by kernel id).
func processesIn(id string) []int { return sandbox.ProcessesIn(id) }
