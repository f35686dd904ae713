/*
 * test_gha: workflow commands, escaping, GITHUB_OUTPUT heredoc records
 * (byte for byte) and the step-summary cap, with a fake environment.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/gha.h"
#include "tap.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* --- fake environment --- */

static const char *env_actions, *env_output, *env_summary;

static const char *
fake_getenv(const char *name)
{
	if (strcmp(name, "GITHUB_ACTIONS") == 0)
		return env_actions;
	if (strcmp(name, "GITHUB_OUTPUT") == 0)
		return env_output;
	if (strcmp(name, "GITHUB_STEP_SUMMARY") == 0)
		return env_summary;
	return NULL;
}

static void
set_env(const char *actions, const char *output, const char *summary)
{
	env_actions = actions;
	env_output = output;
	env_summary = summary;
}

/* --- helpers --- */

static char tmpdir[] = "/tmp/test_gha.XXXXXX";

static char *
tmppath(const char *name)
{
	static char path[2][512];
	static int which;

	which ^= 1;
	snprintf(path[which], sizeof(path[which]), "%s/%s", tmpdir, name);
	return path[which];
}

/* Whole file into a buf; returns -1 when it cannot be read. */
static int
slurp(const char *path, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *f;

	buf_reset(out);
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, n);
	fclose(f);
	return 0;
}

static int
exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* A command stream whose buffer is only visible after a flush, so the
 * tests also prove that gha flushes each command. */
struct cmdstream {
	FILE *f;
	char *data;
	size_t len;
};

static void
cmd_open(struct cmdstream *c)
{
	c->data = NULL;
	c->len = 0;
	c->f = open_memstream(&c->data, &c->len);
}

/* What the runner would have seen so far, without flushing ourselves. */
static const char *
cmd_seen(struct cmdstream *c)
{
	static char copy[8192];
	size_t n = c->len < sizeof(copy) - 1 ? c->len : sizeof(copy) - 1;

	if (c->data == NULL)
		return "";
	memcpy(copy, c->data, n);
	copy[n] = '\0';
	return copy;
}

static void
cmd_close(struct cmdstream *c)
{
	fclose(c->f);
	free(c->data);
}

