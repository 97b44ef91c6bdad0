package linuxbridge

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGatewayRulesForwardInterfaces(t *testing.T) {
	net, ipt := newFakeNet(), newFakeIPT()
	cfg := defaultCfg()
	cfg.ForwardBridgeInterface = []string{"eth0", "", "bond1"}
	cfg.IptablesDropAction = "nova-drop"
	p := newTestPlugin(t, cfg, net, ipt)
	if err := p.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatal(err)
	}
	got, _ := ipt.List(context.Background(), filterTable, "nova-compute-FORWARD")
	b := testBridge
	want := []string{
		"-N nova-compute-FORWARD",
		"-A nova-compute-FORWARD -i " + b + " -o eth0 -j ACCEPT",
		"-A nova-compute-FORWARD -i eth0 -o " + b + " -j ACCEPT",
		"-A nova-compute-FORWARD -i " + b + " -o bond1 -j ACCEPT",
		"-A nova-compute-FORWARD -i bond1 -o " + b + " -j ACCEPT",
		"-A nova-compute-FORWARD -i " + b + " -o " + b + " -j ACCEPT",
		"-A nova-compute-FORWARD -i " + b + " -j nova-drop",
		"-A nova-compute-FORWARD -o " + b + " -j nova-drop",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}

// Rules of others already in FORWARD stay below os-vif's jumps, as after os-vif's apply().
func TestSkeletonGoesAboveExistingRules(t *testing.T) {
	net, ipt := newFakeNet(), newFakeIPT()
	ipt.rules["FORWARD"] = []string{"-A FORWARD -j DOCKER-USER"}
	p := newTestPlugin(t, defaultCfg(), net, ipt)
	if err := p.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"-A FORWARD -j nova-filter-top", "-A FORWARD -j nova-compute-FORWARD", "-A FORWARD -j DOCKER-USER"}
	if diff := cmp.Diff(want, ipt.rules["FORWARD"]); diff != "" {
		t.Errorf("FORWARD (-want +got):\n%s", diff)
	}
}

func TestTopAndBottomRegex(t *testing.T) {
	net, ipt := newFakeNet(), newFakeIPT()
	ipt.rules["FORWARD"] = []string{
		"-A FORWARD -i eth0 -j LOG-FIRST",
		"-A FORWARD -s 10.0.0.0/8 -j REJECT-LAST",
		"-A FORWARD -m comment --comment \"keep me\" -j ACCEPT",
		"-A FORWARD -i eth1 -j LOG-FIRST",
	}
	ipt.rules["INPUT"] = []string{"-A INPUT -j REJECT-LAST", "-A INPUT -p tcp -j ACCEPT"}
	cfg := defaultCfg()
	cfg.IptablesTopRegex = "LOG-FIRST"
	cfg.IptablesBottomRegex = "REJECT-LAST|nova-compute"
	p := newTestPlugin(t, cfg, net, ipt)
	if err := p.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatal(err)
	}
	wantForward := []string{
		"-A FORWARD -i eth0 -j LOG-FIRST",
		"-A FORWARD -i eth1 -j LOG-FIRST",
		"-A FORWARD -j nova-filter-top",
		"-A FORWARD -j nova-compute-FORWARD",
		"-A FORWARD -m comment --comment \"keep me\" -j ACCEPT",
		"-A FORWARD -s 10.0.0.0/8 -j REJECT-LAST",
	}
	if diff := cmp.Diff(wantForward, ipt.rules["FORWARD"]); diff != "" {
		t.Errorf("FORWARD (-want +got):\n%s", diff)
	}
	wantInput := []string{"-A INPUT -j nova-compute-INPUT", "-A INPUT -p tcp -j ACCEPT", "-A INPUT -j REJECT-LAST"}
	if diff := cmp.Diff(wantInput, ipt.rules["INPUT"]); diff != "" {
		t.Errorf("INPUT (-want +got):\n%s", diff)
	}
	// Applying again moves nothing.
	ipt.calls = nil
	if err := p.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range ipt.calls {
		switch c[:6] {
		case "Delete", "Insert", "Append":
			t.Errorf("second apply moved a rule: %s", c)
		}
	}
}

