package config

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OVS holds [os_vif_ovs], the options of the ovs plugin (os-vif vif_plug_ovs CONFIG_OPTS).
type OVS struct {
	// NetworkDeviceMTU is the MTU used when the VIF's network has none (network_device_mtu,
	// default 1500, [DEFAULT] alias).
	NetworkDeviceMTU int
	// OVSVsctlTimeout is the OVSDB request timeout in seconds; 0 means no timeout
	// (ovs_vsctl_timeout, default 120, [DEFAULT] alias).
	OVSVsctlTimeout int
	// OVSDBConnection is the OVSDB endpoint, in OVS remote syntax (ovsdb_connection,
	// default tcp:127.0.0.1:6640).
	OVSDBConnection string
	// OVSDBInterface is os-vif's backend choice, vsctl or native (ovsdb_interface, default
	// native, deprecated for removal). govif always speaks OVSDB natively; the value is
	// checked and kept for compatibility only.
	OVSDBInterface string
	// IsolateVIF puts new ports in the dead VLAN 4095 (isolate_vif, default false).
	IsolateVIF bool
	// PerPortBridge plugs VIFOpenVSwitch into a bridge of its own (per_port_bridge, default false).
	PerPortBridge bool
	// DefaultQoSType is the QoS type given to ports created on system-datapath bridges
	// (default_qos_type, default linux-noop; os-vif >= 3.2.0).
	DefaultQoSType string
	// SSLKeyFile, SSLCertFile and SSLCACertFile are the PEM files of an ssl: ovsdb_connection:
	// the client's private key, its certificate, and the CA certificate the server's must chain
	// to (ssl_key_file, ssl_cert_file, ssl_ca_cert_file; govif extensions named as Neutron's
	// [OVS] options, since os-vif passes no key or certificate). All three are required when
	// ovsdb_connection is ssl: and ignored otherwise.
	SSLKeyFile, SSLCertFile, SSLCACertFile string
}

// Timeout returns OVSVsctlTimeout as a duration; 0 means no timeout.
func (o OVS) Timeout() time.Duration { return time.Duration(o.OVSVsctlTimeout) * time.Second }

// LinuxBridge holds [os_vif_linux_bridge], the options of the linux_bridge plugin.
// Every option also has a deprecated [DEFAULT] alias.
type LinuxBridge struct {
	UseIPv6                bool     // use_ipv6 (default false): also manage ip6tables
	IptablesTopRegex       string   // iptables_top_regex (default "")
	IptablesBottomRegex    string   // iptables_bottom_regex (default "")
	IptablesDropAction     string   // iptables_drop_action (default DROP)
	ForwardBridgeInterface []string // forward_bridge_interface (multi, default [all])
	VLANInterface          string   // vlan_interface (default unset: "")
	FlatInterface          string   // flat_interface (default unset: "")
	NetworkDeviceMTU       int      // network_device_mtu (default 1500)
}

// Govif holds [govif], govif's own options.
type Govif struct {
	// PluginDirs are searched, in order, for govif-plugin-<name> executables
	// (plugin_dirs, comma-separated list, default /usr/lib/govif/plugins).
	PluginDirs []string
	// ExecPluginTimeout bounds every call of an external plugin (exec_plugin_timeout, in
	// seconds, default 120; 0 means only the caller's context bounds it).
	ExecPluginTimeout time.Duration

	// The admission policy (package policy, docs/security.md):
	//
	// DeviceNamePrefixes: a VIF's own device name must be one of these + its id, cut to 14
	// (device_name_prefixes, default tap, nic, vhu: Nova's names).
	DeviceNamePrefixes []string
	// AllowedOVSBridges: the OVS bridges a VIF may name (allowed_ovs_bridges, default br-int).
	AllowedOVSBridges []string
	// AllowedLinuxBridges: Linux bridges a VIF may name besides brq + network id
	// (allowed_linux_bridges, default none).
	AllowedLinuxBridges []string
	// AllowedPhysicalInterfaces: host interfaces a VIF may put into a bridge, besides
	// [os_vif_linux_bridge] flat_interface and vlan_interface (allowed_physical_interfaces,
	// default none).
	AllowedPhysicalInterfaces []string
	// VHostUserSocketDirs: directories vhost-user sockets may be in (vhostuser_socket_dirs,
	// default /run/openvswitch, /var/run/openvswitch).
	VHostUserSocketDirs []string
}

// Section names govif owns.
const (
	SectionOVS         = "os_vif_ovs"
	SectionLinuxBridge = "os_vif_linux_bridge"
	SectionGovif       = "govif"
	SectionDefault     = "DEFAULT"
)

// QoSTypes are the values default_qos_type accepts.
var QoSTypes = []string{"linux-htb", "linux-hfsc", "linux-sfq", "linux-codel", "linux-fq_codel", "linux-noop"}

// option describes one typed option: how to set its default and how to apply file values.
type option struct {
	name         string
	defaultAlias bool   // also read from [DEFAULT] (oslo deprecated_group="DEFAULT")
	deprecated   string // non-empty: deprecated for removal, with this note
	setDefault   func(*Config)
	// apply converts the values (every assignment, in order; single-valued options use the last)
	// and stores the result. It returns the reason and offending value on failure.
	apply func(c *Config, vals []string) (reason, bad string)
}

