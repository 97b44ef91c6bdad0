#!/usr/bin/python3
"""Regenerate the os-vif golden corpus in objects/testdata/golden/.

Every case is produced by running the real Python os-vif 3.0.0 (Debian
python3-os-vif, oslo.versionedobjects 3.0.1, netaddr 0.8.0):

    PYTHONHASHSEED=0 /usr/bin/python3 scripts/gen-objects-golden.py \
        objects/testdata/golden

Each output file is {"about": ..., "cases": [case, ...]} where a case is
    name            unique, "<file>/<...>"
    op              "roundtrip": obj_from_primitive(input).obj_to_primitive()
                    "backport":  obj_from_primitive(input).obj_to_primitive(
                                     target_version, version_manifest)
    input           the primitive fed to obj_from_primitive
    target_version  (backport only) string
    manifest        (backport only) null or {class: version}
    output          Python's result primitive, or absent when it raised
    error           {stage: decode|encode, class, module, message} when it raised
The Go test (objects/golden_test.go) replays every case without Python;
objects/testdata/golden/deviations.json (hand-written) lists the cases where
govif deliberately behaves differently, with a link to docs/wire-format.md.
"""
import copy
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'objects', 'testdata', 'interop'))

import osvif_gen as G  # noqa: E402
from os_vif import objects  # noqa: E402
from oslo_versionedobjects import base as ovo_base  # noqa: E402

V = objects.vif
NET = objects.network
SUB = objects.subnet
FIX = objects.fixed_ip
RT = objects.route
HI = objects.host_info

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    HERE, '..', 'objects', 'testdata', 'golden')
OLDEST = {n: '1.0' for n in G.CLASSES}


def run(name, inp, target=None, manifest=None, op=None):
    """Replay one case through Python os-vif and describe the result."""
    if op is None:
        op = 'roundtrip' if target is None and manifest is None else 'backport'
    case = {'name': name, 'op': op, 'input': copy.deepcopy(inp)}
    if op == 'backport':
        case['target_version'] = target
        case['manifest'] = manifest
    try:
        obj = G.from_primitive(copy.deepcopy(inp))
    except Exception as exc:  # noqa: BLE001 - we record what Python raises
        case['error'] = dict(stage='decode', **G.error_dict(exc))
        return case
    try:
        if op == 'roundtrip':
            out = obj.obj_to_primitive()
        else:
            out = obj.obj_to_primitive(target_version=target,
                                       version_manifest=manifest)
    except Exception as exc:  # noqa: BLE001
        case['error'] = dict(stage='encode', **G.error_dict(exc))
        return case
    json.dumps(out)  # must be JSON (no sets/tuples left)
    case['output'] = out
    return case


def write(fname, about, cases):
    names = [c['name'] for c in cases]
    assert len(names) == len(set(names)), 'duplicate case names in ' + fname
    with open(os.path.join(OUT, fname), 'w') as f:
        # one case per line: small files, readable diffs
        f.write('{"about": %s,\n "cases": [\n' % json.dumps(about))
        f.write(',\n'.join(json.dumps(c, ensure_ascii=False,
                                       separators=(',', ':'))
                           for c in cases))
        f.write('\n]}\n')
    print('%s: %d cases' % (fname, len(cases)))


# ---------------------------------------------------------------- classes
def class_cases():
    G.EDGE_IPS = False  # covered one by one in coercion.json
    rng = random.Random(20260509)
    cases = []
    for name in sorted(G.CLASSES):
        cls = G.CLASSES[name]
        variants = [
            ('empty', cls()),
            ('full', G.build(rng, name, p_unset=0, p_null=0)),
            ('nulls', G.build(rng, name, p_unset=0, p_null=1)),
            ('random1', G.build(rng, name)),
            ('random2', G.build(rng, name)),
        ]
        for vname, obj in variants:
            cur = obj.obj_to_primitive()
            base = 'classes/%s/%s' % (name, vname)
            cases.append(run(base + '@' + cls.VERSION, cur))
            for v in G.versions(name)[:-1]:
                for mname, man in (('nomanifest', None), ('emptymanifest', {}),
                                   ('oldest', OLDEST)):
                    c = run('%s->%s/%s' % (base, v, mname), cur, v, man)
                    cases.append(c)
                    if 'output' in c and mname != 'emptymanifest':
                        # decoding the older version back
                        cases.append(run('%s@%s/%s' % (base, v, mname),
                                         c['output']))
    return cases


