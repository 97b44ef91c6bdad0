package ovs

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/policy"
)

// Ownership (docs/security.md, "Ownership"). os-vif derives a VIF's device and port names
// from the first 11 characters of its id (qbr/qvb/qvo/tap + id, cut to 14), so two VIF ids
// that share those characters name the same devices. Before a plug or unplug changes anything,
// checkOwnership makes sure that whatever already carries one of the VIF's derived names is
// this VIF's own:
//
//   - an OVS Interface of a derived name (qvo, the VIF's vif_name, vhu, ibp) that names a VIF
//     (external_ids:iface-id set) names this one (the port profile's interface_id, else the
//     VIF id) and, where both are set, carries its attached-mac;
//   - a device named like the VIF's tap (vif_name) that is not such an OVS port of its own is
//     not enslaved to a bridge other than the VIF's own qbr, and is either a tap/tun device
//     whose MAC is the VIF's address (govif's and os-vif's create_tap) or the address with the
//     first octet fe (the host side libvirt gives the tap it makes for the VIF), or the host
//     end of a veth whose peer is in another namespace (govif-cni's pods);
//   - qbr is a Linux bridge and qvb/qvo are veths; when no OVS port of the VIF's own exists,
//     every device enslaved to qbr is qvb or a tap of the VIF's own (same MAC rule).
//
// Anything else is a *NameConflictError: nothing is changed. The check needs a Switch and
// Links that can read (vswitchReader, linkReader: vswitch.Writer, VSwitchSwitch and
// NetdevLinks do); a Switch or Links that cannot (test fakes) skips its half.

// NameConflictError is a VIF whose derived names are carried by something that is not its
// own: another VIF's OVS port or tap (an id prefix collision), or a device of another kind.
// It is the caller's fault (the daemon answers 409 with rule name_conflict) and nothing was
// changed. errors.As finds a *policy.Violation with Code policy.CodeNameConflict in it.
type NameConflictError struct {
	VIF    string // the VIF's id
	Class  string // the VIF's class, e.g. "VIFBridge"
	Field  string // the field the name comes from: "id" (derived names) or "vif_name"
	Name   string // the device or port name
	Reason string // what carries the name, e.g. `OVS port with iface-id "…"`
}

func (e *NameConflictError) Error() string {
	return fmt.Sprintf("ovs: VIF %s: %s %q (from %s.%s) belongs to something else: %s", e.VIF, "name", e.Name, e.Class, e.Field, e.Reason)
}

// As lets errors.As find the *policy.Violation the daemon and the CLI map to a refusal.
func (e *NameConflictError) As(target any) bool {
	pv, ok := target.(**policy.Violation)
	if !ok {
		return false
	}
	*pv = &policy.Violation{Code: policy.CodeNameConflict, Field: e.Class + "." + e.Field, Value: e.Name,
		Rule: "the name derived for VIF " + e.VIF + " belongs to something else (" + e.Reason + ")"}
	return true
}

// linkReader is a Links that can describe devices.
type linkReader interface {
	// Link returns the device named name, or nil when there is none.
	Link(ctx context.Context, name string) (*netdev.Link, error)
	// Slaves returns the devices enslaved to master.
	Slaves(ctx context.Context, master string) ([]netdev.Link, error)
}

