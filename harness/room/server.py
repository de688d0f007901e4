#!/usr/bin/env python3
"""The facilitator's room view: a small HTTP server that keeps the room in SQLite.

    python3 harness/room/server.py [--port 8765] [--listen 127.0.0.1] [--stuck-minutes 15]
                                   [--max-participants 300] [--history 10] [--rate 40]
                                   [--db build/room/room.sqlite3]
    python3 harness/room/server.py --remove WHO   an id, the #number the page shows, or a name
    python3 harness/room/server.py --clear        every participant gone; key and code stay

Two credentials, made when the room is: the facilitator key (the page, the
CSV, removing participants; never handed out) and the join code (written on
the board: it only creates and updates the poster's own row, which the first
record binds to a secret that the participant's machine keeps). The page
(index.html, room.css, room.js) polls /api/room and draws participants x
katas. Python's standard library only: room_http.py answers the requests,
room_db.py keeps the room, room_checks.py checks a record, room_limits.py
bounds what a client can cost.
"""

import argparse
import ipaddress
import math
import os
import signal
import socket
import sys

sys.dont_write_bytecode = True   # no __pycache__ beside the sources
from room_db import Room, StartError  # noqa: E402
from room_http import Handler, RoomServer, RoomServer6  # noqa: E402
from room_limits import RateLimiter, ceiling  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/room.css": ("room.css", "text/css; charset=utf-8"),
    "/room.js": ("room.js", "text/javascript; charset=utf-8"),
}


def load_static():
    """The page and its assets, read once at start: a request can reach nothing else."""
    static = {}
    for route, (name, content_type) in STATIC.items():
        with open(os.path.join(HERE, name), "rb") as f:
            static[route] = (f.read(), content_type)
    return static


def number(text, what, low, high, whole=False):
    """text as a finite number from low to high, else ValueError with one line."""
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or not low <= value <= high:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{what} must be {kind} from {low:g} to {high:g}, not {text!r}")
    return value


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(f"{message} (python3 harness/room/server.py --help)")


def settings(argv):
    p = Parser(description="The facilitator's live view of the room.")
    p.add_argument("--port", default="8765", help="0: any free port")
    p.add_argument("--listen", default="127.0.0.1",
                   help="the address to bind (0.0.0.0 or ::: the local network)")
    p.add_argument("--stuck-minutes", default="15",
                   help="failing for longer than this counts as stuck (3 hints do too)")
    p.add_argument("--max-participants", default="300", help="rows the room takes, at most")
    p.add_argument("--history", default="10", help="records kept per participant, the latest included")
    p.add_argument("--rate", default="40", help="records a minute per participant, after a burst of 8")
    p.add_argument("--request-seconds", default="10", help="the time a connection may take in all")
    p.add_argument("--db", default=os.path.join(ROOT, "build", "room", "room.sqlite3"))
    p.add_argument("--remove", default=os.environ.get("KATA_ROOM_REMOVE", ""), metavar="WHO",
                   help="remove a participant (an id, the #number the page shows, or a name)")
    p.add_argument("--clear", action="store_true", default=bool(os.environ.get("KATA_ROOM_CLEAR")),
                   help="remove every participant")
    p.add_argument("--verbose", action="store_true", help="log every request")
    args = p.parse_args(argv)
    args.port = number(args.port, "--port (ROOM_PORT)", 0, 65535, whole=True)
    args.stuck_minutes = number(args.stuck_minutes, "--stuck-minutes (STUCK_MINUTES)", 0.1, 24 * 60)
    args.max_participants = number(args.max_participants, "--max-participants", 1, 10000, whole=True)
    args.history = number(args.history, "--history", 1, 1000, whole=True)
    args.rate = number(args.rate, "--rate", 1, 100000)
    args.request_seconds = number(args.request_seconds, "--request-seconds", 0.5, 600)
    return args


def loopback(address):
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def in_url(host):
    return f"[{host}]" if ":" in host else host


