package netdev

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/vishvananda/netlink"
)

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"qvb581939de-24", "tap581939de-24", "br-int", "eth0.100", "a", "x23456789012345", "vhu_é"} {
		if err := ValidateName(ok); err != nil {
			t.Errorf("ValidateName(%q) = %v, want nil", ok, err)
		}
	}
	for bad, reason := range map[string]string{
		"":                 "empty",
		"x234567890123456": "longer than 15",
		"qvbéééééééé":      "longer than 15", // 15 runes would fit, 19 bytes do not
		".":                "reserved",
		"..":               "reserved",
		"a/b":              "'/'",
		"a:b":              "':'",
		"a b":              "space",
		"a\tb":             "white-space",
		"a\x00b":           "control",
		"tap%d":            "template",
	} {
		err := ValidateName(bad)
		var ne *NameError
		if !errors.As(err, &ne) || ne.Name != bad || !strings.Contains(ne.Reason, reason) {
			t.Errorf("ValidateName(%q) = %v, want *NameError mentioning %q", bad, err, reason)
		}
	}
}

func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"qvb1", "", "a/b", "tap%d", "x234567890123456", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateName(name)
		if err == nil {
			// What we accept, the kernel accepts (dev_valid_name) and no template expands.
			if name == "" || len(name) > 15 || name == "." || name == ".." || strings.ContainsAny(name, "/: \t\n\v\f\r%\x00") {
				t.Fatalf("accepted %q", name)
			}
			return
		}
		var ne *NameError
		if !errors.As(err, &ne) || ne.Name != name {
			t.Fatalf("ValidateName(%q) = %v, want *NameError naming it", name, err)
		}
	})
}

func TestOpErrorMessageAndUnwrap(t *testing.T) {
	err := opErr("set mtu 9000", "qvb1234", syscall.EINVAL)
	if got, want := err.Error(), "netdev: set mtu 9000 on qvb1234: invalid argument"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if !errors.Is(err, syscall.EINVAL) || IsNotFound(err) {
		t.Errorf("errors.Is(EINVAL) = false or IsNotFound = true for %v", err)
	}
	nf := opErr("set up", "tap1", netlink.LinkNotFoundError{})
	if !IsNotFound(nf) || !errors.Is(nf, ErrNotFound) {
		t.Errorf("netlink LinkNotFoundError not reported as not found: %v", nf)
	}
	if !IsNotFound(fmt.Errorf("wrapped: %w", syscall.ENODEV)) || IsNotFound(nil) || IsNotFound(syscall.EPERM) {
		t.Error("IsNotFound misclassifies ENODEV, nil or EPERM")
	}
	ce := &ConflictError{Name: "br0", Reason: "exists as veth, want bridge", Err: syscall.EEXIST}
	if !errors.Is(ce, syscall.EEXIST) || !strings.Contains(ce.Error(), "br0: exists as veth, want bridge") {
		t.Errorf("ConflictError = %q", ce.Error())
	}
}

func TestCheckMTUAndMAC(t *testing.T) {
	for _, tc := range []struct {
		mtu    int
		zeroOK bool
		ok     bool
	}{{0, true, true}, {0, false, false}, {68, false, true}, {67, true, false}, {65535, false, true}, {65536, false, false}, {-1, true, false}} {
		err := checkMTU(tc.mtu, tc.zeroOK)
		var ve *ValueError
		if (err == nil) != tc.ok || (err != nil && (!errors.As(err, &ve) || ve.Field != "mtu" || ve.Value != tc.mtu)) {
			t.Errorf("checkMTU(%d, %t) = %v", tc.mtu, tc.zeroOK, err)
		}
	}
	for mac, ok := range map[string]bool{"fa:16:3e:00:00:01": true, "01:00:5e:00:00:01": false, "00:00:00:00:00:00": false} {
		m := mustParseMAC(t, mac)
		if err := checkMAC(m); (err == nil) != ok {
			t.Errorf("checkMAC(%s) = %v", mac, err)
		}
	}
	if err := checkMAC(mustParseMAC(t, "00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01")); err == nil {
		t.Error("checkMAC accepted a 20-byte address")
	}
}

func TestSysctlPath(t *testing.T) {
	for key, want := range map[string]string{
		"net/ipv4/ip_forward":                      "/proc/sys/net/ipv4/ip_forward",
		"/proc/sys/net/ipv6/conf/br0/disable_ipv6": "/proc/sys/net/ipv6/conf/br0/disable_ipv6",
		"net/ipv4/conf/eth0.100/forwarding":        "/proc/sys/net/ipv4/conf/eth0.100/forwarding",
	} {
		if got, err := sysctlPath(key); err != nil || got != want {
			t.Errorf("sysctlPath(%q) = %q, %v; want %q", key, got, err, want)
		}
	}
}
