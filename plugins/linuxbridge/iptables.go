package linuxbridge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// IPTables is the part of coreos/go-iptables the plugin uses (plus ListTable, a whole-table
// listing), for one IP family. Each call takes a context first: an adapter does not start a
// command once ctx has ended. NewIPTables returns the real one; unit tests hand the plugin a
// fake.
type IPTables interface {
	ChainExists(ctx context.Context, table, chain string) (bool, error)
	NewChain(ctx context.Context, table, chain string) error
	// DeleteChain deletes an empty, unreferenced chain.
	DeleteChain(ctx context.Context, table, chain string) error
	Exists(ctx context.Context, table, chain string, rulespec ...string) (bool, error)
	Insert(ctx context.Context, table, chain string, pos int, rulespec ...string) error
	Append(ctx context.Context, table, chain string, rulespec ...string) error
	Delete(ctx context.Context, table, chain string, rulespec ...string) error
	// List returns the chain in `iptables -S` form ("-N x", "-P x ACCEPT", "-A x ...").
	List(ctx context.Context, table, chain string) ([]string, error)
	// ListTable returns the whole table in `iptables -S` form, in one command.
	ListTable(ctx context.Context, table string) ([]string, error)
	ListChains(ctx context.Context, table string) ([]string, error)
}

// DefaultChainPrefix is os-vif's iptables "binary name" in a real deployment: it wraps its
// chains as nova-compute-FORWARD and so on.
const DefaultChainPrefix = "nova-compute"

const (
	filterTable = "filter"
	filterTop   = "nova-filter-top" // shared, unwrapped chain at the top of FORWARD and OUTPUT
)

// firewall writes os-vif's IptablesManager layout and per-bridge gateway rules into the
// filter table, one rule at a time through IPTables, instead of rewriting whole tables with
// iptables-save/iptables-restore as os-vif does.
type firewall struct {
	v4, v6     IPTables // v6 is nil unless use_ipv6
	prefix     string   // os-vif's binary name
	drop       string   // iptables_drop_action
	forward    []string // forward_bridge_interface
	top, under *regexp.Regexp
	locks      *locker
	log        *slog.Logger
}

// wrap returns a wrapped chain name, <prefix>-<chain>.
func (f *firewall) wrap(chain string) string { return f.prefix + "-" + chain }

// gatewayRules returns os-vif's get_gateway_rules(bridge): the rules for the wrapped FORWARD
// chain. os-vif then also adds "--out-interface <bridge> -j <drop>" unconditionally; govif
// does not (with forward_bridge_interface=all it sits behind an ACCEPT of the same traffic,
// otherwise it duplicates the last gateway rule).
func (f *firewall) gatewayRules(bridge string) [][]string {
	for _, iface := range f.forward {
		if iface == "all" {
			return [][]string{
				{"-i", bridge, "-j", "ACCEPT"},
				{"-o", bridge, "-j", "ACCEPT"},
			}
		}
	}
	var rules [][]string
	for _, iface := range f.forward {
		if iface != "" {
			rules = append(rules,
				[]string{"-i", bridge, "-o", iface, "-j", "ACCEPT"},
				[]string{"-i", iface, "-o", bridge, "-j", "ACCEPT"})
		}
	}
	return append(rules,
		[]string{"-i", bridge, "-o", bridge, "-j", "ACCEPT"},
		[]string{"-i", bridge, "-j", f.drop},
		[]string{"-o", bridge, "-j", f.drop})
}

// skeleton is the chain layout IptablesManager builds in each filter table: the chains, and
// for each chain the jumps that must head it, in order.
func (f *firewall) skeleton() (chains []string, heads []chainHead) {
	chains = []string{filterTop, f.wrap("local"), f.wrap("INPUT"), f.wrap("OUTPUT"), f.wrap("FORWARD")}
	heads = []chainHead{
		{"INPUT", [][]string{{"-j", f.wrap("INPUT")}}},
		{"FORWARD", [][]string{{"-j", filterTop}, {"-j", f.wrap("FORWARD")}}},
		{"OUTPUT", [][]string{{"-j", filterTop}, {"-j", f.wrap("OUTPUT")}}},
		{filterTop, [][]string{{"-j", f.wrap("local")}}},
	}
	return chains, heads
}

type chainHead struct {
	chain string
	rules [][]string
}

