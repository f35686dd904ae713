/*
 * Unit tests for context.c: every port_context shape in port-api.md §4
 * (CREATE, DAY-2/DELETE, the fuller guide shape, the ci example with an
 * identifier string, the legacy port_payload) and the refusals.
 */
#include <stdlib.h>
#include <string.h>

#include "input/context.h"
#include "tap.h"

static char err[512];
static struct port_context c;

#define ARN                                                                    \
	"arn:aws:acm:us-east-1:123456789012:certificate/"                      \
	"12345678-1234-1234-1234-123456789012"

/* The renew/delete payload of port-api.md §4.3, pretty-printed. */
static const char renew_payload[] =
    "{\n"
    "  \"runId\": \"r_QOz6WoOB1Q2lmhZZ\",\n"
    "  \"entity\": {\n"
    "    \"identifier\": \"" ARN "\",\n"
    "    \"title\": \"www.example.com\",\n"
    "    \"icon\": null,\n"
    "    \"blueprint\": \"acmCertificate\",\n"
    "    \"team\": [],\n"
    "    \"properties\": {\n"
    "      \"status\": \"ISSUED\",\n"
    "      \"type\": \"AMAZON_ISSUED\",\n"
    "      \"arn\": \"" ARN "\",\n"
    "      \"renewalEligibility\": \"ELIGIBLE\",\n"
    "      \"keyAlgorithm\": \"RSA-2048\",\n"
    "      \"inUse\": true,\n"
    "      \"createdAt\": \"2026-01-01T00:00:00.000Z\",\n"
    "      \"expirationDate\": null\n"
    "    },\n"
    "    \"relations\": {\"account\": \"123456789012\"},\n"
    "    \"scorecards\": {\"ok\": {\"level\": \"Gold\", \"rules\": []}},\n"
    "    \"createdAt\": \"2026-01-01T00:00:00.000Z\",\n"
    "    \"createdBy\": \"KZ5zDPudPshQMShUb4cLopBEE1fNSJGE\",\n"
    "    \"updatedAt\": \"2026-01-02T00:00:00.000Z\",\n"
    "    \"updatedBy\": \"KZ5zDPudPshQMShUb4cLopBEE1fNSJGE\"\n"
    "  }\n"
    "}\n";

/* The fuller guide shape of §4.4 with the trigger data of §4.1. */
static const char full_payload[] =
    "{\"entity\":{\"identifier\":\"" ARN "\",\"title\":\"api.example.com\","
    "\"blueprint\":\"acmCertificate\",\"team\":[\"platform\"],"
    "\"properties\":{\"arn\":\"" ARN "\",\"domainName\":\"api.example.com\","
    "\"status\":\"ISSUED\",\"inUse\":false,\"mirror\":null},"
    "\"relations\":{\"account\":\"123456789012\",\"zones\":[\"z1\",\"z2\"]}},"
    "\"blueprint\":\"acmCertificate\",\"runId\":\"r_QOz6WoOB1Q2lmhZZ\","
    "\"trigger\":{\"by\":{\"orgId\":\"org_1\",\"userId\":\"u_1\","
    "\"user\":{\"email\":\"jane@example.com\",\"firstName\":\"Jane\","
    "\"lastName\":\"Doe\",\"phoneNumber\":null,\"picture\":\"\","
    "\"providers\":[\"port\"],\"status\":\"ACTIVE\",\"id\":\"u_1\","
    "\"createdAt\":\"2025-01-01\",\"updatedAt\":\"2025-01-01\"}},"
    "\"origin\":\"UI\",\"at\":\"2026-11-01T10:00:00.000Z\","
    "\"operation\":\"DAY-2\"},\"domain_name\":\"ignored.example.com\"}";

