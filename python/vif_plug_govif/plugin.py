"""The os-vif plugins: each forwards to the govif daemon's plugin of the same name."""
from oslo_config import cfg
from oslo_log import log as logging
from oslo_versionedobjects import base as ovo_base

from os_vif import plugin as osv_plugin
from os_vif.objects import host_info as osv_host_info

from vif_plug_govif import client as govif_client
from vif_plug_govif import config

LOG = logging.getLogger(__name__)

OSVIF_NAMESPACE = "os_vif"


def version_manifest():
    """The newest version of every os-vif class this process's os-vif knows, e.g.
    {"VIFPortProfileOpenVSwitch": "1.3", ...} for os-vif 3.0.0. The daemon backports its
    HostInfo to these versions."""
    manifest = {}
    for name, classes in ovo_base.VersionedObjectRegistry.obj_classes().items():
        if not classes:
            continue
        cls = classes[0]  # newest first
        if getattr(cls, "OBJ_PROJECT_NAMESPACE", None) == OSVIF_NAMESPACE:
            manifest[name] = cls.VERSION
    return manifest


class GovifPlugin(osv_plugin.PluginBase):
    """Forwards to the govif daemon's plugin named NAME. The options are read on every call
    (oslo.config reads values on access), so a changed nova.conf applies after a reload."""

    NAME = None

    def __init__(self, conf):
        super().__init__(conf)
        config.register_opts()

    @classmethod
    def load(cls, plugin_name):
        # Our options live in [govif_daemon], not [os_vif_<name>]: PluginBase.load would
        # register CONFIG_OPTS under the latter.
        config.register_opts()
        obj = cls(cfg.CONF.govif_daemon)
        LOG.info("os-vif plugin %r: VIFs go to the govif daemon at %s", plugin_name,
                 cfg.CONF.govif_daemon.socket)
        return obj

    def client(self):
        conf = cfg.CONF.govif_daemon
        return govif_client.Client(conf.socket, conf.request_timeout, conf.connect_timeout)

    def describe(self):
        c = self.client()
        prim = c.host_info(manifest=version_manifest())
        info = osv_host_info.HostInfo.obj_from_primitive(prim)
        for p in info.plugin_info:
            if p.plugin_name == self.NAME:
                return p
        LOG.warning("the govif daemon at %s has no plugin %r: it supports no VIF type here",
                    c.socket_path, self.NAME)
        return osv_host_info.HostPluginInfo(plugin_name=self.NAME, vif_info=[])

    def plug(self, vif, instance_info):
        c = self.client()
        c.plug(vif.obj_to_primitive(), instance_info.obj_to_primitive())
        LOG.debug("govif daemon at %s plugged VIF %s", c.socket_path, vif.id)

    def unplug(self, vif, instance_info):
        c = self.client()
        c.unplug(vif.obj_to_primitive(), instance_info.obj_to_primitive())
        LOG.debug("govif daemon at %s unplugged VIF %s", c.socket_path, vif.id)


class OvsPlugin(GovifPlugin):
    """os-vif's "ovs" plugin, done by govif: VIFBridge (hybrid), VIFOpenVSwitch, VIFVHostUser,
    VIFHostDevice."""
    NAME = "ovs"


class LinuxBridgePlugin(GovifPlugin):
    """os-vif's "linux_bridge" plugin, done by govif: VIFBridge."""
    NAME = "linux_bridge"


class NoopPlugin(GovifPlugin):
    """os-vif's "noop" plugin, done by govif (nothing on the host; the daemon still counts it)."""
    NAME = "noop"
