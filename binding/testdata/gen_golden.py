"""Generate the binding golden corpus from Debian's python3-nova (26.x) and python3-os-vif 3.0.0.

For every case this runs the real Nova code:

* Neutron cases: ``nova.network.neutron.API._build_vif_model`` with a fake Neutron client that serves the
  port's subnets, network, DHCP ports and floating IPs from the case (nothing else is faked), then
  ``NetworkInfo.hydrate`` as ``_get_instance_nw_info`` does, then ``os_vif_util.nova_to_osvif_vif``.
* Instance cases: ``os_vif_util.nova_to_osvif_instance`` of a ``nova.objects.Instance`` (uuid, id, project_id).
* Nova cases: a hand-written network_info VIF (the JSON Nova keeps in its info cache), through
  ``NetworkInfo.hydrate`` and ``nova_to_osvif_vif``.

Each case is written to OUTDIR/<name>.json with the inputs, the hydrated network_info VIF, and the result:
``{"osvif": <primitive>}``, ``{"none": true}`` (Nova falls back to its legacy path) or
``{"error": {"type": <exception class>, "message": <text>}}``. ``versioned_object.changes`` lists are
sorted; their order carries no meaning.

Usage: PYTHONHASHSEED=0 /usr/bin/python3 gen_golden.py OUTDIR
"""
import copy
import json
import os
import sys
import warnings
from unittest import mock

warnings.simplefilter('ignore')

import nova.conf  # noqa: E402
import os_vif.objects  # noqa: E402
from nova import objects as nova_objects  # noqa: E402
from nova.network import model  # noqa: E402
from nova.network import neutron  # noqa: E402
from nova.network import os_vif_util  # noqa: E402
from oslo_serialization import jsonutils  # noqa: E402

CONF = nova.conf.CONF
os_vif.objects.register_all()
nova_objects.register_all()

PORT_ID = 'a1b2c3d4-1111-4222-8333-444455556666'
NET_ID = '0f6c1e2a-9d3b-4c55-8e77-1234567890ab'
TENANT = '3f1e2d4c5b6a49880123456789abcdef'
V4_SUBNET = '5e0c4d7a-0000-4000-8000-000000000004'
V6_SUBNET = '5e0c4d7a-0000-4000-8000-000000000006'
SOCK = '/var/run/openvswitch/vhua1b2c3d4-11'

NETWORK = {'id': NET_ID, 'name': 'private', 'tenant_id': TENANT, 'mtu': 1450,
           'provider:network_type': 'vxlan', 'provider:physical_network': None}

SUBNETS = [
    {'id': V4_SUBNET, 'network_id': NET_ID, 'cidr': '10.0.0.0/24', 'ip_version': 4,
     'gateway_ip': '10.0.0.1', 'enable_dhcp': True, 'dns_nameservers': ['8.8.8.8', '8.8.4.4'],
     'host_routes': [{'destination': '192.168.100.0/24', 'nexthop': '10.0.0.254'}]},
    {'id': V6_SUBNET, 'network_id': NET_ID, 'cidr': 'fd00:1::/64', 'ip_version': 6,
     'gateway_ip': 'fd00:1::1', 'enable_dhcp': True, 'ipv6_address_mode': 'slaac',
     'dns_nameservers': [], 'host_routes': []},
]

DHCP_PORTS = [
    {'id': 'dhcp-port', 'network_id': NET_ID, 'device_owner': 'network:dhcp',
     'fixed_ips': [{'subnet_id': V4_SUBNET, 'ip_address': '10.0.0.2'}]},
]

FLOATING_IPS = [
    {'id': 'fip-1', 'floating_ip_address': '203.0.113.10', 'fixed_ip_address': '10.0.0.5',
     'port_id': PORT_ID},
]


def port(vif_type, details=None, vnic_type='normal', profile=None, **kw):
    p = {
        'id': PORT_ID, 'network_id': NET_ID, 'tenant_id': TENANT,
        'mac_address': 'fa:16:3e:12:34:56', 'admin_state_up': True, 'status': 'ACTIVE',
        'device_owner': 'compute:nova', 'device_id': 'b7c1a9e0-1234-4c3d-9e8f-0a1b2c3d4e5f',
        'fixed_ips': [{'subnet_id': V4_SUBNET, 'ip_address': '10.0.0.5'},
                      {'subnet_id': V6_SUBNET, 'ip_address': 'fd00:1::f816:3eff:fe12:3456'}],
        'binding:vif_type': vif_type,
        'binding:vif_details': details if details is not None else {},
        'binding:vnic_type': vnic_type,
        'binding:profile': profile if profile is not None else {},
    }
    p.update(kw)
    return p


