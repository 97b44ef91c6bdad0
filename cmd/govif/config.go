package main

import (
	"log/slog"

	"github.com/govif/govif/config"
)

// configPath is the nova.conf-style file given with --config (empty: built-in defaults).
var configPath string

func init() {
	rootCmd.PersistentFlags().StringVar(&configPath, "config", "", "nova.conf-style configuration file ([os_vif_ovs], [os_vif_linux_bridge], [govif], [govif_daemon])")
}

// loadConfig reads path, or returns the defaults when path is empty. Unknown or deprecated
// options are logged as warnings.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		slog.Warn("config: " + w.String())
	}
	return cfg, nil
}
