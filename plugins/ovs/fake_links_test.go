package ovs

import (
	"context"
	"fmt"
	"github.com/govif/govif/netdev"
	"maps"
	"slices"
	"sync"
)

// fakeLinks is an in-memory set of network devices for unit tests.
type fakeLinks struct {
	mu   sync.Mutex
	devs map[string]*fakeDev

	fail  map[string]error
	calls []string
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
	return &fakeLinks{devs: map[string]*fakeDev{}, fail: map[string]error{},
		vfs: map[string]fakeVF{}, reps: map[string]map[int]string{}}
}

func (f *fakeLinks) hit(call string) error {
	f.calls = append(f.calls, call)
	return f.fail[call]
}

var errNoDev = netdev.ErrNotFound // what the real Links wrap for a missing device

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
	if d, ok := f.devs[name]; ok {
		if d.kind != "bridge" {
			return false, fmt.Errorf("%s exists as %s, want bridge", name, d.kind)
		}
		d.up = true
		return false, nil
	}
	f.devs[name] = &fakeDev{kind: "bridge", mtu: 1500, up: true}
	return true, nil
}

func (f *fakeLinks) EnsureHybridVeth(_ context.Context, a, b, bridge string, mtu int) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("EnsureHybridVeth " + a); err != nil {
		return false, err
	}
	br, ok := f.devs[bridge]
	if !ok || br.kind != "bridge" {
		return false, fmt.Errorf("add %s to bridge %s: %w", a, bridge, errNoDev)
	}
	if d, ok := f.devs[a]; ok {
		if d.kind != "veth" || d.peer != b {
			return false, fmt.Errorf("%s exists as %s with peer %q", a, d.kind, d.peer)
		}
		d.up, d.mtu, d.promisc, d.master = true, mtu, true, bridge
		pd := f.devs[b]
		pd.up, pd.mtu, pd.promisc = true, mtu, true
		return false, nil
	}
	if d, ok := f.devs[b]; ok {
		return false, fmt.Errorf("%s exists as %s", b, d.kind)
	}
	f.devs[a] = &fakeDev{kind: "veth", peer: b, mtu: mtu, up: true, promisc: true, master: bridge}
	f.devs[b] = &fakeDev{kind: "veth", peer: a, mtu: mtu, up: true, promisc: true}
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
	if d, ok := f.devs[name]; ok {
		if d.kind != "tap" || d.mq != mq {
			return false, fmt.Errorf("%s exists as %s (multiqueue %t), want tap (multiqueue %t)", name, d.kind, d.mq, mq)
		}
		d.up, d.mtu = true, mtu
		if mac != "" {
			d.mac = mac
		}
		return false, nil
	}
	f.devs[name] = &fakeDev{kind: "tap", mac: mac, mtu: mtu, mq: mq, up: true}
	return true, nil
}

func (f *fakeLinks) Delete(ctx context.Context, dev string) error {
	_, err := f.remove("Delete", dev)
	return err
}

func (f *fakeLinks) Remove(ctx context.Context, dev string) (bool, error) {
	return f.remove("Remove", dev)
}

func (f *fakeLinks) remove(op, dev string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit(op + " " + dev); err != nil {
		return false, err
	}
	d, ok := f.devs[dev]
	if !ok {
		return false, nil
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
	return true, nil
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
