# reliability.mk: issue 5's reliability targets; included from the
# Makefile (`include scripts/mk/reliability.mk`). All of these also run inside
# `make test`, through tests/run.py, as the suites under tests/fuzz,
# tests/sanitize and tests/static; these targets run one group alone.
#
#   make asan                ASan+UBSan build (build/asan) + unit tests +
#                            end-to-end suites under it
#   make valgrind            end-to-end suites under valgrind memcheck
#   make fuzz                build and run every libFuzzer target for
#                            FUZZ_SECONDS in total (default 300; make test
#                            gives the suite 50)
#   make static-analysis     cppcheck and clang-tidy on src/
#   make reliability-report  print the figures from build/reliability/ and
#                            write them into docs/performance.md

FUZZ_SECONDS ?= 300

.PHONY: asan valgrind fuzz static-analysis reliability-report

asan:
	@/usr/bin/python3 tests/run.py tests/sanitize/test_asan

valgrind:
	@/usr/bin/python3 tests/run.py tests/sanitize/test_valgrind

fuzz:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) /usr/bin/python3 tests/run.py tests/fuzz/

static-analysis:
	@/usr/bin/python3 tests/run.py tests/static/

reliability-report:
	@/usr/bin/python3 scripts/reliability-report.py
	@/usr/bin/python3 scripts/readme_figures.py reliability
