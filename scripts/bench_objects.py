#!/usr/bin/python3
"""Time Python os-vif on the benchmark VIFOpenVSwitch (JSON -> object -> JSON).

Usage: /usr/bin/python3 scripts/bench_objects.py [FILE] [SECONDS]
Prints one line: "python_roundtrips_per_sec <N>" (plus decode/encode rates).
Each round trip is json.loads + VersionedObject.obj_from_primitive +
obj_to_primitive + json.dumps, the same work the Go BenchmarkRoundTrip does.
"""
import json
import os
import sys
import time
import warnings

warnings.simplefilter('ignore')
from os_vif import objects  # noqa: E402
from os_vif.objects import base  # noqa: E402

objects.register_all()
HERE = os.path.dirname(os.path.abspath(__file__))
path = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else os.path.join(
    HERE, '..', 'objects', 'testdata', 'golden', 'bench', 'vif_openvswitch.json')
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
with open(path) as f:
    text = json.dumps(json.load(f))


def rate(fn):
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(100):
            fn()
        n += 100
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


obj = base.VersionedObject.obj_from_primitive(json.loads(text))
rt = rate(lambda: json.dumps(base.VersionedObject.obj_from_primitive(
    json.loads(text)).obj_to_primitive()))
dec = rate(lambda: base.VersionedObject.obj_from_primitive(json.loads(text)))
enc = rate(lambda: json.dumps(obj.obj_to_primitive()))
print('python_bytes %d' % len(text))
print('python_roundtrips_per_sec %.0f' % rt)
print('python_decodes_per_sec %.0f' % dec)
print('python_encodes_per_sec %.0f' % enc)
