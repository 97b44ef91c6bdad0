package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/govif/govif/objects"
)

// steps is the demo itself: each step prints one line, with what it made underneath.
func (d *demoRun) steps(ctx context.Context) error {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if d.verbose {
		logger = slog.New(slog.NewTextHandler(d.errOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	d.env = &demoEnv{logger: logger}
	inst := demoInstance()
	plain := demoPlainVIF()
	hybA := demoHybridVIF(demoHybridAID, demoMAC(0x21))
	hybB := demoHybridVIF(demoHybridBID, demoMAC(0x22))
	lb := demoLBVIF()
	var vmA, vmB *demoVM

	type step struct {
		name string
		fn   func(context.Context) ([]string, error)
	}
	plan := []step{
		{"check prerequisites (root, Open vSwitch, iptables)", d.checkPrereqs},
		{"start OVS: ovsdb-server + ovs-vswitchd (userspace datapath)", d.startSandbox},
		{"start the govif daemon (HTTP+JSON on a unix socket)", d.startDaemon},
		{"plug VIFOpenVSwitch " + plain.ID.Value()[:8] + " into " + demoIntBridge + " (via the daemon)", func(ctx context.Context) ([]string, error) {
			if err := d.env.client.Plug(ctx, plain, inst); err != nil {
				return nil, err
			}
			// The plugin makes the tap after the port, so ovs-vswitchd may first have failed to
			// open it; it retries on its next reconfiguration.
			if err := d.waitAttached(ctx, plain.VIFName.Value()); err != nil {
				return nil, err
			}
			out, err := d.showOVS(ctx, demoIntBridge)
			if err != nil {
				return nil, err
			}
			devs, err := d.showDevices(ctx, plain.VIFName.Value())
			return append(out, devs...), err
		}},
		{"plug 2 hybrid VIFBridges in parallel (qbr, qvb/qvo veth, " + demoIntBridge + ")", func(ctx context.Context) ([]string, error) {
			if err := d.plugAll(ctx, hybA, hybB); err != nil {
				return nil, err
			}
			return d.showDevices(ctx, "qbr", "qvb", "qvo")
		}},
		{"start two \"VMs\": a veth tap on each qbr, eth0 in its own namespace", func(ctx context.Context) ([]string, error) {
			var err error
			if vmA, err = d.startVM(ctx, "vm-a", hybA, net.IPv4(10, 99, 0, 1)); err != nil {
				return nil, err
			}
			if vmB, err = d.startVM(ctx, "vm-b", hybB, net.IPv4(10, 99, 0, 2)); err != nil {
				return nil, err
			}
			return []string{
				fmt.Sprintf("vm-a %s/24 on %s (%s), namespace %s", vmA.ip, vmA.tap, hybA.BridgeName.Value(), vmA.ns.ID()),
				fmt.Sprintf("vm-b %s/24 on %s (%s), namespace %s", vmB.ip, vmB.tap, hybB.BridgeName.Value(), vmB.ns.ID()),
			}, nil
		}},
		{"ping vm-a -> vm-b and vm-b -> vm-a through qbr, qvb/qvo and " + demoIntBridge, func(ctx context.Context) ([]string, error) {
			var out []string
			for _, p := range [][2]*demoVM{{vmA, vmB}, {vmB, vmA}} {
				rtt, tries, err := ping(ctx, p[0], p[1])
				if err != nil {
					return out, err
				}
				out = append(out, fmt.Sprintf("%s -> %s: echo reply in %.2f ms (attempt %d)", p[0].ip, p[1].ip, ms(rtt), tries))
			}
			return out, nil
		}},
		{"plug linux_bridge VIFBridge " + lb.ID.Value()[:8] + " (bridge " + lb.BridgeName.Value() + ")", func(ctx context.Context) ([]string, error) {
			if err := d.env.client.Plug(ctx, lb, inst); err != nil {
				return nil, err
			}
			return d.showDevices(ctx, "brq")
		}},
		{"show what was made: OVS ports, external_ids, devices", func(ctx context.Context) ([]string, error) {
			out, err := d.showOVS(ctx, demoIntBridge)
			if err != nil {
				return nil, err
			}
			devs, err := d.showDevices(ctx, "br-", "tap", "qbr", "qvb", "qvo", "brq")
			return append(out, devs...), err
		}},
		{"stop vm-b, unplug its VIF; vm-a can no longer reach it", func(ctx context.Context) ([]string, error) {
			if err := d.stopVM(ctx, vmB); err != nil {
				return nil, err
			}
			if err := d.env.client.Unplug(ctx, hybB, inst); err != nil {
				return nil, err
			}
			if err := d.devicesGone(ctx, hybB.BridgeName.Value(), devName("qvb", demoHybridBID), devName("qvo", demoHybridBID)); err != nil {
				return nil, err
			}
			if err := pingFails(ctx, vmA, vmB); err != nil {
				return nil, fmt.Errorf("%s -> %s after unplug: %w", vmA.ip, vmB.ip, err)
			}
			return []string{"qbr/qvb/qvo of " + demoHybridBID[:8] + " gone; ping " + vmB.ip.String() + ": no reply, as it should"}, nil
		}},
		{"stop vm-a, unplug the rest in parallel (unplug twice = once)", func(ctx context.Context) ([]string, error) {
			if err := d.stopVM(ctx, vmA); err != nil {
				return nil, err
			}
			if err := d.unplugAll(ctx, hybA, plain, lb, hybB); err != nil {
				return nil, err
			}
			if err := d.devicesGone(ctx, hybA.BridgeName.Value(), devName("qvb", demoHybridAID), devName("qvo", demoHybridAID)); err != nil {
				return nil, err
			}
			out, err := d.showOVS(ctx, demoIntBridge)
			if err != nil {
				return nil, err
			}
			devs, err := d.showDevices(ctx, "br-", "tap", "qbr", "qvb", "qvo", "brq")
			out = append(out, devs...)
			return append(out, "left by design, as os-vif: the bridges "+demoIntBridge+" and "+lb.BridgeName.Value()+" (shared by every VIF of their network)"), err
		}},
	}
	for _, s := range plan {
		if err := d.step(ctx, s.name, s.fn); err != nil {
			return err
		}
	}
	return nil
}

// waitAttached waits (at most 10 s) until ovs-vswitchd has given interface name an ofport,
// asking it to reconfigure while it reports an error.
func (d *demoRun) waitAttached(ctx context.Context, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		if err := d.env.vs.WaitApplied(ctx); err != nil {
			return fmt.Errorf("wait for ovs-vswitchd to attach %s: %w", name, err)
		}
		_, err := d.env.vs.WaitInterface(ctx, name)
		if err == nil || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for ovs-vswitchd to attach %s: %w", name, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// plugAll plugs the VIFs concurrently through the daemon.
func (d *demoRun) plugAll(ctx context.Context, vifs ...objects.VIF) error {
	return d.parallel(ctx, vifs, d.env.client.Plug)
}

// unplugAll unplugs the VIFs concurrently through the daemon.
func (d *demoRun) unplugAll(ctx context.Context, vifs ...objects.VIF) error {
	return d.parallel(ctx, vifs, d.env.client.Unplug)
}

func (d *demoRun) parallel(ctx context.Context, vifs []objects.VIF, op func(context.Context, objects.VIF, *objects.InstanceInfo) error) error {
	errs := make([]error, len(vifs))
	var wg sync.WaitGroup
	for i, v := range vifs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = op(ctx, v, demoInstance())
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
