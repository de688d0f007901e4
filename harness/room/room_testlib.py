"""What the room view's tests share (make room-test): server.py as a child
process on loopback, requests with and without credentials, records, and
Debian's headless chromium. Python's standard library only."""

import hashlib
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
import unittest
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SERVER = os.path.join(HERE, "server.py")
SHARE = os.path.join(HERE, "share.py")
sys.dont_write_bytecode = True   # no __pycache__ beside the sources
sys.path.insert(0, HERE)
import room_db  # noqa: E402  (the manifest reader)
import room_limits  # noqa: E402  (the limits)

KATAS = [n for n, _ in room_db.read_manifest()]
MAX_BODY = room_limits.MAX_BODY
# Nothing in these tests may go through a proxy: loopback only.
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def secret_for(pid):
    """The secret a test participant's machine would keep for its row."""
    return hashlib.sha256(("secret of " + pid).encode()).hexdigest()[:32]


def server_args(db, port, extra=(), stuck_minutes=1, listen="127.0.0.1"):
    return [sys.executable, "-B", SERVER, "--port", str(port), "--listen", listen,
            "--db", db, "--stuck-minutes", str(stuck_minutes), *extra]


def refusal(*args, timeout=20, **kw):
    """server.py run with args that it should refuse: (status, stdout, stderr)."""
    out = subprocess.run([sys.executable, "-B", SERVER, *args], capture_output=True, text=True,
                         timeout=timeout, **kw)
    return out.returncode, out.stdout, out.stderr


class Server:
    """server.py as a child process (127.0.0.1 unless told)."""

    def __init__(self, db, port=None, stuck_minutes=1, verbose=False, extra=(), listen="127.0.0.1",
                 preexec_fn=None):
        self.db = db
        self.port = port or free_port()
        args = server_args(db, self.port, extra, stuck_minutes, listen)
        if verbose:
            args.append("--verbose")
        # stderr: the request log when verbose (the browser test reads it),
        # else drained with stdout.
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, bufsize=1,
                                     stderr=subprocess.PIPE if verbose else subprocess.STDOUT,
                                     preexec_fn=preexec_fn)
        self.lines = []
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the server ended: " + "".join(self.lines) +
                                   (self.proc.stderr.read() if self.proc.stderr else ""))
            self.lines.append(line)
            m = re.search(r"facilitator key (\S+)$", line.strip())
            if m:
                self.key = m.group(1)
            m = re.search(r"join code (\S+)$", line.strip())
            if m:
                self.code = m.group(1)
            if "stored in" in line:
                break
        host = f"[{listen}]" if ":" in listen else listen
        self.url = f"http://{host}:{self.port}"
        # The rest of stdout, so that the pipe never fills.
        self.rest = []
        self.reader = threading.Thread(target=lambda: self.rest.append(self.proc.stdout.read()), daemon=True)
        self.reader.start()

    def post(self, rec, code=None, secret=None, **kw):
        """(status, body, headers) of one record, posted with the join code and
        the secret of rec's id unless told otherwise."""
        headers = dict(kw.pop("headers", {}))
        if secret is None:
            secret = secret_for(rec["id"]) if isinstance(rec, dict) and isinstance(rec.get("id"), str) else ""
        if secret:
            headers["X-Room-Secret"] = secret
        return request(self.url + "/api/record", rec, token=self.code if code is None else code,
                       headers=headers, **kw)

    def room(self):
        status, body, _ = request(self.url + "/api/room", token=self.key)
        assert status == 200, (status, body)
        return json.loads(body)

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
        self.reader.join(5)          # what the server printed last, read to its end
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
        data = json.dumps(data, ensure_ascii=False).encode("utf-8")
        h.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, headers=h, method=method)
    try:
        with NO_PROXY.open(req, timeout=timeout) as r:
            return r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


def raw(port, data, host="127.0.0.1", timeout=5):
    """The bytes a server answers to bytes sent as they are."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(data)
        reply = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return reply
            reply += chunk


def record(pid, name, cells):
    return {"id": pid, "name": name, "katas": cells}


def cell(state, hints=0, why="", changed=None):
    return {"state": state, "hints": hints, "why": why,
            "changed": int(time.time()) if changed is None else changed}


def canonical(rec):
    """A record as the room stores it."""
    return json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def posts_in(db):
    with sqlite3.connect(db) as c:
        return dict(c.execute("SELECT seq, body FROM posts"))


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


class SharedServerTest(unittest.TestCase):
    """One server on a fresh database for the whole class: cls.server, cls.db."""

    PREFIX = "room-"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix=cls.PREFIX)
        cls.db = os.path.join(cls.tmp, "room.sqlite3")
        cls.server = Server(cls.db)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
