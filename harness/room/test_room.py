#!/usr/bin/env python3
"""Tests of the room view, as people use it (make room-test).

Starts harness/room/server.py on 127.0.0.1 (a free port, a temporary
database) and checks: the API's refusals (401, 413, 400: nothing stored), the
allow-list of what is served, the CSV export, share.py's record (no paths)
and its background send, the page in Debian's headless chromium (the grid,
a <script> name rendered as text, a post after load shown without a reload),
a load of 60 participants posting every 2 s for 60 s (0 lost, p99 printed),
and a SIGKILL in the middle of a load: after a restart on the same database,
every acknowledged record is there.

    python3 harness/room/test_room.py [-v] [TestClass]
    ROOM_LOAD_SECONDS=20 ...   a shorter load (default 60)
Python's standard library only; nothing leaves the loopback address.
"""

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SERVER = os.path.join(HERE, "server.py")
SHARE = os.path.join(HERE, "share.py")
sys.dont_write_bytecode = True   # no __pycache__ beside the sources
sys.path.insert(0, HERE)
import server as room_server  # noqa: E402  (the manifest reader, the limits)

KATAS = [n for n, _ in room_server.read_manifest()]
LOAD_SECONDS = float(os.environ.get("ROOM_LOAD_SECONDS", "60"))
# Nothing in these tests may go through a proxy: loopback only.
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """server.py as a child process on 127.0.0.1."""

    def __init__(self, db, port=None, stuck_minutes=1, verbose=False):
        self.db = db
        self.port = port or free_port()
        args = [sys.executable, SERVER, "--port", str(self.port), "--listen", "127.0.0.1",
                "--db", db, "--stuck-minutes", str(stuck_minutes)]
        if verbose:
            args.append("--verbose")
        # stderr: the request log when verbose (the browser test reads it),
        # else drained with stdout.
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, bufsize=1,
                                     stderr=subprocess.PIPE if verbose else subprocess.STDOUT)
        self.lines = []
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the server ended: " + "".join(self.lines) +
                                   (self.proc.stderr.read() if self.proc.stderr else ""))
            self.lines.append(line)
            m = re.search(r"token (\S+)$", line.strip())
            if m:
                self.token = m.group(1)
            if "stored in" in line:
                break
        self.url = f"http://127.0.0.1:{self.port}"
        # The rest of stdout, so that the pipe never fills.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.close_pipes()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait()
        self.close_pipes()

    def close_pipes(self):
        for f in (self.proc.stdout, self.proc.stderr):
            try:
                if f:
                    f.close()
            except (OSError, ValueError, RuntimeError):
                pass


def request(url, data=None, token=None, method=None, headers=None, timeout=10):
    """(status, body bytes, headers) of one request, errors included."""
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = "Bearer " + token
    if data is not None and not isinstance(data, bytes):
        data = json.dumps(data).encode("utf-8")
        h.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, headers=h, method=method)
    try:
        with NO_PROXY.open(req, timeout=timeout) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def record(pid, name, cells):
    return {"id": pid, "name": name, "katas": cells}


def cell(state, hints=0, why="", changed=None):
    return {"state": state, "hints": hints, "why": why,
            "changed": int(time.time()) if changed is None else changed}


