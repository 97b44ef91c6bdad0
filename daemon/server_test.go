package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/govif/govif/internal/buildinfo"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govif/govif"
	"github.com/govif/govif/objects"
)

// fakeHost records calls and lets a test hold them inside Plug/Unplug.
type fakeHost struct {
	mu       sync.Mutex
	calls    []string
	active   map[string]int // VIF id → operations running now
	overlaps []string       // VIF ids that saw two operations at once
	maxPar   int            // most operations (any VIF) running at once
	running  int
	hold     chan struct{} // when non-nil, every call waits on it
	entered  chan string   // when non-nil, every call reports its VIF id on entry
	err      error
}

func newFakeHost() *fakeHost { return &fakeHost{active: map[string]int{}} }

func (f *fakeHost) op(ctx context.Context, name string, vif objects.VIF) error {
	id := vif.Base().ID.Value()
	f.mu.Lock()
	f.calls = append(f.calls, name+" "+id)
	f.active[id]++
	if f.active[id] > 1 {
		f.overlaps = append(f.overlaps, id)
	}
	f.running++
	f.maxPar = max(f.maxPar, f.running)
	hold, entered := f.hold, f.entered
	f.mu.Unlock()
	if entered != nil {
		entered <- id
	}
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
		}
	}
	f.mu.Lock()
	f.active[id]--
	f.running--
	f.mu.Unlock()
	return f.err
}

func (f *fakeHost) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return f.op(ctx, "plug", vif)
}
func (f *fakeHost) Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return f.op(ctx, "unplug", vif)
}
func (f *fakeHost) HostInfo(ctx context.Context, permitted ...string) (*objects.HostInfo, error) {
	pi := &objects.HostPluginInfo{PluginName: objects.Set("noop"), VIFInfo: objects.Set([]*objects.HostVIFInfo{{
		VIFObjectName: objects.Set("VIFVHostUser"), MinVersion: objects.Set("1.0"), MaxVersion: objects.Set("1.1"),
		SupportedPortProfiles: objects.Set([]*objects.HostPortProfileInfo{}),
	}})}
	hi := &objects.HostInfo{PluginInfo: objects.Set([]*objects.HostPluginInfo{pi})}
	if permitted != nil {
		hi.FilterVIFTypes(permitted)
	}
	return hi, nil
}

func testVIF(id string) *objects.VIFOpenVSwitch {
	mac, _ := net.ParseMAC("fa:16:3e:11:22:33")
	return &objects.VIFOpenVSwitch{
		VIFBase: objects.VIFBase{
			ID: objects.Set(id), Address: objects.Set(mac), Plugin: objects.Set("ovs"),
			PortProfile: objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(id)}),
		},
		VIFName: objects.Set("tap" + id[:11]), BridgeName: objects.Set("br-int"),
	}
}

func testInstance() *objects.InstanceInfo {
	return &objects.InstanceInfo{UUID: objects.Set("d1f0b8a4-6c3e-4c4f-9d0a-2a4f3b2b1c11"), Name: objects.Set("instance-00000001")}
}

type testServer struct {
	sock   string
	srv    *Server
	client *Client
	done   chan error
}

func startServer(t testing.TB, host Host, opts Options) *testServer {
	t.Helper()
	return startServerIn(t, t.TempDir(), host, opts)
}

func startServerIn(t testing.TB, dir string, host Host, opts Options) *testServer {
	t.Helper()
	sock := filepath.Join(dir, "govif.sock")
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ln, err := ListenUnix(sock, 0o660, -1)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Access.UIDs == nil && opts.Access.GIDs == nil {
		opts.Access.UIDs = []uint32{uint32(os.Geteuid())}
	}
	srv := NewServer(host, opts)
	ts := &testServer{sock: sock, srv: srv, done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(ln) }()
	ts.client, err = NewClient("unix:" + sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ts.client.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-ts.done
	})
	return ts
}

func (ts *testServer) post(t *testing.T, path string, body []byte) (int, ErrorBody) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", ts.sock)
	}}}
	defer c.CloseIdleConnections()
	resp, err := c.Post("http://govif"+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var eb ErrorBody
	if resp.StatusCode != http.StatusOK {
		if err := json.Unmarshal(data, &eb); err != nil {
			t.Fatalf("error reply is not JSON: %q", data)
		}
	}
	return resp.StatusCode, eb
}

