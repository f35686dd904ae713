/*
 * aws_json: one call of a JSON service (awsJson1_1 with its
 * X-Amz-Target, or restJson1 with a path) on the AWS request layer, for
 * every JSON service module (ACM, Organizations, Account Management,
 * Resource Groups Tagging API): the parameters printed, the request
 * built from the client's aws_service (target prefix, content type),
 * the answer parsed. One place, so the modules hold only what their
 * operations say.
 *
 * Return convention: 0 on success; -1 on failure with *err filled in.
 */
#ifndef PORT_ACM_AWS_JSON_H
#define PORT_ACM_AWS_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "aws/aws.h"

/* One call. op is the operation ("ListCertificates": the target is
 * "<target_prefix>.<op>") or, for a restJson1 service (no
 * target_prefix), the path ("/listRegions"). params is borrowed; NULL =
 * "{}". idempotent as aws_request's. On success *out is the answer
 * (caller frees with cJSON_Delete; {} for an empty one); NULL on
 * failure. */
int aws_json_call(struct aws_client *c, const char *op, const cJSON *params,
    int idempotent, cJSON **out, struct aws_error *err);

/* One call of aws_json_call_many: client, op and params borrowed (as
 * aws_json_call's); out (the caller's to free), err and rc what
 * aws_json_call gives. */
struct aws_json_item {
	struct aws_client *client;
	const char *op;
	const cJSON *params;
	int idempotent;
	cJSON *out;
	struct aws_error err;
	int rc;
};

/* n calls as aws_json_call each, their first attempts in flight
 * together (aws_call_many, at most max at once), each client signing
 * with its own credentials. */
void aws_json_call_many(struct aws_json_item *it, size_t n, size_t max);

#endif
