"""Makes os-vif use govif's plugins, and only them, for the names govif registers.

Why this is needed. os-vif 3.0.0 loads its plugins with
stevedore.extension.ExtensionManager(namespace="os_vif"). With this package installed there are
two entry points named "ovs" (and "linux_bridge", "noop"): os-vif's and ours. stevedore keeps every
entry point in .extensions (so names() lists "ovs" twice and os_vif.host_info() describes it twice)
and its name lookup keeps the LAST one found, in sys.path order. Which plugin plugs a VIF would
then depend on where the package was installed.

The mechanism. stevedore loads (imports) every entry point of the namespace while it builds the
manager, in ExtensionManager.__init__: first _load_plugins(), then _init_plugins(extensions). Our
entry points import this package, whose __init__ calls install(), which wraps
ExtensionManager._init_plugins once. The wrapped method is looked up when __init__ calls it, right
after _load_plugins returned, so it runs for the very manager whose loading imported us, whatever
the order of the entry points. For the "os_vif" namespace only, it drops the other entry points of
every name govif provides, keeping exactly one extension per name. Every other namespace and every
other os-vif plugin name (vendor plugins such as "vrouter") is left alone.

Alternatives rejected: a .pth file runs only from site-packages directories, not from a --target
directory on PYTHONPATH; patching os_vif.initialize at import is too late for the call that
imported us; replacing os-vif's classes (vif_plug_ovs.ovs.OvsPlugin) leaves the duplicate names.
"""
import logging

NAMESPACE = "os_vif"
_MODULE = "vif_plug_govif"

LOG = logging.getLogger(__name__)


def _target(ext):
    ep = ext.entry_point
    value = getattr(ep, "value", None)
    if value is None:  # pkg_resources-style entry points
        value = getattr(ep, "module_name", "") or ""
    return value


def is_govif(ext):
    """True when the stevedore Extension comes from this package."""
    t = _target(ext)
    return t == _MODULE or t.startswith(_MODULE + ".") or t.startswith(_MODULE + ":")


def keep_govif(extensions):
    """Returns (kept, dropped): for every name one of govif's extensions has, only the first of
    govif's extensions of that name is kept; the order of the rest is unchanged."""
    ours = {e.name for e in extensions if is_govif(e)}
    kept, dropped, seen = [], [], set()
    for e in extensions:
        if e.name in ours:
            if not is_govif(e) or e.name in seen:
                dropped.append(e)
                continue
            seen.add(e.name)
        kept.append(e)
    return kept, dropped


def install():
    """Wraps stevedore's ExtensionManager._init_plugins (once per process)."""
    from stevedore import extension

    orig = extension.ExtensionManager._init_plugins
    if getattr(orig, "_govif_precedence", False):
        return

    def _init_plugins(self, extensions):
        if getattr(self, "namespace", None) == NAMESPACE and extensions:
            extensions, dropped = keep_govif(list(extensions))
            for e in dropped:
                LOG.info("os-vif plugin %r (%s) is replaced by govif's", e.name, _target(e))
        return orig(self, extensions)

    _init_plugins._govif_precedence = True
    _init_plugins.__wrapped__ = orig
    _init_plugins.__doc__ = orig.__doc__
    extension.ExtensionManager._init_plugins = _init_plugins
