package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/govif/govif"
	"github.com/govif/govif/daemon"
	"github.com/govif/govif/inventory"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/ops"
	"github.com/govif/govif/policy"
)

// opsSession is what list/check/replug/gc work through: the daemon's client with --server,
// else an ops.Manager over the inventory in [govif_daemon] state_path and, when the command
// touches the host, an in-process Host.
type opsSession struct {
	daemon.Operations
	close func()
}

// openOps opens the session. withHost: the command needs the plugins (check, replug, gc).
func (f *hostFlags) openOps(ctx context.Context, cmd *cobra.Command, withHost bool) (*opsSession, error) {
	if f.server = f.serverAddr(cmd); f.server != "" { // --server, else $GOVIF_SERVER
		c, err := daemon.NewClient(f.server)
		if err != nil {
			return nil, badInput(fmt.Errorf("--server: %w", err))
		}
		return &opsSession{Operations: c, close: func() { c.Close() }}, nil
	}
	cfg, err := loadConfig(configPath(cmd))
	if err != nil {
		return nil, badInput(err)
	}
	dc, err := daemon.ConfigFrom(cfg)
	if err != nil {
		return nil, badInput(err)
	}
	if _, err := os.Stat(dc.StatePath); err != nil {
		return nil, fmt.Errorf("no inventory: [govif_daemon] state_path %s: %w (give --server, or the daemon's --config)", dc.StatePath, err)
	}
	inv, err := inventory.Open(dc.StatePath)
	if err != nil {
		return nil, err
	}
	logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	if !withHost {
		return &opsSession{Operations: ops.New(nil, inv), close: func() {}}, nil
	}
	opts := []govif.Option{govif.WithLogger(logger)}
	if !f.force {
		opts = append(opts, govif.WithPolicy(policy.FromConfig(cfg)))
	}
	h, err := govif.NewHost(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	return &opsSession{Operations: ops.New(h, inv, ops.WithLogger(logger)), close: func() { h.Close() }}, nil
}

// opsError marks the caller's errors (4xx from the daemon, unknown VIF ids) as bad input.
func opsCallError(what string, err error) error {
	err = oneLine(fmt.Errorf("%s: %w", what, err))
	var api *daemon.APIError
	var unknown *ops.UnknownVIFError
	switch {
	case errors.As(err, &api):
		if api.Status >= 400 && api.Status < 500 && api.Status != http.StatusForbidden && api.Status != http.StatusConflict {
			return badInput(err)
		}
	case errors.As(err, &unknown):
		return badInput(err)
	}
	return err
}

// selectFlags are --vif (repeatable) and --all.
type selectFlags struct {
	vifs []string
	all  bool
}

func (s *selectFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&s.vifs, "vif", nil, "a VIF id from the inventory, or a file with a VIF primitive (its id is used); repeatable")
	cmd.Flags().BoolVar(&s.all, "all", false, "every VIF in the inventory")
}

// ids resolves --vif values: a readable file holding a VIF primitive gives its id, anything
// else is taken as an id. nil means --all.
func (s *selectFlags) ids() ([]string, error) {
	if s.all == (len(s.vifs) > 0) {
		return nil, badInput(errors.New("give --vif ID|FILE (repeatable) or --all, not both or neither"))
	}
	var ids []string
	for _, v := range s.vifs {
		if data, err := os.ReadFile(v); err == nil {
			vif, err := objects.DecodeVIF(data)
			if err != nil {
				return nil, badInput(oneLine(fmt.Errorf("--vif %s: %w", v, err)))
			}
			if !vif.Base().ID.HasValue() {
				return nil, badInput(fmt.Errorf("--vif %s: %s.id: required", v, vif.ObjName()))
			}
			ids = append(ids, vif.Base().ID.Value())
			continue
		}
		if v == "" || strings.ContainsAny(v, " \t\n") {
			return nil, badInput(fmt.Errorf("--vif %q: neither a readable file nor a VIF id", v))
		}
		ids = append(ids, v)
	}
	return ids, nil
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printDamaged lists damaged inventory records on w.
func printDamaged(w io.Writer, ds []ops.Damaged) {
	for _, d := range ds {
		fmt.Fprintf(w, "damaged inventory record %s (skipped): %s\n", d.File, d.Error)
	}
}

// isTerminal reports whether f is a terminal (progress is shown only there).
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(file.Fd()), unix.TCGETS)
	return err == nil
}
