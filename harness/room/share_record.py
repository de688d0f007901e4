"""The record that `make share` sends (share.py): built from .kata-state/ and the
build's logs, and nothing else.

Per kata that has run: its state, the hints opened, when that last changed,
and a "why" made of the error kind and the kata's own file:line only, as in
"AddressSanitizer: heap-use-after-free at render.h:15", from the verdict row
the kata tool keeps (it is not worked out again here). Never code text,
values, test names, file contents or path pieces.
"""

import json
import os
import re
import subprocess
import sys
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "harness", "tools"))
import formats  # noqa: E402  (the one Python reader of the manifest, results and reports)
STATES = {"done": "green", "failing": "failing", "does-not-compile": "does not compile"}
MAX_WHY = 160
# Words left dangling at the end of a kind once its quoted code and numbers are out.
DANGLING = re.compile(r"(?:\s+(?:of|for|to|in|on|at|an?|the|with|which|type|bytes?|size|and|by|-?bit))+\s*$")


def katas():
    """[(number, slug)] from katas/manifest.txt."""
    return [(kata["number"], kata["slug"]) for kata in formats.read_manifest()]


def read(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def kind_only(text):
    """An error kind without what the program put in it: no quoted code, no
    numbers or addresses, no operators; what is left dangling goes too."""
    text = re.sub(r"^UndefinedBehaviorSanitizer: ", "UBSan: ", text.strip())
    prefix, sep, rest = text.partition(": ")
    if not sep:
        prefix, rest = "", text
    rest = rest.split(": ")[0]                         # "signed integer overflow: 1 + 1 ..."
    rest = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`|\u2018[^\u2019]*\u2019|\u201c[^\u201d]*\u201d", " ", rest)
    rest = re.sub(r"\b0x[0-9a-fA-F]+\b|\S*\d\S*", " ", rest)
    rest = re.sub(r"(?<=[A-Za-z])'(?=[A-Za-z])", "\x00", rest)   # "the pool's": an apostrophe
    rest = re.sub(r"[^A-Za-z\x00() -]", " ", rest).replace("\x00", "'").replace("()", "")
    rest = re.sub(r"\(\s*\)", " ", rest)
    rest = DANGLING.sub("", " ".join(rest.split()))
    return (prefix + ": " + rest if prefix and rest else prefix or rest).strip(" :")


def at(kind, place):
    return f"{kind} at {place}" if place else kind


def why_of(number, build):
    """The kind of failure and the kata's own place, from the verdict row the
    kata tool kept with its last verdict (formats.read_verdict_row): a
    sanitizer's kind, a test check, a compile error or a crash, each passed
    through kind_only(); "" when the tool kept none."""
    row = formats.read_verdict_row(build, number)
    if not row or not row.get("kind"):
        return ""
    place = row.get("place", "")
    if not re.fullmatch(r"[\w.+-]+:[0-9]+", place):
        place = ""      # a file name and a line, or nothing
    return at(kind_only(row["kind"]), place)


def clean(text, n=MAX_WHY):
    """One line of visible characters, at most n of them."""
    text = "".join(ch if unicodedata.category(ch)[0] not in "CZ" else " " for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3].rstrip() + "..."


def kata_build():
    """The build tree the kata tool runs in, and so sends from: KATA_BUILD
    when it set it, else build/PRESET as harness/tools/preset.sh chooses
    (clang where clang++ is installed). make share sets neither: a tree of
    its own choosing would show empty whys, which the next run's record
    then fills in."""
    if os.environ.get("KATA_BUILD"):
        return os.environ["KATA_BUILD"]
    try:
        preset = subprocess.run(["sh", "-c", '. "$1" && printf %s "$PRESET"', "sh",
                                 os.path.join(ROOT, "harness", "tools", "preset.sh")],
                                capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        preset = ""
    return os.path.join(ROOT, "build", preset or os.environ.get("PRESET") or "gcc")


def encode(record):
    """The bytes sent. make share shows these very bytes before it asks, so
    that what the participant agrees to is what goes, to the byte."""
    return json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8")


def last_run(number, build_dir, now):
    """When kata NUMBER last ran (its log's time), which is when its line
    last changed if it differs from the one sent before; now if unknown."""
    try:
        return min(now, int(os.path.getmtime(os.path.join(build_dir, "kata-logs", number + ".log"))))
    except OSError:
        return now


def build(settings, state_dir, build_dir, seen_path):
    """(the record exactly as it is sent, the updated 'seen' times)."""
    progress = {}
    for line in read(os.path.join(state_dir, "progress")).splitlines():
        parts = line.split()
        if len(parts) == 2:
            progress[parts[0]] = parts[1]
    try:
        seen = json.loads(read(seen_path, "{}"))
        seen = seen if isinstance(seen, dict) else {}
    except ValueError:
        seen = {}
    now = int(time.time())
    cells = {}
    for number, _slug in katas():
        state = STATES.get(progress.get(number, ""))
        if not state:
            continue      # not run yet (or not built): nothing to say
        try:
            hints = int(read(os.path.join(state_dir, "hints-" + number), "0").strip() or 0)
        except ValueError:
            hints = 0
        why = why_of(number, build_dir) if state in ("failing", "does not compile") else ""
        why = clean(why)
        hints = min(max(hints, 0), 99)
        before = seen.get(number)
        key = [state, hints, why]
        if isinstance(before, list) and len(before) == 4 and before[:3] == key:
            changed = before[3]
        else:
            changed = last_run(number, build_dir, now)
        seen[number] = key + [changed]
        cells[number] = {"state": state, "hints": hints, "why": why, "changed": changed}
    return {"id": settings["id"], "name": settings["name"], "katas": cells}, seen
