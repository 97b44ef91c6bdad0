package ovsdb

import (
	"encoding/json"
	"fmt"
)

// Operation names (RFC 7047 §5.2).
const (
	OpInsert  = "insert"
	OpSelect  = "select"
	OpUpdate  = "update"
	OpMutate  = "mutate"
	OpDelete  = "delete"
	OpWait    = "wait"
	OpCommit  = "commit"
	OpAbort   = "abort"
	OpComment = "comment"
	OpAssert  = "assert"
)

// Condition is one clause of a where: [column, function, value]. Functions are "==", "!=",
// "<", "<=", ">", ">=", "includes", "excludes".
type Condition struct {
	Column   string
	Function string
	Value    any
}

// MarshalJSON encodes c as a 3-element array.
func (c Condition) MarshalJSON() ([]byte, error) {
	return json.Marshal([3]any{c.Column, c.Function, c.Value})
}

// Equal is the condition column == value.
func Equal(column string, value any) Condition { return Condition{column, "==", value} }

// Includes is the condition "column includes value" (value a Set or Map subset).
func Includes(column string, value any) Condition { return Condition{column, "includes", value} }

// Mutation is one mutation of a mutate operation: [column, mutator, value]. Mutators are
// "+=", "-=", "*=", "/=", "%=" (numbers) and "insert", "delete" (sets and maps).
type Mutation struct {
	Column  string
	Mutator string
	Value   any
}

// MarshalJSON encodes m as a 3-element array.
func (m Mutation) MarshalJSON() ([]byte, error) {
	return json.Marshal([3]any{m.Column, m.Mutator, m.Value})
}

// Operation is one operation of a transaction. Build it with the constructors (Insert,
// Select, ...) or as a literal; MarshalJSON emits only the members the operation takes, and
// always the members it requires (an empty where is [] rather than omitted).
type Operation struct {
	Op        string
	Table     string
	Row       map[string]any
	Rows      []map[string]any
	Columns   []string
	Where     []Condition
	Mutations []Mutation
	// UUIDName names an inserted row for NamedUUID references in the same transaction.
	UUIDName string
	// UUID is the Open vSwitch extension that lets an insert choose the new row's UUID.
	UUID UUID
	// Timeout (milliseconds) and Until ("==" or "!=") belong to wait; a nil Timeout waits
	// forever (bounded by the call's context on our side only).
	Timeout *int
	Until   string
	Comment string
	Lock    string
}

// Insert inserts row into table; uuidName may be "" when nothing refers to the new row.
func Insert(table string, row map[string]any, uuidName string) Operation {
	return Operation{Op: OpInsert, Table: table, Row: row, UUIDName: uuidName}
}

// Select selects the columns (all when none) of the rows of table matching where.
func Select(table string, where []Condition, columns ...string) Operation {
	return Operation{Op: OpSelect, Table: table, Where: where, Columns: columns}
}

// Update sets the columns in row on every row of table matching where.
func Update(table string, where []Condition, row map[string]any) Operation {
	return Operation{Op: OpUpdate, Table: table, Where: where, Row: row}
}

// Mutate applies mutations to every row of table matching where.
func Mutate(table string, where []Condition, mutations ...Mutation) Operation {
	return Operation{Op: OpMutate, Table: table, Where: where, Mutations: mutations}
}

// Delete deletes the rows of table matching where.
func Delete(table string, where ...Condition) Operation {
	return Operation{Op: OpDelete, Table: table, Where: where}
}

// Wait makes the transaction wait (at most timeoutMS; 0 = test once) until the rows of table
// matching where, projected on columns, are (until "==") or are not (until "!=") exactly rows.
// With timeoutMS 0 it is a race-free guard: the transaction fails with "timed out" at this
// operation when the test fails.
func Wait(table string, where []Condition, columns []string, until string, rows []map[string]any, timeoutMS int) Operation {
	t := timeoutMS
	return Operation{Op: OpWait, Table: table, Where: where, Columns: columns, Until: until, Rows: rows, Timeout: &t}
}

// Comment adds a comment to the database log.
func Comment(text string) Operation { return Operation{Op: OpComment, Comment: text} }

// Assert fails the transaction unless this client owns lock.
func Assert(lock string) Operation { return Operation{Op: OpAssert, Lock: lock} }

// String names the operation for error messages: "insert into Port", "comment".
func (o Operation) String() string {
	switch o.Op {
	case OpInsert:
		return "insert into " + o.Table
	case OpSelect, OpDelete:
		return o.Op + " from " + o.Table
	case OpUpdate, OpMutate, OpWait:
		return o.Op + " " + o.Table
	case OpAssert:
		return "assert lock " + o.Lock
	}
	return o.Op
}

// MarshalJSON encodes the operation as RFC 7047 §5.2 describes for its kind.
func (o Operation) MarshalJSON() ([]byte, error) {
	return o.appendJSON(nil)
}

// members returns the operation's JSON members.
func (o Operation) members() (map[string]any, error) {
	m := map[string]any{"op": o.Op}
	where := o.Where
	if where == nil {
		where = []Condition{}
	}
	switch o.Op {
	case OpInsert:
		m["table"] = o.Table
		m["row"] = nonNilRow(o.Row)
		if o.UUIDName != "" {
			if !ValidUUIDName(o.UUIDName) {
				return nil, fmt.Errorf("ovsdb: insert into %s: invalid uuid-name %q (want [A-Za-z_][A-Za-z0-9_]*)", o.Table, o.UUIDName)
			}
			m["uuid-name"] = o.UUIDName
		}
		if o.UUID != "" {
			m["uuid"] = string(o.UUID)
		}
	case OpSelect:
		m["table"], m["where"] = o.Table, where
		if o.Columns != nil {
			m["columns"] = o.Columns
		}
	case OpUpdate:
		m["table"], m["where"], m["row"] = o.Table, where, nonNilRow(o.Row)
	case OpMutate:
		muts := o.Mutations
		if muts == nil {
			muts = []Mutation{}
		}
		m["table"], m["where"], m["mutations"] = o.Table, where, muts
	case OpDelete:
		m["table"], m["where"] = o.Table, where
	case OpWait:
		rows := o.Rows
		if rows == nil {
			rows = []map[string]any{}
		}
		cols := o.Columns
		if cols == nil {
			cols = []string{}
		}
		m["table"], m["where"], m["columns"], m["until"], m["rows"] = o.Table, where, cols, o.Until, rows
		if o.Timeout != nil {
			m["timeout"] = *o.Timeout
		}
	case OpComment:
		m["comment"] = o.Comment
	case OpAssert:
		m["lock"] = o.Lock
	case OpCommit:
		m["durable"] = false
	case OpAbort:
	default:
		return nil, fmt.Errorf("ovsdb: unknown operation %q", o.Op)
	}
	return m, nil
}

func nonNilRow(r map[string]any) map[string]any {
	if r == nil {
		return map[string]any{}
	}
	return r
}

// OperationResult is the reply to one operation: Count for update/mutate/delete, UUID for
// insert, Rows for select. A failed operation has Error (an RFC 7047 error string) and Details.
type OperationResult struct {
	Count   int    `json:"count,omitempty"`
	UUID    UUID   `json:"uuid,omitempty"`
	Rows    []Row  `json:"rows,omitempty"`
	Error   string `json:"error,omitempty"`
	Details string `json:"details,omitempty"`
}
