package vswitch

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/govif/govif/ovsdb"
)

// DB is the name of the Open vSwitch configuration database.
const DB = "Open_vSwitch"

// VSwitch performs Open_vSwitch operations through one ovsdb.Client. Safe for concurrent use.
type VSwitch struct {
	c   *ovsdb.Client
	own bool

	mu     sync.Mutex
	schema *ovsdb.Schema
	watch  *cfgWatch
	closed bool
	wg     sync.WaitGroup
	hints  hints
}

// New wraps an existing client; Close will not close it (but call Close when done: it stops
// the cur_cfg monitor WaitApplied keeps).
func New(c *ovsdb.Client) *VSwitch { return &VSwitch{c: c} }

// Open dials endpoint ("unix:PATH" or "tcp:HOST:PORT") and returns a VSwitch owning the client.
func Open(ctx context.Context, endpoint string, opts ...ovsdb.Option) (*VSwitch, error) {
	c, err := ovsdb.Dial(ctx, endpoint, opts...)
	if err != nil {
		return nil, err
	}
	return &VSwitch{c: c, own: true}, nil
}

// Client returns the underlying OVSDB client.
func (v *VSwitch) Client() *ovsdb.Client { return v.c }

// Close stops the cur_cfg monitor WaitApplied keeps, and closes the client if Open created it.
func (v *VSwitch) Close() error {
	v.mu.Lock()
	v.closed = true
	w := v.watch
	v.watch = nil
	v.mu.Unlock()
	if w != nil {
		w.m.Cancel()
	}
	v.wg.Wait()
	if v.own {
		return v.c.Close()
	}
	return nil
}

// HasColumn reports whether the server's schema has table.column (fetched once, then cached).
func (v *VSwitch) HasColumn(ctx context.Context, table, column string) (bool, error) {
	v.mu.Lock()
	s := v.schema
	v.mu.Unlock()
	if s == nil {
		var err error
		if s, err = v.c.GetSchema(ctx, DB); err != nil {
			return false, fmt.Errorf("vswitch: read schema: %w", err)
		}
		v.mu.Lock()
		v.schema = s
		v.mu.Unlock()
	}
	return s.HasColumn(table, column), nil
}

func (v *VSwitch) transact(ctx context.Context, ops ...ovsdb.Operation) ([]ovsdb.OperationResult, error) {
	return v.c.Transact(ctx, DB, ops...)
}

// namer hands out uuid-names valid whatever the device names are ("row1", "row2", ...).
type namer int

func (n *namer) next() string {
	*n++
	return "row" + strconv.Itoa(int(*n))
}

func eq(col string, val any) ovsdb.Condition { return ovsdb.Equal(col, val) }

func byName(name string) []ovsdb.Condition { return []ovsdb.Condition{eq("name", name)} }

// guardExists is a wait op that succeeds iff some row of table matches where.
func guardExists(table string, where []ovsdb.Condition) ovsdb.Operation {
	return ovsdb.Wait(table, where, []string{"_uuid"}, "!=", nil, 0)
}

// guardAbsent is a wait op that succeeds iff no row of table matches where.
func guardAbsent(table string, where []ovsdb.Condition) ovsdb.Operation {
	return ovsdb.Wait(table, where, []string{"_uuid"}, "==", nil, 0)
}

// failedGuard returns the index of the wait op that timed out, or -1.
func failedGuard(err error) int {
	if te, ok := err.(*ovsdb.TransactError); ok && te.Err == "timed out" {
		return te.Index
	}
	return -1
}

// selectOne returns the row of table named name (nil when absent).
func (v *VSwitch) selectOne(ctx context.Context, table, name string, cols ...string) (ovsdb.Row, error) {
	res, err := v.transact(ctx, ovsdb.Select(table, byName(name), cols...))
	if err != nil {
		return nil, fmt.Errorf("vswitch: read %s %q: %w", table, name, err)
	}
	if len(res[0].Rows) == 0 {
		return nil, nil
	}
	return res[0].Rows[0], nil
}

// maxAttempts bounds the re-read-and-retry loop when guards keep failing under contention.
const maxAttempts = 10
