package daemon

import (
	"fmt"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/govif/govif/config"
)

// SectionDaemon is the configuration section of `govif serve`.
const SectionDaemon = "govif_daemon"

// Config is the daemon's own configuration, from the [govif_daemon] section of the
// nova.conf-style file (command-line flags override it).
//
//	[govif_daemon]
//	socket = /run/govif/govif.sock
//	socket_mode = 0660
//	socket_group = nova          # group owning the socket; its members may connect
//	allowed_uids = 0             # peers allowed by uid (comma-separated)
//	allowed_gids = nova          # peers allowed by primary gid (names or numbers)
//	max_body_bytes = 1048576
//	request_timeout = 120        # seconds: every request is answered by then
//	header_timeout = 10          # seconds to send a request's headers
//	body_timeout = 30            # seconds to send a request's body
//	idle_timeout = 60            # seconds a keep-alive connection may stay idle
//	max_connections = 256        # connections served at once; more wait in the backlog
//	abort_timeout = 15           # seconds, after the SIGTERM grace, for cancelled plugs to roll back
//	state_path = /var/lib/govif  # the inventory of plugged VIFs (state_path/vifs)
type Config struct {
	Socket string
	// StatePath is the directory of the daemon's durable state: the inventory of plugged VIFs.
	StatePath   string
	SocketMode  uint32
	SocketGroup string
	Options     Options
	// Warnings lists the unknown options of [govif_daemon].
	Warnings []config.Warning
}

// DefaultStatePath is [govif_daemon] state_path's default.
const DefaultStatePath = "/var/lib/govif"

// ConfigOptions lists the options of [govif_daemon]; any other option set there is reported as
// unknown (Config.Warnings). connect_timeout is read only by the os-vif bridge in nova-compute
// (python/, docs/nova.md), which shares the section: the daemon accepts and ignores it, so that
// nova.conf itself can be the daemon's configuration.
var ConfigOptions = []string{"socket", "socket_mode", "socket_group", "allowed_uids", "allowed_gids",
	"max_body_bytes", "request_timeout", "header_timeout", "body_timeout", "idle_timeout",
	"max_connections", "abort_timeout", "state_path", "connect_timeout"}

// DefaultSocket is where `govif serve` listens unless told otherwise.
const DefaultSocket = "/run/govif/govif.sock"

// ConfigFrom reads the [govif_daemon] section of cfg.
func ConfigFrom(cfg *config.Config) (*Config, error) {
	s := cfg.Section(SectionDaemon)
	dc := &Config{Socket: s.String("socket", DefaultSocket), SocketGroup: s.String("socket_group", ""),
		StatePath: s.String("state_path", DefaultStatePath),
		Warnings:  cfg.UnknownOptions(SectionDaemon, ConfigOptions)}
	if !filepath.IsAbs(dc.StatePath) || strings.ContainsRune(dc.StatePath, 0) {
		return nil, &config.ValueError{Section: SectionDaemon, Option: "state_path", Value: dc.StatePath, Reason: "must be an absolute path"}
	}
	if !filepath.IsAbs(dc.Socket) || strings.ContainsRune(dc.Socket, 0) {
		return nil, &config.ValueError{Section: SectionDaemon, Option: "socket", Value: dc.Socket, Reason: "must be an absolute path"}
	}
	if _, err := dc.GroupID(); err != nil {
		return nil, err
	}
	mode := s.String("socket_mode", "0660")
	m, err := strconv.ParseUint(mode, 8, 32)
	if err != nil || m > 0o777 {
		return nil, &config.ValueError{Section: SectionDaemon, Option: "socket_mode", Value: mode, Reason: "invalid octal permission bits"}
	}
	dc.SocketMode = uint32(m)
	for _, v := range s.List("allowed_uids", []string{"0"}) {
		uid, err := lookupID(v, false)
		if err != nil {
			return nil, &config.ValueError{Section: SectionDaemon, Option: "allowed_uids", Value: v, Reason: err.Error()}
		}
		dc.Options.Access.UIDs = append(dc.Options.Access.UIDs, uid)
	}
	gids := s.List("allowed_gids", nil)
	if len(gids) == 0 && dc.SocketGroup != "" {
		gids = []string{dc.SocketGroup}
	}
	for _, v := range gids {
		gid, err := lookupID(v, true)
		if err != nil {
			return nil, &config.ValueError{Section: SectionDaemon, Option: "allowed_gids", Value: v, Reason: err.Error()}
		}
		dc.Options.Access.GIDs = append(dc.Options.Access.GIDs, gid)
	}
	n, err := s.Int("max_body_bytes", 1<<20)
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, &config.ValueError{Section: SectionDaemon, Option: "max_body_bytes", Value: strconv.Itoa(n), Reason: "must be positive"}
	}
	dc.Options.MaxBodyBytes = int64(n)
	for _, d := range []struct {
		name string
		def  time.Duration
		dst  *time.Duration
	}{
		{"request_timeout", DefaultRequestTimeout, &dc.Options.RequestTimeout},
		{"header_timeout", DefaultHeaderTimeout, &dc.Options.HeaderTimeout},
		{"body_timeout", DefaultBodyTimeout, &dc.Options.BodyTimeout},
		{"idle_timeout", DefaultIdleTimeout, &dc.Options.IdleTimeout},
		{"abort_timeout", DefaultAbortTimeout, &dc.Options.AbortTimeout},
	} {
		secs, err := s.Int(d.name, int(d.def/time.Second))
		if err != nil {
			return nil, err
		}
		if secs <= 0 || secs > 86400 {
			return nil, &config.ValueError{Section: SectionDaemon, Option: d.name, Value: strconv.Itoa(secs), Reason: "must be from 1 to 86400 seconds, got"}
		}
		*d.dst = time.Duration(secs) * time.Second
	}
	conns, err := s.Int("max_connections", DefaultMaxConnections)
	if err != nil {
		return nil, err
	}
	if conns <= 0 || conns > 65536 {
		return nil, &config.ValueError{Section: SectionDaemon, Option: "max_connections", Value: strconv.Itoa(conns), Reason: "must be from 1 to 65536, got"}
	}
	dc.Options.MaxConnections = conns
	return dc, nil
}

// GroupID resolves SocketGroup to a gid, or -1 when it is empty.
func (c *Config) GroupID() (int, error) {
	if c.SocketGroup == "" {
		return -1, nil
	}
	gid, err := lookupID(c.SocketGroup, true)
	if err != nil {
		return -1, &config.ValueError{Section: SectionDaemon, Option: "socket_group", Value: c.SocketGroup, Reason: err.Error()}
	}
	return int(gid), nil
}

// lookupID turns a user or group name or number into its id.
func lookupID(v string, group bool) (uint32, error) {
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return uint32(n), nil
	}
	var id string
	if group {
		g, err := user.LookupGroup(v)
		if err != nil {
			return 0, fmt.Errorf("unknown group")
		}
		id = g.Gid
	} else {
		u, err := user.Lookup(v)
		if err != nil {
			return 0, fmt.Errorf("unknown user")
		}
		id = u.Uid
	}
	n, err := strconv.ParseUint(id, 10, 32)
	return uint32(n), err
}
