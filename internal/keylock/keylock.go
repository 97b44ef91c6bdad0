// Package keylock serialises work per key (a VIF id) without one global lock: callers for
// different keys never wait for each other, and entries are freed when nobody holds or waits
// for a key.
package keylock

import (
	"context"
	"sync"
)

// Map hands out one lock per key. The zero Map is ready to use; it must not be copied.
type Map struct {
	mu      sync.Mutex
	entries map[string]*entry
}

type entry struct {
	ch   chan struct{} // holds one token while the key is locked
	refs int
}

// Lock waits until key is free or ctx is done. On success the caller must call the returned
// unlock function exactly once.
func (k *Map) Lock(ctx context.Context, key string) (unlock func(), err error) {
	k.mu.Lock()
	if k.entries == nil {
		k.entries = make(map[string]*entry)
	}
	e := k.entries[key]
	if e == nil {
		e = &entry{ch: make(chan struct{}, 1)}
		k.entries[key] = e
	}
	e.refs++
	k.mu.Unlock()

	select {
	case e.ch <- struct{}{}:
		return func() {
			<-e.ch
			k.release(key, e)
		}, nil
	case <-ctx.Done():
		k.release(key, e)
		return nil, ctx.Err()
	}
}

func (k *Map) release(key string, e *entry) {
	k.mu.Lock()
	e.refs--
	if e.refs == 0 {
		delete(k.entries, key)
	}
	k.mu.Unlock()
}

// Len reports how many keys are held or waited for.
func (k *Map) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.entries)
}
