package netdev

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
)

const procSys = "/proc/sys/"

// SetSysctl writes value to the sysctl key, given as a path under /proc/sys
// ("net/ipv6/conf/br0/disable_ipv6", or the same with the /proc/sys/ prefix). Dotted keys
// are not accepted: device names may contain dots. The write happens inside the Links'
// namespace, so per-namespace keys (net/...) change there. A key the kernel does not have
// gives an error wrapping fs.ErrNotExist.
func (l *Links) SetSysctl(ctx context.Context, key, value string) error {
	p, err := sysctlPath(key)
	if err != nil {
		return err
	}
	if strings.ContainsAny(value, "\x00\n") {
		return &ValueError{Field: "sysctl value", Value: value, Reason: "contains a newline or NUL"}
	}
	if err := live(ctx, "set sysctl "+key, "namespace"); err != nil {
		return err
	}
	return l.writeSysctl(p, value)
}

// Sysctl reads the sysctl key (as for SetSysctl) inside the Links' namespace, without the
// trailing newline.
func (l *Links) Sysctl(ctx context.Context, key string) (string, error) {
	p, err := sysctlPath(key)
	if err != nil {
		return "", err
	}
	if err := live(ctx, "read sysctl "+key, "namespace"); err != nil {
		return "", err
	}
	var b []byte
	err = l.inNS(func() error {
		var rerr error
		b, rerr = os.ReadFile(p)
		return rerr
	})
	if err != nil {
		return "", &OpError{Op: "read sysctl " + key, Dev: "namespace", Err: err}
	}
	return strings.TrimRight(string(b), "\n"), nil
}

// setSysctlIfExists writes a sysctl, doing nothing if the kernel lacks the key (as os-vif
// does for the bridge's IPv6 and ARP settings).
func (l *Links) setSysctlIfExists(key, value string) error {
	p, err := sysctlPath(key)
	if err != nil {
		return err
	}
	err = l.writeSysctl(p, value)
	if errors.Is(err, fs.ErrNotExist) {
		l.log.Debug("netdev: sysctl absent, skipped", "key", key)
		return nil
	}
	return err
}

func (l *Links) writeSysctl(p, value string) error {
	err := l.inNS(func() error {
		// O_WRONLY without O_CREATE: /proc/sys files cannot be created, and a missing one
		// must fail with ENOENT.
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, werr := f.WriteString(value)
		return errors.Join(werr, f.Close())
	})
	if err != nil {
		return &OpError{Op: "set sysctl " + strings.TrimPrefix(p, procSys) + "=" + value, Dev: "namespace", Err: err}
	}
	l.log.Debug("netdev: set sysctl", "key", strings.TrimPrefix(p, procSys), "value", value)
	return nil
}

// sysctlPath turns a key into a clean absolute path under /proc/sys.
func sysctlPath(key string) (string, error) {
	k := strings.TrimPrefix(key, procSys)
	bad := func(reason string) error {
		return &ValueError{Field: "sysctl key", Value: key, Reason: reason}
	}
	switch {
	case k == "" || strings.HasPrefix(k, "/"):
		return "", bad("want a path under /proc/sys, like net/ipv4/ip_forward")
	case strings.ContainsAny(k, "\x00\n"):
		return "", bad("contains a newline or NUL")
	}
	for _, part := range strings.Split(k, "/") {
		if part == "" || part == "." || part == ".." {
			return "", bad("empty, '.' or '..' path element")
		}
	}
	return path.Join(procSys, k), nil
}
