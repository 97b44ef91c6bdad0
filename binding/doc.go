// Package binding turns Neutron port bindings into os-vif VIF objects the way Nova does, and
// negotiates which VIF a host can take.
//
// Two entry points mirror Nova 26 (Zed):
//
//   - FromNovaVIF converts one VIF of Nova's network_info (the JSON Nova keeps in its instance
//     info cache, nova.network.model.VIF) like nova.network.os_vif_util.nova_to_osvif_vif.
//   - FromNeutronPort first builds that network_info VIF from a Neutron port body and the network,
//     subnet, DHCP port and floating IP bodies the caller fetched (BuildNovaVIF, Nova's
//     _build_vif_model), then converts it.
//
// VIF types Nova leaves to its legacy libvirt path (hw_veb, macvtap, tap, dvs, ...), bindings that
// are not bound (binding_failed, unbound) and unknown types give a *VIFTypeError that wraps
// ErrLegacyVIFType, ErrNotBound or ErrUnsupportedVIFType. Bad input gives a *FieldError naming the
// field and the value. The deliberate differences from Nova are listed in docs/binding.md.
//
// Negotiate picks, among candidate VIFs, the first one a host's HostInfo supports and encodes it at
// a version both sides understand.
//
// The package knows objects and nothing else of govif: no plugins, no host operations.
package binding
