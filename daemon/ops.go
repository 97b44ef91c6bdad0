package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/govif/govif/ops"
)

// Operations is what the daemon serves at /v1/vifs, /v1/check, /v1/replug and /v1/gc: an
// *ops.Manager. A Host given to NewServer that implements it gets those endpoints.
type Operations interface {
	List(ctx context.Context) (*ops.ListResult, error)
	Check(ctx context.Context, ids []string) (*ops.CheckResult, error)
	Replug(ctx context.Context, ids []string) (*ops.ReplugResult, error)
	GC(ctx context.Context, liveIDs []string, remove bool) (*ops.GCResult, error)
}

var _ Operations = (*ops.Manager)(nil)

// SelectRequest is the body of POST /v1/check and /v1/replug: the VIF ids, or all.
type SelectRequest struct {
	VIFs []string `json:"vifs,omitempty"`
	All  bool     `json:"all,omitempty"`
}

// GCRequest is the body of POST /v1/gc.
type GCRequest struct {
	// LiveIDs are VIF / Neutron port ids known to be in use besides the inventory's.
	LiveIDs []string `json:"live_ids,omitempty"`
	// Remove removes what is found; without it, GC is a dry run.
	Remove bool `json:"remove,omitempty"`
}

// Error codes of the operations endpoints.
const (
	CodeUnknownVIF       = "unknown_vif"       // 404: a VIF id asked for is not in the inventory
	CodeDamagedInventory = "damaged_inventory" // 409: gc --yes refused: records are damaged
)

func (s *Server) registerOps(mux *http.ServeMux) {
	o, ok := s.host.(Operations)
	if !ok {
		return
	}
	s.inv = o
	mux.HandleFunc(PathVIFs, s.guard(s.handleList))
	mux.HandleFunc(PathCheck, s.guard(s.handleSelect("check")))
	mux.HandleFunc(PathReplug, s.guard(s.handleSelect("replug")))
	mux.HandleFunc(PathGC, s.guard(s.handleGC))
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeError(w, methodNotAllowed(r, http.MethodGet))
		return
	}
	res, err := s.inv.List(r.Context())
	if err != nil {
		writeError(w, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: err.Error()})
		return
	}
	s.logDamaged("list", res.Damaged)
	writeJSON(w, http.StatusOK, res)
}

// readBody decodes a small JSON body strictly into v.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, v any) *APIError {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge, Message: err.Error()}
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: "body: " + err.Error()}
	}
	return nil
}

func (s *Server) handleSelect(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeError(w, methodNotAllowed(r, http.MethodPost))
			return
		}
		start := time.Now()
		var req SelectRequest
		if e := s.readBody(w, r, &req); e != nil {
			writeError(w, e)
			return
		}
		if req.All == (len(req.VIFs) > 0) {
			writeError(w, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest, Field: "vifs",
				Message: fmt.Sprintf("vifs %v, all %v: give VIF ids or all, not both or neither", req.VIFs, req.All)})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
		defer cancel()
		var res any
		var err error
		if op == "check" {
			var cr *ops.CheckResult
			if cr, err = s.inv.Check(ctx, req.VIFs); err == nil {
				s.metrics.observeCheck(cr)
				s.logDamaged(op, cr.Damaged)
				s.log.Info("check done", "vifs", len(cr.VIFs), "drift", cr.DriftCount(), "duration_s", time.Since(start).Seconds())
				res = cr
			}
		} else {
			var rr *ops.ReplugResult
			if rr, err = s.inv.Replug(ctx, req.VIFs); err == nil {
				s.metrics.observeReplug(rr)
				s.logDamaged(op, rr.Damaged)
				s.log.Info("replug done", "vifs", len(rr.VIFs), "repaired", rr.Repaired(), "failed", rr.Failed(), "duration_s", time.Since(start).Seconds())
				res = rr
			}
		}
		if err != nil {
			writeError(w, opsError(err))
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
}

func (s *Server) handleGC(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, methodNotAllowed(r, http.MethodPost))
		return
	}
	var req GCRequest
	if e := s.readBody(w, r, &req); e != nil {
		writeError(w, e)
		return
	}
	if req.Remove {
		// Removing plumbing govif did not record is the one operation that touches what no
		// request of this caller made: root only, whatever allowed_uids/allowed_gids say.
		if peer, err := peerFromContext(r.Context()); err != nil || !mayRemoveStale(peer) {
			writeError(w, &APIError{Status: http.StatusForbidden, Code: CodeForbidden, Field: "remove",
				Message: fmt.Sprintf("gc with remove: only root may remove stale plumbing (peer uid %d)", peer.UID)})
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
	defer cancel()
	res, err := s.inv.GC(ctx, req.LiveIDs, req.Remove)
	if err != nil {
		writeError(w, opsError(err))
		return
	}
	s.metrics.observeGC(res)
	s.log.Info("gc done", "stale", len(res.Stale), "remove", req.Remove, "removed", res.Removed, "errors", res.Errors)
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) logDamaged(op string, ds []ops.Damaged) {
	for _, d := range ds {
		s.log.Warn("inventory: damaged record skipped", "op", op, "file", d.File, "err", d.Error)
	}
}

func opsError(err error) *APIError {
	var unknown *ops.UnknownVIFError
	switch {
	case errors.As(err, &unknown):
		return &APIError{Status: http.StatusNotFound, Code: CodeUnknownVIF, Field: "vifs", Message: err.Error()}
	case errors.Is(err, ops.ErrDamagedInventory):
		return &APIError{Status: http.StatusConflict, Code: CodeDamagedInventory, Message: err.Error()}
	case errors.Is(err, context.DeadlineExceeded):
		return &APIError{Status: http.StatusGatewayTimeout, Code: CodeTimeout, Message: err.Error()}
	}
	return &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: err.Error()}
}

// mayRemoveStale reports whether peer may ask gc to remove: root only.
func mayRemoveStale(p Peer) bool { return p.UID == 0 }
