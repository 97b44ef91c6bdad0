#!/usr/bin/python3
"""Times add-port + del-port through ovsdbapp (python-ovs IDL), as os-vif's native driver does.

Usage: ovsdbapp_bench.py ENDPOINT BRIDGE PORT MODE
MODE "wait": ovsdbapp's vsctl-style transaction (bump next_cfg, wait for ovs-vswitchd's cur_cfg),
what os-vif uses. MODE "nowait": the plain IDL transaction (commit only). MODE "bulkN": N patch
ports added in one waiting transaction, then deleted in another.
It prints "ready" once connected and synced (as a long-running nova-compute would be), then for
every line read from stdin does one add+del and prints "[add_seconds, del_seconds]", so the
caller can interleave it with the other clients.
"""
import json
import sys
import time

from ovsdbapp.backend.ovs_idl import connection, transaction
from ovsdbapp.schema.open_vswitch import impl_idl


class NoWaitTransaction(impl_idl.OvsVsctlTransaction):
    """The vsctl-style transaction without the next_cfg bump and the wait for vswitchd."""

    def pre_commit(self, txn):
        txn.expected_ifaces = set()

    def post_commit(self, txn):
        transaction.Transaction.post_commit(self, txn)


class NoWaitIdl(impl_idl.OvsdbIdl):
    def create_transaction(self, check_error=False, log_errors=True, **kwargs):
        return NoWaitTransaction(self, self.ovsdb_connection,
                                 check_error=check_error, log_errors=log_errors)


def main():
    endpoint, bridge, port, mode = sys.argv[1:5]
    idl = connection.OvsdbIdl.from_server(endpoint, 'Open_vSwitch')
    conn = connection.Connection(idl=idl, timeout=60)
    cls = NoWaitIdl if mode == "nowait" else impl_idl.OvsdbIdl
    api = cls(conn)
    ids = {"iface-id": "0bd2e7fa-3bd4-4bd8-b1b1-3e5d6b5b6d43", "iface-status": "active",
           "attached-mac": "fa:16:3e:00:00:01", "vm-uuid": "8f6f7a3c-1111-4222-8333-444455556666"}
    api.list_br().execute(check_error=True)  # starts the connection thread and syncs the IDL
    print("ready", flush=True)
    if mode.startswith("bulk"):  # "bulkN": N patch ports in one transaction, then deleted in one
        n = int(mode[4:])
        names = ["bulk%04d" % i for i in range(n)]
        for _ in sys.stdin:
            t0 = time.perf_counter()
            with api.transaction(check_error=True) as txn:
                for i, name in enumerate(names):
                    txn.add(api.add_port(bridge, name, may_exist=True))
                    txn.add(api.db_set('Interface', name, ('type', 'patch'),
                                       ('options', {'peer': names[i ^ 1]}), ('external_ids', ids)))
            t1 = time.perf_counter()
            with api.transaction(check_error=True) as txn:
                for name in names:
                    txn.add(api.del_port(name, bridge=bridge, if_exists=True))
            t2 = time.perf_counter()
            print(json.dumps([t1 - t0, t2 - t1]), flush=True)
        conn.stop()
        return
    for _ in sys.stdin:
        t0 = time.perf_counter()
        with api.transaction(check_error=True) as txn:
            txn.add(api.add_port(bridge, port, may_exist=True))
            txn.add(api.db_set('Interface', port, ('external_ids', ids)))
        t1 = time.perf_counter()
        api.del_port(port, bridge=bridge, if_exists=True).execute(check_error=True)
        t2 = time.perf_counter()
        print(json.dumps([t1 - t0, t2 - t1]), flush=True)
    conn.stop()


if __name__ == "__main__":
    main()
