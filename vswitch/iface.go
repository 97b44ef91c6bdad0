package vswitch

import (
	"context"
	"fmt"
	"sort"

	"github.com/govif/govif/ovsdb"
)

// Interface is the part of an Interface row govif reads.
type Interface struct {
	UUID        ovsdb.UUID
	Name        string
	Type        string
	OFPort      int // 0 while unassigned; -1 when ovs-vswitchd failed to add it
	Error       string
	ExternalIDs map[string]string
	Options     map[string]string
	MTURequest  int // 0 when unset (or the schema has no such column)
}

var ifaceCols = []string{"_uuid", "name", "type", "ofport", "error", "external_ids", "options"}

func (v *VSwitch) ifaceColumns(ctx context.Context) ([]string, error) {
	mtu, err := v.HasColumn(ctx, "Interface", "mtu_request")
	if err != nil || !mtu {
		return ifaceCols, err
	}
	return append(append([]string{}, ifaceCols...), "mtu_request"), nil
}

func decodeInterface(r ovsdb.Row) (*Interface, error) {
	var i Interface
	var err error
	if i.UUID, err = r.UUID(); err != nil {
		return nil, err
	}
	if i.Name, err = r.String("name"); err != nil {
		return nil, err
	}
	if i.Type, err = r.String("type"); err != nil {
		return nil, err
	}
	if i.OFPort, _, err = r.Int("ofport"); err != nil {
		return nil, err
	}
	if i.Error, err = r.String("error"); err != nil {
		return nil, err
	}
	if i.ExternalIDs, err = r.Map("external_ids"); err != nil {
		return nil, err
	}
	if i.Options, err = r.Map("options"); err != nil {
		return nil, err
	}
	if r.Has("mtu_request") {
		if i.MTURequest, _, err = r.Int("mtu_request"); err != nil {
			return nil, err
		}
	}
	return &i, nil
}

// InterfaceByName returns interface name, or *NotFoundError.
func (v *VSwitch) InterfaceByName(ctx context.Context, name string) (*Interface, error) {
	cols, err := v.ifaceColumns(ctx)
	if err != nil {
		return nil, err
	}
	row, err := v.selectOne(ctx, "Interface", name, cols...)
	if err != nil {
		return nil, err
	}
	if row == nil {
		return nil, &NotFoundError{Table: "Interface", Name: name}
	}
	return decodeInterface(row)
}

// PortsByIfaceID returns the names of the interfaces whose external_ids:iface-id is ifaceID
// (normally one; more after a botched migration), sorted.
func (v *VSwitch) PortsByIfaceID(ctx context.Context, ifaceID string) ([]string, error) {
	res, err := v.transact(ctx, ovsdb.Select("Interface",
		[]ovsdb.Condition{ovsdb.Includes("external_ids", ovsdb.Map{"iface-id": ifaceID})}, "name"))
	if err != nil {
		return nil, fmt.Errorf("vswitch: find interfaces with iface-id %q: %w", ifaceID, err)
	}
	return names(res[0].Rows)
}

func names(rows []ovsdb.Row) ([]string, error) {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		n, err := r.String("name")
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}

// PortExists reports whether a Port named name exists (on any bridge).
func (v *VSwitch) PortExists(ctx context.Context, name string) (bool, error) {
	row, err := v.selectOne(ctx, "Port", name, "_uuid")
	return row != nil, err
}

// ListPorts returns the names of bridge's ports, sorted, without the bridge's own internal
// port (like "ovs-vsctl list-ports"). A missing bridge gives *BridgeNotFoundError.
func (v *VSwitch) ListPorts(ctx context.Context, bridge string) ([]string, error) {
	res, err := v.transact(ctx,
		ovsdb.Select("Bridge", byName(bridge), "ports"),
		ovsdb.Select("Port", nil, "_uuid", "name"))
	if err != nil {
		return nil, fmt.Errorf("vswitch: list ports of %q: %w", bridge, err)
	}
	if len(res[0].Rows) == 0 {
		return nil, &BridgeNotFoundError{Bridge: bridge}
	}
	ports, err := res[0].Rows[0].UUIDs("ports")
	if err != nil {
		return nil, err
	}
	on := make(map[ovsdb.UUID]bool, len(ports))
	for _, p := range ports {
		on[p] = true
	}
	var rows []ovsdb.Row
	for _, r := range res[1].Rows {
		u, err := r.UUID()
		if err != nil {
			return nil, err
		}
		if n, _ := r.String("name"); on[u] && n != bridge {
			rows = append(rows, r)
		}
	}
	return names(rows)
}

