package all

// One import per line, sorted by plugin.
import (
	_ "github.com/govif/govif/plugins/linuxbridge" // linux_bridge: VIFBridge (Linux bridge, iptables)
	_ "github.com/govif/govif/plugins/noop"        // noop: VIFVHostUser, touches nothing
	_ "github.com/govif/govif/plugins/ovs"         // ovs: VIFBridge (hybrid), VIFOpenVSwitch, VIFVHostUser, VIFHostDevice
)
