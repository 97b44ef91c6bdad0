// Package hoststate captures what VIF plugs change in an OVS sandbox (testenv.OVS) as sorted,
// comparable lines, for parity tests that run govif and Python os-vif on two sandboxes and
// compare them: the OVSDB rows (bridges, ports, interfaces, QoS; no UUIDs or ofports), the
// network devices of the sandbox's namespace (type, MTU, flags, master; bridge ageing and
// sysctls) and its iptables filter table (no counters; chains sorted, rules in chain order).
//
// It is the union of the state the ovs and linux_bridge parity tests compare. It is test
// support: it shells out to ovs-vsctl and iptables-save, which library code never does.
package hoststate

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govif/govif/internal/testenv"
	"github.com/govif/govif/netdev"
)

// Capture returns the sandbox's state as sorted lines; it fails t when a part cannot be read.
func Capture(t testing.TB, o *testenv.OVS) []string {
	t.Helper()
	var lines []string
	add := func(format string, a ...any) { lines = append(lines, fmt.Sprintf(format, a...)) }
	csv := func(table, cols string) []string {
		out := o.Vsctl(t, "--format=csv", "--data=bare", "--no-headings", "--columns="+cols, "list", table)
		if out == "" {
			return nil
		}
		return strings.Split(out, "\n")
	}
	for _, l := range csv("Bridge", "name,datapath_type,external_ids,other_config,fail_mode") {
		add("Bridge %s", l)
		br := strings.SplitN(l, ",", 2)[0]
		for _, p := range strings.Split(o.Vsctl(t, "list-ports", br), "\n") {
			if p != "" {
				add("Bridge %s port %s", br, p)
			}
		}
	}
	for _, l := range csv("Port", "name,tag,trunks,vlan_mode,external_ids,other_config") {
		add("Port %s", l)
	}
	for _, l := range csv("Port", "name,qos") {
		if name, qos, _ := strings.Cut(l, ","); qos != "" {
			add("Port %s has QoS", name)
		}
	}
	for _, l := range csv("Interface", "name,type,options,external_ids,mtu_request,other_config") {
		add("Interface %s", l)
	}
	for _, l := range csv("QoS", "type,external_ids,other_config") {
		add("QoS %s", l)
	}
	lines = append(lines, links(t, o.NetNS())...)
	for _, l := range IptablesFilter(t, o.NetNS()) {
		add("iptables %s", l)
	}
	slices.Sort(lines)
	return lines
}

func links(t testing.TB, ns *testenv.NetNS) []string {
	t.Helper()
	ctx := context.Background()
	h, err := netlink.NewHandleAt(ns.Handle())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	nl, err := netdev.New(netdev.InNamespace(ns.Handle()))
	if err != nil {
		t.Fatal(err)
	}
	defer nl.Close()
	all, err := h.LinkList()
	if err != nil {
		t.Fatal(err)
	}
	byIndex := map[int]string{}
	for _, l := range all {
		byIndex[l.Attrs().Index] = l.Attrs().Name
	}
	var lines []string
	for _, l := range all {
		a := l.Attrs()
		if a.Name == "lo" {
			continue
		}
		if l.Type() == "tuntap" {
			// ovs-vswitchd's own devices (bridge internal ports, ovs-netdev): their MTU and
			// flags follow its reconfiguration timing, not the plugin.
			lines = append(lines, fmt.Sprintf("Link %s type=tuntap", a.Name))
			continue
		}
		var flags []string
		if a.RawFlags&unix.IFF_UP != 0 {
			flags = append(flags, "UP")
		}
		if a.RawFlags&unix.IFF_PROMISC != 0 {
			flags = append(flags, "PROMISC")
		}
		lines = append(lines, fmt.Sprintf("Link %s type=%s mtu=%d flags=%s master=%s", a.Name, l.Type(), a.MTU, strings.Join(flags, "|"), byIndex[a.MasterIndex]))
		if br, ok := l.(*netlink.Bridge); ok {
			ageing := "<nil>"
			if br.AgeingTime != nil {
				ageing = fmt.Sprint(*br.AgeingTime)
			}
			lines = append(lines, fmt.Sprintf("Link %s ageing=%s", a.Name, ageing))
			for _, key := range []string{"net/ipv6/conf/%s/disable_ipv6", "net/ipv4/conf/%s/arp_ignore", "net/ipv4/conf/%s/arp_announce"} {
				k := fmt.Sprintf(key, a.Name)
				v, err := nl.Sysctl(ctx, k)
				if err != nil {
					t.Fatal(err)
				}
				lines = append(lines, fmt.Sprintf("Sysctl %s=%s", k, v))
			}
		}
	}
	return lines
}

