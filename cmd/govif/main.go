// Command govif plugs and unplugs VM network interfaces (VIFs) into Open vSwitch and Linux
// bridges, converts and validates os-vif objects, and runs the privileged daemon
// (`govif serve`). Each subcommand lives in its own file and registers itself on rootCmd
// from an init function; commands are thin: parse, call a package, print.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	// The built-in plugins (ovs, linux_bridge, noop) register themselves.
	_ "github.com/govif/govif/plugins/all"
)

var rootCmd = &cobra.Command{
	Use:           "govif",
	Short:         "Plug VM network interfaces into Open vSwitch and Linux bridges (os-vif for Go)",
	SilenceUsage:  true,
	SilenceErrors: true,
}

// exitError carries the process exit code a command wants (2 for bad input).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// badInput marks err as the caller's fault: govif exits 2 with one line on stderr.
func badInput(err error) error { return &exitError{code: 2, err: err} }

func main() {
	if err := rootCmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "govif:", err)
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}