func TestPlugUnplugAndHostInfo(t *testing.T) {
	host := newFakeHost()
	ts := startServer(t, host, Options{})
	ctx := context.Background()
	vif := testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01")
	if err := ts.client.Plug(ctx, vif, testInstance()); err != nil {
		t.Fatalf("plug: %v", err)
	}
	if err := ts.client.Unplug(ctx, vif, testInstance()); err != nil {
		t.Fatalf("unplug: %v", err)
	}
	want := []string{"plug 0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01", "unplug 0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01"}
	if fmt.Sprint(host.calls) != fmt.Sprint(want) {
		t.Fatalf("host calls = %v, want %v", host.calls, want)
	}
	hi, err := ts.client.HostInfo(ctx, "VIFOpenVSwitch")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(hi.PluginInfo.Value()); n != 0 {
		t.Fatalf("host-info filtered to VIFOpenVSwitch: %d plugins, want 0", n)
	}
	hi, err = ts.client.HostInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !hi.HasPlugin("noop") {
		t.Fatalf("host-info lacks the noop plugin")
	}
	h, err := ts.client.HealthInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h.Status != HealthReady || h.Version != buildinfo.Version() || h.GoVersion != runtime.Version() {
		t.Fatalf("/healthz = %+v, want ready with version %q and %s", h, buildinfo.Version(), runtime.Version())
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	host := newFakeHost()
	ts := startServer(t, host, Options{})
	vb, err := objects.Encode(testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01"))
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(vb, []byte("fa:16:3e:11:22:33"), []byte("fa:16:3e:11:22:zz"), 1)
	ib, _ := objects.Encode(testInstance())
	body, _ := json.Marshal(VIFRequest{VIF: bad, InstanceInfo: ib})
	status, eb := ts.post(t, PathPlug, body)
	if status != http.StatusBadRequest || eb.Error.Code != CodeInvalidObject {
		t.Fatalf("status %d code %q, want 400 %s", status, eb.Error.Code, CodeInvalidObject)
	}
	if eb.Error.Field != "VIFOpenVSwitch.address" || !strings.Contains(eb.Error.Message, "fa:16:3e:11:22:zz") {
		t.Fatalf("error does not name the field and value: %+v", eb.Error)
	}
	for _, tc := range []struct{ name, body, code string }{
		{"not json", `{"vif":`, CodeBadRequest},
		{"missing instance", `{"vif":` + string(vb) + `}`, CodeInvalidObject},
		{"foreign namespace", `{"vif":` + strings.Replace(string(vb), `"os_vif"`, `"nova"`, 1) + `,"instance_info":` + string(ib) + `}`, CodeUnsupportedObject},
	} {
		status, eb := ts.post(t, PathPlug, []byte(tc.body))
		if status != http.StatusBadRequest || eb.Error.Code != tc.code {
			t.Errorf("%s: status %d code %q, want 400 %s (%s)", tc.name, status, eb.Error.Code, tc.code, eb.Error.Message)
		}
	}
	if len(host.calls) != 0 {
		t.Fatalf("bad input reached the host: %v", host.calls)
	}
}

func TestHostErrorsMapToCodes(t *testing.T) {
	host := newFakeHost()
	ts := startServer(t, host, Options{})
	vif := testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01")

	host.err = fmt.Errorf("plug: %w", govif.ErrNoMatchingPlugin)
	err := ts.client.Plug(context.Background(), vif, testInstance())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusUnprocessableEntity || !errors.Is(err, govif.ErrNoMatchingPlugin) {
		t.Fatalf("no matching plugin: got %v (%+v)", err, ae)
	}
	host.err = errors.New("ovsdb: connection refused")
	err = ts.client.Plug(context.Background(), vif, testInstance())
	if !errors.As(err, &ae) || ae.Status != http.StatusInternalServerError || ae.Code != CodePlugFailed || ae.VIFID != "0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01" {
		t.Fatalf("host failure: got %v (%+v)", err, ae)
	}
}

func TestOversizedBody(t *testing.T) {
	host := newFakeHost()
	ts := startServer(t, host, Options{MaxBodyBytes: 4096})
	body := []byte(`{"vif":"` + strings.Repeat("x", 8192) + `"}`)
	status, eb := ts.post(t, PathPlug, body)
	if status != http.StatusRequestEntityTooLarge || eb.Error.Code != CodeTooLarge {
		t.Fatalf("status %d code %q, want 413 %s", status, eb.Error.Code, CodeTooLarge)
	}
}

func TestPeerNotAllowed(t *testing.T) {
	host := newFakeHost()
	// Only uid 4242 may call: this test process (any other uid) must be refused.
	ts := startServer(t, host, Options{Access: AccessPolicy{UIDs: []uint32{4242}}})
	err := ts.client.Plug(context.Background(), testVIF("0b9e8a52-3a0c-4bd5-9a52-5d0d4c8c6e01"), testInstance())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusForbidden || ae.Code != CodeForbidden {
		t.Fatalf("got %v, want 403 forbidden", err)
	}
	if len(host.calls) != 0 {
		t.Fatalf("refused peer reached the host: %v", host.calls)
	}
}

// TestPeerOtherUIDRefused runs the client in a child process with another uid (needs root):
// the kernel's SO_PEERCRED, not anything the client says, decides.
func TestPeerOtherUIDRefused(t *testing.T) {
	if os.Getenv("GOVIF_PEER_CHILD") != "" {
		c, err := NewClient(os.Getenv("GOVIF_PEER_CHILD"))
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(3)
		}
		err = c.Health(context.Background())
		var ae *APIError
		if errors.As(err, &ae) {
			fmt.Println("STATUS", ae.Status, ae.Code)
		} else {
			fmt.Println("RESULT", err)
		}
		os.Exit(0)
	}
	if testing.Short() || os.Geteuid() != 0 {
		t.Skip("skipping: needs root (not in -short) to run a client as another uid")
	}
	// uid 65534 must reach both the test binary and the socket: use a world-readable dir.
	dir, err := os.MkdirTemp("", "govif-peer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "daemon.test")
	if err := copyFile(os.Args[0], bin, 0o755); err != nil {
		t.Fatal(err)
	}
	host := newFakeHost()
	ts := startServerIn(t, dir, host, Options{Access: AccessPolicy{UIDs: []uint32{0}}})
	os.Chmod(ts.sock, 0o666) // let uid 65534 connect at all, so the credential check is what refuses it
	cmd := exec.Command(bin, "-test.run=^TestPeerOtherUIDRefused$")
	cmd.Env = append(os.Environ(), "GOVIF_PEER_CHILD=unix:"+ts.sock)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v: %s", err, out)
	}
	if !strings.Contains(string(out), "STATUS 403 forbidden") {
		t.Fatalf("child as uid 65534 was not refused: %s", out)
	}
}

func copyFile(src, dst string, mode os.FileMode) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, mode)
}

