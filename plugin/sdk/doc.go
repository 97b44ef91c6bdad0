// Package sdk implements the plugin side of govif's exec protocol, so that a Go VIF plugin can
// run as an external executable (govif-plugin-<name>) without recompiling govif:
//
//	package main
//
//	import (
//		"github.com/govif/govif/plugin"
//		"github.com/govif/govif/plugin/sdk"
//	)
//
//	func main() { sdk.Serve("example", New) } // New is a plugin.Factory
//
// The same Factory can be registered as a built-in with plugin.Register. The plugin gets its
// [os_vif_<name>] section through plugin.Env.Section, a context bounded by govif's timeout and
// cancelled on SIGTERM or SIGINT, and a logger writing to stderr (which govif keeps the tail of
// for error messages).
package sdk
