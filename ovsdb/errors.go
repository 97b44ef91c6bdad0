package ovsdb

import (
	"errors"
	"fmt"
)

// ErrDisconnected is returned (wrapped) by every call that was pending when the connection
// dropped, and by calls made while there is no connection.
var ErrDisconnected = errors.New("ovsdb: disconnected")

// ErrClosed is returned by calls on a Client after Close.
var ErrClosed = errors.New("ovsdb: client closed")

// RFC 7047 §4.1.3 error strings, as sentinels: errors.Is(err, ErrTimedOut) is true for a
// *TransactError whose Err is "timed out" (a failed wait guard).
var (
	ErrTimedOut             = rfcError("timed out")
	ErrConstraintViolation  = rfcError("constraint violation")
	ErrReferentialIntegrity = rfcError("referential integrity violation")
	ErrDuplicateUUIDName    = rfcError("duplicate uuid-name")
	ErrDuplicateUUID        = rfcError("duplicate uuid")
	ErrResourcesExhausted   = rfcError("resources exhausted")
	ErrIOError              = rfcError("I/O error")
	ErrNotOwner             = rfcError("not owner")
	ErrAborted              = rfcError("aborted")
	ErrNotSupported         = rfcError("not supported")
	ErrUnknownDatabase      = rfcError("unknown database")
	ErrSyntaxError          = rfcError("syntax error")
)

type rfcErr struct{ s string }

// Error implements error.
func (e *rfcErr) Error() string { return "ovsdb: " + e.s }

func rfcError(s string) error { return &rfcErr{s} }

var errorsByName = map[string]error{}

func init() {
	for _, e := range []error{ErrTimedOut, ErrConstraintViolation, ErrReferentialIntegrity, ErrDuplicateUUIDName,
		ErrDuplicateUUID, ErrResourcesExhausted, ErrIOError, ErrNotOwner, ErrAborted, ErrNotSupported,
		ErrUnknownDatabase, ErrSyntaxError} {
		errorsByName[e.(*rfcErr).s] = e
	}
}

// TransactError is a transaction the server refused: the operation at Index (Op names it,
// e.g. "insert into Port") failed with the RFC 7047 error string Err. When every operation
// succeeded but the commit failed (a constraint or referential integrity violation), Index is
// the number of operations and Op is "commit". The whole transaction was rolled back.
type TransactError struct {
	Index   int
	Op      string
	Err     string
	Details string
}

// Error implements error.
func (e *TransactError) Error() string {
	msg := fmt.Sprintf("ovsdb: transaction failed at operation %d (%s): %s", e.Index, e.Op, e.Err)
	if e.Details != "" {
		msg += ": " + e.Details
	}
	return msg
}

// Is matches the RFC sentinels (ErrTimedOut, ErrConstraintViolation, ...).
func (e *TransactError) Is(target error) bool {
	s, ok := errorsByName[e.Err]
	return ok && s == target
}

// RPCError is a JSON-RPC call the server answered with an error, for example a transaction it
// could not parse ("syntax error") or an unknown database.
type RPCError struct {
	Method  string
	Err     string
	Details string
}

// Error implements error.
func (e *RPCError) Error() string {
	msg := fmt.Sprintf("ovsdb: %s: %s", e.Method, e.Err)
	if e.Details != "" {
		msg += ": " + e.Details
	}
	return msg
}

// Is matches the RFC sentinels (ErrSyntaxError, ErrUnknownDatabase, ...).
func (e *RPCError) Is(target error) bool {
	s, ok := errorsByName[e.Err]
	return ok && s == target
}

// EndpointError is an endpoint this client cannot use: malformed, or a scheme it does not
// support (ssl:, punix:, ptcp:).
type EndpointError struct {
	Endpoint string
	Reason   string
}

// Error implements error.
func (e *EndpointError) Error() string {
	return fmt.Sprintf("ovsdb: endpoint %q: %s", e.Endpoint, e.Reason)
}

// checkResults turns the reply of a transaction into a *TransactError when an operation (or the
// commit) failed.
func checkResults(ops []Operation, results []OperationResult) error {
	for i, r := range results {
		if r.Error == "" {
			continue
		}
		name := OpCommit
		if i < len(ops) {
			name = ops[i].String()
		}
		return &TransactError{Index: i, Op: name, Err: r.Error, Details: r.Details}
	}
	if len(results) < len(ops) {
		return &TransactError{Index: len(results), Op: "reply", Err: "short reply",
			Details: fmt.Sprintf("%d results for %d operations", len(results), len(ops))}
	}
	return nil
}
