package python

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govif/govif"
	"github.com/govif/govif/config"
	"github.com/govif/govif/daemon"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/inventory"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/ops"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/plugins/linuxbridge"
	"github.com/govif/govif/plugins/noop"
	"github.com/govif/govif/plugins/ovs"
	"github.com/govif/govif/policy"
	"github.com/govif/govif/vswitch"
)

// repoFile returns the path of a file of the repository, relative to its root.
func repoFile(rel string) string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", rel)
}

// installBridge installs the package in this directory with pip, as docs/nova.md says
// (--no-deps --no-build-isolation --target, offline), into a fresh directory it returns. The
// source is copied first: setuptools writes build/ and *.egg-info next to pyproject.toml.
func installBridge(t testing.TB, py string) string {
	t.Helper()
	work := t.TempDir()
	src := filepath.Join(work, "src")
	copyPackage(t, repoFile("python"), src)
	target := filepath.Join(work, "site")
	cmd := exec.Command(py, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
		"--no-cache-dir", "--disable-pip-version-check", "--target", target, src)
	cmd.Env = append(os.Environ(), "TMPDIR="+work, "PIP_ROOT_USER_ACTION=ignore")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pip install --target: %v\n%s", err, out)
	}
	return target
}

// copyPackage copies the package's sources (setup.cfg, setup.py, README.md, vif_plug_govif/*.py)
// from dir to dst, leaving out build output a local pip run may have left (build/, *.egg-info,
// __pycache__) and the Go test files.
func copyPackage(t testing.TB, dir, dst string) {
	t.Helper()
	files := []string{"setup.cfg", "setup.py", "README.md"}
	mods, err := filepath.Glob(filepath.Join(dir, "vif_plug_govif", "*.py"))
	if err != nil || len(mods) == 0 {
		t.Fatalf("no vif_plug_govif/*.py in %s: %v", dir, err)
	}
	for _, m := range mods {
		files = append(files, filepath.Join("vif_plug_govif", filepath.Base(m)))
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// bridgeDaemon is govif's daemon (daemon.Server over a govif.Host with the real ovs,
// linux_bridge and noop plugins) bound to an OVS sandbox and its namespace, on a temp socket.
type bridgeDaemon struct {
	sock string
	reg  *prometheus.Registry
	inv  *inventory.Store
}

// recorded returns the ids of the VIFs in the daemon's inventory, sorted.
func (d *bridgeDaemon) recorded(t testing.TB) []string {
	t.Helper()
	recs, damaged, err := d.inv.List()
	if err != nil || len(damaged) > 0 {
		t.Fatalf("inventory: %v %v", err, damaged)
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	return ids
}

// vhuDir is where the VIFs' vhost-user sockets are (the policy's vhostuser_socket_dirs).
func startDaemon(t testing.TB, o *testenv.OVS, vhuDir string) *bridgeDaemon {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	// As `govif serve` reads it: the sandbox's OVSDB, and the admission policy (always on in the
	// daemon) allowing vhost-user sockets in the sandbox's dir instead of /run/openvswitch.
	cfg, err := config.Parse([]byte(fmt.Sprintf("[os_vif_ovs]\novsdb_connection = %s\n\n[govif]\nvhostuser_socket_dirs = %s\n",
		o.Endpoint(), vhuDir)))
	if err != nil {
		t.Fatal(err)
	}
	sw, err := vswitch.Open(ctx, o.Endpoint(), ovsdb.WithReconnect(100*time.Millisecond, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close() })
	links, err := netdev.New(netdev.InNamespace(o.NetNS().Handle()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { links.Close() })
	op := ovs.New(&ovs.VSwitchSwitch{V: sw, WaitApplied: true, Timeout: cfg.OVS.Timeout()}, ovs.NetdevLinks{L: links}, ovs.OptionsFrom(cfg.OVS), log)
	lb, err := linuxbridge.New(cfg.LinuxBridge, linuxbridge.InNamespace(o.NetNS().Handle()),
		linuxbridge.WithLockDir(t.TempDir()), linuxbridge.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lb.Close() })
	host, err := govif.NewHost(ctx, cfg, govif.WithPolicy(policy.FromConfig(cfg)), govif.WithPlugin(ovs.Name, op), govif.WithPlugin(linuxbridge.Name, lb),
		govif.WithPlugin(noop.Name, noop.Plugin{}), govif.WithPlugins(ovs.Name, linuxbridge.Name, noop.Name),
		govif.WithoutExecPlugins(), govif.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Close() })

	dir, err := os.MkdirTemp("", "govif-nova-") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "govif.sock")
	ln, err := daemon.ListenUnix(sock, 0o660, -1)
	if err != nil {
		t.Fatal(err)
	}
	// As govif serve: the Host behind ops.Manager, which records each plug in the inventory.
	inv, err := inventory.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	srv := daemon.NewServer(ops.New(host, inv, ops.WithLogger(log)), daemon.Options{Logger: log, Registry: reg, RequestTimeout: 60 * time.Second})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		<-done
	})
	return &bridgeDaemon{sock: sock, reg: reg, inv: inv}
}

