package cni

import (
	"errors"
	"testing"

	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/types"
)

// FuzzParseConfig: any stdin gives a configuration or a typed error (a *ConfigError naming a
// field, or a CNI decoding error), never a panic; and a parsed configuration turns into an
// attachment or a *ConfigError.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		`{"cniVersion":"1.1.0","name":"n","type":"govif-cni","bridge":"br-int","ipam":{"type":"host-local"}}`,
		`{"cniVersion":"1.1.0","name":"n","bridge":5}`,
		`{"name":"n","runtimeConfig":{"vif":{"versioned_object.name":"VIFMacvlanNested","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{"id":"3f1a0b62-8b1e-4d54-a4b3-2d0b5e0e7c90","vif_name":"eth0"}}},"linkInterface":"ens3"}`,
		`{"name":"n","args":{"cni":{"vif":{"versioned_object.name":"VIFVlanNested","versioned_object.namespace":"os_vif","versioned_object.version":"1.0","versioned_object.data":{"id":"3f1a0b62-8b1e-4d54-a4b3-2d0b5e0e7c90","vlan_id":9999}}}}}`,
		`{"name":"n","bridge":"br-int","ipam":{"type":"x"},"prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.2/24"}]}}`,
		`[]`, `{`, `null`,
	} {
		f.Add([]byte(s))
	}
	args := &skel.CmdArgs{ContainerID: "c", IfName: "eth0", Netns: "/proc/self/ns/net", Args: "K8S_POD_UID=6f1b3b8e-6a3c-4f0a-9e55-2b1c0d1e2f30"}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			var ce *ConfigError
			var te *types.Error
			switch {
			case errors.As(err, &ce):
				if ce.Field == "" {
					t.Fatalf("ConfigError without a field: %v", err)
				}
			case errors.As(err, &te):
				if te.Code != types.ErrDecodingFailure {
					t.Fatalf("unexpected code %d: %v", te.Code, err)
				}
			default:
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		if _, err := newAttachment(c, args); err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Field == "" {
				t.Fatalf("attachment error %T: %v", err, err)
			}
		}
	})
}
