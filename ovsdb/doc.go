// Package ovsdb is a small client for the OVSDB management protocol (RFC 7047, with the
// Open vSwitch extensions govif needs: client-chosen row UUIDs and monitor_cond).
//
// It speaks JSON-RPC 1.0 over "unix:PATH", "tcp:HOST:PORT" and "ssl:HOST:PORT" endpoints
// (os-vif's ovsdb_connection syntax; ssl needs WithTLSConfig), matches replies to calls by id
// (out of order is fine), answers the server's echo requests, sends its own inactivity probes,
// and fails every pending call with ErrDisconnected when the connection drops. Reconnection is
// opt-in (WithReconnect).
//
// The package knows the wire notation (UUID, NamedUUID, Set, Map, conditions, mutations), the
// ten operations of a transaction, and the error shapes of a reply (*TransactError, *RPCError).
// It holds no cache of the database: callers transact, and wait for conditions with WaitFor.
//
// It must not know anything about Open vSwitch tables (that is package vswitch), VIFs or plugins.
package ovsdb
