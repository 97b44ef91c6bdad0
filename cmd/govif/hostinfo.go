package main

import (
	"context"
	"fmt"
	"github.com/govif/govif"
	"github.com/govif/govif/daemon"
	"github.com/govif/govif/internal/buildinfo"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/govif/govif/objects"
)

func newHostInfoCmd() *cobra.Command {
	var (
		hf        hostFlags
		permitted []string
	)
	cmd := &cobra.Command{
		Use:   "host-info [--permitted VIFType,...]",
		Short: "Show the host's VIF plugins and the VIF types and versions they support",
		Long: `Show what os_vif.host_info() returns on this host (or on the daemon's, with --server): each
loaded plugin, the VIF classes it plugs with their version range, and the port profiles each
takes. --permitted keeps only the named VIF classes (as Nova filters). -o json prints the
HostInfo primitive, the form Nova sends to Neutron; the text form starts with the govif
version doing the plugging (the daemon's, with --server).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := hf.check(); err != nil {
				return err
			}
			var names []string
			for _, p := range permitted {
				if p = strings.TrimSpace(p); p != "" {
					names = append(names, p)
				}
			}
			ctx, cancel := hf.commandContext()
			defer cancel()
			h, closeHost, err := hf.openHost(ctx, cmd)
			if err != nil {
				return err
			}
			defer closeHost()
			hi, err := h.HostInfo(ctx, names...)
			if err != nil {
				return oneLine(err)
			}
			if hf.output == "json" {
				b, err := objects.Encode(hi)
				if err != nil {
					return err
				}
				return writeJSON(cmd.OutOrStdout(), b, true)
			}
			where := "this process"
			if hf.server != "" {
				where = "the daemon at " + hf.server
			}
			ver, err := hostVersion(ctx, h)
			if err != nil {
				return oneLine(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "govif %s (%s)\n", ver, where)
			return printHostInfo(cmd.OutOrStdout(), hi)
		},
	}
	hf.register(cmd)
	cmd.Flags().StringSliceVar(&permitted, "permitted", nil, "only these VIF classes (comma-separated, e.g. VIFOpenVSwitch,VIFBridge)")
	_ = cmd.RegisterFlagCompletionFunc("permitted", fixedCompletion(vifClassNames()...))
	return cmd
}

func printHostInfo(w io.Writer, hi *objects.HostInfo) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PLUGIN\tVIF TYPE\tVERSIONS\tPORT PROFILES")
	n := 0
	for _, p := range hi.PluginInfo.Value() {
		for _, v := range p.VIFInfo.Value() {
			var profiles []string
			for _, pp := range v.SupportedPortProfiles.Or(nil) {
				profiles = append(profiles, fmt.Sprintf("%s %s-%s", pp.ProfileObjectName.Value(), pp.MinVersion.Value(), pp.MaxVersion.Value()))
			}
			if len(profiles) == 0 {
				profiles = []string{"-"}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s-%s\t%s\n", p.PluginName.Value(), v.VIFObjectName.Value(),
				v.MinVersion.Value(), v.MaxVersion.Value(), strings.Join(profiles, ", "))
			n++
		}
		if len(p.VIFInfo.Value()) == 0 {
			fmt.Fprintf(tw, "%s\t-\t-\t-\n", p.PluginName.Value())
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n == 0 {
		_, err := fmt.Fprintln(w, "(no VIF types)")
		return err
	}
	return nil
}

// hostVersion is the govif version of the host h: the daemon's when h is a client.
func hostVersion(ctx context.Context, h govif.Interface) (string, error) {
	if c, ok := h.(*daemon.Client); ok {
		hi, err := c.HealthInfo(ctx)
		if hi.Version != "" { // a degraded daemon still says which version it is
			return hi.Version, nil
		}
		return "", err
	}
	return buildinfo.Version(), nil
}

// vifClassNames lists the VIF classes (for completing --permitted).
func vifClassNames() []string {
	var names []string
	for _, c := range objects.Classes() {
		if c.Parent == "VIFBase" {
			names = append(names, c.Name)
		}
	}
	return names
}
