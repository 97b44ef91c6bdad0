// Package hosttool runs the vendor control tools of govif's legacy-type plugins (mm-ctl,
// ifc_ctl, ebrctl, vrouter-port-control, fp-vdev) the way Nova's privsep helpers run them:
// an argv list (never a shell), the program found on PATH (or at a configured path), inside the
// plugin's network namespace, bounded by the caller's context. A tool that is missing, exits
// non-zero or is killed gives a *Error carrying its argv and standard error.
package hosttool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/vishvananda/netns"

	"github.com/govif/govif/config"
	"github.com/govif/govif/internal/nsthread"
)

// ErrNotFound is wrapped by the *Error of a tool that is neither at its configured path nor on
// PATH.
var ErrNotFound = errors.New("tool not found")

// Error is a failed tool run: not found, not started, non-zero exit, or killed.
type Error struct {
	// Argv is the command as run (the program's resolved path first), or as it would have been.
	Argv []string
	// ExitCode is the exit status, -1 when the tool did not exit normally or never ran.
	ExitCode int
	// Stderr is the tool's standard error, trimmed and cut to 4 KiB.
	Stderr string
	// Err is the cause (ErrNotFound, *exec.ExitError, a context error...).
	Err error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("running %s: %v", strings.Join(e.Argv, " "), e.Err)
	if e.Stderr != "" {
		msg += ": " + e.Stderr
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// maxStderr bounds the standard error kept in an Error.
const maxStderr = 4096

// Tool is one control program. The zero value is not usable; use New.
type Tool struct {
	name  string   // program name, looked up on PATH
	path  string   // configured absolute path ("" = look up)
	extra []string // directories searched after PATH (vrouter's /opt/plugin/bin)
}

// OptionName is the configuration option naming a tool's path: the tool name with '-' as '_'
// and "_path" appended, without a ".py" suffix (mm-ctl: mm_ctl_path; agilio-vf-mgr.py:
// agilio_vf_mgr_path).
func OptionName(tool string) string {
	return strings.ReplaceAll(strings.TrimSuffix(tool, ".py"), "-", "_") + "_path"
}

// New returns the tool name, at the path given by option OptionName(name) of section when set
// (it must be absolute), else looked up on PATH and then in extraDirs at each run, as Nova's
// processutils.execute does. A bad configured path is an error naming the option.
func New(section config.Section, name string, extraDirs ...string) (*Tool, error) {
	t := &Tool{name: name, extra: extraDirs}
	if p, ok := section.Get(OptionName(name)); ok && p != "" {
		if !filepath.IsAbs(p) {
			return nil, fmt.Errorf("option %s = %q: must be an absolute path", OptionName(name), p)
		}
		t.path = p
	}
	return t, nil
}

// Name returns the program name.
func (t *Tool) Name() string { return t.name }

// resolve finds the program to run.
func (t *Tool) resolve() (string, error) {
	if t.path != "" {
		if st, err := os.Stat(t.path); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return "", fmt.Errorf("%w: %s (configured with %s) is not an executable file", ErrNotFound, t.path, OptionName(t.name))
		}
		return t.path, nil
	}
	if p, err := exec.LookPath(t.name); err == nil {
		return p, nil
	}
	for _, d := range t.extra {
		p := filepath.Join(d, t.name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	where := "PATH"
	if len(t.extra) > 0 {
		where += " or " + strings.Join(t.extra, ", ")
	}
	return "", fmt.Errorf("%w: %s is not on %s (set %s)", ErrNotFound, t.name, where, OptionName(t.name))
}

// Run runs the tool with args inside the network namespace ns (netns.None(): the caller's)
// and waits for it, or kills it when ctx ends. Its standard output is discarded.
func (t *Tool) Run(ctx context.Context, ns netns.NsHandle, args ...string) error {
	argv := append([]string{t.name}, args...)
	if err := ctx.Err(); err != nil {
		return &Error{Argv: argv, ExitCode: -1, Err: err}
	}
	path, err := t.resolve()
	if err != nil {
		return &Error{Argv: argv, ExitCode: -1, Err: err}
	}
	argv[0] = path
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	start := cmd.Start
	if ns.IsOpen() {
		start = func() error { return nsthread.Do(ns, cmd.Start) }
	}
	if err := start(); err != nil {
		return &Error{Argv: argv, ExitCode: -1, Err: err}
	}
	if err := cmd.Wait(); err != nil {
		code := -1
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		s := strings.TrimSpace(stderr.String())
		if len(s) > maxStderr {
			s = s[:maxStderr]
		}
		return &Error{Argv: argv, ExitCode: code, Stderr: s, Err: err}
	}
	return nil
}
