package netdev

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The phys_port_name patterns of os-vif's vif_plug_ovs.linux_net.
var (
	virtfnRE  = regexp.MustCompile(`^virtfn(\d+)$`)
	intRE     = regexp.MustCompile(`^(\d+)$`)     // phys_port_name is only the VF number
	vfRE      = regexp.MustCompile(`(?i)vf(\d+)`) // ... contains vf<N>
	pfRE      = regexp.MustCompile(`(?i)pf(\d+)`) // ... contains pf<N>
	pfFuncRE  = regexp.MustCompile(`\.(\d+)`)     // PCI function of a PF address
	uplinkRE  = regexp.MustCompile(`(?i)p(\d+)`)  // uplink representor, e.g. p0
	pciAddrRE = regexp.MustCompile(`^[0-9a-fA-F]{4,8}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$`)
)

// Representor is the switchdev representor of an SR-IOV VF, found from the VF's PCI address.
type Representor struct {
	VFAddress string // the VF's PCI address
	VFNumber  int    // N of the PF's virtfnN link to the VF
	PF        string // the PF's netdev (its uplink representor)
	Name      string // the VF representor's netdev
}

// RepresentorForVF finds the representor of the VF at PCI address vfPCI the way os-vif's OVS
// plugin does for a VIFHostDevice on the system datapath: VFNumber, then PFName, then
// VFRepresentor.
func (l *Links) RepresentorForVF(ctx context.Context, vfPCI string) (*Representor, error) {
	num, err := l.VFNumber(ctx, vfPCI)
	if err != nil {
		return nil, err
	}
	pf, err := l.PFName(ctx, vfPCI)
	if err != nil {
		return nil, err
	}
	rep, err := l.VFRepresentor(ctx, pf, num)
	if err != nil {
		return nil, err
	}
	return &Representor{VFAddress: vfPCI, VFNumber: num, PF: pf, Name: rep}, nil
}

// VFNumber returns the number N of the VF at PCI address vfPCI: the N of the link
// <sysfs>/bus/pci/devices/<vfPCI>/physfn/virtfnN that points at the VF (os-vif's
// get_vf_num_by_pci_address; netdev compares the link target's base name exactly, where
// os-vif searched it with the address as a regular expression).
func (l *Links) VFNumber(ctx context.Context, vfPCI string) (int, error) {
	if err := l.checkPCI(ctx, vfPCI); err != nil {
		return 0, err
	}
	pfDir := filepath.Join(l.sysfsRoot, "bus/pci/devices", vfPCI, "physfn")
	entries, err := os.ReadDir(pfDir)
	if err != nil {
		return 0, &PCIDeviceNotFoundError{Address: vfPCI, Reason: "no physical function", Err: err}
	}
	for _, e := range entries {
		m := virtfnRE.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		target, err := os.Readlink(filepath.Join(pfDir, e.Name()))
		if err != nil || filepath.Base(target) != vfPCI {
			continue
		}
		return strconv.Atoi(m[1])
	}
	return 0, &PCIDeviceNotFoundError{Address: vfPCI, Reason: "no virtfn link of its physical function points at it"}
}

// PFPCIAddress returns the PCI address of the physical function of the VF at vfPCI: the base
// name of the physfn link (os-vif's get_pf_pci_from_vf, used for OVS-DPDK representors).
func (l *Links) PFPCIAddress(ctx context.Context, vfPCI string) (string, error) {
	if err := l.checkPCI(ctx, vfPCI); err != nil {
		return "", err
	}
	target, err := os.Readlink(filepath.Join(l.sysfsRoot, "bus/pci/devices", vfPCI, "physfn"))
	if err != nil {
		return "", &PCIDeviceNotFoundError{Address: vfPCI, Reason: "no physical function", Err: err}
	}
	return filepath.Base(target), nil
}

