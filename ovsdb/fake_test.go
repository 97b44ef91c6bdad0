package ovsdb_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/govif/govif/ovsdb"
)

// fakeServer is an in-process JSON-RPC peer on a unix socket: each test script drives it
// message by message, so error replies, disconnects and reordering are exact.
type fakeServer struct {
	t     *testing.T
	ln    net.Listener
	path  string
	conns chan *fakeConn
}

type fakeConn struct {
	t   *testing.T
	c   net.Conn
	dec *json.Decoder
}

type rpcMsg struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
}

func newFakeServer(t *testing.T) *fakeServer {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeServer{t: t, ln: ln, path: path, conns: make(chan *fakeConn, 8)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.conns <- &fakeConn{t: t, c: c, dec: json.NewDecoder(c)}
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return f
}

func (f *fakeServer) endpoint() string { return "unix:" + f.path }

// accept returns the next connection the client made.
func (f *fakeServer) accept() *fakeConn {
	f.t.Helper()
	select {
	case c := <-f.conns:
		f.t.Cleanup(func() { c.c.Close() })
		return c
	case <-time.After(10 * time.Second):
		f.t.Fatal("fake server: no connection")
		return nil
	}
}

func (f *fakeServer) dial(opts ...ovsdb.Option) (*ovsdb.Client, *fakeConn) {
	f.t.Helper()
	opts = append([]ovsdb.Option{ovsdb.WithInactivityProbe(0), ovsdb.WithLogger(quiet)}, opts...)
	c, err := ovsdb.Dial(context.Background(), f.endpoint(), opts...)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { c.Close() })
	return c, f.accept()
}

// read returns the next message the client sent.
func (fc *fakeConn) read() rpcMsg {
	fc.t.Helper()
	_ = fc.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var m rpcMsg
	if err := fc.dec.Decode(&m); err != nil {
		fc.t.Fatalf("fake server: read: %v", err)
	}
	return m
}

// readMethod reads messages until one with the given method arrives (skipping others).
func (fc *fakeConn) readMethod(method string) rpcMsg {
	fc.t.Helper()
	for {
		if m := fc.read(); m.Method == method {
			return m
		}
	}
}

func (fc *fakeConn) send(v any) {
	fc.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		fc.t.Fatal(err)
	}
	if _, err := fc.c.Write(b); err != nil {
		fc.t.Fatalf("fake server: write: %v", err)
	}
}

func (fc *fakeConn) reply(id json.RawMessage, result any) {
	fc.t.Helper()
	fc.send(map[string]any{"id": id, "result": result, "error": nil})
}

type callResult struct {
	res []ovsdb.OperationResult
	err error
}

func goTransact(ctx context.Context, c *ovsdb.Client, ops ...ovsdb.Operation) chan callResult {
	ch := make(chan callResult, 1)
	go func() {
		res, err := c.Transact(ctx, "Open_vSwitch", ops...)
		ch <- callResult{res, err}
	}()
	return ch
}

func wait(t *testing.T, ch chan callResult) callResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(60 * time.Second): // generous: -race on a loaded 2-core machine is slow
		t.Fatal("call did not return")
		return callResult{}
	}
}

