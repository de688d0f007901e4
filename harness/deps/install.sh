#!/bin/sh
# install.sh [--check] — installs the packages of harness/deps/debian-packages.txt
# that are missing (as root, with apt-get). With --check it only lists them
# and exits 1 when any is missing. Used by .ci/run and the devcontainer.
set -eu
list="$(dirname "$0")/debian-packages.txt"
missing=""
for package in $(sed 's/#.*//' "$list"); do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $package"
done
[ -n "$missing" ] || exit 0
if [ "${1:-}" = --check ]; then
  echo "missing:$missing"
  exit 1
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "deps: missing:$missing — install them (apt-get install$missing) and run again" >&2
  exit 2
fi
echo "deps: installing:$missing"
apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
