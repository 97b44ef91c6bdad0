// Command govif plugs and unplugs VM network interfaces (VIFs) into Open vSwitch and Linux
// bridges, converts and validates os-vif objects, and runs the privileged daemon
// (`govif serve`). There is no global cobra state: newRootCmd builds the command tree from
// one newXxxCmd constructor per command file, and run executes it with the given arguments
// and streams, so tests drive the CLI in-process exactly as main does. Commands are thin:
// parse, call a package, print.
package main

import (
	"io"
	"os"

	// The built-in plugins (ovs, linux_bridge, noop) register themselves.
	_ "github.com/govif/govif/plugins/all"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes govif with args (without the program name) on the given streams and returns
// the process exit code. It is what main calls and what the tests call.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	code := exitCode(err)
	writeError(stderr, err)
	return code
}
