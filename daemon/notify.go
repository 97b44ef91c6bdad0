package daemon

import (
	"fmt"
	"net"
	"os"
	"strings"
)

// Notify sends state (for example "READY=1" or "STOPPING=1") to the service manager, as
// sd_notify(3) does: one datagram to the unix socket named by $NOTIFY_SOCKET (a path, or an
// abstract socket written "@name"). Without $NOTIFY_SOCKET (not started by systemd with
// Type=notify) it does nothing and returns nil.
func Notify(state string) error {
	addr := os.Getenv("NOTIFY_SOCKET")
	if addr == "" {
		return nil
	}
	if !strings.HasPrefix(addr, "/") && !strings.HasPrefix(addr, "@") {
		return fmt.Errorf("daemon: NOTIFY_SOCKET %q: want an absolute path or @abstract name", addr)
	}
	name := addr
	if strings.HasPrefix(addr, "@") {
		name = "\x00" + addr[1:]
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("daemon: notify %s: %w", addr, err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(state)); err != nil {
		return fmt.Errorf("daemon: notify %s: %w", addr, err)
	}
	return nil
}
