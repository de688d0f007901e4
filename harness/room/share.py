#!/usr/bin/env python3
"""The participant's side of the room view: what `make share` sends, and how.

    share.py [--room URL --token T --name NAME]   show the record, ask, save, send
    share.py --dry-run                             print the record, send nothing
    share.py --send                                send quietly (the kata tool, in
                                                   the background, after each run)
    share.py --stop                                stop sharing (forget the room)

The settings live in .kata-state/room (ignored by git). The record holds a
name, a random id and, per kata that has run: its state, the hints opened,
the first line of the table's "why" (with any path taken out) and when that
last changed. Never code, file contents or paths.
"""

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STATE_DIR = os.environ.get("KATA_STATE_DIR") or os.path.join(ROOT, ".kata-state")
BUILD = os.environ.get("KATA_BUILD") or os.path.join(ROOT, "build", os.environ.get("PRESET") or "gcc")
SETTINGS = os.path.join(STATE_DIR, "room")
SEEN = os.path.join(STATE_DIR, "room-seen")   # when each kata's line last changed
TIMEOUT = 3          # seconds: a room that does not answer costs no more
STATES = {"done": "green", "failing": "failing", "does-not-compile": "does not compile"}
MAX_NAME = 40
MAX_WHY = 160


def die(message):
    print("share: " + message, file=sys.stderr)
    sys.exit(int(os.environ.get("KATA_DIE_STATUS", "2")))


