package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	buildDir  string
	govifBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	// The tests choose between in-process and daemon themselves.
	os.Unsetenv(serverEnv)
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// govifBinary builds the govif binary once per test run, for the tests that need a separate
// process (a daemon to signal, a different uid); the others call run in-process.
func govifBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping in -short: builds the govif binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "govif-cli-test")
		if err != nil {
			buildErr = err
			return
		}
		buildDir = dir
		govifBin = filepath.Join(dir, "govif")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "build", "-o", govifBin, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return govifBin
}

// runGovif runs govif in-process (as main does) with stdin and returns stdout, stderr and the
// exit code.
func runGovif(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}
