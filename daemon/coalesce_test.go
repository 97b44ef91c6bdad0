package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// batchHost is a fake BatchHost: it records every PlugMany/UnplugMany call (op and VIF ids),
// can hold calls until released (or their context ends, returning the context's error for
// every request, as a plugin that rolls back does), and fails the VIF ids in fail.
type batchHost struct {
	*fakeHost
	mu      sync.Mutex
	batches []string      // "plug id1,id2"
	hold    chan struct{} // when non-nil, batches wait on it
	entered chan int      // batch sizes, on entry
	fail    map[string]error
	active  map[string]int
	overlap []string
}

func newBatchHost() *batchHost {
	return &batchHost{fakeHost: newFakeHost(), entered: make(chan int, 64), fail: map[string]error{}, active: map[string]int{}}
}

func (h *batchHost) many(ctx context.Context, op string, reqs []plugin.Request) []error {
	var ids []string
	h.mu.Lock()
	for _, r := range reqs {
		id := r.VIF.Base().ID.Value()
		ids = append(ids, id)
		h.active[id]++
		if h.active[id] > 1 {
			h.overlap = append(h.overlap, id)
		}
	}
	h.batches = append(h.batches, op+" "+fmt.Sprint(ids))
	hold := h.hold
	h.mu.Unlock()
	h.entered <- len(reqs)
	errs := make([]error, len(reqs))
	var cut error
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			cut = ctx.Err()
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, id := range ids {
		h.active[id]--
		errs[i] = h.fail[id]
		if cut != nil {
			errs[i] = cut
		}
	}
	return errs
}

func (h *batchHost) PlugMany(ctx context.Context, reqs []plugin.Request) []error {
	return h.many(ctx, "plug", reqs)
}

func (h *batchHost) UnplugMany(ctx context.Context, reqs []plugin.Request) []error {
	return h.many(ctx, "unplug", reqs)
}

func (h *batchHost) log() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.batches)
}

func vid(i int) string { return fmt.Sprintf("%08x-3a0c-4bd5-9a52-5d0d4c8c6e01", i) }

func req(i int) plugin.Request { return plugin.Request{VIF: testVIF(vid(i)), Instance: testInstance()} }

func newTestCoalescer(h Host) *coalescer {
	return newCoalescer(h, 0, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
}

// queued waits until n requests wait in c's queue.
func queued(t *testing.T, c *coalescer, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		got := len(c.queue)
		c.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestCoalescerLoneRequestGoesAlone: with nothing running, a request is a batch of its own at
// once (it does not wait for company).
func TestCoalescerLoneRequestGoesAlone(t *testing.T) {
	h := newBatchHost()
	c := newTestCoalescer(h)
	if err := c.one(context.Background(), "plug", testVIF(vid(1)), testInstance()); err != nil {
		t.Fatal(err)
	}
	if got, want := h.log(), []string{"plug [" + vid(1) + "]"}; !slices.Equal(got, want) {
		t.Fatalf("batches = %v, want %v", got, want)
	}
}

// TestCoalescerArrivalsDuringABatchFormTheNext: requests arriving while a batch runs form one
// next batch; each caller gets its own result.
func TestCoalescerArrivalsDuringABatchFormTheNext(t *testing.T) {
	h := newBatchHost()
	h.hold = make(chan struct{})
	h.fail[vid(3)] = errors.New("boom for 3")
	c := newTestCoalescer(h)
	ctx := context.Background()
	errs := make([]error, 6)
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = c.do(ctx, "plug", []plugin.Request{req(i)})[0] }()
		if i == 0 {
			<-h.entered // the first runs alone
		}
	}
	queued(t, c, 5)
	close(h.hold)
	wg.Wait()
	b := h.log()
	if len(b) != 2 || b[0] != "plug ["+vid(0)+"]" {
		t.Fatalf("batches = %v, want the lone first request then one batch of the other 5", b)
	}
	if n := <-h.entered; n != 5 {
		t.Fatalf("second batch has %d requests, want 5 (%v)", n, b)
	}
	for i, err := range errs {
		if (i == 3) != (err != nil) {
			t.Errorf("request %d: err = %v", i, err)
		}
	}
	if !errors.Is(errs[3], h.fail[vid(3)]) {
		t.Errorf("request 3: err = %v, want its own error", errs[3])
	}
}

