package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govif/govif/internal/sandbox"
)

// VSwitchSchema is the Open_vSwitch schema Debian's openvswitch-common ships.
const VSwitchSchema = sandbox.VSwitchSchema

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
// Nothing touches /var/run/openvswitch. Everything is stopped when the test ends. It is a test
// wrapper over internal/sandbox, which starts and stops the daemons.
type OVS struct {
	sb    *sandbox.OVS
	ns    *NetNS
	vsctl string // ovs-vsctl path
	env   []string
}

// dbArgs are the ovsdb-server options ovs-ctl adds on a real host: remotes from
// Open_vSwitch.manager_options (ovs-vsctl set-manager) and TLS material from the SSL table
// (ovs-vsctl set-ssl).
var dbArgs = []string{
	"--remote=db:Open_vSwitch,Open_vSwitch,manager_options",
	"--private-key=db:Open_vSwitch,SSL,private_key",
	"--certificate=db:Open_vSwitch,SSL,certificate",
	"--ca-cert=db:Open_vSwitch,SSL,ca_cert",
}

// StartOVS starts a sandboxed ovsdb-server (and ovs-vswitchd when opts.VSwitchd) for t, with the
// Open_vSwitch row initialised. It skips t when not root or when an OVS binary is missing.
func StartOVS(t testing.TB, opts OVSOptions) *OVS {
	t.Helper()
	RequireRoot(t)
	RequireBinary(t, "ovsdb-tool", "openvswitch-common")
	RequireBinary(t, "ovsdb-server", "openvswitch-switch")
	vsctl := RequireBinary(t, "ovs-vsctl", "openvswitch-switch")
	if opts.VSwitchd {
		RequireBinary(t, "ovs-vswitchd", "openvswitch-switch")
	}
	if err := sandbox.Check(opts.VSwitchd); err != nil {
		t.Skipf("skipping: %v", err)
	}
	ns := opts.NetNS
	if ns == nil {
		ns = NewNetNS(t)
	}
	// A short path: unix socket paths are limited to 107 bytes, and vswitchd puts
	// <bridge>.mgmt sockets in its rundir. testenv owns it so that it can keep it when t fails.
	dir, err := os.MkdirTemp("", "govif-ovs-")
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	sb, err := sandbox.StartOVS(t.Context(), sandbox.Options{
		NetNS: ns.ns, VSwitchd: opts.VSwitchd, Dir: dir, DBArgs: dbArgs,
	})
	t.Cleanup(func() {
		if sb != nil {
			sb.Close()
		}
		if !t.Failed() {
			os.RemoveAll(dir)
		} else {
			t.Logf("testenv: OVS sandbox kept for inspection in %s", dir)
		}
	})
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return &OVS{sb: sb, ns: ns, vsctl: vsctl, env: append(os.Environ(),
		"OVS_RUNDIR="+dir, "OVS_LOGDIR="+dir, "OVS_DBDIR="+dir, "OVS_SYSCONFDIR="+dir,
		"OVS_PKGDATADIR=/usr/share/openvswitch")}
}

// Dir returns the sandbox's temp dir (database, sockets, pid files, logs).
func (o *OVS) Dir() string { return o.sb.Dir() }

// NetNS returns the namespace the daemons run in.
func (o *OVS) NetNS() *NetNS { return o.ns }

// DBSocket returns the path of ovsdb-server's unix socket.
func (o *OVS) DBSocket() string { return o.sb.DBSocket() }

// Endpoint returns the database endpoint in os-vif's ovsdb_connection syntax, "unix:<path>".
func (o *OVS) Endpoint() string { return o.sb.Endpoint() }

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

// SignalDaemon sends sig to the daemon named name ("ovsdb-server", "ovs-vswitchd"); a daemon
// frozen with SIGSTOP is thawed (SIGCONT) when the test ends, so that it can be stopped.
func (o *OVS) SignalDaemon(t testing.TB, name string, sig os.Signal) {
	t.Helper()
	if err := o.sb.SignalDaemon(name, sig); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if sig == syscall.SIGSTOP {
		t.Cleanup(func() { o.sb.SignalDaemon(name, syscall.SIGCONT) })
	}
}

// StopDB stops ovsdb-server (SIGTERM, then SIGKILL) and waits for it to exit. The database file
// stays; StartDB starts a new server on it.
func (o *OVS) StopDB(t testing.TB) {
	t.Helper()
	o.sb.StopDB()
}

// StartDB starts ovsdb-server again on the same database file and socket path, and waits until
// it accepts connections.
func (o *OVS) StartDB(t testing.TB) {
	t.Helper()
	if err := o.sb.StartDB(t.Context()); err != nil {
		t.Fatalf("testenv: %v", err)
	}
}

// StartSandbox starts a bare internal/sandbox OVS (ovsdb-server and ovs-vswitchd in a fresh
// namespace and temp dir of the sandbox's own) for tests that need its fault injection (KillDB,
// KillVSwitchd, ...) rather than StartOVS's ovs-vsctl helpers. It skips t when not root, in
// -short, or when an OVS binary is missing, and stops the sandbox when t ends.
func StartSandbox(t testing.TB) *sandbox.OVS {
	t.Helper()
	RequireRoot(t)
	var missing *sandbox.MissingError
	if err := sandbox.Check(true); errors.As(err, &missing) {
		t.Skipf("skipping: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sb, err := sandbox.StartOVS(ctx, sandbox.Options{VSwitchd: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}
