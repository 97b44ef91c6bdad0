package noop

import (
	"context"
	"testing"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
)

func TestRegisteredAndDescribe(t *testing.T) {
	f, ok := plugin.Lookup(Name)
	if !ok {
		t.Fatal("noop is not registered")
	}
	p, err := f(plugin.Env{Name: Name})
	if err != nil {
		t.Fatal(err)
	}
	b, err := objects.Encode(p.Describe())
	if err != nil {
		t.Fatal(err)
	}
	// os-vif 3.0.0 vif_plug_noop describe(), from the spec (osvif-plugins.md §9).
	want := `{"versioned_object.name":"HostPluginInfo","versioned_object.namespace":"os_vif","versioned_object.version":"1.0",` +
		`"versioned_object.data":{"plugin_name":"noop","vif_info":[{"versioned_object.name":"HostVIFInfo","versioned_object.namespace":"os_vif",` +
		`"versioned_object.version":"1.1","versioned_object.data":{"vif_object_name":"VIFVHostUser","min_version":"1.0","max_version":"1.0",` +
		`"supported_port_profiles":[]}`
	if len(b) < len(want) || string(b[:len(want)]) != want {
		t.Fatalf("describe = %s\nwant prefix %s", b, want)
	}
	vif := &objects.VIFVHostUser{VIFBase: objects.VIFBase{ID: objects.Set("a1b2c3d4-1111-4222-8333-444455556666")}}
	if p.Plug(context.Background(), vif, nil) != nil || p.Unplug(context.Background(), vif, nil) != nil {
		t.Fatal("noop plug/unplug failed")
	}
}
