package binding_test

import (
	"errors"
	"fmt"

	"github.com/govif/govif/binding"
	"github.com/govif/govif/objects"
)

func ExampleFromNeutronPort() {
	active := true
	port := binding.NeutronPort{
		ID:           "a1b2c3d4-1111-4222-8333-444455556666",
		NetworkID:    "0f6c1e2a-9d3b-4c55-8e77-1234567890ab",
		MACAddress:   "fa:16:3e:12:34:56",
		AdminStateUp: &active,
		Status:       "ACTIVE",
		FixedIPs:     []binding.NeutronFixedIP{{SubnetID: "s4", IPAddress: "10.0.0.5"}},
		VIFType:      "ovs",
		VIFDetails:   map[string]any{"port_filter": true, "ovs_hybrid_plug": true},
	}
	mtu := 1450
	vif, err := binding.FromNeutronPort(port, binding.NeutronOptions{
		Network: &binding.NeutronNetwork{ID: port.NetworkID, MTU: &mtu},
		Subnets: []binding.NeutronSubnet{{ID: "s4", NetworkID: port.NetworkID, CIDR: "10.0.0.0/24"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	br := vif.(*objects.VIFBridge)
	profile := br.PortProfile.Value().(*objects.VIFPortProfileOpenVSwitch)
	fmt.Println(br.ObjName(), br.Plugin.Value(), br.VIFName.Value(), br.BridgeName.Value())
	fmt.Println(br.Network.Value().Bridge.Value(), br.Network.Value().MTU.Value(), profile.InterfaceID.Value())

	port.VIFType = "hw_veb"
	_, err = binding.FromNeutronPort(port, binding.NeutronOptions{})
	fmt.Println(errors.Is(err, binding.ErrLegacyVIFType), err)
	// Output:
	// VIFBridge ovs tapa1b2c3d4-11 qbra1b2c3d4-11
	// br-int 1450 a1b2c3d4-1111-4222-8333-444455556666
	// true binding:vif_type "hw_veb": VIF type has no os-vif conversion (Nova plugs it through its legacy libvirt path)
}
