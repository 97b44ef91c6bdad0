package govif

import (
	"context"
	"time"

	"github.com/govif/govif/objects"
)

// Admit runs the checks Plug or Unplug (op "plug" or "unplug") runs before any plugin: the
// VIF and instance are validated, the values OVSDB and the kernel cannot take are refused, the
// admission policy (WithPolicy) applies and the VIF's plugin must be loaded. It returns the
// error Plug or Unplug would return for them, and changes nothing. Layers above the Host that
// add checks of their own (ops: the inventory's records) call it first, so that a VIF the
// policy refuses is refused for the policy's reason. A refusal ends the operation, so it is
// logged as the operation's one line (outcome "rejected"), as Plug and Unplug log theirs.
func (h *Host) Admit(op string, vif objects.VIF, inst *objects.InstanceInfo) error {
	start := time.Now()
	_, name, err := h.route(op, vif, inst)
	if err != nil {
		h.logOp(context.Background(), op, vif, inst, name, start, "rejected", err)
	}
	return err
}
