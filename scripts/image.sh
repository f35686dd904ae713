#!/bin/sh
# Build the action image from the repository's Dockerfile.
#
#   scripts/image.sh [TAG]             default TAG: port-acm:$(cat VERSION)
#
# With a working docker (PORT_ACM_ENGINE unset or "docker") this is a plain
# `docker build`. Otherwise podman builds offline, as tests/package does:
# the debian:trixie-slim base is made with `debootstrap --variant=minbase
# trixie` once (cached as build/package/trixie-minbase.tar and imported
# under the name docker.io/library/debian:trixie-slim), nothing is
# pulled, and builds use chroot isolation. Needs root (or sudo).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=$(cat VERSION)
tag=${1:-port-acm:$version}
engine=${PORT_ACM_ENGINE:-}
if [ -z "$engine" ]; then
	engine=podman
	if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
		engine=docker
	fi
fi
base=docker.io/library/debian:trixie-slim
cache=${PORT_ACM_PACKAGE_CACHE:-$root/build/package}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if [ "$engine" = docker ]; then
	exec docker build --build-arg "VERSION=$version" -t "$tag" .
fi

# podman on these machines needs default_ulimits = [] under [containers]
# (the kernel refuses the default nofile limit). Merge it in once.
conf=/etc/containers/containers.conf
if ! awk '/^\[/ { s = $0 } s == "[containers]" && /^[ \t]*default_ulimits[ \t]*=[ \t]*\[[ \t]*\][ \t]*$/ { f = 1 } END { exit !f }' \
	"$conf" 2>/dev/null; then
	tmp=$(mktemp)
	if [ -f "$conf" ]; then cat "$conf"; fi | awk '
		/^\[/ { if (s == "[containers]" && !done) { print "default_ulimits = []"; done = 1 }
			s = $0; print; next }
		s == "[containers]" && /^[ \t]*default_ulimits[ \t]*=/ { next }
		{ print }
		END { if (!done) { if (s != "[containers]") print "[containers]"; print "default_ulimits = []" } }' >"$tmp"
	$sudo mkdir -p /etc/containers
	$sudo cp "$tmp" "$conf"
	rm -f "$tmp"
	echo "image.sh: set default_ulimits = [] in $conf" >&2
fi

if ! $sudo podman image exists "$base"; then
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
	$sudo podman import --change 'CMD ["bash"]' "$tarball" "$base" >/dev/null
fi

exec $sudo podman build --isolation chroot --pull=never \
	--build-arg "VERSION=$version" -t "$tag" .
