package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govif/govif"
	"github.com/govif/govif/internal/buildinfo"
	"github.com/govif/govif/objects"
	_ "github.com/govif/govif/plugins/noop"
)

// stuckHost ignores its context: Plug returns only when release is closed, as a plugin stuck
// behind other callers' work would.
type stuckHost struct {
	*fakeHost
	release chan struct{}
	entered chan struct{}
	ended   chan struct{}
}

func (h *stuckHost) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	h.entered <- struct{}{}
	<-h.release
	defer func() { h.ended <- struct{}{} }()
	return ctx.Err()
}

func newStuckHost() *stuckHost {
	return &stuckHost{fakeHost: newFakeHost(), release: make(chan struct{}), entered: make(chan struct{}, 4), ended: make(chan struct{}, 4)}
}

// TestRequestTimeoutBindsAHostThatIgnoresIt: the answer (504 timeout) comes at request_timeout
// even when the host call does not return then; the operation stays tracked until it ends.
func TestRequestTimeoutBindsAHostThatIgnoresIt(t *testing.T) {
	host := newStuckHost()
	ts := startServer(t, host, Options{RequestTimeout: 300 * time.Millisecond})
	defer close(host.release)
	start := time.Now()
	err := ts.client.Plug(context.Background(), testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01"), testInstance())
	took := time.Since(start)
	var api *APIError
	if !errors.As(err, &api) || api.Code != CodeTimeout || api.Status != http.StatusGatewayTimeout {
		t.Fatalf("err = %v, want 504 timeout", err)
	}
	if took > 5*time.Second {
		t.Fatalf("answered after %v with request_timeout 300ms", took)
	}
	if n := len(ts.srv.InFlight()); n != 1 {
		t.Fatalf("%d operations tracked while the host still runs one", n)
	}
	if m := scrape(t, ts); !strings.Contains(m, "\ngovif_operations_running 1\n") {
		t.Fatalf("govif_operations_running is not 1 while the host runs one operation:\n%s", m)
	}
}

// TestClientHangUpCancelsThePlug: a client that goes away cancels its plug's context.
func TestClientHangUpCancelsThePlug(t *testing.T) {
	host := newBlockingHost()
	ts := startServer(t, host, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-host.entered; cancel() }()
	_ = ts.client.Plug(ctx, testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01"), testInstance())
	select {
	case <-host.canceled:
	case <-time.After(5 * time.Second):
		t.Fatal("the host's context was not cancelled after the client hung up")
	}
	waitNoOps(t, ts.srv)
}

// TestShutdownWaitsForAnsweredOperations: an operation answered at its deadline but still
// running in the host keeps Shutdown waiting (the Host must not be closed under it).
func TestShutdownWaitsForAnsweredOperations(t *testing.T) {
	host := newStuckHost()
	ts := startServer(t, host, Options{RequestTimeout: 100 * time.Millisecond})
	_ = ts.client.Plug(context.Background(), testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01"), testInstance())
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- ts.srv.Shutdown(ctx)
	}()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while the host still ran an operation", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(host.release)
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

// TestShutdownGraceExpiryCancelsAndReports: at grace expiry the operations still running are
// cancelled and reported by VIF id: ended ones as Ended, the others as Unfinished.
func TestShutdownGraceExpiryCancelsAndReports(t *testing.T) {
	blocking := newBlockingHost()
	ts := startServer(t, blocking, Options{AbortTimeout: 300 * time.Millisecond})
	id := "0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01"
	errc := make(chan error, 1)
	go func() { errc <- ts.client.Plug(context.Background(), testVIF(id), testInstance()) }()
	<-blocking.entered
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := ts.srv.Shutdown(ctx)
	var ab *AbandonedError
	if !errors.As(err, &ab) || len(ab.Ended) != 1 || ab.Ended[0].VIFID != id || len(ab.Unfinished) != 0 {
		t.Fatalf("Shutdown = %v (%+v), want the plug of %s cancelled and ended", err, ab, id)
	}
	if err := <-errc; err == nil {
		t.Fatal("the cancelled plug was answered as a success")
	}

	stuck := newStuckHost()
	ts2 := startServer(t, stuck, Options{AbortTimeout: 100 * time.Millisecond})
	go func() { ts2.client.Plug(context.Background(), testVIF(id), testInstance()) }()
	<-stuck.entered
	ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	err = ts2.srv.Shutdown(ctx2)
	if !errors.As(err, &ab) || len(ab.Unfinished) != 1 || ab.Unfinished[0].VIFID != id {
		t.Fatalf("Shutdown = %v, want the stuck plug of %s reported unfinished", err, id)
	}
	close(stuck.release)
}

// rawConn opens a connection to the server's socket.
func rawConn(t *testing.T, ts *testServer) net.Conn {
	t.Helper()
	c, err := net.Dial("unix", ts.sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedWithin reports whether the server closes c within d.
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 4096)
	for {
		_, err := c.Read(buf)
		if err != nil {
			var ne net.Error
			return !(errors.As(err, &ne) && ne.Timeout())
		}
	}
}

// TestSlowClientsAreCut: headers or a body that do not arrive in time, and idle keep-alive
// connections, are closed by the server.
func TestSlowClientsAreCut(t *testing.T) {
	ts := startServer(t, newFakeHost(), Options{HeaderTimeout: 200 * time.Millisecond, BodyTimeout: 200 * time.Millisecond, IdleTimeout: 200 * time.Millisecond})

	c := rawConn(t, ts)
	fmt.Fprintf(c, "POST /v1/plug HTTP/1.1\r\nHost: govif\r\n") // headers never finished
	if !closedWithin(c, 3*time.Second) {
		t.Error("connection with unfinished headers not closed")
	}

	c = rawConn(t, ts)
	fmt.Fprintf(c, "POST /v1/plug HTTP/1.1\r\nHost: govif\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"vif\":")
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 4096)
	n, _ := c.Read(buf)
	if !strings.Contains(string(buf[:n]), "408") || !strings.Contains(string(buf[:n]), CodeBodyTimeout) {
		t.Errorf("slow body: reply %q, want 408 %s", buf[:n], CodeBodyTimeout)
	}

	c = rawConn(t, ts)
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: govif\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	if n, err := c.Read(buf); err != nil || !strings.Contains(string(buf[:n]), "200 OK") {
		t.Fatalf("healthz on keep-alive connection: %q %v", buf[:n], err)
	}
	if !closedWithin(c, 3*time.Second) {
		t.Error("idle keep-alive connection not closed")
	}
}

// TestConnectionLimit: with MaxConnections 2, a third client is not served until one of the
// two closes; peer credentials still work through the limiting listener.
func TestConnectionLimit(t *testing.T) {
	ts := startServer(t, newFakeHost(), Options{MaxConnections: 2, HeaderTimeout: 10 * time.Second})
	a, b := rawConn(t, ts), rawConn(t, ts)
	fmt.Fprintf(a, "GET /healthz HTTP/1.1\r\nHost: govif\r\n")
	fmt.Fprintf(b, "GET /healthz HTTP/1.1\r\nHost: govif\r\n")
	third := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		third <- ts.client.Health(ctx)
	}()
	select {
	case err := <-third:
		t.Fatalf("third client served (%v) while two connections were open with MaxConnections 2", err)
	case <-time.After(300 * time.Millisecond):
	}
	a.Close()
	select {
	case err := <-third:
		if err != nil {
			t.Fatalf("third client after a slot freed: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("third client not served after a connection closed")
	}
}

// TestHealthReadyDegradedStopping: /healthz is 200 ready when checks pass, 503 degraded naming
// the failing check, 503 stopping during shutdown.
func TestHealthReadyDegradedStopping(t *testing.T) {
	var mu sync.Mutex
	var fail error
	check := HealthCheck{Name: "ovsdb", Check: func(context.Context) error { mu.Lock(); defer mu.Unlock(); return fail }}
	ts := startServer(t, newFakeHost(), Options{Checks: []HealthCheck{check}})
	if err := ts.client.Health(context.Background()); err != nil {
		t.Fatalf("ready: %v", err)
	}
	mu.Lock()
	fail = errors.New("dial unix /nowhere: connection refused")
	mu.Unlock()
	time.Sleep(healthCacheTTL + 50*time.Millisecond)
	err := ts.client.Health(context.Background())
	var api *APIError
	if !errors.As(err, &api) || api.Status != http.StatusServiceUnavailable || !strings.Contains(api.Message, "ovsdb: dial unix /nowhere") {
		t.Fatalf("degraded: %v", err)
	}
	status, body := getJSON(t, ts, PathHealth)
	if status != http.StatusServiceUnavailable || body.Status != HealthDegraded || body.Checks["ovsdb"] == "ok" {
		t.Fatalf("degraded body: %d %+v", status, body)
	}
	// The client still gets the body (the version, the checks) beside the error.
	h, err := ts.client.HealthInfo(context.Background())
	if err == nil || h.Status != HealthDegraded || h.Version != buildinfo.Version() || h.Checks["ovsdb"] == "ok" {
		t.Fatalf("HealthInfo when degraded = %+v, %v; want the body and an error", h, err)
	}
}

func getJSON(t *testing.T, ts *testServer, path string) (int, Health) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", ts.sock)
	}}}
	defer c.CloseIdleConnections()
	resp, err := c.Get("http://govif" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var hb Health
	if err := decodeJSON(resp.Body, &hb); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, hb
}

