package binding

import (
	"net"
	"net/netip"
	"regexp"
	"strings"

	"github.com/govif/govif/objects"
)

// nicNameLen is Nova's NIC_NAME_LEN: device and bridge names are cut to 14 characters.
const nicNameLen = 14

func cutName(s string) string {
	if len(s) > nicNameLen {
		return s[:nicNameLen]
	}
	return s
}

var (
	macRE = regexp.MustCompile(`^[0-9a-f]{2}(:[0-9a-f]{2}){5}$`)
	// os-vif's PCIAddressField pattern, with the dot escaped (os-vif leaves it unescaped).
	pciRE = regexp.MustCompile(`^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$`)
)

// parseMAC applies os-vif's MACAddressField coercion: lower-case, '-' becomes ':', then exactly
// six colon-separated octets.
func parseMAC(field, s string) (net.HardwareAddr, error) {
	norm := strings.ReplaceAll(strings.ToLower(s), "-", ":")
	if !macRE.MatchString(norm) {
		return nil, fieldErr(field, s, "malformed MAC address (want six colon-separated hex octets)")
	}
	mac, err := net.ParseMAC(norm)
	if err != nil {
		return nil, fieldErr(field, s, "malformed MAC address: %v", err)
	}
	return mac, nil
}

// parsePCI applies os-vif's PCIAddressField coercion: lower-case dddd:bb:ss.f.
func parsePCI(field, s string) (string, error) {
	norm := strings.ToLower(s)
	if !pciRE.MatchString(norm) {
		return "", fieldErr(field, s, "malformed PCI address (want dddd:bb:ss.f)")
	}
	return norm, nil
}

// parseIP parses an IP address as os-vif's IPAddressField does with a strict netaddr: IPv4 dotted
// quad or IPv6, no zone, no prefix.
func parseIP(field, s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fieldErr(field, s, "not an IP address")
	}
	if a.Zone() != "" {
		return netip.Addr{}, fieldErr(field, s, "IP address with a zone is not allowed")
	}
	return a, nil
}

// parsePrefix parses a CIDR as os-vif's IPNetworkField does: host bits are kept, and an address
// without a prefix length is a host route (/32 or /128).
func parsePrefix(field, s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := parseIP(field, s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fieldErr(field, s, "not a CIDR (address/prefix-length)")
	}
	if p.Addr().Zone() != "" {
		return netip.Prefix{}, fieldErr(field, s, "CIDR with a zone is not allowed")
	}
	return p, nil
}

// stringValue reads a JSON value that os-vif stores in a StringField.
func stringValue(field string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fieldErr(field, v, "must be a string")
	}
	return s, nil
}

// nullableString reads details[key] into a nullable os-vif string field: absent or null gives
// null, as Nova passes details.get(key) (None when absent) to the constructor.
func nullableString(details map[string]any, prefix, key string) (objects.Field[string], error) {
	v := details[key]
	if v == nil {
		return objects.Null[string](), nil
	}
	s, err := stringValue(prefix+key, v)
	if err != nil {
		return objects.Field[string]{}, err
	}
	return objects.Set(s), nil
}

// intValue reads a JSON number that must be an integer (mtu, vlan).
func intValue(field string, v any) (int, error) {
	switch x := v.(type) {
	case float64:
		if x == float64(int(x)) {
			return int(x), nil
		}
	case int:
		return x, nil
	}
	return 0, fieldErr(field, v, "must be an integer")
}