def neutron_case(name, p, network=NETWORK, subnets=SUBNETS, dhcp_ports=DHCP_PORTS,
                 floating_ips=FLOATING_IPS, preserve_on_delete=False, options=None):
    return {
        'name': name, 'kind': 'neutron',
        'neutron': {
            'port': p,
            'network': network,
            'subnets': subnets,
            'dhcp_ports': dhcp_ports,
            'floatingips': floating_ips,
            'preserve_on_delete': preserve_on_delete,
        },
        'options': options or {},
    }


OVS = {'port_filter': True, 'ovs_hybrid_plug': False, 'datapath_type': 'system',
       'bridge_name': 'br-int', 'connectivity': 'l2'}
HYBRID = dict(OVS, ovs_hybrid_plug=True)
PCI = {'pci_slot': '0000:3b:00.2', 'pci_vendor_info': '15b3:101e', 'physical_network': None}
VHU = {'vhostuser_mode': 'server', 'vhostuser_socket': SOCK, 'port_filter': False}


def neutron_cases():
    c = []
    add = c.append
    add(neutron_case('ovs-plain', port('ovs', OVS)))
    add(neutron_case('ovs-hybrid', port('ovs', HYBRID)))
    add(neutron_case('ovs-no-details', port('ovs', {})))
    add(neutron_case('ovs-netdev', port('ovs', dict(OVS, datapath_type='netdev'))))
    add(neutron_case('ovs-option-bridge', port('ovs', {'port_filter': True}),
                     options={'ovs_bridge': 'br-integration-long', 'flat_injected': True}))
    add(neutron_case('ovs-long-bridge-name', port('ovs', dict(OVS, bridge_name='br-tenant-0123456789'))))
    add(neutron_case('ovs-trunk-bridge', port('ovs', dict(OVS, bridge_name='tbr-7d2e1f3a-4'))))
    add(neutron_case('ovs-direct', port('ovs', OVS, vnic_type='direct', profile=PCI)))
    add(neutron_case('ovs-vdpa', port('ovs', OVS, vnic_type='vdpa', profile=PCI)))
    add(neutron_case('ovs-remote-managed', port('ovs', OVS, vnic_type='remote-managed',
                                                profile=dict(PCI, card_serial_number='MT0001'))))
    add(neutron_case('ovs-direct-no-pci-slot', port('ovs', OVS, vnic_type='direct', profile={})))
    add(neutron_case('ovs-direct-bad-pci-slot', port('ovs', OVS, vnic_type='direct',
                                                     profile={'pci_slot': '3b:00.2'})))
    add(neutron_case('ovs-direct-upper-pci-slot', port('ovs', OVS, vnic_type='direct',
                                                       profile={'pci_slot': '0000:3B:00.2'})))
    add(neutron_case('agilio-direct', port('agilio_ovs', OVS, vnic_type='direct', profile=PCI)))
    add(neutron_case('agilio-virtio-forwarder', port('agilio_ovs', dict(OVS, **VHU),
                                                     vnic_type='virtio-forwarder', profile=PCI)))
    add(neutron_case('agilio-normal', port('agilio_ovs', HYBRID)))
    add(neutron_case('vhostuser-ovs', port('vhostuser', dict(
        VHU, vhostuser_ovs_plug=True, datapath_type='netdev', bridge_name='br-int'))))
    add(neutron_case('vhostuser-ovs-client', port('vhostuser', {
        'vhostuser_ovs_plug': True, 'vhostuser_mode': 'client', 'vhostuser_socket': SOCK})))
    add(neutron_case('vhostuser-fp-ovs-hybrid', port('vhostuser', dict(
        VHU, vhostuser_fp_plug=True, vhostuser_ovs_plug=True, ovs_hybrid_plug=True,
        datapath_type='netdev'))))
    add(neutron_case('vhostuser-fp-ovs', port('vhostuser', dict(
        VHU, vhostuser_fp_plug=True, vhostuser_ovs_plug=True, ovs_hybrid_plug=False,
        bridge_name='br-fp'))))
    add(neutron_case('vhostuser-fp-bridge', port('vhostuser', dict(VHU, vhostuser_fp_plug=True))))
    add(neutron_case('vhostuser-vrouter', port('vhostuser', dict(VHU, vhostuser_vrouter_plug=True))))
    add(neutron_case('vhostuser-plain', port('vhostuser', VHU)))
    add(neutron_case('vhostuser-no-socket', port('vhostuser', {'vhostuser_ovs_plug': True})))
    add(neutron_case('vhostuser-bad-mode', port('vhostuser', dict(VHU, vhostuser_mode='both'))))
    add(neutron_case('bridge', port('bridge', {'port_filter': True, 'connectivity': 'l2'})))
    add(neutron_case('bridge-named', port('bridge', {'bridge_name': 'brq-custom'})))
    add(neutron_case('ivs-hybrid', port('ivs', {'ovs_hybrid_plug': True, 'port_filter': True})))
    add(neutron_case('ivs', port('ivs', {})))
    add(neutron_case('vrouter', port('vrouter', {})))
    add(neutron_case('vrouter-direct', port('vrouter', {}, vnic_type='direct', profile=PCI)))
    add(neutron_case('vrouter-virtio-forwarder', port('vrouter', VHU, vnic_type='virtio-forwarder',
                                                      profile=PCI)))
    add(neutron_case('vrouter-macvtap', port('vrouter', {}, vnic_type='macvtap', profile=PCI)))
    for t in ('dvs', 'iovisor', '802.1qbg', '802.1qbh', 'hw_veb', 'hostdev_physical', 'ib_hostdev',
              'midonet', 'tap', 'macvtap', 'binding_failed', 'unbound'):
        add(neutron_case('legacy-' + t, port(t, {})))
    for t in ('hyperv', 'other', 'vif', 'weird'):
        add(neutron_case('unsupported-' + t, port(t, {})))
    add(neutron_case('no-fixed-ips', port('ovs', OVS, fixed_ips=[]), floating_ips=[]))
    add(neutron_case('admin-down', port('ovs', OVS, admin_state_up=False, status='DOWN')))
    add(neutron_case('status-down', port('ovs', OVS, status='DOWN')))
    add(neutron_case('preexisting', port('ovs', OVS), preserve_on_delete=True))
    add(neutron_case('network-no-mtu', port('ovs', OVS), network=dict(NETWORK, mtu=None)))
    add(neutron_case('network-not-listed', port('ovs', OVS), network=None))
    add(neutron_case('ipv6-only-uppercase', port(
        'ovs', OVS, mac_address='FA:16:3E:AB:CD:EF',
        fixed_ips=[{'subnet_id': V6_SUBNET, 'ip_address': 'FD00:1:0:0::AB'}]),
        subnets=[dict(SUBNETS[1], cidr='FD00:1::/64', gateway_ip='FD00:1::1',
                      dns_nameservers=['2001:4860:4860::8888'],
                      host_routes=[{'destination': '::/0', 'nexthop': 'FD00:1::FFFF'}])],
        floating_ips=[]))
    add(neutron_case('subnet-no-gateway', port('ovs', OVS), subnets=[
        dict(SUBNETS[0], gateway_ip=None, enable_dhcp=False), SUBNETS[1]], dhcp_ports=[]))
    add(neutron_case('multi-ips', port('ovs', OVS, fixed_ips=[
        {'subnet_id': V4_SUBNET, 'ip_address': '10.0.0.5'},
        {'subnet_id': V4_SUBNET, 'ip_address': '10.0.0.6'},
        {'subnet_id': V6_SUBNET, 'ip_address': 'fd00:1::5'}]), floating_ips=[
        {'id': 'f1', 'floating_ip_address': '203.0.113.10', 'fixed_ip_address': '10.0.0.5',
         'port_id': PORT_ID},
        {'id': 'f2', 'floating_ip_address': '203.0.113.11', 'fixed_ip_address': '10.0.0.6',
         'port_id': PORT_ID},
        {'id': 'f3', 'floating_ip_address': '198.51.100.7', 'fixed_ip_address': '10.0.0.6',
         'port_id': 'someone-else'}]))
    add(neutron_case('truthy-strings', port('ovs', {'port_filter': 'False', 'ovs_hybrid_plug': ''})))
    add(neutron_case('bad-mac', port('ovs', OVS, mac_address='fa:16:3e:12:34')))
    add(neutron_case('bad-fixed-ip', port('ovs', OVS, fixed_ips=[
        {'subnet_id': V4_SUBNET, 'ip_address': '10.0.0.5'}]), subnets=[
        dict(SUBNETS[0], dns_nameservers=['8.8.8.300'])], floating_ips=[]))
    return c


