"""The bridge's options, registered with oslo.config under [govif_daemon].

The section is the one `govif serve` reads for its own socket (docs/config.md), so one nova.conf
snippet configures both ends:

    [govif_daemon]
    socket = /run/govif/govif.sock
    request_timeout = 120
"""
from oslo_config import cfg

GROUP = "govif_daemon"
DEFAULT_SOCKET = "/run/govif/govif.sock"

OPTS = [
    cfg.StrOpt(
        "socket", default=DEFAULT_SOCKET,
        help="Unix socket of the govif daemon (govif serve). The nova-compute user must be "
             "allowed to connect: see [govif_daemon] socket_group on the daemon's side."),
    cfg.IntOpt(
        "request_timeout", default=120, min=1,
        help="Seconds a plug, unplug or host-info request may take. The daemon applies the "
             "same option to each request; the bridge waits this long plus "
             "connect_timeout for the answer, so the daemon's own timeout error arrives "
             "first when both read the same value."),
    cfg.FloatOpt(
        "connect_timeout", default=5.0, min=0.1,
        help="Seconds to wait for the connection to the daemon's socket. A missing socket, "
             "a refused connection or a permission error fail at once."),
]

_registered = False


def register_opts(conf=None):
    """Register the options on conf (default cfg.CONF); safe to call more than once."""
    global _registered
    conf = conf or cfg.CONF
    if conf is cfg.CONF and _registered:
        return
    conf.register_opts(OPTS, group=cfg.OptGroup(GROUP, "govif daemon (os-vif-govif bridge)"))
    if conf is cfg.CONF:
        _registered = True


def list_opts():
    """For oslo-config-generator."""
    return [(GROUP, OPTS)]