static int
is_delimiter(const char *s, size_t n)
{
	size_t i;

	if (n != 13 + 32 || strncmp(s, "ghadelimiter_", 13) != 0)
		return 0;
	for (i = 13; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* --- escaping --- */

struct esc_case {
	const char *in, *data, *prop;
};

static const struct esc_case escapes[] = {
    {"", "", ""},
    {"plain text", "plain text", "plain text"},
    {"%", "%25", "%25"},
    {"\r", "%0D", "%0D"},
    {"\n", "%0A", "%0A"},
    {":", ":", "%3A"},
    {",", ",", "%2C"},
    {"%0A", "%250A", "%250A"},
    {"100%\r\n", "100%25%0D%0A", "100%25%0D%0A"},
    {"a:b,c", "a:b,c", "a%3Ab%2Cc"},
    {"::add-mask::x", "::add-mask::x", "%3A%3Aadd-mask%3A%3Ax"},
    {"k=v;]", "k=v;]", "k=v;]"},
    {"%%\n\n::,,", "%25%25%0A%0A::,,", "%25%25%0A%0A%3A%3A%2C%2C"},
    {"caf\xc3\xa9 \t", "caf\xc3\xa9 \t", "caf\xc3\xa9 \t"},
};

static void
test_escape(void)
{
	struct buf b = {0};
	size_t i;

	for (i = 0; i < NELEM(escapes); i++) {
		buf_reset(&b);
		ok(gha_escape_data(escapes[i].in, &b) == 0,
		    "escape_data %zu rc", i);
		is_str(buf_str(&b), escapes[i].data, "escape_data case %zu", i);
		buf_reset(&b);
		ok(gha_escape_property(escapes[i].in, &b) == 0,
		    "escape_property %zu rc", i);
		is_str(buf_str(&b), escapes[i].prop, "escape_property case %zu",
		    i);
	}
	buf_reset(&b);
	buf_puts(&b, "x=");
	gha_escape_data("1%", &b);
	gha_escape_property(":", &b);
	is_str(buf_str(&b), "x=1%25%3A", "escape appends to the buffer");
	buf_free(&b);
}

/* --- init --- */

static void
test_init(void)
{
	static char longpath[4097];
	struct gha g;

	set_env("true", "/o", "/s");
	gha_init(&g, stdout, fake_getenv);
	ok(g.active == 1 && g.cmd == stdout, "init: GITHUB_ACTIONS=true");
	is_str(g.output_path, "/o", "init: GITHUB_OUTPUT");
	is_str(g.summary_path, "/s", "init: GITHUB_STEP_SUMMARY");

	set_env(NULL, NULL, NULL);
	gha_init(&g, stdout, fake_getenv);
	ok(!g.active && g.output_path[0] == '\0' && g.summary_path[0] == '\0',
	    "init: nothing set");
	set_env("false", "/o", NULL);
	gha_init(&g, stdout, fake_getenv);
	ok(!g.active, "init: GITHUB_ACTIONS=false is inactive");
	set_env("TRUE", NULL, NULL);
	gha_init(&g, stdout, fake_getenv);
	ok(!g.active, "init: only the exact value 'true' counts");
	set_env("", "", "");
	gha_init(&g, stdout, fake_getenv);
	ok(!g.active && g.output_path[0] == '\0', "init: empty values");

	memset(longpath, 'a', 4096);
	longpath[0] = '/';
	longpath[4096] = '\0';
	set_env("true", longpath, longpath);
	gha_init(&g, stdout, fake_getenv);
	ok(g.active && g.output_path[0] == '\0' && g.summary_path[0] == '\0',
	    "init: a 4096-byte path does not fit and counts as unset");
	longpath[4095] = '\0';
	set_env("true", longpath, NULL);
	gha_init(&g, stdout, fake_getenv);
	ok(strcmp(g.output_path, longpath) == 0, "init: a 4095-byte path fits");
}

/* --- workflow commands --- */

struct cmd_case {
	const char *name;
	int kind; /* 0 mask, 1 notice, 2 warning, 3 error, 4 group, 5 end */
	const char *a, *b;
	const char *want;
};

static const struct cmd_case cmds[] = {
    {"mask", 0, "s3cr3t", NULL, "::add-mask::s3cr3t\n"},
    {"mask escapes %", 0, "p%ss", NULL, "::add-mask::p%25ss\n"},
    {"mask keeps : and ,", 0, "a:b,c", NULL, "::add-mask::a:b,c\n"},
    {"mask multi-line LF", 0, "line1\nline2", NULL,
        "::add-mask::line1\n::add-mask::line2\n"},
    {"mask multi-line CRLF, blank lines skipped", 0,
        "-----BEGIN KEY-----\r\nAB%C\r\n\r\n-----END KEY-----\n", NULL,
        "::add-mask::-----BEGIN KEY-----\n::add-mask::AB%25C\n"
        "::add-mask::-----END KEY-----\n"},
    {"mask lone CR splits", 0, "a\rb", NULL, "::add-mask::a\n::add-mask::b\n"},
    {"mask leading newline", 0, "\nx", NULL, "::add-mask::x\n"},
    {"mask empty skipped", 0, "", NULL, ""},
    {"mask whitespace-only lines skipped", 0, " \t\n x \n  ", NULL,
        "::add-mask:: x \n"},
    {"mask only newlines skipped", 0, "\n\r\n", NULL, ""},
    {"mask NULL skipped", 0, NULL, NULL, ""},
    {"notice", 1, "Done", "all good", "::notice title=Done::all good\n"},
    {"warning without title", 2, NULL, "careful", "::warning::careful\n"},
    {"warning empty title", 2, "", "careful", "::warning::careful\n"},
    {"error escapes title and message", 3, "ACM: failed, badly\n",
        "50% of\r\nit: x,y",
        "::error title=ACM%3A failed%2C badly%0A::"
        "50%25 of%0D%0Ait: x,y\n"},
    {"error NULL message", 3, "t", NULL, "::error title=t::\n"},
    {"group", 4, "Request: a.com, b%\n", NULL,
        "::group::Request: a.com, b%25%0A\n"},
    {"group NULL title", 4, NULL, NULL, "::group::\n"},
    {"error: ##[ in message and title defused", 3, "t##[x]",
        "a##[set-output name=certificate_arn;]x",
        "::error title=t##\\[x]::a##\\[set-output name=certificate_arn;]x\n"},
    {"mask keeps ##[ (the secret as printed)", 0, "s##[x", NULL,
        "::add-mask::s##[x\n"},
    {"endgroup", 5, NULL, NULL, "::endgroup::\n"},
};

static void
run_cmd(struct gha *g, const struct cmd_case *c)
{
	switch (c->kind) {
	case 0:
		gha_mask(g, c->a);
		break;
	case 1:
		gha_annotate(g, GHA_NOTICE, c->a, c->b);
		break;
	case 2:
		gha_annotate(g, GHA_WARNING, c->a, c->b);
		break;
	case 3:
		gha_annotate(g, GHA_ERROR, c->a, c->b);
		break;
	case 4:
		gha_group_begin(g, c->a);
		break;
	default:
		gha_group_end(g);
		break;
	}
}

static void
test_commands(void)
{
	struct cmdstream cs;
	struct gha g;
	size_t i;

	for (i = 0; i < NELEM(cmds); i++) {
		cmd_open(&cs);
		set_env("true", NULL, NULL);
		gha_init(&g, cs.f, fake_getenv);
		run_cmd(&g, &cmds[i]);
		/* No fflush here: what is visible was flushed by gha. */
		is_str(cmd_seen(&cs), cmds[i].want, "command: %s (flushed)",
		    cmds[i].name);
		cmd_close(&cs);
	}

	/* Inactive: every command is silent. */
	for (i = 0; i < NELEM(cmds); i++) {
		cmd_open(&cs);
		set_env("false", NULL, NULL);
		gha_init(&g, cs.f, fake_getenv);
		run_cmd(&g, &cmds[i]);
		fflush(cs.f);
		is_str(cmd_seen(&cs), "", "inactive: %s prints nothing",
		    cmds[i].name);
		cmd_close(&cs);
	}
}

/* --- the neutraliser --- */

static void
test_neutralise(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"plain text", "plain text"},
	    {"", ""},
	    {"a##[set-output name=x;]y", "a##\\[set-output name=x;]y"},
	    {"##[add-mask]s ##[group]g", "##\\[add-mask]s ##\\[group]g"},
	    {"###[x", "###\\[x"},
	    {"##", "##"},
	    {"::error::x", ":\\:error::x"},
	    {"  \t::warning::x", "  \t:\\:warning::x"},
	    {"\xc2\xa0::x::y", "\xc2\xa0:\\:x::y"}, /* NBSP is trimmed too */
	    {"\xe3\x80\x80::x::y", "\xe3\x80\x80:\\:x::y"},
	    {"ok\n::set-output name=a::b\nz",
	        "ok\n:\\:set-output name=a::b\nz"},
	    {"ok\r::x::y", "ok\r:\\:x::y"},
	    {"arn:aws:iam::123:role/x", "arn:aws:iam::123:role/x"},
	    {"a ::x::y", "a ::x::y"},
	    {":x", ":x"},
	};
	struct buf b = {0};
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		buf_reset(&b);
		ok(gha_neutralise(cases[i].in, &b) == 0, "neutralise %zu", i);
		is_str(buf_str(&b), cases[i].want, "neutralise: '%s'",
		    cases[i].in);
	}
	buf_free(&b);
}

