// Command cnibench times pod ADD+DEL for scripts/bench-cni.sh: govif-cni (config mode with
// host-local IPAM, and VIF mode with the address in the VIF), the same work done by `ip` and
// `ovs-vsctl` commands (what shell-based CNI plugins pay), and the floor (the netlink calls and
// one OVSDB transaction per pod, made in-process), all against ONE private OVS sandbox
// (ovsdb-server + ovs-vswitchd, userspace datapath, br-int) that it starts and stops.
//
// Every implementation does, per pod: a veth pair, one end in the pod's (pre-made, named)
// network namespace as eth0 with MAC, MTU 1400, an IPv4 address and link up; the other end up
// with MTU 1400, an OVS port on br-int with os-vif's external_ids, waiting for ovs-vswitchd to
// apply it (as ovs-vsctl without --no-wait and govif do); and the reverse on DEL.
//
// Output: a markdown table on stdout (medians over -rounds interleaved rounds).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/govif/govif"
	"github.com/govif/govif/config"
	"github.com/govif/govif/daemon"
	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugins/ovs"
	"github.com/govif/govif/vswitch"
)

func main() {
	bin := flag.String("bin", "", "directory holding govif-cni and host-local")
	n := flag.Int("n", 100, "pods per run")
	rounds := flag.Int("rounds", 3, "interleaved rounds (medians are printed)")
	conc := flag.String("c", "1,10", "concurrency levels")
	only := flag.String("only", "", "run only the implementations whose name contains this (ratios need all)")
	flag.Parse()
	if err := run(*bin, *n, *rounds, strings.Split(*conc, ","), *only); err != nil {
		fmt.Fprintln(os.Stderr, "cnibench:", err)
		os.Exit(1)
	}
}

type pod struct {
	i      int
	nsName string
	nsPath string
	host   string // host end
	mac    string
	ip     string // CIDR
	cid    string
	vif    json.RawMessage
}

type bench struct {
	sock  string // the govif daemon's socket
	ovs   *sandbox.OVS
	bin   string
	dir   string
	pods  []*pod
	vs    *vswitch.VSwitch
	hostH *netlink.Handle
}

type impl struct {
	name string
	add  func(ctx context.Context, p *pod) error
	del  func(ctx context.Context, p *pod) error
}

