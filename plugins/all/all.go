package all

// One import per line, sorted by plugin.
import (
	_ "github.com/govif/govif/plugins/linuxbridge" // linux_bridge: VIFBridge (Linux bridge, iptables)
	_ "github.com/govif/govif/plugins/noop"        // noop: VIFVHostUser, touches nothing
	_ "github.com/govif/govif/plugins/ovs"         // ovs: VIFBridge (hybrid), VIFOpenVSwitch, VIFVHostUser, VIFHostDevice
	_ "github.com/govif/govif/plugins/sriov"       // sriov: VIFDirect, VIFHostDevice (Nova's hw_veb, macvtap)
	_ "github.com/govif/govif/plugins/tap"         // tap: VIFGeneric (Nova's vif_type tap)
	_ "github.com/govif/govif/plugins/vendor"      // midonet, iovisor, ib_hostdev, vrouter, contrail_vrouter, vhostuser_fp, agilio_ovs
)
