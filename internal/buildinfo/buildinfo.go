// Package buildinfo says which govif this is: the version stamped at build time
// (`make build` passes -ldflags "-X github.com/govif/govif/internal/buildinfo.version=...",
// from `git describe` or the VERSION file), else what the Go toolchain recorded in the binary
// (the module version, or the VCS revision for a build from a checkout).
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// version is set with -ldflags -X at build time; empty means "not stamped".
var version string

// Version is govif's version: the stamped one, else the module version or VCS revision Go
// recorded, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "devel+" + rev
	if modified == "true" {
		v += ".dirty"
	}
	return v
}

// Info is what `govif version -o json` and the daemon's /healthz report.
type Info struct {
	Version   string `json:"version"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

// Get returns this binary's Info.
func Get() Info {
	return Info{Version: Version(), GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
}
