package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govif/govif/objects"
)

func newObjectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "object",
		Short: "Convert, backport, validate and list os-vif objects (oslo.versionedobjects primitives)",
	}
	cmd.AddCommand(newObjectConvertCmd(), newObjectValidateCmd(), newObjectListCmd())
	return cmd
}

func newObjectConvertCmd() *cobra.Command {
	var target, manifestPath, output string
	cmd := &cobra.Command{
		Use:   "convert [FILE|-]",
		Short: "Read one primitive and write it again, at the same version or backported",
		Long: "Reads one os-vif primitive (JSON) from FILE or standard input and writes it to standard output:\n" +
			"unchanged in meaning at the version it was received at, or backported with --target-version\n" +
			"(the top-level object) and/or --manifest (a JSON file {\"ClassName\": \"1.0\", ...} for nested\n" +
			"objects, applied by concrete class name, then by the declared class name). Exit 2 on bad input.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := readObject(cmd, args)
			if err != nil {
				return err
			}
			var out []byte
			if target == "" && manifestPath == "" {
				out, err = objects.Encode(o)
			} else {
				opts := objects.EncodeOptions{TargetVersion: target}
				if manifestPath != "" {
					if opts.Manifest, err = readManifest(manifestPath); err != nil {
						return err
					}
				}
				out, err = objects.EncodeWith(o, opts)
			}
			if err != nil {
				return badInput(oneLine(err))
			}
			return writeJSON(cmd.OutOrStdout(), out, false)
		},
	}
	cmd.Flags().StringVar(&target, "target-version", "", "backport the top-level object to this version (e.g. 1.0)")
	cmd.Flags().StringVar(&manifestPath, "manifest", "", "JSON file mapping class names to versions for nested objects")
	addOutputFlag(cmd, &output, "json")
	return cmd
}

func newObjectValidateCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "validate [FILE|-]",
		Short: "Check that a primitive decodes and every field is valid",
		Long: "Decodes one os-vif primitive from FILE or standard input and validates every field.\n" +
			"Prints \"<class> <version>: valid\" (-o json: {\"class\", \"version\", \"valid\"}) and exits 0, or prints\n" +
			"the bad field's path on standard error and exits 2.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o, err := readObject(cmd, args)
			if err != nil {
				return err
			}
			if err := objects.Validate(o); err != nil {
				return badInput(oneLine(err))
			}
			if output == "json" {
				return writeValue(cmd.OutOrStdout(), struct {
					Class   string `json:"class"`
					Version string `json:"version"`
					Valid   bool   `json:"valid"`
				}{o.ObjName(), objects.ObjVersion(o), true})
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s %s: valid\n", o.ObjName(), objects.ObjVersion(o))
			return err
		},
	}
	addOutputFlag(cmd, &output, "text", "json")
	return cmd
}

func newObjectListCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every os-vif class with its version history",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			classes := objects.Classes()
			w := cmd.OutOrStdout()
			if output == "json" {
				return writeValue(w, classes)
			}
			var buf bytes.Buffer
			for _, c := range classes {
				parent := ""
				if c.Parent != "" {
					parent = " (" + c.Parent + ")"
				}
				fmt.Fprintf(&buf, "%s %s%s\n", c.Name, c.Version, parent)
				for _, v := range c.History {
					added := "-"
					if len(v.Added) > 0 {
						added = strings.Join(v.Added, ", ")
					}
					fmt.Fprintf(&buf, "  %s: %s\n", v.Version, added)
				}
			}
			_, err := w.Write(buf.Bytes())
			return err
		},
	}
	addOutputFlag(cmd, &output, "text", "json")
	return cmd
}

// readObject reads and decodes one primitive from args[0] ("-" or none: standard input).
func readObject(cmd *cobra.Command, args []string) (objects.Object, error) {
	data, err := readInputFile(cmd, args)
	if err != nil {
		return nil, err
	}
	o, err := objects.Decode(data)
	if err != nil {
		return nil, badInput(oneLine(err))
	}
	return o, nil
}

// readManifest reads a version manifest: a JSON object of class name to version.
func readManifest(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, badInput(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, badInput(fmt.Errorf("manifest %s: want a JSON object of class name to version string: %w", path, err))
	}
	return m, nil
}

// oneLine keeps an error on one line of stderr (the type stays reachable with errors.As).
func oneLine(err error) error {
	msg := err.Error()
	if !strings.ContainsAny(msg, "\r\n") {
		return err
	}
	return &flatError{msg: strings.Join(strings.Fields(msg), " "), err: err}
}

type flatError struct {
	msg string
	err error
}

func (e *flatError) Error() string { return e.msg }
func (e *flatError) Unwrap() error { return e.err }
