package ovs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/govif/govif/vswitch"
)

// os-vif's vsctl backend logs and swallows "--may-exist add-port br-int p" when p is on another
// bridge (and the native backend silently leaves it there): the plug "succeeds" and the VIF is
// not on br-int. govif fails with the typed conflict and leaves the other port alone.
func TestFunctionalPortOnAnotherBridge(t *testing.T) {
	r := newRig(t, true)
	r.ovs.Vsctl(t, "add-br", "br-other", "--", "set", "Bridge", "br-other", "datapath_type=netdev")
	r.ovs.Vsctl(t, "add-port", "br-other", "tapa1b2c3d4-11")
	p := r.plugin(DefaultOptions())
	vif := ovsVIF("br-int", "netdev", 1442)
	err := p.Plug(r.ctx, vif, testInstance())
	var pc *vswitch.PortConflictError
	var oe *OpError
	if !errors.As(err, &pc) || !errors.As(err, &oe) || oe.VIF != tID {
		t.Fatalf("plug: err = %v, want *vswitch.PortConflictError in an *OpError", err)
	}
	if got := r.ports("br-other"); len(got) != 1 {
		t.Errorf("the other bridge's port was touched: %v", got)
	}
	// Unplug names the conflict too (os-vif's vsctl "--if-exists del-port br-int p" fails and
	// is swallowed), and still removes what belongs to the VIF on the host.
	if err := p.Unplug(r.ctx, vif, testInstance()); !errors.As(err, &pc) {
		t.Errorf("unplug: err = %v, want *vswitch.PortConflictError", err)
	}
	if got := r.ports("br-other"); len(got) != 1 {
		t.Errorf("unplug removed a port from another bridge: %v", got)
	}
}

// A dead ovsdb-server: os-vif's native backend raises only from transaction blocks after its
// timeout and swallows it elsewhere. govif fails the plug at once, naming the VIF and the step,
// and removes the devices the plug had made.
func TestFunctionalOVSDBDown(t *testing.T) {
	r := newRig(t, true)
	p := r.plugin(DefaultOptions())
	vif := hybridVIF(tID, tMAC, "netdev", 1450)
	r.ovs.StopDB(t)
	ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
	defer cancel()
	err := p.Plug(ctx, vif, testInstance())
	var oe *OpError
	// The ownership check (owner.go) reads OVSDB first; without it, the first OVSDB step is the
	// add of qvo (which requires br-int in the same transaction).
	if !errors.As(err, &oe) || !(oe.Step == "add OVS port" && oe.Device == "br-int/qvoa1b2c3d4-11" || oe.Step == "read OVS interfaces") {
		t.Fatalf("err = %v, want an *OpError at add OVS port br-int/qvoa1b2c3d4-11 or read OVS interfaces", err)
	}
	t.Logf("plug with ovsdb-server down: %v", err)
	for _, d := range []string{"qbra1b2c3d4-11", "qvba1b2c3d4-11", "qvoa1b2c3d4-11"} {
		if r.link(d) != nil {
			t.Errorf("rollback left %s", d)
		}
	}
	if err := p.Unplug(ctx, vif, testInstance()); err == nil {
		t.Error("unplug with ovsdb-server down reported success")
	}
}
