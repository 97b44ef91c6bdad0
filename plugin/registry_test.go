package plugin

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/govif/govif/objects"
)

type nopPlugin struct{}

func (nopPlugin) Describe() *objects.HostPluginInfo                                { return Describe("x") }
func (nopPlugin) Plug(context.Context, objects.VIF, *objects.InstanceInfo) error   { return nil }
func (nopPlugin) Unplug(context.Context, objects.VIF, *objects.InstanceInfo) error { return nil }

func nopFactory(Env) (Plugin, error) { return nopPlugin{}, nil }

func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if s, _ := r.(string); !strings.Contains(s, want) {
			t.Fatalf("panic %v, want one containing %q", r, want)
		}
	}()
	fn()
}

func TestRegister(t *testing.T) {
	t.Cleanup(func() { unregister("zz_test_b"); unregister("zz_test_a") })
	Register("zz_test_b", nopFactory)
	Register("zz_test_a", nopFactory)
	if f, ok := Lookup("zz_test_a"); !ok || f == nil {
		t.Fatal("Lookup of a registered plugin failed")
	}
	if _, ok := Lookup("zz_test_absent"); ok {
		t.Fatal("Lookup of an unregistered plugin succeeded")
	}
	names := Names()
	if !slices.IsSorted(names) || !slices.Contains(names, "zz_test_a") || !slices.Contains(names, "zz_test_b") {
		t.Fatalf("Names() = %v, want sorted and holding both", names)
	}
	mustPanic(t, `twice for plugin "zz_test_a"`, func() { Register("zz_test_a", nopFactory) })
	mustPanic(t, `invalid name ""`, func() { Register("", nopFactory) })
	mustPanic(t, `invalid name "a/b"`, func() { Register("a/b", nopFactory) })
	mustPanic(t, `invalid name "-x"`, func() { Register("-x", nopFactory) })
	mustPanic(t, "nil factory", func() { Register("zz_test_nil", nil) })
	if _, ok := Lookup("zz_test_nil"); ok {
		t.Fatal("a panicking Register left a registration behind")
	}
}

func TestValidName(t *testing.T) {
	for _, n := range []string{"ovs", "linux_bridge", "noop", "vendor-x", "a.b", "X1"} {
		if !ValidName(n) {
			t.Errorf("ValidName(%q) = false", n)
		}
	}
	for _, n := range []string{"", "_x", "a b", "a/b", "../x", strings.Repeat("a", 65), "é"} {
		if ValidName(n) {
			t.Errorf("ValidName(%q) = true", n)
		}
	}
}

func TestErrorBodyRoundTrip(t *testing.T) {
	cases := []struct {
		err  error
		code string
		is   error
	}{
		{ErrMissingPortProfile, CodeMissingPortProfile, ErrMissingPortProfile},
		{errors.Join(errors.New("VIFDirect"), ErrUnsupportedVIFType), CodeUnsupportedVIFType, ErrUnsupportedVIFType},
		{errors.New("disk full"), CodePluginError, nil},
	}
	for _, tc := range cases {
		b := ErrorBodyFor(tc.err)
		if b.Code != tc.code || b.Message != tc.err.Error() {
			t.Errorf("ErrorBodyFor(%v) = %+v", tc.err, b)
		}
		if k := b.kind(); k != tc.is {
			t.Errorf("kind(%s) = %v, want %v", b.Code, k, tc.is)
		}
	}
	b := ErrorBodyFor(&WrongPortProfileError{Profile: "VIFPortProfile8021Qbh"})
	var wp *WrongPortProfileError
	if b.Code != CodeWrongPortProfile || !errors.As(b.kind(), &wp) || wp.Profile != "VIFPortProfile8021Qbh" {
		t.Errorf("wrong port profile round trip: %+v", b)
	}
	if got := wp.Error(); got != "Port profile VIFPortProfile8021Qbh is not a subclass of VIFPortProfileOpenVSwitch" {
		t.Errorf("message = %q", got)
	}
}

func TestCloneHostPluginInfoIsDeep(t *testing.T) {
	orig := Describe("ovs", SupportedVIF("VIFBridge", "1.0", "1.0", SupportedProfile("VIFPortProfileOpenVSwitch", "1.0", "1.0")))
	c := CloneHostPluginInfo(orig)
	c.VIFInfo.Value()[0].SupportedPortProfiles.Value()[0].MaxVersion.Set("9.9")
	c.VIFInfo.Value()[0].MinVersion.Set("0.1")
	c.VIFInfo = objects.Set([]*objects.HostVIFInfo{})
	v := orig.VIFInfo.Value()[0]
	if len(orig.VIFInfo.Value()) != 1 || v.MinVersion.Value() != "1.0" || v.SupportedPortProfiles.Value()[0].MaxVersion.Value() != "1.0" {
		t.Fatal("changing the clone changed the original")
	}
	if CloneHostPluginInfo(nil) != nil {
		t.Fatal("clone of nil")
	}
	if SupportedVIF("VIFGeneric", "1.0", "1.0").SupportedPortProfiles.Value() == nil {
		t.Fatal("SupportedVIF without profiles must set [] (os-vif sends supported_port_profiles: [])")
	}
}
