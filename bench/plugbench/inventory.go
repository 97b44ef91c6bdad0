package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/govif/govif"
	"github.com/govif/govif/config"
	"github.com/govif/govif/inventory"
	"github.com/govif/govif/ops"
	"github.com/govif/govif/plugin"
)

// runInventory is mode bulk-inventory: the same PlugMany/UnplugMany as mode bulk, but through
// what `govif serve` runs behind its socket, in this process: an ops.Manager (a durable
// inventory record per VIF, under stateDir) over a govif.Host. Warmed up like mode bulk -warm.
func runInventory(ctx context.Context, db, stateDir string, reqs []vifReq, warm vifReq, res *result) error {
	if stateDir == "" {
		return fmt.Errorf("mode bulk-inventory needs -state DIR")
	}
	cfg := config.Default()
	cfg.OVS.OVSDBConnection = db
	host, err := govif.NewHost(ctx, cfg, govif.WithoutExecPlugins(), govif.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return err
	}
	defer host.Close()
	inv, err := inventory.Open(stateDir)
	if err != nil {
		return err
	}
	m := ops.New(host, inv, ops.WithLogger(slog.New(slog.DiscardHandler)))
	if err := m.Plug(ctx, warm.vif, inst()); err != nil {
		return fmt.Errorf("warm-up plug: %w", err)
	}
	if err := m.Unplug(ctx, warm.vif, inst()); err != nil {
		return fmt.Errorf("warm-up unplug: %w", err)
	}
	prs := make([]plugin.Request, len(reqs))
	for i, r := range reqs {
		prs[i] = plugin.Request{VIF: r.vif, Instance: inst()}
	}
	t := time.Now()
	for i, err := range m.PlugMany(ctx, prs) {
		if err != nil {
			return fmt.Errorf("plug %d: %w", i, err)
		}
	}
	res.PlugTotal = time.Since(t).Seconds()
	t = time.Now()
	for i, err := range m.UnplugMany(ctx, prs) {
		if err != nil {
			return fmt.Errorf("unplug %d: %w", i, err)
		}
	}
	res.UnplugTotal = time.Since(t).Seconds()
	return nil
}
