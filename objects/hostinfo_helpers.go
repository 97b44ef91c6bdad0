package objects

import (
	"slices"
	"strconv"
	"strings"
)

// HasPlugin reports whether a plugin with exactly this name is listed.
func (h *HostInfo) HasPlugin(name string) bool {
	_, err := h.GetPlugin(name)
	return err == nil
}

// GetPlugin returns the first plugin with this name, or a *NoMatchingPluginError.
func (h *HostInfo) GetPlugin(name string) (*HostPluginInfo, error) {
	for _, p := range h.PluginInfo.Value() {
		if p != nil && p.PluginName.Value() == name {
			return p, nil
		}
	}
	return nil, &NoMatchingPluginError{PluginName: name}
}

// FilterVIFTypes keeps, in every plugin, only the VIF classes named in names, then drops the
// plugins left without any VIF class. It changes h in place and keeps the order (os-vif's
// HostInfo.filter_vif_types).
func (h *HostInfo) FilterVIFTypes(names []string) {
	var kept []*HostPluginInfo
	for _, p := range h.PluginInfo.Value() {
		if p == nil {
			continue
		}
		p.FilterVIFTypes(names)
		if len(p.VIFInfo.Value()) > 0 {
			kept = append(kept, p)
		}
	}
	if kept == nil {
		kept = []*HostPluginInfo{}
	}
	h.PluginInfo.Set(kept)
	h.meta.markChanged("HostInfo", "plugin_info")
}

// HasVIF reports whether the plugin handles the named VIF class.
func (p *HostPluginInfo) HasVIF(name string) bool {
	_, err := p.GetVIF(name)
	return err == nil
}

// GetVIF returns the plugin's entry for the named VIF class, or a *NoMatchingVIFClassError.
func (p *HostPluginInfo) GetVIF(name string) (*HostVIFInfo, error) {
	for _, v := range p.VIFInfo.Value() {
		if v != nil && v.VIFObjectName.Value() == name {
			return v, nil
		}
	}
	return nil, &NoMatchingVIFClassError{Name: name}
}

// FilterVIFTypes keeps only the VIF classes named in names, in their order in p.
func (p *HostPluginInfo) FilterVIFTypes(names []string) {
	kept := []*HostVIFInfo{}
	for _, v := range p.VIFInfo.Value() {
		if v != nil && slices.Contains(names, v.VIFObjectName.Value()) {
			kept = append(kept, v)
		}
	}
	p.VIFInfo.Set(kept)
	p.meta.markChanged("HostPluginInfo", "vif_info")
}

// CommonVersion returns the newest version of the VIF class that lies within
// [MinVersion, MaxVersion], comparing versions as integer tuples like os-vif.
//
// Unlike os-vif, which only considers the class's current version (so a plugin advertising
// VIFVHostUser 1.0..1.0 fails against the 1.1 class), every version in the class's history is a
// candidate, because EncodeWith can backport to any of them. Errors: *NoMatchingVIFClassError
// when the name is not a VIF class, *NoSupportedVersionError when no version fits, *FieldError
// when a bound is not a version.
func (v *HostVIFInfo) CommonVersion() (string, error) {
	name := v.VIFObjectName.Value()
	cls, ok := registry[name]
	if !ok || !isVIFClass(cls) {
		return "", &NoMatchingVIFClassError{Name: name}
	}
	return commonVersion(cls, "VIF", "HostVIFInfo", v.MinVersion.Value(), v.MaxVersion.Value())
}

// CommonVersion returns the newest version of the port profile class within
// [MinVersion, MaxVersion] (see HostVIFInfo.CommonVersion). Errors:
// *NoMatchingPortProfileClassError, *NoSupportedVersionError, *FieldError.
func (p *HostPortProfileInfo) CommonVersion() (string, error) {
	name := p.ProfileObjectName.Value()
	cls, ok := registry[name]
	if !ok || !isProfileClass(cls) {
		return "", &NoMatchingPortProfileClassError{Name: name}
	}
	return commonVersion(cls, "PortProfile", "HostPortProfileInfo", p.MinVersion.Value(), p.MaxVersion.Value())
}

func isVIFClass(c *classDesc) bool {
	_, ok := c.newObj().(VIF)
	return ok
}

func isProfileClass(c *classDesc) bool {
	_, ok := c.newObj().(PortProfile)
	return ok
}

func commonVersion(cls *classDesc, kind, owner, minS, maxS string) (string, error) {
	lo, ok := versionTuple(minS)
	if !ok {
		return "", &FieldError{Path: owner + ".min_version", Value: minS, Reason: "invalid version"}
	}
	hi, ok := versionTuple(maxS)
	if !ok {
		return "", &FieldError{Path: owner + ".max_version", Value: maxS, Reason: "invalid version"}
	}
	for i := len(cls.history) - 1; i >= 0; i-- {
		v, _ := versionTuple(cls.history[i])
		if slices.Compare(lo, v) <= 0 && slices.Compare(v, hi) <= 0 {
			return cls.history[i], nil
		}
	}
	return "", &NoSupportedVersionError{Kind: kind, Name: cls.name, GotVersions: strings.Join(cls.history, ","),
		MinVersion: minS, MaxVersion: maxS}
}

// versionTuple splits a version on dots into integers, as os-vif's _get_common_version does
// ("1.0.0" and "1.0" differ; "1" is below "1.0").
func versionTuple(s string) ([]int, bool) {
	parts := strings.Split(s, ".")
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || p[0] == '+' || p[0] == '-' {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}

// markChanged records a field as changed on an object that was decoded (objects built in Go
// report every set field as changed anyway).
func (m *objMeta) markChanged(class, field string) {
	if !m.decoded {
		return
	}
	if f := registry[class].field([]byte(field)); f != nil {
		m.changes |= f.bit
	}
}
