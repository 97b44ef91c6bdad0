package vendor

import (
	"context"
	"fmt"
	"strconv"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

// vrouterExtraDir is where Tungsten Fabric's plugin also looks for vrouter-port-control (it
// appends it to PATH).
const vrouterExtraDir = "/opt/plugin/bin"

// VRouter is Tungsten Fabric's vif_plug_vrouter (plugins "vrouter" and "contrail_vrouter", the
// latter its shim for vhost-user VIFs): it runs vrouter-port-control with the plugin's argv,
//
//	--oper=add --uuid=<vif id> --instance_uuid=<uuid> --vn_uuid=<network id>
//	--vm_project_uuid=<project id> --ip_address=<IPv4 or 0.0.0.0> --ipv6_address=<IPv6 or None>
//	--vm_name=<instance name> --mac=<address> --tap_name=<vif_name> --port_type=NovaVMPort
//	[--vif_type=VhostUser] [--vnic_type=direct|virtio-forwarder] [--pci_dev=<VF>]
//	[--vhostuser_socket=<path>] [--vhostuser_mode=1|0] --tx_vlan_id=-1 --rx_vlan_id=-1
//
// and `--oper=delete --uuid=<vif id>` (plus the offload arguments) on unplug. The vRouter agent
// makes the devices; the plugin touches none. [os_vif_vrouter] virt_type = lxc gives
// --port_type=NameSpacePort, as the plugin does for [libvirt] virt_type = lxc.
type VRouter struct {
	*base
	portType string
}

// NewVRouterFactory returns the factory of the vrouter and contrail_vrouter plugins.
func NewVRouterFactory(opts ...Option) plugin.Factory {
	return func(env plugin.Env) (plugin.Plugin, error) {
		b, err := newBase(env, buildOptions(opts), "vrouter-port-control", vrouterExtraDir)
		if err != nil {
			return nil, err
		}
		pt := "NovaVMPort"
		switch vt := env.Section().String("virt_type", "kvm"); vt {
		case "lxc":
			pt = "NameSpacePort"
		case "kvm", "qemu", "parallels", "uml", "xen", "":
		default:
			return nil, fmt.Errorf("%s: [%s] virt_type = %q: want kvm, qemu, lxc, parallels, uml or xen", env.Name, plugin.SectionName(env.Name), vt)
		}
		return &VRouter{base: b, portType: pt}, nil
	}
}

// Describe is the vendor plugin's: vrouter takes VIFGeneric 1.0, VIFVHostUser 1.0-1.1 and
// VIFHostDevice 1.0 with VIFPortProfileBase 1.0-1.1; contrail_vrouter VIFVHostUser (govif reads
// 1.1's vif_name, so it takes 1.0-1.1 where the shim says 1.0).
func (p *VRouter) Describe() *objects.HostPluginInfo {
	pp := plugin.SupportedProfile("VIFPortProfileBase", "1.0", "1.1")
	if p.name == NameContrailVRouter {
		return plugin.Describe(p.name, plugin.SupportedVIF("VIFVHostUser", "1.0", "1.1", pp))
	}
	return plugin.Describe(p.name,
		plugin.SupportedVIF("VIFGeneric", "1.0", "1.0", pp),
		plugin.SupportedVIF("VIFVHostUser", "1.0", "1.1", pp),
		plugin.SupportedVIF("VIFHostDevice", "1.0", "1.0", pp))
}

// vrouterPort is what the argv is built from.
type vrouterPort struct {
	b                     *objects.VIFBase
	class                 string
	tapName               string
	vhostuser             bool
	socket                string
	mode                  string // "1" server, "0" client
	vnicType, pciDev, rep string
}

func (p *VRouter) port(vif objects.VIF) (*vrouterPort, error) {
	vp := &vrouterPort{b: vif.Base(), class: vif.ObjName()}
	switch v := vif.(type) {
	case *objects.VIFGeneric:
		vp.tapName = v.VIFName.Value()
	case *objects.VIFVHostUser:
		vp.vhostuser = true
		vp.tapName = v.VIFName.Value()
		vp.socket = v.Path.Value()
		vp.mode = strconv.Itoa(map[bool]int{true: 1, false: 0}[v.Mode.Value() == objects.VIFVHostUserModeServer])
	case *objects.VIFHostDevice:
		if p.name == NameContrailVRouter {
			return nil, p.unsupported(vif, "VIFVHostUser")
		}
	default:
		return nil, p.unsupported(vif, "VIFGeneric, VIFVHostUser or VIFHostDevice")
	}
	if p.name == NameContrailVRouter && !vp.vhostuser {
		return nil, p.unsupported(vif, "VIFVHostUser")
	}
	if prof, ok := vp.b.PortProfile.Get(); ok && prof != nil {
		if off, ok := prof.ProfileBase().DatapathOffload.Get(); ok {
			if rep, ok := off.(*objects.DatapathOffloadRepresentor); ok {
				vp.pciDev = rep.RepresentorAddress.Value()
				vp.rep = rep.RepresentorName.Value()
				switch vif.(type) {
				case *objects.VIFVHostUser:
					vp.vnicType = "virtio-forwarder"
				case *objects.VIFHostDevice:
					vp.vnicType = "direct"
					// VIFHostDevice has no vif_name: Nova names the device in the representor.
					vp.tapName = vp.rep
				}
			}
		}
	}
	if _, isHostDev := vif.(*objects.VIFHostDevice); isHostDev && vp.vnicType == "" {
		return nil, &objects.FieldError{Path: "VIFHostDevice.port_profile.datapath_offload",
			Reason: "required: a DatapathOffloadRepresentor naming the VF (vrouter's direct mode)"}
	}
	if vp.tapName == "" {
		return nil, &objects.FieldError{Path: vp.class + ".vif_name", Reason: "required: vrouter-port-control's --tap_name"}
	}
	if vp.vhostuser && vp.socket == "" {
		return nil, &objects.FieldError{Path: "VIFVHostUser.path", Reason: "required: the vhost-user socket"}
	}
	return vp, nil
}

// addresses is the plugin's choice: of each subnet's first fixed IP, the last IPv4 and the last
// IPv6 seen ("0.0.0.0" and "None" when there is none).
func addresses(n *objects.Network) (v4, v6 string) {
	v4, v6 = "0.0.0.0", "None"
	subnets, ok := n.Subnets.Get()
	if !ok || subnets == nil {
		return
	}
	for _, s := range subnets.Objects.Value() {
		if s == nil {
			continue
		}
		ips, ok := s.IPs.Get()
		if !ok || ips == nil || len(ips.Objects.Value()) == 0 {
			continue
		}
		ip := ips.Objects.Value()[0]
		a, ok := ip.Address.Get()
		if !ok || !a.IsValid() {
			continue
		}
		if a.Is4() || a.Is4In6() {
			v4 = a.Unmap().String()
		} else {
			v6 = a.String()
		}
	}
	return
}

// AddArgs returns the vrouter-port-control arguments of a plug.
func (p *VRouter) AddArgs(vif objects.VIF, inst *objects.InstanceInfo) ([]string, error) {
	vp, err := p.port(vif)
	if err != nil {
		return nil, err
	}
	n, err := networkOf(vp.class, vp.b)
	if err != nil {
		return nil, err
	}
	mac, err := macOf(vp.class, vp.b)
	if err != nil {
		return nil, err
	}
	if inst == nil {
		return nil, &objects.FieldError{Path: "InstanceInfo", Reason: "required"}
	}
	v4, v6 := addresses(n)
	args := []string{
		"--oper=add",
		"--uuid=" + vp.b.ID.Value(),
		"--instance_uuid=" + inst.UUID.Value(),
		"--vn_uuid=" + n.ID.Value(),
		"--vm_project_uuid=" + inst.ProjectID.Value(),
		"--ip_address=" + v4,
		"--ipv6_address=" + v6,
		"--vm_name=" + inst.Name.Value(),
		"--mac=" + mac,
		"--tap_name=" + vp.tapName,
		"--port_type=" + p.portType,
	}
	if vp.vhostuser {
		args = append(args, "--vif_type=VhostUser")
	}
	if vp.vnicType != "" {
		args = append(args, "--vnic_type="+vp.vnicType)
	}
	if vp.pciDev != "" {
		args = append(args, "--pci_dev="+vp.pciDev)
	}
	if vp.vhostuser {
		args = append(args, "--vhostuser_socket="+vp.socket, "--vhostuser_mode="+vp.mode)
	}
	return append(args, "--tx_vlan_id=-1", "--rx_vlan_id=-1"), nil
}

// DeleteArgs returns the vrouter-port-control arguments of an unplug.
func (p *VRouter) DeleteArgs(vif objects.VIF) ([]string, error) {
	vp, err := p.port(vif)
	if err != nil {
		return nil, err
	}
	args := []string{"--oper=delete", "--uuid=" + vp.b.ID.Value()}
	if vp.vnicType == "virtio-forwarder" {
		args = append(args, "--tap_name="+vp.tapName)
	}
	if vp.vnicType != "" {
		args = append(args, "--vnic_type="+vp.vnicType)
	}
	if vp.pciDev != "" {
		args = append(args, "--pci_dev="+vp.pciDev)
	}
	if vp.vnicType == "virtio-forwarder" {
		args = append(args, "--vhostuser_socket="+vp.socket, "--vhostuser_mode="+vp.mode)
	}
	return args, nil
}

// Plug runs vrouter-port-control --oper=add.
func (p *VRouter) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	args, err := p.AddArgs(vif, inst)
	if err != nil {
		return err
	}
	if err := p.tool.Run(ctx, p.host.NS, args...); err != nil {
		return fmt.Errorf("%s: plug %s: %w", p.name, vif.Base().ID.Value(), err)
	}
	return nil
}

// Unplug runs vrouter-port-control --oper=delete.
func (p *VRouter) Unplug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	args, err := p.DeleteArgs(vif)
	if err != nil {
		return err
	}
	if err := p.tool.Run(ctx, p.host.NS, args...); err != nil {
		return fmt.Errorf("%s: unplug %s: %w", p.name, vif.Base().ID.Value(), err)
	}
	return nil
}
