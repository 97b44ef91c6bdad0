package linuxbridge

import (
	"errors"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govif/govif/internal/testenv"
)

// requireVLANSupport skips t, saying why, when the kernel cannot create 802.1Q devices (no
// 8021q module).
func requireVLANSupport(t *testing.T) {
	t.Helper()
	if !vlanSupported(t) {
		t.Skip("skipping: this kernel cannot create VLAN devices (no 8021q module); the VLAN path is covered by the unit tests with a fake")
	}
}

// vlanSupported tries to create a VLAN device in a throwaway namespace.
func vlanSupported(t *testing.T) bool {
	t.Helper()
	ns := testenv.NewNetNS(t)
	h := ns.Netlink(t)
	attrs := netlink.NewLinkAttrs()
	attrs.Name = "probe0"
	if err := h.LinkAdd(&netlink.Veth{LinkAttrs: attrs, PeerName: "probe1"}); err != nil {
		t.Fatalf("probe veth: %v", err)
	}
	parent, err := h.LinkByName("probe0")
	if err != nil {
		t.Fatal(err)
	}
	va := netlink.NewLinkAttrs()
	va.Name = "probe0.7"
	va.ParentIndex = parent.Attrs().Index
	err = h.LinkAdd(&netlink.Vlan{LinkAttrs: va, VlanId: 7})
	switch {
	case err == nil:
		return true
	case errors.Is(err, unix.EOPNOTSUPP) || strings.Contains(err.Error(), "not supported") ||
		strings.Contains(err.Error(), "unknown device type"):
		t.Logf("this kernel cannot create VLAN devices: %v", err)
		return false
	}
	t.Fatalf("probe VLAN device: %v", err)
	return false
}
