"""formats.py — the one reader, in Python, of the formats the tools share.

formats.sh is the one reader in shell; harness/cmake reads them once more in
CMake (Katas.cmake, kata_table.cmake, results_file.cmake, judge_fix.cmake). lint.sh fails on a Python tool that reads one of them itself.

  the manifest       katas/manifest.txt: "NN | slug | ...", one line a kata,
                     its columns named in its header ("#   number | slug | ...")
  the kata table     build/<tree>/katas.tsv, which CMake writes from the
                     manifest: a header line "# number<TAB>slug<TAB>...", then
                     one line a kata whose folder exists
  the results file   what a test binary found, one event a line
                     (harness/src/result_file.h)
  the verdict row    build/<tree>/kata-logs/NN.row: the kata tool's last
                     verdict on a kata (state, why, test, kind, place)
  a sanitizer report a test binary's output: report_kind() and
                     report_places() read it for the detector matrix (the
                     participant's view is formats.sh's sanitizer_summary)

What it promises
  * rows come back as dicts keyed by column name, never by position;
  * a results file's fields come back unescaped as result_file.h escapes
    them; a missing file reads as one with nothing in it.

What it does not promise
  * to check a file's shape: lint.sh and the selfcheck do that.
"""

import collections
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MANIFEST = os.path.join(ROOT, "katas", "manifest.txt")


# --- the manifest and the kata table -------------------------------------------

def read_manifest(path=MANIFEST):
    """Each kata the manifest declares, as a dict keyed by the column names of
    its header ("caught by" as caught_by), in the manifest's order."""
    names, katas = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if names is None and re.match(r"^#\s+number\s*\|", line):
                names = [n.strip().replace(" ", "_") for n in line.lstrip("#").split("|")]
            if not line or line.startswith("#"):
                continue
            # The last column (the signature) may hold "|" itself.
            fields = [x.strip() for x in line.split("|", len(names) - 1 if names else -1)]
            katas.append(dict(zip(names or ["number", "slug"], fields)))
    return katas


def kata_table_path(build):
    """The kata table's path in a build tree."""
    return os.path.join(build, "katas.tsv")


def read_headed_rows(path):
    """The rows of a file that names its columns in a first line
    "# name<TAB>name...", as dicts keyed by those names: the kata table and
    the verdict row are both written so."""
    names, rows = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# ") and not names:
                names = line[2:].split("\t")
            elif line and not line.startswith("#"):
                if not names:
                    raise ValueError(f"{path} has no header line: configure the tree again")
                rows.append(dict(zip(names, line.split("\t"))))
    return rows


def read_kata_table(build):
    """Each kata of a build tree's table, as a dict keyed by its header's names."""
    return read_headed_rows(kata_table_path(build))


def verdict_row_path(build, number):
    """Kata NUMBER's verdict row in a build tree."""
    return os.path.join(build, "kata-logs", number + ".row")


def read_verdict_row(build, number):
    """The kata tool's last verdict on kata NUMBER as a dict keyed by the
    row's header (state, why, test, kind, place), or None when it has none."""
    try:
        rows = read_headed_rows(verdict_row_path(build, number))
    except (OSError, ValueError):
        return None
    return rows[0] if rows else None


# --- the results file ------------------------------------------------------------

Failure = collections.namedtuple("Failure", "test file line what message")


class Results:
    """A results file, read: failures (in order), the test running when the
    process ended (running, or ""), the tests the race-mode watchdog ended
    (unfinished), and whether a run was passed and then failed in race mode."""

    def __init__(self, path):
        self.failures, self.unfinished = [], []
        self.running = ""
        self.passed_then_failed_in_race_mode = False
        passed = False
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
        except OSError:
            lines = []
        for line in lines:
            fields = line.split("\t")
            event, rest = fields[0], fields[1:]
            if event == "started" and rest:
                self.running = rest[0]
            elif event in ("passed", "failed") and rest and rest[0] == self.running:
                self.running = ""
            if event == "failed" and rest:
                test, file, line, what, message = (rest + [""] * 5)[:5]
                self.failures.append(Failure(test, file, line, unescape(what), unescape(message)))
            elif event == "unfinished" and rest:
                self.unfinished.append(rest[0])
            elif event == "done" and rest == ["passed"]:
                passed = True
            elif event == "run" and rest == ["race-mode"] and passed:
                self.passed_then_failed_in_race_mode = True


def unescape(text):
    """result_file.h's escapes undone: \\n, \\t and \\\\."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


# --- a sanitizer report ------------------------------------------------------------

SUMMARY = re.compile(r"^SUMMARY: (AddressSanitizer|LeakSanitizer|ThreadSanitizer|UndefinedBehaviorSanitizer|harness::Pool): (.*)$", re.M)
UB_MESSAGE = re.compile(r"^(\S+?):(\d+):\d+: runtime error: (.*)$", re.M)
FRAME = re.compile(r"^\s+#\d+ .*? (/\S+?):(\d+)(?::\d+)?(?: \(\S+\))?$", re.M)
REPORT_START = re.compile(r"^(==\d+==ERROR|WARNING: ThreadSanitizer|\S+:\d+:\d+: runtime error)", re.M)
UB_KINDS = [("downcast of address", "invalid downcast"),
            ("member call on null pointer", "member call on null pointer"),
            ("member access within null pointer", "member access within null pointer"),
            ("reference binding to null pointer", "reference binding to null pointer"),
            ("load of null pointer", "load of null pointer"),
            ("signed integer overflow", "signed integer overflow")]


def report_kind(output):
    """The kind of the sanitizer report in OUTPUT, in the sanitizers' own
    words ("heap-use-after-free", "data race", "memory leak"), or None."""
    ub = UB_MESSAGE.search(output)
    summary = SUMMARY.search(output)
    if ub and (not summary or summary.group(1) == "UndefinedBehaviorSanitizer"):
        message = ub.group(3)
        for words, kind in UB_KINDS:
            if words in message:
                return kind
        return " ".join(message.split()[:4])
    if summary:
        text = summary.group(2)
        if summary.group(1) == "LeakSanitizer":
            return "memory leak"
        # "heap-use-after-free /path:12 in f", "data race (binary+0x1) in g",
        # "double-free ../../asan_new_delete.cpp:155 in operator delete": the
        # words before the first place.
        words = []
        for word in text.split():
            if "/" in word or ":" in word or word.startswith("(") or word == "in":
                break
            words.append(word)
        return " ".join(words) or text
    return None


def report_places(output):
    """(path, line) of each place the first report in OUTPUT names, in order:
    UBSan's own line first when the report is UBSan's, then every stack frame."""
    start = REPORT_START.search(output)
    report = output[start.start():] if start else output
    ub = UB_MESSAGE.search(report)
    if ub and report.startswith(ub.group(0)):
        yield ub.group(1), ub.group(2)
    for frame in FRAME.finditer(report):
        yield frame.group(1), frame.group(2)
