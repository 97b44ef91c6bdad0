package ovsdb

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// The request encoder appends JSON directly for the notation types, operations and plain
// values, instead of letting encoding/json reflect over nested Marshalers (which re-validates
// every nested result). Anything else falls back to encoding/json. The output is identical to
// the MarshalJSON methods' (the golden tests check both paths).

func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			out, _ := json.Marshal(s)
			return append(b, out...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendTagged(b []byte, tag, s string) []byte {
	b = append(b, '[', '"')
	b = append(b, tag...)
	b = append(b, '"', ',')
	b = appendString(b, s)
	return append(b, ']')
}

// appendValue appends the JSON encoding of v.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case UUID:
		return appendTagged(b, "uuid", string(x)), nil
	case NamedUUID:
		return appendTagged(b, "named-uuid", string(x)), nil
	case Set:
		b, err := appendArray(append(b, `["set",`...), x, appendValue)
		if err != nil {
			return nil, err
		}
		return append(b, ']'), nil
	case Map:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, `["map",[`...)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = appendString(b, k)
			b = append(b, ',')
			b = appendString(b, x[k])
			b = append(b, ']')
		}
		return append(b, "]]"...), nil
	case map[string]any:
		return appendObject(b, x)
	case []string:
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		return append(b, ']'), nil
	case []any:
		return appendArray(b, x, appendValue)
	case []Condition:
		return appendArray(b, x, func(b []byte, c Condition) ([]byte, error) {
			return appendTriple(b, c.Column, c.Function, c.Value)
		})
	case []Mutation:
		return appendArray(b, x, func(b []byte, m Mutation) ([]byte, error) {
			return appendTriple(b, m.Column, m.Mutator, m.Value)
		})
	case []map[string]any:
		return appendArray(b, x, appendObject)
	case Condition:
		return appendTriple(b, x.Column, x.Function, x.Value)
	case Mutation:
		return appendTriple(b, x.Column, x.Mutator, x.Value)
	case Operation:
		return x.appendJSON(b)
	default:
		out, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return append(b, out...), nil
	}
}

// appendArray appends xs as a JSON array, each element by add.
func appendArray[T any](b []byte, xs []T, add func([]byte, T) ([]byte, error)) ([]byte, error) {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = add(b, x); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

func appendTriple(b []byte, a, op string, v any) ([]byte, error) {
	b = append(b, '[')
	b = appendString(b, a)
	b = append(b, ',')
	b = appendString(b, op)
	b = append(b, ',')
	b, err := appendValue(b, v)
	if err != nil {
		return nil, err
	}
	return append(b, ']'), nil
}

// appendObject appends m with its keys sorted (as encoding/json does).
func appendObject(b []byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendValue(b, m[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendJSON appends the operation; members in sorted order, like MarshalJSON.
func (o Operation) appendJSON(b []byte) ([]byte, error) {
	m, err := o.members()
	if err != nil {
		return nil, err
	}
	return appendObject(b, m)
}

// encodeRequest encodes a JSON-RPC request.
func encodeRequest(method string, params []any, id uint64) ([]byte, error) {
	b := make([]byte, 0, 512)
	b = append(b, `{"method":`...)
	b = appendString(b, method)
	b = append(b, `,"params":`...)
	b, err := appendValue(b, params)
	if err != nil {
		return nil, fmt.Errorf("encode %s params: %w", method, err)
	}
	b = append(b, `,"id":`...)
	b = strconv.AppendUint(b, id, 10)
	return append(b, '}'), nil
}
