package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// newRootCmd builds the whole command tree. Each command lives in its own file with its own
// constructor; add new ones here.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "govif",
		Short:         "Plug VM network interfaces into Open vSwitch and Linux bridges (os-vif for Go)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	addConfigFlag(root)
	root.AddCommand(
		newBindingCmd(),
		newDemoCmd(),
		newHostInfoCmd(),
		newNegotiateCmd(),
		newObjectCmd(),
		newVIFCmd("plug"),
		newVIFCmd("unplug"),
		newServeCmd(),
		newListCmd(),
		newCheckCmd(),
		newReplugCmd(),
		newGCCmd(),
	)
	return root
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

// exitCode is the process exit code for an error a command returned.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

// writeError prints err as govif's one-line diagnostic.
func writeError(w io.Writer, err error) {
	fmt.Fprintln(w, "govif:", err)
}