// ops returns govif_vif_operations_total by "op plugin outcome".
func (d *bridgeDaemon) ops(t testing.TB) map[string]int {
	t.Helper()
	mfs, err := d.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, mf := range mfs {
		if mf.GetName() != "govif_vif_operations_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			l := map[string]string{}
			for _, lp := range m.GetLabel() {
				l[lp.GetName()] = lp.GetValue()
			}
			out[l["op"]+" "+l["plugin"]+" "+l["outcome"]] += int(m.GetCounter().GetValue())
		}
	}
	return out
}

// novaConf is the nova.conf both sides use: os-vif's [os_vif_ovs] pointing at the sandbox's
// OVSDB, and the bridge's [govif_daemon].
func novaConf(t testing.TB, o *testenv.OVS, sock string) string {
	return fmt.Sprintf(`[DEFAULT]
instance_name_template = instance-%%08x

[os_vif_ovs]
ovsdb_connection = %s
ovs_vsctl_timeout = 30

[oslo_concurrency]
lock_path = %s

[govif_daemon]
socket = %s
request_timeout = 30
`, o.Endpoint(), t.TempDir(), sock)
}

type novaOp struct {
	Op             string         `json:"op"`
	VIF            map[string]any `json:"vif,omitempty"`
	Socket         string         `json:"socket,omitempty"`
	RequestTimeout int            `json:"request_timeout,omitempty"`
	ConnectTimeout float64        `json:"connect_timeout,omitempty"`
}

type novaCase struct {
	NovaConf string         `json:"nova_conf"`
	Ops      []novaOp       `json:"ops"`
	Bench    map[string]any `json:"bench,omitempty"`
}

type novaResult struct {
	Op        string          `json:"op"`
	OK        bool            `json:"ok"`
	Error     string          `json:"error"`
	ErrorType string          `json:"error_type"`
	Seconds   float64         `json:"seconds"`
	HostInfo  json.RawMessage `json:"host_info"`
}

type novaOut struct {
	Names   []string          `json:"names"`
	Plugins map[string]string `json:"plugins"`
	Results []novaResult      `json:"results"`
	Bench   *struct {
		Plug   []float64 `json:"plug_s"`
		Unplug []float64 `json:"unplug_s"`
	} `json:"bench"`
}

// Where runNova puts the bridge on sys.path.
const (
	noBridge    = ""
	bridgeFirst = "first" // PYTHONPATH: before dist-packages
	bridgeLast  = "last"  // sys.path.append: after dist-packages
)

// runNova runs scripts/python-osvif/nova_vif.py with c inside o's namespace, with the bridge
// installed in pkg at the given sys.path position, and a private stevedore cache.
func runNova(t testing.TB, py string, o *testenv.OVS, c novaCase, pkg, order string) novaOut {
	t.Helper()
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "case.json")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{repoFile("scripts/python-osvif/nova_vif.py"), "--case", f}
	env := []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + dir, "XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"LANG=C.UTF-8", "TMPDIR=" + dir}
	switch order {
	case bridgeFirst:
		env = append(env, "PYTHONPATH="+pkg)
	case bridgeLast:
		args = append(args, "--append-path", pkg)
	}
	cmd := exec.Command(py, args...)
	cmd.Env = env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := o.NetNS().Do(cmd.Start); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var out novaOut
	if jerr := json.Unmarshal([]byte(stdout.String()), &out); jerr != nil || err != nil {
		t.Fatalf("nova_vif.py: %v %v\nstdout: %s\nstderr: %s", err, jerr, stdout.String(), stderr.String())
	}
	return out
}