/* The legacy port_payload form. */
static const char legacy_payload[] =
    "{\"action\":\"delete_cert\",\"resourceType\":\"run\","
    "\"status\":\"TRIGGERED\",\"trigger\":{\"by\":{\"userId\":\"u\","
    "\"user\":\"john@example.com\"},\"origin\":\"UI\"},"
    "\"context\":{\"entity\":\"cert-1\",\"blueprint\":\"acmCertificate\","
    "\"runId\":\"r_legacy0123456789\"},\"payload\":{\"entity\":null,"
    "\"action\":{},\"properties\":{}}}";

static int
parse(const char *text)
{
	err[0] = '\0';
	return context_parse(text, &c, err, sizeof(err));
}

static int
is_empty(void)
{
	return c.run_id[0] == '\0' && c.entity_kind == CONTEXT_ENTITY_NONE &&
	       c.entity_identifier[0] == '\0' && c.entity_title[0] == '\0' &&
	       c.entity_blueprint[0] == '\0' && c.entity_arn[0] == '\0' &&
	       c.entity_domain_name[0] == '\0' && c.trigger_user[0] == '\0';
}

/* Refused, with a message naming the field. */
static void
refused(const char *text, const char *needle, const char *name)
{
	int rc = parse(text);

	ok(rc == -1 && strstr(err, needle) != NULL && is_empty(), "%s", name);
	if (rc != -1 || strstr(err, needle) == NULL)
		printf("#   rc=%d message: %s\n", rc, err);
}

static char *
json_with_string(const char *key, size_t len, char fill)
{
	char *s = malloc(len + 64);
	int n = snprintf(s, 64, "{\"%s\":\"", key);

	memset(s + n, fill, len);
	strcpy(s + n + len, "\"}");
	return s;
}

static void
test_empty_and_run_ids(void)
{
	ok(parse(NULL) == 0 && is_empty(), "NULL text: no context");
	ok(parse("") == 0 && is_empty(), "empty text: no context");
	ok(parse("  \n\t") == 0 && is_empty(), "blank text: no context");
	ok(parse("{}") == 0 && is_empty(), "{}: nothing set");

	ok(parse("{\"runId\":\"r_QOz6WoOB1Q2lmhZZ\"}") == 0 &&
	        strcmp(c.run_id, "r_QOz6WoOB1Q2lmhZZ") == 0 &&
	        c.entity_kind == CONTEXT_ENTITY_NONE,
	    "CREATE: runId only");
	ok(parse("{\"run_id\":\"r_abc\"}") == 0 &&
	        strcmp(c.run_id, "r_abc") == 0,
	    "run_id spelling");
	ok(parse("{\"context\":{\"runId\":\"r_old\"}}") == 0 &&
	        strcmp(c.run_id, "r_old") == 0,
	    "context.runId");
	ok(parse("{\"context\":{\"run_id\":\"r_old2\"}}") == 0 &&
	        strcmp(c.run_id, "r_old2") == 0,
	    "context.run_id");
	ok(parse("{\"runId\":\"r_top\",\"context\":{\"runId\":\"r_old\"}}") ==
	            0 &&
	        strcmp(c.run_id, "r_top") == 0,
	    "top level wins");
	ok(parse("{\"runId\":\"r_a\",\"run_id\":\"r_a\"}") == 0 &&
	        strcmp(c.run_id, "r_a") == 0,
	    "both spellings, same value");
	ok(parse("{\"runId\":null}") == 0 && c.run_id[0] == '\0',
	    "runId null is absent");
	ok(parse("{\"runId\":\"\"}") == 0 && c.run_id[0] == '\0',
	    "runId empty is absent");

	refused("{\"runId\":\"r_a\",\"run_id\":\"r_b\"}", "differ",
	    "runId and run_id differ");
	refused("{\"runId\":123}", "runId must be a string, got a number",
	    "runId a number");
	refused("{\"run_id\":[\"r_a\"]}",
	    "run_id must be a string, got an "
	    "array",
	    "run_id an array");
	refused("{\"context\":{\"runId\":true}}", "context.runId",
	    "context.runId a bool");
	refused("{\"context\":\"r_a\"}", "context must be an object",
	    "context a string");
	refused("{\"runId\":\"r/../../v1/x\"}", "runId", "run id with '/'");
	refused("{\"runId\":\"r_a?b=1\"}", "'?'", "run id with '?'");
	refused("{\"runId\":\"r a\"}", "a space", "run id with a space");
	refused("{\"runId\":\"r_a\\nb\"}", "control character",
	    "run id with a newline escape");
	refused("{\"runId\":\"r_a\",\"runId\":\"r_b\"}", "more than once",
	    "runId given twice");
	{
		char *s = json_with_string("runId", 128, 'r');

		ok(parse(s) == 0 && strlen(c.run_id) == 128, "128-byte runId");
		free(s);
		s = json_with_string("runId", 129, 'r');
		refused(s, "runId is too long", "129-byte runId");
		free(s);
	}
}