/* --- heredoc delimiter --- */

static void
test_delimiter(void)
{
	char d1[64], d2[64], d3[64], again[64], other[64];
	struct buf v = {0};
	int i;

	ok(gha_heredoc_delimiter("value", 42, d1) == 0, "delimiter: rc 0");
	ok(is_delimiter(d1, strlen(d1)),
	    "delimiter: ghadelimiter_ + 32 hex "
	    "(%s)",
	    d1);
	gha_heredoc_delimiter("other value", 42, again);
	is_str(again, d1, "delimiter: same seed, same delimiter");
	gha_heredoc_delimiter("value", 43, other);
	ok(strcmp(other, d1) != 0, "delimiter: another seed differs");
	ok(gha_heredoc_delimiter(NULL, 42, again) == 0 &&
	        strcmp(again, d1) == 0,
	    "delimiter: NULL value");

	/* A value holding the first candidate forces the next one. */
	buf_printf(&v, "before\n%s\nafter", d1);
	ok(gha_heredoc_delimiter(buf_str(&v), 42, d2) == 0,
	    "delimiter collision: rc 0");
	ok(strcmp(d2, d1) != 0 && strstr(buf_str(&v), d2) == NULL &&
	        is_delimiter(d2, strlen(d2)),
	    "delimiter collision: a new delimiter not in the value");
	/* Also inside a line, not only on a line of its own. */
	buf_reset(&v);
	buf_printf(&v, "x%sy", d1);
	gha_heredoc_delimiter(buf_str(&v), 42, d3);
	is_str(d3, d2, "delimiter collision: mid-line occurrence avoided");
	buf_reset(&v);
	buf_printf(&v, "%s%s", d1, d2);
	gha_heredoc_delimiter(buf_str(&v), 42, d3);
	ok(strcmp(d3, d1) != 0 && strcmp(d3, d2) != 0 &&
	        strstr(buf_str(&v), d3) == NULL,
	    "delimiter collision: two candidates skipped");

	/* A value holding every candidate the seed can produce. */
	buf_reset(&v);
	for (i = 0; i < 200; i++) {
		char d[64], *tmp = strdup(buf_str(&v));

		if (gha_heredoc_delimiter(tmp, 7, d) != 0) {
			free(tmp);
			break;
		}
		free(tmp);
		buf_puts(&v, d);
	}
	ok(i > 1 && i < 200,
	    "delimiter: -1 once every candidate is taken "
	    "(after %d)",
	    i);
	buf_free(&v);
}

