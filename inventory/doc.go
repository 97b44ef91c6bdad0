// Package inventory is the daemon's durable record of the VIFs it plugged: for each VIF its
// os-vif primitive, the instance info, when and by which plugin it was plugged, and the host
// objects the plug made (devices, OVS bridge and ports). It is what `govif list`, `check`,
// `replug` and `gc` work from.
//
// # Layout and crash safety
//
// The store is a directory (<state_path>/vifs) with one file per VIF, <id>.json. A write goes
// to a temporary file in the same directory, is fsynced, renamed over <id>.json, and the
// directory is fsynced; a delete unlinks the file and fsyncs the directory. rename(2) is
// atomic, so a reader (or a daemon restarted after kill -9) sees either the old record or the
// new one, never a mix, and a Put or Delete that returned is on disk. Temporary files left by a
// write that was interrupted belong to operations that were never acknowledged; Open removes
// them.
//
// One file per VIF was chosen over an append-only journal: a plug or unplug costs one small
// write and two fsyncs whatever the number of VIFs, there is no compaction to get wrong, damage
// (a disk error, a hand edit) is confined to the one VIF whose file it hits, and an operator
// can read or remove a record with cat and rm. Each file carries a SHA-256 of its record, so
// a damaged file is detected; List reports it by file name and skips it, it is never fatal.
package inventory