static void
test_entities(void)
{
	ok(parse(renew_payload) == 0 &&
	        c.entity_kind == CONTEXT_ENTITY_OBJECT &&
	        strcmp(c.run_id, "r_QOz6WoOB1Q2lmhZZ") == 0 &&
	        strcmp(c.entity_identifier, ARN) == 0 &&
	        strcmp(c.entity_title, "www.example.com") == 0 &&
	        strcmp(c.entity_blueprint, "acmCertificate") == 0 &&
	        strcmp(c.entity_arn, ARN) == 0 &&
	        c.entity_domain_name[0] == '\0',
	    "renew/delete payload of §4.3");
	if (err[0])
		printf("#   message: %s\n", err);

	ok(parse(full_payload) == 0 && c.entity_kind == CONTEXT_ENTITY_OBJECT &&
	        strcmp(c.entity_domain_name, "api.example.com") == 0 &&
	        strcmp(c.entity_title, "api.example.com") == 0 &&
	        strcmp(c.trigger_user, "jane@example.com") == 0 &&
	        strcmp(c.run_id, "r_QOz6WoOB1Q2lmhZZ") == 0,
	    "fuller guide shape with trigger data");
	if (err[0])
		printf("#   message: %s\n", err);

	ok(parse(legacy_payload) == 0 &&
	        strcmp(c.run_id, "r_legacy0123456789") == 0 &&
	        c.entity_kind == CONTEXT_ENTITY_ID &&
	        strcmp(c.entity_identifier, "cert-1") == 0 &&
	        strcmp(c.entity_blueprint, "acmCertificate") == 0 &&
	        strcmp(c.trigger_user, "john@example.com") == 0,
	    "legacy port_payload with context.*");
	if (err[0])
		printf("#   message: %s\n", err);

	ok(parse("{\"entity\":\"" ARN "\",\"blueprint\":\"acmCertificate\","
	         "\"runId\":\"r_x\",\"operation\":\"DAY-2\"}") == 0 &&
	        c.entity_kind == CONTEXT_ENTITY_ID &&
	        strcmp(c.entity_identifier, ARN) == 0 &&
	        strcmp(c.entity_blueprint, "acmCertificate") == 0,
	    "ci example: entity is the identifier string");

	ok(parse("{\"runId\":\"r_x\",\"entity\":{}}") == 0 &&
	        c.entity_kind == CONTEXT_ENTITY_NONE && c.run_id[0] == 'r',
	    "entity {} is no entity");
	ok(parse("{\"runId\":\"r_x\",\"entity\":null}") == 0 &&
	        c.entity_kind == CONTEXT_ENTITY_NONE,
	    "entity null (migration guide) is no entity");
	ok(parse("{\"entity\":\"\"}") == 0 &&
	        c.entity_kind == CONTEXT_ENTITY_NONE,
	    "entity \"\" is no entity");
	ok(parse("{\"entity\":{},\"blueprint\":\"\",\"runId\":\"r_c\"}") == 0 &&
	        c.entity_blueprint[0] == '\0',
	    "CREATE with empty action blueprint");
	ok(parse("{\"entity\":{\"identifier\":\"e1\"}}") == 0 &&
	        c.entity_kind == CONTEXT_ENTITY_OBJECT &&
	        strcmp(c.entity_identifier, "e1") == 0 &&
	        c.entity_title[0] == 0,
	    "entity with only an identifier");
	ok(parse("{\"entity\":{\"identifier\":\"e1\",\"title\":null,"
	         "\"blueprint\":null,\"properties\":null}}") == 0 &&
	        c.entity_kind == CONTEXT_ENTITY_OBJECT,
	    "null members are absent");
	ok(parse(
	       "{\"entity\":{\"identifier\":\"e1\",\"properties\":"
	       "{\"arn\":null,\"domainName\":null,\"other\":[1,{}]}}}") == 0 &&
	        c.entity_arn[0] == '\0',
	    "null properties are absent");
	ok(parse("{\"entity\":{\"identifier\":\"e1\",\"title\":"
	         "\"Zertifikat f\\u00fcr b\xc3\xbc"
	         "cher.de\"}}") == 0 &&
	        strcmp(c.entity_title, "Zertifikat f\xc3\xbcr b\xc3\xbc"
	                               "cher.de") == 0,
	    "UTF-8 and \\u escapes in the title");
	ok(parse("{\"entity\":{\"identifier\":\"e1\",\"blueprint\":\"bpA\"},"
	         "\"blueprint\":\"bpB\"}") == 0 &&
	        strcmp(c.entity_blueprint, "bpA") == 0,
	    "entity.blueprint wins over top-level blueprint");
	ok(parse("{\"entity\":\"e1\",\"blueprint\":{\"identifier\":"
	         "\"acmCertificate\",\"title\":\"ACM\"}}") == 0 &&
	        strcmp(c.entity_blueprint, "acmCertificate") == 0,
	    "top-level blueprint object");
	ok(parse("{\"entity\":\"e1\",\"blueprint\":{\"title\":\"ACM\"}}") ==
	            0 &&
	        c.entity_blueprint[0] == '\0',
	    "blueprint object without identifier is ignored");
	ok(parse("{\"entity\":\"{\\\"identifier\\\":\\\"e2\\\","
	         "\\\"properties\\\":{\\\"arn\\\":\\\"" ARN "\\\"}}\"}") == 0 &&
	        c.entity_kind == CONTEXT_ENTITY_OBJECT &&
	        strcmp(c.entity_identifier, "e2") == 0 &&
	        strcmp(c.entity_arn, ARN) == 0,
	    "entity serialised twice is unwrapped");

	refused("{\"entity\":42}",
	    "entity must be an entity object or an "
	    "identifier string, got a number",
	    "entity a number");
	refused("{\"entity\":[\"e1\"]}", "got an array", "entity an array");
	refused("{\"entity\":true}", "entity", "entity a bool");
	refused("{\"entity\":{\"title\":\"x\"}}", "has no identifier",
	    "entity object without identifier");
	refused("{\"entity\":{\"identifier\":7}}",
	    "entity.identifier must "
	    "be a string",
	    "identifier a number");
	refused("{\"entity\":{\"identifier\":\"e\",\"title\":{}}}",
	    "entity.title", "title an object");
	refused("{\"entity\":{\"identifier\":\"e\",\"properties\":\"x\"}}",
	    "entity.properties must be an object, got a string",
	    "properties a string");
	refused("{\"entity\":{\"identifier\":\"e\",\"properties\":[]}}",
	    "entity.properties must be an object", "properties an array");
	refused("{\"entity\":{\"identifier\":\"e\",\"properties\":"
	        "{\"arn\":5}}}",
	    "entity.properties.arn must be a string",
	    "properties.arn a number");
	refused("{\"entity\":{\"identifier\":\"e\",\"properties\":"
	        "{\"domainName\":[\"a.com\"]}}}",
	    "entity.properties.domainName", "properties.domainName an array");
	refused("{\"entity\":{\"identifier\":\"e\",\"blueprint\":\"a b\"}}",
	    "entity.blueprint", "entity.blueprint invalid");
	refused("{\"entity\":\"e\",\"blueprint\":5}", "blueprint must be",
	    "blueprint a number");
	refused("{\"entity\":\"e\",\"blueprint\":\"..\"}",
	    "is not a Port blueprint identifier", "blueprint '..'");
	refused("{\"entity\":\"e\",\"blueprint\":\".\"}",
	    "is not a Port blueprint identifier", "blueprint '.'");
	refused("{\"entity\":{\"identifier\":\"a\\nb\"}}",
	    "entity.identifier contains a control character",
	    "identifier with a newline");
	refused("{\"entity\":\"a\\u0007b\"}", "entity contains a control",
	    "identifier string with BEL");
	refused("{\"entity\":{\"identifier\":\"e\",\"identifier\":\"f\"}}",
	    "entity.identifier is given more than once",
	    "identifier given twice");
	refused("{\"entity\":\"{not json\"}", "entity is not valid JSON",
	    "entity string that is broken JSON");

	{
		char *big = malloc(3000), *id = malloc(1002);

		memset(id, 'i', 1000);
		id[1000] = '\0';
		snprintf(big, 3000, "{\"entity\":{\"identifier\":\"%s\"}}", id);
		ok(parse(big) == 0 && strlen(c.entity_identifier) == 1000,
		    "1000-byte identifier");
		snprintf(
		    big, 3000, "{\"entity\":{\"identifier\":\"%si\"}}", id);
		refused(big, "entity.identifier is too long",
		    "1001-byte identifier");
		snprintf(big, 3000, "{\"entity\":\"%si\"}", id);
		refused(
		    big, "entity is too long", "1001-byte identifier string");
		snprintf(big, 3000,
		    "{\"entity\":{\"identifier\":\"e\","
		    "\"title\":\"%si\"}}",
		    id);
		refused(big, "entity.title is too long", "1001-byte title");
		id[253] = '\0';
		snprintf(big, 3000,
		    "{\"entity\":{\"identifier\":\"e\","
		    "\"properties\":{\"domainName\":\"%s\"}}}",
		    id);
		ok(parse(big) == 0 && strlen(c.entity_domain_name) == 253,
		    "253-byte domainName");
		snprintf(big, 3000,
		    "{\"entity\":{\"identifier\":\"e\","
		    "\"properties\":{\"domainName\":\"%si\"}}}",
		    id);
		refused(big, "entity.properties.domainName is too long",
		    "254-byte domainName");
		id[100] = '\0';
		snprintf(
		    big, 3000, "{\"entity\":\"e\",\"blueprint\":\"%s\"}", id);
		ok(parse(big) == 0 && strlen(c.entity_blueprint) == 100,
		    "100-byte blueprint");
		snprintf(
		    big, 3000, "{\"entity\":\"e\",\"blueprint\":\"%si\"}", id);
		refused(big, "101 characters", "101-character blueprint");
		free(big);
		free(id);
	}
	{
		char *big = malloc(2200), *arn = malloc(2100);

		memset(arn, 'a', 2049);
		arn[2049] = '\0';
		snprintf(big, 2200,
		    "{\"entity\":{\"identifier\":\"e\","
		    "\"properties\":{\"arn\":\"%s\"}}}",
		    arn);
		refused(
		    big, "entity.properties.arn is too long", "2049-byte arn");
		arn[2048] = '\0';
		snprintf(big, 2200,
		    "{\"entity\":{\"identifier\":\"e\","
		    "\"properties\":{\"arn\":\"%s\"}}}",
		    arn);
		ok(parse(big) == 0 && strlen(c.entity_arn) == 2048,
		    "2048-byte arn");
		free(big);
		free(arn);
	}
}

