package linuxbridge

import (
	"context"
	"testing"

	"github.com/govif/govif"
	"github.com/govif/govif/config"
	"github.com/govif/govif/plugin"
)

// The registered factory loads through govif.Host and answers HostInfo like os-vif's
// describe(). It touches nothing on the host (no root needed).
func TestRegisteredThroughHost(t *testing.T) {
	h, err := govif.NewHost(context.Background(), nil, govif.WithPlugins(Name), govif.WithoutExecPlugins(), govif.WithLogger(discard))
	if err != nil {
		t.Fatalf("NewHost: %v", err)
	}
	defer h.Close()
	info, err := h.HostInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	plugins := info.PluginInfo.Value()
	if len(plugins) != 1 || plugins[0].PluginName.Value() != "linux_bridge" {
		t.Fatalf("HostInfo plugins = %+v", plugins)
	}
	vifs := plugins[0].VIFInfo.Value()
	if len(vifs) != 1 || vifs[0].VIFObjectName.Value() != "VIFBridge" || vifs[0].MaxVersion.Value() != "1.0" {
		t.Errorf("HostInfo VIFs = %+v", vifs)
	}
}

func TestFactoryReadsLockPath(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Parse([]byte("[oslo_concurrency]\nlock_path = " + dir + "\n[os_vif_linux_bridge]\niptables_drop_action = REJECT\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewFactory(WithNetOps(newFakeNet()), WithIPTables(newFakeIPT(), nil))(plugin.Env{Name: Name, Config: cfg, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	lb := p.(*Plugin)
	if lb.locks.dir != dir || lb.fw.drop != "REJECT" {
		t.Errorf("lock dir %q, drop action %q; want %q, REJECT", lb.locks.dir, lb.fw.drop, dir)
	}
	p2, err := NewFactory(WithNetOps(newFakeNet()), WithIPTables(newFakeIPT(), nil))(plugin.Env{Name: Name, Config: config.Default(), Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	if d := p2.(*Plugin).locks.dir; d != DefaultLockDir {
		t.Errorf("default lock dir %q, want %q", d, DefaultLockDir)
	}
}
