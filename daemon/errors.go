package daemon

import (
	"context"
	"errors"
	"net/http"

	"github.com/govif/govif"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/policy"
)

// hostError maps an error from Host.Plug/Unplug to the API's status and code. Errors that
// are the caller's fault (no such plugin, a VIF type or port profile the plugin does not
// handle, an invalid object) are 4xx; failures on the host are 5xx.
func hostError(op string, err error) *APIError {
	e := &APIError{Status: http.StatusInternalServerError, Code: CodePlugFailed, Message: err.Error()}
	if op == "unplug" {
		e.Code = CodeUnplugFailed
	}
	var fe *objects.FieldError
	var wrong *plugin.WrongPortProfileError
	var pv *policy.Violation
	var invalid invalidInput
	switch {
	case errors.As(err, &pv):
		e.Status, e.Code, e.Field, e.Rule = http.StatusForbidden, CodePolicy, pv.Field, pv.Code
		if pv.Code == policy.CodeNameConflict {
			// The names are the VIF's own by the rules but carried by another VIF (an id
			// prefix collision): the request conflicts with the host's state.
			e.Status = http.StatusConflict
		}
	case errors.Is(err, govif.ErrNoMatchingPlugin):
		e.Status, e.Code = http.StatusUnprocessableEntity, CodeNoMatchingPlugin
	case errors.Is(err, plugin.ErrUnsupportedVIFType), errors.Is(err, plugin.ErrMissingPortProfile), errors.As(err, &wrong):
		e.Status, e.Code = http.StatusUnprocessableEntity, CodeUnsupportedVIF
	case errors.As(err, &fe):
		e.Status, e.Code, e.Field = http.StatusBadRequest, CodeInvalidObject, fe.Path
	case errors.As(err, &invalid) && invalid.InvalidInput():
		// A value the plugin could not use (a device name the kernel would refuse), found
		// before anything was sent: the caller's fault, also on unplug.
		e.Status, e.Code = http.StatusBadRequest, CodeInvalidObject
	case errors.Is(err, context.DeadlineExceeded):
		e.Status, e.Code = http.StatusGatewayTimeout, CodeTimeout
	}
	return e
}

// invalidInput is implemented by errors that are the caller's fault although they come from
// below the objects layer (netdev.NameError, netdev.ValueError), without the daemon importing
// those packages.
type invalidInput interface {
	error
	InvalidInput() bool
}

// clientCause gives the typed error a client-side caller can test with errors.Is / errors.As
// for an API error code.
func clientCause(e *APIError) error {
	switch e.Code {
	case CodeNoMatchingPlugin:
		return govif.ErrNoMatchingPlugin
	case CodeUnsupportedVIF:
		return plugin.ErrUnsupportedVIFType
	case CodeInvalidObject:
		if e.Field != "" {
			return &objects.FieldError{Path: e.Field, Reason: e.Message}
		}
	case CodeTimeout:
		return context.DeadlineExceeded
	case CodePolicy:
		return &policy.Violation{Code: e.Rule, Field: e.Field, Rule: e.Message}
	}
	return nil
}
