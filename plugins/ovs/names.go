package ovs

import (
	"crypto/sha1"
	"fmt"
	"strings"
)

// nicNameLen is os-vif's NIC_NAME_LEN: netdev names are cut to 14 characters.
const nicNameLen = 14

// patchNameLen is the length patch port names are cut to (they never become netdevs).
const patchNameLen = 64

// Prefixes of the names os-vif derives from the VIF id (vif_plug_ovs/constants.py).
const (
	prefixHybridBridge = "qbr"
	prefixVethBridge   = "qvb"
	prefixVethOVS      = "qvo"
	prefixVHostUser    = "vhu"
	prefixDPDKRep      = "vfr"
	prefixPortBridge   = "pb"
	prefixPortPatch    = "pbp"
	prefixIntPatch     = "ibp"
	trunkBridgePrefix  = "tbr-"
)

// Datapath types.
const (
	DatapathSystem = "system"
	DatapathNetdev = "netdev"
)

// Interface types os-vif sets on VIF ports.
const (
	ifaceTypeVHostUser       = "dpdkvhostuser"
	ifaceTypeVHostUserClient = "dpdkvhostuserclient"
	ifaceTypeDPDK            = "dpdk"
	ifaceTypePatch           = "patch"
)

// DeadVLAN is Neutron's "dead VLAN": isolated ports are tagged with it until the agent wires them.
const DeadVLAN = 4095

// portName is os-vif's gen_port_name: (prefix + id) cut to max characters.
func portName(prefix, id string, max int) string {
	n := prefix + id
	if len(n) > max {
		n = n[:max]
	}
	return n
}

// vethNames returns the hybrid veth pair (bridge side qvb, OVS side qvo) for a VIF id.
func vethNames(id string) (qvb, qvo string) {
	return portName(prefixVethBridge, id, nicNameLen), portName(prefixVethOVS, id, nicNameLen)
}

func isTrunkBridge(name string) bool { return strings.HasPrefix(name, trunkBridgePrefix) }

// qosNamespace is the uuid5 namespace os-vif uses for its QoS rows' external_ids:id.
var qosNamespace = [16]byte{0x68, 0xda, 0x26, 0x4a, 0x84, 0x7f, 0x42, 0xa8, 0x8a, 0xb0, 0x5e, 0x77, 0x4a, 0xee, 0x3d, 0x95}

// QoSID returns the external_ids:id os-vif gives the QoS row of port: uuid5 of the port name
// in namespace 68da264a-847f-42a8-8ab0-5e774aee3d95.
func QoSID(port string) string {
	h := sha1.New()
	h.Write(qosNamespace[:])
	h.Write([]byte(port))
	s := h.Sum(nil)
	s[6] = (s[6] & 0x0f) | 0x50
	s[8] = (s[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}
