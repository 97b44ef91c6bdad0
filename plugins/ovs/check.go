package ovs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/vswitch"
)

var (
	_ plugin.Checker   = (*Plugin)(nil)
	_ plugin.Collector = (*Plugin)(nil)
)

// ErrCannotRead is returned by Check and the garbage collector when the plugin was built on a
// Switch or Links that cannot read the host (test fakes): only the vswitch- and netdev-backed
// ones can.
var ErrCannotRead = errors.New("ovs: this plugin's switch or links cannot read the host")

// vswitchReader is a Switch that can hand out its *vswitch.VSwitch for reading
// (*vswitch.Writer dials it first if need be; VSwitchSwitch has it).
type vswitchReader interface {
	VSwitch(ctx context.Context) (*vswitch.VSwitch, error)
}

// readers returns the OVSDB and netlink handles Check and the collector read through.
func (p *Plugin) readers(ctx context.Context) (*vswitch.VSwitch, *netdev.Links, error) {
	r, ok := p.sw.(vswitchReader)
	nl, ok2 := p.links.(NetdevLinks)
	if !ok || !ok2 || nl.L == nil {
		return nil, nil, ErrCannotRead
	}
	vs, err := r.VSwitch(ctx)
	if err != nil {
		return nil, nil, err
	}
	return vs, nl.L, nil
}

// Objects implements plugin.Checker: the devices, OVS ports and bridges the plug of vif makes.
func (p *Plugin) Objects(vif objects.VIF, inst *objects.InstanceInfo) (plugin.Objects, error) {
	s, err := p.toSpec(vif, inst, false)
	if err != nil {
		return plugin.Objects{}, err
	}
	return p.objectsOf(s), nil
}

func (p *Plugin) objectsOf(s *vifSpec) plugin.Objects {
	o := plugin.Objects{Bridge: s.netBridge, InterfaceID: s.interfaceID}
	port := func(br, name string) { o.OVSPorts = append(o.OVSPorts, plugin.OVSPort{Bridge: br, Port: name}) }
	switch s.kind {
	case kindBridge:
		qvb, qvo := vethNames(s.id)
		o.Devices = []string{s.bridgeName, qvb, qvo}
		port(s.netBridge, qvo)
	case kindOpenVSwitch:
		if s.createTap {
			o.Devices = []string{s.vifName}
		}
		if p.opts.PerPortBridge {
			pb := portName(prefixPortBridge, s.id, nicNameLen)
			o.OVSBridges = []string{pb}
			port(pb, s.vifName)
			port(pb, portName(prefixPortPatch, s.id, patchNameLen))
			port(s.netBridge, portName(prefixIntPatch, s.id, patchNameLen))
		} else if s.createPort {
			port(s.netBridge, s.vifName)
		}
	case kindVHostUser:
		port(s.netBridge, portName(prefixVHostUser, s.id, nicNameLen))
	case kindHostDevice:
		if s.datapath != DatapathSystem {
			port(s.netBridge, portName(prefixDPDKRep, s.id, nicNameLen))
		}
	}
	return o
}

