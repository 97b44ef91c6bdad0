package ovsdb_test

import (
	"testing"
	"time"

	"github.com/govif/govif/ovsdb"
)

// Over tcp, ovsdb-server probes its clients and drops those that do not answer its echo.
func TestRealServerTCPAnswersServerProbes(t *testing.T) {
	o, _ := dialSandbox(t)
	// The sandbox has its own network namespace, so a fixed port cannot collide.
	o.Vsctl(t, "--no-wait", "set-manager", "ptcp:6640:127.0.0.1")
	o.Vsctl(t, "--no-wait", "set", "Manager", "ptcp:6640:127.0.0.1", "inactivity_probe=1000")
	ctx := testCtx(t)
	var c *ovsdb.Client
	deadline := time.Now().Add(20 * time.Second)
	for c == nil {
		// The socket is created on a thread inside the namespace; it works from any thread.
		err := o.NetNS().Do(func() error {
			var err error
			c, err = ovsdb.Dial(ctx, "tcp:127.0.0.1:6640", ovsdb.WithInactivityProbe(0), ovsdb.WithLogger(quiet))
			return err
		})
		if err != nil && time.Now().After(deadline) {
			t.Fatalf("ovsdb-server never listened on tcp: %v", err)
		}
		if err != nil {
			time.Sleep(20 * time.Millisecond)
		}
	}
	defer c.Close()
	// Stay silent ourselves for longer than the server's probe interval plus its grace period.
	time.Sleep(2500 * time.Millisecond)
	if !c.Connected() {
		t.Fatal("server dropped the client: its echo probes were not answered")
	}
	if err := c.Echo(ctx); err != nil {
		t.Fatal(err)
	}
}
