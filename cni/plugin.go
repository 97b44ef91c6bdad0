package cni

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/containernetworking/cni/pkg/invoke"
	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/types"
	current "github.com/containernetworking/cni/pkg/types/100"
	"github.com/containernetworking/plugins/pkg/ipam"
	"github.com/containernetworking/plugins/pkg/ns"

	"github.com/govif/govif"
	"github.com/govif/govif/config"
	"github.com/govif/govif/daemon"
	"github.com/govif/govif/objects"
	_ "github.com/govif/govif/plugins/linuxbridge" // VIFBridge with plugin linux_bridge
	_ "github.com/govif/govif/plugins/noop"        // kuryr's nested VIFs name plugin noop
	_ "github.com/govif/govif/plugins/ovs"         // VIFOpenVSwitch, hybrid VIFBridge
	"github.com/govif/govif/vswitch"
)

// Funcs returns the five commands for skel.PluginMainFuncs. Each recovers a panic into a CNI
// error (code 999) so the runtime never sees a Go stack.
func Funcs() skel.CNIFuncs {
	return skel.CNIFuncs{Add: guard(Add), Del: guard(Del), Check: guard(Check), GC: guard(GC), Status: guard(Status)}
}

func guard(f func(*skel.CmdArgs) error) func(*skel.CmdArgs) error {
	return func(args *skel.CmdArgs) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = types.NewError(types.ErrInternal, "govif-cni: internal error", fmt.Sprint(r))
			}
		}()
		return f(args)
	}
}

// host is the plugging side: the in-process govif Host, or the daemon's client.
type host interface {
	govif.Interface
	Close() error
}

func openHost(ctx context.Context, conf *NetConf, vif objects.VIF) (host, error) {
	if conf.Server != "" {
		c, err := daemon.NewClient(conf.Server)
		if err != nil {
			return nil, &ConfigError{Field: "server", Value: conf.Server, Reason: err.Error()}
		}
		return c, nil
	}
	cfg := config.Default()
	cfg.OVS.OVSDBConnection = conf.OVSDB
	// Warnings and errors on stderr, which the runtime logs; not the per-plug INFO lines.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	h, err := govif.NewHost(ctx, cfg, govif.WithPlugins(vif.Base().Plugin.Or("ovs")), govif.WithoutExecPlugins(), govif.WithLogger(log))
	if err != nil {
		return nil, fmt.Errorf("load plugin %q: %w", vif.Base().Plugin.Or("ovs"), err)
	}
	return h, nil
}

func parse(args *skel.CmdArgs) (*NetConf, context.Context, context.CancelFunc, error) {
	conf, err := ParseConfig(args.StdinData)
	if err != nil {
		return nil, nil, nil, cniError(types.ErrInvalidNetworkConfig, "invalid network configuration", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), conf.Timeout())
	return conf, ctx, cancel, nil
}

// undo is a stack of rollback steps.
type undo []func(context.Context)

func (u undo) run() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := len(u) - 1; i >= 0; i-- {
		u[i](ctx)
	}
}