// TestCoalescerSameVIFNeverTogether: two requests for one VIF are never in one batch nor in
// two running batches, and queued requests for one VIF leave the queue in arrival order (an
// unplug of a VIF whose plug runs, or is queued, waits even though no unplug batch runs); an
// unrelated unplug runs beside a plug batch at once.
func TestCoalescerSameVIFNeverTogether(t *testing.T) {
	h := newBatchHost()
	h.hold = make(chan struct{})
	c := newTestCoalescer(h)
	ctx := context.Background()
	var wg sync.WaitGroup
	run := func(op string, i int) {
		wg.Add(1)
		go func() { defer wg.Done(); c.do(ctx, op, []plugin.Request{req(i)}) }()
	}
	run("plug", 9)
	<-h.entered
	for n, r := range []struct {
		op string
		i  int
	}{{"unplug", 9}, {"plug", 1}, {"plug", 1}, {"unplug", 1}, {"plug", 2}} {
		run(r.op, r.i)
		queued(t, c, n+1)
	}
	run("unplug", 7) // no unplug batch runs and nothing waits for VIF 7: it goes at once
	for !slices.Contains(h.log(), "unplug ["+vid(7)+"]") {
		time.Sleep(time.Millisecond)
	}
	queued(t, c, 5)
	close(h.hold)
	wg.Wait()
	b := slices.DeleteFunc(h.log(), func(s string) bool { return s == "unplug ["+vid(7)+"]" })
	// The requests that arrived while plug [9] ran: plug 1 and plug 2 form the next plug batch;
	// the second plug of 1 and the unplugs come later, per VIF in arrival order. (When the
	// unplug batches run depends on when unplug [7] ends: they may merge.)
	if len(b) < 4 || b[0] != "plug ["+vid(9)+"]" || !slices.Contains(b, "plug ["+vid(1)+" "+vid(2)+"]") {
		t.Fatalf("batches = %v, want plug [9], then a batch plug [1 2]", b)
	}
	var seq1, seq9 []string
	for _, batch := range b {
		op, ids, _ := strings.Cut(batch, " ")
		seen := map[string]bool{}
		for _, id := range strings.Fields(strings.Trim(ids, "[]")) {
			if seen[id] {
				t.Fatalf("batch %q has VIF %s twice", batch, id)
			}
			seen[id] = true
		}
		if seen[vid(1)] {
			seq1 = append(seq1, op)
		}
		if seen[vid(9)] {
			seq9 = append(seq9, op)
		}
	}
	if !slices.Equal(seq1, []string{"plug", "plug", "unplug"}) || !slices.Equal(seq9, []string{"plug", "unplug"}) {
		t.Fatalf("per-VIF order: VIF 1 %v, VIF 9 %v (batches %v)", seq1, seq9, b)
	}
	if len(h.overlap) != 0 {
		t.Fatalf("VIFs with two operations at once: %v", h.overlap)
	}
}

// TestCoalescerQueuedCallerDeadline: a caller whose deadline passes while queued gets its
// error at its deadline and its request never reaches the host.
func TestCoalescerQueuedCallerDeadline(t *testing.T) {
	h := newBatchHost()
	h.hold = make(chan struct{})
	c := newTestCoalescer(h)
	go c.do(context.Background(), "plug", []plugin.Request{req(0)})
	<-h.entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.do(ctx, "plug", []plugin.Request{req(1)})[0]
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("returned after %v, long past its 50ms deadline", d)
	}
	queued(t, c, 0)
	close(h.hold)
	// Nothing else ran: after the held batch only a fresh request runs.
	if err := c.do(context.Background(), "plug", []plugin.Request{req(2)})[0]; err != nil {
		t.Fatal(err)
	}
	if b := h.log(); len(b) != 2 || b[1] != "plug ["+vid(2)+"]" {
		t.Fatalf("batches = %v: the withdrawn request reached the host", b)
	}
}

