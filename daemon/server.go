package daemon

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/govif/govif/internal/buildinfo"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
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

// Defaults of the Options fields.
const (
	DefaultRequestTimeout = 120 * time.Second // os-vif's ovs_vsctl_timeout
	DefaultHeaderTimeout  = 10 * time.Second
	DefaultBodyTimeout    = 30 * time.Second
	DefaultIdleTimeout    = 60 * time.Second
	DefaultMaxConnections = 256
	DefaultAbortTimeout   = 15 * time.Second
	DefaultMaxBodyBytes   = 1 << 20
)

// Options tune a Server. The zero value of each field means its default.
type Options struct {
	// Access decides which peers may call the API. Default: uid 0 only.
	Access AccessPolicy
	// MaxBodyBytes bounds a request body. Default 1 MiB (a VIF primitive is a few KiB).
	MaxBodyBytes int64
	// RequestTimeout bounds each request, including the wait for its VIF's lock: the answer
	// (504 timeout at the latest) is sent by then even when the host has not returned. Default
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// HeaderTimeout bounds the reading of a request's headers, BodyTimeout the reading of its
	// body, IdleTimeout how long a keep-alive connection may wait for its next request.
	HeaderTimeout, BodyTimeout, IdleTimeout time.Duration
	// MaxConnections bounds the connections served at once (ListenLimited); further clients
	// wait in the socket's backlog. Default DefaultMaxConnections.
	MaxConnections int
	// AbortTimeout is how long Shutdown waits, after its grace has expired and the operations
	// still running were cancelled, for them to roll back. Default DefaultAbortTimeout.
	AbortTimeout time.Duration
	// Checks are run by GET /healthz: all pass means "ready", any failing means "degraded".
	Checks []HealthCheck
	// Logger receives one structured line per request. Default slog.Default().
	Logger *slog.Logger
	// Registry receives the metrics; default a fresh registry with the Go runtime and process
	// collectors (served at /metrics).
	Registry *prometheus.Registry
	// MaxBatch bounds the requests one coalesced PlugMany/UnplugMany call carries (see
	// BatchHost). Default DefaultMaxBatch.
	MaxBatch int
}

// Server serves a Host over HTTP+JSON. Create it with NewServer, run it with Serve, stop it
// with Shutdown.
type Server struct {
	host    Host
	opts    Options
	log     *slog.Logger
	metrics *metrics
	co      *coalescer
	http    *http.Server
	health  *healthCache

	base   context.Context // parent of every request's context; abort cancels it
	cancel context.CancelFunc
	inv    Operations // nil: the host keeps no inventory

	mu       sync.Mutex
	draining bool
	ops      map[*Operation]struct{} // host operations running, answered or not
	opsEnded chan struct{}           // closed (and replaced) whenever an operation ends
}

// Operation is a plug or unplug the host is running.
type Operation struct {
	Op      string    // "plug" or "unplug"
	VIFID   string    // the VIF's id
	Plugin  string    // the plugin named by the VIF
	VIFType string    // the VIF's class
	Started time.Time // when the host call started
}