func TestIPv6SkeletonWithUseIPv6(t *testing.T) {
	net, v4, v6 := newFakeNet(), newFakeIPT(), newFakeIPT()
	cfg := defaultCfg()
	cfg.UseIPv6 = true
	p, err := New(cfg, WithNetOps(net), WithIPTables(v4, v6), WithLockDir(t.TempDir()), WithLogger(discard))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"-A INPUT -j nova-compute-INPUT",
		"-A FORWARD -j nova-filter-top",
		"-A FORWARD -j nova-compute-FORWARD",
		"-A OUTPUT -j nova-filter-top",
		"-A OUTPUT -j nova-compute-OUTPUT",
		"-A nova-filter-top -j nova-compute-local",
	}
	if diff := cmp.Diff(want, rulesOf(v6.save())); diff != "" {
		t.Errorf("ip6tables filter (-want +got):\n%s", diff)
	}
	if len(rulesOf(v4.save())) != len(want)+2 {
		t.Errorf("iptables filter: %v", v4.save())
	}
	// Without use_ipv6, ip6tables is never touched.
	v6b := newFakeIPT()
	p2, err := New(defaultCfg(), WithNetOps(newFakeNet()), WithIPTables(newFakeIPT(), v6b), WithLockDir(t.TempDir()), WithLogger(discard))
	if err != nil {
		t.Fatal(err)
	}
	if err := p2.Plug(context.Background(), testVIF(nil), nil); err != nil {
		t.Fatal(err)
	}
	if len(v6b.calls) != 0 {
		t.Errorf("ip6tables used without use_ipv6: %v", v6b.calls)
	}
}

func TestSplitRule(t *testing.T) {
	for in, want := range map[string][]string{
		`-A FORWARD -i br0 -j ACCEPT`:                   {"-A", "FORWARD", "-i", "br0", "-j", "ACCEPT"},
		`-A X -m comment --comment "a b \"c\"" -j DROP`: {"-A", "X", "-m", "comment", "--comment", `a b "c"`, "-j", "DROP"},
		`-A X -m comment --comment ""`:                  {"-A", "X", "-m", "comment", "--comment", ""},
	} {
		got, err := splitRule(in)
		if err != nil {
			t.Errorf("splitRule(%q): %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("splitRule(%q) (-want +got):\n%s", in, diff)
		}
	}
	for _, bad := range []string{`-A X "open`, `-N X`, ``} {
		if _, err := splitRule(bad); err == nil {
			t.Errorf("splitRule(%q) succeeded", bad)
		}
	}
}

// A rule the top regex moves is never lost: if re-inserting it fails it goes back at the end.
func TestReorderKeepsRuleWhenInsertFails(t *testing.T) {
	net, ipt := newFakeNet(), newFakeIPT()
	ipt.rules["INPUT"] = []string{"-A INPUT -p tcp -j ACCEPT", "-A INPUT -i lbeth9 -j ACCEPT"}
	ipt.fail["Insert INPUT"] = errInjected
	ipt.chains = append(ipt.chains, "nova-filter-top", "nova-compute-local", "nova-compute-INPUT", "nova-compute-OUTPUT", "nova-compute-FORWARD")
	ipt.rules["INPUT"] = append([]string{"-A INPUT -j nova-compute-INPUT"}, ipt.rules["INPUT"]...)
	cfg := defaultCfg()
	cfg.IptablesTopRegex = "lbeth9"
	p := newTestPlugin(t, cfg, net, ipt)
	if err := p.Plug(context.Background(), testVIF(nil), nil); err == nil {
		t.Fatal("Plug succeeded")
	}
	if !slices.Contains(ipt.rules["INPUT"], "-A INPUT -i lbeth9 -j ACCEPT") {
		t.Errorf("rule lost: %v", ipt.rules["INPUT"])
	}
}
