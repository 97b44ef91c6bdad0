package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/govif/govif"
)

// BenchmarkDaemonLoad is the daemon's load test (scripts/bench-daemon.sh runs it): the real
// `govif serve` binary inside an OVS sandbox namespace (ovsdb-server + ovs-vswitchd, userspace
// datapath), and GOVIF_LOAD_CLIENTS (default 200) concurrent clients, each on its own
// connection, plugging and then unplugging its own VIF (half plain VIFOpenVSwitch, half
// hybrid VIFBridge). It fails on any error or on anything left behind, and reports latency
// percentiles and the daemon's RSS when idle and after the load. One iteration is one round
// of all clients; run it with -benchtime 1x.
func BenchmarkDaemonLoad(b *testing.B) {
	clients := loadClients(b)
	sb := startSandbox(b)
	d := startServe(b, sb)
	nl, vs := observe(b, sb)
	pid := d.cmd.Process.Pid
	time.Sleep(time.Second) // let start-up garbage settle before reading the idle RSS
	idle, err := rssKiB(pid)
	if err != nil {
		b.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	b.ResetTimer()
	start := time.Now()
	var res loadResult
	for iter := range b.N {
		res.add(runLoad(ctx, clients, 1000+iter*clients, func() (govif.Interface, func(), error) {
			c, err := NewClient("unix:" + d.sock)
			if err != nil {
				return nil, nil, err
			}
			return c, func() { c.Close() }, nil
		}))
	}
	plugs, unplugs, errs := res.plugs, res.unplugs, res.errs
	elapsed := time.Since(start)
	b.StopTimer()
	if err := errors.Join(errs...); err != nil {
		b.Fatalf("%d of %d clients failed: %v\ndaemon log:\n%s", len(errs), clients*b.N, err, d.stderr.String())
	}
	if left := leftovers(b, nl, vs, "br-int"); len(left) > 0 {
		b.Fatalf("left behind after the load: %v", left)
	}
	loaded, err := rssKiB(pid)
	if err != nil {
		b.Fatal(err)
	}
	d.stop(b)

	ops := len(plugs) + len(unplugs)
	res.report(b, elapsed)
	b.ReportMetric(float64(idle)/1024, "idle-RSS-MiB")
	b.ReportMetric(float64(loaded)/1024, "loaded-RSS-MiB")
	b.Logf("%d clients x %d round(s): %d plug+unplug pairs in %.2f s (%.0f ops/s), 0 errors, nothing left behind",
		clients, b.N, len(plugs), elapsed.Seconds(), float64(ops)/elapsed.Seconds())
	b.Logf("govif serve RSS: idle %.1f MiB, after the load %.1f MiB", float64(idle)/1024, float64(loaded)/1024)
}

// loadResult collects the latencies and errors of load runs.
type loadResult struct {
	plugs, unplugs []time.Duration
	errs           []error
}

func (r *loadResult) add(o loadResult) {
	r.plugs = append(r.plugs, o.plugs...)
	r.unplugs = append(r.unplugs, o.unplugs...)
	r.errs = append(r.errs, o.errs...)
}

// report prints and reports the percentiles and the rate.
func (r *loadResult) report(b *testing.B, elapsed time.Duration) {
	b.ReportMetric(float64(len(r.plugs)+len(r.unplugs))/elapsed.Seconds(), "ops/s")
	for _, s := range []struct {
		name string
		lat  []time.Duration
	}{{"plug", r.plugs}, {"unplug", r.unplugs}} {
		p := percentiles(s.lat)
		b.ReportMetric(ms(p[0]), s.name+"-p50-ms")
		b.ReportMetric(ms(p[2]), s.name+"-p99-ms")
		b.Logf("%-6s n=%d  p50 %7.1f ms  p90 %7.1f ms  p99 %7.1f ms  max %7.1f ms",
			s.name, len(s.lat), ms(p[0]), ms(p[1]), ms(p[2]), ms(p[3]))
	}
}

// runLoad runs clients concurrent callers, each with its own connection from open, plugging
// then unplugging VIF loadVIF(first+i).
func runLoad(ctx context.Context, clients, first int, open func() (govif.Interface, func(), error)) loadResult {
	var (
		mu  sync.Mutex
		res loadResult
		wg  sync.WaitGroup
	)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, closeFn, err := open()
			if err != nil {
				mu.Lock()
				res.errs = append(res.errs, err)
				mu.Unlock()
				return
			}
			defer closeFn()
			vif := loadVIF(first + i)
			t0 := time.Now()
			perr := h.Plug(ctx, vif, testInstance())
			t1 := time.Now()
			uerr := h.Unplug(ctx, vif, testInstance())
			t2 := time.Now()
			mu.Lock()
			defer mu.Unlock()
			if perr != nil || uerr != nil {
				res.errs = append(res.errs, fmt.Errorf("client %d: plug: %v; unplug: %v", i, perr, uerr))
				return
			}
			res.plugs = append(res.plugs, t1.Sub(t0))
			res.unplugs = append(res.unplugs, t2.Sub(t1))
		}()
	}
	wg.Wait()
	return res
}

