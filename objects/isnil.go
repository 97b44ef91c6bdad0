package objects

import "reflect"

// isNilSlow catches typed nil pointers of the polymorphic classes (profiles, offloads, VIFs)
// stored in an interface-typed field.
func isNilSlow(o Object) bool {
	v := reflect.ValueOf(o)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
