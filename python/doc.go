// Package python holds the os-vif bridge: the Python package os-vif-govif (module
// vif_plug_govif, built from setup.cfg in this directory) whose os-vif plugins "ovs",
// "linux_bridge" and "noop" forward to the govif daemon. The Go files here are only its
// functional tests: Nova 26's own LibvirtGenericVIFDriver plugging through the bridge into a
// daemon on an OVS sandbox, compared with Python os-vif's own plugins (docs/nova.md).
package python