# ---------------------------------------------------------------- examples
def example_objects():
    net1 = NET.Network(
        id='3f5c1e4a-9b2d-4c7e-8a1f-0d2e3c4b5a69', bridge='br-int',
        label='private',
        subnets=SUB.SubnetList(objects=[SUB.Subnet(
            cidr='10.0.0.0/24', dns=['8.8.8.8', '8.8.4.4'],
            gateway='10.0.0.1', dhcp_server='10.0.0.2',
            ips=FIX.FixedIPList(objects=[
                FIX.FixedIP(address='10.0.0.5', floating_ips=['172.24.4.10']),
                FIX.FixedIP(address='10.0.0.6', floating_ips=[])]),
            routes=RT.RouteList(objects=[
                RT.Route(cidr='192.168.100.0/24', gateway='10.0.0.254',
                         interface='eth0'),
                RT.Route(cidr='0.0.0.0/0', gateway='10.0.0.1',
                         interface='eth0')]))]),
        multi_host=False, should_provide_bridge=False,
        should_provide_vlan=False, bridge_interface=None, vlan=None, mtu=1450)
    vif_ovs = V.VIFOpenVSwitch(
        id='b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21', address='FA:16:3E:4B:2C:1D',
        network=net1, plugin='ovs', active=False, preserve_on_delete=False,
        has_traffic_filtering=True, vif_name='tapb8f9d1c2-6a',
        bridge_name='br-int',
        port_profile=V.VIFPortProfileOpenVSwitch(
            interface_id='b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21',
            profile_id='', datapath_type='system', create_port=True))
    net2 = NET.Network(
        id='7d3a2b1c-0e9f-4a8b-b7c6-d5e4f3a2b1c0', bridge='brq7d3a2b1c-0e',
        label='provider-vlan100',
        subnets=SUB.SubnetList(objects=[SUB.Subnet(
            cidr='2001:DB8:0:64::/64', dns=['2001:4860:4860::8888'],
            gateway='2001:db8:0:64::1', dhcp_server='2001:db8:0:64::2',
            ips=FIX.FixedIPList(objects=[
                FIX.FixedIP(address='2001:db8:0:64::10', floating_ips=[])]),
            routes=RT.RouteList(objects=[]))]),
        multi_host=False, should_provide_bridge=True, should_provide_vlan=True,
        bridge_interface='eth1', vlan=100, mtu=1500)
    vif_br = V.VIFBridge(
        id='c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f', address='fa:16:3e:00:11:22',
        network=net2, plugin='linux_bridge', active=True,
        preserve_on_delete=False, has_traffic_filtering=False,
        vif_name='tapc1d2e3f4-a5', bridge_name='brq7d3a2b1c-0e')
    prof = V.VIFPortProfileOpenVSwitch(
        interface_id='b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21', profile_id='',
        datapath_type='netdev', create_port=True,
        datapath_offload=V.DatapathOffloadRepresentor(
            representor_name='eth3_vf2', representor_address='0000:3b:00.2'))
    vhu = V.VIFVHostUser(
        id='d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70', address='fa:16:3e:aa:bb:cc',
        plugin='noop', vif_name='vhud4e5f6a7-b8', path='vhud4e5f6a7-b8.sock',
        mode='server')
    vif_q = V.VIFOpenVSwitch(
        id='b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21', plugin='ovs',
        vif_name='tapb8f9d1c2-6a', bridge_name='br-int', port_profile=prof)
    import os_vif
    os_vif.initialize()
    hi = os_vif.host_info()
    return {'vif_openvswitch': vif_ovs, 'vif_bridge': vif_br,
            'port_profile_ovs': prof, 'vif_vhostuser': vhu,
            'vif_openvswitch_offload': vif_q, 'host_info': hi,
            'host_info_filtered': os_vif.host_info(
                permitted_vif_type_names=['VIFOpenVSwitch'])}


