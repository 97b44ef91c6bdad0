// Package all registers every built-in plugin. Programs blank-import it:
//
//	import _ "github.com/govif/govif/plugins/all"
package all
