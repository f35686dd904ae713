/*
 * envvars: the settings port-acm reads from the plain environment only,
 * never as an input or a flag: the runner's GITHUB_*, the AWS SDKs'
 * AWS_* (endpoints, FIPS and dual-stack, keys, CA bundle, attempts),
 * SSL_CERT_FILE and port-acm's own timeouts. inputs_load (inputs.h)
 * calls each at its place in the order refusals are checked.
 *
 * Return convention: config.h's (CONFIG_OK, or CONFIG_ERROR with msg).
 */
#ifndef PORT_ACM_ENVVARS_H
#define PORT_ACM_ENVVARS_H

#include "base/buf.h"
#include "input/config.h"

typedef const char *(*envvars_getenv_fn)(const char *name);

/* GITHUB_ACTIONS, and the run's URL from GITHUB_SERVER_URL,
 * GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT. Never fails. */
void envvars_github(struct config *c, envvars_getenv_fn getenv_fn);

/* SSL_CERT_FILE. */
int envvars_tls(struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg);

/* PORT_ACM_CONNECT_TIMEOUT_SECONDS, PORT_ACM_REQUEST_TIMEOUT_SECONDS,
 * PORT_ACM_POLL_INTERVAL_MS, then PORT_ACM_DNS_SERVER. */
int envvars_timeouts(
    struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg);

/* After the region: AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT,
 * the ACM endpoint (AWS_ENDPOINT_URL_ACM, AWS_ENDPOINT_URL, else
 * endpoint_fn when not NULL), AWS_ACCESS_KEY_ID and the rest of the
 * keys. */
int envvars_aws(struct config *c, envvars_getenv_fn getenv_fn,
    config_endpoint_fn endpoint_fn, struct buf *msg);

/* After the role inputs: AWS_CA_BUNDLE, AWS_MAX_ATTEMPTS. */
int envvars_aws_tail(
    struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg);

/* When a Route 53 client is needed: AWS_ENDPOINT_URL_ROUTE_53, else
 * AWS_ENDPOINT_URL. */
int envvars_route53(
    struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg);

/* With accounts: organization: AWS_ENDPOINT_URL_ORGANIZATIONS, else
 * AWS_ENDPOINT_URL. */
/* AWS_ENDPOINT_URL_ACCOUNT for regions: all (the Account Management
 * API's ListRegions); as envvars_organizations. */
int envvars_account(
    struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg);
int envvars_organizations(
    struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg);

/* sync: AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API, else
 * AWS_ENDPOINT_URL; tagging_endpoint stays "" for the regional one. */
int envvars_tagging(
    struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg);

/* Last: the whole run's limit from what was asked, or
 * PORT_ACM_DEADLINE_SECONDS. */
int envvars_deadline(
    struct config *c, envvars_getenv_fn getenv_fn, struct buf *msg);

#endif
