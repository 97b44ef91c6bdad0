package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govif/govif/internal/testenv"
)

func TestMain(m *testing.M) {
	// The tests choose between in-process and daemon themselves.
	os.Unsetenv(serverEnv)
	code := m.Run()
	testenv.RemoveBinaries()
	os.Exit(code)
}

// govifBinary builds the govif binary once per test run, for the tests that need a separate
// process (a daemon to signal, a different uid); the others call run in-process.
func govifBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping in -short: builds the govif binary")
	}
	return filepath.Join(testenv.Binaries(t, "github.com/govif/govif/cmd/govif"), "govif")
}

// runGovif runs govif in-process (as main does) with stdin and returns stdout, stderr and the
// exit code.
func runGovif(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}