def katas():
    """[(number, slug)] from katas/manifest.txt."""
    out = []
    with open(os.path.join(ROOT, "katas", "manifest.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                fields = [x.strip() for x in line.split("|")]
                out.append((fields[0], fields[1]))
    return out


def read(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def no_paths(text):
    """The text without paths: a/b/c.cpp and /a/b/c.cpp become c.cpp."""
    text = re.sub(r"/?(?:[\w.+-]*[A-Za-z_][\w.+-]*/)+([\w.+-]+)", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def shorten(text, n=MAX_WHY):
    """The first n characters, cut at a word, as the table does."""
    if len(text) <= n:
        return text
    cut = re.sub(r"[ ,:;]+[^ ]*$", "", text[: n - 3])
    return cut + "..."


def unescape(value):
    # The results file's escapes: \n and \t become spaces, \\ one backslash.
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            i += 1
            c = value[i] if value[i] == "\\" else " "
        out.append(c)
        i += 1
    return "".join(out)


def crash_reason(status):
    # harness/tools/kata's crash_reason, in short.
    if status == 124:
        return "timed out: a deadlock or an endless loop?"
    if status == 134:
        return "aborted (SIGABRT) without a sanitizer report"
    if status == 139:
        return "crashed with a segmentation fault (SIGSEGV) without a sanitizer report"
    if 130 <= status <= 159:
        return f"killed by signal {status - 128} without a sanitizer report"
    return f"exited with status {status} and no failure message"


def failing_why(number):
    """The table's "why" for a failing kata (harness/tools/kata's reason())."""
    logs = os.path.join(BUILD, "kata-logs")
    log = os.path.join(logs, number + ".log")
    if os.path.exists(log):
        try:
            out = subprocess.run(
                ["awk", "-v", "dir=/no-kata-dir/", "-f",
                 os.path.join(ROOT, "harness", "tools", "summarize.awk"), log],
                capture_output=True, text=True, errors="replace", timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out.strip():
            return re.sub(r"^UndefinedBehaviorSanitizer: ", "UBSan: ", out.splitlines()[0])
    started = ""
    for line in read(os.path.join(logs, number + ".tsv")).splitlines():
        fields = line.split("\t")
        if fields[0] == "failed" and len(fields) > 4:
            return unescape(fields[4])
        if fields[0] == "started" and len(fields) > 1:
            started = fields[1]
        elif fields[0] == "passed" and len(fields) > 1 and fields[1] == started:
            started = ""
    verdict = read(os.path.join(logs, number + ".verdict")).splitlines()
    try:
        status = int(verdict[1])
    except (IndexError, ValueError):
        return ""
    return crash_reason(status) + (f" (in {started})" if started else "")


def compile_why(number, slug):
    """The first compiler error for kata NN: the message only, no file."""
    pattern = re.compile(r"katas/%s_%s/[^:]+:[0-9]+(?::[0-9]+)?: (?:fatal )?error: (.*)" % (number, slug))
    logs = [os.path.join(BUILD, "build.log"), os.path.join(BUILD, f"build-kata{number}.log")]
    logs = sorted((p for p in logs if os.path.exists(p)), key=os.path.getmtime, reverse=True)
    for path in logs:
        m = pattern.search(read(path))
        if m:
            return m.group(1)
    return "the compiler failed"


def record(settings):
    """The record exactly as it is sent."""
    progress = {}
    for line in read(os.path.join(STATE_DIR, "progress")).splitlines():
        parts = line.split()
        if len(parts) == 2:
            progress[parts[0]] = parts[1]
    try:
        seen = json.loads(read(SEEN, "{}"))
    except ValueError:
        seen = {}
    now = int(time.time())
    cells = {}
    for number, slug in katas():
        state = STATES.get(progress.get(number, ""))
        if not state:
            continue      # not run yet (or not built): nothing to say
        try:
            hints = int(read(os.path.join(STATE_DIR, "hints-" + number), "0").strip() or 0)
        except ValueError:
            hints = 0
        if state == "failing":
            why = failing_why(number)
        elif state == "does not compile":
            why = compile_why(number, slug)
        else:
            why = ""
        why = shorten(no_paths(why))
        before = seen.get(number)
        key = [state, hints, why]
        changed = before[3] if isinstance(before, list) and len(before) == 4 and before[:3] == key else now
        seen[number] = key + [changed]
        cells[number] = {"state": state, "hints": min(max(hints, 0), 99), "why": why, "changed": changed}
    return {"id": settings["id"], "name": settings["name"], "katas": cells}, seen


def save_seen(seen):
    tmp = f"{SEEN}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(seen, f)
    os.replace(tmp, SEEN)


def post(settings, body):
    """POSTs the record; returns None when the room stored it, else one line why not."""
    url = settings["room"].rstrip("/") + "/api/record"
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": "Bearer " + settings["token"]})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as r:
            r.read()
        return None
    except urllib.error.HTTPError as e:
        if e.code == 401:
            return f"the room at {settings['room']} refused the token (401): ask the facilitator for it"
        try:
            detail = json.loads(e.read().decode("utf-8")).get("error", "")
        except (ValueError, OSError):
            detail = ""
        return f"the room at {settings['room']} refused the record ({e.code} {detail})".strip()
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        return f"the room at {settings['room']} does not answer ({reason})"


def give_up(settings):
    print(f"share: the room at {settings['room']} does not answer (no reply in {2 * TIMEOUT} s); "
          "your katas go on", file=sys.stderr)
    os._exit(1)


def load_settings():
    try:
        settings = json.loads(read(SETTINGS, ""))
        if all(isinstance(settings.get(k), str) for k in ("room", "token", "name", "id")):
            return settings
    except ValueError:
        pass
    return None


def check_room(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        die(f"ROOM must look like http://HOST:PORT (the line make room printed), not {url!r}")
    return url.rstrip("/")


def show(settings, rec):
    print(f"This is what goes to {settings['room']}, after every kata run (make kata, make status, make watch):")
    print()
    print(json.dumps(rec, indent=2, ensure_ascii=False))
    print()
    print("The name is yours to choose; the id is random. No code, no file contents, no paths.")


def main(argv=None):
    p = argparse.ArgumentParser(description="Share your progress with the facilitator's room view.")
    p.add_argument("--room", default=os.environ.get("KATA_ROOM_URL", ""))
    p.add_argument("--token", default=os.environ.get("KATA_ROOM_TOKEN", ""))
    p.add_argument("--name", default=os.environ.get("KATA_ROOM_NAME", ""))
    p.add_argument("--dry-run", action="store_true", default=bool(os.environ.get("KATA_ROOM_DRY_RUN")))
    p.add_argument("--stop", action="store_true", default=bool(os.environ.get("KATA_ROOM_STOP")))
    p.add_argument("--send", action="store_true", help="send quietly with the saved settings")
    p.add_argument("--yes", action="store_true", help="do not ask")
    args = p.parse_args(argv)

    saved = load_settings()
    if args.send:
        # The kata tool's background call: at most one line, on failure.
        if not saved:
            return 0
        # Name lookups have no timeout of their own: stop after twice the wait.
        signal.signal(signal.SIGALRM, lambda *_: give_up(saved))
        signal.alarm(2 * TIMEOUT)
        rec, seen = record(saved)
        save_seen(seen)
        problem = post(saved, json.dumps(rec).encode("utf-8"))
        if problem:
            print("share: " + problem + "; your katas go on", file=sys.stderr)
            return 1
        return 0

    if args.stop:
        for path in (SETTINGS, SEEN):
            if os.path.exists(path):
                os.remove(path)
        print("share: stopped; nothing more is sent (make share ROOM=... starts again)")
        return 0

    settings = dict(saved or {})
    if args.room:
        settings["room"] = check_room(args.room)
    if args.token:
        settings["token"] = args.token.strip()
    if args.name:
        name = re.sub(r"\s+", " ", args.name).strip()
        if len(name) > MAX_NAME or re.search(r"[\x00-\x1f\x7f]", name):
            die(f"NAME must be at most {MAX_NAME} characters, on one line")
        settings["name"] = name
    settings.setdefault("id", secrets.token_hex(8))
    missing = [k.upper() for k in ("room", "token", "name") if not settings.get(k)]
    if missing and not args.dry_run:
        die("say " + " and ".join(missing) + ": make share ROOM=http://HOST:PORT TOKEN=... NAME=yourname "
            "(the facilitator's make room prints the line)")
    settings.setdefault("room", "http://HOST:PORT")
    settings.setdefault("name", "yourname")
    settings.setdefault("token", "")
    rec, seen = record(settings)

    if args.dry_run:
        show(settings, rec)
        print("(--dry-run: nothing was sent)")
        return 0

    if settings != saved:
        show(settings, rec)
        if not args.yes:
            if not sys.stdin.isatty():
                die("sharing needs a yes: run make share in a terminal")
            answer = input("Send this now and after every run? [y/N] ").strip().lower()
            if answer not in ("y", "yes"):
                print("share: nothing sent, nothing saved.")
                return 0
        os.makedirs(STATE_DIR, exist_ok=True)
        fd = os.open(SETTINGS + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(settings, f)
        os.replace(SETTINGS + ".new", SETTINGS)
    problem = post(settings, json.dumps(rec).encode("utf-8"))
    if problem:
        print("share: " + problem + "; the settings are saved, the next run tries again")
        return 0
    save_seen(seen)
    print(f"share: sent to {settings['room']} as {settings['name']}; "
          "every kata run sends again (make share STOP=1 stops)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
