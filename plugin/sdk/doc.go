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
// [os_vif_<name>] section through plugin.Env.Section, a context that ends a little before govif's
// timeout (a tenth of it, at most 2s, is left to roll back and answer) and on SIGTERM or SIGINT,
// and a logger writing to stderr (govif keeps its tail for error messages).
package sdk