// NewServer returns a Server for host.
func NewServer(host Host, opts Options) *Server {
	if opts.Access.UIDs == nil && opts.Access.GIDs == nil {
		opts.Access.UIDs = []uint32{0}
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	if opts.HeaderTimeout <= 0 {
		opts.HeaderTimeout = DefaultHeaderTimeout
	}
	if opts.BodyTimeout <= 0 {
		opts.BodyTimeout = DefaultBodyTimeout
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.MaxConnections <= 0 {
		opts.MaxConnections = DefaultMaxConnections
	}
	if opts.AbortTimeout <= 0 {
		opts.AbortTimeout = DefaultAbortTimeout
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
		host:     host,
		opts:     opts,
		log:      opts.Logger,
		metrics:  newMetrics(opts.Registry),
		health:   &healthCache{checks: opts.Checks},
		ops:      map[*Operation]struct{}{},
		opsEnded: make(chan struct{}),
	}
	s.base, s.cancel = context.WithCancel(context.Background())
	s.co = newCoalescer(host, opts.MaxBatch, opts.Logger, opts.Registry)
	mux := http.NewServeMux()
	mux.HandleFunc(PathPlug, s.guard(s.handleVIF("plug")))
	mux.HandleFunc(PathUnplug, s.guard(s.handleVIF("unplug")))
	mux.HandleFunc(PathPlugMany, s.guard(s.handleMany("plug")))
	mux.HandleFunc(PathUnplugMany, s.guard(s.handleMany("unplug")))
	mux.HandleFunc(PathHostInfo, s.guard(s.handleHostInfo))
	mux.HandleFunc(PathHealth, s.guard(s.handleHealth))
	s.registerOps(mux)
	mux.Handle(PathMetrics, s.guard(promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{}).ServeHTTP))
	mux.HandleFunc("/", s.guard(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such endpoint: " + r.URL.Path})
	}))
	s.http = &http.Server{
		Handler:           mux,
		BaseContext:       func(net.Listener) context.Context { return s.base },
		ConnContext:       connContext,
		ReadHeaderTimeout: opts.HeaderTimeout,
		IdleTimeout:       opts.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Serve accepts connections on ln until Shutdown is called, serving at most
// Options.MaxConnections at once. It returns nil after a clean Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.http.Serve(LimitListener(ln, s.opts.MaxConnections))
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// AbandonedError is returned by Shutdown when its grace expired with host operations still
// running. Each was cancelled (a plugin rolls back a plug that fails); Ended lists those that
// then returned within Options.AbortTimeout, Unfinished those that did not (their state is
// unknown: replug or unplug them).
type AbandonedError struct {
	Ended      []Operation
	Unfinished []Operation
}

func (e *AbandonedError) Error() string {
	return fmt.Sprintf("daemon: shutdown grace expired with %d operations running: %d cancelled and ended, %d still running",
		len(e.Ended)+len(e.Unfinished), len(e.Ended), len(e.Unfinished))
}

// Shutdown stops accepting requests and waits for the host operations in flight to finish,
// answered or not (a request whose deadline passed is answered at once but its operation goes on
// until the plugin returns). It returns nil when they all finished before ctx ended. Otherwise
// the operations still running are cancelled (their plugins roll back), each is logged by VIF
// id, Shutdown waits up to Options.AbortTimeout for them to end, closes every connection and
// returns an *AbandonedError. The host may be closed once Shutdown returned nil or an
// *AbandonedError with no Unfinished operations.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.draining = true
	s.mu.Unlock()
	herr := s.http.Shutdown(ctx)
	if herr == nil || errors.Is(herr, context.DeadlineExceeded) || errors.Is(herr, context.Canceled) {
		if s.waitOps(ctx) {
			s.cancel()
			return nil
		}
	} else {
		s.cancel()
		return herr
	}
	// Grace expired: cancel what still runs, log it, give the rollbacks a bounded time.
	abandoned := s.running()
	if len(abandoned) == 0 { // only requests that plug nothing (slow bodies, host-info) were left
		s.cancel()
		s.http.Close()
		return nil
	}
	for _, o := range abandoned {
		s.log.Error("shutdown grace expired: cancelling "+o.Op+"; the plugin rolls back what it added",
			"vif", o.VIFID, "plugin", o.Plugin, "type", o.VIFType, "running_for", time.Since(o.Started))
	}
	s.cancel()
	actx, acancel := context.WithTimeout(context.Background(), s.opts.AbortTimeout)
	defer acancel()
	s.waitOps(actx)
	s.http.Close()
	still := map[*Operation]bool{}
	for _, o := range s.running() {
		still[o] = true
	}
	e := &AbandonedError{}
	for _, o := range abandoned {
		if still[o] {
			e.Unfinished = append(e.Unfinished, *o)
			s.log.Error(o.Op+" abandoned: still running after cancellation; its state is unknown (replug or unplug it)",
				"vif", o.VIFID, "plugin", o.Plugin, "type", o.VIFType)
		} else {
			e.Ended = append(e.Ended, *o)
		}
	}
	return e
}

// running returns the host operations not yet ended, oldest first.
func (s *Server) running() []*Operation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Operation, 0, len(s.ops))
	for o := range s.ops {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b *Operation) int { return a.Started.Compare(b.Started) })
	return out
}

// InFlight returns the host operations running now (answered or not).
func (s *Server) InFlight() []Operation {
	var out []Operation
	for _, o := range s.running() {
		out = append(out, *o)
	}
	return out
}

// waitOps waits until no host operation runs, or ctx ends; it reports whether none runs.
func (s *Server) waitOps(ctx context.Context) bool {
	for {
		s.mu.Lock()
		n, ended := len(s.ops), s.opsEnded
		s.mu.Unlock()
		if n == 0 {
			return true
		}
		select {
		case <-ended:
		case <-ctx.Done():
			return false
		}
	}
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
	if r.Method != http.MethodGet {
		writeError(w, methodNotAllowed(r, http.MethodGet))
		return
	}
	s.mu.Lock()
	draining := s.draining
	s.mu.Unlock()
	if draining {
		bi := buildinfo.Get()
		writeJSON(w, http.StatusServiceUnavailable, Health{Status: HealthStopping, Version: bi.Version, GoVersion: bi.GoVersion,
			Error: &APIError{Code: CodeUnavailable, Message: "shutting down"}})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), min(s.opts.RequestTimeout, healthCheckTimeout))
	defer cancel()
	body := s.health.run(ctx)
	bi := buildinfo.Get()
	body.Version, body.GoVersion = bi.Version, bi.GoVersion
	status := http.StatusOK
	if body.Status != HealthReady {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, body)
}

