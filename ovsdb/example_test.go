package ovsdb_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/govif/govif/ovsdb"
)

// Create a QoS row only if no port named tap1 exists, in one guarded transaction.
func ExampleClient_Transact() {
	ctx := context.Background()
	c, err := ovsdb.Dial(ctx, "unix:/run/openvswitch/db.sock")
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	res, err := c.Transact(ctx, "Open_vSwitch",
		ovsdb.Wait("Port", []ovsdb.Condition{ovsdb.Equal("name", "tap1")}, []string{"_uuid"}, "==", nil, 0),
		ovsdb.Insert("QoS", map[string]any{"type": "linux-noop", "external_ids": ovsdb.Map{"id": "tap1"}}, "row1"))
	switch {
	case errors.Is(err, ovsdb.ErrTimedOut):
		fmt.Println("tap1 exists")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("QoS row", res[1].UUID)
	}
}
