package ovsdb

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Option configures a Client.
type Option func(*options)

type options struct {
	probe      time.Duration
	reconnect  bool
	backoffMin time.Duration
	backoffMax time.Duration
	logger     *slog.Logger
	tls        *tls.Config
}

// WithTLSConfig sets the TLS configuration for ssl: endpoints (TLSConfigFromFiles builds one
// from the key, certificate and CA files Open vSwitch uses).
func WithTLSConfig(cfg *tls.Config) Option { return func(o *options) { o.tls = cfg } }

// WithInactivityProbe sets how long the connection may stay silent before the client sends an
// echo; an echo unanswered for another interval drops the connection. 0 disables probes.
// The default, as in Open vSwitch, is no probes on unix sockets (a dead peer shows at once)
// and 30s on tcp, with TCP keepalive on as well. ovsdb-server answers nothing while it works
// on a huge transaction, so a short interval can drop a healthy but busy connection.
func WithInactivityProbe(d time.Duration) Option { return func(o *options) { o.probe = d } }

// WithReconnect makes the client redial after the connection drops, waiting min, then twice as
// long each failed attempt, up to max. Semantics: a call in flight when the link dies fails
// with ErrDisconnected (the client never resends it, since it cannot know whether the server
// committed it); a call made while disconnected waits for the new connection, bounded by its
// context. Monitors are not re-established: their Next returns ErrDisconnected.
func WithReconnect(min, max time.Duration) Option {
	return func(o *options) {
		o.reconnect = true
		o.backoffMin, o.backoffMax = min, max
		if o.backoffMin <= 0 {
			o.backoffMin = 50 * time.Millisecond
		}
		if o.backoffMax < o.backoffMin {
			o.backoffMax = o.backoffMin
		}
	}
}

// WithLogger sets the logger for connection events (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Client is a connection to one OVSDB server. It is safe for concurrent use.
type Client struct {
	network, addr, endpoint string
	opts                    options
	nextID                  atomic.Uint64

	mu        sync.Mutex
	cn        *conn
	connected chan struct{} // closed while cn is live; replaced when it dies
	closed    bool
	closeCh   chan struct{}
	wg        sync.WaitGroup
}

// ParseEndpoint splits an os-vif style endpoint ("unix:/run/openvswitch/db.sock",
// "tcp:127.0.0.1:6640", "ssl:127.0.0.1:6640") into its scheme ("unix", "tcp" or "ssl") and
// address. Anything else, including passive (punix:, ptcp:, pssl:) endpoints, gives an
// *EndpointError.
func ParseEndpoint(endpoint string) (scheme, addr string, err error) {
	scheme, rest, ok := strings.Cut(endpoint, ":")
	if !ok || rest == "" {
		return "", "", &EndpointError{endpoint, `want "unix:PATH", "tcp:HOST:PORT" or "ssl:HOST:PORT"`}
	}
	switch scheme {
	case "unix":
		return "unix", rest, nil
	case "tcp", "ssl":
		host, port, err := net.SplitHostPort(rest)
		if err != nil || port == "" {
			return "", "", &EndpointError{endpoint, scheme + " endpoint wants HOST:PORT"}
		}
		return scheme, net.JoinHostPort(host, port), nil
	default:
		return "", "", &EndpointError{endpoint, fmt.Sprintf("unsupported scheme %q (want unix:, tcp: or ssl:)", scheme)}
	}
}

// Dial connects to the OVSDB server at endpoint ("unix:PATH" or "tcp:HOST:PORT").
func Dial(ctx context.Context, endpoint string, opts ...Option) (*Client, error) {
	network, addr, err := ParseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	o := options{probe: -1}
	for _, opt := range opts {
		opt(&o)
	}
	if network == "ssl" && o.tls == nil {
		return nil, &EndpointError{endpoint, "ssl endpoints need WithTLSConfig (see TLSConfigFromFiles)"}
	}
	c := &Client{network: network, addr: addr, endpoint: endpoint, closeCh: make(chan struct{}),
		connected: make(chan struct{})}
	c.opts = o
	if c.opts.probe < 0 {
		c.opts.probe = 0
		if network != "unix" {
			c.opts.probe = 30 * time.Second
		}
	}
	if c.opts.logger == nil {
		c.opts.logger = slog.Default()
	}
	cn, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	c.attach(cn)
	return c, nil
}

// Endpoint returns the endpoint the client was dialled with.
func (c *Client) Endpoint() string { return c.endpoint }

func (c *Client) dial(ctx context.Context) (*conn, error) {
	var nc net.Conn
	var err error
	if c.network == "ssl" {
		d := tls.Dialer{Config: c.opts.tls}
		nc, err = d.DialContext(ctx, "tcp", c.addr) // TCP keepalive is on by default
	} else {
		var d net.Dialer
		nc, err = d.DialContext(ctx, c.network, c.addr)
	}
	if err != nil {
		return nil, fmt.Errorf("ovsdb: dial %s: %w", c.endpoint, err)
	}
	cn := newConn(nc)
	cn.onNotify = c.dispatch
	return cn, nil
}

// attach makes cn the live session and starts its goroutines.
func (c *Client) attach(cn *conn) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		cn.fail(ErrClosed)
		return
	}
	c.cn = cn
	close(c.connected)
	c.wg.Add(2)
	c.mu.Unlock()
	go func() { defer c.wg.Done(); cn.readLoop() }()
	go func() { defer c.wg.Done(); c.supervise(cn) }()
}