// BenchmarkHostLoad is BenchmarkDaemonLoad without the daemon: the same clients call the
// in-process govif.Host (same plugins, same sandbox) directly, so the two runs side by side
// show what the daemon adds under load.
func BenchmarkHostLoad(b *testing.B) {
	clients := loadClients(b)
	r := newRealRig(b, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	b.ResetTimer()
	start := time.Now()
	var res loadResult
	for iter := range b.N {
		res.add(runLoad(ctx, clients, 1000+iter*clients, func() (govif.Interface, func(), error) {
			return r.host, func() {}, nil
		}))
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if err := errors.Join(res.errs...); err != nil {
		b.Fatalf("%d of %d clients failed: %v", len(res.errs), clients*b.N, err)
	}
	if left := leftovers(b, r.nl, r.vs, "br-int"); len(left) > 0 {
		b.Fatalf("left behind after the load: %v", left)
	}
	res.report(b, elapsed)
	b.Logf("%d clients x %d round(s) in process: %d plug+unplug pairs in %.2f s, 0 errors, nothing left behind",
		clients, b.N, len(res.plugs), elapsed.Seconds())
}

// loadClients is GOVIF_LOAD_CLIENTS, default 200.
func loadClients(b *testing.B) int {
	v := os.Getenv("GOVIF_LOAD_CLIENTS")
	if v == "" {
		return 200
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("GOVIF_LOAD_CLIENTS=%q: want a positive integer", v)
	}
	return n
}

// percentiles returns p50, p90, p99 and the maximum of lat (nearest rank).
func percentiles(lat []time.Duration) [4]time.Duration {
	if len(lat) == 0 {
		return [4]time.Duration{}
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(s))+0.5) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return [4]time.Duration{at(0.50), at(0.90), at(0.99), s[len(s)-1]}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func TestPercentiles(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(101-i)*time.Millisecond)
	}
	if got, want := percentiles(lat), [4]time.Duration{50 * time.Millisecond, 90 * time.Millisecond, 99 * time.Millisecond, 100 * time.Millisecond}; got != want {
		t.Errorf("percentiles = %v, want %v", got, want)
	}
	if got := percentiles(nil); got != [4]time.Duration{} {
		t.Errorf("percentiles(nil) = %v", got)
	}
}

// BenchmarkDaemonRoundTrip measures what the daemon adds to a plug: one HTTP request over the
// unix socket, peer check, decode, per-VIF lock, and a host that does nothing. Parallel
// clients, distinct VIFs.
func BenchmarkDaemonRoundTrip(b *testing.B) {
	ts := startServer(b, newFakeHost(), Options{})
	ctx := context.Background()
	var next sync.Mutex
	n := 0
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		next.Lock()
		n++
		vif := testVIF(fmt.Sprintf("%08x-3a0c-4bd5-9a52-5d0d4c8c6e01", n))
		next.Unlock()
		for pb.Next() {
			if err := ts.client.Plug(ctx, vif, testInstance()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
