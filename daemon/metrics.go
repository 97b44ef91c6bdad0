package daemon

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inFlight prometheus.Gauge
	running  prometheus.Gauge
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
	reg.MustRegister(m.requests, m.latency, m.inFlight, m.running)
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
