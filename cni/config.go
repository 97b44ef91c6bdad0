package cni

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/containernetworking/cni/pkg/types"
	"github.com/containernetworking/cni/pkg/version"
)

// Defaults of the network configuration.
const (
	DefaultOVSDB    = "unix:/run/openvswitch/db.sock"
	DefaultStateDir = "/var/lib/cni/govif"
	DefaultTimeout  = 60 * time.Second
)

// NetConf is govif-cni's network configuration: the CNI fields every plugin gets, plus:
//
//	bridge          OVS integration bridge (required in config mode; VIF mode uses the VIF's network.bridge when set)
//	ovsdb           OVSDB endpoint, "unix:PATH" or "tcp:HOST:PORT" (default unix:/run/openvswitch/db.sock)
//	mtu             MTU of both veth ends and of the OVS interface (default: the kernel's, 1500)
//	datapathType    "", "system" or "netdev": the datapath_type the port profile asks for
//	server          "unix:PATH": plug through the govif daemon at PATH instead of in-process
//	stateDir        where attachments are recorded (default /var/lib/cni/govif)
//	linkInterface   the VM's interface nested VIFs (macvlan, VLAN) are created on
//	timeoutSeconds  deadline of one plugin call (default 60)
//	runtimeConfig   {"vif": <VIF primitive>, "mac": "<MAC>"} (capabilities "vif" and "mac")
//	args            {"cni": {"vif": <VIF primitive>}}
type NetConf struct {
	types.PluginConf
	Bridge         string `json:"bridge"`
	OVSDB          string `json:"ovsdb"`
	MTU            int    `json:"mtu"`
	DatapathType   string `json:"datapathType"`
	Server         string `json:"server"`
	StateDir       string `json:"stateDir"`
	LinkInterface  string `json:"linkInterface"`
	TimeoutSeconds int    `json:"timeoutSeconds"`
	RuntimeConfig  struct {
		VIF json.RawMessage `json:"vif"`
		MAC string          `json:"mac"`
	} `json:"runtimeConfig"`
	Args struct {
		CNI struct {
			VIF json.RawMessage `json:"vif"`
		} `json:"cni"`
	} `json:"args"`

	// vifField names where the VIF primitive came from ("runtimeConfig.vif" or
	// "args.cni.vif"); vif is that primitive (nil in config mode).
	vifField string
	vif      json.RawMessage
}

// Timeout is the deadline of one plugin call.
func (c *NetConf) Timeout() time.Duration {
	if c.TimeoutSeconds > 0 {
		return time.Duration(c.TimeoutSeconds) * time.Second
	}
	return DefaultTimeout
}

// VIFMode reports whether the configuration carries a VIF primitive.
func (c *NetConf) VIFMode() bool { return c.vif != nil }

// ParseConfig decodes and validates stdin data. Errors are *ConfigError (naming the field)
// or a *types.Error with code 6 for data that is not JSON at all. prevResult, when present,
// is parsed into PluginConf.PrevResult.
func ParseConfig(data []byte) (*NetConf, error) {
	c := &NetConf{}
	if err := json.Unmarshal(data, c); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			f := strings.TrimPrefix(te.Field, "PluginConf.")
			if f == "" {
				f = "(top level)"
			}
			return nil, &ConfigError{Field: f, Value: "JSON " + te.Value, Reason: "want " + jsonKind(te.Type.Kind().String())}
		}
		return nil, types.NewError(types.ErrDecodingFailure, "network configuration is not valid JSON", err.Error())
	}
	if c.RawPrevResult != nil {
		if err := version.ParsePrevResult(&c.PluginConf); err != nil {
			return nil, &ConfigError{Field: "prevResult", Reason: err.Error()}
		}
	}
	for _, src := range []struct {
		field string
		raw   json.RawMessage
	}{{"runtimeConfig.vif", c.RuntimeConfig.VIF}, {"args.cni.vif", c.Args.CNI.VIF}} {
		if len(src.raw) == 0 || bytes.Equal(bytes.TrimSpace(src.raw), []byte("null")) {
			continue
		}
		if c.vif != nil {
			return nil, &ConfigError{Field: src.field, Reason: "a VIF is already given in " + c.vifField + "; give one"}
		}
		c.vif, c.vifField = src.raw, src.field
	}
	if c.OVSDB == "" {
		c.OVSDB = DefaultOVSDB
	}
	if c.StateDir == "" {
		c.StateDir = DefaultStateDir
	}
	return c, c.validate()
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64", "uint", "uint64", "int32", "uint32":
		return "an integer"
	case "bool":
		return "a boolean"
	case "struct", "map":
		return "an object"
	case "slice":
		return "an array"
	}
	return goKind
}

