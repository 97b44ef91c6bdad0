package objects

import (
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
// become a *FieldError at seg wrapping them. Invalid UTF-8 in a string is well-formed JSON
// syntax but a bad value, so it becomes a *FieldError at seg wrapping the *SyntaxError (which
// has the offset).
func wrapPath(err error, seg string) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *FieldError:
		return prefixPath(e, seg)
	case *SyntaxError:
		if e.Msg == msgInvalidUTF8 {
			return &FieldError{Path: seg, Reason: "invalid UTF-8 in string at offset " + strconv.Itoa(e.Offset), Err: e}
		}
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
	if n, ok := obj.(*Network); ok {
		n.hydrateDefaults()
	}
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
