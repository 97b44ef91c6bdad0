// Package objects is os-vif's versioned object model in Go: the 31 classes (VIFs, port profiles,
// datapath offloads, networks, host info) with their fields and versions, and the
// oslo.versionedobjects wire codec (primitives), backports and validation. A primitive written here
// is read by Python os-vif and the other way round; docs/wire-format.md describes the format and
// every deliberate difference to os-vif 3.0.0.
//
// The package imports only the standard library and knows nothing of plugins, devices or OVS.
//
// # Building objects
//
// Each os-vif class is a struct of the same name. Every field is a Field[T] with three states:
// unset (the zero value; absent on the wire), null and a value. Name only what you mean to send:
//
//	vif := &objects.VIFOpenVSwitch{
//		VIFBase: objects.VIFBase{
//			ID:      objects.Set("b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21"),
//			Address: objects.Set(mac),                   // net.HardwareAddr
//			Plugin:  objects.Set("ovs"),
//			Network: objects.Set(&objects.Network{ID: objects.Set(netID), MTU: objects.Set(1450)}),
//			PortProfile: objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{
//				InterfaceID: objects.Set(portID),
//				DatapathType: objects.Set("netdev"),
//			}),
//		},
//		VIFName:    objects.Set("tapb8f9d1c2-6a"),
//		BridgeName: objects.Set("br-int"),
//	}
//	vif.Network.Value().BridgeInterface = objects.Null[string]() // JSON null
//
// Subclass structs embed their parent (VIFOpenVSwitch embeds VIFBase; the OVS profiles embed
// VIFPortProfileOpenVSwitch, which embeds VIFPortProfileBase), so inherited fields read as
// vif.ID, but a composite literal names the embedded struct. os-vif defaults are never applied
// implicitly; Network.SetDefaults applies Python's Network constructor defaults on request.
//
// # Reading objects
//
// Field.Get returns the value and whether there is one; Value returns the value or the zero T;
// Or applies a default at the point of use (vif.Active.Or(true)); IsSet and IsNull tell the
// states apart. Polymorphic fields hold interfaces: switch on the concrete type, or use the
// interfaces VIF (Base), PortProfile (ProfileBase), OpenVSwitchProfile (OVSProfile) and
// DatapathOffload (OffloadBase):
//
//	if p, ok := vif.PortProfile.Value().(objects.OpenVSwitchProfile); ok {
//		ifaceID := p.OVSProfile().InterfaceID.Value()
//	}
//
// # Encoding and decoding
//
// Decode reads a primitive of any class; DecodeVIF, DecodePortProfile, DecodeInstanceInfo and
// DecodeHostInfo also check its kind. A decoded object remembers the version it came in
// (ObjVersion) and its changes set, so Encode writes the same primitive back. Encode writes an
// object built in Go at the current versions, with changes = the fields that are set. Primitive
// wraps an Object for encoding/json (request bodies).
//
// # Backports
//
// EncodeWith(o, EncodeOptions{TargetVersion, Manifest}) lowers o to TargetVersion, and nested
// objects to the Manifest's entry for their concrete class (falling back to the field's declared
// class, e.g. VIFPortProfileBase), dropping the fields each version lacks. govif's OVS profiles
// are at 1.4 (os-vif HEAD); Debian's os-vif 3.0.0 knows them up to 1.3, so send it
// Manifest{"VIFPortProfileOpenVSwitch": "1.3", ...}. HostInfo's CommonVersion methods give the
// versions a peer supports. Classes lists every class, version and field.
//
// # Errors
//
// Validate (and every Encode) checks all set fields. Problems inside an object are *FieldError
// with the field path from the top-level class, e.g.
// "VIFOpenVSwitch.network.subnets.objects[0].ips.objects[1].address: malformed IP address
// \"10.0.0.300\"". Envelope problems are *UnsupportedObjectError and *IncompatibleVersionError
// (os-vif's messages; for a nested object wrapped in a *FieldError), bad JSON is *SyntaxError
// (invalid UTF-8 inside a field is a *FieldError wrapping one; lone UTF-16 surrogates are kept),
// bad backport targets *InvalidTargetVersionError. The HostInfo helpers return
// *NoMatchingPluginError, *NoMatchingVIFClassError, *NoMatchingPortProfileClassError and
// *NoSupportedVersionError.
//
// # govif's extension keys
//
// One data key is govif's, not os-vif's: "govif_trusted" of VIFHostDevice (VIFHostDevice.Trusted,
// ExtKeyTrusted), the SR-IOV VF trust Nova takes from binding:profile.trusted, which no os-vif
// class carries. It is decoded, encoded when set, cloned and kept by backports like a field, but
// has no version, is never in versioned_object.changes and is not listed by Classes or Repr.
// os-vif peers decode primitives carrying it and ignore the key (docs/wire-format.md).
package objects