// interfaceExternalIDs returns the external_ids of the OVS Interfaces among names that exist
// (absent names are not in the map), in one OVSDB round trip. ok is false when the Switch
// cannot read (test fakes without vswitchReader).
func interfaceExternalIDs(ctx context.Context, sw Switch, names []string) (ids map[string]map[string]string, ok bool, err error) {
	r, ok := sw.(vswitchReader)
	if !ok {
		return nil, false, nil
	}
	out := map[string]map[string]string{}
	if len(names) == 0 {
		return out, true, nil
	}
	vs, err := r.VSwitch(ctx)
	if err != nil {
		return nil, true, err
	}
	ops := make([]ovsdb.Operation, 0, len(names))
	for _, n := range names {
		ops = append(ops, ovsdb.Select("Interface", []ovsdb.Condition{ovsdb.Equal("name", n)}, "name", "external_ids"))
	}
	res, err := vs.Client().Transact(ctx, "Open_vSwitch", ops...)
	if err != nil {
		return nil, true, fmt.Errorf("read the external_ids of %v: %w", names, err)
	}
	for _, r := range res {
		for _, row := range r.Rows {
			name, err := row.String("name")
			if err != nil {
				return nil, true, err
			}
			m, err := row.Map("external_ids")
			if err != nil {
				return nil, true, err
			}
			out[name] = m
		}
	}
	return out, true, nil
}

// Link implements linkReader.
func (n NetdevLinks) Link(ctx context.Context, name string) (*netdev.Link, error) {
	l, err := n.L.Get(ctx, name)
	if netdev.IsNotFound(err) {
		return nil, nil
	}
	return l, err
}

// Slaves implements linkReader.
func (n NetdevLinks) Slaves(ctx context.Context, master string) ([]netdev.Link, error) {
	all, err := n.L.ListLinks(ctx)
	if err != nil {
		return nil, err
	}
	var out []netdev.Link
	for _, l := range all {
		if l.Master == master {
			out = append(out, l)
		}
	}
	return out, nil
}

// vifLockKey is the key of the VIF lock plug and unplug take: the first 11 characters of the
// id, from which every name os-vif derives for a VIF comes (prefix + id, cut to 14). VIFs
// whose ids share them are serialised, so that the ownership check of one and the changes of
// the other cannot interleave.
func vifLockKey(id string) string { return portName("", id, nicNameLen-3) }

// checkOwnership refuses (a *NameConflictError) a plug or unplug whose derived names are
// carried by something that is not the VIF's own (see the rules at the top of this file).
func (o *op) checkOwnership(ctx context.Context) error {
	s := o.s
	field := map[string]string{} // OVS interface name -> field it derives from
	var names []string
	add := func(name, f string) {
		if name == "" {
			return
		}
		if _, dup := field[name]; !dup {
			field[name] = f
			names = append(names, name)
		}
	}
	qbr := portName(prefixHybridBridge, s.id, nicNameLen)
	qvb, qvo := vethNames(s.id)
	switch s.kind {
	case kindBridge, kindOpenVSwitch:
		add(qvo, "id")
		add(s.vifName, "vif_name")
		if s.kind == kindOpenVSwitch && o.c.opts.PerPortBridge {
			add(portName(prefixIntPatch, s.id, patchNameLen), "id")
		}
		if s.kind == kindBridge && s.bridgeName != "" {
			qbr = s.bridgeName
		}
	case kindVHostUser:
		add(portName(prefixVHostUser, s.id, nicNameLen), "id")
	default:
		return nil
	}
	own := map[string]bool{}
	found, canRead, err := interfaceExternalIDs(ctx, o.c.sw, names)
	if err != nil {
		return o.fail("read OVS interfaces", strings.Join(names, ","), err)
	}
	if canRead {
		for _, n := range names {
			ids, ok := found[n]
			if !ok {
				continue
			}
			if why := o.foreignIDs(ids); why != "" {
				return o.conflict(field[n], n, "OVS port "+why)
			}
			own[n] = true
		}
	}
	lr, ok := o.c.links.(linkReader)
	if !ok || s.kind == kindVHostUser {
		return nil
	}
	if s.vifName != "" && !own[s.vifName] {
		l, err := lr.Link(ctx, s.vifName)
		if err != nil {
			return o.fail("look up device", s.vifName, err)
		}
		if l != nil {
			if why := o.foreignTap(l, qbr); why != "" {
				return o.conflict("vif_name", s.vifName, why)
			}
		}
	}
	for _, d := range []struct{ name, kind string }{{qvb, "veth"}, {qvo, "veth"}, {qbr, "bridge"}} {
		l, err := lr.Link(ctx, d.name)
		if err != nil {
			return o.fail("look up device", d.name, err)
		}
		if l != nil && l.Kind != d.kind {
			return o.conflict(o.fieldOf(d.name, qbr), d.name, "a "+l.Kind+" device, not the "+d.kind+" govif makes")
		}
		if l == nil || d.name != qbr || own[qvo] {
			continue
		}
		// No OVS port of this VIF's own vouches for the bridge: what it carries must be ours.
		slaves, err := lr.Slaves(ctx, qbr)
		if err != nil {
			return o.fail("list devices of bridge", qbr, err)
		}
		for i := range slaves {
			sl := &slaves[i]
			if sl.Name == qvb && sl.Kind == "veth" {
				continue
			}
			if why := o.foreignTap(sl, qbr); why != "" {
				return o.conflict(o.fieldOf(qbr, qbr), qbr, "the bridge carries "+sl.Name+", "+why)
			}
		}
	}
	return nil
}

