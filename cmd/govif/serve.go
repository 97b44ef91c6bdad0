package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/govif/govif"
	"github.com/govif/govif/config"
	"github.com/govif/govif/daemon"
	"github.com/govif/govif/inventory"
	"github.com/govif/govif/ops"
	"github.com/govif/govif/ovsdb"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugins/ovs"
	"github.com/govif/govif/policy"
)

func newServeCmd() *cobra.Command {
	var (
		socket   string
		group    string
		grace    time.Duration
		logLevel string
		strict   bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the privileged daemon: plug/unplug/host-info over HTTP+JSON on a unix socket",
		Long: `Run govif's privileged daemon. It serves POST /v1/plug, POST /v1/unplug, GET /v1/host-info,
GET /v1/vifs, POST /v1/check, /v1/replug and /v1/gc (the inventory of plugged VIFs, kept in
[govif_daemon] state_path: every plug is recorded before it is acknowledged), GET /healthz
and GET /metrics on a unix socket (docs/api.md), checking each peer's uid/gid
(SO_PEERCRED) against [govif_daemon] allowed_uids / allowed_gids.

The configuration is checked before anything starts: a malformed value stops the start with
an error naming the option (exit 2); unknown options of govif's sections and unknown
govif-like sections are logged by name (--strict-config makes them fatal too).

Under systemd (Type=notify) it sends READY=1 once it listens and STOPPING=1 at SIGTERM.
SIGTERM or SIGINT stops accepting requests and lets the operations in flight finish (up to
--grace); operations still running then are cancelled (their plugins roll back), logged by
VIF id, and the daemon exits 1. SIGHUP is logged and ignored (the configuration is read at
start only).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := newLogger(cmd.ErrOrStderr(), logLevel)
			if err != nil {
				return badInput(err)
			}
			cfg, err := loadConfig(configPath(cmd))
			if err != nil {
				return badInput(err)
			}
			dc, err := daemon.ConfigFrom(cfg)
			if err != nil {
				return badInput(err)
			}
			if cmd.Flags().Changed("socket") {
				dc.Socket = socket
			}
			if cmd.Flags().Changed("group") {
				dc.SocketGroup = group
			}
			gid, err := dc.GroupID()
			if err != nil {
				return badInput(err)
			}
			if grace <= 0 {
				return badInput(fmt.Errorf("--grace %v: must be positive", grace))
			}
			dc.Options.Logger = logger

			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)

			// The daemon is a privilege boundary: the admission policy always applies
			// (docs/security.md); there is no way to turn it off through the API.
			host, err := govif.NewHost(ctx, cfg, govif.WithLogger(logger), govif.WithPolicy(policy.FromConfig(cfg)))
			if err != nil {
				return err
			}
			closeHost := true
			defer func() {
				if closeHost {
					host.Close()
				}
			}()
			unknown := append(dc.Warnings, cfg.UnknownSections(ownedSections(host))...)
			for _, w := range unknown {
				logger.Warn("configuration: "+w.Message, "section", w.Section, "option", w.Option, "file", w.File, "line", w.Line)
			}
			if strict && len(unknown) > 0 {
				return badInput(fmt.Errorf("--strict-config: %s", unknown[0]))
			}
			if _, ok := host.Plugin(ovs.Name); ok {
				dc.Options.Checks = append(dc.Options.Checks, ovsdbCheck(cfg))
			}

			inv, err := inventory.Open(dc.StatePath)
			if err != nil {
				return err
			}
			mgr := ops.New(host, inv, ops.WithLogger(logger))

			ln, err := daemon.ListenUnix(dc.Socket, fs.FileMode(dc.SocketMode), gid)
			if err != nil {
				return err
			}
			srv := daemon.NewServer(mgr, dc.Options)
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			logger.Info("govif daemon listening", "socket", dc.Socket, "state_path", dc.StatePath, "mode", fmt.Sprintf("%#o", dc.SocketMode),
				"allowed_uids", dc.Options.Access.UIDs, "allowed_gids", dc.Options.Access.GIDs,
				"request_timeout", dc.Options.RequestTimeout, "max_connections", dc.Options.MaxConnections)
			if err := daemon.Notify("READY=1"); err != nil {
				logger.Warn("cannot tell systemd the daemon is ready", "err", err)
			}

		wait:
			for {
				select {
				case err := <-errc:
					return err
				case <-hup:
					logger.Info("SIGHUP ignored: the configuration is read at start only; restart govif to apply changes")
				case <-ctx.Done():
					break wait
				}
			}
			_ = daemon.Notify("STOPPING=1")
			logger.Info("govif daemon stopping: finishing requests in flight", "grace", grace)
			sctx, cancel := context.WithTimeout(context.Background(), grace)
			defer cancel()
			serr := srv.Shutdown(sctx)
			if err := <-errc; err != nil && serr == nil {
				serr = err
			}
			var ab *daemon.AbandonedError
			if errors.As(serr, &ab) && len(ab.Unfinished) > 0 {
				// Operations still use the plugins: closing them under their feet would only turn
				// the rollbacks into "bad file descriptor" errors. The process exit ends them.
				closeHost = false
			}
			if serr != nil {
				return serr
			}
			logger.Info("govif daemon stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&socket, "socket", daemon.DefaultSocket, "unix socket to listen on (overrides [govif_daemon] socket)")
	cmd.Flags().StringVar(&group, "group", "", "group owning the socket (overrides [govif_daemon] socket_group)")
	cmd.Flags().DurationVar(&grace, "grace", 60*time.Second, "how long SIGTERM waits for requests in flight")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	_ = cmd.RegisterFlagCompletionFunc("log-level", fixedCompletion("debug", "info", "warn", "error"))
	cmd.Flags().BoolVar(&strict, "strict-config", false, "refuse to start when the configuration has unknown options or sections")
	return cmd
}

// ownedSections are the configuration sections govif reads: its own, the daemon's, and
// [os_vif_<name>] of every plugin the host has.
func ownedSections(h *govif.Host) []string {
	owned := []string{config.SectionGovif, daemon.SectionDaemon, config.SectionOVS, config.SectionLinuxBridge}
	for _, name := range h.Plugins() {
		owned = append(owned, plugin.SectionName(name))
	}
	return owned
}

// ovsdbCheck is the /healthz check of the ovs plugin's database: a fresh connection to
// [os_vif_ovs] ovsdb_connection (with its TLS files) that answers an echo.
func ovsdbCheck(cfg *config.Config) daemon.HealthCheck {
	return daemon.HealthCheck{Name: "ovsdb", Check: func(ctx context.Context) error {
		opts, err := ovs.DialOptions(cfg.OVS)
		if err != nil {
			return err
		}
		c, err := ovsdb.Dial(ctx, cfg.OVS.OVSDBConnection, append(opts, ovsdb.WithLogger(slog.New(slog.DiscardHandler)))...)
		if err != nil {
			return err
		}
		defer c.Close()
		return c.Echo(ctx)
	}}
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}
