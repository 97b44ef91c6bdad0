// Package objects is os-vif's versioned object model in Go: the 31 classes (VIFs, port
// profiles, datapath offloads, networks, host info) with their fields, versions and the
// oslo.versionedobjects wire codec (primitives), backports and validation.
//
// It imports nothing outside the standard library and knows nothing of plugins or devices.
package objects