// fieldOf names the VIF field a derived device name comes from.
func (o *op) fieldOf(name, qbr string) string {
	if o.s.kind == kindBridge && name == qbr && o.s.bridgeName != "" {
		return "bridge_name"
	}
	return "id"
}

func (o *op) conflict(field, name, why string) error {
	return &NameConflictError{VIF: o.s.id, Class: o.s.kind.String(), Field: field, Name: name, Reason: why}
}

// foreignIDs says why an Interface's external_ids are not this VIF's, or "".
func (o *op) foreignIDs(ids map[string]string) string {
	want := o.s.interfaceID
	if want == "" {
		want = o.s.id
	}
	got, ok := ids["iface-id"]
	if !ok || got == "" {
		// A port that names no VIF (an operator's, or per_port_bridge's tap port on pb<id>)
		// is nobody's: os-vif's may-exist semantics apply to it.
		return ""
	}
	if got != want {
		return fmt.Sprintf("with iface-id %q (this VIF's is %q)", got, want)
	}
	if am := ids["attached-mac"]; am != "" && o.s.mac != "" && !sameMAC(am, o.s.mac) {
		return fmt.Sprintf("with attached-mac %s (this VIF's is %s)", am, o.s.mac)
	}
	return ""
}

// foreignTap says why l is not the VIF's own NIC device (its tap, or the host end of a veth
// whose other end is the guest's or the pod's NIC), or "".
func (o *op) foreignTap(l *netdev.Link, qbr string) string {
	if l.Master != "" && l.Master != qbr && l.Master != "ovs-system" {
		return "a " + l.Kind + " enslaved to " + l.Master
	}
	if l.Kind == "veth" {
		// The host end of a container's or a test VM's NIC: its MAC is random and the VIF's
		// address is on the other end, in another namespace. A veth whose peer is here is
		// not such a NIC.
		if l.Peer != "" {
			return "a veth whose peer " + l.Peer + " is on the host, not a guest's NIC"
		}
		return ""
	}
	if l.Kind != "tap" && l.Kind != "tun" {
		return "a " + l.Kind + " device, not a tap"
	}
	if o.s.mac == "" || l.MAC == nil {
		return ""
	}
	own, err := net.ParseMAC(o.s.mac)
	if err != nil || len(own) != len(l.MAC) {
		return ""
	}
	libvirt := append(net.HardwareAddr{0xfe}, own[1:]...)
	if sameMAC(l.MAC.String(), own.String()) || sameMAC(l.MAC.String(), libvirt.String()) {
		return ""
	}
	return fmt.Sprintf("a tap with MAC %s (this VIF's is %s, or %s as libvirt makes it)", l.MAC, own, libvirt)
}

func sameMAC(a, b string) bool {
	x, err1 := net.ParseMAC(a)
	y, err2 := net.ParseMAC(b)
	if err1 != nil || err2 != nil {
		return strings.EqualFold(a, b)
	}
	return x.String() == y.String()
}
