package objects

import (
	"fmt"
	"sort"
)

// kind is the wire type of a field.
type kind uint8

const (
	kString kind = iota
	kUUID
	kPCI
	kInt
	kBool
	kMAC
	kIP
	kIPList
	kCIDR
	kEnum
	kObject
	kObjectList
)

var kindNames = [...]string{
	kString: "StringField", kUUID: "UUIDField", kPCI: "PCIAddressField", kInt: "IntegerField",
	kBool: "BooleanField", kMAC: "MACAddressField", kIP: "IPAddressField", kIPList: "ListOfIPAddressField",
	kCIDR: "IPNetworkField", kEnum: "EnumField", kObject: "ObjectField", kObjectList: "ListOfObjectsField",
}

// fieldDesc describes one field of one class: the table the codec, backports and Classes() use.
type fieldDesc struct {
	name     string
	kind     kind
	nullable bool
	since    ver
	objType  string // declared class of kObject / kObjectList fields
	enumType string // os-vif field class of kEnum fields
	bit      uint64 // 1 << index in the class's field table
	ptr      func(Object) any
}

// classDesc describes one os-vif class.
type classDesc struct {
	name     string
	parent   string
	version  ver
	versionS string
	history  []string
	fields   []*fieldDesc
	newObj   func() Object
	kuryr    bool // a kuryr-kubernetes class (kuryr.go): decodable, but not one of os-vif's 31
	// ext are govif's extension keys of the class (registerExt): decoded, encoded when set and
	// cloned like fields, but not os-vif fields: no version, no changes bit, not in Classes,
	// Repr or the manifests. os-vif peers ignore them (oslo reads only its fields' keys).
	ext []*fieldDesc
}

var (
	registry  = map[string]*classDesc{}
	classList []*classDesc
	kuryrList []*classDesc
)

func fd(name string, k kind, since string, ptr func(Object) any) *fieldDesc {
	return &fieldDesc{name: name, kind: k, since: mustVer(since), ptr: ptr}
}

func (f *fieldDesc) null() *fieldDesc { f.nullable = true; return f }

func (f *fieldDesc) of(class string) *fieldDesc { f.objType = class; return f }

func (f *fieldDesc) enum(t string) *fieldDesc { f.enumType = t; return f }

func register(name, parent string, history []string, newObj func() Object, fields ...[]*fieldDesc) {
	c := &classDesc{name: name, parent: parent, history: history, newObj: newObj}
	c.versionS = history[len(history)-1]
	c.version = mustVer(c.versionS)
	for _, group := range fields {
		for _, f := range group {
			f.bit = 1 << len(c.fields)
			c.fields = append(c.fields, f)
		}
	}
	if len(c.fields) > 64 {
		panic("objects: too many fields in " + name)
	}
	if got := newObj().ObjName(); got != name {
		panic("objects: class table mismatch " + name + " vs " + got)
	}
	registry[name] = c
	classList = append(classList, c)
}

// registerKuryr registers a class kuryr-kubernetes defines on top of os-vif's: it decodes and
// encodes like any other, but Classes (os-vif's set) does not list it; KuryrClasses does.
func registerKuryr(name, parent string, history []string, newObj func() Object, fields ...[]*fieldDesc) {
	register(name, parent, history, newObj, fields...)
	c := registry[name]
	c.kuryr = true
	classList = classList[:len(classList)-1]
	kuryrList = append(kuryrList, c)
}

func (c *classDesc) field(name []byte) *fieldDesc {
	for _, f := range c.fields {
		if f.name == string(name) {
			return f
		}
	}
	for _, f := range c.ext {
		if f.name == string(name) {
			return f
		}
	}
	return nil
}

// registerExt adds govif's extension key f to the registered class (see classDesc.ext). Its bit
// is 0: it is never in versioned_object.changes.
func registerExt(class string, f *fieldDesc) {
	c := registry[class]
	f.bit = 0
	c.ext = append(c.ext, f)
}

func classOf(o Object) *classDesc {
	c := registry[o.ObjName()]
	if c == nil {
		panic("objects: unregistered class " + o.ObjName())
	}
	return c
}

// CurrentVersion returns the current version of the named class and whether the class exists.
func CurrentVersion(name string) (string, bool) {
	c, ok := registry[name]
	if !ok {
		return "", false
	}
	return c.versionS, true
}

// New returns a zero object (every field unset) of the named class, or an
// *UnsupportedObjectError.
func New(name string) (Object, error) {
	c, ok := registry[name]
	if !ok {
		return nil, &UnsupportedObjectError{ObjType: name}
	}
	return c.newObj(), nil
}

// Classes describes all 31 classes, sorted by name.
func Classes() []ClassInfo { return classInfos(classList) }

// KuryrClasses describes the classes kuryr-kubernetes adds to os-vif's (VIFVlanNested,
// VIFMacvlanNested, VIFDPDKNested and, from before kuryr dropped SR-IOV, VIFSriov; in
// kuryr_kubernetes/objects/vif.py), sorted by name. They subclass os-vif's classes and so live
// in the os_vif namespace.
func KuryrClasses() []ClassInfo { return classInfos(kuryrList) }

func classInfos(list []*classDesc) []ClassInfo {
	out := make([]ClassInfo, 0, len(list))
	for _, c := range list {
		ci := ClassInfo{Name: c.name, Parent: c.parent, Version: c.versionS}
		for i, h := range c.history {
			hv := mustVer(h)
			vi := VersionInfo{Version: h, Added: []string{}}
			for _, f := range c.fields {
				if f.since == hv || (i == 0 && f.since.less(hv)) {
					vi.Added = append(vi.Added, f.name)
				}
			}
			ci.History = append(ci.History, vi)
		}
		for _, f := range c.fields {
			t := kindNames[f.kind]
			switch f.kind {
			case kObject, kObjectList:
				t = fmt.Sprintf("%s(%s)", t, f.objType)
			case kEnum:
				t = f.enumType
			}
			ci.Fields = append(ci.Fields, FieldInfo{Name: f.name, Type: t, Nullable: f.nullable, Since: f.since.String()})
		}
		out = append(out, ci)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
