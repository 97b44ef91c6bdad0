package vswitch

import (
	"context"
	"fmt"

	"github.com/govif/govif/ovsdb"
)

// bumpNextCfg increments Open_vSwitch.next_cfg and reads it back (the last result).
func bumpNextCfg() []ovsdb.Operation {
	return []ovsdb.Operation{
		ovsdb.Mutate("Open_vSwitch", nil, ovsdb.Mutation{Column: "next_cfg", Mutator: "+=", Value: 1}),
		ovsdb.Select("Open_vSwitch", nil, "next_cfg"),
	}
}

// WaitApplied bumps Open_vSwitch.next_cfg and waits until ovs-vswitchd reports it applied the
// configuration (cur_cfg >= next_cfg), like ovs-vsctl without --no-wait. Without a running
// ovs-vswitchd it waits until ctx ends.
func (v *VSwitch) WaitApplied(ctx context.Context) error {
	res, err := v.transact(ctx, bumpNextCfg()...)
	if err != nil {
		return fmt.Errorf("vswitch: bump next_cfg: %w", err)
	}
	return v.waitCfg(ctx, res[len(res)-1])
}

// waitCfg waits until cur_cfg reaches the next_cfg in sel (the reply of bumpNextCfg's select).
func (v *VSwitch) waitCfg(ctx context.Context, sel ovsdb.OperationResult) error {
	if len(sel.Rows) == 0 {
		return fmt.Errorf("vswitch: no Open_vSwitch row (database not initialised)")
	}
	next, _, err := sel.Rows[0].Int("next_cfg")
	if err != nil {
		return err
	}
	err = v.c.WaitFor(ctx, DB, "Open_vSwitch", nil, []string{"cur_cfg"}, func(rows []ovsdb.Row) (bool, error) {
		if len(rows) == 0 {
			return false, nil
		}
		cur, _, err := rows[0].Int("cur_cfg")
		return cur >= next, err
	})
	if err != nil {
		return fmt.Errorf("vswitch: wait for ovs-vswitchd to apply next_cfg %d: %w", next, err)
	}
	return nil
}
