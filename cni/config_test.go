package cni

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/types"

	"github.com/govif/govif/objects"
)

func confJSON(t *testing.T, extra map[string]any) []byte {
	t.Helper()
	m := map[string]any{"cniVersion": "1.1.0", "name": "n", "type": "govif-cni", "bridge": "br-int",
		"ipam": map[string]any{"type": "host-local"}}
	for k, v := range extra {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig(confJSON(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.OVSDB != DefaultOVSDB || c.StateDir != DefaultStateDir || c.Timeout() != DefaultTimeout || c.VIFMode() {
		t.Errorf("defaults: %+v", c)
	}
}

// TestParseConfigNamesField: every rejected value names its field, and the CNI error has code 7.
func TestParseConfigNamesField(t *testing.T) {
	cases := []struct {
		extra map[string]any
		field string
	}{
		{map[string]any{"bridge": 5}, "bridge"},
		{map[string]any{"bridge": nil}, "bridge"},
		{map[string]any{"bridge": "br/int"}, "bridge"},
		{map[string]any{"bridge": "a-very-long-bridge-name"}, "bridge"},
		{map[string]any{"mtu": "1500"}, "mtu"},
		{map[string]any{"mtu": 70000}, "mtu"},
		{map[string]any{"name": nil}, "name"},
		{map[string]any{"ovsdb": "/run/db.sock"}, "ovsdb"},
		{map[string]any{"server": "tcp:1.2.3.4:5"}, "server"},
		{map[string]any{"stateDir": "relative"}, "stateDir"},
		{map[string]any{"timeoutSeconds": -1}, "timeoutSeconds"},
		{map[string]any{"datapathType": "dpdk"}, "datapathType"},
		{map[string]any{"ipam": nil}, "ipam.type"},
		{map[string]any{"ipam": []int{1}}, "ipam"},
		{map[string]any{"runtimeConfig": map[string]any{"mac": "01:00:5e:00:00:01"}}, "runtimeConfig.mac"},
		{map[string]any{"linkInterface": "a:b"}, "linkInterface"},
		{map[string]any{"runtimeConfig": map[string]any{"vif": map[string]any{}}, "args": map[string]any{"cni": map[string]any{"vif": map[string]any{}}}}, "args.cni.vif"},
	}
	for _, c := range cases {
		_, err := ParseConfig(confJSON(t, c.extra))
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field {
			t.Errorf("%v: error %v, want a ConfigError on %q", c.extra, err, c.field)
			continue
		}
		var te *types.Error
		if !errors.As(cniError(types.ErrInternal, "", err), &te) || te.Code != types.ErrInvalidNetworkConfig || !strings.Contains(te.Msg, `"`+c.field+`"`) {
			t.Errorf("%v: CNI error %+v", c.extra, te)
		}
	}
	if _, err := ParseConfig([]byte("{not json")); cniCode(err) != types.ErrDecodingFailure {
		t.Errorf("not JSON: %v, want code 6", err)
	}
}

func TestDeriveIDs(t *testing.T) {
	a := deriveIDs("ctr1", "eth0", "")
	if a != deriveIDs("ctr1", "eth0", "") || a.vifID == deriveIDs("ctr1", "eth1", "").vifID {
		t.Error("ids not deterministic per (container, ifname)")
	}
	if !isUUID(a.vifID) || a.vifID[14] != '5' || !strings.ContainsRune("89ab", rune(a.vifID[19])) {
		t.Errorf("not a version-5 UUID: %s", a.vifID)
	}
	if a.ifaceID != a.vifID || a.hostIf != "tap"+a.vifID[:11] || len(a.hostIf) != 14 {
		t.Errorf("no pod uid: %+v", a)
	}
	uid := "6F1B3B8E-6A3C-4F0A-9E55-2B1C0D1E2F30"
	p := deriveIDs("ctr1", "eth0", uid)
	if p.instance != strings.ToLower(uid) || p.ifaceID == p.vifID || p.vifID != a.vifID {
		t.Errorf("pod uid: %+v", p)
	}
	if deriveIDs("ctr1", "eth0", "not-a-uuid") != a {
		t.Error("a non-UUID K8S_POD_UID must be ignored")
	}
}

func vifConf(t *testing.T, v objects.VIF, extra map[string]any) *NetConf {
	t.Helper()
	b, err := objects.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	e := map[string]any{"ipam": nil, "runtimeConfig": map[string]any{"vif": json.RawMessage(b)}}
	for k, x := range extra {
		e[k] = x
	}
	c, err := ParseConfig(confJSON(t, e))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var cmdArgs = &skel.CmdArgs{ContainerID: "ctr", IfName: "eth0", Netns: "/proc/self/ns/net"}

// TestParseVIFNested: kuryr's nested classes become macvlan/VLAN attachments; bad values and a
// missing linkInterface are named.
func TestParseVIFNested(t *testing.T) {
	vl := &objects.VIFVlanNested{VIFName: objects.Set("eth0"), VLANID: objects.Set(101)}
	vl.ID = objects.Set(uuid5("x"))
	a, err := newAttachment(vifConf(t, vl, map[string]any{"linkInterface": "ens3"}), cmdArgs)
	if err != nil || a.kind != kindVLAN || a.vlanID != 101 || a.link != "ens3" {
		t.Fatalf("VLAN: %+v %v", a, err)
	}
	_, err = newAttachment(vifConf(t, vl, nil), cmdArgs)
	if ce := (*ConfigError)(nil); !errors.As(err, &ce) || ce.Field != "linkInterface" {
		t.Errorf("VLAN without linkInterface: %v", err)
	}
	vl.VLANID = objects.Set(4095)
	_, err = newAttachment(vifConf(t, vl, map[string]any{"linkInterface": "ens3"}), cmdArgs)
	if ce := (*ConfigError)(nil); !errors.As(err, &ce) || ce.Field != "runtimeConfig.vif.vlan_id" {
		t.Errorf("VLAN 4095: %v", err)
	}
	mv := &objects.VIFMacvlanNested{VIFName: objects.Set("eth0")}
	mv.ID = objects.Set(uuid5("y"))
	if a, err := newAttachment(vifConf(t, mv, map[string]any{"linkInterface": "ens3"}), cmdArgs); err != nil || a.kind != kindMacvlan {
		t.Errorf("macvlan: %+v %v", a, err)
	}
	hd := &objects.VIFHostDevice{}
	hd.ID = objects.Set(uuid5("z"))
	_, err = newAttachment(vifConf(t, hd, nil), cmdArgs)
	if ce := (*ConfigError)(nil); !errors.As(err, &ce) || ce.Field != "runtimeConfig.vif" {
		t.Errorf("VIFHostDevice: %v", err)
	}
}

// TestParseVIFBad: an undecodable VIF names where it came from and the field path inside it.
func TestParseVIFBad(t *testing.T) {
	c, err := ParseConfig(confJSON(t, map[string]any{"ipam": nil, "args": map[string]any{"cni": map[string]any{"vif": map[string]any{
		"versioned_object.name": "VIFOpenVSwitch", "versioned_object.namespace": "os_vif", "versioned_object.version": "1.0",
		"versioned_object.data": map[string]any{"id": "not-a-uuid"}}}}}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = newAttachment(c, cmdArgs)
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.HasPrefix(ce.Field, "args.cni.vif") || !strings.Contains(ce.Error(), "id") {
		t.Errorf("bad VIF: %v", err)
	}
}

// TestOpenVSwitchVIFGetsCreatePort: a pod has no libvirt to add its port, so a VIFOpenVSwitch
// is plugged with create_port set.
func TestOpenVSwitchVIFGetsCreatePort(t *testing.T) {
	v := &objects.VIFOpenVSwitch{VIFName: objects.Set("tap0123456789a")}
	v.ID = objects.Set(uuid5("o"))
	a, err := newAttachment(vifConf(t, v, nil), cmdArgs)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := a.vif.Base().PortProfile.Get()
	op, ok := p.(objects.OpenVSwitchProfile)
	if !ok || !op.OVSProfile().CreatePort.Or(false) || op.OVSProfile().InterfaceID.Or("") != v.ID.Or("") {
		t.Errorf("profile %+v", p)
	}
	a, err = newAttachment(func() *NetConf { c, _ := ParseConfig(confJSON(t, nil)); return c }(), cmdArgs)
	if err != nil {
		t.Fatal(err)
	}
	p, _ = a.vif.Base().PortProfile.Get()
	if !p.(objects.OpenVSwitchProfile).OVSProfile().CreatePort.Or(false) {
		t.Error("config mode VIF without create_port")
	}
}

// TestContribConfig: the example configuration in contrib/cni parses with libcni and with
// govif-cni's own rules.
func TestContribConfig(t *testing.T) {
	l, err := libcni.NetworkConfFromFile("../contrib/cni/10-govif.conflist")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Plugins) != 1 || l.Plugins[0].Network.Type != "govif-cni" {
		t.Fatalf("plugins %+v", l.Plugins)
	}
	// libcni injects name and cniVersion into each plugin's configuration.
	var m map[string]any
	if err := json.Unmarshal(l.Plugins[0].Bytes, &m); err != nil {
		t.Fatal(err)
	}
	m["name"], m["cniVersion"] = l.Name, l.CNIVersion
	b, _ := json.Marshal(m)
	c, err := ParseConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	if c.Bridge != "br-int" || c.MTU != 1450 || c.IPAM.Type != "host-local" {
		t.Errorf("parsed %+v", c)
	}
}
