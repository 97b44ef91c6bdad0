package objects

import (
	"net"
	"net/netip"
	"strconv"
	"sync"
	"unicode/utf8"
)

// encoder writes primitives. With backport set it applies spec §3 (fields newer than the
// target are dropped, nested objects follow the manifest).
type encoder struct {
	buf       []byte
	backport  bool
	noChanges bool
	manifest  map[string]string
}

func encodeTop(o Object, opts *EncodeOptions) ([]byte, error) {
	cls := classOf(o)
	bp := bufPool.Get().(*[]byte)
	e := encoder{buf: (*bp)[:0]}
	defer func() {
		if cap(e.buf) <= 1<<20 {
			*bp = e.buf[:0]
			bufPool.Put(bp)
		}
	}()
	vs := ObjVersion(o)
	if opts != nil {
		e.backport, e.manifest = true, opts.Manifest
		switch {
		case opts.TargetVersion != "":
			vs = opts.TargetVersion
		case e.manifest[cls.name] != "":
			vs = e.manifest[cls.name]
		}
	}
	v, err := targetVersion(cls, vs)
	if err != nil {
		return nil, err
	}
	if err := e.object(o, cls, vs, v, true); err != nil {
		if fe, ok := err.(*FieldError); ok {
			return nil, prefixPath(fe, cls.name)
		}
		return nil, err
	}
	return append(make([]byte, 0, len(e.buf)), e.buf...), nil
}

// bufPool recycles encoding buffers; the result is copied out at its exact size.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}

// Validate checks o the way Encode does (every set field, nested objects included) and returns
// the first problem as a *FieldError.
func Validate(o Object) error {
	if o == nil || isNil(o) {
		return &FieldError{Path: "(object)", Reason: "nil object"}
	}
	_, err := encodeTop(o, nil)
	return err
}

// targetVersion checks that vs is a version cls can be emitted at: same major, not newer.
func targetVersion(cls *classDesc, vs string) (ver, error) {
	v, ok, valid := acceptVersion(vs, cls.version)
	if !valid || !ok {
		return ver{}, &InvalidTargetVersionError{ObjName: cls.name, Version: vs}
	}
	return v, nil
}

func (e *encoder) object(o Object, cls *classDesc, vs string, v ver, top bool) error {
	b := append(e.buf, `{"versioned_object.name":`...)
	b = appendString(b, cls.name)
	b = append(b, `,"versioned_object.namespace":"os_vif","versioned_object.version":`...)
	b = appendString(b, vs)
	b = append(b, `,"versioned_object.data":{`...)
	e.buf = b
	var set, present uint64
	for _, f := range cls.fields {
		p := f.ptr(o)
		if !p.(stater).IsSet() {
			continue
		}
		set |= f.bit
		if e.backport && v.less(f.since) {
			continue
		}
		if present != 0 {
			e.buf = append(e.buf, ',')
		}
		present |= f.bit
		e.buf = appendString(e.buf, f.name)
		e.buf = append(e.buf, ':')
		if err := e.value(f, p); err != nil {
			return wrapPath(err, f.name)
		}
	}
	wrote := present != 0
	for _, f := range cls.ext {
		p := f.ptr(o)
		if !p.(stater).IsSet() {
			continue
		}
		if wrote {
			e.buf = append(e.buf, ',')
		}
		wrote = true
		e.buf = appendString(e.buf, f.name)
		e.buf = append(e.buf, ':')
		if err := e.value(f, p); err != nil {
			return wrapPath(err, f.name)
		}
	}
	e.buf = append(e.buf, '}')
	m := o.objMeta()
	changes := set
	if m.decoded {
		changes = m.changes
	}
	if top {
		// Nested objects keep the changes of their un-backported form, as oslo does.
		changes &= present
	}
	if changes != 0 && !e.noChanges {
		e.buf = append(e.buf, `,"versioned_object.changes":[`...)
		first := true
		for _, f := range cls.fields {
			if changes&f.bit != 0 {
				if !first {
					e.buf = append(e.buf, ',')
				}
				first = false
				e.buf = appendString(e.buf, f.name)
			}
		}
		e.buf = append(e.buf, ']')
	}
	e.buf = append(e.buf, '}')
	return nil
}

type stater interface{ IsSet() bool }

