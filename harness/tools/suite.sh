# suite.sh — sourced by the participant's tool (kata) and the maintainer's
# driver (maintain): what both need to reach the suite.
#
# What it promises
#   * say, die, fail and need: one line for the user, and the exit status
#     the make targets expect (KATA_DIE_STATUS: see die);
#   * the kata table of the tree in use, read through formats.sh (katas,
#     katas_table, kata_field), the tree configured first when it has none;
#   * configure and build_target for that tree.
#
# What it needs: $root (the suite), $preset and $build (the tree), $tools
# (this folder), set by the tool that sources it; formats.sh sourced first.
#
# What it does not promise: names of its own kept apart from the caller's
# (POSIX sh has no local variables): its functions set only configured_for
# and reason.

say() { printf '%s\n' "$*"; }
# Bad input and missing tools: one line, exit 2 (0 under the make shortcuts,
# which set KATA_DIE_STATUS so that make adds no "Error 2" line of its own).
die() { printf 'kata: %s\n' "$*" >&2; exit "${KATA_DIE_STATUS:-2}"; }
# The suite itself cannot be set up (a tool missing, configure or the harness
# failing): one line, and a non-zero exit even under make, whose own
# "Error 2" line is then deserved.
fail() { printf 'kata: %s\n' "$*" >&2; exit 2; }

need() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed: $2"
}

# --- the katas --------------------------------------------------------------

# CMake reads katas/manifest.txt and writes its facts to the kata table
# (harness/cmake/Katas.cmake): one line per kata whose folder exists. This
# tool reads that table (through formats.sh), never the manifest.

# The tree's kata table, configuring the tree first when it has none.
table_of_this_tree() {
  if [ ! -f "$(kata_table "$build")" ]; then
    configure >&2
    # A tree configured before the table existed: configure it again, quietly.
    [ -f "$(kata_table "$build")" ] || cmake "$build" >"$build/configure.log" 2>&1 ||
      fail "cannot configure the suite: see $build/configure.log"
  fi
  kata_table "$build"
}

# katas_table COLUMN...: the named columns of every kata, tab-separated.
katas_table() { kata_table_rows "$(table_of_this_tree)" "$@"; }

# kata_field NN COLUMN: one kata's value in one column of the table.
kata_field() { kata_table_field "$(table_of_this_tree)" "$1" "$2"; }

# Prints "NN slug" for every kata.
katas() { katas_table number slug | tr '\t' ' '; }

# --- configure and build ---------------------------------------------------

configure() {
  need cmake "install it (Debian/Ubuntu: apt-get install cmake)"
  # A workshop folder copied or moved with its build tree: the cache still
  # names the old folder, whose files CMake would go on compiling.
  if [ -f "$build/CMakeCache.txt" ]; then
    configured_for=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")
    if [ -n "$configured_for" ] && [ "$configured_for" != "$root" ] && [ ! "$configured_for" -ef "$root" ]; then
      say "build/$preset was configured for $configured_for, not this folder: configuring it again here."
      rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
    fi
  fi
  [ -f "$build/CMakeCache.txt" ] && return 0
  case "$preset" in
    gcc) need g++ "install it (apt-get install g++) or use PRESET=clang" ;;
    clang) need clang++ "install it (apt-get install clang libclang-rt-dev) or use PRESET=gcc" ;;
  esac
  # Ninja when it is installed (the presets name it too, for an editor that
  # configures with them as they are), else make's generator.
  if command -v ninja >/dev/null 2>&1; then set -- -G Ninja; else set -- -G "Unix Makefiles"; fi
  mkdir -p "$build"
  say "Configuring the suite in build/$preset (once)..."
  if ! (cd "$root" && cmake --preset "$preset" "$@") >"$build/configure.log" 2>&1; then
    reason=$(grep -m1 'pool-katas:' "$build/configure.log" | sed 's/^.*pool-katas: //')
    [ -n "$reason" ] || reason="see $build/configure.log"
    rm -f "$build/CMakeCache.txt"
    fail "cannot configure the suite: $reason"
  fi
}

# Builds one target. Ninja is called directly where the tree uses it: cmake
# --build would only start it, for 30 ms more on every save.
build_target() {
  if grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja' "$build/CMakeCache.txt"; then
    ninja -C "$build" "$1"
  else
    cmake --build "$build" --target "$1"
  fi
}

