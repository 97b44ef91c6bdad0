package objects

import (
	"bytes"
	"net"
	"net/netip"
	"slices"
)

// Clone returns a deep copy of o: nested objects, lists and MAC addresses are copied, and the
// copy remembers the same received version and changes as o.
func Clone[T Object](o T) T {
	if isNil(o) {
		return o
	}
	return cloneObj(Object(o)).(T)
}

func cloneObj(o Object) Object {
	cls := classOf(o)
	c := cls.newObj()
	*c.objMeta() = *o.objMeta()
	for _, f := range slices.Concat(cls.fields, cls.ext) {
		switch src := f.ptr(o).(type) {
		case *Field[string]:
			*f.ptr(c).(*Field[string]) = *src
		case *Field[bool]:
			*f.ptr(c).(*Field[bool]) = *src
		case *Field[int]:
			*f.ptr(c).(*Field[int]) = *src
		case *Field[netip.Addr]:
			*f.ptr(c).(*Field[netip.Addr]) = *src
		case *Field[netip.Prefix]:
			*f.ptr(c).(*Field[netip.Prefix]) = *src
		case *Field[VIFDirectMode]:
			*f.ptr(c).(*Field[VIFDirectMode]) = *src
		case *Field[VIFVHostUserMode]:
			*f.ptr(c).(*Field[VIFVHostUserMode]) = *src
		case *Field[VIFHostDeviceDevType]:
			*f.ptr(c).(*Field[VIFHostDeviceDevType]) = *src
		case *Field[net.HardwareAddr]:
			dst := f.ptr(c).(*Field[net.HardwareAddr])
			*dst = *src
			dst.v = slices.Clone(src.v)
		case *Field[[]netip.Addr]:
			dst := f.ptr(c).(*Field[[]netip.Addr])
			*dst = *src
			dst.v = slices.Clone(src.v)
		case *Field[*Network]:
			cloneObjField(src, f.ptr(c).(*Field[*Network]))
		case *Field[PortProfile]:
			cloneObjField(src, f.ptr(c).(*Field[PortProfile]))
		case *Field[DatapathOffload]:
			cloneObjField(src, f.ptr(c).(*Field[DatapathOffload]))
		case *Field[*SubnetList]:
			cloneObjField(src, f.ptr(c).(*Field[*SubnetList]))
		case *Field[*FixedIPList]:
			cloneObjField(src, f.ptr(c).(*Field[*FixedIPList]))
		case *Field[*RouteList]:
			cloneObjField(src, f.ptr(c).(*Field[*RouteList]))
		case *Field[[]*Subnet]:
			cloneListField(src, f.ptr(c).(*Field[[]*Subnet]))
		case *Field[[]*FixedIP]:
			cloneListField(src, f.ptr(c).(*Field[[]*FixedIP]))
		case *Field[[]*Route]:
			cloneListField(src, f.ptr(c).(*Field[[]*Route]))
		case *Field[[]*HostPluginInfo]:
			cloneListField(src, f.ptr(c).(*Field[[]*HostPluginInfo]))
		case *Field[[]*HostVIFInfo]:
			cloneListField(src, f.ptr(c).(*Field[[]*HostVIFInfo]))
		case *Field[[]*HostPortProfileInfo]:
			cloneListField(src, f.ptr(c).(*Field[[]*HostPortProfileInfo]))
		default:
			panic("objects: Clone has no case for " + f.name)
		}
	}
	return c
}

func cloneObjField[T Object](src, dst *Field[T]) {
	*dst = *src
	if src.state == value && !isNil(src.v) {
		dst.v = cloneObj(src.v).(T)
	}
}

func cloneListField[T Object](src, dst *Field[[]T]) {
	*dst = *src
	if src.v == nil {
		return
	}
	dst.v = make([]T, len(src.v))
	for i, o := range src.v {
		if !isNil(o) {
			dst.v[i] = cloneObj(o).(T)
		}
	}
}

// Equal reports whether a and b are the same object on the wire: same class, same version
// (ObjVersion) and the same fields in the same states with the same values, nested objects
// included. The changes sets are not compared (oslo's ComparableVersionedObject compares them,
// order included, which upstream treats as a bug). Objects that do not encode are never equal.
func Equal(a, b Object) bool {
	if a == nil || b == nil || isNil(a) || isNil(b) {
		return (a == nil || isNil(a)) && (b == nil || isNil(b))
	}
	if a.ObjName() != b.ObjName() {
		return false
	}
	ea, err := encodeNoChanges(a)
	if err != nil {
		return false
	}
	eb, err := encodeNoChanges(b)
	return err == nil && bytes.Equal(ea, eb)
}

func encodeNoChanges(o Object) ([]byte, error) {
	e := encoder{noChanges: true}
	cls := classOf(o)
	vs := ObjVersion(o)
	v, err := targetVersion(cls, vs)
	if err != nil {
		return nil, err
	}
	if err := e.object(o, cls, vs, v, true); err != nil {
		return nil, err
	}
	return e.buf, nil
}
