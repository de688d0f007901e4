#!/usr/bin/env python3
"""Tests of share.py, the participant's sender (make room-test): the record it
builds (no code, values or paths: the error kind and the kata's file:line),
how it asks, and how it sends to rooms that misbehave: absent, redirecting,
answering garbage, trickling, behind a proxy nobody asked for. Whatever the
room does, the participant gets one line, never a traceback or a "sent" that
the room did not acknowledge.

    cd harness/room && python3 -B -m unittest test_share [-v]
"""

import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from room_testlib import ROOT, SHARE, Server, free_port, posts_in
import share_send

ACK = b'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"ok": true, "seq": 1}'
WHY_RE = re.compile(r"[A-Za-z][A-Za-z:()' -]*(?: at [\w.+-]+\.\w+:\d+)?")


class FakeRoom:
    """A TCP server on loopback that answers each request with `answer`
    (byte by byte every `trickle` seconds, if given) and keeps what came."""

    def __init__(self, answer=ACK, trickle=None):
        self.answer, self.trickle = answer, trickle
        self.received = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.open = True
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while self.open:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        conn.settimeout(10)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            m = re.search(rb"(?i)content-length: *(\d+)", head)
            while m and len(body) < int(m.group(1)):
                body += conn.recv(4096)
            self.received.append(head + b"\r\n\r\n" + body)
            if self.trickle:
                for i in range(len(self.answer)):
                    conn.sendall(self.answer[i:i + 1])
                    time.sleep(self.trickle)
            else:
                conn.sendall(self.answer)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.open = False
        self.sock.close()


