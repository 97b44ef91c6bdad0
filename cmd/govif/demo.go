package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

func newDemoCmd() *cobra.Command {
	var reportPath, output string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Plug VIFs into a private Open vSwitch sandbox, ping between them, unplug, clean up",
		Long: `Run govif end to end on this machine without touching its network: as root, start a private
Open vSwitch (ovsdb-server + ovs-vswitchd on the userspace datapath) in a fresh network
namespace and temp dir, start the govif daemon on a socket in that dir, and through the daemon
plug a VIFOpenVSwitch, a hybrid VIFBridge pair (qbr/qvb/qvo) and a linux_bridge VIF. It shows
what was made (OVS ports and external_ids, devices), gives the hybrid pair "VM" ends in their
own namespaces and pings between them, then unplugs everything and tears it all down (also on
Ctrl-C). -o json prints the report (as --report writes it) instead of the step list. Needs what scripts/install-deps.sh installs (openvswitch-switch, iptables).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			out := cmd.OutOrStdout()
			if output == "json" {
				out = io.Discard
			}
			d := newDemoRun(out, cmd.ErrOrStderr(), verbose)
			err := d.run(ctx)
			if output == "json" {
				if werr := writeValue(cmd.OutOrStdout(), d.report); werr != nil && err == nil {
					err = werr
				}
			}
			if reportPath != "" {
				if werr := d.writeReport(reportPath); werr != nil && err == nil {
					err = werr
				}
			}
			if err != nil {
				// The step list above has the details; keep the last line short.
				return errors.New(firstLine(err))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&reportPath, "report", "", "also write a JSON report (steps, timings, what was left behind) to this file")
	addOutputFlag(cmd, &output, "text", "json")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "log the daemon's requests and the plugins' work to stderr")
	return cmd
}

// demoStep is one line of the demo's step list.
type demoStep struct {
	Name       string   `json:"name"`
	OK         bool     `json:"ok"`
	DurationMS float64  `json:"duration_ms"`
	Details    []string `json:"details,omitempty"`
	Error      string   `json:"error,omitempty"`
}

// demoReport is what --report writes.
type demoReport struct {
	OK          bool       `json:"ok"`
	Interrupted bool       `json:"interrupted,omitempty"`
	Error       string     `json:"error,omitempty"`
	Steps       []demoStep `json:"steps"`
	Cleanup     []demoStep `json:"cleanup"`
	Dir         string     `json:"dir,omitempty"`
	Namespaces  []string   `json:"namespaces,omitempty"` // kernel ids, net:[inode]
	PIDs        []int      `json:"pids,omitempty"`       // the OVS daemons it started
	Leftovers   []string   `json:"leftovers"`            // what the final check found still there
	TotalMS     float64    `json:"total_ms"`
}

// demoRun drives the steps: each prints one line with its outcome and timing, and registers
// what it made on a cleanup stack that runs in reverse whatever happens.
type demoRun struct {
	out      io.Writer
	errOut   io.Writer // --verbose logs
	verbose  bool
	n        int
	report   demoReport
	cleanups []demoCleanup
	env      *demoEnv
}

type demoCleanup struct {
	name string
	fn   func(context.Context) error
}

func newDemoRun(out, errOut io.Writer, verbose bool) *demoRun {
	return &demoRun{out: out, errOut: errOut, verbose: verbose, report: demoReport{Leftovers: []string{}}}
}

// step runs fn and prints "NN. name ... ok 12.3 ms" and the details fn returns.
func (d *demoRun) step(ctx context.Context, name string, fn func(ctx context.Context) ([]string, error)) error {
	d.n++
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	details, err := fn(ctx)
	st := demoStep{Name: name, OK: err == nil, DurationMS: ms(time.Since(start)), Details: details}
	status := "ok"
	if err != nil {
		status = "FAILED"
		st.Error = err.Error()
	}
	d.report.Steps = append(d.report.Steps, st)
	fmt.Fprintf(d.out, "%2d. %-66s %-6s %9.1f ms\n", d.n, name, status, st.DurationMS)
	for _, l := range details {
		fmt.Fprintf(d.out, "      %s\n", l)
	}
	if err != nil {
		fmt.Fprintf(d.out, "      error: %v\n", err)
		return fmt.Errorf("demo step %q: %w", name, err)
	}
	return nil
}

// onCleanup registers fn to run (last registered first) when the demo ends.
func (d *demoRun) onCleanup(name string, fn func(context.Context) error) {
	d.cleanups = append(d.cleanups, demoCleanup{name, fn})
}

func (d *demoRun) cleanup() error {
	if len(d.cleanups) == 0 {
		return nil
	}
	fmt.Fprintln(d.out, "cleanup:")
	var errs []error
	for i := len(d.cleanups) - 1; i >= 0; i-- {
		c := d.cleanups[i]
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		start := time.Now()
		err := c.fn(ctx)
		cancel()
		st := demoStep{Name: c.name, OK: err == nil, DurationMS: ms(time.Since(start))}
		status := "ok"
		if err != nil {
			st.Error, status = err.Error(), "FAILED"
			errs = append(errs, fmt.Errorf("cleanup %q: %w", c.name, err))
		}
		d.report.Cleanup = append(d.report.Cleanup, st)
		fmt.Fprintf(d.out, "    - %-66s %-6s %9.1f ms\n", c.name, status, st.DurationMS)
		if err != nil {
			fmt.Fprintf(d.out, "      error: %v\n", err)
		}
	}
	d.cleanups = nil
	return errors.Join(errs...)
}

func (d *demoRun) run(ctx context.Context) (err error) {
	start := time.Now()
	fmt.Fprintln(d.out, "govif demo: plug VIFs into a private Open vSwitch, ping through it, unplug, clean up")
	fmt.Fprintln(d.out, "(everything happens in fresh network namespaces and a temp dir; this host's network is not touched)")
	fmt.Fprintln(d.out)
	defer func() {
		if ctx.Err() != nil {
			d.report.Interrupted = true
			fmt.Fprintln(d.out, "interrupted: tearing everything down")
		}
		cerr := d.cleanup()
		lerr := d.checkLeftovers()
		err = errors.Join(err, cerr, lerr)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		d.report.TotalMS = ms(time.Since(start))
		d.report.OK = err == nil
		fmt.Fprintln(d.out)
		if err != nil {
			d.report.Error = err.Error()
			fmt.Fprintf(d.out, "demo FAILED after %.1f s: %v\n", time.Since(start).Seconds(), firstLine(err))
			return
		}
		fmt.Fprintf(d.out, "demo succeeded: %d steps in %.1f s; nothing left behind\n", len(d.report.Steps), time.Since(start).Seconds())
	}()
	return d.steps(ctx)
}

// checkLeftovers looks for anything the demo made that outlived the cleanup: daemon
// processes, processes in its namespaces, its directory.
func (d *demoRun) checkLeftovers() error {
	var left []string
	for _, pid := range d.report.PIDs {
		if syscall.Kill(pid, 0) == nil {
			left = append(left, fmt.Sprintf("process %d still running", pid))
		}
	}
	for _, id := range d.report.Namespaces {
		if pids := processesIn(id); len(pids) > 0 {
			left = append(left, fmt.Sprintf("processes %v still in namespace %s", pids, id))
		}
	}
	if d.report.Dir != "" {
		if _, err := os.Stat(d.report.Dir); err == nil {
			left = append(left, "directory "+d.report.Dir+" still there")
		}
	}
	d.report.Leftovers = append(d.report.Leftovers, left...)
	if len(left) > 0 {
		return fmt.Errorf("left behind: %s", strings.Join(left, "; "))
	}
	return nil
}

func (d *demoRun) writeReport(path string) error {
	b, err := json.MarshalIndent(d.report, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
