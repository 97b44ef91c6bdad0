package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/vswitch"
)

// VSwitchSchema is the Open_vSwitch schema Debian's openvswitch-common ships.
const VSwitchSchema = "/usr/share/openvswitch/vswitch.ovsschema"

// Options says what StartOVS runs.
type Options struct {
	// NetNS is the namespace the daemons are born in; nil makes a fresh one, owned (and
	// closed) by the OVS.
	NetNS *NetNS
	// VSwitchd also starts ovs-vswitchd. Bridges must then use datapath_type=netdev: the
	// kernel datapath module is not assumed.
	VSwitchd bool
	// Dir is the directory for the database, sockets, pid files and logs; empty makes a temp
	// dir, removed by Close. It must be short: unix socket paths are limited to 107 bytes.
	Dir string
	// Logger receives a line per daemon started and stopped (default: discard).
	Logger *slog.Logger
	// DBArgs are extra ovsdb-server arguments, appended after the sandbox's own (for example
	// "--remote=db:Open_vSwitch,Open_vSwitch,manager_options" and the TLS options ovs-ctl
	// passes, so that ovs-vsctl set-manager and set-ssl take effect).
	DBArgs []string
}

// OVS is a private Open vSwitch: ovsdb-server (and optionally ovs-vswitchd) whose files all
// live in one directory, born inside one network namespace. Close stops everything.
type OVS struct {
	dir     string
	ownDir  bool
	ns      *NetNS
	ownNS   bool
	env     []string
	log     *slog.Logger
	bins    map[string]string
	dbArgs  []string
	closeMu sync.Mutex
	daemons []*proc // in start order
	db      *proc   // the running ovsdb-server, nil after StopDB
}

// proc is one daemon process.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// MissingError says which binary or file StartOVS could not find, and the Debian package that
// has it, so callers can skip or tell the user what to install.
type MissingError struct {
	What    string
	Package string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("sandbox: %s not found (install the Debian package %s, or run scripts/install-deps.sh)", e.What, e.Package)
}

// LookBinary finds name in PATH or the sbin directories Debian puts OVS daemons in.
func LookBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/lib/openvswitch-switch"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// Check reports whether everything StartOVS needs is installed, as a *MissingError.
func Check(vswitchd bool) error {
	need := [][2]string{{"ovsdb-tool", "openvswitch-common"}, {"ovsdb-server", "openvswitch-switch"}}
	if vswitchd {
		need = append(need, [2]string{"ovs-vswitchd", "openvswitch-switch"})
	}
	for _, n := range need {
		if _, err := LookBinary(n[0]); err != nil {
			return &MissingError{What: n[0], Package: n[1]}
		}
	}
	if _, err := os.Stat(VSwitchSchema); err != nil {
		return &MissingError{What: VSwitchSchema, Package: "openvswitch-common"}
	}
	return nil
}

