package linuxbridge

import (
	"context"
	"fmt"
	"testing"

	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/objects"
)

// BenchmarkPlug measures plugs through the real netdev and iptables in a fresh namespace (root
// only): "new-bridge" creates a bridge and its rules each time (rules accumulate, as on a
// host); "replug" plugs into an existing bridge, the common case (Nova plugs every VIF of a
// network into the same bridge, and re-plugs on every compute restart).
func BenchmarkPlug(b *testing.B) {
	testenv.RequireRoot(b)
	testenv.RequireBinary(b, "iptables", "iptables")
	ns := testenv.NewNetNS(b)
	p, err := New(config.Default().LinuxBridge, InNamespace(ns.Handle()), WithLockDir(b.TempDir()), WithLogger(discard))
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()
	b.Run("new-bridge", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			vif := testVIF(func(v *objects.VIFBridge, _ *objects.Network) {
				v.BridgeName = objects.Set(fmt.Sprintf("brqbench%06d", i))
			})
			if err := p.Plug(ctx, vif, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("replug", func(b *testing.B) {
		vif := testVIF(nil)
		for b.Loop() {
			if err := p.Plug(ctx, vif, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
