package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/govif/govif"
	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/sandbox"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/plugins/linuxbridge"
	"github.com/govif/govif/plugins/ovs"
	"github.com/govif/govif/vswitch"
)

// realRig is the daemon serving the REAL govif.Host with the real ovs and linux_bridge plugins,
// all bound to an OVS sandbox (ovsdb-server + ovs-vswitchd, userspace datapath) in its own
// network namespace. Assertions read the sandbox through netlink and OVSDB.
type realRig struct {
	sb     *sandbox.OVS
	nl     *netlink.Handle
	vs     *vswitch.VSwitch
	sock   string
	client *Client
	srv    *Server
	host   *govif.Host
}

// startSandbox is testenv.StartSandbox: the daemon tests inject faults through the sandbox.
func startSandbox(t testing.TB) *sandbox.OVS {
	t.Helper()
	return testenv.StartSandbox(t)
}

// observe opens netlink and OVSDB on the sandbox for assertions.
func observe(t testing.TB, sb *sandbox.OVS) (*netlink.Handle, *vswitch.VSwitch) {
	t.Helper()
	nl, err := netlink.NewHandleAt(sb.NetNS().Handle())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nl.Close)
	vs, err := vswitch.Open(context.Background(), sb.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { vs.Close() })
	return nl, vs
}

// newRealRig starts the sandbox and an in-process daemon over a real Host whose plugins work
// inside the sandbox namespace.
func newRealRig(t testing.TB, opts Options) *realRig {
	t.Helper()
	testenv.RequireBinary(t, "iptables", "iptables")
	sb := startSandbox(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	cfg := config.Default()
	cfg.OVS.OVSDBConnection = sb.Endpoint()

	sw, err := vswitch.Open(ctx, sb.Endpoint(), ovsdb.WithReconnect(100*time.Millisecond, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close() })
	links, err := netdev.New(netdev.InNamespace(sb.NetNS().Handle()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { links.Close() })
	op := ovs.New(&ovs.VSwitchSwitch{V: sw, WaitApplied: true, Timeout: cfg.OVS.Timeout()}, ovs.NetdevLinks{L: links}, ovs.OptionsFrom(cfg.OVS), log)
	lb, err := linuxbridge.New(cfg.LinuxBridge, linuxbridge.InNamespace(sb.NetNS().Handle()),
		linuxbridge.WithLockDir(t.TempDir()), linuxbridge.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lb.Close() })
	host, err := govif.NewHost(ctx, cfg, govif.WithPlugin(ovs.Name, op), govif.WithPlugin(linuxbridge.Name, lb),
		govif.WithoutExecPlugins(), govif.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Close() })
	ts := startServerIn(t, t.TempDir(), host, opts)
	r := &realRig{sb: sb, sock: ts.sock, client: ts.client, srv: ts.srv, host: host}
	r.nl, r.vs = observe(t, sb)
	return r
}

func (r *realRig) linkExists(name string) bool {
	_, err := r.nl.LinkByName(name)
	return err == nil
}

// leftovers lists what VIFs left in the sandbox: OVS ports on any bridge and the devices
// whose names start with one of the VIF device prefixes.
func leftovers(t testing.TB, nl *netlink.Handle, vs *vswitch.VSwitch, bridges ...string) []string {
	t.Helper()
	var left []string
	for _, b := range bridges {
		ports, err := vs.ListPorts(context.Background(), b)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ports {
			if p != b {
				left = append(left, "ovs port "+p)
			}
		}
	}
	return append(left, leftoverDevices(t, nl)...)
}

// leftoverDevices lists the devices whose names start with one of the VIF device prefixes
// (tap, qbr, qvb, qvo).
func leftoverDevices(t testing.TB, nl *netlink.Handle) []string {
	t.Helper()
	var left []string
	links, err := nl.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		n := l.Attrs().Name
		for _, p := range []string{"tap", "qbr", "qvb", "qvo"} {
			if strings.HasPrefix(n, p) {
				left = append(left, "device "+n)
			}
		}
	}
	return left
}