static void
test_trigger(void)
{
	ok(parse("{\"trigger\":{\"by\":{\"email\":\"a@b.example\"}}}") == 0 &&
	        strcmp(c.trigger_user, "a@b.example") == 0,
	    "trigger.by.email");
	ok(parse("{\"trigger\":{\"by\":{\"user\":\"someone\"}}}") == 0 &&
	        strcmp(c.trigger_user, "someone") == 0,
	    "trigger.by.user string");
	ok(parse("{\"trigger\":{\"by\":{\"email\":\"e@x.example\","
	         "\"user\":{\"email\":\"u@x.example\"}}}}") == 0 &&
	        strcmp(c.trigger_user, "e@x.example") == 0,
	    "trigger.by.email wins");
	ok(parse("{\"trigger\":{\"by\":{\"user\":{\"id\":\"u1\"}}}}") == 0 &&
	        c.trigger_user[0] == '\0',
	    "user object without email");
	ok(parse("{\"trigger\":{\"origin\":\"AUTOMATION\"}}") == 0 &&
	        c.trigger_user[0] == '\0',
	    "automation: no user");
	ok(parse("{\"trigger\":null}") == 0, "trigger null");
	refused("{\"trigger\":\"UI\"}", "trigger must be an object",
	    "trigger a string");
	refused("{\"trigger\":{\"by\":1}}", "trigger.by must be an object",
	    "trigger.by a number");
	refused("{\"trigger\":{\"by\":{\"user\":[]}}}", "trigger.by.user",
	    "trigger.by.user an array");
	refused("{\"trigger\":{\"by\":{\"email\":5}}}", "trigger.by.email",
	    "trigger.by.email a number");
	{
		char big[600];

		snprintf(big, sizeof(big),
		    "{\"trigger\":{\"by\":{\"email\":"
		    "\"%0321d\"}}}",
		    0);
		refused(big, "trigger.by.email is too long", "321-byte email");
	}
}