type sectionSpec struct {
	name string
	opts []option
}

// specs is the option table. To add an option: add a field above and one line here.
var specs = []sectionSpec{
	{SectionOVS, []option{
		intOpt("network_device_mtu", 1500, true, 68, 65535, func(c *Config) *int { return &c.OVS.NetworkDeviceMTU }),
		intOpt("ovs_vsctl_timeout", 120, true, 0, 1<<31-1, func(c *Config) *int { return &c.OVS.OVSVsctlTimeout }),
		checked(strOpt("ovsdb_connection", "tcp:127.0.0.1:6640", false, nil, func(c *Config) *string { return &c.OVS.OVSDBConnection }),
			func(v string) string { return CheckOVSDBEndpoint(v) }),
		deprecate(strOpt("ovsdb_interface", "native", false, []string{"vsctl", "native"}, func(c *Config) *string { return &c.OVS.OVSDBInterface }),
			"deprecated for removal since os-vif 2.2.0; govif always uses its native OVSDB client"),
		boolOpt("isolate_vif", false, false, func(c *Config) *bool { return &c.OVS.IsolateVIF }),
		boolOpt("per_port_bridge", false, false, func(c *Config) *bool { return &c.OVS.PerPortBridge }),
		strOpt("default_qos_type", "linux-noop", false, QoSTypes, func(c *Config) *string { return &c.OVS.DefaultQoSType }),
		strOpt("ssl_key_file", "", false, nil, func(c *Config) *string { return &c.OVS.SSLKeyFile }),
		strOpt("ssl_cert_file", "", false, nil, func(c *Config) *string { return &c.OVS.SSLCertFile }),
		strOpt("ssl_ca_cert_file", "", false, nil, func(c *Config) *string { return &c.OVS.SSLCACertFile }),
	}},
	{SectionLinuxBridge, []option{
		boolOpt("use_ipv6", false, true, func(c *Config) *bool { return &c.LinuxBridge.UseIPv6 }),
		strOpt("iptables_top_regex", "", true, nil, func(c *Config) *string { return &c.LinuxBridge.IptablesTopRegex }),
		strOpt("iptables_bottom_regex", "", true, nil, func(c *Config) *string { return &c.LinuxBridge.IptablesBottomRegex }),
		strOpt("iptables_drop_action", "DROP", true, nil, func(c *Config) *string { return &c.LinuxBridge.IptablesDropAction }),
		multiStrOpt("forward_bridge_interface", []string{"all"}, true, func(c *Config) *[]string { return &c.LinuxBridge.ForwardBridgeInterface }),
		strOpt("vlan_interface", "", true, nil, func(c *Config) *string { return &c.LinuxBridge.VLANInterface }),
		strOpt("flat_interface", "", true, nil, func(c *Config) *string { return &c.LinuxBridge.FlatInterface }),
		intOpt("network_device_mtu", 1500, true, 68, 65535, func(c *Config) *int { return &c.LinuxBridge.NetworkDeviceMTU }),
	}},
	{SectionGovif, []option{
		listOpt("plugin_dirs", []string{"/usr/lib/govif/plugins"}, func(c *Config) *[]string { return &c.Govif.PluginDirs }),
		secondsOpt("exec_plugin_timeout", 120, func(c *Config) *time.Duration { return &c.Govif.ExecPluginTimeout }),
		listOpt("device_name_prefixes", []string{"tap", "nic", "vhu"}, func(c *Config) *[]string { return &c.Govif.DeviceNamePrefixes }),
		listOpt("allowed_ovs_bridges", []string{"br-int"}, func(c *Config) *[]string { return &c.Govif.AllowedOVSBridges }),
		listOpt("allowed_linux_bridges", nil, func(c *Config) *[]string { return &c.Govif.AllowedLinuxBridges }),
		listOpt("allowed_physical_interfaces", nil, func(c *Config) *[]string { return &c.Govif.AllowedPhysicalInterfaces }),
		listOpt("vhostuser_socket_dirs", []string{"/run/openvswitch", "/var/run/openvswitch"}, func(c *Config) *[]string { return &c.Govif.VHostUserSocketDirs }),
	}},
}

func deprecate(o option, note string) option { o.deprecated = note; return o }

// checked adds a check of the last value to o: check returns why the value is refused, or "".
func checked(o option, check func(string) string) option {
	apply := o.apply
	o.apply = func(c *Config, vals []string) (string, string) {
		if reason := check(last(vals)); reason != "" {
			return reason, last(vals)
		}
		return apply(c, vals)
	}
	return o
}

