package linuxbridge

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/govif/govif/netdev"
)

// fakeNet is an in-memory NetOps: devices with kind, MTU, up and master, the addresses
// "moved" between them, and the list of calls. fail makes the call "<Op> <dev>" fail.
type fakeNet struct {
	mu    sync.Mutex
	devs  map[string]*netdev.Link
	addrs map[string][]string
	calls []string
	fail  map[string]error
}

func newFakeNet(devs ...netdev.Link) *fakeNet {
	f := &fakeNet{devs: map[string]*netdev.Link{}, addrs: map[string][]string{}, fail: map[string]error{}}
	for _, d := range devs {
		f.devs[d.Name] = &d
	}
	return f
}

func (f *fakeNet) call(op, dev string) error {
	f.calls = append(f.calls, op+" "+dev)
	return f.fail[op+" "+dev]
}

func (f *fakeNet) mutating() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if !strings.HasPrefix(c, "Get ") && !strings.HasPrefix(c, "Exists ") && !strings.HasPrefix(c, "Addresses ") {
			out = append(out, c)
		}
	}
	return out
}

// snapshot returns the devices and addresses, for before/after comparisons.
func (f *fakeNet) snapshot() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	for _, n := range slices.Sorted(maps.Keys(f.devs)) {
		d := f.devs[n]
		fmt.Fprintf(&b, "%s kind=%s mtu=%d up=%v master=%q addrs=%v\n", n, d.Kind, d.MTU, d.Up, d.Master, f.addrs[n])
	}
	return b.String()
}

func (f *fakeNet) Exists(ctx context.Context, dev string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Exists", dev); err != nil {
		return false, err
	}
	return f.devs[dev] != nil, nil
}

func (f *fakeNet) Get(ctx context.Context, dev string) (*netdev.Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Get", dev); err != nil {
		return nil, err
	}
	d := f.devs[dev]
	if d == nil {
		return nil, &netdev.OpError{Op: "get", Dev: dev, Err: netdev.ErrNotFound}
	}
	c := *d
	return &c, nil
}

func (f *fakeNet) EnsureBridge(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("EnsureBridge", name); err != nil {
		return err
	}
	if f.devs[name] == nil {
		f.devs[name] = &netdev.Link{Name: name, Kind: "bridge", MTU: 1500, Up: true}
	}
	return nil
}

func (f *fakeNet) CreateVLAN(ctx context.Context, name, parent string, id int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("CreateVLAN", fmt.Sprintf("%s %s %d", name, parent, id)); err != nil {
		return err
	}
	if f.devs[parent] == nil {
		return &netdev.OpError{Op: "create vlan", Dev: parent, Err: netdev.ErrNotFound}
	}
	f.devs[name] = &netdev.Link{Name: name, Kind: "vlan", MTU: f.devs[parent].MTU}
	return nil
}

func (f *fakeNet) dev(op, name string) (*netdev.Link, error) {
	d := f.devs[name]
	if d == nil {
		return nil, &netdev.OpError{Op: op, Dev: name, Err: netdev.ErrNotFound}
	}
	return d, nil
}

func (f *fakeNet) AddToBridge(ctx context.Context, dev, bridge string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("AddToBridge", dev+" "+bridge); err != nil {
		return err
	}
	d, err := f.dev("add to bridge", dev)
	if err != nil {
		return err
	}
	if _, err := f.dev("add to bridge", bridge); err != nil {
		return err
	}
	d.Master = bridge
	return nil
}

func (f *fakeNet) RemoveFromBridge(ctx context.Context, dev, bridge string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("RemoveFromBridge", dev+" "+bridge); err != nil {
		return err
	}
	if d := f.devs[dev]; d != nil && d.Master == bridge {
		d.Master = ""
	}
	return nil
}

func (f *fakeNet) setUp(op, dev string, up bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call(op, dev); err != nil {
		return err
	}
	d, err := f.dev(op, dev)
	if err != nil {
		return err
	}
	d.Up = up
	return nil
}

func (f *fakeNet) SetUp(ctx context.Context, dev string) error { return f.setUp("SetUp", dev, true) }
func (f *fakeNet) SetDown(ctx context.Context, dev string) error {
	return f.setUp("SetDown", dev, false)
}

func (f *fakeNet) SetMTU(ctx context.Context, dev string, mtu int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("SetMTU", fmt.Sprintf("%s %d", dev, mtu)); err != nil {
		return err
	}
	d, err := f.dev("set mtu", dev)
	if err != nil {
		return err
	}
	d.MTU = mtu
	return nil
}

func (f *fakeNet) Addresses(ctx context.Context, dev string) ([]netdev.Address, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Addresses", dev); err != nil {
		return nil, err
	}
	if _, err := f.dev("list addresses", dev); err != nil {
		return nil, err
	}
	var out []netdev.Address
	for _, a := range f.addrs[dev] {
		out = append(out, netdev.Address{Prefix: netip.MustParsePrefix(a)})
	}
	return out, nil
}

