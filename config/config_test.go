package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaultsMatchOsVif(t *testing.T) {
	want := &Config{
		OVS: OVS{NetworkDeviceMTU: 1500, OVSVsctlTimeout: 120, OVSDBConnection: "tcp:127.0.0.1:6640",
			OVSDBInterface: "native", IsolateVIF: false, PerPortBridge: false, DefaultQoSType: "linux-noop"},
		LinuxBridge: LinuxBridge{UseIPv6: false, IptablesTopRegex: "", IptablesBottomRegex: "",
			IptablesDropAction: "DROP", ForwardBridgeInterface: []string{"all"}, NetworkDeviceMTU: 1500},
		Govif: Govif{PluginDirs: []string{"/usr/lib/govif/plugins"}, ExecPluginTimeout: 120 * time.Second,
			DeviceNamePrefixes: []string{"tap", "nic", "vhu"}, AllowedOVSBridges: []string{"br-int"},
			VHostUserSocketDirs: []string{"/run/openvswitch", "/var/run/openvswitch"}},
	}
	for name, c := range map[string]*Config{"Default": Default(), "Parse(empty)": mustParse(t, "")} {
		c.raw = nil
		if !reflect.DeepEqual(c, want) {
			t.Errorf("%s = %+v, want %+v", name, c, want)
		}
	}
	if got := Default().OVS.Timeout(); got != 2*time.Minute {
		t.Errorf("Timeout() = %v", got)
	}
}

func mustParse(t *testing.T, s string) *Config {
	t.Helper()
	c, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return c
}

// Every option, set in its own section, in [DEFAULT] when it has the alias, and in both (the
// section wins).
func TestEveryOption(t *testing.T) {
	cases := []struct {
		section, option, value string
		alias                  bool
		get                    func(*Config) any
		want                   any
	}{
		{"os_vif_ovs", "network_device_mtu", "9000", true, func(c *Config) any { return c.OVS.NetworkDeviceMTU }, 9000},
		{"os_vif_ovs", "ovs_vsctl_timeout", "0", true, func(c *Config) any { return c.OVS.OVSVsctlTimeout }, 0},
		{"os_vif_ovs", "ovsdb_connection", "unix:/run/openvswitch/db.sock", false, func(c *Config) any { return c.OVS.OVSDBConnection }, "unix:/run/openvswitch/db.sock"},
		{"os_vif_ovs", "ovsdb_interface", "vsctl", false, func(c *Config) any { return c.OVS.OVSDBInterface }, "vsctl"},
		{"os_vif_ovs", "isolate_vif", "True", false, func(c *Config) any { return c.OVS.IsolateVIF }, true},
		{"os_vif_ovs", "per_port_bridge", "yes", false, func(c *Config) any { return c.OVS.PerPortBridge }, true},
		{"os_vif_ovs", "default_qos_type", "linux-htb", false, func(c *Config) any { return c.OVS.DefaultQoSType }, "linux-htb"},
		{"os_vif_linux_bridge", "use_ipv6", "on", true, func(c *Config) any { return c.LinuxBridge.UseIPv6 }, true},
		{"os_vif_linux_bridge", "iptables_top_regex", "^-A top", true, func(c *Config) any { return c.LinuxBridge.IptablesTopRegex }, "^-A top"},
		{"os_vif_linux_bridge", "iptables_bottom_regex", "^-A bottom", true, func(c *Config) any { return c.LinuxBridge.IptablesBottomRegex }, "^-A bottom"},
		{"os_vif_linux_bridge", "iptables_drop_action", "REJECT", true, func(c *Config) any { return c.LinuxBridge.IptablesDropAction }, "REJECT"},
		{"os_vif_linux_bridge", "forward_bridge_interface", "eth1", true, func(c *Config) any { return c.LinuxBridge.ForwardBridgeInterface }, []string{"eth1"}},
		{"os_vif_linux_bridge", "vlan_interface", "eth2", true, func(c *Config) any { return c.LinuxBridge.VLANInterface }, "eth2"},
		{"os_vif_linux_bridge", "flat_interface", "eth3", true, func(c *Config) any { return c.LinuxBridge.FlatInterface }, "eth3"},
		{"os_vif_linux_bridge", "network_device_mtu", "1450", true, func(c *Config) any { return c.LinuxBridge.NetworkDeviceMTU }, 1450},
		{"govif", "plugin_dirs", "/opt/a, /opt/b,", false, func(c *Config) any { return c.Govif.PluginDirs }, []string{"/opt/a", "/opt/b"}},
		{"govif", "exec_plugin_timeout", "7", false, func(c *Config) any { return c.Govif.ExecPluginTimeout }, 7 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.section+"."+tc.option, func(t *testing.T) {
			def := tc.get(Default())
			c := mustParse(t, "["+tc.section+"]\n"+tc.option+" = "+tc.value+"\n")
			if got := tc.get(c); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("in section: got %#v, want %#v", got, tc.want)
			}
			c = mustParse(t, "[DEFAULT]\n"+tc.option+" = "+tc.value+"\n")
			if tc.alias {
				if got := tc.get(c); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("[DEFAULT] alias: got %#v, want %#v", got, tc.want)
				}
				if !hasWarning(c, "DEFAULT", tc.option, "deprecated location") {
					t.Errorf("[DEFAULT] alias gave no deprecation warning: %v", c.Warnings)
				}
				// Set in both places: the section's value is read, with no alias warning.
				c = mustParse(t, "[DEFAULT]\n"+tc.option+" = "+tc.value+"\n["+tc.section+"]\n"+tc.option+" = "+tc.value+"\n")
				if got := tc.get(c); !reflect.DeepEqual(got, tc.want) || len(c.Warnings) > 1 {
					t.Errorf("both places: got %#v, warnings %v", got, c.Warnings)
				}
			} else if got := tc.get(c); !reflect.DeepEqual(got, def) {
				t.Errorf("option without alias was read from [DEFAULT]: got %#v", got)
			}
		})
	}
}

