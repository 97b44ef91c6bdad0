package main

import (
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/govif/govif/daemon"
)

// TestCLITimeoutDefaultExceedsDaemons: with both defaults, the daemon answers a request it
// times out (504, with its reason) before the CLI gives up on its own, for every command that
// can talk to the daemon.
func TestCLITimeoutDefaultExceedsDaemons(t *testing.T) {
	for _, cmd := range []*cobra.Command{newVIFCmd("plug"), newVIFCmd("unplug"), newHostInfoCmd()} {
		f := cmd.Flags().Lookup("timeout")
		if f == nil {
			t.Fatalf("%s has no --timeout", cmd.Name())
		}
		d, err := time.ParseDuration(f.DefValue)
		if err != nil {
			t.Fatal(err)
		}
		if d < daemon.DefaultRequestTimeout+5*time.Second {
			t.Errorf("%s --timeout default %v, want above the daemon's request_timeout default %v by a margin", cmd.Name(), d, daemon.DefaultRequestTimeout)
		}
	}
}
