package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

type fake struct {
	env   plugin.Env
	err   error
	calls []string
}

func (f *fake) Describe() *objects.HostPluginInfo {
	return plugin.Describe(f.env.Name, plugin.SupportedVIF("VIFGeneric", "1.0", "1.0"))
}
func (f *fake) Plug(_ context.Context, v objects.VIF, _ *objects.InstanceInfo) error {
	f.calls = append(f.calls, "plug "+v.Base().ID.Value())
	return f.err
}
func (f *fake) Unplug(_ context.Context, v objects.VIF, _ *objects.InstanceInfo) error {
	f.calls = append(f.calls, "unplug "+v.Base().ID.Value())
	return f.err
}

func run(t *testing.T, f plugin.Factory, args []string, stdin string) (int, plugin.ExecResponse) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), "fake", f, args, strings.NewReader(stdin), &out, &errOut)
	var resp plugin.ExecResponse
	if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
		t.Fatalf("stdout is not one JSON response: %q: %v", out.String(), err)
	}
	if resp.ProtocolVersion != plugin.ProtocolVersion {
		t.Fatalf("response protocol_version = %d", resp.ProtocolVersion)
	}
	return code, resp
}

const vifPrimitive = `{"versioned_object.name":"VIFGeneric","versioned_object.namespace":"os_vif","versioned_object.version":"1.0",` +
	`"versioned_object.data":{"id":"a1b2c3d4-1111-4222-8333-444455556666","plugin":"fake","vif_name":"tap0"}}`

func TestRunCommands(t *testing.T) {
	var p *fake
	var gotOpt string
	factory := func(env plugin.Env) (plugin.Plugin, error) {
		gotOpt = env.Section().String("opt", "")
		p = &fake{env: env}
		return p, nil
	}
	code, resp := run(t, factory, []string{"version"}, `{}`)
	if code != 0 || len(resp.SupportedVersions) != 1 || resp.SupportedVersions[0] != 1 {
		t.Fatalf("version: %d %+v", code, resp)
	}
	code, resp = run(t, factory, []string{"describe"}, `{"protocol_version":1,"command":"describe","config":{"opt":["v"]}}`)
	if code != 0 || resp.Error != nil || gotOpt != "v" {
		t.Fatalf("describe: %d %+v opt=%q", code, resp, gotOpt)
	}
	hpi, err := objects.Decode(resp.HostPluginInfo)
	if err != nil || hpi.(*objects.HostPluginInfo).PluginName.Value() != "fake" {
		t.Fatalf("describe answer %s: %v", resp.HostPluginInfo, err)
	}
	code, resp = run(t, factory, []string{"plug"}, `{"protocol_version":1,"command":"plug","vif":`+vifPrimitive+`,"timeout_ms":5000}`)
	if code != 0 || resp.Error != nil || len(p.calls) != 1 || p.calls[0] != "plug a1b2c3d4-1111-4222-8333-444455556666" {
		t.Fatalf("plug: %d %+v %v", code, resp, p.calls)
	}
}

func TestRunFailures(t *testing.T) {
	failing := func(err error) plugin.Factory {
		return func(env plugin.Env) (plugin.Plugin, error) { return &fake{env: env, err: err}, nil }
	}
	ok := failing(nil)
	cases := []struct {
		name    string
		f       plugin.Factory
		args    []string
		stdin   string
		code    string
		message string
	}{
		{"no command", ok, nil, `{}`, plugin.CodeInvalidRequest, "usage"},
		{"bad json", ok, []string{"plug"}, `{`, plugin.CodeInvalidRequest, "read request"},
		{"argv differs", ok, []string{"plug"}, `{"protocol_version":1,"command":"unplug"}`, plugin.CodeInvalidRequest, "differs"},
		{"protocol", ok, []string{"describe"}, `{"protocol_version":2}`, plugin.CodeUnsupportedProtocol, "protocol_version 2 not supported"},
		{"unknown", ok, []string{"check"}, `{"protocol_version":1}`, plugin.CodeUnknownCommand, `unknown command "check"`},
		{"bad vif", ok, []string{"plug"}, `{"protocol_version":1,"vif":{"x":1}}`, plugin.CodeInvalidRequest, "vif:"},
		{"factory", func(plugin.Env) (plugin.Plugin, error) { return nil, errors.New("no socket") }, []string{"describe"},
			`{"protocol_version":1}`, plugin.CodePluginError, "load plugin fake: no socket"},
		{"typed", failing(plugin.ErrMissingPortProfile), []string{"unplug"}, `{"protocol_version":1,"vif":` + vifPrimitive + `}`,
			plugin.CodeMissingPortProfile, "A port profile is mandatory"},
		{"raw config accepted", ok, []string{"describe"}, `{"protocol_version":1,"config":{"x":["1"]}}`, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, resp := run(t, tc.f, tc.args, tc.stdin)
			if tc.code == "" {
				if code != 0 || resp.Error != nil {
					t.Fatalf("got %d %+v, want success", code, resp.Error)
				}
				return
			}
			if code != 1 || resp.Error == nil || resp.Error.Code != tc.code || !strings.Contains(resp.Error.Message, tc.message) {
				t.Fatalf("got exit %d, error %+v; want code %s with %q", code, resp.Error, tc.code, tc.message)
			}
		})
	}
}

func TestPluginBudgetLeavesTimeToAnswer(t *testing.T) {
	cases := map[time.Duration]time.Duration{
		120 * time.Second:      118 * time.Second,
		10 * time.Second:       9 * time.Second,
		100 * time.Millisecond: 90 * time.Millisecond,
	}
	for in, want := range cases {
		if got := pluginBudget(in); got != want {
			t.Errorf("pluginBudget(%v) = %v, want %v", in, got, want)
		}
	}
}
