// Command plugbench times govif's ovs plugin for scripts/bench-plug.sh: a cold one-shot plug,
// steady sequential plugs and unplugs, bulk PlugMany/UnplugMany, and the "floor" (the netlink
// calls and OVSDB transaction a plug needs, made directly through packages netdev and vswitch);
// and for scripts/bench-batch.sh the same bulk plugs and unplugs sent by concurrent clients to
// a running `govif serve` (modes daemon, daemon-concurrent, daemon-bulk).
// It runs in the caller's network namespace against the OVSDB at -db. Output: one JSON object.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/govif/govif/config"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/ovs"
	"github.com/govif/govif/vswitch"
)

func main() {
	db := flag.String("db", "", "OVSDB endpoint (unix:PATH)")
	mode := flag.String("mode", "steady", "cold | unplug1 | steady | bulk | bulk-inventory | floor | emit | daemon | daemon-concurrent | daemon-bulk")
	state := flag.String("state", "", "mode bulk-inventory: the inventory's state directory")
	server := flag.String("server", "", "modes daemon*: the govif daemon (unix:PATH)")
	clients := flag.Int("clients", 10, "modes daemon*: concurrent clients")
	warm := flag.Bool("warm", false, "mode bulk: plug and unplug one other VIF before timing (connect to OVSDB, look the bridge up), as a long-running service is warm")
	kind := flag.String("kind", "hybrid", "hybrid | ovs | ovs-tap (create_tap) | ovs-pb (per_port_bridge) | vhu (vhost-user)")
	n := flag.Int("n", 50, "number of VIFs")
	bridge := flag.String("bridge", "br-int", "integration bridge")
	dp := flag.String("dp", "netdev", "datapath_type")
	out := flag.String("out", "", "mode emit: write VIF #0 and its InstanceInfo as primitives to OUT.vif.json, OUT.instance.json")
	flag.BoolVar(&marks, "mark", false, "before every steady plug and unplug, stat /govif-mark/<op>-<i> (absent): a marker for an strace -f run to cut the trace per plug (scripts/count-plug.sh)")
	flag.Parse()
	if *mode == "emit" {
		if err := emit(*out, *kind, *bridge, *dp); err != nil {
			fmt.Fprintln(os.Stderr, "plugbench:", err)
			os.Exit(1)
		}
		return
	}
	if *mode == "daemon" || *mode == "daemon-concurrent" || *mode == "daemon-bulk" {
		res := result{Mode: *mode, Kind: *kind, N: *n}
		err := runDaemon(context.Background(), *mode, *server, *clients, vifs(*kind, *n, *bridge, *dp), &res)
		if err == nil {
			err = json.NewEncoder(os.Stdout).Encode(res)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "plugbench:", err)
			os.Exit(1)
		}
		return
	}
	if *mode == "bulk-inventory" {
		res := result{Mode: *mode, Kind: *kind, N: *n}
		all := vifs(*kind, *n+1, *bridge, *dp)
		err := runInventory(context.Background(), *db, *state, all[:*n], all[*n], &res)
		if err == nil {
			err = json.NewEncoder(os.Stdout).Encode(res)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "plugbench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*db, *mode, *kind, *n, *bridge, *dp, *warm); err != nil {
		fmt.Fprintln(os.Stderr, "plugbench:", err)
		os.Exit(1)
	}
}

// marks: mark before each steady plug/unplug (flag -mark).
var marks bool

// mark makes one recognisable system call (a stat of a path that does not exist) that an
// strace of the run uses to attribute the calls that follow to one plug or unplug.
func mark(op string, i int) {
	if marks {
		_, _ = os.Stat(fmt.Sprintf("/govif-mark/%s-%d", op, i))
	}
}

type vifReq struct {
	id, mac string
	vif     objects.VIF
}

