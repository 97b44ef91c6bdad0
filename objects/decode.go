package objects

import (
	"net"
	"net/netip"
	"strconv"
)

const (
	keyName      = "versioned_object.name"
	keyNamespace = "versioned_object.namespace"
	keyVersion   = "versioned_object.version"
	keyData      = "versioned_object.data"
	keyChanges   = "versioned_object.changes"
	maxNesting   = 32
)

// Decode decodes a primitive of any os-vif class (spec §2): the namespace must be os_vif, the
// class known, the version of the class's major and not newer than the class. Unknown data keys
// are ignored; every known field is validated (see docs/wire-format.md for the strictness
// rules). The object keeps the version it was received at and its changes set, so Encode
// reproduces the primitive. Errors: *SyntaxError, *UnsupportedObjectError,
// *IncompatibleVersionError (top-level object), *FieldError (anything inside, wrapping the typed
// error of a nested object).
func Decode(data []byte) (Object, error) {
	r := &reader{buf: data}
	o, name, err := decodeEnvelope(r, 0)
	if err != nil {
		if fe, ok := err.(*FieldError); ok && name != "" {
			return nil, prefixPath(fe, name)
		}
		if fe, ok := err.(*FieldError); ok && fe.Path == "" {
			fe.Path = "(primitive)"
		}
		return nil, err
	}
	if r.peek() != 0 {
		return nil, r.errf("unexpected data after the object")
	}
	return o, nil
}

func prefixPath(fe *FieldError, seg string) *FieldError {
	switch {
	case fe.Path == "":
		fe.Path = seg
	case fe.Path[0] == '[':
		fe.Path = seg + fe.Path
	default:
		fe.Path = seg + "." + fe.Path
	}
	return fe
}

// wrapPath puts seg in front of the path of a *FieldError; other errors (except syntax errors)
// become a *FieldError at seg wrapping them.
func wrapPath(err error, seg string) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *FieldError:
		return prefixPath(e, seg)
	case *SyntaxError:
		return e
	default:
		return &FieldError{Path: seg, Reason: err.Error(), Err: err}
	}
}

// decodeEnvelope decodes one object envelope. It returns the class name once known (for error
// paths) even when it fails later.
func decodeEnvelope(r *reader, depth int) (Object, string, error) {
	if depth > maxNesting {
		return nil, "", r.errf("objects nested too deeply")
	}
	if r.peek() != '{' {
		if r.peek() == 0 {
			return nil, "", r.errf("unexpected end of input")
		}
		return nil, "", r.typeErr("", "an os-vif object (JSON object with versioned_object keys) is required, not a ")
	}
	r.pos++
	var (
		name                 string
		nsB, versionB        []byte
		haveName, haveNS     bool
		haveVersion, gotData bool
		dataPos, changesPos  = -1, -1
		obj                  Object
		cls                  *classDesc
		changes              uint64
		version              string
	)
	resolve := func() error {
		var err error
		version = internVersion(versionB)
		cls, err = resolveClass(name, nsB, version)
		if err != nil {
			return err
		}
		obj = cls.newObj()
		return nil
	}
	if r.first('}') {
		for {
			k, err := r.key()
			if err != nil {
				return nil, name, err
			}
			switch string(k) {
			case keyName, keyNamespace, keyVersion:
				if r.peek() != '"' {
					return nil, name, r.typeErr("", string(k)+" must be a string, not a ")
				}
				s, err := r.strBytes()
				if err != nil {
					return nil, name, err
				}
				switch string(k) {
				case keyName:
					name, haveName = internName(s), true
				case keyNamespace:
					nsB, haveNS = s, true
				default:
					versionB, haveVersion = s, true
				}
			case keyData:
				gotData = true
				if obj == nil && haveName && haveNS && haveVersion {
					if err := resolve(); err != nil {
						return nil, name, err
					}
				}
				if obj == nil {
					dataPos = r.pos
					if err := r.skip(); err != nil {
						return nil, name, err
					}
				} else if err := decodeData(r, cls, obj, depth); err != nil {
					return nil, name, err
				}
			case keyChanges:
				if cls == nil {
					changesPos = r.pos
					if err := r.skip(); err != nil {
						return nil, name, err
					}
				} else if changes, err = decodeChanges(r, cls); err != nil {
					return nil, name, err
				}
			default:
				if err := r.skip(); err != nil {
					return nil, name, err
				}
			}
			more, err := r.more('}')
			if err != nil {
				return nil, name, err
			}
			if !more {
				break
			}
		}
	}
	switch {
	case !haveName:
		return nil, name, missingKey(keyName)
	case !haveNS:
		return nil, name, missingKey(keyNamespace)
	case !haveVersion:
		return nil, name, missingKey(keyVersion)
	case !gotData:
		return nil, name, missingKey(keyData)
	}
	if obj == nil {
		if err := resolve(); err != nil {
			return nil, name, err
		}
		sub := &reader{buf: r.buf, pos: dataPos}
		if err := decodeData(sub, cls, obj, depth); err != nil {
			return nil, name, err
		}
	}
	if changesPos >= 0 {
		var err error
		if changes, err = decodeChanges(&reader{buf: r.buf, pos: changesPos}, cls); err != nil {
			return nil, name, err
		}
	}
	m := obj.objMeta()
	m.version, m.decoded, m.changes = version, true, changes
	return obj, name, nil
}

