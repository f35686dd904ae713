#!/bin/sh
# Fetch, verify and build the pinned dependencies into a prefix.
#
#   scripts/deps.sh PREFIX [native|static]
#
# Sources are Debian trixie's .orig tarballs (upstream release tarballs),
# fetched with apt-get source from a deb-src entry derived from this
# machine's own apt configuration, so no host name is written down here.
# A pin may name another Debian suite in a fifth column when trixie's
# archive does not serve the package's tarball.
# Each tarball must match the sha256 pinned in scripts/pins; a mismatch
# stops the build. The same script builds the glibc test build and the
# static musl release build (the Dockerfile runs it too), so what we
# test is what we ship.
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
mkdir -p "$srcdir"
srcdir=$(cd "$srcdir" && pwd)

# pin lines: <package> <version> <tarball> <sha256> [suite]
fetch() {
	pkg=$1 ver=$2 tarball=$3 sum=$4 suite=${5:-trixie}
	if [ -f "$srcdir/$tarball" ] &&
		echo "$sum  $srcdir/$tarball" | sha256sum -c --status; then
		return 0
	fi
	aptdir="$srcdir/apt"
	[ "$suite" = trixie ] || aptdir="$srcdir/apt-$suite"
	mkdir -p "$aptdir/lists/partial" "$aptdir/etc" "$aptdir/cache/archives/partial"
	if [ ! -f "$aptdir/etc/$suite.sources" ]; then
		uri=""
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			uri=$(awk '/^URIs:/ { print $2; exit }' "$f")
			[ -n "$uri" ] && break
		done
		if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
			uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:/) { print $i; exit } }' /etc/apt/sources.list)
		fi
		if [ -z "$uri" ]; then
			echo "deps.sh: no Debian archive found in /etc/apt to fetch sources from" >&2
			exit 1
		fi
		printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$uri" "$suite" >"$aptdir/etc/$suite.sources"
	fi
	set -- -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$aptdir/etc" \
		-o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache=$aptdir/cache"
	if [ ! -f "$aptdir/updated" ]; then
		apt-get "$@" update >&2
		touch "$aptdir/updated"
	fi
	# Only the .orig tarball is needed: a mirror may lack the .dsc.
	(cd "$srcdir" && apt-get "$@" source --download-only --tar-only "$pkg/$suite" >&2) || true
	if [ ! -f "$srcdir/$tarball" ]; then
		echo "deps.sh: $tarball not offered by $suite's archive (wanted $pkg $ver)" >&2
		exit 1
	fi
	if ! echo "$sum  $srcdir/$tarball" | sha256sum -c --status; then
		echo "deps.sh: $tarball does not match its pinned sha256 $sum; refusing it" >&2
		rm -f "$srcdir/$tarball"
		exit 1
	fi
}

unpack() { # tarball -> directory it unpacks to
	rm -rf "${work:?}/$2"
	tar -xf "$srcdir/$1" -C "$work"
	[ -d "$work/$2" ] || { echo "deps.sh: $1 did not unpack to $2" >&2; exit 1; }
}

while read -r pkg ver tarball sum suite; do
	case "$pkg" in '#'* | '') continue ;; esac
	fetch "$pkg" "$ver" "$tarball" "$sum" "$suite"
	eval "ver_$pkg=\$ver tar_$pkg=\$tarball"
done <"$pins"

work="$prefix/../work-$mode"
rm -rf "$work"
mkdir -p "$work"
rm -rf "${prefix:?}/include" "${prefix:?}/lib"
mkdir -p "$prefix/include" "$prefix/lib"

opt="-Os -fPIC -ffunction-sections -fdata-sections"
# Mbed TLS's bignum arithmetic is most of a run's CPU (the TLS
# handshakes); it alone is built for speed.
mopt="-O2 -fPIC -ffunction-sections -fdata-sections"
if [ "$mode" = native ]; then
	opt="-O2 -g -fPIC"
	mopt=$opt
fi


# Mbed TLS: our own trimmed config, the same for tests and release.
# shellcheck disable=SC2154 # set by eval above
unpack "$tar_mbedtls" "mbedtls-$ver_mbedtls"
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
# shellcheck disable=SC2154
unpack "$tar_cjson" "cJSON-$ver_cjson"
(
	cd "$work/cJSON-$ver_cjson"
	# shellcheck disable=SC2086 # opt is a word list
	$cc $opt -std=c89 -c cJSON.c -o cJSON.o
	ar rcs "$prefix/lib/libcjson.a" cJSON.o
	mkdir -p "$prefix/include/cjson"
	cp cJSON.h "$prefix/include/cjson/"
)

# libexpat: the three library files only (no xmlwf, docs or tests),
# with a fixed config: the upstream tag tarball has no configure script.
# XML_DTD stays on for its billion-laughs accounting; xml.c refuses any
# DOCTYPE anyway.
# shellcheck disable=SC2154
unpack "$tar_expat" "libexpat-R_$(echo "$ver_expat" | tr . _)"
(
	cd "$work/libexpat-R_$(echo "$ver_expat" | tr . _)/expat/lib"
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
# shellcheck disable=SC2154
unpack "$tar_curl" "curl-$ver_curl"
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

echo "$want" >"$stamp"
