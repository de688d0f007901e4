# formats.sh — sourced by the shell tools (`tools=<this folder>; . "$tools/formats.sh"`):
# the one reader, in shell, of the formats the tools share. formats.py is the
# one reader in Python; harness/cmake reads them once more in CMake (the
# manifest in Katas.cmake, the kata table in kata_table.cmake, the results file
# in results_file.cmake, a report's kind in judge_fix.cmake). lint.sh fails on
# a tool that reads one of them itself.
#
#   the manifest       katas/manifest.txt: "NN | slug | ...", one line a kata
#   the kata table     build/<tree>/katas.tsv, which CMake writes from the
#                      manifest (harness/cmake/Katas.cmake): a header line
#                      "# number<TAB>slug<TAB>...", then one line a kata
#   the results file   what a test binary found, one event a line
#                      (harness/src/result_file.h)
#   the verdict row    build/<tree>/kata-logs/NN.row, which the kata tool
#                      writes with each verdict it shows (its header names
#                      the columns: state, why, test, kind, place), for
#                      share.py and the room
#   a sanitizer report a test binary's output: sanitizer_summary gives the
#                      participant's view (the rules are in summarize.awk,
#                      which only it runs), sanitizer_report_excerpt the
#                      lines the docs quote
#
# What it promises
#   * columns of the kata table are read by the header's names, never by
#     their position: a new column changes no caller;
#   * a results file's fields come back unescaped as result_file.h escapes
#     them; a missing file reads as one with nothing in it;
#   * each function writes to stdout and sets no variable of its caller
#     (the work is done in awk), except that it needs $tools.
#
# What it does not promise
#   * to check a file's shape: lint.sh and the selfcheck do that.

# manifest ROOT: the manifest's path in a source tree.
manifest() { printf '%s/katas/manifest.txt\n' "$1"; }

# kata_table BUILD: the kata table's path in a build tree.
kata_table() { printf '%s/katas.tsv\n' "$1"; }

# kata_table_rows TABLE COLUMN...: the named columns of every kata, one line
# a kata, tab-separated, in the table's order.
kata_table_rows() {
  [ -f "$1" ] || return 0
  awk -F '\t' -v wanted="$(shift; echo "$*")" '
    NR == 1 && /^# / {
      sub(/^# /, "")
      for (i = 1; i <= NF; i++) at[$i] = i
      n = split(wanted, names, " ")
      for (i = 1; i <= n; i++)
        if (!(names[i] in at)) { print "formats.sh: the kata table has no column " names[i] > "/dev/stderr"; exit 2 }
      next
    }
    /^#/ || NF == 0 { next }
    !n { print "formats.sh: " FILENAME " has no header line (# number<TAB>slug...): configure the tree again" > "/dev/stderr"; exit 2 }
    {
      line = ""
      for (i = 1; i <= n; i++) line = line (i > 1 ? "\t" : "") $(at[names[i]])
      print line
    }' "$1"
}

# verdict_row BUILD NN: the path of kata NN's verdict row in a build tree.
verdict_row() { printf '%s/kata-logs/%s.row\n' "$1" "$2"; }

# kata_table_field TABLE NN COLUMN: one kata's value in one column; empty
# when the table has no kata NN.
kata_table_field() {
  kata_table_rows "$1" number "$3" | awk -F '\t' -v n="$2" '$1 == n { print $2; exit }'
}

# manifest_katas MANIFEST: "NN slug" for each kata the manifest declares
# (whether or not its folder exists: the kata table has only those that do).
manifest_katas() {
  sed -n 's/^\([0-9][0-9]*\) *| *\([A-Za-z0-9_]*\) *|.*/\1 \2/p' "$1"
}

# manifest_without MANIFEST NN...: the manifest with those katas' lines left
# out, comments and all else as they are.
manifest_without() {
  awk -v dropped=" $(shift; echo "$*") " '
    match($0, /^[0-9]+ *\|/) { n = $0; sub(/ *\|.*/, "", n); if (index(dropped, " " n " ")) next }
    { print }' "$1"
}

# The results file's readers share one awk prelude: unescape(v, newline)
# undoes result_file.h's escapes (\n as NEWLINE, \t as a tab, \\ as \).
formats_results_awk='
function unescape(v, newline,   out, i, c) {
  out = ""
  for (i = 1; i <= length(v); i++) {
    c = substr(v, i, 1)
    if (c == "\\" && i < length(v)) {
      i++; c = substr(v, i, 1)
      if (c == "n") c = newline; else if (c == "t") c = (newline == "\n" ? "\t" : " ")
    }
    out = out c
  }
  return out
}
'

# results_first_failure FILE FIELD...: fields of the first failed check:
# test, file, line, what (the message's last line, the test's own words) or
# message (all of it), each on one line (newlines as spaces), tab-separated.
# Empty when none failed.
results_first_failure() {
  [ -f "$1" ] || return 0
  awk -F '\t' -v fields="$(shift; echo "$*")" "$formats_results_awk"'
    BEGIN { at["test"] = 2; at["file"] = 3; at["line"] = 4; at["what"] = 5; at["message"] = 6; n = split(fields, f, " ") }
    $1 == "failed" {
      for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? "\t" : ""), unescape($(at[f[i]]), " ")
      print ""
      exit
    }' "$1"
}

# results_failures_shown FILE MAX: the first MAX failed checks as GoogleTest
# shows them: "[ RUN      ] Suite.Test" when the test changes, then
# "file:line: Failure" and the whole message.
results_failures_shown() {
  [ -f "$1" ] || return 0
  awk -F '\t' -v max="${2:-1}" "$formats_results_awk"'
    $1 == "failed" && shown < max {
      if ($2 != test) { print "[ RUN      ] " $2; test = $2 }
      print $3 ":" $4 ": Failure"
      print unescape($6, "\n")
      shown++
    }' "$1"
}