func run(bin string, n, rounds int, concs []string, only string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if bin == "" {
		return errors.New("-bin is required")
	}
	dir, err := os.MkdirTemp("", "govif-cnibench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	o, err := sandbox.StartOVS(ctx, sandbox.Options{VSwitchd: true})
	if err != nil {
		return err
	}
	defer o.Close()
	b := &bench{ovs: o, bin: bin, dir: dir}
	if b.vs, err = vswitch.Open(ctx, o.Endpoint()); err != nil {
		return err
	}
	defer b.vs.Close()
	if err := b.vs.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		return err
	}
	if b.hostH, err = netlink.NewHandleAt(o.NetNS().Handle()); err != nil {
		return err
	}
	defer b.hostH.Close()
	tag := fmt.Sprintf("cnib%d", os.Getpid())
	for i := 0; i < n; i++ {
		p := &pod{i: i, nsName: fmt.Sprintf("%s-%d", tag, i), host: fmt.Sprintf("vb%05x%04d", os.Getpid()&0xfffff, i),
			mac: fmt.Sprintf("0a:58:0a:4d:%02x:%02x", i>>8, i&0xff), ip: fmt.Sprintf("10.77.%d.%d/16", (i+10)>>8, (i+10)&0xff),
			cid: fmt.Sprintf("%s-ctr-%d", tag, i)}
		p.nsPath = "/run/netns/" + p.nsName
		if out, err := exec.CommandContext(ctx, "ip", "netns", "add", p.nsName).CombinedOutput(); err != nil {
			return fmt.Errorf("ip netns add: %v: %s", err, out)
		}
		b.pods = append(b.pods, p)
	}
	defer func() {
		for _, p := range b.pods {
			_ = exec.Command("ip", "netns", "del", p.nsName).Run()
		}
	}()
	if err := b.makeVIFs(); err != nil {
		return err
	}
	stop, err := b.startDaemon(ctx)
	if err != nil {
		return err
	}
	defer stop()
	impls := []impl{
		{"govif-cni (config mode, host-local IPAM)", b.cniAdd(false), b.cniDel(false)},
		{"govif-cni (VIF mode, address in the VIF)", b.cniAdd(true), b.cniDel(true)},
		{"govif-cni (VIF mode, through govif serve)", b.cniAddServer, b.cniDelServer},
		{"ip + ovs-vsctl commands", b.shellAdd, b.shellDel},
		{"floor (netlink + 1 OVSDB txn)", b.floorAdd, b.floorDel},
	}
	type key struct{ impl, conc string }
	times := map[key][]time.Duration{}
	for r := 0; r < rounds; r++ {
		for _, c := range concs {
			var cn int
			fmt.Sscan(c, &cn)
			for _, im := range impls {
				if !strings.Contains(im.name, only) {
					continue
				}
				d, err := b.once(ctx, im, cn)
				if err != nil {
					return fmt.Errorf("%s, %d at a time: %w", im.name, cn, err)
				}
				times[key{im.name, c}] = append(times[key{im.name, c}], d)
				fmt.Fprintf(os.Stderr, "round %d  %-42s c=%-3s %8.2f s\n", r+1, im.name, c, d.Seconds())
			}
		}
	}
	fmt.Printf("\n%d pods ADD then DEL, median of %d rounds, one OVS sandbox (userspace datapath)\n\n", n, rounds)
	fmt.Println("| implementation | at a time | total | per pod (ADD+DEL) | vs govif-cni (VIF mode) | vs floor |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, c := range concs {
		ref := median(times[key{impls[1].name, c}])
		floor := median(times[key{impls[len(impls)-1].name, c}])
		for _, im := range impls {
			if len(times[key{im.name, c}]) == 0 {
				continue
			}
			m := median(times[key{im.name, c}])
			fmt.Printf("| %s | %s | %.2f s | %.1f ms | %s | %s |\n", im.name, c, m.Seconds(),
				float64(m.Microseconds())/1000/float64(n), ratio(m, ref), ratio(m, floor))
		}
	}
	return nil
}

func ratio(a, b time.Duration) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a.Seconds()/b.Seconds())
}

// median is the middle value (0 for none).
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// once times ADD of every pod then DEL of every pod, c at a time, and checks nothing is left.
func (b *bench) once(ctx context.Context, im impl, c int) (time.Duration, error) {
	start := time.Now()
	for i, op := range []func(context.Context, *pod) error{im.add, im.del} {
		ps := time.Now()
		if err := parallel(ctx, b.pods, c, op); err != nil {
			return 0, err
		}
		fmt.Fprintf(os.Stderr, "  %s %s: %.2f s\n", im.name, []string{"ADD", "DEL"}[i], time.Since(ps).Seconds())
	}
	d := time.Since(start)
	ports, err := b.vs.ListPorts(ctx, "br-int")
	if err != nil || len(ports) != 0 {
		return 0, fmt.Errorf("after DEL: ports %v (%v)", ports, err)
	}
	return d, nil
}

func parallel(ctx context.Context, pods []*pod, c int, f func(context.Context, *pod) error) error {
	ch := make(chan *pod)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range ch {
				if err := f(ctx, p); err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("pod %d: %w", p.i, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, p := range pods {
		ch <- p
	}
	close(ch)
	wg.Wait()
	return first
}

// inHost runs argv in the sandbox's namespace (the pods' "host").
func (b *bench) inHost(ctx context.Context, stdin []byte, env []string, argv ...string) ([]byte, error) {
	var out []byte
	err := sandbox.Do(b.ovs.NetNS().Handle(), func() error {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Env = env
		if stdin != nil {
			cmd.Stdin = strings.NewReader(string(stdin))
		}
		var err error
		out, err = cmd.Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return fmt.Errorf("%s: %v: %s%s", argv[0], err, out, ee.Stderr)
			}
		}
		return err
	})
	return out, err
}

// --- govif-cni ---

