#!/usr/bin/env python3
"""The facilitator's room view: a small HTTP server that keeps the room in SQLite.

    python3 harness/room/server.py [--port 8765] [--listen 127.0.0.1]
                                   [--stuck-minutes 15] [--db build/room/room.sqlite3]

Participants post one JSON record each (harness/room/share.py, `make share`);
the page (index.html, room.css, room.js: the only files served) polls
/api/room and draws participants x katas. Python's standard library only:
http.server parses the requests, sqlite3 stores them, json reads them.

Routes, and nothing else:
  GET  /  /room.css  /room.js     the page (no token: it holds no data)
  GET  /api/room                  the room as JSON        (token)
  GET  /export.csv                the room as CSV         (token)
  POST /api/record                one participant's record (token)
The token travels as "Authorization: Bearer TOKEN"; the page reads it from
the URL's fragment (#token=...), which browsers never send to a server.
"""

import argparse
import csv
import hmac
import io
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MANIFEST = os.path.join(ROOT, "katas", "manifest.txt")

MAX_BODY = 16 * 1024          # bytes; a full record of twenty katas is about 4 KiB
STATES = ("failing", "green", "does not compile")
MAX_NAME = 40
MAX_WHY = 200
MAX_HINTS = 99
ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# The page and its assets, read once at start: a request can reach nothing else.
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/room.css": ("room.css", "text/css; charset=utf-8"),
    "/room.js": ("room.js", "text/javascript; charset=utf-8"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "connect-src 'self'; img-src 'self'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def read_manifest(path=MANIFEST):
    """The katas as [(number, title)], from the manifest's non-comment lines."""
    katas = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [x.strip() for x in line.split("|")]
            katas.append((fields[0], fields[4] if len(fields) > 4 else fields[0]))
    return katas


class BadRecord(ValueError):
    """A record the room does not store: the reason goes back with a 400."""


def check_text(value, what, limit, empty_ok):
    if not isinstance(value, str):
        raise BadRecord(f"{what} must be a string")
    value = value.strip()
    if not value and not empty_ok:
        raise BadRecord(f"{what} must not be empty")
    if len(value) > limit:
        raise BadRecord(f"{what} is longer than {limit} characters")
    if CONTROL_RE.search(value):
        raise BadRecord(f"{what} holds control characters")
    return value


def check_int(value, what, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadRecord(f"{what} must be a whole number from {low} to {high}")
    return value


def validate(record, kata_numbers):
    """The record as (id, name, {kata: (state, hints, why, changed)}), or BadRecord."""
    if not isinstance(record, dict):
        raise BadRecord("the record must be a JSON object")
    extra = set(record) - {"id", "name", "katas"}
    if extra:
        raise BadRecord("unknown fields: " + ", ".join(sorted(extra))[:100])
    pid = record.get("id")
    if not isinstance(pid, str) or not ID_RE.match(pid):
        raise BadRecord("id must be 8 to 64 letters, digits, - or _")
    name = check_text(record.get("name"), "name", MAX_NAME, empty_ok=False)
    katas = record.get("katas")
    if not isinstance(katas, dict):
        raise BadRecord("katas must be an object keyed by kata number")
    cells = {}
    for number, cell in katas.items():
        if number not in kata_numbers:
            raise BadRecord(f"there is no kata {number[:10]!r}")
        if not isinstance(cell, dict) or set(cell) - {"state", "hints", "why", "changed"}:
            raise BadRecord(f"kata {number}: expected state, hints, why, changed")
        state = cell.get("state")
        if state not in STATES:
            raise BadRecord(f"kata {number}: state must be one of " + ", ".join(STATES))
        hints = check_int(cell.get("hints", 0), f"kata {number}: hints", 0, MAX_HINTS)
        why = check_text(cell.get("why", ""), f"kata {number}: why", MAX_WHY, empty_ok=True)
        changed = check_int(cell.get("changed"), f"kata {number}: changed", 0, 2**40)
        cells[number] = (state, hints, why, changed)
    return pid, name, cells


class Room:
    """The room's SQLite database. Every write commits before it is acknowledged."""

    def __init__(self, path, stuck_minutes):
        self.path = path
        self.stuck_seconds = stuck_minutes * 60
        self.stuck_minutes = stuck_minutes
        self.katas = read_manifest()
        self.kata_numbers = {n for n, _ in self.katas}
        self.titles = dict(self.katas)
        self.lock = threading.Lock()
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fresh = not os.path.exists(path)
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if fresh:
            os.chmod(path, 0o600)   # it holds the token
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS posts (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                participant TEXT NOT NULL, received REAL NOT NULL, body TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS participants (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, last_seen REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS cells (
                participant TEXT NOT NULL, kata TEXT NOT NULL, state TEXT NOT NULL,
                hints INTEGER NOT NULL, why TEXT NOT NULL, changed INTEGER NOT NULL,
                since REAL NOT NULL, PRIMARY KEY (participant, kata));
        """)
        row = self.db.execute("SELECT value FROM meta WHERE key = 'token'").fetchone()
        if row:
            self.token = row[0]
        else:
            self.token = secrets.token_urlsafe(18)
            self.db.execute("INSERT INTO meta VALUES ('token', ?)", (self.token,))

    def store(self, record):
        """Validates and stores one record; returns its sequence number."""
        pid, name, cells = validate(record, self.kata_numbers)
        body = json.dumps(record, sort_keys=True, separators=(",", ":"))
        now = time.time()
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                seq = self.db.execute(
                    "INSERT INTO posts (participant, received, body) VALUES (?, ?, ?)",
                    (pid, now, body)).lastrowid
                self.db.execute(
                    "INSERT INTO participants VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE "
                    "SET name = excluded.name, last_seen = excluded.last_seen", (pid, name, now))
                old = {k: (s, since) for k, s, since in self.db.execute(
                    "SELECT kata, state, since FROM cells WHERE participant = ?", (pid,))}
                # The record is the participant's whole progress: a kata put back
                # as shipped (make reset) leaves the grid.
                self.db.execute("DELETE FROM cells WHERE participant = ?", (pid,))
                for kata, (state, hints, why, changed) in cells.items():
                    if kata in old and old[kata][0] == state:
                        since = old[kata][1]
                    else:
                        # When the state began, by the participant's clock, never
                        # in the room's future.
                        since = min(float(changed), now)
                    self.db.execute("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?)",
                                    (pid, kata, state, hints, why, changed, since))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return seq

    def snapshot(self):
        """The room as the page draws it: participants, cells, counts per kata."""
        now = time.time()
        with self.lock:
            people = self.db.execute(
                "SELECT id, name, last_seen FROM participants ORDER BY name COLLATE NOCASE, id"
            ).fetchall()
            cells = self.db.execute(
                "SELECT participant, kata, state, hints, why, changed, since FROM cells").fetchall()
        counts = {n: {"green": 0, "failing": 0, "stuck": 0, "does not compile": 0}
                  for n, _ in self.katas}
        by_person = {pid: {} for pid, _, _ in people}
        for pid, kata, state, hints, why, changed, since in cells:
            stuck = self.is_stuck(state, hints, since, now)
            by_person.setdefault(pid, {})[kata] = {
                "state": state, "hints": hints, "why": why, "changed": changed,
                "since": since, "stuck": stuck}
            if kata in counts:
                counts[kata][state] += 1
                counts[kata]["stuck"] += stuck
        return {
            "now": now,
            "stuck_minutes": self.stuck_minutes,
            "katas": [{"number": n, "title": t} for n, t in self.katas],
            "participants": [{"id": pid, "name": name, "last_seen": seen, "cells": by_person[pid]}
                             for pid, name, seen in people],
            "counts": counts,
        }

    def is_stuck(self, state, hints, since, now):
        return state == "failing" and (now - since > self.stuck_seconds or hints >= 3)

    def csv(self):
        room = self.snapshot()
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(["participant", "kata", "title", "state", "stuck", "hints", "why",
                    "changed_utc", "state_since_utc", "last_seen_utc"])
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        for p in room["participants"]:
            for kata in sorted(p["cells"]):
                c = p["cells"][kata]
                w.writerow([safe_cell(p["name"]), kata, self.titles.get(kata, ""), c["state"],
                            "yes" if c["stuck"] else "no", c["hints"], safe_cell(c["why"]),
                            iso(c["changed"]), iso(c["since"]), iso(p["last_seen"])])
        return out.getvalue()


def safe_cell(text):
    """A spreadsheet must not read a participant's text as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class Handler(BaseHTTPRequestHandler):
    server_version = "PoolKatasRoom"
    sys_version = ""
    timeout = 10          # seconds a client may take to send its request

    # Set by serve(): the Room and the static files' bytes.
    room = None
    static = {}
    quiet = True

    def log_message(self, fmt, *args):
        if not self.quiet:
            sys.stderr.write("room: %s %s\n" % (self.address_string(), fmt % args))

    def send(self, status, body=b"", content_type="application/json", headers=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
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

    def error(self, status, message):
        # The body may be unread: do not try to read another request after it.
        self.close_connection = True
        self.send(status, json.dumps({"error": message}))

    def authorised(self):
        given = self.headers.get("Authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer":
            token = ""
        return hmac.compare_digest(token.strip().encode("utf-8"),
                                   self.room.token.encode("utf-8"))

    def do_GET(self):
        path = urlsplit(self.path).path
        if path in self.static:
            body, content_type = self.static[path]
            return self.send(200, body, content_type)
        if path not in ("/api/room", "/export.csv"):
            return self.error(404, "not found")
        if not self.authorised():
            return self.error(401, "a room token is needed")
        if path == "/api/room":
            return self.send(200, json.dumps(self.room.snapshot()))
        return self.send(200, self.room.csv(), "text/csv; charset=utf-8",
                         {"Content-Disposition": 'attachment; filename="room.csv"'})

    def do_POST(self):
        if urlsplit(self.path).path != "/api/record":
            return self.error(404, "not found")
        if not self.authorised():
            return self.error(401, "a room token is needed")
        if self.headers.get("Transfer-Encoding"):
            return self.error(411, "send a Content-Length, not a chunked body")
        length = self.headers.get("Content-Length")
        if length is None:
            return self.error(411, "a Content-Length is needed")
        try:
            length = int(length)
        except ValueError:
            return self.error(400, "bad Content-Length")
        if length < 0:
            return self.error(400, "bad Content-Length")
        if length > MAX_BODY:
            return self.error(413, f"a record is at most {MAX_BODY} bytes")
        body = self.rfile.read(length)
        if len(body) != length:
            return self.error(400, "the body ended early")
        try:
            record = json.loads(body.decode("utf-8"), parse_constant=reject_constant)
        except (UnicodeDecodeError, ValueError, RecursionError):
            return self.error(400, "the body is not JSON")
        try:
            seq = self.room.store(record)
        except BadRecord as e:
            return self.error(400, str(e))
        self.send(200, json.dumps({"ok": True, "seq": seq}))


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


class RoomServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128   # a room of participants connecting at once


def load_static():
    static = {}
    for route, (name, content_type) in STATIC.items():
        with open(os.path.join(HERE, name), "rb") as f:
            static[route] = (f.read(), content_type)
    return static


def stop_as_interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    p = argparse.ArgumentParser(description="The facilitator's live view of the room.")
    p.add_argument("--port", type=int, default=8765, help="0: any free port")
    p.add_argument("--listen", default="127.0.0.1",
                   help="the address to bind (0.0.0.0: the local network)")
    p.add_argument("--stuck-minutes", type=float, default=15,
                   help="failing for longer than this counts as stuck (3 hints do too)")
    p.add_argument("--db", default=os.path.join(ROOT, "build", "room", "room.sqlite3"))
    p.add_argument("--verbose", action="store_true", help="log every request")
    args = p.parse_args(argv)
    if args.stuck_minutes <= 0:
        p.error("--stuck-minutes must be positive")

    room = Room(args.db, args.stuck_minutes)
    Handler.room = room
    Handler.static = load_static()
    Handler.quiet = not args.verbose
    try:
        server = RoomServer((args.listen, args.port), Handler)
    except OSError as e:
        print(f"room: cannot listen on {args.listen}:{args.port}: {e.strerror} "
              f"(another port: make room ROOM_PORT=8766)", file=sys.stderr)
        return 2
    port = server.server_address[1]
    local = args.listen in ("127.0.0.1", "localhost", "::1")
    host = "127.0.0.1" if local or args.listen in ("0.0.0.0", "::") else args.listen
    if local:
        print(f"room: listening on {args.listen} only, this machine "
              "(make room LISTEN=0.0.0.0 opens it to the local network)")
        share_host = f"{host}:{port}"
    else:
        print(f"room: listening on {args.listen}: anyone on this network with the token "
              "can post and view")
        share_host = f"{socket.gethostname()}:{port}"
    print(f"room: the page:  http://{host}:{port}/#token={room.token}")
    print(f"room: token {room.token}")
    print(f"room: participants run: make share ROOM=http://{share_host} TOKEN={room.token} NAME=...")
    if not local:
        print("room: (if that host name does not resolve for them, use this machine's "
              "address: hostname -I)")
    print(f"room: stuck = failing for more than {args.stuck_minutes:g} minutes, or 3 hints; "
          f"stored in {os.path.relpath(args.db, os.getcwd())} (Ctrl-C stops; a restart keeps "
          "the room and its token)", flush=True)
    # A stop by kill or by the terminal closing is a Ctrl-C too.
    signal.signal(signal.SIGTERM, stop_as_interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nroom: closed; everything acknowledged is in the database", flush=True)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
