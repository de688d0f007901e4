"""The room's HTTP side (server.py): routes, credentials, and what a client
may cost.

Routes, and nothing else:
  GET|HEAD /  /room.css  /room.js   the page (no credential: it holds no data)
  GET  /api/room                    the room as JSON            (facilitator key)
  GET  /export.csv                  the room as CSV             (facilitator key)
  POST /api/record                  one participant's record    (join code + the row's secret)
  POST /api/admin/remove            {"participant": id}         (facilitator key)
  POST /api/admin/clear             {}                          (facilitator key)
A credential travels as "Authorization: Bearer ...", a row's secret as
"X-Room-Secret: ...". A connection has `deadline` seconds in all to send its
request and take the answer; on loopback, a Host header that is not the
room's own is refused (DNS rebinding).
"""

import io
import json
import socket
import sys
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from room_checks import BadRecord
from room_db import Refused
from room_limits import MAX_BODY

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "connect-src 'self'; img-src 'self'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
API_GET = ("/api/room", "/export.csv")
API_POST = ("/api/record", "/api/admin/remove", "/api/admin/clear")


class DeadlineReader(io.RawIOBase):
    """The socket's bytes, each read given only what is left of the deadline."""

    def __init__(self, sock, deadline):
        self.sock, self.deadline = sock, deadline

    def readable(self):
        return True

    def readinto(self, buffer):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took longer than the room allows")
        self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


