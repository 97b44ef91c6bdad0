package objects

import (
	"net/netip"
	"testing"
)

// The allocation-free IPv4 parsers agree with net/netip on every input.
func TestParseAddrMatchesNetip(t *testing.T) {
	for _, s := range []string{"10.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "10.0.0", "10.0.0.1.2", "010.0.0.1",
		"1..2.3", ".1.2.3", "1.2.3.", "", "a.b.c.d", "1.2.3.04", "2001:db8::1", "::ffff:10.0.0.1", "fe80::1%eth0", "10.0.0.1 "} {
		want, err := netip.ParseAddr(s)
		wantOK := err == nil && want.Zone() == ""
		got, ok := parseAddr([]byte(s))
		if ok != wantOK || (ok && got != want) {
			t.Errorf("parseAddr(%q) = %v %v, netip %v %v", s, got, ok, want, err)
		}
	}
	for _, s := range []string{"10.0.0.5/24", "10.0.0.0/0", "10.0.0.0/32", "10.0.0.0/33", "10.0.0.0/08", "10.0.0.0/", "10.0.0.0",
		"10.0.0.0/-1", "10.0.0.0/+8", "2001:db8::/64", "2001:db8::5/129", "::ffff:10.0.0.0/120", "10.0.0.0/8/8"} {
		want, err := netip.ParsePrefix(s)
		got, ok := parsePrefix([]byte(s))
		if ok != (err == nil) || (ok && got != want) {
			t.Errorf("parsePrefix(%q) = %v %v, netip %v %v", s, got, ok, want, err)
		}
	}
}
