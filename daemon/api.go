package daemon

import (
	"encoding/json"
	"fmt"
)

// API paths.
const (
	PathPlug     = "/v1/plug"
	PathUnplug   = "/v1/unplug"
	PathHostInfo = "/v1/host-info"
	PathHealth   = "/healthz"
	PathMetrics  = "/metrics"
	PathVIFs     = "/v1/vifs"
	PathCheck    = "/v1/check"
	PathReplug   = "/v1/replug"
	PathGC       = "/v1/gc"
)

// VIFRequest is the body of POST /v1/plug and /v1/unplug: two os-vif primitives.
type VIFRequest struct {
	VIF          json.RawMessage `json:"vif"`
	InstanceInfo json.RawMessage `json:"instance_info"`
}

// HostInfoRequest is the optional JSON body of POST /v1/host-info.
type HostInfoRequest struct {
	// Permitted keeps only these VIF class names (os-vif's permitted_vif_type_names); absent
	// or null filters nothing, an empty list keeps nothing.
	Permitted *[]string `json:"permitted,omitempty"`
	// Manifest is the caller's version manifest: os-vif class name → the newest version of
	// that class the caller knows. The reply's version ranges are lowered to it
	// (objects.HostInfo.LimitVersions) and the HostInfo objects backported to it.
	Manifest map[string]string `json:"manifest,omitempty"`
}

// Error codes the API returns. They are stable: clients branch on them.
const (
	CodeBadRequest        = "bad_request"        // 400: body is not the JSON the endpoint takes
	CodeInvalidObject     = "invalid_object"     // 400: a primitive fails decoding or validation; Field names where
	CodeUnsupportedObject = "unsupported_object" // 400: unknown class, foreign namespace, or a version we cannot read
	CodeNoMatchingPlugin  = "no_matching_plugin" // 422: the VIF names a plugin this host does not have
	CodeUnsupportedVIF    = "unsupported_vif"    // 422: the plugin does not handle this VIF type / port profile
	CodeForbidden         = "forbidden"          // 403: the peer's uid/gid is not allowed
	CodeTooLarge          = "request_too_large"  // 413: body over the size limit
	CodeMethodNotAllowed  = "method_not_allowed" // 405
	CodeNotFound          = "not_found"          // 404
	CodePlugFailed        = "plug_failed"        // 500: the host could not plug (cause in message)
	CodeUnplugFailed      = "unplug_failed"      // 500
	CodeTimeout           = "timeout"            // 504: the per-request deadline passed
	CodeBodyTimeout       = "body_timeout"       // 408: the request body did not arrive within body_timeout
	CodeUnavailable       = "unavailable"        // 503: the daemon is shutting down (or OVSDB is unreachable, /healthz)
	CodeInternal          = "internal"           // 500: anything else
	CodePolicy            = "policy_violation"   // 403: the VIF breaks the admission policy; Rule says which (docs/security.md)
)

// ErrorBody is the JSON every error response carries: {"error": {...}}.
type ErrorBody struct {
	Error APIError `json:"error"`
}

// APIError is an error returned by the daemon. Status is the HTTP status; Code one of the
// Code* constants; Field the full field path when a primitive was rejected.
type APIError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Rule    string `json:"rule,omitempty"` // with policy_violation: the policy package's rule code
	VIFID   string `json:"vif_id,omitempty"`
	Plugin  string `json:"plugin,omitempty"`

	cause error // the typed error reconstructed on the client side, if any
}

func (e *APIError) Error() string {
	return fmt.Sprintf("govif daemon: %s (%s)", e.Message, e.Code)
}

// Unwrap returns the typed error the code stands for on the client side (for errors.Is /
// errors.As), or nil.
func (e *APIError) Unwrap() error { return e.cause }

// Health is the body of GET /healthz: 200 when Status is HealthReady, 503 otherwise.
type Health struct {
	Status    string `json:"status"`     // HealthReady, HealthDegraded or HealthStopping
	Version   string `json:"version"`    // the daemon's govif version
	GoVersion string `json:"go_version"` // the Go release it was built with
	// Checks maps each dependency checked (for example "ovsdb") to "ok" or to why it failed.
	Checks map[string]string `json:"checks,omitempty"`
	// Error is set when Status is not ready, so that clients decode the reply as any error.
	Error *APIError `json:"error,omitempty"`
}
