"""Hand-made golden cases for scripts/gen-objects-golden.py (Python os-vif 3.0.0).

Rejected inputs (with Python's exception class and message), value
canonicalisation and Python's lenient coercions, and the hand-written
VIFPortProfile*OpenVSwitch 1.4 (os-vif HEAD) cases.  Each function takes the
generator's run(name, input, target, manifest) and returns a list of cases.
"""
import copy

import osvif_gen as G  # noqa: E402 - the generator puts it on sys.path

# ---------------------------------------------------------------- rejects
def env(name, data, version=None, ns='os_vif', changes=None):
    p = {'versioned_object.name': name, 'versioned_object.namespace': ns,
         'versioned_object.version': version or G.CLASSES[name].VERSION
         if name in G.CLASSES else version or '1.0',
         'versioned_object.data': data}
    if changes is not None:
        p['versioned_object.changes'] = changes
    return p


def reject_cases(run, ex):
    vo = ex['vif_openvswitch'].obj_to_primitive()
    cases = []

    def case(label, prim, field_path=None):
        c = run('reject/' + label, prim)
        if field_path and 'error' in c:
            # where the bad value is: govif's FieldError.Path must start with it
            c['field_path'] = field_path
        cases.append(c)

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
        case(label, env(name, {field: value}, version=version),
             '%s.%s' % (name, field))

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
    case('deep-path-ip', p, 'VIFOpenVSwitch.network.subnets.objects[0].ips'
         '.objects[1].address')
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
def coercion_cases(run):
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
    # netaddr 0.8 (glibc inet_ntop) dots the last 32 bits exactly when the top
    # 96 bits are zero and bits 96-111 are not (IPv4-compatible), or for
    # IPv4-mapped addresses; the same text in IPAddress and IPNetwork fields
    for a in ['::2', '::ffff', '::1:0', '::1:0:0', '::1:0:0:0', '::10.0.0.1',
              '::0.1.0.0', '::0.1.255.255', '::ffff:ffff', '::0.0.255.255',
              '::0.0.1.0', '::1.0.0.0', '::255.255.255.255', '::ffff:0:0',
              '::ffff:10.0.0.1', '::ffff:0:10.0.0.1', '::fffe:a00:1',
              '1::10.0.0.1', 'fe80::1.2.3.4', '0:0:0:0:0:1:0:0']:
        case('ipform-addr-' + a, 'FixedIP', 'address', a)
        case('ipform-net-' + a, 'Subnet', 'cidr', a + '/64')
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
    # lone UTF-16 surrogates: json keeps them and writes them back as escapes
    case('string-lone-high-surrogate', 'VIFBridge', 'vif_name', 'a\ud800b')
    case('string-lone-surrogates', 'VIFBridge', 'vif_name', '\udc00\ud800A')
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
    # netaddr < 1.0 parses IPv4 with inet_aton (stops at white space), strips
    # white space around network parts and reads their numbers with int();
    # os-vif's MAC and PCI regexes end in $, which matches before a final
    # newline (docs/wire-format.md#strictness)
    case('lenient/ipv4-inner-space', 'FixedIP', 'address', '255.25 .255.255')
    case('lenient/ipv4-trailing-junk', 'FixedIP', 'address', '10.0.0.1 junk')
    case('lenient/ipv4-trailing-newline', 'FixedIP', 'address', '1.2.3.4\n')
    case('lenient/ipv4-list-trailing-tab', 'FixedIP', 'floating_ips',
         ['10.0.0.1\t'])
    case('lenient/cidr-inner-space', 'Route', 'cidr', '10.0 .0.0/24')
    case('lenient/cidr-space-before-slash', 'Route', 'cidr', '10.0.0.0 /24')
    case('lenient/cidr-leading-space', 'Route', 'cidr', ' 10.0.0.0/24')
    case('lenient/cidr-v6-space-after-slash', 'Route', 'cidr', '::/ 0')
    case('lenient/cidr-v6-trailing-space', 'Subnet', 'cidr', '::/0 ')
    case('lenient/cidr-minus-zero-part', 'Route', 'cidr', '10.-0.0.0/24')
    case('lenient/cidr-minus-zero-prefix', 'Route', 'cidr', '10.0.0.0/-0')
    case('lenient/cidr-v6-minus-zero-prefix', 'Route', 'cidr', '::/-0')
    case('lenient/cidr-plus-prefix', 'Route', 'cidr', '10.0.0.0/+24')
    case('lenient/cidr-prefix-leading-zero', 'Route', 'cidr', '10.0.0.0/06')
    case('lenient/cidr-v6-prefix-leading-zero', 'Subnet', 'cidr',
         '2001:db8::/064')
    case('lenient/cidr-v6-prefix-00', 'Route', 'cidr', '::/00')
    case('lenient/mac-trailing-newline', 'VIFBridge', 'address',
         'fa:16:3e:4b:2c:1d\n')
    case('lenient/pci-trailing-newline', 'VIFHostDevice', 'dev_address',
         '0000:3b:00.2\n')
    return cases


# ---------------------------------------------------------------- HEAD 1.4
def head_cases(run):
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
