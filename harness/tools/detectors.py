#!/usr/bin/env python3
"""Which tool catches which pool bug: the detector matrix.

Runs every kata, and as a control every solution, under each detector, and
writes docs/detectors.tsv (the measurements), docs/detectors.md (the table
made from them) and the "Who catches this" line of each kata README (made
from them too).

  detectors.py [--katas 01,02] [--detectors plain,address] [--runs N]
      measure (all katas and detectors unless told) and rewrite; a subset
      replaces only its own rows of the .tsv
  detectors.py --render
      rewrite the .md and the README lines from the .tsv, measure nothing
  detectors.py --check [--katas 01,06] [--detectors address,cppcheck]
      measure that subset again and compare its verdicts (not its timings)
      with the .tsv; check that the .md and README lines are what the .tsv
      gives, and that no kata's files changed since its rows were measured
      (docs/detectors.sources). Exit 1 on any difference. (ctest -L harness
      runs this.)

The detectors (DETECTORS below): the plain build (no sanitizer, -O2, N runs),
ASan + UBSan + LSan, TSan, UBSan alone, Valgrind memcheck and Helgrind (on the
plain build), GCC -fanalyzer, clang-tidy and cppcheck. A runtime cell is
"caught" when the tool itself reported (its report kind and the first
file:line in the kata), "test" when only the kata's own assertion failed
under it, "missed" when the test passed. A static cell is "warns" when the
tool warns in the kata's files about something it does not also warn about
in the fixed files, "quiet" otherwise. A tool that is not installed gives
"not installed", never a silent pass. Everything is read as data: the
results file the test main writes, Valgrind's XML, GCC's JSON diagnostics,
clang-tidy's exported fixes, cppcheck's XML; only the sanitizers have no
structured output, and their SUMMARY line has one grammar.

docs/detectors.sources holds, for each kata, a digest of its files and its
solution's (not the READMEs, which the matrix writes): measuring every
detector of a kata records it, and --check names each kata whose files have
changed since. The harness is not in the digest: a change to the pool asks
for a full `make detectors` by judgement, not by this check.

Does not promise: that a static tool's "warns" points at the bug (the .md
says which do); timings are of this machine, two jobs at a time.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree

import formats

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# id, column heading, kind of detector, what it needs installed.
DETECTORS = [
    ("plain", "plain build", "runtime", None),
    ("address", "ASan + UBSan + LSan", "runtime", None),
    ("thread", "TSan", "runtime", None),
    ("undefined", "UBSan", "runtime", None),
    ("memcheck", "Valgrind memcheck", "runtime", "valgrind"),
    ("helgrind", "Valgrind Helgrind", "runtime", "valgrind"),
    ("analyzer", "GCC -fanalyzer", "static", "g++"),
    ("clang-tidy", "clang-tidy", "static", "clang-tidy"),
    ("cppcheck", "cppcheck", "static", "cppcheck"),
]
NAMES = {d[0]: d[1] for d in DETECTORS}
KINDS = {d[0]: d[2] for d in DETECTORS}
NEEDS = {d[0]: d[3] for d in DETECTORS}

# The checks clang-tidy runs: its bug finders, the concurrency checks and
# the C++ Core Guidelines (the rule of five among them), without the
# guidelines' pure style rules. Not clang-analyzer-*: it triples the time,
# and GCC's -fanalyzer is the matrix's path-sensitive analyser.
CLANG_TIDY_CHECKS = ",".join([
    "-*", "bugprone-*", "concurrency-*", "cppcoreguidelines-*",
    "-cppcoreguidelines-avoid-magic-numbers", "-cppcoreguidelines-pro-bounds-*",
    "-cppcoreguidelines-avoid-c-arrays", "-cppcoreguidelines-pro-type-vararg",
    "-cppcoreguidelines-avoid-non-const-global-variables",
])
CPPCHECK_ENABLE = "warning,performance,portability"

TSV_HEADER = "number\tslug\tsubject\tdetector\tverdict\tkind\tlocation\tdetail\tseconds"
RUN_LIMIT_SECONDS = 300  # one run under Valgrind; a plain run has the kata's own limit


def say(text):
    print(text, flush=True)


# --- the katas and their builds ---------------------------------------------

class Kata:
    def __init__(self, row):
        """ROW: the kata's row of the kata table (formats.read_kata_table)."""
        self.number, self.slug, self.flavour = row["number"], row["slug"], row["sanitizer"]
        self.seconds = int(row["seconds"])
        self.name = f"{self.number}_{self.slug}"

    def folder(self, subject):
        return os.path.join(ROOT, "katas" if subject == "kata" else "solutions", self.name)

    def binary(self, build, subject, flavour):
        if flavour == "none":
            suffix = "_plain"
        elif flavour == self.flavour:
            suffix = ""
        else:
            suffix = "_" + flavour
        return os.path.join(build, "bin", f"{subject}{self.number}{suffix}")

    def test_sources(self, build, subject):
        """The test files as compiled for SUBJECT (a solution's are copies)."""
        kata_dir = self.folder("kata")
        names = sorted(f for f in os.listdir(kata_dir) if f.endswith("_test.cpp"))
        if subject == "kata":
            return [os.path.join(kata_dir, f) for f in names]
        return [os.path.join(build, "solution_tests", self.name, f) for f in names]

    def owns(self, path, subject):
        """Is PATH one of SUBJECT's files (its folder, or its test's copy)?"""
        path = os.path.realpath(path)
        if path.startswith(os.path.realpath(self.folder(subject)) + os.sep):
            return True
        return subject == "solution" and f"/solution_tests/{self.name}/" in path