// supervise sends inactivity probes while cn lives, then handles its death.
func (c *Client) supervise(cn *conn) {
	if c.opts.probe > 0 {
		t := time.NewTicker(c.opts.probe / 2)
	loop:
		for {
			select {
			case <-cn.done:
				t.Stop()
				break loop
			case <-t.C:
				idle := time.Since(time.Unix(0, cn.lastRecv.Load()))
				if idle < c.opts.probe {
					continue
				}
				ctx, cancel := context.WithTimeout(context.Background(), c.opts.probe)
				err := cn.call(ctx, c.nextID.Add(1), "echo", []any{"govif-probe"}, nil)
				cancel()
				if err != nil && !cn.dead() {
					cn.fail(fmt.Errorf("inactivity probe unanswered after %v: %w", c.opts.probe, err))
				}
			}
		}
	} else {
		<-cn.done
	}
	c.mu.Lock()
	if c.cn == cn {
		c.cn = nil
		c.connected = make(chan struct{})
	}
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return
	}
	c.opts.logger.Warn("ovsdb: connection lost", "endpoint", c.endpoint, "err", cn.err)
	if c.opts.reconnect {
		c.redial()
	}
}

// redial retries with capped exponential backoff until it connects or the client closes.
func (c *Client) redial() {
	delay := c.opts.backoffMin
	for attempt := 1; ; attempt++ {
		select {
		case <-c.closeCh:
			return
		case <-time.After(delay):
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		cn, err := c.dial(ctx)
		cancel()
		if err == nil {
			c.opts.logger.Info("ovsdb: reconnected", "endpoint", c.endpoint, "attempt", attempt)
			c.attach(cn)
			return
		}
		c.opts.logger.Debug("ovsdb: reconnect failed", "endpoint", c.endpoint, "attempt", attempt, "err", err)
		delay *= 2
		if delay > c.opts.backoffMax {
			delay = c.opts.backoffMax
		}
	}
}

// session returns the live session; without one it fails with ErrDisconnected, or, with
// reconnect enabled, waits for one as long as ctx allows.
func (c *Client) session(ctx context.Context, method string) (*conn, error) {
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, fmt.Errorf("ovsdb: %s: %w", method, ErrClosed)
		}
		cn, ready := c.cn, c.connected
		if cn != nil && cn.dead() {
			// Dead but not yet detached by its supervisor: detach it here, so waiting below
			// waits for the next connection instead of spinning on the old one's signal.
			c.cn, c.connected = nil, make(chan struct{})
			ready = c.connected
		}
		c.mu.Unlock()
		if cn != nil && !cn.dead() {
			return cn, nil
		}
		if !c.opts.reconnect {
			return nil, fmt.Errorf("ovsdb: %s on %s: %w", method, c.endpoint, ErrDisconnected)
		}
		select {
		case <-ready:
		case <-c.closeCh:
		case <-ctx.Done():
			return nil, fmt.Errorf("ovsdb: %s on %s: %w while waiting to reconnect: %w", method, c.endpoint, ErrDisconnected, ctx.Err())
		}
	}
}

// call runs one JSON-RPC method on the live session.
func (c *Client) call(ctx context.Context, method string, params []any, result any) error {
	cn, err := c.session(ctx, method)
	if err != nil {
		return err
	}
	return cn.call(ctx, c.nextID.Add(1), method, params, result)
}

// Connected reports whether the client has a live connection now.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cn != nil && !c.cn.dead()
}

// Close drops the connection, fails pending calls with ErrClosed, stops reconnecting, and waits
// for the client's goroutines to end.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.closeCh)
	cn := c.cn
	c.mu.Unlock()
	if cn != nil {
		cn.fail(ErrClosed)
	}
	c.wg.Wait()
	return nil
}

// Echo round-trips an echo request (a liveness check).
func (c *Client) Echo(ctx context.Context) error {
	var out []string
	if err := c.call(ctx, "echo", []any{"govif"}, &out); err != nil {
		return err
	}
	if len(out) != 1 || out[0] != "govif" {
		return fmt.Errorf("ovsdb: echo: server returned %q", out)
	}
	return nil
}

// ListDBs returns the names of the server's databases.
func (c *Client) ListDBs(ctx context.Context) ([]string, error) {
	var out []string
	err := c.call(ctx, "list_dbs", []any{}, &out)
	return out, err
}

// Transact runs ops as one atomic transaction on db. On success it returns one result per
// operation. When the server refused the transaction it returns the results with a
// *TransactError naming the failing operation; nothing was committed.
func (c *Client) Transact(ctx context.Context, db string, ops ...Operation) ([]OperationResult, error) {
	params := make([]any, 0, len(ops)+1)
	params = append(params, db)
	for _, op := range ops {
		params = append(params, op)
	}
	var results []OperationResult
	if err := c.call(ctx, "transact", params, &results); err != nil {
		return nil, err
	}
	return results, checkResults(ops, results)
}

// Schema is a database schema as get_schema returns it; only what clients branch on is decoded.
type Schema struct {
	Name    string                 `json:"name"`
	Version string                 `json:"version"`
	Tables  map[string]TableSchema `json:"tables"`
}

// TableSchema describes one table.
type TableSchema struct {
	Columns map[string]json.RawMessage `json:"columns"`
	IsRoot  bool                       `json:"isRoot"`
	Indexes [][]string                 `json:"indexes"`
}

// HasColumn reports whether table has column (os-vif checks Interface.mtu_request this way).
func (s *Schema) HasColumn(table, column string) bool {
	t, ok := s.Tables[table]
	if !ok {
		return false
	}
	_, ok = t.Columns[column]
	return ok
}

// GetSchema fetches the schema of db.
func (c *Client) GetSchema(ctx context.Context, db string) (*Schema, error) {
	var s Schema
	if err := c.call(ctx, "get_schema", []any{db}, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
