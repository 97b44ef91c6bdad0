package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/govif/govif/daemon"
	"github.com/govif/govif/internal/buildinfo"
)

// versionResult is what `govif version -o json` prints.
type versionResult struct {
	buildinfo.Info
	Server        string `json:"server,omitempty"`
	ServerVersion string `json:"server_version,omitempty"`
}

func newVersionCmd() *cobra.Command {
	var hf hostFlags
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print govif's version (and the daemon's, with --server)",
		Long: `Print the version of this govif binary, the Go release it was built with and its platform.
With --server (or GOVIF_SERVER) it also asks the daemon's /healthz for the daemon's version.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res := versionResult{Info: buildinfo.Get(), Server: hf.serverAddr(cmd)}
			if res.Server != "" {
				ctx, cancel := hf.commandContext()
				defer cancel()
				c, err := daemon.NewClient(res.Server)
				if err != nil {
					return badInput(fmt.Errorf("--server: %w", err))
				}
				defer c.Close()
				h, err := c.HealthInfo(ctx)
				if h.Version == "" { // a degraded daemon still says which version it is
					return oneLine(err)
				}
				res.ServerVersion = h.Version
			}
			w := cmd.OutOrStdout()
			if hf.output == "json" {
				return writeValue(w, res)
			}
			fmt.Fprintf(w, "govif %s (%s, %s)\n", res.Version, res.GoVersion, res.Platform)
			if res.Server != "" {
				fmt.Fprintf(w, "daemon at %s: govif %s\n", res.Server, res.ServerVersion)
			}
			return nil
		},
	}
	hf.register(cmd)
	return cmd
}
