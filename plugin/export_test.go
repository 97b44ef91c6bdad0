package plugin

import "time"

// SetWaitDelay shortens the output grace period for tests and returns a function restoring it.
func SetWaitDelay(d time.Duration) (restore func()) {
	old := waitDelay
	waitDelay = d
	return func() { waitDelay = old }
}
