package plugin

import (
	"fmt"
	"strconv"
	"strings"
)

// ExecError is the failure of one call of an external plugin: an error the plugin reported, a
// crash, a kill at the timeout, or a response govif cannot read. errors.Is/As reach the
// os-vif failure kinds (ErrUnsupportedVIFType, ...) for the codes that carry them, ErrProtocol
// for protocol violations, and context errors for timeouts and cancellation.
type ExecError struct {
	Plugin  string // plugin name
	Path    string // executable
	Command string // protocol command
	// Code and Message are the plugin's error object, when it sent one.
	Code    string
	Message string
	// ExitCode is the exit status; -1 when the plugin was killed by a signal or did not start.
	ExitCode int
	// Stderr is the tail of what the plugin wrote on stderr.
	Stderr string
	// Err is the underlying cause.
	Err error
}

// Error names the plugin and command, then the plugin's message or what went wrong, then the
// stderr tail.
func (e *ExecError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "exec plugin %q: %s: ", e.Plugin, e.Command)
	switch {
	case e.Code != "":
		fmt.Fprintf(&b, "%s (code %s)", e.Message, e.Code)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString("failed")
	}
	if e.Stderr != "" {
		b.WriteString("; stderr: ")
		b.WriteString(strconv.Quote(e.Stderr))
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *ExecError) Unwrap() error { return e.Err }

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	buf []byte
	cut bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
		t.cut = true
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	s := strings.TrimSpace(string(t.buf))
	if t.cut {
		s = "..." + s
	}
	return s
}

// limitBuffer keeps the first max bytes written to it and notes whether more came.
type limitBuffer struct {
	max  int
	buf  []byte
	over bool
}

func (l *limitBuffer) Write(p []byte) (int, error) {
	room := l.max - len(l.buf)
	if len(p) > room {
		l.over = true
		if room > 0 {
			l.buf = append(l.buf, p[:room]...)
		}
		return len(p), nil
	}
	l.buf = append(l.buf, p...)
	return len(p), nil
}

// snippet returns the start of b for an error message.
func snippet(b []byte) string {
	const n = 80
	if len(b) > n {
		return strconv.Quote(string(b[:n])) + "..."
	}
	return strconv.Quote(string(b))
}
