package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/govif/govif/ops"
)

// errDrift makes the command exit 1 (the drift itself is printed on stdout).
var errDrift = &exitError{code: 1, err: fmt.Errorf("drift found")}

func newCheckCmd() *cobra.Command {
	var (
		hf  hostFlags
		sel selectFlags
	)
	cmd := &cobra.Command{
		Use:   "check (--vif ID|FILE ... | --all)",
		Short: "Compare the host with the plugged VIFs and print every drift item",
		Long: `Compare the host with what plugging each VIF made: OVS ports and bridge membership,
Interface type, options and external_ids, devices (kind, MTU, up, promisc, master, veth
peer), iptables rules of linux_bridge VIFs, the vhost-user socket path. Every difference is
printed. Nothing is changed. Exit 0: no drift; 1: drift (or a VIF could not be checked);
2: bad input (an id not in the inventory).`,
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
			res, err := s.Check(ctx, ids)
			if err != nil {
				return opsCallError("check", err)
			}
			out := cmd.OutOrStdout()
			if hf.output == "json" {
				if err := printJSON(out, res); err != nil {
					return err
				}
			} else {
				printCheck(cmd, res)
			}
			if !res.Clean() {
				return errDrift
			}
			return nil
		},
	}
	hf.register(cmd)
	sel.register(cmd)
	return cmd
}

func printCheck(cmd *cobra.Command, res *ops.CheckResult) {
	out := cmd.OutOrStdout()
	counts := map[string]int{}
	for _, v := range res.VIFs {
		counts[v.Status]++
		for _, d := range v.Drift {
			fmt.Fprintf(out, "%s: %s\n", v.ID, d)
		}
		if v.Error != "" {
			fmt.Fprintf(out, "%s: %s: %s\n", v.ID, v.Status, v.Error)
		}
	}
	printDamaged(out, res.Damaged)
	fmt.Fprintf(out, "checked %d VIFs: %d ok, %d with drift (%d items), %d unchecked, %d errors, %d damaged records\n",
		len(res.VIFs), counts[ops.StatusOK], counts[ops.StatusDrift], res.DriftCount(), counts[ops.StatusUnchecked],
		counts[ops.StatusError], len(res.Damaged))
}
