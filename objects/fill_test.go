package objects

import (
	"encoding/json"
	"net"
	"net/netip"
	"testing"
)

// fill sets every field of o (and, to depth, of nested objects) to a valid sample value.
func fill(o Object, depth int) Object {
	cls := classOf(o)
	for _, f := range cls.fields {
		switch p := f.ptr(o).(type) {
		case *Field[string]:
			switch f.kind {
			case kPCI:
				p.Set("0000:3b:00.2")
			case kUUID:
				p.Set("b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21")
			default:
				p.Set("s-" + f.name)
			}
		case *Field[bool]:
			p.Set(true)
		case *Field[int]:
			p.Set(1450)
		case *Field[net.HardwareAddr]:
			p.Set(net.HardwareAddr{0xfa, 0x16, 0x3e, 1, 2, 3})
		case *Field[netip.Addr]:
			p.Set(netip.MustParseAddr("2001:db8::1"))
		case *Field[[]netip.Addr]:
			p.Set([]netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("::ffff:10.0.0.2")})
		case *Field[netip.Prefix]:
			p.Set(netip.MustParsePrefix("10.0.0.5/24"))
		case *Field[VIFDirectMode]:
			p.Set(VIFDirectModePassthrough)
		case *Field[VIFVHostUserMode]:
			p.Set(VIFVHostUserModeServer)
		case *Field[VIFHostDeviceDevType]:
			p.Set(VIFHostDeviceDevTypeGeneric)
		case *Field[*Network]:
			if depth > 0 {
				p.Set(fill(&Network{}, depth-1).(*Network))
			}
		case *Field[PortProfile]:
			if depth > 0 {
				p.Set(fill(&VIFPortProfileOVSRepresentor{}, depth-1).(PortProfile))
			}
		case *Field[DatapathOffload]:
			if depth > 0 {
				p.Set(fill(&DatapathOffloadRepresentor{}, depth-1).(DatapathOffload))
			}
		case *Field[*SubnetList]:
			if depth > 0 {
				p.Set(fill(&SubnetList{}, depth-1).(*SubnetList))
			}
		case *Field[*FixedIPList]:
			if depth > 0 {
				p.Set(fill(&FixedIPList{}, depth-1).(*FixedIPList))
			}
		case *Field[*RouteList]:
			if depth > 0 {
				p.Set(fill(&RouteList{}, depth-1).(*RouteList))
			}
		case *Field[[]*Subnet]:
			p.Set(fillList[*Subnet](&Subnet{}, &Subnet{}, depth))
		case *Field[[]*FixedIP]:
			p.Set(fillList[*FixedIP](&FixedIP{}, &FixedIP{}, depth))
		case *Field[[]*Route]:
			p.Set(fillList[*Route](&Route{}, &Route{}, depth))
		case *Field[[]*HostPluginInfo]:
			p.Set(fillList[*HostPluginInfo](&HostPluginInfo{}, &HostPluginInfo{}, depth))
		case *Field[[]*HostVIFInfo]:
			p.Set(fillList[*HostVIFInfo](&HostVIFInfo{}, &HostVIFInfo{}, depth))
		case *Field[[]*HostPortProfileInfo]:
			p.Set(fillList[*HostPortProfileInfo](&HostPortProfileInfo{}, &HostPortProfileInfo{}, depth))
		default:
			panic("fill: no case for " + f.name)
		}
	}
	return o
}

func fillList[T Object](a, b T, depth int) []T {
	if depth <= 0 {
		return []T{}
	}
	fill(a, depth-1)
	fill(b, depth-1)
	return []T{a, b}
}

// Every class, fully set, at every version it has: the backport keeps exactly the fields of that
// version, decodes again, and re-encodes to the same primitive.
func TestEveryClassEveryVersion(t *testing.T) {
	for _, ci := range Classes() {
		o, _ := New(ci.Name)
		fill(o, 3)
		cls := registry[ci.Name]
		for _, h := range ci.History {
			t.Run(ci.Name+"@"+h.Version, func(t *testing.T) {
				out, err := EncodeWith(o, EncodeOptions{TargetVersion: h.Version})
				if err != nil {
					t.Fatal(err)
				}
				var prim map[string]json.RawMessage
				var data map[string]json.RawMessage
				if err := json.Unmarshal(out, &prim); err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(prim[keyData], &data); err != nil {
					t.Fatal(err)
				}
				v := mustVer(h.Version)
				for _, f := range cls.fields {
					_, has := data[f.name]
					if want := !v.less(f.since); has != want {
						t.Errorf("field %s present=%v at %s", f.name, has, h.Version)
					}
				}
				back := mustDecode(t, out)
				if ObjVersion(back) != h.Version {
					t.Errorf("decoded version %s", ObjVersion(back))
				}
				again, err := Encode(back)
				if err != nil {
					t.Fatal(err)
				}
				assertSamePrimitive(t, again, out)
			})
		}
	}
}
