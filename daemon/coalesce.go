package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// BatchHost is a Host that can plug or unplug many VIFs at once (govif.Host is one). When the
// Server's Host is a BatchHost, concurrent plug and unplug requests are coalesced into
// PlugMany/UnplugMany calls (see coalescer); otherwise each request runs on its own.
type BatchHost interface {
	Host
	PlugMany(ctx context.Context, reqs []plugin.Request) []error
	UnplugMany(ctx context.Context, reqs []plugin.Request) []error
}

// DefaultMaxBatch bounds how many requests one coalesced PlugMany/UnplugMany call carries.
const DefaultMaxBatch = 256

// coalescer turns concurrent single-VIF requests into the Host's batch calls.
//
// Policy: per operation (plug, unplug) at most one batch runs at a time. A request that finds
// no batch of its operation running starts one at once, alone: a lone request never waits for
// company (no fixed delay). Requests that arrive while a batch runs queue up and together form
// the next batch when it ends. A VIF id is never in two batches at once nor twice in one: a
// later request for it waits in the queue until the batch holding it has returned, and queued
// requests for one VIF leave the queue in arrival order. This is a scheduling rule, not a lock
// taken per request (the Host's per-VIF lock stays the one lock); it is needed because a batch
// call has phases that span all its VIFs outside their locks (the ovs plugin's PlugMany waits
// for ovs-vswitchd once and then checks every interface), which an unplug of one of those VIFs
// in a concurrent batch must not interleave with.
//
// Each caller keeps its own context: a caller whose context ends while queued is withdrawn and
// gets its context's error; when a caller's context ends while its batch runs, its batch is
// cancelled (the batch's context ends at the earliest deadline of its callers, and as soon as
// any of them gives up), so that the plugin's rollback removes what that batch added rather
// than leaving a VIF plugged for a caller that was told it failed. The other
// callers of a cancelled batch, whose own contexts are still live, are not failed: their
// requests go back to the head of the queue and run in the next batch.
//
// A host without batching (parallel) runs every request at once on its own, as it arrives.
type coalescer struct {
	run      func(ctx context.Context, op string, reqs []plugin.Request) []error
	parallel bool
	maxBatch int
	log      *slog.Logger
	sizes    *prometheus.HistogramVec

	mu       sync.Mutex
	queue    []*call         // arrival order, both operations
	running  map[string]int  // operation → batches running
	inFlight map[string]bool // VIF ids in running batches
}

// call is one request in the coalescer.
type call struct {
	ctx  context.Context
	op   string
	id   string
	req  plugin.Request
	done chan error // buffered: the result is delivered once
}

func newCoalescer(host Host, maxBatch int, log *slog.Logger, reg prometheus.Registerer) *coalescer {
	if maxBatch <= 0 {
		maxBatch = DefaultMaxBatch
	}
	c := &coalescer{
		maxBatch: maxBatch,
		log:      log,
		running:  map[string]int{},
		inFlight: map[string]bool{},
		sizes: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "govif", Name: "daemon_batch_size",
			Help:    "Requests per coalesced PlugMany/UnplugMany call of the daemon.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}, []string{"op"}),
	}
	reg.MustRegister(c.sizes)
	if bh, ok := host.(BatchHost); ok {
		c.run = func(ctx context.Context, op string, reqs []plugin.Request) []error {
			if op == "unplug" {
				return bh.UnplugMany(ctx, reqs)
			}
			return bh.PlugMany(ctx, reqs)
		}
		return c
	}
	c.parallel = true
	c.run = func(ctx context.Context, op string, reqs []plugin.Request) []error {
		errs := make([]error, len(reqs))
		for i, r := range reqs { // one request per batch in parallel mode
			if op == "unplug" {
				errs[i] = host.Unplug(ctx, r.VIF, r.Instance)
			} else {
				errs[i] = host.Plug(ctx, r.VIF, r.Instance)
			}
		}
		return errs
	}
	return c
}

// do runs op on every request and returns one error (or nil) per request, in order. All the
// requests are queued at once, so a lone bulk request forms one batch. do returns when every
// request has really ended: its batch returned, or ctx ended while it was still queued (it is
// then withdrawn and never runs). A request whose ctx ends while its batch runs is not
// abandoned: the batch is cancelled (its plugins roll back) and do waits for it to return, so
// the caller can track the operation until it ends; a caller that must answer at the deadline
// whatever the host does runs do in a goroutine (the Server does).
func (c *coalescer) do(ctx context.Context, op string, reqs []plugin.Request) []error {
	calls := make([]*call, len(reqs))
	c.mu.Lock()
	for i, r := range reqs {
		calls[i] = &call{ctx: ctx, op: op, id: r.VIF.Base().ID.Value(), req: r, done: make(chan error, 1)}
		c.queue = append(c.queue, calls[i])
	}
	c.dispatchLocked()
	c.mu.Unlock()

	errs := make([]error, len(reqs))
	for i, cl := range calls {
		select {
		case errs[i] = <-cl.done:
		case <-ctx.Done():
			if c.withdraw(cl) {
				errs[i] = fmt.Errorf("%s VIF %s: %w", op, cl.id, ctx.Err())
			} else {
				errs[i] = <-cl.done // in a batch, cancelled through ctx
			}
		}
	}
	return errs
}

