package vswitch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/govif/govif/ovsdb"
)

// Wait says whether a write waits until ovs-vswitchd has applied it.
type Wait bool

const (
	// DontWait returns once the transaction has committed (the caller waits later, with
	// Writer.Sync, once for many writes).
	DontWait Wait = false
	// WaitForVSwitchd returns once ovs-vswitchd has applied the transaction (cur_cfg), as
	// ovs-vsctl without --no-wait does, when the Writer waits at all (WriterOptions).
	WaitForVSwitchd Wait = true
)

// WriterOptions configure a Writer.
type WriterOptions struct {
	// WaitApplied makes writes asked to (WaitForVSwitchd) wait until ovs-vswitchd has applied
	// them. Without a running ovs-vswitchd it must be false: nothing then waits.
	WaitApplied bool
	// Timeout bounds one merged transaction and a lazy dial (0: 2 minutes, os-vif's
	// ovs_vsctl_timeout default). A caller's own deadline still bounds its wait.
	Timeout time.Duration
	// DialOptions are passed to ovsdb.Dial by a Writer made with DialWriter.
	DialOptions []ovsdb.Option
}

// Writer is the batching writer of port additions and deletions: concurrent writes are
// queued, and one goroutine (running only while there is work) merges what is queued into one
// transaction, so N concurrent plugs cost a few transactions instead of N. A write that needs
// ovs-vswitchd's confirmation bumps next_cfg in its merged transaction: one reconfiguration per
// batch, which every caller of the batch then waits for with its own context.
//
// Every caller's context is honoured: a write whose context ends while it is queued is
// withdrawn (nothing is sent; the error wraps the context's), and one whose context ends
// while its transaction is in flight returns at once with *OutcomeUnknownError. A merged
// transaction that fails is retried write by write so each caller gets its own error.
//
// The Writer also remembers the bridges it ensured, so that a port can be added to one in a
// single round trip (AddPortToKnownBridge). Safe for concurrent use.
type Writer struct {
	opts     WriterOptions
	endpoint string // DialWriter: dialled on first use
	dialSem  chan struct{}

	mu      sync.Mutex
	v       *VSwitch
	own     bool // v was dialled by the Writer
	closed  bool
	queue   []*writeReq
	running bool
	wg      sync.WaitGroup
	base    context.Context // parent of every merged transaction; cancelled by Close
	cancel  context.CancelFunc
	bridges bridgeMemo

	// commit performs one (merged) batch; v.commit unless a test replaces it.
	commit func(ctx context.Context, b *Batch, sent func([]string)) (*applyWait, error)
	// batches counts the transactions the goroutine sent (merged or single), for tests.
	batches int
}

// NewWriter returns a Writer over v. Close stops it (and not v).
func NewWriter(v *VSwitch, opts WriterOptions) *Writer {
	w := newWriter(opts)
	w.v = v
	return w
}

// DialWriter returns a Writer that dials endpoint on first use (so a host that never needs
// OVS never connects) and closes the connection on Close. After Close it never dials again.
func DialWriter(endpoint string, opts WriterOptions) *Writer {
	w := newWriter(opts)
	w.endpoint = endpoint
	return w
}

func newWriter(opts WriterOptions) *Writer {
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	w := &Writer{opts: opts, dialSem: make(chan struct{}, 1)}
	w.base, w.cancel = context.WithCancel(context.Background())
	w.commit = func(ctx context.Context, b *Batch, sent func([]string)) (*applyWait, error) {
		v, err := w.vswitch(ctx)
		if err != nil {
			return nil, err
		}
		return v.commit(ctx, b, sent)
	}
	return w
}

// errWriterClosed is returned (wrapped in ovsdb.ErrClosed) after Close.
var errWriterClosed = fmt.Errorf("vswitch: writer closed: %w", ovsdb.ErrClosed)

// VSwitch returns the VSwitch the Writer works through, dialling it first if need be.
func (w *Writer) VSwitch(ctx context.Context) (*VSwitch, error) { return w.vswitch(ctx) }