// Add is CNI ADD: IPAM, pod interface, host plug, addresses; result on stdout. A failure undoes
// every step that ran.
func Add(args *skel.CmdArgs) (err error) {
	conf, ctx, cancel, err := parse(args)
	if err != nil {
		return err
	}
	defer cancel()
	a, err := newAttachment(conf, args)
	if err != nil {
		return cniError(types.ErrInvalidNetworkConfig, "", err)
	}
	st, err := newStore(conf.StateDir, conf.Name)
	if err != nil {
		return cniError(types.ErrInvalidNetworkConfig, "", err)
	}
	netns, err := ns.GetNS(args.Netns)
	if err != nil {
		return types.NewError(types.ErrInvalidNetNS, fmt.Sprintf("open netns %q", args.Netns), err.Error())
	}
	defer netns.Close()
	unlock, err := st.lock(ctx, false)
	if err != nil {
		return cniError(types.ErrTryAgainLater, "lock attachment state", err)
	}
	defer unlock()

	var u undo
	defer func() {
		if err != nil {
			u.run()
		}
	}()
	// A second ADD of a live attachment must not touch it (a failure would undo its IPAM
	// allocation and state): the runtime DELs first, as the spec requires.
	if old, err := st.get(a.containerID, a.ifName); err != nil {
		return cniError(types.ErrIOFailure, "read attachment state", err)
	} else if old != nil {
		return types.NewError(types.ErrInternal, fmt.Sprintf("attachment %s/%s exists already", a.containerID, a.ifName),
			"DEL it first (ADD twice without DEL is not allowed by the CNI spec)")
	}
	rec, err := a.record()
	if err != nil {
		return cniError(types.ErrInternal, "encode VIF", err)
	}
	if err := st.put(rec); err != nil {
		return cniError(types.ErrIOFailure, "record attachment", err)
	}
	u = append(u, func(context.Context) { _ = st.del(a.containerID, a.ifName) })

	result := &current.Result{CNIVersion: current.ImplementedSpecVersion}
	if conf.IPAM.Type != "" {
		r, err := invoke.DelegateAdd(ctx, conf.IPAM.Type, args.StdinData, nil)
		if err != nil {
			return cniError(types.ErrInternal, "IPAM plugin "+conf.IPAM.Type+" ADD", err)
		}
		u = append(u, func(ctx context.Context) { _ = invoke.DelegateDel(ctx, conf.IPAM.Type, args.StdinData, nil) })
		if result, err = current.NewResultFromResult(r); err != nil {
			return cniError(types.ErrDecodingFailure, "IPAM result", err)
		}
		if len(result.IPs) == 0 {
			return types.NewError(types.ErrInternal, "IPAM plugin "+conf.IPAM.Type+" returned no IP", "")
		}
	} else {
		ipsFromVIF(a.vif, result)
	}

	h, err := openHost(ctx, conf, a.vif)
	if err != nil {
		return cniError(types.ErrInternal, "open govif host", err)
	}
	defer h.Close()

	podIf, hostIf, err := a.createPodInterface(netns, &u)
	if err != nil {
		return cniError(types.ErrInternal, "create pod interface", err)
	}
	if a.kind == kindVeth {
		if err := a.plug(ctx, h, &u); err != nil {
			return plugError(err)
		}
	}
	result.Interfaces = []*current.Interface{}
	if hostIf != nil {
		result.Interfaces = append(result.Interfaces, hostIf)
	}
	result.Interfaces = append(result.Interfaces, podIf)
	podIdx := len(result.Interfaces) - 1
	for _, ipc := range result.IPs {
		ipc.Interface = current.Int(podIdx)
	}
	if len(result.IPs) > 0 {
		if err := netns.Do(func(ns.NetNS) error { return ipam.ConfigureIface(a.ifName, result) }); err != nil {
			return cniError(types.ErrInternal, "configure "+a.ifName+" in the pod", err)
		}
	}
	return types.PrintResult(result, conf.CNIVersion)
}

// plugError maps a plug failure: OVSDB or daemon unreachable is "try again later".
func plugError(err error) error {
	var fe *objects.FieldError
	if errors.As(err, &fe) {
		return types.NewError(types.ErrInvalidNetworkConfig, "VIF rejected", err.Error())
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &oe) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return types.NewError(types.ErrTryAgainLater, "plug: OVSDB or govif daemon unreachable", err.Error())
	}
	return cniError(types.ErrInternal, "plug", err)
}

// plug plugs the host end through govif (the OVS port with os-vif's external_ids), and for a
// VIFBridge puts the host end on the VIF's Linux bridge.
func (a *attachment) plug(ctx context.Context, h host, u *undo) error {
	if err := h.Plug(ctx, a.vif, a.instance); err != nil {
		return err
	}
	*u = append(*u, func(ctx context.Context) { _ = h.Unplug(ctx, a.vif, a.instance) })
	if a.bridgeName != "" {
		if err := setMaster(a.hostIf, a.bridgeName); err != nil {
			return err
		}
	}
	return nil
}

// Del is CNI DEL: idempotent, and successful when the netns or the devices are gone already.
func Del(args *skel.CmdArgs) error {
	conf, ctx, cancel, err := parse(args)
	if err != nil {
		return err
	}
	defer cancel()
	st, err := newStore(conf.StateDir, conf.Name)
	if err != nil {
		return cniError(types.ErrInvalidNetworkConfig, "", err)
	}
	unlock, err := st.lock(ctx, false)
	if err != nil {
		return cniError(types.ErrTryAgainLater, "lock attachment state", err)
	}
	defer unlock()
	rec, err := st.get(args.ContainerID, args.IfName)
	if err != nil {
		return cniError(types.ErrIOFailure, "read attachment state", err)
	}
	var a *attachment
	if rec != nil {
		a, err = attachmentFromRecord(rec)
		if err != nil {
			return cniError(types.ErrIOFailure, "read attachment state", err)
		}
		if args.Netns != "" {
			a.netns = args.Netns
		}
	} else if a, err = newAttachment(conf, args); err != nil {
		return cniError(types.ErrInvalidNetworkConfig, "", err)
	}
	if err := teardown(ctx, conf, a); err != nil {
		return err
	}
	if conf.IPAM.Type != "" {
		if err := invoke.DelegateDel(ctx, conf.IPAM.Type, args.StdinData, nil); err != nil {
			return cniError(types.ErrInternal, "IPAM plugin "+conf.IPAM.Type+" DEL", err)
		}
	}
	return cniError(types.ErrIOFailure, "remove attachment state", st.del(args.ContainerID, args.IfName))
}

