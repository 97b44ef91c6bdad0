// Command govif-plugin-example is an example external govif VIF plugin, built on plugin/sdk.
// Install it as <plugin_dir>/govif-plugin-example and VIFs with plugin "example" are routed to
// it by govif, with no recompilation of govif.
//
// It handles VIFGeneric 1.0 and keeps a record of plugged VIFs: plug writes
// <state_dir>/<vif id>.json (the VIF's id, device name and instance), unplug removes it. Both
// are idempotent, as a plugin's must be. Configuration, in nova.conf:
//
//	[os_vif_example]
//	state_dir = /run/govif-example   # default
//
// A real plugin would create devices here (through netlink, never a shell).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/govif/govif/objects"
	"github.com/govif/govif/plugin"
	"github.com/govif/govif/plugin/sdk"
)

// Name is the plugin name: the file must be called govif-plugin-example.
const Name = "example"

func main() { sdk.Serve(Name, New) }

// Example is the plugin.
type Example struct {
	stateDir string
	logger   *slog.Logger
}

// New reads [os_vif_example] and builds the plugin. The same function could be registered as a
// built-in with plugin.Register(Name, New).
func New(env plugin.Env) (plugin.Plugin, error) {
	dir := env.Section().String("state_dir", "/run/govif-example")
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("[%s] state_dir: must be an absolute path, got %q", plugin.SectionName(env.Name), dir)
	}
	return &Example{stateDir: dir, logger: env.Logger}, nil
}

// Describe advertises VIFGeneric 1.0 without port profiles.
func (e *Example) Describe() *objects.HostPluginInfo {
	return plugin.Describe(Name, plugin.SupportedVIF("VIFGeneric", "1.0", "1.0"))
}

// record is what plug writes for a VIF.
type record struct {
	VIFID    string `json:"vif_id"`
	VIFName  string `json:"vif_name"`
	Instance string `json:"instance_uuid,omitempty"`
}

func (e *Example) path(vif objects.VIF) (string, error) {
	id := vif.Base().ID.Value()
	if id == "" || strings.ContainsAny(id, `/\`) || id == "." || id == ".." {
		return "", fmt.Errorf("VIF id %q cannot name a state file", id)
	}
	return filepath.Join(e.stateDir, id+".json"), nil
}

// Plug records the VIF.
func (e *Example) Plug(ctx context.Context, vif objects.VIF, inst *objects.InstanceInfo) error {
	g, ok := vif.(*objects.VIFGeneric)
	if !ok {
		return fmt.Errorf("%s: %w", vif.ObjName(), plugin.ErrUnsupportedVIFType)
	}
	p, err := e.path(vif)
	if err != nil {
		return err
	}
	rec := record{VIFID: g.ID.Value(), VIFName: g.VIFName.Value()}
	if inst != nil {
		rec.Instance = inst.UUID.Value()
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(e.stateDir, 0o755); err != nil {
		return err
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	e.logger.InfoContext(ctx, "plugged", "vif_id", rec.VIFID, "vif_name", rec.VIFName)
	return os.Rename(tmp, p)
}

// Unplug forgets the VIF; a VIF never plugged is already unplugged.
func (e *Example) Unplug(ctx context.Context, vif objects.VIF, _ *objects.InstanceInfo) error {
	if _, ok := vif.(*objects.VIFGeneric); !ok {
		return fmt.Errorf("%s: %w", vif.ObjName(), plugin.ErrUnsupportedVIFType)
	}
	p, err := e.path(vif)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	e.logger.InfoContext(ctx, "unplugged", "vif_id", vif.Base().ID.Value())
	return nil
}
