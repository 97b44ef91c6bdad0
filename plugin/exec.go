package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"

	"github.com/govif/govif/objects"
)

const (
	maxResponse   = 4 << 20 // bytes of stdout read from a plugin
	maxStderrTail = 2048    // bytes of stderr kept for messages
	startRetries  = 5       // "text file busy" retries (an executable being replaced)
)

// waitDelay is how long govif keeps reading a plugin's stdout and stderr after the plugin
// exited (or was killed) while something else (a grandchild) still holds them open.
var waitDelay = 2 * time.Second

// Exec is a Plugin that runs an external executable for every call (the exec adapter).
// Its Describe answer is read once, by NewExec.
type Exec struct {
	name     string
	path     string
	section  map[string][]string
	timeout  time.Duration
	logger   *slog.Logger
	describe *objects.HostPluginInfo
}

var _ Plugin = (*Exec)(nil)

// NewExec prepares the external plugin at path under env.Name: it checks that the plugin speaks
// protocol version 1 (version command) and reads its describe answer, which must be for
// env.Name. Every call is bounded by ctx and by [govif] exec_plugin_timeout.
func NewExec(ctx context.Context, env Env, path string) (*Exec, error) {
	if !ValidName(env.Name) {
		return nil, fmt.Errorf("exec plugin %q: invalid plugin name", env.Name)
	}
	e := &Exec{name: env.Name, path: path, section: env.Section().Map(),
		timeout: env.Config.Govif.ExecPluginTimeout, logger: env.Logger}
	if e.logger == nil {
		e.logger = slog.Default()
	}
	resp, err := e.call(ctx, CmdVersion, nil, nil)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(resp.SupportedVersions, ProtocolVersion) {
		return nil, e.errorf(CmdVersion, nil, "%w: plugin speaks protocol versions %v, govif speaks %d",
			ErrProtocol, resp.SupportedVersions, ProtocolVersion)
	}
	if resp, err = e.call(ctx, CmdDescribe, nil, nil); err != nil {
		return nil, err
	}
	o, err := objects.Decode(resp.HostPluginInfo)
	if err != nil {
		return nil, e.errorf(CmdDescribe, nil, "%w: host_plugin_info: %w", ErrProtocol, err)
	}
	hpi, ok := o.(*objects.HostPluginInfo)
	if !ok {
		return nil, e.errorf(CmdDescribe, nil, "%w: host_plugin_info holds a %s, not a HostPluginInfo", ErrProtocol, o.ObjName())
	}
	if got := hpi.PluginName.Value(); got != env.Name {
		return nil, e.errorf(CmdDescribe, nil, "%w: describe answered for plugin %q", ErrProtocol, got)
	}
	e.describe = hpi
	return e, nil
}

// Path returns the executable's path.
func (e *Exec) Path() string { return e.path }

// Describe returns a copy of the plugin's describe answer.
func (e *Exec) Describe() *objects.HostPluginInfo { return CloneHostPluginInfo(e.describe) }

// Plug runs the plugin's plug command.
func (e *Exec) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	_, err := e.call(ctx, CmdPlug, vif, inst)
	return err
}

// Unplug runs the plugin's unplug command.
func (e *Exec) Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	_, err := e.call(ctx, CmdUnplug, vif, inst)
	return err
}

func (e *Exec) errorf(cmd string, stderr *tailBuffer, format string, args ...any) *ExecError {
	ee := &ExecError{Plugin: e.name, Path: e.path, Command: cmd, ExitCode: -1, Err: fmt.Errorf(format, args...)}
	if stderr != nil {
		ee.Stderr = stderr.String()
	}
	return ee
}

// call runs one command and returns the plugin's successful response.
func (e *Exec) call(ctx context.Context, cmd string, vif objects.VIF, inst *objects.InstanceInfo) (*ExecResponse, error) {
	req := ExecRequest{ProtocolVersion: ProtocolVersion, Command: cmd, Plugin: e.name, Config: e.section}
	if req.Config == nil {
		req.Config = map[string][]string{}
	}
	var err error
	if vif != nil {
		if req.VIF, err = objects.Encode(vif); err != nil {
			return nil, e.errorf(cmd, nil, "encode VIF: %w", err)
		}
	}
	if inst != nil {
		if req.InstanceInfo, err = objects.Encode(inst); err != nil {
			return nil, e.errorf(cmd, nil, "encode instance info: %w", err)
		}
	}
	if e.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, e.timeout,
			fmt.Errorf("%w: exec_plugin_timeout %v", context.DeadlineExceeded, e.timeout))
		defer cancel()
	}
	if dl, ok := ctx.Deadline(); ok {
		req.TimeoutMS = max(time.Until(dl).Milliseconds(), 1)
	}
	in, err := json.Marshal(req)
	if err != nil {
		return nil, e.errorf(cmd, nil, "encode request: %w", err)
	}
	start := time.Now()
	stdout, stderr, exitCode, runErr := e.run(ctx, cmd, in)
	e.logger.DebugContext(ctx, "exec plugin call", "plugin", e.name, "command", cmd,
		"exit_code", exitCode, "duration", time.Since(start), "error", runErr)
	return e.interpret(ctx, cmd, stdout, stderr, exitCode, runErr)
}

