package objects

import (
	"bytes"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// IsUUID reports whether s is a UUID in a form Python's uuid.UUID() accepts: 32 hex digits,
// with or without hyphens, optionally in braces and/or prefixed "urn:uuid:".
//
// The codec does not apply it: like os-vif (which only emits a FutureWarning), it carries any
// string in a UUID field unchanged. Callers that need a real UUID check with IsUUID.
func IsUUID(s string) bool {
	s = strings.TrimPrefix(s, "urn:")
	s = strings.TrimPrefix(s, "uuid:")
	s = strings.TrimPrefix(s, "{")
	s = strings.TrimSuffix(s, "}")
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
		case isHex(c):
			n++
		default:
			return false
		}
	}
	return n == 32
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// parseMAC parses a 6-octet MAC written as os-vif accepts it: two hex digits per octet, any
// case, ':' or '-' separators.
func parseMAC(s []byte) (net.HardwareAddr, bool) {
	if len(s) != 17 {
		return nil, false
	}
	mac := make(net.HardwareAddr, 6)
	for i := 0; i < 6; i++ {
		hi, lo := s[3*i], s[3*i+1]
		if !isHex(hi) || !isHex(lo) {
			return nil, false
		}
		if i < 5 && s[3*i+2] != ':' && s[3*i+2] != '-' {
			return nil, false
		}
		mac[i] = unhex(hi)<<4 | unhex(lo)
	}
	return mac, true
}

// appendMAC appends mac in os-vif's form: lower-case, colon-separated.
func appendMAC(b []byte, mac net.HardwareAddr) []byte {
	b = append(b, '"')
	for i, o := range mac {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexDigits[o>>4], hexDigits[o&0xf])
	}
	return append(b, '"')
}

// normPCI lower-cases a PCI address and checks it against os-vif's pattern
// dddd:bb:ss.f (domain 4 hex, bus 2 hex, slot [0-1][0-9a-f], function [0-7]). Unlike os-vif,
// whose regex has an unescaped dot, the separator before the function must be a '.'.
func normPCI(s string) (string, bool) {
	if len(s) != 12 {
		return "", false
	}
	var b [12]byte
	for i := 0; i < 12; i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	ok := isLowerHex(b[0]) && isLowerHex(b[1]) && isLowerHex(b[2]) && isLowerHex(b[3]) && b[4] == ':' &&
		isLowerHex(b[5]) && isLowerHex(b[6]) && b[7] == ':' &&
		(b[8] == '0' || b[8] == '1') && isLowerHex(b[9]) && b[10] == '.' && b[11] >= '0' && b[11] <= '7'
	if !ok {
		return "", false
	}
	if string(b[:]) == s {
		return s, true
	}
	return string(b[:]), true
}

func isLowerHex(c byte) bool { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') }

// validAddr reports whether a is an address os-vif can carry (valid, no IPv6 zone).
func validAddr(a netip.Addr) bool { return a.IsValid() && a.Zone() == "" }

// validPrefix reports whether p is a network os-vif can carry.
func validPrefix(p netip.Prefix) bool { return p.IsValid() && p.Addr().Zone() == "" }

// parseAddr parses an IP address like netip.ParseAddr, without allocating for dotted-quad IPv4.
func parseAddr(b []byte) (netip.Addr, bool) {
	if a, ok := parseIPv4(b); ok {
		return a, true
	}
	a, err := netip.ParseAddr(string(b))
	return a, err == nil && validAddr(a)
}

// parseIPv4 parses a strict dotted quad (no leading zeros), as netip.ParseAddr does.
func parseIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	n, digits, val := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || n == 4 {
				return netip.Addr{}, false
			}
			ip[n] = byte(val)
			n++
			digits, val = 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || (digits == 1 && val == 0) {
			return netip.Addr{}, false
		}
		val = val*10 + int(c-'0')
		digits++
		if val > 255 {
			return netip.Addr{}, false
		}
	}
	if n != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(ip), true
}

// parsePrefix parses "address/bits" like netip.ParsePrefix (host bits kept), without
// allocating for IPv4.
func parsePrefix(b []byte) (netip.Prefix, bool) {
	slash := bytes.LastIndexByte(b, '/')
	if slash < 0 {
		return netip.Prefix{}, false
	}
	a, ok := parseIPv4(b[:slash])
	if !ok {
		p, err := netip.ParsePrefix(string(b))
		return p, err == nil && validPrefix(p)
	}
	bits := b[slash+1:]
	if len(bits) == 0 || len(bits) > 2 || (len(bits) == 2 && bits[0] == '0') {
		return netip.Prefix{}, false
	}
	n := 0
	for _, c := range bits {
		if c < '0' || c > '9' {
			return netip.Prefix{}, false
		}
		n = n*10 + int(c-'0')
	}
	if n > 32 {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, n), true
}

// appendAddr appends a in netaddr 0.8's text form (glibc inet_ntop), which is netip's RFC 5952
// form except for IPv4-compatible IPv6 addresses: when the top 96 bits are zero and the next 16
// are not (so not "::" or "::x"), the last 32 bits are written dotted, "::10.0.0.1" and
// "::0.1.0.0" where netip writes "::a00:1" and "::1:0". IPv4-mapped addresses ("::ffff:1.2.3.4")
// are dotted in both.
func appendAddr(b []byte, a netip.Addr) []byte {
	if a.Is6() && a.Zone() == "" {
		s := a.As16()
		if s[12]|s[13] != 0 && s == [16]byte{12: s[12], 13: s[13], 14: s[14], 15: s[15]} {
			b = append(b, ':', ':')
			return netip.AddrFrom4([4]byte(s[12:])).AppendTo(b)
		}
	}
	return a.AppendTo(b)
}

// appendPrefix appends p in netaddr 0.8's text form (host bits kept; see appendAddr).
func appendPrefix(b []byte, p netip.Prefix) []byte {
	b = appendAddr(b, p.Addr())
	b = append(b, '/')
	return strconv.AppendInt(b, int64(p.Bits()), 10)
}

// addrString is appendAddr as a string.
func addrString(a netip.Addr) string { return string(appendAddr(nil, a)) }

// prefixString is appendPrefix as a string.
func prefixString(p netip.Prefix) string { return string(appendPrefix(nil, p)) }
