/*
 * context: parse the port_context JSON that Port dispatches.
 *
 * Lenient about shape (runId or run_id, top level or under "context",
 * entity as object, identifier string or nothing; JSON null counts as
 * absent; unknown keys are ignored), strict about the fields it reads:
 * a wrong type, an over-long value, a control character or a key given
 * twice is an error naming the field, never a silent guess.
 */
#include "input/context.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "input/validate_text.h"

static const char *
type_name(const cJSON *j)
{
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsNumber(j))
		return "a number";
	if (cJSON_IsBool(j))
		return "true/false";
	if (cJSON_IsArray(j))
		return "an array";
	if (cJSON_IsObject(j))
		return "an object";
	return "null";
}

/*
 * The member key of obj, or NULL when it is absent or null. A key given
 * twice is refused: two parsers could pick different copies.
 */
static int
get(const cJSON *obj, const char *key, const char *path, const cJSON **out,
    char *err, size_t errlen)
{
	const cJSON *c;

	*out = NULL;
	cJSON_ArrayForEach(c, obj)
	{
		if (c->string == NULL || strcmp(c->string, key) != 0)
			continue;
		if (*out != NULL) {
			str_printf(err, errlen,
			    "port_context: %s is given more than once", path);
			return -1;
		}
		*out = c;
	}
	if (*out != NULL && cJSON_IsNull(*out))
		*out = NULL;
	return 0;
}

/* Copies s into dst after checking its length and characters. */
static int
copy_checked(const char *s, const char *path, char *dst, size_t dstlen,
    char *err, size_t errlen)
{
	size_t len = strlen(s), i;

	if (len >= dstlen) {
		str_printf(err, errlen,
		    "port_context: %s is too long (%zu bytes; the limit is "
		    "%zu)",
		    path, len, dstlen - 1);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char u = (unsigned char)s[i];

		if (u < 0x20 || u == 0x7f) {
			str_printf(err, errlen,
			    "port_context: %s contains a control character "
			    "(\\x%02x at byte %zu), which is not allowed",
			    path, u, i);
			return -1;
		}
	}
	memcpy(dst, s, len + 1);
	return 0;
}

/* Copies a string member into dst ("" when absent or null). */
static int
get_string(const cJSON *obj, const char *key, const char *path, char *dst,
    size_t dstlen, char *err, size_t errlen)
{
	const cJSON *j;

	dst[0] = '\0';
	if (get(obj, key, path, &j, err, errlen) != 0)
		return -1;
	if (j == NULL)
		return 0;
	if (!cJSON_IsString(j) || j->valuestring == NULL) {
		str_printf(err, errlen,
		    "port_context: %s must be a string, got %s", path,
		    type_name(j));
		return -1;
	}
	return copy_checked(j->valuestring, path, dst, dstlen, err, errlen);
}

/* Expects obj to be an object (or absent/null, then *out is NULL). */
static int
get_object(const cJSON *obj, const char *key, const char *path,
    const cJSON **out, char *err, size_t errlen)
{
	if (get(obj, key, path, out, err, errlen) != 0)
		return -1;
	if (*out != NULL && !cJSON_IsObject(*out)) {
		str_printf(err, errlen,
		    "port_context: %s must be an object, got %s", path,
		    type_name(*out));
		return -1;
	}
	return 0;
}

/* cJSON turns \u0000 into a NUL that would silently cut the string. */
static int
has_escaped_nul(const char *s)
{
	int in_string = 0;

	for (; *s; s++) {
		if (*s == '"') {
			in_string = !in_string;
		} else if (in_string && *s == '\\') {
			if (s[1] == 'u' && strncmp(s + 2, "0000", 4) == 0)
				return 1;
			if (s[1] == '\0')
				break;
			s++;
		}
	}
	return 0;
}

static int
only_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return *s == '\0';
}

static const char *
skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