def posts_in(db):
    with sqlite3.connect(db) as c:
        return dict(c.execute("SELECT seq, body FROM posts"))


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="room-test-")
        cls.db = os.path.join(cls.tmp, "room.sqlite3")
        cls.server = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def post(self, body, token=None, **kw):
        token = self.server.token if token is None else token
        return request(self.server.url + "/api/record", body, token=token, **kw)

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
            status, _, _ = request(self.server.url + path, token=self.server.token)
            self.assertEqual(status, 404, path)
        # Raw, so that no client tidies the path first.
        with socket.create_connection(("127.0.0.1", self.server.port)) as s:
            s.sendall(b"GET /../../etc/passwd HTTP/1.0\r\n\r\n")
            self.assertIn(b" 404 ", s.recv(200))
        status, _, _ = request(self.server.url + "/", method="PUT", data=b"x")
        self.assertGreaterEqual(status, 400)

    def test_token_needed(self):
        before = posts_in(self.db)
        good = record("tokentest1", "Tok", {"01": cell("green")})
        status, _, _ = request(self.server.url + "/api/record", good)
        self.assertEqual(status, 401)
        for token in ("", "wrong", self.server.token + "x", self.server.token[:-1], self.server.token.upper()):
            status, _, _ = self.post(good, token=token)
            self.assertEqual(status, 401, token)
        status, _, _ = request(self.server.url + "/api/record", good,
                               headers={"Authorization": "Basic " + self.server.token})
        self.assertEqual(status, 401)
        status, _, _ = request(self.server.url + "/api/record", good,
                               headers={"X-Token": self.server.token})
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
        status, _, _ = self.post(b"{" + b" " * (room_server.MAX_BODY + 1) + b"}")
        self.assertEqual(status, 413)
        # A Content-Length that lies about a huge body: refused before reading.
        with socket.create_connection(("127.0.0.1", self.server.port)) as s:
            s.sendall(b"POST /api/record HTTP/1.0\r\nAuthorization: Bearer " +
                      self.server.token.encode() + b"\r\nContent-Length: 999999999\r\n\r\n{")
            self.assertIn(b" 413 ", s.recv(200))
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
        status, _, _ = request(self.server.url + "/api/record", b"{}", token=self.server.token,
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
        room = json.loads(request(self.server.url + "/api/room", token=self.server.token)[1])
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
        room = json.loads(request(self.server.url + "/api/room", token=self.server.token)[1])
        me = [p for p in room["participants"] if p["id"] == "storetest1"][0]
        self.assertEqual(me["name"], "Grace H")
        self.assertEqual(sorted(me["cells"]), ["01", "02"])

    def test_text_comes_back_as_data(self):
        payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
        status, _, _ = self.post(record("escapetest", payload[:40], {"01": cell("failing", 0, payload)}))
        self.assertEqual(status, 200)
        status, body, headers = request(self.server.url + "/api/room", token=self.server.token)
        self.assertEqual(headers["Content-Type"], "application/json")
        me = [p for p in json.loads(body)["participants"] if p["id"] == "escapetest"][0]
        self.assertEqual(me["cells"]["01"]["why"], payload)
        # The page puts text in with textContent only.
        with open(os.path.join(HERE, "room.js"), encoding="utf-8") as f:
            js = f.read()
        self.assertNotRegex(js, r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(")

    def test_csv_export(self):
        self.post(record("csvtest001", "=HYPERLINK(\"x\")", {"01": cell("failing", 2, "-1 + 1, \"quoted\"")}))
        status, body, headers = request(self.server.url + "/export.csv", token=self.server.token)
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


class ShareTest(unittest.TestCase):
    """share.py: the record it builds, and how it sends it."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="room-share-")
        self.state = os.path.join(self.tmp, "state")
        self.build = os.path.join(self.tmp, "build")
        os.makedirs(os.path.join(self.build, "kata-logs"))
        os.makedirs(self.state)
        with open(os.path.join(self.state, "progress"), "w") as f:
            f.write("01 done\n02 failing\n03 does-not-compile\n04 not-built\n05 failing\n")
        with open(os.path.join(self.state, "hints-02"), "w") as f:
            f.write("2\n")
        logs = os.path.join(self.build, "kata-logs")
        with open(os.path.join(logs, "02.log"), "w") as f:
            f.write("secret source line: int main() { return 42; }\n")
        with open(os.path.join(logs, "02.tsv"), "w") as f:
            f.write("started\tT.one\nfailed\tT.one\t" + ROOT + "/katas/02_use_after_put/render.cpp\t12\t"
                    "the frame at /home/ada/katas/02_use_after_put/render.cpp:12 was\\nreused\n")
        with open(os.path.join(logs, "05.verdict"), "w") as f:
            f.write("1 2\n139\n")
        with open(os.path.join(self.build, "build.log"), "w") as f:
            f.write("FAILED: katas/CMakeFiles/kata03.dir/x.o\n" + ROOT +
                    "/katas/03_wrong_type_in_factory/keys.cpp:31:5: error: 'KeyPres' was not declared\n")
        self.env = dict(os.environ, KATA_STATE_DIR=self.state, KATA_BUILD=self.build, KATA_DIE_STATUS="2")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def share(self, *args, stdin=None):
        return subprocess.run([sys.executable, SHARE, *args], env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=30)

    def dry_record(self, *args):
        out = self.share("--dry-run", *args)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("nothing was sent", out.stdout)
        return json.loads(out.stdout[out.stdout.index("{"):out.stdout.rindex("}") + 1])

    def test_the_record_holds_no_code_or_paths(self):
        rec = self.dry_record("--name", "Ada")
        self.assertEqual(set(rec), {"id", "name", "katas"})
        self.assertEqual(rec["name"], "Ada")
        k = rec["katas"]
        self.assertEqual(sorted(k), ["01", "02", "03", "05"])   # not built: nothing to say
        self.assertEqual((k["01"]["state"], k["01"]["why"]), ("green", ""))
        self.assertEqual((k["02"]["state"], k["02"]["hints"]), ("failing", 2))
        self.assertEqual(k["02"]["why"], "the frame at render.cpp:12 was reused")
        self.assertEqual(k["03"], dict(k["03"], state="does not compile", why="'KeyPres' was not declared"))
        self.assertTrue(k["05"]["why"].startswith("crashed with a segmentation fault"))
        text = json.dumps(rec)
        self.assertNotIn("/", text)
        self.assertNotIn("return 42", text)
        for c in k.values():
            self.assertEqual(set(c), {"state", "hints", "why", "changed"})

    def test_asks_first_then_sends_in_the_background(self):
        server_tmp = tempfile.mkdtemp(prefix="room-share-db-")
        server = Server(os.path.join(server_tmp, "room.sqlite3"))
        try:
            args = ("--room", server.url, "--token", server.token, "--name", "Ada")
            out = self.share(*args)       # no terminal: no yes, nothing saved
            self.assertNotEqual(out.returncode, 0)
            self.assertFalse(os.path.exists(os.path.join(self.state, "room")))
            self.assertEqual(posts_in(server.db), {})
            out = self.share(*args, "--yes")
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn('"02"', out.stdout)              # it showed the record
            self.assertEqual(len(posts_in(server.db)), 1)
            self.assertEqual(os.stat(os.path.join(self.state, "room")).st_mode & 0o777, 0o600)
            out = self.share("--send")
            self.assertEqual((out.returncode, out.stdout, out.stderr), (0, "", ""))
            bodies = list(posts_in(server.db).values())
            self.assertEqual(len(bodies), 2)
            self.assertEqual(json.loads(bodies[0])["katas"]["02"]["changed"],
                             json.loads(bodies[1])["katas"]["02"]["changed"])
            # The kata tool's hook, when a configured tree is there to run it.
            if os.path.exists(os.path.join(ROOT, "build", "gcc", "katas.tsv")):
                out = subprocess.run(["sh", os.path.join(ROOT, "harness", "tools", "kata"), "hint", "01"],
                                     env=dict(self.env, PRESET="gcc"), capture_output=True, text=True,
                                     timeout=60)
                self.assertEqual(out.returncode, 0, out.stderr)
                deadline = time.time() + 10
                while len(posts_in(server.db)) < 3 and time.time() < deadline:
                    time.sleep(0.1)
                last = json.loads(posts_in(server.db)[max(posts_in(server.db))])
                self.assertEqual(last["katas"]["01"]["hints"], 1)
            out = self.share("--stop")
            self.assertFalse(os.path.exists(os.path.join(self.state, "room")))
            self.assertEqual(self.share("--send").returncode, 0)
        finally:
            server.stop()
            shutil.rmtree(server_tmp, ignore_errors=True)

    def test_an_absent_room_costs_one_line(self):
        port = free_port()   # nobody listens there
        out = self.share("--room", f"http://127.0.0.1:{port}", "--token", "t", "--name", "Ada", "--yes")
        self.assertEqual(out.returncode, 0)
        start = time.time()
        out = self.share("--send")
        self.assertLess(time.time() - start, 7)
        self.assertEqual(out.stdout, "")
        self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        self.assertIn("does not answer", out.stderr)

    def test_bad_input(self):
        self.assertEqual(self.share("--room", "ftp://x", "--token", "t", "--name", "n", "--yes").returncode, 2)
        self.assertEqual(self.share("--room", "http://127.0.0.1:1", "--token", "t", "--name", "n" * 50,
                                    "--yes").returncode, 2)
        self.assertEqual(self.share("--name", "n", "--yes").returncode, 2)   # no room, no token
        self.assertFalse(os.path.exists(os.path.join(self.state, "room")))


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def dump_dom(url, budget_ms, profile):
    out = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--user-data-dir=" + profile, "--proxy-server=direct://", "--proxy-bypass-list=*",
         f"--virtual-time-budget={budget_ms}", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    return out.stdout


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
        status, body, _ = request(self.server.url + "/api/record", rec, token=self.server.token)
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
                    request(self.server.url + "/api/record",
                            record("browser003", "Late Comer", {"01": cell("green")}),
                            token=self.server.token)
                    late_posted.set()
        threading.Thread(target=post_after_first_poll, daemon=True).start()

        dom = dump_dom(f"{self.server.url}/#token={self.server.token}", 9000, self.profile)
        self.assertTrue(late_posted.is_set(), "the page never asked for the room")
        rows = re.findall(r'<tr data-participant="([^"]+)">(.*?)</tr>', dom, re.S)
        self.assertEqual([pid for pid, _ in rows], ["browser001", "browser003", "browser002"]
                         if "Late Comer" < evil else ["browser002", "browser001", "browser003"])
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

    def test_without_token_the_page_says_so(self):
        dom = dump_dom(self.server.url + "/", 2000, self.profile)
        self.assertIn("needs the room's token", dom)
        dom = dump_dom(self.server.url + "/#token=wrong", 2000, self.profile)
        self.assertIn("refused this page's token", dom)


class Participant(threading.Thread):
    """Posts a changing record every `every` seconds until `end`."""

    def __init__(self, i, url, token, end, every=2.0):
        super().__init__(daemon=True)
        self.pid = f"load{i:04d}xx"
        self.name = f"Participant {i}"
        self.url, self.token, self.end, self.every = url, token, end, every
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
                status, body, _ = request(self.url + "/api/record", rec, token=self.token, timeout=5)
            except (OSError, urllib.error.URLError):
                status, body = None, b""
            latency = time.time() - started
            if status == 200:
                self.latencies.append(latency)
                seq = json.loads(body)["seq"]
                self.acked[seq] = json.dumps(rec, sort_keys=True, separators=(",", ":"))
                self.last_acked = rec
            else:
                self.failed += 1
            time.sleep(max(0.0, self.every - (time.time() - started)))


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_load(url_token, seconds, participants=60):
    end = time.time() + seconds
    crowd = [Participant(i, *url_token, end) for i in range(participants)]
    for p in crowd:
        p.start()
    return crowd


class LoadTest(unittest.TestCase):
    """60 participants posting every 2 s, on loopback, bounded in threads and time."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="room-load-")
        self.db = os.path.join(self.tmp, "room.sqlite3")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def check_acked(self, crowd, server):
        stored = posts_in(self.db)
        acked = {seq: body for p in crowd for seq, body in p.acked.items()}
        missing = [seq for seq, body in acked.items() if stored.get(seq) != body]
        room = json.loads(request(server.url + "/api/room", token=server.token)[1])
        shown = {p["id"]: p for p in room["participants"]}
        for p in crowd:
            if p.last_acked is None:
                continue
            cells = {k: (c["state"], c["hints"], c["why"]) for k, c in shown[p.pid]["cells"].items()}
            self.assertEqual(cells, {k: (c["state"], c["hints"], c["why"])
                                     for k, c in p.last_acked["katas"].items()}, p.pid)
        return acked, missing

    def test_sixty_participants_every_two_seconds(self):
        server = Server(self.db)
        try:
            started = time.time()
            crowd = run_load((server.url, server.token), LOAD_SECONDS)
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
        server = Server(self.db)
        port, token = server.port, server.token
        crowd = run_load((server.url, token), seconds)
        time.sleep(seconds / 2)
        before_kill = sum(len(p.acked) for p in crowd)
        server.kill()
        killed_at = time.time()
        time.sleep(1)
        server = Server(self.db, port=port)
        self.assertEqual(server.token, token)      # the room and its token survive
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
