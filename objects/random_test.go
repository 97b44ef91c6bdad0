package objects_test

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"reflect"
	"strings"

	"github.com/govif/govif/objects"
)

// randGen builds random os-vif objects as a Go caller would: struct fields set with Set/SetNull,
// covering every class (via objects.Classes), nesting, nulls, unset fields, IPv4/IPv6 (incl.
// v4-mapped and zero-run edge cases), every enum value, polymorphic port profiles and offloads.
// It uses reflection to reach each class's Field[T] members by wire name so that it never goes
// stale when classes gain fields.
type randGen struct {
	r       *rand.Rand
	classes map[string]objects.ClassInfo
	pUnset  float64
	pNull   float64
}

func newRandGen(seed uint64) *randGen {
	g := &randGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), classes: map[string]objects.ClassInfo{}, pUnset: 0.2, pNull: 0.2}
	for _, c := range objects.Classes() {
		g.classes[c.Name] = c
	}
	return g
}

var enumValues = map[string][]string{
	"VIFDirectModeField":        {string(objects.VIFDirectModeVEPA), string(objects.VIFDirectModePassthrough), string(objects.VIFDirectModeBridge)},
	"VIFVHostUserModeField":     {string(objects.VIFVHostUserModeClient), string(objects.VIFVHostUserModeServer)},
	"VIFHostDeviceDevTypeField": {string(objects.VIFHostDeviceDevTypeEthernet), string(objects.VIFHostDeviceDevTypeGeneric)},
}

// normName maps both wire names and Go field names to one key: "interface_id" and "InterfaceID"
// both become "interfaceid".
func normName(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

// fieldsByWire returns the addressable Field[T] members of the struct behind o, by wire name
// (following embedded structs).
func fieldsByWire(o objects.Object) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
				walk(v.Field(i))
				continue
			}
			if strings.HasPrefix(sf.Type.Name(), "Field[") {
				out[normName(sf.Name)] = v.Field(i)
			}
		}
	}
	walk(reflect.ValueOf(o).Elem())
	return out
}

