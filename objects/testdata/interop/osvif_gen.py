"""Seeded random os-vif objects built by Python os-vif itself (Debian 3.0.0).

Shared by scripts/gen-objects-golden.py (golden corpus) and
objects/testdata/interop/helper.py (the live Go <-> Python interop test).
It introspects the registered classes, so every field of every class is
covered: values, nulls (nullable fields only), unset fields, IPv4/IPv6,
every enum value, polymorphic port profiles and datapath offloads, lists.
Run only with Debian's /usr/bin/python3.
"""
import random
import uuid
import warnings

from os_vif import objects
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields as ovo_fields

warnings.simplefilter('ignore')
objects.register_all()

NS = 'os_vif'


def registry():
    """{name: class} of every os-vif class (the newest registered one)."""
    out = {}
    for name, classes in ovo_base.VersionedObjectRegistry.obj_classes().items():
        cls = classes[0]
        if cls.OBJ_PROJECT_NAMESPACE == NS:
            out[name] = cls
    return out


CLASSES = registry()


def subclasses_of(base_name):
    """Concrete classes usable where base_name is declared (incl. itself)."""
    base = CLASSES[base_name]
    return sorted(n for n, c in CLASSES.items() if issubclass(c, base))


def versions(name):
    """Every version of a class: 1.0 .. its current minor."""
    major, minor = CLASSES[name].VERSION.split('.')
    return ['%s.%d' % (major, m) for m in range(int(minor) + 1)]


def _mac(rng):
    return ':'.join('%02x' % rng.randrange(256) for _ in range(6))


def _mac_input(rng):
    m = _mac(rng)
    r = rng.random()
    if r < 0.2:
        return m.upper()
    if r < 0.3:
        return m.replace(':', '-')
    return m


def _pci(rng):
    return '%04x:%02x:%02x.%d' % (rng.randrange(0x10000), rng.randrange(256),
                                  rng.randrange(32), rng.randrange(8))


# IPv6 edge cases (IPv4-compatible, NAT64, ::ffff) that netaddr 0.8 prints
# in its own way; the golden corpus tests them in coercion.json instead.
EDGE_IPS = True


def _ip(rng, v6=None):
    if v6 is None:
        v6 = rng.random() < 0.4
    if not v6:
        return '%d.%d.%d.%d' % (rng.randrange(1, 224), rng.randrange(256),
                                rng.randrange(256), rng.randrange(1, 255))
    r = rng.random()
    if r < 0.05 and EDGE_IPS:
        return rng.choice(['::a00:1', '::1:0', '::ffff', '::1', '::',
                           '::10.1.2.3', '64:ff9b::a00:1'])
    if r < 0.1:
        return '::ffff:10.%d.%d.%d' % (rng.randrange(256), rng.randrange(256),
                                       rng.randrange(256))
    groups = [rng.choice([0, 0, 0, rng.randrange(0x10000)]) for _ in range(8)]
    groups[0] = rng.choice([0x2001, 0xfe80, 0xfd00, 0x2a02])
    s = ':'.join('%x' % g for g in groups)
    return s.upper() if rng.random() < 0.2 else s


def _cidr(rng):
    v6 = rng.random() < 0.4
    ip = _ip(rng, v6)
    if ip.lower().startswith('::ffff:'):
        return ip + '/128'
    if rng.random() < 0.1:
        return ip  # no prefix: /32 or /128
    return '%s/%d' % (ip, rng.randrange(0, 129 if v6 else 33))


_WORDS = ['', 'br-int', 'eth0', 'tap581939de-24', 'ovs', 'linux_bridge',
          'noop', 'private', 'x' * 40, 'ünïcode-名前', 'with space', 'a"b\\c',
          'system', 'netdev', '1.0', '0']


def _string(rng):
    if rng.random() < 0.7:
        return rng.choice(_WORDS)
    n = rng.randrange(1, 20)
    return ''.join(rng.choice('abcdefghijklmnopqrstuvwxyz0123456789-_.')
                   for _ in range(n))


def _uuid(rng):
    u = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return u.upper() if rng.random() < 0.1 else u


def scalar(rng, ftype):
    """A random valid wire-input value for a non-object OVO field type."""
    if isinstance(ftype, ovo_fields.UUID):
        return _uuid(rng)
    if isinstance(ftype, ovo_fields.MACAddress):
        return _mac_input(rng)
    if isinstance(ftype, ovo_fields.PCIAddress):
        p = _pci(rng)
        return p.upper() if rng.random() < 0.2 else p
    if isinstance(ftype, ovo_fields.IPNetwork):
        return _cidr(rng)
    if isinstance(ftype, ovo_fields.IPAddress):
        return _ip(rng)
    if isinstance(ftype, ovo_fields.Enum):
        return rng.choice(list(ftype._valid_values))
    if isinstance(ftype, ovo_fields.Boolean):
        return rng.random() < 0.5
    if isinstance(ftype, ovo_fields.Integer):
        return rng.choice([0, 1, 100, 1450, 1500, 4094, 9000, -1, 2 ** 31])
    if isinstance(ftype, ovo_fields.String):
        return _string(rng)
    if isinstance(ftype, ovo_fields.List):
        return [scalar(rng, ftype._element_type._type)
                for _ in range(rng.randrange(4))]
    raise TypeError('no generator for %r' % ftype)


def build(rng, name, depth=0, p_unset=0.2, p_null=0.2):
    """A random instance of class name, built with keyword arguments."""
    cls = CLASSES[name]
    kwargs = {}
    for fname, field in cls.fields.items():
        if rng.random() < p_unset:
            continue
        if field.nullable and rng.random() < p_null:
            kwargs[fname] = None
            continue
        ftype = field._type
        if isinstance(ftype, ovo_fields.Object):
            target = ftype._obj_name
            choices = subclasses_of(target) if ftype._subclasses else [target]
            if depth > 4:
                continue
            kwargs[fname] = build(rng, rng.choice(choices), depth + 1,
                                  p_unset, p_null)
        elif (isinstance(ftype, ovo_fields.List) and
              isinstance(ftype._element_type._type, ovo_fields.Object)):
            el = ftype._element_type._type._obj_name
            if depth > 4:
                continue
            kwargs[fname] = [build(rng, el, depth + 1, p_unset, p_null)
                             for _ in range(rng.randrange(3))]
        else:
            kwargs[fname] = scalar(rng, ftype)
    obj = cls(**kwargs)
    if rng.random() < 0.1:
        obj.obj_reset_changes(recursive=False)
    return obj


def random_manifest(rng):
    """None, {} or a random {class: version} manifest."""
    r = rng.random()
    if r < 0.4:
        return None
    if r < 0.5:
        return {}
    names = rng.sample(sorted(CLASSES), rng.randrange(1, 8))
    return {n: rng.choice(versions(n)) for n in names}


def from_primitive(prim):
    return ovo_base.VersionedObject.obj_from_primitive.__func__(
        objects.base.VersionedObject, prim)


def canon(prim):
    """A primitive with every changes list sorted (changes are a set)."""
    if isinstance(prim, dict):
        out = {}
        for k, v in prim.items():
            if k == 'versioned_object.changes':
                out[k] = sorted(v)
            else:
                out[k] = canon(v)
        return out
    if isinstance(prim, list):
        return [canon(v) for v in prim]
    return prim


def error_dict(exc):
    return {'class': type(exc).__name__,
            'module': type(exc).__module__,
            'message': str(exc)}
