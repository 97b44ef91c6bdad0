package objects

import "fmt"

// Field holds one os-vif object field in one of the three states the wire distinguishes:
// unset (absent from "versioned_object.data"), null (JSON null; only for nullable fields)
// and set to a value. The zero Field is unset, so a Go struct literal emits exactly the
// fields the caller named and nothing else: Go zero values never leak onto the wire and
// os-vif defaults are never applied implicitly.
//
//	vif := &objects.VIFOpenVSwitch{VIFName: objects.Set("tap581939de-24")}
//	name, ok := vif.VIFName.Get()
type Field[T any] struct {
	v     T
	state fieldState
}

type fieldState uint8

const (
	unset fieldState = iota
	null
	value
)

// Set returns a Field holding v.
func Set[T any](v T) Field[T] { return Field[T]{v: v, state: value} }

// Null returns a Field holding JSON null. Encoding a null in a field that is not nullable is a
// validation error.
func Null[T any]() Field[T] { return Field[T]{state: null} }

// Unset returns an unset Field (the zero value), for symmetry with Set and Null.
func Unset[T any]() Field[T] { return Field[T]{} }

// IsSet reports whether the field is present on the wire (holding a value or null).
func (f Field[T]) IsSet() bool { return f.state != unset }

// IsNull reports whether the field is present and null.
func (f Field[T]) IsNull() bool { return f.state == null }

// HasValue reports whether the field holds a value (set and not null).
func (f Field[T]) HasValue() bool { return f.state == value }

// Get returns the value and true when the field holds a value; the zero T and false when it is
// unset or null.
func (f Field[T]) Get() (T, bool) { return f.v, f.state == value }

// Value returns the value, or the zero T when the field is unset or null.
func (f Field[T]) Value() T { return f.v }

// Or returns the value, or def when the field is unset or null. Use it to apply an os-vif
// default at the point of use (vif.Active.Or(true)).
func (f Field[T]) Or(def T) T {
	if f.state == value {
		return f.v
	}
	return def
}

// Set stores v in the field.
func (f *Field[T]) Set(v T) { f.v, f.state = v, value }

// SetNull stores JSON null in the field.
func (f *Field[T]) SetNull() { var zero T; f.v, f.state = zero, null }

// Clear makes the field unset.
func (f *Field[T]) Clear() { *f = Field[T]{} }

// String formats the field for logs and debugging: "<unset>", "null", or the value as fmt
// prints it. Use Repr for os-vif's textual form of a whole object.
func (f Field[T]) String() string {
	switch f.state {
	case unset:
		return "<unset>"
	case null:
		return "null"
	}
	return fmt.Sprint(f.v)
}
