package testenv

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// VSwitchSchema is the Open_vSwitch schema Debian's openvswitch-common ships.
const VSwitchSchema = "/usr/share/openvswitch/vswitch.ovsschema"

// OVSOptions says what StartOVS runs.
type OVSOptions struct {
	// NetNS is the namespace the daemons are born in; nil makes a fresh one.
	NetNS *NetNS
	// VSwitchd also starts ovs-vswitchd (bridges must then use datapath_type=netdev: the
	// kernel datapath module is not assumed).
	VSwitchd bool
}

// OVS is a private Open vSwitch: an ovsdb-server (and optionally ovs-vswitchd) whose database,
// sockets, pid files and logs all live in one temp dir, born inside one network namespace.
// Nothing touches /var/run/openvswitch. Everything is stopped when the test ends.
type OVS struct {
	dir    string
	ns     *NetNS
	env    []string
	server string // ovsdb-server path
	vsctl  string // ovs-vsctl path

	mu       sync.Mutex
	db       *daemon
	vswitchd *daemon
}

type daemon struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// StartOVS starts a sandboxed ovsdb-server (and ovs-vswitchd when opts.VSwitchd) for t, with the
// Open_vSwitch row initialised. It skips t when not root or when an OVS binary is missing.
func StartOVS(t testing.TB, opts OVSOptions) *OVS {
	t.Helper()
	RequireRoot(t)
	tool := RequireBinary(t, "ovsdb-tool", "openvswitch-common")
	server := RequireBinary(t, "ovsdb-server", "openvswitch-switch")
	vsctl := RequireBinary(t, "ovs-vsctl", "openvswitch-switch")
	var vswitchd string
	if opts.VSwitchd {
		vswitchd = RequireBinary(t, "ovs-vswitchd", "openvswitch-switch")
	}
	if _, err := os.Stat(VSwitchSchema); err != nil {
		t.Skipf("skipping: %s not found (install Debian package openvswitch-common)", VSwitchSchema)
	}
	ns := opts.NetNS
	if ns == nil {
		ns = NewNetNS(t)
	}
	// A short path: unix socket paths are limited to 107 bytes, and vswitchd puts
	// <bridge>.mgmt sockets in its rundir.
	dir, err := os.MkdirTemp("", "govif-ovs-")
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	o := &OVS{dir: dir, ns: ns, server: server, vsctl: vsctl}
	o.env = append(os.Environ(),
		"OVS_RUNDIR="+dir, "OVS_LOGDIR="+dir, "OVS_DBDIR="+dir, "OVS_SYSCONFDIR="+dir,
		"OVS_PKGDATADIR=/usr/share/openvswitch")
	t.Cleanup(func() {
		o.stopAll()
		if !t.Failed() {
			os.RemoveAll(dir)
		} else {
			t.Logf("testenv: OVS sandbox kept for inspection in %s", dir)
		}
	})
	if out, err := exec.Command(tool, "create", o.dbFile(), VSwitchSchema).CombinedOutput(); err != nil {
		t.Fatalf("testenv: ovsdb-tool create: %v: %s", err, out)
	}
	if err := o.startDB(); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	o.Vsctl(t, "--no-wait", "init")
	if opts.VSwitchd {
		args := []string{
			"unix:" + o.DBSocket(),
			"--pidfile=" + filepath.Join(dir, "ovs-vswitchd.pid"),
			"--log-file=" + filepath.Join(dir, "ovs-vswitchd.log"),
			"--unixctl=" + filepath.Join(dir, "ovs-vswitchd.ctl"),
			"-vconsole:off",
		}
		d, err := o.spawn("ovs-vswitchd", vswitchd, args)
		if err != nil {
			t.Fatalf("testenv: %v", err)
		}
		o.mu.Lock()
		o.vswitchd = d
		o.mu.Unlock()
		// vswitchd is ready once it has applied a config: ovs-vsctl without --no-wait bumps
		// next_cfg and waits until cur_cfg catches up.
		o.waitFor(t, "ovs-vswitchd to apply the initial config", func() bool {
			_, err := o.vsctlOut("init")
			return err == nil
		}, d)
	}
	return o
}

func (o *OVS) dbFile() string { return filepath.Join(o.dir, "conf.db") }

// Dir returns the sandbox's temp dir (database, sockets, pid files, logs).
func (o *OVS) Dir() string { return o.dir }

// NetNS returns the namespace the daemons run in.
func (o *OVS) NetNS() *NetNS { return o.ns }

// DBSocket returns the path of ovsdb-server's unix socket.
func (o *OVS) DBSocket() string { return filepath.Join(o.dir, "db.sock") }