// one runs a single request through the coalescer.
func (c *coalescer) one(ctx context.Context, op string, vif objects.VIF, inst *objects.InstanceInfo) error {
	return c.do(ctx, op, []plugin.Request{{VIF: vif, Instance: inst}})[0]
}

// withdraw removes cl from the queue if it is still there and reports whether it did. A call
// already in a batch (or already answered) stays: the batch is cancelled through its context.
func (c *coalescer) withdraw(cl *call) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, q := range c.queue {
		if q == cl {
			c.queue = append(c.queue[:i], c.queue[i+1:]...)
			c.dispatchLocked() // requests for the same VIF may now go
			return true
		}
	}
	return false
}

// dispatchLocked starts every batch that may start now. c.mu is held.
func (c *coalescer) dispatchLocked() {
	batches := map[string][]*call{}
	blocked := map[string]bool{} // VIF ids in a batch being formed or with a request still waiting
	keep := c.queue[:0]
	for _, cl := range c.queue {
		if cl.ctx.Err() != nil { // its caller has gone (or is going): drop it
			cl.done <- fmt.Errorf("%s VIF %s: %w", cl.op, cl.id, cl.ctx.Err())
			continue
		}
		if c.parallel {
			c.running[cl.op]++
			go c.runBatch(cl.op, []*call{cl})
			continue
		}
		free := c.running[cl.op] == 0 && len(batches[cl.op]) < c.maxBatch
		if !free || blocked[cl.id] || c.inFlight[cl.id] {
			blocked[cl.id] = true
			keep = append(keep, cl)
			continue
		}
		blocked[cl.id] = true // a later request for this VIF waits for the next batch
		c.inFlight[cl.id] = true
		batches[cl.op] = append(batches[cl.op], cl)
	}
	clear(c.queue[len(keep):])
	c.queue = keep
	for op, b := range batches {
		c.running[op]++
		go c.runBatch(op, b)
	}
}

// runBatch runs one batch and delivers its results.
func (c *coalescer) runBatch(op string, calls []*call) {
	c.sizes.WithLabelValues(op).Observe(float64(len(calls)))
	// The batch's context ends at the earliest deadline of its callers, and as soon as any of
	// them gives up.
	var deadline time.Time
	for _, cl := range calls {
		if d, ok := cl.ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
			deadline = d
		}
	}
	// A batch of one keeps its caller's context values; a batch of many has no one caller's.
	parent := context.Background()
	if len(calls) == 1 {
		parent = context.WithoutCancel(calls[0].ctx)
	}
	bctx, cancel := context.WithCancel(parent)
	if !deadline.IsZero() {
		bctx, cancel = context.WithDeadline(parent, deadline)
	}
	defer cancel()
	stops := make([]func() bool, len(calls))
	reqs := make([]plugin.Request, len(calls))
	for i, cl := range calls {
		stops[i] = context.AfterFunc(cl.ctx, cancel)
		reqs[i] = cl.req
	}
	start := time.Now()
	errs := c.run(bctx, op, reqs)
	c.log.Debug(op+" batch done", "requests", len(reqs), "duration", time.Since(start))
	for _, stop := range stops {
		stop()
	}
	cut := bctx.Err() != nil

	var again []*call
	for i, cl := range calls {
		var err error
		if i < len(errs) {
			err = errs[i]
		} else {
			err = fmt.Errorf("%s VIF %s: host returned %d results for %d requests", op, cl.id, len(errs), len(calls))
		}
		own, hasOwn := cl.ctx.Deadline()
		switch {
		case err != nil && cut && cl.ctx.Err() == nil && (!hasOwn || time.Now().Before(own)):
			// Cut short because another caller of this batch gave up: try again.
			again = append(again, cl)
			continue
		case cl.ctx.Err() != nil && err == nil:
			// The operation completed just as its caller gave up: say so by VIF id.
			c.log.Warn(op+" finished after its caller gave up", "vif", cl.id, "caller_err", cl.ctx.Err())
		case cl.ctx.Err() != nil && !errors.Is(err, cl.ctx.Err()):
			// The batch was cancelled for this caller: its error is its own context's.
			err = fmt.Errorf("%s VIF %s: %w: %w", op, cl.id, cl.ctx.Err(), err)
		}
		cl.done <- err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.parallel {
		for _, cl := range calls {
			delete(c.inFlight, cl.id)
		}
	}
	c.running[op]--
	if len(again) > 0 {
		c.queue = append(again, c.queue...)
	}
	c.dispatchLocked()
}
