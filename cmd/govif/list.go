package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func newListCmd() *cobra.Command {
	var hf hostFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the plugged VIFs (the inventory)",
		Long: `List the VIFs the daemon plugged and recorded in its inventory ([govif_daemon]
state_path): id, instance, plugin, type, devices, bridge and since when. With --server the
daemon answers; without it the inventory is read directly. Damaged records are listed and
skipped.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := hf.check(); err != nil {
				return err
			}
			ctx, cancel := hf.commandContext()
			defer cancel()
			s, err := hf.openOps(ctx, cmd, false)
			if err != nil {
				return err
			}
			defer s.close()
			res, err := s.List(ctx)
			if err != nil {
				return opsCallError("list", err)
			}
			out := cmd.OutOrStdout()
			if hf.output == "json" {
				return printJSON(out, res)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tINSTANCE\tPLUGIN\tTYPE\tBRIDGE\tDEVICES\tSINCE")
			for _, v := range res.VIFs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, orDash(v.InstanceUUID), v.Plugin, v.Type,
					orDash(v.Bridge), orDash(strings.Join(v.Devices, ",")), v.Since.Format(time.RFC3339))
			}
			tw.Flush()
			printDamaged(cmd.ErrOrStderr(), res.Damaged)
			return nil
		},
	}
	hf.register(cmd)
	return cmd
}