func TestSectionWinsOverDefaultAlias(t *testing.T) {
	c := mustParse(t, "[DEFAULT]\nnetwork_device_mtu = 9000\nuse_ipv6 = true\nflat_interface = eth9\n"+
		"[os_vif_ovs]\nnetwork_device_mtu = 1400\n[os_vif_linux_bridge]\nflat_interface = eth1\n")
	if c.LinuxBridge.FlatInterface != "eth1" {
		t.Errorf("flat_interface = %q, want the section's eth1", c.LinuxBridge.FlatInterface)
	}
	if c.OVS.NetworkDeviceMTU != 1400 {
		t.Errorf("ovs mtu = %d, want the section's 1400", c.OVS.NetworkDeviceMTU)
	}
	// The same [DEFAULT] option feeds every group that aliases it, as in oslo.config.
	if c.LinuxBridge.NetworkDeviceMTU != 9000 || !c.LinuxBridge.UseIPv6 {
		t.Errorf("linux bridge = %+v, want mtu 9000 and use_ipv6 from [DEFAULT]", c.LinuxBridge)
	}
	if countWarnings(c, "network_device_mtu") != 1 {
		t.Errorf("want exactly one alias warning (for linux_bridge): %v", c.Warnings)
	}
}

func TestMultiStrKeepsEveryValueSingleKeepsLast(t *testing.T) {
	c := mustParse(t, `[os_vif_linux_bridge]
forward_bridge_interface = eth0
forward_bridge_interface = eth1
iptables_drop_action = DROP
iptables_drop_action = REJECT
`)
	if want := []string{"eth0", "eth1"}; !reflect.DeepEqual(c.LinuxBridge.ForwardBridgeInterface, want) {
		t.Errorf("forward_bridge_interface = %q, want %q", c.LinuxBridge.ForwardBridgeInterface, want)
	}
	if c.LinuxBridge.IptablesDropAction != "REJECT" {
		t.Errorf("iptables_drop_action = %q, want the last value", c.LinuxBridge.IptablesDropAction)
	}
}

func TestOsloSyntax(t *testing.T) {
	c := mustParse(t, `# comment
; another
[os_vif_ovs]
ovsdb_connection: "unix:/var/run/openvswitch/db.sock"
isolate_vif=TRUE   
[os_vif_linux_bridge]
iptables_top_regex = first
  second
iptables_bottom_regex = 'quoted # not a comment'
`)
	if c.OVS.OVSDBConnection != "unix:/var/run/openvswitch/db.sock" {
		t.Errorf("':' delimiter or quote stripping: %q", c.OVS.OVSDBConnection)
	}
	if !c.OVS.IsolateVIF {
		t.Error("isolate_vif=TRUE not read as true")
	}
	if c.LinuxBridge.IptablesTopRegex != "first\nsecond" {
		t.Errorf("continuation line: %q", c.LinuxBridge.IptablesTopRegex)
	}
	if c.LinuxBridge.IptablesBottomRegex != "quoted # not a comment" {
		t.Errorf("inline text: %q", c.LinuxBridge.IptablesBottomRegex)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("unexpected warnings: %v", c.Warnings)
	}
}

