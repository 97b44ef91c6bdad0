package vswitch_test

import (
	"context"
	"errors"
	"log"
	"time"

	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/vswitch"
)

// Plug a tap into br-int the way os-vif does, and wait until ovs-vswitchd has it.
func ExampleVSwitch_AddPort() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // os-vif's ovs_vsctl_timeout
	defer cancel()
	v, err := vswitch.Open(ctx, "unix:/run/openvswitch/db.sock",
		ovsdb.WithReconnect(50*time.Millisecond, 5*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	defer v.Close()
	if err := v.EnsureBridge(ctx, "br-int", "system"); err != nil {
		var dc *vswitch.DatapathConflictError
		if errors.As(err, &dc) {
			log.Fatalf("br-int is a %s bridge", dc.Have)
		}
		log.Fatal(err)
	}
	err = v.AddPort(ctx, vswitch.PortSpec{Bridge: "br-int", Name: "tapa1b2c3d4-11", ExternalIDs: map[string]string{
		"iface-id": "a1b2c3d4-1111-4222-8333-444455556666", "iface-status": "active",
		"attached-mac": "fa:16:3e:12:34:56", "vm-uuid": "8f6f7a3c-1111-4222-8333-444455556666"}})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := v.WaitInterface(ctx, "tapa1b2c3d4-11"); err != nil {
		log.Fatal(err)
	}
}

// Plug many ports with one transaction and one ovs-vswitchd reconfiguration.
func ExampleVSwitch_Apply() {
	ctx := context.Background()
	v, err := vswitch.Open(ctx, "unix:/run/openvswitch/db.sock")
	if err != nil {
		log.Fatal(err)
	}
	defer v.Close()
	var b vswitch.Batch
	for _, name := range []string{"tap1", "tap2", "tap3"} {
		b.AddPort(vswitch.PortSpec{Bridge: "br-int", Name: name})
	}
	b.DelPort("br-int", "tap-old")
	b.WaitApplied = true
	if err := v.Apply(ctx, &b); err != nil {
		log.Fatal(err)
	}
}
