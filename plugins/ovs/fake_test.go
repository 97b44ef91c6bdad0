package ovs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// fakeSwitch is an in-memory Open_vSwitch for unit tests of the plugin's logic.
type fakeSwitch struct {
	mu      sync.Mutex
	bridges map[string]*fakeBridge
	qos     map[string]string // QoSID(port) -> type
	fail    map[string]error  // "Method arg" -> error to return
	calls   []string
	ifErr   map[string]string // interface -> ovs-vswitchd error
}

type fakeBridge struct {
	datapath string
	ports    map[string]Port
}

// DatapathConflictError mimics the vswitch conflict error in unit tests.
type fakeConflict struct{ bridge, have, want string }

func (e *fakeConflict) Error() string {
	return fmt.Sprintf("bridge %s has datapath_type %s, want %s", e.bridge, e.have, e.want)
}

func newFakeSwitch() *fakeSwitch {
	return &fakeSwitch{bridges: map[string]*fakeBridge{}, qos: map[string]string{}, fail: map[string]error{}}
}

func (f *fakeSwitch) hit(call string) error {
	f.calls = append(f.calls, call)
	return f.fail[call]
}

func (f *fakeSwitch) EnsureBridge(_ context.Context, b BridgeSpec) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("EnsureBridge " + b.Name); err != nil {
		return false, err
	}
	if br, ok := f.bridges[b.Name]; ok {
		if b.Strict && br.datapath != b.Datapath {
			return false, &fakeConflict{b.Name, br.datapath, b.Datapath}
		}
		return false, nil
	}
	f.bridges[b.Name] = &fakeBridge{datapath: b.Datapath, ports: map[string]Port{b.Name: {Bridge: b.Name, Name: b.Name, Type: "internal"}}}
	return true, nil
}

func (f *fakeSwitch) PortExists(_ context.Context, bridge, port string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("PortExists " + port); err != nil {
		return false, err
	}
	br, ok := f.bridges[bridge]
	if !ok {
		return false, nil
	}
	_, ok = br.ports[port]
	return ok, nil
}

func (f *fakeSwitch) AddPorts(_ context.Context, ports ...Port) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range ports {
		if err := f.hit("AddPorts " + p.Name); err != nil {
			return err
		}
		if _, ok := f.bridges[p.Bridge]; !ok {
			return fmt.Errorf("no bridge named %s", p.Bridge)
		}
	}
	for _, p := range ports {
		br := f.bridges[p.Bridge]
		old, ok := br.ports[p.Name]
		if ok {
			// may-exist: merge external_ids/options, keep tag/qos.
			if old.ExternalIDs == nil {
				old.ExternalIDs = map[string]string{}
			}
			maps.Copy(old.ExternalIDs, p.ExternalIDs)
			if p.Options != nil {
				old.Options = p.Options
			}
			old.Type, old.MTURequest = p.Type, p.MTURequest
			br.ports[p.Name] = old
			continue
		}
		if p.QoSType != "" {
			f.qos[QoSID(p.Name)] = p.QoSType
		}
		br.ports[p.Name] = p
	}
	return nil
}

func (f *fakeSwitch) DelPort(_ context.Context, bridge, port string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("DelPort " + port); err != nil {
		return err
	}
	if br, ok := f.bridges[bridge]; ok {
		delete(br.ports, port)
	}
	delete(f.qos, QoSID(port))
	return nil
}

func (f *fakeSwitch) DelBridge(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("DelBridge " + name); err != nil {
		return err
	}
	if br, ok := f.bridges[name]; ok {
		for p := range br.ports {
			delete(f.qos, QoSID(p))
		}
	}
	delete(f.bridges, name)
	return nil
}

func (f *fakeSwitch) Sync(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hit("Sync")
}

func (f *fakeSwitch) InterfaceError(_ context.Context, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("InterfaceError " + name); err != nil {
		return "", err
	}
	return f.ifErr[name], nil
}

func (f *fakeSwitch) port(bridge, name string) (Port, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	br, ok := f.bridges[bridge]
	if !ok {
		return Port{}, false
	}
	p, ok := br.ports[name]
	return p, ok
}

func (f *fakeSwitch) portNames(bridge string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	br, ok := f.bridges[bridge]
	if !ok {
		return nil
	}
	return slices.Sorted(maps.Keys(br.ports))
}

// fakeLinks is an in-memory set of network devices for unit tests.
type fakeLinks struct {
	mu      sync.Mutex
	devs    map[string]*fakeDev
	sysctls map[string]string
	fail    map[string]error
	calls   []string
	// sysfs: VF PCI address -> (vf number, PF netdev, PF PCI); PF netdev -> VF -> representor.
	vfs  map[string]fakeVF
	reps map[string]map[int]string
}

type fakeVF struct {
	num    int
	pf     string
	pfAddr string
}

type fakeDev struct {
	kind, peer, master, mac string
	up, promisc, mq         bool
	mtu                     int
}

func newFakeLinks() *fakeLinks {
	return &fakeLinks{devs: map[string]*fakeDev{}, sysctls: map[string]string{}, fail: map[string]error{},
		vfs: map[string]fakeVF{}, reps: map[string]map[int]string{}}
}

