package ovs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/govif/govif/plugin"
)

// TestFunctionalBulk plugs 24 hybrid VIFs with PlugMany and removes them with UnplugMany
// (merged OVSDB transactions, one kernel deletion batch).
func TestFunctionalBulk(t *testing.T) {
	r := newRig(t, true)
	p := r.plugin(DefaultOptions())
	var reqs []plugin.Request
	for i := 0; i < 24; i++ {
		id := fmt.Sprintf("%08x-1111-4222-8333-444455556666", 0xb0000000+i)
		mac := fmt.Sprintf("fa:16:3e:00:01:%02x", i)
		reqs = append(reqs, plugin.Request{VIF: hybridVIF(id, mac, "netdev", 1450), Instance: testInstance()})
	}
	for i, err := range p.PlugMany(r.ctx, reqs) {
		if err != nil {
			t.Fatalf("plug %d: %v", i, err)
		}
	}
	if n := len(r.ports("br-int")); n != 24 {
		t.Fatalf("%d ports on br-int, want 24", n)
	}
	for i := range reqs {
		id := reqs[i].VIF.Base().ID.Value()
		if r.link(("qbr" + id)[:14]) == nil || r.link(("qvo" + id)[:14]) == nil {
			t.Fatalf("devices of %s missing", id)
		}
	}
	for i, err := range p.UnplugMany(r.ctx, reqs) {
		if err != nil {
			t.Errorf("unplug %d: %v", i, err)
		}
	}
	if got := r.ports("br-int"); len(got) != 0 {
		t.Errorf("ports left: %v", got)
	}
	links, err := r.nl.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if n := l.Attrs().Name; strings.HasPrefix(n, "qbr") || strings.HasPrefix(n, "qvb") || strings.HasPrefix(n, "qvo") {
			t.Errorf("device %s left", n)
		}
	}
	// Again: nothing left to remove is success.
	for i, err := range p.UnplugMany(r.ctx, reqs) {
		if err != nil {
			t.Errorf("second unplug %d: %v", i, err)
		}
	}
}
