package inventory

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govif/govif/plugin"
)

func rec(id string) *Record {
	return &Record{ID: id, Plugin: "ovs", Type: "VIFBridge", InstanceUUID: "d0c1e2f3-0000-4000-8000-000000000001",
		PluggedAt:    time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC),
		VIF:          json.RawMessage(`{"versioned_object.name":"VIFBridge","versioned_object.data":{"id":"` + id + `"}}`),
		InstanceInfo: json.RawMessage(`{"versioned_object.name":"InstanceInfo"}`),
		Objects:      plugin.Objects{Devices: []string{"qbr" + id[:11]}, Bridge: "br-int", OVSPorts: []plugin.OVSPort{{Bridge: "br-int", Port: "qvo" + id[:11]}}}}
}

func TestPutGetListDelete(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, b := rec("aaaaaaaa-0000-4000-8000-000000000001"), rec("bbbbbbbb-0000-4000-8000-000000000002")
	for _, r := range []*Record{b, a} {
		if err := s.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Get(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != a.ID || got.Objects.OVSPorts[0].Port != a.Objects.OVSPorts[0].Port || !got.PluggedAt.Equal(a.PluggedAt) {
		t.Fatalf("Get = %+v, want %+v", got, a)
	}
	list, damaged, err := s.List()
	if err != nil || len(damaged) != 0 {
		t.Fatal(err, damaged)
	}
	if len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
		t.Fatalf("List = %v, want a, b sorted", list)
	}
	if err := s.Delete(a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(a.ID); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if _, err := s.Get(a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
}

func TestOddIDsGetSafeFileNames(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"../../etc/passwd", "h-x", "a b", strings.Repeat("z", 300)} {
		r := rec("0123456789ab")
		r.ID = id
		if err := s.Put(r); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(id)
		if err != nil || got.ID != id {
			t.Fatalf("Get(%q) = %v, %v", id, got, err)
		}
	}
	ents, _ := os.ReadDir(s.Dir())
	for _, e := range ents {
		if strings.ContainsAny(e.Name(), "/ ") || len(e.Name()) > 255 {
			t.Errorf("unsafe file name %q", e.Name())
		}
	}
}

func TestDamagedRecordIsReportedAndSkipped(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	good, bad, flipped := rec("aaaaaaaa-0000-4000-8000-000000000001"), rec("bbbbbbbb-0000-4000-8000-000000000002"), rec("cccccccc-0000-4000-8000-000000000003")
	for _, r := range []*Record{good, bad, flipped} {
		if err := s.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	// A truncated file and one whose record was edited without fixing the checksum.
	badPath := filepath.Join(s.Dir(), fileName(bad.ID))
	data, _ := os.ReadFile(badPath)
	os.WriteFile(badPath, data[:len(data)/2], 0o600)
	flipPath := filepath.Join(s.Dir(), fileName(flipped.ID))
	data, _ = os.ReadFile(flipPath)
	os.WriteFile(flipPath, []byte(strings.Replace(string(data), `"br-int"`, `"br-ex"`, 1)), 0o600)

	list, damaged, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != good.ID {
		t.Fatalf("List = %v, want only %s", list, good.ID)
	}
	if len(damaged) != 2 {
		t.Fatalf("damaged = %v, want 2", damaged)
	}
	names := map[string]string{}
	for _, d := range damaged {
		names[d.File] = d.Error()
	}
	if !strings.Contains(names[badPath], "not a record file") || !strings.Contains(names[flipPath], "checksum mismatch") {
		t.Fatalf("damaged = %v", names)
	}
	if _, err := s.Get(bad.ID); !errors.As(err, new(*DamagedError)) {
		t.Fatalf("Get damaged: %v", err)
	}
	// A record put again replaces the damaged file.
	if err := s.Put(bad); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(bad.ID); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRemovesLeftoverTempFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(s.Dir(), tmpPrefix+"123")
	os.WriteFile(leftover, []byte(`{"form`), 0o600)
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Fatalf("leftover temp file still there: %v", err)
	}
}

// crashChildEnv makes the test binary a writer that puts records in a loop (deleting every
// third one again) and prints "put N" / "del N" after each operation returned, until killed.
const crashChildEnv = "GOVIF_INVENTORY_CRASH_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

func crashID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i) }

