package cni

import (
	"errors"
	"fmt"

	"github.com/containernetworking/cni/pkg/types"
)

// Plugin-specific error codes (the CNI spec reserves 100 and above for plugins).
const (
	// ErrDrift is returned by CHECK when the attachment no longer looks as ADD made it: a
	// missing device or OVS port, or a wrong MAC, MTU or address.
	ErrDrift uint = 100
)

// ConfigError is a bad network configuration value. Field is the JSON path of the value
// ("bridge", "ipam.type", "runtimeConfig.vif.network.mtu").
type ConfigError struct {
	Field  string
	Value  any
	Reason string
}

func (e *ConfigError) Error() string {
	if e.Value == nil {
		return fmt.Sprintf("invalid network configuration: field %q: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("invalid network configuration: field %q: value %v: %s", e.Field, e.Value, e.Reason)
}

// DriftError is what CHECK found different from what ADD made.
type DriftError struct {
	What string // e.g. `device "eth0" in the pod`
	Want string
	Got  string
}

func (e *DriftError) Error() string {
	return fmt.Sprintf("attachment drifted: %s: want %s, got %s", e.What, e.Want, e.Got)
}

// cniError wraps err as a *types.Error with code, keeping an existing *types.Error as is.
func cniError(code uint, msg string, err error) error {
	if err == nil {
		return nil
	}
	var te *types.Error
	if errors.As(err, &te) {
		return te
	}
	var ce *ConfigError
	if errors.As(err, &ce) {
		return types.NewError(types.ErrInvalidNetworkConfig, ce.Error(), "")
	}
	var de *DriftError
	if errors.As(err, &de) {
		return types.NewError(ErrDrift, de.Error(), "")
	}
	return types.NewError(code, msg, err.Error())
}