func (b *bench) makeVIFs() error {
	for _, p := range b.pods {
		id := fmt.Sprintf("%08x-0000-4000-8000-%012x", 0xb0000000+p.i, p.i)
		mac, _ := net.ParseMAC(p.mac)
		pfx := netip.MustParsePrefix(p.ip)
		fips := &objects.FixedIPList{Objects: objects.Set([]*objects.FixedIP{{Address: objects.Set(pfx.Addr())}})}
		sub := &objects.Subnet{CIDR: objects.Set(pfx.Masked()), IPs: objects.Set(fips)}
		v := &objects.VIFOpenVSwitch{VIFName: objects.Set(p.host)}
		v.ID, v.Address, v.Plugin = objects.Set(id), objects.Set(mac), objects.Set("ovs")
		v.Network = objects.Set(&objects.Network{ID: objects.Set("net"), Bridge: objects.Set("br-int"), MTU: objects.Set(1400),
			Subnets: objects.Set(&objects.SubnetList{Objects: objects.Set([]*objects.Subnet{sub})})})
		v.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(id),
			DatapathType: objects.Set("netdev"), CreatePort: objects.Set(true)})
		var err error
		if p.vif, err = objects.Encode(v); err != nil {
			return err
		}
	}
	return nil
}

// startDaemon runs a govif daemon (daemon.Server over a Host whose ovs plugin works in the
// sandbox) on a socket in the bench's temp dir, as `govif serve` would.
func (b *bench) startDaemon(ctx context.Context) (func(), error) {
	cfg := config.Default()
	cfg.OVS.OVSDBConnection = b.ovs.Endpoint()
	links, err := netdev.New(netdev.InNamespace(b.ovs.NetNS().Handle()))
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.DiscardHandler)
	op := ovs.New(&ovs.VSwitchSwitch{V: b.vs, WaitApplied: true}, ovs.NetdevLinks{L: links}, ovs.OptionsFrom(cfg.OVS), log)
	host, err := govif.NewHost(ctx, cfg, govif.WithPlugin(ovs.Name, op), govif.WithoutExecPlugins(), govif.WithLogger(log))
	if err != nil {
		links.Close()
		return nil, err
	}
	b.sock = filepath.Join(b.dir, "govif.sock")
	ln, err := daemon.ListenUnix(b.sock, 0o600, -1)
	if err != nil {
		host.Close()
		links.Close()
		return nil, err
	}
	srv := daemon.NewServer(host, daemon.Options{Logger: log, Access: daemon.AccessPolicy{UIDs: []uint32{uint32(os.Geteuid())}}})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	return func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(c)
		<-done
		host.Close()
		links.Close()
	}, nil
}

func (b *bench) cniAddServer(ctx context.Context, p *pod) error {
	_, err := b.inHost(ctx, b.confWith(p, true, b.sock), b.cniEnv("ADD", p), filepath.Join(b.bin, "govif-cni"))
	return err
}

func (b *bench) cniDelServer(ctx context.Context, p *pod) error {
	_, err := b.inHost(ctx, b.confWith(p, true, b.sock), b.cniEnv("DEL", p), filepath.Join(b.bin, "govif-cni"))
	return err
}

func (b *bench) conf(p *pod, vifMode bool) []byte { return b.confWith(p, vifMode, "") }

func (b *bench) confWith(p *pod, vifMode bool, sock string) []byte {
	m := map[string]any{"cniVersion": "1.1.0", "name": "benchnet", "type": "govif-cni", "bridge": "br-int",
		"ovsdb": b.ovs.Endpoint(), "mtu": 1400, "datapathType": "netdev", "stateDir": filepath.Join(b.dir, "state")}
	if sock != "" {
		m["server"] = "unix:" + sock
	}
	if vifMode {
		m["runtimeConfig"] = map[string]any{"vif": p.vif}
	} else {
		m["ipam"] = map[string]any{"type": "host-local", "dataDir": filepath.Join(b.dir, "ipam"),
			"ranges": [][]map[string]string{{{"subnet": "10.77.0.0/16"}}}}
	}
	out, _ := json.Marshal(m)
	return out
}

