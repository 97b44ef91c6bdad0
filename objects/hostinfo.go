package objects

// HostInfo is os-vif's HostInfo 1.0: what the VIF plugins on a host support.
type HostInfo struct {
	meta objMeta
	// PluginInfo wire: plugin_info, list of HostPluginInfo.
	PluginInfo Field[[]*HostPluginInfo]
}

// HostPluginInfo is os-vif's HostPluginInfo 1.0: one plugin and the VIF classes it handles.
type HostPluginInfo struct {
	meta objMeta
	// PluginName wire: plugin_name.
	PluginName Field[string]
	// VIFInfo wire: vif_info, list of HostVIFInfo.
	VIFInfo Field[[]*HostVIFInfo]
}

// HostVIFInfo is os-vif's HostVIFInfo 1.1 (1.1 added supported_port_profiles).
type HostVIFInfo struct {
	meta objMeta
	// VIFObjectName is a VIF class name. Wire: vif_object_name.
	VIFObjectName Field[string]
	// MinVersion wire: min_version.
	MinVersion Field[string]
	// MaxVersion wire: max_version.
	MaxVersion Field[string]
	// SupportedPortProfiles wire: supported_port_profiles, since 1.1.
	SupportedPortProfiles Field[[]*HostPortProfileInfo]
}

// HostPortProfileInfo is os-vif's HostPortProfileInfo 1.0.
type HostPortProfileInfo struct {
	meta objMeta
	// ProfileObjectName is a port profile class name. Wire: profile_object_name.
	ProfileObjectName Field[string]
	// MinVersion wire: min_version.
	MinVersion Field[string]
	// MaxVersion wire: max_version.
	MaxVersion Field[string]
}

func (o *HostInfo) objMeta() *objMeta            { return &o.meta }
func (o *HostPluginInfo) objMeta() *objMeta      { return &o.meta }
func (o *HostVIFInfo) objMeta() *objMeta         { return &o.meta }
func (o *HostPortProfileInfo) objMeta() *objMeta { return &o.meta }

// ObjName returns "HostInfo".
func (*HostInfo) ObjName() string { return "HostInfo" }

// ObjName returns "HostPluginInfo".
func (*HostPluginInfo) ObjName() string { return "HostPluginInfo" }

// ObjName returns "HostVIFInfo".
func (*HostVIFInfo) ObjName() string { return "HostVIFInfo" }

// ObjName returns "HostPortProfileInfo".
func (*HostPortProfileInfo) ObjName() string { return "HostPortProfileInfo" }