func TestSectionNamesAreCaseInsensitive(t *testing.T) {
	// oslo.config lower-cases group names (except DEFAULT).
	c := mustParse(t, "[OS_VIF_OVS]\nisolate_vif = true\n[Os_Vif_Example]\nk = v\n[default]\nuse_ipv6 = true\n")
	if !c.OVS.IsolateVIF {
		t.Error("[OS_VIF_OVS] not read as [os_vif_ovs]")
	}
	if v, _ := c.Section("os_vif_example").Get("k"); v != "v" {
		t.Error("raw section not found under its lower-case name")
	}
	if c.LinuxBridge.UseIPv6 {
		t.Error("[default] is not [DEFAULT]")
	}
}

func TestFromSections(t *testing.T) {
	c, err := FromSections(map[string]map[string][]string{"os_vif_ovs": {"per_port_bridge": {"yes"}}, "os_vif_x": {"a": {"1", "2"}}})
	if err != nil || !c.OVS.PerPortBridge || !reflect.DeepEqual(c.Section("os_vif_x").Values("a"), []string{"1", "2"}) {
		t.Fatalf("FromSections = %+v, %v", c, err)
	}
	_, err = FromSections(map[string]map[string][]string{"os_vif_ovs": {"per_port_bridge": {"maybe"}}})
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Option != "per_port_bridge" {
		t.Fatalf("FromSections(bad) = %v", err)
	}
}

func TestBadValues(t *testing.T) {
	cases := []struct{ in, section, option, value, msg string }{
		{"[os_vif_ovs]\nisolate_vif = maybe\n", "os_vif_ovs", "isolate_vif", "maybe", `[os_vif_ovs] isolate_vif: invalid boolean "maybe"`},
		{"[os_vif_ovs]\nnetwork_device_mtu = big\n", "os_vif_ovs", "network_device_mtu", "big", `[os_vif_ovs] network_device_mtu: invalid integer "big"`},
		{"[os_vif_ovs]\nnetwork_device_mtu = 20\n", "os_vif_ovs", "network_device_mtu", "20", `[os_vif_ovs] network_device_mtu: must be between 68 and 65535, got "20"`},
		{"[os_vif_ovs]\novs_vsctl_timeout = -1\n", "os_vif_ovs", "ovs_vsctl_timeout", "-1", "between 0 and"},
		{"[os_vif_ovs]\novsdb_interface = idl\n", "os_vif_ovs", "ovsdb_interface", "idl", `must be one of vsctl, native, got "idl"`},
		{"[os_vif_ovs]\ndefault_qos_type = linux-red\n", "os_vif_ovs", "default_qos_type", "linux-red", "must be one of linux-htb"},
		{"[DEFAULT]\nuse_ipv6 = perhaps\n", "DEFAULT", "use_ipv6", "perhaps", `[DEFAULT] use_ipv6: invalid boolean "perhaps"`},
		{"[govif]\nexec_plugin_timeout = 1.5\n", "govif", "exec_plugin_timeout", "1.5", "invalid integer"},
		{"[os_vif_linux_bridge]\nuse_ipv6 =\n", "os_vif_linux_bridge", "use_ipv6", "", `invalid boolean ""`},
	}
	for _, tc := range cases {
		_, err := Parse([]byte(tc.in))
		var ve *ValueError
		if !errors.As(err, &ve) {
			t.Errorf("Parse(%q) = %v, want *ValueError", tc.in, err)
			continue
		}
		if ve.Section != tc.section || ve.Option != tc.option || ve.Value != tc.value || !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) error fields = %+v", tc.in, ve)
		}
		if !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Parse(%q) = %q, want it to contain %q", tc.in, err, tc.msg)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := map[string]string{
		"[os_vif_ovs\n":              "invalid section",
		"[]\n":                       "empty section name",
		"[os_vif_ovs]\njust words\n": "no ':' or '='",
		"[os_vif_ovs]\n= 3\n":        "key cannot be empty",
		"  indented\n":               "unexpected continuation",
		"isolate_vif = true\n":       "outside any section",
	}
	for in, want := range cases {
		_, err := Parse([]byte(in))
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), want) || se.Line == 0 {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError containing %q with a line", in, err, want)
		}
	}
}

