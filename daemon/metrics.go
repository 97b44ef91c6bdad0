package daemon

import (
	"time"

	"github.com/govif/govif/ops"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inFlight prometheus.Gauge
	running  prometheus.Gauge

	driftFound    *prometheus.CounterVec
	driftRepaired *prometheus.CounterVec
	replugFailed  *prometheus.CounterVec
	gcStale       *prometheus.CounterVec
	gcRemoved     *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "govif", Name: "vif_operations_total",
			Help: "Plug and unplug requests by operation, plugin, VIF type and outcome (ok or an error code).",
		}, []string{"op", "plugin", "vif_type", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "govif", Name: "vif_operation_duration_seconds",
			Help:    "Time to serve a plug or unplug request, including the wait for the VIF's lock.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 120},
		}, []string{"op", "plugin", "vif_type"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "govif", Name: "requests_in_flight",
			Help: "API requests being served.",
		}),
		running: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "govif", Name: "operations_running",
			Help: "Plugs and unplugs the host is running, including those already answered at their deadline.",
		}),
	}
	m.driftFound = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "govif", Name: "drift_found_total",
		Help: "Drift items found by check and replug (before plugging), by plugin.",
	}, []string{"plugin"})
	m.driftRepaired = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "govif", Name: "drift_repaired_total",
		Help: "Drift items replug repaired (gone when checked after the plug), by plugin.",
	}, []string{"plugin"})
	m.replugFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "govif", Name: "replug_failed_total",
		Help: "VIFs replug could not plug, or left with drift, by plugin.",
	}, []string{"plugin"})
	m.gcStale = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "govif", Name: "gc_stale_objects_total",
		Help: "Stale plumbing objects gc found, by kind (device, ovs-port, ovs-bridge, qos).",
	}, []string{"kind"})
	m.gcRemoved = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "govif", Name: "gc_removed_objects_total",
		Help: "Stale plumbing objects gc removed, by kind.",
	}, []string{"kind"})
	reg.MustRegister(m.requests, m.latency, m.inFlight, m.running, m.driftFound, m.driftRepaired, m.replugFailed, m.gcStale, m.gcRemoved)
	return m
}

func (m *metrics) observe(op, plugin, vifType, outcome string, d time.Duration) {
	m.requests.WithLabelValues(op, plugin, vifType, outcome).Inc()
	m.latency.WithLabelValues(op, plugin, vifType).Observe(d.Seconds())
}

// pluginLabel is the plugin label of a request's metrics. A plugin name the host does not have
// comes from the caller, so it is counted as "unknown": callers cannot grow the label set.
func pluginLabel(code, plugin string) string {
	if code == CodeNoMatchingPlugin {
		return "unknown"
	}
	return plugin
}

func (m *metrics) observeCheck(r *ops.CheckResult) {
	for _, v := range r.VIFs {
		if len(v.Drift) > 0 {
			m.driftFound.WithLabelValues(v.Plugin).Add(float64(len(v.Drift)))
		}
	}
}

func (m *metrics) observeReplug(r *ops.ReplugResult) {
	for _, v := range r.VIFs {
		if len(v.Before) > 0 {
			m.driftFound.WithLabelValues(v.Plugin).Add(float64(len(v.Before)))
		}
		switch v.Status {
		case ops.StatusRepaired:
			m.driftRepaired.WithLabelValues(v.Plugin).Add(float64(len(v.Before)))
		case ops.StatusFailed:
			m.replugFailed.WithLabelValues(v.Plugin).Inc()
		}
	}
}

func (m *metrics) observeGC(r *ops.GCResult) {
	for _, s := range r.Stale {
		m.gcStale.WithLabelValues(s.Kind).Inc()
		if r.Removed {
			m.gcRemoved.WithLabelValues(s.Kind).Inc()
		}
	}
}