def listen(address, port):
    """The listening server, or a one-line reason why not."""
    v6 = ":" in address
    try:
        return (RoomServer6 if v6 else RoomServer)((address, port), Handler), None
    except OSError as e:
        if v6 and (not socket.has_ipv6 or isinstance(e, socket.gaierror) or
                   e.errno in (97, 99)):   # EAFNOSUPPORT, EADDRNOTAVAIL
            return None, (f"cannot listen on {address}: this machine has no IPv6 there "
                          f"({e.strerror or e}); make room LISTEN=127.0.0.1 or LISTEN=0.0.0.0 uses IPv4")
        return None, (f"cannot listen on {in_url(address)}:{port}: {e.strerror or e} "
                      "(another port: make room ROOM_PORT=8766)")


def admin(room, args):
    """make room REMOVE=... / CLEAR=1, on the database, with or without the server running."""
    if args.clear:
        room.clear()
        print("room: cleared: every participant is gone (the key and the join code stay)")
        return 0
    found = room.find(args.remove)
    if len(found) != 1:
        who = "nobody in the room matches" if not found else f"{len(found)} participants in the room match"
        print(f"room: {who} {args.remove!r}: say the #number the page shows, or the id", file=sys.stderr)
        for pid, n, name in found:
            print(f"room:   #{n} {name!r} (id {pid})", file=sys.stderr)
        return 1
    pid, n, name = found[0]
    room.remove(pid)
    print(f"room: removed #{n} {name!r} (id {pid}); records from that machine are refused from now on")
    return 0


def stop_as_interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    try:
        args = settings(argv)
    except ValueError as e:
        print(f"room: {e}", file=sys.stderr)
        return 2
    os.umask(0o077)          # the database and its WAL hold the credentials
    try:
        room = Room(args.db, args.stuck_minutes, args.max_participants, args.history,
                    RateLimiter(args.rate), writer_waits_ms=3000 if args.clear or args.remove else 0)
    except StartError as e:
        print(f"room: {e}", file=sys.stderr)
        return 2
    if args.clear or args.remove:
        return admin(room, args)

    Handler.room = room
    Handler.static = load_static()
    Handler.quiet = not args.verbose
    Handler.deadline = args.request_seconds
    server, problem = listen(args.listen, args.port)
    if problem:
        print("room: " + problem, file=sys.stderr)
        return 2
    port = server.server_address[1]
    local = loopback(args.listen)
    if local:
        Handler.hosts = {f"{h}:{port}" for h in ("127.0.0.1", "localhost", "[::1]", in_url(args.listen))}
        if port == 80:
            Handler.hosts |= {h.rsplit(":", 1)[0] for h in Handler.hosts}
    host = in_url(args.listen) if local or args.listen not in ("0.0.0.0", "::") else "127.0.0.1"
    if local:
        print(f"room: listening on {args.listen} only, this machine "
              "(make room LISTEN=0.0.0.0 opens it to the local network)")
        share_host = f"{host}:{port}"
    else:
        print(f"room: listening on {args.listen}: anyone on this network with the join code can post "
              "a row of their own; the room is read with the facilitator key only")
        share_host = f"{socket.gethostname()}:{port}"
    print(f"room: the page, for you only: http://{host}:{port}/#key={room.key}")
    print(f"room: facilitator key {room.key}")
    print("room:   (the page, the CSV, removing participants: keep it to yourself)")
    print(f"room: join code {room.code}")
    print("room:   (for the participants: it posts their own rows only; write it on the board)")
    print(f"room: on the board: make share ROOM=http://{share_host} CODE={room.code} NAME=yourname")
    if not local:
        print("room: (if that host name does not resolve for them, use this machine's "
              "address: hostname -I)")
    mib = math.ceil(ceiling(args.max_participants, args.history, len(room.katas)) / 2**20)
    print(f"room: at most {args.max_participants} participants, {args.rate:g} records a minute each "
          f"after a burst of 8, the last {args.history} kept: the database stays under {mib} MiB")
    print(f"room: stuck = failing for more than {args.stuck_minutes:g} minutes, or 3 hints; "
          f"stored in {os.path.relpath(args.db, os.getcwd())} (Ctrl-C stops; a restart keeps "
          "the room, its key and its join code)", flush=True)
    # A stop by kill or by the terminal closing is a Ctrl-C too.
    signal.signal(signal.SIGTERM, stop_as_interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nroom: closed; everything acknowledged is in the database", flush=True)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