// concrete lists the classes that may fill a field declared as ObjectField(declared).
func (g *randGen) concrete(declared string) []string {
	base, err := objects.New(declared)
	if err != nil {
		panic(err)
	}
	var out []string
	for name := range g.classes {
		o, _ := objects.New(name)
		switch base.(type) {
		case objects.PortProfile:
			if _, ok := o.(objects.PortProfile); ok {
				out = append(out, name)
			}
		case objects.DatapathOffload:
			if _, ok := o.(objects.DatapathOffload); ok {
				out = append(out, name)
			}
		default:
			if name == declared {
				out = append(out, name)
			}
		}
	}
	sortStrings(out)
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// object builds a random object of the named class.
func (g *randGen) object(name string, depth int) objects.Object {
	o, err := objects.New(name)
	if err != nil {
		panic(err)
	}
	members := fieldsByWire(o)
	for _, f := range g.classes[name].Fields {
		fv, ok := members[normName(f.Name)]
		if !ok {
			panic(fmt.Sprintf("randGen: %s.%s has no Go Field member", name, f.Name))
		}
		if g.r.Float64() < g.pUnset {
			continue
		}
		if f.Nullable && g.r.Float64() < g.pNull {
			fv.Addr().MethodByName("SetNull").Call(nil)
			continue
		}
		tArg := fv.Addr().MethodByName("Set").Type().In(0)
		v, ok := g.value(f.Type, tArg, depth)
		if !ok {
			continue
		}
		fv.Addr().MethodByName("Set").Call([]reflect.Value{v})
	}
	return o
}

func (g *randGen) value(ftype string, t reflect.Type, depth int) (reflect.Value, bool) {
	conv := func(x any) (reflect.Value, bool) { return reflect.ValueOf(x).Convert(t), true }
	switch {
	case strings.HasPrefix(ftype, "ObjectField("):
		if depth > 4 {
			return reflect.Value{}, false
		}
		choices := g.concrete(strings.TrimSuffix(strings.TrimPrefix(ftype, "ObjectField("), ")"))
		return reflect.ValueOf(g.object(choices[g.r.IntN(len(choices))], depth+1)), true
	case strings.HasPrefix(ftype, "ListOfObjectsField("):
		if depth > 4 {
			return reflect.Value{}, false
		}
		el := strings.TrimSuffix(strings.TrimPrefix(ftype, "ListOfObjectsField("), ")")
		n := g.r.IntN(3)
		s := reflect.MakeSlice(t, n, n)
		for i := range n {
			s.Index(i).Set(reflect.ValueOf(g.object(el, depth+1)))
		}
		return s, true
	}
	if vals, ok := enumValues[ftype]; ok {
		return conv(vals[g.r.IntN(len(vals))])
	}
	switch ftype {
	case "StringField":
		return conv(g.str())
	case "UUIDField":
		return conv(g.uuid())
	case "PCIAddressField":
		return conv(fmt.Sprintf("%04x:%02x:%02x.%d", g.r.IntN(0x10000), g.r.IntN(256), g.r.IntN(32), g.r.IntN(8)))
	case "IntegerField":
		return conv([]int{0, 1, 100, 1450, 1500, 4094, 9000, -1, 1 << 31}[g.r.IntN(9)])
	case "BooleanField":
		return conv(g.r.IntN(2) == 1)
	case "MACAddressField":
		mac := make(net.HardwareAddr, 6)
		for i := range mac {
			mac[i] = byte(g.r.IntN(256))
		}
		return conv(mac)
	case "IPAddressField":
		return conv(g.ip())
	case "ListOfIPAddressField":
		n := g.r.IntN(4)
		l := make([]netip.Addr, n)
		for i := range l {
			l[i] = g.ip()
		}
		return conv(l)
	case "IPNetworkField":
		a := g.ip()
		return conv(netip.PrefixFrom(a, g.r.IntN(a.BitLen()+1)))
	}
	panic("randGen: no generator for field type " + ftype)
}

var randWords = []string{"", "br-int", "eth0", "tap581939de-24", "ovs", "linux_bridge", "noop", "private",
	strings.Repeat("x", 40), "ünïcode-名前", "with space", `a"b\c`, "system", "netdev", "1.0", "0", "<>&", "\u2028"}

func (g *randGen) str() string {
	if g.r.Float64() < 0.7 {
		return randWords[g.r.IntN(len(randWords))]
	}
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789-_."
	b := make([]byte, 1+g.r.IntN(19))
	for i := range b {
		b[i] = chars[g.r.IntN(len(chars))]
	}
	return string(b)
}

func (g *randGen) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// ip returns IPv4 (60%) or IPv6, with IPv6 edge cases netaddr and Go might print differently.
func (g *randGen) ip() netip.Addr {
	if g.r.Float64() < 0.6 {
		return netip.AddrFrom4([4]byte{byte(1 + g.r.IntN(223)), byte(g.r.IntN(256)), byte(g.r.IntN(256)), byte(1 + g.r.IntN(254))})
	}
	special := []string{"::1", "::", "::ffff:10.1.2.3", "2001:db8::", "2001:db8:0:0:1:0:0:1", "fe80::1", "2001:db8:0:1:1:1:1:1", "1::",
		"::a00:1", "::1:0", "::ffff", "::2", "64:ff9b::a00:1"}
	if g.r.Float64() < 0.25 {
		return netip.MustParseAddr(special[g.r.IntN(len(special))])
	}
	var b [16]byte
	for i := 0; i < 16; i += 2 {
		if g.r.IntN(3) == 0 {
			b[i], b[i+1] = byte(g.r.IntN(256)), byte(g.r.IntN(256))
		}
	}
	b[0], b[1] = 0x20, 0x01
	return netip.AddrFrom16(b)
}

// encodeOptions picks a random target version of the class and a random manifest.
func (g *randGen) encodeOptions(name string) (objects.EncodeOptions, bool) {
	hist := g.classes[name].History
	opts := objects.EncodeOptions{TargetVersion: hist[g.r.IntN(len(hist))].Version}
	switch x := g.r.Float64(); {
	case x < 0.4:
		return opts, opts.TargetVersion != g.classes[name].Version
	case x < 0.5:
		opts.Manifest = map[string]string{}
	default:
		opts.Manifest = map[string]string{}
		names := make([]string, 0, len(g.classes))
		for n := range g.classes {
			names = append(names, n)
		}
		sortStrings(names)
		for range 1 + g.r.IntN(8) {
			n := names[g.r.IntN(len(names))]
			h := g.classes[n].History
			opts.Manifest[n] = h[g.r.IntN(len(h))].Version
		}
	}
	return opts, true
}
