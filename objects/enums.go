package objects

// VIFDirectMode is the macvtap mode of a VIFDirect (os-vif VIFDirectModeField).
type VIFDirectMode string

// The VIFDirectMode values os-vif allows (exact, case-sensitive).
const (
	VIFDirectModeVEPA        VIFDirectMode = "vepa"
	VIFDirectModePassthrough VIFDirectMode = "passthrough"
	VIFDirectModeBridge      VIFDirectMode = "bridge"
)

// VIFVHostUserMode says which side of a vhost-user socket is the server (os-vif VIFVHostUserModeField).
type VIFVHostUserMode string

// The VIFVHostUserMode values os-vif allows.
const (
	VIFVHostUserModeClient VIFVHostUserMode = "client"
	VIFVHostUserModeServer VIFVHostUserMode = "server"
)

// VIFHostDeviceDevType is the kind of a VIFHostDevice (os-vif VIFHostDeviceDevTypeField).
type VIFHostDeviceDevType string

// The VIFHostDeviceDevType values os-vif allows.
const (
	VIFHostDeviceDevTypeEthernet VIFHostDeviceDevType = "ethernet"
	VIFHostDeviceDevTypeGeneric  VIFHostDeviceDevType = "generic"
)

// Valid reports whether m is one of the allowed values.
func (m VIFDirectMode) Valid() bool {
	return m == VIFDirectModeVEPA || m == VIFDirectModePassthrough || m == VIFDirectModeBridge
}

// Valid reports whether m is one of the allowed values.
func (m VIFVHostUserMode) Valid() bool {
	return m == VIFVHostUserModeClient || m == VIFVHostUserModeServer
}

// Valid reports whether t is one of the allowed values.
func (t VIFHostDeviceDevType) Valid() bool {
	return t == VIFHostDeviceDevTypeEthernet || t == VIFHostDeviceDevTypeGeneric
}
