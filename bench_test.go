package govif

import (
	"context"
	"log/slog"
	"testing"
)

// BenchmarkHostPlugNoop measures Host's own cost per Plug: validation of the VIF and instance,
// dispatch, logging (discarded), with the noop plugin.
func BenchmarkHostPlugNoop(b *testing.B) {
	h, err := NewHost(context.Background(), nil, WithoutExecPlugins(), WithPlugins("noop"), WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	vif, in := ovsVIF(id1, "noop"), inst()
	ctx := context.Background()
	for b.Loop() {
		if err := h.Plug(ctx, vif, in); err != nil {
			b.Fatal(err)
		}
	}
}
