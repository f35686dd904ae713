#include "input/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/url.h"
#include "input/validate.h"

const char *
config_op_name(enum op op)
{
	switch (op) {
	case OP_REQUEST:
		return "request";
	case OP_RENEW:
		return "renew";
	case OP_DELETE:
		return "delete";
	case OP_SYNC:
		return "sync";
	default:
		return "none";
	}
}

static const char *const statuses[CONFIG_NSTATUSES] = {"PENDING_VALIDATION",
    "ISSUED", "INACTIVE", "EXPIRED", "VALIDATION_TIMED_OUT", "REVOKED",
    "FAILED"};

const char *
config_status_name(int i)
{
	return i >= 0 && i < CONFIG_NSTATUSES ? statuses[i] : "";
}

int
config_status_index(const char *name)
{
	int i;

	for (i = 0; i < CONFIG_NSTATUSES; i++)
		if (strcmp(statuses[i], name) == 0)
			return i;
	return -1;
}

int
config_fail(struct buf *msg, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	buf_reset(msg);
	va_start(ap, fmt);
	buf_vprintf(msg, fmt, ap);
	va_end(ap);
	/* Messages quote input and reach stderr, where the runner reads
	 * ::workflow-commands:: on every line. */
	for (i = 0; i < msg->len; i++)
		if ((unsigned char)msg->data[i] < 0x20 || msg->data[i] == 0x7f)
			msg->data[i] = '?';
	return CONFIG_ERROR;
}

const char *
config_nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

int
config_copy(char *dst, size_t dstlen, const char *src, const char *field,
    struct buf *msg)
{
	if (strlen(src) >= dstlen)
		return config_fail(msg,
		    "%s is too long (at most %zu characters)", field,
		    dstlen - 1);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

char *
config_secret(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Plain HTTP would carry secrets in the clear: only for a fake or an
 * emulator on this machine. */
int
config_require_tls(const char *field, const char *url, struct buf *msg)
{
	struct url_parts u;
	char why[160];

	/* Every URL setting passes the one URL check (url.h), and the
	 * loopback test is on the host curl connects to. */
	if (url_parse(url, &u, why, sizeof(why)) != 0)
		return config_fail(msg, "%s is refused: %s", field, why);
	if (u.https || url_is_loopback(&u))
		return 0;
	return config_fail(msg,
	    "%s must use https:// (plain http:// is allowed only for the "
	    "loopback: 127.0.0.0/8, [::1] or localhost), so credentials never "
	    "travel in the clear",
	    field);
}

int
config_number(const char *val, long dflt, long min, long max, const char *name,
    long *out, struct buf *msg)
{
	unsigned long u;
	char err[256];

	if (val == NULL) {
		*out = dflt;
		return 0;
	}
	if (validate_uint(name, val, (unsigned long)min, (unsigned long)max, &u,
	        err, sizeof(err)) != 0)
		return config_fail(msg, "%s", err);
	*out = (long)u;
	return 0;
}

int
config_env_bool(const char *val, const char *name, int *out, struct buf *msg)
{
	*out = 0;
	if (val == NULL || strcasecmp(val, "false") == 0)
		return 0;
	if (strcasecmp(val, "true") == 0) {
		*out = 1;
		return 0;
	}
	return config_fail(msg, "%s must be true or false", name);
}

static void
wipe_free(char **p)
{
	if (*p) {
		volatile char *q = *p;

		while (*q)
			*q++ = 0;
		free(*p);
		*p = NULL;
	}
}

void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nsans; i++)
		free(c->sans[i]);
	c->nsans = 0;
	free(c->tags);
	c->tags = NULL;
	free(c->accounts);
	c->accounts = NULL;
	c->naccounts = 0;
	wipe_free(&c->access_key_id);
	wipe_free(&c->secret_access_key);
	wipe_free(&c->session_token);
	wipe_free(&c->port_client_id);
	wipe_free(&c->port_client_secret);
}
