"""The room's SQLite database (server.py): the credentials, who is in the room,
their cells and their last records.

One connection writes, behind the room's own lock, and never waits for
SQLite's: a database that another program holds answers 503 at once. Each read
opens a connection of its own and waits at most half a second. Every write
commits before it is acknowledged. A database that cannot be written is
refused at start (StartError); a fault later is a 503 and one line on stderr.
"""

import contextlib
import csv
import hashlib
import hmac
import io
import json
import os
import secrets
import sqlite3
import sys
import threading
import time
from collections import Counter

from room_checks import SECRET_RE, check_id, look_alike, validate
from room_limits import MAX_BODY, WAL_LIMIT, RateLimiter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
import formats  # noqa: E402  (the one Python reader of the manifest)

MANIFEST = formats.MANIFEST
FORMAT = "2"                 # 1: one token for everyone (refused: start a new room)
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"   # nothing to misread on a board
WRITE_WAIT = 0.8             # seconds a post waits for the room's own write lock
READ_BUSY_MS = 500           # a read waits this long for another program's lock


def read_manifest(path=MANIFEST):
    """The katas as [(number, title)], in the manifest's order."""
    return [(kata["number"], kata.get("title", kata["number"])) for kata in formats.read_manifest(path)]


class Refused(Exception):
    """A request the room answers with a 4xx or 503 and one line; nothing stored."""

    def __init__(self, status, message, retry_after=None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class StartError(Exception):
    """The database cannot hold a room: the server says why in one line and stops."""


def normal_code(text):
    return "".join(text.split()).replace("-", "").lower()


def new_code():
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(letters[i:i + 4] for i in range(0, 12, 4))


def safe_cell(text):
    """A spreadsheet must not read a participant's text as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class Room:
    def __init__(self, path, stuck_minutes=15, max_participants=300, history=10,
                 limiter=None, katas=None, writer_waits_ms=0):
        self.path = path
        self.writer_waits_ms = writer_waits_ms   # the server: 0; make room REMOVE=...: a while
        self.stuck_minutes = stuck_minutes
        self.stuck_seconds = stuck_minutes * 60
        self.max_participants = max_participants
        self.history = history
        self.limiter = limiter or RateLimiter(40)
        self.katas = katas or read_manifest()
        self.kata_numbers = {n for n, _ in self.katas}
        self.titles = dict(self.katas)
        self.write_lock = threading.Lock()
        self.last_fault = (None, 0.0)
        try:
            self.open()
        except sqlite3.Error as e:
            raise StartError(f"cannot use the database {path}: {e}") from None
        except OSError as e:
            raise StartError(f"cannot use the database {path}: {e.strerror or e}") from None

    def connect(self, busy_ms):
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0)
        db.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        return db

    def open(self):
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), mode=0o700, exist_ok=True)
        self.owner_only()
        self.db = self.connect(max(self.writer_waits_ms, 2000))   # at start, a while
        mode = self.db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal":
            raise StartError(f"cannot use the database {self.path}: it stays in {mode} mode, not WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS posts (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                participant TEXT NOT NULL, received REAL NOT NULL, body TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS posts_by_participant ON posts (participant, seq);
            CREATE TABLE IF NOT EXISTS participants (
                id TEXT PRIMARY KEY, n INTEGER NOT NULL, name TEXT NOT NULL,
                secret TEXT NOT NULL, last_seen REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS cells (
                participant TEXT NOT NULL, kata TEXT NOT NULL, state TEXT NOT NULL,
                hints INTEGER NOT NULL, why TEXT NOT NULL, changed INTEGER NOT NULL,
                since REAL NOT NULL, PRIMARY KEY (participant, kata));
            CREATE TABLE IF NOT EXISTS removed (id TEXT PRIMARY KEY);
        """)
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        if "token" in meta:
            raise StartError(f"{self.path} holds a room from before the facilitator key and the "
                             "join code (one token for everyone): move it away to start a new room")
        # The write that proves the database can be written, before any client.
        self.db.execute("BEGIN IMMEDIATE")
        for key, value in (("format", FORMAT), ("facilitator_key", secrets.token_urlsafe(24)),
                           ("join_code", new_code())):
            self.db.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (key, value))
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('opened', ?)", (str(time.time()),))
        self.db.execute("COMMIT")
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        self.key, self.code = meta["facilitator_key"], meta["join_code"]
        self.db.execute(f"PRAGMA busy_timeout = {int(self.writer_waits_ms)}")
        self.owner_only()

    def owner_only(self):
        """The database, its WAL and shared memory hold the credentials: no
        access for group or others (and no write added to a read-only file)."""
        for name in (self.path, self.path + "-wal", self.path + "-shm"):
            if os.path.exists(name) and os.stat(name).st_mode & 0o077:
                os.chmod(name, os.stat(name).st_mode & 0o700)

    def role(self, given):
        """"facilitator", "participant" or None for the credential given."""
        given = given.strip().encode("utf-8", "replace")
        if hmac.compare_digest(given, self.key.encode()):
            return "facilitator"
        code = normal_code(given.decode("utf-8", "replace")).encode("utf-8", "replace")
        if hmac.compare_digest(code, normal_code(self.code).encode()):
            return "participant"
        return None

    # --- faults ---------------------------------------------------------------

    def fault(self, error):
        text = str(error)
        if "locked" in text or "busy" in text:
            return Refused(503, "the room's database is locked by another program: "
                                "try again in a second", 1)
        now = time.monotonic()
        if self.last_fault[0] != text or now - self.last_fault[1] > 60:
            print(f"room: the database failed: {text} (a full disk, or a file made read-only?); "
                  "requests get 503 until it works again", file=sys.stderr, flush=True)
            self.last_fault = (text, now)
        return Refused(503, f"the room cannot use its database now ({text})", 30)

    @contextlib.contextmanager
    def writing(self):
        """A write transaction: 503 rather than a wait behind another's lock."""
        if not self.write_lock.acquire(timeout=WRITE_WAIT):
            raise Refused(503, "the room is busy: try again in a second", 1)
        try:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise self.fault(e) from None
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException as e:
                if self.db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self.db.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error):
                    raise self.fault(e) from None
                raise
        finally:
            self.write_lock.release()

    @contextlib.contextmanager
    def reading(self):
        try:
            db = self.connect(READ_BUSY_MS)
        except sqlite3.Error as e:
            raise self.fault(e) from None
        try:
            db.execute("BEGIN")
            yield db
        except sqlite3.Error as e:
            raise self.fault(e) from None
        finally:
            db.close()

    # --- participants' records ---------------------------------------------------

    def store(self, record, secret):
        """Validates and stores one record; returns its sequence number."""
        pid, name, cells = validate(record, self.kata_numbers)
        if not isinstance(secret, str) or not SECRET_RE.fullmatch(secret):
            raise Refused(403, "a record needs its participant's secret (X-Room-Secret); "
                               "make share keeps it in .kata-state/room")
        body = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if len(body.encode("utf-8")) > MAX_BODY:
            raise Refused(413, f"a record is at most {MAX_BODY} bytes")
        digest = hashlib.sha256(secret.encode("ascii")).hexdigest()
        now = time.time()
        with self.writing() as db:
            row = db.execute("SELECT secret FROM participants WHERE id = ?", (pid,)).fetchone()
            if row is None:
                if db.execute("SELECT 1 FROM removed WHERE id = ?", (pid,)).fetchone():
                    raise Refused(403, "the facilitator removed this participant from the room")
                if db.execute("SELECT COUNT(*) FROM participants").fetchone()[0] >= self.max_participants:
                    raise Refused(409, f"the room is full ({self.max_participants} participants): "
                                       "ask the facilitator")
            elif not hmac.compare_digest(row[0], digest):
                raise Refused(403, "this row is another participant's: a row takes records only "
                                   "with the secret of its first record")
            wait = self.limiter.take(pid)
            if wait:
                raise Refused(429, f"too many records: at most {self.limiter.burst} at once, "
                                   f"then one every {self.limiter.every:g} s", wait)
            seq = db.execute("INSERT INTO posts (participant, received, body) VALUES (?, ?, ?)",
                             (pid, now, body)).lastrowid
            db.execute("DELETE FROM posts WHERE participant = ? AND seq NOT IN (SELECT seq FROM posts "
                       "WHERE participant = ? ORDER BY seq DESC LIMIT ?)", (pid, pid, self.history))
            if row is None:
                db.execute("INSERT INTO participants VALUES (?, (SELECT COALESCE(MAX(n), 0) + 1 "
                           "FROM participants), ?, ?, ?)", (pid, name, digest, now))
            else:
                db.execute("UPDATE participants SET name = ?, last_seen = ? WHERE id = ?", (name, now, pid))
            old = {k: (s, since) for k, s, since in db.execute(
                "SELECT kata, state, since FROM cells WHERE participant = ?", (pid,))}
            # The record is the participant's whole progress: a kata put back
            # as shipped (make reset) leaves the grid.
            db.execute("DELETE FROM cells WHERE participant = ?", (pid,))
            for kata, (state, hints, why, changed) in cells.items():
                if kata in old and old[kata][0] == state:
                    since = old[kata][1]
                else:
                    # When the state began, by the participant's clock, never
                    # in the room's future.
                    since = min(float(changed), now)
                db.execute("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (pid, kata, state, hints, why, changed, since))
        return seq

    def snapshot(self):
        """The room as the page draws it: participants, cells, counts per kata."""
        now = time.time()
        with self.reading() as db:
            people = db.execute("SELECT id, n, name, last_seen FROM participants").fetchall()
            cells = db.execute(
                "SELECT participant, kata, state, hints, why, changed, since FROM cells").fetchall()
        counts = {n: {"green": 0, "failing": 0, "stuck": 0, "does not compile": 0}
                  for n, _ in self.katas}
        by_person = {p[0]: {} for p in people}
        for pid, kata, state, hints, why, changed, since in cells:
            stuck = self.is_stuck(state, hints, since, now)
            by_person.setdefault(pid, {})[kata] = {
                "state": state, "hints": hints, "why": why, "changed": changed,
                "since": since, "stuck": stuck}
            if kata in counts:
                counts[kata][state] += 1
                counts[kata]["stuck"] += stuck
        # Names a projector draws alike sit together and carry their numbers.
        people.sort(key=lambda p: (look_alike(p[2]), p[1]))
        looks = Counter(look_alike(name) for _, _, name, _ in people)
        return {
            "now": now,
            "stuck_minutes": self.stuck_minutes,
            "max_participants": self.max_participants,
            "katas": [{"number": n, "title": t} for n, t in self.katas],
            "participants": [{"id": pid, "n": n, "name": name, "alike": looks[look_alike(name)] > 1,
                              "last_seen": seen, "cells": by_person[pid]}
                             for pid, n, name, seen in people],
            "counts": counts,
        }

    def is_stuck(self, state, hints, since, now):
        return state == "failing" and (now - since > self.stuck_seconds or hints >= 3)

    def csv(self):
        room = self.snapshot()
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(["participant", "number", "kata", "title", "state", "stuck", "hints", "why",
                    "changed_utc", "state_since_utc", "last_seen_utc"])
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))  # noqa: E731
        for p in room["participants"]:
            for kata in sorted(p["cells"]):
                c = p["cells"][kata]
                w.writerow([safe_cell(p["name"]), p["n"], kata, self.titles.get(kata, ""), c["state"],
                            "yes" if c["stuck"] else "no", c["hints"], safe_cell(c["why"]),
                            iso(c["changed"]), iso(c["since"]), iso(p["last_seen"])])
        return out.getvalue()

    # --- the facilitator's controls -----------------------------------------------

    def find(self, who):
        """[(id, n, name)] for an id, a number (#12 or 12) or an exact name."""
        who = who.strip()
        with self.reading() as db:
            if who.lstrip("#").isdigit():
                return db.execute("SELECT id, n, name FROM participants WHERE n = ?",
                                  (int(who.lstrip("#")),)).fetchall()
            return db.execute("SELECT id, n, name FROM participants WHERE id = ? OR name = ? "
                              "ORDER BY n", (who, who)).fetchall()

    def remove(self, pid):
        """Removes one participant (an id) and refuses its later records: True if it was there."""
        check_id(pid, "participant")
        with self.writing() as db:
            gone = db.execute("DELETE FROM participants WHERE id = ?", (pid,)).rowcount
            db.execute("DELETE FROM cells WHERE participant = ?", (pid,))
            db.execute("DELETE FROM posts WHERE participant = ?", (pid,))
            if gone:
                db.execute("INSERT OR IGNORE INTO removed VALUES (?)", (pid,))
        self.limiter.forget(pid)
        return bool(gone)

    def clear(self):
        """Every participant, record and removal gone; the key and join code stay."""
        with self.writing() as db:
            for table in ("participants", "cells", "posts", "removed"):
                db.execute(f"DELETE FROM {table}")
        self.limiter.forget()
