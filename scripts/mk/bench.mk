# bench.mk: `make bench` (issue 6), included by the Makefile.
#
# Builds the static binary (packaging.mk's `static`) after the test
# set-up, then times port-acm against the AWS CLI on the local fakes and
# asserts the targets; writes build/bench.md. Then `port-acm sync` at
# scale (scripts/bench_sync.py: 10,000 certificates, 3 regions, every
# fake answering 20 ms after the request), and an `accounts:
# organization` run (100 accounts x 3 regions x 30 certificates, then
# 1,000 accounts); writes
# build/bench-sync.md. Not part of `make test`:
# it takes a few minutes. Pass options with BENCH_ARGS, e.g.
#   make bench BENCH_ARGS="--runs 40"
#   make bench BENCH_ARGS="--ops request --no-callgrind"

BENCH_ARGS ?=

.PHONY: bench

# setup first, then static: ordered by a sub-make so -j cannot swap them.
bench: setup
	@$(MAKE) --no-print-directory static
	@/usr/bin/python3 scripts/bench.py $(BENCH_ARGS)
	@/usr/bin/python3 scripts/bench_sync.py
	@/usr/bin/python3 scripts/readme_figures.py bench
