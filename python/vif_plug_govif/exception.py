"""The bridge's exceptions. All are os_vif.exception.ExceptionBase, the class Nova's
LibvirtGenericVIFDriver turns into InternalError; os_vif.plug/unplug wrap them in
PlugException/UnplugException whose text ends with ours."""
from os_vif import exception as osv_exception


class GovifError(osv_exception.ExceptionBase):
    """Base of every error of the bridge."""
    msg_fmt = "govif: %(reason)s"


class DaemonUnavailable(GovifError):
    """The daemon's socket could not be reached (missing, refused, permission denied, or no
    answer within the timeout)."""
    msg_fmt = ("govif daemon at %(socket)s unavailable: %(reason)s")


class DaemonError(GovifError):
    """The daemon answered with an error. code is its stable error code (docs/api.md), status
    the HTTP status, field the rejected field path (if any)."""
    msg_fmt = "govif daemon refused %(op)s (%(code)s, HTTP %(status)s): %(message)s"

    def __init__(self, message=None, **kwargs):
        self.op = kwargs.get("op")
        self.code = kwargs.get("code")
        self.status = kwargs.get("status")
        self.daemon_message = kwargs.get("message")
        self.field = kwargs.get("field")
        self.vif_id = kwargs.get("vif_id")
        super().__init__(message, **kwargs)
