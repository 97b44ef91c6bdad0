package testenv

import (
	"os"
	"testing"

	"github.com/govif/govif/internal/sandbox"
)

// RequireRoot skips t unless the test runs as root, and in -short mode (what needs root needs
// namespaces, devices or daemons: the short run is the unit tests alone).
func RequireRoot(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping in -short mode: needs root (network namespaces, netlink devices, OVS daemons)")
	}
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs root (network namespaces, netlink devices, OVS daemons); CI runs it as root")
	}
}

// RequireBinary returns the path of the named executable, or skips t saying it is missing and
// which package provides it.
func RequireBinary(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := LookBinary(name)
	if err != nil {
		t.Skipf("skipping: %s not found (install Debian package %s, or run scripts/install-deps.sh)", name, debianPackage)
	}
	return p
}

// LookBinary finds an executable on PATH or in the sbin directories Debian installs daemons to.
func LookBinary(name string) (string, error) { return sandbox.LookBinary(name) }
