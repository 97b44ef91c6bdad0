package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// SystemPython is Debian's interpreter, the one that sees python3-os-vif and python3-nova.
// The python3 first on PATH may be another installation without them.
const SystemPython = "/usr/bin/python3"

// RequirePythonModules returns SystemPython, or skips t when it cannot import every module named
// (for example "os_vif", "nova.network.os_vif_util", "ovsdbapp"). It always skips in -short
// mode: the Python oracles are part of the functional set.
func RequirePythonModules(t testing.TB, modules ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping in -short: runs the reference Python (os-vif, Nova)")
	}
	if _, err := os.Stat(SystemPython); err != nil {
		t.Skipf("skipping: %s not found (install python3-os-vif)", SystemPython)
	}
	for _, m := range modules {
		cmd := exec.Command(SystemPython, "-c", "import "+m)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("skipping: %s cannot import %s (install python3-os-vif / python3-nova / python3-ovsdbapp): %v: %s", SystemPython, m, err, out)
		}
	}
	return SystemPython
}
