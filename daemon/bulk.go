package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// Bulk API paths: many VIFs in one request (docs/api.md).
const (
	PathPlugMany   = "/v1/plug-many"
	PathUnplugMany = "/v1/unplug-many"
)

// MaxBulkRequests bounds the items of one bulk request.
const MaxBulkRequests = 1024

// bulkBodyFactor: a bulk body may be this many times Options.MaxBodyBytes (16 MiB by default,
// room for MaxBulkRequests VIF primitives of a few KiB each).
const bulkBodyFactor = 16

// BulkRequest is the body of POST /v1/plug-many and /v1/unplug-many: one VIFRequest per VIF.
type BulkRequest struct {
	Requests []VIFRequest `json:"requests"`
}

// BulkReply is the 200 answer to a bulk request: one result per request, in order.
type BulkReply struct {
	Results []BulkResult `json:"results"`
}

// BulkResult is the outcome of one item of a bulk request. Status is the HTTP status the item
// would have had as a single request (200, 4xx or 5xx); Error is set unless Status is 200.
type BulkResult struct {
	Status int       `json:"status"`
	VIFID  string    `json:"vif_id,omitempty"`
	Error  *APIError `json:"error,omitempty"`
}

// handleMany serves the bulk endpoints. The body as a whole gets a 4xx when it is not a
// BulkRequest; otherwise the answer is 200 with one result per item: an item that fails to
// decode gets its own 400 and the others still run. The decoded items go through the
// coalescer together (so they form one batch, merged with other clients' requests), under the
// server's request timeout.
func (s *Server) handleMany(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeError(w, methodNotAllowed(r, http.MethodPost))
			return
		}
		start := time.Now()
		body, apiErr := s.readRawBody(w, r, s.opts.MaxBodyBytes*bulkBodyFactor)
		if apiErr != nil {
			writeError(w, apiErr)
			return
		}
		var req BulkRequest
		if err := json.Unmarshal(body, &req); err != nil {
			writeError(w, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest,
				Message: "body is not a JSON object with a requests array: " + err.Error()})
			return
		}
		if req.Requests == nil {
			writeError(w, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest, Field: "requests", Message: "requests: missing"})
			return
		}
		if n := len(req.Requests); n > MaxBulkRequests {
			writeError(w, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest, Field: "requests",
				Message: fmt.Sprintf("requests: %d items, at most %d", n, MaxBulkRequests)})
			return
		}

		results := make([]BulkResult, len(req.Requests))
		vifs := make([]objects.VIF, len(req.Requests))
		var batch []plugin.Request
		var at []int // batch index → item index
		for i, item := range req.Requests {
			vif, inst, apiErr := decodeVIFRequest(item)
			if apiErr != nil {
				apiErr.Message = fmt.Sprintf("requests[%d]: %s", i, apiErr.Message)
				results[i] = BulkResult{Status: apiErr.Status, Error: apiErr}
				s.metrics.observe(op, "", "", apiErr.Code, time.Since(start))
				s.log.Info("request rejected", "op", op, "item", i, "code", apiErr.Code, "field", apiErr.Field, "err", apiErr.Message)
				continue
			}
			vifs[i] = vif
			batch = append(batch, plugin.Request{VIF: vif, Instance: inst})
			at = append(at, i)
		}

		ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
		defer cancel()
		errs := s.runMany(ctx, op, batch)
		elapsed := time.Since(start)
		for j, err := range errs {
			i := at[j]
			base := vifs[i].Base()
			id, name, typ := base.ID.Value(), base.Plugin.Value(), vifs[i].ObjName()
			if err != nil {
				apiErr := hostError(op, err)
				apiErr.VIFID, apiErr.Plugin = id, name
				if ctx.Err() != nil && apiErr.Status >= 500 {
					apiErr.Status, apiErr.Code = http.StatusGatewayTimeout, CodeTimeout
					if s.base.Err() != nil {
						apiErr.Status, apiErr.Code = http.StatusServiceUnavailable, CodeUnavailable
					}
				}
				results[i] = BulkResult{Status: apiErr.Status, VIFID: id, Error: apiErr}
				s.metrics.observe(op, pluginLabel(apiErr.Code, name), typ, apiErr.Code, elapsed)
				continue
			}
			results[i] = BulkResult{Status: http.StatusOK, VIFID: id}
			s.metrics.observe(op, name, typ, "ok", elapsed)
		}
		// Each VIF's one log line comes from the Host, as for single requests.
		writeJSON(w, http.StatusOK, BulkReply{Results: results})
	}
}

// runMany runs a bulk request's decoded items through the coalescer in a goroutine of its own,
// as handleVIF does for one: each item is tracked as an Operation until the host call really
// ends (Shutdown waits for it), while the answer never waits more than hostReturnSlack past
// ctx's end; items not ended by then get a timeout error saying their outcome is unknown.
func (s *Server) runMany(ctx context.Context, op string, reqs []plugin.Request) []error {
	if len(reqs) == 0 {
		return nil
	}
	ops := make([]*Operation, len(reqs))
	now := time.Now()
	s.mu.Lock()
	for i, r := range reqs {
		b := r.VIF.Base()
		ops[i] = &Operation{Op: op, VIFID: b.ID.Value(), Plugin: b.Plugin.Value(), VIFType: r.VIF.ObjName(), Started: now}
		s.ops[ops[i]] = struct{}{}
	}
	s.mu.Unlock()
	s.metrics.running.Add(float64(len(ops)))
	done := make(chan []error, 1)
	go func() {
		var errs []error
		defer func() { // untracked before the answer, as in handleVIF
			s.mu.Lock()
			for _, o := range ops {
				delete(s.ops, o)
			}
			close(s.opsEnded)
			s.opsEnded = make(chan struct{})
			s.mu.Unlock()
			s.metrics.running.Sub(float64(len(ops)))
			done <- errs
		}()
		errs = s.co.do(ctx, op, reqs)
	}()
	select {
	case errs := <-done:
		return errs
	case <-ctx.Done():
	}
	select {
	case errs := <-done:
		return errs
	case <-time.After(hostReturnSlack):
	}
	errs := make([]error, len(reqs))
	for i, o := range ops {
		errs[i] = fmt.Errorf("%s of VIF %s did not end within request_timeout (%v); it goes on in the background (rolled back if it fails), so its outcome is unknown: retry, plug and unplug are idempotent: %w",
			op, o.VIFID, s.opts.RequestTimeout, ctx.Err())
		s.log.Warn(op+" answered at its deadline while the host still runs it", "vif", o.VIFID, "plugin", o.Plugin)
	}
	return errs
}