static void
test_bad_text(void)
{
	refused("{runId:\"r_a\"}", "port_context is not valid JSON",
	    "unquoted key");
	refused("{\"runId\":\"r_", "port_context is not valid JSON",
	    "truncated text");
	refused("{\"runId\":\"r_", "ends too early", "truncation named");
	refused("{\"runId\":\"r_a\"} trailing", "parse error at byte",
	    "trailing garbage");
	refused("{\"runId\":\"r_a\",}", "not valid JSON", "trailing comma");
	refused("[1,2]", "got an array", "top-level array");
	refused("42", "got a number", "top-level number");
	refused("null", "got null", "top-level null");
	refused("\"r_abc\"", "got a string", "top-level plain string");
	refused(
	    "{\"runId\":\"r_a\\u0000x\"}", "\\u0000", "escaped NUL refused");
	refused("runId=r_abc", "not valid JSON", "not JSON at all");
	refused("{\"a\":\"\xff\x01\"", "not valid JSON",
	    "binary garbage, message stays printable");
	ok(strchr(err, '\x01') == NULL && strchr(err, '\xff') == NULL,
	    "no raw bytes echoed from bad JSON");

	refused("\"{\\\"runId\\\":\\\"r_a\\\"}\\u0000\"", "\\u0000",
	    "NUL in a context serialised twice");
	refused("\"{\\\"runId\\\":\\\"r_a\\u0000b\\\"}\"", "\\u0000",
	    "NUL inside the inner text");
	ok(parse("\"{\\\"runId\\\":\\\"r_twice\\\"}\"") == 0 &&
	        strcmp(c.run_id, "r_twice") == 0,
	    "whole context serialised twice is unwrapped");
	ok(parse("{\"runId\":\"r_q\",\"note\":\"\\\"\\\\u0000\\\"\"}") == 0,
	    "an escaped backslash before u0000 is plain text");
	ok(parse("\xef\xbb\xbf{\"runId\":\"r_bom\"}") == 0 &&
	        strcmp(c.run_id, "r_bom") == 0,
	    "leading byte order mark skipped");
	refused("{\"runId\":\"r_a\",\"entity\":{\"identifier\":\"x\"",
	    "ends too early", "truncated inside an object");
	refused("{\"runId\":\"r_a\\", "ends too early",
	    "truncated after a backslash");
	refused("{\"runId\":\"r_\\\"a\"  x}", "parse error at byte",
	    "escaped quote is not the end of a string");

	{
		/* exactly CONTEXT_MAX_BYTES is fine, one more is not */
		size_t pad = CONTEXT_MAX_BYTES - strlen("{\"runId\":\"r_a\","
		                                        "\"pad\":\"\"}");
		char *s = malloc(CONTEXT_MAX_BYTES + 2);
		int n = snprintf(s, 64, "{\"runId\":\"r_a\",\"pad\":\"");

		memset(s + n, 'x', pad);
		strcpy(s + n + pad, "\"}");
		ok(strlen(s) == CONTEXT_MAX_BYTES && parse(s) == 0 &&
		        strcmp(c.run_id, "r_a") == 0,
		    "context of exactly max bytes");
		memmove(s + 1, s, strlen(s) + 1);
		s[0] = ' ';
		refused(s, "larger than", "context of max + 1 bytes");
		free(s);
	}
	{
		/* nesting beyond cJSON's limit fails cleanly */
		size_t depth = 5000, i;
		char *s = malloc(depth * 2 + 32);

		strcpy(s, "{\"x\":");
		for (i = 0; i < depth; i++)
			s[5 + i] = '[';
		for (i = 0; i < depth; i++)
			s[5 + depth + i] = ']';
		strcpy(s + 5 + 2 * depth, "}");
		refused(s, "not valid JSON", "5000-deep nesting");
		free(s);
	}

	/* After a refusal nothing from the text survives in the struct. */
	parse(renew_payload);
	refused("{\"runId\":\"r_z\",\"entity\":5}", "entity",
	    "struct cleared after a refusal");
	ok(context_parse("[]", &c, NULL, 0) == -1, "NULL err buffer");
	ok(context_parse("{\"entity\":7}", &c, err, 10) == -1 &&
	        strlen(err) == 9,
	    "message truncated to errlen");
}