def bench_object():
    """The realistic ~4 KB VIFOpenVSwitch used by the benchmarks."""
    def subnet(cidr, gw, dhcp, dns, ips, routes):
        return SUB.Subnet(
            cidr=cidr, dns=dns, gateway=gw, dhcp_server=dhcp,
            ips=FIX.FixedIPList(objects=[
                FIX.FixedIP(address=a, floating_ips=f) for a, f in ips]),
            routes=RT.RouteList(objects=[
                RT.Route(cidr=c, gateway=g, interface='eth0')
                for c, g in routes]))
    net = NET.Network(
        id='3f5c1e4a-9b2d-4c7e-8a1f-0d2e3c4b5a69', bridge='br-int',
        label='tenant-net-1', multi_host=False, should_provide_bridge=False,
        should_provide_vlan=False, bridge_interface=None, vlan=None, mtu=1450,
        subnets=SUB.SubnetList(objects=[
            subnet('10.0.0.0/24', '10.0.0.1', '10.0.0.2',
                   ['8.8.8.8', '8.8.4.4'],
                   [('10.0.0.5', ['172.24.4.10']), ('10.0.0.6', [])],
                   [('192.168.100.0/24', '10.0.0.254'),
                    ('0.0.0.0/0', '10.0.0.1')]),
            subnet('2001:db8:0:64::/64', '2001:db8:0:64::1',
                   '2001:db8:0:64::2', ['2001:4860:4860::8888'],
                   [('2001:db8:0:64::10', []),
                    ('2001:db8:0:64::11', ['2001:db8:ffff::5'])],
                   [('2001:db8:1::/48', '2001:db8:0:64::fe'),
                    ('::/0', '2001:db8:0:64::1')])]))
    return V.VIFOpenVSwitch(
        id='b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21', address='fa:16:3e:4b:2c:1d',
        network=net, plugin='ovs', active=True, preserve_on_delete=False,
        has_traffic_filtering=True, vif_name='tapb8f9d1c2-6a',
        bridge_name='br-int',
        port_profile=V.VIFPortProfileOpenVSwitch(
            interface_id='b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21',
            profile_id='', datapath_type='system', create_port=True))


def example_cases(ex):
    cases = []
    for name, obj in sorted(ex.items()):
        cur = obj.obj_to_primitive()
        cases.append(run('examples/%s' % name, cur))
        cases.append(run('examples/%s->1.0/oldest' % name, cur, '1.0', OLDEST))
    prof = ex['port_profile_ovs'].obj_to_primitive()
    for v in ('1.3', '1.2', '1.1', '1.0'):
        cases.append(run('examples/port_profile_ovs->%s' % v, prof, v))
    vhu = ex['vif_vhostuser'].obj_to_primitive()
    for v in ('1.1', '1.0'):
        cases.append(run('examples/vif_vhostuser->%s' % v, vhu, v))
    return cases


