package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/govif/govif/binding"
	"github.com/govif/govif/objects"
)

func newNegotiateCmd() *cobra.Command {
	var (
		hostInfoPath, manifestPath string
		vifPaths                   []string
		primitiveOnly              bool
		output                     string
	)
	cmd := &cobra.Command{
		Use:   "negotiate --host-info FILE --vif FILE [--vif FILE ...]",
		Short: "Pick the first candidate VIF a host supports and encode it at versions the host knows",
		Long: "Reads a HostInfo primitive (what `govif` or Python os-vif's host_info() reports) and one or more\n" +
			"candidate VIF primitives, in order of preference. Chooses the first candidate whose plugin, VIF\n" +
			"class and port profile class the host supports, encodes it at the highest common versions and\n" +
			"writes {\"index\", \"plugin\", \"version\", \"manifest\", \"primitive\"} (or only the primitive with\n" +
			"--primitive). --manifest caps nested classes the HostInfo does not cover (e.g. {\"Network\": \"1.0\"}).\n" +
			"One of --host-info and --vif may be \"-\": standard input (e.g. govif host-info -o json | govif negotiate\n" +
			"--host-info - --vif a.json).\n" +
			"Exit 2 on bad input, 1 with one reason per candidate when the host supports none.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if hostInfoPath == "" {
				return badInput(errors.New("--host-info: required"))
			}
			if len(vifPaths) == 0 {
				return badInput(errors.New("--vif: at least one candidate VIF file is required"))
			}
			stdinUsers := 0
			for _, p := range append([]string{hostInfoPath}, vifPaths...) {
				if p == "-" {
					stdinUsers++
				}
			}
			if stdinUsers > 1 {
				return badInput(errors.New("--host-info and --vif: only one of them can read standard input (-)"))
			}
			read := func(flag, p string) ([]byte, error) {
				data, err := readFileOrStdin(cmd.InOrStdin(), p)
				if err != nil {
					return nil, badInput(fmt.Errorf("--%s: %w", flag, err))
				}
				return data, nil
			}
			data, err := read("host-info", hostInfoPath)
			if err != nil {
				return err
			}
			host, err := objects.DecodeHostInfo(data)
			if err != nil {
				return badInput(oneLine(fmt.Errorf("--host-info %s: %w", hostInfoPath, err)))
			}
			var vifs []objects.VIF
			for _, p := range vifPaths {
				data, err := read("vif", p)
				if err != nil {
					return err
				}
				vif, err := objects.DecodeVIF(data)
				if err != nil {
					return badInput(oneLine(fmt.Errorf("--vif %s: %w", p, err)))
				}
				vifs = append(vifs, vif)
			}
			var opts binding.NegotiateOptions
			if manifestPath != "" {
				if opts.Manifest, err = readManifest(manifestPath); err != nil {
					return err
				}
			}
			n, err := binding.NegotiateWith(host, opts, vifs...)
			if err != nil {
				var fe *binding.FieldError
				if errors.As(err, &fe) {
					return badInput(oneLine(err))
				}
				return oneLine(err)
			}
			if primitiveOnly {
				return writeJSON(cmd.OutOrStdout(), n.Primitive, false)
			}
			out, err := json.Marshal(struct {
				Index     int               `json:"index"`
				Plugin    string            `json:"plugin"`
				Version   string            `json:"version"`
				Manifest  map[string]string `json:"manifest"`
				Primitive json.RawMessage   `json:"primitive"`
			}{n.Index, n.Plugin, n.Version, n.Manifest, n.Primitive})
			if err != nil {
				return err
			}
			return writeJSON(cmd.OutOrStdout(), out, false)
		},
	}
	cmd.Flags().StringVar(&hostInfoPath, "host-info", "", "HostInfo primitive (JSON file, - for standard input)")
	cmd.Flags().StringArrayVar(&vifPaths, "vif", nil, "candidate VIF primitive (JSON file, - for standard input); repeat, most preferred first")
	cmd.Flags().StringVar(&manifestPath, "manifest", "", "JSON file capping nested classes: {\"Network\": \"1.0\", ...}")
	cmd.Flags().BoolVar(&primitiveOnly, "primitive", false, "write only the negotiated VIF primitive")
	addOutputFlag(cmd, &output, "json")
	for _, f := range []string{"host-info", "vif", "manifest"} {
		_ = cmd.MarkFlagFilename(f, "json")
	}
	return cmd
}