/* Every prefix and many single-byte mutations of real payloads: each is
 * accepted or refused with a printable message, never a crash. */
static void
test_robustness(void)
{
	const char *payloads[] = {renew_payload, full_payload, legacy_payload};
	size_t p, i, len, bad = 0, runs = 0;
	char *s;

	for (p = 0; p < 3; p++) {
		len = strlen(payloads[p]);
		s = malloc(len + 1);
		for (i = 0; i <= len; i++) {
			memcpy(s, payloads[p], i);
			s[i] = '\0';
			int rc = parse(s);

			runs++;
			if ((rc != 0 && rc != -1) || (rc == -1 && err[0] == 0))
				bad++;
			for (const char *q = err; *q; q++)
				if ((unsigned char)*q < 0x20)
					bad++;
			/* only the whole text is complete JSON */
			if (i < len - 1 && rc == 0 && i > 0)
				bad++;
		}
		for (i = 0; i < len; i++) {
			static const char flips[] = {'"', '\\', '{', ']', ',',
			    ':', 'x', '\x01', '\xff', '0'};
			size_t f;

			for (f = 0; f < sizeof(flips); f++) {
				memcpy(s, payloads[p], len + 1);
				s[i] = flips[f];
				int rc = parse(s);

				runs++;
				if (rc == -1 && err[0] == '\0')
					bad++;
				for (const char *q = err; *q; q++)
					if ((unsigned char)*q < 0x20)
						bad++;
			}
		}
		free(s);
	}
	ok(bad == 0, "%zu truncated and mutated payloads handled", runs);
}

int
main(void)
{
	test_empty_and_run_ids();
	test_entities();
	test_trigger();
	test_bad_text();
	test_robustness();
	return done_testing();
}