# ---------------------------------------------------------------- manifests
def manifest_cases(ex):
    cases = []
    vq = ex['vif_openvswitch_offload'].obj_to_primitive()
    vo = ex['vif_openvswitch'].obj_to_primitive()
    tree = ovo_base.obj_tree_get_versions('VIFOpenVSwitch')
    mans = [
        ('obj_tree_get_versions', tree),
        ('VIFPortProfileBase=1.0', {'VIFPortProfileBase': '1.0'}),
        ('VIFPortProfileBase=1.1', {'VIFPortProfileBase': '1.1'}),
        ('VIFPortProfileBase=1.2', {'VIFPortProfileBase': '1.2'}),
        ('VIFPortProfileOpenVSwitch=1.0', {'VIFPortProfileOpenVSwitch': '1.0'}),
        ('VIFPortProfileOpenVSwitch=1.2', {'VIFPortProfileOpenVSwitch': '1.2'}),
        ('VIFPortProfileOpenVSwitch=1.1,VIFPortProfileBase=1.0',
         {'VIFPortProfileOpenVSwitch': '1.1', 'VIFPortProfileBase': '1.0'}),
        ('DatapathOffloadBase=1.0', {'DatapathOffloadBase': '1.0'}),
        ('VIFPortProfileBase=1.0,DatapathOffloadBase=1.0',
         {'VIFPortProfileBase': '1.0', 'DatapathOffloadBase': '1.0'}),
        ('empty', {}),
        ('oldest', OLDEST),
        ('Network=1.0', {'Network': '1.0'}),
        ('Network=1.0,SubnetList=1.0', {'Network': '1.0', 'SubnetList': '1.0'}),
        ('Subnet=1.0', {'Subnet': '1.0'}),
    ]
    for label, man in mans:
        cases.append(run('manifests/vif_ovs_offload/%s' % label, vq, '1.0', man))
        cases.append(run('manifests/vif_ovs_example/%s' % label, vo, '1.0', man))
    # top-level version alone does not lower nested objects (quirk 3.4.1)
    cases.append(run('manifests/vif_ovs_example/target-only', vo, '1.0', None))
    # profiles lowered directly: offload deleted; null offload kept at >= 1.1
    for pname in ('VIFPortProfileOpenVSwitch', 'VIFPortProfileFPOpenVSwitch',
                  'VIFPortProfileOVSRepresentor', 'VIFPortProfileFPTap'):
        for off in ('null', 'base', 'representor'):
            o = {'null': None, 'base': V.DatapathOffloadBase(),
                 'representor': V.DatapathOffloadRepresentor(
                     representor_name=None, representor_address='x')}[off]
            p = G.CLASSES[pname](datapath_offload=o).obj_to_primitive()
            for v in G.versions(pname)[:-1]:
                cases.append(run('manifests/%s/offload-%s->%s' % (pname, off, v),
                                 p, v))
                cases.append(run('manifests/%s/offload-%s->%s/base-manifest'
                                 % (pname, off, v), p, v,
                                 {'DatapathOffloadBase': '1.0'}))
    # HostInfo: the only manifest shape that works, and the ones that fail
    hi = ex['host_info'].obj_to_primitive()
    for label, man in (
            ('HostPluginInfo,HostVIFInfo=1.0',
             {'HostPluginInfo': '1.0', 'HostVIFInfo': '1.0'}),
            ('HostVIFInfo=1.0,HostPortProfileInfo=1.0',
             {'HostPluginInfo': '1.0', 'HostVIFInfo': '1.0',
              'HostPortProfileInfo': '1.0'}),
            ('HostVIFInfo=1.1', {'HostPluginInfo': '1.0', 'HostVIFInfo': '1.1'}),
            ('HostVIFInfo=1.0-only', {'HostVIFInfo': '1.0'}),
            ('empty', {}), ('none', None)):
        cases.append(run('manifests/host_info/%s' % label, hi, '1.0', man))
    hif = ex['host_info_filtered'].obj_to_primitive()
    cases.append(run('manifests/host_info_filtered/HostPluginInfo,HostVIFInfo=1.0',
                     hif, '1.0', {'HostPluginInfo': '1.0', 'HostVIFInfo': '1.0'}))
    hvi = HI.HostVIFInfo(
        vif_object_name='VIFOpenVSwitch', min_version='1.0', max_version='1.0',
        supported_port_profiles=[HI.HostPortProfileInfo(
            profile_object_name='VIFPortProfileOpenVSwitch',
            min_version='1.0', max_version='1.3')]).obj_to_primitive()
    for label, man in (('none', None), ('empty', {}),
                       ('HostPortProfileInfo=1.0', {'HostPortProfileInfo': '1.0'})):
        cases.append(run('manifests/HostVIFInfo/%s' % label, hvi, '1.0', man))
    # objects whose backport raises without a manifest
    net = ex['vif_openvswitch'].network.obj_to_primitive()
    for label, man in (('none', None), ('empty', {}),
                       ('SubnetList=1.0', {'SubnetList': '1.0'})):
        cases.append(run('manifests/Network->1.0/%s' % label, net, '1.0', man))
    vhu = V.VIFVHostUser(
        id='d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70', plugin='ovs',
        vif_name='vhu0', path='/var/run/vhu0.sock', mode='client',
        network=ex['vif_openvswitch'].network,
        port_profile=V.VIFPortProfileOpenVSwitch(
            interface_id='d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70',
            profile_id='', create_port=False)).obj_to_primitive()
    for label, man in (('none', None), ('empty', {}), ('oldest', OLDEST)):
        cases.append(run('manifests/VIFVHostUser+objects->1.0/%s' % label,
                         vhu, '1.0', man))
    # invalid targets
    for name, prim in (('VIFPortProfileOpenVSwitch', hvi_like(
            'VIFPortProfileOpenVSwitch')), ('VIFBridge', hvi_like('VIFBridge'))):
        for t in ('1.4', '1.9', '2.0', '1.10'):
            cases.append(run('manifests/%s/invalid-target-%s' % (name, t),
                             prim, t))
    return cases


