package binding

import (
	"errors"
	"fmt"
	"strings"

	"github.com/govif/govif/objects"
)

// Negotiated is the VIF a host accepts and its primitive at versions the host understands.
type Negotiated struct {
	// VIF is the chosen candidate and Index its position among the candidates.
	VIF   objects.VIF
	Index int
	// Plugin is the host plugin that takes it.
	Plugin string
	// Version is the VIF's primitive version, Manifest the versions of its nested classes (port
	// profile from the host's HostPortProfileInfo, others from NegotiateOptions.Manifest).
	Version  string
	Manifest map[string]string
	// Primitive is the VIF encoded at Version with Manifest.
	Primitive []byte
}

// NegotiateOptions tunes Negotiate.
type NegotiateOptions struct {
	// Manifest caps nested classes the HostInfo says nothing about (Network, Subnet, ...,
	// DatapathOffloadRepresentor): class name to the highest version the host knows. Classes not
	// named here are sent at our current version.
	Manifest map[string]string
}

// Mismatch says why one candidate was refused.
type Mismatch struct {
	Index  int
	Class  string
	Plugin string
	// Err is an *objects.NoMatchingPluginError, *objects.NoMatchingVIFClassError,
	// *objects.NoMatchingPortProfileClassError, *objects.NoSupportedVersionError, or an encoding error.
	Err error
}

func (m Mismatch) String() string {
	return fmt.Sprintf("candidate %d (%s, plugin %q): %v", m.Index, m.Class, m.Plugin, m.Err)
}

// NoMatchError says that the host supports none of the candidates; Mismatches has one entry per
// candidate, in order.
type NoMatchError struct {
	Mismatches []Mismatch
}

func (e *NoMatchError) Error() string {
	if len(e.Mismatches) == 0 {
		return "negotiation: no candidate VIF given"
	}
	parts := make([]string, len(e.Mismatches))
	for i, m := range e.Mismatches {
		parts[i] = m.String()
	}
	return "negotiation: the host supports no candidate VIF: " + strings.Join(parts, "; ")
}

// Unwrap returns every candidate's error, so errors.As finds, for example, an
// *objects.NoSupportedVersionError of any candidate.
func (e *NoMatchError) Unwrap() []error {
	errs := make([]error, len(e.Mismatches))
	for i, m := range e.Mismatches {
		errs[i] = m.Err
	}
	return errs
}

// Negotiate picks the first candidate the host supports: the host has the VIF's plugin, that
// plugin lists the VIF class with a version range we can meet, and the VIF's port profile class
// (if any) is among the plugin's supported port profiles with a version range we can meet. The VIF
// is encoded at the highest version both sides know (our newest version at or below the host's
// max, and not below its min), with the port profile lowered the same way through a manifest keyed
// by the concrete profile class. See NegotiateWith for nested classes the HostInfo does not cover.
func Negotiate(host *objects.HostInfo, candidates ...objects.VIF) (*Negotiated, error) {
	return NegotiateWith(host, NegotiateOptions{}, candidates...)
}

// NegotiateWith is Negotiate with options.
func NegotiateWith(host *objects.HostInfo, opts NegotiateOptions, candidates ...objects.VIF) (*Negotiated, error) {
	if host == nil {
		return nil, fieldErr("host_info", nil, "missing")
	}
	noMatch := &NoMatchError{}
	for i, vif := range candidates {
		if vif == nil {
			noMatch.Mismatches = append(noMatch.Mismatches, Mismatch{Index: i, Err: errors.New("nil VIF")})
			continue
		}
		n, err := negotiateOne(host, opts, vif)
		if err != nil {
			noMatch.Mismatches = append(noMatch.Mismatches, Mismatch{
				Index: i, Class: vif.ObjName(), Plugin: vif.Base().Plugin.Value(), Err: err,
			})
			continue
		}
		n.Index = i
		return n, nil
	}
	return nil, noMatch
}

func negotiateOne(host *objects.HostInfo, opts NegotiateOptions, vif objects.VIF) (*Negotiated, error) {
	pluginName := vif.Base().Plugin.Value()
	plugin, err := host.GetPlugin(pluginName)
	if err != nil {
		return nil, err
	}
	info, err := plugin.GetVIF(vif.ObjName())
	if err != nil {
		return nil, err
	}
	// Our newest version within the host's range; lower than os-vif's get_common_version, which
	// only tries the current version, because EncodeWith can backport to any version.
	version, err := info.CommonVersion()
	if err != nil {
		return nil, err
	}
	manifest := map[string]string{}
	for k, v := range opts.Manifest {
		manifest[k] = v
	}
	if profile, ok := vif.Base().PortProfile.Get(); ok && profile != nil {
		name := profile.ObjName()
		if supported, told := info.SupportedPortProfiles.Get(); told {
			// A HostVIFInfo 1.0 does not list profiles: then the host has not told and we send ours.
			pinfo := findProfileInfo(supported, name)
			if pinfo == nil {
				return nil, &objects.NoMatchingPortProfileClassError{Name: name}
			}
			pv, err := pinfo.CommonVersion()
			if err != nil {
				return nil, err
			}
			manifest[name] = pv
		}
	}
	prim, err := objects.EncodeWith(vif, objects.EncodeOptions{TargetVersion: version, Manifest: manifest})
	if err != nil {
		return nil, fmt.Errorf("encoding %s at %s: %w", vif.ObjName(), version, err)
	}
	return &Negotiated{VIF: vif, Plugin: pluginName, Version: version, Manifest: manifest, Primitive: prim}, nil
}

func findProfileInfo(list []*objects.HostPortProfileInfo, class string) *objects.HostPortProfileInfo {
	for _, p := range list {
		if p != nil && p.ProfileObjectName.Value() == class {
			return p
		}
	}
	return nil
}
