// Package plugin defines what a govif VIF plugin is and how govif finds one.
//
// A plugin implements Plugin (Describe, Plug, Unplug), the Go form of os-vif's PluginBase.
// Built-in plugins register a Factory under their name from an init function, as database/sql
// drivers do:
//
//	func init() { plugin.Register("noop", New) }
//
// and programs pull them in with a blank import (github.com/govif/govif/plugins/all).
//
// Third-party plugins need no recompilation: an executable named govif-plugin-<name> in one of
// the configured plugin directories ([govif] plugin_dirs) is run once per call by the exec
// adapter (Exec), which speaks a small, versioned JSON protocol over argv, stdin and stdout
// (see protocol.go and docs/plugins.md). The plugin/sdk package implements the plugin side of
// that protocol for Go authors, so one Factory can be built in or run as an executable.
//
// The package knows the object model and the configuration, and nothing about the host's
// devices or Open vSwitch.
package plugin