// Check implements plugin.Checker: it reads OVSDB and netlink and compares them with what Plug
// makes for vif: the bridge, each OVS port (bridge membership, Interface type, options,
// external_ids, mtu_request, ovs-vswitchd errors) and each device (kind, up, promisc, MTU,
// master, veth peer, multiqueue).
func (p *Plugin) Check(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) ([]plugin.Drift, error) {
	s, err := p.toSpec(vif, inst, true)
	if err != nil {
		return nil, err
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	vs, links, err := p.readers(ctx)
	if err != nil {
		return nil, err
	}
	c := &checker{vs: vs, links: links}
	ids := func(bridge string) map[string]string {
		trunk := ""
		if isTrunkBridge(bridge) {
			trunk = bridge
		}
		return externalIDs(s.interfaceID, s.mac, s.instanceUUID, trunk)
	}
	c.bridge(ctx, s.netBridge, "")
	switch s.kind {
	case kindBridge:
		qvb, qvo := vethNames(s.id)
		c.device(ctx, s.bridgeName, wantDev{kind: "bridge", up: true})
		c.device(ctx, qvb, wantDev{kind: "veth", up: true, promisc: true, mtu: s.mtu, master: s.bridgeName, peer: qvo})
		c.device(ctx, qvo, wantDev{kind: "veth", up: true, promisc: true, mtu: s.mtu, peer: qvb})
		c.port(ctx, s.netBridge, qvo, wantPort{ids: ids(s.netBridge), devError: true})
	case kindOpenVSwitch:
		if p.opts.PerPortBridge {
			pb := portName(prefixPortBridge, s.id, nicNameLen)
			pbp, ibp := portName(prefixPortPatch, s.id, patchNameLen), portName(prefixIntPatch, s.id, patchNameLen)
			c.bridge(ctx, pb, s.datapath)
			c.port(ctx, pb, s.vifName, wantPort{devError: s.createTap})
			c.port(ctx, pb, pbp, wantPort{typ: ifaceTypePatch, options: map[string]string{"peer": ibp}, devError: true})
			c.port(ctx, s.netBridge, ibp, wantPort{typ: ifaceTypePatch, options: map[string]string{"peer": pbp}, ids: ids(""), devError: true})
		} else if s.createPort {
			c.port(ctx, s.netBridge, s.vifName, wantPort{ids: ids(s.netBridge), devError: s.createTap})
		}
		if s.createTap {
			c.device(ctx, s.vifName, wantDev{kind: "tap", up: true, mtu: s.mtu, multiqueue: &s.multiqueue})
		} else if s.createPort || p.opts.PerPortBridge {
			c.deviceIfExists(ctx, s.vifName, wantDev{mtu: s.mtu}) // libvirt's tap, when there is one
		}
	case kindVHostUser:
		w := wantPort{typ: ifaceTypeVHostUser, ids: ids(s.netBridge), mtuRequest: s.mtu}
		if s.vhostMode != "client" {
			w.typ, w.options = ifaceTypeVHostUserClient, map[string]string{"vhost-server-path": s.vhostPath}
		}
		c.port(ctx, s.netBridge, portName(prefixVHostUser, s.id, nicNameLen), w)
	case kindHostDevice:
		if s.datapath != DatapathSystem {
			c.port(ctx, s.netBridge, portName(prefixDPDKRep, s.id, nicNameLen), wantPort{typ: ifaceTypeDPDK, ids: ids(s.netBridge)})
		} else {
			c.ifaceID(ctx, s.netBridge, s.interfaceID)
		}
	}
	if c.err != nil {
		return nil, fmt.Errorf("ovs: check VIF %s: %w", s.id, c.err)
	}
	return c.drift, nil
}

// checker accumulates drift; the first read error stops further reads.
type checker struct {
	vs    *vswitch.VSwitch
	links *netdev.Links
	drift []plugin.Drift
	err   error
}

func (c *checker) add(object, field, want, got string) {
	c.drift = append(c.drift, plugin.Drift{Object: object, Field: field, Want: want, Got: got})
}

func (c *checker) transact(ctx context.Context, ops ...ovsdb.Operation) []ovsdb.OperationResult {
	if c.err != nil {
		return nil
	}
	res, err := c.vs.Client().Transact(ctx, vswitch.DB, ops...)
	if err != nil {
		c.err = err
		return nil
	}
	return res
}

// bridge checks that the OVS bridge exists (and has datapath dp, when given).
func (c *checker) bridge(ctx context.Context, name, dp string) {
	res := c.transact(ctx, ovsdb.Select("Bridge", []ovsdb.Condition{ovsdb.Equal("name", name)}, "datapath_type"))
	if res == nil {
		return
	}
	obj := "ovs bridge " + name
	if len(res[0].Rows) == 0 {
		c.add(obj, "exists", "yes", "no")
		return
	}
	if dp != "" {
		got, _ := res[0].Rows[0].String("datapath_type")
		if got == "" {
			got = DatapathSystem
		}
		if got != dp {
			c.add(obj, "datapath_type", dp, got)
		}
	}
}

type wantPort struct {
	typ        string
	options    map[string]string
	ids        map[string]string
	mtuRequest int
	// devError: the plug made the interface's device, so an ovs-vswitchd error on the
	// interface is drift (for libvirt's tap, absent until the VM starts, it is not).
	devError bool
}

// port checks that port is a Port on bridge with an Interface of the same name as w wants.
func (c *checker) port(ctx context.Context, bridge, port string, w wantPort) {
	ifaceCols := []string{"_uuid", "type", "options", "external_ids", "error"}
	if w.mtuRequest > 0 {
		if ok, err := c.vs.HasColumn(ctx, "Interface", "mtu_request"); err != nil {
			c.err = err
			return
		} else if ok {
			ifaceCols = append(ifaceCols, "mtu_request")
		}
	}
	res := c.transact(ctx,
		ovsdb.Select("Port", []ovsdb.Condition{ovsdb.Equal("name", port)}, "_uuid"),
		// The Interface of the same name: os-vif's ports have one interface named like them.
		ovsdb.Select("Interface", []ovsdb.Condition{ovsdb.Equal("name", port)}, ifaceCols...))
	if res == nil {
		return
	}
	obj := "ovs port " + bridge + "/" + port
	if len(res[0].Rows) == 0 {
		c.add(obj, "exists", "yes", "no")
		return
	}
	// Which bridge has the port: a second, small round trip (reading the bridge's ports would
	// return every port of the bridge, for each VIF checked).
	pu, _ := res[0].Rows[0].UUID()
	br := c.transact(ctx, ovsdb.Select("Bridge", []ovsdb.Condition{ovsdb.Includes("ports", ovsdb.Set{pu})}, "name"))
	if br == nil {
		return
	}
	got := ""
	if len(br[0].Rows) > 0 {
		got, _ = br[0].Rows[0].String("name")
	}
	if got != bridge {
		c.add(obj, "bridge", bridge, got)
	}
	if len(res[1].Rows) == 0 {
		c.add("ovs interface "+port, "exists", "yes", "no")
		return
	}
	row := res[1].Rows[0]
	iobj := "ovs interface " + port
	if got, _ := row.String("type"); got != w.typ {
		c.add(iobj, "type", w.typ, got)
	}
	opts, _ := row.Map("options")
	for _, k := range slices.Sorted(maps.Keys(w.options)) {
		if opts[k] != w.options[k] {
			c.add(iobj, "options:"+k, w.options[k], opts[k])
		}
	}
	ids, _ := row.Map("external_ids")
	for _, k := range slices.Sorted(maps.Keys(w.ids)) {
		if ids[k] != w.ids[k] {
			c.add(iobj, "external_ids:"+k, w.ids[k], ids[k])
		}
	}
	if w.mtuRequest > 0 && row.Has("mtu_request") {
		if got, ok, _ := row.Int("mtu_request"); !ok || got != w.mtuRequest {
			g := ""
			if ok {
				g = strconv.Itoa(got)
			}
			c.add(iobj, "mtu_request", strconv.Itoa(w.mtuRequest), g)
		}
	}
	if e, _ := row.String("error"); e != "" && w.devError {
		c.add(iobj, "error", "", e)
	}
}

// ifaceID checks that some interface on the host carries external_ids:iface-id id.
func (c *checker) ifaceID(ctx context.Context, bridge, id string) {
	if c.err != nil {
		return
	}
	names, err := c.vs.PortsByIfaceID(ctx, id)
	if err != nil {
		c.err = err
		return
	}
	if len(names) == 0 {
		c.add("ovs interface with iface-id "+id+" on "+bridge, "exists", "yes", "no")
	}
}

type wantDev struct {
	kind       string
	up         bool
	promisc    bool
	mtu        int
	master     string
	peer       string
	multiqueue *bool
}

func (c *checker) device(ctx context.Context, name string, w wantDev) {
	c.dev(ctx, name, w, false)
}

func (c *checker) deviceIfExists(ctx context.Context, name string, w wantDev) {
	c.dev(ctx, name, w, true)
}

func (c *checker) dev(ctx context.Context, name string, w wantDev, optional bool) {
	if c.err != nil {
		return
	}
	obj := "device " + name
	l, err := c.links.Get(ctx, name)
	if netdev.IsNotFound(err) {
		if !optional {
			c.add(obj, "exists", "yes", "no")
		}
		return
	}
	if err != nil {
		c.err = err
		return
	}
	yn := func(b bool) string { return map[bool]string{true: "yes", false: "no"}[b] }
	if w.kind != "" && l.Kind != w.kind {
		c.add(obj, "kind", w.kind, l.Kind)
		return // the rest compares a different device
	}
	if w.up && !l.Up {
		c.add(obj, "up", "yes", "no")
	}
	if w.promisc && !l.Promisc {
		c.add(obj, "promisc", "yes", "no")
	}
	if w.mtu > 0 && l.MTU != w.mtu {
		c.add(obj, "mtu", strconv.Itoa(w.mtu), strconv.Itoa(l.MTU))
	}
	if w.master != "" && l.Master != w.master {
		c.add(obj, "master", w.master, l.Master)
	}
	if w.peer != "" && l.Peer != w.peer {
		c.add(obj, "peer", w.peer, l.Peer)
	}
	if w.multiqueue != nil && l.Multiqueue != *w.multiqueue {
		c.add(obj, "multiqueue", yn(*w.multiqueue), yn(l.Multiqueue))
	}
}
