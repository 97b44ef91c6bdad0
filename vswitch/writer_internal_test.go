package vswitch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/govif/govif/ovsdb"
)

// fakeCommits replaces a Writer's commit: every call is recorded, and blocks until released
// when gate is set.
type fakeCommits struct {
	mu      sync.Mutex
	batches [][]string    // the port names of each transaction, in order
	gate    chan struct{} // when not nil, each commit waits until it is closed
	started chan struct{} // signalled when a commit starts
	fail    func(names []string) error
}

func (f *fakeCommits) commit(ctx context.Context, b *Batch, sent func([]string)) (*applyWait, error) {
	names := b.names()
	f.mu.Lock()
	f.batches = append(f.batches, names)
	gate, started, fail := f.gate, f.started, f.fail
	f.mu.Unlock()
	var creates []string
	for _, a := range b.adds {
		creates = append(creates, a.Name)
	}
	if sent != nil {
		sent(creates)
	}
	if started != nil {
		started <- struct{}{}
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, &OutcomeUnknownError{MayHaveCreated: creates, Err: ctx.Err()}
		}
	}
	if fail != nil {
		if err := fail(names); err != nil {
			return nil, err
		}
	}
	b.created = map[string]bool{}
	for _, n := range creates {
		b.created[n] = true
	}
	return nil, nil
}

func (f *fakeCommits) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.batches)
}

func newFakeWriter(f *fakeCommits) *Writer {
	w := newWriter(WriterOptions{})
	w.commit = f.commit
	return w
}

func addBatch(names ...string) *Batch {
	b := &Batch{}
	for _, n := range names {
		b.AddPort(PortSpec{Bridge: "br-int", Name: n})
	}
	return b
}

// Writes queued behind a transaction in flight go out together, in one transaction.
func TestWriterMergesQueuedWrites(t *testing.T) {
	f := &fakeCommits{gate: make(chan struct{}), started: make(chan struct{}, 100)}
	w := newFakeWriter(f)
	defer w.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 11)
	bs := make([]*Batch, 11)
	wg.Add(1)
	go func() { defer wg.Done(); bs[0] = addBatch("p0"); errs[0] = w.Apply(ctx, bs[0]) }()
	<-f.started // p0 in flight: the next ten queue up behind it
	for i := 1; i <= 10; i++ {
		bs[i] = addBatch(fmt.Sprintf("p%d", i))
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = w.Apply(ctx, bs[i]) }()
	}
	waitQueued(t, w, 10)
	close(f.gate)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("write %d: %v", i, err)
		}
		if !bs[i].Created(fmt.Sprintf("p%d", i)) {
			t.Errorf("write %d: Created false", i)
		}
	}
	if n := f.count(); n != 2 {
		t.Errorf("%d transactions for 11 writes (one in flight, ten queued), want 2: %v", n, f.batches)
	}
	if got := f.batches[1]; len(got) != 10 {
		t.Errorf("second transaction = %v, want the ten queued writes", got)
	}
}

func waitQueued(t *testing.T, w *Writer, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		w.mu.Lock()
		q := len(w.queue)
		w.mu.Unlock()
		if q == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", q, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// A caller whose deadline passes while its write is queued gets its error at its deadline, and
// its write is never sent (withdrawn), however long the transaction ahead of it takes.
func TestWriterWithdrawsAtDeadline(t *testing.T) {
	f := &fakeCommits{gate: make(chan struct{}), started: make(chan struct{}, 10)}
	w := newFakeWriter(f)
	defer w.Close()
	go w.Apply(context.Background(), addBatch("slow"))
	<-f.started
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := w.Apply(ctx, addBatch("mine"))
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	var ue *OutcomeUnknownError
	if errors.As(err, &ue) {
		t.Fatalf("a withdrawn write reported an unknown outcome: %v", err)
	}
	if took > time.Second {
		t.Errorf("returned after %v, want at its 100ms deadline", took)
	}
	close(f.gate)
	for deadline := time.Now().Add(5 * time.Second); w.busy() && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.batches {
		if slices.Contains(b, "mine") {
			t.Errorf("withdrawn write was sent: %v", f.batches)
		}
	}
}

func (w *Writer) busy() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.running
}

