package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/govif/govif/internal/buildinfo"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/govif/govif/objects"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Host is what the daemon serves: the three operations of govif.Host (and of Client).
type Host interface {
	Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error
	Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error
	HostInfo(ctx context.Context, permitted ...string) (*objects.HostInfo, error)
}

// Options tune a Server. The zero value of each field means its default.
type Options struct {
	// Access decides which peers may call the API. Default: uid 0 only.
	Access AccessPolicy
	// MaxBodyBytes bounds a request body. Default 1 MiB (a VIF primitive is a few KiB).
	MaxBodyBytes int64
	// RequestTimeout bounds each request, including the wait for its VIF's lock. Default 120 s
	// (os-vif's ovs_vsctl_timeout).
	RequestTimeout time.Duration
	// Logger receives one structured line per request. Default slog.Default().
	Logger *slog.Logger
	// Registry receives the metrics; default a fresh registry with the Go runtime and process
	// collectors (served at /metrics).
	Registry *prometheus.Registry
}

// Server serves a Host over HTTP+JSON. Create it with NewServer, run it with Serve, stop it
// with Shutdown.
type Server struct {
	host    Host
	opts    Options
	log     *slog.Logger
	locks   *keyedMutex
	metrics *metrics
	http    *http.Server

	mu       sync.Mutex
	draining bool
}

// NewServer returns a Server for host.
func NewServer(host Host, opts Options) *Server {
	if opts.Access.UIDs == nil && opts.Access.GIDs == nil {
		opts.Access.UIDs = []uint32{0}
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 120 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
		// The Go runtime's and the process's metrics (go_*, process_*), as docs/api.md says.
		opts.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	s := &Server{
		host:    host,
		opts:    opts,
		log:     opts.Logger,
		locks:   newKeyedMutex(),
		metrics: newMetrics(opts.Registry),
	}
	mux := http.NewServeMux()
	mux.HandleFunc(PathPlug, s.guard(s.handleVIF("plug")))
	mux.HandleFunc(PathUnplug, s.guard(s.handleVIF("unplug")))
	mux.HandleFunc(PathHostInfo, s.guard(s.handleHostInfo))
	mux.HandleFunc(PathHealth, s.guard(s.handleHealth))
	mux.Handle(PathMetrics, s.guard(promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{}).ServeHTTP))
	mux.HandleFunc("/", s.guard(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such endpoint: " + r.URL.Path})
	}))
	s.http = &http.Server{
		Handler:           mux,
		ConnContext:       connContext,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Serve accepts connections on ln until Shutdown is called. It returns nil after a clean
// Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.http.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests, waits for those in flight to finish (or for ctx to end),
// then closes the listener.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.draining = true
	s.mu.Unlock()
	return s.http.Shutdown(ctx)
}

// guard checks the peer's credentials before any handler runs and counts requests in flight.
func (s *Server) guard(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		peer, err := peerFromContext(r.Context())
		if err != nil {
			s.log.Warn("rejected request without peer credentials", "path", r.URL.Path, "err", err)
			writeError(w, &APIError{Status: http.StatusForbidden, Code: CodeForbidden, Message: err.Error()})
			return
		}
		if !s.opts.Access.Allows(peer) {
			s.log.Warn("rejected request from a peer that is not allowed", "path", r.URL.Path, "uid", peer.UID, "gid", peer.GID, "pid", peer.PID)
			writeError(w, &APIError{Status: http.StatusForbidden, Code: CodeForbidden,
				Message: fmt.Sprintf("uid %d gid %d may not use this socket", peer.UID, peer.GID)})
			return
		}
		s.metrics.inFlight.Inc()
		defer s.metrics.inFlight.Dec()
		h(w, r)
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	draining := s.draining
	s.mu.Unlock()
	if draining {
		writeError(w, &APIError{Status: http.StatusServiceUnavailable, Code: CodeUnavailable, Message: "shutting down"})
		return
	}
	bi := buildinfo.Get()
	writeJSON(w, http.StatusOK, Health{Status: "ok", Version: bi.Version, GoVersion: bi.GoVersion})
}