// CheckOVSDBEndpoint returns why endpoint cannot be an active OVSDB connection ("unix:PATH",
// "tcp:HOST:PORT", "ssl:HOST:PORT"), or "" when it can.
func CheckOVSDBEndpoint(endpoint string) string {
	const want = `want "unix:PATH", "tcp:HOST:PORT" or "ssl:HOST:PORT", got`
	scheme, rest, ok := strings.Cut(endpoint, ":")
	if !ok || rest == "" {
		return want
	}
	switch scheme {
	case "unix":
		if strings.ContainsRune(rest, 0) {
			return "path contains a NUL byte"
		}
		return ""
	case "tcp", "ssl":
		host, port, err := net.SplitHostPort(rest)
		if err != nil || host == "" {
			return scheme + ": wants HOST:PORT (an IPv6 host in brackets), got"
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return scheme + ": port must be a number from 1 to 65535, got"
		}
		return ""
	case "punix", "ptcp", "pssl":
		return "passive (listening) endpoints are not supported: " + want
	}
	return want
}

// checkOVS checks what single options cannot: an ssl: ovsdb_connection needs its key,
// certificate and CA certificate.
func checkOVS(c *Config, raw *rawFile) error {
	if !strings.HasPrefix(c.OVS.OVSDBConnection, "ssl:") {
		return nil
	}
	for _, o := range []struct{ name, v string }{{"ssl_key_file", c.OVS.SSLKeyFile}, {"ssl_cert_file", c.OVS.SSLCertFile}, {"ssl_ca_cert_file", c.OVS.SSLCACertFile}} {
		if o.v == "" {
			e := &ValueError{Section: SectionOVS, Option: o.name, Value: "",
				Reason: "required when ovsdb_connection is " + c.OVS.OVSDBConnection + ", got"}
			if vals := raw.sections[SectionOVS]["ovsdb_connection"]; len(vals) > 0 {
				e.File, e.Line = vals[len(vals)-1].file, vals[len(vals)-1].line
			}
			return e
		}
	}
	return nil
}

func last(vals []string) string { return vals[len(vals)-1] }

func intOpt(name string, def int, alias bool, lo, hi int, field func(*Config) *int) option {
	return option{name: name, defaultAlias: alias,
		setDefault: func(c *Config) { *field(c) = def },
		apply: func(c *Config, vals []string) (string, string) {
			n, reason, bad := parseInt(last(vals), def, lo, hi)
			if reason == "" {
				*field(c) = n
			}
			return reason, bad
		}}
}

func secondsOpt(name string, def int, field func(*Config) *time.Duration) option {
	return option{name: name,
		setDefault: func(c *Config) { *field(c) = time.Duration(def) * time.Second },
		apply: func(c *Config, vals []string) (string, string) {
			n, reason, bad := parseInt(last(vals), def, 0, 1<<31-1)
			if reason == "" {
				*field(c) = time.Duration(n) * time.Second
			}
			return reason, bad
		}}
}

// parseInt parses an oslo IntOpt value within [lo, hi]; an empty value (oslo: None) gives def.
func parseInt(s string, def, lo, hi int) (n int, reason, bad string) {
	v := strings.TrimSpace(s)
	if v == "" {
		return def, "", ""
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, "invalid integer", v
	}
	if n < lo || n > hi {
		return 0, fmt.Sprintf("must be between %d and %d, got", lo, hi), v
	}
	return n, "", ""
}

func boolOpt(name string, def, alias bool, field func(*Config) *bool) option {
	return option{name: name, defaultAlias: alias,
		setDefault: func(c *Config) { *field(c) = def },
		apply: func(c *Config, vals []string) (string, string) {
			b, ok := ParseBool(last(vals))
			if !ok {
				return "invalid boolean", last(vals)
			}
			*field(c) = b
			return "", ""
		}}
}

func strOpt(name, def string, alias bool, choices []string, field func(*Config) *string) option {
	return option{name: name, defaultAlias: alias,
		setDefault: func(c *Config) { *field(c) = def },
		apply: func(c *Config, vals []string) (string, string) {
			v := last(vals)
			if choices != nil && !slices.Contains(choices, v) {
				return "must be one of " + strings.Join(choices, ", ") + ", got", v
			}
			*field(c) = v
			return "", ""
		}}
}

func multiStrOpt(name string, def []string, alias bool, field func(*Config) *[]string) option {
	return option{name: name, defaultAlias: alias,
		setDefault: func(c *Config) { *field(c) = slices.Clone(def) },
		apply: func(c *Config, vals []string) (string, string) {
			*field(c) = slices.Clone(vals)
			return "", ""
		}}
}

// listOpt is an oslo ListOpt: one comma-separated value, items trimmed, empty items dropped.
func listOpt(name string, def []string, field func(*Config) *[]string) option {
	return option{name: name,
		setDefault: func(c *Config) { *field(c) = slices.Clone(def) },
		apply: func(c *Config, vals []string) (string, string) {
			*field(c) = SplitList(last(vals))
			return "", ""
		}}
}

// ParseBool parses a boolean the way oslo.config does: true/1/on/yes and false/0/off/no,
// case-insensitive, surrounding spaces ignored.
func ParseBool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "on", "yes":
		return true, true
	case "false", "0", "off", "no":
		return false, true
	}
	return false, false
}

// SplitList splits an oslo.config ListOpt value: items separated by commas, each trimmed,
// a trailing comma ignored, empty items dropped.
func SplitList(s string) []string {
	out := []string{}
	for _, item := range strings.Split(strings.TrimRight(strings.TrimSpace(s), ","), ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
