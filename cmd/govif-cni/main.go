// Command govif-cni is govif's CNI plugin: it plugs Kubernetes pods into Open vSwitch the way
// kuryr-kubernetes does with os-vif (see docs/cni.md and package cni).
package main

import (
	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/version"

	"github.com/govif/govif/cni"
)

func main() {
	skel.PluginMainFuncs(cni.Funcs(), version.PluginSupports("1.0.0", "1.1.0"), "govif-cni: os-vif VIFs for Kubernetes pods (CNI 1.0, 1.1)")
}