func (b *bench) cniEnv(cmd string, p *pod) []string {
	return []string{"CNI_COMMAND=" + cmd, "CNI_CONTAINERID=" + p.cid, "CNI_NETNS=" + p.nsPath, "CNI_IFNAME=eth0",
		"CNI_PATH=" + b.bin, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
}

func (b *bench) cniAdd(vifMode bool) func(context.Context, *pod) error {
	return func(ctx context.Context, p *pod) error {
		_, err := b.inHost(ctx, b.conf(p, vifMode), b.cniEnv("ADD", p), filepath.Join(b.bin, "govif-cni"))
		return err
	}
}

func (b *bench) cniDel(vifMode bool) func(context.Context, *pod) error {
	return func(ctx context.Context, p *pod) error {
		_, err := b.inHost(ctx, b.conf(p, vifMode), b.cniEnv("DEL", p), filepath.Join(b.bin, "govif-cni"))
		return err
	}
}

// --- ip + ovs-vsctl ---

func (b *bench) shellAdd(ctx context.Context, p *pod) error {
	env := []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	id := fmt.Sprintf("%08x-0000-4000-8000-%012x", 0xb0000000+p.i, p.i)
	for _, argv := range [][]string{
		{"ip", "link", "add", p.host, "mtu", "1400", "type", "veth", "peer", "name", "eth0", "mtu", "1400", "address", p.mac, "netns", p.nsName},
		{"ip", "-n", p.nsName, "addr", "add", p.ip, "dev", "eth0"},
		{"ip", "-n", p.nsName, "link", "set", "eth0", "up"},
		{"ip", "link", "set", p.host, "up"},
		{"ovs-vsctl", "--db=" + b.ovs.Endpoint(), "--timeout=60", "add-port", "br-int", p.host, "--", "set", "Interface", p.host,
			"external_ids:iface-id=" + id, "external_ids:attached-mac=" + p.mac, "external_ids:iface-status=active", "external_ids:vm-uuid=" + id},
	} {
		if _, err := b.inHost(ctx, nil, env, argv...); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) shellDel(ctx context.Context, p *pod) error {
	env := []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	for _, argv := range [][]string{
		{"ovs-vsctl", "--db=" + b.ovs.Endpoint(), "--timeout=60", "--if-exists", "del-port", "br-int", p.host},
		{"ip", "-n", p.nsName, "link", "del", "eth0"},
	} {
		if _, err := b.inHost(ctx, nil, env, argv...); err != nil {
			return err
		}
	}
	return nil
}

// --- floor: netlink calls + one OVSDB transaction (and the wait for ovs-vswitchd) ---

func (b *bench) floorAdd(ctx context.Context, p *pod) error {
	pns, err := netns.GetFromPath(p.nsPath)
	if err != nil {
		return err
	}
	defer pns.Close()
	mac, _ := net.ParseMAC(p.mac)
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: p.host, MTU: 1400}, PeerName: "eth0",
		PeerHardwareAddr: mac, PeerNamespace: netlink.NsFd(int(pns))}
	if err := b.hostH.LinkAdd(veth); err != nil {
		return err
	}
	ph, err := netlink.NewHandleAt(pns)
	if err != nil {
		return err
	}
	defer ph.Close()
	l, err := ph.LinkByName("eth0")
	if err != nil {
		return err
	}
	if err := ph.LinkSetMTU(l, 1400); err != nil {
		return err
	}
	a, _ := netlink.ParseAddr(p.ip)
	if err := ph.AddrAdd(l, a); err != nil {
		return err
	}
	if err := ph.LinkSetUp(l); err != nil {
		return err
	}
	if err := b.hostH.LinkSetUp(veth); err != nil {
		return err
	}
	id := fmt.Sprintf("%08x-0000-4000-8000-%012x", 0xb0000000+p.i, p.i)
	if err := b.vs.AddPort(ctx, vswitch.PortSpec{Bridge: "br-int", Name: p.host, ExternalIDs: map[string]string{
		"iface-id": id, "attached-mac": p.mac, "iface-status": "active", "vm-uuid": id}}); err != nil {
		return err
	}
	return b.vs.WaitApplied(ctx)
}

func (b *bench) floorDel(ctx context.Context, p *pod) error {
	if err := b.vs.DelPort(ctx, "br-int", p.host); err != nil {
		return err
	}
	pns, err := netns.GetFromPath(p.nsPath)
	if err != nil {
		return err
	}
	defer pns.Close()
	ph, err := netlink.NewHandleAt(pns)
	if err != nil {
		return err
	}
	defer ph.Close()
	l, err := ph.LinkByName("eth0")
	if err != nil {
		return err
	}
	return ph.LinkDel(l)
}
