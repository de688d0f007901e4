#!/usr/bin/env python3
"""docs/wrong-fixes.md from the corpus of wrong fixes: the catalogue of kinds
and the kinds x katas matrix.

    python3 harness/tools/wrong_fixes_doc.py            # rewrite docs/wrong-fixes.md
    python3 harness/tools/wrong_fixes_doc.py --check    # fail when it is out of step

Reads, and nothing else:
  harness/tests/wrong_fixes/kinds.txt       the kinds: name | caught | definition
  harness/tests/wrong_fixes/cells.txt       cells no patch fills: NN | kind | n/a|gap | reason
  harness/tests/wrong_fixes/NN_slug/*.patch each patch's "# kind:" and "# rejected-by:" lines

What rejects each patch is the "# rejected-by:" line that judge_fix.cmake
checks in every gate run (a test's name, a report, or a hang), so a cell
that says "rejected" names what the last gate saw reject it.

--check fails, one line per problem, when a wrong or gap patch names no kind
or a kind kinds.txt lacks, when a wrong patch has no "# rejected-by:" line,
when cells.txt gives a reason for a cell that patches fill (or names an
unknown kata or kind), when a cell is empty, or when docs/wrong-fixes.md is
not what this script writes.
"""

import collections
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "harness", "tests", "wrong_fixes")
DOC = os.path.join(ROOT, "docs", "wrong-fixes.md")
CELL_STATES = ("n/a", "gap")  # "untried" is an empty cell: every kind is tried in every kata