/* --- GITHUB_OUTPUT --- */

/* Parses one heredoc record at *p, checks it is exactly
 * name<<D\nvalue\nD\n with a well-formed D, and advances *p. */
static int
check_record(
    const char **p, const char *name, const char *value, char *delim_out)
{
	const char *s = *p, *nl;
	size_t nlen = strlen(name), dlen;
	struct buf want = {0};
	int same;

	if (strncmp(s, name, nlen) != 0 || strncmp(s + nlen, "<<", 2) != 0)
		return 0;
	s += nlen + 2;
	if ((nl = strchr(s, '\n')) == NULL)
		return 0;
	dlen = (size_t)(nl - s);
	if (!is_delimiter(s, dlen))
		return 0;
	memcpy(delim_out, s, dlen);
	delim_out[dlen] = '\0';
	buf_printf(
	    &want, "%s<<%s\n%s\n%s\n", name, delim_out, value, delim_out);
	same = strncmp(*p, buf_str(&want), want.len) == 0;
	if (same)
		*p += want.len;
	buf_free(&want);
	return same;
}

static void
test_output(void)
{
	static const char *const bad_names[] = {"", "1abc", "-x", "a b", "a=b",
	    "a<<b", "a\nb", "a.b", "caf\xc3\xa9", "a:b"};
	static const char *const good_names[] = {
	    "x", "_x", "A-b_9", "certificate_arn"};
	const char *path = tmppath("output"), *p;
	char err[256], delim[4][64];
	struct buf content = {0};
	struct stat st;
	struct gha g;
	size_t i;
	int fd, rc;

	set_env("true", path, NULL);
	gha_init(&g, stdout, fake_getenv);

	/* Created when missing, 0644 under umask 022. */
	umask(022);
	rc = gha_set_output(&g, "certificate_arn",
	    "arn:aws:acm:us-east-1:123456789012:certificate/abc", err,
	    sizeof(err));
	ok(rc == 0, "output: rc 0");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644,
	    "output: file created with mode 0644 (%o)",
	    (unsigned)(st.st_mode & 0777));
	rc = gha_set_output(&g, "multi", "a\nb\r\nc\n", err, sizeof(err));
	rc |= gha_set_output(&g, "empty", "", err, sizeof(err));
	rc |= gha_set_output(&g, "null", NULL, err, sizeof(err));
	ok(rc == 0, "output: multi-line, empty and NULL values");

	slurp(path, &content);
	p = buf_str(&content);
	ok(check_record(&p, "certificate_arn",
	       "arn:aws:acm:us-east-1:123456789012:certificate/abc", delim[0]),
	    "output: record 1 byte for byte");
	ok(check_record(&p, "multi", "a\nb\r\nc\n", delim[1]),
	    "output: multi-line value kept byte for byte (CR too)");
	ok(check_record(&p, "empty", "", delim[2]),
	    "output: empty value record");
	ok(check_record(&p, "null", "", delim[3]),
	    "output: NULL value written as empty");
	ok(*p == '\0', "output: nothing else in the file");
	ok(strcmp(delim[0], delim[1]) != 0 && strcmp(delim[1], delim[2]) != 0,
	    "output: a fresh random delimiter per record");

	/* Appends after whatever is already there. */
	path = tmppath("output2");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(fd >= 0 && write(fd, "existing=1\n", 11) == 11,
	    "output: pre-existing content written");
	close(fd);
	set_env("true", path, NULL);
	gha_init(&g, stdout, fake_getenv);
	gha_set_output(&g, "k", "v", err, sizeof(err));
	slurp(path, &content);
	p = buf_str(&content);
	ok(strncmp(p, "existing=1\n", 11) == 0 &&
	        (p += 11, check_record(&p, "k", "v", delim[0])) && *p == '\0',
	    "output: appended, earlier content kept");

	for (i = 0; i < NELEM(bad_names); i++) {
		size_t before = content.len;

		err[0] = '\0';
		rc = gha_set_output(&g, bad_names[i], "v", err, sizeof(err));
		slurp(path, &content);
		ok(rc == -1 && err[0] != '\0' && content.len == before,
		    "output: name %zu refused, file untouched (%s)", i, err);
	}
	rc = gha_set_output(&g, NULL, "v", err, sizeof(err));
	ok(rc == -1, "output: NULL name refused");
	rc = gha_set_output(&g, "x", "v", NULL, 0);
	ok(rc == 0, "output: NULL err buffer accepted");
	for (i = 0; i < NELEM(good_names); i++)
		ok(gha_set_output(&g, good_names[i], "v", err, sizeof(err)) ==
		        0,
		    "output: name '%s' accepted", good_names[i]);

	/* Write failure. */
	set_env("true", tmppath("no/such/dir"), NULL);
	gha_init(&g, stdout, fake_getenv);
	err[0] = '\0';
	rc = gha_set_output(&g, "x", "v", err, sizeof(err));
	ok(rc == -1 && strstr(err, "GITHUB_OUTPUT") != NULL,
	    "output: unwritable path fails with a message (%s)", err);
	rc = gha_set_output(&g, "x", "v", NULL, 0);
	ok(rc == -1, "output: failure without err buffer");

	/* Unset path and inactive: quiet success, no file. */
	path = tmppath("never");
	set_env("true", NULL, NULL);
	gha_init(&g, stdout, fake_getenv);
	ok(gha_set_output(&g, "x", "v", err, sizeof(err)) == 0,
	    "output: no GITHUB_OUTPUT is a no-op returning 0");
	ok(gha_set_output(&g, "bad name", "v", err, sizeof(err)) == 0,
	    "output: no GITHUB_OUTPUT, nothing validated");
	/* Outside Actions the files are still written when named: other
	 * runners set GITHUB_OUTPUT too. */
	set_env(NULL, path, NULL);
	gha_init(&g, stdout, fake_getenv);
	ok(gha_set_output(&g, "x", "v", err, sizeof(err)) == 0 && exists(path),
	    "output: written without GITHUB_ACTIONS when GITHUB_OUTPUT is set");
	buf_free(&content);
}

