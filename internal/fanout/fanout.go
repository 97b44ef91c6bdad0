// Package fanout runs the same function over many indexes with a bounded number of goroutines:
// the one loop the batch paths of govif (bulk plug and unplug, inventory writes, checks) share.
package fanout

import "sync"

// Each calls fn(i) for every i in [0, n), on at most limit goroutines at once (at least one),
// and returns when every call has returned. Calls may run in any order; fn must be safe for
// concurrent use (writing only to its own index of a result slice is).
func Each(n, limit int, fn func(i int)) {
	limit = max(limit, 1)
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}
