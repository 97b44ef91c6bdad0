package objects

import (
	"errors"
	"strings"
	"testing"
)

func env(name, version, data string) string {
	return `{"versioned_object.name":"` + name + `","versioned_object.namespace":"os_vif","versioned_object.version":"` + version + `","versioned_object.data":` + data + `}`
}

func TestDecodeErrors(t *testing.T) {
	ovs := string(readUnit(t, "vif_openvswitch.current.json"))
	cases := []struct {
		name, in, msg string
		check         func(error) bool
	}{
		{"foreign namespace", strings.Replace(env("VIFBridge", "1.0", "{}"), `"os_vif"`, `"nova"`, 1),
			"Unsupported object type nova.VIFBridge", isType[*UnsupportedObjectError]},
		{"unknown class", env("VIFFoo", "1.0", "{}"), "Unsupported object type VIFFoo", isType[*UnsupportedObjectError]},
		{"newer minor", env("VIFBridge", "1.1", "{}"),
			"Version 1.1 of VIFBridge is not supported, supported version is 1.0", isType[*IncompatibleVersionError]},
		{"other major", env("VIFBridge", "2.0", "{}"),
			"Version 2.0 of VIFBridge is not supported, supported version is 1.0", isType[*IncompatibleVersionError]},
		{"older major", env("VIFBridge", "0.9", "{}"),
			"Version 0.9 of VIFBridge is not supported, supported version is 1.0", isType[*IncompatibleVersionError]},
		{"three-part newer", env("VIFBridge", "1.0.5", "{}"),
			"Version 1.0.5 of VIFBridge is not supported, supported version is 1.0", isType[*IncompatibleVersionError]},
		{"bad version", env("VIFBridge", "abc", "{}"),
			`VIFBridge.versioned_object.version: invalid version "abc"`, isType[*FieldError]},
		{"missing data", `{"versioned_object.name":"VIFBridge","versioned_object.namespace":"os_vif","versioned_object.version":"1.0"}`,
			`VIFBridge: missing "versioned_object.data"`, isType[*FieldError]},
		{"missing name", `{"versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{}}`,
			`(primitive): missing "versioned_object.name"`, isType[*FieldError]},
		{"nested bad IP", strings.Replace(ovs, `"10.0.0.6"`, `"10.0.0.300"`, 1),
			`VIFOpenVSwitch.network.subnets.objects[0].ips.objects[1].address: malformed IP address "10.0.0.300"`, isType[*FieldError]},
		{"nested bad dns", strings.Replace(ovs, `"8.8.4.4"`, `"8.8.4"`, 1),
			`VIFOpenVSwitch.network.subnets.objects[0].dns[1]: malformed IP address "8.8.4"`, isType[*FieldError]},
		{"null dns element", strings.Replace(ovs, `"8.8.4.4"`, `null`, 1),
			`VIFOpenVSwitch.network.subnets.objects[0].dns[1]: cannot be null`, isType[*FieldError]},
		{"bad MAC", env("VIFBridge", "1.0", `{"address":"fa:16:3e:4b:2c"}`),
			`VIFBridge.address: malformed MAC address "fa:16:3e:4b:2c"`, isType[*FieldError]},
		{"bad CIDR", env("Route", "1.0", `{"cidr":"10.0.0.0/33"}`), `Route.cidr: malformed IP network "10.0.0.0/33"`, isType[*FieldError]},
		{"CIDR without prefix", env("Route", "1.0", `{"cidr":"10.0.0.5"}`), `Route.cidr: malformed IP network "10.0.0.5"`, isType[*FieldError]},
		{"IP with zone", env("FixedIP", "1.0", `{"address":"fe80::1%eth0"}`), `FixedIP.address: malformed IP address "fe80::1%eth0"`, isType[*FieldError]},
		{"short IPv4", env("FixedIP", "1.0", `{"address":"10.1"}`), `FixedIP.address: malformed IP address "10.1"`, isType[*FieldError]},
		{"bad PCI", env("VIFHostDevice", "1.0", `{"dev_address":"0000:0a:1fx7"}`),
			`VIFHostDevice.dev_address: malformed PCI address "0000:0a:1fx7"`, isType[*FieldError]},
		{"bad enum", env("VIFDirect", "1.0", `{"mode":"VEPA"}`),
			`VIFDirect.mode: must be one of vepa, passthrough, bridge, not "VEPA"`, isType[*FieldError]},
		{"string as bool", env("VIFBridge", "1.0", `{"active":"false"}`), `VIFBridge.active: a boolean is required, not a string`, isType[*FieldError]},
		{"null in non-nullable", env("VIFBridge", "1.0", `{"active":null}`), `VIFBridge.active: cannot be null`, isType[*FieldError]},
		{"null port_profile", env("VIFBridge", "1.0", `{"port_profile":null}`), `VIFBridge.port_profile: cannot be null`, isType[*FieldError]},
		{"number as string", env("VIFBridge", "1.0", `{"vif_name":5}`), `VIFBridge.vif_name: a string is required, not a number`, isType[*FieldError]},
		{"string as int", env("Network", "1.1", `{"mtu":"1500"}`), `Network.mtu: an integer is required, not a string`, isType[*FieldError]},
		{"float as int", env("Network", "1.1", `{"mtu":1.5}`), `Network.mtu: an integer is required, not "1.5"`, isType[*FieldError]},
		{"wrong nested class", env("VIFBridge", "1.0", `{"network":`+env("VIFPortProfileOpenVSwitch", "1.3", "{}")+`}`),
			`VIFBridge.network: an object of type Network is required, not a VIFPortProfileOpenVSwitch`, isType[*FieldError]},
		{"non-profile in port_profile", env("VIFBridge", "1.0", `{"port_profile":`+env("HostPortProfileInfo", "1.0", "{}")+`}`),
			`VIFBridge.port_profile: an object of type VIFPortProfileBase is required, not a HostPortProfileInfo`, isType[*FieldError]},
		{"wrong list element", env("SubnetList", "1.0", `{"objects":[`+env("Route", "1.0", "{}")+`]}`),
			`SubnetList.objects[0]: an object of type Subnet is required, not a Route`, isType[*FieldError]},
		{"null list", env("SubnetList", "1.0", `{"objects":null}`), `SubnetList.objects: cannot be null`, isType[*FieldError]},
		{"dict as list", env("SubnetList", "1.0", `{"objects":{}}`), `SubnetList.objects: a list is required, not a object`, isType[*FieldError]},
		{"plain dict as object", env("VIFBridge", "1.0", `{"network":{"id":"x"}}`), `VIFBridge.network: missing "versioned_object.name"`, isType[*FieldError]},
		{"string as object", env("VIFBridge", "1.0", `{"network":"x"}`),
			`VIFBridge.network: an os-vif object (JSON object with versioned_object keys) is required, not a string`, isType[*FieldError]},
		{"nested foreign namespace", env("VIFBridge", "1.0", `{"port_profile":`+strings.Replace(env("VIFPortProfileOpenVSwitch", "1.3", "{}"), `"os_vif"`, `"nova"`, 1)+`}`),
			`VIFBridge.port_profile: Unsupported object type nova.VIFPortProfileOpenVSwitch`, isType[*UnsupportedObjectError]},
		{"nested newer", env("VIFBridge", "1.0", `{"port_profile":`+env("VIFPortProfileOpenVSwitch", "1.9", "{}")+`}`),
			`VIFBridge.port_profile: Version 1.9 of VIFPortProfileOpenVSwitch is not supported, supported version is 1.4`, isType[*IncompatibleVersionError]},
		{"syntax", `{"versioned_object.name":`, `invalid JSON at offset 25: unexpected end of input`, isType[*SyntaxError]},
		{"trailing", env("VIFBridge", "1.0", "{}") + "x", `invalid JSON at offset 135: unexpected data after the object`, isType[*SyntaxError]},
		{"data not an object", env("VIFBridge", "1.0", `[]`), `VIFBridge.versioned_object.data: a JSON object is required, not a array`, isType[*FieldError]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := Decode([]byte(c.in))
			if err == nil {
				t.Fatalf("Decode accepted it: %T", o)
			}
			if err.Error() != c.msg {
				t.Errorf("message\n got: %s\nwant: %s", err, c.msg)
			}
			if !c.check(err) {
				t.Errorf("error type %T does not unwrap to the expected type", err)
			}
		})
	}
}

