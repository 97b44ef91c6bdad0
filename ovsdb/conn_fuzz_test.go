package ovsdb

import (
	"context"
	"encoding/json"
	"net"
	"testing"
	"time"
)

// Whatever a server sends, the client must not panic, and a pending call must end (with a
// reply, an error, or the connection's death).
func FuzzServerStream(f *testing.F) {
	f.Add([]byte(`{"id":1,"result":[{}],"error":null}`))
	f.Add([]byte(`{"id":1,"result":null,"error":{"error":"syntax error","details":"x"}}`))
	f.Add([]byte(`{"method":"echo","params":[],"id":"echo"}{"id":1,"result":[{"rows":[{"a":["set",[1]]}]}],"error":null}`))
	f.Add([]byte(`{"method":"update2","params":["m1",{"T":{"u":{"modify":{"a":1}}}}],"id":null}`))
	f.Add([]byte(`{"id":"1","result":7}`))
	f.Add([]byte(`[1,2,3]`))
	f.Add([]byte(`{"id":1,"result":[{"error":"timed out"},null]`))
	f.Fuzz(func(t *testing.T, stream []byte) {
		srv, cli := net.Pipe()
		c := &Client{endpoint: "fuzz", closeCh: make(chan struct{}), connected: make(chan struct{})}
		cn := newConn(cli)
		cn.onNotify = c.dispatch
		done := make(chan struct{})
		go func() { cn.readLoop(); close(done) }()
		// The server side: drain what the client writes, then send the stream and hang up.
		go func() {
			dec := json.NewDecoder(srv)
			var m json.RawMessage
			_ = dec.Decode(&m)
			srv.SetWriteDeadline(time.Now().Add(2 * time.Second))
			srv.Write(stream)
			srv.Close()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var res []OperationResult
		err := cn.call(ctx, 1, "transact", []any{"db", Comment("x")}, &res)
		if err == nil {
			_ = checkResults([]Operation{Comment("x")}, res)
		}
		if ctx.Err() != nil {
			t.Fatalf("call did not end: %v", err)
		}
		cn.fail(ErrClosed)
		<-done
	})
}