def read_katas(build):
    return [Kata(row) for row in formats.read_kata_table(build)]


def relative(path):
    path = os.path.realpath(path)
    base = os.path.realpath(ROOT) + os.sep
    if path.startswith(base):
        path = path[len(base):]
    return re.sub(r"^build/[^/]+/solution_tests/", "solutions/", path)


def short_location(path, line):
    return f"{os.path.basename(path)}:{line}" if path else ""


# --- running ------------------------------------------------------------------

def run(command, seconds, env=None):
    """(status, output, seconds): status is the exit code, or 'timeout'."""
    start = time.monotonic()
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=env, timeout=seconds, cwd=ROOT)
        status, output = done.returncode, done.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as expired:
        status, output = "timeout", (expired.stdout or b"").decode("utf-8", "replace")
    return status, output, time.monotonic() - start


def describe_failure(status, failure):
    """What a failed run looked like, without any tool's report."""
    if status == "timeout":
        return "hang"
    if isinstance(status, int) and status < 0:
        return f"crash (signal {-status})"
    return "assertion" if failure else f"exit {status}"


def first_failed_assertion(results_file):
    """The first failed assertion from the test main's results file."""
    failures = formats.Results(results_file).failures
    return short_location(failures[0].file, failures[0].line) if failures else ""


def run_test(binary, seconds, wrapper=()):
    """Runs one test binary, under WRAPPER (Valgrind) if given: status,
    output, seconds, the first failed assertion, and Valgrind's XML."""
    with tempfile.TemporaryDirectory() as scratch:
        results = os.path.join(scratch, "results.tsv")
        xml = os.path.join(scratch, "valgrind.xml")
        env = dict(os.environ, KATA_RESULT_FILE=results)
        command = list(wrapper) + ([f"--xml-file={xml}"] if wrapper else []) + [binary]
        status, output, took = run(command, seconds, env)
        failure = first_failed_assertion(results)
        xml_text = open(xml, errors="replace").read() if os.path.exists(xml) else ""
        return status, output, took, failure, xml_text


def sanitizer_kind(output):
    """The report's kind, in the sanitizers' own words, or None."""
    return formats.report_kind(output)


def sanitizer_location(output, kata, subject):
    """The first place in the report that is one of SUBJECT's own files."""
    for path, line in formats.report_places(output):
        if kata.owns(path, subject):
            return short_location(path, line)
    return ""


def valgrind_errors(xml_text):
    """[(kind, [(path, line, function), ...]), ...] from Valgrind's XML."""
    errors = []
    if not xml_text:
        return errors
    try:
        tree = ElementTree.fromstring(xml_text)
    except ElementTree.ParseError:
        # A run that was killed leaves the XML unterminated: keep what is whole.
        cut = xml_text.rfind("</error>")
        if cut < 0:
            return errors
        tree = ElementTree.fromstring(xml_text[:cut + len("</error>")] + "</valgrindoutput>")
    for error in tree.iter("error"):
        kind = error.findtext("kind") or "error"
        frames = []
        for frame in error.iter("frame"):
            directory, file, line = frame.findtext("dir"), frame.findtext("file"), frame.findtext("line")
            if directory and file and line:
                frames.append((os.path.join(directory, file), line, frame.findtext("fn") or ""))
        errors.append((kind, frames))
    return errors


VALGRIND_KINDS = {
    "InvalidRead": "invalid read", "InvalidWrite": "invalid write", "InvalidFree": "invalid free",
    "MismatchedFree": "mismatched free", "UninitCondition": "uninitialised value",
    "UninitValue": "uninitialised value", "Leak_DefinitelyLost": "memory leak", "Race": "data race",
    "LockOrder": "lock order", "UnlockUnlocked": "unlock of an unlocked mutex",
    "UnlockForeign": "unlock by a non-owner", "PthAPIerror": "pthread API error", "Misc": "misuse",
}


