#!/usr/bin/env python3
"""Tests of the room's two roles and its bounds, attacked as a participant
with the join code would (make room-test): reading the room, rewriting
another's row, a flood of fake participants, a flood of posts, disk use; and
the facilitator's remove and clear.

    cd harness/room && python3 -B -m unittest test_roles [-v]
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from room_testlib import (KATAS, MAX_BODY, SERVER, Server, canonical, cell, posts_in, record, request,
                          secret_for)
import room_limits


class RoomCase(unittest.TestCase):
    """A fresh room per test, with the server's settings the test names."""

    EXTRA = ()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="room-roles-")
        self.db = os.path.join(self.tmp, "room.sqlite3")
        self.server = Server(self.db, extra=self.EXTRA)

    def tearDown(self):
        self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def names(self):
        return {p["id"]: p["name"] for p in self.server.room()["participants"]}


class RolesTest(RoomCase):
    def test_make_room_says_which_credential_is_which(self):
        text = "".join(self.server.lines)
        self.assertNotEqual(self.server.key, self.server.code)
        self.assertIn(f"#key={self.server.key}", text)
        self.assertRegex(text, r"facilitator key \S+\s+room:\s+\(.*keep it to yourself\)")
        self.assertRegex(text, r"join code \S+\s+room:\s+\(for the participants: .*write it on the board\)")
        self.assertIn(f"on the board: make share ROOM={self.server.url} CODE={self.server.code} NAME=", text)
        self.assertNotIn(self.server.key, text.split("on the board:")[1])

    def test_the_join_code_cannot_read_the_room_or_act_for_the_facilitator(self):
        self.assertEqual(self.server.post(record("reader001", "Ada", {"01": cell("green")}))[0], 200)
        code = self.server.code
        for path in ("/api/room", "/export.csv"):
            status, body, _ = request(self.server.url + path, token=code)
            self.assertEqual(status, 403, path)
            self.assertNotIn(b"reader001", body)
        for path, body in (("/api/admin/remove", {"participant": "reader001"}), ("/api/admin/clear", {})):
            self.assertEqual(request(self.server.url + path, body, token=code)[0], 403, path)
        self.assertEqual(self.names(), {"reader001": "Ada"})

    def test_the_join_code_may_be_typed_loosely(self):
        loose = self.server.code.upper().replace("-", " ")
        self.assertEqual(self.server.post(record("loose0001", "Ada", {}), code=loose)[0], 200)

    def test_another_participants_row_cannot_be_rewritten(self):
        mine = record("victim001", "Ada", {"01": cell("green"), "02": cell("failing", 1, "data race")})
        status, _, _ = self.server.post(mine)
        self.assertEqual(status, 200)
        before = posts_in(self.db)
        prank = record("victim001", "Ada is stuck lol", {})
        for secret in ("", "x" * 32, secret_for("attacker1"), secret_for("victim001")[:-1] + "0"):
            with self.subTest(secret=secret):
                status, body, _ = self.server.post(prank, secret=secret or False)
                self.assertEqual(status, 403, body)
                self.assertIn("error", json.loads(body))
        self.assertEqual(posts_in(self.db), before)             # nothing stored
        room = self.server.room()
        me = [p for p in room["participants"] if p["id"] == "victim001"][0]
        self.assertEqual(me["name"], "Ada")
        self.assertEqual(sorted(me["cells"]), ["01", "02"])
        # The row's own machine goes on posting.
        self.assertEqual(self.server.post(dict(mine, name="Ada L."))[0], 200)
        self.assertEqual(self.names()["victim001"], "Ada L.")