// TestHostInfoEmptyVsNilAgree: the client sends an empty filter as one (keeps nothing) and no
// filter as none (keeps everything), as govif.Host does.
func TestHostInfoEmptyVsNilAgree(t *testing.T) {
	ts := startServer(t, newFakeHost(), Options{})
	all, err := ts.client.HostInfo(context.Background())
	if err != nil || len(all.PluginInfo.Value()) != 1 {
		t.Fatalf("nil filter: %v %v", all, err)
	}
	none, err := ts.client.HostInfo(context.Background(), []string{}...)
	if err != nil || len(none.PluginInfo.Value()) != 0 {
		t.Fatalf("empty filter: %d plugins, %v; want 0", len(none.PluginInfo.Value()), err)
	}
}

// TestNotify: READY=1 reaches a unixgram socket named by $NOTIFY_SOCKET; without it Notify
// does nothing.
func TestNotify(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "notify.sock")
	ln, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Setenv("NOTIFY_SOCKET", path)
	if err := Notify("READY=1"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	ln.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, err := ln.Read(buf)
	if err != nil || string(buf[:n]) != "READY=1" {
		t.Fatalf("got %q, %v", buf[:n], err)
	}
	os.Unsetenv("NOTIFY_SOCKET")
	if err := Notify("READY=1"); err != nil {
		t.Fatalf("without NOTIFY_SOCKET: %v", err)
	}
	t.Setenv("NOTIFY_SOCKET", "relative")
	if err := Notify("READY=1"); err == nil {
		t.Fatal("a relative NOTIFY_SOCKET was accepted")
	}
}

func decodeJSON(r interface{ Read([]byte) (int, error) }, v any) error {
	return json.NewDecoder(r).Decode(v)
}

// TestHostInfoClientAgreesWithRealHost: the client over a real socket and the in-process
// govif.Host it serves give the same HostInfo for no filter, an empty filter and a filter.
func TestHostInfoClientAgreesWithRealHost(t *testing.T) {
	host, err := govif.NewHost(context.Background(), nil, govif.WithPlugins("noop"), govif.WithoutExecPlugins(),
		govif.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	ts := startServer(t, host, Options{})
	ctx := context.Background()
	for _, filter := range [][]string{nil, {}, {"VIFVHostUser"}, {"VIFBridge"}} {
		want, err := host.HostInfo(ctx, filter...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ts.client.HostInfo(ctx, filter...)
		if err != nil {
			t.Fatal(err)
		}
		wb, _ := objects.Encode(want)
		gb, _ := objects.Encode(got)
		if string(wb) != string(gb) {
			t.Errorf("filter %#v: client %s, host %s", filter, gb, wb)
		}
	}
}