func (f *fakeNet) MoveAddressesAndRoutes(ctx context.Context, from, to string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("MoveAddressesAndRoutes", from+" "+to); err != nil {
		return err
	}
	f.addrs[to] = append(f.addrs[to], f.addrs[from]...)
	delete(f.addrs, from)
	if len(f.addrs[to]) == 0 {
		delete(f.addrs, to)
	}
	return nil
}

func (f *fakeNet) Delete(ctx context.Context, dev string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Delete", dev); err != nil {
		return err
	}
	delete(f.devs, dev)
	delete(f.addrs, dev)
	for _, d := range f.devs {
		if d.Master == dev {
			d.Master = ""
		}
	}
	return nil
}

// fakeIPT is an in-memory IPTables for the filter table: chains in creation order (the
// built-in ones first) and their rules as "-A <chain> <spec>" lines. fail makes the call
// "<Op> <chain>" fail.
type fakeIPT struct {
	mu     sync.Mutex
	chains []string
	rules  map[string][]string
	calls  []string
	fail   map[string]error
}

func newFakeIPT() *fakeIPT {
	return &fakeIPT{
		chains: []string{"INPUT", "FORWARD", "OUTPUT"},
		rules:  map[string][]string{},
		fail:   map[string]error{},
	}
}

func (f *fakeIPT) call(op, table, chain string, spec []string) error {
	f.calls = append(f.calls, strings.TrimSpace(op+" "+chain+" "+strings.Join(spec, " ")))
	if table != filterTable {
		return fmt.Errorf("fake iptables: table %s", table)
	}
	return f.fail[op+" "+chain]
}

func (f *fakeIPT) has(chain string) bool { return slices.Contains(f.chains, chain) }

func line(chain string, spec []string) string { return "-A " + chain + " " + strings.Join(spec, " ") }

// save returns the table as iptables -S would print it (chains, then rules by chain).
func (f *fakeIPT) save() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.chains {
		if c == "INPUT" || c == "FORWARD" || c == "OUTPUT" {
			out = append(out, "-P "+c+" ACCEPT")
		} else {
			out = append(out, "-N "+c)
		}
	}
	for _, c := range f.chains {
		out = append(out, f.rules[c]...)
	}
	return out
}

func (f *fakeIPT) ChainExists(ctx context.Context, table, chain string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ChainExists", table, chain, nil); err != nil {
		return false, err
	}
	return f.has(chain), nil
}

func (f *fakeIPT) NewChain(ctx context.Context, table, chain string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("NewChain", table, chain, nil); err != nil {
		return err
	}
	if f.has(chain) {
		return fmt.Errorf("chain %s exists", chain)
	}
	f.chains = append(f.chains, chain)
	return nil
}

func (f *fakeIPT) DeleteChain(ctx context.Context, table, chain string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("DeleteChain", table, chain, nil); err != nil {
		return err
	}
	if len(f.rules[chain]) > 0 {
		return fmt.Errorf("chain %s not empty", chain)
	}
	f.chains = slices.DeleteFunc(f.chains, func(c string) bool { return c == chain })
	return nil
}

func (f *fakeIPT) Exists(ctx context.Context, table, chain string, spec ...string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Exists", table, chain, spec); err != nil {
		return false, err
	}
	return slices.Contains(f.rules[chain], line(chain, spec)), nil
}

func (f *fakeIPT) Insert(ctx context.Context, table, chain string, pos int, spec ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Insert", table, chain, spec); err != nil {
		return err
	}
	if !f.has(chain) || pos < 1 || pos > len(f.rules[chain])+1 {
		return fmt.Errorf("bad insert %s %d", chain, pos)
	}
	f.rules[chain] = slices.Insert(f.rules[chain], pos-1, line(chain, spec))
	return nil
}

func (f *fakeIPT) Append(ctx context.Context, table, chain string, spec ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Append", table, chain, spec); err != nil {
		return err
	}
	if !f.has(chain) {
		return fmt.Errorf("no chain %s", chain)
	}
	f.rules[chain] = append(f.rules[chain], line(chain, spec))
	return nil
}

func (f *fakeIPT) Delete(ctx context.Context, table, chain string, spec ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Delete", table, chain, spec); err != nil {
		return err
	}
	i := slices.Index(f.rules[chain], line(chain, spec))
	if i < 0 {
		return fmt.Errorf("no rule %s", line(chain, spec))
	}
	f.rules[chain] = slices.Delete(f.rules[chain], i, i+1)
	return nil
}

func (f *fakeIPT) List(ctx context.Context, table, chain string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("List", table, chain, nil); err != nil {
		return nil, err
	}
	return append([]string{"-N " + chain}, f.rules[chain]...), nil
}

func (f *fakeIPT) ListTable(ctx context.Context, table string) ([]string, error) {
	f.mu.Lock()
	if err := f.call("ListTable", table, "", nil); err != nil {
		f.mu.Unlock()
		return nil, err
	}
	f.mu.Unlock()
	return f.save(), nil
}

func (f *fakeIPT) ListChains(ctx context.Context, table string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("ListChains", table, "", nil); err != nil {
		return nil, err
	}
	return slices.Clone(f.chains), nil
}