// loadVIF returns VIF number i of a load run: even numbers are plain VIFOpenVSwitch with
// create_port (one OVS port), odd numbers hybrid VIFBridge (qbr, qvb/qvo veth, OVS port).
func loadVIF(i int) objects.VIF {
	id := fmt.Sprintf("%08x-1111-4222-8333-%012x", i, i)
	mac := net.HardwareAddr{0xfa, 0x16, 0x3e, byte(i >> 16), byte(i >> 8), byte(i)}
	netw := &objects.Network{ID: objects.Set("5b7d9f1a-3c5e-4f7a-9b1d-3f5a7c9e1b3d"), Bridge: objects.Set("br-int"), MTU: objects.Set(1450)}
	prof := &objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(id), DatapathType: objects.Set("netdev")}
	base := objects.VIFBase{ID: objects.Set(id), Address: objects.Set(mac), Network: objects.Set(netw), Plugin: objects.Set("ovs")}
	if i%2 == 0 {
		prof.CreatePort = objects.Set(true)
		base.PortProfile = objects.Set[objects.PortProfile](prof)
		return &objects.VIFOpenVSwitch{VIFBase: base, VIFName: objects.Set(("tap" + id)[:14]), BridgeName: objects.Set("br-int")}
	}
	base.PortProfile = objects.Set[objects.PortProfile](prof)
	return &objects.VIFBridge{VIFBase: base, VIFName: objects.Set(("tap" + id)[:14]), BridgeName: objects.Set(("qbr" + id)[:14])}
}

// servedDaemon is `govif serve` (the real binary) running inside the sandbox namespace, with
// a config file pointing the plugins at the sandbox's OVSDB.
type servedDaemon struct {
	cmd    *exec.Cmd
	sock   string
	done   chan struct{}
	err    error
	stderr *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMain removes the binaries the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveBinaries()
	os.Exit(code)
}

// buildGovif builds cmd/govif once per test binary and returns its path.
func buildGovif(t testing.TB) string {
	t.Helper()
	return filepath.Join(testenv.Binaries(t, "github.com/govif/govif/cmd/govif"), "govif")
}

// startServe runs `govif serve` inside sb's namespace, its plugins on the sandbox's OVSDB, and
// waits until it answers /healthz.
func startServe(t testing.TB, sb *sandbox.OVS) *servedDaemon {
	t.Helper()
	// state_path in the test's dir: the inventory must not go to the host's /var/lib/govif.
	dir := t.TempDir()
	ini := fmt.Sprintf("[os_vif_ovs]\novsdb_connection = %s\n\n[oslo_concurrency]\nlock_path = %s\n\n[govif_daemon]\nsocket = @SOCK@\nrequest_timeout = 120\nstate_path = %s\n",
		sb.Endpoint(), filepath.Join(dir, "locks"), filepath.Join(dir, "state"))
	return startServeIni(t, sb, ini)
}

// awaitHealthy waits up to 30 s for the daemon on sock to answer /healthz; it gives up early
// when done closes (the process exited). logs is what the error reports of the daemon's output.
func awaitHealthy(sock string, done <-chan struct{}, logs func() string) error {
	c, err := NewClient("unix:" + sock)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for c.Health(ctx) != nil {
		select {
		case <-done:
			return fmt.Errorf("govif serve exited: %s", logs())
		case <-ctx.Done():
			return fmt.Errorf("govif serve did not answer /healthz: %s", logs())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// rssKiB reads VmRSS of pid from /proc.
func rssKiB(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, errors.New("no VmRSS")
}

// stop sends SIGTERM and waits for a clean exit.
func (d *servedDaemon) stop(t testing.TB) {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
		if d.err != nil {
			t.Errorf("govif serve after SIGTERM: %v: %s", d.err, d.stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Errorf("govif serve did not exit on SIGTERM")
	}
}
