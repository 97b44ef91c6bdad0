package config

import (
	"maps"
	"slices"
)

// Section is the raw content of one INI section: option name to every value assigned, in file
// order. Its typed getters apply oslo.config's conversions and report bad values as *ValueError.
type Section struct {
	Name string
	opts map[string][]string
}

// NewSection builds a Section from a map (for tests and for plugins handed a section by the
// exec protocol).
func NewSection(name string, opts map[string][]string) Section {
	s := Section{Name: name, opts: map[string][]string{}}
	for k, v := range opts {
		s.opts[k] = slices.Clone(v)
	}
	return s
}

// Keys returns the option names set in the section, sorted.
func (s Section) Keys() []string { return slices.Sorted(maps.Keys(s.opts)) }

// Get returns the last value assigned to key (oslo's rule for single-valued options).
func (s Section) Get(key string) (string, bool) {
	v := s.opts[key]
	if len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

// String returns Get(key), or def when key is not set.
func (s Section) String(key, def string) string {
	if v, ok := s.Get(key); ok {
		return v
	}
	return def
}

// Values returns every value assigned to key, in file order (a multi-valued option).
func (s Section) Values(key string) []string { return slices.Clone(s.opts[key]) }

// Map returns a copy of the whole section.
func (s Section) Map() map[string][]string {
	m := make(map[string][]string, len(s.opts))
	for k, v := range s.opts {
		m[k] = slices.Clone(v)
	}
	return m
}

// Bool returns key as an oslo boolean, def when unset, or a *ValueError.
func (s Section) Bool(key string, def bool) (bool, error) {
	v, ok := s.Get(key)
	if !ok {
		return def, nil
	}
	b, ok := ParseBool(v)
	if !ok {
		return def, &ValueError{Section: s.Name, Option: key, Value: v, Reason: "invalid boolean"}
	}
	return b, nil
}

// Int returns key as an integer, def when unset or empty, or a *ValueError.
func (s Section) Int(key string, def int) (int, error) {
	v, ok := s.Get(key)
	if !ok {
		return def, nil
	}
	n, reason, bad := parseInt(v, def, -1<<63, 1<<63-1)
	if reason != "" {
		return def, &ValueError{Section: s.Name, Option: key, Value: bad, Reason: reason}
	}
	return n, nil
}

// List returns key as an oslo ListOpt (comma-separated), def when unset.
func (s Section) List(key string, def []string) []string {
	v, ok := s.Get(key)
	if !ok {
		return slices.Clone(def)
	}
	return SplitList(v)
}