/* Whether text stops inside a string or an open object or array. */
static int
cut_short(const char *s)
{
	int in_string = 0;
	size_t depth = 0;

	for (; *s; s++) {
		if (in_string) {
			if (*s == '\\') {
				if (*++s == '\0')
					return 1;
			} else if (*s == '"')
				in_string = 0;
		} else if (*s == '"')
			in_string = 1;
		else if (*s == '{' || *s == '[')
			depth++;
		else if ((*s == '}' || *s == ']') && depth > 0)
			depth--;
	}
	return in_string || depth > 0;
}

/* Parses JSON text that must be an object; what names it in errors. */
static cJSON *
parse_object(const char *text, const char *what, char *err, size_t errlen)
{
	const char *end = NULL;
	cJSON *root;

	if (has_escaped_nul(text)) {
		str_printf(err, errlen,
		    "%s is not valid JSON: it contains \\u0000 (a NUL "
		    "character), which is not allowed",
		    what);
		return NULL;
	}
	root = cJSON_ParseWithOpts(text, &end, 1);
	if (root == NULL) {
		size_t off = end ? (size_t)(end - text) : 0;
		char near[24];
		size_t i;

		if (end == NULL || *skip_blanks(end) == '\0' ||
		    cut_short(text)) {
			str_printf(err, errlen,
			    "%s is not valid JSON: the text ends too early "
			    "(is it cut off?)",
			    what);
			return NULL;
		}
		/* A short printable excerpt of where parsing stopped. */
		for (i = 0; i < sizeof(near) - 1 && end[i]; i++) {
			unsigned char u = (unsigned char)end[i];

			near[i] = (char)((u < 0x20 || u >= 0x7f) ? '?' : u);
		}
		near[i] = '\0';
		str_printf(err, errlen,
		    "%s is not valid JSON: parse error at byte %zu, near "
		    "'%s'",
		    what, off, near);
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		str_printf(err, errlen,
		    "%s is not valid JSON for a Port context: expected an "
		    "object such as {\"runId\":\"r_...\"}, got %s",
		    what, type_name(root));
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

static int
parse_run_id(const cJSON *root, const cJSON *legacy, struct port_context *out,
    char *err, size_t errlen)
{
	char camel[sizeof(out->run_id)], snake[sizeof(out->run_id)];
	const char *pc = "runId", *ps = "run_id";

	if (get_string(root, "runId", pc, camel, sizeof(camel), err, errlen) !=
	        0 ||
	    get_string(root, "run_id", ps, snake, sizeof(snake), err, errlen) !=
	        0)
		return -1;
	if (camel[0] == '\0' && snake[0] == '\0' && legacy != NULL) {
		pc = "context.runId";
		ps = "context.run_id";
		if (get_string(legacy, "runId", pc, camel, sizeof(camel), err,
		        errlen) != 0 ||
		    get_string(legacy, "run_id", ps, snake, sizeof(snake), err,
		        errlen) != 0)
			return -1;
	}
	if (camel[0] != '\0' && snake[0] != '\0' && strcmp(camel, snake) != 0) {
		str_printf(err, errlen,
		    "port_context: %s and %s are both given and differ; give "
		    "one run id",
		    pc, ps);
		return -1;
	}
	if (camel[0] != '\0') {
		if (validate_run_id(pc, camel, err, errlen) != 0)
			return -1;
		memcpy(out->run_id, camel, sizeof(out->run_id));
	} else if (snake[0] != '\0') {
		if (validate_run_id(ps, snake, err, errlen) != 0)
			return -1;
		memcpy(out->run_id, snake, sizeof(out->run_id));
	}
	return 0;
}

static int
parse_entity_object(const cJSON *e, const char *path, struct port_context *out,
    char *err, size_t errlen)
{
	const cJSON *props;
	char p[64];

	if (e->child == NULL) /* {} is the CREATE case: no entity */
		return 0;
	snprintf(p, sizeof(p), "%s.identifier", path);
	if (get_string(e, "identifier", p, out->entity_identifier,
	        sizeof(out->entity_identifier), err, errlen) != 0)
		return -1;
	if (out->entity_identifier[0] == '\0') {
		str_printf(err, errlen,
		    "port_context: %s has no identifier: pass the whole "
		    "entity (\"{{ .entity }}\") or its identifier",
		    path);
		return -1;
	}
	snprintf(p, sizeof(p), "%s.title", path);
	if (get_string(e, "title", p, out->entity_title,
	        sizeof(out->entity_title), err, errlen) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s.blueprint", path);
	if (get_string(e, "blueprint", p, out->entity_blueprint,
	        sizeof(out->entity_blueprint), err, errlen) != 0)
		return -1;
	if (out->entity_blueprint[0] != '\0' &&
	    validate_blueprint(p, out->entity_blueprint, err, errlen) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s.properties", path);
	if (get_object(e, "properties", p, &props, err, errlen) != 0)
		return -1;
	if (props != NULL) {
		snprintf(p, sizeof(p), "%s.properties.arn", path);
		if (get_string(props, "arn", p, out->entity_arn,
		        sizeof(out->entity_arn), err, errlen) != 0)
			return -1;
		snprintf(p, sizeof(p), "%s.properties.domainName", path);
		if (get_string(props, "domainName", p, out->entity_domain_name,
		        sizeof(out->entity_domain_name), err, errlen) != 0)
			return -1;
	}
	out->entity_kind = CONTEXT_ENTITY_OBJECT;
	return 0;
}

static int
parse_entity(const cJSON *e, const char *path, struct port_context *out,
    char *err, size_t errlen)
{
	cJSON *inner;
	int rc;

	if (e == NULL)
		return 0;
	if (cJSON_IsObject(e))
		return parse_entity_object(e, path, out, err, errlen);
	if (!cJSON_IsString(e)) {
		str_printf(err, errlen,
		    "port_context: %s must be an entity object or an "
		    "identifier string, got %s",
		    path, type_name(e));
		return -1;
	}
	if (only_blanks(e->valuestring))
		return 0;
	/* An entity that was serialised twice arrives as JSON text. */
	if (*skip_blanks(e->valuestring) == '{') {
		char what[64];

		snprintf(what, sizeof(what), "port_context: %s", path);
		if ((inner = parse_object(e->valuestring, what, err, errlen)) ==
		    NULL)
			return -1;
		rc = parse_entity_object(inner, path, out, err, errlen);
		cJSON_Delete(inner);
		return rc;
	}
	if (copy_checked(e->valuestring, path, out->entity_identifier,
	        sizeof(out->entity_identifier), err, errlen) != 0)
		return -1;
	out->entity_kind = CONTEXT_ENTITY_ID;
	return 0;
}

/* Top-level "blueprint": a string, or an object with "identifier". */
static int
parse_blueprint(const cJSON *obj, const char *path, struct port_context *out,
    char *err, size_t errlen)
{
	const cJSON *b;
	char p[64];

	if (get(obj, "blueprint", path, &b, err, errlen) != 0)
		return -1;
	if (b == NULL)
		return 0;
	if (cJSON_IsString(b)) {
		if (get_string(obj, "blueprint", path, out->entity_blueprint,
		        sizeof(out->entity_blueprint), err, errlen) != 0)
			return -1;
		snprintf(p, sizeof(p), "%s", path);
	} else if (cJSON_IsObject(b)) {
		snprintf(p, sizeof(p), "%s.identifier", path);
		if (get_string(b, "identifier", p, out->entity_blueprint,
		        sizeof(out->entity_blueprint), err, errlen) != 0)
			return -1;
	} else {
		str_printf(err, errlen,
		    "port_context: %s must be a blueprint identifier string, "
		    "got %s",
		    path, type_name(b));
		return -1;
	}
	if (out->entity_blueprint[0] != '\0' &&
	    validate_blueprint(p, out->entity_blueprint, err, errlen) != 0)
		return -1;
	return 0;
}

static int
parse_trigger(
    const cJSON *root, struct port_context *out, char *err, size_t errlen)
{
	const cJSON *t, *by, *user;
	size_t n = sizeof(out->trigger_user);

	if (get_object(root, "trigger", "trigger", &t, err, errlen) != 0)
		return -1;
	if (t == NULL)
		return 0;
	if (get_object(t, "by", "trigger.by", &by, err, errlen) != 0)
		return -1;
	if (by == NULL)
		return 0;
	if (get_string(by, "email", "trigger.by.email", out->trigger_user, n,
	        err, errlen) != 0)
		return -1;
	if (out->trigger_user[0] != '\0')
		return 0;
	/* Port's trigger data has by.user as an object with an email. */
	if (get(by, "user", "trigger.by.user", &user, err, errlen) != 0)
		return -1;
	if (user == NULL)
		return 0;
	if (cJSON_IsString(user))
		return get_string(by, "user", "trigger.by.user",
		    out->trigger_user, n, err, errlen);
	if (cJSON_IsObject(user))
		return get_string(user, "email", "trigger.by.user.email",
		    out->trigger_user, n, err, errlen);
	str_printf(err, errlen,
	    "port_context: trigger.by.user must be an object or a string, "
	    "got %s",
	    type_name(user));
	return -1;
}

int
context_parse(
    const char *text, struct port_context *out, char *err, size_t errlen)
{
	const cJSON *legacy, *entity;
	cJSON *root = NULL, *inner;
	size_t len;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->entity_kind = CONTEXT_ENTITY_NONE;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (text == NULL)
		return 0;
	len = strnlen(text, CONTEXT_MAX_BYTES + 1);
	if (len > CONTEXT_MAX_BYTES) {
		str_printf(err, errlen,
		    "port_context is not valid JSON: it is larger than %d "
		    "bytes, far more than a Port context needs",
		    CONTEXT_MAX_BYTES);
		return -1;
	}
	if (only_blanks(text))
		return 0;
	if (*skip_blanks(text) == '"' && !has_escaped_nul(text)) {
		/* Possibly the whole context serialised twice. */
		if ((root = cJSON_ParseWithOpts(text, NULL, 1)) != NULL &&
		    cJSON_IsString(root) &&
		    *skip_blanks(root->valuestring) == '{') {
			inner = parse_object(
			    root->valuestring, "port_context", err, errlen);
			cJSON_Delete(root);
			if ((root = inner) == NULL)
				return -1;
		} else {
			cJSON_Delete(root);
			root = NULL;
		}
	}
	if (root == NULL &&
	    (root = parse_object(text, "port_context", err, errlen)) == NULL)
		return -1;

	if (get_object(root, "context", "context", &legacy, err, errlen) != 0)
		goto out;
	if (parse_run_id(root, legacy, out, err, errlen) != 0)
		goto out;

	if (get(root, "entity", "entity", &entity, err, errlen) != 0)
		goto out;
	if (entity != NULL) {
		if (parse_entity(entity, "entity", out, err, errlen) != 0)
			goto out;
	} else if (legacy != NULL) {
		if (get(legacy, "entity", "context.entity", &entity, err,
		        errlen) != 0 ||
		    parse_entity(entity, "context.entity", out, err, errlen) !=
		        0)
			goto out;
	}

	if (out->entity_blueprint[0] == '\0') {
		const cJSON *b;

		if (get(root, "blueprint", "blueprint", &b, err, errlen) != 0)
			goto out;
		if (b != NULL || legacy == NULL) {
			if (parse_blueprint(
			        root, "blueprint", out, err, errlen) != 0)
				goto out;
		} else if (parse_blueprint(legacy, "context.blueprint", out,
		               err, errlen) != 0)
			goto out;
	}

	if (parse_trigger(root, out, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	cJSON_Delete(root);
	if (rc != 0) /* leave nothing half-filled behind */
		memset(out, 0, sizeof(*out));
	return rc;
}
