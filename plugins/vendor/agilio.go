package vendor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/ovs"
	"github.com/govif/govif/vswitch"
)

// NameAgilioOVS is the plugin name Nova 26's os_vif_util sets for vif_type agilio_ovs with
// vnic_type direct or virtio-forwarder (other vnic_types are converted as vif_type ovs, for
// the ovs plugin).
const NameAgilioOVS = "agilio_ovs"

func init() { plugin.Register(NameAgilioOVS, NewAgilioOVSFactory()) }

// AgilioOVS is Netronome's vif_plug_agilio_ovs (agilio-ovs-openstack-plugin) for the VIFs Nova
// converts with plugin "agilio_ovs", both with a VIFPortProfileOVSRepresentor:
//
//   - VIFHostDevice (vnic direct, "passthrough"): the bridge network.bridge ensured,
//     `agilio-vf-mgr.py --claim-passthrough <representor_name> <mac> --pciaddr
//     <representor_address>`, then the OVS port representor_name on the bridge with the
//     Interface external_ids iface-id (the profile's interface_id), iface-status=active,
//     attached-mac and vm-uuid. Unplug deletes the port and runs `agilio-vf-mgr.py --releasepci
//     <representor_address>`.
//   - VIFVHostUser (vnic virtio-forwarder): the same with `--claim-forwarder ... --vhupath
//     <path>` and external_ids:virtio_forwarder=1; unplug deletes the port vif_name and runs
//     `--releasepci <representor_address> --vhupath <path>`.
//
// The OVS work is done through OVSDB (package vswitch), not ovs-vsctl; agilio-vf-mgr.py is run
// as an argv list, found on PATH or at [os_vif_agilio_ovs] agilio_vf_mgr_path.
type AgilioOVS struct {
	*base
	sw     *vswitch.Writer
	closeW bool
}

// WithVSwitchWriter makes the agilio_ovs plugin use w for OVSDB (tests pass a Writer on the
// sandbox's database); the plugin does not close it. Other plugins ignore it.
func WithVSwitchWriter(w *vswitch.Writer) Option { return func(o *options) { o.sw = w } }

// NewAgilioOVSFactory returns the factory of the agilio_ovs plugin. OVSDB is reached at
// [os_vif_agilio_ovs] ovsdb_connection (the vendor plugin is an OvsPlugin with its options in
// its own section), defaulting to [os_vif_ovs] ovsdb_connection, with ovs_vsctl_timeout
// likewise; it is dialled on first use.
func NewAgilioOVSFactory(opts ...Option) plugin.Factory {
	return func(env plugin.Env) (plugin.Plugin, error) {
		o := buildOptions(opts)
		b, err := newBase(env, o, "agilio-vf-mgr.py")
		if err != nil {
			return nil, err
		}
		p := &AgilioOVS{base: b, sw: o.sw}
		if p.sw == nil {
			cfg := config.Default()
			if env.Config != nil {
				cfg = env.Config
			}
			oc := cfg.OVS
			sec := env.Section()
			oc.OVSDBConnection = sec.String("ovsdb_connection", oc.OVSDBConnection)
			timeout := oc.Timeout()
			if t, err := sec.Int("ovs_vsctl_timeout", int(timeout/time.Second)); err != nil || t <= 0 {
				b.Close()
				return nil, fmt.Errorf("%s: [%s] ovs_vsctl_timeout: want a positive number of seconds (%v)", env.Name, plugin.SectionName(env.Name), err)
			} else {
				timeout = time.Duration(t) * time.Second
			}
			dialOpts, err := ovs.DialOptions(oc)
			if err != nil {
				b.Close()
				return nil, err
			}
			p.sw = vswitch.DialWriter(oc.OVSDBConnection, vswitch.WriterOptions{WaitApplied: true, Timeout: timeout,
				DialOptions: append([]ovsdb.Option{ovsdb.WithReconnect(100*time.Millisecond, 5*time.Second)}, dialOpts...)})
			p.closeW = true
		}
		return p, nil
	}
}

// Close releases the netlink sockets and the OVSDB connection the plugin dialled.
func (p *AgilioOVS) Close() error {
	err := p.base.Close()
	if p.closeW {
		err = errors.Join(err, p.sw.Close())
	}
	return err
}

