# port-acm — see README.md. `make` builds build/port-acm; `make test`
# installs what it needs (scripts/setup.sh), builds and runs every test;
# `make check` runs the fast subset. Every target a user types installs
# what it needs first (demo, test, check, static, image, bench).

VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
BUILD     := build
DEPS      := $(BUILD)/deps
CC        ?= cc
CFLAGS_WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter \
	-Wno-format-truncation
CFLAGS_HARDEN := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE
CFLAGS    ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	$(CFLAGS_WARN) $(CFLAGS) $(CFLAGS_HARDEN) -I$(DEPS)/include -Isrc \
	-DPORT_ACM_VERSION='"$(VERSION)"' -DCURL_STATICLIB
LDFLAGS_HARDEN := -pie -Wl,-z,relro,-z,now
LIBS      := -L$(DEPS)/lib -lcurl -lmbedtls -lmbedx509 -lmbedcrypto -lcjson -lexpat -lcares -lpthread -lm

# src/<layer>/*.c (src/layers.txt) and src/main.c on top.
SRCS      := $(wildcard src/*.c src/*/*.c)
OBJS      := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRCS))
LIBOBJS   := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
DEPS_STAMP := $(DEPS)/.stamp

.PHONY: all deps setup test check unit demo clean format layers modules

all: $(BUILD)/port-acm

setup:
	@scripts/setup.sh

$(DEPS_STAMP): scripts/pins scripts/deps.sh $(wildcard scripts/mbedtls_config.h)
	scripts/deps.sh $(DEPS) native

deps: $(DEPS_STAMP)

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h src/*/*.h) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libportacm.a: $(LIBOBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/port-acm: $(BUILD)/obj/main.o $(BUILD)/libportacm.a
	$(CC) $(CFLAGS) $(LDFLAGS_HARDEN) -o $@ $^ $(LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libportacm.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS_HARDEN) -o $@ $< \
		$(BUILD)/libportacm.a $(LIBS)

unit: $(UNIT_BINS)

test: setup
	@$(MAKE) --no-print-directory all unit
	@/usr/bin/python3 tests/run.py

# The edit-test loop (under 5 minutes): unit, end-to-end, the fakes' own
# tests of Port and DNS, endpoints, SigV4, lint, format and the repository
# checks. No sanitizers, fuzzing, static analysis, image or the AWS CLI
# runs against the fakes (3 minutes of Python start-ups): `make test`
# runs those.
CHECK_SUITES := build/tests/unit/ tests/e2e/ tests/fakes/test_fake_port.py \
	tests/fakes/test_fake_dns.py tests/endpoints/ \
	tests/sigv4/ tests/package/test_lint.sh tests/package/test_docs.py \
	tests/package/test_port_examples.py tests/package/test_selfcontained.py \
	tests/package/test_deps.py tests/static/test_format.sh

check: setup
	@$(MAKE) --no-print-directory all unit
	@/usr/bin/python3 tests/run.py $(CHECK_SUITES)

# The demo needs far less than the tests: its own package profile.
demo:
	@scripts/setup.sh demo
	@$(MAKE) --no-print-directory all
	@/usr/bin/python3 scripts/demo.py

# The layer check of src/layers.txt (also in make test: tests/layers/),
# and the module map it writes (docs/modules.md).
layers: all
	@/usr/bin/python3 scripts/layers.py --objs $(BUILD)/obj --docs docs/modules.md

modules:
	@/usr/bin/python3 scripts/layers.py --write-docs

format:
	clang-format -i src/*.c src/*/*.c src/*/*.h tests/unit/*.c tests/unit/*.h \
		tests/fuzz/*.c tests/fuzz/*.h tests/sigv4/*.c tests/inputs/*.c

clean:
	rm -rf $(BUILD)/obj $(BUILD)/tests $(BUILD)/port-acm $(BUILD)/libportacm.a

# Packaging (issue 3), reliability tooling (issue 5), benchmarks (issue 6).
include scripts/mk/packaging.mk
include scripts/mk/reliability.mk
include scripts/mk/bench.mk
