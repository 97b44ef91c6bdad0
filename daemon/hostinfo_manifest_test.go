package daemon

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/govif/govif/objects"
)

func TestHostInfoForManifest(t *testing.T) {
	ts := startServer(t, newFakeHost(), Options{})
	ctx := context.Background()
	// fakeHost advertises noop VIFVHostUser 1.0..1.1; a peer with os-vif's VIFVHostUser 1.0
	// gets 1.0..1.0, and HostVIFInfo at the peer's 1.0 (no supported_port_profiles).
	hi, err := ts.client.HostInfoFor(ctx, map[string]string{"VIFVHostUser": "1.0", "HostVIFInfo": "1.0", "HostInfo": "9.9"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := hi.GetPlugin("noop")
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.GetVIF("VIFVHostUser")
	if err != nil {
		t.Fatal(err)
	}
	if v.MaxVersion.Value() != "1.0" || v.MinVersion.Value() != "1.0" {
		t.Errorf("VIFVHostUser %s..%s, want 1.0..1.0", v.MinVersion.Value(), v.MaxVersion.Value())
	}
	if v.SupportedPortProfiles.IsSet() {
		t.Errorf("HostVIFInfo not backported to 1.0: supported_port_profiles is set")
	}
	// Without a manifest: unchanged (the GET answer).
	hi, err = ts.client.HostInfoFor(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, _ = hi.GetPlugin("noop")
	if v, _ := p.GetVIF("VIFVHostUser"); v.MaxVersion.Value() != "1.1" {
		t.Errorf("no manifest: max_version %s, want 1.1", v.MaxVersion.Value())
	}
	// permitted filters as with GET; an empty list keeps nothing.
	hi, err = ts.client.HostInfoFor(ctx, map[string]string{}, []string{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(hi.PluginInfo.Value()); n != 0 {
		t.Errorf("permitted=[]: %d plugins, want 0", n)
	}
}

func TestHostInfoForBadInput(t *testing.T) {
	ts := startServer(t, newFakeHost(), Options{})
	_, err := ts.client.HostInfoFor(context.Background(), map[string]string{"VIFVHostUser": "1.x"}, nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Code != CodeInvalidObject || ae.Field != "manifest.VIFVHostUser" {
		t.Fatalf("bad manifest version: %v", err)
	}
	var fe *objects.FieldError
	if !errors.As(err, &fe) || fe.Path != "manifest.VIFVHostUser" {
		t.Errorf("client error does not unwrap to a FieldError: %v", err)
	}
	status, eb := ts.post(t, PathHostInfo, []byte(`{"manifest": {}, "versions": {}}`))
	if status != http.StatusBadRequest || eb.Error.Code != CodeBadRequest {
		t.Errorf("unknown member: %d %+v", status, eb)
	}
	status, eb = ts.post(t, PathHostInfo, []byte(`{"manifest": {"VIFBridge": 1}}`))
	if status != http.StatusBadRequest || eb.Error.Code != CodeBadRequest {
		t.Errorf("number as version: %d %+v", status, eb)
	}
}