def measure_runtime(kata, subject, detector, build, runs):
    """One cell of a runtime detector: a dict of the .tsv's fields."""
    cell = {"verdict": "missed", "kind": "", "location": "", "detail": "", "seconds": ""}
    if detector == "plain":
        binary = kata.binary(build, subject, "none")
        if not os.path.exists(binary):
            return dict(cell, verdict="error", detail="not built")
        seen, times, first = 0, [], None
        for _ in range(runs):
            status, output, took, failure, _ = run_test(binary, kata.seconds)
            times.append(took)
            if status != 0:
                seen += 1
                if first is None:
                    kind = describe_failure(status, failure)
                    first = (kind, failure if kind == "assertion" else "")
        cell["detail"] = f"{seen}/{runs}"
        cell["seconds"] = f"{statistics.median(times):.3f}"
        if seen:
            cell.update(verdict="caught", kind=first[0], location=first[1])
        return cell

    if detector in ("address", "thread", "undefined"):
        binary = kata.binary(build, subject, detector)
        if not os.path.exists(binary):
            return dict(cell, verdict="error", detail="not built")
        status, output, took, failure, _ = run_test(binary, kata.seconds)
        cell["seconds"] = f"{took:.3f}"
        kind = sanitizer_kind(output)
        if kind:
            return dict(cell, verdict="caught", kind=kind, location=sanitizer_location(output, kata, subject))
        if status != 0:
            kind = describe_failure(status, failure)
            return dict(cell, verdict="test", kind=kind, location=failure if kind == "assertion" else "")
        return cell

    raise ValueError(f"not a runtime detector: {detector}")


def valgrind_run(kata, subject, detector, build):
    """Valgrind's tool DETECTOR on SUBJECT's plain build: status, seconds,
    first failed assertion, [(kind, location, function of the first frame
    in SUBJECT's files), ...]."""
    binary = kata.binary(build, subject, "none")
    if not os.path.exists(binary):
        raise FileNotFoundError(f"{relative(binary)} is not built")
    tool = ["valgrind", "--tool=" + detector, "--xml=yes", "--error-exitcode=99"]
    if detector == "memcheck":
        tool += ["--leak-check=full", "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite"]
    status, output, took, failure, xml = run_test(binary, RUN_LIMIT_SECONDS, wrapper=tool)
    errors = []
    for kind, frames in valgrind_errors(xml):
        own = next(((p, l, f) for p, l, f in frames if kata.owns(p, subject)), None)
        errors.append((VALGRIND_KINDS.get(kind, kind), short_location(own[0], own[1]) if own else "",
                       own[2] if own else (frames[0][2] if frames else "")))
    return status, took, failure, errors


def measure_valgrind(kata, detector, build):
    """The kata's cell and its solution's. The kata is caught only by errors
    that the fixed program does not also show (same kind, same function):
    those are the tool's noise, not the bug."""
    cells = {}
    runs = {subject: valgrind_run(kata, subject, detector, build) for subject in ("kata", "solution")}
    fix_keys = {(kind, function) for kind, _, function in runs["solution"][3]}
    for subject, (status, took, failure, errors) in runs.items():
        cell = {"verdict": "missed", "kind": "", "location": "", "detail": "", "seconds": f"{took:.3f}"}
        found = errors if subject == "solution" else [e for e in errors if (e[0], e[2]) not in fix_keys]
        if found:
            kinds = sorted({e[0] for e in found})
            cell.update(verdict="caught", kind=found[0][0], location=found[0][1],
                        detail=f"{len(found)} errors: " + ", ".join(kinds) if len(found) > 1 else "")
        elif status != 0:
            kind = describe_failure(status, failure)
            cell.update(verdict="test", kind=kind, location=failure if kind == "assertion" else "")
        if subject == "kata" and len(errors) > len(found):
            cell["detail"] = (cell["detail"] + "; " if cell["detail"] else "") + \
                f"{len(errors) - len(found)} errors also on the fix"
        if status == "timeout":
            cell["detail"] = f"over {RUN_LIMIT_SECONDS} s"
        cells[subject] = cell
    return cells["kata"], cells["solution"]


# --- static tools -------------------------------------------------------------

def include_flags(kata, subject):
    # The pool as shipped, without its hostile mode (harness/pool_guard.h):
    # the static tools judge the kata's code, and the mode's checks would only
    # multiply the paths they walk through the pool.
    return ["-std=c++20", "-DHARNESS_POOL_HOSTILE=0", "-I" + kata.folder(subject),
            "-I" + os.path.join(ROOT, "harness", "include")]