func missingKey(k string) error { return &FieldError{Reason: "missing " + strconv.Quote(k)} }

// internName returns the registered class name equal to b without allocating, else string(b).
func internName(b []byte) string {
	if c, ok := registry[string(b)]; ok {
		return c.name
	}
	return string(b)
}

// internVersion returns a shared string for the usual versions.
func internVersion(b []byte) string {
	if len(b) == 3 && b[0] == '1' && b[1] == '.' && b[2] >= '0' && b[2] <= '9' {
		return knownVersions[b[2]-'0']
	}
	return string(b)
}

var knownVersions = [...]string{"1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.9"}

func resolveClass(name string, ns []byte, version string) (*classDesc, error) {
	if string(ns) != Namespace {
		return nil, &UnsupportedObjectError{ObjType: string(ns) + "." + name}
	}
	cls, ok := registry[name]
	if !ok {
		return nil, &UnsupportedObjectError{ObjType: name}
	}
	_, ok, valid := acceptVersion(version, cls.version)
	if !valid {
		return nil, &FieldError{Path: keyVersion, Value: version, Reason: "invalid version"}
	}
	if !ok {
		return nil, &IncompatibleVersionError{ObjName: name, Version: version, Supported: cls.versionS}
	}
	return cls, nil
}

func decodeChanges(r *reader, cls *classDesc) (uint64, error) {
	if r.peek() != '[' {
		return 0, r.typeErr(keyChanges, "a list of field names is required, not a ")
	}
	r.pos++
	var bits uint64
	if !r.first(']') {
		return 0, nil
	}
	for {
		if r.peek() != '"' {
			return 0, r.typeErr(keyChanges, "a list of field names is required, found a ")
		}
		s, err := r.strBytes()
		if err != nil {
			return 0, err
		}
		if f := cls.field(s); f != nil {
			bits |= f.bit
		}
		if more, err := r.more(']'); err != nil || !more {
			return bits, err
		}
	}
}

func decodeData(r *reader, cls *classDesc, obj Object, depth int) error {
	if r.peek() != '{' {
		return r.typeErr(keyData, "a JSON object is required, not a ")
	}
	r.pos++
	if !r.first('}') {
		return nil
	}
	for {
		k, err := r.key()
		if err != nil {
			return err
		}
		if f := cls.field(k); f == nil {
			if err := r.skip(); err != nil {
				return err
			}
		} else if err := decodeField(r, f, obj, depth); err != nil {
			return wrapPath(err, f.name)
		}
		more, err := r.more('}')
		if err != nil || !more {
			return err
		}
	}
}

type nuller interface{ SetNull() }

func decodeField(r *reader, f *fieldDesc, obj Object, depth int) error {
	p := f.ptr(obj)
	if r.isNull() {
		if !f.nullable {
			return &FieldError{Reason: "cannot be null"}
		}
		p.(nuller).SetNull()
		return nil
	}
	switch p := p.(type) {
	case *Field[string]:
		s, err := readString(r)
		if err != nil {
			return err
		}
		switch f.kind {
		case kPCI:
			n, ok := normPCI(s)
			if !ok {
				return &FieldError{Value: s, Reason: "malformed PCI address"}
			}
			s = n
		}
		p.Set(s)
	case *Field[bool]:
		switch r.literal() {
		case 't':
			p.Set(true)
		case 'f':
			p.Set(false)
		default:
			return r.typeErr("", "a boolean is required, not a ")
		}
	case *Field[int]:
		n, err := readInt(r)
		if err != nil {
			return err
		}
		p.Set(n)
	case *Field[net.HardwareAddr]:
		b, err := readStringBytes(r)
		if err != nil {
			return err
		}
		mac, ok := parseMAC(b)
		if !ok {
			return &FieldError{Value: string(b), Reason: "malformed MAC address"}
		}
		p.Set(mac)
	case *Field[netip.Addr]:
		a, err := readAddr(r)
		if err != nil {
			return err
		}
		p.Set(a)
	case *Field[[]netip.Addr]:
		return decodeAddrList(r, p)
	case *Field[netip.Prefix]:
		b, err := readStringBytes(r)
		if err != nil {
			return err
		}
		pf, err := netip.ParsePrefix(string(b))
		if err != nil || !validPrefix(pf) {
			return &FieldError{Value: string(b), Reason: "malformed IP network"}
		}
		p.Set(pf)
	case *Field[VIFDirectMode]:
		return decodeEnum(r, p, "vepa, passthrough, bridge")
	case *Field[VIFVHostUserMode]:
		return decodeEnum(r, p, "client, server")
	case *Field[VIFHostDeviceDevType]:
		return decodeEnum(r, p, "ethernet, generic")
	case *Field[*Network]:
		return decodeObj(r, p, f.objType, depth)
	case *Field[PortProfile]:
		return decodeObj(r, p, f.objType, depth)
	case *Field[DatapathOffload]:
		return decodeObj(r, p, f.objType, depth)
	case *Field[*SubnetList]:
		return decodeObj(r, p, f.objType, depth)
	case *Field[*FixedIPList]:
		return decodeObj(r, p, f.objType, depth)
	case *Field[*RouteList]:
		return decodeObj(r, p, f.objType, depth)
	case *Field[[]*Subnet]:
		return decodeList(r, p, f.objType, depth)
	case *Field[[]*FixedIP]:
		return decodeList(r, p, f.objType, depth)
	case *Field[[]*Route]:
		return decodeList(r, p, f.objType, depth)
	case *Field[[]*HostPluginInfo]:
		return decodeList(r, p, f.objType, depth)
	case *Field[[]*HostVIFInfo]:
		return decodeList(r, p, f.objType, depth)
	case *Field[[]*HostPortProfileInfo]:
		return decodeList(r, p, f.objType, depth)
	default:
		panic("objects: no codec for field " + f.name)
	}
	return nil
}

