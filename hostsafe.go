package govif

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/govif/govif/objects"
)

// MTU bounds the Host accepts in network.mtu: the IPv4 minimum and the largest MTU netlink can
// set. A null MTU means the plugin's network_device_mtu.
const (
	MinMTU = 68
	MaxMTU = 65535
)

// checkHostSafe refuses values that os-vif's objects carry but that OVSDB or the kernel cannot
// take, before any plugin runs: a NUL byte or invalid UTF-8 (a lone UTF-16 surrogate included)
// in a name or id that ends up in an OVSDB row or a netlink message, and an MTU outside
// MinMTU..MaxMTU. Such a value would otherwise reach ovsdb-server, which drops the connection
// every other request shares on a NUL, or create a row that can never be matched again.
func checkHostSafe(vif objects.VIF, inst *objects.InstanceInfo) error {
	top := vif.ObjName()
	b := vif.Base()
	strs := []struct {
		path string
		f    *objects.Field[string]
	}{{top + ".id", &b.ID}, {top + ".plugin", &b.Plugin}}
	add := func(path string, f *objects.Field[string]) {
		strs = append(strs, struct {
			path string
			f    *objects.Field[string]
		}{path, f})
	}
	switch v := vif.(type) {
	case *objects.VIFGeneric:
		add(top+".vif_name", &v.VIFName)
	case *objects.VIFBridge:
		add(top+".vif_name", &v.VIFName)
		add(top+".bridge_name", &v.BridgeName)
	case *objects.VIFOpenVSwitch:
		add(top+".vif_name", &v.VIFName)
		add(top+".bridge_name", &v.BridgeName)
	case *objects.VIFDirect:
		add(top+".vif_name", &v.VIFName)
		add(top+".vlan_name", &v.VLANName)
	case *objects.VIFVHostUser:
		add(top+".vif_name", &v.VIFName)
		add(top+".path", &v.Path)
	}
	if n, ok := b.Network.Get(); ok && n != nil {
		add(top+".network.id", &n.ID)
		add(top+".network.bridge", &n.Bridge)
		add(top+".network.bridge_interface", &n.BridgeInterface)
		if mtu, ok := n.MTU.Get(); ok && (mtu < MinMTU || mtu > MaxMTU) {
			return &objects.FieldError{Path: top + ".network.mtu", Value: mtu,
				Reason: fmt.Sprintf("must be from %d to %d (or null for the configured default), got", MinMTU, MaxMTU)}
		}
	}
	if pp, ok := b.PortProfile.Get(); ok && pp != nil {
		pt := top + ".port_profile"
		switch p := pp.(type) {
		case objects.OpenVSwitchProfile:
			o := p.OVSProfile()
			add(pt+".interface_id", &o.InterfaceID)
			add(pt+".profile_id", &o.ProfileID)
			add(pt+".datapath_type", &o.DatapathType)
		}
		switch p := pp.(type) {
		case *objects.VIFPortProfileOVSRepresentor:
			add(pt+".representor_name", &p.RepresentorName)
		case *objects.VIFPortProfileFPOpenVSwitch:
			add(pt+".bridge_name", &p.BridgeName)
		case *objects.VIFPortProfileFPBridge:
			add(pt+".bridge_name", &p.BridgeName)
		}
		if d, ok := pp.ProfileBase().DatapathOffload.Get(); ok {
			if r, ok := d.(*objects.DatapathOffloadRepresentor); ok {
				add(pt+".datapath_offload.representor_name", &r.RepresentorName)
			}
		}
	}
	if inst != nil {
		add("InstanceInfo.uuid", &inst.UUID)
		add("InstanceInfo.name", &inst.Name)
		add("InstanceInfo.project_id", &inst.ProjectID)
	}
	for _, s := range strs {
		v, ok := s.f.Get()
		if !ok {
			continue
		}
		if i := strings.IndexByte(v, 0); i >= 0 {
			return &objects.FieldError{Path: s.path, Value: v,
				Reason: fmt.Sprintf("contains a NUL byte at offset %d (OVSDB and netlink names cannot hold one):", i)}
		}
		if !utf8.ValidString(v) {
			return &objects.FieldError{Path: s.path, Value: v,
				Reason: "is not valid UTF-8 (a lone UTF-16 surrogate?): OVSDB strings must be UTF-8:"}
		}
	}
	return nil
}