func vifs(kind string, n int, bridge, dp string) []vifReq {
	out := make([]vifReq, n)
	for i := range out {
		id := fmt.Sprintf("%08x-0000-4000-8000-%012x", 0xc0000000+i, i)
		mac := net.HardwareAddr{0xfa, 0x16, 0x3e, byte(i >> 16), byte(i >> 8), byte(i)}
		prof := &objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(id), DatapathType: objects.Set(dp),
			CreatePort: objects.Set(true)}
		if kind == "ovs-tap" || kind == "ovs-pb" {
			prof.CreateTap = objects.Set(true)
		}
		b := objects.VIFBase{ID: objects.Set(id), Address: objects.Set(mac), Plugin: objects.Set("ovs"),
			Network:     objects.Set(&objects.Network{ID: objects.Set("net"), Bridge: objects.Set(bridge), MTU: objects.Set(1450)}),
			PortProfile: objects.Set[objects.PortProfile](prof)}
		var v objects.VIF
		switch kind {
		case "hybrid":
			v = &objects.VIFBridge{VIFBase: b, VIFName: objects.Set(("tap" + id)[:14]), BridgeName: objects.Set(("qbr" + id)[:14])}
		case "vhu":
			v = &objects.VIFVHostUser{VIFBase: b, VIFName: objects.Set(("vhu" + id)[:14]),
				Path: objects.Set(filepath.Join(os.TempDir(), "vhu"+id[:8])), Mode: objects.Set(objects.VIFVHostUserMode("client"))}
		default:
			v = &objects.VIFOpenVSwitch{VIFBase: b, VIFName: objects.Set(("tap" + id)[:14]), BridgeName: objects.Set(bridge)}
		}
		out[i] = vifReq{id: id, mac: mac.String(), vif: v}
	}
	return out
}

func inst() *objects.InstanceInfo {
	return &objects.InstanceInfo{UUID: objects.Set("5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d"), Name: objects.Set("instance-00000001")}
}