func (w *Writer) vswitch(ctx context.Context) (*VSwitch, error) {
	w.mu.Lock()
	v, closed := w.v, w.closed
	w.mu.Unlock()
	switch {
	case closed:
		return nil, errWriterClosed
	case v != nil:
		return v, nil
	}
	select { // one dial at a time, each waiter bounded by its own context
	case w.dialSem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("vswitch: wait to connect to OVSDB at %s: %w", w.endpoint, ctx.Err())
	}
	defer func() { <-w.dialSem }()
	w.mu.Lock()
	v, closed = w.v, w.closed
	w.mu.Unlock()
	switch {
	case closed:
		return nil, errWriterClosed
	case v != nil:
		return v, nil
	}
	dctx, cancel := context.WithTimeout(ctx, w.opts.Timeout)
	defer cancel()
	v, err := Open(dctx, w.endpoint, w.opts.DialOptions...)
	if err != nil {
		return nil, fmt.Errorf("connect to OVSDB at %s: %w", w.endpoint, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed { // closed while dialling
		v.Close()
		return nil, errWriterClosed
	}
	w.v, w.own = v, true
	return v, nil
}

// Close fails every queued write with an error wrapping ovsdb.ErrClosed, cancels the one in
// flight, waits for the goroutine, and closes the connection if DialWriter made it. Later calls
// fail the same way; the Writer never dials again.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	queued := w.queue
	w.queue = nil
	v, own := w.v, w.own
	w.mu.Unlock()
	for _, r := range queued {
		r.finish(writeRes{err: errWriterClosed})
	}
	w.cancel()
	w.wg.Wait()
	if own && v != nil {
		return v.Close()
	}
	return nil
}

// writeReq is one caller's write.
type writeReq struct {
	b         *Batch // the Writer's own copy
	wait      bool
	done      chan writeRes // buffered: the goroutine never blocks on a caller that left
	settled   chan struct{} // closed once the write is no longer in flight
	mayCreate []string      // ports the transaction in flight would create (under Writer.mu)
	sent      bool          // a transaction carrying it has gone out (under Writer.mu)
	final     writeRes      // the result, set before settled is closed
}

type writeRes struct {
	created map[string]bool
	aw      *applyWait
	err     error
}

func (r *writeReq) finish(res writeRes) {
	r.final = res
	r.done <- res
	close(r.settled)
}

// Apply performs b through the batching goroutine, merged with the writes queued with it.
// It returns when the transaction has committed and, if b.WaitApplied (and the Writer waits),
// when ovs-vswitchd has applied it; or when ctx ends (see Writer). b.Created reports what was
// created, even when the wait for ovs-vswitchd fails. b must not change until Apply returns.
func (w *Writer) Apply(ctx context.Context, b *Batch) error {
	if err := b.validate(); err != nil {
		return err
	}
	b.created = nil
	if b.Len() == 0 && !b.WaitApplied {
		return nil
	}
	if w.endpoint != "" {
		// Dial in the caller's context: a server that cannot be reached fails this call
		// (nothing was sent), instead of holding the goroutine.
		if _, err := w.vswitch(ctx); err != nil {
			return err
		}
	}
	cp := &Batch{adds: slices.Clone(b.adds), dels: slices.Clone(b.dels), reqs: slices.Clone(b.reqs)}
	r := &writeReq{b: cp, wait: b.WaitApplied && w.opts.WaitApplied, done: make(chan writeRes, 1), settled: make(chan struct{})}
	cp.WaitApplied = r.wait
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return errWriterClosed
	}
	w.queue = append(w.queue, r)
	if !w.running {
		w.running = true
		w.wg.Add(1)
		go w.run()
	}
	w.mu.Unlock()

	select {
	case res := <-r.done:
		return w.result(ctx, b, res)
	case <-ctx.Done():
	}
	w.mu.Lock()
	if i := slices.Index(w.queue, r); i >= 0 {
		w.queue = slices.Delete(w.queue, i, i+1)
		w.mu.Unlock()
		return fmt.Errorf("vswitch: write withdrawn before it was sent: %w", ctx.Err())
	}
	may := slices.Clone(r.mayCreate)
	if !r.sent { // taken by the goroutine, not yet sent: it may still create any of its ports
		may = may[:0]
		for _, a := range r.b.adds {
			may = append(may, a.Name)
		}
	}
	w.mu.Unlock()
	select {
	case res := <-r.done: // it finished as the context ended
		return w.result(ctx, b, res)
	default:
	}
	return &OutcomeUnknownError{MayHaveCreated: may, Err: ctx.Err(), settled: r.settled, final: &r.final}
}

func (w *Writer) result(ctx context.Context, b *Batch, res writeRes) error {
	b.created = res.created
	if res.err != nil {
		return res.err
	}
	return res.aw.wait(ctx)
}

// run is the batching goroutine: it commits what is queued, group by group, and exits when
// the queue is empty (the next write starts it again).
func (w *Writer) run() {
	defer w.wg.Done()
	for {
		w.mu.Lock()
		group, rest := splitGroup(w.queue)
		w.queue = rest
		if len(group) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		w.apply(group)
	}
}

// splitGroup takes the queued writes whose port names do not repeat (a batch may name a port
// once), in order; the others wait for the next group.
func splitGroup(reqs []*writeReq) (group, rest []*writeReq) {
	seen := map[string]bool{}
	for _, r := range reqs {
		names := r.b.names()
		if slices.ContainsFunc(names, func(n string) bool { return seen[n] }) {
			rest = append(rest, r)
			continue
		}
		for _, n := range names {
			seen[n] = true
		}
		group = append(group, r)
	}
	return group, rest
}