func TestUnknownAndDeprecatedOptionsWarn(t *testing.T) {
	c := mustParse(t, "[os_vif_ovs]\nisolate_vfi = true\novsdb_interface = native\n[neutron]\novs_bridge = br-int\n[DEFAULT]\ndebug = true\n")
	if !hasWarning(c, "os_vif_ovs", "isolate_vfi", "unknown option") {
		t.Errorf("no warning for the misspelt option: %v", c.Warnings)
	}
	if !hasWarning(c, "os_vif_ovs", "ovsdb_interface", "deprecated") {
		t.Errorf("no warning for the deprecated ovsdb_interface: %v", c.Warnings)
	}
	if len(c.Warnings) != 2 {
		t.Errorf("sections govif does not own must not warn: %v", c.Warnings)
	}
	if c.OVS.IsolateVIF {
		t.Error("an unknown option changed a known one")
	}
}

func TestRawSection(t *testing.T) {
	c := mustParse(t, "[os_vif_example]\nbridge = br-ex\nflag = yes\nnum = 12\nmulti = a\nmulti = b\nbad = maybe\n")
	s := c.Section("os_vif_example")
	if v, ok := s.Get("bridge"); !ok || v != "br-ex" {
		t.Errorf("Get = %q %v", v, ok)
	}
	if b, err := s.Bool("flag", false); err != nil || !b {
		t.Errorf("Bool = %v %v", b, err)
	}
	if n, err := s.Int("num", 0); err != nil || n != 12 {
		t.Errorf("Int = %v %v", n, err)
	}
	if n, err := s.Int("absent", 5); err != nil || n != 5 {
		t.Errorf("Int default = %v %v", n, err)
	}
	if _, err := s.Bool("bad", false); err == nil || err.Error() != `[os_vif_example] bad: invalid boolean "maybe"` {
		t.Errorf("Bool(bad) = %v", err)
	}
	if !reflect.DeepEqual(s.Values("multi"), []string{"a", "b"}) || !reflect.DeepEqual(s.Keys(), []string{"bad", "bridge", "flag", "multi", "num"}) {
		t.Errorf("Values/Keys = %v %v", s.Values("multi"), s.Keys())
	}
	m := s.Map()
	m["bridge"][0] = "changed"
	if v, _ := s.Get("bridge"); v != "br-ex" {
		t.Error("Map() is not a copy")
	}
	if len(c.Section("absent").Keys()) != 0 || !reflect.DeepEqual(c.Sections(), []string{"os_vif_example"}) {
		t.Errorf("Sections = %v", c.Sections())
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "nova.conf")
	if err := os.WriteFile(p, []byte("[DEFAULT]\n\n[os_vif_ovs]\nper_port_bridge = maybe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(p)
	if err == nil || !strings.Contains(err.Error(), p+`:4: [os_vif_ovs] per_port_bridge: invalid boolean "maybe"`) {
		t.Errorf("Load = %v, want file:line and the option", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.conf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want ErrNotExist", err)
	}
}

func TestLoadFilesLaterWinsMultiCollects(t *testing.T) {
	dir := t.TempDir()
	nova := filepath.Join(dir, "nova.conf")
	compute := filepath.Join(dir, "nova-compute.conf")
	os.WriteFile(nova, []byte("[os_vif_ovs]\nnetwork_device_mtu = 9000\nisolate_vif = true\n[os_vif_linux_bridge]\nforward_bridge_interface = eth0\n"), 0o644)
	os.WriteFile(compute, []byte("[os_vif_ovs]\nnetwork_device_mtu = 1450\nbogus = 1\n[os_vif_linux_bridge]\nforward_bridge_interface = eth1\n"), 0o644)
	c, err := LoadFiles(nova, compute)
	if err != nil {
		t.Fatal(err)
	}
	if c.OVS.NetworkDeviceMTU != 1450 || !c.OVS.IsolateVIF {
		t.Errorf("OVS = %+v, want mtu from the later file and isolate_vif from the first", c.OVS)
	}
	if want := []string{"eth0", "eth1"}; !reflect.DeepEqual(c.LinuxBridge.ForwardBridgeInterface, want) {
		t.Errorf("forward_bridge_interface = %v, want %v", c.LinuxBridge.ForwardBridgeInterface, want)
	}
	if len(c.Warnings) != 1 || c.Warnings[0].File != compute || c.Warnings[0].Line != 3 {
		t.Errorf("warnings = %+v, want bogus at %s:3", c.Warnings, compute)
	}
	os.WriteFile(compute, []byte("[os_vif_ovs]\n\nisolate_vif = perhaps\n"), 0o644)
	_, err = LoadFiles(nova, compute)
	if err == nil || !strings.Contains(err.Error(), compute+`:3: [os_vif_ovs] isolate_vif: invalid boolean "perhaps"`) {
		t.Errorf("LoadFiles = %v, want the second file's line", err)
	}
	os.WriteFile(compute, []byte("[os_vif_ovs\n"), 0o644)
	_, err = LoadFiles(nova, compute)
	var se *SyntaxError
	if !errors.As(err, &se) || se.File != compute || se.Line != 1 {
		t.Errorf("LoadFiles = %v, want a SyntaxError in %s", err, compute)
	}
}

func hasWarning(c *Config, section, option, msg string) bool {
	for _, w := range c.Warnings {
		if w.Section == section && w.Option == option && strings.Contains(w.Message, msg) {
			return true
		}
	}
	return false
}

func countWarnings(c *Config, option string) int {
	n := 0
	for _, w := range c.Warnings {
		if w.Option == option {
			n++
		}
	}
	return n
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("[os_vif_ovs]\nisolate_vif = true\n"))
	f.Add([]byte("[DEFAULT]\nnetwork_device_mtu: 9000\n  cont\n[govif]\nplugin_dirs = a,b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not typed: %v", err)
			}
			return
		}
		if c.OVS.NetworkDeviceMTU < 68 || c.OVS.OVSVsctlTimeout < 0 || c.Govif.ExecPluginTimeout < 0 {
			t.Fatalf("out of range value accepted: %+v", c.OVS)
		}
	})
}