def static_warnings(kata, subject, detector, build):
    """([(check, path, line, message), ...] in SUBJECT's files, seconds)."""
    warnings, took = [], 0.0
    for source in kata.test_sources(build, subject):
        if detector == "analyzer":
            status, output, seconds = run(["g++", "-fanalyzer", "-fdiagnostics-format=json", "-c", source,
                                           "-o", os.devnull] + include_flags(kata, subject), RUN_LIMIT_SECONDS)
            took += seconds
            start = output.find("[")
            for diagnostic in json.loads(output[start:]) if start >= 0 else []:
                if diagnostic.get("kind") != "warning" or not diagnostic.get("locations"):
                    continue
                caret = diagnostic["locations"][0]["caret"]
                warnings.append((diagnostic.get("option", "-fanalyzer").lstrip("-W"), caret["file"],
                                 str(caret["line"]), diagnostic["message"]))
        elif detector == "clang-tidy":
            with tempfile.TemporaryDirectory() as scratch:
                fixes = os.path.join(scratch, "fixes.yaml")
                header_filter = re.escape(kata.folder(subject)) + "/.*"
                status, output, seconds = run(["clang-tidy", "--quiet", "--checks=" + CLANG_TIDY_CHECKS,
                                               "--header-filter=" + header_filter, "--export-fixes=" + fixes,
                                               source, "--"] + include_flags(kata, subject), RUN_LIMIT_SECONDS)
                took += seconds
                if os.path.exists(fixes):
                    import yaml  # python3-yaml: in harness/deps/debian-packages.txt
                    exported = yaml.safe_load(open(fixes)) or {}
                    for diagnostic in exported.get("Diagnostics", []):
                        message = diagnostic["DiagnosticMessage"]
                        path = message["FilePath"]
                        warnings.append((diagnostic["DiagnosticName"], path,
                                         str(line_of_offset(path, message["FileOffset"])), message["Message"]))
        elif detector == "cppcheck":
            status, output, seconds = run(["cppcheck", "--xml", "--enable=" + CPPCHECK_ENABLE,
                                           "--library=googletest", "--std=c++20", "--inline-suppr",
                                           "-I" + kata.folder(subject), source], RUN_LIMIT_SECONDS)
            took += seconds
            start = output.find("<?xml")
            if start >= 0:
                for error in ElementTree.fromstring(output[start:]).iter("error"):
                    location = error.find("location")
                    if location is None:
                        continue
                    warnings.append((error.get("id"), location.get("file"), location.get("line"), error.get("msg")))
    own = [w for w in warnings if kata.owns(w[1] if os.path.isabs(w[1]) else os.path.join(ROOT, w[1]), subject)]
    return sorted(set(own)), took


def line_of_offset(path, offset):
    try:
        with open(path, "rb") as source:
            return source.read(offset).count(b"\n") + 1
    except OSError:
        return 0


def warning_key(warning):
    """What makes two warnings the same in the kata and in its fix: not the line."""
    check, path, _, message = warning
    return check, os.path.basename(path), re.sub(r"\d+", "N", message)


def measure_static(kata, detector, build):
    """The kata's cell and its solution's, from the warnings in each."""
    kata_warnings, kata_seconds = static_warnings(kata, "kata", detector, build)
    if detector == "analyzer" and not kata_warnings:
        # Nothing to tell apart from noise, and the analyser is the slowest
        # column by far (20 to 50 s a file): the fix is not analysed.
        quiet = {"verdict": "quiet", "kind": "", "location": "", "seconds": f"{kata_seconds:.2f}",
                 "detail": "0 warnings"}
        return quiet, dict(quiet, verdict="skipped", seconds="", detail="not analysed: the kata has no warning")
    fix_warnings, fix_seconds = static_warnings(kata, "solution", detector, build)
    fix_keys = {warning_key(w) for w in fix_warnings}
    only_kata = [w for w in kata_warnings if warning_key(w) not in fix_keys]
    shared = len(kata_warnings) - len(only_kata)
    kata_cell = {"verdict": "quiet", "kind": "", "location": "", "seconds": f"{kata_seconds:.2f}",
                 "detail": f"{len(kata_warnings)} warnings, {shared} also on the fix"}
    if only_kata:
        first = only_kata[0]
        kinds = sorted({w[0] for w in only_kata})
        kata_cell.update(verdict="warns", kind=", ".join(kinds), location=short_location(first[1], first[2]))
    fix_cell = {"verdict": "warns" if fix_warnings else "quiet", "seconds": f"{fix_seconds:.2f}",
                "kind": ", ".join(sorted({w[0] for w in fix_warnings})),
                "location": short_location(fix_warnings[0][1], fix_warnings[0][2]) if fix_warnings else "",
                "detail": f"{len(fix_warnings)} warnings"}
    return kata_cell, fix_cell


# --- the table ----------------------------------------------------------------

def tool_missing(detector):
    needs = NEEDS[detector]
    return needs is not None and shutil.which(needs) is None


def measure(kata, detector, build, runs):
    """[(subject, cell), ...] for one kata and one detector; a tool that
    cannot be run or read gives an "error" cell that says why."""
    try:
        return measure_cells(kata, detector, build, runs)
    except Exception as error:  # one broken cell must not lose the other 359
        cell = {"verdict": "error", "kind": "", "location": "", "seconds": "",
                "detail": f"{type(error).__name__}: {error}"[:120]}
        return [("kata", cell), ("solution", dict(cell))]


