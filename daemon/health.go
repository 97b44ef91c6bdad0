package daemon

import (
	"context"
	"sync"
	"time"
)

// Health statuses of GET /healthz.
const (
	HealthReady    = "ready"    // 200: every check passes
	HealthDegraded = "degraded" // 503: the daemon serves, but a check fails (OVSDB unreachable)
	HealthStopping = "stopping" // 503: the daemon is shutting down
)

// HealthCheck is one dependency /healthz checks, for example that OVSDB answers.
type HealthCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// healthCheckTimeout bounds one /healthz; healthCacheTTL is how long a result is reused, so that
// probes in a loop do not dial OVSDB once each.
const (
	healthCheckTimeout = 5 * time.Second
	healthCacheTTL     = time.Second
)

type healthCache struct {
	checks []HealthCheck

	mu   sync.Mutex // held while checks run: concurrent probes share one run
	at   time.Time
	last Health
}

func (h *healthCache) run(ctx context.Context) Health {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.at.IsZero() && time.Since(h.at) < healthCacheTTL {
		return h.last
	}
	b := Health{Status: HealthReady, Checks: map[string]string{}}
	var failed []string
	for _, c := range h.checks {
		if err := c.Check(ctx); err != nil {
			b.Checks[c.Name] = err.Error()
			failed = append(failed, c.Name+": "+err.Error())
			continue
		}
		b.Checks[c.Name] = "ok"
	}
	if len(failed) > 0 {
		b.Status = HealthDegraded
		msg := "degraded: " + failed[0]
		for _, f := range failed[1:] {
			msg += "; " + f
		}
		b.Error = &APIError{Code: CodeUnavailable, Message: msg}
	}
	h.at, h.last = time.Now(), b
	return b
}
