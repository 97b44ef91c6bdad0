package objects_test

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/govif/govif/objects"
)

// netaddrText is what netaddr 0.8.0 prints (str(netaddr.IPAddress(a)); IPNetwork(a+"/64") is
// the same text with "/64"), recorded with Debian's /usr/bin/python3. The golden cases
// coercion/ipform-* check the same against Python through the codec.
var netaddrText = map[string]string{
	"::":                "::",
	"::1":               "::1",
	"::2":               "::2",
	"::ffff":            "::ffff",
	"::100":             "::100",
	"::1:0":             "::0.1.0.0",
	"::a00:1":           "::10.0.0.1",
	"::1:ffff":          "::0.1.255.255",
	"::ffff:ffff":       "::255.255.255.255",
	"::1:0:0":           "::1:0:0",
	"::1:0:0:0":         "::1:0:0:0",
	"::ffff:0:0":        "::ffff:0.0.0.0",
	"::ffff:a00:1":      "::ffff:10.0.0.1",
	"::ffff:0:a00:1":    "::ffff:0:a00:1",
	"::fffe:a00:1":      "::fffe:a00:1",
	"::ffff:0:0:0":      "::ffff:0:0:0",
	"1::a00:1":          "1::a00:1",
	"64:ff9b::a00:1":    "64:ff9b::a00:1",
	"fe80::102:304":     "fe80::102:304",
	"2001:db8::1":       "2001:db8::1",
	"10.0.0.1":          "10.0.0.1",
	"0.0.0.0":           "0.0.0.0",
	"::0.0.255.255":     "::ffff",
	"::0.0.1.0":         "::100",
	"::255.255.255.255": "::255.255.255.255",
}

func TestAddressTextMatchesNetaddr(t *testing.T) {
	for in, want := range netaddrText {
		a := netip.MustParseAddr(in)
		out, err := objects.Encode(&objects.FixedIP{Address: objects.Set(a), FloatingIPs: objects.Set([]netip.Addr{a})})
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if w := `"address":"` + want + `","floating_ips":["` + want + `"]`; !strings.Contains(string(out), w) {
			t.Errorf("%s: encoded as %s, want %s", in, out, w)
		}
		bits := 64
		if a.Is4() {
			bits = 24
		}
		p := netip.PrefixFrom(a, bits)
		out, err = objects.Encode(&objects.Subnet{CIDR: objects.Set(p), Gateway: objects.Set(a)})
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if w := `"cidr":"` + want + "/" + strconv.Itoa(bits) + `","gateway":"` + want + `"`; !strings.Contains(string(out), w) {
			t.Errorf("%s: encoded as %s, want %s", in, out, w)
		}
		// The text decodes to the same address.
		o, err := objects.Decode(out)
		if err != nil {
			t.Fatalf("%s: decoding %s: %v", in, out, err)
		}
		if got := o.(*objects.Subnet).CIDR.Value(); got != p {
			t.Errorf("%s: %s decodes to %v", in, out, got)
		}
	}
}

// TestReprAddressText: Repr prints addresses as Python's repr does (netaddr's str).
func TestReprAddressText(t *testing.T) {
	got := objects.Repr(&objects.FixedIP{
		Address:     objects.Set(netip.MustParseAddr("::a00:1")),
		FloatingIPs: objects.Set([]netip.Addr{netip.MustParseAddr("::1:0")}),
	})
	if want := "FixedIP(address=::10.0.0.1,floating_ips=[::0.1.0.0])"; got != want {
		t.Errorf("Repr = %s, want %s (Python os-vif)", got, want)
	}
	got = objects.Repr(&objects.Route{CIDR: objects.Set(netip.MustParsePrefix("::a00:1/64"))})
	if want := "Route(cidr=::10.0.0.1/64,gateway=<?>,interface=<?>)"; got != want {
		t.Errorf("Repr = %s, want %s (Python os-vif)", got, want)
	}
}
