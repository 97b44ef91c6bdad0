package plugin_test

import (
	"context"
	"testing"
)

// BenchmarkExecPlug measures one plug through the exec adapter: fork+exec of a Go plugin
// binary (this test binary, a few MB), JSON both ways, wait.
func BenchmarkExecPlug(b *testing.B) {
	p, _ := newExec(b, "good", "")
	ctx := context.Background()
	vif, inst := genericVIF(vifID), instance()
	for b.Loop() {
		if err := p.Plug(ctx, vif, inst); err != nil {
			b.Fatal(err)
		}
	}
}