// ensureBridge makes the filter tables hold the skeleton and bridge's gateway rules, then
// applies the top/bottom regex ordering. On error it removes what it added; on success it
// returns an undo that does the same (for a plug failing later).
func (f *firewall) ensureBridge(ctx context.Context, bridge string) (undo func(context.Context) error, err error) {
	unlock, err := f.locks.lock(ctx, lockIptables)
	if err != nil {
		return nil, err
	}
	defer unlock()

	var j journal
	defer func() {
		if err != nil {
			if uerr := j.rollback(context.WithoutCancel(ctx)); uerr != nil {
				err = errors.Join(err, uerr)
			}
		}
	}()
	fams := []struct {
		name string
		ipt  IPTables
	}{{"ipv4", f.v4}, {"ipv6", f.v6}}
	var v4 *tableSnapshot
	for _, fam := range fams {
		if fam.ipt == nil {
			continue
		}
		snap, err := snapshot(ctx, fam.ipt)
		if err != nil {
			return nil, fmt.Errorf("linux_bridge: %s filter table: %w", fam.name, err)
		}
		if fam.ipt == f.v4 {
			v4 = snap
		}
		if err := f.ensureSkeleton(ctx, fam.ipt, snap, &j); err != nil {
			return nil, fmt.Errorf("linux_bridge: %s filter table: %w", fam.name, err)
		}
	}
	for _, rule := range f.gatewayRules(bridge) {
		if err := f.ensureRule(ctx, f.v4, v4, f.wrap("FORWARD"), rule, &j); err != nil {
			return nil, fmt.Errorf("linux_bridge: ipv4 filter rules for bridge %s: %w", bridge, err)
		}
	}
	for _, fam := range fams {
		if fam.ipt == nil {
			continue
		}
		if err := f.reorder(ctx, fam.ipt); err != nil {
			return nil, fmt.Errorf("linux_bridge: %s filter table: %w", fam.name, err)
		}
	}
	return func(ctx context.Context) error {
		unlock, err := f.locks.lock(ctx, lockIptables)
		if err != nil {
			return err
		}
		defer unlock()
		return j.rollback(ctx)
	}, nil
}

// tableSnapshot is the filter table as listed once at the start of ensureBridge: most plugs
// find everything in place and need no other iptables command. A rule is looked up by its
// `iptables -S` text; one not found that way (iptables may print it differently, e.g. with
// default options of a target added) is checked with `iptables -C` before being added.
type tableSnapshot struct {
	chains map[string]bool
	rules  map[string]bool
}

func snapshot(ctx context.Context, ipt IPTables) (*tableSnapshot, error) {
	lines, err := ipt.ListTable(ctx, filterTable)
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	s := &tableSnapshot{chains: map[string]bool{}, rules: map[string]bool{}}
	for _, l := range lines {
		f := strings.Fields(l)
		switch {
		case len(f) >= 2 && (f[0] == "-N" || f[0] == "-P"):
			s.chains[f[1]] = true
		case len(f) >= 2 && f[0] == "-A":
			s.rules[l] = true
		}
	}
	return s, nil
}

func (f *firewall) ensureSkeleton(ctx context.Context, ipt IPTables, snap *tableSnapshot, j *journal) error {
	chains, heads := f.skeleton()
	for _, c := range chains {
		if snap.chains[c] {
			continue
		}
		if err := ipt.NewChain(ctx, filterTable, c); err != nil {
			return fmt.Errorf("create chain %s: %w", c, err)
		}
		j.add(func(ctx context.Context) error { return ipt.DeleteChain(ctx, filterTable, c) })
	}
	for _, h := range heads {
		for i, rule := range h.rules {
			ok, err := ruleExists(ctx, ipt, snap, h.chain, rule)
			if err != nil {
				return err
			}
			if ok {
				continue
			}
			if err := ipt.Insert(ctx, filterTable, h.chain, i+1, rule...); err != nil {
				return fmt.Errorf("insert rule -A %s %s: %w", h.chain, strings.Join(rule, " "), err)
			}
			j.add(func(ctx context.Context) error { return ipt.Delete(ctx, filterTable, h.chain, rule...) })
		}
	}
	return nil
}

// ruleExists looks the rule up in snap, then asks iptables.
func ruleExists(ctx context.Context, ipt IPTables, snap *tableSnapshot, chain string, rule []string) (bool, error) {
	if snap.rules["-A "+chain+" "+strings.Join(rule, " ")] {
		return true, nil
	}
	if !snap.chains[chain] {
		return false, nil // created by this plug: empty
	}
	ok, err := ipt.Exists(ctx, filterTable, chain, rule...)
	if err != nil {
		return false, fmt.Errorf("look up rule -A %s %s: %w", chain, strings.Join(rule, " "), err)
	}
	return ok, nil
}