// Describe is the vendor plugin's classes: VIFVHostUser and VIFHostDevice 1.0 (the vendor
// advertises no port profile list; govif names the one it takes, VIFPortProfileOVSRepresentor
// 1.0 to 1.4, which os-vif 3.0.0 peers negotiate).
func (p *AgilioOVS) Describe() *objects.HostPluginInfo {
	rep := plugin.SupportedProfile("VIFPortProfileOVSRepresentor", "1.0", currentVersion("VIFPortProfileOVSRepresentor"))
	return plugin.Describe(p.name,
		plugin.SupportedVIF("VIFVHostUser", "1.0", currentVersion("VIFVHostUser"), rep),
		plugin.SupportedVIF("VIFHostDevice", "1.0", "1.0", rep))
}

func currentVersion(class string) string {
	if v, ok := objects.CurrentVersion(class); ok {
		return v
	}
	return "1.0"
}

// agilioSpec is what a plug and an unplug use.
type agilioSpec struct {
	forwarder           bool
	bridge, port, unplg string // the port plug adds, and the one unplug deletes (the vendor's vif_name)
	rep, pci, mac       string
	ifaceID, vhupath    string
}

func (p *AgilioOVS) spec(vif objects.VIF) (*agilioSpec, error) {
	class := vif.ObjName()
	s := &agilioSpec{}
	switch v := vif.(type) {
	case *objects.VIFHostDevice:
	case *objects.VIFVHostUser:
		s.forwarder = true
		s.vhupath = v.Path.Value()
		s.unplg = v.VIFName.Value()
		if s.vhupath == "" {
			return nil, &objects.FieldError{Path: class + ".path", Reason: "required: agilio-vf-mgr.py's --vhupath"}
		}
	default:
		return nil, p.unsupported(vif, "VIFHostDevice or VIFVHostUser")
	}
	b := vif.Base()
	prof, ok := b.PortProfile.Get()
	if !ok || prof == nil {
		return nil, plugin.ErrMissingPortProfile
	}
	rp, ok := prof.(*objects.VIFPortProfileOVSRepresentor)
	if !ok {
		return nil, &plugin.WrongPortProfileError{Profile: prof.ObjName(), Want: "VIFPortProfileOVSRepresentor"}
	}
	s.rep, s.pci, s.ifaceID = rp.RepresentorName.Value(), rp.RepresentorAddress.Value(), rp.InterfaceID.Value()
	s.port = s.rep
	if !s.forwarder {
		s.unplg = s.rep
	}
	mac, err := macOf(class, b)
	if err != nil {
		return nil, err
	}
	s.mac = mac
	n, err := networkOf(class, b)
	if err != nil {
		return nil, err
	}
	s.bridge = n.Bridge.Value()
	for _, f := range []struct{ path, v string }{
		{class + ".network.bridge", s.bridge},
		{class + ".port_profile.representor_name", s.rep},
		{class + ".vif_name", s.unplg},
		{class + ".port_profile.representor_address", s.pci},
		{class + ".port_profile.interface_id", s.ifaceID},
	} {
		if f.v == "" {
			return nil, &objects.FieldError{Path: f.path, Reason: "required by the agilio_ovs plugin"}
		}
		if strings.ContainsAny(f.v, "/ \t\n") && !strings.HasSuffix(f.path, "interface_id") {
			return nil, &objects.FieldError{Path: f.path, Value: f.v, Reason: "not usable as an OVS or device name"}
		}
	}
	return s, nil
}

func (s *agilioSpec) claimArgs() []string {
	if s.forwarder {
		return []string{"--claim-forwarder", s.rep, s.mac, "--pciaddr", s.pci, "--vhupath", s.vhupath}
	}
	return []string{"--claim-passthrough", s.rep, s.mac, "--pciaddr", s.pci}
}

func (s *agilioSpec) releaseArgs() []string {
	if s.forwarder {
		return []string{"--releasepci", s.pci, "--vhupath", s.vhupath}
	}
	return []string{"--releasepci", s.pci}
}

func (s *agilioSpec) externalIDs(inst string) map[string]string {
	ids := map[string]string{"iface-id": s.ifaceID, "iface-status": "active", "attached-mac": s.mac, "vm-uuid": inst}
	if s.forwarder {
		ids["virtio_forwarder"] = "1"
	}
	return ids
}

