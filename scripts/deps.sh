#!/bin/sh
# shellcheck disable=SC2154 # ver_<pkg> and deb_<pkg> are set by eval from the pins
# Fetch, verify, patch and build the pinned dependencies into a prefix.
#
#   scripts/deps.sh PREFIX [native|static]
#
# Sources are Debian source packages (scripts/pins): each file (.dsc,
# .orig tarball and its .asc, .debian.tar.xz) is fetched from the pool of
# the Debian archive this machine's apt already uses, so no host name is
# written down here, and refused unless it matches its pinned sha256.
# `dpkg-source -x` then checks the .dsc's own checksums and applies
# Debian's patch series. The patched trees stay in build/src/ (audit
# them there); each build compiles a copy, so those trees stay exactly
# what Debian ships. The same script builds the glibc test build and the
# static musl release build (the Dockerfile runs it too), so what we test
# is what we ship. Needs dpkg-source (Debian's dpkg-dev).
set -eu

prefix=${1:?usage: deps.sh PREFIX [native|static]}
mode=${2:-native}
here=$(cd "$(dirname "$0")" && pwd)
pins="$here/pins"
jobs=$(nproc 2>/dev/null || echo 2)

case "$mode" in
native) cc=${CC:-cc} ;;
static) cc=${CC:-musl-gcc} ;;
*) echo "deps.sh: unknown mode '$mode' (native|static)" >&2; exit 2 ;;
esac
command -v dpkg-source >/dev/null 2>&1 || {
	echo "deps.sh: dpkg-source not found: install Debian's dpkg-dev (scripts/setup.sh does)" >&2
	exit 1
}

mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
stamp="$prefix/.stamp"
# Rebuild only when a pin, this script, the Mbed TLS config or the
# compiler changes.
want=$(cat "$pins" "$0" "$here/mbedtls_config.h" 2>/dev/null | sha256sum | cut -c1-16)-$mode-$cc
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi

srcdir=${PORT_ACM_DEPS_CACHE:-$prefix/../src}
mkdir -p "$srcdir/files"
srcdir=$(cd "$srcdir" && pwd)
files="$srcdir/files"

# The Debian archive of this machine's apt configuration (deb822 or
# one-line format), without its suite: the pool holds every suite's files.
archive() {
	uri=""
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
		[ -n "$uri" ] && break
	done
	if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' /etc/apt/sources.list)
	fi
	if [ -z "$uri" ]; then
		echo "deps.sh: no Debian archive found in /etc/apt to fetch sources from" >&2
		exit 1
	fi
	echo "${uri%/}"
}

# fetch PACKAGE FILE SHA256: into $files, verified.
fetch() {
	pkg=$1 file=$2 sum=$3
	if [ -f "$files/$file" ] &&
		echo "$sum  $files/$file" | sha256sum -c --status; then
		return 0
	fi
	[ -n "${mirror:-}" ] || mirror=$(archive)
	case "$pkg" in lib?*) pool=$(echo "$pkg" | cut -c1-4) ;; *) pool=$(echo "$pkg" | cut -c1) ;; esac
	# Epoch-free Debian versions only: '~' and '+' are escaped as the
	# archive's URLs spell them.
	url="$mirror/pool/main/$pool/$pkg/$(echo "$file" | sed 's/+/%2b/g; s/~/%7e/g')"
	rm -f "$files/$file.part"
	if ! /usr/lib/apt/apt-helper download-file "$url" "$files/$file.part" \
		"SHA256:$sum" >&2; then
		rm -f "$files/$file.part"
		echo "deps.sh: could not fetch $file from the Debian archive, or it does not match its pinned sha256 $sum; refusing it" >&2
		exit 1
	fi
	if ! echo "$sum  $files/$file.part" | sha256sum -c --status; then
		rm -f "$files/$file.part"
		echo "deps.sh: $file does not match its pinned sha256 $sum; refusing it" >&2
		exit 1
	fi
	mv "$files/$file.part" "$files/$file"
}