// TestCoalescerCallerLeavesRunningBatch: a caller whose deadline passes while its batch runs
// gets its error at its deadline; the batch is cancelled (so the plugin rolls back), and the
// other caller of that batch, whose context is live, is retried in the next batch and gets
// success.
func TestCoalescerCallerLeavesRunningBatch(t *testing.T) {
	h := newBatchHost()
	h.hold = make(chan struct{})
	c := newTestCoalescer(h)
	go c.do(context.Background(), "plug", []plugin.Request{req(0)})
	<-h.entered
	short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	errs := make([]error, 2)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errs[0] = c.do(short, "plug", []plugin.Request{req(1)})[0] }()
	go func() { defer wg.Done(); errs[1] = c.do(context.Background(), "plug", []plugin.Request{req(2)})[0] }()
	queued(t, c, 2)
	// Let the first batch end: 1 and 2 form a batch, which stays held past 1's deadline.
	h.mu.Lock()
	old := h.hold
	h.hold = make(chan struct{})
	h.mu.Unlock()
	close(old)
	<-h.entered // the batch of 1 and 2
	<-h.entered // 2 alone again, after 1's deadline cut the batch
	h.mu.Lock()
	close(h.hold)
	h.mu.Unlock()
	wg.Wait()
	if !errors.Is(errs[0], context.DeadlineExceeded) {
		t.Errorf("short caller: err = %v, want context.DeadlineExceeded", errs[0])
	}
	if errs[1] != nil {
		t.Errorf("patient caller: err = %v, want success on the retry", errs[1])
	}
	b := h.log()
	pair := []string{"plug [" + vid(1) + " " + vid(2) + "]", "plug [" + vid(2) + " " + vid(1) + "]"}
	if len(b) != 3 || !slices.Contains(pair, b[1]) || b[2] != "plug ["+vid(2)+"]" {
		t.Errorf("batches = %v", b)
	}
}

// TestCoalescerWithoutBatchHost: a Host without PlugMany gets every request at once, as it
// arrives (no batch waits), also a second one for a VIF in use: serialising those is the Host's
// job, the daemon adds no lock of its own.
func TestCoalescerWithoutBatchHost(t *testing.T) {
	h := newFakeHost()
	h.hold = make(chan struct{})
	h.entered = make(chan string, 8)
	c := newTestCoalescer(h)
	var wg sync.WaitGroup
	for i, op := range []string{"plug", "plug", "plug", "unplug"} {
		wg.Add(1)
		go func() { defer wg.Done(); c.do(context.Background(), op, []plugin.Request{req(i % 3)}) }()
	}
	for range 4 {
		select {
		case <-h.entered: // all four inside the host at once
		case <-time.After(10 * time.Second):
			t.Fatal("a request was held back")
		}
	}
	close(h.hold)
	wg.Wait()
	if h.maxPar != 4 {
		t.Fatalf("max parallel %d, want 4", h.maxPar)
	}
}

