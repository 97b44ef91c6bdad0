package linuxbridge

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	"github.com/coreos/go-iptables/iptables"
	"github.com/govif/govif/internal/nsthread"
	"github.com/vishvananda/netns"
)

// execIPTables is the real IPTables: coreos/go-iptables, which runs the iptables (or
// ip6tables) binary with --wait. Bound to a network namespace, it starts each command from an
// OS thread switched into that namespace, so the child process is born there.
type execIPTables struct {
	proto iptables.Protocol
	ns    netns.NsHandle // netns.None(): the caller's namespace

	mu   sync.Mutex
	ipt  *iptables.IPTables // found on first use
	path string             // the binary go-iptables found
}

// NewIPTables returns the real IPTables for one IP family (ipv6 selects ip6tables). With an
// open ns handle every command runs inside that network namespace; the caller keeps owning
// the handle and keeps it open while the IPTables is used. The binary is looked up (and its
// version asked) on first use, so a host without iptables fails only the plugs that need it.
func NewIPTables(ipv6 bool, ns netns.NsHandle) IPTables {
	proto := iptables.ProtocolIPv4
	if ipv6 {
		proto = iptables.ProtocolIPv6
	}
	return &execIPTables{proto: proto, ns: ns}
}

// do runs fn in the adapter's namespace unless ctx has ended.
func (e *execIPTables) do(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e.mu.Lock()
	if e.ipt == nil {
		ipt, err := iptables.New(iptables.IPFamily(e.proto), iptables.Timeout(30))
		if err != nil {
			e.mu.Unlock()
			return fmt.Errorf("iptables: %w", err)
		}
		cmd := "iptables"
		if e.proto == iptables.ProtocolIPv6 {
			cmd = "ip6tables"
		}
		path, err := exec.LookPath(cmd) // as go-iptables does
		if err != nil {
			e.mu.Unlock()
			return fmt.Errorf("iptables: %w", err)
		}
		e.ipt, e.path = ipt, path
	}
	e.mu.Unlock()
	if !e.ns.IsOpen() {
		return fn()
	}
	return nsthread.Do(e.ns, fn)
}

func (e *execIPTables) ChainExists(ctx context.Context, table, chain string) (ok bool, err error) {
	err = e.do(ctx, func() (err error) { ok, err = e.ipt.ChainExists(table, chain); return err })
	return ok, err
}

func (e *execIPTables) NewChain(ctx context.Context, table, chain string) error {
	return e.do(ctx, func() error { return e.ipt.NewChain(table, chain) })
}

func (e *execIPTables) DeleteChain(ctx context.Context, table, chain string) error {
	return e.do(ctx, func() error { return e.ipt.DeleteChain(table, chain) })
}

func (e *execIPTables) Exists(ctx context.Context, table, chain string, rulespec ...string) (ok bool, err error) {
	err = e.do(ctx, func() (err error) { ok, err = e.ipt.Exists(table, chain, rulespec...); return err })
	return ok, err
}

func (e *execIPTables) Insert(ctx context.Context, table, chain string, pos int, rulespec ...string) error {
	return e.do(ctx, func() error { return e.ipt.Insert(table, chain, pos, rulespec...) })
}

func (e *execIPTables) Append(ctx context.Context, table, chain string, rulespec ...string) error {
	return e.do(ctx, func() error { return e.ipt.Append(table, chain, rulespec...) })
}

func (e *execIPTables) Delete(ctx context.Context, table, chain string, rulespec ...string) error {
	return e.do(ctx, func() error { return e.ipt.Delete(table, chain, rulespec...) })
}

func (e *execIPTables) List(ctx context.Context, table, chain string) (out []string, err error) {
	err = e.do(ctx, func() (err error) { out, err = e.ipt.List(table, chain); return err })
	return out, err
}

// ListTable runs `iptables -t <table> -S --wait` (go-iptables lists only one chain, or only
// the chain names, per command).
func (e *execIPTables) ListTable(ctx context.Context, table string) (out []string, err error) {
	err = e.do(ctx, func() error {
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, e.path, "-t", table, "-S", "--wait")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s -t %s -S: %w: %s", e.path, table, err, strings.TrimSpace(stderr.String()))
		}
		for _, l := range strings.Split(stdout.String(), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return nil
	})
	return out, err
}

func (e *execIPTables) ListChains(ctx context.Context, table string) (out []string, err error) {
	err = e.do(ctx, func() (err error) { out, err = e.ipt.ListChains(table); return err })
	return out, err
}
