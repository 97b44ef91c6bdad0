package python

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/govif/govif/internal/testenv"
)

// TestPrecedenceKeepGovif checks vif_plug_govif.precedence.keep_govif and its hook on
// stevedore's ExtensionManager with stevedore's own Extension and EntryPoint objects, in both
// orders: for the names govif provides only govif's extension stays (once, even if it is
// installed twice), vendor plugins and other namespaces are untouched.
func TestPrecedenceKeepGovif(t *testing.T) {
	py := testenv.RequirePythonModules(t, "stevedore", "os_vif")
	script := `
import sys
sys.path.insert(0, sys.argv[1])
from importlib.metadata import EntryPoint
from stevedore import extension
from vif_plug_govif import precedence

def ext(name, value):
    return extension.Extension(name, EntryPoint(name, value, "os_vif"), None, None)

osvif = [ext("ovs", "vif_plug_ovs.ovs:OvsPlugin"), ext("linux_bridge", "vif_plug_linux_bridge.linux_bridge:LinuxBridgePlugin"),
         ext("noop", "vif_plug_noop.noop:NoOpPlugin"), ext("vrouter", "vif_plug_vrouter.vrouter:VrouterPlugin")]
ours = [ext("ovs", "vif_plug_govif.plugin:OvsPlugin"), ext("linux_bridge", "vif_plug_govif.plugin:LinuxBridgePlugin"),
        ext("noop", "vif_plug_govif.plugin:NoopPlugin")]
for label, exts in (("ours-first", ours + osvif), ("ours-last", osvif + ours), ("twice", ours + osvif + ours)):
    kept, dropped = precedence.keep_govif(exts)
    print(label, sorted("%s=%s" % (e.name, e.entry_point.value) for e in kept), len(dropped))

precedence.install()
precedence.install()  # idempotent: wrapped once
assert extension.ExtensionManager._init_plugins.__wrapped__.__name__ == "_init_plugins"
assert not hasattr(extension.ExtensionManager._init_plugins.__wrapped__, "__wrapped__")
m = extension.ExtensionManager.make_test_instance(osvif + ours, namespace="os_vif")
print("os_vif", sorted(m.names()), m["ovs"].entry_point.value)
m = extension.ExtensionManager.make_test_instance(osvif + ours, namespace="other")
print("other", len(m.names()))
`
	cmd := exec.Command(py, "-c", script, repoFile("python"))
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1") // nothing written into the repo
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	kept := "['linux_bridge=vif_plug_govif.plugin:LinuxBridgePlugin', 'noop=vif_plug_govif.plugin:NoopPlugin', " +
		"'ovs=vif_plug_govif.plugin:OvsPlugin', 'vrouter=vif_plug_vrouter.vrouter:VrouterPlugin']"
	want := []string{
		"ours-first " + kept + " 3",
		"ours-last " + kept + " 3",
		"twice " + kept + " 6",
		"os_vif ['linux_bridge', 'noop', 'ovs', 'vrouter'] vif_plug_govif.plugin:OvsPlugin",
		"other 7",
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
