package daemon

import (
	"context"
	"sync"
)

// keyedMutex serialises work per key (a VIF id) without one global lock: callers for
// different keys never wait for each other, and entries are freed when nobody holds or waits
// for a key.
type keyedMutex struct {
	mu      sync.Mutex
	entries map[string]*keyedEntry
}

type keyedEntry struct {
	ch   chan struct{} // holds one token while the key is locked
	refs int
}

func newKeyedMutex() *keyedMutex { return &keyedMutex{entries: make(map[string]*keyedEntry)} }

// lock waits until key is free or ctx is done. On success the caller must call the returned
// unlock function exactly once.
func (k *keyedMutex) lock(ctx context.Context, key string) (unlock func(), err error) {
	k.mu.Lock()
	e := k.entries[key]
	if e == nil {
		e = &keyedEntry{ch: make(chan struct{}, 1)}
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

func (k *keyedMutex) release(key string, e *keyedEntry) {
	k.mu.Lock()
	e.refs--
	if e.refs == 0 {
		delete(k.entries, key)
	}
	k.mu.Unlock()
}

// len reports how many keys are held or waited for (for tests).
func (k *keyedMutex) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.entries)
}