func (e *encoder) value(f *fieldDesc, p any) error {
	if p.(interface{ IsNull() bool }).IsNull() {
		if !f.nullable {
			return &FieldError{Reason: "cannot be null"}
		}
		e.buf = append(e.buf, "null"...)
		return nil
	}
	switch p := p.(type) {
	case *Field[string]:
		s := p.v
		switch f.kind {
		case kPCI:
			n, ok := normPCI(s)
			if !ok {
				return &FieldError{Value: s, Reason: "malformed PCI address"}
			}
			s = n
		}
		if !utf8.ValidString(s) && invalidUTF8([]byte(s)) >= 0 {
			// Lone surrogates (as Decode stores them) are written as escapes; any other
			// invalid UTF-8 would have to be altered, and Python could not have sent it.
			return &FieldError{Value: s, Reason: "invalid UTF-8 in string"}
		}
		e.buf = appendString(e.buf, s)
	case *Field[bool]:
		e.buf = strconv.AppendBool(e.buf, p.v)
	case *Field[int]:
		e.buf = strconv.AppendInt(e.buf, int64(p.v), 10)
	case *Field[net.HardwareAddr]:
		if len(p.v) != 6 {
			return &FieldError{Value: p.v.String(), Reason: "malformed MAC address (want 6 octets)"}
		}
		e.buf = appendMAC(e.buf, p.v)
	case *Field[netip.Addr]:
		return e.addr(p.v)
	case *Field[[]netip.Addr]:
		e.buf = append(e.buf, '[')
		for i, a := range p.v {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.addr(a); err != nil {
				return wrapPath(err, "["+strconv.Itoa(i)+"]")
			}
		}
		e.buf = append(e.buf, ']')
	case *Field[netip.Prefix]:
		if !validPrefix(p.v) {
			return &FieldError{Value: p.v.String(), Reason: "malformed IP network"}
		}
		e.buf = append(e.buf, '"')
		e.buf = appendPrefix(e.buf, p.v)
		e.buf = append(e.buf, '"')
	case *Field[VIFDirectMode]:
		return e.enum(string(p.v), p.v.Valid(), "vepa, passthrough, bridge")
	case *Field[VIFVHostUserMode]:
		return e.enum(string(p.v), p.v.Valid(), "client, server")
	case *Field[VIFHostDeviceDevType]:
		return e.enum(string(p.v), p.v.Valid(), "ethernet, generic")
	case *Field[*Network]:
		return encodeObj(e, p.v, f.objType)
	case *Field[PortProfile]:
		return encodeObj(e, p.v, f.objType)
	case *Field[DatapathOffload]:
		return encodeObj(e, p.v, f.objType)
	case *Field[*SubnetList]:
		return encodeObj(e, p.v, f.objType)
	case *Field[*FixedIPList]:
		return encodeObj(e, p.v, f.objType)
	case *Field[*RouteList]:
		return encodeObj(e, p.v, f.objType)
	case *Field[[]*Subnet]:
		return encodeList(e, p.v, f.objType)
	case *Field[[]*FixedIP]:
		return encodeList(e, p.v, f.objType)
	case *Field[[]*Route]:
		return encodeList(e, p.v, f.objType)
	case *Field[[]*HostPluginInfo]:
		return encodeList(e, p.v, f.objType)
	case *Field[[]*HostVIFInfo]:
		return encodeList(e, p.v, f.objType)
	case *Field[[]*HostPortProfileInfo]:
		return encodeList(e, p.v, f.objType)
	default:
		panic("objects: no codec for field " + f.name)
	}
	return nil
}

func (e *encoder) addr(a netip.Addr) error {
	if !validAddr(a) {
		return &FieldError{Value: a.String(), Reason: "malformed IP address"}
	}
	e.buf = append(e.buf, '"')
	e.buf = appendAddr(e.buf, a)
	e.buf = append(e.buf, '"')
	return nil
}

func (e *encoder) enum(s string, ok bool, allowed string) error {
	if !ok {
		return &FieldError{Value: s, Reason: "must be one of " + allowed + ", not"}
	}
	e.buf = appendString(e.buf, s)
	return nil
}

// isNil reports whether an object value is a nil interface or a typed nil pointer.
func isNil(o Object) bool {
	if o == nil {
		return true
	}
	switch p := o.(type) {
	case *Network:
		return p == nil
	case *SubnetList:
		return p == nil
	case *FixedIPList:
		return p == nil
	case *RouteList:
		return p == nil
	case *Subnet:
		return p == nil
	case *FixedIP:
		return p == nil
	case *Route:
		return p == nil
	case *HostPluginInfo:
		return p == nil
	case *HostVIFInfo:
		return p == nil
	case *HostPortProfileInfo:
		return p == nil
	}
	return isNilSlow(o)
}

func encodeObj[T Object](e *encoder, t T, declared string) error {
	o := Object(t)
	if isNil(o) {
		return &FieldError{Reason: "holds a nil " + declared + " (use objects.Null for JSON null)"}
	}
	return e.child(o, declared)
}

func encodeList[T Object](e *encoder, list []T, declared string) error {
	e.buf = append(e.buf, '[')
	for i, t := range list {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		o := Object(t)
		if isNil(o) {
			return &FieldError{Path: "[" + strconv.Itoa(i) + "]", Reason: "holds a nil " + declared}
		}
		if err := e.child(o, declared); err != nil {
			return wrapPath(err, "["+strconv.Itoa(i)+"]")
		}
	}
	e.buf = append(e.buf, ']')
	return nil
}

// child encodes a nested object. In backport mode its version is the manifest's entry for its
// concrete class, else for the declared class of the field, else its own version.
func (e *encoder) child(o Object, declared string) error {
	cls := classOf(o)
	vs := ObjVersion(o)
	if e.backport {
		if mv, ok := e.manifest[cls.name]; ok {
			vs = mv
		} else if mv, ok := e.manifest[declared]; ok {
			vs = mv
		}
	}
	v, err := targetVersion(cls, vs)
	if err != nil {
		return err
	}
	return e.object(o, cls, vs, v, false)
}
