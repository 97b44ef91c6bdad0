package ovs

import (
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"
)

// Options are the [os_vif_ovs] settings the plugin uses (same names and defaults as os-vif).
type Options struct {
	// NetworkDeviceMTU is used when the VIF's network has no MTU (default 1500).
	NetworkDeviceMTU int
	// IsolateVIF puts newly created ports in the dead VLAN 4095 (not on tbr- trunk bridges).
	IsolateVIF bool
	// PerPortBridge plugs a VIFOpenVSwitch into its own pb<id> bridge patched to the
	// integration bridge.
	PerPortBridge bool
	// DefaultQoSType is the QoS row type attached to a port created on a system-datapath
	// bridge (default "linux-noop"); "" disables QoS rows.
	DefaultQoSType string
	// RollbackTimeout bounds the rollback of a failed plug, which runs on a context of its
	// own (the plug's may be done). 0: 30 seconds.
	RollbackTimeout time.Duration
}

// DefaultOptions returns os-vif's defaults.
func DefaultOptions() Options {
	return Options{NetworkDeviceMTU: 1500, DefaultQoSType: "linux-noop"}
}

// vifKind is the concrete os-vif VIF class.
type vifKind int

const (
	kindOpenVSwitch vifKind = iota + 1
	kindBridge
	kindVHostUser
	kindHostDevice
)

func (k vifKind) String() string {
	switch k {
	case kindOpenVSwitch:
		return "VIFOpenVSwitch"
	case kindBridge:
		return "VIFBridge"
	case kindVHostUser:
		return "VIFVHostUser"
	case kindHostDevice:
		return "VIFHostDevice"
	}
	return fmt.Sprintf("vifKind(%d)", int(k))
}

// vifSpec is a VIF reduced to what the plugin acts on, with os-vif's defaults applied.
type vifSpec struct {
	kind         vifKind
	id           string // VIF id (Neutron port id)
	mac          string
	vifName      string // VIFOpenVSwitch/VIFBridge tap, VIFVHostUser vif_name (unused by OVS)
	bridgeName   string // VIFBridge qbr bridge
	netBridge    string // network.bridge: the OVS integration bridge
	mtu          int    // network.mtu or network_device_mtu
	datapath     string // profile datapath_type, or the per-type default
	dpExplicit   bool   // the profile named a datapath_type
	interfaceID  string // profile interface_id
	createPort   bool
	createTap    bool
	multiqueue   bool
	vhostMode    string // "client" or "server"
	vhostPath    string
	devAddress   string // VIFHostDevice PCI address
	instanceUUID string
}

// InvalidVIFError reports a VIF field the plugin cannot act on. It is returned before anything
// on the host changes.
type InvalidVIFError struct {
	VIF    string // the VIF id, if known
	Field  string // e.g. "network.bridge"
	Value  any
	Reason string
}

func (e *InvalidVIFError) Error() string {
	return fmt.Sprintf("ovs: VIF %s: invalid %s %v: %s", e.VIF, e.Field, e.Value, e.Reason)
}

var pciAddrRE = regexp.MustCompile(`^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$`)

// validate checks what the host operations will use, so bad input changes nothing.
func (s *vifSpec) validate() error {
	bad := func(field string, v any, why string) error {
		return &InvalidVIFError{VIF: s.id, Field: field, Value: fmt.Sprintf("%q", v), Reason: why}
	}
	if s.id == "" {
		return bad("id", s.id, "empty")
	}
	if strings.ContainsAny(s.id, "/: \t\n%") {
		return bad("id", s.id, "not usable in a device name")
	}
	if err := checkOVSName(s.netBridge); err != "" {
		return bad("network.bridge", s.netBridge, err)
	}
	if s.mtu < 68 || s.mtu > 65535 {
		return &InvalidVIFError{VIF: s.id, Field: "network.mtu", Value: s.mtu, Reason: "outside 68..65535"}
	}
	if s.mac != "" {
		if _, err := net.ParseMAC(s.mac); err != nil {
			return bad("address", s.mac, "not a MAC address")
		}
	}
	switch s.datapath {
	case DatapathSystem, DatapathNetdev:
	default:
		return bad("port_profile.datapath_type", s.datapath, `want "system" or "netdev"`)
	}
	switch s.kind {
	case kindOpenVSwitch:
		if s.createPort || s.createTap {
			if err := checkNetdevName(s.vifName); err != "" {
				return bad("vif_name", s.vifName, err)
			}
		}
	case kindBridge:
		if err := checkNetdevName(s.bridgeName); err != "" {
			return bad("bridge_name", s.bridgeName, err)
		}
	case kindVHostUser:
		switch s.vhostMode {
		case "client":
		case "server":
			if s.vhostPath == "" {
				return bad("path", s.vhostPath, "empty (mode server needs the socket path)")
			}
		default:
			return bad("mode", s.vhostMode, `want "client" or "server"`)
		}
	case kindHostDevice:
		if !pciAddrRE.MatchString(s.devAddress) {
			return bad("dev_address", s.devAddress, "not a PCI address (dddd:bb:ss.f)")
		}
	}
	if s.createTap && s.kind != kindOpenVSwitch {
		return bad("port_profile.create_tap", true, "tap pre-creation is only supported for VIFOpenVSwitch (os-vif TapCreationNotSupported)")
	}
	return nil
}

// checkNetdevName returns why name cannot be a Linux network device name, or "".
func checkNetdevName(name string) string {
	switch {
	case name == "":
		return "empty"
	case len(name) > 15:
		return "longer than 15 bytes (IFNAMSIZ)"
	case name == "." || name == "..":
		return "reserved"
	case strings.ContainsAny(name, "/: \t\n\r\v\f%"):
		return "contains a character the kernel rejects"
	}
	return ""
}

// checkOVSName returns why name cannot be an OVS bridge that has a netdev, or "".
func checkOVSName(name string) string { return checkNetdevName(name) }

// externalIDs are the Interface external_ids os-vif writes on a VIF port.
func externalIDs(ifaceID, mac, instance, trunkBridge string) map[string]string {
	m := map[string]string{
		"iface-id":     ifaceID,
		"iface-status": "active",
		"attached-mac": mac,
		"vm-uuid":      instance,
	}
	if trunkBridge != "" {
		m["bridge_name"] = trunkBridge
	}
	return m
}
