"""A small client of the govif daemon's HTTP+JSON API (docs/api.md) over its unix socket,
with the standard library's http.client.

Every call opens one connection and closes it: a compute node plugs a few VIFs a minute, and a
fresh connection never inherits a half-read answer. Connecting fails at once when the socket is
missing, refuses, or may not be opened (EACCES); a connection that does not answer is bounded by
connect_timeout, a request by request_timeout + connect_timeout.
"""
import errno
import http.client
import json
import os
import socket

from vif_plug_govif import exception

PATH_PLUG = "/v1/plug"
PATH_UNPLUG = "/v1/unplug"
PATH_HOST_INFO = "/v1/host-info"


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, connect_timeout, timeout):
        super().__init__("govif", timeout=timeout)
        self._path = path
        self._connect_timeout = connect_timeout

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self._connect_timeout)
            sock.connect(self._path)
            sock.settimeout(self.timeout)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


def _reason(err, timeout):
    if isinstance(err, socket.timeout):
        return ("timed out: no answer within %.1f s ([govif_daemon] request_timeout + "
                "connect_timeout)" % timeout)
    if isinstance(err, OSError) and err.errno is not None:
        hint = {
            errno.ENOENT: " (is govif serve running?)",
            errno.ECONNREFUSED: " (is govif serve running?)",
            errno.EACCES: (" (the nova-compute user must be in the socket's group: "
                           "[govif_daemon] socket_group)"),
        }.get(err.errno, "")
        # Spelled out here: under eventlet (nova-compute) the error's own text is only the
        # errno's name.
        return "%s: %s%s" % (errno.errorcode.get(err.errno, err.errno),
                             os.strerror(err.errno), hint)
    return "%s: %s" % (type(err).__name__, err)


class Client(object):
    """Calls the daemon at socket_path. request_timeout and connect_timeout are seconds."""

    def __init__(self, socket_path, request_timeout=120, connect_timeout=5.0):
        self.socket_path = socket_path
        self.request_timeout = float(request_timeout)
        self.connect_timeout = float(connect_timeout)

    def _call(self, op, method, path, body=None):
        conn = _UnixHTTPConnection(self.socket_path, self.connect_timeout,
                                   self.request_timeout + self.connect_timeout)
        try:
            headers = {}
            data = None
            if body is not None:
                data = json.dumps(body).encode("utf-8")
                headers["Content-Type"] = "application/json"
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
            except (OSError, http.client.HTTPException) as err:
                raise exception.DaemonUnavailable(
                    socket=self.socket_path,
                    reason=_reason(err, self.request_timeout + self.connect_timeout))
        finally:
            conn.close()
        if 200 <= resp.status < 300:
            try:
                return json.loads(raw.decode("utf-8"))
            except ValueError as err:
                raise exception.GovifError(
                    reason="%s: reply is not JSON: %s" % (op, err))
        try:
            e = json.loads(raw.decode("utf-8"))["error"]
            code, message = e["code"], e.get("message", "")
        except (ValueError, KeyError, TypeError):
            e, code = {}, "internal"
            message = raw.decode("utf-8", "replace").strip()
        raise exception.DaemonError(op, code, resp.status, message,
                                    field=e.get("field"), vif_id=e.get("vif_id"))

    def plug(self, vif_primitive, instance_primitive):
        """POST /v1/plug with the two primitives as the caller's os-vif made them."""
        return self._call("plug", "POST", PATH_PLUG,
                          {"vif": vif_primitive, "instance_info": instance_primitive})

    def unplug(self, vif_primitive, instance_primitive):
        """POST /v1/unplug."""
        return self._call("unplug", "POST", PATH_UNPLUG,
                          {"vif": vif_primitive, "instance_info": instance_primitive})

    def host_info(self, manifest=None, permitted=None):
        """POST /v1/host-info: the HostInfo primitive, backported to manifest (class name ->
        version the caller knows) and filtered to the permitted VIF class names."""
        body = {}
        if manifest is not None:
            body["manifest"] = manifest
        if permitted is not None:
            body["permitted"] = list(permitted)
        return self._call("host-info", "POST", PATH_HOST_INFO, body)
