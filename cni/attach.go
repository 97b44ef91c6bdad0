package cni

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"

	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/types"

	"github.com/govif/govif/objects"
)

// Pod interface kinds.
const (
	kindVeth    = "veth"    // VIFOpenVSwitch / VIFBridge: veth pair, host end plugged by govif
	kindMacvlan = "macvlan" // VIFMacvlanNested: macvlan on linkInterface
	kindVLAN    = "vlan"    // VIFVlanNested: VLAN sub-interface of linkInterface
)

// attachment is one (container, interface) as ADD, DEL, CHECK and GC act on it.
type attachment struct {
	containerID string
	ifName      string
	netns       string
	kind        string
	hostIf      string // veth host end
	mac         net.HardwareAddr
	mtu         int
	vif         objects.VIF
	instance    *objects.InstanceInfo
	bridgeName  string // VIFBridge: the Linux bridge the host end joins
	vlanID      int
	link        string // nested kinds: the parent interface
}

// k8sArgs are the CNI_ARGS keys a Kubernetes runtime passes.
type k8sArgs struct {
	types.CommonArgs
	K8S_POD_NAMESPACE          types.UnmarshallableString //nolint:revive // CNI_ARGS key
	K8S_POD_NAME               types.UnmarshallableString //nolint:revive // CNI_ARGS key
	K8S_POD_INFRA_CONTAINER_ID types.UnmarshallableString //nolint:revive // CNI_ARGS key
	K8S_POD_UID                types.UnmarshallableString //nolint:revive // CNI_ARGS key
}

func podUID(args string) string {
	a := k8sArgs{}
	a.IgnoreUnknown = true
	if err := types.LoadArgs(args, &a); err != nil {
		return ""
	}
	return string(a.K8S_POD_UID)
}

// newAttachment builds the attachment of args under conf: the os-vif VIF govif plugs, the
// names and the pod interface's shape.
func newAttachment(conf *NetConf, args *skel.CmdArgs) (*attachment, error) {
	d := deriveIDs(args.ContainerID, args.IfName, podUID(args.Args))
	a := &attachment{containerID: args.ContainerID, ifName: args.IfName, netns: args.Netns, mtu: conf.MTU,
		instance: &objects.InstanceInfo{UUID: objects.Set(d.instance), Name: objects.Set(args.ContainerID)}}
	if conf.RuntimeConfig.MAC != "" {
		a.mac, _ = parseMAC(conf.RuntimeConfig.MAC)
	}
	if !conf.VIFMode() {
		a.kind, a.hostIf = kindVeth, d.hostIf
		net := &objects.Network{ID: objects.Set(uuid5("network/" + conf.Name)), Bridge: objects.Set(conf.Bridge), Label: objects.Set(conf.Name)}
		if conf.MTU != 0 {
			net.MTU = objects.Set(conf.MTU)
		}
		// create_port: no libvirt adds the port for a pod, so govif (os-vif's ovs plugin) does.
		prof := &objects.VIFPortProfileOpenVSwitch{InterfaceID: objects.Set(d.ifaceID), CreatePort: objects.Set(true)}
		if conf.DatapathType != "" {
			prof.DatapathType = objects.Set(conf.DatapathType)
		}
		v := &objects.VIFOpenVSwitch{VIFName: objects.Set(d.hostIf)}
		v.ID, v.Plugin, v.Network, v.PortProfile = objects.Set(d.vifID), objects.Set("ovs"), objects.Set(net), objects.Set[objects.PortProfile](prof)
		v.Active = objects.Set(true)
		a.vif = v
		return a, nil
	}
	return a, a.fromVIF(conf)
}

