package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/govif/govif/objects"
)

// Client calls a govif daemon over its unix socket. It has the same methods as the
// in-process govif.Host, so callers can switch between the two. It is safe for concurrent use.
type Client struct {
	http *http.Client
}

// NewClient returns a client for the daemon at server, written "unix:/path/to/govif.sock" (a
// bare absolute path works too). Per-call deadlines come from the ctx of each call.
func NewClient(server string) (*Client, error) {
	path, ok := strings.CutPrefix(server, "unix:")
	if !ok && !strings.HasPrefix(server, "/") {
		return nil, fmt.Errorf("daemon: server %q: want unix:/path/to/socket", server)
	}
	if path == "" {
		return nil, fmt.Errorf("daemon: server %q: empty socket path", server)
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, "unix", path)
		},
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: 64,
		// Below the server's default idle_timeout (60 s), so the client drops an idle
		// connection before the server does.
		IdleConnTimeout: 30 * time.Second,
	}
	return &Client{http: &http.Client{Transport: tr}}, nil
}

// Close releases idle connections.
func (c *Client) Close() error {
	c.http.CloseIdleConnections()
	return nil
}

// Plug asks the daemon to plug vif for the instance.
func (c *Client) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return c.vifCall(ctx, PathPlug, vif, inst)
}

// Unplug asks the daemon to unplug vif.
func (c *Client) Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return c.vifCall(ctx, PathUnplug, vif, inst)
}

// HostInfo returns the daemon host's plugins and the VIF types and versions they support, as
// govif.Host.HostInfo does: no permitted argument (nil) filters nothing; otherwise only the
// permitted VIF type names are kept, and an empty, non-nil list keeps nothing.
func (c *Client) HostInfo(ctx context.Context, permitted ...string) (*objects.HostInfo, error) {
	u := "http://govif" + PathHostInfo
	if permitted != nil {
		u += "?permitted=" + url.QueryEscape(strings.Join(permitted, ","))
	}
	body, err := c.do(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	hi, err := objects.DecodeHostInfo(body)
	if err != nil {
		return nil, fmt.Errorf("daemon: host-info reply: %w", err)
	}
	return hi, nil
}

// HostInfoFor is HostInfo for a caller that knows the os-vif class versions in manifest
// (class name → newest known version): POST /v1/host-info, whose reply has its version ranges
// lowered and its objects backported to those versions. permitted filters as in HostInfo; nil
// filters nothing.
func (c *Client) HostInfoFor(ctx context.Context, manifest map[string]string, permitted []string) (*objects.HostInfo, error) {
	req := HostInfoRequest{Manifest: manifest}
	if permitted != nil {
		req.Permitted = &permitted
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	body, err := c.do(ctx, http.MethodPost, "http://govif"+PathHostInfo, b)
	if err != nil {
		return nil, err
	}
	hi, err := objects.DecodeHostInfo(body)
	if err != nil {
		return nil, fmt.Errorf("daemon: host-info reply: %w", err)
	}
	return hi, nil
}

// Health returns nil when the daemon answers /healthz "ready" (200). When it is degraded or
// stopping (503) the error is an *APIError with code unavailable whose message says why.
func (c *Client) Health(ctx context.Context) error {
	_, err := c.HealthInfo(ctx)
	return err
}

// HealthInfo asks /healthz and returns the daemon's answer (its version among others). When
// the daemon is not ready (503 degraded or stopping) it returns the answer and the error.
func (c *Client) HealthInfo(ctx context.Context) (Health, error) {
	var h Health
	data, err := c.do(ctx, http.MethodGet, "http://govif"+PathHealth, nil)
	if len(data) > 0 {
		if jerr := json.Unmarshal(data, &h); jerr != nil && err == nil {
			return h, fmt.Errorf("daemon: GET %s: decode reply: %w", PathHealth, jerr)
		}
	}
	return h, err
}

func (c *Client) vifCall(ctx context.Context, path string, vif objects.VIF, inst *objects.InstanceInfo) error {
	if vif == nil {
		return fmt.Errorf("daemon: nil VIF")
	}
	if inst == nil {
		inst = &objects.InstanceInfo{}
	}
	vb, err := objects.Encode(vif)
	if err != nil {
		return err
	}
	ib, err := objects.Encode(inst)
	if err != nil {
		return err
	}
	req, err := json.Marshal(VIFRequest{VIF: vb, InstanceInfo: ib})
	if err != nil {
		return err
	}
	_, err = c.do(ctx, http.MethodPost, "http://govif"+path, req)
	return err
}

func (c *Client) do(ctx context.Context, method, u string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		// Plug and unplug are idempotent: this lets the transport resend a request whose
		// kept-alive connection the server closed just before it was written.
		req.Header["Idempotency-Key"] = []string{""}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("daemon: %s %s: %w", method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("daemon: %s %s: read reply: %w", method, req.URL.Path, err)
	}
	if resp.StatusCode/100 == 2 {
		return data, nil
	}
	var eb ErrorBody
	if err := json.Unmarshal(data, &eb); err != nil || eb.Error.Code == "" {
		return nil, &APIError{Status: resp.StatusCode, Code: CodeInternal,
			Message: fmt.Sprintf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(data)))}
	}
	e := eb.Error
	e.Status = resp.StatusCode
	e.cause = clientCause(&e)
	return data, &e // the body too: some error replies carry more (/healthz's Health)
}
