package plugin

import "github.com/govif/govif/objects"

// SupportedVIF describes one VIF class a plugin handles, for Describe:
//
//	plugin.Describe("noop", plugin.SupportedVIF("VIFVHostUser", "1.0", "1.0"))
func SupportedVIF(class, minVersion, maxVersion string, profiles ...*objects.HostPortProfileInfo) *objects.HostVIFInfo {
	if profiles == nil {
		profiles = []*objects.HostPortProfileInfo{}
	}
	return &objects.HostVIFInfo{
		VIFObjectName:         objects.Set(class),
		MinVersion:            objects.Set(minVersion),
		MaxVersion:            objects.Set(maxVersion),
		SupportedPortProfiles: objects.Set(profiles),
	}
}

// SupportedProfile describes one port profile class a plugin accepts with a VIF class.
func SupportedProfile(class, minVersion, maxVersion string) *objects.HostPortProfileInfo {
	return &objects.HostPortProfileInfo{
		ProfileObjectName: objects.Set(class),
		MinVersion:        objects.Set(minVersion),
		MaxVersion:        objects.Set(maxVersion),
	}
}

// Describe builds a plugin's HostPluginInfo from its name and supported VIF classes.
func Describe(name string, vifs ...*objects.HostVIFInfo) *objects.HostPluginInfo {
	if vifs == nil {
		vifs = []*objects.HostVIFInfo{}
	}
	return &objects.HostPluginInfo{PluginName: objects.Set(name), VIFInfo: objects.Set(vifs)}
}

// CloneHostPluginInfo returns a deep copy of p (the fields os-vif defines; object versions are
// not carried over, so the copy encodes at the current versions). HostInfo filtering replaces
// fields in place, so callers that keep a Describe result copy it before handing it out.
func CloneHostPluginInfo(p *objects.HostPluginInfo) *objects.HostPluginInfo {
	if p == nil {
		return nil
	}
	c := &objects.HostPluginInfo{PluginName: p.PluginName}
	if vifs, ok := p.VIFInfo.Get(); ok {
		out := make([]*objects.HostVIFInfo, 0, len(vifs))
		for _, v := range vifs {
			if v == nil {
				out = append(out, nil)
				continue
			}
			cv := &objects.HostVIFInfo{VIFObjectName: v.VIFObjectName, MinVersion: v.MinVersion, MaxVersion: v.MaxVersion}
			if profs, ok := v.SupportedPortProfiles.Get(); ok {
				cp := make([]*objects.HostPortProfileInfo, 0, len(profs))
				for _, pp := range profs {
					if pp == nil {
						cp = append(cp, nil)
						continue
					}
					cp = append(cp, &objects.HostPortProfileInfo{ProfileObjectName: pp.ProfileObjectName,
						MinVersion: pp.MinVersion, MaxVersion: pp.MaxVersion})
				}
				cv.SupportedPortProfiles = objects.Set(cp)
			} else {
				cv.SupportedPortProfiles = v.SupportedPortProfiles
			}
			out = append(out, cv)
		}
		c.VIFInfo = objects.Set(out)
	} else {
		c.VIFInfo = p.VIFInfo
	}
	return c
}
