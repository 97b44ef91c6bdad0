package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/govif/govif/ops"
)

// List returns the VIFs in the daemon's inventory.
func (c *Client) List(ctx context.Context) (*ops.ListResult, error) {
	var res ops.ListResult
	return &res, c.call(ctx, http.MethodGet, PathVIFs, nil, &res)
}

// Check asks the daemon to check the VIFs ids (every VIF when ids is empty).
func (c *Client) Check(ctx context.Context, ids []string) (*ops.CheckResult, error) {
	var res ops.CheckResult
	return &res, c.call(ctx, http.MethodPost, PathCheck, SelectRequest{VIFs: ids, All: len(ids) == 0}, &res)
}

// Replug asks the daemon to plug the VIFs ids (every VIF when ids is empty) again.
func (c *Client) Replug(ctx context.Context, ids []string) (*ops.ReplugResult, error) {
	var res ops.ReplugResult
	return &res, c.call(ctx, http.MethodPost, PathReplug, SelectRequest{VIFs: ids, All: len(ids) == 0}, &res)
}

// GC asks the daemon for the stale plumbing on its host, and to remove it with remove.
func (c *Client) GC(ctx context.Context, liveIDs []string, remove bool) (*ops.GCResult, error) {
	var res ops.GCResult
	return &res, c.call(ctx, http.MethodPost, PathGC, GCRequest{LiveIDs: liveIDs, Remove: remove}, &res)
}

var _ Operations = (*Client)(nil)

func (c *Client) call(ctx context.Context, method, path string, req, res any) error {
	var body []byte
	if req != nil {
		var err error
		if body, err = json.Marshal(req); err != nil {
			return err
		}
	}
	data, err := c.do(ctx, method, "http://govif"+path, body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, res); err != nil {
		return fmt.Errorf("daemon: %s reply: %w", path, err)
	}
	return nil
}