// handleHostInfo serves GET /v1/host-info?permitted=... and POST /v1/host-info with a
// HostInfoRequest body (a version manifest and/or a permitted list).
func (s *Server) handleHostInfo(w http.ResponseWriter, r *http.Request) {
	var permitted []string
	var manifest map[string]string
	switch r.Method {
	case http.MethodGet:
		// No permitted parameter: no filter (nil). A permitted parameter, even empty: a filter
		// (an empty, non-nil list keeps nothing), as govif.Host.HostInfo and os-vif do.
		if vals, ok := r.URL.Query()["permitted"]; ok {
			permitted = []string{}
			for _, v := range vals {
				for _, name := range strings.Split(v, ",") {
					if name = strings.TrimSpace(name); name != "" {
						permitted = append(permitted, name)
					}
				}
			}
		}
	case http.MethodPost:
		req, apiErr := s.readHostInfoRequest(w, r)
		if apiErr != nil {
			s.log.Info("host-info request rejected", "code", apiErr.Code, "field", apiErr.Field, "err", apiErr.Message)
			writeError(w, apiErr)
			return
		}
		if req.Permitted != nil {
			permitted = append([]string{}, (*req.Permitted)...)
		}
		manifest = req.Manifest
	default:
		writeError(w, methodNotAllowed(r, http.MethodGet+" or "+http.MethodPost))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
	defer cancel()
	hi, err := s.host.HostInfo(ctx, permitted...)
	if err != nil {
		writeError(w, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: err.Error()})
		return
	}
	var body []byte
	if manifest == nil {
		body, err = objects.Encode(hi)
	} else {
		body, err = encodeHostInfoFor(hi, manifest)
		var fe *objects.FieldError
		if errors.As(err, &fe) {
			writeError(w, &APIError{Status: http.StatusBadRequest, Code: CodeInvalidObject, Field: fe.Path, Message: err.Error()})
			return
		}
	}
	if err != nil {
		writeError(w, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// handleVIF serves plug and unplug. The host call runs in a goroutine of its own so that the
// answer never waits past the request's deadline or the client's hang-up, whatever the plugin
// does: the operation is tracked until it really ends (Shutdown waits for it).
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
			s.logRefused(r.Context(), op, apiErr, start)
			writeError(w, apiErr)
			return
		}
		base := vif.Base()
		id := base.ID.Value()
		plugin := base.Plugin.Value()

		ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
		defer cancel()
		o := &Operation{Op: op, VIFID: id, Plugin: plugin, VIFType: vif.ObjName(), Started: time.Now()}
		done := make(chan error, 1)
		s.mu.Lock()
		s.ops[o] = struct{}{}
		s.mu.Unlock()
		s.metrics.running.Inc()
		go func() {
			var err error
			// The operation stops being tracked before its answer is given, so that a
			// client that has its answer never sees it in InFlight.
			defer func() {
				s.mu.Lock()
				delete(s.ops, o)
				close(s.opsEnded)
				s.opsEnded = make(chan struct{})
				s.mu.Unlock()
				s.metrics.running.Dec()
				done <- err
			}()
			// Through the coalescer: concurrent requests share the Host's batch calls. It
			// returns when the operation has really ended (withdrawn, or its batch returned).
			err = s.co.one(ctx, op, vif, inst)
		}()
		var err error
		select {
		case err = <-done:
		case <-ctx.Done():
			select {
			case err = <-done: // the host returned at its deadline, as it should
			case <-time.After(hostReturnSlack):
				err = fmt.Errorf("%s of VIF %s did not end within request_timeout (%v); it goes on in the background (rolled back if it fails), so its outcome is unknown: retry, plug and unplug are idempotent: %w",
					op, id, s.opts.RequestTimeout, ctx.Err())
				s.log.Warn(op+" answered at its deadline while the host still runs it (its own line follows when it ends)", "vif_id", id, "plugin", plugin)
			}
		}

		elapsed := time.Since(start)
		if err != nil {
			apiErr := hostError(op, err)
			apiErr.VIFID, apiErr.Plugin = id, plugin
			if ctx.Err() != nil && apiErr.Status >= 500 {
				apiErr.Status, apiErr.Code = http.StatusGatewayTimeout, CodeTimeout
				if s.base.Err() != nil {
					apiErr.Status, apiErr.Code = http.StatusServiceUnavailable, CodeUnavailable
				}
			}
			s.metrics.observe(op, pluginLabel(apiErr.Code, plugin), vif.ObjName(), apiErr.Code, elapsed)
			writeError(w, apiErr)
			return
		}
		s.metrics.observe(op, plugin, vif.ObjName(), "ok", elapsed)
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "vif_id": id})
	}
}

