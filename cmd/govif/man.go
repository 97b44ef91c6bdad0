package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newManCmd is the hidden `govif man --dir DIR`: it writes one man page (section 1) per
// command, generated from the command tree, for the Debian package (`make deb`).
func newManCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:    "man --dir DIR",
		Short:  "Write govif's man pages (section 1) to DIR",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("--dir: %w", err)
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true
			hdr := &doc.GenManHeader{Title: "GOVIF", Section: "1", Source: "govif " + root.Version, Manual: "govif manual"}
			return doc.GenManTree(root, hdr, dir)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "directory to write the pages to")
	_ = cmd.MarkFlagRequired("dir")
	return cmd
}
