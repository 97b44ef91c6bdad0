package objects

import (
	"net"
	"net/netip"
	"strconv"
)

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
		pf, ok := parsePrefix(b)
		if !ok {
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
	a, ok := parseAddr(b)
	if !ok {
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