// StartOVS creates the database, starts ovsdb-server (and ovs-vswitchd when opts.VSwitchd)
// in the namespace, initialises the Open_vSwitch row over OVSDB and, with ovs-vswitchd, waits
// until it has applied the configuration. On error everything started is stopped again.
func StartOVS(ctx context.Context, opts Options) (_ *OVS, err error) {
	if err := Check(opts.VSwitchd); err != nil {
		return nil, err
	}
	o := &OVS{dir: opts.Dir, ns: opts.NetNS, log: opts.Logger, bins: map[string]string{}, dbArgs: opts.DBArgs}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	for _, b := range []string{"ovsdb-tool", "ovsdb-server", "ovs-vswitchd"} {
		o.bins[b], _ = LookBinary(b)
	}
	defer func() {
		if err != nil {
			o.Close()
		}
	}()
	if o.dir == "" {
		if o.dir, err = os.MkdirTemp("", "govif-ovs-"); err != nil {
			return nil, fmt.Errorf("sandbox: %w", err)
		}
		o.ownDir = true
	} else if err = os.MkdirAll(o.dir, 0o755); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if o.ns == nil {
		if o.ns, err = NewNetNS(); err != nil {
			return nil, err
		}
		o.ownNS = true
	}
	o.env = append(os.Environ(),
		"OVS_RUNDIR="+o.dir, "OVS_LOGDIR="+o.dir, "OVS_DBDIR="+o.dir, "OVS_SYSCONFDIR="+o.dir,
		"OVS_PKGDATADIR=/usr/share/openvswitch")

	tool := exec.CommandContext(ctx, o.bins["ovsdb-tool"], "create", o.dbFile(), VSwitchSchema)
	tool.Env = o.env
	if out, err := tool.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("sandbox: ovsdb-tool create: %w: %s", err, out)
	}
	if err := o.startDB(ctx); err != nil {
		return nil, err
	}
	if err := o.initDB(ctx); err != nil {
		return nil, err
	}
	if opts.VSwitchd {
		if err := o.startVSwitchd(ctx); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func (o *OVS) dbFile() string { return filepath.Join(o.dir, "conf.db") }

// Dir returns the sandbox's directory (database, sockets, pid files, logs).
func (o *OVS) Dir() string { return o.dir }

// NetNS returns the namespace the daemons run in.
func (o *OVS) NetNS() *NetNS { return o.ns }

// DBSocket returns the path of ovsdb-server's unix socket.
func (o *OVS) DBSocket() string { return filepath.Join(o.dir, "db.sock") }

// Endpoint returns the database endpoint in os-vif's ovsdb_connection syntax, "unix:<path>".
func (o *OVS) Endpoint() string { return "unix:" + o.DBSocket() }

// PIDs returns the process ids of the daemons still running.
func (o *OVS) PIDs() []int {
	o.closeMu.Lock()
	defer o.closeMu.Unlock()
	var pids []int
	for _, d := range o.daemons {
		select {
		case <-d.done:
		default:
			pids = append(pids, d.cmd.Process.Pid)
		}
	}
	return pids
}

// SignalDaemon sends sig to the running daemon named name ("ovsdb-server", "ovs-vswitchd"):
// tests freeze one with SIGSTOP (a hung daemon) and thaw it with SIGCONT.
func (o *OVS) SignalDaemon(name string, sig os.Signal) error {
	o.closeMu.Lock()
	defer o.closeMu.Unlock()
	for _, d := range o.daemons {
		select {
		case <-d.done:
			continue
		default:
		}
		if d.name == name {
			return d.cmd.Process.Signal(sig)
		}
	}
	return fmt.Errorf("sandbox: no running %s", name)
}

// StopDB stops ovsdb-server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. The
// database file stays; StartDB starts a new server on it. Stopping a stopped server is a no-op.
func (o *OVS) StopDB() {
	o.closeMu.Lock()
	d := o.db
	o.db = nil
	for i, p := range o.daemons {
		if p == d {
			o.daemons = append(o.daemons[:i:i], o.daemons[i+1:]...)
			break
		}
	}
	o.closeMu.Unlock()
	if d != nil {
		d.stop()
		o.log.Debug("sandbox: stopped", "daemon", d.name, "pid", d.cmd.Process.Pid)
	}
}

// StartDB starts ovsdb-server again on the same database file and socket path, and waits until
// it accepts connections. It fails if the server is running.
func (o *OVS) StartDB(ctx context.Context) error {
	return o.startDB(ctx)
}

func (o *OVS) startDB(ctx context.Context) error {
	o.closeMu.Lock()
	running := o.db != nil
	o.closeMu.Unlock()
	if running {
		return errors.New("sandbox: ovsdb-server already running")
	}
	os.Remove(o.DBSocket())
	args := append([]string{o.dbFile(),
		"--remote=punix:" + o.DBSocket(),
		"--pidfile=" + filepath.Join(o.dir, "ovsdb-server.pid"),
		"--log-file=" + filepath.Join(o.dir, "ovsdb-server.log"),
		"--unixctl=" + filepath.Join(o.dir, "ovsdb-server.ctl"),
		"-vconsole:off"}, o.dbArgs...)
	d, err := o.spawn("ovsdb-server", args...)
	if err != nil {
		return err
	}
	o.closeMu.Lock()
	o.db = d
	o.closeMu.Unlock()
	err = o.waitFor(ctx, d, "ovsdb-server to open "+o.DBSocket(), func(ctx context.Context) error {
		var dl net.Dialer
		c, err := dl.DialContext(ctx, "unix", o.DBSocket())
		if err == nil {
			c.Close()
		}
		return err
	})
	if err != nil {
		o.StopDB()
	}
	return err
}

// initDB inserts the Open_vSwitch row, as `ovs-vsctl --no-wait init` does.
func (o *OVS) initDB(ctx context.Context) error {
	c, err := ovsdb.Dial(ctx, o.Endpoint())
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	defer c.Close()
	ops := []ovsdb.Operation{
		ovsdb.Wait("Open_vSwitch", nil, []string{"_uuid"}, "==", []map[string]any{}, 0),
		ovsdb.Insert("Open_vSwitch", map[string]any{}, ""),
	}
	if _, err := c.Transact(ctx, "Open_vSwitch", ops...); err != nil {
		return fmt.Errorf("sandbox: initialise Open_vSwitch row: %w", err)
	}
	return nil
}

func (o *OVS) startVSwitchd(ctx context.Context) error {
	d, err := o.spawn("ovs-vswitchd", "unix:"+o.DBSocket(),
		"--pidfile="+filepath.Join(o.dir, "ovs-vswitchd.pid"),
		"--log-file="+filepath.Join(o.dir, "ovs-vswitchd.log"),
		"--unixctl="+filepath.Join(o.dir, "ovs-vswitchd.ctl"),
		"-vconsole:off")
	if err != nil {
		return err
	}
	// A fresh connection per attempt, as ovs-vsctl would: on a loaded machine an attempt can
	// time out mid-write, which ends that session, and the next attempt must not inherit it.
	return o.waitFor(ctx, d, "ovs-vswitchd to apply the initial configuration", func(ctx context.Context) error {
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		v, err := vswitch.Open(wctx, o.Endpoint())
		if err != nil {
			return err
		}
		defer v.Close()
		return v.WaitApplied(wctx)
	})
}

// spawn starts a daemon inside the sandbox's namespace. Pdeathsig kills it should this
// process die without Close.
func (o *OVS) spawn(name string, args ...string) (*proc, error) {
	cmd := exec.Command(o.bins[name], args...)
	cmd.Env = o.env
	cmd.Dir = o.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := o.ns.Do(cmd.Start); err != nil {
		return nil, fmt.Errorf("sandbox: start %s: %w", name, err)
	}
	d := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		d.err = cmd.Wait()
		close(d.done)
	}()
	o.closeMu.Lock()
	o.daemons = append(o.daemons, d)
	o.closeMu.Unlock()
	o.log.Debug("sandbox: started", "daemon", name, "pid", cmd.Process.Pid)
	return d, nil
}