// fromVIF fills a from the VIF primitive of a VIF-mode configuration.
func (a *attachment) fromVIF(conf *NetConf) error {
	vif, err := objects.DecodeVIF(conf.vif)
	if err != nil {
		var fe *objects.FieldError
		if errors.As(err, &fe) {
			return &ConfigError{Field: conf.vifField + " (" + fe.Path + ")", Value: fe.Value, Reason: fe.Reason}
		}
		var ue *objects.UnsupportedObjectError
		if errors.As(err, &ue) {
			return &ConfigError{Field: conf.vifField, Reason: err.Error()}
		}
		return &ConfigError{Field: conf.vifField, Reason: err.Error()}
	}
	if err := objects.Validate(vif); err != nil {
		return &ConfigError{Field: conf.vifField, Reason: err.Error()}
	}
	a.vif = vif
	b := vif.Base()
	if m, ok := b.Address.Get(); ok && m != nil && a.mac == nil {
		a.mac = m
	}
	if n, ok := b.Network.Get(); ok && n != nil {
		if mtu, ok := n.MTU.Get(); ok && mtu > 0 {
			a.mtu = mtu
		}
		if br, _ := n.Bridge.Get(); br == "" && conf.Bridge != "" {
			n.Bridge = objects.Set(conf.Bridge)
		}
	}
	field := func(f string) string { return conf.vifField + "." + f }
	switch v := vif.(type) {
	case *objects.VIFOpenVSwitch:
		a.kind, a.hostIf = kindVeth, v.VIFName.Or("")
		// No libvirt adds the port for a pod: the plug must (create_port, profile 1.3), as
		// kuryr's ovs binding makes the port itself.
		if p, ok := v.PortProfile.Get(); ok && p != nil {
			if op, ok := p.(objects.OpenVSwitchProfile); ok {
				op.OVSProfile().CreatePort = objects.Set(true)
			}
		} else {
			v.PortProfile = objects.Set[objects.PortProfile](&objects.VIFPortProfileOpenVSwitch{
				InterfaceID: objects.Set(v.ID.Or("")), CreatePort: objects.Set(true)})
		}
	case *objects.VIFBridge:
		a.kind, a.hostIf, a.bridgeName = kindVeth, v.VIFName.Or(""), v.BridgeName.Or("")
		if e := checkNetdevName(a.bridgeName); e != "" {
			return &ConfigError{Field: field("bridge_name"), Value: fmt.Sprintf("%q", a.bridgeName), Reason: e}
		}
	case *objects.VIFMacvlanNested:
		a.kind, a.link = kindMacvlan, conf.LinkInterface
	case *objects.VIFVlanNested:
		a.kind, a.link, a.vlanID = kindVLAN, conf.LinkInterface, v.VLANID.Or(0)
		if a.vlanID < 1 || a.vlanID > 4094 {
			return &ConfigError{Field: field("vlan_id"), Value: a.vlanID, Reason: "outside 1..4094"}
		}
	default:
		return &ConfigError{Field: conf.vifField, Value: vif.ObjName(), Reason: "govif-cni plugs VIFOpenVSwitch, VIFBridge, VIFMacvlanNested and VIFVlanNested"}
	}
	if a.kind == kindVeth {
		if e := checkNetdevName(a.hostIf); e != "" {
			return &ConfigError{Field: field("vif_name"), Value: fmt.Sprintf("%q", a.hostIf), Reason: e}
		}
	} else if a.link == "" {
		return &ConfigError{Field: "linkInterface", Reason: "required for " + vif.ObjName() + " (the VM interface nested pod interfaces are made on)"}
	}
	return nil
}

// record is the state file entry of a.
func (a *attachment) record() (*Record, error) {
	b, err := objects.Encode(a.vif)
	if err != nil {
		return nil, err
	}
	return &Record{ContainerID: a.containerID, IfName: a.ifName, Netns: a.netns, Kind: a.kind, HostIf: a.hostIf,
		VIF: json.RawMessage(b), Instance: a.instance.UUID.Or("")}, nil
}

// attachmentFromRecord rebuilds what GC needs to tear an attachment down.
func attachmentFromRecord(r *Record) (*attachment, error) {
	vif, err := objects.DecodeVIF(r.VIF)
	if err != nil {
		return nil, fmt.Errorf("state of %s/%s: %w", r.ContainerID, r.IfName, err)
	}
	a := &attachment{containerID: r.ContainerID, ifName: r.IfName, netns: r.Netns, kind: r.Kind, hostIf: r.HostIf,
		vif: vif, instance: &objects.InstanceInfo{UUID: objects.Set(r.Instance)}}
	if v, ok := vif.(*objects.VIFBridge); ok {
		a.bridgeName = v.BridgeName.Or("")
	}
	return a, nil
}
