package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

func newGCCmd() *cobra.Command {
	var (
		hf      hostFlags
		liveIDs string
		yes     bool
	)
	cmd := &cobra.Command{
		Use:   "gc [--live-ids FILE] [--yes]",
		Short: "Find (and with --yes remove) VIF plumbing nothing accounts for",
		Long: `Find os-vif-style plumbing on the host that no inventory record, no plug in flight and no
id in --live-ids accounts for: qbr/qvb/qvo/tap devices, OVS ports whose interface has an
iface-id, per-port pb bridges, QoS rows no port uses. A dry run by default: it prints what it
would remove. With --yes it removes exactly that (refused while inventory records are
damaged). --live-ids FILE: VIF or Neutron port ids in use (one per line, or a JSON array;
"-" for standard input), e.g. the ports of the instances Nova has on this host.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := hf.check(); err != nil {
				return err
			}
			var live []string
			if liveIDs != "" {
				var err error
				if live, err = readLiveIDs(cmd.InOrStdin(), liveIDs); err != nil {
					return badInput(err)
				}
			}
			ctx, cancel := hf.commandContext()
			defer cancel()
			s, err := hf.openOps(ctx, cmd, true)
			if err != nil {
				return err
			}
			defer s.close()
			res, err := s.GC(ctx, live, yes)
			if err != nil {
				return opsCallError("gc", err)
			}
			out := cmd.OutOrStdout()
			if hf.output == "json" {
				if err := printJSON(out, res); err != nil {
					return err
				}
			} else {
				verb := "stale"
				if res.Removed {
					verb = "removed"
				}
				for _, st := range res.Stale {
					where := ""
					if st.Bridge != "" {
						where = " on " + st.Bridge
					}
					fmt.Fprintf(out, "%s %s %s%s (%s)\n", verb, st.Kind, st.Name, where, st.Reason)
				}
				for _, e := range res.Errors {
					fmt.Fprintf(out, "error: %s\n", e)
				}
				switch {
				case len(res.Stale) == 0:
					fmt.Fprintln(out, "nothing stale")
				case !yes:
					fmt.Fprintf(out, "dry run: %d stale objects; run with --yes to remove them\n", len(res.Stale))
				case res.Removed:
					fmt.Fprintf(out, "removed %d stale objects\n", len(res.Stale))
				}
			}
			if len(res.Errors) > 0 {
				return &exitError{code: 1, err: fmt.Errorf("gc could not remove %d objects", len(res.Errors))}
			}
			return nil
		},
	}
	hf.register(cmd)
	cmd.Flags().StringVar(&liveIDs, "live-ids", "", "file of VIF / Neutron port ids in use (one per line or a JSON array; - for standard input)")
	cmd.Flags().BoolVar(&yes, "yes", false, "remove what is found (default: dry run)")
	return cmd
}

// readLiveIDs reads ids one per line ('#' starts a comment) or as a JSON array of strings.
func readLiveIDs(stdin io.Reader, path string) ([]string, error) {
	data, err := readFileOrStdin(stdin, path)
	if err != nil {
		return nil, fmt.Errorf("--live-ids: %w", err)
	}
	if t := strings.TrimSpace(string(data)); strings.HasPrefix(t, "[") {
		var ids []string
		if err := json.Unmarshal([]byte(t), &ids); err != nil {
			return nil, fmt.Errorf("--live-ids %s: not a JSON array of strings: %w", path, err)
		}
		return ids, nil
	}
	var ids []string
	for i, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.ContainsAny(line, " \t") {
			return nil, fmt.Errorf("--live-ids %s line %d: %q: one id per line", path, i+1, line)
		}
		ids = append(ids, line)
	}
	return ids, nil
}
