package ovs

import (
	"context"
	"fmt"
	"io"
	"net"
)

// tcpRoundTrip dials addr, sends a payload and reads it echoed back (the listener side runs
// echoServe).
func tcpRoundTrip(ctx context.Context, addr string, payload []byte) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp4", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	if _, err := c.Write(payload); err != nil {
		return err
	}
	got := make([]byte, len(payload))
	if _, err := io.ReadFull(c, got); err != nil {
		return fmt.Errorf("read echo: %w", err)
	}
	if string(got) != string(payload) {
		return fmt.Errorf("echo mismatch")
	}
	return nil
}

// echoServe echoes every connection accepted on l until l is closed.
func echoServe(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			io.Copy(c, c)
		}()
	}
}
