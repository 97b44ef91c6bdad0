package fanout

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestEachBoundsAndCovers: every index is called exactly once, never more than limit at a time,
// and Each returns only after the last call.
func TestEachBoundsAndCovers(t *testing.T) {
	for _, c := range []struct{ n, limit int }{{0, 4}, {1, 4}, {50, 4}, {10, 1}, {5, 0}} {
		calls := make([]int32, c.n)
		var running, peak atomic.Int32
		Each(c.n, c.limit, func(i int) {
			r := running.Add(1)
			for p := peak.Load(); r > p && !peak.CompareAndSwap(p, r); p = peak.Load() {
			}
			time.Sleep(time.Millisecond)
			atomic.AddInt32(&calls[i], 1)
			running.Add(-1)
		})
		for i, k := range calls {
			if k != 1 {
				t.Errorf("n=%d limit=%d: index %d called %d times", c.n, c.limit, i, k)
			}
		}
		if want := int32(max(c.limit, 1)); peak.Load() > want {
			t.Errorf("n=%d limit=%d: %d calls at once, want at most %d", c.n, c.limit, peak.Load(), want)
		}
		if r := running.Load(); r != 0 {
			t.Errorf("n=%d limit=%d: Each returned with %d calls running", c.n, c.limit, r)
		}
	}
}
