#!/bin/sh
# handout.sh OUT.tar.gz — the participants' copy of the suite: everything but
# solutions/ and the documents that explain fixes. Kata folders are also
# copied to .pristine/ so that `kata reset` works without git.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: handout.sh OUT.tar.gz}
given=$out  # reported as the caller wrote it
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

# Files that give fixes away stay out.
excluded='^(solutions/|docs/facilitator\.md|\.ci/|\.kata-state/|build/)'

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
mkdir -p "$dest/.pristine"
cp -R "$dest/katas" "$dest/.pristine/katas"
tar -C "$stage" -czf "$out" pool-katas
echo "handout: $given ($(du -h "$out" | cut -f1))"
