package sandbox

import (
	"context"
	"errors"
	"syscall"
)

// KillDB kills ovsdb-server with SIGKILL (no clean shutdown, as a crash would) and waits for
// it to exit. The database file stays; StartDB starts a new server on it. Killing a stopped
// server is a no-op.
func (o *OVS) KillDB() {
	o.closeMu.Lock()
	d := o.db
	o.db = nil
	o.daemons = without(o.daemons, d)
	o.closeMu.Unlock()
	if d != nil {
		d.kill()
		o.log.Debug("sandbox: killed", "daemon", d.name, "pid", d.cmd.Process.Pid)
	}
}

// KillVSwitchd kills ovs-vswitchd with SIGKILL and waits for it to exit; StartVSwitchd starts
// a new one. Its bridges and ports stay in the database; the devices it made for them
// (internal ports, the netdev datapath) go with it and are made again by the next one. It
// returns false when ovs-vswitchd was not running.
func (o *OVS) KillVSwitchd() bool {
	o.closeMu.Lock()
	var d *proc
	for _, p := range o.daemons {
		if p.name == "ovs-vswitchd" {
			d = p
		}
	}
	o.daemons = without(o.daemons, d)
	o.closeMu.Unlock()
	if d == nil {
		return false
	}
	d.kill()
	o.log.Debug("sandbox: killed", "daemon", d.name, "pid", d.cmd.Process.Pid)
	return true
}

// StartVSwitchd starts ovs-vswitchd (again) and waits until it has applied the configuration
// in the database. It fails if one is running.
func (o *OVS) StartVSwitchd(ctx context.Context) error {
	o.closeMu.Lock()
	for _, p := range o.daemons {
		if p.name == "ovs-vswitchd" {
			o.closeMu.Unlock()
			return errors.New("sandbox: ovs-vswitchd already running")
		}
	}
	o.closeMu.Unlock()
	return o.startVSwitchd(ctx)
}

func without(ds []*proc, d *proc) []*proc {
	for i, p := range ds {
		if p == d {
			return append(ds[:i:i], ds[i+1:]...)
		}
	}
	return ds
}

func (d *proc) kill() {
	_ = d.cmd.Process.Signal(syscall.SIGKILL)
	<-d.done
}
