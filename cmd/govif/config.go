package main

import "github.com/govif/govif/config"

// configPath is the nova.conf-style file given with --config (empty: built-in defaults).
var configPath string

func init() {
	rootCmd.PersistentFlags().StringVar(&configPath, "config", "", "nova.conf-style configuration file ([os_vif_ovs], [os_vif_linux_bridge], [govif], [govif_daemon])")
}

// loadConfig reads path, or returns the defaults when path is empty. Unknown or deprecated
// options are not logged here: govif.NewHost logs cfg.Warnings once.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	return config.Load(path)
}
