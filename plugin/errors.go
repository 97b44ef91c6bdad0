package plugin

import (
	"errors"
	"fmt"
)

// The os-vif failure kinds a plugin reports and a caller may branch on (errors.Is).
var (
	// ErrMissingPortProfile is vif_plug_ovs' MissingPortProfile.
	//lint:ignore ST1005 os-vif's message, word for word
	ErrMissingPortProfile = errors.New("A port profile is mandatory for the OpenVSwitch plugin")
	// ErrUnsupportedVIFType is os-vif's "This vif type is not supported by this plugin".
	//lint:ignore ST1005 os-vif's message, word for word
	ErrUnsupportedVIFType = errors.New("This vif type is not supported by this plugin")
	// ErrProtocol marks an external plugin that broke the exec protocol: garbage or no JSON on
	// stdout, an unsupported protocol version, a describe for another plugin name.
	ErrProtocol = errors.New("plugin protocol violation")
)

// WrongPortProfileError is vif_plug_ovs' WrongPortProfile: the VIF carries a port profile of a
// class the plugin cannot use.
type WrongPortProfileError struct {
	// Profile is the class name of the profile the VIF carries.
	Profile string
	// Want is the class it must be (or derive from); empty means VIFPortProfileOpenVSwitch.
	Want string
}

// Error returns os-vif's text.
func (e *WrongPortProfileError) Error() string {
	want := e.Want
	if want == "" {
		want = "VIFPortProfileOpenVSwitch"
	}
	return fmt.Sprintf("Port profile %s is not a subclass of %s", e.Profile, want)
}
