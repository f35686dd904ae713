# packaging.mk: issue 3's targets; included from the Makefile
# (`include scripts/mk/packaging.mk`).
#
#   make static   build/static/port-acm: fully static musl binary, stripped
#                 (scripts/static.sh, the script the Dockerfile runs)
#   make image    the Docker image, tagged port-acm:$(VERSION): docker if
#                 present, else podman offline on a debootstrapped base
#                 (scripts/image.sh)
#   make lint     actionlint, action-validator, shellcheck (scripts/lint.sh)
#
# `make test` runs all of it through tests/package/.

STATIC_BIN  := $(BUILD)/static/port-acm
STATIC_DEPS := $(BUILD)/static-deps

.PHONY: static image lint

static: $(STATIC_BIN)

$(STATIC_BIN): $(wildcard src/*.c src/*/*.c src/*/*.h) VERSION scripts/static.sh \
		scripts/deps.sh scripts/pins $(wildcard scripts/mbedtls_config.h)
	@scripts/setup.sh static
	PORT_ACM_STATIC_DEPS=$(STATIC_DEPS) scripts/static.sh $@

image:
	scripts/image.sh port-acm:$(VERSION)

lint:
	@scripts/lint.sh
