package ovsdb_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/govif/govif/ovsdb"
)

func TestFakeDisconnectMidCall(t *testing.T) {
	f := newFakeServer(t)
	c, fc := f.dial()
	ch := goTransact(context.Background(), c, ovsdb.Comment("x"))
	fc.readMethod("transact")
	fc.c.Close()
	r := wait(t, ch)
	if !errors.Is(r.err, ovsdb.ErrDisconnected) {
		t.Fatalf("pending call: %v", r.err)
	}
	// Without reconnect, later calls fail at once with the same sentinel.
	if err := c.Echo(context.Background()); !errors.Is(err, ovsdb.ErrDisconnected) {
		t.Fatalf("later call: %v", err)
	}
}

func TestFakeReconnectNeverResends(t *testing.T) {
	f := newFakeServer(t)
	c, fc := f.dial(ovsdb.WithReconnect(time.Millisecond, 20*time.Millisecond))
	ch := goTransact(context.Background(), c, ovsdb.Insert("QoS", nil, ""))
	fc.readMethod("transact")
	fc.c.Close() // the server may or may not have committed it: the client cannot know
	if r := wait(t, ch); !errors.Is(r.err, ovsdb.ErrDisconnected) {
		t.Fatalf("in-flight call: %v", r.err)
	}
	fc2 := f.accept()
	done := make(chan error, 1)
	go func() { done <- c.Echo(context.Background()) }()
	// The first thing on the new connection is the new call, not a replay of the insert.
	m := fc2.read()
	if m.Method != "echo" {
		t.Fatalf("first request after reconnect is %q %s", m.Method, m.Params)
	}
	fc2.send(map[string]any{"id": m.ID, "result": m.Params, "error": nil})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestFakeReconnectWaitBoundedByContext(t *testing.T) {
	f := newFakeServer(t)
	c, fc := f.dial(ovsdb.WithReconnect(time.Millisecond, 5*time.Millisecond))
	f.ln.Close() // nobody will accept the redial
	fc.c.Close()
	waitDisconnected(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := c.Echo(ctx)
	if !errors.Is(err, ovsdb.ErrDisconnected) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("call while disconnected: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Echo(context.Background()); !errors.Is(err, ovsdb.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestFakeInactivityProbe(t *testing.T) {
	f := newFakeServer(t)
	c, err := ovsdb.Dial(context.Background(), f.endpoint(), ovsdb.WithInactivityProbe(400*time.Millisecond), ovsdb.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fc := f.accept()
	// A silent server gets an echo probe; answering it keeps the session.
	m := fc.readMethod("echo")
	fc.send(map[string]any{"id": m.ID, "result": m.Params, "error": nil})
	// Ignoring the next probe makes the client drop the connection.
	fc.readMethod("echo")
	waitDisconnected(t, c)
	if err := c.Echo(context.Background()); !errors.Is(err, ovsdb.ErrDisconnected) {
		t.Fatalf("after probe failure: %v", err)
	}
}

func TestFakeClosePendingCall(t *testing.T) {
	f := newFakeServer(t)
	c, fc := f.dial()
	ch := goTransact(context.Background(), c, ovsdb.Comment("x"))
	fc.readMethod("transact")
	c.Close()
	if r := wait(t, ch); !errors.Is(r.err, ovsdb.ErrClosed) {
		t.Fatalf("pending call on Close: %v", r.err)
	}
}

func TestFakeMonitor(t *testing.T) {
	f := newFakeServer(t)
	c, fc := f.dial()
	ctx := context.Background()
	type mres struct {
		m   *ovsdb.Monitor
		err error
	}
	mc := make(chan mres, 1)
	go func() {
		m, err := c.Monitor(ctx, "Open_vSwitch", map[string]ovsdb.MonitorRequest{
			"Interface": {Columns: []string{"ofport"}, Where: []ovsdb.Condition{ovsdb.Equal("name", "tap1")}}})
		mc <- mres{m, err}
	}()
	req := fc.readMethod("monitor_cond")
	var params []json.RawMessage
	if err := json.Unmarshal(req.Params, &params); err != nil || len(params) != 3 {
		t.Fatalf("monitor_cond params %s", req.Params)
	}
	if string(params[2]) != `{"Interface":[{"columns":["ofport"],"where":[["name","==","tap1"]]}]}` {
		t.Fatalf("monitor request %s", params[2])
	}
	fc.reply(req.ID, map[string]any{"Interface": map[string]any{"u1": map[string]any{"initial": map[string]any{"ofport": 0}}}})
	r := <-mc
	if r.err != nil {
		t.Fatal(r.err)
	}
	u, err := r.m.Next(ctx)
	if err != nil || len(u) != 1 || u[0].Kind != "initial" || u[0].UUID != "u1" {
		t.Fatalf("initial: %+v %v", u, err)
	}
	fc.send(map[string]any{"method": "update2", "params": []any{json.RawMessage(params[1]),
		map[string]any{"Interface": map[string]any{"u1": map[string]any{"modify": map[string]any{"ofport": 7}}}}}, "id": nil})
	u, err = r.m.Next(ctx)
	if err != nil || len(u) != 1 || u[0].Kind != "modify" {
		t.Fatalf("modify: %+v %v", u, err)
	}
	if p, _, _ := u[0].Row.Int("ofport"); p != 7 {
		t.Fatalf("ofport %d", p)
	}
	fc.c.Close()
	if _, err := r.m.Next(ctx); !errors.Is(err, ovsdb.ErrDisconnected) {
		t.Fatalf("monitor after disconnect: %v", err)
	}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// waitDisconnected waits until the client has noticed its connection is gone.
func waitDisconnected(t *testing.T, c *ovsdb.Client) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for c.Connected() && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	if c.Connected() {
		t.Fatal("client still connected")
	}
}