// logRefused logs a request refused before the Host saw it (the Host logs those it did, one
// line each) in the same form as the Host's line: msg op, outcome "rejected",
// duration_seconds, error, plus the API error code and field (vif_id and the other VIF keys are
// empty: the VIF was not decoded).
func (s *Server) logRefused(ctx context.Context, op string, e *APIError, start time.Time) {
	s.log.LogAttrs(ctx, slog.LevelWarn, op, slog.String("vif_id", ""), slog.String("vif_type", ""), slog.String("instance_uuid", ""),
		slog.String("plugin", ""), slog.String("outcome", "rejected"), slog.Float64("duration_seconds", time.Since(start).Seconds()),
		slog.String("error", e.Message), slog.String("code", e.Code), slog.String("field", e.Field))
}

// readHostInfoRequest decodes the body of POST /v1/host-info; an empty body is an empty request.
func (s *Server) readHostInfoRequest(w http.ResponseWriter, r *http.Request) (*HostInfoRequest, *APIError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge,
				Message: fmt.Sprintf("request body over %d bytes", tooBig.Limit)}
		}
		return nil, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: "read body: " + err.Error()}
	}
	req := &HostInfoRequest{}
	if len(strings.TrimSpace(string(body))) == 0 {
		return req, nil
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(req); err != nil {
		return nil, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest,
			Message: `body is not a JSON object {"permitted": [VIF class names], "manifest": {class: version}}: ` + err.Error()}
	}
	return req, nil
}

// encodeHostInfoFor returns hi for a peer whose os-vif knows the class versions in manifest:
// version ranges lowered with HostInfo.LimitVersions, and the Host* objects themselves
// backported to the peer's versions (never above ours).
func encodeHostInfoFor(hi *objects.HostInfo, manifest map[string]string) ([]byte, error) {
	if err := hi.LimitVersions(manifest); err != nil {
		return nil, err
	}
	ours := map[string]string{}
	for _, c := range objects.Classes() {
		ours[c.Name] = c.Version
	}
	enc := map[string]string{}
	for _, name := range []string{"HostInfo", "HostPluginInfo", "HostVIFInfo", "HostPortProfileInfo"} {
		v, ok := manifest[name]
		if !ok {
			continue
		}
		if compareVersions(v, ours[name]) > 0 {
			v = ours[name]
		}
		enc[name] = v
	}
	return objects.EncodeWith(hi, objects.EncodeOptions{Manifest: enc})
}

// compareVersions compares two dotted versions as integer tuples (LimitVersions has checked
// that they are versions).
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		} else {
			x = -1
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		} else {
			y = -1
		}
		if x != y {
			return cmp.Compare(x, y)
		}
	}
	return 0
}

// hostReturnSlack is how long past a request's deadline the handler waits for the host to
// return before it answers 504 regardless.
const hostReturnSlack = 50 * time.Millisecond

// readVIFRequest decodes and validates the body of a plug/unplug request.
func (s *Server) readVIFRequest(w http.ResponseWriter, r *http.Request) (objects.VIF, *objects.InstanceInfo, *APIError) {
	body, apiErr := s.readRawBody(w, r, s.opts.MaxBodyBytes)
	if apiErr != nil {
		return nil, nil, apiErr
	}
	var req VIFRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: "body is not a JSON object with vif and instance_info: " + err.Error()}
	}
	return decodeVIFRequest(req)
}

// readRawBody reads a request body of at most limit bytes within BodyTimeout.
func (s *Server) readRawBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *APIError) {
	// The body must arrive within BodyTimeout. The deadline is lifted once it is read, so that
	// the server's watch for a client hang-up (which cancels the request) keeps working.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(s.opts.BodyTimeout))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		// The rest of the body is not waited for: the reply closes the connection.
		w.Header().Set("Connection", "close")
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, &APIError{Status: http.StatusRequestTimeout, Code: CodeBodyTimeout,
				Message: fmt.Sprintf("request body not received within body_timeout (%v)", s.opts.BodyTimeout)}
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge,
				Message: fmt.Sprintf("request body over %d bytes", tooBig.Limit)}
		}
		return nil, &APIError{Status: http.StatusBadRequest, Code: CodeBadRequest, Message: "read body: " + err.Error()}
	}
	_ = rc.SetReadDeadline(time.Time{})
	return body, nil
}

// decodeVIFRequest decodes and checks the two primitives of one plug/unplug request (a whole
// body of /v1/plug, or one item of /v1/plug-many).
func decodeVIFRequest(req VIFRequest) (objects.VIF, *objects.InstanceInfo, *APIError) {
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