// apply commits one group: merged, or write by write when the merged transaction fails.
func (w *Writer) apply(group []*writeReq) {
	ctx, cancel := context.WithTimeout(w.base, w.opts.Timeout)
	defer cancel()
	if len(group) == 1 {
		w.one(ctx, group[0])
		return
	}
	merged := &Batch{}
	seenReq := map[bridgeReq]bool{}
	owner := map[string]*writeReq{}
	for _, r := range group {
		merged.adds = append(merged.adds, r.b.adds...)
		merged.dels = append(merged.dels, r.b.dels...)
		merged.WaitApplied = merged.WaitApplied || r.wait
		for _, q := range r.b.reqs {
			if !seenReq[q] {
				seenReq[q] = true
				merged.reqs = append(merged.reqs, q)
			}
		}
		for _, n := range r.b.names() {
			owner[n] = r
		}
	}
	sent := func(creates []string) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.batches++
		for _, r := range group {
			r.mayCreate, r.sent = nil, true
		}
		for _, n := range creates {
			owner[n].mayCreate = append(owner[n].mayCreate, n)
		}
	}
	aw, err := w.commit(ctx, merged, sent)
	var ue *OutcomeUnknownError
	switch {
	case err == nil:
		for _, r := range group {
			res := writeRes{created: map[string]bool{}}
			for _, a := range r.b.adds {
				if merged.created[a.Name] {
					res.created[a.Name] = true
				}
			}
			if r.wait {
				res.aw = aw
			}
			r.finish(res)
		}
	case errors.As(err, &ue):
		// Sent, unanswered: replaying could not tell what the first one did.
		for _, r := range group {
			w.mu.Lock()
			may := slices.Clone(r.mayCreate)
			w.mu.Unlock()
			r.finish(writeRes{err: &OutcomeUnknownError{MayHaveCreated: may, Err: ue.Err}})
		}
	default:
		for _, r := range group { // attribute the failure: each alone (idempotent)
			w.one(ctx, r)
		}
	}
}

func (w *Writer) one(ctx context.Context, r *writeReq) {
	aw, err := w.commit(ctx, r.b, func(creates []string) {
		w.mu.Lock()
		w.batches++
		r.mayCreate, r.sent = creates, true
		w.mu.Unlock()
	})
	res := writeRes{created: r.b.created, err: err}
	if err == nil && r.wait {
		res.aw = aw
	}
	r.finish(res)
}

// AddPorts adds ports (may-exist, see VSwitch.AddPort) through the batching goroutine and
// returns the ports it created, which are reported even when the wait for ovs-vswitchd fails.
func (w *Writer) AddPorts(ctx context.Context, wait Wait, ports ...PortSpec) (created []string, err error) {
	b := &Batch{WaitApplied: bool(wait)}
	for _, p := range ports {
		b.AddPort(p)
	}
	err = w.Apply(ctx, b)
	for _, p := range ports {
		if b.Created(p.Name) {
			created = append(created, p.Name)
		}
	}
	return created, err
}

// DelPort deletes port (if-exists, see VSwitch.DelPort) through the batching goroutine. It
// does not wait for ovs-vswitchd: the row is gone when it returns, and ovs-vswitchd releases
// the device on its own.
func (w *Writer) DelPort(ctx context.Context, bridge, port string) error {
	b := &Batch{}
	b.DelPort(bridge, port)
	return w.Apply(ctx, b)
}

// DelPortIfOwned deletes port from bridge only if its Interface's external_ids hold every key
// and value of ids (a port someone else made, or re-made, is left alone). It is how a rollback
// whose add had an unknown outcome (*OutcomeUnknownError) finds out and removes what it added.
// A missing port is success.
func (w *Writer) DelPortIfOwned(ctx context.Context, bridge, port string, ids map[string]string) error {
	v, err := w.vswitch(ctx)
	if err != nil {
		return err
	}
	iface, err := v.InterfaceByName(ctx, port)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		return err
	}
	for k, want := range ids {
		if iface.ExternalIDs[k] != want {
			return nil
		}
	}
	return w.DelPort(ctx, bridge, port)
}

// PortExists reports whether a Port named port exists, on any bridge (a port of that name on
// another bridge makes an add fail with *PortConflictError).
func (w *Writer) PortExists(ctx context.Context, port string) (bool, error) {
	v, err := w.vswitch(ctx)
	if err != nil {
		return false, err
	}
	return v.PortExists(ctx, port)
}

// Sync waits until ovs-vswitchd has applied every change committed so far (at once when the
// Writer does not wait for ovs-vswitchd).
func (w *Writer) Sync(ctx context.Context) error {
	if !w.opts.WaitApplied {
		return nil
	}
	v, err := w.vswitch(ctx)
	if err != nil {
		return err
	}
	return v.WaitApplied(ctx)
}

// InterfaceError returns why ovs-vswitchd could not set up interface name (its error column,
// or "ofport -1"), "" when it did, or when the Writer does not wait for ovs-vswitchd and so
// cannot know yet.
func (w *Writer) InterfaceError(ctx context.Context, name string) (string, error) {
	if !w.opts.WaitApplied {
		return "", nil
	}
	v, err := w.vswitch(ctx)
	if err != nil {
		return "", err
	}
	iface, err := v.InterfaceByName(ctx, name)
	if err != nil {
		return "", err
	}
	switch {
	case iface.Error != "":
		return iface.Error, nil
	case iface.OFPort == -1:
		return "ofport -1 (ovs-vswitchd could not add it)", nil
	}
	return "", nil
}
