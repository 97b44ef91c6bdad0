// Package daemon is govif's privileged service and its Go client.
//
// The server (Server) exposes a host's VIF operations (the same three methods as the
// in-process govif.Host: Plug, Unplug, HostInfo) as HTTP+JSON on a unix socket, so that a
// compute service need not run as root: it is what os-vif does with privsep, with a narrow,
// documented API (docs/api.md):
//
//	POST /v1/plug       {"vif": <os-vif primitive>, "instance_info": <os-vif primitive>}
//	POST /v1/unplug     same body
//	POST /v1/plug-many  {"requests": [{"vif": ..., "instance_info": ...}, ...]} → one result each
//	POST /v1/unplug-many
//	GET  /v1/host-info  ?permitted=VIFOpenVSwitch,VIFBridge  → HostInfo primitive
//	GET  /healthz
//	GET  /metrics       Prometheus text format
//
// Access is checked on every connection with the peer's credentials (SO_PEERCRED), the
// request body is size-limited and time-limited, idle connections are closed, connections are
// limited in number, and each request is answered by its deadline even when the host has not
// returned (the operation stays tracked until it ends, and Shutdown waits for it). The daemon
// takes no lock: serialising the operations of one VIF is the Host's job. /healthz runs the
// configured checks (ready / degraded / stopping). Notify speaks systemd's sd_notify.
// When the Host is a BatchHost (govif.Host is), concurrent requests are coalesced into its
// PlugMany/UnplugMany: a lone request runs at once, requests arriving while a batch runs form
// the next batch, each keeps its own answer and deadline (docs/architecture.md, "Where
// batching happens").
//
// The client (Client) satisfies the same interface as the in-process host (with PlugMany and
// UnplugMany over the bulk endpoints), and maps the server's JSON errors back to typed errors
// (*APIError, which wraps objects.FieldError and the govif error kinds where they apply).
//
// The package knows nothing about plugins, OVS or netlink: it only moves requests between the
// socket and a Host.
package daemon
