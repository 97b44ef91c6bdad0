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
    """The daemon answered with an error: code is its stable error code (docs/api.md), status
    the HTTP status, detail its message, field the rejected field path (if any), vif_id the
    VIF's id."""
    msg_fmt = "govif daemon refused %(op)s (%(code)s, HTTP %(status)s%(where)s): %(detail)s"

    def __init__(self, op, code, status, detail, field=None, vif_id=None):
        self.op = op
        self.code = code
        self.status = status
        self.detail = detail
        self.field = field
        self.vif_id = vif_id
        where = ", field %s" % field if field else ""
        super().__init__(op=op, code=code, status=status, detail=detail, where=where)