def nova_vif_base(vif_type='ovs', details=None, **kw):
    v = {
        'id': PORT_ID, 'address': 'fa:16:3e:12:34:56', 'type': vif_type,
        'details': details if details is not None else dict(OVS),
        'devname': 'tapa1b2c3d4-11', 'ovs_interfaceid': PORT_ID, 'qbh_params': None,
        'qbg_params': None, 'active': True, 'vnic_type': 'normal', 'profile': {},
        'preserve_on_delete': False, 'delegate_create': True, 'meta': {},
        'network': {
            'id': NET_ID, 'bridge': 'br-int', 'label': 'private',
            'meta': {'injected': False, 'mtu': 1500, 'tenant_id': TENANT},
            'subnets': [{
                'cidr': '10.0.0.0/24', 'version': 4, 'meta': {'dhcp_server': '10.0.0.2'},
                'gateway': {'address': '10.0.0.1', 'type': 'gateway', 'version': 4, 'meta': {}},
                'dns': [{'address': '8.8.8.8', 'type': 'dns', 'version': 4, 'meta': {}}],
                'ips': [{'address': '10.0.0.5', 'type': 'fixed', 'version': 4, 'meta': {},
                         'floating_ips': [{'address': '203.0.113.10', 'type': 'floating',
                                           'version': 4, 'meta': {}}]}],
                'routes': [{'cidr': '0.0.0.0/0', 'interface': None, 'meta': {},
                            'gateway': {'address': '10.0.0.1', 'type': 'gateway',
                                        'version': 4, 'meta': {}}}],
            }],
        },
    }
    v.update(kw)
    return v


