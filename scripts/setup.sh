#!/bin/sh
# Installs the Debian packages a profile needs, once:
#   scripts/setup.sh demo    what `make demo` needs: a C compiler, the
#                            pinned libraries' build (dpkg-source unpacks
#                            and patches Debian's source packages), Python
#                            and the fakes' modules (botocore, jsonschema,
#                            regex)
#   scripts/setup.sh static  what `make static` needs: the libraries'
#                            build and musl
#   scripts/setup.sh image   what `make image` needs without a Docker
#                            engine: podman, buildah and debootstrap
#   scripts/setup.sh [test]  what `make test`, `make check` and `make bench`
#                            need: all of the above, plus the AWS CLI,
#                            sanitizers, static analysis, Node.js (the
#                            whole toolchain)
#   scripts/setup.sh --list [demo|test]  prints the packages, installs nothing
# Runs apt-get as root, or through sudo. Quiet when all is present. It
# changes no system configuration besides installing packages.
set -eu

build_pkgs="build-essential make bzip2 xz-utils dpkg-dev patch ca-certificates"
demo_pkgs="$build_pkgs openssl
python3 python3-botocore python3-jsonschema python3-regex"
static_pkgs="$build_pkgs musl-tools"
image_pkgs="podman buildah runc debootstrap uidmap fuse-overlayfs ca-certificates"
test_pkgs="$demo_pkgs $static_pkgs $image_pkgs file python3-yaml awscli
clang libclang-rt-14-dev llvm valgrind cppcheck clang-tidy
clang-format shellcheck python3-dnslib bind9-dnsutils
nodejs npm"

list=""
if [ "${1:-}" = "--list" ]; then
	list=1
	shift
fi
case "${1:-test}" in
demo) pkgs=$demo_pkgs ;;
static) pkgs=$static_pkgs ;;
image) pkgs=$image_pkgs ;;
test) pkgs=$test_pkgs ;;
*)
	echo "usage: scripts/setup.sh [--list] [demo|static|image|test]" >&2
	exit 2
	;;
esac
if [ -n "$list" ]; then
	for p in $pkgs; do echo "$p"; done
	exit 0
fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
# A machine may carry its own Node.js; use it rather than Debian's.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e nodejs -e npm | tr '\n' ' ')
fi
missing=$(echo "$missing" | tr ' ' '\n' | sort -u | xargs)
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing $missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
# shellcheck disable=SC2086 # word splitting is the point
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