// IptablesFilter returns the iptables filter table of ns as IptablesSave does, each rule
// suffixed " #NN" with its place in its chain, so that the lines still say the order of the
// rules once Capture sorts them.
func IptablesFilter(t testing.TB, ns *testenv.NetNS) []string {
	t.Helper()
	return normalizeSave(saveOutput(t, ns, "iptables-save"))
}

// IptablesSave returns the filter table of ns from cmd (iptables-save or ip6tables-save),
// normalised so that two namespaces compare by content: comments and counters dropped, chain
// declarations sorted (built-ins first), then each chain's rules, in their order in the chain.
func IptablesSave(t testing.TB, ns *testenv.NetNS, cmd string) []string {
	t.Helper()
	return orderSave(saveOutput(t, ns, cmd))
}

func saveOutput(t testing.TB, ns *testenv.NetNS, cmd string) string {
	t.Helper()
	bin := testenv.RequireBinary(t, cmd, "iptables")
	var out []byte
	err := ns.Do(func() error {
		var err error
		out, err = exec.Command(bin, "-t", "filter").Output()
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", cmd, err)
	}
	return string(out)
}

// normalizeSave is orderSave with each rule numbered in its chain.
func normalizeSave(text string) []string {
	out := orderSave(text)
	n := map[string]int{}
	for i, l := range out {
		if strings.HasPrefix(l, "-A ") {
			chain := strings.Fields(l)[1]
			out[i] = fmt.Sprintf("%s #%02d", l, n[chain])
			n[chain]++
		}
	}
	return out
}

func orderSave(text string) []string {
	var decls []string
	rules := map[string][]string{}
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "#") || l == "*filter" || l == "COMMIT":
		case strings.HasPrefix(l, ":"):
			f := strings.Fields(l)
			decls = append(decls, strings.Join(f[:2], " "))
		case strings.HasPrefix(l, "-A "):
			chain := strings.Fields(l)[1]
			rules[chain] = append(rules[chain], l)
		}
	}
	builtin := map[string]int{"INPUT": 0, "FORWARD": 1, "OUTPUT": 2}
	slices.SortFunc(decls, func(a, b string) int {
		ca, cb := strings.Fields(a)[0][1:], strings.Fields(b)[0][1:]
		ia, oka := builtin[ca]
		ib, okb := builtin[cb]
		switch {
		case oka && okb:
			return ia - ib
		case oka:
			return -1
		case okb:
			return 1
		}
		return strings.Compare(ca, cb)
	})
	out := slices.Clone(decls)
	for _, d := range decls {
		out = append(out, rules[strings.Fields(d)[0][1:]]...)
	}
	return out
}

// Diff returns "- x" for lines only in a (the reference, e.g. Python os-vif) and "+ x" for
// lines only in b (govif), sorted.
func Diff(a, b []string) []string {
	var d []string
	for _, l := range a {
		if !slices.Contains(b, l) {
			d = append(d, "- "+l)
		}
	}
	for _, l := range b {
		if !slices.Contains(a, l) {
			d = append(d, "+ "+l)
		}
	}
	slices.Sort(d)
	return d
}
