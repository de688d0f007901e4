#!/bin/sh
# handout.sh OUT.tar.gz — the participants' copy of the suite: everything but
# solutions/, the wrong-fix patches (some are right fixes) and the documents
# that explain fixes. Kata folders are also copied to .pristine/ so that
# `kata reset` works without git. SEASON=1 or SEASON=2 (make handout
# SEASON=2) keeps one season's katas alone: their folders, hints and manifest
# lines (season two is katas 21 and up).
#
# In the Markdown files, a block between "<!-- full repo -->" and
# "<!-- /full repo -->" is left out (it names the gate, solutions/, .ci/...),
# and a "<!-- handout:" ... "-->" comment is opened up: the handout's own
# wording of the same part.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: handout.sh OUT.tar.gz}
given=$out  # reported as the caller wrote it
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

# Files that give fixes away stay out, and so do the facilitator's: the room
# view's server and page (a participant keeps share.py, which sends to it).
# The maintainer's targets (make test, detectors, handout, room...) are in
# harness/maintainer.mk, which the Makefile includes only where it exists;
# the allocator comparison serves one of them. Python's caches are the
# maker's, not sources.
excluded='(^|/)__pycache__/|^(harness/maintainer\.mk|harness/bench/(compare_allocators\.sh|allocators_table\.py)|solutions/|harness/room/(server|room_[a-z]+|test_[a-z]+|screenshot)\.py|harness/room/(index\.html|room\.css|room\.js)|docs/room\.png|harness/tests/wrong_fixes/|docs/facilitator\.md|docs/writing-a-kata\.md|docs/wrong-fixes\.md|\.ci/|\.github/|\.kata-state/|build/)'

# One season alone: the other season's katas (numbers from the manifest,
# seasons from season.sh) leave with their folders, hints and manifest lines.
tools="$root/harness/tools"
. "$tools/season.sh"
. "$tools/formats.sh"
others=
case "${SEASON:-}" in
  '') ;;
  1 | 2)
    for number in $(manifest_katas "$(manifest "$root")" | cut -d' ' -f1); do
      [ "$(season_of "$number")" = "$SEASON" ] || others="$others${others:+|}$number"
    done ;;
  *) echo "handout: there is no season '$SEASON': SEASON=1 or SEASON=2" >&2; exit 2 ;;
esac
[ -z "$others" ] || excluded="$excluded|^(katas|harness/hints)/($others)_"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dest="$stage/pool-katas"
mkdir -p "$dest"
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files --cached --others --exclude-standard)
else
  files=$(find . -type f | sed 's|^\./||')
fi
printf '%s\n' "$files" | grep -Ev "$excluded" | while read -r f; do
  [ -f "$f" ] || continue
  mkdir -p "$dest/$(dirname "$f")"
  cp -p "$f" "$dest/$f"
done
# A season-two handout has no season one: a "<!-- season one -->" ...
# "<!-- /season one -->" block goes too, and a "<!-- season two:" ... "-->"
# comment is opened up in its place (in any other handout it goes).
find "$dest" -name '*.md' | while read -r doc; do
  awk -v season="${SEASON:-}" '
    $0 == "<!-- full repo -->" { skip = 1; next }
    $0 == "<!-- /full repo -->" { skip = 0; next }
    $0 == "<!-- season one -->" { if (season == 2) skip = 1; next }
    $0 == "<!-- /season one -->" { skip = 0; next }
    skip { next }
    $0 == "<!-- handout:" { opened = 1; next }
    $0 == "<!-- season two:" { if (season == 2) opened = 1; else dropped = 1; next }
    dropped && $0 == "-->" { dropped = 0; next }
    dropped { next }
    opened && $0 == "-->" { opened = 0; next }
    { print }
  ' "$doc" >"$doc.new" && mv "$doc.new" "$doc"
done
if [ -n "$others" ]; then
  manifest_without "$(manifest "$dest")" $(echo "$others" | tr '|' ' ') >"$dest/manifest.new"
  mv "$dest/manifest.new" "$(manifest "$dest")"
fi
mkdir -p "$dest/.pristine"
cp -R "$dest/katas" "$dest/.pristine/katas"
mkdir -p "$(dirname "$out")"  # build/ does not exist on a fresh clone
tar -C "$stage" -czf "$out" pool-katas
echo "handout: $given ($(du -h "$out" | cut -f1))"
