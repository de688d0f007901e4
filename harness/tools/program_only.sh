#!/bin/sh
# program_only.sh DIR [STAMP] — a kata's program keeps out of the tests' helpers.
#
# harness/testing.h is the tests' own: it pauses race mode, drains pools,
# counts allocations and reads what the pool holds, so that a test can see
# what the program did. A program that uses it sees what no program may
# (the pool's contract gives it no such view) and can switch off the
# freedom the tests judge it under. So the build refuses a kata's or a
# solution's files (all but *_test.cpp) that include it or name
# harness::testing, with one line in the compiler's form (FILE:LINE: error:)
# that the kata tool shows as "does not compile". Without a finding it
# touches STAMP (the build's record that the folder was looked at).
#
# It reads the files as text: a program that reaches the helpers some other
# way (a macro that pastes the name together) is not seen here, and the
# tests and race mode still judge it.
set -u
dir=${1:?usage: program_only.sh DIR [STAMP]}
found=
for file in "$dir"/*.h "$dir"/*.cpp; do
  [ -f "$file" ] || continue
  case "$file" in *_test.cpp) continue ;; esac
  hit=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]harness/testing\.h[">]|harness::testing' "$file" | head -n 1)
  [ -n "$hit" ] || continue
  printf '%s:%s: error: the program uses harness/testing.h, the tests'"'"' own helpers (they pause race mode, drain pools and count what the program does): a fix must work with the pool as its contract allows\n' \
    "$file" "${hit%%:*}" >&2
  found=yes
done
[ -z "$found" ] || exit 1
[ -z "${2:-}" ] || : >"$2"
