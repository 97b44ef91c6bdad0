package objects_test

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/govif/govif/objects"
)

func Example() {
	vif := &objects.VIFOpenVSwitch{
		VIFBase: objects.VIFBase{
			ID:     objects.Set("b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21"),
			Plugin: objects.Set("ovs"),
			PortProfile: objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{
				InterfaceID: objects.Set("b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21"),
				CreateTap:   objects.Set(true),
			}),
		},
		VIFName: objects.Set("tapb8f9d1c2-6a"),
	}
	b, err := objects.Encode(vif)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))

	// Decode gives the object back; Field.Get tells a value from unset or null.
	o, err := objects.DecodeVIF(b)
	if err != nil {
		panic(err)
	}
	name, ok := o.(*objects.VIFOpenVSwitch).VIFName.Get()
	fmt.Println(name, ok, o.Base().Active.IsSet(), o.Base().Active.Or(true))
	// Output:
	// {"versioned_object.name":"VIFOpenVSwitch","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{"vif_name":"tapb8f9d1c2-6a","id":"b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21","plugin":"ovs","port_profile":{"versioned_object.name":"VIFPortProfileOpenVSwitch","versioned_object.namespace":"os_vif","versioned_object.version":"1.4","versioned_object.data":{"interface_id":"b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21","create_tap":true},"versioned_object.changes":["interface_id","create_tap"]}},"versioned_object.changes":["vif_name","id","plugin","port_profile"]}
	// tapb8f9d1c2-6a true false true
}

// Backport for a peer running Debian's os-vif 3.0.0, which knows the OVS profile up to 1.3.
func ExampleEncodeWith() {
	profile := &objects.VIFPortProfileOpenVSwitch{
		InterfaceID: objects.Set("b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21"),
		CreatePort:  objects.Set(true),
		CreateTap:   objects.Set(true), // 1.4 only: dropped
	}
	b, err := objects.EncodeWith(profile, objects.EncodeOptions{
		Manifest: map[string]string{"VIFPortProfileOpenVSwitch": "1.3"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
	// Output:
	// {"versioned_object.name":"VIFPortProfileOpenVSwitch","versioned_object.namespace":"os_vif","versioned_object.version":"1.3","versioned_object.data":{"interface_id":"b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21","create_port":true},"versioned_object.changes":["interface_id","create_port"]}
}

func ExampleFieldError() {
	route := &objects.Route{CIDR: objects.Set(netip.MustParsePrefix("10.0.0.0/24")), Gateway: objects.Set(netip.Addr{})}
	err := objects.Validate(route)
	var fe *objects.FieldError
	fmt.Println(errors.As(err, &fe), fe.Path)
	fmt.Println(err)

	_, err = objects.Decode([]byte(`{"versioned_object.name":"VIFBridge","versioned_object.namespace":"os_vif",` +
		`"versioned_object.version":"1.1","versioned_object.data":{}}`))
	fmt.Println(err)
	// Output:
	// true Route.gateway
	// Route.gateway: malformed IP address "invalid IP"
	// Version 1.1 of VIFBridge is not supported, supported version is 1.0
}
