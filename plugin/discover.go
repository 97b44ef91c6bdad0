package plugin

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Executable is an external plugin found on disk.
type Executable struct {
	Name string // the plugin name: the file name after ExecPrefix
	Path string
}

// Discover lists the external plugins in dirs: regular, executable files named
// govif-plugin-<name> with a valid name, not writable by group or others. A name found in several directories is taken from the
// first (as PATH lookup does); the others are logged and skipped. A missing directory is not an
// error. The result is sorted by name.
func Discover(dirs []string, logger *slog.Logger) ([]Executable, error) {
	if logger == nil {
		logger = slog.Default()
	}
	seen := map[string]string{}
	var out []Executable
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			logger.Debug("plugin directory absent", "dir", dir)
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, de := range entries {
			name, ok := strings.CutPrefix(de.Name(), ExecPrefix)
			if !ok {
				continue
			}
			path := filepath.Join(dir, de.Name())
			if !ValidName(name) {
				logger.Warn("ignoring plugin executable with an invalid name", "path", path)
				continue
			}
			info, err := os.Stat(path) // follows symlinks
			if err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
				logger.Warn("ignoring plugin file that is not an executable regular file", "path", path)
				continue
			}
			if info.Mode().Perm()&0o022 != 0 {
				// govif usually runs as root: a plugin anyone could rewrite is a way in.
				logger.Warn("ignoring plugin executable writable by group or others", "path", path, "mode", info.Mode().Perm().String())
				continue
			}
			if first, dup := seen[name]; dup {
				logger.Warn("ignoring plugin executable shadowed by an earlier plugin directory", "path", path, "used", first)
				continue
			}
			seen[name] = path
			out = append(out, Executable{Name: name, Path: path})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
