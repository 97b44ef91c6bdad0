package ovs

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/vswitch"
)

// Garbage collection (plugin.Collector): the plumbing os-vif's ovs plugin makes is recognisable
// by name (qbr/qvb/qvo<id>, tap<id>, pb<id>) or by the external_ids it writes (iface-id on
// the Interface, id/_type on the QoS row). What Keep does not account for is stale.

// truncID matches a Neutron port id cut to 11 or 12 characters, as in qvo0123abcd-ef.
var truncID = `[0-9a-f]{8}-[0-9a-f]{2,3}`

// stalePatterns are the device names the plugin (or libvirt, for tap) makes per VIF, with
// the device kind they must have to be taken for os-vif plumbing.
var stalePatterns = []struct {
	prefix string
	re     *regexp.Regexp
	kinds  []string
}{
	{prefixHybridBridge, regexp.MustCompile(`^qbr` + truncID + `$`), []string{"bridge"}},
	{prefixVethBridge, regexp.MustCompile(`^qvb` + truncID + `$`), []string{"veth"}},
	{prefixVethOVS, regexp.MustCompile(`^qvo` + truncID + `$`), []string{"veth"}},
	{"tap", regexp.MustCompile(`^tap` + truncID + `$`), []string{"tap", "tun"}},
}

var perPortBridgeRE = regexp.MustCompile(`^pb` + truncID + `$`)

// ovsSnapshot is the part of the Open_vSwitch database garbage collection reads, in one
// transaction.
type ovsSnapshot struct {
	bridgeOf map[ovsdb.UUID]string // port uuid -> bridge name
	bridges  []string
	ports    []snapPort
	qos      []snapQoS
}

type snapPort struct {
	name    string
	bridge  string
	ifaceID string // external_ids:iface-id of its interface named like it
}

type snapQoS struct {
	uuid       ovsdb.UUID
	id, typ    string
	referenced bool
}

func readSnapshot(ctx context.Context, vs *vswitch.VSwitch) (*ovsSnapshot, error) {
	res, err := vs.Client().Transact(ctx, vswitch.DB,
		ovsdb.Select("Bridge", nil, "name", "ports"),
		ovsdb.Select("Port", nil, "_uuid", "name", "qos"),
		ovsdb.Select("Interface", nil, "name", "external_ids"),
		ovsdb.Select("QoS", nil, "_uuid", "external_ids"))
	if err != nil {
		return nil, fmt.Errorf("read the Open_vSwitch database: %w", err)
	}
	s := &ovsSnapshot{bridgeOf: map[ovsdb.UUID]string{}}
	for _, r := range res[0].Rows {
		name, _ := r.String("name")
		s.bridges = append(s.bridges, name)
		ports, _ := r.UUIDs("ports")
		for _, p := range ports {
			s.bridgeOf[p] = name
		}
	}
	ifaceIDs := map[string]string{}
	for _, r := range res[2].Rows {
		name, _ := r.String("name")
		ids, _ := r.Map("external_ids")
		ifaceIDs[name] = ids["iface-id"]
	}
	refd := map[ovsdb.UUID]bool{}
	for _, r := range res[1].Rows {
		u, _ := r.UUID()
		name, _ := r.String("name")
		s.ports = append(s.ports, snapPort{name: name, bridge: s.bridgeOf[u], ifaceID: ifaceIDs[name]})
		qos, _ := r.UUIDs("qos")
		for _, q := range qos {
			refd[q] = true
		}
	}
	for _, r := range res[3].Rows {
		u, _ := r.UUID()
		ids, _ := r.Map("external_ids")
		s.qos = append(s.qos, snapQoS{uuid: u, id: ids["id"], typ: ids["_type"], referenced: refd[u]})
	}
	return s, nil
}

// Stale implements plugin.Collector: OVS ports whose interface carries an iface-id, per-port
// bridges, qbr/qvb/qvo/tap devices and unreferenced os-vif QoS rows that keep does not account
// for.
func (p *Plugin) Stale(ctx context.Context, keep plugin.Keep) ([]plugin.Stale, error) {
	vs, links, err := p.readers(ctx)
	if err != nil {
		return nil, err
	}
	snap, err := readSnapshot(ctx, vs)
	if err != nil {
		return nil, err
	}
	var out []plugin.Stale
	for _, pt := range snap.ports {
		if pt.ifaceID == "" || keep.IDs[pt.ifaceID] || keep.Names[pt.name] {
			continue
		}
		out = append(out, plugin.Stale{Kind: "ovs-port", Name: pt.name, Bridge: pt.bridge, IfaceID: pt.ifaceID,
			Reason: "interface has external_ids:iface-id " + pt.ifaceID})
	}
	for _, b := range snap.bridges {
		if perPortBridgeRE.MatchString(b) && !keep.KeepsName(prefixPortBridge, b) {
			out = append(out, plugin.Stale{Kind: "ovs-bridge", Name: b, Reason: "per-port bridge name pb<id>"})
		}
	}
	for _, q := range snap.qos {
		if q.referenced || q.id == "" || q.typ == "" || keep.Names[q.id] {
			continue
		}
		out = append(out, plugin.Stale{Kind: "qos", Name: string(q.uuid),
			Reason: fmt.Sprintf("QoS row of port %s (external_ids id and _type) no port uses", q.id)})
	}
	all, err := links.ListLinks(ctx)
	if err != nil {
		return nil, err
	}
	for _, l := range all {
		for _, pat := range stalePatterns {
			if !pat.re.MatchString(l.Name) {
				continue
			}
			kindOK := false
			for _, k := range pat.kinds {
				kindOK = kindOK || l.Kind == k
			}
			if kindOK && !keep.KeepsName(pat.prefix, l.Name) {
				out = append(out, plugin.Stale{Kind: "device", Name: l.Name,
					Reason: fmt.Sprintf("%s device named %s<id>", l.Kind, pat.prefix)})
			}
		}
	}
	return out, nil
}

// RemoveStale implements plugin.Collector. It reads the host again and removes each listed
// object only if it is still stale: OVS ports first (with their QoS rows), then per-port
// bridges, devices and the remaining QoS rows.
func (p *Plugin) RemoveStale(ctx context.Context, stale []plugin.Stale, keep plugin.Keep) error {
	now, err := p.Stale(ctx, keep)
	if err != nil {
		return err
	}
	still := map[string]plugin.Stale{}
	for _, s := range now {
		still[s.Kind+" "+s.Name] = s
	}
	vs, links, err := p.readers(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, kind := range []string{"ovs-port", "ovs-bridge", "device", "qos"} {
		for _, s := range stale {
			cur, ok := still[s.Kind+" "+s.Name]
			if s.Kind != kind || !ok {
				continue
			}
			var err error
			switch kind {
			case "ovs-port":
				err = vs.DelPort(ctx, cur.Bridge, cur.Name)
			case "ovs-bridge":
				err = vs.DelBridge(ctx, cur.Name)
			case "device":
				err = links.Delete(ctx, cur.Name)
			case "qos":
				_, err = vs.Client().Transact(ctx, vswitch.DB,
					ovsdb.Delete("QoS", ovsdb.Equal("_uuid", ovsdb.UUID(cur.Name))))
				if err != nil && strings.Contains(err.Error(), "referential integrity") {
					err = nil // a port took it meanwhile: not stale any more
				}
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("remove %s %s: %w", kind, s.Name, err))
			}
		}
	}
	return errors.Join(errs...)
}
