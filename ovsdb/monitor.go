package ovsdb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
)

// MonitorRequest selects what a monitor watches in one table: Columns (all when empty) of the
// rows matching Where (all rows when empty).
type MonitorRequest struct {
	Columns []string
	Where   []Condition
}

// RowUpdate is one row change from a monitor (monitor_cond, "update2" notation). Kind is
// "initial", "insert", "modify" or "delete". Row holds the row for initial and insert (minus
// the columns that hold their default value: the server omits them),
// nothing for delete, and for modify only the changed columns, where a set or map column holds
// the difference (elements added or removed), and any other column its new value.
type RowUpdate struct {
	Table string
	UUID  UUID
	Kind  string
	Row   Row
}

// Monitor is a live monitor_cond subscription. Updates queue until Next takes them; the
// monitor ends with an error wrapping ErrDisconnected when the connection drops.
type Monitor struct {
	c   *Client
	cn  *conn
	id  string
	mu  sync.Mutex
	q   []RowUpdate
	err error
	sig chan struct{} // 1-buffered: something was queued, or the monitor ended
}

var monitorSeq struct {
	sync.Mutex
	n int
}

// Monitor starts a monitor_cond on db. The initial contents are the first batch Next returns.
func (c *Client) Monitor(ctx context.Context, db string, reqs map[string]MonitorRequest) (*Monitor, error) {
	cn, err := c.session(ctx, "monitor_cond")
	if err != nil {
		return nil, err
	}
	monitorSeq.Lock()
	monitorSeq.n++
	id := "govif_m" + strconv.Itoa(monitorSeq.n)
	monitorSeq.Unlock()
	m := &Monitor{c: c, cn: cn, id: id, sig: make(chan struct{}, 1)}
	cn.mu.Lock()
	if cn.dead() {
		cn.mu.Unlock()
		return nil, cn.disconnectErr("monitor_cond")
	}
	cn.monitors[id] = m
	cn.mu.Unlock()
	wire := map[string][]map[string]any{}
	for table, r := range reqs {
		req := map[string]any{}
		if len(r.Columns) > 0 {
			req["columns"] = r.Columns
		}
		if len(r.Where) > 0 {
			req["where"] = r.Where
		}
		wire[table] = []map[string]any{req}
	}
	var initial map[string]map[UUID]map[string]Row
	if err := cn.call(ctx, c.nextID.Add(1), "monitor_cond", []any{db, id, wire}, &initial); err != nil {
		cn.mu.Lock()
		delete(cn.monitors, id)
		cn.mu.Unlock()
		if _, isRPC := err.(*RPCError); !isRPC && !cn.dead() {
			// The server may have set it up before we gave up waiting.
			cn.send(c.nextID.Add(1), "monitor_cancel", []any{id})
		}
		return nil, err
	}
	m.push(flatten(initial))
	return m, nil
}

// flatten turns table-updates2 (table -> uuid -> kind -> row) into a list.
func flatten(tu map[string]map[UUID]map[string]Row) []RowUpdate {
	var out []RowUpdate
	for table, rows := range tu {
		for uuid, kinds := range rows {
			for kind, row := range kinds {
				out = append(out, RowUpdate{Table: table, UUID: uuid, Kind: kind, Row: row})
			}
		}
	}
	return out
}

func (m *Monitor) push(u []RowUpdate) {
	m.mu.Lock()
	if m.q == nil {
		m.q = []RowUpdate{}
	}
	m.q = append(m.q, u...)
	m.mu.Unlock()
	select {
	case m.sig <- struct{}{}:
	default:
	}
}

func (m *Monitor) end(err error) {
	m.mu.Lock()
	if m.err == nil {
		m.err = err
	}
	m.mu.Unlock()
	select {
	case m.sig <- struct{}{}:
	default:
	}
}

// Next returns the updates queued since the last call, waiting for at least one batch (the
// initial contents count as one, even when empty), or the monitor's end, or ctx.
func (m *Monitor) Next(ctx context.Context) ([]RowUpdate, error) {
	for {
		m.mu.Lock()
		q, err := m.q, m.err
		if q != nil {
			m.q = nil
		}
		m.mu.Unlock()
		if q != nil {
			return q, nil
		}
		if err != nil {
			return nil, err
		}
		select {
		case <-m.sig:
		case <-ctx.Done():
			return nil, fmt.Errorf("ovsdb: monitor %s: %w", m.id, ctx.Err())
		}
	}
}

// Cancel ends the monitor (monitor_cancel, without waiting for the reply).
func (m *Monitor) Cancel() {
	m.cn.mu.Lock()
	_, live := m.cn.monitors[m.id]
	delete(m.cn.monitors, m.id)
	m.cn.mu.Unlock()
	if live {
		m.cn.send(m.c.nextID.Add(1), "monitor_cancel", []any{m.id})
	}
	m.end(fmt.Errorf("ovsdb: monitor %s cancelled", m.id))
}

// dispatch routes server notifications to monitors. It runs on the read loop: it must not block.
func (c *Client) dispatch(cn *conn, method string, params json.RawMessage) {
	if method != "update2" && method != "update" {
		return
	}
	var p []json.RawMessage
	if err := json.Unmarshal(params, &p); err != nil || len(p) < 2 {
		return
	}
	var id string
	if err := json.Unmarshal(p[0], &id); err != nil {
		return
	}
	cn.mu.Lock()
	m := cn.monitors[id]
	cn.mu.Unlock()
	if m == nil {
		return
	}
	var tu map[string]map[UUID]map[string]Row
	if err := json.Unmarshal(p[1], &tu); err != nil {
		m.end(fmt.Errorf("ovsdb: monitor %s: bad update: %w", id, err))
		return
	}
	m.push(flatten(tu))
}

// WaitFor waits until cond holds for the rows of table matching where (only columns are
// fetched). It evaluates cond on the current rows, then again after every change the server
// reports on those rows, until cond returns true or an error, or ctx ends. It polls nothing:
// a monitor_cond on the same rows is the trigger, a select the truth.
func (c *Client) WaitFor(ctx context.Context, db, table string, where []Condition, columns []string, cond func([]Row) (bool, error)) error {
	m, err := c.Monitor(ctx, db, map[string]MonitorRequest{table: {Columns: columns, Where: where}})
	if err != nil {
		return err
	}
	defer m.Cancel()
	if _, err := m.Next(ctx); err != nil { // the initial contents: already covered by the select
		return err
	}
	for {
		// monitor_cond omits columns holding their default value from its rows, so the truth
		// is always a select made after the monitor is in place.
		res, err := c.Transact(ctx, db, Select(table, where, columns...))
		if err != nil {
			return err
		}
		if ok, err := cond(res[0].Rows); err != nil || ok {
			return err
		}
		if _, err := m.Next(ctx); err != nil {
			return err
		}
	}
}
