#!/usr/bin/env python3
"""The participant's side of the room view: what `make share` sends, and how.

    share.py [--room URL --code C --name NAME]   show the record, ask, save, send
    share.py --dry-run                            print the record, send nothing
    share.py --send                               send quietly (the kata tool, in
                                                  the background, after each run)
    share.py --stop                               stop sharing (forget the room)

The settings live in .kata-state/room (ignored by git, readable by you only):
the room's address, its join code, the name, a random id, and the secret
that makes the room's row for that id yours (sent with each record, never
shown). The record holds the name, the id and, per kata that has run: its
state, the hints opened, when that last changed, and a "why" that is the
error kind and the kata's own file:line only (share_record.py). Never code,
values, file contents or paths. How it is sent: share_send.py.
Whatever happens, this prints one line of its own, never a traceback.
"""

import argparse
import json
import os
import re
import secrets
import sys

sys.dont_write_bytecode = True   # no __pycache__ beside the sources
import share_record  # noqa: E402
import share_send  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STATE_DIR = os.environ.get("KATA_STATE_DIR") or os.path.join(ROOT, ".kata-state")
BUILD = share_record.kata_build()
SETTINGS = os.path.join(STATE_DIR, "room")
SEEN = os.path.join(STATE_DIR, "room-seen")   # when each kata's line last changed
# The random id a preview showed before sharing was on: the share that
# follows sends that id, so the preview is the record, id and all.
PREVIEWED_ID = os.path.join(STATE_DIR, "room-previewed-id")
MAX_NAME = 40


class Stop(Exception):
    """Bad input: one line, and the exit status KATA_DIE_STATUS says."""


def owner_only(path):
    if os.path.exists(path) and os.stat(path).st_mode & 0o077:
        os.chmod(path, 0o600)


def load_settings():
    try:
        owner_only(SETTINGS)      # a file from an older share.py, or copied in
        settings = json.loads(share_record.read(SETTINGS, ""))
    except (OSError, ValueError):
        return None
    if not isinstance(settings, dict):
        return None
    if "code" not in settings and isinstance(settings.get("token"), str):
        settings["code"] = settings.pop("token")     # an older share.py's name for it
    if all(isinstance(settings.get(k), str) for k in ("room", "code", "name", "id")):
        return settings
    return None


def save(path, text):
    os.makedirs(STATE_DIR, exist_ok=True)
    tmp = f"{path}.{os.getpid()}.new"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def check_url(url, what="ROOM"):
    try:
        share_send.split_url(url)
    except ValueError as e:
        raise Stop(f"{what} {e} (as on the board), not {share_send.plain(url)!r}") from None
    return url.rstrip("/")


def check_name(name):
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME or share_record.clean(name) != name:
        raise Stop(f"NAME must be 1 to {MAX_NAME} visible characters, on one line")
    return name


def show(settings, body):
    """The record as the bytes that are sent (share_record.encode), not a
    rendering of its own."""
    print(f"This is what goes to {settings['room']}, after every kata run (make kata, make status, make watch):")
    print(flush=True)
    sys.stdout.buffer.write(body)
    sys.stdout.buffer.flush()
    print()
    print()
    print("The name is yours to choose; the id is random, and a secret kept in .kata-state/room (sent,")
    print("not shown) makes its row yours. Each why is the error kind and the kata's file:line only:")
    print("no code, no values, no file contents, no paths.")


def send_quietly(saved):
    """The kata tool's background call: at most one line, on failure."""
    if not saved:
        return 0
    if not saved.get("secret"):
        saved["secret"] = secrets.token_urlsafe(24)
        save(SETTINGS, json.dumps(saved))
    rec, seen = share_record.build(saved, STATE_DIR, BUILD, SEEN)
    save(SEEN, json.dumps(seen))
    problem = share_send.post(saved, share_record.encode(rec))
    if problem:
        print("share: " + problem + "; your katas go on", file=sys.stderr)
        return 1
    return 0