// TestDaemonAddsNoVIFLock: the daemon passes every request to the host at once, also two for
// the same VIF; serialising them is the Host's job (one lock per request, in govif.Host or in a
// plugin that locks VIFs itself), so the daemon must not take a second one.
func TestDaemonAddsNoVIFLock(t *testing.T) {
	host := newFakeHost()
	host.hold = make(chan struct{})
	host.entered = make(chan string, 16)
	ts := startServer(t, host, Options{})
	ctx := context.Background()
	a := testVIF("aaaaaaaa-0000-4000-8000-000000000001")

	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, f := range []func(context.Context, objects.VIF, *objects.InstanceInfo) error{ts.client.Plug, ts.client.Unplug} {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- f(ctx, a, testInstance()) }()
	}
	for range 2 {
		select {
		case <-host.entered:
		case <-time.After(10 * time.Second):
			t.Fatal("the daemon held back a request for a VIF that another request was using: a second lock")
		}
	}
	close(host.hold)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(ts.srv.InFlight()); n != 0 {
		t.Fatalf("%d operations still tracked after all requests finished", n)
	}
}

func TestShutdownDrainsRequestsInFlight(t *testing.T) {
	host := newFakeHost()
	host.hold = make(chan struct{})
	host.entered = make(chan string, 1)
	ts := startServer(t, host, Options{})
	errc := make(chan error, 1)
	go func() {
		errc <- ts.client.Plug(context.Background(), testVIF("aaaaaaaa-0000-4000-8000-000000000001"), testInstance())
	}()
	<-host.entered
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		shut <- ts.srv.Shutdown(ctx)
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a request was in flight", err)
	default:
	}
	close(host.hold)
	if err := <-errc; err != nil {
		t.Fatalf("request in flight failed during shutdown: %v", err)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if _, err := os.Stat(ts.sock); !os.IsNotExist(err) {
		t.Fatalf("socket still exists after shutdown: %v", err)
	}
}

func TestListenUnixPermissions(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s", "govif.sock")
	ln, err := ListenUnix(sock, 0o660, -1)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(sock)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o660 {
		t.Fatalf("socket mode %v, want 0660", fi.Mode().Perm())
	}
	if _, err := ListenUnix(sock, 0o660, -1); err == nil {
		t.Fatal("second listener on a live socket succeeded")
	}
	ln.Close()
	// A stale socket file (left by a daemon that died: nobody listens) is replaced.
	stale, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	stale.SetUnlinkOnClose(false)
	stale.Close()
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("stale socket file not left behind for the test: %v", err)
	}
	ln2, err := ListenUnix(sock, 0o660, -1)
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	ln2.Close()
}
