package ovsdb_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/ovsdb"
)

const vsdb = "Open_vSwitch"

func dialSandbox(t *testing.T, opts ...ovsdb.Option) (*testenv.OVS, *ovsdb.Client) {
	t.Helper()
	o := testenv.StartOVS(t, testenv.OVSOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := ovsdb.Dial(ctx, o.Endpoint(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return o, c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestRealServerBasics(t *testing.T) {
	o, c := dialSandbox(t)
	ctx := testCtx(t)
	if err := c.Echo(ctx); err != nil {
		t.Fatal(err)
	}
	dbs, err := c.ListDBs(ctx)
	if err != nil || len(dbs) == 0 || dbs[0] != vsdb {
		t.Fatalf("ListDBs = %v, %v", dbs, err)
	}
	s, err := c.GetSchema(ctx, vsdb)
	if err != nil {
		t.Fatal(err)
	}
	if !s.HasColumn("Interface", "mtu_request") || s.HasColumn("Interface", "no_such") || s.Tables["Port"].IsRoot || !s.Tables["QoS"].IsRoot {
		t.Fatalf("schema %s %s not as expected", s.Name, s.Version)
	}
	// A QoS row with a client-chosen UUID; inserting it twice fails with duplicate uuid.
	const u = "6f1c7a4e-3b0a-4c7d-9f5e-0123456789ab"
	ins := ovsdb.Operation{Op: ovsdb.OpInsert, Table: "QoS", UUID: u,
		Row: map[string]any{"type": "linux-noop", "external_ids": ovsdb.Map{"id": "tap-1"}}}
	res, err := c.Transact(ctx, vsdb, ins, ovsdb.Comment("govif test"))
	if err != nil {
		t.Fatal(err)
	}
	if res[0].UUID != u {
		t.Fatalf("insert uuid = %q", res[0].UUID)
	}
	if got := o.Vsctl(t, "get", "QoS", u, "type"); got != "linux-noop" {
		t.Fatalf("vsctl sees type %q", got)
	}
	_, err = c.Transact(ctx, vsdb, ovsdb.Comment("x"), ins)
	var te *ovsdb.TransactError
	if !errors.As(err, &te) || te.Index != 1 || te.Op != "insert into QoS" || !errors.Is(err, ovsdb.ErrDuplicateUUID) {
		t.Fatalf("second insert: %v", err)
	}
	// select reads it back with typed accessors.
	res, err = c.Transact(ctx, vsdb, ovsdb.Select("QoS", []ovsdb.Condition{ovsdb.Equal("_uuid", ovsdb.UUID(u))}))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := res[0].Rows[0].Map("external_ids")
	if err != nil || ids["id"] != "tap-1" {
		t.Fatalf("external_ids = %v, %v", ids, err)
	}
	// A wait guard that fails, then nulls.
	_, err = c.Transact(ctx, vsdb,
		ovsdb.Wait("QoS", []ovsdb.Condition{ovsdb.Equal("type", "linux-noop")}, []string{"type"}, "==", nil, 0),
		ovsdb.Delete("QoS"))
	if !errors.Is(err, ovsdb.ErrTimedOut) {
		t.Fatalf("wait guard: %v", err)
	}
	// A uuid-name with a hyphen is refused before it is sent.
	_, err = c.Transact(ctx, vsdb, ovsdb.Insert("QoS", nil, "tap-1"))
	if err == nil || !strings.Contains(err.Error(), "uuid-name") {
		t.Fatalf("hyphenated uuid-name: %v", err)
	}
	// Unknown database: an RPC-level error.
	_, err = c.Transact(ctx, "nope", ovsdb.Comment("x"))
	var re *ovsdb.RPCError
	if !errors.As(err, &re) {
		t.Fatalf("unknown db: %T %v", err, err)
	}
	if err := c.Echo(ctx); err != nil {
		t.Fatalf("client unusable after errors: %v", err)
	}
}

func TestRealServerWaitFor(t *testing.T) {
	o, c := dialSandbox(t)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() {
		done <- c.WaitFor(ctx, vsdb, "Open_vSwitch", nil, []string{"next_cfg"}, func(rows []ovsdb.Row) (bool, error) {
			n, _, err := rows[0].Int("next_cfg")
			return n >= 3, err
		})
	}()
	for i := 0; i < 3; i++ {
		o.Vsctl(t, "--no-wait", "set", "Open_vSwitch", ".", "next_cfg="+string(rune('1'+i)))
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
