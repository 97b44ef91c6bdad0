package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/govif/govif/internal/buildinfo"
)

// newRootCmd builds the whole command tree. Each command lives in its own file with its own
// constructor; add new ones here.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "govif",
		Short: "Plug VM network interfaces into Open vSwitch and Linux bridges (os-vif for Go)",
		Long: `govif plugs and unplugs VM network interfaces (VIFs) into Open vSwitch and Linux bridges as
OpenStack's os-vif does, converts and validates os-vif objects, and runs the privileged daemon.

Output: every command that prints takes -o/--output (text or json; commands that print an
os-vif primitive print json only, compact as on the wire). Errors go to standard error, one line, prefixed "govif:".

Exit status (the same in this process and through the daemon with --server):
  0  success
  1  failure on the host (a plugin, OVS or the kernel failed), or drift found
  2  bad input or usage: an unknown command or flag, a bad flag value, an invalid object
     (the message names the field, the value and the rule), a 4xx reply from the daemon

Environment:
  GOVIF_SERVER  default for --server (e.g. unix:/run/govif/govif.sock); --server= overrides
                it and works in this process`,
		Version:       buildinfo.Version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("govif {{.Version}}\n")
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
		newVersionCmd(),
		newManCmd(),
	)
	markUsageErrors(root)
	return root
}

// markUsageErrors makes every error cobra returns before a command's RunE starts (unknown
// command or flag, bad flag value, wrong arguments, missing required flag) a usage error,
// exit 2. Errors from RunE keep their own code.
func markUsageErrors(root *cobra.Command) {
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if args := c.Args; args != nil {
			c.Args = func(cmd *cobra.Command, a []string) error {
				if err := args(cmd, a); err != nil {
					return badInput(err)
				}
				return nil
			}
		}
		if c.RunE == nil && c.Run == nil && c.HasSubCommands() {
			// A command group run alone or with an unknown subcommand.
			c.Args = func(cmd *cobra.Command, a []string) error {
				if len(a) > 0 {
					return badInput(fmt.Errorf("unknown command %q for %q", a[0], cmd.CommandPath()))
				}
				return nil
			}
			c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
		if c.RunE != nil && c.PreRunE == nil {
			c.PreRunE = func(cmd *cobra.Command, _ []string) error { return requiredFlags(cmd) }
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// requiredFlags checks the flags marked required (cobra's own check returns a plain error,
// which would exit 1).
func requiredFlags(cmd *cobra.Command) error {
	var missing []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if ann := f.Annotations[cobra.BashCompOneRequiredFlag]; len(ann) > 0 && ann[0] == "true" && !f.Changed {
			missing = append(missing, "--"+f.Name)
		}
	})
	if len(missing) > 0 {
		return badInput(fmt.Errorf("required flag(s) %s not set", strings.Join(missing, ", ")))
	}
	return nil
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
