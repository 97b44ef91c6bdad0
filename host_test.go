package govif

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	_ "github.com/govif/govif/plugins/noop"
)

// fakePlugin records calls and fails with err.
type fakePlugin struct {
	name string
	vifs []string
	err  error

	mu    sync.Mutex
	calls []string
	bulk  int
}

func (f *fakePlugin) Describe() *objects.HostPluginInfo {
	var infos []*objects.HostVIFInfo
	for _, v := range f.vifs {
		infos = append(infos, plugin.SupportedVIF(v, "1.0", "1.0"))
	}
	return plugin.Describe(f.name, infos...)
}

func (f *fakePlugin) record(op string, vif objects.VIF) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, op+" "+vif.Base().ID.Value())
	return f.err
}

func (f *fakePlugin) Plug(_ context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	return f.record("plug", vif)
}

func (f *fakePlugin) Unplug(_ context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	return f.record("unplug", vif)
}

func (f *fakePlugin) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// bulkPlugin is a fakePlugin that also implements plugin.BulkPlugger.
type bulkPlugin struct{ fakePlugin }

func (b *bulkPlugin) PlugMany(ctx context.Context, reqs []plugin.Request) []error {
	b.mu.Lock()
	b.bulk++
	b.mu.Unlock()
	errs := make([]error, len(reqs))
	for i, r := range reqs {
		errs[i] = b.Plug(ctx, r.VIF, r.Instance)
	}
	return errs
}

func (b *bulkPlugin) UnplugMany(ctx context.Context, reqs []plugin.Request) []error {
	return b.PlugMany(ctx, reqs)
}

const (
	id1 = "a1b2c3d4-1111-4222-8333-444455556666"
	id2 = "b1b2c3d4-1111-4222-8333-444455556666"
)

func ovsVIF(id, pluginName string) *objects.VIFOpenVSwitch {
	mac, _ := net.ParseMAC("fa:16:3e:12:34:56")
	return &objects.VIFOpenVSwitch{VIFBase: objects.VIFBase{
		ID: objects.Set(id), Address: objects.Set(mac), Plugin: objects.Set(pluginName),
	}, VIFName: objects.Set("tap" + id[:min(len(id), 11)])}
}

func inst() *objects.InstanceInfo {
	return &objects.InstanceInfo{UUID: objects.Set("5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d"), Name: objects.Set("vm1")}
}