func (f *firewall) ensureRule(ctx context.Context, ipt IPTables, snap *tableSnapshot, chain string, rule []string, j *journal) error {
	ok, err := ruleExists(ctx, ipt, snap, chain, rule)
	if err != nil || ok {
		return err
	}
	if err := ipt.Append(ctx, filterTable, chain, rule...); err != nil {
		return fmt.Errorf("append rule -A %s %s: %w", chain, strings.Join(rule, " "), err)
	}
	f.log.DebugContext(ctx, "iptables rule added", "table", filterTable, "chain", chain, "rule", strings.Join(rule, " "))
	j.add(func(ctx context.Context) error { return ipt.Delete(ctx, filterTable, chain, rule...) })
	return nil
}

// reorder applies iptables_top_regex and iptables_bottom_regex as os-vif's apply() does:
// every rule of the filter table that is not govif's own (its line does not contain the chain
// prefix) and matches the top regex moves to the head of its chain; one matching the bottom
// regex (and not the top one) moves to the end of its chain. The regexes are matched against
// the rule in `iptables -S` form, "-A <chain> <rule>". Rules already in place are not touched.
func (f *firewall) reorder(ctx context.Context, ipt IPTables) error {
	if f.top == nil && f.under == nil {
		return nil
	}
	chains, err := ipt.ListChains(ctx, filterTable)
	if err != nil {
		return fmt.Errorf("list chains: %w", err)
	}
	for _, chain := range chains {
		lines, err := ipt.List(ctx, filterTable, chain)
		if err != nil {
			return fmt.Errorf("list chain %s: %w", chain, err)
		}
		var rules []string
		for _, l := range lines {
			if strings.HasPrefix(l, "-A ") {
				rules = append(rules, l)
			}
		}
		var tops, bottoms []string
		for _, l := range rules {
			if strings.Contains(l, f.prefix) {
				continue
			}
			switch {
			case f.top != nil && f.top.MatchString(l):
				tops = append(tops, l)
			case f.under != nil && f.under.MatchString(l):
				bottoms = append(bottoms, l)
			}
		}
		if !isPrefix(rules, tops) {
			for i := len(tops) - 1; i >= 0; i-- {
				if err := f.move(ctx, ipt, chain, tops[i], 1); err != nil {
					return err
				}
			}
		}
		if !isSuffix(rules, bottoms) {
			for _, l := range bottoms {
				if err := f.move(ctx, ipt, chain, l, 0); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// move deletes the rule given as an `iptables -S` line and inserts it at pos (1-based), or
// appends it when pos is 0.
func (f *firewall) move(ctx context.Context, ipt IPTables, chain, line string, pos int) error {
	args, err := splitRule(line)
	if err != nil {
		return err
	}
	spec := args[2:] // drop "-A <chain>"
	if err := ipt.Delete(ctx, filterTable, chain, spec...); err != nil {
		return fmt.Errorf("move rule %s: %w", line, err)
	}
	if pos > 0 {
		err = ipt.Insert(ctx, filterTable, chain, pos, spec...)
	} else {
		err = ipt.Append(ctx, filterTable, chain, spec...)
	}
	if err != nil {
		// Do not lose someone else's rule: put it back at the end of its chain.
		if aerr := ipt.Append(ctx, filterTable, chain, spec...); aerr != nil {
			return fmt.Errorf("move rule %s: deleted, and could not be re-added: %w", line, errors.Join(err, aerr))
		}
		return fmt.Errorf("move rule %s (re-added at the end of %s): %w", line, chain, err)
	}
	return nil
}

func isPrefix(all, part []string) bool {
	return len(part) <= len(all) && equalStrings(all[:len(part)], part)
}

func isSuffix(all, part []string) bool {
	return len(part) <= len(all) && equalStrings(all[len(all)-len(part):], part)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// splitRule splits an `iptables -S` line into arguments. iptables quotes an argument holding
// spaces with double quotes and escapes quotes and backslashes inside it with a backslash.
func splitRule(line string) ([]string, error) {
	var (
		args    []string
		cur     strings.Builder
		inArg   bool
		quoted  bool
		escaped bool
	)
	for _, r := range line {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\' && quoted:
			escaped = true
		case r == '"':
			quoted = !quoted
			inArg = true
		case (r == ' ' || r == '\t') && !quoted:
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		default:
			cur.WriteRune(r)
			inArg = true
		}
	}
	if quoted || escaped {
		return nil, fmt.Errorf("linux_bridge: cannot parse iptables rule %q: unterminated quote", line)
	}
	if inArg {
		args = append(args, cur.String())
	}
	if len(args) < 2 || args[0] != "-A" {
		return nil, fmt.Errorf("linux_bridge: cannot parse iptables rule %q: not an -A line", line)
	}
	return args, nil
}
