package hosttool

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netns"

	"github.com/govif/govif/config"
)

func newTool(t *testing.T, name string, opts map[string][]string) *Tool {
	t.Helper()
	cfg, err := config.FromSections(map[string]map[string][]string{"os_vif_x": opts})
	if err != nil {
		t.Fatal(err)
	}
	tool, err := New(cfg.Section("os_vif_x"), name)
	if err != nil {
		t.Fatal(err)
	}
	return tool
}

// A tool that outlives the context is killed and the error says why; a non-zero exit carries
// its code; a missing tool names its option.
func TestRun(t *testing.T) {
	for _, b := range []string{"sleep", "false"} {
		if _, err := exec.LookPath(b); err != nil {
			t.Skipf("skipping: no %s binary", b)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := newTool(t, "sleep", nil).Run(ctx, netns.None(), "10")
	var te *Error
	if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("sleep past the deadline: %v after %v", err, time.Since(start))
	}
	err = newTool(t, "false", nil).Run(context.Background(), netns.None())
	if !errors.As(err, &te) || te.ExitCode != 1 {
		t.Errorf("false: %v", err)
	}
	err = newTool(t, "no-such-tool-govif", nil).Run(context.Background(), netns.None())
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no_such_tool_govif_path") {
		t.Errorf("missing tool: %v", err)
	}
	err = newTool(t, "x", map[string][]string{"x_path": {"/nonexistent/x"}}).Run(context.Background(), netns.None())
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "/nonexistent/x") {
		t.Errorf("bad configured path: %v", err)
	}
	cfg, _ := config.FromSections(map[string]map[string][]string{"s": {"x_path": {"rel/x"}}})
	if _, err := New(cfg.Section("s"), "x"); err == nil || !strings.Contains(err.Error(), "x_path") {
		t.Errorf("relative path: %v", err)
	}
}