func crashChild(dir string) {
	s, err := Open(dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		r := rec(crashID(i))
		r.InstanceName = strings.Repeat("x", i%4096) // records of varying size
		if err := s.Put(r); err != nil {
			fmt.Fprintln(out, "error", err)
			out.Flush()
			os.Exit(1)
		}
		fmt.Fprintln(out, "put", i)
		out.Flush()
		if i%3 == 2 {
			if err := s.Delete(crashID(i - 1)); err != nil {
				fmt.Fprintln(out, "error", err)
				out.Flush()
				os.Exit(1)
			}
			fmt.Fprintln(out, "del", i-1)
		}
		out.Flush()
	}
}

// TestKillDuringWrites kills a writer process with SIGKILL at varying moments of its write
// loop, then reopens the store: every acknowledged put is there intact, every acknowledged
// delete is gone, nothing is damaged, and at most the one unacknowledged operation differs.
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short: runs child processes")
	}
	// Each round kills the writer a little after its threshold-th acknowledged put: at a point
	// of its loop that varies with the jitter (and with the machine's load).
	for round, kill := range []struct {
		threshold int
		jitter    time.Duration
	}{{10, 0}, {20, 300 * time.Microsecond}, {40, 1100 * time.Microsecond}, {60, 2700 * time.Microsecond}, {80, 5 * time.Millisecond}} {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		puts, dels := map[int]bool{}, map[int]bool{}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		var timer <-chan time.Time
		killed := false
		for !killed {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("round %d: writer exited on its own", round)
				}
				parseAck(t, l, puts, dels)
				if timer == nil && len(puts) >= kill.threshold {
					timer = time.After(kill.jitter)
				}
			case <-timer:
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				killed = true
			}
		}
		for l := range lines { // acks flushed before the kill
			parseAck(t, l, puts, dels)
		}
		cmd.Wait()

		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		list, damaged, err := s.List()
		if err != nil {
			t.Fatal(err)
		}
		if len(damaged) != 0 {
			t.Fatalf("round %d: damaged records after kill -9: %v", round, damaged)
		}
		have := map[string]*Record{}
		for _, r := range list {
			have[r.ID] = r
		}
		unacked := 0
		for i := range puts {
			r, ok := have[crashID(i)]
			switch {
			case dels[i] && ok:
				t.Errorf("round %d: deleted record %d is back", round, i)
			case !dels[i] && !ok:
				// Only the delete in flight at the kill may have removed it.
				unacked++
			case ok && len(r.InstanceName) != i%4096:
				t.Errorf("round %d: record %d has the wrong content", round, i)
			}
		}
		for id := range have {
			var i int
			fmt.Sscanf(id, "%08x", &i)
			if !puts[i] {
				unacked++ // the put in flight at the kill
			}
		}
		if unacked > 1 {
			t.Errorf("round %d: %d differences from the acknowledged operations, want at most 1 (the one in flight)", round, unacked)
		}
		leftovers, _ := filepath.Glob(filepath.Join(s.Dir(), tmpPrefix+"*"))
		if len(leftovers) != 0 {
			t.Errorf("round %d: Open left temp files %v", round, leftovers)
		}
		t.Logf("round %d: killed after %d puts, %d deletes; %d records", round, len(puts), len(dels), len(list))
	}
}

func parseAck(t *testing.T, l string, puts, dels map[int]bool) {
	t.Helper()
	op, n, _ := strings.Cut(l, " ")
	i, err := strconv.Atoi(n)
	switch {
	case op == "put" && err == nil:
		puts[i] = true
	case op == "del" && err == nil:
		dels[i] = true
	default:
		t.Fatalf("writer: %s", l)
	}
}
