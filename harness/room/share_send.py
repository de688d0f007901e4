"""How `make share` sends a record (share.py): one POST, and only that.

No redirect is followed (the join code never goes to another host), no proxy
is used unless the settings name one, the whole request (name lookup
included) has DEADLINE seconds, and "sent" means the room's own
acknowledgement: a 200 with {"ok": true, "seq": N}. Every other outcome is
one line of plain text, whatever the other end sent.
"""

import http.client
import json
import socket
import threading
import time
import unicodedata
import urllib.parse

DEADLINE = 5          # seconds for one send, all in
MAX_ANSWER = 64 * 1024


def plain(text, n=100):
    """Text from the other end, safe to print: visible characters, one line."""
    text = "".join(ch if unicodedata.category(ch)[0] not in "CZ" else " " for ch in str(text))
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def split_url(url):
    """(scheme, host, port) of an http(s)://HOST[:PORT] URL, or ValueError with one line."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("must look like http://HOST:PORT")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("has a port out of range (1 to 65535)") from None
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def exchange(settings, body, ends):
    """(status, headers, answer bytes) of the POST; raises OSError or HTTPException."""
    scheme, host, port = split_url(settings["room"])
    target = "/api/record"
    left = lambda: max(0.05, ends - time.monotonic())  # noqa: E731
    connection = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    proxy = settings.get("proxy")
    if proxy:
        _, proxy_host, proxy_port = split_url(proxy)
        conn = connection(proxy_host, proxy_port, timeout=left())
        if scheme == "https":
            conn.set_tunnel(host, port)
        else:
            target = settings["room"].rstrip("/") + target
    else:
        conn = connection(host, port, timeout=left())
    try:
        conn.request("POST", target, body=body, headers={
            "Content-Type": "application/json", "Authorization": "Bearer " + settings["code"],
            "X-Room-Secret": settings["secret"], "Connection": "close"})
        conn.sock.settimeout(left())
        r = conn.getresponse()
        answer = r.read(MAX_ANSWER)
        return r.status, r.headers, answer
    finally:
        conn.close()


def verdict(settings, status, headers, answer):
    """None for the room's acknowledgement, else one line why not."""
    room = settings["room"]
    try:
        reply = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        reply = None
    detail = plain(reply.get("error", "")) if isinstance(reply, dict) else ""
    if status == 200:
        if isinstance(reply, dict) and reply.get("ok") is True and isinstance(reply.get("seq"), int):
            return None
        return f"the room at {room} answered, but not with an acknowledgement: not sent"
    if 300 <= status < 400:
        return (f"the room at {room} answered with a redirect ({status}), which is not followed: "
                "not sent (is ROOM the address make room printed?)")
    if status == 401:
        return f"the room at {room} refused the join code (401): ask the facilitator for it"
    if status == 429:
        wait = plain(headers.get("Retry-After", "?"), 10)
        return f"the room at {room} takes no more records for {wait} s (429: too many at once)"
    if status == 503:
        return f"the room at {room} is busy (503 {detail})".strip() if detail else f"the room at {room} is busy (503)"
    return f"the room at {room} refused the record ({status}{' ' + detail if detail else ''})"


def failure(room, error):
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"the room at {room} does not answer (no answer within {DEADLINE} s)"
    if isinstance(error, socket.gaierror):
        return f"the room at {room} does not answer (its host name is not found)"
    if isinstance(error, ConnectionRefusedError):
        return f"the room at {room} does not answer (connection refused: is make room running?)"
    if isinstance(error, http.client.HTTPException):
        return f"the room at {room} does not answer as a room does (not an HTTP answer)"
    if isinstance(error, ValueError):
        return f"the room's address {plain(room)} is not usable ({plain(error)})"
    if isinstance(error, OSError):
        return f"the room at {room} does not answer ({plain(error.strerror or type(error).__name__)})"
    return f"the room at {room} could not be reached ({type(error).__name__})"


def post(settings, body):
    """Sends the record; None when the room acknowledged it, else one line why not.
    The request runs on a thread of its own, so that even a name lookup that
    hangs costs no more than DEADLINE seconds."""
    result = []
    ends = time.monotonic() + DEADLINE

    def run():
        try:
            result.append(verdict(settings, *exchange(settings, body, ends)))
        except Exception as e:   # noqa: BLE001  whatever happens there is one line here
            result.append(failure(settings["room"], e))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(DEADLINE + 0.5)
    if not result:
        return f"the room at {settings['room']} does not answer (no answer within {DEADLINE} s)"
    return result[0]
