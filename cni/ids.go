package cni

import (
	"crypto/sha1"
	"fmt"
	"net"
	"strings"
)

// namespaceGovifCNI is the UUID namespace govif-cni derives its ids in (a version-4 UUID
// chosen once; changing it would orphan every attachment made before).
var namespaceGovifCNI = [16]byte{0x6b, 0x1c, 0x3f, 0x52, 0x0e, 0x8a, 0x4d, 0x21, 0x9a, 0x43, 0x70, 0x5e, 0x1d, 0xc4, 0xb9, 0x08}

// uuid5 is RFC 9562's name-based UUID (SHA-1) of name in namespaceGovifCNI.
func uuid5(name string) string {
	h := sha1.New()
	h.Write(namespaceGovifCNI[:])
	h.Write([]byte(name))
	s := h.Sum(nil)
	s[6] = (s[6] & 0x0f) | 0x50
	s[8] = (s[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// isUUID reports whether s is a UUID in its canonical textual form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// ids are the identifiers of one attachment (container id + interface name).
type ids struct {
	vifID    string // os-vif VIF id: uuid5(containerID/ifname), so DEL and GC can recompute it
	ifaceID  string // OVS external_ids:iface-id: uuid5(K8S_POD_UID/ifname) for a pod, else vifID
	instance string // vm-uuid: K8S_POD_UID for a pod, else uuid5(containerID)
	hostIf   string // host end of the veth and OVS port name: "tap" + vifID[:11], as os-vif names taps
}

func deriveIDs(containerID, ifName, podUID string) ids {
	v := uuid5(containerID + "/" + ifName)
	d := ids{vifID: v, ifaceID: v, instance: uuid5(containerID), hostIf: "tap" + v[:11]}
	if isUUID(podUID) {
		d.ifaceID = uuid5(strings.ToLower(podUID) + "/" + ifName)
		d.instance = strings.ToLower(podUID)
	}
	return d
}

// parseMAC parses a unicast Ethernet MAC.
func parseMAC(s string) (net.HardwareAddr, error) {
	m, err := net.ParseMAC(s)
	if err != nil {
		return nil, err
	}
	if len(m) != 6 || m[0]&1 == 1 {
		return nil, fmt.Errorf("%s is not a unicast Ethernet address", s)
	}
	return m, nil
}