def measure_cells(kata, detector, build, runs):
    if tool_missing(detector):
        cell = {"verdict": "not installed", "kind": "", "location": "", "detail": "", "seconds": ""}
        return [("kata", cell), ("solution", dict(cell))]
    if KINDS[detector] == "static":
        kata_cell, fix_cell = measure_static(kata, detector, build)
        return [("kata", kata_cell), ("solution", fix_cell)]
    if detector in ("memcheck", "helgrind"):
        kata_cell, fix_cell = measure_valgrind(kata, detector, build)
        return [("kata", kata_cell), ("solution", fix_cell)]
    return [(subject, measure_runtime(kata, subject, detector, build, runs)) for subject in ("kata", "solution")]


def row(kata, subject, detector, cell):
    fields = [kata.number, kata.slug, subject, detector, cell["verdict"], cell["kind"], cell["location"],
              cell["detail"], cell["seconds"]]
    return "\t".join(f.replace("\t", " ") for f in fields)


def program_text(text):
    """TEXT as the compiler sees it, near enough: comments after // and blank
    lines left out, so that a comment (a test's note on what a message is
    for) does not ask for the matrix to be measured again."""
    kept = []
    for line in text.split("\n"):
        code = re.sub(r"(^|\s)//.*$", "", line).rstrip()
        if code:
            kept.append(code)
    return "\n".join(kept)


def sources_digest(kata):
    """A digest of what the matrix measured for KATA: every file in its folder
    and its solution's, READMEs aside (the matrix writes a line into those),
    comments aside (program_text)."""
    digest = hashlib.sha256()
    for subject in ("kata", "solution"):
        folder = kata.folder(subject)
        for name in sorted(os.listdir(folder)):
            if name == "README.md" or not os.path.isfile(os.path.join(folder, name)):
                continue
            digest.update(f"{subject}/{name}\0".encode())
            with open(os.path.join(folder, name), encoding="utf-8") as source:
                digest.update(program_text(source.read()).encode())
            digest.update(b"\0")
    return digest.hexdigest()[:16]


def read_sources(path):
    """{number: digest} as recorded in docs/detectors.sources."""
    recorded = {}
    if os.path.exists(path):
        with open(path) as table:
            for line in table:
                if line.strip() and not line.startswith("#"):
                    number, digest = line.split()[:2]
                    recorded[number] = digest
    return recorded


def write_sources(path, recorded):
    with open(path, "w") as table:
        table.write("# The files each kata's rows of detectors.tsv were measured on: a digest of\n"
                    "# the kata's and its solution's files (harness/tools/detectors.py writes it).\n")
        for number in sorted(recorded):
            table.write(f"{number}\t{recorded[number]}\n")


def read_tsv(path):
    """(comment lines, {(number, subject, detector): fields})"""
    comments, rows = [], {}
    if not os.path.exists(path):
        return comments, rows
    with open(path) as table:
        for line in table:
            line = line.rstrip("\n")
            if line.startswith("#"):
                if not line.startswith("# " + TSV_HEADER.split("\t")[0]):
                    comments.append(line)
                continue
            if line:
                fields = line.split("\t")
                rows[(fields[0], fields[2], fields[3])] = fields
    return comments, rows


