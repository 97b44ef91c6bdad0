package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/govif/govif"
	"github.com/govif/govif/daemon"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/policy"
)

// hostFlags are the flags every command that talks to a host shares.
type hostFlags struct {
	server  string
	output  string
	timeout time.Duration
	force   bool
}

// DefaultCLITimeout is the CLI's --timeout default: the daemon's default request_timeout plus a
// margin, so that a request the daemon times out is answered with the daemon's reason (504
// timeout, naming the VIF) before the CLI gives up on its own.
const DefaultCLITimeout = daemon.DefaultRequestTimeout + 15*time.Second

func (f *hostFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.server, "server", "", "call a govif daemon at unix:PATH instead of working in this process (default $"+serverEnv+"; --server= forces in-process)")
	addOutputFlag(cmd, &f.output, "text", "json")
	cmd.Flags().DurationVar(&f.timeout, "timeout", DefaultCLITimeout,
		"give up after this long (the default exceeds the daemon's default request_timeout, so its reason reaches you)")
	cmd.Flags().BoolVar(&f.force, "force", false, "root only, in-process only: skip the admission policy (names, bridges, interfaces; docs/security.md)")
}

// serverEnv names the environment variable that is the default for --server.
const serverEnv = "GOVIF_SERVER"

// serverAddr is --server if given (even empty), else $GOVIF_SERVER.
func (f *hostFlags) serverAddr(cmd *cobra.Command) string {
	if cmd.Flags().Changed("server") {
		return f.server
	}
	return os.Getenv(serverEnv)
}

func (f *hostFlags) check() error {
	if f.timeout <= 0 {
		return badInput(fmt.Errorf("--timeout %v: must be positive", f.timeout))
	}
	if f.force && f.server != "" {
		return badInput(fmt.Errorf("--force: not available with --server: the daemon always applies its policy"))
	}
	if f.force && os.Geteuid() != 0 {
		return badInput(fmt.Errorf("--force: only root may skip the admission policy"))
	}
	return nil
}

// openHost returns the daemon's client when --server is given, else an in-process Host
// loaded from --config. The returned close function releases it.
func (f *hostFlags) openHost(ctx context.Context, cmd *cobra.Command) (govif.Interface, func(), error) {
	if f.server = f.serverAddr(cmd); f.server != "" {
		c, err := daemon.NewClient(f.server)
		if err != nil {
			return nil, nil, badInput(fmt.Errorf("--server: %w", err))
		}
		return c, func() { c.Close() }, nil
	}
	cfg, err := loadConfig(configPath(cmd))
	if err != nil {
		return nil, nil, badInput(err)
	}
	// Warnings and failures on stderr: JSON lines with -o json (no plain text in JSON mode).
	hopts := &slog.HandlerOptions{Level: slog.LevelWarn}
	var handler slog.Handler = slog.NewTextHandler(cmd.ErrOrStderr(), hopts)
	if f.output == "json" {
		handler = slog.NewJSONHandler(cmd.ErrOrStderr(), hopts)
	}
	logger := slog.New(handler)
	opts := []govif.Option{govif.WithLogger(logger)}
	if !f.force {
		opts = append(opts, govif.WithPolicy(policy.FromConfig(cfg)))
	}
	h, err := govif.NewHost(ctx, cfg, opts...)
	if err != nil {
		return nil, nil, err
	}
	return h, func() { h.Close() }, nil
}

// commandContext ends on SIGINT/SIGTERM or after the timeout.
func (f *hostFlags) commandContext() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	return ctx, func() { cancel(); stop() }
}

