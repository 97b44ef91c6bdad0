package plugin

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sync"
)

var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// namePattern is what a plugin name may look like: it appears in VIF.plugin, in a config
// section name and in an executable's file name.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// ValidName reports whether name can name a plugin: letters, digits, '_', '.', '-', not
// starting with a punctuation character.
func ValidName(name string) bool { return len(name) <= 64 && namePattern.MatchString(name) }

// Register makes a plugin factory available under name. It is meant to be called from an init
// function and panics, as database/sql.Register does, if name is not a valid plugin name,
// f is nil, or name is already registered.
func Register(name string, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if !ValidName(name) {
		panic(fmt.Sprintf("plugin: Register with invalid name %q", name))
	}
	if f == nil {
		panic(fmt.Sprintf("plugin: Register of plugin %q with a nil factory", name))
	}
	if _, dup := registry[name]; dup {
		panic(fmt.Sprintf("plugin: Register called twice for plugin %q", name))
	}
	registry[name] = f
}

// Lookup returns the factory registered under name.
func Lookup(name string) (Factory, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	f, ok := registry[name]
	return f, ok
}

// Names returns the registered plugin names, sorted.
func Names() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return slices.Sorted(maps.Keys(registry))
}

// unregister removes a registration; for tests of this package only.
func unregister(name string) {
	registryMu.Lock()
	defer registryMu.Unlock()
	delete(registry, name)
}
