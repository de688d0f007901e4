#!/usr/bin/env python3
"""Tests of bad input to the room (make room-test): each gets a clear 4xx or a
one-line refusal, and nothing is stored. Text that is not what it looks like
(lone surrogates, zero-width and bidi characters, blank names, ids with a
control character), settings out of range, HEAD, a foreign Host header on
loopback (DNS rebinding), and IPv6.

    cd harness/room && python3 -B -m unittest test_inputs [-v]
"""

import json
import os
import shutil
import socket
import tempfile
import unittest

from room_testlib import Server, SharedServerTest, cell, free_port, posts_in, raw, record, refusal, request, secret_for


class TextTest(SharedServerTest):
    PREFIX = "room-inputs-"

    def refused(self, cases):
        before = posts_in(self.db)
        for what, body in cases.items():
            with self.subTest(what):
                secret = secret_for("badinput1")
                status, reply, _ = self.server.post(body, secret=secret)
                self.assertEqual(status, 400, reply)
                self.assertIn("error", json.loads(reply))
        self.assertEqual(posts_in(self.db), before)
        # The server is still there, and takes a good record.
        self.assertEqual(self.server.post(record("goodinput", "Good", {"01": cell("green")}))[0], 200)

    def test_lone_surrogates_and_undecodable_bytes_are_refused(self):
        def body(name=b'"n"', why=b'""'):
            return (b'{"id": "badinput1", "name": ' + name + b', "katas": {"01": {"state": "failing", '
                    b'"hints": 0, "why": ' + why + b', "changed": 1}}}')
        self.refused({
            "a lone high surrogate in the name": body(name=b'"Ada\\ud800"'),
            "a lone low surrogate in the why": body(why=b'"\\udc00 boom"'),
            "a reversed pair": body(name=b'"\\udc00\\ud800"'),
            "invalid UTF-8": body(name=b'"\xff"'),
            "an overlong slash": body(name=b'"a\xc0\xafb"'),
            "UTF-16": json.dumps(record("badinput1", "Ada", {})).encode("utf-16"),
        })

    def test_invisible_and_direction_characters_are_refused(self):
        ok = cell("failing", 0, "data race")
        tricks = {"zero-width space": "A\u200bda", "zero-width joiner": "A\u200dda",
                  "right-to-left override": "\u202eadA", "left-to-right isolate": "\u2066Ada\u2069",
                  "right-to-left mark": "Ada\u200f", "byte order mark": "\ufeffAda", "soft hyphen": "A\u00adda",
                  "word joiner": "A\u2060da", "tag character": "Ada\U000E0041", "private use": "Ada\ue000",
                  "line separator": "Ada\u2028", "non-character": "Ada\ufffe", "C1 control": "Ada\x85"}
        cases = {f"name: {what}": record("badinput1", text, {"01": ok}) for what, text in tricks.items()}
        cases.update({f"why: {what}": record("badinput1", "Ada", {"01": cell("failing", 0, text)})
                      for what, text in tricks.items()})
        self.refused(cases)

    def test_blank_names_are_refused(self):
        blanks = {"no-break spaces": "\u00a0\u00a0", "ideographic space": "\u3000", "hangul filler": "\u3164",
                  "braille blank": "\u2800\u2800", "halfwidth hangul filler": "\uffa0",
                  "a combining accent alone": "\u0301", "grapheme joiner": "\u034f",
                  "invisible times": "\u2062", "spaces and fillers": " \u3164 \u115f "}
        self.refused({what: record("badinput1", name, {}) for what, name in blanks.items()})

    def test_ids_with_control_characters_are_refused(self):
        ids = {"a trailing newline": "badinput1\n", "a newline inside": "bad\ninput1", "a tab": "bad\tinput1",
               "a NUL": "badinput1\x00", "a carriage return": "badinput1\r", "a DEL": "badinput1\x7f",
               "a zero-width space": "badinput1\u200b", "fullwidth letters": "\uff42adinput1"}
        self.refused({what: record(pid, "Ada", {}) for what, pid in ids.items()})

    def test_head_is_for_the_page_only(self):
        for path in ("/", "/room.css", "/room.js"):
            status, body, headers = request(self.server.url + path, method="HEAD")
            self.assertEqual((status, body), (200, b""), path)
            self.assertEqual(int(headers["Content-Length"]), len(request(self.server.url + path)[1]))
            self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
        for path in ("/api/room", "/export.csv", "/api/record"):
            status, body, _ = request(self.server.url + path, method="HEAD", token=self.server.key)
            self.assertEqual((status, body), (405, b""), path)
        self.assertEqual(request(self.server.url + "/nothing", method="HEAD")[0], 404)
        for method in ("PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"):
            status, body, headers = request(self.server.url + "/", method=method, data=b"x")
            self.assertEqual(status, 405, method)
            self.assertIn("error", json.loads(body))
            self.assertIn("default-src 'none'", headers["Content-Security-Policy"])

    def test_a_foreign_host_is_refused_on_loopback(self):
        port = self.server.port
        before = posts_in(self.db)
        post = json.dumps(record("rebinding", "Rebound", {"01": cell("green")})).encode()
        for host in (b"evil.example", b"evil.example:%d" % port, b"127.0.0.1.evil.example:%d" % port,
                     b"127.0.0.1:%d" % (port + 1), b"", None):
            with self.subTest(host=host):
                head = b"" if host is None else b"Host: " + host + b"\r\n"
                reply = raw(port, b"GET / HTTP/1.0\r\n" + head + b"\r\n")
                self.assertIn(b" 421 ", reply[:100])
                self.assertNotIn(b"<html", reply)
                reply = raw(port, b"POST /api/record HTTP/1.0\r\n" + head + b"Authorization: Bearer " +
                            self.server.code.encode() + b"\r\nX-Room-Secret: " + secret_for("rebinding").encode() +
                            b"\r\nContent-Length: %d\r\n\r\n" % len(post) + post)
                self.assertIn(b" 421 ", reply[:100])
        self.assertEqual(posts_in(self.db), before)
        for host in (b"127.0.0.1:%d" % port, b"localhost:%d" % port, b"LOCALHOST:%d" % port, b"[::1]:%d" % port):
            self.assertIn(b" 200 ", raw(port, b"GET / HTTP/1.0\r\nHost: " + host + b"\r\n\r\n")[:100], host)


class SettingsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="room-settings-")
        self.db = os.path.join(self.tmp, "room.sqlite3")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assertRefusedInOneLine(self, *args):
        status, out, err = refusal("--db", self.db, *args)
        self.assertEqual(status, 2, (args, out, err))
        self.assertNotIn("Traceback", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertTrue(err.startswith("room: "), err)
        self.assertNotIn("listening", out)
        return err

    def test_settings_out_of_range_are_refused_in_one_line(self):
        for value in ("nan", "NaN", "inf", "-inf", "0", "-1", "1e9", "1e400", "abc", ""):
            with self.subTest(stuck_minutes=value):
                self.assertIn("--stuck-minutes", self.assertRefusedInOneLine("--port", "0", "--stuck-minutes", value))
        for value in ("70000", "65536", "-1", "abc", "1e3", "99999999999999999999"):
            with self.subTest(port=value):
                self.assertIn("--port", self.assertRefusedInOneLine("--port", value))
        for flag, value in (("--max-participants", "0"), ("--history", "0"), ("--rate", "nan"),
                            ("--request-seconds", "inf")):
            with self.subTest(flag=flag):
                self.assertIn(flag, self.assertRefusedInOneLine("--port", "0", flag, value))
        self.assertFalse(os.path.exists(self.db))      # refused before the database

    def test_ipv6_listening_works_or_is_refused_in_one_line(self):
        try:
            with socket.socket(socket.AF_INET6) as s:
                s.bind(("::1", 0))
            have_ipv6 = True
        except OSError:
            have_ipv6 = False
        if not have_ipv6:
            self.assertIn("IPv6", self.assertRefusedInOneLine("--listen", "::1", "--port", "0"))
            return
        server = Server(self.db, port=free_port(socket.AF_INET6, "::1"), listen="::1")
        try:
            self.assertIn("listening on ::1 only", "".join(server.lines))
            self.assertIn(f"http://[::1]:{server.port}/#key=", "".join(server.lines))
            status, body, _ = request(server.url + "/")
            self.assertEqual(status, 200)
            self.assertEqual(server.post(record("ipv6input", "Six", {"01": cell("green")}))[0], 200)
            self.assertEqual([p["name"] for p in server.room()["participants"]], ["Six"])
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