// waitFor polls ready until it succeeds, the daemon exits, ctx ends or 30 s pass.
func (o *OVS) waitFor(ctx context.Context, d *proc, what string, ready func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		err := ready(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-d.done:
			return fmt.Errorf("sandbox: %s exited while waiting for %s: %v (log: %s)", d.name, what, d.err, o.LogTail(d.name))
		case <-ctx.Done():
			return fmt.Errorf("sandbox: waiting for %s: %w (last error: %v; log: %s)", what, ctx.Err(), err, o.LogTail(d.name))
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// LogTail returns the last 2000 bytes of a daemon's log ("ovsdb-server" or "ovs-vswitchd").
func (o *OVS) LogTail(daemon string) string {
	b, err := os.ReadFile(filepath.Join(o.dir, daemon+".log"))
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// Close stops the daemons (newest first: SIGTERM, then SIGKILL after 5 s), closes the
// namespace if StartOVS made it and removes the directory if StartOVS made it. It is safe to
// call more than once.
func (o *OVS) Close() error {
	o.closeMu.Lock()
	ds := o.daemons
	o.daemons = nil
	o.db = nil
	o.closeMu.Unlock()
	var errs []error
	for i := len(ds) - 1; i >= 0; i-- {
		ds[i].stop()
		o.log.Debug("sandbox: stopped", "daemon", ds[i].name, "pid", ds[i].cmd.Process.Pid)
	}
	if o.ownNS {
		errs = append(errs, o.ns.Close())
	}
	if o.ownDir && o.dir != "" {
		errs = append(errs, os.RemoveAll(o.dir))
		o.ownDir = false
	}
	return errors.Join(errs...)
}

func (d *proc) stop() {
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