def run(argv):
    p = argparse.ArgumentParser(description="Share your progress with the facilitator's room view.")
    p.add_argument("--room", default=os.environ.get("KATA_ROOM_URL", ""))
    p.add_argument("--code", "--token", dest="code", default=os.environ.get("KATA_ROOM_CODE", ""),
                   help="the join code on the board")
    p.add_argument("--name", default=os.environ.get("KATA_ROOM_NAME", ""))
    p.add_argument("--proxy", default=os.environ.get("KATA_ROOM_PROXY", ""),
                   help="send through this HTTP proxy (none unless asked)")
    p.add_argument("--dry-run", action="store_true", default=bool(os.environ.get("KATA_ROOM_DRY_RUN")))
    p.add_argument("--stop", action="store_true", default=bool(os.environ.get("KATA_ROOM_STOP")))
    p.add_argument("--send", action="store_true", help="send quietly with the saved settings")
    p.add_argument("--yes", action="store_true", help="do not ask")
    args = p.parse_args(argv)

    saved = load_settings()
    if args.send:
        return send_quietly(saved)
    if args.stop:
        for path in (SETTINGS, SEEN, PREVIEWED_ID):
            if os.path.exists(path):
                os.remove(path)
        print("share: stopped; nothing more is sent (make share ROOM=... starts again, with a new id)")
        return 0

    settings = dict(saved or {})
    if args.room:
        settings["room"] = check_url(args.room)
    if args.code:
        settings["code"] = args.code.strip()
        if not re.fullmatch(r"[\x21-\x7e]{1,128}", settings["code"]):
            raise Stop("CODE must be the join code on the board (letters, digits and dashes)")
    if args.name:
        settings["name"] = check_name(args.name)
    if args.proxy:
        settings["proxy"] = check_url(args.proxy, "PROXY")
    if "id" not in settings:
        previewed = share_record.read(PREVIEWED_ID, "").strip()
        settings["id"] = previewed if re.fullmatch(r"[0-9a-f]{16}", previewed) else secrets.token_hex(8)
        if args.dry_run and previewed != settings["id"]:
            save(PREVIEWED_ID, settings["id"])
    settings.setdefault("secret", secrets.token_urlsafe(24))
    missing = [k.upper() for k in ("room", "code", "name") if not settings.get(k)]
    if missing and not args.dry_run:
        raise Stop("say " + " and ".join(missing) + ": make share ROOM=http://HOST:PORT CODE=... "
                   "NAME=yourname (the facilitator writes the line on the board)")
    shown = dict(settings)
    shown.setdefault("room", "http://HOST:PORT")
    shown.setdefault("name", "yourname")
    rec, seen = share_record.build(shown, STATE_DIR, BUILD, SEEN)
    body = share_record.encode(rec)   # built once: shown, then sent as it is

    if args.dry_run:
        # Kept, though nothing is sent: when each kata's line changed, as the
        # share after this preview will send it.
        save(SEEN, json.dumps(seen))
        show(shown, body)
        print("(--dry-run: nothing was sent)")
        return 0

    if settings != saved:
        show(settings, body)
        if not args.yes:
            if not sys.stdin.isatty():
                raise Stop("sharing needs a yes: run make share in a terminal")
            answer = input("Send this now and after every run? [y/N] ").strip().lower()
            if answer not in ("y", "yes"):
                print("share: nothing sent, nothing saved.")
                return 0
        save(SETTINGS, json.dumps(settings))
    problem = share_send.post(settings, body)
    if problem:
        print("share: " + problem + "; the settings are saved, the next run tries again")
        return 0
    save(SEEN, json.dumps(seen))
    print(f"share: sent to {settings['room']} as {settings['name']}; "
          "every kata run sends again (make share STOP=1 stops)")
    return 0


def main(argv=None):
    try:
        return run(argv)
    except Stop as e:
        print("share: " + str(e), file=sys.stderr)
        return int(os.environ.get("KATA_DIE_STATUS", "2"))
    except (KeyboardInterrupt, EOFError):
        print("\nshare: stopped; nothing more was sent", file=sys.stderr)
        return 1
    except Exception as e:   # noqa: BLE001  one line, never a traceback; the katas go on
        print(f"share: stopped by an unexpected {type(e).__name__}; your katas go on", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