# results_running_test FILE: the test that had started and not ended when
# the process did (a crash, a sanitizer's report); empty otherwise.
results_running_test() {
  [ -f "$1" ] || return 0
  awk -F '\t' '$1 == "started" { t = $2 } $1 == "passed" || $1 == "failed" { if ($2 == t) t = "" }
               END { if (t != "") print t }' "$1"
}

# results_unfinished_test FILE: the test the race-mode run's watchdog ended
# for taking too long; empty when none was.
results_unfinished_test() {
  [ -f "$1" ] || return 0
  awk -F '\t' '$1 == "unfinished" { print $2; exit }' "$1"
}

# results_passed_then_failed_in_race_mode FILE: true when the tests passed
# once and then failed their second run, in the pool's race mode.
results_passed_then_failed_in_race_mode() {
  [ -f "$1" ] || return 1
  awk -F '\t' '$1 == "done" && $2 == "passed" { passed = 1 }
               $1 == "run" && $2 == "race-mode" && passed { again = 1 }
               END { exit !again }' "$1"
}

# sanitizer_report_excerpt [MAX] [HEADING]: the lines a reader needs of the
# sanitizer report in a kata's output on stdin, after HEADING (the test that
# was running, as "[ RUN      ] Suite.Test"), for the docs' excerpts:
#  * of the report: its first line, the heading of each stack, the
#    first MAX frames (2 unless told) of each stack that lie in katas/, one
#    frame of an allocation stack, and the SUMMARY up to the error kind.
# Skipped frames become one "    ..." line per run. A stack is cut at its
# first frame in harness/ after one in katas/ (the pool's frames above the
# kata's are skipped): the pool's frames and the numbering of the frames after
# them change whenever the pool does. The pool's own reports (harness::Pool:
# ...) are read like a sanitizer's.
sanitizer_report_excerpt() {
  awk -v max="${1:-2}" -v run="${2:-}" '
    function heading() { if (run != "") { print run; run = "" } }
    function stack(limit) { kept = 0; cut = 0; dots = 0; room = limit }
    /^ +#[0-9]+ / {
      if (!in_report || cut) next
      if ($0 ~ / harness\//) { if (kept) cut = 1; else dots = 1; next }
      if ($0 ~ / katas\// && kept < room) {
        if (dots) print "    ..."
        print; kept++; dots = 0
      } else if (kept < room) dots = 1
      next
    }
    /WARNING: ThreadSanitizer:|ERROR: AddressSanitizer:|ERROR: harness::Pool:|runtime error:/ {
      heading(); in_report = 1; stack(max); print; explained = $0 ~ /harness::Pool:/; next
    }
    explained { explained = 0; print; next }  # the pool says what went wrong on the next line
    in_report && /^  (Previous )?(atomic )?([Rr]ead|[Ww]rite) of size|^(READ|WRITE) of size|^freed by thread/ {
      stack(max); print; next
    }
    in_report && /^previously allocated by thread|^  Location is heap block/ { stack(1); print; next }
    /^harness::Pool: this object was used after it went back to the pool/ { in_report = 1; stack(max); print; next }
    in_report && /^SUMMARY:/ {
      sub(/ [^ ]*[\/.].*$/, "")  # the location (a file or a module): which access came first varies
      sub(/^SUMMARY: [A-Za-z:]+: [a-z()-]+( [a-z()\x27-]+)*/, "&@@"); sub(/@@.*$/, ""); print
      in_report = 0; next
    }
    in_report && /: note: / { print; next }
    in_report && /^$/ { stack(0); next }
  '
}

# failure_kind_and_place LOG RESULTS KATA_DIR: what kind of failure a run
# had and where in the kata it shows, for the room, as one line
# "kind<TAB>place<TAB>test": a failed check first ("a test check failed", at
# its line when that is in KATA_DIR), else a sanitizer's report (its kind
# line, at the first of its places in KATA_DIR). place is a file name and a
# line ("render.h:15"); test the test that failed or was running. Nothing
# when the run has neither (a crash without a report: its exit status says).
failure_kind_and_place() (
  tab=$(printf '\t')
  failed=$(results_first_failure "$2" test line file)
  if [ -n "$failed" ]; then
    test=${failed%%"$tab"*}
    line=${failed#*"$tab"}
    file=${line#*"$tab"}
    line=${line%%"$tab"*}
    place=
    case "$file" in *"$3"*) place="${file##*/}:$line" ;; esac
    printf 'a test check failed\t%s\t%s\n' "$place" "$test"
    exit 0
  fi
  # The report's kind (its first line) and the first place in the kata's folder.
  facts=$(sanitizer_summary "$1" "$3" | awk -v dir="$3" '
    NR == 1 { kind = $0; sub(/^UndefinedBehaviorSanitizer: /, "UBSan: ", kind) }
    NR > 1 && place == "" && match($0, dir "[A-Za-z0-9_.+/-]*:[0-9]+") {
      place = substr($0, RSTART, RLENGTH); sub(/.*\//, "", place)
    }
    END { if (kind != "") printf "%s\t%s", kind, place }')
  [ -n "$facts" ] || exit 0
  printf '%s\t%s\n' "$facts" "$(results_running_test "$2")"
)

# sanitizer_summary LOG KATA_DIR: the participant's view of the sanitizer
# report in LOG (summarize.awk says what it prints), with KATA_DIR
# ("katas/02_use_after_put/") as the kata's own folder; nothing when LOG holds
# no report.
sanitizer_summary() {
  awk -v dir="$2" -f "${tools:?formats.sh needs \$tools}/summarize.awk" "$1"
}