// vifResult is what plug and unplug print with -o json.
type vifResult struct {
	Op         string  `json:"op"`
	Status     string  `json:"status"`
	VIFID      string  `json:"vif_id"`
	VIFType    string  `json:"vif_type"`
	Plugin     string  `json:"plugin"`
	Instance   string  `json:"instance_uuid,omitempty"`
	Server     string  `json:"server,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

func newVIFCmd(op string) *cobra.Command {
	var (
		hf        hostFlags
		vifPaths  []string
		instPaths []string
	)
	verb := map[string]string{"plug": "Plug a VIF into", "unplug": "Unplug a VIF from"}[op]
	cmd := &cobra.Command{
		Use:   op + " --vif FILE [--vif FILE]... --instance FILE [--instance FILE]...",
		Short: verb + " the host (in this process, or through the daemon with --server)",
		Long: verb + ` the host, as os_vif.` + op + `(vif, instance_info) does. --vif and --instance
are os-vif primitives (JSON, "-" for standard input); the plugin named by the VIF's plugin
field does the work. Without --server the plugins run in this process (as root, configured
by --config); with --server unix:PATH the govif daemon does it. Bad input exits 2 with the
field path; a failure on the host exits 1.

--vif may be repeated to ` + op + ` several VIFs in one batch (Host.` + strings.ToUpper(op[:1]) + op[1:] + `Many, or one
request to the daemon's /v1/` + op + `-many). Give --instance once (every VIF belongs to that
instance) or once per --vif (paired in order). Each VIF's outcome is printed (-o json: an
array); exit 0 when all succeed, 2 when every failure is bad input, else 1.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := hf.check(); err != nil {
				return err
			}
			if len(vifPaths) != 1 || len(instPaths) != 1 {
				return runMany(cmd, op, &hf, vifPaths, instPaths)
			}
			vif, inst, err := readVIFAndInstance(cmd.InOrStdin(), vifPaths[0], instPaths[0])
			if err != nil {
				return err
			}
			ctx, cancel := hf.commandContext()
			defer cancel()
			h, closeHost, err := hf.openHost(ctx, cmd)
			if err != nil {
				return err
			}
			defer closeHost()
			start := time.Now()
			if op == "plug" {
				err = h.Plug(ctx, vif, inst)
			} else {
				err = h.Unplug(ctx, vif, inst)
			}
			if err != nil {
				return hostCallError(op, vif, err)
			}
			res := vifResult{Op: op, Status: "ok", VIFID: vif.Base().ID.Value(), VIFType: vif.ObjName(),
				Plugin: vif.Base().Plugin.Value(), Instance: inst.UUID.Value(), Server: hf.server,
				DurationMS: float64(time.Since(start).Microseconds()) / 1000}
			return printVIFResult(cmd.OutOrStdout(), hf.output, res)
		},
	}
	hf.register(cmd)
	cmd.Flags().StringArrayVar(&vifPaths, "vif", nil, "VIF primitive (JSON file, - for standard input); repeat for several VIFs")
	cmd.Flags().StringArrayVar(&instPaths, "instance", nil, "InstanceInfo primitive (JSON file, - for standard input); once, or once per --vif")
	_ = cmd.MarkFlagRequired("vif")
	_ = cmd.MarkFlagRequired("instance")
	_ = cmd.MarkFlagFilename("vif", "json")
	_ = cmd.MarkFlagFilename("instance", "json")
	return cmd
}

func readVIFAndInstance(stdin io.Reader, vifPath, instPath string) (objects.VIF, *objects.InstanceInfo, error) {
	if vifPath == "-" && instPath == "-" {
		return nil, nil, badInput(errors.New("--vif and --instance cannot both read standard input"))
	}
	read := func(flag, path string) ([]byte, error) {
		data, err := readFileOrStdin(stdin, path)
		if err != nil {
			return nil, badInput(fmt.Errorf("--%s: %w", flag, err))
		}
		return data, nil
	}
	vb, err := read("vif", vifPath)
	if err != nil {
		return nil, nil, err
	}
	vif, err := objects.DecodeVIF(vb)
	if err == nil {
		err = objects.Validate(vif)
	}
	if err != nil {
		return nil, nil, badInput(oneLine(fmt.Errorf("--vif %s: %w", vifPath, err)))
	}
	ib, err := read("instance", instPath)
	if err != nil {
		return nil, nil, err
	}
	inst, err := objects.DecodeInstanceInfo(ib)
	if err != nil {
		return nil, nil, badInput(oneLine(fmt.Errorf("--instance %s: %w", instPath, err)))
	}
	return vif, inst, nil
}

// hostCallError marks errors that are the caller's fault (bad object, no such plugin, a VIF
// the plugin does not take, a 4xx from the daemon) as bad input (exit 2).
func hostCallError(op string, vif objects.VIF, err error) error {
	err = oneLine(fmt.Errorf("%s %s %s: %w", op, vif.ObjName(), vif.Base().ID.Value(), err))
	var fe *objects.FieldError
	var api *daemon.APIError
	var pv *policy.Violation
	switch {
	case errors.As(err, &api):
		if api.Status >= 400 && api.Status < 500 && (api.Status != http.StatusForbidden || api.Code == daemon.CodePolicy) {
			return badInput(err)
		}
	case errors.As(err, &fe), errors.As(err, &pv), errors.Is(err, govif.ErrNoMatchingPlugin):
		return badInput(err)
	}
	return err
}

func printVIFResult(w io.Writer, format string, r vifResult) error {
	if format == "json" {
		return writeValue(w, r)
	}
	where := "in this process"
	if r.Server != "" {
		where = "via " + r.Server
	}
	past := map[string]string{"plug": "plugged", "unplug": "unplugged"}[r.Op]
	_, err := fmt.Fprintf(w, "%s %s %s (plugin %s, instance %s) %s in %.1f ms\n",
		past, r.VIFType, r.VIFID, r.Plugin, orDash(r.Instance), where, r.DurationMS)
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
