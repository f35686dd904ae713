#!/bin/sh
# Build the action image from the repository's Dockerfile.
#
#   scripts/image.sh [TAG]             default TAG: port-acm:$(cat VERSION)
#   scripts/image.sh --containers-conf writes the podman configuration the
#                                      builds use and prints its path
#
# With a working docker (PORT_ACM_ENGINE unset or "docker") this is a plain
# `docker build`. Otherwise podman (installed by scripts/setup.sh image
# when missing) builds offline, as tests/package does:
# the debian:trixie-slim base is made with `debootstrap --variant=minbase
# trixie` once (cached as build/package/trixie-minbase.tar and imported
# under the name docker.io/library/debian:trixie-slim), nothing is
# pulled, and builds use chroot isolation. Needs root (or sudo).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(cat VERSION)
mode=build
if [ "${1:-}" = "--containers-conf" ]; then
	mode=conf
	shift
fi
tag=${1:-port-acm:$version}
engine=${PORT_ACM_ENGINE:-}
if [ -z "$engine" ]; then
	engine=podman
	if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
		engine=docker
	fi
fi
# No Docker engine: podman, buildah and debootstrap, installed when missing.
[ "$engine" = docker ] || "$root/scripts/setup.sh" image
base=docker.io/library/debian:trixie-slim
cache=${PORT_ACM_PACKAGE_CACHE:-$root/build/package}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if [ "$engine" = docker ] && [ "$mode" = build ]; then
	exec docker build --build-arg "VERSION=$version" -t "$tag" .
fi

# podman on these machines needs default_ulimits = [] under [containers]
# (the kernel refuses the default nofile limit). That goes into a copy of
# the system's containers.conf under build/package, passed to each podman
# command as CONTAINERS_CONF (which then replaces the system file for that
# command only): nothing under /etc is changed.
conf="$cache/containers.conf"
mkdir -p "$cache"
if [ -f /etc/containers/containers.conf ]; then cat /etc/containers/containers.conf; fi | awk '
	/^\[/ { if (s == "[containers]" && !done) { print "default_ulimits = []"; done = 1 }
		s = $0; print; next }
	s == "[containers]" && /^[ \t]*default_ulimits[ \t]*=/ { next }
	{ print }
	END { if (!done) { if (s != "[containers]") print "[containers]"; print "default_ulimits = []" } }' >"$conf.tmp"
mv "$conf.tmp" "$conf"
if [ "$mode" = conf ]; then
	echo "$conf"
	exit 0
fi
pm() { $sudo env CONTAINERS_CONF="$conf" podman "$@"; }

if ! pm image exists "$base"; then
	mkdir -p "$cache"
	tarball="$cache/trixie-minbase.tar"
	if [ ! -f "$tarball" ]; then
		# The Debian archive this machine already uses; no host named here.
		mirror=""
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			mirror=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
			[ -n "$mirror" ] && break
		done
		if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
			mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' /etc/apt/sources.list)
		fi
		[ -n "$mirror" ] || {
			echo "image.sh: no Debian archive in /etc/apt for debootstrap" >&2
			exit 1
		}
		rootfs="$cache/rootfs.tmp"
		$sudo rm -rf "$rootfs"
		echo "image.sh: debootstrap --variant=minbase trixie ($mirror)" >&2
		$sudo debootstrap --variant=minbase trixie "$rootfs" "$mirror" >&2
		$sudo tar -C "$rootfs" --numeric-owner -cf "$tarball.tmp" .
		$sudo rm -rf "$rootfs"
		mv "$tarball.tmp" "$tarball"
	fi
	pm import --change 'CMD ["bash"]' "$tarball" "$base" >/dev/null
fi

exec $sudo env CONTAINERS_CONF="$conf" podman build --isolation chroot \
	--pull=never --build-arg "VERSION=$version" -t "$tag" .
