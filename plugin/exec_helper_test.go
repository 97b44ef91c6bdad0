package plugin_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugin/sdk"
)

// TestMain turns the test binary into the external plugins of these tests: the tests link it
// into a temp dir as govif-plugin-<mode>, and run as that name it behaves as <mode> says.
func TestMain(m *testing.M) {
	if mode, ok := strings.CutPrefix(filepath.Base(os.Args[0]), plugin.ExecPrefix); ok {
		os.Exit(helperPlugin(mode))
	}
	// The helper plugins are this test binary. Built with -race, a process sleeps 1 s at exit
	// (GORACE atexit_sleep_ms) so late goroutines can report; that sleep would count against
	// the 1 s exec_plugin_timeout of TestExecConfiguredTimeout. Races are still reported.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	os.Exit(m.Run())
}

// recorder is a well-behaved plugin: it handles VIFGeneric and appends each call to the file
// named by its "record" option.
type recorder struct{ file string }

func (r recorder) Describe() *objects.HostPluginInfo {
	return plugin.Describe(name(), plugin.SupportedVIF("VIFGeneric", "1.0", "1.0"))
}

func (r recorder) note(ctx context.Context, op string, vif objects.VIF, inst *objects.InstanceInfo) error {
	if _, ok := vif.(*objects.VIFGeneric); !ok {
		return fmt.Errorf("%s: %w", vif.ObjName(), plugin.ErrUnsupportedVIFType)
	}
	_, hasDeadline := ctx.Deadline()
	f, err := os.OpenFile(r.file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "%s %s %s deadline=%v\n", op, vif.Base().ID.Value(), inst.UUID.Value(), hasDeadline)
	return err
}

func (r recorder) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return r.note(ctx, "plug", vif, inst)
}

func (r recorder) Unplug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	return r.note(ctx, "unplug", vif, inst)
}

func name() string { return strings.TrimPrefix(filepath.Base(os.Args[0]), plugin.ExecPrefix) }

func helperPlugin(mode string) int {
	cmd := ""
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	misbehave := cmd == plugin.CmdPlug
	switch {
	case mode == "oldproto" && cmd == plugin.CmdVersion:
		fmt.Println(`{"protocol_version": 2, "supported_versions": [2]}`)
		return 0
	case mode == "liar" && cmd == plugin.CmdDescribe:
		fmt.Println(`{"protocol_version":1,"host_plugin_info":{"versioned_object.name":"HostPluginInfo","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{"plugin_name":"other","vif_info":[]}}}`)
		return 0
	case mode == "crash" && misbehave:
		fmt.Fprintln(os.Stderr, "panic: boom in the plugin")
		return 2
	case mode == "garbage" && misbehave:
		fmt.Println("hello, this is not JSON")
		return 0
	case mode == "bigout" && misbehave:
		fmt.Print(`{"protocol_version":1,"pad":"` + strings.Repeat("x", 5<<20) + `"}`)
		return 0
	case mode == "signal" && misbehave:
		syscall.Kill(os.Getpid(), syscall.SIGKILL) // as the OOM killer would
		time.Sleep(time.Minute)
		return 0
	case mode == "straggler" && misbehave:
		// Answer and exit, leaving a child that holds stdout open for a while.
		c := exec.Command("sleep", "2")
		c.Stdout = os.Stdout
		_ = c.Start()
		fmt.Println(`{"protocol_version":1}`)
		return 0
	case mode == "hang" && misbehave:
		// Ignore SIGTERM and leave a grandchild holding stdout: only a group kill ends this.
		signalIgnore()
		c := exec.Command("sleep", "600")
		c.Stdout = os.Stdout
		_ = c.Start()
		fmt.Fprintln(os.Stderr, "hanging")
		time.Sleep(10 * time.Minute)
		return 0
	}
	return sdk.Run(context.Background(), mode, func(env plugin.Env) (plugin.Plugin, error) {
		return recorder{file: env.Section().String("record", os.DevNull)}, nil
	}, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

func signalIgnore() { signalIgnoreFn(syscall.SIGTERM, syscall.SIGINT) }