// run starts the executable (retrying "text file busy") and waits for it. The plugin runs in a
// process group of its own, killed as a whole when ctx ends.
func (e *Exec) run(ctx context.Context, cmdName string, in []byte) (*limitBuffer, *tailBuffer, int, error) {
	for attempt := 0; ; attempt++ {
		stdout := &limitBuffer{max: maxResponse}
		stderr := &tailBuffer{max: maxStderrTail}
		c := exec.CommandContext(ctx, e.path, cmdName)
		c.Stdin = bytes.NewReader(in)
		c.Stdout, c.Stderr = stdout, stderr
		c.Env = append(os.Environ(), "GOVIF_PLUGIN_COMMAND="+cmdName, fmt.Sprintf("GOVIF_PLUGIN_PROTOCOL=%d", ProtocolVersion))
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
		c.WaitDelay = waitDelay // a grandchild holding stdout open cannot hang us
		err := c.Start()
		if errors.Is(err, syscall.ETXTBSY) && attempt < startRetries {
			select {
			case <-ctx.Done():
				return stdout, stderr, -1, err
			case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return stdout, stderr, -1, err
		}
		err = c.Wait()
		code := -1
		if c.ProcessState != nil {
			code = c.ProcessState.ExitCode()
		}
		return stdout, stderr, code, err
	}
}

func (e *Exec) interpret(ctx context.Context, cmd string, stdout *limitBuffer, stderr *tailBuffer, code int, runErr error) (*ExecResponse, error) {
	ee := &ExecError{Plugin: e.name, Path: e.path, Command: cmd, ExitCode: code, Stderr: stderr.String()}
	if ctx.Err() != nil && runErr != nil {
		if !isExitError(runErr) {
			ee.Err = fmt.Errorf("not run: %w", context.Cause(ctx))
		} else {
			ee.Err = fmt.Errorf("killed: %w", context.Cause(ctx))
		}
		return nil, ee
	}
	if errors.Is(runErr, exec.ErrWaitDelay) {
		// The plugin exited 0 but left a process holding its stdout or stderr: its answer is
		// complete (it exited), so read it; the straggler is the plugin's business.
		e.logger.WarnContext(ctx, "exec plugin left a process holding its output open", "plugin", e.name, "command", cmd)
		runErr = nil
	}
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		ee.Err = runErr // did not start, or I/O failure
		return nil, ee
	}
	if stdout.over {
		ee.Err = fmt.Errorf("%w: response larger than %d bytes", ErrProtocol, maxResponse)
		return nil, ee
	}
	var resp ExecResponse
	dec := json.NewDecoder(bytes.NewReader(stdout.buf))
	derr := dec.Decode(&resp)
	if derr == nil && dec.More() {
		derr = errors.New("more than one JSON value")
	}
	if derr != nil {
		if code != 0 {
			ee.Err = fmt.Errorf("%s without an error response", exitText(exitErr))
		} else {
			ee.Err = fmt.Errorf("%w: invalid JSON response on stdout (%v): %s", ErrProtocol, derr, snippet(stdout.buf))
		}
		return nil, ee
	}
	if resp.Error != nil {
		ee.Code, ee.Message = resp.Error.Code, resp.Error.Message
		if k := resp.Error.kind(); k != nil {
			ee.Err = k
		} else {
			ee.Err = errors.New(resp.Error.Message)
		}
		return nil, ee
	}
	if code != 0 {
		ee.Err = fmt.Errorf("%s with a success response", exitText(exitErr))
		return nil, ee
	}
	if cmd != CmdVersion && resp.ProtocolVersion != ProtocolVersion {
		ee.Err = fmt.Errorf("%w: response has protocol_version %d, want %d", ErrProtocol, resp.ProtocolVersion, ProtocolVersion)
		return nil, ee
	}
	if cmd == CmdDescribe && len(resp.HostPluginInfo) == 0 {
		ee.Err = fmt.Errorf("%w: describe response without host_plugin_info", ErrProtocol)
		return nil, ee
	}
	return &resp, nil
}

func isExitError(err error) bool {
	var exitErr *exec.ExitError
	return errors.As(err, &exitErr)
}

func exitText(exitErr *exec.ExitError) string {
	if exitErr == nil {
		return "exited"
	}
	if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "killed by signal " + ws.Signal().String()
	}
	return fmt.Sprintf("exited with status %d", exitErr.ExitCode())
}
