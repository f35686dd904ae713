# port-acm as a GitHub Docker container action: one static musl binary
# and a CA bundle on an empty filesystem (about 1 MB).
#
# The builder runs scripts/static.sh, the same script as `make static`,
# on the same pinned sources (scripts/pins, checked by sha256). Release
# images are built by .github/workflows/release.yml; tests/package/
# builds and runs this file with podman in `make test`.

FROM debian:trixie-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates gcc make musl-tools linux-libc-dev bzip2 binutils \
      dpkg-dev patch xz-utils \
 && rm -rf /var/lib/apt/lists/*
# Dependencies first: this layer is rebuilt only when a pin, the
# dependency script or the Mbed TLS config changes.
COPY scripts/deps.sh scripts/pins scripts/mbedtls_config.h /src/scripts/
RUN /src/scripts/deps.sh /src/build/static-deps static \
 && rm -rf /src/build/src /src/build/work-static
COPY VERSION /src/
COPY scripts/static.sh /src/scripts/
COPY src/ /src/src/
RUN /src/scripts/static.sh /out/port-acm

FROM scratch
ARG VERSION=0.1.0
ARG SOURCE=https://github.com/port-acm/port-acm
LABEL org.opencontainers.image.title="port-acm" \
      org.opencontainers.image.description="Request, renew and delete AWS ACM certificates from Port self-service actions" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT AND curl AND (Apache-2.0 OR GPL-2.0-or-later)"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/port-acm /port-acm
ENTRYPOINT ["/port-acm"]