def hvi_like(name):
    return G.CLASSES[name]().obj_to_primitive()


# ---------------------------------------------------------------- rejects
def env(name, data, version=None, ns='os_vif', changes=None):
    p = {'versioned_object.name': name, 'versioned_object.namespace': ns,
         'versioned_object.version': version or G.CLASSES[name].VERSION
         if name in G.CLASSES else version or '1.0',
         'versioned_object.data': data}
    if changes is not None:
        p['versioned_object.changes'] = changes
    return p


def reject_cases(ex):
    vo = ex['vif_openvswitch'].obj_to_primitive()
    cases = []

    def case(label, prim):
        cases.append(run('reject/' + label, prim))

    def without(key):
        p = copy.deepcopy(vo)
        del p[key]
        return p

    for k in ('namespace', 'name', 'version', 'data'):
        case('missing-' + k, without('versioned_object.' + k))
    case('namespace-nova', env('VIFBridge', {}, ns='nova'))
    case('unknown-name', env('VIFFoo', {}, version='1.0'))
    case('newer-minor', env('VIFBridge', {}, version='1.1'))
    case('newer-minor-profile-1.4', env('VIFPortProfileOpenVSwitch', {},
                                        version='1.4'))
    case('major-2', env('VIFBridge', {}, version='2.0'))
    case('major-0', env('VIFBridge', {}, version='0.9'))
    case('three-part-newer', env('VIFBridge', {}, version='1.0.5'))
    case('version-abc', env('VIFBridge', {}, version='abc'))
    case('subnet-1.1-from-os-vif-1.8', env('Subnet', {}, version='1.1'))

    def bad_field(label, name, field, value, version=None):
        case(label, env(name, {field: value}, version=version))

    bad_field('mac-malformed', 'VIFBridge', 'address', 'fa:16:3e:zz:00:01')
    bad_field('mac-short', 'VIFBridge', 'address', 'fa:16:3e:00:01')
    bad_field('mac-int', 'VIFBridge', 'address', 12)
    bad_field('mac-null-ok', 'VIFBridge', 'address', None)  # accepted
    bad_field('pci-malformed', 'VIFHostDevice', 'dev_address', '0000:00:1f')
    bad_field('pci-int', 'VIFHostDevice', 'dev_address', 7)
    bad_field('ip-malformed', 'FixedIP', 'address', '10.0.0.300')
    bad_field('ip-with-prefix', 'FixedIP', 'address', '10.0.0.1/24')
    bad_field('ip-zone', 'FixedIP', 'address', 'fe80::1%eth0')
    bad_field('ip-null', 'FixedIP', 'address', None)
    bad_field('cidr-33', 'Route', 'cidr', '10.0.0.0/33')
    bad_field('cidr-int', 'Route', 'cidr', 5)
    bad_field('cidr-v6-129', 'Route', 'cidr', '2001:db8::/129')
    bad_field('dns-string', 'Subnet', 'dns', '8.8.8.8')
    bad_field('dns-dict', 'Subnet', 'dns', {'a': '8.8.8.8'})
    bad_field('dns-null-element', 'Subnet', 'dns', ['8.8.8.8', None])
    bad_field('dns-bad-element', 'Subnet', 'dns', ['8.8.8.8', 'dns.google'])
    bad_field('enum-case', 'VIFDirect', 'mode', 'VEPA')
    bad_field('enum-unknown', 'VIFVHostUser', 'mode', 'both')
    bad_field('enum-devtype', 'VIFHostDevice', 'dev_type', 'pci')
    bad_field('string-list', 'VIFBridge', 'vif_name', ['tap0'])
    bad_field('string-dict', 'VIFBridge', 'plugin', {'x': 1})
    bad_field('int-text', 'Network', 'vlan', 'x')
    bad_field('string-null', 'VIFBridge', 'plugin', None)
    bad_field('uuid-null', 'VIFBridge', 'id', None)
    bad_field('port-profile-null', 'VIFOpenVSwitch', 'port_profile', None)
    bad_field('objects-null', 'SubnetList', 'objects', None)
    bad_field('network-wrong-class', 'VIFBridge', 'network',
              env('VIFPortProfileOpenVSwitch', {}))
    bad_field('port-profile-not-profile', 'VIFOpenVSwitch', 'port_profile',
              env('HostPortProfileInfo', {}))
    bad_field('port-profile-base-ok', 'VIFOpenVSwitch', 'port_profile',
              env('VIFPortProfileBase', {}))
    bad_field('offload-not-offload', 'VIFPortProfileOpenVSwitch',
              'datapath_offload', env('Route', {}))
    bad_field('list-element-wrong-class', 'SubnetList', 'objects',
              [env('Route', {})])
    bad_field('list-element-wrong-class-2', 'SubnetList', 'objects',
              [env('Subnet', {}), env('FixedIP', {})])
    bad_field('nested-plain-dict', 'VIFBridge', 'network', {'id': 'x'})
    bad_field('nested-string', 'VIFBridge', 'network', 'net-1')
    bad_field('nested-namespace', 'VIFOpenVSwitch', 'port_profile',
              env('VIFPortProfileOpenVSwitch', {}, ns='nova'))
    bad_field('nested-newer-version', 'VIFOpenVSwitch', 'port_profile',
              env('VIFPortProfileOpenVSwitch', {}, version='1.9'))
    bad_field('nested-unknown-class', 'VIFOpenVSwitch', 'network',
              env('NetworkFoo', {}, version='1.0'))
    p = copy.deepcopy(vo)
    p['versioned_object.data']['network']['versioned_object.data'][
        'subnets']['versioned_object.data']['objects'][0][
        'versioned_object.data']['ips']['versioned_object.data']['objects'][1][
        'versioned_object.data']['address'] = '10.0.0.300'
    case('deep-path-ip', p)
    # Accepted by Python although odd (spec 2.2 "Not rejected")
    case('accept/missing-required', env('VIFBridge', {'vif_name': 'tap0'}))
    case('accept/uuid-invalid', env('VIFBridge', {'id': 'not-a-uuid'}))
    case('accept/unknown-key', env('VIFBridge', {'id': 'b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21',
                                               'fixed_ips': []}))
    case('accept/field-newer-than-version', env(
        'VIFPortProfileOpenVSwitch',
        {'interface_id': 'b8f9d1c2-6a4e-4f3b-9c8d-7e6f5a4b3c21',
         'create_port': True},
        version='1.1'))
    case('accept/version-1', env('VIFBridge', {'plugin': 'ovs'}, version='1'))
    case('accept/older-major-match-1.0.0', env('VIFBridge', {}, version='1.0.0'))
    case('accept/changes-unknown-names', env(
        'VIFBridge', {'plugin': 'ovs'}, changes=['plugin', 'bogus', 'vif_name']))
    case('accept/no-changes', env('VIFBridge', {'plugin': 'ovs'}))
    return cases


