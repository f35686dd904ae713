/*
 * port: the Port (port.io) REST client: one access token per run, action
 * run logs and updates, and catalog entity writes. Follows Port's
 * published API reference (tests/data/port-openapi); retries use the policy in
 * retry.h, and a 401 fetches a new token once (Port may hand back a reused
 * token that is about to expire).
 *
 * Return convention: 0 on success, -1 on failure with *err filled in;
 * a few calls return 1 for a documented benign outcome.
 */
#ifndef PORT_ACM_PORT_H
#define PORT_ACM_PORT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "base/http.h"

struct port_config {
	const char *base_url;      /* no trailing slash; borrowed */
	const char *client_id;     /* borrowed */
	const char *client_secret; /* borrowed */
	const char *ca_file;       /* NULL = built-in bundle; borrowed */
	unsigned max_attempts;     /* 0 = default */
};

struct port_error {
	long http_status;           /* 0 when there was no response */
	char code[64];              /* Port's "error" field, e.g. "not_found" */
	char message[1024];         /* what failed, for a person */
	char trace_id[128];         /* X-Trace-Id, for Port support */
	unsigned attempts;          /* requests the call made */
	int local;                  /* a local mistake (the CA bundle), not an
	                             * outage: exit 2 */
	enum http_result transport; /* HTTP_OK, or why no answer came */
};

struct port_run_update {
	const char *status;       /* "SUCCESS", "FAILURE" or NULL */
	const char *status_label; /* NULL to leave alone */
	const char *summary;      /* NULL to leave alone */
	const char *const *links; /* NULL to leave alone */
	size_t nlinks;
	const char *external_run_id; /* NULL to leave alone */
};

struct port;

/* http is borrowed and must outlive the client. Caller frees with
 * port_free, which also wipes the token. NULL on out of memory. */
struct port *port_new(struct http *http, const struct port_config *cfg);
void port_free(struct port *p);

/* POST /v1/auth/access_token. */
int port_authenticate(struct port *p, struct port_error *err);
/* Pure. Whether a failed call was our side's mistake (credentials
 * refused, TLS verification, an unusable CA file) rather than Port
 * failing or out of reach: exit 2 against 3 (docs/reference.md, exit codes). */
int port_error_is_local(const struct port_error *err);
/* The current access token (borrowed; "" before authentication), so the
 * caller can mask it. Changes only on re-authentication. */
const char *port_token(const struct port *p);
/* Called with every new token, so it is masked before any use. */
void port_on_token(struct port *p, void (*fn)(void *, const char *), void *arg);

/* POST /v1/actions/runs/{run}/logs with {"message"} only: never a
 * terminationStatus (the run ends with port_patch_run) nor a statusLabel
 * (report_label PATCHes it). */
int port_log(struct port *p, const char *run_id, const char *message,
    struct port_error *err);
/* PATCH /v1/actions/runs/{run}. Returns 1 when Port answered 422
 * because the run had already ended with a different status (a GET
 * confirms it); 0 also when a retried PATCH finds its status applied. */
int port_patch_run(struct port *p, const char *run_id,
    const struct port_run_update *u, struct port_error *err);
#define PORT_RUN_MAX_LINKS 4

/* What GET /v1/actions/runs/{run} says about a run (get-an-action-runs-
 * details.json). Strings are "" when Port sent none. */
struct port_run {
	char status[32]; /* "IN_PROGRESS", "SUCCESS", "FAILURE", ... */
	char external_run_id[256]; /* set by the backend, e.g. GitHub Ocean's
	                            * "gh_<owner>_<repo>_<run>" */
	char links[PORT_RUN_MAX_LINKS][1024]; /* `link`, string or array */
	size_t nlinks;
	int links_complete; /* 0: some link did not fit above, so a PATCH of
	                     * `link` would drop it (`link` replaces) */
};

/* GET /v1/actions/runs/{run}. 0 with *run filled; -1 with err filled
 * (err->http_status 404: Port has no such run). */
int port_get_run(struct port *p, const char *run_id, struct port_run *run,
    struct port_error *err);
/* POST /v1/blueprints/{bp}/entities?upsert=true&merge=true&run_id=...
 * entity is borrowed. */
int port_upsert_entity(struct port *p, const char *blueprint,
    const cJSON *entity, const char *run_id, struct port_error *err);
/* DELETE /v1/blueprints/{bp}/entities/{id}; 1 when it was already gone. */
int port_delete_entity(struct port *p, const char *blueprint,
    const char *identifier, const char *run_id, struct port_error *err);

/* POST /v1/blueprints/{bp}/entities/search with body (borrowed): one
 * page; *out is the answer {ok, entities, next?} (caller frees). */
int port_search(struct port *p, const char *blueprint, const cJSON *body,
    cJSON **out, struct port_error *err);
/* GET /v1/teams?fields=name: every team of the organisation; *out is
 * the answer {ok, teams: [{name}]} (caller frees). */
int port_get_teams(struct port *p, cJSON **out, struct port_error *err);
/* Pure. Percent-encodes s as one URL path segment or query value
 * (everything but A-Z a-z 0-9 - _ . ~). */
int port_encode(const char *s, struct buf *out);
/* Pure. Fills err from an error response body {ok, error, message}. */
void port_error_parse(long status, const char *body, size_t len,
    const char *trace_id, struct port_error *err);

#endif
