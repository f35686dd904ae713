#!/bin/sh
# Build the release binary: one fully static, stripped musl executable.
#
#   scripts/static.sh [OUT]        default OUT: build/static/port-acm
#
# `make static` and the Dockerfile's builder stage both run this script,
# so the image ships exactly what `make static` builds here. The three
# libraries come from scripts/deps.sh (same pinned sources and the same
# Mbed TLS config as the test build) into $PORT_ACM_STATIC_DEPS
# (default build/static-deps). Needs musl-gcc (Debian musl-tools), make,
# bzip2 and apt-get source access the first time.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/static/port-acm}
deps=${PORT_ACM_STATIC_DEPS:-$root/build/static-deps}
cc=${CC:-musl-gcc}
export CC="$cc"

"$root/scripts/deps.sh" "$deps" static
deps=$(cd "$deps" && pwd)

[ -f "$root/src/main.c" ] || {
	echo "static.sh: $root/src/main.c not found" >&2
	exit 1
}
version=$(cat "$root/VERSION" 2>/dev/null || echo 0.0.0)

mkdir -p "$(dirname "$out")"
obj=$(dirname "$out")/obj
rm -rf "$obj"
mkdir -p "$obj"

# The warning set of the Makefile's test build, so code that is clean
# there is clean here. _FORTIFY_SOURCE is a glibc feature (musl ignores
# it); the stack protector works with musl. No PIE: a static-pie binary
# is larger and `file` would no longer call it statically linked.
cflags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
	-Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes
	-Wmissing-prototypes -Wno-unused-parameter -Wno-format-truncation
	-Os -ffunction-sections -fdata-sections -fstack-protector-strong
	-fno-asynchronous-unwind-tables -fno-unwind-tables
	-I$deps/include -I$root/src -DCURL_STATICLIB"

objs=""
for src in "$root"/src/*.c "$root"/src/*/*.c; do
	o="$obj/$(basename "$src" .c).o"
	# shellcheck disable=SC2086 # cflags is a word list
	$cc $cflags "-DPORT_ACM_VERSION=\"$version\"" -c "$src" -o "$o"
	objs="$objs $o"
done

# shellcheck disable=SC2086
$cc -static -Wl,--gc-sections -Wl,-z,relro,-z,now -Wl,-z,noexecstack -s \
	-o "$out.tmp" $objs -L"$deps/lib" \
	-lcurl -lmbedtls -lmbedx509 -lmbedcrypto -lcjson -lexpat -lcares -lpthread -lm
mv "$out.tmp" "$out"

# A dynamic section means something was linked dynamically.
if command -v readelf >/dev/null 2>&1 && readelf -d "$out" 2>/dev/null |
	grep -q NEEDED; then
	echo "static.sh: $out is not fully static" >&2
	exit 1
fi
echo "static.sh: built $out ($(wc -c <"$out") bytes)" >&2