func readStringBytes(r *reader) ([]byte, error) {
	if r.peek() != '"' {
		return nil, r.typeErr("", "a string is required, not a ")
	}
	return r.strBytes()
}

func readString(r *reader) (string, error) {
	b, err := readStringBytes(r)
	return string(b), err
}

func readInt(r *reader) (int, error) {
	c := r.peek()
	if c != '-' && (c < '0' || c > '9') {
		return 0, r.typeErr("", "an integer is required, not a ")
	}
	b, err := r.number()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, &FieldError{Value: string(b), Reason: "an integer is required, not"}
	}
	return int(n), nil
}

func readAddr(r *reader) (netip.Addr, error) {
	b, err := readStringBytes(r)
	if err != nil {
		return netip.Addr{}, err
	}
	a, err := netip.ParseAddr(string(b))
	if err != nil || !validAddr(a) {
		return netip.Addr{}, &FieldError{Value: string(b), Reason: "malformed IP address"}
	}
	return a, nil
}

func decodeAddrList(r *reader, p *Field[[]netip.Addr]) error {
	if r.peek() != '[' {
		return r.typeErr("", "a list is required, not a ")
	}
	r.pos++
	list := []netip.Addr{}
	if r.first(']') {
		for i := 0; ; i++ {
			if r.isNull() {
				return &FieldError{Path: "[" + strconv.Itoa(i) + "]", Reason: "cannot be null"}
			}
			a, err := readAddr(r)
			if err != nil {
				return wrapPath(err, "["+strconv.Itoa(i)+"]")
			}
			list = append(list, a)
			more, err := r.more(']')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	p.Set(list)
	return nil
}

func decodeEnum[T interface {
	~string
	Valid() bool
}](r *reader, p *Field[T], allowed string) error {
	s, err := readString(r)
	if err != nil {
		return err
	}
	if !T(s).Valid() {
		return &FieldError{Value: s, Reason: "must be one of " + allowed + ", not"}
	}
	p.Set(T(s))
	return nil
}

func decodeObj[T Object](r *reader, p *Field[T], declared string, depth int) error {
	t, err := decodeElem[T](r, declared, depth)
	if err != nil {
		return err
	}
	p.Set(t)
	return nil
}

func decodeElem[T Object](r *reader, declared string, depth int) (T, error) {
	var zero T
	o, _, err := decodeEnvelope(r, depth+1)
	if err != nil {
		return zero, err
	}
	t, ok := o.(T)
	if !ok {
		return zero, &FieldError{Reason: "an object of type " + declared + " is required, not a " + o.ObjName()}
	}
	return t, nil
}

func decodeList[T Object](r *reader, p *Field[[]T], declared string, depth int) error {
	if r.peek() != '[' {
		return r.typeErr("", "a list is required, not a ")
	}
	r.pos++
	list := make([]T, 0, 2)
	if r.first(']') {
		for i := 0; ; i++ {
			if r.isNull() {
				return &FieldError{Path: "[" + strconv.Itoa(i) + "]", Reason: "cannot be null"}
			}
			t, err := decodeElem[T](r, declared, depth)
			if err != nil {
				return wrapPath(err, "["+strconv.Itoa(i)+"]")
			}
			list = append(list, t)
			more, err := r.more(']')
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	p.Set(list)
	return nil
}