// Plug claims the VF and adds its representor's OVS port. A failure undoes what it added: the
// port, the claim (--releasepci), a bridge it created.
func (p *AgilioOVS) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	s, err := p.spec(vif)
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
	fail := func(err error) error { return fmt.Errorf("agilio_ovs: plug %s: %w", s.rep, err) }
	// The vendor sets datapath_type=system on the bridge even when it exists; govif gives a
	// bridge it creates the system datapath and leaves an existing one's as it is.
	brCreated, err := p.sw.EnsureBridge(ctx, vswitch.BridgeSpec{Name: s.bridge, DatapathType: "system", AcceptOtherDatapath: true})
	if err != nil {
		return fail(err)
	}
	undoBridge := func(rctx context.Context) {
		if brCreated {
			if err := p.sw.DelBridge(rctx, s.bridge); err != nil {
				p.log.Warn("agilio_ovs: rollback: deleting bridge failed", "bridge", s.bridge, "err", err)
			}
		}
	}
	if err := p.tool.Run(ctx, p.host.NS, s.claimArgs()...); err != nil {
		rctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
		defer cancel()
		undoBridge(rctx)
		return fail(err)
	}
	ids := s.externalIDs(uuid)
	created, err := p.sw.AddPorts(ctx, vswitch.WaitForVSwitchd, vswitch.PortSpec{Bridge: s.bridge, Name: s.port, ExternalIDs: ids})
	if err != nil {
		rctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
		defer cancel()
		if len(created) > 0 {
			if derr := p.sw.DelPortIfOwned(rctx, s.bridge, s.port, ids); derr != nil {
				p.log.Warn("agilio_ovs: rollback: deleting port failed", "port", s.port, "err", derr)
			}
		}
		if rerr := p.tool.Run(rctx, p.host.NS, s.releaseArgs()...); rerr != nil {
			p.log.Warn("agilio_ovs: rollback: agilio-vf-mgr.py --releasepci failed", "pci", s.pci, "err", rerr)
		}
		undoBridge(rctx)
		return fail(err)
	}
	return nil
}

// Unplug deletes the port (a missing one is success) and releases the VF.
func (p *AgilioOVS) Unplug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	s, err := p.spec(vif)
	if err != nil {
		return err
	}
	if err := p.sw.DelPort(ctx, s.bridge, s.unplg); err != nil {
		return fmt.Errorf("agilio_ovs: unplug %s: %w", s.unplg, err)
	}
	if err := p.tool.Run(ctx, p.host.NS, s.releaseArgs()...); err != nil {
		return fmt.Errorf("agilio_ovs: unplug %s: %w", s.unplg, err)
	}
	return nil
}

var _ plugin.Checker = (*AgilioOVS)(nil)

// Objects implements plugin.Checker: the representor's OVS port and the bridge.
func (p *AgilioOVS) Objects(vif objects.VIF, _ *objects.InstanceInfo) (plugin.Objects, error) {
	s, err := p.spec(vif)
	if err != nil {
		return plugin.Objects{}, err
	}
	return plugin.Objects{Bridge: s.bridge, OVSPorts: []plugin.OVSPort{{Bridge: s.bridge, Port: s.port}}, InterfaceID: s.ifaceID}, nil
}

// Check implements plugin.Checker: the port is on the bridge and its Interface carries the
// external_ids the plug writes. The VF claim (agilio-vf-mgr.py, the Agilio firmware's state)
// is not checked.
func (p *AgilioOVS) Check(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) ([]plugin.Drift, error) {
	s, err := p.spec(vif)
	if err != nil {
		return nil, err
	}
	v, err := p.sw.VSwitch(ctx)
	if err != nil {
		return nil, fmt.Errorf("agilio_ovs: check %s: %w", s.port, err)
	}
	obj := "ovs port " + s.bridge + "/" + s.port
	on, err := v.PortOnBridge(ctx, s.bridge, s.port)
	if err != nil {
		return nil, fmt.Errorf("agilio_ovs: check %s: %w", s.port, err)
	}
	if !on {
		return []plugin.Drift{{Object: obj, Field: "exists", Want: "yes", Got: "no"}}, nil
	}
	iface, err := v.InterfaceByName(ctx, s.port)
	if err != nil {
		return nil, fmt.Errorf("agilio_ovs: check %s: %w", s.port, err)
	}
	uuid := ""
	if inst != nil {
		uuid = inst.UUID.Value()
	}
	ids := s.externalIDs(uuid)
	var d []plugin.Drift
	for _, k := range []string{"iface-id", "iface-status", "attached-mac", "vm-uuid", "virtio_forwarder"} {
		want, ok := ids[k]
		if !ok || (k == "vm-uuid" && want == "") {
			continue
		}
		if got := iface.ExternalIDs[k]; got != want {
			d = append(d, plugin.Drift{Object: obj, Field: "external_ids:" + k, Want: want, Got: got})
		}
	}
	return d, nil
}
