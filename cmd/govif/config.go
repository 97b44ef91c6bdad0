package main

import (
	"github.com/spf13/cobra"

	"github.com/govif/govif/config"
)

// addConfigFlag adds --config (a nova.conf-style file; empty: built-in defaults) to root and
// so to every command.
func addConfigFlag(root *cobra.Command) {
	root.PersistentFlags().String("config", "", "nova.conf-style configuration file ([os_vif_ovs], [os_vif_linux_bridge], [govif], [govif_daemon])")
	_ = root.MarkPersistentFlagFilename("config", "conf")
}

// configPath is the --config value the command was run with.
func configPath(cmd *cobra.Command) string {
	f := cmd.Flags().Lookup("config")
	if f == nil {
		return ""
	}
	return f.Value.String()
}

// loadConfig reads path, or returns the defaults when path is empty. Unknown or deprecated
// options are not logged here: govif.NewHost logs cfg.Warnings once.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	return config.Load(path)
}
