package objects

// Namespace is the versioned_object.namespace of every os-vif object.
const Namespace = "os_vif"

// Object is implemented by all 31 os-vif classes (pointer receivers). The unexported methods
// seal the interface: only this package's types are Objects.
type Object interface {
	// ObjName returns the os-vif class name, the wire's versioned_object.name.
	ObjName() string
	objMeta() *objMeta
}

// objMeta is what an object remembers about the primitive it was decoded from.
type objMeta struct {
	// version is the version string exactly as received ("" for an object built in Go).
	version string
	// decoded is true for objects made by Decode; then changes holds the received
	// versioned_object.changes (intersected with the class's fields) as a bit set over the
	// class's field table.
	decoded bool
	changes uint64
}

// ObjVersion returns the version o is encoded at by Encode: the version it was decoded at, or
// the class's current version for an object built in Go.
func ObjVersion(o Object) string {
	if v := o.objMeta().version; v != "" {
		return v
	}
	v, _ := CurrentVersion(o.ObjName())
	return v
}

// SetObjVersion makes Encode emit o at version v (without any backport), as if o had been
// decoded at v; "" restores the current version. It does not check v: EncodeWith does.
func SetObjVersion(o Object, v string) { o.objMeta().version = v }
