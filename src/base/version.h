/*
 * version: what `port-acm --version` says is inside the binary: port-acm's
 * own version and, one line each (in the spirit of `curl -V`), every
 * library with the version it reports at run time and the Debian source
 * package revision it was built from (scripts/pins, via deps.sh).
 */
#ifndef PORT_ACM_VERSION_H
#define PORT_ACM_VERSION_H

#include <stdio.h>

/*
 * Writes the version lines to f, each ending in '\n'. Returns 0, or -1
 * when writing failed.
 */
int version_print(FILE *f);

#endif
