"""gunicorn's access log for PixioDoc: no capability token, no query string, cheap.

Set as `logger_class` in deploy/gunicorn.conf.py. gunicorn's own logger builds,
for every request, a dictionary of every request header, response header and
environ variable so that any format can name them; that work was a measurable
share of a covered thumbnail (issue 19), and the Referer, the query string and the
raw request line can carry a share-link token or a search (S27, S39). This one
offers only the fields below, with the path's capability tokens replaced
(pixiodoc.logs.redact_path); any other field in `access_log_format` prints `-`.

    h  client address    m  method       U  path, tokens redacted
    H  protocol          s  status       B  body bytes sent
    L  seconds (µs)      t  time         {x-request-id}o  the request id
"""

from gunicorn import glogging

from pixiodoc.logs import redact_path


class RedactingAccessLogger(glogging.Logger):
    def atoms(self, resp, req, environ, request_time):
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        atoms = {
            "h": environ.get("REMOTE_ADDR", "-"),
            "m": environ.get("REQUEST_METHOD"),
            "U": redact_path(environ.get("PATH_INFO", "")),
            "H": environ.get("SERVER_PROTOCOL"),
            "s": status,
            "B": getattr(resp, "sent", None),
            "L": f"{request_time.seconds}.{request_time.microseconds:06d}",
            "t": self.now(),
        }
        for name, value in resp.headers:
            if name.lower() == "x-request-id":
                atoms["{x-request-id}o"] = value
        return atoms
