package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/govif/govif/ops"
)

// replugChunk is how many VIFs one replug request carries (progress is shown per chunk).
const replugChunk = 50

func newReplugCmd() *cobra.Command {
	var (
		hf  hostFlags
		sel selectFlags
	)
	cmd := &cobra.Command{
		Use:   "replug (--vif ID|FILE ... | --all)",
		Short: "Plug VIFs again from the inventory, repairing drift (restore after a reboot)",
		Long: `Plug each selected VIF again exactly as recorded in the inventory. Plug is idempotent
and every step is an "ensure", so this repairs drift and, after a reboot, restores every
VIF's devices and OVS ports (Nova's resume_state_on_host_boot). Each VIF is checked before
and, when it had drift, after. Progress is shown on a terminal. Exit 0: all plugged; 1: a VIF
failed; 2: bad input.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := hf.check(); err != nil {
				return err
			}
			ids, err := sel.ids()
			if err != nil {
				return err
			}
			ctx, cancel := hf.commandContext()
			defer cancel()
			s, err := hf.openOps(ctx, cmd, true)
			if err != nil {
				return err
			}
			defer s.close()
			all := &ops.ReplugResult{VIFs: []ops.VIFReplug{}, Damaged: []ops.Damaged{}}
			if ids == nil { // --all: the ids now in the inventory, in chunks for progress
				lr, err := s.List(ctx)
				if err != nil {
					return opsCallError("replug", err)
				}
				for _, v := range lr.VIFs {
					ids = append(ids, v.ID)
				}
				all.Damaged = lr.Damaged
			}
			progress := isTerminal(cmd.ErrOrStderr())
			for start := 0; start < len(ids); start += replugChunk {
				end := min(start+replugChunk, len(ids))
				res, err := s.Replug(ctx, ids[start:end])
				if err != nil {
					return opsCallError("replug", err)
				}
				all.VIFs = append(all.VIFs, res.VIFs...)
				if progress {
					fmt.Fprintf(cmd.ErrOrStderr(), "\rreplug: %d/%d VIFs", end, len(ids))
				}
			}
			if progress && len(ids) > 0 {
				fmt.Fprintln(cmd.ErrOrStderr())
			}
			out := cmd.OutOrStdout()
			if hf.output == "json" {
				if err := printJSON(out, all); err != nil {
					return err
				}
			} else {
				printReplug(cmd, all)
			}
			if all.Failed() {
				return &exitError{code: 1, err: fmt.Errorf("replug failed for some VIFs")}
			}
			return nil
		},
	}
	hf.register(cmd)
	sel.register(cmd)
	return cmd
}

func printReplug(cmd *cobra.Command, res *ops.ReplugResult) {
	out := cmd.OutOrStdout()
	counts := map[string]int{}
	for _, v := range res.VIFs {
		counts[v.Status]++
		switch v.Status {
		case ops.StatusRepaired:
			fmt.Fprintf(out, "%s: repaired %d drift items\n", v.ID, len(v.Before))
		case ops.StatusFailed:
			fmt.Fprintf(out, "%s: failed: %s\n", v.ID, v.Error)
			for _, d := range v.After {
				fmt.Fprintf(out, "%s:   still %s\n", v.ID, d)
			}
		}
	}
	printDamaged(out, res.Damaged)
	fmt.Fprintf(out, "replugged %d VIFs: %d ok, %d repaired (%d drift items), %d unchecked, %d failed\n",
		len(res.VIFs), counts[ops.StatusOK], counts[ops.StatusRepaired], res.Repaired(), counts[ops.StatusUnchecked], counts[ops.StatusFailed])
}