// InterfaceUpdate says which Interface columns SetInterface changes; nil/empty fields are left.
type InterfaceUpdate struct {
	Type        *string
	ExternalIDs map[string]string // merged key by key
	Options     map[string]string // merged key by key
	MTURequest  *int              // ignored when the schema has no mtu_request column
}

// SetInterface changes interface name in one transaction; a missing interface gives
// *NotFoundError and changes nothing.
func (v *VSwitch) SetInterface(ctx context.Context, name string, u InterfaceUpdate) error {
	if err := checkName("interface name", name); err != nil {
		return err
	}
	if u.MTURequest != nil && *u.MTURequest < 0 {
		return &InvalidArgumentError{"InterfaceUpdate.MTURequest", *u.MTURequest, "must not be negative"}
	}
	ops := []ovsdb.Operation{guardExists("Interface", byName(name))}
	set := map[string]any{}
	if u.Type != nil {
		set["type"] = *u.Type
	}
	if u.MTURequest != nil {
		ok, err := v.HasColumn(ctx, "Interface", "mtu_request")
		if err != nil {
			return err
		}
		if ok {
			set["mtu_request"] = ovsdb.Set{}
			if *u.MTURequest > 0 {
				set["mtu_request"] = *u.MTURequest
			}
		}
	}
	if len(set) > 0 {
		ops = append(ops, ovsdb.Update("Interface", byName(name), set))
	}
	muts := append(mergeMap("external_ids", u.ExternalIDs), mergeMap("options", u.Options)...)
	if len(muts) > 0 {
		ops = append(ops, ovsdb.Mutate("Interface", byName(name), muts...))
	}
	_, err := v.transact(ctx, ops...)
	if failedGuard(err) == 0 {
		return &NotFoundError{Table: "Interface", Name: name}
	}
	if err != nil {
		return fmt.Errorf("vswitch: set interface %q: %w", name, err)
	}
	return nil
}

// WaitInterface waits until ovs-vswitchd has attached interface name: it returns the ofport
// once assigned, or *InterfaceError when vswitchd recorded an error (or ofport -1). It waits
// for the interface to appear if it does not exist yet; ctx bounds the wait.
func (v *VSwitch) WaitInterface(ctx context.Context, name string) (int, error) {
	var ofport int
	var ierr error
	err := v.c.WaitFor(ctx, DB, "Interface", byName(name), []string{"ofport", "error"}, func(rows []ovsdb.Row) (bool, error) {
		if len(rows) == 0 {
			return false, nil
		}
		p, _, err := rows[0].Int("ofport")
		if err != nil {
			return false, err
		}
		msg, err := rows[0].String("error")
		if err != nil {
			return false, err
		}
		switch {
		case msg != "":
			ierr = &InterfaceError{Interface: name, Err: msg}
		case p == -1:
			ierr = &InterfaceError{Interface: name, Err: "ofport -1"}
		case p > 0:
			ofport = p
		default:
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return 0, fmt.Errorf("vswitch: wait for interface %q: %w", name, err)
	}
	return ofport, ierr
}

// PortOnBridge reports whether a Port named port is on bridge (false when either is missing).
func (v *VSwitch) PortOnBridge(ctx context.Context, bridge, port string) (bool, error) {
	res, err := v.transact(ctx,
		ovsdb.Select("Port", byName(port), "_uuid"),
		ovsdb.Select("Bridge", byName(bridge), "ports"))
	if err != nil {
		return false, fmt.Errorf("vswitch: is port %q on bridge %q: %w", port, bridge, err)
	}
	if len(res[0].Rows) == 0 || len(res[1].Rows) == 0 {
		return false, nil
	}
	p, err := res[0].Rows[0].UUID()
	if err != nil {
		return false, err
	}
	ports, err := res[1].Rows[0].UUIDs("ports")
	if err != nil {
		return false, err
	}
	for _, u := range ports {
		if u == p {
			return true, nil
		}
	}
	return false, nil
}