class CapTest(RoomCase):
    EXTRA = ("--max-participants", "20")

    def test_a_flood_of_fake_participants_stops_at_the_cap(self):
        started = time.time()
        statuses = {}
        for i in range(1000):
            status, body, _ = self.server.post(record(f"fake{i:06d}", f"Fake {i}", {"01": cell("failing", 3)}))
            statuses.setdefault(status, []).append(body)
        self.assertEqual(sorted(statuses), [200, 409])
        self.assertEqual(len(statuses[200]), 20)
        self.assertIn("the room is full (20 participants)", json.loads(statuses[409][0])["error"])
        room = self.server.room()
        self.assertEqual(len(room["participants"]), 20)
        self.assertEqual(room["counts"]["01"]["stuck"], 20)
        self.assertEqual(len(posts_in(self.db)), 20)
        print(f"\nflood: 1000 fake participants posted in {time.time() - started:.1f} s: "
              f"{len(statuses[200])} taken, {len(statuses[409])} refused (409)", file=sys.stderr)

    def test_the_facilitator_removes_a_participant_and_clears_the_room(self):
        for pid in ("keeper001", "prank0001", "prank0002"):
            self.assertEqual(self.server.post(record(pid, pid[:5], {"01": cell("green")}))[0], 200)
        url, key = self.server.url, self.server.key
        status, _, _ = request(url + "/api/admin/remove", {"participant": "prank0001"}, token=key)
        self.assertEqual(status, 200)
        self.assertEqual(sorted(self.names()), ["keeper001", "prank0002"])
        self.assertNotIn("prank0001", json.dumps(posts_in(self.db)))
        # Removed: its machine's next records are refused, the others' are not.
        status, body, _ = self.server.post(record("prank0001", "prank", {}))
        self.assertEqual(status, 403, body)
        self.assertIn("removed", json.loads(body)["error"])
        self.assertEqual(self.server.post(record("keeper001", "keeper", {}))[0], 200)
        self.assertEqual(request(url + "/api/admin/remove", {"participant": "nobody001"}, token=key)[0], 404)
        self.assertEqual(request(url + "/api/admin/remove", {"participant": "bad\nid"}, token=key)[0], 400)
        # make room REMOVE=#n, on the database beside the running server.
        n = {p["id"]: p["n"] for p in self.server.room()["participants"]}["prank0002"]
        out = subprocess.run([sys.executable, "-B", SERVER, "--db", self.db, "--remove", f"#{n}"],
                             capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("removed #%d 'prank'" % n, out.stdout)
        self.assertEqual(sorted(self.names()), ["keeper001"])
        out = subprocess.run([sys.executable, "-B", SERVER, "--db", self.db, "--remove", "Nobody"],
                             capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 1)
        self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)
        # Clear, from the page's control, then from make room CLEAR=1.
        self.assertEqual(request(url + "/api/admin/clear", {}, token=key)[0], 200)
        self.assertEqual(self.names(), {})
        self.assertEqual(posts_in(self.db), {})
        self.assertEqual(self.server.post(record("prank0001", "back", {}))[0], 200)   # a fresh room
        out = subprocess.run([sys.executable, "-B", SERVER, "--db", self.db], env=dict(os.environ, KATA_ROOM_CLEAR="1"),
                             capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(self.names(), {})
        # The credentials stay.
        self.assertEqual(self.server.post(record("keeper001", "keeper", {}))[0], 200)


class RateTest(RoomCase):
    def test_posts_past_the_rate_are_refused_with_retry_after(self):
        rec = record("eager0001", "Eager", {"01": cell("green")})
        started = time.monotonic()
        answers = [self.server.post(rec) for _ in range(30)]
        # A burst, then one more for each 60/40 s that the thirty posts took.
        refills = int((time.monotonic() - started) / 1.5)
        taken = [a for a in answers if a[0] == 200]
        refused = [a for a in answers if a[0] == 429]
        self.assertEqual(len(taken) + len(refused), 30)
        self.assertIn(len(taken), range(room_limits.BURST, room_limits.BURST + refills + 1))
        self.assertTrue(all(1 <= int(h["Retry-After"]) <= 2 for _, _, h in refused))
        self.assertIn("too many records", json.loads(refused[0][1])["error"])
        self.assertEqual(len(posts_in(self.db)), len(taken))
        # Another participant is not slowed by this one.
        self.assertEqual(self.server.post(record("calm00001", "Calm", {}))[0], 200)
        # After the wait, the eager one posts again.
        time.sleep(int(refused[-1][2]["Retry-After"]))
        self.assertEqual(self.server.post(rec)[0], 200)

    def test_a_participant_keeps_its_latest_record_and_a_bounded_history(self):
        self.server.stop()
        self.server = Server(self.db, extra=("--history", "5", "--rate", "100000"))
        sent = []
        for i in range(12):
            rec = record("history01", "Hist", {"01": cell("failing", i % 4, f"run {i}")})
            self.assertEqual(self.server.post(rec)[0], 200)
            sent.append(canonical(rec))
        kept = [body for _, body in sorted(posts_in(self.db).items())]
        self.assertEqual(kept, sent[-5:])
        self.assertEqual(self.server.room()["participants"][0]["cells"]["01"]["why"], "run 11")


class CeilingTest(RoomCase):
    EXTRA = ("--max-participants", "5", "--history", "3", "--rate", "100000")

    def test_a_thousand_largest_records_stay_under_the_stated_ceiling(self):
        # Records as large as the room takes, in four-byte characters, from
        # eight ids (five taken, three refused), as fast as one client can.
        ids = [f"big{i:06d}" for i in range(8)]
        why = "\U0001F600" * 200
        body = None
        for length in range(200, 0, -1):
            cells = {k: cell("failing", 1, why[:length]) for k in KATAS}
            body = json.dumps(record(ids[0], "N" * 40, cells), ensure_ascii=False).encode()
            if len(body) <= MAX_BODY:
                break
        self.assertGreater(len(body), MAX_BODY - 512)
        statuses = {}
        for i in range(1000):
            pid = ids[i % len(ids)]
            rec = record(pid, "N" * 40, cells)
            status = self.server.post(rec)[0]
            statuses[status] = statuses.get(status, 0) + 1
        self.assertEqual(statuses, {200: 625, 409: 375})
        used = sum(os.path.getsize(self.db + end) for end in ("", "-wal", "-shm")
                   if os.path.exists(self.db + end))
        ceiling = room_limits.ceiling(5, 3, len(KATAS))
        print(f"\nceiling: 1000 records of {len(body)} bytes (5 participants, 3 kept each): "
              f"the database uses {used / 2**20:.2f} MiB of its stated {ceiling / 2**20:.2f} MiB",
              file=sys.stderr)
        self.assertLessEqual(used, ceiling)
        self.assertEqual(len(posts_in(self.db)), 5 * 3)


if __name__ == "__main__":
    unittest.main()