func TestFakeTransactErrors(t *testing.T) {
	f := newFakeServer(t)
	c, fc := f.dial()
	ctx := context.Background()
	ops := []ovsdb.Operation{ovsdb.Comment("a"), ovsdb.Update("Bridge", nil, map[string]any{"x": 1}), ovsdb.Delete("Port")}

	// An error at operation 1, then nulls.
	ch := goTransact(ctx, c, ops...)
	m := fc.readMethod("transact")
	fc.reply(m.ID, []any{map[string]any{}, map[string]any{"error": "constraint violation", "details": "bad x"}, nil})
	r := wait(t, ch)
	var te *ovsdb.TransactError
	if !errors.As(r.err, &te) || te.Index != 1 || te.Op != "update Bridge" || te.Details != "bad x" ||
		!errors.Is(r.err, ovsdb.ErrConstraintViolation) || errors.Is(r.err, ovsdb.ErrTimedOut) {
		t.Fatalf("op error: %#v", r.err)
	}

	// Every operation fine, the commit refused: an extra result.
	ch = goTransact(ctx, c, ops...)
	m = fc.readMethod("transact")
	fc.reply(m.ID, []any{map[string]any{}, map[string]any{"count": 1}, map[string]any{"count": 0},
		map[string]any{"error": "referential integrity violation", "details": "ref"}})
	r = wait(t, ch)
	if !errors.As(r.err, &te) || te.Index != 3 || te.Op != "commit" || !errors.Is(r.err, ovsdb.ErrReferentialIntegrity) {
		t.Fatalf("commit error: %v", r.err)
	}

	// A short reply is an error, not a panic.
	ch = goTransact(ctx, c, ops...)
	m = fc.readMethod("transact")
	fc.reply(m.ID, []any{map[string]any{}})
	if r = wait(t, ch); !errors.As(r.err, &te) {
		t.Fatalf("short reply: %v", r.err)
	}

	// A JSON-RPC error reply.
	ch = goTransact(ctx, c, ops...)
	m = fc.readMethod("transact")
	fc.send(map[string]any{"id": m.ID, "result": nil, "error": map[string]any{"error": "unknown database", "details": "no Open_vSwitch"}})
	r = wait(t, ch)
	var re *ovsdb.RPCError
	if !errors.As(r.err, &re) || re.Method != "transact" || !errors.Is(r.err, ovsdb.ErrUnknownDatabase) {
		t.Fatalf("rpc error: %v", r.err)
	}

	// A reply that is not a result array.
	ch = goTransact(ctx, c, ops...)
	m = fc.readMethod("transact")
	fc.reply(m.ID, "surprise")
	if r = wait(t, ch); r.err == nil {
		t.Fatal("malformed reply accepted")
	}
}

func TestFakeServerEchoAndUnknownRequest(t *testing.T) {
	f := newFakeServer(t)
	_, fc := f.dial()
	fc.send(map[string]any{"method": "echo", "params": []any{"ping", 1}, "id": "echo"})
	m := fc.read()
	if string(m.ID) != `"echo"` || string(m.Result) != `["ping",1]` || string(m.Error) != "null" {
		t.Fatalf("echo answer: id %s result %s error %s", m.ID, m.Result, m.Error)
	}
	fc.send(map[string]any{"method": "steal", "params": []any{}, "id": 7})
	m = fc.read()
	if string(m.ID) != "7" || string(m.Error) == "null" {
		t.Fatalf("unknown request answer: id %s error %s", m.ID, m.Error)
	}
}

func TestFakeRepliesOutOfOrder(t *testing.T) {
	f := newFakeServer(t)
	c, fc := f.dial()
	ctx := context.Background()
	type res struct {
		dbs []string
		err error
	}
	a := make(chan res, 1)
	go func() { d, err := c.ListDBs(ctx); a <- res{d, err} }()
	m1 := fc.read()
	b := goTransact(ctx, c, ovsdb.Comment("x"))
	m2 := fc.read()
	// Answer the second call first.
	if m1.Method == "transact" {
		m1, m2 = m2, m1
	}
	fc.reply(m2.ID, []any{map[string]any{}})
	fc.reply(m1.ID, []string{"Open_vSwitch", "_Server"})
	if r := wait(t, b); r.err != nil || len(r.res) != 1 {
		t.Fatalf("transact: %v %v", r.res, r.err)
	}
	if r := <-a; r.err != nil || len(r.dbs) != 2 {
		t.Fatalf("list_dbs: %v %v", r.dbs, r.err)
	}
}

