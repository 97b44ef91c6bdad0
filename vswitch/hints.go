package vswitch

import (
	"slices"
	"sync"

	"github.com/govif/govif/ovsdb"
)

// hints remembers the Port rows this VSwitch created or read (UUID and QoS reference), so a
// later delete or re-plug of the same port needs no read first. A hint is never trusted: the
// transaction that uses it carries a guard checking the row is still exactly so, and a failed
// guard drops back to reading.
type hints struct {
	mu sync.Mutex
	m  map[string]portState
}

func (h *hints) get(names []string) map[string]portState {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]portState{}
	for _, n := range names {
		if st, ok := h.m[n]; ok {
			out[n] = st
		}
	}
	return out
}

// learn records the outcome of a committed batch.
func (h *hints) learn(b *Batch, t *txn, res []ovsdb.OperationResult, state map[string]portState) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]portState{}
	}
	for _, a := range b.adds {
		if idx, ok := t.created[a.Name]; ok {
			st := portState{uuid: res[idx[0]].UUID}
			if idx[1] >= 0 {
				st.qos = []ovsdb.UUID{res[idx[1]].UUID}
			}
			h.m[a.Name] = st
		} else if st, ok := state[a.Name]; ok {
			h.m[a.Name] = st
		}
	}
	for _, d := range b.dels {
		delete(h.m, d.name)
	}
}

// forget drops the hints for names (after EnsureQoS changes a port's QoS, say).
func (h *hints) forget(names ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, n := range names {
		delete(h.m, n)
	}
}

// forgetRows drops the hints for the Port rows uuids (after DelBridge deleted them).
func (h *hints) forgetRows(uuids []ovsdb.UUID) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for n, st := range h.m {
		if slices.Contains(uuids, st.uuid) {
			delete(h.m, n)
		}
	}
}

// reset drops every hint (after a DelBridge whose outcome is not known).
func (h *hints) reset() {
	h.mu.Lock()
	h.m = nil
	h.mu.Unlock()
}
