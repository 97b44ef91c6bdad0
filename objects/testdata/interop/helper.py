"""The Python side of objects/interop_test.go (run with /usr/bin/python3).

Reads one JSON request per line on stdin and writes one JSON reply per line
on stdout, in order, until EOF:

  {"op": "roundtrip", "input": P}
      -> {"output": obj_from_primitive(P).obj_to_primitive()} or {"error": E}
  {"op": "generate", "seed": S, "count": N}
      -> {"objects": [{"input": P, "class": C, "target_version": V,
                       "manifest": M}, ...]}
         N random objects built by os-vif itself, each encoded with a random
         target version and manifest (cases where os-vif itself raises are
         skipped and replaced).
  {"op": "backports", "seed": S, "count": N}
      -> {"objects": [{"input": P, "class": C, "target_version": V,
                       "manifest": M, "output": O}, ...]}
         N random objects at their current version and os-vif's backport O
         of each (see backports() for which targets and manifests).
  {"op": "compare", "original": P, "candidate": G}
      -> {"equal": bool, "original": A, "candidate": B}
         A and B are both re-emitted by Python after obj_from_primitive,
         with changes sorted; equal means A == B.  On failure to decode G
         the reply carries {"error": E}.
E is {"class", "module", "message"}.
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import osvif_gen as G  # noqa: E402


def roundtrip(req):
    try:
        obj = G.from_primitive(req['input'])
        return {'output': obj.obj_to_primitive()}
    except Exception as exc:  # noqa: BLE001
        return {'error': G.error_dict(exc)}


def generate(req):
    rng = random.Random(req['seed'])
    names = sorted(G.CLASSES)
    out = []
    i = 0
    while len(out) < req['count']:
        # every class in turn, then random ones
        name = names[i % len(names)] if i < 2 * len(names) else rng.choice(names)
        i += 1
        obj = G.build(rng, name)
        target = rng.choice(G.versions(name))
        manifest = G.random_manifest(rng)
        try:
            prim = obj.obj_to_primitive(target_version=target,
                                        version_manifest=manifest)
            G.from_primitive(json.loads(json.dumps(prim)))
        except Exception:  # noqa: BLE001 - os-vif cannot do this one itself
            continue
        out.append({'input': prim, 'class': name, 'target_version': target,
                    'manifest': manifest})
    return {'objects': out}


def compare(req):
    a = G.canon(G.from_primitive(req['original']).obj_to_primitive())
    try:
        b = G.canon(G.from_primitive(req['candidate']).obj_to_primitive())
    except Exception as exc:  # noqa: BLE001
        return {'equal': False, 'error': G.error_dict(exc)}
    return {'equal': a == b, 'original': a, 'candidate': b}


# Declared (non-polymorphic) classes whose manifest entries os-vif and govif apply
# the same way; see backports() below.
SAFE_MANIFEST = ['Network', 'SubnetList', 'Subnet', 'FixedIPList', 'FixedIP',
                 'RouteList', 'Route', 'HostPluginInfo', 'HostVIFInfo',
                 'HostPortProfileInfo', 'InstanceInfo']


# os-vif only descends into a nested field when the field's declared class is
# in the manifest; govif applies an entry wherever the class occurs.  Closing
# the manifest over the containers makes both reach the same objects.
CONTAINERS = {
    'SubnetList': ['Network'],
    'Subnet': ['SubnetList', 'Network'],
    'FixedIPList': ['Subnet', 'SubnetList', 'Network'],
    'FixedIP': ['FixedIPList', 'Subnet', 'SubnetList', 'Network'],
    'RouteList': ['Subnet', 'SubnetList', 'Network'],
    'Route': ['RouteList', 'Subnet', 'SubnetList', 'Network'],
    'HostVIFInfo': ['HostPluginInfo'],
    'HostPortProfileInfo': ['HostVIFInfo', 'HostPluginInfo'],
}


def backports(req):
    """Random objects at their current version, backported by os-vif.

    Only where govif documents the same behaviour: no manifest, or (when the
    top-level object is not a port profile) a manifest naming only classes
    that are never polymorphic, so the concrete-class lookup and the
    datapath_offload rules of govif cannot differ.  Cases os-vif itself
    cannot do (ObjectActionError, KeyError) are skipped.
    """
    rng = random.Random(req['seed'])
    names = sorted(G.CLASSES)
    out = []
    tries = 0
    while len(out) < req['count'] and tries < 20 * req['count']:
        tries += 1
        name = rng.choice(names)
        obj = G.build(rng, name)
        target = rng.choice(G.versions(name))
        manifest = None
        if rng.random() < 0.5 and not name.startswith('VIFPortProfile'):
            picked = set(rng.sample(SAFE_MANIFEST, rng.randrange(1, 5)))
            for n in list(picked):
                picked.update(CONTAINERS.get(n, ()))
            manifest = {n: rng.choice(G.versions(n)) for n in sorted(picked)}
        try:
            cur = json.loads(json.dumps(obj.obj_to_primitive()))
            hyd = G.from_primitive(cur)
            res = hyd.obj_to_primitive(target_version=target,
                                       version_manifest=manifest)
        except Exception:  # noqa: BLE001 - os-vif cannot do this one
            continue
        out.append({'input': cur, 'class': name, 'target_version': target,
                    'manifest': manifest, 'output': res})
    return {'objects': out}


OPS = {'roundtrip': roundtrip, 'generate': generate, 'compare': compare,
       'backports': backports}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            rep = OPS[req['op']](req)
        except Exception as exc:  # noqa: BLE001 - never kill the batch
            rep = {'error': G.error_dict(exc), 'internal': True}
        sys.stdout.write(json.dumps(rep) + '\n')
        sys.stdout.flush() if req.get('flush') else None
    sys.stdout.flush()


if __name__ == '__main__':
    main()
