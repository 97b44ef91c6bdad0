package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// formatValue is the value of -o/--output: one of a fixed set, checked when the flag is
// parsed (a bad value is a usage error, exit 2).
type formatValue struct {
	v       *string
	allowed []string
}

func (f *formatValue) String() string { return *f.v }
func (f *formatValue) Type() string   { return "format" }
func (f *formatValue) Set(s string) error {
	if !slices.Contains(f.allowed, s) {
		return fmt.Errorf("want %s", strings.Join(f.allowed, " or "))
	}
	*f.v = s
	return nil
}

// addOutputFlag gives cmd the -o/--output flag every printing command has; the first allowed
// format is the default. It completes to the allowed formats.
func addOutputFlag(cmd *cobra.Command, p *string, allowed ...string) {
	*p = allowed[0]
	cmd.Flags().VarP(&formatValue{v: p, allowed: allowed}, "output", "o", "output format: "+strings.Join(allowed, " or "))
	_ = cmd.RegisterFlagCompletionFunc("output", fixedCompletion(allowed...))
}

// fixedCompletion completes a flag's value from a fixed list.
func fixedCompletion(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// writeJSON writes the JSON document b with a final newline: as it is (an os-vif primitive is
// printed compact, as on the wire; pipe it to jq to read it), or indented.
func writeJSON(w io.Writer, b []byte, indent bool) error {
	var buf bytes.Buffer
	if indent {
		if err := json.Indent(&buf, b, "", "  "); err != nil {
			return err
		}
	} else {
		buf.Write(b)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// writeValue writes v as indented JSON.
func writeValue(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
