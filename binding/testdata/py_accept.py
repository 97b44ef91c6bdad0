"""Read a JSON list of os-vif primitives on stdin, hydrate each with Debian's os-vif 3.0.0
(VersionedObject.obj_from_primitive) and print, as a JSON list, each object's class name, version and
re-serialised primitive, or the error it raised."""
import json
import sys
import warnings

warnings.simplefilter('ignore')

from os_vif import objects  # noqa: E402
from os_vif.objects import base  # noqa: E402

objects.register_all()
out = []
for prim in json.load(sys.stdin):
    try:
        obj = base.VersionedObject.obj_from_primitive(prim)
        out.append({'name': obj.obj_name(), 'version': obj.VERSION,
                    'primitive': obj.obj_to_primitive()})
    except Exception as e:
        out.append({'error': '%s: %s' % (type(e).__name__, e)})
json.dump(out, sys.stdout)