// TestBulkEndpoint: Client.PlugMany/UnplugMany through the server: one result per request in
// order, a request the server cannot decode fails alone with 400 and its field, a host error
// is that VIF's alone, and the whole bulk request is one batch.
func TestBulkEndpoint(t *testing.T) {
	h := newBatchHost()
	h.fail[vid(2)] = errors.New("no room")
	ts := startServer(t, h, Options{})
	ctx := context.Background()
	errs := ts.client.PlugMany(ctx, []plugin.Request{req(0), req(2), req(3)})
	if len(errs) != 3 || errs[0] != nil || errs[2] != nil {
		t.Fatalf("errs = %v", errs)
	}
	var api *APIError
	if !errors.As(errs[1], &api) || api.Status != http.StatusInternalServerError || api.Code != CodePlugFailed || api.VIFID != vid(2) {
		t.Errorf("failing VIF: err = %#v, want 500 plug_failed for %s", errs[1], vid(2))
	}
	if b := h.log(); len(b) != 1 {
		t.Fatalf("batches = %v, want one", b)
	}
	for i, err := range ts.client.UnplugMany(ctx, []plugin.Request{req(0), req(3)}) {
		if err != nil {
			t.Errorf("unplug %d: %v", i, err)
		}
	}
	if errs := ts.client.PlugMany(ctx, nil); len(errs) != 0 {
		t.Errorf("PlugMany(nil) = %v", errs)
	}
	// An item the server cannot decode fails alone, with 400 and its field; the others run.
	good, _ := encodeVIFRequest(testVIF(vid(5)), testInstance())
	bad, _ := encodeVIFRequest(testVIF(vid(6)), testInstance())
	bad.VIF = bytes.Replace(bad.VIF, []byte("fa:16:3e:11:22:33"), []byte("fa:16:3e:11:22:zz"), 1)
	body, _ := json.Marshal(BulkRequest{Requests: []VIFRequest{bad, good}})
	reply, err := ts.client.do(ctx, http.MethodPost, "http://govif"+PathPlugMany, body)
	if err != nil {
		t.Fatal(err)
	}
	var br BulkReply
	if err := json.Unmarshal(reply, &br); err != nil || len(br.Results) != 2 {
		t.Fatalf("reply %s: %v", reply, err)
	}
	if r := br.Results[0]; r.Status != http.StatusBadRequest || r.Error == nil || r.Error.Field != "VIFOpenVSwitch.address" {
		t.Errorf("bad item: %+v", r)
	}
	if r := br.Results[1]; r.Status != http.StatusOK || r.VIFID != vid(5) {
		t.Errorf("good item: %+v", r)
	}
	if b := h.log(); b[len(b)-1] != "plug ["+vid(5)+"]" {
		t.Errorf("batches = %v: want the good item alone last", b)
	}

	code, eb := ts.post(t, PathPlugMany, []byte(`{"requests": 5}`))
	if code != http.StatusBadRequest || eb.Error.Code != CodeBadRequest {
		t.Errorf("malformed bulk body: %d %+v", code, eb)
	}
	code, eb = ts.post(t, PathPlugMany, []byte(`{}`))
	if code != http.StatusBadRequest || eb.Error.Field != "requests" {
		t.Errorf("bulk body without requests: %d %+v", code, eb)
	}
}

// TestClientBulkFallsBackOnOldDaemon: against a daemon without the bulk endpoints (404
// not_found, as the daemon's catch-all answers), PlugMany sends single requests, one per VIF.
func TestClientBulkFallsBackOnOldDaemon(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "old.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var singles []string
	mux := http.NewServeMux()
	mux.HandleFunc(PathPlug, func(w http.ResponseWriter, r *http.Request) {
		var req VIFRequest
		json.NewDecoder(r.Body).Decode(&req)
		vif, err := objects.DecodeVIF(req.VIF)
		if err != nil {
			writeError(w, &APIError{Status: http.StatusBadRequest, Code: CodeInvalidObject, Message: err.Error()})
			return
		}
		mu.Lock()
		singles = append(singles, vif.Base().ID.Value())
		mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such endpoint: " + r.URL.Path})
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	c, err := NewClient("unix:" + sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	errs := c.PlugMany(context.Background(), []plugin.Request{req(1), req(2), req(3)})
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", i, err)
		}
	}
	slices.Sort(singles)
	if want := []string{vid(1), vid(2), vid(3)}; !slices.Equal(singles, want) {
		t.Fatalf("single requests = %v, want %v", singles, want)
	}
}
