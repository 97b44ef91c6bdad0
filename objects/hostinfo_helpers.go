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

// LimitVersions lowers the version ranges in h to what a peer knows, for a peer that sends
// known: class name → the newest version of that class it has (its version manifest, e.g.
// {"VIFPortProfileOpenVSwitch": "1.3"} from os-vif 3.0.0). Every HostVIFInfo and
// HostPortProfileInfo whose class is in known gets max_version = min(max_version, known
// version); an entry whose min_version is above the known version is removed (the peer can use
// no version of it). Classes known does not name are left as they are; plugins are kept even
// when no VIF class is left. A version in known that is not a version gives a *FieldError whose
// Path is "manifest.<class>", and h is unchanged.
func (h *HostInfo) LimitVersions(known map[string]string) error {
	limits := make(map[string][]int, len(known))
	for name, v := range known {
		t, ok := versionTuple(v)
		if !ok {
			return &FieldError{Path: "manifest." + name, Value: v, Reason: "invalid version"}
		}
		limits[name] = t
	}
	// limit returns the capped max and whether the entry stays; bounds that are not versions
	// are left for Validate to report.
	limit := func(name, minS, maxS string) (string, bool) {
		lim, ok := limits[name]
		if !ok {
			return maxS, true
		}
		if lo, ok := versionTuple(minS); ok && slices.Compare(lo, lim) > 0 {
			return "", false
		}
		if hi, ok := versionTuple(maxS); ok && slices.Compare(hi, lim) > 0 {
			return known[name], true
		}
		return maxS, true
	}
	for _, p := range h.PluginInfo.Value() {
		if p == nil {
			continue
		}
		vifs := []*HostVIFInfo{}
		for _, v := range p.VIFInfo.Value() {
			if v == nil {
				continue
			}
			maxV, keep := limit(v.VIFObjectName.Value(), v.MinVersion.Value(), v.MaxVersion.Value())
			if !keep {
				continue
			}
			if maxV != v.MaxVersion.Value() {
				v.MaxVersion.Set(maxV)
				v.meta.markChanged("HostVIFInfo", "max_version")
			}
			if v.SupportedPortProfiles.HasValue() {
				profiles := []*HostPortProfileInfo{}
				for _, pp := range v.SupportedPortProfiles.Value() {
					if pp == nil {
						continue
					}
					maxP, keep := limit(pp.ProfileObjectName.Value(), pp.MinVersion.Value(), pp.MaxVersion.Value())
					if !keep {
						continue
					}
					if maxP != pp.MaxVersion.Value() {
						pp.MaxVersion.Set(maxP)
						pp.meta.markChanged("HostPortProfileInfo", "max_version")
					}
					profiles = append(profiles, pp)
				}
				if len(profiles) != len(v.SupportedPortProfiles.Value()) {
					v.SupportedPortProfiles.Set(profiles)
					v.meta.markChanged("HostVIFInfo", "supported_port_profiles")
				}
			}
			vifs = append(vifs, v)
		}
		if len(vifs) != len(p.VIFInfo.Value()) {
			p.VIFInfo.Set(vifs)
			p.meta.markChanged("HostPluginInfo", "vif_info")
		}
	}
	return nil
}
