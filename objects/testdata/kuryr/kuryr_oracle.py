"""Oracle for govif's kuryr-kubernetes classes (objects/kuryr.go).

kuryr-kubernetes is not packaged in Debian; this script re-declares its three VIF classes
exactly as kuryr_kubernetes/objects/vif.py does (same bases, VERSION and fields), on Debian's
os-vif 3.0.0 and oslo.versionedobjects, and prints the primitives Python produces for a set of
cases (stdout, JSON). With a primitive file as argv[1] it instead decodes every primitive and
prints what Python re-encodes (round trip), or the exception class name.

    /usr/bin/python3 kuryr_oracle.py > golden.json
"""
import json
import sys

from oslo_versionedobjects import base as obj_base
from oslo_versionedobjects import fields as obj_fields
from os_vif import objects as osv_objects
from os_vif.objects import vif as obj_osvif

osv_objects.register_all()


# --- kuryr_kubernetes/objects/vif.py (verbatim class bodies) ---
@obj_base.VersionedObjectRegistry.register
class VIFVlanNested(obj_osvif.VIFBase):
    # This is OVO based vlan vif.

    VERSION = '1.0'

    fields = {
        # Name of the device to create
        'vif_name': obj_fields.StringField(),
        # vlan ID allocated to this vif
        'vlan_id': obj_fields.IntegerField()
    }


@obj_base.VersionedObjectRegistry.register
class VIFMacvlanNested(obj_osvif.VIFBase):
    # This is OVO based macvlan vif.

    VERSION = '1.0'

    fields = {
        # Name of the device to create
        'vif_name': obj_fields.StringField(),
    }


@obj_base.VersionedObjectRegistry.register
class VIFSriov(obj_osvif.VIFDirect):
    # This is OVO based SRIOV vif.
    # Version 1.0: Initial version
    # Version 1.1: Added pod_name field and pod_link field.
    VERSION = '1.1'

    fields = {
        # physnet of the VIF
        'physnet': obj_fields.StringField(),
        'pod_name': obj_fields.StringField(),
        'pod_link': obj_fields.StringField(),
    }


@obj_base.VersionedObjectRegistry.register
class VIFDPDKNested(obj_osvif.VIFNestedDPDK):
    # This is OVO based DPDK Nested vif.

    VERSION = '1.0'

    fields = {
        # name of the VIF
        'vif_name': obj_fields.StringField(),
    }
# --- end of kuryr's definitions (VIFSriov: from kuryr before commit 04d44396, "Remove SR-IOV
# support", 2022) ---


def network():
    from os_vif.objects import network as n, subnet as s, fixed_ip as f, route as r
    return n.Network(
        id='a6b1cd7e-2b4f-4b5e-9a71-6f2c9e0c1d11', bridge='br-int', mtu=1450,
        subnets=s.SubnetList(objects=[s.Subnet(
            cidr='10.0.0.0/24', gateway='10.0.0.1', dns=['10.0.0.2'],
            ips=f.FixedIPList(objects=[f.FixedIP(address='10.0.0.5')]),
            routes=r.RouteList(objects=[]))]))


def cases():
    vid = '3f1a0b62-8b1e-4d54-a4b3-2d0b5e0e7c90'
    return [
        ('vlan_full', VIFVlanNested(id=vid, address='fa:16:3e:12:34:56', network=network(),
                                    plugin='noop', active=True, preserve_on_delete=False,
                                    has_traffic_filtering=False, vif_name='tap3f1a0b62-8b',
                                    vlan_id=101)),
        ('vlan_min', VIFVlanNested(id=vid, vlan_id=4094)),
        ('macvlan_full', VIFMacvlanNested(id=vid, address='fa:16:3e:ab:cd:ef', network=network(),
                                          plugin='noop', active=False, vif_name='eth0')),
        ('macvlan_min', VIFMacvlanNested(id=vid, vif_name='tap3f1a0b62-8b')),
        ('sriov_full', VIFSriov(id=vid, address='fa:16:3e:00:00:02', plugin='sriov',
                                vif_name='tap3f1a0b62-8b', dev_address='0000:05:00.1',
                                mode='passthrough', vlan_name='', physnet='physnet1',
                                pod_name='pod-a', pod_link='/api/v1/namespaces/default/pods/pod-a')),
        ('dpdk_full', VIFDPDKNested(id=vid, address='fa:16:3e:00:00:01', plugin='noop',
                                    pci_address='0000:00:05.0', dev_driver='vfio-pci',
                                    vif_name='tap3f1a0b62-8b')),
    ]


def main():
    if len(sys.argv) > 1:
        out = []
        for prim in json.load(open(sys.argv[1])):
            try:
                o = obj_osvif.VIFBase.obj_from_primitive(prim)
                out.append({'output': o.obj_to_primitive()})
            except Exception as e:  # noqa: BLE001 - the class name is the answer
                out.append({'error': type(e).__name__})
        json.dump(out, sys.stdout, indent=1, sort_keys=True)
        return
    out = [{'name': n, 'primitive': o.obj_to_primitive()} for n, o in cases()]
    # VIFSriov backported to 1.0: kuryr defines no obj_make_compatible, so oslo keeps the 1.1
    # fields.
    sriov = [o for n, o in cases() if n == 'sriov_full'][0]
    out.append({'name': 'sriov_full_as_1.0', 'primitive': sriov.obj_to_primitive(target_version='1.0')})
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