def write_row(logs, number, state, why, test, kind, place):
    """A verdict row as the kata tool writes it (harness/tools/kata, keep_row)."""
    with open(os.path.join(logs, number + ".row"), "w") as f:
        f.write("# state\twhy\ttest\tkind\tplace\n" + "\t".join((state, why, test, kind, place)) + "\n")


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
        # The verdict rows the kata tool keeps (harness/tools/formats.sh): the
        # table's why and the test are for the participant; share.py sends the
        # kind and the place only.
        write_row(logs, "02", "failing", "the frame at /home/ada/katas/02_use_after_put/render.cpp:12 was reused: "
                  "42 != 41", "T.one", "a test check failed", "render.cpp:12")
        write_row(logs, "03", "does not compile", "katas/03_wrong_type_in_factory/keys.cpp:31: 'KeyPres' was not "
                  "declared", "", "a compile error", "keys.cpp:31")
        write_row(logs, "05", "failing", "crashed with a segmentation fault (SIGSEGV) without a sanitizer report: "
                  "a bad pointer or a stack overflow", "", "crashed with a segmentation fault (SIGSEGV) without a "
                  "sanitizer report", "")
        self.env = dict(os.environ, KATA_STATE_DIR=self.state, KATA_BUILD=self.build, KATA_DIE_STATUS="2",
                        http_proxy="", HTTP_PROXY="", no_proxy="", NO_PROXY="")
        self.rooms = []

    def tearDown(self):
        for room in self.rooms:
            room.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def share(self, *args, stdin=None, env=None):
        return subprocess.run([sys.executable, "-B", SHARE, *args], env=env or self.env, input=stdin,
                              capture_output=True, text=True, timeout=30)

    def fake(self, *args, **kw):
        room = FakeRoom(*args, **kw)
        self.rooms.append(room)
        return room

    def configure(self, url, **more):
        """Settings as a yes to make share saves them (and the name an older
        share.py gave the join code, so that it is tested on the same terms)."""
        settings = dict(room=url, code="abcd-efgh-jkmn", token="abcd-efgh-jkmn", name="Ada",
                        id="0123456789abcdef", secret="s" * 32, **more)
        fd = os.open(os.path.join(self.state, "room"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(settings, f)

    def assertOneLine(self, text, *words):
        self.assertNotIn("Traceback", text)
        self.assertNotIn("\x1b", text)
        lines = text.strip().splitlines()
        self.assertEqual(len(lines), 1, text)
        for word in words:
            self.assertIn(word, lines[0])

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
        self.assertEqual(k["02"]["why"], "a test check failed at render.cpp:12")
        self.assertEqual(k["03"], dict(k["03"], state="does not compile", why="a compile error at keys.cpp:31"))
        self.assertEqual(k["05"]["why"], "crashed with a segmentation fault (SIGSEGV) without a sanitizer report")
        text = json.dumps(rec)
        for leak in ("/", "return 42", "KeyPres", "42 != 41", "reused", "T.one"):
            self.assertNotIn(leak, text)
        for c in k.values():
            self.assertEqual(set(c), {"state", "hints", "why", "changed"})

    def test_the_why_line_is_the_error_kind_and_the_katas_place_only(self):
        # Every sanitizer and pool report the summariser is tested on, as a
        # failing kata of the folder it names, its row made as the kata tool
        # makes it (formats.sh's failure_kind_and_place).
        reports = sorted(glob.glob(os.path.join(ROOT, "harness", "tests", "tool", "reports", "*.log")))
        self.assertGreater(len(reports), 5)
        logs = os.path.join(self.build, "kata-logs")
        for report in reports:
            with open(report, encoding="utf-8", errors="replace") as f:
                text = f.read()
            number, slug = re.search(r"katas/(\d\d)_([a-z0-9_]+)/", text).groups()
            with self.subTest(os.path.basename(report)):
                for name in os.listdir(logs):
                    os.remove(os.path.join(logs, name))
                shutil.copy(report, os.path.join(logs, number + ".log"))
                facts = subprocess.run(
                    ["sh", "-c", 'tools="$1"; . "$tools/formats.sh"; failure_kind_and_place "$2" /nonexistent "$3"',
                     "sh", os.path.join(ROOT, "harness", "tools"), os.path.join(logs, number + ".log"),
                     f"katas/{number}_{slug}/"], capture_output=True, text=True, timeout=30).stdout
                kind, place, test = (facts.rstrip("\n").split("\t") + ["", "", ""])[:3]
                write_row(logs, number, "failing", "whatever the table said", test, kind, place)
                with open(os.path.join(self.state, "progress"), "w") as f:
                    f.write(f"{number} failing\n")
                why = self.dry_record("--name", "Ada")["katas"][number]["why"]
                self.assertRegex(why, r"^(AddressSanitizer|ThreadSanitizer|UBSan|LeakSanitizer|harness::Pool): ")
                self.assertTrue(WHY_RE.fullmatch(why), why)
                self.assertRegex(why, r" at [\w.+-]+:\d+$")          # the kata's own place
                for leak in ("KeyPress", "basic_string", "0x", "size", "thread T", "lambda", "Test"):
                    self.assertNotIn(leak, why)

    def test_asks_first_then_sends_in_the_background(self):
        server_tmp = tempfile.mkdtemp(prefix="room-share-db-")
        server = Server(os.path.join(server_tmp, "room.sqlite3"))
        try:
            args = ("--room", server.url, "--code", server.code, "--name", "Ada")
            out = self.share(*args)       # no terminal: no yes, nothing saved
            self.assertNotEqual(out.returncode, 0)
            self.assertFalse(os.path.exists(os.path.join(self.state, "room")))
            self.assertEqual(posts_in(server.db), {})
            out = self.share(*args, "--yes")
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn('"02"', out.stdout)              # it showed the record
            self.assertIn("share: sent to", out.stdout)
            self.assertEqual(len(posts_in(server.db)), 1)
            settings = os.path.join(self.state, "room")
            self.assertEqual(os.stat(settings).st_mode & 0o777, 0o600)
            with open(settings) as f:
                saved = json.load(f)
            self.assertEqual(saved["code"], server.code)
            self.assertGreaterEqual(len(saved["secret"]), 22)
            self.assertNotIn(saved["secret"], out.stdout)     # sent, never shown
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

    def test_the_preview_is_the_record_sent_byte_for_byte(self):
        # What the participant says yes to is what the room gets: the same
        # bytes, a name beyond ASCII included, not a second rendering of it.
        room = self.fake()
        out = subprocess.run([sys.executable, "-B", SHARE, "--room", room.url, "--code", "abcd",
                              "--name", "Zo\u00eb", "--yes"], env=self.env, capture_output=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(b"share: sent to", out.stdout)
        self.assertEqual(len(room.received), 1)
        body = room.received[0].partition(b"\r\n\r\n")[2]
        self.assertEqual(json.loads(body)["katas"]["02"]["why"], "a test check failed at render.cpp:12")
        self.assertIn(b"\n\n" + body + b"\n\n", out.stdout)

    def test_a_dry_run_previews_the_record_the_share_after_it_sends(self):
        # make share DRY_RUN=1 before sharing is on: the id it shows is the
        # one the share sends (not a new random one each time), and so are the
        # rest of the bytes.
        room = self.fake()
        args = ("--room", room.url, "--code", "abcd", "--name", "Ada")
        first = self.share("--dry-run", *args)
        second = self.share("--dry-run", *args)
        self.assertEqual(first.returncode, 0, first.stderr)
        shown = first.stdout[first.stdout.index("{"):first.stdout.rindex("}") + 1]
        self.assertEqual(shown, second.stdout[second.stdout.index("{"):second.stdout.rindex("}") + 1])
        out = self.share(*args, "--yes")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(room.received[0].partition(b"\r\n\r\n")[2].decode("utf-8"), shown)
        self.share("--stop")
        third = self.share("--dry-run", *args)
        self.assertNotEqual(json.loads(third.stdout[third.stdout.index("{"):third.stdout.rindex("}") + 1])["id"],
                            json.loads(shown)["id"], "after make share STOP=1 a share starts with a new id")

    def test_a_katas_first_line_is_dated_by_its_last_run_not_by_the_share(self):
        # Sharing turned on after a morning of katas: each line says when its
        # kata last ran, not the moment of the first record.
        an_hour_ago = int(time.time()) - 3600
        log = os.path.join(self.build, "kata-logs", "02.log")
        os.utime(log, (an_hour_ago, an_hour_ago))
        self.assertEqual(self.dry_record("--name", "Ada")["katas"]["02"]["changed"], an_hour_ago)

    def test_the_preview_shows_what_the_kata_tool_sends_next(self):
        # make share runs without KATA_BUILD: the preview must read the build
        # tree the kata tool runs in (and sends from), or its whys are empty
        # and every kata's time moves on the first send after a run. Here
        # that tree is build/clang (a clang++ on PATH), in a small copy of the
        # repository with one kata failing, one that does not compile.
        mini = os.path.join(self.tmp, "mini")
        for path in ("harness/room/share.py", "harness/room/share_record.py", "harness/room/share_send.py",
                     "harness/tools/kata", "harness/tools/preset.sh", "harness/tools/season.sh",
                     "harness/tools/summarize.awk", "harness/tools/formats.sh", "harness/tools/formats.py",
                     "harness/tools/suite.sh",
                     "harness/hints/02_use_after_put.md", "katas/manifest.txt"):
            os.makedirs(os.path.dirname(os.path.join(mini, path)), exist_ok=True)
            shutil.copy(os.path.join(ROOT, path), os.path.join(mini, path))
        tree = os.path.join(mini, "build", "clang")
        shutil.copytree(self.build, tree)    # the verdict rows of setUp with it
        with open(os.path.join(tree, "katas.tsv"), "w") as f:
            f.write("# number\tslug\tsanitizer\tdifficulty\ttitle\tconcept\tcaught_by\tsignature\tseconds\n")
            f.write("".join(f"{n}\t{s}\taddress\t1\tt\tc\tb\tsig\t60\n" for n, s in
                            (("01", "forgotten_reset"), ("02", "use_after_put"), ("03", "wrong_type_in_factory"))))
        bin_dir = os.path.join(self.tmp, "bin")
        os.makedirs(bin_dir)
        with open(os.path.join(bin_dir, "clang++"), "w") as f:
            f.write("#!/bin/sh\nexit 1\n")
        os.chmod(os.path.join(bin_dir, "clang++"), 0o755)
        env = {k: v for k, v in self.env.items() if k not in ("KATA_BUILD", "PRESET")}
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
        room = self.fake()
        out = subprocess.run([sys.executable, "-B", os.path.join(mini, "harness", "room", "share.py"),
                              "--room", room.url, "--code", "abcd", "--name", "Ada", "--yes"],
                             env=env, capture_output=True, text=True, timeout=30)
        self.assertIn("share: sent to", out.stdout, out.stderr)
        shown = json.loads(out.stdout[out.stdout.index("{"):out.stdout.rindex("}") + 1])["katas"]
        time.sleep(1.1)    # a time that moves would move by a second at least
        out = subprocess.run(["sh", os.path.join(mini, "harness", "tools", "kata"), "hint", "02"],
                             env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        deadline = time.time() + 10
        while len(room.received) < 2 and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(len(room.received), 2)
        sent = json.loads(room.received[1].partition(b"\r\n\r\n")[2])["katas"]
        self.assertEqual(sent["02"]["hints"], shown["02"]["hints"] + 1)     # what the run changed
        self.assertEqual(shown["02"]["why"], "a test check failed at render.cpp:12")
        self.assertEqual(sent["02"]["why"], shown["02"]["why"])
        self.assertEqual((shown["01"], shown["03"]), (sent["01"], sent["03"]))   # the rest as shown

    def test_an_absent_room_costs_one_line(self):
        port = free_port()   # nobody listens there
        out = self.share("--room", f"http://127.0.0.1:{port}", "--code", "t", "--name", "Ada", "--yes")
        self.assertEqual(out.returncode, 0)
        start = time.time()
        out = self.share("--send")
        self.assertLess(time.time() - start, 7)
        self.assertEqual(out.stdout, "")
        self.assertOneLine(out.stderr, "does not answer")

    def test_bad_input(self):
        for args in (("--room", "ftp://x"), ("--room", "http://127.0.0.1:99999"),
                     ("--room", "http://user:pass@127.0.0.1:1"), ("--room", "http://[::1"),
                     ("--room", "http://127.0.0.1:1", "--name", "n" * 50),
                     ("--room", "http://127.0.0.1:1", "--name", "A\u202eda"),
                     ("--room", "http://127.0.0.1:1", "--proxy", "socks5://x")):
            with self.subTest(args):
                full = dict(zip(args[::2], args[1::2]))
                full.setdefault("--code", "t")
                full.setdefault("--name", "n")
                out = self.share(*[x for kv in full.items() for x in kv], "--yes")
                self.assertEqual(out.returncode, 2, out)
                self.assertOneLine(out.stderr, "share: ")
        self.assertEqual(self.share("--name", "n", "--yes").returncode, 2)   # no room, no code
        self.assertFalse(os.path.exists(os.path.join(self.state, "room")))

    def test_a_redirecting_room_gets_no_credential_elsewhere(self):
        elsewhere = self.fake()
        for status in (301, 302, 307, 308):
            with self.subTest(status):
                room = self.fake(b"HTTP/1.0 %d Moved\r\nLocation: %s/api/record\r\nContent-Length: 0\r\n\r\n"
                                 % (status, elsewhere.url.encode()))
                self.configure(room.url)
                out = self.share("--send")
                self.assertEqual((out.returncode, out.stdout), (1, ""))
                self.assertOneLine(out.stderr, "redirect", "not sent")
                self.assertEqual(len(room.received), 1)
                self.assertEqual(elsewhere.received, [])
        os.remove(os.path.join(self.state, "room"))
        out = self.share("--room", room.url, "--code", "abcd", "--name", "Ada", "--yes")
        self.assertIn("redirect", out.stdout)
        self.assertNotIn("share: sent", out.stdout)
        self.assertEqual(elsewhere.received, [])

    def test_only_the_rooms_acknowledgement_counts_as_sent(self):
        answers = {
            "200, not JSON": b"HTTP/1.0 200 OK\r\n\r\nhello",
            "200, not ok": b'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"ok": false}',
            "200, empty": b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
            "not HTTP": b"garbage\r\n\r\n",
            "nothing": b"",
            "a huge header": b"HTTP/1.0 200 OK\r\nX: " + b"y" * 100000 + b"\r\n\r\n",
            "escapes in the error": b'HTTP/1.0 500 Oops\r\nContent-Type: application/json\r\n\r\n'
                                    b'{"error": "\\u001b[2J\\u001b]0;owned\\u0007 boom"}',
            "escapes in the status": b"HTTP/1.0 200 \x1b[31mOK\r\n\r\n{}",
        }
        for what, answer in answers.items():
            with self.subTest(what):
                room = self.fake(answer)
                self.configure(room.url)
                out = self.share("--send")
                self.assertEqual((out.returncode, out.stdout), (1, ""), out.stderr)
                self.assertOneLine(out.stderr, "share: the room at " + room.url)
                os.remove(os.path.join(self.state, "room"))
                out = self.share("--room", room.url, "--code", "abcd", "--name", "Ada", "--yes")
                self.assertNotIn("share: sent", out.stdout)
                self.assertNotIn("\x1b", out.stdout + out.stderr)
                self.assertNotIn("Traceback", out.stderr)
                self.assertEqual(out.stderr, "")
                self.assertRegex(out.stdout.strip().splitlines()[-1], r"^share: the room at .*next run tries again$")

    def test_a_trickling_room_costs_the_deadline_only(self):
        room = self.fake(ACK, trickle=1.0)
        limit = share_send.DEADLINE + 2.5
        start = time.time()
        out = self.share("--room", room.url, "--code", "abcd", "--name", "Ada", "--yes")   # the first run
        self.assertLess(time.time() - start, limit)
        self.assertIn("does not answer", out.stdout.strip().splitlines()[-1])
        start = time.time()
        out = self.share("--send")
        self.assertLess(time.time() - start, limit)
        self.assertOneLine(out.stderr, "does not answer")

    def test_no_proxy_unless_asked(self):
        room, proxy = self.fake(), self.fake()
        self.configure(room.url)
        env = dict(self.env, http_proxy=proxy.url, HTTP_PROXY=proxy.url, all_proxy=proxy.url)
        out = self.share("--send", env=env)
        self.assertEqual((out.returncode, out.stderr), (0, ""))
        self.assertEqual((len(room.received), len(proxy.received)), (1, 0))
        self.configure(room.url, proxy=proxy.url)        # make share ROOM_PROXY=...
        out = self.share("--send", env=env)
        self.assertEqual((out.returncode, out.stderr), (0, ""))
        self.assertEqual((len(room.received), len(proxy.received)), (1, 1))
        self.assertTrue(proxy.received[0].startswith(b"POST " + room.url.encode() + b"/api/record "))

    def test_broken_settings_cost_one_line(self):
        for room in ("http://127.0.0.1:99999", "http://[::1", "ftp://x", "http://"):
            with self.subTest(room):
                self.configure(room)
                out = self.share("--send")
                self.assertEqual((out.returncode, out.stdout), (1, ""))
                self.assertOneLine(out.stderr, "share: ")

    def test_the_settings_are_kept_readable_by_the_owner_only(self):
        self.configure(self.fake().url)
        settings = os.path.join(self.state, "room")
        os.chmod(settings, 0o644)          # an older share.py's file, or one copied in
        self.assertEqual(self.share("--send").returncode, 0)
        self.assertEqual(os.stat(settings).st_mode & 0o777, 0o600)


if __name__ == "__main__":
    unittest.main()
