// Package tapdev is the host side shared by govif's tap, midonet and iovisor plugins: the
// persistent tap Nova 26's create_tap_dev and set_device_mtu make, ensured through netdev (no
// `ip` command), with rollback, and its removal (Nova's delete_net_dev) limited to taps.
// It also opens the netdev.Links those plugins use and reads the VIF fields they share.
package tapdev

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/vishvananda/netns"

	"github.com/govif/govif/netdev"
	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// Host is a netdev.Links bound to one network namespace, with the namespace handle kept for
// the tools the plugins run there.
type Host struct {
	Links *netdev.Links
	NS    netns.NsHandle // netns.None(): the caller's namespace
	Log   *slog.Logger
}

// Open opens netlink sockets in ns (netns.None(): the caller's namespace). Close releases them.
func Open(ns netns.NsHandle, log *slog.Logger) (*Host, error) {
	if log == nil {
		log = slog.Default()
	}
	opts := []netdev.Option{netdev.WithLogger(log)}
	if ns.IsOpen() {
		opts = append(opts, netdev.InNamespace(ns))
	}
	l, err := netdev.New(opts...)
	if err != nil {
		return nil, err
	}
	return &Host{Links: l, NS: ns, Log: log}, nil
}

// Close releases the netlink sockets.
func (h *Host) Close() error { return h.Links.Close() }

// Ensure makes the tap name exist, up, with opts (MAC, MTU, multiqueue), as Nova's
// create_tap_dev followed by set_device_mtu, after Claim: an existing device that is not o's
// own tap gives a *NameConflictError and is left as it is. A tap it creates without opts.MAC
// gets libvirt's form of the VIF's address (LibvirtMAC; Nova leaves the kernel's random one),
// so that a re-plug or an unplug before the guest starts recognises it. It reports whether it
// created the device. When it fails after creating the tap, it deletes it again: a failed
// Ensure leaves nothing it added.
func (h *Host) Ensure(ctx context.Context, name string, opts netdev.TapOptions, o Owner) (created bool, err error) {
	l, err := h.Claim(ctx, name, o)
	if err != nil {
		return false, err
	}
	if l == nil && opts.MAC == nil && len(o.MACs) > 1 {
		opts.MAC = o.MACs[1]
	}
	created, err = h.Links.EnsureTap(ctx, name, opts)
	if err != nil {
		if created {
			h.Rollback(name)
		}
		return false, err
	}
	return created, nil
}

// Rollback deletes the tap name this plugin call created, on a fresh deadline (the caller's
// context may be the one that ended).
func (h *Host) Rollback(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
	defer cancel()
	if err := h.Links.Delete(ctx, name); err != nil && !netdev.IsNotFound(err) {
		h.Log.Warn("rollback: deleting tap failed", "dev", name, "err", err)
	}
}

// Remove deletes the device name when it is o's own tap (Claim); a missing device is
// success, any other device is left alone and gives a *NameConflictError (Nova's
// delete_net_dev deletes whatever has the name; govif removes only what a plug makes).
func (h *Host) Remove(ctx context.Context, name string, o Owner) error {
	l, err := h.Claim(ctx, name, o)
	if err != nil || l == nil {
		return err
	}
	err = h.Links.Delete(ctx, name)
	if netdev.IsNotFound(err) {
		return nil
	}
	return err
}

// Get returns the device name, or nil when it does not exist.
func (h *Host) Get(ctx context.Context, name string) (*netdev.Link, error) {
	l, err := h.Links.Get(ctx, name)
	if netdev.IsNotFound(err) {
		return nil, nil
	}
	return l, err
}

// VIFName returns the vif_name of a VIFGeneric, checked against the kernel's device name rules;
// missing or bad gives an *objects.FieldError.
func VIFName(vif *objects.VIFGeneric) (string, error) {
	name, ok := vif.VIFName.Get()
	if !ok || name == "" {
		return "", &objects.FieldError{Path: "VIFGeneric.vif_name", Reason: "required: the tap device's name"}
	}
	if err := netdev.ValidateName(name); err != nil {
		return "", &objects.FieldError{Path: "VIFGeneric.vif_name", Value: name, Reason: err.Error(), Err: err}
	}
	return name, nil
}

// MTU returns the network's mtu (0 when unset or null: Nova's set_device_mtu then does nothing).
func MTU(b *objects.VIFBase) int {
	if n, ok := b.Network.Get(); ok && n != nil {
		if m, ok := n.MTU.Get(); ok {
			return m
		}
	}
	return 0
}

// rollbackTimeout bounds the undo of a failed plug.
const rollbackTimeout = 10 * time.Second

// Check compares the tap name with what Ensure(name, opts) makes: it exists, is a tap, is up,
// and has opts' MTU and MAC (when set) and multiqueue flag. It changes nothing; an error means
// the host could not be read.
func (h *Host) Check(ctx context.Context, name string, opts netdev.TapOptions) ([]plugin.Drift, error) {
	l, err := h.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	obj := "device " + name
	if l == nil {
		return []plugin.Drift{{Object: obj, Field: "exists", Want: "yes", Got: "no"}}, nil
	}
	if l.Kind != "tap" {
		return []plugin.Drift{{Object: obj, Field: "kind", Want: "tap", Got: l.Kind}}, nil
	}
	var d []plugin.Drift
	yn := map[bool]string{true: "yes", false: "no"}
	if !l.Up {
		d = append(d, plugin.Drift{Object: obj, Field: "up", Want: "yes", Got: "no"})
	}
	if opts.MTU > 0 && l.MTU != opts.MTU {
		d = append(d, plugin.Drift{Object: obj, Field: "mtu", Want: strconv.Itoa(opts.MTU), Got: strconv.Itoa(l.MTU)})
	}
	if opts.MAC != nil && l.MAC.String() != opts.MAC.String() {
		d = append(d, plugin.Drift{Object: obj, Field: "mac", Want: opts.MAC.String(), Got: l.MAC.String()})
	}
	if l.Multiqueue != opts.Multiqueue {
		d = append(d, plugin.Drift{Object: obj, Field: "multiqueue", Want: yn[opts.Multiqueue], Got: yn[l.Multiqueue]})
	}
	return d, nil
}