def nova_case(name, vif):
    return {'name': name, 'kind': 'nova', 'nova_vif': vif}


def nova_cases():
    c = []
    add = c.append

    def with_net(**meta_and_keys):
        v = nova_vif_base()
        v['network'].update(meta_and_keys)
        return v

    add(nova_case('nova-ovs-plain', nova_vif_base()))
    add(nova_case('nova-no-devname', nova_vif_base(devname=None)))
    add(nova_case('nova-no-ovs-interfaceid', nova_vif_base(ovs_interfaceid=None)))
    add(nova_case('nova-delegate-create-false', nova_vif_base(delegate_create=False)))
    v = nova_vif_base()
    for k in ('delegate_create', 'active', 'preserve_on_delete', 'vnic_type', 'profile', 'devname',
              'ovs_interfaceid', 'qbh_params', 'qbg_params', 'meta'):
        del v[k]
    add(nova_case('nova-minimal-keys', v))
    add(nova_case('nova-details-null', nova_vif_base(details=None) | {'details': None}))
    add(nova_case('nova-address-null', nova_vif_base(address=None)))
    add(nova_case('nova-address-dashes', nova_vif_base(address='FA-16-3E-12-34-56')))
    v = nova_vif_base('bridge', {'port_filter': True}, ovs_interfaceid=None)
    v['network']['bridge'] = 'brq0f6c1e2a-9d'
    v['network']['should_create_bridge'] = True  # unhydrated form: a top-level key
    add(nova_case('nova-bridge-toplevel-should-create', v))
    v = nova_vif_base('bridge', {'port_filter': True}, ovs_interfaceid=None)
    v['network']['bridge'] = None
    add(nova_case('nova-bridge-no-bridge', v))
    v = nova_vif_base('bridge', {}, ovs_interfaceid=None)
    v['network']['meta'].update({'should_create_bridge': True, 'should_create_vlan': True,
                                 'vlan': 100, 'bridge_interface': 'eth1', 'multi_host': True})
    v['network']['bridge'] = 'brq100'
    add(nova_case('nova-vlan-bridge', v))
    v = nova_vif_base('bridge', {}, ovs_interfaceid=None)
    v['network']['meta'].update({'should_create_vlan': True})
    add(nova_case('nova-vlan-missing', v))
    v = nova_vif_base('bridge', {}, ovs_interfaceid=None)
    v['network']['meta'].update({'should_create_vlan': False, 'vlan': None,
                                 'should_create_bridge': False, 'multi_host': False, 'mtu': None})
    add(nova_case('nova-meta-falsy', v))
    v = nova_vif_base()
    v['network']['subnets'][0]['routes'][0]['interface'] = 'eth0'
    v['network']['subnets'][0]['routes'].append({'cidr': '172.16.0.0/12', 'gateway': None,
                                                 'interface': None, 'meta': {}})
    add(nova_case('nova-route-interface', v))
    v = nova_vif_base()
    v['network']['subnets'][0]['cidr'] = None
    v['network']['subnets'][0]['gateway'] = None
    add(nova_case('nova-subnet-no-cidr-no-gateway', v))
    v = nova_vif_base()
    v['network']['subnets'][0]['cidr'] = '10.0.0.5/24'
    add(nova_case('nova-cidr-host-bits', v))
    v = nova_vif_base()
    v['network']['label'] = None
    v['network']['bridge'] = None
    add(nova_case('nova-network-no-label-no-bridge', v))
    add(nova_case('nova-network-null', nova_vif_base(network=None)))
    add(nova_case('nova-direct-profile-null', nova_vif_base(vnic_type='direct', profile=None)))
    add(nova_case('nova-direct-no-ovs-interfaceid', nova_vif_base(
        vnic_type='direct', profile={'pci_slot': '0000:3b:00.2'}, ovs_interfaceid=None, devname=None)))
    add(nova_case('nova-vhostuser-mode-missing', nova_vif_base('vhostuser', {
        'vhostuser_ovs_plug': True, 'vhostuser_socket': SOCK})))
    add(nova_case('nova-vhostuser-socket-empty', nova_vif_base('vhostuser', {
        'vhostuser_socket': ''})))
    add(nova_case('nova-vnic-unknown-ovs', nova_vif_base(vnic_type='baremetal')))
    return c


