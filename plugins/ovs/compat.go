package ovs

import (
	"context"
	"sync"
	"time"

	"github.com/govif/govif/vswitch"
)

// VSwitchSwitch adapts an open *vswitch.VSwitch to Switch through a vswitch.Writer made on
// first use (the batching and the bridge memory live in vswitch). It is kept for callers that
// hold a *vswitch.VSwitch (the demo, tests); new code passes vswitch.NewWriter(v, opts) to New.
type VSwitchSwitch struct {
	V *vswitch.VSwitch
	// WaitApplied is vswitch.WriterOptions.WaitApplied.
	WaitApplied bool
	// Timeout is vswitch.WriterOptions.Timeout.
	Timeout time.Duration

	once sync.Once
	w    *vswitch.Writer
}

var _ Switch = (*VSwitchSwitch)(nil)

// Writer returns the Writer s works through.
func (s *VSwitchSwitch) Writer() *vswitch.Writer {
	s.once.Do(func() {
		s.w = vswitch.NewWriter(s.V, vswitch.WriterOptions{WaitApplied: s.WaitApplied, Timeout: s.Timeout})
	})
	return s.w
}

// VSwitch returns V (for the plugin's read-only Check).
func (s *VSwitchSwitch) VSwitch(context.Context) (*vswitch.VSwitch, error) { return s.V, nil }

// EnsureBridge implements Switch.
func (s *VSwitchSwitch) EnsureBridge(ctx context.Context, b vswitch.BridgeSpec) (bool, error) {
	return s.Writer().EnsureBridge(ctx, b)
}

// KnowsBridge implements Switch.
func (s *VSwitchSwitch) KnowsBridge(b vswitch.BridgeSpec) bool { return s.Writer().KnowsBridge(b) }

// AddPortToKnownBridge implements Switch.
func (s *VSwitchSwitch) AddPortToKnownBridge(ctx context.Context, b vswitch.BridgeSpec, wait vswitch.Wait, p vswitch.PortSpec) (bool, bool, error) {
	return s.Writer().AddPortToKnownBridge(ctx, b, wait, p)
}

// PortExists implements Switch.
func (s *VSwitchSwitch) PortExists(ctx context.Context, port string) (bool, error) {
	return s.Writer().PortExists(ctx, port)
}

// AddPorts implements Switch.
func (s *VSwitchSwitch) AddPorts(ctx context.Context, wait vswitch.Wait, ports ...vswitch.PortSpec) ([]string, error) {
	return s.Writer().AddPorts(ctx, wait, ports...)
}

// DelPort implements Switch.
func (s *VSwitchSwitch) DelPort(ctx context.Context, bridge, port string) error {
	return s.Writer().DelPort(ctx, bridge, port)
}

// DelPortIfOwned implements Switch.
func (s *VSwitchSwitch) DelPortIfOwned(ctx context.Context, bridge, port string, ids map[string]string) error {
	return s.Writer().DelPortIfOwned(ctx, bridge, port, ids)
}

// DelBridge implements Switch.
func (s *VSwitchSwitch) DelBridge(ctx context.Context, name string) error {
	return s.Writer().DelBridge(ctx, name)
}

// Sync implements Switch.
func (s *VSwitchSwitch) Sync(ctx context.Context) error { return s.Writer().Sync(ctx) }

// InterfaceError implements Switch.
func (s *VSwitchSwitch) InterfaceError(ctx context.Context, name string) (string, error) {
	return s.Writer().InterfaceError(ctx, name)
}