// TestOVSDBConnectionChecked: an ovsdb_connection no OVSDB client can dial stops the load with
// an error naming the option and the value; the good forms load.
func TestOVSDBConnectionChecked(t *testing.T) {
	for _, good := range []string{"tcp:127.0.0.1:6640", "unix:/run/openvswitch/db.sock", "tcp:[::1]:6640", "tcp:ovsdb.example:6640"} {
		if _, err := Parse([]byte("[os_vif_ovs]\novsdb_connection = " + good + "\n")); err != nil {
			t.Errorf("%s: %v", good, err)
		}
	}
	for _, bad := range []string{"127.0.0.1:6640", "tcp:127.0.0.1", "tcp:127.0.0.1:0", "tcp:127.0.0.1:70000", "ptcp:6640", "http://x", "unix:", "tcp::6640"} {
		_, err := Parse([]byte("[os_vif_ovs]\novsdb_connection = " + bad + "\n"))
		var ve *ValueError
		if !errors.As(err, &ve) || ve.Option != "ovsdb_connection" || ve.Value != bad {
			t.Errorf("%q: err = %v, want a *ValueError for ovsdb_connection", bad, err)
		}
	}
}

// TestSSLNeedsKeyCertAndCA: an ssl: connection without its three files is refused, naming the
// first missing option; with them it loads.
func TestSSLNeedsKeyCertAndCA(t *testing.T) {
	_, err := Parse([]byte("[os_vif_ovs]\novsdb_connection = ssl:127.0.0.1:6640\nssl_key_file = /k.pem\n"))
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Option != "ssl_cert_file" || ve.Line != 2 {
		t.Fatalf("err = %v, want a *ValueError for ssl_cert_file at line 2", err)
	}
	c, err := Parse([]byte("[os_vif_ovs]\novsdb_connection = ssl:127.0.0.1:6640\nssl_key_file = /k.pem\nssl_cert_file = /c.pem\nssl_ca_cert_file = /ca.pem\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.OVS.SSLKeyFile != "/k.pem" || c.OVS.SSLCertFile != "/c.pem" || c.OVS.SSLCACertFile != "/ca.pem" {
		t.Fatalf("OVS = %+v", c.OVS)
	}
}

// TestUnknownSectionsAndOptions: sections that look like govif's but nothing owns are
// reported; Nova's sections and [DEFAULT] are not; UnknownOptions names unknown keys.
func TestUnknownSectionsAndOptions(t *testing.T) {
	c, err := Parse([]byte("[DEFAULT]\nfoo = 1\n[libvirt]\nvirt_type = kvm\n[govif_deamon]\nsocket = /x\n[os_vif_ovs]\nisolate_vif = true\n[os_vif_nosuch]\na = b\n[govif_daemon]\nsocket = /y\nsokcet = /z\n"))
	if err != nil {
		t.Fatal(err)
	}
	ws := c.UnknownSections([]string{"govif", "govif_daemon", "os_vif_ovs", "os_vif_linux_bridge"})
	var names []string
	for _, w := range ws {
		names = append(names, w.String())
	}
	if len(ws) != 2 || ws[0].Section != "govif_deamon" || ws[0].Line != 6 || ws[1].Section != "os_vif_nosuch" {
		t.Fatalf("unknown sections = %q", names)
	}
	opts := c.UnknownOptions("govif_daemon", []string{"socket"})
	if len(opts) != 1 || opts[0].Option != "sokcet" {
		t.Fatalf("unknown options = %+v", opts)
	}
}
