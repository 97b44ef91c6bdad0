// Package ops is what an operator does with the VIFs a host plugged: it wraps a govif Host so
// that every successful plug is recorded in the inventory (before it is acknowledged) and every
// unplug removes its record, and it answers "what is plugged here?" (List), "is it still
// right?" (Check), "put it back" (Replug, also after a reboot) and "clean up what nothing
// accounts for" (GC). The daemon serves it; the CLI uses it in-process too.
//
// Check, Replug and GC work through the optional plugin.Checker and plugin.Collector
// interfaces: VIFs of plugins without them, and VIFs whose Check answers
// plugin.ErrNotCheckable, are reported as unchecked.
package ops
