package main

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/govif/govif/internal/buildinfo"
)

// TestExitCodes checks the documented exit statuses: 2 for every kind of usage error and bad
// input, 1 for a failure on the host, 0 for success.
func TestExitCodes(t *testing.T) {
	vifPath, instPath := writePrimitives(t, nil)
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no command", nil, 0, ""},
		{"unknown command", []string{"nope"}, 2, `unknown command "nope"`},
		{"unknown subcommand", []string{"object", "nope"}, 2, `unknown command "nope" for "govif object"`},
		{"unknown flag", []string{"version", "--bogus"}, 2, "unknown flag: --bogus"},
		{"bad -o", []string{"object", "list", "-o", "yaml"}, 2, "want text or json"},
		{"json-only -o", []string{"object", "convert", "-o", "text"}, 2, "want json"},
		{"extra argument", []string{"version", "extra"}, 2, "unknown command"},
		{"missing required flag", []string{"plug", "--vif", vifPath}, 2, "--instance"},
		{"bad timeout", []string{"plug", "--vif", vifPath, "--instance", instPath, "--timeout", "-1s"}, 2, "--timeout"},
		{"bad flag value", []string{"plug", "--vif", vifPath, "--instance", instPath, "--timeout", "soon"}, 2, "--timeout"},
		{"unreadable file", []string{"plug", "--vif", "/nonexistent/vif.json", "--instance", instPath}, 2, "--vif"},
		{"host failure", []string{"plug", "--vif", vifPath, "--instance", instPath, "--server", "unix:/nonexistent/govif.sock"}, 1, "/nonexistent/govif.sock"},
		{"ok", []string{"plug", "--vif", vifPath, "--instance", instPath}, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(serverEnv, "")
			_, stderr, code := runGovif(t, "", c.args...)
			if code != c.code || !strings.Contains(stderr, c.stderr) {
				t.Errorf("govif %v: exit %d stderr %q, want %d and %q", c.args, code, stderr, c.code, c.stderr)
			}
			if code != 0 && (!strings.HasPrefix(stderr, "govif: ") || strings.Count(stderr, "\n") != 1) {
				t.Errorf("stderr %q: want one line starting govif:", stderr)
			}
		})
	}
}

func TestHelpDocumentsExitCodesAndEnv(t *testing.T) {
	out, _, code := runGovif(t, "", "--help")
	for _, want := range []string{"Exit status", "0  success", "1  failure on the host", "2  bad input or usage", "GOVIF_SERVER"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("govif --help (exit %d) lacks %q", code, want)
		}
	}
}

func TestVersion(t *testing.T) {
	t.Setenv(serverEnv, "")
	out, _, code := runGovif(t, "", "version")
	want := "govif " + buildinfo.Version() + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	if code != 0 || out != want {
		t.Errorf("version: exit %d %q, want %q", code, out, want)
	}
	out, _, code = runGovif(t, "", "version", "-o", "json")
	var v versionResult
	if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil || v.Version != buildinfo.Version() || v.GoVersion != runtime.Version() || v.Server != "" {
		t.Errorf("version -o json: exit %d %v %+v", code, err, v)
	}
	if out, _, _ := runGovif(t, "", "--version"); out != "govif "+buildinfo.Version()+"\n" {
		t.Errorf("--version: %q", out)
	}
}

// TestServerFromEnv checks that GOVIF_SERVER is --server's default and that --server= runs
// in-process anyway.
func TestServerFromEnv(t *testing.T) {
	vifPath, instPath := writePrimitives(t, nil)
	t.Setenv(serverEnv, "unix:/nonexistent/env.sock")
	_, stderr, code := runGovif(t, "", "plug", "--vif", vifPath, "--instance", instPath)
	if code != 1 || !strings.Contains(stderr, "/nonexistent/env.sock") {
		t.Errorf("with GOVIF_SERVER: exit %d stderr %q, want 1 naming the env socket", code, stderr)
	}
	// Every command that talks to a host honours it, the inventory commands too (never the
	// host's own /var/lib/govif when a daemon is named).
	for _, args := range [][]string{{"list"}, {"check", "--all"}, {"replug", "--all"}, {"host-info"}, {"unplug", "--vif", vifPath, "--instance", instPath}} {
		_, stderr, code := runGovif(t, "", args...)
		if code != 1 || !strings.Contains(stderr, "/nonexistent/env.sock") {
			t.Errorf("%v with GOVIF_SERVER: exit %d stderr %q, want 1 naming the env socket", args, code, stderr)
		}
	}
	out, stderr, code := runGovif(t, "", "plug", "--vif", vifPath, "--instance", instPath, "--server=")
	if code != 0 || !strings.Contains(out, "in this process") {
		t.Errorf("--server= with GOVIF_SERVER: exit %d out %q err %q", code, out, stderr)
	}
}

// TestCompletion checks that enumerable flag values complete.
func TestCompletion(t *testing.T) {
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"plug", "-o", ""}, []string{"text", "json"}},
		{[]string{"object", "convert", "-o", ""}, []string{"json"}},
		{[]string{"binding", "convert", "--from", ""}, []string{"auto", "nova", "neutron"}},
		{[]string{"serve", "--log-level", ""}, []string{"debug", "info", "warn", "error"}},
		{[]string{"host-info", "--permitted", ""}, []string{"VIFBridge", "VIFOpenVSwitch", "VIFVHostUser"}},
	}
	for _, c := range cases {
		out, stderr, code := runGovif(t, "", append([]string{"__complete"}, c.args...)...)
		if code != 0 {
			t.Errorf("complete %v: exit %d %s", c.args, code, stderr)
			continue
		}
		got := map[string]bool{}
		for _, l := range strings.Split(out, "\n") {
			if l != "" && !strings.HasPrefix(l, ":") {
				got[strings.SplitN(l, "\t", 2)[0]] = true
			}
		}
		for _, w := range c.want {
			if !got[w] {
				t.Errorf("complete %v: got %v, lacks %q", c.args, got, w)
			}
		}
	}
}

// TestNoOutputFlagsButO checks that no command has an output flag other than -o.
func TestNoOutputFlagsButO(t *testing.T) {
	var all []*cobra.Command
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		all = append(all, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd())
	if len(all) < 10 {
		t.Fatalf("only %d commands in the tree", len(all))
	}
	for _, c := range all {
		for _, bad := range []string{"json", "indent", "format"} {
			if c.Flags().Lookup(bad) != nil {
				t.Errorf("%s has --%s; output is chosen with -o only", c.CommandPath(), bad)
			}
		}
	}
}