func (f *fakeLinks) hit(call string) error {
	f.calls = append(f.calls, call)
	return f.fail[call]
}

var errNoDev = errors.New("no such network device")

func (f *fakeLinks) Exists(_ context.Context, dev string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("Exists " + dev); err != nil {
		return false, err
	}
	_, ok := f.devs[dev]
	return ok, nil
}

func (f *fakeLinks) EnsureHybridBridge(_ context.Context, name string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("EnsureHybridBridge " + name); err != nil {
		return false, err
	}
	for _, sc := range []string{"net/ipv6/conf/%s/disable_ipv6=1", "net/ipv4/conf/%s/arp_ignore=1", "net/ipv4/conf/%s/arp_announce=2"} {
		k, v, _ := strings.Cut(fmt.Sprintf(sc, name), "=")
		f.sysctls[k] = v
	}
	if d, ok := f.devs[name]; ok {
		d.up = true
		return false, nil
	}
	f.devs[name] = &fakeDev{kind: "bridge", mtu: 1500, up: true}
	return true, nil
}

func (f *fakeLinks) EnsureVeth(_ context.Context, a, b string, mtu int) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("EnsureVeth " + a); err != nil {
		return false, err
	}
	if d, ok := f.devs[a]; ok {
		if d.peer != b {
			return false, fmt.Errorf("%s exists with peer %q", a, d.peer)
		}
		d.up, d.mtu = true, mtu
		f.devs[b].up, f.devs[b].mtu = true, mtu
		return false, nil
	}
	f.devs[a] = &fakeDev{kind: "veth", peer: b, mtu: mtu, up: true}
	f.devs[b] = &fakeDev{kind: "veth", peer: a, mtu: mtu, up: true}
	return true, nil
}

func (f *fakeLinks) dev(op, name string) (*fakeDev, error) {
	if err := f.hit(op + " " + name); err != nil {
		return nil, err
	}
	d, ok := f.devs[name]
	if !ok {
		return nil, fmt.Errorf("%s %s: %w", op, name, errNoDev)
	}
	return d, nil
}

func (f *fakeLinks) SetUp(_ context.Context, dev string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.dev("SetUp", dev)
	if err == nil {
		d.up = true
	}
	return err
}

func (f *fakeLinks) SetDown(_ context.Context, dev string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.dev("SetDown", dev)
	if err == nil {
		d.up = false
	}
	return err
}

func (f *fakeLinks) SetMTU(_ context.Context, dev string, mtu int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.dev("SetMTU", dev)
	if err == nil {
		d.mtu = mtu
	}
	return err
}

func (f *fakeLinks) SetPromisc(_ context.Context, dev string, on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.dev("SetPromisc", dev)
	if err == nil {
		d.promisc = on
	}
	return err
}

func (f *fakeLinks) SetMaster(_ context.Context, dev, bridge string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.dev("SetMaster", dev)
	if err != nil {
		return err
	}
	if _, ok := f.devs[bridge]; !ok {
		return fmt.Errorf("master %s: %w", bridge, errNoDev)
	}
	d.master = bridge
	return nil
}

func (f *fakeLinks) CreateTap(_ context.Context, name, mac string, mtu int, mq bool) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("CreateTap " + name); err != nil {
		return false, err
	}
	if _, ok := f.devs[name]; ok {
		return false, nil
	}
	f.devs[name] = &fakeDev{kind: "tap", mac: mac, mtu: mtu, mq: mq, up: true}
	return true, nil
}

func (f *fakeLinks) Delete(_ context.Context, dev string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("Delete " + dev); err != nil {
		return err
	}
	d, ok := f.devs[dev]
	if !ok {
		return nil
	}
	delete(f.devs, dev)
	if d.peer != "" {
		delete(f.devs, d.peer)
	}
	if d.kind == "bridge" {
		for _, o := range f.devs {
			if o.master == dev {
				o.master = ""
			}
		}
	}
	return nil
}

func (f *fakeLinks) VFNumber(_ context.Context, addr string) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	vf, ok := f.vfs[addr]
	if !ok {
		return 0, fmt.Errorf("PCI device %s not found", addr)
	}
	return vf.num, nil
}

func (f *fakeLinks) SwitchdevPF(_ context.Context, addr string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	vf, ok := f.vfs[addr]
	if !ok {
		return "", fmt.Errorf("PCI device %s not found", addr)
	}
	return vf.pf, nil
}

func (f *fakeLinks) Representor(_ context.Context, pf string, vf int) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.reps[pf][vf]
	if !ok {
		return "", fmt.Errorf("no representor for VF %d of %s", vf, pf)
	}
	return r, nil
}

func (f *fakeLinks) PFAddress(_ context.Context, addr string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	vf, ok := f.vfs[addr]
	if !ok {
		return "", fmt.Errorf("PCI device %s not found", addr)
	}
	return vf.pfAddr, nil
}

func (f *fakeLinks) get(name string) (fakeDev, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.devs[name]
	if !ok {
		return fakeDev{}, false
	}
	return *d, true
}

func (f *fakeLinks) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Sorted(maps.Keys(f.devs))
}
