#!/bin/sh
# Every C file is formatted with the committed .clang-format (TAP).
cd "$(dirname "$0")/../.." || exit 1
n=0
fail=0
for f in src/*.c src/*/*.c src/*/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c \
	tests/fuzz/*.h tests/sigv4/*.c tests/inputs/*.c; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "ok $n - clang-format: $f"
	else
		echo "not ok $n - clang-format: $f (run make format)"
		fail=1
	fi
done
echo "1..$n"
exit $fail
