package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/govif/govif"
	"github.com/govif/govif/daemon"
	"github.com/govif/govif/policy"
)

func newServeCmd() *cobra.Command {
	var (
		socket   string
		group    string
		grace    time.Duration
		logLevel string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the privileged daemon: plug/unplug/host-info over HTTP+JSON on a unix socket",
		Long: `Run govif's privileged daemon. It serves POST /v1/plug, POST /v1/unplug, GET /v1/host-info,
GET /healthz and GET /metrics on a unix socket (docs/api.md), checking each peer's uid/gid
(SO_PEERCRED) against [govif_daemon] allowed_uids / allowed_gids. SIGTERM or SIGINT stops
accepting requests, lets those in flight finish (up to --grace), then exits.`,
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
			dc.Options.Logger = logger

			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()

			// The daemon is a privilege boundary: the admission policy always applies
			// (docs/security.md); there is no way to turn it off through the API.
			host, err := govif.NewHost(ctx, cfg, govif.WithLogger(logger), govif.WithPolicy(policy.FromConfig(cfg)))
			if err != nil {
				return err
			}
			defer host.Close()

			ln, err := daemon.ListenUnix(dc.Socket, fs.FileMode(dc.SocketMode), gid)
			if err != nil {
				return err
			}
			srv := daemon.NewServer(host, dc.Options)
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			logger.Info("govif daemon listening", "socket", dc.Socket, "mode", fmt.Sprintf("%#o", dc.SocketMode),
				"allowed_uids", dc.Options.Access.UIDs, "allowed_gids", dc.Options.Access.GIDs)

			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			logger.Info("govif daemon stopping: finishing requests in flight", "grace", grace)
			sctx, cancel := context.WithTimeout(context.Background(), grace)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			if err := <-errc; err != nil {
				return err
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
	return cmd
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}
