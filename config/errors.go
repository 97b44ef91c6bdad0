package config

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrInvalid is matched (errors.Is) by every *ValueError and *SyntaxError, for callers that only
// need to know the configuration was rejected.
var ErrInvalid = errors.New("invalid configuration")

// ValueError reports an option whose value does not fit its type, range or choices.
//
//	[os_vif_ovs] isolate_vif: invalid boolean "maybe"
type ValueError struct {
	File    string // the file read, when known
	Line    int    // line of the assignment, when known
	Section string // section the value was read from (DEFAULT for a deprecated alias)
	Option  string
	Value   string
	Reason  string // e.g. `invalid boolean`, `must be one of vsctl, native`
}

// Error returns "[section] option: reason \"value\"", prefixed by file:line when known.
func (e *ValueError) Error() string {
	msg := fmt.Sprintf("[%s] %s: %s %s", e.Section, e.Option, e.Reason, strconv.Quote(e.Value))
	if e.File != "" {
		msg = fmt.Sprintf("%s:%d: %s", e.File, e.Line, msg)
	}
	return msg
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValueError) Is(target error) bool { return target == ErrInvalid }

// SyntaxError reports a line the INI parser cannot read.
type SyntaxError struct {
	File string // the file read, when known
	Line int
	Text string // the offending line
	Msg  string
}

// Error returns "file:line: message: \"line text\"".
func (e *SyntaxError) Error() string {
	where := fmt.Sprintf("line %d", e.Line)
	if e.File != "" {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Text == "" {
		return fmt.Sprintf("%s: %s", where, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %q", where, e.Msg, e.Text)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *SyntaxError) Is(target error) bool { return target == ErrInvalid }

// Warning is a problem that does not stop the configuration from loading: an unknown option in
// a section govif owns, or a deprecated option or alias in use.
type Warning struct {
	Section string
	Option  string
	File    string // the file, when read by Load or LoadFiles
	Line    int
	Message string
}

// String returns "[section] option: message", prefixed by file:line when known.
func (w Warning) String() string {
	msg := fmt.Sprintf("[%s] %s: %s", w.Section, w.Option, w.Message)
	if w.Option == "" {
		msg = fmt.Sprintf("[%s]: %s", w.Section, w.Message)
	}
	if w.File != "" {
		msg = fmt.Sprintf("%s:%d: %s", w.File, w.Line, msg)
	}
	return msg
}
