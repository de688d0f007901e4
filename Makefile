# The front door. `make` runs the workshop.
#   make                 configure, build what compiles, run the katas, show the table
#   make kata [N=03]     rebuild and run one kata (no N: the first not done), full output
#   make kata N=02 PLAIN=1   the same kata without sanitizers, 100 runs: how often is the bug seen?
#   make status          the table again
#   make hint [N=03]     the next hint for kata 03 (no N: the first not done)
#   make watch [N=03]    rerun a kata on every save, move on when it is green
#   make reset N=03      put kata 03 back as shipped (N=all for every kata; YES=1: do not ask)
#   make bench           the pool against new/delete and a mutex free list (Google Benchmark)
#   make bench-go        the pool against Go's sync.Pool, same object and loop (needs Go)
#   make bench-loop [N=01]  save to verdict for each kata: compile, link, run, after a real edit
#   make share ROOM=http://HOST:PORT CODE=... NAME=...   send your progress to the
#                        facilitator's room view after every run (shows it, asks first;
#                        DRY_RUN=1: only show it; STOP=1: stop sending)
#   PRESET=gcc make      use the GCC build tree (the default is Clang, where installed)
#   make SEASON=2        season two, katas 21 and up: bugs real C++ projects shipped (the default once season one is done)
# The maintainer's targets (make test, the CI gate, and the rest) are in
# harness/maintainer.mk, which the participants' handout leaves out.

KATA := sh harness/tools/kata
export KATA_SEASON := $(SEASON)
# The participant's commands say what went wrong in one line of their own and
# then exit 0 (KATA_DIE_STATUS), so that make does not add "make: *** [...]
# Error 2" under it. Recipes stay plain commands (no `|| true`): make then
# runs them without a shell in between, and Ctrl-C in `make watch` ends
# quietly. `sh harness/tools/kata ...` exits 2 on bad input. A suite that
# cannot be set up (a tool or GoogleTest missing) exits 2 under make too.
# (The gate's own failures always exit non-zero: only a handout's "there is
# no gate here" is bad input.)
workshop status kata hint watch reset share: export KATA_DIE_STATUS := 0
# A failing kata is the workshop's normal state, not a make error: make kata
# says so and exits 0, where `sh harness/tools/kata run NN` exits 1.
kata: export KATA_VERDICT_STATUS := 0

.PHONY: all workshop status kata hint watch reset test bench bench-go bench-loop clean share
all: workshop

workshop:
	@$(KATA) workshop

status:
	@$(KATA) status

kata:
	@$(KATA) $(if $(PLAIN),plain,run) $(N)

clean:
	rm -rf build

hint:
	@$(KATA) hint $(N)

watch:
	@$(KATA) watch $(N)

reset:
	@$(KATA) reset $(N) $(if $(filter 1 y yes true,$(YES)),--yes)

bench:
	@sh harness/tools/maintain bench

bench-go:
	@sh harness/bench/compare_go.sh

bench-loop:
	@sh harness/bench/save_loop.sh $(N)

# The room view (harness/room/): the participant's settings reach share.py
# through the environment, so that a name with spaces or quotes needs no shell.
share: export KATA_ROOM_URL := $(ROOM)
# CODE is the join code; TOKEN (its older name) only from the command line,
# never a TOKEN that happens to be in the environment.
share: export KATA_ROOM_CODE := $(or $(CODE),$(if $(filter command line,$(origin TOKEN)),$(TOKEN)))
share: export KATA_ROOM_PROXY := $(ROOM_PROXY)
share: export KATA_ROOM_NAME := $(value NAME)
share: export KATA_ROOM_DRY_RUN := $(filter 1 y yes true,$(DRY_RUN))
share: export KATA_ROOM_STOP := $(filter 1 y yes true,$(STOP))
share:
	@python3 harness/room/share.py

ifneq ($(wildcard harness/maintainer.mk),)
include harness/maintainer.mk
else
# The participants' handout: no solutions, so no gate to run.
test:
	@echo "kata: this is the participants' handout: it has no CI gate (no solutions to check); make status shows your progress"
endif
