#!/usr/bin/env python3
"""Tests of the room under faults of its own machine (make room-test): a
database locked by another program, a read-only database, a full disk, file
modes, and a client that trickles its request. Each gets a quick 503 or a
one-line refusal, never a wait, a hang or a traceback.

    cd harness/room && python3 -B -m unittest test_faults [-v]
"""

import contextlib
import json
import os
import resource
import select
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from room_testlib import MAX_BODY, KATAS, Server, cell, posts_in, record, refusal, request


@contextlib.contextmanager
def read_only(path):
    """path made read-only, to its owner too: by its mode, or (for root, whom
    modes do not stop) by the immutable attribute."""
    mode = os.stat(path).st_mode & 0o777
    if os.geteuid() != 0:
        os.chmod(path, mode & 0o555)
        try:
            yield
        finally:
            os.chmod(path, mode)
        return
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", path], capture_output=True).returncode:
        raise unittest.SkipTest("running as root, where a read-only mode does not stop writes, without chattr +i")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", path], capture_output=True)


class FaultCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="room-faults-")
        self.db = os.path.join(self.tmp, "room.sqlite3")
        self.servers = []

    def tearDown(self):
        for server in self.servers:
            server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, **kw):
        server = Server(self.db, **kw)
        self.servers.append(server)
        return server

    def output(self, server):
        """What the server printed after its start (stdout and stderr)."""
        server.stop()
        time.sleep(0.2)
        return "".join(server.rest)

    def assertRefusedAtStart(self):
        status, out, err = refusal("--db", self.db, "--port", "0")
        self.assertEqual(status, 2, (out, err))
        self.assertNotIn("Traceback", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn("room: cannot use the database", err)
        self.assertNotIn("listening", out)


class LockTest(FaultCase):
    def test_a_locked_database_answers_503_within_a_second(self):
        server = self.start()
        self.assertEqual(server.post(record("before001", "Ada", {"01": cell("green")}))[0], 200)
        before = posts_in(self.db)
        locker = sqlite3.connect(self.db, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")     # another program holds the write lock
        answers = {}

        def timed(what, call):
            started = time.monotonic()
            answers[what] = call() + (time.monotonic() - started,)
        calls = {f"post {i}": (lambda i=i: server.post(record(f"locked{i:03d}", f"P{i}", {"01": cell("green")})))
                 for i in range(6)}
        calls.update({f"room {i}": (lambda: request(server.url + "/api/room", token=server.key)) for i in range(3)})
        calls.update({"page": lambda: request(server.url + "/"), "script": lambda: request(server.url + "/room.js")})
        try:
            threads = [threading.Thread(target=timed, args=item) for item in calls.items()]
            for t in threads:
                t.start()
            for t in threads:
                t.join(15)
            self.assertEqual(posts_in(self.db), before)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        self.assertEqual(set(answers), set(calls))
        for what, (status, body, headers, took) in answers.items():
            with self.subTest(what):
                self.assertLess(took, 1.0)
                if what.startswith("post"):
                    self.assertEqual(status, 503, body)
                    self.assertEqual(headers["Retry-After"], "1")
                    self.assertIn("locked", json.loads(body)["error"])
                else:
                    self.assertEqual(status, 200)
                    if what.startswith("room"):     # the last grid, still there to draw
                        self.assertEqual([p["id"] for p in json.loads(body)["participants"]], ["before001"])
        self.assertEqual(server.post(record("after0001", "Bo", {"01": cell("green")}))[0], 200)
        self.assertNotIn("Traceback", self.output(server))


class DiskTest(FaultCase):
    def test_a_read_only_database_is_refused_at_start(self):
        self.output(self.start())            # a room, stopped
        with read_only(self.db):
            self.assertRefusedAtStart()
        for end in ("-wal", "-shm"):         # what the refused start left
            if os.path.exists(self.db + end):
                os.remove(self.db + end)
        with read_only(self.tmp):            # the WAL cannot be made beside it
            self.assertRefusedAtStart()
        self.output(self.start())            # and it works again

    def test_a_full_disk_answers_503_in_one_line(self):
        limit = 320 * 1024

        def small_disk():
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        server = self.start(preexec_fn=small_disk, extra=("--rate", "100000"))
        why = "w" * 200
        big = {k: cell("failing", 1, why) for k in KATAS}
        statuses = []
        for i in range(40):
            status, body, headers = server.post(record(f"full{i % 4:05d}", "Full", big))
            statuses.append(status)
            if status == 503:
                self.assertIn("cannot use its database", json.loads(body)["error"])
                self.assertTrue(headers["Retry-After"])
        self.assertIn(200, statuses)
        self.assertIn(503, statuses)
        self.assertEqual(set(statuses), {200, 503})
        # Reading goes on: the page and the grid as last stored.
        self.assertEqual(request(server.url + "/")[0], 200)
        self.assertTrue(server.room()["participants"])
        text = self.output(server)
        self.assertNotIn("Traceback", text)
        # A line when the fault begins, not one per request.
        self.assertIn(text.count("room: the database failed"), (1, 2), text)
        self.assertLessEqual(len(json.dumps(big)), MAX_BODY)


class ModeTest(FaultCase):
    def test_the_database_is_readable_by_its_owner_only(self):
        self.db = os.path.join(self.tmp, "new", "room.sqlite3")
        server = self.start(preexec_fn=lambda: os.umask(0o022))
        server.post(record("modes0001", "Ada", {"01": cell("green")}))
        modes = {end: os.stat(self.db + end).st_mode & 0o777 for end in ("", "-wal", "-shm")}
        self.assertEqual(modes, {"": 0o600, "-wal": 0o600, "-shm": 0o600})
        self.assertEqual(os.stat(os.path.dirname(self.db)).st_mode & 0o777, 0o700)
        self.output(server)
        os.chmod(self.db, 0o644)             # an existing file, made by hand or an older server
        server = self.start(preexec_fn=lambda: os.umask(0o022))
        modes = {end: os.stat(self.db + end).st_mode & 0o777 for end in ("", "-wal", "-shm")}
        self.assertEqual(modes, {"": 0o600, "-wal": 0o600, "-shm": 0o600})


class SlowClientTest(FaultCase):
    def trickle(self, port, head, data, limit):
        """Seconds until the server closes a connection that sends head, then
        data a byte at a time, every 0.2 s (None if still open after limit)."""
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(head)
            for i in range(10**6):
                try:
                    s.send(data[i % len(data):i % len(data) + 1])
                except OSError:
                    return time.monotonic() - started
                readable, _, _ = select.select([s], [], [], 0.2)
                if readable:
                    try:
                        while s.recv(4096):
                            pass
                    except OSError:
                        pass
                    return time.monotonic() - started
                if time.monotonic() - started > limit:
                    return None

    def test_a_trickling_client_is_cut_off_at_the_total_deadline(self):
        server = self.start(extra=("--request-seconds", "2"))
        host = b"Host: 127.0.0.1:%d\r\n" % server.port
        slow = {
            "the request line": (b"", b"GET /" + b"a" * 1000),
            "the headers": (b"GET / HTTP/1.1\r\n" + host, b"X-Slow: " + b"a" * 1000),
            "the body": (b"POST /api/record HTTP/1.1\r\n" + host + b"Authorization: Bearer " +
                         server.code.encode() + b"\r\nContent-Length: 900\r\n\r\n", b" " * 900),
        }
        before = posts_in(self.db)
        results = {}
        threads = [threading.Thread(target=lambda k=k, h=h, d=d: results.__setitem__(
            k, self.trickle(server.port, h, d, 6))) for k, (h, d) in slow.items()]
        for t in threads:
            t.start()
        time.sleep(0.5)
        started = time.monotonic()
        self.assertEqual(request(server.url + "/")[0], 200)      # others are answered meanwhile
        self.assertLess(time.monotonic() - started, 1.0)
        for t in threads:
            t.join(10)
        for what, took in results.items():
            with self.subTest(what):
                self.assertIsNotNone(took, "the connection was still open after 6 s")
                self.assertLess(took, 3.5)
        self.assertEqual(posts_in(self.db), before)
        self.assertNotIn("Traceback", self.output(server))


if __name__ == "__main__":
    unittest.main()