// PFName returns the netdev of the physical function of the VF at vfPCI, as os-vif's
// get_ifname_by_pci_address(pf_interface=True, switchdev=True): among the PF's netdevs
// (<sysfs>/bus/pci/devices/<vfPCI>/physfn/net/*, taken in name order), the first switchdev one
// (non-empty phys_switch_id) whose phys_port_name matches p<N> (the uplink representor), else
// the first switchdev one. None gives a *PCIDeviceNotFoundError.
func (l *Links) PFName(ctx context.Context, vfPCI string) (string, error) {
	if err := l.checkPCI(ctx, vfPCI); err != nil {
		return "", err
	}
	entries, err := os.ReadDir(filepath.Join(l.sysfsRoot, "bus/pci/devices", vfPCI, "physfn/net"))
	if err != nil {
		return "", &PCIDeviceNotFoundError{Address: vfPCI, Reason: "no netdev of its physical function", Err: err}
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	fallback := ""
	for _, n := range names {
		if id, err := l.sysfsNetAttr(n, "phys_switch_id"); err != nil || id == "" {
			continue // not switchdev
		}
		if fallback == "" {
			fallback = n
		}
		if port, err := l.sysfsNetAttr(n, "phys_port_name"); err == nil && uplinkRE.MatchString(port) {
			return n, nil
		}
	}
	if fallback != "" {
		return fallback, nil
	}
	return "", &PCIDeviceNotFoundError{Address: vfPCI, Reason: "its physical function has no switchdev netdev"}
}

// VFRepresentor returns the representor netdev of VF number vfNum of the physical function
// netdev pf, as os-vif's get_representor_port: among the netdevs of pf's subsystem
// (<sysfs>/class/net/<pf>/subsystem/*, in name order), the one with pf's phys_switch_id, a
// phys_port_name whose pf<N> (if any) equals pf's PCI function number, and whose VF number
// (the whole name if it is a number, else vf<N>) equals vfNum. None gives a
// *RepresentorNotFoundError.
func (l *Links) VFRepresentor(ctx context.Context, pf string, vfNum int) (string, error) {
	if err := ValidateName(pf); err != nil {
		return "", err
	}
	if vfNum < 0 {
		return "", &ValueError{Field: "vf number", Value: vfNum, Reason: "negative"}
	}
	if err := live(ctx, "find representor", pf); err != nil {
		return "", err
	}
	notFound := func(reason string) error {
		return &RepresentorNotFoundError{PF: pf, VF: vfNum, Reason: reason}
	}
	pfSwitch, err := l.sysfsNetAttr(pf, "phys_switch_id")
	if err != nil || pfSwitch == "" {
		return "", notFound("the PF has no phys_switch_id (not in switchdev mode?)")
	}
	entries, err := os.ReadDir(filepath.Join(l.sysfsRoot, "class/net", pf, "subsystem"))
	if err != nil {
		return "", notFound("cannot list the PF's subsystem: " + err.Error())
	}
	pfFunc, err := l.pfFunction(pf)
	if err != nil {
		return "", notFound(err.Error())
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		if id, err := l.sysfsNetAttr(n, "phys_switch_id"); err != nil || id != pfSwitch {
			continue
		}
		port, err := l.sysfsNetAttr(n, "phys_port_name")
		if err != nil {
			continue
		}
		if m := pfRE.FindStringSubmatch(port); m != nil {
			if p, err := strconv.Atoi(m[1]); err != nil || p != pfFunc {
				continue // a VF of another PF on the same switch
			}
		}
		if num, ok := ParseVFNumber(port); ok && num == vfNum {
			return n, nil
		}
	}
	return "", notFound("no netdev on the PF's switch has that VF number in its phys_port_name")
}

// ParseVFNumber returns the VF number in a representor's phys_port_name, as os-vif's
// _parse_vf_number: the whole name if it is a decimal number, else the N of the first vf<N>
// (case-insensitive). ok is false when the name holds neither.
func ParseVFNumber(physPortName string) (n int, ok bool) {
	m := intRE.FindStringSubmatch(physPortName)
	if m == nil {
		m = vfRE.FindStringSubmatch(physPortName)
	}
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// PhysPortName returns /sys/class/net/<dev>/phys_port_name (first line, trimmed); "" with a
// nil error when the file does not exist. Reading it fails (EOPNOTSUPP) on a device whose
// driver has no port name.
func (l *Links) PhysPortName(ctx context.Context, dev string) (string, error) {
	return l.physAttr(ctx, dev, "phys_port_name")
}

// PhysSwitchID returns /sys/class/net/<dev>/phys_switch_id, like PhysPortName. A switchdev
// device (a PF in switchdev mode, a representor) has a non-empty one.
func (l *Links) PhysSwitchID(ctx context.Context, dev string) (string, error) {
	return l.physAttr(ctx, dev, "phys_switch_id")
}

func (l *Links) physAttr(ctx context.Context, dev, attr string) (string, error) {
	if err := ValidateName(dev); err != nil {
		return "", err
	}
	if err := live(ctx, "read "+attr, dev); err != nil {
		return "", err
	}
	v, err := l.sysfsNetAttr(dev, attr)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", &OpError{Op: "read " + attr, Dev: dev, Err: err}
	}
	return v, nil
}

// sysfsNetAttr reads the first line of <sysfs>/class/net/<dev>/<attr>, trimmed.
func (l *Links) sysfsNetAttr(dev, attr string) (string, error) {
	if ValidateName(dev) != nil {
		return "", fs.ErrNotExist // not a device name the kernel could have made
	}
	b, err := os.ReadFile(filepath.Join(l.sysfsRoot, "class/net", dev, attr))
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(line), nil
}

// pfFunction returns the PCI function number of the netdev pf: the first ".N" in the base
// name of its <sysfs>/class/net/<pf>/device link (os-vif's _get_pf_func).
func (l *Links) pfFunction(pf string) (int, error) {
	target, err := os.Readlink(filepath.Join(l.sysfsRoot, "class/net", pf, "device"))
	if err != nil {
		return 0, errors.New("the PF has no PCI device link")
	}
	m := pfFuncRE.FindStringSubmatch(filepath.Base(target))
	if m == nil {
		return 0, errors.New("the PF's PCI address has no function number")
	}
	return strconv.Atoi(m[1])
}

func (l *Links) checkPCI(ctx context.Context, addr string) error {
	if !pciAddrRE.MatchString(addr) {
		return &ValueError{Field: "pci address", Value: addr, Reason: "want domain:bus:slot.function, e.g. 0000:03:00.2"}
	}
	return live(ctx, "look up PCI device", addr)
}
