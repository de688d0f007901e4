#!/usr/bin/env python3
"""Draws a sample room in headless chromium: docs/room.png (docs/facilitator.md).

    python3 harness/room/screenshot.py [OUT.png]

A server on 127.0.0.1 with a temporary database, fourteen made-up
participants, one screenshot; nothing else is kept.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from room_testlib import KATAS, ROOT, Server, chromium, record  # noqa: E402

NAMES = ["Ada", "Alan", "Barbara", "Bjarne", "Dennis", "Edsger", "Frances", "Grace",
         "Herb", "Ken", "Margaret", "Niklaus", "Radia", "<b>Sophie</b>"]
# What share.py sends: the error kind and the kata's own file:line.
WHY = {
    "02": "ThreadSanitizer: data race at render.h:15",
    "04": "AddressSanitizer: attempting double-free at encoder.h:23",
    "05": "a test check failed at message_test.cpp:27",
    "08": "AddressSanitizer: heap-use-after-free at to_json_test.cpp:33",
    "09": "a test check failed at body_test.cpp:40",
    "10": "ThreadSanitizer: data race at worker.h:31",
    "03": "UBSan: downcast of an address which does not point to an object at events.h:41",
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "docs", "room.png")
    if not chromium():
        sys.exit("screenshot: chromium is not installed (apt-get install chromium)")
    rng = random.Random(22)
    tmp = tempfile.mkdtemp(prefix="room-shot-")
    server = Server(os.path.join(tmp, "room.sqlite3"), stuck_minutes=15)
    try:
        now = int(time.time())
        for i, name in enumerate(NAMES):
            progress = rng.randint(2, 11)
            cells = {}
            for kata in KATAS[:progress]:
                cells[kata] = {"state": "green", "hints": rng.choice([0, 0, 0, 1]), "why": "",
                               "changed": now - rng.randint(600, 5400)}
            kata = KATAS[progress]
            state = rng.choice(["failing", "failing", "failing", "does not compile"])
            why = WHY.get(kata, "a test check failed at pool_test.cpp:18")
            if state == "does not compile":
                why = "a compile error at lease.h:12"
            cells[kata] = {"state": state, "hints": rng.choice([0, 1, 2, 3]), "why": why,
                           "changed": now - rng.randint(60, 2400)}
            status, body, _ = server.post(record(f"sample{i:04d}", name, cells))
            assert status == 200, body
        profile = os.path.join(tmp, "profile")
        subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--hide-scrollbars", "--user-data-dir=" + profile, "--proxy-server=direct://",
                        "--proxy-bypass-list=*", "--window-size=" + os.environ.get("ROOM_SHOT_SIZE", "1400,900"), "--virtual-time-budget=3000",
                        "--screenshot=" + os.path.abspath(out), f"{server.url}/#key={server.key}"],
                       capture_output=True, timeout=120, check=True)
        print("screenshot: " + os.path.relpath(out))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