// Endpoint returns the database endpoint in os-vif's ovsdb_connection syntax, "unix:<path>".
func (o *OVS) Endpoint() string { return "unix:" + o.DBSocket() }

// Vsctl runs ovs-vsctl against this database and returns its trimmed stdout; it fails t on error.
// It is for test assertions and benchmarks only: library code never shells out.
func (o *OVS) Vsctl(t testing.TB, args ...string) string {
	t.Helper()
	out, err := o.vsctlOut(args...)
	if err != nil {
		t.Fatalf("testenv: ovs-vsctl %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// VsctlErr is Vsctl returning the error instead of failing the test.
func (o *OVS) VsctlErr(args ...string) (string, error) { return o.vsctlOut(args...) }

func (o *OVS) vsctlOut(args ...string) (string, error) {
	full := append([]string{"--db=" + o.Endpoint(), "--timeout=30"}, args...)
	cmd := exec.Command(o.vsctl, full...)
	cmd.Env = o.env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// StopDB stops ovsdb-server (SIGTERM, then SIGKILL) and waits for it to exit. The database file
// stays; StartDB starts a new server on it.
func (o *OVS) StopDB(t testing.TB) {
	t.Helper()
	o.mu.Lock()
	d := o.db
	o.db = nil
	o.mu.Unlock()
	if d != nil {
		d.stop()
	}
}

// StartDB starts ovsdb-server again on the same database file and socket path, and waits until
// it accepts connections.
func (o *OVS) StartDB(t testing.TB) {
	t.Helper()
	if err := o.startDB(); err != nil {
		t.Fatalf("testenv: %v", err)
	}
}

func (o *OVS) startDB() error {
	o.mu.Lock()
	running := o.db != nil
	o.mu.Unlock()
	if running {
		return errors.New("ovsdb-server already running")
	}
	os.Remove(o.DBSocket())
	args := []string{
		o.dbFile(),
		"--remote=punix:" + o.DBSocket(),
		"--remote=db:Open_vSwitch,Open_vSwitch,manager_options",
		// As ovs-ctl starts it: TLS material from the SSL table (ovs-vsctl set-ssl).
		"--private-key=db:Open_vSwitch,SSL,private_key",
		"--certificate=db:Open_vSwitch,SSL,certificate",
		"--ca-cert=db:Open_vSwitch,SSL,ca_cert",
		"--pidfile=" + filepath.Join(o.dir, "ovsdb-server.pid"),
		"--log-file=" + filepath.Join(o.dir, "ovsdb-server.log"),
		"--unixctl=" + filepath.Join(o.dir, "ovsdb-server.ctl"),
		"-vconsole:off",
	}
	d, err := o.spawn("ovsdb-server", o.server, args)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("unix", o.DBSocket())
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-d.done:
			return fmt.Errorf("ovsdb-server exited at start: %v (log: %s)", d.err, o.logTail("ovsdb-server.log"))
		default:
		}
		if time.Now().After(deadline) {
			d.stop()
			return fmt.Errorf("ovsdb-server did not open %s within 30s", o.DBSocket())
		}
		time.Sleep(10 * time.Millisecond)
	}
	o.mu.Lock()
	o.db = d
	o.mu.Unlock()
	return nil
}

// spawn starts a daemon inside the sandbox's namespace.
func (o *OVS) spawn(name, path string, args []string) (*daemon, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = o.env
	cmd.Dir = o.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	err := o.ns.Do(func() error { return cmd.Start() })
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	d := &daemon{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		d.err = cmd.Wait()
		close(d.done)
	}()
	return d, nil
}

// stop sends SIGTERM, then SIGKILL after a grace period, and waits for the exit.
func (d *daemon) stop() {
	select {
	case <-d.done:
		return
	default:
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
		return
	case <-time.After(5 * time.Second):
	}
	_ = d.cmd.Process.Kill()
	<-d.done
}

func (o *OVS) stopAll() {
	o.mu.Lock()
	v, db := o.vswitchd, o.db
	o.vswitchd, o.db = nil, nil
	o.mu.Unlock()
	if v != nil {
		v.stop()
	}
	if db != nil {
		db.stop()
	}
}

func (o *OVS) waitFor(t testing.TB, what string, cond func() bool, d *daemon) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		select {
		case <-d.done:
			t.Fatalf("testenv: %s exited while waiting for %s: %v (log: %s)", d.name, what, d.err, o.logTail(d.name+".log"))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: timed out waiting for %s (log: %s)", what, o.logTail(d.name+".log"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (o *OVS) logTail(name string) string {
	b, err := os.ReadFile(filepath.Join(o.dir, name))
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