/* --- step summary --- */

static void
test_summary(void)
{
	const char *path = tmppath("summary");
	struct buf content = {0};
	char err[256], *big;
	size_t cap = 1024 * 1024, first;
	struct gha g;
	int rc;

	set_env("true", NULL, NULL);
	gha_init(&g, stdout, fake_getenv);
	ok(gha_summary_append(&g, "# x\n", err, sizeof(err)) == 0,
	    "summary: no GITHUB_STEP_SUMMARY is a no-op returning 0");

	set_env("true", NULL, tmppath("no/such/dir"));
	gha_init(&g, stdout, fake_getenv);
	err[0] = '\0';
	rc = gha_summary_append(&g, "# x\n", err, sizeof(err));
	ok(rc == -1 && strstr(err, "GITHUB_STEP_SUMMARY") != NULL,
	    "summary: unwritable path fails with a message (%s)", err);

	set_env("true", NULL, path);
	gha_init(&g, stdout, fake_getenv);
	rc = gha_summary_append(
	    &g, "# Certificate\n\n| a | b |\n", err, sizeof(err));
	rc |= gha_summary_append(&g, "|---|---|\n", err, sizeof(err));
	rc |= gha_summary_append(&g, NULL, err, sizeof(err));
	ok(rc == 0, "summary: appends succeed");
	slurp(path, &content);
	is_str(buf_str(&content), "# Certificate\n\n| a | b |\n|---|---|\n",
	    "summary: content byte for byte");
	first = content.len;

	/* Fill to exactly 1 MiB: allowed. One byte more: refused. */
	big = malloc(cap - first + 2);
	memset(big, 'x', cap - first + 1);
	big[cap - first + 1] = '\0';
	err[0] = '\0';
	rc = gha_summary_append(&g, big, err, sizeof(err));
	slurp(path, &content);
	ok(rc == -1 && content.len == first && strstr(err, "1 MiB") != NULL,
	    "summary: a chunk crossing 1 MiB is refused whole (%s)", err);
	big[cap - first] = '\0';
	rc = gha_summary_append(&g, big, err, sizeof(err));
	slurp(path, &content);
	ok(rc == 0 && content.len == cap, "summary: exactly 1 MiB allowed");
	err[0] = '\0';
	rc = gha_summary_append(&g, "x", err, sizeof(err));
	slurp(path, &content);
	ok(rc == -1 && content.len == cap && err[0] != '\0',
	    "summary: one byte past 1 MiB refused");
	ok(gha_summary_append(&g, "", err, sizeof(err)) == 0,
	    "summary: empty append at the cap is fine");

	/* The cap is per process (per step), not per struct. */
	gha_init(&g, stdout, fake_getenv);
	ok(gha_summary_append(&g, "y", NULL, 0) == -1,
	    "summary: cap survives a new gha_init");
	free(big);
	buf_free(&content);
}

static void
cleanup(void)
{
	static const char *const names[] = {"output", "output2", "summary"};
	size_t i;

	for (i = 0; i < NELEM(names); i++)
		unlink(tmppath(names[i]));
	rmdir(tmpdir);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_escape();
	test_init();
	test_commands();
	test_neutralise();
	test_delimiter();
	test_output();
	test_summary();
	cleanup();
	return done_testing();
}
