package inventory

import "github.com/govif/govif/internal/fanout"

// putWorkers bounds the record files PutMany writes at once.
const putWorkers = 32

// PutMany writes several records as Put does, with one error (or nil) per record, in order,
// but syncs the directory once for all of them: each file is written and synced on its own
// (concurrently), renamed into place, and then one directory sync makes every rename durable.
// When PutMany returns nil for a record it survives a crash, as with Put. The records must have
// distinct ids.
func (s *Store) PutMany(rs []*Record) []error {
	errs := make([]error, len(rs))
	fanout.Each(len(rs), putWorkers, func(i int) { errs[i] = s.write(rs[i]) })
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