func newTestHost(t *testing.T, opts ...Option) *Host {
	t.Helper()
	opts = append([]Option{WithLogger(slog.New(slog.DiscardHandler)), WithoutExecPlugins()}, opts...)
	h, err := NewHost(context.Background(), nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func TestPlugDispatchesOnVIFPlugin(t *testing.T) {
	a := &fakePlugin{name: "a", vifs: []string{"VIFOpenVSwitch"}}
	b := &fakePlugin{name: "b", vifs: []string{"VIFBridge"}}
	h := newTestHost(t, WithPlugin("a", a), WithPlugin("b", b), WithPlugins("a", "b", "noop", "zz_govif_test_broken"))
	ctx := context.Background()
	if err := h.Plug(ctx, ovsVIF(id1, "a"), inst()); err != nil {
		t.Fatal(err)
	}
	if err := h.Unplug(ctx, ovsVIF(id2, "b"), inst()); err != nil {
		t.Fatal(err)
	}
	if got := a.Calls(); !slices.Equal(got, []string{"plug " + id1}) {
		t.Errorf("plugin a calls = %v", got)
	}
	if got := b.Calls(); !slices.Equal(got, []string{"unplug " + id2}) {
		t.Errorf("plugin b calls = %v", got)
	}
	if got := h.Plugins(); !slices.Equal(got, []string{"a", "b", "noop", "zz_govif_test_broken"}) {
		t.Errorf("Plugins() = %v, want the injected ones and the registered noop, sorted", got)
	}
}

func TestPlugNoMatchingPlugin(t *testing.T) {
	h := newTestHost(t)
	err := h.Plug(context.Background(), ovsVIF(id1, "ovs-missing"), inst())
	var nm *objects.NoMatchingPluginError
	if !errors.Is(err, ErrNoMatchingPlugin) || !errors.As(err, &nm) || nm.PluginName != "ovs-missing" {
		t.Fatalf("Plug = %v, want ErrNoMatchingPlugin naming ovs-missing", err)
	}
	if err.Error() != "No VIF plugin was found with the name ovs-missing" {
		t.Fatalf("message = %q, want os-vif's", err)
	}
}

func TestPlugErrorWrapsPluginError(t *testing.T) {
	a := &fakePlugin{name: "a", err: &plugin.WrongPortProfileError{Profile: "VIFPortProfile8021Qbh"}}
	b := &fakePlugin{name: "b", err: plugin.ErrUnsupportedVIFType}
	h := newTestHost(t, WithPlugin("a", a), WithPlugin("b", b))
	err := h.Plug(context.Background(), ovsVIF(id1, "a"), inst())
	var pe *PlugError
	var wp *plugin.WrongPortProfileError
	if !errors.As(err, &pe) || !errors.As(err, &wp) || pe.Op != "plug" || pe.VIFID != id1 || pe.Plugin != "a" {
		t.Fatalf("Plug = %#v, want a *PlugError wrapping *WrongPortProfileError", err)
	}
	want := "Failed to plug VIF " + id1 + ". Got error: Port profile VIFPortProfile8021Qbh is not a subclass of VIFPortProfileOpenVSwitch"
	if err.Error() != want {
		t.Fatalf("message = %q, want %q", err, want)
	}
	err = h.Unplug(context.Background(), ovsVIF(id2, "b"), inst())
	if !errors.Is(err, plugin.ErrUnsupportedVIFType) || !strings.HasPrefix(err.Error(), "Failed to unplug VIF "+id2+". Got error: This vif type") {
		t.Fatalf("Unplug = %v", err)
	}
}

func TestInvalidVIFReachesNoPlugin(t *testing.T) {
	a := &fakePlugin{name: "a"}
	h := newTestHost(t, WithPlugin("a", a))
	noPlugin := ovsVIF(id1, "a")
	noPlugin.Plugin.Clear()
	badMAC := ovsVIF(id1, "a")
	badMAC.Address.Set(net.HardwareAddr{1, 2, 3, 4, 5, 6, 7, 8})
	badMode := &objects.VIFVHostUser{VIFBase: objects.VIFBase{ID: objects.Set(id1), Plugin: objects.Set("a")},
		Mode: objects.Set(objects.VIFVHostUserMode("sideways"))}
	badInst := inst()
	badInst.UUID.SetNull()
	cases := []struct {
		name string
		vif  objects.VIF
		inst *objects.InstanceInfo
		want string
	}{
		{"nil", nil, inst(), "no VIF given"},
		{"no plugin", noPlugin, inst(), "VIFOpenVSwitch.plugin: must name the VIF plugin"},
		{"bad mac", badMAC, inst(), "VIFOpenVSwitch.address: malformed MAC address"},
		{"bad mode", badMode, inst(), `VIFVHostUser.mode: must be one of`},
		{"bad instance", ovsVIF(id1, "a"), badInst, "InstanceInfo.uuid: cannot be null"},
	}
	for _, tc := range cases {
		err := h.Plug(context.Background(), tc.vif, tc.inst)
		var fe *objects.FieldError
		if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.vif != nil && !errors.As(err, &fe)) {
			t.Errorf("%s: Plug = %v, want a field error containing %q", tc.name, err, tc.want)
		}
	}
	if calls := a.Calls(); len(calls) != 0 {
		t.Fatalf("the plugin ran for invalid input: %v", calls)
	}
}

func TestHostInfoSortedAndFiltered(t *testing.T) {
	z := &fakePlugin{name: "zeta", vifs: []string{"VIFBridge", "VIFOpenVSwitch"}}
	a := &fakePlugin{name: "alpha", vifs: []string{"VIFOpenVSwitch"}}
	h := newTestHost(t, WithPlugin("zeta", z), WithPlugin("alpha", a), WithPlugins("zeta", "alpha", "noop"))
	ctx := context.Background()
	summary := func(hi *objects.HostInfo) string {
		var parts []string
		for _, p := range hi.PluginInfo.Value() {
			var vifs []string
			for _, v := range p.VIFInfo.Value() {
				vifs = append(vifs, v.VIFObjectName.Value())
			}
			parts = append(parts, p.PluginName.Value()+"="+strings.Join(vifs, ","))
		}
		return strings.Join(parts, " ")
	}
	cases := []struct {
		permitted []string
		want      string
	}{
		{nil, "alpha=VIFOpenVSwitch noop=VIFVHostUser zeta=VIFBridge,VIFOpenVSwitch"},
		{[]string{"VIFBridge"}, "zeta=VIFBridge"},
		{[]string{"VIFOpenVSwitch", "VIFVHostUser"}, "alpha=VIFOpenVSwitch noop=VIFVHostUser zeta=VIFOpenVSwitch"},
		{[]string{}, ""},
		{[]string{"VIFNothing"}, ""},
	}
	for _, tc := range cases {
		hi, err := h.HostInfo(ctx, tc.permitted...)
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(hi); got != tc.want {
			t.Errorf("HostInfo(%q) = %q, want %q", tc.permitted, got, tc.want)
		}
	}
	// Filtering must not have reached the plugins' own answers.
	if hi, _ := h.HostInfo(ctx); summary(hi) != cases[0].want {
		t.Errorf("filtering changed later answers: %q", summary(hi))
	}
}

func TestWithPluginsRestricts(t *testing.T) {
	a := &fakePlugin{name: "a"}
	h := newTestHost(t, WithPlugin("a", a), WithPlugin("b", &fakePlugin{name: "b"}), WithPlugins("a"))
	if got := h.Plugins(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("Plugins() = %v, want [a]", got)
	}
	if err := h.Plug(context.Background(), ovsVIF(id1, "noop"), inst()); !errors.Is(err, ErrNoMatchingPlugin) {
		t.Fatalf("a plugin left out by WithPlugins was used: %v", err)
	}
	_, err := NewHost(context.Background(), nil, WithoutExecPlugins(), WithPlugins("nosuch"), WithLogger(slog.New(slog.DiscardHandler)))
	if err == nil || !strings.Contains(err.Error(), "plugin nosuch requested") {
		t.Fatalf("NewHost(WithPlugins(nosuch)) = %v", err)
	}
}

// breakFactory makes the registered test plugin zz_govif_test_broken fail to load. The
// registry cannot forget a plugin, so the plugin is registered once and works unless asked.
var breakFactory bool

func init() {
	plugin.Register("zz_govif_test_broken", func(env plugin.Env) (plugin.Plugin, error) {
		if breakFactory {
			return nil, errors.New("cannot reach the switch")
		}
		return &fakePlugin{name: env.Name}, nil
	})
}

func TestWithPluginRejectsBadName(t *testing.T) {
	_, err := NewHost(context.Background(), nil, WithoutExecPlugins(), WithPlugin("bad name", &fakePlugin{}), WithLogger(slog.New(slog.DiscardHandler)))
	if err == nil || !strings.Contains(err.Error(), `invalid plugin name "bad name"`) {
		t.Fatalf("NewHost = %v", err)
	}
}

func TestFactoryFailureFailsNewHost(t *testing.T) {
	breakFactory = true
	t.Cleanup(func() { breakFactory = false })
	_, err := NewHost(context.Background(), nil, WithoutExecPlugins(), WithPlugins("noop", "zz_govif_test_broken"),
		WithLogger(slog.New(slog.DiscardHandler)))
	if err == nil || !strings.Contains(err.Error(), "load plugin zz_govif_test_broken: cannot reach the switch") {
		t.Fatalf("NewHost = %v, want the factory's error", err)
	}
	// Leaving the broken plugin out works.
	h := newTestHost(t, WithPlugins("noop"))
	if got := h.Plugins(); !slices.Equal(got, []string{"noop"}) {
		t.Fatalf("Plugins() = %v", got)
	}
}

func TestFactoryGetsConfigAndName(t *testing.T) {
	var got plugin.Env
	plugin.Register("zz_govif_test_env", func(env plugin.Env) (plugin.Plugin, error) {
		got = env
		return &fakePlugin{name: env.Name}, nil
	})
	cfg, err := config.Parse([]byte("[os_vif_zz_govif_test_env]\nkey = value\n"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHost(context.Background(), cfg, WithoutExecPlugins(), WithPlugins("zz_govif_test_env"), WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if v, _ := got.Section().Get("key"); got.Name != "zz_govif_test_env" || got.Config != cfg || got.Logger == nil || v != "value" {
		t.Fatalf("factory env = %+v (key=%q)", got, v)
	}
}

func TestPlugManyGroupsByPlugin(t *testing.T) {
	bulk := &bulkPlugin{fakePlugin{name: "bulk"}}
	single := &fakePlugin{name: "single", err: errors.New("boom")}
	h := newTestHost(t, WithPlugin("bulk", bulk), WithPlugin("single", single))
	reqs := []plugin.Request{
		{VIF: ovsVIF(id1, "bulk"), Instance: inst()},
		{VIF: ovsVIF(id2, "single"), Instance: inst()},
		{VIF: ovsVIF(id2, "bulk"), Instance: inst()},
		{VIF: ovsVIF(id1, "absent"), Instance: inst()},
	}
	errs := h.PlugMany(context.Background(), reqs)
	if len(errs) != 4 || errs[0] != nil || errs[2] != nil {
		t.Fatalf("PlugMany errors = %v", errs)
	}
	var pe *PlugError
	if !errors.As(errs[1], &pe) || pe.Plugin != "single" || !errors.Is(errs[3], ErrNoMatchingPlugin) {
		t.Fatalf("PlugMany errors = %v", errs)
	}
	if bulk.bulk != 1 || !slices.Equal(bulk.Calls(), []string{"plug " + id1, "plug " + id2}) {
		t.Fatalf("bulk plugin: %d batches, calls %v", bulk.bulk, bulk.Calls())
	}
}

func TestNoopPlugin(t *testing.T) {
	h := newTestHost(t, WithPlugins("noop"))
	vif := &objects.VIFVHostUser{VIFBase: objects.VIFBase{ID: objects.Set(id1), Plugin: objects.Set("noop")}}
	if err := h.Plug(context.Background(), vif, inst()); err != nil {
		t.Fatal(err)
	}
	if err := h.Unplug(context.Background(), vif, inst()); err != nil {
		t.Fatal(err)
	}
}
