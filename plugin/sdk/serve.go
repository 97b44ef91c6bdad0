package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// Serve runs one exec protocol call for the plugin named name, built by f, and exits the
// process: 0 on success, 1 on failure.
func Serve(name string, f plugin.Factory) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	code := Run(ctx, name, f, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Run is Serve without the process: it reads the request from stdin, calls the plugin and
// writes the response to stdout. args are the command-line arguments after the program name
// (args[0] is the command). It returns the exit code.
func Run(ctx context.Context, name string, f plugin.Factory, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	resp := handle(ctx, name, f, args, stdin, logger)
	resp.ProtocolVersion = plugin.ProtocolVersion
	out, err := json.Marshal(resp)
	if err != nil { // cannot happen with these types; say so rather than print nothing
		out, _ = json.Marshal(plugin.ExecResponse{ProtocolVersion: plugin.ProtocolVersion,
			Error: &plugin.ErrorBody{Code: plugin.CodePluginError, Message: "encode response: " + err.Error()}})
		resp.Error = &plugin.ErrorBody{}
	}
	out = append(out, '\n')
	if _, err := stdout.Write(out); err != nil {
		logger.Error("write response", "error", err)
		return 1
	}
	if resp.Error != nil {
		return 1
	}
	return 0
}

func fail(code, format string, args ...any) *plugin.ExecResponse {
	return &plugin.ExecResponse{Error: &plugin.ErrorBody{Code: code, Message: fmt.Sprintf(format, args...)}}
}

func handle(ctx context.Context, name string, f plugin.Factory, args []string, stdin io.Reader, logger *slog.Logger) *plugin.ExecResponse {
	if len(args) < 1 {
		return fail(plugin.CodeInvalidRequest, "usage: %s%s version|describe|plug|unplug < request.json", plugin.ExecPrefix, name)
	}
	cmd := args[0]
	var req plugin.ExecRequest
	if err := json.NewDecoder(io.LimitReader(stdin, 16<<20)).Decode(&req); err != nil {
		return fail(plugin.CodeInvalidRequest, "read request from stdin: %v", err)
	}
	if req.Command != "" && req.Command != cmd {
		return fail(plugin.CodeInvalidRequest, "request command %q differs from argv command %q", req.Command, cmd)
	}
	if cmd == plugin.CmdVersion {
		return &plugin.ExecResponse{SupportedVersions: []int{plugin.ProtocolVersion}}
	}
	if req.ProtocolVersion != plugin.ProtocolVersion {
		return fail(plugin.CodeUnsupportedProtocol, "protocol_version %d not supported (supported: %d)", req.ProtocolVersion, plugin.ProtocolVersion)
	}
	if req.TimeoutMS > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, pluginBudget(time.Duration(req.TimeoutMS)*time.Millisecond))
		defer cancel()
	}
	cfg, err := config.FromSections(map[string]map[string][]string{plugin.SectionName(name): req.Config})
	if err != nil {
		return fail(plugin.CodeInvalidRequest, "config: %v", err)
	}
	p, err := f(plugin.Env{Name: name, Config: cfg, Logger: logger})
	if err != nil {
		return fail(plugin.CodePluginError, "load plugin %s: %v", name, err)
	}
	if c, ok := p.(plugin.Closer); ok {
		defer c.Close()
	}
	switch cmd {
	case plugin.CmdDescribe:
		b, err := objects.Encode(p.Describe())
		if err != nil {
			return fail(plugin.CodePluginError, "encode describe: %v", err)
		}
		return &plugin.ExecResponse{HostPluginInfo: b}
	case plugin.CmdPlug, plugin.CmdUnplug:
		vif, err := objects.DecodeVIF(req.VIF)
		if err != nil {
			return fail(plugin.CodeInvalidRequest, "vif: %v", err)
		}
		var inst *objects.InstanceInfo
		if len(req.InstanceInfo) > 0 && string(req.InstanceInfo) != "null" {
			if inst, err = objects.DecodeInstanceInfo(req.InstanceInfo); err != nil {
				return fail(plugin.CodeInvalidRequest, "instance_info: %v", err)
			}
		}
		op := p.Plug
		if cmd == plugin.CmdUnplug {
			op = p.Unplug
		}
		if err := op(ctx, vif, inst); err != nil {
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				logger.Error(cmd+" interrupted", "error", err)
			}
			return &plugin.ExecResponse{Error: plugin.ErrorBodyFor(err)}
		}
		return &plugin.ExecResponse{}
	}
	return fail(plugin.CodeUnknownCommand, "unknown command %q (known: version, describe, plug, unplug)", cmd)
}

// pluginBudget is the part of govif's timeout the plugin's context gets: a tenth (at most 2s)
// is kept back so that a plugin that gives up at its deadline can still roll back and answer
// before govif kills it.
func pluginBudget(timeout time.Duration) time.Duration {
	return timeout - min(timeout/10, 2*time.Second)
}
