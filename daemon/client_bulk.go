package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/govif/govif"
	"github.com/govif/govif/internal/fanout"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ops"
	"github.com/govif/govif/plugin"
)

// fallbackParallel bounds the single requests PlugMany sends at once to a daemon without the
// bulk endpoints.
const fallbackParallel = 16

// PlugMany asks the daemon to plug every request in one call (POST /v1/plug-many) and returns
// one error (or nil) per request, in order, as govif.Host.PlugMany does. Errors are
// *APIError, as Plug's. A request that cannot be encoded fails alone; a failure of the call as
// a whole is every request's error. Against a daemon without the bulk endpoint (404) it falls
// back to concurrent single Plug calls.
func (c *Client) PlugMany(ctx context.Context, reqs []plugin.Request) []error {
	return c.many(ctx, "plug", reqs)
}

// UnplugMany is PlugMany for unplugging (POST /v1/unplug-many).
func (c *Client) UnplugMany(ctx context.Context, reqs []plugin.Request) []error {
	return c.many(ctx, "unplug", reqs)
}

func (c *Client) many(ctx context.Context, op string, reqs []plugin.Request) []error {
	errs := make([]error, len(reqs))
	body := BulkRequest{Requests: []VIFRequest{}}
	var at []int // item index → request index
	for i, r := range reqs {
		item, err := encodeVIFRequest(r.VIF, r.Instance)
		if err != nil {
			errs[i] = err
			continue
		}
		body.Requests = append(body.Requests, item)
		at = append(at, i)
	}
	if len(at) == 0 {
		return errs
	}
	data, err := json.Marshal(body)
	if err == nil {
		path := PathPlugMany
		if op == "unplug" {
			path = PathUnplugMany
		}
		data, err = c.do(ctx, http.MethodPost, "http://govif"+path, data)
	}
	var api *APIError
	if errors.As(err, &api) && api.Status == http.StatusNotFound && api.Code == CodeNotFound {
		c.fallback(ctx, op, reqs, at, errs)
		return errs
	}
	var reply BulkReply
	if err == nil {
		if jerr := json.Unmarshal(data, &reply); jerr != nil {
			err = fmt.Errorf("daemon: %s-many reply: %w", op, jerr)
		} else if len(reply.Results) != len(at) {
			err = fmt.Errorf("daemon: %s-many reply: %d results for %d requests", op, len(reply.Results), len(at))
		}
	}
	for k, i := range at {
		switch {
		case err != nil:
			errs[i] = err
		case reply.Results[k].Status/100 != 2:
			e := APIError{Status: reply.Results[k].Status, Code: CodeInternal, Message: "no error in reply"}
			if reply.Results[k].Error != nil {
				e = *reply.Results[k].Error
				e.Status = reply.Results[k].Status
			}
			e.cause = clientCause(&e)
			errs[i] = &e
		}
	}
	return errs
}

// fallback sends the requests at indexes at one by one, concurrently (bounded).
func (c *Client) fallback(ctx context.Context, op string, reqs []plugin.Request, at []int, errs []error) {
	fanout.Each(len(at), fallbackParallel, func(k int) {
		i := at[k]
		if op == "unplug" {
			errs[i] = c.Unplug(ctx, reqs[i].VIF, reqs[i].Instance)
		} else {
			errs[i] = c.Plug(ctx, reqs[i].VIF, reqs[i].Instance)
		}
	})
}

// encodeVIFRequest encodes one request's two primitives (a nil instance is an empty one).
func encodeVIFRequest(vif objects.VIF, inst *objects.InstanceInfo) (VIFRequest, error) {
	if vif == nil {
		return VIFRequest{}, fmt.Errorf("daemon: nil VIF")
	}
	if inst == nil {
		inst = &objects.InstanceInfo{}
	}
	vb, err := objects.Encode(vif)
	if err != nil {
		return VIFRequest{}, err
	}
	ib, err := objects.Encode(inst)
	if err != nil {
		return VIFRequest{}, err
	}
	return VIFRequest{VIF: vb, InstanceInfo: ib}, nil
}

// The in-process Host, the inventory-keeping ops.Manager `govif serve` serves, and the Client
// have the same batch methods (so the daemon coalesces requests for all of them).
var (
	_ BatchHost = (*govif.Host)(nil)
	_ BatchHost = (*ops.Manager)(nil)
	_ BatchHost = (*Client)(nil)
)
