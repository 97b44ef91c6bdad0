package python

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/govif/govif/internal/testenv"
)

// BenchmarkNovaPlug times Nova 26's LibvirtGenericVIFDriver.plug and .unplug, per VIF, for the
// VIFs of novaVIFs: through the os-vif-govif bridge and the daemon, and through os-vif's own
// plugins (privsep in-process, ovsdbapp native), on the SAME OVS sandbox in the same run. The
// two sides alternate, GOVIF_NOVA_PASSES times (default 3); each pass is one Python process
// plugging and unplugging every VIF GOVIF_NOVA_ROUNDS times (default 5). The times are taken
// inside the Python process around each driver call (what nova-compute waits for), so
// interpreter start and os_vif.initialize() are excluded on both sides. Run it with
// scripts/bench-nova.sh; it is not a timed test.
func BenchmarkNovaPlug(b *testing.B) {
	testenv.RequireRoot(b)
	py := testenv.RequirePythonModules(b, "os_vif", "nova.virt.libvirt.vif", "vif_plug_ovs", "vif_plug_linux_bridge", "ovsdbapp", "pip", "setuptools")
	testenv.RequireBinary(b, "iptables", "iptables")
	passes, rounds := envInt("GOVIF_NOVA_PASSES", 3), envInt("GOVIF_NOVA_ROUNDS", 5)
	pkg := installBridge(b, py)
	o := testenv.StartOVS(b, testenv.OVSOptions{VSwitchd: true})
	d := startDaemon(b, o, o.Dir())
	vifs := novaVIFs(o.Dir())
	conf := novaConf(b, o, d.sock)

	type side struct {
		name, order  string
		plug, unplug map[string][]float64 // VIF name → seconds
	}
	sides := []*side{{name: "os-vif", order: noBridge}, {name: "govif", order: bridgeFirst}}
	for _, s := range sides {
		s.plug, s.unplug = map[string][]float64{}, map[string][]float64{}
	}
	b.ResetTimer()
	for range b.N {
		for range passes {
			for _, s := range sides {
				out := runNova(b, py, o, novaCase{NovaConf: conf, Ops: plugOps(vifs, "plug"),
					Bench: map[string]any{"rounds": rounds}}, pkg, s.order)
				if len(out.Results) > 0 || out.Bench == nil {
					b.Fatalf("%s: %+v", s.name, out.Results)
				}
				for i, secs := range out.Bench.Plug {
					s.plug[vifs[i%len(vifs)].name] = append(s.plug[vifs[i%len(vifs)].name], secs)
				}
				for i, secs := range out.Bench.Unplug {
					s.unplug[vifs[i%len(vifs)].name] = append(s.unplug[vifs[i%len(vifs)].name], secs)
				}
			}
		}
	}
	b.StopTimer()
	ops := d.ops(b)
	if want := b.N * passes * rounds * len(vifs); ops["plug ovs ok"]+ops["plug linux_bridge ok"]+ops["plug noop ok"] != want {
		b.Fatalf("the daemon counted %v plugs, want %d in all: the bridge did not reach it", ops, want)
	}

	ms := func(v []float64) float64 { return median(v) * 1000 }
	fmt.Printf("Nova LibvirtGenericVIFDriver, median per VIF (%d samples each side), os-vif's own plugins vs govif bridge + daemon:\n", b.N*passes*rounds)
	fmt.Printf("  %-46s %9s %9s %7s | %9s %9s %7s\n", "VIF", "os-vif", "govif", "ratio", "os-vif", "govif", "ratio")
	fmt.Printf("  %-46s %9s %9s %7s | %9s %9s %7s\n", "", "plug ms", "plug ms", "", "unplug", "unplug", "")
	var pyTotal, goTotal, pyPlug, goPlug float64
	for _, v := range vifs {
		pp, gp := ms(sides[0].plug[v.name]), ms(sides[1].plug[v.name])
		pu, gu := ms(sides[0].unplug[v.name]), ms(sides[1].unplug[v.name])
		pyTotal, goTotal, pyPlug, goPlug = pyTotal+pp+pu, goTotal+gp+gu, pyPlug+pp, goPlug+gp
		fmt.Printf("  %-46s %9.2f %9.2f %6.1fx | %9.2f %9.2f %6.1fx\n", v.name, pp, gp, pp/gp, pu, gu, pu/gu)
	}
	fmt.Printf("  all %d VIFs plug: os-vif %.1f ms, govif %.1f ms: %.2fx\n", len(vifs), pyPlug, goPlug, pyPlug/goPlug)
	fmt.Printf("  all %d VIFs plug+unplug: os-vif %.1f ms, govif %.1f ms: %.2fx\n", len(vifs), pyTotal, goTotal, pyTotal/goTotal)
	b.ReportMetric(pyTotal/goTotal, "x-faster")
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
