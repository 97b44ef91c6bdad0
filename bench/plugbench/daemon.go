package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/govif/govif/daemon"
	"github.com/govif/govif/plugin"
)

// runDaemon plugs then unplugs reqs through the govif daemon at server from clients concurrent
// clients, each with its own connection and a share of the VIFs (VIF i goes to client
// i%clients). Mode "daemon": each client sends its VIFs one request at a time (what a compute
// service that plugs an instance's ports one after the other does; the daemon coalesces the
// clients' requests). Mode "daemon-concurrent": each client sends single requests for all its
// VIFs at once (a service that plugs an instance's ports concurrently). Mode "daemon-bulk":
// each client sends its share in one PlugMany/UnplugMany request. Totals are wall times from
// the first request to the last answer.
func runDaemon(ctx context.Context, mode, server string, clients int, reqs []vifReq, res *result) error {
	if clients <= 0 {
		return fmt.Errorf("-clients %d: must be positive", clients)
	}
	cs := make([]*daemon.Client, clients)
	shares := make([][]plugin.Request, clients)
	for c := range cs {
		cl, err := daemon.NewClient(server)
		if err != nil {
			return err
		}
		defer cl.Close()
		if err := cl.Health(ctx); err != nil { // open the connection before timing
			return err
		}
		cs[c] = cl
	}
	for i, r := range reqs {
		shares[i%clients] = append(shares[i%clients], plugin.Request{VIF: r.vif, Instance: inst()})
	}
	phase := func(op string) (time.Duration, error) {
		var mu sync.Mutex
		var errs []error
		var wg sync.WaitGroup
		start := time.Now()
		for c, cl := range cs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var got []error
				switch {
				case mode == "daemon-bulk" && op == "plug":
					got = cl.PlugMany(ctx, shares[c])
				case mode == "daemon-bulk":
					got = cl.UnplugMany(ctx, shares[c])
				case mode == "daemon-concurrent":
					got = make([]error, len(shares[c]))
					var cwg sync.WaitGroup
					for i, r := range shares[c] {
						cwg.Add(1)
						go func() {
							defer cwg.Done()
							if op == "plug" {
								got[i] = cl.Plug(ctx, r.VIF, r.Instance)
							} else {
								got[i] = cl.Unplug(ctx, r.VIF, r.Instance)
							}
						}()
					}
					cwg.Wait()
				default:
					for _, r := range shares[c] {
						if op == "plug" {
							got = append(got, cl.Plug(ctx, r.VIF, r.Instance))
						} else {
							got = append(got, cl.Unplug(ctx, r.VIF, r.Instance))
						}
					}
				}
				mu.Lock()
				defer mu.Unlock()
				for i, err := range got {
					if err != nil {
						errs = append(errs, fmt.Errorf("client %d: %s %s: %w", c, op, shares[c][i].VIF.Base().ID.Value(), err))
					}
				}
			}()
		}
		wg.Wait()
		return time.Since(start), errors.Join(errs...)
	}
	d, err := phase("plug")
	if err != nil {
		return err
	}
	res.PlugTotal = d.Seconds()
	d, err = phase("unplug")
	if err != nil {
		return err
	}
	res.UnplugTotal = d.Seconds()
	return nil
}
