package ovsdb

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// message is any JSON-RPC 1.0 message: a request or notification (Method set) or a reply.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  json.RawMessage `json:"error,omitempty"`
}

type response struct {
	result json.RawMessage
	err    json.RawMessage
}

// conn is one JSON-RPC session over one net.Conn. It dies once: on a read or write error, on
// an unanswered inactivity probe, or on close; then every pending call sees done closed.
type conn struct {
	nc       net.Conn
	wmu      sync.Mutex
	mu       sync.Mutex
	pending  map[uint64]chan response
	monitors map[string]*Monitor
	done     chan struct{}
	err      error // why it died; set before done is closed
	lastRecv atomic.Int64
	onNotify func(cn *conn, method string, params json.RawMessage)
}

func newConn(nc net.Conn) *conn {
	cn := &conn{nc: nc, pending: map[uint64]chan response{}, monitors: map[string]*Monitor{}, done: make(chan struct{})}
	cn.lastRecv.Store(time.Now().UnixNano())
	return cn
}

// fail kills the session once, recording why.
func (cn *conn) fail(err error) {
	cn.mu.Lock()
	select {
	case <-cn.done:
		cn.mu.Unlock()
		return
	default:
	}
	cn.err = err
	mons := cn.monitors
	cn.monitors = map[string]*Monitor{}
	close(cn.done)
	cn.mu.Unlock()
	cn.nc.Close()
	for _, m := range mons {
		m.end(fmt.Errorf("%w: %v", ErrDisconnected, err))
	}
}

func (cn *conn) dead() bool {
	select {
	case <-cn.done:
		return true
	default:
		return false
	}
}

// disconnectErr is the error pending and later calls on a dead session return.
func (cn *conn) disconnectErr(method string) error {
	if errors.Is(cn.err, ErrClosed) {
		return fmt.Errorf("ovsdb: %s: %w", method, ErrClosed)
	}
	return fmt.Errorf("ovsdb: %s: %w (%v)", method, ErrDisconnected, cn.err)
}

// readLoop reads messages until the connection fails.
func (cn *conn) readLoop() {
	dec := json.NewDecoder(bufio.NewReaderSize(cn.nc, 64<<10))
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			cn.fail(fmt.Errorf("read: %w", err))
			return
		}
		cn.lastRecv.Store(time.Now().UnixNano())
		switch {
		case m.Method != "" && !isNull(m.ID):
			cn.answer(m)
		case m.Method != "":
			if cn.onNotify != nil {
				cn.onNotify(cn, m.Method, m.Params)
			}
		default:
			id, err := strconv.ParseUint(string(bytes.TrimSpace(m.ID)), 10, 64)
			if err != nil {
				continue // a reply to nothing we sent
			}
			cn.mu.Lock()
			ch, ok := cn.pending[id]
			delete(cn.pending, id)
			cn.mu.Unlock()
			if ok && ch != nil {
				ch <- response{result: m.Result, err: m.Error}
			}
		}
	}
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// answer replies to a request from the server: echo gets its params back, anything else an
// error (RFC 7047 clients need not implement other methods).
func (cn *conn) answer(m message) {
	reply := map[string]any{"id": m.ID, "result": nil, "error": nil}
	if m.Method == "echo" {
		params := m.Params
		if isNull(params) {
			params = json.RawMessage("[]")
		}
		reply["result"] = params
	} else {
		reply["error"] = "unknown method " + strconv.Quote(m.Method)
	}
	b, err := json.Marshal(reply)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = cn.write(ctx, b)
}

// write sends one encoded message; a failed or partial write kills the session (the stream
// would be out of sync).
func (cn *conn) write(ctx context.Context, b []byte) error {
	cn.wmu.Lock()
	defer cn.wmu.Unlock()
	if cn.dead() {
		return cn.err
	}
	if err := ctx.Err(); err != nil {
		return err // not sent: the session stays usable
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = cn.nc.SetWriteDeadline(dl)
	} else {
		_ = cn.nc.SetWriteDeadline(time.Time{})
	}
	// A cancellation (not only a deadline) must also unblock a stuck write.
	stop := context.AfterFunc(ctx, func() { _ = cn.nc.SetWriteDeadline(time.Unix(1, 0)) })
	_, err := cn.nc.Write(b)
	stop()
	if err != nil {
		cn.fail(fmt.Errorf("write: %w", err))
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	return nil
}

// call sends a request and waits for its reply, the session's death, or ctx.
func (cn *conn) call(ctx context.Context, id uint64, method string, params []any, result any) error {
	b, err := encodeRequest(method, params, id)
	if err != nil {
		return fmt.Errorf("ovsdb: %s: %w", method, err)
	}
	ch := make(chan response, 1)
	cn.mu.Lock()
	if cn.dead() {
		cn.mu.Unlock()
		return cn.disconnectErr(method)
	}
	cn.pending[id] = ch
	cn.mu.Unlock()
	forget := func() {
		cn.mu.Lock()
		delete(cn.pending, id)
		cn.mu.Unlock()
	}
	if err := cn.write(ctx, b); err != nil {
		forget()
		if ctx.Err() != nil && !cn.dead() {
			return fmt.Errorf("ovsdb: %s: %w", method, ctx.Err())
		}
		return cn.disconnectErr(method)
	}
	var r response
	select {
	case r = <-ch:
	case <-cn.done:
		select {
		case r = <-ch:
		default:
			return cn.disconnectErr(method)
		}
	case <-ctx.Done():
		forget()
		if method == "transact" {
			// Ask the server to abandon it (a long wait, say); the reply is discarded.
			cn.notify(fmt.Sprintf(`{"method":"cancel","params":[%d],"id":null}`, id))
		}
		return fmt.Errorf("ovsdb: %s: %w", method, ctx.Err())
	}
	if !isNull(r.err) {
		return decodeRPCError(method, r.err)
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(r.result, result); err != nil {
		return fmt.Errorf("ovsdb: %s: decode reply %s: %w", method, clip(r.result), err)
	}
	return nil
}

// send writes a request whose reply nobody waits for (monitor_cancel on the way out).
func (cn *conn) send(id uint64, method string, params []any) {
	b, err := json.Marshal(map[string]any{"method": method, "params": params, "id": id})
	if err != nil {
		return
	}
	cn.mu.Lock()
	if !cn.dead() {
		cn.pending[id] = nil
	}
	cn.mu.Unlock()
	cn.notify(string(b))
}

func (cn *conn) notify(s string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = cn.write(ctx, []byte(s))
}

func decodeRPCError(method string, raw json.RawMessage) error {
	var obj struct {
		Error   string `json:"error"`
		Details string `json:"details"`
	}
	if err := json.Unmarshal(raw, &obj); err == nil && obj.Error != "" {
		return &RPCError{Method: method, Err: obj.Error, Details: obj.Details}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return &RPCError{Method: method, Err: s}
	}
	return &RPCError{Method: method, Err: string(clip(raw))}
}