def tool_versions(runs):
    def version(tool):
        """The line of TOOL --version that names a version, else its first."""
        try:
            out = subprocess.run([tool, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()
        except OSError:
            return "not installed"
        lines = [l.strip() for l in out.splitlines() if l.strip()]
        return next((l for l in lines if "version" in l.lower()), lines[0] if lines else "unknown")
    return [f"# plain runs per kata: {runs}"] + \
        [f"# {tool}: {version(tool)}" for tool in ("g++", "valgrind", "clang-tidy", "cppcheck")]


# --- rendering ------------------------------------------------------------------

def cell_text(fields, detector):
    verdict, kind, location, detail = fields[4], fields[5], fields[6], fields[7]
    where = f" `{location}`" if location else ""
    if detector == "plain":
        return f"{detail} runs: {kind}{where}" if verdict == "caught" else f"{detail or '—'} runs"
    if verdict == "caught":
        return f"**{kind}**{where}"
    if verdict == "warns":
        return f"{kind}{where}"
    if verdict == "test":
        return f"*test only*: {kind}"
    return {"missed": "—", "quiet": "—"}.get(verdict, verdict)


def slowdown(fields, plain):
    try:
        return float(fields[8]) / float(plain[8])
    except (ValueError, ZeroDivisionError, TypeError, IndexError):
        return None


def fix_fails_too(number, detector, rows):
    """A runtime tool that also fails the fixed kata: its report on the kata
    is a false positive, not the bug (static tools' shared warnings are left
    out when they are measured)."""
    fix = rows.get((number, "solution", detector))
    return KINDS[detector] == "runtime" and bool(fix) and fix[4] in ("caught", "test", "error")


def render_markdown(comments, rows):
    numbers = sorted({k[0] for k in rows})
    slugs = {f[0]: f[1] for f in rows.values()}
    out = [
        "# Which tool catches which pool bug",
        "",
        "<!-- generated by harness/tools/detectors.py from docs/detectors.tsv: do not edit -->",
        "",
        "Every kata run under each detector, and every solution as the control.",
        "<!-- full repo -->",
        "`make detectors` measures it again (29 minutes on two cores when every detector build is made anew) and rewrites this page,",
        "`detectors.tsv` beside it and the \"Who catches this\" line of each kata's README.",
        "<!-- /full repo -->",
        "",
        "- **bold**: the tool reported the bug itself, with its kind and the first line in the kata;",
        "- *test only*: the tool was silent and only the kata's own test failed under it (an",
        "  assertion, or a crash the tool did not explain);",
        "- plain build: no sanitizer, `-O2`; in how many runs the test saw the bug at all;",
        "- static tools: what they warn about in the kata and not in its fix (— when nothing);",
        "- \"the fix fails too\": the tool fails the solution as well, so the cell shows nothing about the bug.",
        "",
        "Measured with:",
        "",
    ]
    out += [f"- {c[2:]}" for c in comments]
    out += ["", "| kata | " + " | ".join(NAMES[d[0]] for d in DETECTORS) + " |",
            "|---" * (len(DETECTORS) + 1) + "|"]
    for number in numbers:
        cells = []
        for detector, *_ in DETECTORS:
            fields = rows.get((number, "kata", detector))
            text = cell_text(fields, detector) if fields else "not measured"
            # The same tool failing the fixed program makes this cell worth
            # nothing: say so where it is read (runtime tools; a static
            # tool's shared warnings are already left out).
            if fix_fails_too(number, detector, rows):
                text += " (the fix fails too: false positive)"
            cells.append(text)
        out.append(f"| {number} {slugs[number]} | " + " | ".join(cells) + " |")

    out += ["", "## Each tool's count", "",
            "The katas in which the tool reported the bug itself (bold above, or a static warning that",
            "the fix does not have):", "", "| detector | katas | which |", "|---|---|---|"]
    reported_by_any = set()
    for detector, name, kind, _ in DETECTORS:
        if detector == "plain":
            seen = [n for n in numbers if rows.get((n, "kata", "plain"), [""] * 9)[4] == "caught"]
            out.append(f"| {name} (the test alone, without a tool) | {len(seen)} of {len(numbers)} | "
                       + (", ".join(seen) or "none") + " |")
            continue
        hits = [n for n in numbers if rows.get((n, "kata", detector), [""] * 9)[4] in ("caught", "warns")]
        # A runtime tool that fails the fixed program too did not report
        # the bug: it reports something else (a false positive, above).
        if kind == "runtime":
            hits = [n for n in hits if not fix_fails_too(n, detector, rows)]
            reported_by_any.update(hits)
        out.append(f"| {name} | {len(hits)} of {len(numbers)} | " + (", ".join(hits) or "none") + " |")
    unreported = [n for n in numbers if n not in reported_by_any]
    out += ["", f"No runtime tool reports {len(unreported)} of the {len(numbers)} bugs: "
            + (", ".join(unreported) or "none") + ". Only a test sees those.", ""]

    out += ["", "## The control: the same tools on the solutions", "",
            "A runtime tool that reports on a fixed kata is a false positive; a static tool's warnings on",
            "the fixes are its noise (the matrix above leaves them out).", ""]
    false_positives = []
    noise, analysed = {}, {}
    for (number, subject, detector), fields in sorted(rows.items()):
        if subject != "solution":
            continue
        if KINDS[detector] == "static":
            if fields[4] == "skipped":
                continue
            count = int(fields[7].split()[0]) if fields[7][:1].isdigit() else 0
            noise[detector] = noise.get(detector, 0) + count
            analysed[detector] = analysed.get(detector, 0) + 1
        elif fields[4] not in ("missed", "not installed", "skipped"):
            false_positives.append(f"- solution {number}, {NAMES[detector]}: {cell_text(fields, detector)}"
                                   + (f" ({fields[7]})" if fields[7] and detector != "plain" else ""))
    if false_positives:
        out += ["Runtime reports on the solutions:", ""] + false_positives + [""]
    else:
        out += ["No runtime tool reports on any solution.", ""]
    out += ["Static warnings on the solutions: " +
            ", ".join(f"{NAMES[d]} {noise.get(d, 0)} in {analysed.get(d, 0)}"
                      for d, _, kind, _ in DETECTORS if kind == "static") +
            " (GCC -fanalyzer analyses a fix only where the kata has a warning to tell apart).", ""]

    out += ["## Cost", "",
            "Median seconds for one run of a kata's test, and the median slowdown against the plain build",
            "(static tools: seconds per kata).", "",
            "| detector | median seconds | median slowdown |", "|---|---|---|"]
    for detector, name, kind, _ in DETECTORS:
        seconds, factors = [], []
        for number in numbers:
            fields = rows.get((number, "kata", detector))
            plain = rows.get((number, "kata", "plain"))
            if not fields or not fields[8]:
                continue
            seconds.append(float(fields[8]))
            factor = slowdown(fields, plain) if kind == "runtime" and detector != "plain" else None
            if factor:
                factors.append(factor)
        median = (f"{statistics.median(seconds):.3f}" if statistics.median(seconds) < 1
                  else f"{statistics.median(seconds):.1f}") if seconds else "—"
        factor = f"{statistics.median(factors):.0f}×" if factors else "—"
        out.append(f"| {name} | {median} | {factor} |")

    out += ["", "Seconds for each kata (one run; the plain build: the median of its runs; static tools: the",
            "kata's test file):", "",
            "| kata | " + " | ".join(NAMES[d[0]] for d in DETECTORS) + " |",
            "|---" * (len(DETECTORS) + 1) + "|"]
    for number in numbers:
        cells = []
        for detector, *_ in DETECTORS:
            fields = rows.get((number, "kata", detector))
            cells.append(fields[8] if fields and fields[8] else "—")
        out.append(f"| {number} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def who_catches(number, rows):
    """The kata README's line, from its rows."""
    caught, warned, tested, missed, useless = [], [], [], [], []
    plain = rows.get((number, "kata", "plain"))
    for detector, name, kind, _ in DETECTORS:
        fields = rows.get((number, "kata", detector))
        if detector == "plain" or not fields:
            continue
        verdict = fields[4]
        if fix_fails_too(number, detector, rows):
            useless.append(name)
        elif verdict == "caught":
            caught.append(f"{name} ({fields[5]})")
        elif verdict == "warns":
            warned.append(f"{name} ({fields[5].split(', ')[0]})")
        elif verdict == "test":
            tested.append(name)
        elif verdict in ("missed", "quiet"):
            missed.append(name)
    parts = []
    parts.append("reported by " + (", ".join(caught) if caught else "no runtime tool"))
    if warned:
        parts.append("a warning the fixed program does not get from " + ", ".join(warned))
    if plain:
        seen, runs = plain[7].split("/") if "/" in plain[7] else ("?", "?")
        parts.append(f"without a sanitizer the test sees it in {seen} of {runs} runs")
    if tested:
        parts.append("under " + ", ".join(tested) + " only the test's assertion fails")
    if missed:
        parts.append("missed by " + ", ".join(missed))
    if useless:
        parts.append(", ".join(useless) + " also fail" + ("s" if len(useless) == 1 else "") + " the fixed program")
    return "**Who catches this:** " + "; ".join(parts) + \
        ". ([the detector matrix](../../docs/detectors.md))"


README_MARKER = "<!-- detectors: generated by harness/tools/detectors.py -->"


def readme_with_line(text, line):
    """The README's text with its generated line set (after the marker)."""
    lines = text.split("\n")
    if README_MARKER not in lines:
        return None
    at = lines.index(README_MARKER)
    if at + 1 < len(lines) and lines[at + 1].startswith("**Who catches this:**"):
        lines[at + 1] = line
    else:
        lines.insert(at + 1, line)
    return "\n".join(lines)


def outputs(docs, katas, comments, rows):
    """{path: text} of everything generated from the rows."""
    result = {os.path.join(docs, "detectors.md"): render_markdown(comments, rows)}
    if os.path.realpath(docs) != os.path.realpath(os.path.join(ROOT, "docs")):
        return result  # a trial table elsewhere (--docs) leaves the READMEs alone
    for kata in katas:
        if not any(k[0] == kata.number for k in rows):
            continue
        readme = os.path.join(kata.folder("kata"), "README.md")
        text = open(readme).read()
        updated = readme_with_line(text, who_catches(kata.number, rows))
        if updated is None:
            say(f"detectors: {relative(readme)} has no line '{README_MARKER}': add it where the line belongs")
            continue
        result[readme] = updated
    return result


def tsv_text(comments, rows):
    lines = comments + ["# " + TSV_HEADER]
    order = {d[0]: i for i, d in enumerate(DETECTORS)}
    for key in sorted(rows, key=lambda k: (k[0], k[1], order.get(k[2], 99))):
        lines.append("\t".join(rows[key]))
    return "\n".join(lines) + "\n"


# --- main -------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build", "gcc"))
    parser.add_argument("--docs", default=os.path.join(ROOT, "docs"))
    parser.add_argument("--katas", help="comma-separated numbers (default: all)")
    parser.add_argument("--detectors", help="comma-separated: " + ",".join(d[0] for d in DETECTORS))
    parser.add_argument("--runs", type=int, default=100, help="plain-build runs per kata (default 100)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--render", action="store_true", help="only rewrite the documents from the .tsv")
    parser.add_argument("--check", action="store_true", help="compare a fresh measurement with the .tsv")
    args = parser.parse_args()

    build = os.path.abspath(args.build)
    if not os.path.exists(formats.kata_table_path(build)):
        say(f"detectors: {build} is not configured: run make first (or make detectors, which builds what it needs)")
        return 2
    katas = read_katas(build)
    tsv_path = os.path.join(args.docs, "detectors.tsv")
    comments, rows = read_tsv(tsv_path)

    wanted = set(args.katas.split(",")) if args.katas else {k.number for k in katas}
    unknown = wanted - {k.number for k in katas}
    if unknown:
        say(f"detectors: no kata {', '.join(sorted(unknown))} in katas/manifest.txt")
        return 2
    detectors = args.detectors.split(",") if args.detectors else [d[0] for d in DETECTORS]
    bad = [d for d in detectors if d not in NAMES]
    if bad:
        say(f"detectors: unknown detector {', '.join(bad)}: use {', '.join(NAMES)}")
        return 2
    chosen = [k for k in katas if k.number in wanted]

    if args.check:
        return check(build, args.docs, katas, chosen, detectors, comments, rows, args.runs, tsv_path)
    if not args.render:
        fresh = measure_all(build, chosen, detectors, args.runs, args.jobs)
        for (number, subject, detector), fields in fresh.items():
            rows[(number, subject, detector)] = fields
        if not args.katas and not args.detectors:
            comments = tool_versions(args.runs)
        with open(tsv_path, "w") as table:
            table.write(tsv_text(comments, rows))
        if set(detectors) == set(NAMES):  # a kata's digest stands for all of its rows
            sources_path = os.path.join(args.docs, "detectors.sources")
            recorded = read_sources(sources_path)
            recorded.update({kata.number: sources_digest(kata) for kata in chosen})
            write_sources(sources_path, recorded)
    for path, text in outputs(args.docs, katas, comments, rows).items():
        if not os.path.exists(path) or open(path).read() != text:
            with open(path, "w") as out:
                out.write(text)
            say(f"detectors: wrote {relative(path)}")
    return 0


def measure_all(build, chosen, detectors, runs, jobs):
    """{(number, subject, detector): fields}, a progress line per kata."""
    fresh = {}
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {}
        for kata in chosen:
            for detector in detectors:
                futures[pool.submit(measure, kata, detector, build, runs)] = (kata, detector)
        remaining = {kata.number: len(detectors) for kata in chosen}
        for future in concurrent.futures.as_completed(futures):
            kata, detector = futures[future]
            for subject, cell in future.result():
                fresh[(kata.number, subject, detector)] = row(kata, subject, detector, cell).split("\t")
            remaining[kata.number] -= 1
            if remaining[kata.number] == 0:
                found = [NAMES[d] for d in detectors
                         if fresh[(kata.number, "kata", d)][4] in ("caught", "warns")]
                say(f"detectors: kata {kata.number} done ({time.monotonic() - started:.0f} s): "
                    + (", ".join(found) if found else "no tool reports it"))
    return fresh


def check(build, docs, katas, chosen, detectors, comments, rows, runs, tsv_path):
    problems = []
    for kata in katas:
        readme = os.path.join(kata.folder("kata"), "README.md")
        if README_MARKER not in open(readme).read().split("\n"):
            problems.append(f"{relative(readme)} has no line '{README_MARKER}' (at the end of its Symptom section)")
    for path, text in outputs(docs, katas, comments, rows).items():
        if not os.path.exists(path) or open(path).read() != text:
            problems.append(f"{relative(path)} is not what {relative(tsv_path)} gives: run python3 "
                            "harness/tools/detectors.py --render")
    recorded_sources = read_sources(os.path.join(docs, "detectors.sources"))
    for kata in katas:
        if recorded_sources.get(kata.number) != sources_digest(kata):
            problems.append(f"kata {kata.number}'s files (or its solution's) changed since the matrix measured "
                            f"them: run sh harness/tools/maintain detectors --katas {kata.number}")
    fresh = measure_all(build, chosen, detectors, runs, 2)
    for key, fields in sorted(fresh.items()):
        if tool_missing(key[2]):
            say(f"detectors: {NAMES[key[2]]} is not installed here: its column is not checked")
            continue
        recorded = rows.get(key)
        # The verdict, the kind and the place; not the timings, nor counts that vary.
        comparable = (lambda f: f[4:7]) if key[2] != "plain" else (lambda f: f[4:5])
        if recorded is None or comparable(recorded) != comparable(fields):
            problems.append(f"kata {key[0]} {key[1]} under {NAMES[key[2]]}: recorded "
                            f"{' '.join(comparable(recorded)) if recorded else 'nothing'}, measured now "
                            f"{' '.join(comparable(fields))}: the matrix has drifted; run make detectors")
    for problem in problems:
        say("FAILED: " + problem)
    if not problems:
        say(f"detectors: the matrix matches a new measurement of katas {', '.join(k.number for k in chosen)} "
            f"under {', '.join(NAMES[d] for d in detectors)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