// teardown removes what ADD made for a (not the IPAM allocation): the OVS port first (so
// ovs-vswitchd lets go of the device before it disappears, as ovs-vsctl del-port then ip link
// del would), then the pod interface if the netns is still there, then the host end.
func teardown(ctx context.Context, conf *NetConf, a *attachment) error {
	if a.kind == kindVeth {
		h, err := openHost(ctx, conf, a.vif)
		if err != nil {
			return cniError(types.ErrInternal, "open govif host", err)
		}
		defer h.Close()
		if err := h.Unplug(ctx, a.vif, a.instance); err != nil {
			return plugError(err)
		}
	}
	if err := a.deletePodInterface(); err != nil {
		return cniError(types.ErrInternal, "delete pod interface", err)
	}
	if a.kind == kindVeth {
		if err := deleteHostLink(a.hostIf); err != nil {
			return cniError(types.ErrInternal, "delete host end "+a.hostIf, err)
		}
	}
	return nil
}

// Check is CNI CHECK: the attachment must still look as ADD made it.
func Check(args *skel.CmdArgs) error {
	conf, ctx, cancel, err := parse(args)
	if err != nil {
		return err
	}
	defer cancel()
	if conf.PrevResult == nil {
		return cniError(0, "", &ConfigError{Field: "prevResult", Reason: "required by CHECK"})
	}
	prev, err := current.NewResultFromResult(conf.PrevResult)
	if err != nil {
		return cniError(types.ErrDecodingFailure, "prevResult", err)
	}
	a, err := newAttachment(conf, args)
	if err != nil {
		return cniError(types.ErrInvalidNetworkConfig, "", err)
	}
	if conf.IPAM.Type != "" {
		if err := invoke.DelegateCheck(ctx, conf.IPAM.Type, args.StdinData, nil); err != nil {
			return cniError(types.ErrInternal, "IPAM plugin "+conf.IPAM.Type+" CHECK", err)
		}
	}
	netns, err := ns.GetNS(args.Netns)
	if err != nil {
		return types.NewError(types.ErrInvalidNetNS, fmt.Sprintf("open netns %q", args.Netns), err.Error())
	}
	defer netns.Close()
	if err := a.checkPod(netns, prev); err != nil {
		return cniError(ErrDrift, "check pod interface", err)
	}
	if a.kind != kindVeth {
		return nil
	}
	if err := a.checkHost(ctx, conf, prev); err != nil {
		return cniError(ErrDrift, "check host side", err)
	}
	return nil
}

