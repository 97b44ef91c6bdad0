package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/govif/govif/binding"
	"github.com/govif/govif/config"
	"github.com/govif/govif/objects"
)

func newBindingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "binding",
		Short: "Convert Neutron port bindings and Nova network_info VIFs to os-vif objects",
	}
	cmd.AddCommand(newBindingConvertCmd())
	return cmd
}

func newBindingConvertCmd() *cobra.Command {
	var (
		from                 string
		cfg                  binding.NovaConfig
		output               string
		target, manifestPath string
	)
	cmd := &cobra.Command{
		Use:   "convert [FILE|-]",
		Short: "Convert a network_info VIF or a Neutron port to an os-vif VIF primitive, as Nova does",
		Long: "Reads JSON from FILE or standard input and writes the os-vif VIF primitive Nova 26 would build.\n" +
			"Input is either one VIF of Nova's network_info (keys id, type, details, network, ...), or a\n" +
			"Neutron port: a bare port body (keys binding:vif_type, fixed_ips, ...) or a document\n" +
			"{\"port\": {...}, \"network\": {...}, \"subnets\": [...], \"dhcp_ports\": [...], \"floatingips\": [...],\n" +
			"\"preserve_on_delete\": false}. --from picks the form; by default it is told by the keys.\n" +
			"The Nova options it reads ([neutron] ovs_bridge, [DEFAULT] flat_injected) come from --config (a\n" +
			"nova.conf), overridden by --ovs-bridge and --flat-injected.\n" +
			"By default the VIF types Nova 26 plugs itself (tap, midonet, iovisor, ib_hostdev, hw_veb, macvtap)\n" +
			"convert to objects for govif's plugins (govif's extension, docs/binding.md); --govif-vif-types=false\n" +
			"answers exactly as Nova 26. --target-version and --manifest backport the result for an older\n" +
			"os-vif peer, as in `govif object convert`.\n" +
			"Exit 2 with the offending field on bad input or a vif_type os-vif does not handle.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readInputFile(cmd, args)
			if err != nil {
				return err
			}
			if err := novaOptions(cmd, &cfg); err != nil {
				return err
			}
			vif, err := convertBinding(data, from, cfg)
			if err != nil {
				return badInput(oneLine(err))
			}
			opts := objects.EncodeOptions{TargetVersion: target}
			if manifestPath != "" {
				if opts.Manifest, err = readManifest(manifestPath); err != nil {
					return err
				}
			}
			out, err := objects.EncodeWith(vif, opts)
			if err != nil {
				return badInput(oneLine(err))
			}
			return writeJSON(cmd.OutOrStdout(), out, false)
		},
	}
	cmd.Flags().StringVar(&from, "from", "auto", "input form: nova (network_info VIF), neutron (port) or auto")
	cmd.Flags().StringVar(&cfg.OVSBridge, "ovs-bridge", binding.DefaultOVSBridge, "Nova [neutron] ovs_bridge: the integration bridge when the binding names none")
	cmd.Flags().BoolVar(&cfg.FlatInjected, "flat-injected", false, "Nova [DEFAULT] flat_injected (network meta only)")
	cmd.Flags().BoolVar(&cfg.GovifVIFTypes, "govif-vif-types", true, "convert the VIF types Nova plugs itself (tap, midonet, iovisor, ib_hostdev, hw_veb, macvtap) for govif's plugins; false: exactly Nova 26")
	cmd.Flags().BoolVar(&cfg.Multiqueue, "multiqueue", false, "the instance has multi-queue VIFs (Nova: hw:vif_multiqueue_enabled with virtio): an OVS VIF with ovs_create_tap, or a tap VIF, gets a multi-queue tap")
	cmd.Flags().StringVar(&target, "target-version", "", "backport the VIF to this version (e.g. 1.0)")
	cmd.Flags().StringVar(&manifestPath, "manifest", "", "JSON file mapping class names to versions for nested objects (e.g. {\"VIFPortProfileOpenVSwitch\": \"1.3\"} for os-vif 3.0.0)")
	_ = cmd.RegisterFlagCompletionFunc("from", fixedCompletion("auto", "nova", "neutron"))
	_ = cmd.MarkFlagFilename("manifest", "json")
	addOutputFlag(cmd, &output, "json")
	return cmd
}

// novaOptions fills cfg from --config ([neutron] ovs_bridge, [DEFAULT] flat_injected) where
// the flags were not given.
func novaOptions(cmd *cobra.Command, cfg *binding.NovaConfig) error {
	path := configPath(cmd)
	if path == "" {
		return nil
	}
	c, err := loadConfig(path)
	if err != nil {
		return badInput(oneLine(err))
	}
	if !cmd.Flags().Changed("ovs-bridge") {
		if v, ok := c.Section("neutron").Get("ovs_bridge"); ok && v != "" {
			cfg.OVSBridge = v
		}
	}
	if !cmd.Flags().Changed("flat-injected") {
		v, err := c.Section(config.SectionDefault).Bool("flat_injected", false)
		if err != nil {
			return badInput(oneLine(fmt.Errorf("--config %s: %w", path, err)))
		}
		cfg.FlatInjected = v
	}
	return nil
}

// convertBinding converts data in the form named by from ("auto" guesses it from the keys).
func convertBinding(data []byte, from string, cfg binding.NovaConfig) (objects.VIF, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return nil, fmt.Errorf("input: want a JSON object: %w", err)
	}
	_, hasPort := keys["port"]
	_, hasVIFType := keys["binding:vif_type"]
	_, hasType := keys["type"]
	if from == "auto" {
		switch {
		case hasPort || hasVIFType:
			from = "neutron"
		case hasType:
			from = "nova"
		default:
			return nil, errors.New(`input: cannot tell the form: want a network_info VIF (key "type"), a Neutron port (key "binding:vif_type") or {"port": ...}`)
		}
	}
	switch from {
	case "nova":
		v, err := binding.ParseNovaVIF(data)
		if err != nil {
			return nil, err
		}
		return binding.FromNovaVIFWith(v, cfg)
	case "neutron":
		var doc binding.NeutronDocument
		if hasPort {
			if err := json.Unmarshal(data, &doc); err != nil {
				return nil, fmt.Errorf("input: Neutron document: %w", err)
			}
		} else if err := json.Unmarshal(data, &doc.Port); err != nil {
			return nil, fmt.Errorf("input: Neutron port: %w", err)
		}
		return binding.FromNeutronPort(doc.Port, doc.Options(cfg))
	}
	return nil, fmt.Errorf("--from %q: want nova, neutron or auto", from)
}