def table_rows(path, columns):
    """The rows of a '|'-separated file with `columns` fields; '#' lines and blanks skipped."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [x.strip() for x in line.split("|", columns - 1)]
            if len(fields) != columns:
                raise SystemExit(f"wrong_fixes_doc: {os.path.relpath(path, ROOT)}:{number}: expected {columns} fields")
            rows.append((number, fields))
    return rows


def header_value(text, key):
    match = re.search(rf"^# {key}: (.*)$", text, re.M)
    return match.group(1).strip() if match else None


def read_corpus():
    """{kata_dir: [(file, label, kinds, rejected_by)]}"""
    corpus = {}
    for kata in sorted(os.listdir(CORPUS)):
        folder = os.path.join(CORPUS, kata)
        if not os.path.isdir(folder) or not re.match(r"^\d\d_", kata):
            continue
        patches = []
        for name in sorted(os.listdir(folder)):
            match = re.match(r"^[a-z0-9_]+\.(wrong|right|gap)\.patch$", name)
            if not match:
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            kinds = header_value(text, "kind")
            kinds = [k.strip() for k in kinds.split(",")] if kinds else []
            patches.append((name, match.group(1), kinds, header_value(text, "rejected-by")))
        corpus[kata] = patches
    return corpus


def short_reason(rejected_by):
    """What rejects a patch, for the list under the matrix: each alternative's
    test name without its suite, or the report."""
    said = []
    for reason in rejected_by.split(" | "):
        if reason.startswith("test "):
            said.append("`" + reason[5:].split(".", 1)[-1] + "`")
        elif reason.startswith("report "):
            said.append(reason[7:])
        else:
            said.append(reason)
    return " or ".join(said)


def build(problems):
    kinds = [(n, f) for n, f in table_rows(os.path.join(CORPUS, "kinds.txt"), 3)]
    kind_names = [f[0] for _, f in kinds]
    corpus = read_corpus()
    katas = list(corpus)
    numbers = {k[:2]: k for k in katas}

    cells = {}  # (kata, kind) -> (state, text)
    examples = {}
    for kata, patches in corpus.items():
        for name, label, patch_kinds, rejected_by in patches:
            where = f"harness/tests/wrong_fixes/{kata}/{name}"
            if label == "right":
                continue
            if not patch_kinds:
                problems.append(f"{where}: no '# kind:' line (kinds.txt lists the kinds)")
            for kind in patch_kinds:
                if kind not in kind_names:
                    problems.append(f"{where}: kind '{kind}' is not in kinds.txt")
                    continue
                examples.setdefault(kind, f"{kata}/{name}")
                state, found = cells.get((kata, kind), (label, collections.Counter()))
                if label == "gap":
                    state = "gap"
                elif rejected_by is None:
                    problems.append(f"{where}: no '# rejected-by:' line")
                    continue
                else:
                    found[short_reason(rejected_by)] += 1
                cells[(kata, kind)] = (state, found)
    for line, (number, kind, state, reason) in table_rows(os.path.join(CORPUS, "cells.txt"), 4):
        where = f"harness/tests/wrong_fixes/cells.txt:{line}"
        if number not in numbers:
            problems.append(f"{where}: no kata {number} has wrong fixes")
        elif kind not in kind_names:
            problems.append(f"{where}: kind '{kind}' is not in kinds.txt")
        elif state not in CELL_STATES:
            problems.append(f"{where}: state '{state}' is not one of {', '.join(CELL_STATES)}")
        elif (numbers[number], kind) in cells:
            problems.append(f"{where}: kata {number} has patches of kind {kind}: the reason is not needed")
        else:
            cells[(numbers[number], kind)] = (state, reason)
    for kata in katas:
        for kind in kind_names:
            if (kata, kind) not in cells:
                problems.append(f"kata {kata[:2]}, kind {kind}: an empty cell: add a patch of the kind, "
                                "or a line to cells.txt saying n/a or gap and why")

    out = []
    out.append("# Wrong fixes, by kind")
    out.append("")
    out.append("<!-- generated by harness/tools/wrong_fixes_doc.py from harness/tests/wrong_fixes/: do not edit -->")
    out.append("")
    out.append("A kata's test is a spec: a fix that dodges the lesson must fail it. The corpus in")
    out.append("`harness/tests/wrong_fixes/` keeps the wrong fixes people wrote (many blind, from the")
    out.append("README alone); each names its kind and what rejects it, and every gate run checks that")
    out.append("it is rejected for that reason (`harness/cmake/judge_fix.cmake`). This page counts them.")
    out.append("")
    out.append("## The kinds")
    out.append("")
    out.append("| kind | caught by | what it is | for example |")
    out.append("|---|---|---|---|")
    for _, (name, caught, definition) in kinds:
        example = examples.get(name)
        example = f"`{example}`" if example else "—"
        caught = " and ".join({"tests": "each kata's tests",
                               "construction": "the build, by construction (`harness/tools/program_only.sh`)"}[c.strip()]
                              for c in caught.split(","))
        out.append(f"| `{name}` | {caught} | {definition} | {example} |")
    out.append("")
    out.append("## Kinds by kata")
    out.append("")
    out.append("A number: that many wrong fixes of the kind, all rejected (the list below says by what);")
    out.append("*n/a*: the kind cannot happen in that program; **gap**: a fix of the kind passes the")
    out.append("tests today. No cell is empty: every kind is tried in every kata where it can happen.")
    out.append("")
    header = "| kata | " + " | ".join(f"`{k}`" for k in kind_names) + " |"
    out.append(header)
    out.append("|---" * (len(kind_names) + 1) + "|")
    totals = collections.Counter()
    for kata in katas:
        row = []
        for kind in kind_names:
            state, detail = cells.get((kata, kind), ("", None))
            if state == "wrong":
                row.append(str(sum(detail.values())))
            elif state == "gap":
                row.append("**gap**")
            elif state == "n/a":
                row.append("*n/a*")
            else:
                row.append("")
            totals[state or "empty"] += 1
        out.append(f"| {kata} | " + " | ".join(row) + " |")
    out.append("")
    out.append(", ".join(f"{totals[s]} {label}" for s, label in
                         (("wrong", "cells rejected"), ("gap", "gaps"), ("n/a", "n/a"))) +
               f" of {len(katas) * len(kind_names)}.")
    out.append("")
    out.append("## What rejects each kind, kata by kata")
    out.append("")
    for kata in katas:
        out.append(f"### {kata}")
        out.append("")
        for kind in kind_names:
            state, detail = cells.get((kata, kind), ("", None))
            if state == "wrong":
                said = "; ".join(f"{reason} ({count})" for reason, count in sorted(detail.items()))
                out.append(f"- `{kind}`: rejected by {said}")
            elif state == "gap":
                out.append(f"- `{kind}`: **gap** (a `.gap.patch` records it)")
            elif state == "n/a":
                out.append(f"- `{kind}`: *n/a*: {detail}")
        out.append("")
    return "\n".join(out)


def main():
    problems = []
    text = build(problems)
    if "--check" in sys.argv[1:]:
        try:
            with open(DOC, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            problems.append("docs/wrong-fixes.md is out of step with the corpus: "
                            "python3 harness/tools/wrong_fixes_doc.py rewrites it")
        for p in problems:
            print(f"wrong_fixes_doc: {p}")
        return 1 if problems else 0
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(text)
    for p in problems:
        print(f"wrong_fixes_doc: {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
