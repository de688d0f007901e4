# The front door. `make` runs the workshop; `make test` is the CI gate.
#   make                 configure, build what compiles, run the katas, show the table
#   make kata N=03       rebuild and run one kata, with its full output
#   make status          the table again
#   make test            every solution, selfcheck and harness test (GCC, then Clang)
#   PRESET=clang make    use the Clang build tree for the workshop

KATA := sh harness/tools/kata

.PHONY: all workshop status kata test clean
all: workshop

workshop:
	@$(KATA) workshop

status:
	@$(KATA) status

kata:
	@$(KATA) run $(N)

test:
	@$(KATA) gate

clean:
	rm -rf build
