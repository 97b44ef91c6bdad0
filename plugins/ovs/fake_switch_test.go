package ovs

import (
	"context"
	"fmt"
	"maps"
	"slices"
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
