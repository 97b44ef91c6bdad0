package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// batchHost is what `plug`/`unplug` with several --vif need: govif.Host and daemon.Client
// both have it.
type batchHost interface {
	PlugMany(ctx context.Context, reqs []plugin.Request) []error
	UnplugMany(ctx context.Context, reqs []plugin.Request) []error
}

// manyResult is one VIF's line of `plug`/`unplug` with several --vif, -o json.
type manyResult struct {
	vifResult
	Error string `json:"error,omitempty"`
}

// runMany plugs or unplugs several VIFs in one batch: every file is read and checked first
// (bad input exits 2 and changes nothing), then one PlugMany/UnplugMany call.
func runMany(cmd *cobra.Command, op string, hf *hostFlags, vifPaths, instPaths []string) error {
	if err := hf.check(); err != nil {
		return err
	}
	switch {
	case len(vifPaths) == 0:
		return badInput(errors.New(`required flag(s) "vif" not set`))
	case len(instPaths) == 0:
		return badInput(errors.New(`required flag(s) "instance" not set`))
	case len(instPaths) != 1 && len(instPaths) != len(vifPaths):
		return badInput(fmt.Errorf("--instance given %d times for %d --vif: give it once, or once per --vif", len(instPaths), len(vifPaths)))
	}
	stdinUsers := 0
	for _, p := range append(append([]string(nil), vifPaths...), instPaths...) {
		if p == "-" {
			stdinUsers++
		}
	}
	if stdinUsers > 1 {
		return badInput(errors.New("only one --vif or --instance can read standard input"))
	}
	reqs := make([]plugin.Request, len(vifPaths))
	var shared *objects.InstanceInfo
	for i, vp := range vifPaths {
		ip := instPaths[0]
		if len(instPaths) > 1 {
			ip = instPaths[i]
		}
		if len(instPaths) == 1 && shared != nil {
			vif, err := readVIF(cmd.InOrStdin(), vp)
			if err != nil {
				return err
			}
			reqs[i] = plugin.Request{VIF: vif, Instance: shared}
			continue
		}
		vif, inst, err := readVIFAndInstance(cmd.InOrStdin(), vp, ip)
		if err != nil {
			return err
		}
		reqs[i] = plugin.Request{VIF: vif, Instance: inst}
		if len(instPaths) == 1 {
			shared = inst
		}
	}

	ctx, cancel := hf.commandContext()
	defer cancel()
	h, closeHost, err := hf.openHost(ctx, cmd)
	if err != nil {
		return err
	}
	defer closeHost()
	bh, ok := h.(batchHost)
	if !ok {
		return fmt.Errorf("%s: host %T cannot take several VIFs at once", op, h)
	}
	start := time.Now()
	var errs []error
	if op == "plug" {
		errs = bh.PlugMany(ctx, reqs)
	} else {
		errs = bh.UnplugMany(ctx, reqs)
	}
	elapsed := float64(time.Since(start).Microseconds()) / 1000

	results := make([]manyResult, len(reqs))
	failed, hostFailed := 0, false
	for i, r := range reqs {
		b := r.VIF.Base()
		results[i] = manyResult{vifResult: vifResult{Op: op, Status: "ok", VIFID: b.ID.Value(), VIFType: r.VIF.ObjName(),
			Plugin: b.Plugin.Value(), Instance: r.Instance.UUID.Value(), Server: hf.server, DurationMS: elapsed}}
		if i < len(errs) && errs[i] != nil {
			failed++
			ce := hostCallError(op, r.VIF, errs[i])
			var ee *exitError
			if !errors.As(ce, &ee) || ee.code != 2 {
				hostFailed = true
			}
			results[i].Status, results[i].Error = "error", ce.Error()
		}
	}
	if err := printManyResults(cmd.OutOrStdout(), hf.output, results); err != nil {
		return err
	}
	if failed == 0 {
		return nil
	}
	err = fmt.Errorf("%s: %d of %d VIFs failed", op, failed, len(reqs))
	if !hostFailed {
		return badInput(err)
	}
	return err
}

// readVIF reads and checks one --vif file.
func readVIF(stdin io.Reader, path string) (objects.VIF, error) {
	data, err := readFileOrStdin(stdin, path)
	if err != nil {
		return nil, badInput(fmt.Errorf("--vif: %w", err))
	}
	vif, err := objects.DecodeVIF(data)
	if err == nil {
		err = objects.Validate(vif)
	}
	if err != nil {
		return nil, badInput(oneLine(fmt.Errorf("--vif %s: %w", path, err)))
	}
	return vif, nil
}

// printManyResults prints one line per VIF, or a JSON array.
func printManyResults(stdout io.Writer, format string, rs []manyResult) error {
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rs)
	}
	for _, r := range rs {
		if r.Error != "" {
			if _, err := fmt.Fprintf(stdout, "failed %s %s %s: %s\n", r.Op, r.VIFType, r.VIFID, r.Error); err != nil {
				return err
			}
			continue
		}
		if err := printVIFResult(stdout, "text", r.vifResult); err != nil {
			return err
		}
	}
	return nil
}
