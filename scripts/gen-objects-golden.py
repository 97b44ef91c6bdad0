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
import logging
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'objects', 'testdata', 'interop'))
sys.path.insert(0, HERE)

import osvif_gen as G  # noqa: E402
import gen_objects_golden_cases as C  # noqa: E402
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
# os-vif logs an error for unknown classes; the reject cases make some on purpose
logging.disable(logging.CRITICAL)


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


LONE_SURROGATE = re.compile('[\ud800-\udfff]')


def write(fname, about, cases):
    names = [c['name'] for c in cases]
    assert len(names) == len(set(names)), 'duplicate case names in ' + fname
    with open(os.path.join(OUT, fname), 'w') as f:
        # one case per line: small files, readable diffs
        f.write('{"about": %s,\n "cases": [\n' % json.dumps(about))
        # lone surrogates (not UTF-8-encodable) as the escapes json.dumps
        # writes for them by default
        f.write(',\n'.join(LONE_SURROGATE.sub(
            lambda m: '\\u%04x' % ord(m.group()),
            json.dumps(c, ensure_ascii=False, separators=(',', ':')))
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


def nova_cases():
    """Objects Nova itself built (inputs/nova-*.osvif.json, recorded by running
    Nova's network model conversion; copied from the spec examples)."""
    cases = []
    indir = os.path.join(OUT, 'inputs')
    for fname in sorted(os.listdir(indir)):
        if not fname.endswith('.json'):
            continue
        with open(os.path.join(indir, fname)) as f:
            prim = json.load(f)
        label = 'nova/' + fname[:-len('.osvif.json')]
        name = prim['versioned_object.name']
        cases.append(run(label, prim))
        cases.append(run(label + '->1.0/oldest', prim, '1.0', OLDEST))
        tree = ovo_base.obj_tree_get_versions(name)
        cases.append(run(label + '/obj_tree_get_versions', prim,
                         G.CLASSES[name].VERSION, tree))
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
    write('nova.json', 'objects built by Nova (inputs/nova-*.osvif.json): '
          'round trips and backports', nova_cases())
    write('reject.json', 'inputs Python rejects (error) and odd inputs it '
          'accepts', C.reject_cases(run, ex))
    write('coercion.json', 'value canonicalisation and Python\'s lenient '
          'coercions', C.coercion_cases(run))
    write('head.json', 'hand-written VIFPortProfile*OpenVSwitch 1.4 (os-vif '
          'HEAD) cases, outputs checked by decoding in Python 3.0.0',
          C.head_cases(run))


if __name__ == '__main__':
    main()