# ---------------------------------------------------------------- coercion
def coercion_cases():
    cases = []

    def case(label, name, field, value):
        cases.append(run('coercion/' + label, env(name, {field: value})))

    # canonical forms both sides must agree on
    case('mac-upper', 'VIFBridge', 'address', 'FA:16:3E:4B:2C:1D')
    case('mac-dashes', 'VIFBridge', 'address', 'fa-16-3e-4b-2c-1d')
    case('pci-upper', 'VIFHostDevice', 'dev_address', '0000:3B:00.2')
    case('pci-regex-dot', 'VIFHostDevice', 'dev_address', '0000:0a:1fx7')
    case('ipv6-upper-long', 'FixedIP', 'address', '2001:0DB8:0000::0001')
    case('ipv6-full', 'FixedIP', 'address', '2001:db8:0:0:0:0:0:1')
    case('ipv6-mapped', 'FixedIP', 'address', '::ffff:10.0.0.1')
    case('ipv6-zero-run-first', 'FixedIP', 'address', '2001:db8:0:0:1:0:0:1')
    case('ipv6-loopback', 'FixedIP', 'address', '::1')
    case('ipv6-unspecified', 'FixedIP', 'address', '::')
    # netaddr 0.8 prints IPv4-compatible addresses (top 96 bits zero, value
    # above 0xffff) in dotted form
    case('ipv6-v4compat', 'FixedIP', 'address', '::a00:1')
    case('ipv6-v4compat-dotted', 'FixedIP', 'address', '::10.0.0.1')
    case('ipv6-v4compat-small', 'FixedIP', 'address', '::1:0')
    case('ipv6-small-ffff', 'FixedIP', 'address', '::ffff')
    case('ipv6-v4compat-list', 'FixedIP', 'floating_ips', ['::a00:1', '::2'])
    case('cidr-v4compat', 'Route', 'cidr', '::a00:0/104')
    case('ipv6-nat64', 'FixedIP', 'address', '64:ff9b::a00:1')
    case('ipv6-mapped-hex', 'FixedIP', 'address', '::ffff:a00:1')
    case('cidr-host-bits', 'Route', 'cidr', '10.0.0.5/24')
    case('cidr-no-prefix-v4', 'Route', 'cidr', '10.0.0.5')
    case('cidr-no-prefix-v6', 'Route', 'cidr', '2001:DB8::5')
    case('cidr-v6-host-bits', 'Route', 'cidr', '2001:db8::5/64')
    case('cidr-zero', 'Route', 'cidr', '0.0.0.0/0')
    case('uuid-upper-kept', 'VIFBridge', 'id',
         'B8F9D1C2-6A4E-4F3B-9C8D-7E6F5A4B3C21')
    case('uuid-no-hyphens-kept', 'VIFBridge', 'id',
         'b8f9d1c26a4e4f3b9c8d7e6f5a4b3c21')
    case('string-unicode', 'VIFBridge', 'vif_name', 'tap-名前')
    case('string-empty', 'VIFBridge', 'vif_name', '')
    case('int-negative', 'Network', 'vlan', -1)
    case('int-big', 'Network', 'mtu', 2 ** 40)
    case('null-default-active', 'VIFBridge', 'active', None)
    # Python's lenient coercions (govif is strict: see deviations.json)
    case('lenient/string-from-int', 'VIFBridge', 'vif_name', 5)
    case('lenient/string-from-bool', 'VIFBridge', 'vif_name', True)
    case('lenient/string-from-float', 'VIFBridge', 'vif_name', 1.5)
    case('lenient/int-from-string', 'Network', 'vlan', '100')
    case('lenient/int-from-float', 'Network', 'mtu', 1.9)
    case('lenient/int-from-bool', 'Network', 'mtu', True)
    case('lenient/bool-from-string-false', 'VIFBridge', 'active', 'false')
    case('lenient/bool-from-zero', 'VIFBridge', 'active', 0)
    case('lenient/bool-from-list', 'VIFBridge', 'active', [])
    case('lenient/uuid-from-int', 'VIFBridge', 'id', 42)
    case('lenient/ipv4-short', 'FixedIP', 'address', '10.1')
    case('lenient/ipv4-octal', 'FixedIP', 'address', '010.000.000.001')
    case('lenient/cidr-abbrev', 'Route', 'cidr', '10/8')
    case('lenient/ip-from-int', 'FixedIP', 'address', 167772161)
    return cases


