package govif

import (
	"errors"
	"fmt"

	"github.com/govif/govif/objects"
)

// ErrNoMatchingPlugin is matched (errors.Is) by the error of Plug and Unplug for a VIF whose
// plugin is not loaded. The same error also matches *objects.NoMatchingPluginError (errors.As),
// whose text is os-vif's "No VIF plugin was found with the name <name>".
var ErrNoMatchingPlugin = errors.New("no matching VIF plugin")

type noMatchingPlugin struct {
	e *objects.NoMatchingPluginError
}

func (n noMatchingPlugin) Error() string   { return n.e.Error() }
func (n noMatchingPlugin) Unwrap() []error { return []error{n.e, ErrNoMatchingPlugin} }

func errNoMatchingPlugin(name string) error {
	return noMatchingPlugin{&objects.NoMatchingPluginError{PluginName: name}}
}

// PlugError is a plugin's failure to plug or unplug a VIF: os-vif's PlugException and
// UnplugException. Err is the plugin's error (errors.Is/As see through PlugError).
type PlugError struct {
	Op     string // "plug" or "unplug"
	VIFID  string // the VIF's id
	Plugin string // the plugin that failed
	Err    error
}

// Error returns os-vif's text: "Failed to plug VIF <id>. Got error: <err>".
func (e *PlugError) Error() string {
	return fmt.Sprintf("Failed to %s VIF %s. Got error: %v", e.Op, e.VIFID, e.Err)
}

// Unwrap returns the plugin's error.
func (e *PlugError) Unwrap() error { return e.Err }

// errLoadFailed is the error of a call routed to a plugin that failed to load.
type errLoadFailed struct {
	plugin string
	err    error
}

func (e *errLoadFailed) Error() string {
	return fmt.Sprintf("plugin %s failed to load: %v", e.plugin, e.err)
}
func (e *errLoadFailed) Unwrap() error { return e.err }
