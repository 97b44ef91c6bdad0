package objects

import (
	"errors"
	"fmt"
)

// EncodeOptions selects a backport (spec §3). The zero value encodes like Encode.
type EncodeOptions struct {
	// TargetVersion is the version of the top-level object. "" means the manifest's entry for the
	// object's class, else the object's own version (ObjVersion: as decoded, or current).
	TargetVersion string
	// Manifest maps class names to versions for nested objects (like oslo.versionedobjects'
	// version_manifest). A nested object is backported to the entry for its concrete class,
	// else to the entry for the field's declared class (e.g. VIFPortProfileBase), else it keeps
	// its own version (with its own nested objects still looked up in the manifest).
	Manifest map[string]string
}

// ClassInfo describes one os-vif class.
type ClassInfo struct {
	// Name is the class name (versioned_object.name).
	Name string
	// Parent is the os-vif parent class ("" for direct VersionedObject subclasses).
	Parent string
	// Version is the current version.
	Version string
	// History lists every version, oldest first, with the fields each one added.
	History []VersionInfo
	// Fields lists the fields in os-vif's serialisation order.
	Fields []FieldInfo
}

// VersionInfo is one version of a class.
type VersionInfo struct {
	Version string
	// Added names the fields introduced at this version (all fields for the first version).
	Added []string
}

// FieldInfo describes one field of a class.
type FieldInfo struct {
	// Name is the wire name.
	Name string
	// Type is the os-vif field type, e.g. "UUIDField", "ObjectField(Network)".
	Type string
	// Nullable reports whether JSON null is allowed.
	Nullable bool
	// Since is the class version that introduced the field.
	Since string
}

// Primitive wraps an Object so that it can be embedded in JSON documents: it marshals to the
// object's primitive (Encode) and unmarshals any os-vif primitive (Decode).
type Primitive struct {
	Object Object
}

// MarshalJSON encodes p.Object with Encode.
func (p Primitive) MarshalJSON() ([]byte, error) {
	if p.Object == nil {
		return []byte("null"), nil
	}
	return Encode(p.Object)
}

// UnmarshalJSON decodes an os-vif primitive into p.Object; JSON null sets it to nil.
func (p *Primitive) UnmarshalJSON(data []byte) error {
	if string(trimSpace(data)) == "null" {
		p.Object = nil
		return nil
	}
	o, err := Decode(data)
	if err != nil {
		return err
	}
	p.Object = o
	return nil
}

// DecodeVIF decodes a primitive that must hold one of the eight VIF classes.
func DecodeVIF(data []byte) (VIF, error) {
	return decodeAs[VIF](data, "VIFBase")
}

// DecodeInstanceInfo decodes an InstanceInfo primitive.
func DecodeInstanceInfo(data []byte) (*InstanceInfo, error) {
	return decodeAs[*InstanceInfo](data, "InstanceInfo")
}

// DecodeHostInfo decodes a HostInfo primitive.
func DecodeHostInfo(data []byte) (*HostInfo, error) {
	return decodeAs[*HostInfo](data, "HostInfo")
}

// DecodePortProfile decodes a primitive that must hold a port profile class.
func DecodePortProfile(data []byte) (PortProfile, error) {
	return decodeAs[PortProfile](data, "VIFPortProfileBase")
}

func decodeAs[T Object](data []byte, want string) (T, error) {
	var zero T
	o, err := Decode(data)
	if err != nil {
		return zero, err
	}
	t, ok := o.(T)
	if !ok {
		return zero, &FieldError{Path: o.ObjName(), Reason: fmt.Sprintf("an object of type %s is required, not a %s", want, o.ObjName())}
	}
	return t, nil
}

// Encode returns the primitive of o at its version (ObjVersion: the version it was decoded at,
// else the class's current version), without any backport; nested objects likewise at their
// own versions. Values are validated; a bad one gives a *FieldError and no output.
func Encode(o Object) ([]byte, error) {
	if o == nil || isNil(o) {
		return nil, errors.New("objects: Encode of a nil Object")
	}
	return encodeTop(o, nil)
}

// EncodeWith returns the primitive of o backported as opts says (spec §3), see EncodeOptions.
func EncodeWith(o Object, opts EncodeOptions) ([]byte, error) {
	if o == nil || isNil(o) {
		return nil, errors.New("objects: EncodeWith of a nil Object")
	}
	return encodeTop(o, &opts)
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