// A caller whose deadline passes while its write is in flight gets *OutcomeUnknownError at its
// deadline, naming what it may have created; Settle then tells what really happened.
func TestWriterInFlightDeadlineIsReportedTruthfully(t *testing.T) {
	f := &fakeCommits{gate: make(chan struct{}), started: make(chan struct{}, 10)}
	w := newFakeWriter(f)
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := w.Apply(ctx, addBatch("mine"))
	if took := time.Since(start); took > time.Second {
		t.Errorf("returned after %v, want at its deadline", took)
	}
	var ue *OutcomeUnknownError
	if !errors.As(err, &ue) || !slices.Equal(ue.MayHaveCreated, []string{"mine"}) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %#v, want *OutcomeUnknownError naming mine, wrapping DeadlineExceeded", err)
	}
	sctx, scancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	if _, known := ue.Settle(sctx); known {
		t.Error("Settle knew the outcome while the transaction was still in flight")
	}
	scancel()
	close(f.gate) // the transaction now commits
	created, known := ue.Settle(context.Background())
	if !known || !slices.Equal(created, []string{"mine"}) {
		t.Errorf("Settle = %v, %t; want [mine], true", created, known)
	}
}

// A merged transaction that fails is replayed write by write: each caller gets its own error.
func TestWriterAttributesMergedFailure(t *testing.T) {
	f := &fakeCommits{gate: make(chan struct{}), started: make(chan struct{}, 100)}
	f.fail = func(names []string) error {
		if slices.Contains(names, "bad") {
			return &BridgeNotFoundError{Bridge: "br-x"}
		}
		return nil
	}
	w := newFakeWriter(f)
	defer w.Close()
	ctx := context.Background()
	go w.Apply(ctx, addBatch("first"))
	<-f.started
	var wg sync.WaitGroup
	var errGood, errBad error
	wg.Add(2)
	go func() { defer wg.Done(); errGood = w.Apply(ctx, addBatch("good")) }()
	go func() { defer wg.Done(); errBad = w.Apply(ctx, addBatch("bad")) }()
	waitQueued(t, w, 2)
	close(f.gate)
	wg.Wait()
	var bnf *BridgeNotFoundError
	if errGood != nil || !errors.As(errBad, &bnf) {
		t.Errorf("good: %v, bad: %v; want nil and *BridgeNotFoundError", errGood, errBad)
	}
}

// After Close, queued writes fail with ErrClosed, and nothing dials again.
func TestWriterClose(t *testing.T) {
	f := &fakeCommits{gate: make(chan struct{}), started: make(chan struct{}, 10)}
	w := newFakeWriter(f)
	go w.Apply(context.Background(), addBatch("inflight"))
	<-f.started
	queued := make(chan error, 1)
	go func() { queued <- w.Apply(context.Background(), addBatch("queued")) }()
	waitQueued(t, w, 1)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-queued; !errors.Is(err, ovsdb.ErrClosed) {
		t.Errorf("queued write after Close: %v, want ErrClosed", err)
	}
	if err := w.Apply(context.Background(), addBatch("late")); !errors.Is(err, ovsdb.ErrClosed) {
		t.Errorf("write after Close: %v, want ErrClosed", err)
	}
}

// A lazily dialling Writer never dials after Close (a socket that would accept is not tried).
func TestDialWriterNoRedialAfterClose(t *testing.T) {
	w := DialWriter("unix:"+t.TempDir()+"/never.sock", WriterOptions{})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := w.VSwitch(ctx); !errors.Is(err, ovsdb.ErrClosed) {
		t.Errorf("VSwitch after Close: %v, want ErrClosed (no dial)", err)
	}
	if _, err := w.EnsureBridge(ctx, BridgeSpec{Name: "br-int"}); !errors.Is(err, ovsdb.ErrClosed) {
		t.Errorf("EnsureBridge after Close: %v, want ErrClosed", err)
	}
	if _, err := w.AddPorts(ctx, WaitForVSwitchd, PortSpec{Bridge: "br-int", Name: "p"}); !errors.Is(err, ovsdb.ErrClosed) {
		t.Errorf("AddPorts after Close: %v, want ErrClosed", err)
	}
}

// Transactions returns how many transactions the Writer's goroutine has sent (tests in
// package vswitch_test use it).
func (w *Writer) Transactions() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.batches
}