func (c *NetConf) validate() error {
	if c.Name == "" {
		return &ConfigError{Field: "name", Reason: "required"}
	}
	if c.Bridge == "" && !c.VIFMode() {
		return &ConfigError{Field: "bridge", Reason: "required (the OVS bridge pods are plugged into)"}
	}
	if c.Bridge != "" {
		if err := checkOVSName(c.Bridge); err != "" {
			return &ConfigError{Field: "bridge", Value: fmt.Sprintf("%q", c.Bridge), Reason: err}
		}
	}
	if c.MTU != 0 && (c.MTU < 68 || c.MTU > 65535) {
		return &ConfigError{Field: "mtu", Value: c.MTU, Reason: "outside 68..65535"}
	}
	switch c.DatapathType {
	case "", "system", "netdev":
	default:
		return &ConfigError{Field: "datapathType", Value: fmt.Sprintf("%q", c.DatapathType), Reason: `want "", "system" or "netdev"`}
	}
	if !strings.HasPrefix(c.OVSDB, "unix:") && !strings.HasPrefix(c.OVSDB, "tcp:") && !strings.HasPrefix(c.OVSDB, "ssl:") {
		return &ConfigError{Field: "ovsdb", Value: fmt.Sprintf("%q", c.OVSDB), Reason: `want "unix:PATH", "tcp:HOST:PORT" or "ssl:HOST:PORT"`}
	}
	if c.Server != "" && !strings.HasPrefix(c.Server, "unix:/") {
		return &ConfigError{Field: "server", Value: fmt.Sprintf("%q", c.Server), Reason: `want "unix:/absolute/path"`}
	}
	if !strings.HasPrefix(c.StateDir, "/") {
		return &ConfigError{Field: "stateDir", Value: fmt.Sprintf("%q", c.StateDir), Reason: "want an absolute path"}
	}
	if c.TimeoutSeconds < 0 {
		return &ConfigError{Field: "timeoutSeconds", Value: c.TimeoutSeconds, Reason: "negative"}
	}
	if c.RuntimeConfig.MAC != "" {
		if _, err := parseMAC(c.RuntimeConfig.MAC); err != nil {
			return &ConfigError{Field: "runtimeConfig.mac", Value: fmt.Sprintf("%q", c.RuntimeConfig.MAC), Reason: "not a unicast MAC address"}
		}
	}
	if !c.VIFMode() && c.IPAM.Type == "" {
		return &ConfigError{Field: "ipam.type", Reason: "required in config mode (e.g. host-local)"}
	}
	if c.LinkInterface != "" {
		if err := checkNetdevName(c.LinkInterface); err != "" {
			return &ConfigError{Field: "linkInterface", Value: fmt.Sprintf("%q", c.LinkInterface), Reason: err}
		}
	}
	return nil
}

// checkOVSName is the rule for an OVS bridge name: non-empty, no '/' and no whitespace.
func checkOVSName(s string) string {
	if s == "" {
		return "empty"
	}
	if strings.ContainsAny(s, "/ \t\n") {
		return "contains '/' or whitespace"
	}
	return checkNetdevName(s)
}

// checkNetdevName is the kernel's rule for a device name.
func checkNetdevName(s string) string {
	switch {
	case s == "":
		return "empty"
	case len(s) > 15:
		return "longer than 15 bytes (IFNAMSIZ)"
	case s == "." || s == "..":
		return "is . or .."
	case strings.ContainsAny(s, "/: \t\n"):
		return "contains '/', ':' or whitespace"
	}
	return ""
}
