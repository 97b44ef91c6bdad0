package main

import (
	"io"
	"os"

	"github.com/spf13/cobra"
)

// readInputFile reads FILE, or standard input for "-" or no argument.
func readInputFile(cmd *cobra.Command, args []string) ([]byte, error) {
	path := "-"
	if len(args) > 0 {
		path = args[0]
	}
	data, err := readFileOrStdin(cmd.InOrStdin(), path)
	if err != nil {
		return nil, badInput(err)
	}
	return data, nil
}

// readFileOrStdin reads the file at path, or all of stdin when path is "-".
func readFileOrStdin(stdin io.Reader, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(path)
}
