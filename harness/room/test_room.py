#!/usr/bin/env python3
"""Tests of the room view, as people use it (make room-test runs these and
test_roles, test_inputs, test_faults, test_share).

Starts harness/room/server.py on 127.0.0.1 (a free port, a temporary
database) and checks: the API's refusals (401, 413, 400: nothing stored), the
allow-list of what is served, the CSV export, the page in Debian's headless
chromium (the grid, a <script> name rendered as text, a post after load shown
without a reload, look-alike names told apart), a load of 60 participants
posting every 2 s for 60 s (0 lost, p99 printed), and a SIGKILL in the middle
of a load: after a restart on the same database, every acknowledged record is
there.

    cd harness/room && python3 -B -m unittest test_room [-v]
    ROOM_LOAD_SECONDS=20 ...   a shorter load (default 60)
Python's standard library only; nothing leaves the loopback address.
"""

import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import unittest
import urllib.error

from room_testlib import (HERE, KATAS, MAX_BODY, Server, SharedServerTest, canonical, cell, chromium, dump_dom,  # noqa: F401
                          posts_in, raw, record, request, secret_for)

LOAD_SECONDS = float(os.environ.get("ROOM_LOAD_SECONDS", "60"))


class ApiTest(SharedServerTest):
    PREFIX = "room-test-"

    def post(self, body, code=None, **kw):
        return self.server.post(body, code=code, **kw)

    def assertNothingStored(self, before):
        self.assertEqual(posts_in(self.db), before)

    def test_page_and_assets_only(self):
        for path in ("/", "/room.css", "/room.js"):
            status, body, headers = request(self.server.url + path)
            self.assertEqual(status, 200, path)
            self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
            self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        for path in ("/index.html", "/server.py", "/share.py", "/test_room.py", "/room.sqlite3",
                     "/../server.py", "/%2e%2e/server.py", "//etc/passwd", "/api", "/api/",
                     "/katas/manifest.txt", "/favicon.ico", "/room.js/", "/ROOM.JS"):
            status, _, _ = request(self.server.url + path, token=self.server.key)
            self.assertEqual(status, 404, path)
        # Raw, so that no client tidies the path first.
        reply = raw(self.server.port, b"GET /../../etc/passwd HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n\r\n"
                    % self.server.port)
        self.assertIn(b" 404 ", reply[:200])
        status, _, _ = request(self.server.url + "/", method="PUT", data=b"x")
        self.assertGreaterEqual(status, 400)

    def test_a_credential_is_needed(self):
        before = posts_in(self.db)
        good = record("tokentest1", "Tok", {"01": cell("green")})
        status, _, _ = request(self.server.url + "/api/record", good,
                               headers={"X-Room-Secret": secret_for("tokentest1")})
        self.assertEqual(status, 401)
        key, code = self.server.key, self.server.code
        for wrong in ("", "wrong", key + "x", key[:-1], key.upper(), code + "x", code[:-1] + "!",
                      code.replace(code[0], "0")):
            status, _, _ = self.post(good, code=wrong)
            self.assertEqual(status, 401, wrong)
        status, _, _ = self.post(good, code="", headers={"Authorization": "Basic " + code})
        self.assertEqual(status, 401)
        status, _, _ = self.post(good, code="", headers={"X-Token": code})
        self.assertEqual(status, 401)
        for path in ("/api/room", "/export.csv"):
            self.assertEqual(request(self.server.url + path)[0], 401)
            self.assertEqual(request(self.server.url + path, token="wrong")[0], 401)
        self.assertNothingStored(before)

    def test_body_limit(self):
        before = posts_in(self.db)
        big = record("bigbody01", "x" * 20, {"01": cell("failing", why="y" * 100)})
        big["pad"] = "z" * (20 * 1024)
        status, body, _ = self.post(big)
        self.assertEqual(status, 413)
        status, _, _ = self.post(b"{" + b" " * (MAX_BODY + 1) + b"}")
        self.assertEqual(status, 413)
        # A Content-Length that lies about a huge body: refused before reading.
        for length in (b"999999999", b"9" * 5000):
            reply = raw(self.server.port, b"POST /api/record HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n"
                        b"Authorization: Bearer %s\r\nContent-Length: %s\r\n\r\n{"
                        % (self.server.port, self.server.code.encode(), length))
            self.assertIn(b" 413 ", reply[:200])
        self.assertNothingStored(before)

    def test_bad_records(self):
        before = posts_in(self.db)
        ok = cell("failing", 1, "why")
        bad = {
            "not json": b"{not json",
            "not utf-8": b'{"id": "\xff\xfe"}',
            "NaN": b'{"id":"badrecord1","name":"n","katas":{"01":{"state":"green","hints":NaN,"why":"","changed":1}}}',
            "a list": [1, 2],
            "no id": {"name": "n", "katas": {"01": ok}},
            "bad id": record("<script>", "n", {"01": ok}),
            "no name": record("badrecord1", "", {"01": ok}),
            "blank name": record("badrecord1", "   ", {"01": ok}),
            "long name": record("badrecord1", "n" * 41, {"01": ok}),
            "name with newline": record("badrecord1", "a\nb", {"01": ok}),
            "name not text": record("badrecord1", 7, {"01": ok}),
            "extra field": dict(record("badrecord1", "n", {"01": ok}), code="int main(){}"),
            "katas a list": record("badrecord1", "n", [ok]),
            "unknown kata 99": record("badrecord1", "n", {"99": ok}),
            "unknown kata 1": record("badrecord1", "n", {"1": ok}),
            "unknown kata 00": record("badrecord1", "n", {"00": ok}),
            "state passing": record("badrecord1", "n", {"01": cell("passing")}),
            "state done": record("badrecord1", "n", {"01": cell("done")}),
            "state missing": record("badrecord1", "n", {"01": {"hints": 0, "why": "", "changed": 1}}),
            "state not text": record("badrecord1", "n", {"01": cell(["green"])}),
            "negative hints": record("badrecord1", "n", {"01": cell("failing", -1)}),
            "hints as text": record("badrecord1", "n", {"01": cell("failing", "3")}),
            "hints as bool": record("badrecord1", "n", {"01": cell("failing", True)}),
            "long why": record("badrecord1", "n", {"01": cell("failing", 0, "w" * 201)}),
            "extra cell field": record("badrecord1", "n", {"01": dict(ok, file="katas/01/x.cpp")}),
            "changed as text": record("badrecord1", "n", {"01": dict(ok, changed="now")}),
            "one bad kata among good": record("badrecord1", "n", {"01": ok, "42": ok}),
        }
        for what, body in bad.items():
            with self.subTest(what):
                status, reply, _ = self.post(body if isinstance(body, bytes) else json.dumps(body).encode())
                self.assertEqual(status, 400, reply)
                self.assertIn("error", json.loads(reply))
        self.assertNothingStored(before)
        status, _, _ = request(self.server.url + "/api/record", b"{}", token=self.server.code,
                               headers={"Content-Length": "-1"})
        self.assertEqual(status, 400)

    def test_store_show_and_replace(self):
        now = int(time.time())
        status, body, _ = self.post(record("storetest1", "Grace", {
            "01": cell("green"), "02": cell("failing", 1, "ThreadSanitizer: data race"),
            "03": cell("failing", 3, "UBSan: downcast"),          # three hints: stuck
            "04": cell("failing", 0, "double free", now - 300),   # 5 min > 1 min: stuck
            "05": cell("does not compile", 0, "expected ';'")}))
        self.assertEqual(status, 200, body)
        seq = json.loads(body)["seq"]
        self.assertIn(seq, posts_in(self.db))
        room = self.server.room()
        me = [p for p in room["participants"] if p["id"] == "storetest1"][0]
        self.assertEqual(me["name"], "Grace")
        self.assertEqual({k: (c["state"], c["stuck"]) for k, c in me["cells"].items()}, {
            "01": ("green", False), "02": ("failing", False), "03": ("failing", True),
            "04": ("failing", True), "05": ("does not compile", False)})
        self.assertEqual(me["cells"]["02"]["why"], "ThreadSanitizer: data race")
        self.assertGreaterEqual(room["counts"]["01"]["green"], 1)
        self.assertGreaterEqual(room["counts"]["03"]["stuck"], 1)
        self.assertEqual([k["number"] for k in room["katas"]], KATAS)
        # A later record is the participant's whole progress: kata 05 reset.
        self.post(record("storetest1", "Grace H", {"01": cell("green"), "02": cell("green")}))
        room = self.server.room()
        me = [p for p in room["participants"] if p["id"] == "storetest1"][0]
        self.assertEqual(me["name"], "Grace H")
        self.assertEqual(sorted(me["cells"]), ["01", "02"])

    def test_text_comes_back_as_data(self):
        payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        status, _, _ = self.post(record("escapetest", payload[:40], {"01": cell("failing", 0, payload)}))
        self.assertEqual(status, 200)
        status, body, headers = request(self.server.url + "/api/room", token=self.server.key)
        self.assertEqual(headers["Content-Type"], "application/json")
        me = [p for p in json.loads(body)["participants"] if p["id"] == "escapetest"][0]
        self.assertEqual(me["cells"]["01"]["why"], payload)
        # The page puts text in with textContent only.
        with open(os.path.join(HERE, "room.js"), encoding="utf-8") as f:
            js = f.read()
        self.assertNotRegex(js, r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(")

    def test_csv_export(self):
        self.post(record("csvtest001", "=HYPERLINK(\"x\")", {"01": cell("failing", 2, "-1 + 1, \"quoted\"")}))
        status, body, headers = request(self.server.url + "/export.csv", token=self.server.key)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/csv"))
        self.assertIn("attachment", headers["Content-Disposition"])
        import csv
        import io
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
        mine = [r for r in rows if r["participant"].endswith('HYPERLINK("x")')]
        self.assertEqual(len(mine), 1)
        row = mine[0]
        self.assertEqual(row["participant"], "'=HYPERLINK(\"x\")")   # no formula
        self.assertEqual(row["why"], "'-1 + 1, \"quoted\"")
        self.assertEqual((row["kata"], row["state"], row["hints"], row["stuck"]), ("01", "failing", "2", "no"))
        self.assertEqual(row["title"], "Forgotten reset")


@unittest.skipUnless(chromium(), "chromium is not installed (apt-get install chromium)")
class BrowserTest(unittest.TestCase):
    """The page in a real headless browser."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="room-browser-")
        self.server = Server(os.path.join(self.tmp, "room.sqlite3"), verbose=True)
        self.profile = os.path.join(self.tmp, "profile")

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def post(self, rec):
        status, body, _ = self.server.post(rec)
        self.assertEqual(status, 200, body)

    def test_grid_escaping_and_live_update(self):
        evil = "<script>alert(1)</script>"
        self.post(record("browser001", "Ada", {"01": cell("green"), "02": cell("failing", 1, "data race"),
                                               "03": cell("does not compile", 0, "expected ';'")}))
        self.post(record("browser002", evil, {"01": cell("failing", 3, "<img src=x onerror=alert(2)>")}))
        # The second participant posts only once the page has drawn the room:
        # after the server has answered the page's first /api/room.
        late_posted = threading.Event()

        def post_after_first_poll():
            for line in self.server.proc.stderr:
                if "GET /api/room" in line and not late_posted.is_set():
                    self.server.post(record("browser003", "Late Comer", {"01": cell("green")}))
                    late_posted.set()
        threading.Thread(target=post_after_first_poll, daemon=True).start()

        dom = dump_dom(f"{self.server.url}/#key={self.server.key}", 9000, self.profile)
        self.assertTrue(late_posted.is_set(), "the page never asked for the room")
        rows = re.findall(r'<tr data-participant="([^"]+)">(.*?)</tr>', dom, re.S)
        # In the order of how the names read: Ada, Late Comer, <script>alert...
        self.assertEqual([pid for pid, _ in rows], ["browser001", "browser003", "browser002"])
        cells = {pid: dict(re.findall(r'data-kata="(\d\d)" data-state="([a-z ]+)"', html))
                 for pid, html in rows}
        self.assertEqual(cells["browser001"]["01"], "green")
        self.assertEqual(cells["browser001"]["02"], "failing")
        self.assertEqual(cells["browser001"]["03"], "does not compile")
        self.assertEqual(cells["browser001"]["04"], "none")
        self.assertEqual(cells["browser002"]["01"], "stuck")      # three hints
        self.assertEqual(len(cells["browser001"]), len(KATAS))
        # The payloads are text: escaped in the DOM, and no element made of them.
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", dom)
        self.assertFalse("<script>alert" in dom, "a <script> payload became an element")
        self.assertFalse("<img src" in dom, "an <img> payload became an element")
        self.assertEqual(dom.count("<script"), 1)   # room.js only
        # Per-kata counts in the footer: kata 01 has two green (Ada, Late Comer).
        foot = re.search(r"<tfoot>(.*?)</tfoot>", dom, re.S).group(1)
        green = re.search(r'<tr class="green">(.*?)</tr>', foot, re.S).group(1)
        self.assertIn('<td data-kata="01">2</td>', green)
        stuck = re.search(r'<tr class="stuck">(.*?)</tr>', foot, re.S).group(1)
        self.assertIn('<td data-kata="01">1</td>', stuck)
        # Live: Late Comer was posted after the first answer, and is drawn.
        self.assertIn("Late Comer", dom)
        renders = int(re.search(r'data-renders="(\d+)"', dom).group(1))
        self.assertGreaterEqual(renders, 2)
        self.assertIn("3 participants", dom)

    def test_lookalike_names_are_told_apart(self):
        # Latin "Ada", Cyrillic "Аda", fullwidth "Ａda", and a second "Ada":
        # alike on a projector, so each carries its number; "Grace" does not.
        names = {"alike0001": "Ada", "alike0002": "\u0410da", "alike0003": "\uff21da",
                 "alike0004": "Ada", "alike0005": "Grace"}
        for pid, name in names.items():
            self.post(record(pid, name, {"01": cell("green")}))
        dom = dump_dom(f"{self.server.url}/#key={self.server.key}", 4000, self.profile)
        rows = dict(re.findall(r'<tr data-participant="([^"]+)">(.*?)</tr>', dom, re.S))
        self.assertEqual(set(rows), set(names))
        shown = {}
        for pid, html in rows.items():
            name_cell = re.search(r'<td class="name"[^>]*>(.*?)</td>', html, re.S).group(1)
            self.assertIn("<bdi>" + names[pid] + "</bdi>", name_cell)
            shown[pid] = re.sub(r"<[^>]+>", "", name_cell)
        tags = {pid: re.search(r"#(\d+)$", text) for pid, text in shown.items()}
        self.assertIsNone(tags["alike0005"], shown["alike0005"])
        numbers = [tags[pid].group(1) for pid in names if pid != "alike0005"]
        self.assertEqual(len(set(numbers)), 4, shown)
        self.assertEqual(len(set(shown.values())), 5, shown)   # five rows, five texts

    def test_without_the_key_the_page_says_so(self):
        dom = dump_dom(self.server.url + "/", 2000, self.profile)
        self.assertIn("needs the facilitator key", dom)
        dom = dump_dom(self.server.url + "/#key=wrong", 2000, self.profile)
        self.assertIn("refused this page's key", dom)
        # The join code opens nothing: it only posts.
        dom = dump_dom(self.server.url + "/#key=" + self.server.code, 2000, self.profile)
        self.assertIn("That is the join code", dom)
        self.assertNotIn("data-participant", dom)


class Participant(threading.Thread):
    """Posts a changing record every `every` seconds until `end`."""

    def __init__(self, i, server, end, every=2.0):
        super().__init__(daemon=True)
        self.pid = f"load{i:04d}xx"
        self.name = f"Participant {i}"
        self.server, self.end, self.every = server, end, every
        self.acked = {}       # seq -> canonical body
        self.last_acked = None
        self.failed = 0
        self.latencies = []
        self.offset = (i % 20) / 10.0   # spread the posts over the period

    def run(self):
        time.sleep(self.offset * self.every / 2)
        n = 0
        while time.time() < self.end:
            started = time.time()
            n += 1
            cells = {}
            for j, kata in enumerate(KATAS[: 1 + n % len(KATAS)]):
                cells[kata] = cell(("green", "failing", "does not compile")[(j + n) % 3], n % 4,
                                   f"run {n} of {self.name}", int(started))
            rec = record(self.pid, self.name, cells)
            try:
                status, body, _ = self.server.post(rec, timeout=5)
            except (OSError, urllib.error.URLError):
                status, body = None, b""
            latency = time.time() - started
            if status == 200:
                self.latencies.append(latency)
                seq = json.loads(body)["seq"]
                self.acked[seq] = canonical(rec)
                self.last_acked = rec
            else:
                self.failed += 1
            time.sleep(max(0.0, self.every - (time.time() - started)))


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_load(server, seconds, participants=60):
    end = time.time() + seconds
    crowd = [Participant(i, server, end) for i in range(participants)]
    for p in crowd:
        p.start()
    return crowd


class LoadTest(unittest.TestCase):
    """60 participants posting every 2 s, on loopback, bounded in threads and time.
    The room keeps 40 records per participant here, so that every acknowledged
    record is still there to check (test_roles checks the default's pruning)."""

    KEEP = ("--history", "40")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="room-load-")
        self.db = os.path.join(self.tmp, "room.sqlite3")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def check_acked(self, crowd, server):
        stored = posts_in(self.db)
        acked = {seq: body for p in crowd for seq, body in p.acked.items()}
        missing = [seq for seq, body in acked.items() if stored.get(seq) != body]
        room = server.room()
        shown = {p["id"]: p for p in room["participants"]}
        for p in crowd:
            if p.last_acked is None:
                continue
            cells = {k: (c["state"], c["hints"], c["why"]) for k, c in shown[p.pid]["cells"].items()}
            self.assertEqual(cells, {k: (c["state"], c["hints"], c["why"])
                                     for k, c in p.last_acked["katas"].items()}, p.pid)
        return acked, missing

    def test_sixty_participants_every_two_seconds(self):
        server = Server(self.db, extra=self.KEEP)
        try:
            started = time.time()
            crowd = run_load(server, LOAD_SECONDS)
            for p in crowd:
                p.join(LOAD_SECONDS + 30)
            took = time.time() - started
            acked, missing = self.check_acked(crowd, server)
        finally:
            server.stop()
        failed = sum(p.failed for p in crowd)
        lat = [x for p in crowd for x in p.latencies]
        print(f"\nload: {len(crowd)} participants, every 2 s for {LOAD_SECONDS:g} s ({took:.0f} s): "
              f"{len(acked) + failed} posts, {len(acked)} acknowledged, {failed} failed, "
              f"{len(missing)} acknowledged but not stored; latency p50 {percentile(lat, 50) * 1000:.1f} ms, "
              f"p99 {percentile(lat, 99) * 1000:.1f} ms, max {max(lat) * 1000:.1f} ms", file=sys.stderr)
        self.assertEqual(failed, 0)
        self.assertEqual(missing, [])
        self.assertGreaterEqual(len(acked), 60 * LOAD_SECONDS / 2 * 0.9)

    def test_sigkill_in_the_middle(self):
        seconds = max(10.0, LOAD_SECONDS / 3)
        server = Server(self.db, extra=self.KEEP)
        port, key, code = server.port, server.key, server.code
        crowd = run_load(server, seconds)
        time.sleep(seconds / 2)
        before_kill = sum(len(p.acked) for p in crowd)
        server.kill()
        killed_at = time.time()
        time.sleep(1)
        restarted = Server(self.db, port=port, extra=self.KEEP)
        # The room and its credentials survive: the crowd goes on posting to it.
        self.assertEqual((restarted.key, restarted.code), (key, code))
        server.proc, server.rest, server.reader = restarted.proc, restarted.rest, restarted.reader
        down = time.time() - killed_at
        try:
            for p in crowd:
                p.join(seconds + 30)
            acked, missing = self.check_acked(crowd, server)
        finally:
            server.stop()
        failed = sum(p.failed for p in crowd)
        print(f"\nkill: SIGKILL after {before_kill} acknowledged posts, restarted on the same database "
              f"{down:.1f} s later; {len(acked)} acknowledged in all, {failed} refused while it was down, "
              f"{len(missing)} acknowledged but not stored", file=sys.stderr)
        self.assertGreater(before_kill, 0)
        self.assertGreater(len(acked), before_kill)       # it took posts after the restart
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()
