# The maintainer's targets, included by the Makefile when this file is there;
# the participants' handout leaves it out, so these are not offered there.
#   make test            the CI gate: every solution, selfcheck and harness test (GCC, Clang, Clang with libc++)
#   make bench-allocators  the pool against new/delete under glibc, mimalloc, jemalloc, tcmalloc
#   make detectors       which tool catches which bug: docs/detectors.md (29 minutes)
#   make handout         build/pool-katas-handout.tar.gz: the suite without solutions (SEASON=2: season two alone)
#   make room            the facilitator's live room view: prints its URL, key and join code
#                        (ROOM_PORT=8765, LISTEN=0.0.0.0 for the local network, STUCK_MINUTES=15,
#                        MAX_PARTICIPANTS=300; REMOVE=#12 or CLEAR=1 on the room, then stop)
#   make room-test       the room view's tests: API, attacks, headless chromium, load, SIGKILL (3 minutes)

MAINTAIN := sh harness/tools/maintain

.PHONY: test detectors handout bench-allocators room room-test

test:
	@$(MAINTAIN) gate

detectors:
	@$(MAINTAIN) detectors

handout:
	@SEASON=$(SEASON) sh harness/tools/handout.sh build/pool-katas-handout$(if $(SEASON),-season$(SEASON)).tar.gz

bench-allocators:
	@sh harness/bench/compare_allocators.sh

# The room view's server side; the handout carries the participant's side
# (make share) only.
room: export KATA_ROOM_REMOVE := $(value REMOVE)
room: export KATA_ROOM_CLEAR := $(filter 1 y yes true,$(CLEAR))
room:
	@python3 harness/room/server.py --port=$(or $(ROOM_PORT),8765) --listen=$(or $(LISTEN),127.0.0.1) --stuck-minutes=$(or $(STUCK_MINUTES),15) --max-participants=$(or $(MAX_PARTICIPANTS),300)

room-test:
	@cd harness/room && python3 -B -m unittest test_room test_roles test_inputs test_faults test_share