func isType[E error](err error) bool {
	var e E
	return errors.As(err, &e)
}

// What Python os-vif accepts and a strict reader might not: all must decode.
func TestDecodeAccepts(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"version 1 equals 1.0", env("VIFBridge", "1", "{}"), env("VIFBridge", "1", "{}")},
		{"older version kept", env("VIFVHostUser", "1.0", `{"path":"/s"}`), env("VIFVHostUser", "1.0", `{"path":"/s"}`)},
		{"unknown keys ignored", env("VIFBridge", "1.0", `{"fixed_ips":[1,2],"vif_name":"tap0"}`), env("VIFBridge", "1.0", `{"vif_name":"tap0"}`)},
		{"field newer than version kept", env("VIFPortProfileOpenVSwitch", "1.1", `{"create_port":true}`), env("VIFPortProfileOpenVSwitch", "1.1", `{"create_port":true}`)},
		{"non-UUID id carried", env("VIFBridge", "1.0", `{"id":"not-a-uuid"}`), env("VIFBridge", "1.0", `{"id":"not-a-uuid"}`)},
		{"MAC upper case and dashes", env("VIFBridge", "1.0", `{"address":"FA-16-3E-4B-2C-1D"}`), env("VIFBridge", "1.0", `{"address":"fa:16:3e:4b:2c:1d"}`)},
		{"PCI upper case", env("VIFHostDevice", "1.0", `{"dev_address":"0000:0A:1F.7"}`), env("VIFHostDevice", "1.0", `{"dev_address":"0000:0a:1f.7"}`)},
		{"IPv6 compressed", env("FixedIP", "1.0", `{"address":"2001:0DB8:0000::0001"}`), env("FixedIP", "1.0", `{"address":"2001:db8::1"}`)},
		{"IPv4-mapped kept", env("FixedIP", "1.0", `{"address":"::ffff:10.0.0.1"}`), env("FixedIP", "1.0", `{"address":"::ffff:10.0.0.1"}`)},
		{"host bits kept", env("Route", "1.0", `{"cidr":"10.0.0.5/24"}`), env("Route", "1.0", `{"cidr":"10.0.0.5/24"}`)},
		{"bare profile base", env("VIFBridge", "1.0", `{"port_profile":`+env("VIFPortProfileBase", "1.1", "{}")+`}`),
			env("VIFBridge", "1.0", `{"port_profile":`+env("VIFPortProfileBase", "1.1", "{}")+`}`)},
		{"escapes", env("VIFBridge", "1.0", `{"vif_name":"t\u0061p\"\\"}`), env("VIFBridge", "1.0", `{"vif_name":"tap\"\\"}`)},
		{"key order", `{"versioned_object.data":{"vif_name":"x"},"versioned_object.changes":["vif_name","nope"],"versioned_object.version":"1.0","versioned_object.namespace":"os_vif","versioned_object.name":"VIFBridge"}`,
			`{"versioned_object.name":"VIFBridge","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{"vif_name":"x"},"versioned_object.changes":["vif_name"]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := Decode([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			out, err := Encode(o)
			if err != nil {
				t.Fatal(err)
			}
			assertSamePrimitive(t, out, []byte(c.want))
		})
	}
}
