"""Record HostInfo primitives from Debian's python3-os-vif 3.0.0 for the negotiation tests.

Usage: PYTHONHASHSEED=0 /usr/bin/python3 gen_hostinfo.py OUTDIR
"""
import json
import os
import sys
import warnings

warnings.simplefilter('ignore')

import os_vif  # noqa: E402


def sort_changes(prim):
    if isinstance(prim, dict):
        for k, v in prim.items():
            if k == 'versioned_object.changes':
                v.sort()
            else:
                sort_changes(v)
    elif isinstance(prim, list):
        for v in prim:
            sort_changes(v)
    return prim


def dump(out, name, prim):
    with open(os.path.join(out, name), 'w') as f:
        json.dump(sort_changes(prim), f, indent=1, sort_keys=True)
        f.write('\n')


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    os_vif.initialize()
    # What a compute host running os-vif 3.0.0 advertises (plugins linux_bridge, noop, ovs).
    dump(out, 'os-vif-3.0.0.json', os_vif.host_info().obj_to_primitive())
    # The same at HostVIFInfo 1.0: no supported_port_profiles lists.
    dump(out, 'os-vif-3.0.0-hostvifinfo-1.0.json', os_vif.host_info().obj_to_primitive(
        target_version='1.0', version_manifest={'HostPluginInfo': '1.0', 'HostVIFInfo': '1.0'}))
    # Only VIFOpenVSwitch permitted.
    dump(out, 'os-vif-3.0.0-ovs-only.json',
         os_vif.host_info(permitted_vif_type_names=['VIFOpenVSwitch']).obj_to_primitive())


if __name__ == '__main__':
    main()
