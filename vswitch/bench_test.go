package vswitch_test

import (
	"context"
	"testing"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/vswitch"
)

// BenchmarkAddDelPort is one AddPort + DelPort (no wait for ovs-vswitchd) against a real
// ovsdb-server. scripts/bench-ovsdb.sh runs the full comparison with ovs-vsctl and ovsdbapp.
func BenchmarkAddDelPort(b *testing.B) {
	o := testenv.StartOVS(b, testenv.OVSOptions{})
	ctx := context.Background()
	v, err := vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	if err := v.EnsureBridge(ctx, "br-int", "netdev"); err != nil {
		b.Fatal(err)
	}
	spec := vswitch.PortSpec{Bridge: "br-int", Name: "tap0", ExternalIDs: ids}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := v.AddPort(ctx, spec); err != nil {
			b.Fatal(err)
		}
		if err := v.DelPort(ctx, "br-int", "tap0"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEcho is one JSON-RPC round trip to a real ovsdb-server.
func BenchmarkEcho(b *testing.B) {
	o := testenv.StartOVS(b, testenv.OVSOptions{})
	ctx := context.Background()
	c, err := ovsdb.Dial(ctx, o.Endpoint())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Echo(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