func (s *Server) handleHostInfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeError(w, methodNotAllowed(r, http.MethodGet))
		return
	}
	var permitted []string
	for _, v := range r.URL.Query()["permitted"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				permitted = append(permitted, name)
			}
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
	defer cancel()
	hi, err := s.host.HostInfo(ctx, permitted...)
	if err != nil {
		writeError(w, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: err.Error()})
		return
	}
	body, err := objects.Encode(hi)
	if err != nil {
		writeError(w, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// handleVIF serves plug and unplug.
func (s *Server) handleVIF(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeError(w, methodNotAllowed(r, http.MethodPost))
			return
		}
		start := time.Now()
		vif, inst, apiErr := s.readVIFRequest(w, r)
		if apiErr != nil {
			s.metrics.observe(op, "", "", apiErr.Code, time.Since(start))
			s.logRefused(r.Context(), op, nil, nil, "rejected", apiErr, start)
			writeError(w, apiErr)
			return
		}
		base := vif.Base()
		id := base.ID.Value()
		plugin := base.Plugin.Value()

		ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
		defer cancel()
		unlock, err := s.locks.lock(ctx, id)
		if err != nil {
			apiErr := &APIError{Status: http.StatusGatewayTimeout, Code: CodeTimeout, VIFID: id, Plugin: plugin,
				Message: fmt.Sprintf("timed out waiting for another operation on VIF %s", id)}
			s.metrics.observe(op, plugin, vif.ObjName(), apiErr.Code, time.Since(start))
			s.logRefused(r.Context(), op, vif, inst, "timeout", apiErr, start)
			writeError(w, apiErr)
			return
		}
		if op == "plug" {
			err = s.host.Plug(ctx, vif, inst)
		} else {
			err = s.host.Unplug(ctx, vif, inst)
		}
		unlock()

		elapsed := time.Since(start)
		if err != nil {
			apiErr := hostError(op, err)
			apiErr.VIFID, apiErr.Plugin = id, plugin
			if ctx.Err() != nil && apiErr.Status >= 500 {
				apiErr.Status, apiErr.Code = http.StatusGatewayTimeout, CodeTimeout
			}
			s.metrics.observe(op, pluginLabel(apiErr.Code, plugin), vif.ObjName(), apiErr.Code, elapsed)
			writeError(w, apiErr)
			return
		}
		s.metrics.observe(op, plugin, vif.ObjName(), "ok", elapsed)
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "vif_id": id})
	}
}

// logRefused logs a request the Host never saw (it logs those it did, one line each) in the
// same form as the Host's line: msg op, vif_id, vif_type, instance_uuid, plugin, outcome,
// duration_seconds, error, plus the API error code and field.
func (s *Server) logRefused(ctx context.Context, op string, vif objects.VIF, inst *objects.InstanceInfo, outcome string, e *APIError, start time.Time) {
	var id, typ, plugin, uuid string
	if vif != nil && vif.Base() != nil {
		id, typ, plugin = vif.Base().ID.Value(), vif.ObjName(), vif.Base().Plugin.Value()
	}
	if inst != nil {
		uuid = inst.UUID.Value()
	}
	level := slog.LevelWarn
	if outcome != "rejected" {
		level = slog.LevelError
	}
	s.log.LogAttrs(ctx, level, op, slog.String("vif_id", id), slog.String("vif_type", typ), slog.String("instance_uuid", uuid),
		slog.String("plugin", plugin), slog.String("outcome", outcome), slog.Float64("duration_seconds", time.Since(start).Seconds()),
		slog.String("error", e.Message), slog.String("code", e.Code), slog.String("field", e.Field))
}

// readVIFRequest decodes and validates the body of a plug/unplug request.
func (s *Server) readVIFRequest(w http.ResponseWriter, r *http.Request) (objects.VIF, *objects.InstanceInfo, *APIError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge,
				Message: fmt.Sprintf("request body over %d bytes", tooBig.Limit)}
		}
		return nil, nil, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: "read body: " + err.Error()}
	}
	var req VIFRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: "body is not a JSON object with vif and instance_info: " + err.Error()}
	}
	if len(req.VIF) == 0 || string(req.VIF) == "null" {
		return nil, nil, &APIError{Status: http.StatusBadRequest, Code: CodeInvalidObject, Field: "vif", Message: "vif: missing"}
	}
	if len(req.InstanceInfo) == 0 || string(req.InstanceInfo) == "null" {
		return nil, nil, &APIError{Status: http.StatusBadRequest, Code: CodeInvalidObject, Field: "instance_info", Message: "instance_info: missing"}
	}
	// Decoding is strict (every value is checked as it is read), so a decoded VIF needs no
	// separate Validate pass here; the Host validates again before any plugin runs.
	vif, err := objects.DecodeVIF(req.VIF)
	if err != nil {
		return nil, nil, objectError("vif", err)
	}
	if !vif.Base().ID.HasValue() {
		return nil, nil, &APIError{Status: http.StatusBadRequest, Code: CodeInvalidObject, Field: vif.ObjName() + ".id", Message: vif.ObjName() + ".id: required"}
	}
	if !vif.Base().Plugin.HasValue() {
		return nil, nil, &APIError{Status: http.StatusBadRequest, Code: CodeInvalidObject, Field: vif.ObjName() + ".plugin", Message: vif.ObjName() + ".plugin: required"}
	}
	inst, err := objects.DecodeInstanceInfo(req.InstanceInfo)
	if err != nil {
		return nil, nil, objectError("instance_info", err)
	}
	return vif, inst, nil
}

// objectError turns a decode/validation error of the primitive in the named request member
// into a 400 that carries the field path.
func objectError(member string, err error) *APIError {
	e := &APIError{Status: http.StatusBadRequest, Code: CodeInvalidObject, Message: member + ": " + err.Error()}
	var fe *objects.FieldError
	var unsup *objects.UnsupportedObjectError
	var incompat *objects.IncompatibleVersionError
	switch {
	case errors.As(err, &fe):
		e.Field = fe.Path
	case errors.As(err, &unsup), errors.As(err, &incompat):
		e.Code = CodeUnsupportedObject
	}
	return e
}

func methodNotAllowed(r *http.Request, allowed string) *APIError {
	return &APIError{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
		Message: fmt.Sprintf("%s %s: use %s", r.Method, r.URL.Path, allowed)}
}

func writeError(w http.ResponseWriter, e *APIError) {
	writeJSON(w, e.Status, ErrorBody{Error: *e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
