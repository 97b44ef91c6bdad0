package vendor_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/govif/govif/netdev"
)

// The vendor tools are replaced in tests by stand-ins: this test binary, reached through
// symlinks named like the tools. Run as a stand-in (GOVIF_STANDIN_LOG set and argv[0] one of
// standinTools), it appends {"tool", "args"} to the log file and exits 0; when
// GOVIF_STANDIN_FAIL names the tool it writes a line to stderr and exits 3 instead. The fp-vdev
// stand-in also does what fp-vdev does to the host: "add <dev>" makes a device <dev> (a tap,
// in the namespace it runs in) and "del <dev>" deletes it.
var standinTools = []string{"mm-ctl", "ifc_ctl", "ebrctl", "vrouter-port-control", "fp-vdev", "agilio-vf-mgr.py"}

// ipStandin is the name of the `ip` stand-in (its own directory: ipStandinDir), for Nova's
// hw_veb requests; it is not in standins' directory, where Nova's tap parity needs the real ip.
const ipStandin = "ip"

const (
	envStandinLog  = "GOVIF_STANDIN_LOG"
	envStandinFail = "GOVIF_STANDIN_FAIL"
)

func TestMain(m *testing.M) {
	if log := os.Getenv(envStandinLog); log != "" && (slices.Contains(standinTools, filepath.Base(os.Args[0])) || filepath.Base(os.Args[0]) == ipStandin) {
		os.Exit(standin(log, filepath.Base(os.Args[0]), os.Args[1:]))
	}
	os.Exit(m.Run())
}

type toolCall struct {
	Tool string   `json:"tool"`
	Args []string `json:"args"`
}

func standin(log, tool string, args []string) int {
	f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	line, _ := json.Marshal(toolCall{Tool: tool, Args: args})
	_, err = f.Write(append(line, '\n'))
	f.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if os.Getenv(envStandinFail) == tool {
		fmt.Fprintf(os.Stderr, "%s stand-in: failing as asked\n", tool)
		return 3
	}
	if tool == "fp-vdev" && len(args) >= 2 {
		l, err := netdev.New()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		defer l.Close()
		ctx := context.Background()
		switch args[0] {
		case "add":
			err = l.CreateTap(ctx, args[1], netdev.TapOptions{})
			if err == nil {
				err = l.SetDown(ctx, args[1])
			}
		case "del":
			err = l.Delete(ctx, args[1])
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// standins makes a directory of stand-in symlinks (for PATH) and a log file, and returns both.
func standins(t *testing.T) (dir, log string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	for _, tool := range standinTools {
		if err := os.Symlink(exe, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	return dir, filepath.Join(t.TempDir(), "calls.jsonl")
}

// readCalls returns the calls logged so far (none when the log does not exist).
func readCalls(t *testing.T, log string) []toolCall {
	t.Helper()
	f, err := os.Open(log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []toolCall
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c toolCall
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, c)
	}
	return out
}

// ipStandinDir makes a directory holding only the `ip` stand-in.
func ipStandinDir(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(exe, filepath.Join(dir, ipStandin)); err != nil {
		t.Fatal(err)
	}
	return dir
}
