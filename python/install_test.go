package python

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govif/govif/daemon"
	"github.com/govif/govif/internal/testenv"
)

// TestPipInstall installs the package both ways docs/nova.md gives, offline with Debian's pip
// and setuptools: plain `pip install` (here with --root, so the system stays untouched) and
// `--no-deps --no-build-isolation --target DIR`, and checks the os_vif entry points.
func TestPipInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: runs pip")
	}
	py := testenv.RequirePythonModules(t, "os_vif", "pip", "setuptools", "wheel")
	want := []string{"[os_vif]", "ovs = vif_plug_govif.plugin:OvsPlugin",
		"linux_bridge = vif_plug_govif.plugin:LinuxBridgePlugin", "noop = vif_plug_govif.plugin:NoopPlugin"}
	check := func(t *testing.T, site string) {
		data, err := os.ReadFile(filepath.Join(site, "os_vif_govif-0.1.0.dist-info", "entry_points.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(data), w) {
				t.Errorf("entry_points.txt lacks %q:\n%s", w, data)
			}
		}
		if _, err := os.Stat(filepath.Join(site, "vif_plug_govif", "precedence.py")); err != nil {
			t.Error(err)
		}
	}
	t.Run("target", func(t *testing.T) { check(t, installBridge(t, py)) })
	t.Run("plain", func(t *testing.T) {
		work := t.TempDir()
		src := filepath.Join(work, "src")
		copyPackage(t, repoFile("python"), src)
		root := filepath.Join(work, "root")
		cmd := exec.Command(py, "-m", "pip", "install", "--quiet", "--no-index", "--no-cache-dir", "--root", root, src)
		cmd.Env = append(os.Environ(), "TMPDIR="+work, "PIP_ROOT_USER_ACTION=ignore")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pip install (offline, dependencies from the system): %v\n%s", err, out)
		}
		sites, _ := filepath.Glob(filepath.Join(root, "usr/local/lib/python3*/dist-packages"))
		if len(sites) != 1 {
			t.Fatalf("pip install --root: no usr/local/lib/python3*/dist-packages in %s", root)
		}
		check(t, sites[0])
	})
}

// TestSocketPermissionDenied: a nova-compute user outside the socket's group gets an
// immediate PlugException that names the socket, the permission error and the option to fix.
func TestSocketPermissionDenied(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: runs pip and Python")
	}
	testenv.RequireRoot(t)
	py := testenv.RequirePythonModules(t, "os_vif", "pip", "setuptools")
	pkg := installBridge(t, py)
	// nobody must be able to read the package: open up the test's own temp dirs.
	for d := pkg; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := os.MkdirTemp("", "govif-nova-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "govif.sock")
	ln, err := daemon.ListenUnix(sock, 0o660, -1) // root:root 0660, as with no socket_group
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	script := `
import sys, time
from oslo_config import cfg
import os_vif
from os_vif import exception
from os_vif.objects import instance_info, network, vif as ovif
cfg.CONF([], project="nova", default_config_files=[])
os_vif.initialize()
cfg.CONF.set_override("socket", sys.argv[1], group="govif_daemon")
v = ovif.VIFOpenVSwitch(id="b1b2c3d4-1111-4222-8333-444455556666", address="fa:16:3e:12:34:57",
    plugin="ovs", vif_name="tapb1b2c3d4-11", bridge_name="br-int",
    network=network.Network(id="0f6c1e2a-9d3b-4c55-8e77-1234567890ab", bridge="br-int"),
    port_profile=ovif.VIFPortProfileOpenVSwitch(interface_id="b1b2c3d4-1111-4222-8333-444455556666"))
t = time.monotonic()
try:
    os_vif.plug(v, instance_info.InstanceInfo(uuid="5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d", name="instance-00000001"))
    print("plugged")
except exception.PlugException as e:
    print("%.2f %s" % (time.monotonic() - t, e))
`
	cmd := exec.Command(py, "-c", script, sock)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "PYTHONPATH=" + pkg, "HOME=/nonexistent", "XDG_CACHE_HOME=/nonexistent"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python as nobody: %v\n%s", err, out)
	}
	got := strings.TrimSpace(string(out))
	for _, w := range []string{"govif daemon at " + sock + " unavailable", "Permission denied", "socket_group"} {
		if !strings.Contains(got, w) {
			t.Errorf("plug as a user outside the socket's group: %q, want it to contain %q", got, w)
		}
	}
	secs, _, _ := strings.Cut(got, " ")
	if s, err := strconv.ParseFloat(secs, 64); err != nil || s > 1 {
		t.Errorf("want an immediate PlugException, got %q (%v in all)", got, time.Since(start))
	}
	t.Logf("as nobody: %s", got)
}
