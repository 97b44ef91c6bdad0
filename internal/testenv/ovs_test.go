package testenv

import (
	"net"
	"os"
	"strings"
	"testing"
)

func TestStartOVSDBOnly(t *testing.T) {
	o := StartOVS(t, OVSOptions{})
	if !strings.HasPrefix(o.Endpoint(), "unix:") {
		t.Fatalf("Endpoint %q", o.Endpoint())
	}
	if got := o.Vsctl(t, "get", "Open_vSwitch", ".", "next_cfg"); got != "0" {
		t.Fatalf("Open_vSwitch row not initialised: next_cfg=%q", got)
	}
	o.Vsctl(t, "--no-wait", "add-br", "br-t", "--", "set", "Bridge", "br-t", "datapath_type=netdev")
	o.StopDB(t)
	if c, err := net.Dial("unix", o.DBSocket()); err == nil {
		c.Close()
		t.Fatal("socket still accepts connections after StopDB")
	}
	o.StartDB(t)
	if got := o.Vsctl(t, "list-br"); got != "br-t" {
		t.Fatalf("bridge lost across restart: list-br=%q", got)
	}
	if _, err := os.Stat("/var/run/openvswitch/br-t.mgmt"); err == nil {
		t.Fatal("sandbox wrote into the system rundir")
	}
}

func TestStartOVSWithVSwitchd(t *testing.T) {
	o := StartOVS(t, OVSOptions{VSwitchd: true})
	// ovs-vsctl without --no-wait returns only once vswitchd applied the change.
	o.Vsctl(t, "add-br", "br-v", "--", "set", "Bridge", "br-v", "datapath_type=netdev")
	if got := o.Vsctl(t, "get", "Interface", "br-v", "ofport"); got != "65534" {
		t.Fatalf("bridge internal port ofport=%q, want 65534", got)
	}
	// The internal port's tap is in the sandbox namespace, not the host's.
	if _, err := net.InterfaceByName("br-v"); err == nil {
		t.Fatal("br-v appeared in the host namespace")
	}
	err := o.NetNS().Do(func() error {
		_, err := net.InterfaceByName("br-v")
		return err
	})
	if err != nil {
		t.Fatalf("br-v not in the sandbox namespace: %v", err)
	}
}
