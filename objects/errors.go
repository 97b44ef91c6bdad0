package objects

import (
	"fmt"
	"strings"
)

// FieldError reports a bad value in one field of an object. Path names the field from the
// top-level object down, e.g. VIFOpenVSwitch.network.subnets.objects[0].ips.objects[1].address.
type FieldError struct {
	// Path is the dotted path of the field, starting with the top-level class name.
	Path string
	// Value is the offending value (as received or as set in Go); nil when there is none to show.
	Value any
	// Reason says what is wrong with the value.
	Reason string
	// Err is the underlying typed error, if any (e.g. an *UnsupportedObjectError of a nested object).
	Err error
}

// Error implements error.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(e.Reason)
	switch v := e.Value.(type) {
	case nil:
	case string:
		fmt.Fprintf(&b, " %q", v)
	default:
		fmt.Fprintf(&b, " %v", v)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

// SyntaxError reports input that is not well-formed JSON.
type SyntaxError struct {
	// Offset is the byte offset in the input where the problem was found.
	Offset int
	// Msg describes the problem.
	Msg string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// UnsupportedObjectError is oslo.versionedobjects' UnsupportedObjectError: an unknown class name
// or a namespace other than os_vif. ObjType is "name" or "namespace.name".
type UnsupportedObjectError struct {
	// ObjType is the class name, prefixed with the namespace when that is not os_vif.
	ObjType string
}

// Error implements error.
func (e *UnsupportedObjectError) Error() string { return "Unsupported object type " + e.ObjType }

// IncompatibleVersionError is oslo.versionedobjects' IncompatibleObjectVersion: a primitive of a
// newer minor version or another major version than this implementation knows.
type IncompatibleVersionError struct {
	// ObjName is the class, Version the version received, Supported the class's version here.
	ObjName   string
	Version   string
	Supported string
}

// Error implements error.
func (e *IncompatibleVersionError) Error() string {
	return fmt.Sprintf("Version %s of %s is not supported, supported version is %s", e.Version, e.ObjName, e.Supported)
}

// InvalidTargetVersionError is oslo.versionedobjects' InvalidTargetVersion: a backport target
// newer than the class, of another major version, or not a version at all.
type InvalidTargetVersionError struct {
	// ObjName is the class, Version the target asked for.
	ObjName string
	Version string
}

// Error implements error.
func (e *InvalidTargetVersionError) Error() string {
	return "Invalid target version " + e.Version + " (for " + e.ObjName + ")"
}

// ObjectActionError is oslo.versionedobjects' ObjectActionError.
type ObjectActionError struct {
	// Action is the failed action (e.g. obj_make_compatible), Reason why it failed.
	Action string
	Reason string
}

// Error implements error.
func (e *ObjectActionError) Error() string {
	return fmt.Sprintf("Object action %s failed because: %s", e.Action, e.Reason)
}

// NoMatchingPluginError is os-vif's NoMatchingPlugin.
type NoMatchingPluginError struct {
	// PluginName is the plugin asked for.
	PluginName string
}

// Error implements error.
func (e *NoMatchingPluginError) Error() string {
	return "No VIF plugin was found with the name " + e.PluginName
}

// NoMatchingVIFClassError is os-vif's NoMatchingVIFClass, with the name filled in (os-vif's
// HostPluginInfo.get_vif leaves the message unformatted).
type NoMatchingVIFClassError struct {
	// Name is the VIF class asked for.
	Name string
}

// Error implements error.
func (e *NoMatchingVIFClassError) Error() string {
	return "No VIF class was found with the name " + e.Name
}

// NoMatchingPortProfileClassError is os-vif's NoMatchingPortProfileClass.
type NoMatchingPortProfileClassError struct {
	// Name is the port profile class asked for.
	Name string
}

// Error implements error.
func (e *NoMatchingPortProfileClassError) Error() string {
	return "No PortProfile class was found with the name " + e.Name
}

// NoSupportedVersionError is os-vif's NoSupportedVIFVersion (Kind "VIF") or
// NoSupportedPortProfileVersion (Kind "PortProfile").
type NoSupportedVersionError struct {
	// Kind is "VIF" or "PortProfile"; Name the class; GotVersions its versions, comma-separated;
	// MinVersion and MaxVersion the range asked for.
	Kind        string
	Name        string
	GotVersions string
	MinVersion  string
	MaxVersion  string
}

// Error implements error.
func (e *NoSupportedVersionError) Error() string {
	return fmt.Sprintf("%s class %s versions %s do not satisfy min=%s max=%s", e.Kind, e.Name, e.GotVersions, e.MinVersion, e.MaxVersion)
}
