#!/bin/sh
# pch_code_test.sh BUILD_DIR — the precompiled header's code is compiled once
# (harness/cmake/PchCode.cmake): no kata's test object defines a function the
# header's object defines. If -fpch-codegen stopped taking effect, every test
# file would compile that code again and a participant's save would take a
# third longer, with every other test still passing; this one would not.
set -u
build=${1:?usage: pch_code_test.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/../../.." && pwd)
failures=0
fail() { printf 'FAILED: %s\n%s\n' "$1" "${2:-}"; failures=$((failures + 1)); }

command -v readelf >/dev/null 2>&1 || { echo "pch_code_test: readelf is not installed (apt-get install binutils)"; exit 1; }

# The inline and template functions an object file defines (weak functions),
# by name. Type information and the like are data every object may carry;
# __clang_call_terminate is Clang's own helper, emitted wherever needed.
weak_definitions() {
  readelf -sW "$1" | awk '$4 == "FUNC" && $5 == "WEAK" && $7 != "UND" && $8 != "__clang_call_terminate" { print $8 }' | sort -u
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
checked=0
tools="$root/harness/tools"
. "$tools/formats.sh"
kata_table_rows "$(kata_table "$build")" number slug sanitizer >"$scratch/katas"
while IFS='	' read -r number slug flavour; do
  code="$build/harness/CMakeFiles/harness_$flavour.dir/pch_code.o"
  if [ ! -f "$scratch/$flavour" ]; then
    [ -f "$code" ] || { fail "no $code: the $flavour flavour's precompiled header code was not built"; continue; }
    weak_definitions "$code" >"$scratch/$flavour"
    # It holds what the header promises: GoogleTest's code among it.
    grep -q '^_ZN7testing7Message' "$scratch/$flavour" ||
      fail "$code defines none of GoogleTest's Message code: was the header built with -fpch-codegen?"
  fi
  for object in "$build/CMakeFiles/kata$number.dir/katas/${number}_$slug"/*_test.cpp.o; do
    [ -f "$object" ] || { fail "kata $number has no test object in $build: build it first"; continue; }
    checked=$((checked + 1))
    again=$(weak_definitions "$object" | comm -12 - "$scratch/$flavour" | head -n 5)
    [ -z "$again" ] ||
      fail "kata $number's test object compiles again code the precompiled header's object has (first five):" "$again"
  done
done <"$scratch/katas"

[ "$checked" -gt 0 ] || fail "no kata test object found in $build"
[ "$failures" -eq 0 ] && echo "pch code: none of the $checked kata test objects compiles the precompiled header's code again"
exit "$((failures > 0))"
