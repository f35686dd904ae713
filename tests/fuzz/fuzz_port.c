/*
 * fuzz_port: the Port client's response handling — token, run status,
 * run updates, logs, entity writes — on scripted hostile answers (see
 * fake_http.h for the script format), plus port_error_parse on the raw
 * input.
 *
 * Checks beyond "no crash": no request carries raw control characters
 * in its URL or CR/LF in a header (a token with a newline must never
 * become a header), the client secret never leaves in a URL or header,
 * error messages are NUL-terminated and never contain the secret, and
 * the client holds no memory after port_free (LeakSanitizer).
 *
 * Requires: src/port/port.c src/base/retry.c src/base/buf.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fake_http.h"
#include "fuzz_util.h"
#include "port/port.h"

#define SECRET "ZZfuzz-port-client-secret-7Hq2"

static int echoed; /* the input itself holds the secret */

static void
check_err(const struct port_error *e)
{
	if (memchr(e->message, '\0', sizeof(e->message)) == NULL ||
	    memchr(e->code, '\0', sizeof(e->code)) == NULL ||
	    memchr(e->trace_id, '\0', sizeof(e->trace_id)) == NULL ||
	    (!echoed && strstr(e->message, SECRET) != NULL))
		abort();
}

static void
on_token(void *arg, const char *token)
{
	if (token == NULL || *token == '\0' || strpbrk(token, "\r\n"))
		abort();
	++*(int *)arg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const links[] = {"https://console.aws.amazon.com/"};
	struct port_config cfg = {.base_url = "http://127.0.0.1:1",
	    .client_id = "fuzz-client-id",
	    .client_secret = SECRET,
	    .max_attempts = 3};
	struct port_run_update u = {"SUCCESS", "Issued", "done", links, 1,
	    "arn:aws:acm:eu-west-1:123456789012:certificate/x"};
	struct port_error e;
	struct http *h;
	struct port *p;
	struct buf enc = {0};
	cJSON *entity;
	char *script;
	struct port_run run;
	int tokens = 0;

	if ((script = fuzz_text(data, size, 0, 64 * 1024)) == NULL)
		return 0;
	echoed = contains(data, size, SECRET);

	/* The raw bytes as an error body, exact length, no terminator. */
	port_error_parse(400, (const char *)data, size, script, &e);
	check_err(&e);
	if (port_encode(script, &enc) != 0 ||
	    strspn(buf_str(&enc), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	                          "qrstuvwxyz0123456789-_.~%") != enc.len)
		abort();
	buf_free(&enc);

	fake_secrets[0] = SECRET;
	fake_start(script);
	h = http_new(&(struct http_options){0});
	p = port_new(h, &cfg);
	if (h == NULL || p == NULL)
		abort();
	port_on_token(p, on_token, &tokens);
	if (port_authenticate(p, &e) != 0)
		check_err(&e);
	if (port_get_run(p, "r_fuzz", &run, &e) == 0) {
		if (memchr(run.status, '\0', sizeof(run.status)) == NULL ||
		    memchr(run.external_run_id, '\0',
		        sizeof(run.external_run_id)) == NULL ||
		    run.nlinks > PORT_RUN_MAX_LINKS)
			abort();
	} else
		check_err(&e);
	if (port_log(p, "r_fuzz", "fuzz line", &e) != 0)
		check_err(&e);
	if (port_patch_run(p, "r_fuzz", &u, &e) < 0)
		check_err(&e);
	entity = cJSON_Parse("{\"identifier\":\"cert-1\",\"properties\":{}}");
	if (port_upsert_entity(p, "acm_certificate", entity, "r_fuzz", &e) != 0)
		check_err(&e);
	cJSON_Delete(entity);
	if (port_delete_entity(
	        p, "acm_certificate", "cert 1/..", "r_fuzz", &e) < 0)
		check_err(&e);
	if (tokens > 0 && strpbrk(port_token(p), "\r\n") != NULL)
		abort();
	port_free(p);
	http_free(h);
	free(script);
	return 0;
}
