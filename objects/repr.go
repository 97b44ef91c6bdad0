package objects

import (
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Repr formats o the way oslo.versionedobjects' repr does, which os-vif puts in its
// messages ("Failed to plug VIF <repr>"): the class name, then every field sorted by name as
// name=value, <?> for unset fields, None for null, strings and enums in single quotes, UUIDs,
// addresses and numbers bare, booleans as True/False, nested objects as their class name followed
// by (id) or (uuid) when the class has such a field:
//
//	VIFBridge(active=True,address=fa:16:3e:00:11:22,bridge_name='br0',...,network=Network(7d3a...),plugin='linux_bridge',port_profile=<?>,...)
func Repr(o Object) string {
	if o == nil || isNil(o) {
		return "None"
	}
	cls := classOf(o)
	fields := append([]*fieldDesc(nil), cls.fields...)
	sort.Slice(fields, func(i, j int) bool { return fields[i].name < fields[j].name })
	var b strings.Builder
	b.WriteString(cls.name)
	b.WriteByte('(')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(f.name)
		b.WriteByte('=')
		b.WriteString(reprField(f, f.ptr(o)))
	}
	b.WriteByte(')')
	return b.String()
}

func reprField(f *fieldDesc, p any) string {
	if !p.(stater).IsSet() {
		return "<?>"
	}
	if p.(interface{ IsNull() bool }).IsNull() {
		return "None"
	}
	switch p := p.(type) {
	case *Field[string]:
		if f.kind == kString {
			return "'" + p.v + "'"
		}
		if f.kind == kPCI {
			if n, ok := normPCI(p.v); ok {
				return n
			}
		}
		return p.v
	case *Field[bool]:
		if p.v {
			return "True"
		}
		return "False"
	case *Field[int]:
		return strconv.Itoa(p.v)
	case *Field[net.HardwareAddr]:
		return p.v.String()
	case *Field[netip.Addr]:
		return addrString(p.v)
	case *Field[netip.Prefix]:
		return prefixString(p.v)
	case *Field[[]netip.Addr]:
		parts := make([]string, len(p.v))
		for i, a := range p.v {
			parts[i] = addrString(a)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case *Field[VIFDirectMode]:
		return "'" + string(p.v) + "'"
	case *Field[VIFVHostUserMode]:
		return "'" + string(p.v) + "'"
	case *Field[VIFHostDeviceDevType]:
		return "'" + string(p.v) + "'"
	case *Field[*Network]:
		return reprRef(p.v)
	case *Field[PortProfile]:
		return reprRef(p.v)
	case *Field[DatapathOffload]:
		return reprRef(p.v)
	case *Field[*SubnetList]:
		return reprRef(p.v)
	case *Field[*FixedIPList]:
		return reprRef(p.v)
	case *Field[*RouteList]:
		return reprRef(p.v)
	case *Field[[]*Subnet]:
		return reprRefs(p.v)
	case *Field[[]*FixedIP]:
		return reprRefs(p.v)
	case *Field[[]*Route]:
		return reprRefs(p.v)
	case *Field[[]*HostPluginInfo]:
		return reprRefs(p.v)
	case *Field[[]*HostVIFInfo]:
		return reprRefs(p.v)
	case *Field[[]*HostPortProfileInfo]:
		return reprRefs(p.v)
	}
	return "<?>"
}

// reprRef is oslo's Object.stringify: the class name and, if the class has a uuid or id field,
// its value in parentheses (UNKNOWN when unset).
func reprRef(o Object) string {
	if o == nil || isNil(o) {
		return "None"
	}
	cls := classOf(o)
	for _, key := range []string{"uuid", "id"} {
		if f := cls.field([]byte(key)); f != nil {
			p := f.ptr(o).(*Field[string])
			if p.HasValue() {
				return cls.name + "(" + p.v + ")"
			}
			return cls.name + "(UNKNOWN)"
		}
	}
	return cls.name
}

func reprRefs[T Object](list []T) string {
	parts := make([]string, len(list))
	for i, o := range list {
		parts[i] = reprRef(o)
	}
	return "[" + strings.Join(parts, ",") + "]"
}
