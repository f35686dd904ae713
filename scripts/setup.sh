#!/bin/sh
# Installs what `make test` needs on a Debian bookworm machine, once.
# Runs apt-get as root, or through sudo. Quiet when all is present.
set -eu

pkgs="build-essential make bzip2 xz-utils ca-certificates openssl file
python3 python3-botocore python3-yaml awscli
musl-tools clang libclang-rt-14-dev llvm valgrind cppcheck clang-tidy
clang-format shellcheck
podman buildah runc debootstrap uidmap fuse-overlayfs
nodejs npm"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
# A machine may carry its own Node.js; use it rather than Debian's.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi
missing=$(echo "$missing" | xargs)
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing $missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
# shellcheck disable=SC2086 # word splitting is the point
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
