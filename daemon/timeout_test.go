package daemon

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/govif/govif/objects"
)

// blockingHost blocks every Plug/Unplug until release is closed or the request's context
// ends, and returns the context's error in the latter case (as the real plugins do).
type blockingHost struct {
	*fakeHost
	release  chan struct{}
	entered  chan struct{}
	canceled chan struct{}
	once     sync.Once
}

func newBlockingHost() *blockingHost {
	return &blockingHost{fakeHost: newFakeHost(), release: make(chan struct{}), entered: make(chan struct{}, 16), canceled: make(chan struct{})}
}

func (h *blockingHost) block(ctx context.Context) error {
	h.entered <- struct{}{}
	select {
	case <-h.release:
		return nil
	case <-ctx.Done():
		h.once.Do(func() { close(h.canceled) })
		return ctx.Err()
	}
}

func (h *blockingHost) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return h.block(ctx)
}

func (h *blockingHost) Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return h.block(ctx)
}

// TestRequestTimeout: a plug the host does not finish within RequestTimeout is answered 504
// timeout, and the client sees context.DeadlineExceeded; an unplug of the same VIF queued
// behind it times out the same way (waiting for the VIF's lock or in the host).
func TestRequestTimeout(t *testing.T) {
	host := newBlockingHost()
	ts := startServer(t, host, Options{RequestTimeout: 200 * time.Millisecond})
	vif := testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01")
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, op := range []func(context.Context, objects.VIF, *objects.InstanceInfo) error{ts.client.Plug, ts.client.Unplug} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = op(context.Background(), vif, testInstance())
		}()
		if i == 0 {
			<-host.entered // the plug holds the VIF's lock before the unplug arrives
		}
	}
	wg.Wait()
	for i, err := range errs {
		var api *APIError
		if !errors.As(err, &api) || api.Status != http.StatusGatewayTimeout || api.Code != CodeTimeout || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("request %d: err = %v, want 504 timeout unwrapping to context.DeadlineExceeded", i, err)
		}
		if api != nil && api.VIFID != vif.ID.Value() {
			t.Errorf("request %d: vif_id = %q", i, api.VIFID)
		}
	}
	waitNoOps(t, ts.srv)
}

// TestClientHangUpCancelsRequest: when the client gives up (its context ends, the connection
// closes), the host's context for that request is cancelled.
func TestClientHangUpCancelsRequest(t *testing.T) {
	host := newBlockingHost()
	ts := startServer(t, host, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ts.client.Plug(ctx, testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01"), testInstance()) }()
	<-host.entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("client: err = %v, want context.Canceled", err)
	}
	select {
	case <-host.canceled:
	case <-time.After(30 * time.Second):
		t.Fatal("the host's context was not cancelled after the client hung up")
	}
}

// waitNoOps waits until the server tracks no host operation.
func waitNoOps(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.InFlight()) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("operations still tracked: %+v", s.InFlight())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