# extract PACKAGE UPSTREAM DEBVER: the patched tree in
# $srcdir/PACKAGE-DEBVER/PACKAGE-UPSTREAM, made once; a partial tree is
# never left under that name.
extract() {
	pkg=$1 up=$2 deb=$3
	tree="$srcdir/$pkg-$deb"
	[ -f "$tree/.complete" ] && return 0
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	(cd "$tree.tmp" && dpkg-source --no-copy -x "$files/${pkg}_$deb.dsc" "$pkg-$up" >&2) || {
		echo "deps.sh: dpkg-source could not unpack $pkg $deb (checksums or a patch of its series)" >&2
		exit 1
	}
	touch "$tree.tmp/.complete"
	mv "$tree.tmp" "$tree"
}

seen=""
while read -r pkg up deb _suite file sum; do
	case "$pkg" in '#'* | '') continue ;; esac
	[ -n "$sum" ] || { echo "deps.sh: malformed pin line for $pkg" >&2; exit 1; }
	fetch "$pkg" "$file" "$sum"
	# c-ares: a shell variable name cannot hold '-'.
	var=$(echo "$pkg" | tr - _)
	eval "ver_$var=\$up deb_$var=\$deb"
	case " $seen " in *" $pkg "*) ;; *) seen="$seen $pkg" ;; esac
done <"$pins"
for pkg in $seen; do
	var=$(echo "$pkg" | tr - _)
	eval "extract $pkg \"\$ver_$var\" \"\$deb_$var\""
done

work="$prefix/../work-$mode"
rm -rf "$work"
mkdir -p "$work"
rm -rf "${prefix:?}/include" "${prefix:?}/lib"
mkdir -p "$prefix/include" "$prefix/lib"

# unpack PACKAGE: a copy of the patched tree to build in.
unpack() {
	var=$(echo "$1" | tr - _)
	eval "up=\$ver_$var deb=\$deb_$var"
	cp -a "$srcdir/$1-$deb/$1-$up" "$work/"
}

opt="-Os -fPIC -ffunction-sections -fdata-sections"
# Mbed TLS too, although its bignum arithmetic is most of a run's CPU
# (the TLS handshakes, a few per run): at -O2 it is 43 KB larger, which
# the release binary's 1,000,000-byte budget no longer has room for.
mopt=$opt
if [ "$mode" = native ]; then
	opt="-O2 -g -fPIC"
	mopt=$opt
fi


# Mbed TLS: our own trimmed config, the same for tests and release.
unpack mbedtls
(
	cd "$work/mbedtls-$ver_mbedtls"
	if [ -f "$here/mbedtls_config.h" ]; then
		# Replace the default config in the tree (no -D quoting through
		# make), so the library and everyone including its installed
		# headers see the same config.
		cp "$here/mbedtls_config.h" include/mbedtls/mbedtls_config.h
	fi
	make -j"$jobs" -C library CC="$cc" AR=ar CFLAGS="$mopt" \
		libmbedcrypto.a libmbedx509.a libmbedtls.a >&2
	cp library/libmbedcrypto.a library/libmbedx509.a library/libmbedtls.a "$prefix/lib/"
	cp -r include/mbedtls include/psa "$prefix/include/"
	# mbedtls/ecdh.h includes these when the Everest X25519 is on.
	cp -r 3rdparty/everest/include/everest "$prefix/include/"

)

# cJSON: one file.
unpack cjson
(
	cd "$work/cjson-$ver_cjson"
	# shellcheck disable=SC2086 # opt is a word list
	$cc $opt -std=c89 -c cJSON.c -o cJSON.o
	ar rcs "$prefix/lib/libcjson.a" cJSON.o
	mkdir -p "$prefix/include/cjson"
	cp cJSON.h "$prefix/include/cjson/"
)