# ---------------------------------------------------------------- HEAD 1.4
def head_cases():
    """VIFPortProfile*OpenVSwitch 1.4 exists only at os-vif HEAD (4.3.0+).

    Python 3.0.0 cannot produce it, so these cases are hand-written: the
    input is the HEAD wire form (create_tap/multiqueue), and the expected
    output is what HEAD's obj_make_compatible gives (spec 3.3).  Each output
    is checked here by decoding it with Python 3.0.0, which must accept it.
    """
    cases = []
    iid = '5f0c6a4e-2b1d-4e3f-8a9b-0c1d2e3f4a5b'
    for name, extra in (
            ('VIFPortProfileOpenVSwitch', {}),
            ('VIFPortProfileFPOpenVSwitch', {'bridge_name': 'br-fp',
                                             'hybrid_plug': True}),
            ('VIFPortProfileOVSRepresentor', {
                'representor_name': 'eth0_1',
                'representor_address': '0000:3b:00.1'})):
        data = dict(extra)
        data.update({'interface_id': iid, 'profile_id': 'p', 'datapath_type':
                     'netdev', 'create_port': True, 'create_tap': True,
                     'multiqueue': True, 'datapath_offload': None})
        inp = env(name, data, version='1.4', changes=sorted(data))
        ladder = {
            '1.4': list(data),
            '1.3': [k for k in data if k not in ('create_tap', 'multiqueue')],
            '1.2': [k for k in data if k not in ('create_tap', 'multiqueue',
                                                 'create_port')],
            '1.1': [k for k in data if k not in (
                'create_tap', 'multiqueue', 'create_port', 'datapath_offload')],
            '1.0': [k for k in data if k not in (
                'create_tap', 'multiqueue', 'create_port', 'datapath_offload',
                'datapath_type')],
        }
        for v, keys in ladder.items():
            out = env(name, {k: data[k] for k in keys}, version=v,
                      changes=sorted(keys))
            c = {'name': 'head/%s->%s' % (name, v), 'op': 'backport',
                 'input': inp, 'target_version': v, 'manifest': None,
                 'output': out, 'hand_written': True}
            if v != '1.4':
                # Python 3.0.0 must accept what govif sends it
                chk = run('check', out)
                assert 'output' in chk, chk
                c['python_decodes_output'] = chk['output']
            cases.append(c)
        # 3.0.0 ignores the 1.4 fields when they ride on a 1.3 primitive
        inp13 = env(name, data, version='1.3', changes=sorted(data))
        cases.append(run('head/%s@1.3-with-1.4-fields' % name, inp13))
        # and rejects the 1.4 envelope itself
        cases.append(run('head/%s@1.4-python-3.0.0' % name, inp))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    ex = example_objects()
    ex['bench_vif_openvswitch'] = bench_object()
    os.makedirs(os.path.join(OUT, 'bench'), exist_ok=True)
    with open(os.path.join(OUT, 'bench', 'vif_openvswitch.json'), 'w') as f:
        json.dump(ex['bench_vif_openvswitch'].obj_to_primitive(), f,
                  separators=(',', ':'))
        f.write('\n')
    write('classes.json', 'every os-vif 3.0.0 class at every version: '
          'round trips, backports (no manifest, {}, all-1.0 manifest) and '
          'decoding of each older version', class_cases())
    write('examples.json', 'the spec example objects', example_cases(ex))
    write('manifests.json', 'version manifests and backport quirks '
          '(spec 3.2-3.4)', manifest_cases(ex))
    write('reject.json', 'inputs Python rejects (error) and odd inputs it '
          'accepts', reject_cases(ex))
    write('coercion.json', 'value canonicalisation and Python\'s lenient '
          'coercions', coercion_cases())
    write('head.json', 'hand-written VIFPortProfile*OpenVSwitch 1.4 (os-vif '
          'HEAD) cases, outputs checked by decoding in Python 3.0.0',
          head_cases())


if __name__ == '__main__':
    main()
