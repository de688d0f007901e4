#!/bin/sh
# platform_files_test.sh SOURCE_DIR — the files for other machines stay valid:
#  * .ci/run and the devcontainer's Dockerfile install from the one list,
#    through harness/deps/install.sh, and every listed package exists in
#    Debian's index when apt-cache can say so;
#  * .github/workflows/gate.yml is valid YAML and its steps run .ci/run,
#    which exists and is executable;
#  * devcontainer.json, .vscode/*.json and CMakePresets.json parse, the
#    presets' CMake minimum is the one CMakeLists.txt states, and .clangd
#    points at the Clang tree.
set -u
root=${1:?usage: platform_files_test.sh SOURCE_DIR}
failures=0
fail() { printf 'FAILED: %s\n' "$1"; failures=$((failures + 1)); }

grep -q '^sh harness/deps/install.sh$' "$root/.ci/run" || fail ".ci/run does not install from harness/deps/install.sh"
grep -q 'COPY harness/deps/' "$root/.devcontainer/Dockerfile" && grep -q 'sh /tmp/deps/install.sh' "$root/.devcontainer/Dockerfile" ||
  fail "the devcontainer's Dockerfile does not install from harness/deps/install.sh"
grep -qE 'apt-get install.* [a-z0-9]' "$root/.devcontainer/Dockerfile" "$root/.ci/run" &&
  fail "a package list of its own in .ci/run or the Dockerfile: use harness/deps/debian-packages.txt"
if command -v apt-cache >/dev/null 2>&1; then
  # One call for the whole list (each call reads the index again, seconds
  # apiece); one per package only to name the ones it does not know.
  packages=$(sed 's/#.*//' "$root/harness/deps/debian-packages.txt")
  # shellcheck disable=SC2086 # a word list on purpose
  if ! apt-cache show $packages >/dev/null 2>&1; then
    for package in $packages; do
      apt-cache show "$package" >/dev/null 2>&1 || fail "harness/deps/debian-packages.txt lists $package, which apt-cache does not know"
    done
  fi
fi

python3 - "$root" <<'PY' || failures=$((failures + 1))
import json, os, sys
import yaml
root = sys.argv[1]
problems = []
workflow = yaml.safe_load(open(os.path.join(root, ".github/workflows/gate.yml")))
steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
commands = " ".join(s.get("run", "") for s in steps)
if "bash .ci/run" not in commands:
    problems.append("gate.yml has no step that runs bash .ci/run")
if not os.access(os.path.join(root, ".ci/run"), os.X_OK):
    problems.append(".ci/run, which gate.yml runs, is not an executable file")
container = workflow["jobs"]["gate"].get("container", {})
if container.get("image") != "debian:12":
    problems.append("gate.yml does not run in a debian:12 container")
for name in [".devcontainer/devcontainer.json", ".vscode/tasks.json", ".vscode/extensions.json", "CMakePresets.json"]:
    try:
        json.load(open(os.path.join(root, name)))
    except Exception as error:
        problems.append(f"{name} does not parse: {error}")
dockerfile = json.load(open(os.path.join(root, ".devcontainer/devcontainer.json")))["build"]["dockerfile"]
if not os.path.exists(os.path.join(root, ".devcontainer", dockerfile)):
    problems.append(f"devcontainer.json names {dockerfile}, which does not exist")
presets = json.load(open(os.path.join(root, "CMakePresets.json")))
want = presets["cmakeMinimumRequired"]
stated = f'cmake_minimum_required(VERSION {want["major"]}.{want["minor"]})'
if stated not in open(os.path.join(root, "CMakeLists.txt")).read():
    problems.append(f"CMakeLists.txt does not state {stated}, the presets' minimum")
if presets["version"] == 3 and (want["major"], want["minor"]) < (3, 21):
    problems.append("presets of version 3 need CMake 3.21: the stated minimum is lower")
labels = [t["label"] for t in json.load(open(os.path.join(root, ".vscode/tasks.json")))["tasks"]]
for label in ["run this kata", "watch"]:
    if label not in labels:
        problems.append(f".vscode/tasks.json has no '{label}' task")
if "CompilationDatabase: build/clang" not in open(os.path.join(root, ".clangd")).read():
    problems.append(".clangd does not point at build/clang, the workshop's tree where Clang is installed")
for problem in problems:
    print("FAILED: " + problem)
sys.exit(1 if problems else 0)
PY

[ "$failures" -eq 0 ] && echo "platform files: one package list, valid workflow, devcontainer, editor files and presets"
[ "$failures" -eq 0 ]