def instance_cases():
    uuid = '5b9c6d2e-7f80-4a1b-9c3d-0e1f2a3b4c5d'
    return [
        {'name': 'instance-info', 'kind': 'instance',
         'instance': {'uuid': uuid, 'id': 1, 'project_id': TENANT}},
        {'name': 'instance-info-no-project', 'kind': 'instance',
         'instance': {'uuid': uuid, 'id': 255, 'project_id': None}},
    ]


def convert_instance(case):
    inst = nova_objects.Instance(**case['instance'])
    return {'osvif': sort_changes(os_vif_util.nova_to_osvif_instance(inst).obj_to_primitive())}


class FakeNeutron(object):
    """Serves the case's Neutron bodies the way python-neutronclient returns them."""

    def __init__(self, n):
        self.n = n

    def list_subnets(self, id=None, **kw):
        return {'subnets': [copy.deepcopy(s) for s in self.n['subnets'] if id is None or s['id'] in id]}

    def list_ports(self, network_id=None, device_owner=None, **kw):
        return {'ports': [copy.deepcopy(p) for p in self.n['dhcp_ports']
                          if p['network_id'] == network_id and p['device_owner'] == device_owner]}

    def list_floatingips(self, fixed_ip_address=None, port_id=None, **kw):
        return {'floatingips': [copy.deepcopy(f) for f in self.n['floatingips']
                                if f['fixed_ip_address'] == fixed_ip_address and f['port_id'] == port_id]}

    def show_network(self, net_id, fields=None):
        net = self.n['network'] or {}
        return {'network': {k: net.get(k) for k in ('provider:physical_network', 'provider:network_type')}}


def build_nova_vif(case):
    n = case['neutron']
    opts = case['options']
    CONF.set_override('ovs_bridge', opts.get('ovs_bridge', 'br-int'), group='neutron')
    CONF.set_override('flat_injected', opts.get('flat_injected', False))
    client = FakeNeutron(n)
    api = neutron.API()
    networks = [copy.deepcopy(n['network'])] if n['network'] else []
    preexisting = [n['port']['id']] if n['preserve_on_delete'] else []
    with mock.patch.object(neutron, 'get_client', return_value=client), \
            mock.patch.object(api, 'has_multi_provider_extension', return_value=False):
        vif = api._build_vif_model(None, client, copy.deepcopy(n['port']), networks, preexisting)
    return vif


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


def convert(nova_vif_json):
    try:
        vif = model.NetworkInfo.hydrate([copy.deepcopy(nova_vif_json)])[0]
        obj = os_vif_util.nova_to_osvif_vif(vif)
    except Exception as e:  # recorded: the Go side must fail too
        return {'error': {'type': type(e).__name__, 'message': str(e)}}
    if obj is None:
        return {'none': True}
    return {'osvif': sort_changes(obj.obj_to_primitive())}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for case in neutron_cases() + nova_cases() + instance_cases():
        if case['kind'] == 'instance':
            case['result'] = convert_instance(case)
        elif case['kind'] == 'neutron':
            try:
                built = build_nova_vif(case)
                # What Nova stores in the info cache and reads back: JSON, hydrated.
                case['nova_vif'] = json.loads(jsonutils.dumps(model.NetworkInfo.hydrate([built])[0]))
            except Exception as e:
                case['nova_vif_error'] = {'type': type(e).__name__, 'message': str(e)}
        if case['kind'] == 'instance':
            pass
        elif 'nova_vif' in case:
            case['result'] = convert(case['nova_vif'])
        else:
            case['result'] = {'error': case['nova_vif_error']}
        with open(os.path.join(out, case['name'] + '.json'), 'w') as f:
            json.dump(case, f, indent=1, sort_keys=True)
            f.write('\n')


if __name__ == '__main__':
    main()
