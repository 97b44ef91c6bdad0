package inventory

import (
	"sync"
)

// putWorkers bounds the record files PutMany writes at once.
const putWorkers = 32

// PutMany writes several records as Put does, with one error (or nil) per record, in order,
// but syncs the directory once for all of them: each file is written and synced on its own
// (concurrently), renamed into place, and then one directory sync makes every rename durable.
// When PutMany returns nil for a record it survives a crash, as with Put. The records must have
// distinct ids.
func (s *Store) PutMany(rs []*Record) []error {
	errs := make([]error, len(rs))
	sem := make(chan struct{}, putWorkers)
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = s.write(r)
		}()
	}
	wg.Wait()
	var first string
	for i, r := range rs {
		if errs[i] == nil {
			first = r.ID
			break
		}
	}
	if first == "" {
		return errs
	}
	if err := s.syncDir(first); err != nil {
		for i := range rs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
	return errs
}