// checkHost verifies the host end and its OVS port.
func (a *attachment) checkHost(ctx context.Context, conf *NetConf, prev *current.Result) error {
	if err := checkHostLink(a.hostIf, a.mtu); err != nil {
		return err
	}
	if _, ok := a.vif.(*objects.VIFOpenVSwitch); !ok {
		return nil
	}
	vs, err := vswitch.Open(ctx, conf.OVSDB)
	if err != nil {
		return types.NewError(types.ErrTryAgainLater, "OVSDB "+conf.OVSDB+" unreachable", err.Error())
	}
	defer vs.Close()
	bridge := conf.Bridge
	if n, ok := a.vif.Base().Network.Get(); ok && n != nil && n.Bridge.Or("") != "" {
		bridge = n.Bridge.Or("")
	}
	on, err := vs.PortOnBridge(ctx, bridge, a.hostIf)
	if err != nil {
		return cniError(types.ErrInternal, "OVSDB", err)
	}
	if !on {
		return &DriftError{What: fmt.Sprintf("OVS port %q", a.hostIf), Want: "on bridge " + bridge, Got: "not there"}
	}
	iface, err := vs.InterfaceByName(ctx, a.hostIf)
	if err != nil {
		return cniError(types.ErrInternal, "OVSDB", err)
	}
	wantMAC := ""
	for _, i := range prev.Interfaces {
		if i.Sandbox != "" && i.Name == a.ifName {
			wantMAC = i.Mac
		}
	}
	if got := iface.ExternalIDs["attached-mac"]; wantMAC != "" && got != wantMAC {
		return &DriftError{What: fmt.Sprintf("OVS interface %q external_ids:attached-mac", a.hostIf), Want: wantMAC, Got: got}
	}
	wantID := a.vif.Base().ID.Or("")
	if p, ok := a.vif.Base().PortProfile.Get(); ok {
		if op, ok := p.(objects.OpenVSwitchProfile); ok && op.OVSProfile().InterfaceID.Or("") != "" {
			wantID = op.OVSProfile().InterfaceID.Or("")
		}
	}
	if got := iface.ExternalIDs["iface-id"]; got != wantID {
		return &DriftError{What: fmt.Sprintf("OVS interface %q external_ids:iface-id", a.hostIf), Want: wantID, Got: got}
	}
	return nil
}

// GC is CNI GC: every attachment this network recorded that is not in
// cni.dev/valid-attachments is torn down; then the IPAM plugin gets the same GC.
func GC(args *skel.CmdArgs) error {
	conf, ctx, cancel, err := parse(args)
	if err != nil {
		return err
	}
	defer cancel()
	st, err := newStore(conf.StateDir, conf.Name)
	if err != nil {
		return cniError(types.ErrInvalidNetworkConfig, "", err)
	}
	unlock, err := st.lock(ctx, true)
	if err != nil {
		return cniError(types.ErrTryAgainLater, "lock attachment state", err)
	}
	defer unlock()
	recs, err := st.list()
	if err != nil {
		return cniError(types.ErrIOFailure, "list attachments", err)
	}
	valid := map[types.GCAttachment]bool{}
	for _, v := range conf.ValidAttachments {
		valid[v] = true
	}
	var errs []error
	for _, r := range recs {
		if valid[types.GCAttachment{ContainerID: r.ContainerID, IfName: r.IfName}] {
			continue
		}
		a, err := attachmentFromRecord(r)
		if err == nil {
			err = teardown(ctx, conf, a)
		}
		if err == nil {
			err = st.del(r.ContainerID, r.IfName)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s/%s: %w", r.ContainerID, r.IfName, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return types.NewError(types.ErrInternal, "GC", err.Error())
	}
	if conf.IPAM.Type != "" {
		if err := invoke.DelegateGC(ctx, conf.IPAM.Type, args.StdinData, nil); err != nil {
			return cniError(types.ErrInternal, "IPAM plugin "+conf.IPAM.Type+" GC", err)
		}
	}
	return nil
}

// Status is CNI STATUS: the plugin is available while OVSDB (or the govif daemon) answers.
func Status(args *skel.CmdArgs) error {
	conf, ctx, cancel, err := parse(args)
	if err != nil {
		return err
	}
	defer cancel()
	sctx, scancel := context.WithTimeout(ctx, 5*time.Second)
	defer scancel()
	if conf.Server != "" {
		c, err := daemon.NewClient(conf.Server)
		if err != nil {
			return cniError(0, "", &ConfigError{Field: "server", Value: conf.Server, Reason: err.Error()})
		}
		defer c.Close()
		if err := c.Health(sctx); err != nil {
			return types.NewError(types.ErrPluginNotAvailable, "govif daemon "+conf.Server+" unavailable", err.Error())
		}
	} else {
		vs, err := vswitch.Open(sctx, conf.OVSDB)
		if err != nil {
			return types.NewError(types.ErrPluginNotAvailable, "OVSDB "+conf.OVSDB+" unreachable", err.Error())
		}
		defer vs.Close()
		if _, err := vs.BridgeExists(sctx, conf.Bridge); err != nil {
			return types.NewError(types.ErrPluginNotAvailable, "OVSDB "+conf.OVSDB+" not answering", err.Error())
		}
	}
	if conf.IPAM.Type != "" {
		if err := invoke.DelegateStatus(sctx, conf.IPAM.Type, args.StdinData, nil); err != nil {
			return cniError(types.ErrPluginNotAvailable, "IPAM plugin "+conf.IPAM.Type+" STATUS", err)
		}
	}
	return nil
}
