package ovs

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/govif/govif/vswitch"
)

// fakeSwitch is an in-memory Open_vSwitch for unit tests of the plugin's logic. The Switch
// contract suite (switch_contract_test.go) runs against it and the real vswitch.Writer, so
// the two agree: ports are looked up on any bridge, maps are merged key by key, the port
// columns (tag, trunks, vlan_mode, QoS) are written only when a port is created.
type fakeSwitch struct {
	mu      sync.Mutex
	bridges map[string]*fakeBridge
	known   map[string]string // bridges ensured through it: name -> datapath_type
	qos     map[string]string // QoSID(port) -> type
	fail    map[string]error  // "Method arg" -> error to return
	calls   []string
	ifErr   map[string]string // interface -> ovs-vswitchd error
}

type fakeBridge struct {
	datapath string
	ports    map[string]vswitch.PortSpec
}

func newFakeSwitch() *fakeSwitch {
	return &fakeSwitch{bridges: map[string]*fakeBridge{}, known: map[string]string{}, qos: map[string]string{}, fail: map[string]error{}}
}

var _ Switch = (*fakeSwitch)(nil)

func (f *fakeSwitch) hit(call string) error {
	f.calls = append(f.calls, call)
	return f.fail[call]
}

func sameDP(a, b string) bool {
	n := func(s string) string {
		if s == "" {
			return DatapathSystem
		}
		return s
	}
	return n(a) == n(b)
}

func accepts(b vswitch.BridgeSpec, have string) bool {
	return b.AcceptOtherDatapath || b.DatapathType == "" || sameDP(have, b.DatapathType)
}

func (f *fakeSwitch) EnsureBridge(_ context.Context, b vswitch.BridgeSpec) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("EnsureBridge " + b.Name); err != nil {
		return false, err
	}
	if br, ok := f.bridges[b.Name]; ok {
		if !accepts(b, br.datapath) {
			return false, &vswitch.DatapathConflictError{Bridge: b.Name, Have: br.datapath, Want: b.DatapathType}
		}
		f.known[b.Name] = br.datapath
		return false, nil
	}
	f.bridges[b.Name] = &fakeBridge{datapath: b.DatapathType, ports: map[string]vswitch.PortSpec{b.Name: {Bridge: b.Name, Name: b.Name, Type: "internal"}}}
	f.known[b.Name] = b.DatapathType
	return true, nil
}

func (f *fakeSwitch) KnowsBridge(b vswitch.BridgeSpec) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	dp, ok := f.known[b.Name]
	return ok && accepts(b, dp)
}

func (f *fakeSwitch) AddPortToKnownBridge(ctx context.Context, b vswitch.BridgeSpec, wait vswitch.Wait, p vswitch.PortSpec) (bool, bool, error) {
	f.mu.Lock()
	dp, ok := f.known[b.Name]
	if !ok || !accepts(b, dp) {
		f.mu.Unlock()
		return false, false, nil
	}
	if br, ok := f.bridges[b.Name]; !ok || br.datapath != dp {
		delete(f.known, b.Name)
		f.mu.Unlock()
		return false, false, nil
	}
	f.mu.Unlock()
	created, err := f.AddPorts(ctx, wait, p)
	return true, len(created) == 1, err
}

// bridgeOf returns the bridge holding port ("" when none); f.mu held.
func (f *fakeSwitch) bridgeOf(port string) string {
	for name, br := range f.bridges {
		if _, ok := br.ports[port]; ok {
			return name
		}
	}
	return ""
}

func (f *fakeSwitch) PortExists(_ context.Context, port string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("PortExists " + port); err != nil {
		return false, err
	}
	return f.bridgeOf(port) != "", nil
}

func (f *fakeSwitch) AddPorts(_ context.Context, _ vswitch.Wait, ports ...vswitch.PortSpec) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range ports {
		if err := f.hit("AddPorts " + p.Name); err != nil {
			return nil, err
		}
		if _, ok := f.bridges[p.Bridge]; !ok {
			return nil, &vswitch.BridgeNotFoundError{Bridge: p.Bridge}
		}
		if other := f.bridgeOf(p.Name); other != "" && other != p.Bridge {
			return nil, &vswitch.PortConflictError{Port: p.Name, Bridge: p.Bridge, OtherBridge: other}
		}
	}
	var created []string
	for _, p := range ports {
		br := f.bridges[p.Bridge]
		old, ok := br.ports[p.Name]
		if ok {
			// may-exist: merge external_ids and options key by key; type and mtu_request
			// replaced when given; port columns kept with KeepPortColumns.
			old.ExternalIDs = merged(old.ExternalIDs, p.ExternalIDs)
			old.Options = merged(old.Options, p.Options)
			if p.Type != "" {
				old.Type = p.Type
			}
			if p.MTURequest > 0 {
				old.MTURequest = p.MTURequest
			}
			if !p.KeepPortColumns {
				if p.Tag > 0 {
					old.Tag = p.Tag
				}
				if len(p.Trunks) > 0 {
					old.Trunks = p.Trunks
				}
				if p.VLANMode != "" {
					old.VLANMode = p.VLANMode
				}
			}
			br.ports[p.Name] = old
			continue
		}
		if p.QoS != nil {
			f.qos[QoSID(p.Name)] = p.QoS.Type
		}
		p.ExternalIDs, p.Options = merged(nil, p.ExternalIDs), merged(nil, p.Options)
		br.ports[p.Name] = p
		created = append(created, p.Name)
	}
	return created, nil
}

func merged(into, from map[string]string) map[string]string {
	if len(from) == 0 {
		return into
	}
	out := maps.Clone(into)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, from)
	return out
}

func (f *fakeSwitch) DelPort(_ context.Context, bridge, port string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("DelPort " + port); err != nil {
		return err
	}
	f.delPort(bridge, port)
	return nil
}

func (f *fakeSwitch) delPort(bridge, port string) {
	if br, ok := f.bridges[bridge]; ok {
		if _, ok := br.ports[port]; ok {
			delete(br.ports, port)
			delete(f.qos, QoSID(port))
		}
	}
}

func (f *fakeSwitch) DelPortIfOwned(_ context.Context, bridge, port string, ids map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.hit("DelPortIfOwned " + port); err != nil {
		return err
	}
	br, ok := f.bridges[bridge]
	if !ok {
		return nil
	}
	p, ok := br.ports[port]
	if !ok {
		return nil
	}
	for k, v := range ids {
		if p.ExternalIDs[k] != v {
			return nil
		}
	}
	f.delPort(bridge, port)
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
	delete(f.known, name)
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

func (f *fakeSwitch) port(bridge, name string) (vswitch.PortSpec, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	br, ok := f.bridges[bridge]
	if !ok {
		return vswitch.PortSpec{}, false
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