# libexpat: the three library files only (no xmlwf, docs or tests),
# with a fixed config: Debian's .orig (the upstream tag) has no
# configure script.
# XML_DTD stays on for its billion-laughs accounting; xml.c refuses any
# DOCTYPE anyway.
unpack expat
(
	cd "$work/expat-$ver_expat/expat/lib"
	cat >expat_config.h <<-'EOF'
	#define BYTEORDER 1234
	#define HAVE_GETRANDOM 1
	#define HAVE_STDINT_H 1
	#define HAVE_STDLIB_H 1
	#define HAVE_STRING_H 1
	#define HAVE_UNISTD_H 1
	#define HAVE_FCNTL_H 1
	#define XML_CONTEXT_BYTES 1024
	#define XML_DTD 1
	EOF
	for f in xmlparse xmlrole xmltok; do
		# shellcheck disable=SC2086
		$cc $opt -std=c99 -D_GNU_SOURCE -I. -c $f.c -o $f.o
	done
	ar rcs "$prefix/lib/libexpat.a" xmlparse.o xmlrole.o xmltok.o
	cp expat.h expat_external.h "$prefix/include/"
)

# curl: HTTP and HTTPS over Mbed TLS, nothing else.
unpack curl
(
	cd "$work/curl-$ver_curl"
	extra=""
	[ "$mode" = static ] && extra="--disable-verbose"
	# shellcheck disable=SC2086
	./configure CC="$cc" CFLAGS="$opt" CPPFLAGS="-I$prefix/include" \
		LDFLAGS="-L$prefix/lib" LIBS="-lmbedtls -lmbedx509 -lmbedcrypto" \
		--prefix="$prefix" --disable-shared --enable-static \
		--with-mbedtls="$prefix" --without-ca-path \
		--with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --without-ca-fallback \
		--disable-docs --disable-manual --disable-ldap --disable-ldaps \
		--disable-ftp --disable-file --disable-dict --disable-gopher \
		--disable-imap --disable-pop3 --disable-smtp --disable-rtsp \
		--disable-telnet --disable-tftp --disable-mqtt --disable-smb \
		--disable-ipfs --disable-websockets --disable-doh --disable-cookies \
		--disable-alt-svc --disable-hsts --disable-ntlm --disable-kerberos-auth \
		--disable-negotiate-auth --disable-aws --disable-netrc --disable-mime \
		--disable-form-api --disable-bindlocal --disable-unix-sockets \
		--disable-libcurl-option --disable-sspi --disable-tls-srp \
		--disable-manual --disable-ares --enable-threaded-resolver \
		--without-zlib --without-brotli --without-zstd --without-libpsl \
		--without-libidn2 --without-nghttp2 --without-nghttp3 \
		--without-ngtcp2 --without-librtmp --without-libssh2 --without-libssh \
		--without-gssapi --without-libgsasl $extra >&2
	make -j"$jobs" -C lib >&2
	make -C lib install >&2
	make -C include install >&2
)

# c-ares: the DNS resolver of the validation doctor (base/dns.c). The
# library only (no adig/ahost, no tests); the linker's --gc-sections
# keeps just the query and parser code base/dns.c calls. Built out of
# tree: configure rewrites include/ares_build.h, and the copy we
# compile must stay byte for byte Debian's (tests/package/test_deps.py).
unpack c-ares
(
	mkdir -p "$work/c-ares-build"
	cd "$work/c-ares-build"
	# shellcheck disable=SC2086
	"$work/c-ares-$ver_c_ares/configure" CC="$cc" CFLAGS="$opt" \
		--prefix="$prefix" --disable-shared --enable-static \
		--disable-tests --disable-debug --disable-warnings \
		--enable-symbol-hiding --disable-dependency-tracking >&2
	make -j"$jobs" -C src/lib >&2
	make -C src/lib install-libLTLIBRARIES >&2
	make -C include install >&2
)

# What was built, for `port-acm --version`: the Debian revision of each
# library (the libraries report their upstream versions themselves).
{
	echo "/* Generated by scripts/deps.sh from scripts/pins. */"
	echo "#define PORT_ACM_DEB_CURL \"$deb_curl\""
	echo "#define PORT_ACM_DEB_MBEDTLS \"$deb_mbedtls\""
	echo "#define PORT_ACM_DEB_CJSON \"$deb_cjson\""
	echo "#define PORT_ACM_DEB_EXPAT \"$deb_expat\""
	echo "#define PORT_ACM_DEB_CARES \"$deb_c_ares\""
} >"$prefix/include/port_acm_deps.h"

echo "$want" >"$stamp"
