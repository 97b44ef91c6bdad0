package binding

import (
	"errors"
	"fmt"
	"strconv"
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
	plugin := findPlugin(host, pluginName)
	if plugin == nil {
		return nil, &objects.NoMatchingPluginError{PluginName: pluginName}
	}
	info := findVIFInfo(plugin, vif.ObjName())
	if info == nil {
		return nil, &objects.NoMatchingVIFClassError{Name: vif.ObjName()}
	}
	version, err := commonVersion("VIF", vif.ObjName(), info.MinVersion.Value(), info.MaxVersion.Value())
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
			pv, err := commonVersion("PortProfile", name, pinfo.MinVersion.Value(), pinfo.MaxVersion.Value())
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

func findPlugin(host *objects.HostInfo, name string) *objects.HostPluginInfo {
	for _, p := range host.PluginInfo.Value() {
		if p != nil && p.PluginName.Value() == name {
			return p
		}
	}
	return nil
}

func findVIFInfo(p *objects.HostPluginInfo, class string) *objects.HostVIFInfo {
	for _, v := range p.VIFInfo.Value() {
		if v != nil && v.VIFObjectName.Value() == class {
			return v
		}
	}
	return nil
}

func findProfileInfo(list []*objects.HostPortProfileInfo, class string) *objects.HostPortProfileInfo {
	for _, p := range list {
		if p != nil && p.ProfileObjectName.Value() == class {
			return p
		}
	}
	return nil
}

// commonVersion returns our newest version of class within [min, max], comparing integer tuples
// as os-vif's get_common_version does, or an *objects.NoSupportedVersionError.
func commonVersion(kind, class, min, max string) (string, error) {
	var history []string
	for _, c := range objects.Classes() {
		if c.Name == class {
			for _, h := range c.History {
				history = append(history, h.Version)
			}
		}
	}
	if len(history) == 0 {
		if kind == "VIF" {
			return "", &objects.NoMatchingVIFClassError{Name: class}
		}
		return "", &objects.NoMatchingPortProfileClassError{Name: class}
	}
	lo, okLo := versionTuple(min)
	hi, okHi := versionTuple(max)
	if okLo && okHi {
		for i := len(history) - 1; i >= 0; i-- {
			v, _ := versionTuple(history[i])
			if compareTuples(lo, v) <= 0 && compareTuples(v, hi) <= 0 {
				return history[i], nil
			}
		}
	}
	return "", &objects.NoSupportedVersionError{
		Kind: kind, Name: class, GotVersions: strings.Join(history, ","), MinVersion: min, MaxVersion: max,
	}
}

// versionTuple splits "1.2" into [1 2]; non-numeric parts make it invalid.
func versionTuple(s string) ([]int, bool) {
	if s == "" {
		return nil, false
	}
	parts := strings.Split(s, ".")
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}

// compareTuples compares like Python tuples: element by element, then the shorter is smaller.
func compareTuples(a, b []int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}
