"""What the room takes from a participant: the checks on one record (server.py).

A record is {"id", "name", "katas": {NN: {"state", "hints", "why", "changed"}}}.
Text must be valid Unicode that draws what it says: no lone surrogates, no
control or format characters (zero-width, bidi overrides, BOM), no private-use
or non-characters, and a name must show at least one visible character.
look_alike() folds the names that a projector shows the same.
"""

import re
import unicodedata

from room_limits import MAX_WHY

STATES = ("failing", "green", "does not compile")
MAX_NAME = 40
MAX_HINTS = 99
ID_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")        # used with fullmatch: no trailing newline
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{22,128}")
# Categories refused anywhere in a text: control, format (zero-width, bidi
# marks and overrides, soft hyphen, BOM), surrogate, private use, line and
# paragraph separators.
REFUSED = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
# Letters and symbols that draw nothing: they do not make a name visible.
BLANK = set("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\u2062\u2063\u2064")
# A few letters of other scripts that look like Latin ones, and Latin that look alike.
CONFUSABLE = str.maketrans({
    "а": "a", "в": "b", "г": "r", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "i", "α": "a", "β": "b", "ε": "e", "η": "n",
    "ι": "i", "κ": "k", "μ": "u", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    "ɑ": "a", "ɡ": "g", "ı": "i", "l": "i", "1": "i", "|": "i", "!": "i", "0": "o", "5": "s",
})


class BadRecord(ValueError):
    """A record the room does not store: the reason goes back with a 400."""


def refused_char(text):
    """The first character the room refuses in text, or None."""
    for ch in text:
        code = ord(ch)
        if unicodedata.category(ch) in REFUSED or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
            return ch
    return None


def visible(text):
    return any(ch not in BLANK and unicodedata.category(ch)[0] in "LNPS" for ch in text)


def check_text(value, what, limit, empty_ok):
    if not isinstance(value, str):
        raise BadRecord(f"{what} must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRecord(f"{what} is not valid Unicode (a lone surrogate)") from None
    ch = refused_char(value)
    if ch is not None:
        raise BadRecord(f"{what} holds an invisible or control character (U+{ord(ch):04X})")
    value = " ".join(value.split())
    if len(value) > limit:
        raise BadRecord(f"{what} is longer than {limit} characters")
    if value and not visible(value) or not value and not empty_ok:
        raise BadRecord(f"{what} must not be blank")
    return value


def check_int(value, what, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadRecord(f"{what} must be a whole number from {low} to {high}")
    return value


def check_id(value, what="id"):
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        raise BadRecord(f"{what} must be 8 to 64 letters, digits, - or _")
    return value


def validate(record, kata_numbers):
    """The record as (id, name, {kata: (state, hints, why, changed)}), or BadRecord."""
    if not isinstance(record, dict):
        raise BadRecord("the record must be a JSON object")
    extra = set(record) - {"id", "name", "katas"}
    if extra:
        raise BadRecord("unknown fields: " + ascii(sorted(extra))[:100])
    pid = check_id(record.get("id"))
    name = check_text(record.get("name"), "name", MAX_NAME, empty_ok=False)
    katas = record.get("katas")
    if not isinstance(katas, dict):
        raise BadRecord("katas must be an object keyed by kata number")
    cells = {}
    for number, cell in katas.items():
        if number not in kata_numbers:
            raise BadRecord(f"there is no kata {ascii(number[:10])}")
        if not isinstance(cell, dict) or set(cell) - {"state", "hints", "why", "changed"}:
            raise BadRecord(f"kata {number}: expected state, hints, why, changed")
        state = cell.get("state")
        if state not in STATES:
            raise BadRecord(f"kata {number}: state must be one of " + ", ".join(STATES))
        hints = check_int(cell.get("hints", 0), f"kata {number}: hints", 0, MAX_HINTS)
        why = check_text(cell.get("why", ""), f"kata {number}: why", MAX_WHY, empty_ok=True)
        changed = check_int(cell.get("changed"), f"kata {number}: changed", 0, 2**40)
        cells[number] = (state, hints, why, changed)
    return pid, name, cells


def look_alike(name):
    """A key that two names drawn alike share: accents, case, width and a few
    Cyrillic and Greek look-alikes folded, spaces and punctuation dropped
    (a name of symbols only is its own key)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.translate(CONFUSABLE).replace("rn", "m").replace("vv", "w")
    return "".join(ch for ch in text if ch.isalnum()) or unicodedata.normalize("NFKC", name).casefold()