type result struct {
	Mode        string    `json:"mode"`
	Kind        string    `json:"kind"`
	N           int       `json:"n"`
	PlugTotal   float64   `json:"plug_total_s"`
	UnplugTotal float64   `json:"unplug_total_s"`
	Plug        []float64 `json:"plug_s,omitempty"`
	Unplug      []float64 `json:"unplug_s,omitempty"`
	PlugMedian  float64   `json:"plug_median_s,omitempty"`
	UnplugMed   float64   `json:"unplug_median_s,omitempty"`
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func run(db, mode, kind string, n int, bridge, dp string, warm bool) error {
	ctx := context.Background()
	res := result{Mode: mode, Kind: kind, N: n}
	reqs := vifs(kind, n, bridge, dp)
	if mode == "floor" {
		if err := floor(ctx, db, kind, reqs, bridge, &res); err != nil {
			return err
		}
	} else {
		cfg := config.Default()
		cfg.OVS.OVSDBConnection = db
		cfg.OVS.PerPortBridge = kind == "ovs-pb"
		f, _ := plugin.Lookup(ovs.Name)
		p, err := f(plugin.Env{Name: ovs.Name, Config: cfg})
		if err != nil {
			return err
		}
		defer p.(*ovs.Plugin).Close()
		switch mode {
		case "cold":
			// The process start-up is timed by the caller; plug one VIF and leave it plugged.
			return p.Plug(ctx, reqs[0].vif, inst())
		case "unplug1":
			return p.Unplug(ctx, reqs[0].vif, inst())
		case "steady":
			for i, r := range reqs {
				mark("plug", i)
				t := time.Now()
				if err := p.Plug(ctx, r.vif, inst()); err != nil {
					return err
				}
				res.Plug = append(res.Plug, time.Since(t).Seconds())
			}
			for i, r := range reqs {
				mark("unplug", i)
				t := time.Now()
				if err := p.Unplug(ctx, r.vif, inst()); err != nil {
					return err
				}
				res.Unplug = append(res.Unplug, time.Since(t).Seconds())
			}
		case "bulk":
			bp := p.(plugin.BulkPlugger)
			if warm {
				w := vifs(kind, n+1, bridge, dp)[n]
				if err := p.Plug(ctx, w.vif, inst()); err != nil {
					return fmt.Errorf("warm-up plug: %w", err)
				}
				if err := p.Unplug(ctx, w.vif, inst()); err != nil {
					return fmt.Errorf("warm-up unplug: %w", err)
				}
			}
			var prs []plugin.Request
			for _, r := range reqs {
				prs = append(prs, plugin.Request{VIF: r.vif, Instance: inst()})
			}
			t := time.Now()
			for i, err := range bp.PlugMany(ctx, prs) {
				if err != nil {
					return fmt.Errorf("plug %d: %w", i, err)
				}
			}
			res.PlugTotal = time.Since(t).Seconds()
			t = time.Now()
			for i, err := range bp.UnplugMany(ctx, prs) {
				if err != nil {
					return fmt.Errorf("unplug %d: %w", i, err)
				}
			}
			res.UnplugTotal = time.Since(t).Seconds()
		default:
			return fmt.Errorf("unknown mode %q", mode)
		}
	}
	if res.PlugTotal == 0 {
		for _, v := range res.Plug {
			res.PlugTotal += v
		}
		for _, v := range res.Unplug {
			res.UnplugTotal += v
		}
	}
	res.PlugMedian, res.UnplugMed = median(res.Plug), median(res.Unplug)
	res.Plug, res.Unplug = nil, nil
	return json.NewEncoder(os.Stdout).Encode(res)
}

// floor makes, per VIF, only the host changes a plug must make, directly through netdev and
// vswitch, with one OVSDB transaction that waits for ovs-vswitchd (as a plug does):
//   - hybrid: the qbr bridge, the veth pair in it (promiscuous), the transaction adding qvo;
//   - ovs: the transaction adding the tap's port (and the tap's MTU, set if the tap exists);
//   - ovs-tap: the tap (netdev.EnsureTap: MAC, MTU, up), the transaction adding its port;
//   - ovs-pb: the tap, ONE transaction creating pb<id> with the tap's port and the patch pair;
//   - vhu: the transaction adding the dpdkvhostuser port (VIF mode client).
//
// Unplug: the OVSDB deletion(s) and the device deletions.
func floor(ctx context.Context, db, kind string, reqs []vifReq, bridge string, res *result) error {
	v, err := vswitch.Open(ctx, db)
	if err != nil {
		return err
	}
	defer v.Close()
	l, err := netdev.New()
	if err != nil {
		return err
	}
	defer l.Close()
	zero := time.Duration(0)
	ids := func(r vifReq) map[string]string {
		return map[string]string{"iface-id": r.id, "iface-status": "active", "attached-mac": r.mac,
			"vm-uuid": "5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d"}
	}
	for i, r := range reqs {
		mark("plug", i)
		t := time.Now()
		tap := ("tap" + r.id)[:14]
		b := &vswitch.Batch{WaitApplied: true}
		switch kind {
		case "hybrid":
			qbr, qvb, qvo := ("qbr" + r.id)[:14], ("qvb" + r.id)[:14], ("qvo" + r.id)[:14]
			if err := l.EnsureBridgeWith(ctx, qbr, netdev.BridgeOptions{AgeingTime: &zero}); err != nil {
				return err
			}
			if err := l.CreateVethPair(ctx, qvb, qvo, 1450); err != nil {
				return err
			}
			if err := l.SetPromisc(ctx, qvb, true); err != nil {
				return err
			}
			if err := l.SetPromisc(ctx, qvo, true); err != nil {
				return err
			}
			if err := l.AddToBridge(ctx, qvb, qbr); err != nil {
				return err
			}
			b.AddPort(vswitch.PortSpec{Bridge: bridge, Name: qvo, ExternalIDs: ids(r)})
		case "ovs":
			b.AddPort(vswitch.PortSpec{Bridge: bridge, Name: tap, ExternalIDs: ids(r)})
		case "ovs-tap", "ovs-pb":
			mac, _ := net.ParseMAC(r.mac)
			if _, err := l.EnsureTap(ctx, tap, netdev.TapOptions{MAC: mac, MTU: 1450}); err != nil {
				return err
			}
			if kind == "ovs-tap" {
				b.AddPort(vswitch.PortSpec{Bridge: bridge, Name: tap, ExternalIDs: ids(r)})
				break
			}
			pb, pbp, ibp := ("pb" + r.id)[:14], ("pbp" + r.id)[:14], ("ibp" + r.id)[:14]
			b.CreateBridge(vswitch.BridgeSpec{Name: pb, DatapathType: "netdev"})
			b.AddPort(vswitch.PortSpec{Bridge: pb, Name: tap})
			b.AddPort(vswitch.PortSpec{Bridge: bridge, Name: ibp, Type: "patch", Options: map[string]string{"peer": pbp}, ExternalIDs: ids(r)})
			b.AddPort(vswitch.PortSpec{Bridge: pb, Name: pbp, Type: "patch", Options: map[string]string{"peer": ibp}})
		case "vhu":
			// mode client: OVS is the vhost-user server (type dpdkvhostuser), as the plug does.
			b.AddPort(vswitch.PortSpec{Bridge: bridge, Name: ("vhu" + r.id)[:14], Type: "dpdkvhostuser",
				MTURequest: 1450, ExternalIDs: ids(r)})
		default:
			return fmt.Errorf("floor: unknown kind %q", kind)
		}
		if err := v.Apply(ctx, b); err != nil {
			return err
		}
		if kind == "ovs" {
			// The plug sets the MTU of a tap that exists (os-vif: ip_lib.exists, then set):
			// one lookup, absent here.
			if err := l.SetMTU(ctx, tap, 1450); err != nil && !netdev.IsNotFound(err) {
				return err
			}
		}
		res.Plug = append(res.Plug, time.Since(t).Seconds())
	}
	for i, r := range reqs {
		mark("unplug", i)
		t := time.Now()
		tap := ("tap" + r.id)[:14]
		switch kind {
		case "hybrid":
			if err := l.Delete(ctx, ("qbr" + r.id)[:14]); err != nil {
				return err
			}
			qvo := ("qvo" + r.id)[:14]
			if err := v.DelPort(ctx, bridge, qvo); err != nil {
				return err
			}
			if err := l.Delete(ctx, qvo); err != nil {
				return err
			}
		case "ovs", "ovs-tap":
			if err := v.DelPort(ctx, bridge, tap); err != nil {
				return err
			}
			if err := l.Delete(ctx, tap); err != nil {
				return err
			}
		case "ovs-pb":
			if err := v.DelPort(ctx, bridge, ("ibp" + r.id)[:14]); err != nil {
				return err
			}
			if err := v.DelBridge(ctx, ("pb" + r.id)[:14]); err != nil {
				return err
			}
			if err := l.Delete(ctx, tap); err != nil {
				return err
			}
		case "vhu":
			if err := v.DelPort(ctx, bridge, ("vhu" + r.id)[:14]); err != nil {
				return err
			}
		}
		res.Unplug = append(res.Unplug, time.Since(t).Seconds())
	}
	return nil
}

// emit writes the wire primitives of VIF #0 and the instance, for timing the govif CLI.
func emit(out, kind, bridge, dp string) error {
	v := vifs(kind, 1, bridge, dp)[0].vif
	vb, err := objects.Encode(v)
	if err != nil {
		return err
	}
	ib, err := objects.Encode(inst())
	if err != nil {
		return err
	}
	if err := os.WriteFile(out+".vif.json", vb, 0o644); err != nil {
		return err
	}
	return os.WriteFile(out+".instance.json", ib, 0o644)
}