func TestFakeHugeReply(t *testing.T) {
	f := newFakeServer(t)
	c, fc := f.dial()
	rows := make([]map[string]any, 25000)
	for i := range rows {
		rows[i] = map[string]any{"name": "tap0123456789-" + string(rune('a'+i%26)), "external_ids": []any{"map", [][2]string{{"iface-id", "0123456789abcdef0123456789abcdef01234567"}, {"vm-uuid", "fedcba9876543210fedcba9876543210"}}}}
	}
	ch := goTransact(context.Background(), c, ovsdb.Select("Interface", nil))
	m := fc.readMethod("transact")
	big, _ := json.Marshal(map[string]any{"id": m.ID, "result": []any{map[string]any{"rows": rows}}, "error": nil})
	if len(big) < 2<<20 {
		t.Fatalf("reply only %d bytes", len(big))
	}
	go fc.c.Write(big)
	r := wait(t, ch)
	if r.err != nil || len(r.res[0].Rows) != len(rows) {
		t.Fatalf("huge reply: %v", r.err)
	}
	ids, err := r.res[0].Rows[24999].Map("external_ids")
	if err != nil || ids["vm-uuid"] != "fedcba9876543210fedcba9876543210" {
		t.Fatalf("last row: %v %v", ids, err)
	}
}

func TestFakeContextCancel(t *testing.T) {
	f := newFakeServer(t)
	c, fc := f.dial()
	ctx, cancel := context.WithCancel(context.Background())
	ch := goTransact(ctx, c, ovsdb.Wait("Port", nil, []string{"name"}, "==", nil, 100000))
	m := fc.readMethod("transact")
	cancel()
	r := wait(t, ch)
	if !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled transact: %v", r.err)
	}
	// The client asks the server to drop the transaction...
	cm := fc.readMethod("cancel")
	if string(cm.Params) != "["+string(m.ID)+"]" {
		t.Fatalf("cancel params %s for id %s", cm.Params, m.ID)
	}
	// ...a late reply to it is ignored, and the client is still usable.
	fc.send(map[string]any{"id": m.ID, "result": nil, "error": "canceled"})
	done := make(chan error, 1)
	go func() { done <- c.Echo(context.Background()) }()
	e := fc.readMethod("echo")
	fc.send(map[string]any{"id": e.ID, "result": e.Params, "error": nil})
	if err := <-done; err != nil {
		t.Fatalf("echo after cancel: %v", err)
	}
	// An already-cancelled context sends nothing and leaves the connection alone.
	if _, err := c.Transact(ctx, "Open_vSwitch", ovsdb.Comment("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("dead ctx: %v", err)
	}
	if !c.Connected() {
		t.Fatal("connection dropped by a cancelled call")
	}
}

func TestParseEndpoint(t *testing.T) {
	for _, tc := range []struct{ in, network, addr string }{
		{"unix:/run/openvswitch/db.sock", "unix", "/run/openvswitch/db.sock"},
		{"tcp:127.0.0.1:6640", "tcp", "127.0.0.1:6640"},
		{"tcp:[::1]:6640", "tcp", "[::1]:6640"},
		{"ssl:10.0.0.1:6640", "ssl", "10.0.0.1:6640"},
	} {
		n, a, err := ovsdb.ParseEndpoint(tc.in)
		if err != nil || n != tc.network || a != tc.addr {
			t.Errorf("%s: %s %s %v", tc.in, n, a, err)
		}
	}
	for _, bad := range []string{"ssl:127.0.0.1", "tcp:127.0.0.1", "/run/db.sock", "unix:", "punix:/x", "pssl:6640"} {
		var ee *ovsdb.EndpointError
		if _, _, err := ovsdb.ParseEndpoint(bad); !errors.As(err, &ee) || ee.Endpoint != bad {
			t.Errorf("%s: %v", bad, err)
		}
		if _, err := ovsdb.Dial(context.Background(), bad); err == nil {
			t.Errorf("Dial(%s) succeeded", bad)
		}
	}
}
