package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// builds holds what Binaries built in this test binary, by the list of packages asked for.
var builds struct {
	mu  sync.Mutex
	all map[string]*build
}

type build struct {
	once sync.Once
	dir  string
	err  error
}

// Binaries builds the main packages pkgs (import paths, for example
// "github.com/govif/govif/cmd/govif") with `go build`, once per test binary for the same list,
// into a new temporary directory, and returns that directory: each binary in it is named after
// the last element of its package path. It fails t when the build fails. The directories live
// as long as the test binary, so the package's TestMain must call RemoveBinaries after m.Run.
func Binaries(t testing.TB, pkgs ...string) string {
	t.Helper()
	key := strings.Join(pkgs, " ")
	builds.mu.Lock()
	if builds.all == nil {
		builds.all = map[string]*build{}
	}
	b := builds.all[key]
	if b == nil {
		b = &build{}
		builds.all[key] = b
	}
	builds.mu.Unlock()
	b.once.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			goBin = "/usr/local/go/bin/go"
		}
		if b.dir, b.err = os.MkdirTemp("", "govif-test-bin-"); b.err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, goBin, append([]string{"build", "-o", b.dir + "/"}, pkgs...)...).CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build %s: %v\n%s", key, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.dir
}

// RemoveBinaries removes every directory Binaries made; TestMain calls it after m.Run.
func RemoveBinaries() {
	builds.mu.Lock()
	defer builds.mu.Unlock()
	for _, b := range builds.all {
		if b.dir != "" {
			os.RemoveAll(b.dir)
		}
	}
	builds.all = nil
}
