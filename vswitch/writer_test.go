package vswitch_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/vswitch"
)

// Against a real ovsdb-server and ovs-vswitchd: concurrent writes are merged into fewer
// transactions than writers, every port is created and reported; with ovs-vswitchd frozen a
// waiting writer returns at its own deadline and still reports the port its commit created.
func TestWriterReal(t *testing.T) {
	o := testenv.StartOVS(t, testenv.OVSOptions{VSwitchd: true})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	v, err := vswitch.Open(ctx, o.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	w := vswitch.NewWriter(v, vswitch.WriterOptions{WaitApplied: true})
	defer w.Close()
	if _, err := w.EnsureBridge(ctx, vswitch.BridgeSpec{Name: "br-int", DatapathType: "netdev"}); err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	created := make([][]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			created[i], errs[i] = w.AddPorts(ctx, vswitch.WaitForVSwitchd, vswitch.PortSpec{Bridge: "br-int", Name: fmt.Sprintf("p%02d", i), Type: "internal"})
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || !slices.Equal(created[i], []string{fmt.Sprintf("p%02d", i)}) {
			t.Errorf("writer %d: created %v, err %v", i, created[i], errs[i])
		}
	}
	txns := w.Transactions()
	if txns >= n {
		t.Errorf("%d transactions for %d concurrent writers: nothing merged", txns, n)
	}
	t.Logf("%d concurrent writers, %d transactions", n, txns)

	o.SignalDaemon(t, "ovs-vswitchd", syscall.SIGSTOP)
	dctx, dcancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer dcancel()
	start := time.Now()
	got, err := w.AddPorts(dctx, vswitch.WaitForVSwitchd, vswitch.PortSpec{Bridge: "br-int", Name: "hung", Type: "internal"})
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("returned after %v, want at its 300ms deadline", took)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !slices.Equal(got, []string{"hung"}) {
		t.Errorf("with ovs-vswitchd frozen: created %v, err %v; want [hung] and the deadline", got, err)
	}
	o.SignalDaemon(t, "ovs-vswitchd", syscall.SIGCONT)
}