class Handler(BaseHTTPRequestHandler):
    server_version = "PoolKatasRoom"
    sys_version = ""

    # Set by server.py: the Room, the static files' bytes, the allowed Hosts.
    room = None
    static = {}
    hosts = None          # None: any Host (the room listens on a network)
    deadline = 10.0       # seconds a connection may take in all
    quiet = True

    def setup(self):
        super().setup()
        self.ends = time.monotonic() + self.deadline
        plain, self.rfile = self.rfile, io.BufferedReader(DeadlineReader(self.connection, self.ends))
        plain.close()

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write("room: %s %s\n" % (self.address_string(), fmt % args))

    def send(self, status, body=b"", content_type="application/json", headers=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.connection.settimeout(max(0.1, self.ends - time.monotonic()))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in SECURITY_HEADERS.items():
            self.send_header(k, v)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, message, headers=None):
        # The body may be unread: do not try to read another request after it.
        self.close_connection = True
        # A request refused before its version was read is answered as HTTP/1.0,
        # with a status line, not as a bare HTTP/0.9 body.
        self.request_version = "HTTP/1.0" if self.request_version == "HTTP/0.9" else self.request_version
        self.send(status, json.dumps({"error": message}), headers=headers)

    def send_error(self, code, message=None, explain=None):
        # http.server's own refusals (a bad request line, too many headers, an
        # unknown method) as JSON, with the same headers as every answer.
        if code == HTTPStatus.NOT_IMPLEMENTED:
            code, message = HTTPStatus.METHOD_NOT_ALLOWED, "the room takes GET, HEAD and POST only"
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "refused"
        self.error(code, message or phrase, {"Allow": "GET, HEAD, POST"} if code == 405 else None)

    def parse_request(self):
        if not super().parse_request():
            return False
        if self.hosts is not None and (self.headers.get("Host") or "").strip().lower() not in self.hosts:
            self.error(421, "this room answers to its own address only (" + sorted(self.hosts)[0] + ")")
            return False
        return True

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (TimeoutError, ConnectionError):
            self.close_connection = True
        except Exception as e:   # noqa: BLE001  one line, never a traceback per request
            self.close_connection = True
            sys.stderr.write(f"room: a request failed: {type(e).__name__}: {e}\n")
            try:
                self.error(500, "the room failed on this request")
            except OSError:
                pass

    def role(self):
        scheme, _, given = self.headers.get("Authorization", "").partition(" ")
        return self.room.role(given) if scheme.lower() == "bearer" else None

    def need(self, wanted):
        """None when the credential is the one wanted, else the refusal sent."""
        role = self.role()
        if role is None:
            return self.error(401, "a credential is needed: the facilitator key or the join code")
        if wanted == "facilitator" and role != "facilitator":
            return self.error(403, "the join code posts records only: the room is read with the facilitator key")
        return role

    def answer(self, action):
        """Runs action() and sends what it returns, or the room's refusal."""
        try:
            status, body, *rest = action()
        except BadRecord as e:
            return self.error(400, str(e))
        except Refused as e:
            headers = {"Retry-After": str(e.retry_after)} if e.retry_after else None
            return self.error(e.status, str(e), headers)
        return self.send(status, body, *rest)

    def do_HEAD(self):
        path = urlsplit(self.path).path
        if path in self.static:
            return self.send(200, *self.static[path])
        if path in API_GET + API_POST:
            return self.error(405, "HEAD is for the page only", {"Allow": "GET" if path in API_GET else "POST"})
        return self.error(404, "not found")

    def do_GET(self):
        path = urlsplit(self.path).path
        if path in self.static:
            return self.send(200, *self.static[path])
        if path in API_POST:
            return self.error(405, "this takes a POST", {"Allow": "POST"})
        if path not in API_GET:
            return self.error(404, "not found")
        if not self.need("facilitator"):
            return None
        if path == "/api/room":
            return self.answer(lambda: (200, json.dumps(self.room.snapshot(), ensure_ascii=False)))
        return self.answer(lambda: (200, self.room.csv(), "text/csv; charset=utf-8",
                                    {"Content-Disposition": 'attachment; filename="room.csv"'}))

    def do_POST(self):
        path = urlsplit(self.path).path
        if path not in API_POST:
            return self.error(404, "not found")
        if not self.need("participant" if path == "/api/record" else "facilitator"):
            return None
        read, body = self.read_json()
        if not read:
            return None
        if path == "/api/record":
            secret = self.headers.get("X-Room-Secret", "").strip()
            return self.answer(lambda: (200, json.dumps({"ok": True, "seq": self.room.store(body, secret)})))
        if path == "/api/admin/clear":
            return self.answer(lambda: (200, json.dumps({"ok": self.room.clear() is None})))
        return self.answer(lambda: self.remove(body))

    def remove(self, body):
        pid = body.get("participant") if isinstance(body, dict) else None
        if not self.room.remove(pid):
            raise Refused(404, "there is no such participant in the room")
        return 200, json.dumps({"ok": True})

    def read_json(self):
        """(True, the request's JSON body), or (False, None) when a refusal was sent."""
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            refusal = (411, "send a Content-Length, not a chunked body")
        elif length is None:
            refusal = (411, "a Content-Length is needed")
        elif not length.strip().isdigit():
            refusal = (400, "bad Content-Length")
        elif len(length.strip()) > 9 or int(length) > MAX_BODY:
            refusal = (413, f"a record is at most {MAX_BODY} bytes")
        else:
            body = self.rfile.read(int(length))
            try:
                if len(body) != int(length):
                    refusal = (400, "the body ended early")
                else:
                    return True, json.loads(body.decode("utf-8"), parse_constant=reject_constant)
            except (UnicodeDecodeError, ValueError, RecursionError):
                refusal = (400, "the body is not JSON")
        self.error(*refusal)
        return False, None


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


class RoomServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128   # a room of participants connecting at once

    def server_bind(self):
        if self.address_family == socket.AF_INET6 and self.server_address[0] == "::":
            # "::" takes IPv4 too, where the system allows it.
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()

    def handle_error(self, request, client_address):
        # A client gone mid-answer, or a bug: one line, never a traceback.
        e = sys.exc_info()[1]
        if not isinstance(e, (ConnectionError, TimeoutError)):
            sys.stderr.write(f"room: a connection failed: {type(e).__name__}: {e}\n")


class RoomServer6(RoomServer):
    address_family = socket.AF_INET6
