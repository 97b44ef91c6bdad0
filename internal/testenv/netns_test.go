package testenv

import (
	"testing"

	"github.com/vishvananda/netlink"
)

func TestNewNetNSIsIsolated(t *testing.T) {
	ns := NewNetNS(t)
	h := ns.Netlink(t)
	la := netlink.NewLinkAttrs()
	la.Name = "tenvdummy0" // no dummy module on every kernel: a veth pair works everywhere
	if err := h.LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: "tenvdummy1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := netlink.LinkByName("tenvdummy0"); err == nil {
		t.Fatal("device created in the test namespace is visible in the host namespace")
	}
	links, err := h.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range links {
		names = append(names, l.Attrs().Name)
	}
	if len(links) != 3 {
		t.Fatalf("fresh namespace should hold lo and the veth pair, got %v", names)
	}
	if err := ns.Do(func() error {
		_, err := netlink.LinkByName("tenvdummy0")
		return err
	}); err != nil {
		t.Fatalf("Do did not run inside the namespace: %v", err)
	}
}
