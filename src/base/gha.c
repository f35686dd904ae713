/*
 * gha: workflow commands, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
 * Formats follow github-action-runtime.md §1.6-1.7 and @actions/core's
 * command.ts / file-command.ts.
 */
#include "base/gha.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DELIM_PREFIX  "ghadelimiter_"
#define DELIM_TRIES   64
#define SUMMARY_LIMIT (1024UL * 1024UL) /* runner AttachmentSizeLimit */

/* Bytes this process has appended to the step summary. The runner
 * creates the file empty for each step and a Docker action is the only
 * writer during its step, so this is the file's size. */
static size_t summary_written;

static const char *const level_names[] = {
    [GHA_NOTICE] = "notice",
    [GHA_WARNING] = "warning",
    [GHA_ERROR] = "error",
};

/* The replacement for c, or NULL when c stands for itself. */
static const char *
escape_of(char c, int property)
{
	switch (c) {
	case '%':
		return "%25";
	case '\r':
		return "%0D";
	case '\n':
		return "%0A";
	case ':':
		return property ? "%3A" : NULL;
	case ',':
		return property ? "%2C" : NULL;
	default:
		return NULL;
	}
}

static int
escape_buf(const char *s, size_t n, int property, struct buf *out)
{
	size_t i, start = 0;
	const char *rep;

	for (i = 0; i < n; i++) {
		if ((rep = escape_of(s[i], property)) == NULL)
			continue;
		if (buf_append(out, s + start, i - start) != 0 ||
		    buf_puts(out, rep) != 0)
			return -1;
		start = i + 1;
	}
	return buf_append(out, s + start, n - start);
}

/*
 * The one neutraliser for text we echo (github-action-runtime.md
 * §1.6): the runner parses "##[name ...]data" anywhere in a line of
 * stdout or stderr, and "::name::data" where a line starts after
 * whitespace. "##[" becomes "##\[" and a leading "::" becomes ":\:",
 * so neither parses; the text stays readable. s goes to put() in
 * pieces; *bol says whether the next byte starts a line.
 */
typedef void (*sink_fn)(void *arg, const char *s, size_t n);

/* Length of the whitespace .NET's TrimStart skips at s (ASCII blanks,
 * NEL, NBSP and the Unicode spaces), 0 when none. */
static size_t
space_len(const unsigned char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
		return 1;
	if (n >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (n >= 3 && s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3; /* U+1680 */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] <= 0x8a || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3; /* U+2000..200A, 2028, 2029, 202F */
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3; /* U+205F */
	if (n >= 3 && s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3; /* U+3000 */
	return 0;
}

static void
defuse(const char *s, size_t n, int *bol, sink_fn put, void *arg)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, k;

	while (i < n) {
		if (*bol && (k = space_len(u + i, n - i)) > 0) {
			i += k; /* still at the start: the runner trims it */
			continue;
		}
		if (*bol && n - i >= 2 && s[i] == ':' && s[i + 1] == ':') {
			put(arg, s + start, i - start);
			put(arg, ":\\:", 3);
			i += 2;
			start = i;
		} else if (n - i >= 3 && memcmp(s + i, "##[", 3) == 0) {
			put(arg, s + start, i - start);
			put(arg, "##\\[", 4);
			i += 3;
			start = i;
		} else
			i++;
		*bol = s[i - 1] == '\n' || s[i - 1] == '\r';
	}
	put(arg, s + start, n - start);
}

static void
put_file(void *arg, const char *s, size_t n)
{
	fwrite(s, 1, n, arg);
}

struct buf_sink {
	struct buf *b;
	int failed;
};

static void
put_buf(void *arg, const char *s, size_t n)
{
	struct buf_sink *k = arg;

	if (!k->failed && buf_append(k->b, s, n) != 0)
		k->failed = 1;
}

/* Command data: escaped for the command, after the neutraliser. */
struct esc {
	FILE *f;
	int property;
};

static void
put_escaped(void *arg, const char *s, size_t n)
{
	const struct esc *e = arg;
	const char *rep;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((rep = escape_of(s[i], e->property)) != NULL)
			fputs(rep, e->f);
		else
			putc(s[i], e->f);
	}
}

/* Streams the escaped text straight to f: commands must not depend on
 * malloc succeeding, above all ::add-mask::. defused: through the
 * neutraliser too (not for masks: the runner must see the secret as
 * it is printed). */
static void
escape_file(FILE *f, const char *s, size_t n, int property, int defused)
{
	struct esc e = {f, property};
	int bol = 0;

	if (defused)
		defuse(s, n, &bol, put_escaped, &e);
	else
		put_escaped(&e, s, n);
}

int
gha_neutralise(const char *s, struct buf *out)
{
	struct buf_sink k = {out, 0};
	int bol = 1;

	defuse(s, strlen(s), &bol, put_buf, &k);
	/* an empty s leaves out untouched: make it a string */
	return k.failed || buf_append(out, "", 0) != 0 ? -1 : 0;
}

void
gha_echo(FILE *f, const char *fmt, ...)
{
	struct buf line = {0};
	va_list ap;
	int bol = 1;

	va_start(ap, fmt);
	if (buf_vprintf(&line, fmt, ap) == 0)
		defuse(line.data, line.len, &bol, put_file, f);
	else
		fputs("port-acm: out of memory\n", f);
	va_end(ap);
	buf_free(&line);
	fflush(f);
}

int
gha_escape_data(const char *s, struct buf *out)
{
	return escape_buf(s, strlen(s), 0, out);
}

int
gha_escape_property(const char *s, struct buf *out)
{
	return escape_buf(s, strlen(s), 1, out);
}

static int
usable(const struct gha *g)
{
	return g != NULL && g->active && g->cmd != NULL;
}

/* Copies an environment path; too long or empty leaves it unset. */
static void
copy_path(char *dst, size_t dstlen, const char *v)
{
	dst[0] = '\0';
	if (v != NULL && strlen(v) < dstlen)
		memcpy(dst, v, strlen(v) + 1);
}

void
gha_init(struct gha *g, FILE *cmd, const char *(*getenv_fn)(const char *))
{
	const char *v;

	memset(g, 0, sizeof(*g));
	g->cmd = cmd;
	v = getenv_fn("GITHUB_ACTIONS");
	g->active = v != NULL && strcmp(v, "true") == 0;
	copy_path(
	    g->output_path, sizeof(g->output_path), getenv_fn("GITHUB_OUTPUT"));
	copy_path(g->summary_path, sizeof(g->summary_path),
	    getenv_fn("GITHUB_STEP_SUMMARY"));
}

void
gha_mask(struct gha *g, const char *secret)
{
	const char *p, *end;
	size_t n;

	if (!usable(g) || secret == NULL)
		return;
	/* The runner matches output line by line, so each line of the
	 * secret needs its own mask; blank lines would only draw a
	 * warning (the runner refuses whitespace-only masks). */
	for (p = secret; *p != '\0'; p = end) {
		n = strcspn(p, "\r\n");
		end = p + n;
		if (strspn(p, " \t") < n) {
			fputs("::add-mask::", g->cmd);
			escape_file(g->cmd, p, n, 0, 0);
			putc('\n', g->cmd);
		}
		while (*end == '\r' || *end == '\n')
			end++;
	}
	fflush(g->cmd);
}

void
gha_annotate(
    struct gha *g, enum gha_level level, const char *title, const char *message)
{
	if (!usable(g) || (unsigned)level > GHA_ERROR)
		return;
	fprintf(g->cmd, "::%s", level_names[level]);
	if (title != NULL && *title != '\0') {
		fputs(" title=", g->cmd);
		escape_file(g->cmd, title, strlen(title), 1, 1);
	}
	fputs("::", g->cmd);
	if (message != NULL)
		escape_file(g->cmd, message, strlen(message), 0, 1);
	putc('\n', g->cmd);
	fflush(g->cmd);
}

void
gha_group_begin(struct gha *g, const char *title)
{
	if (!usable(g))
		return;
	fputs("::group::", g->cmd);
	if (title != NULL)
		escape_file(g->cmd, title, strlen(title), 0, 1);
	putc('\n', g->cmd);
	fflush(g->cmd);
}

void
gha_group_end(struct gha *g)
{
	if (!usable(g))
		return;
	fputs("::endgroup::\n", g->cmd);
	fflush(g->cmd);
}

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z;

	z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int
gha_heredoc_delimiter(const char *value, unsigned long long seed, char out[64])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t state = seed, a, b;
	size_t plen = sizeof(DELIM_PREFIX) - 1;
	int i, try;

	for (try = 0; try < DELIM_TRIES; try++) {
		a = splitmix64(&state);
		b = splitmix64(&state);
		memcpy(out, DELIM_PREFIX, plen);
		for (i = 0; i < 16; i++) {
			out[plen + i] = hex[(a >> (60 - 4 * i)) & 0xf];
			out[plen + 16 + i] = hex[(b >> (60 - 4 * i)) & 0xf];
		}
		out[plen + 32] = '\0';
		/* Anywhere in the value, not only on a line of its own,
		 * as @actions/core does. */
		if (value == NULL || strstr(value, out) == NULL)
			return 0;
	}
	out[0] = '\0';
	return -1;
}

/* The delimiter only has to be absent from the value, which is checked;
 * randomness keeps a hostile value from predicting it. */
static unsigned long long
random_seed(void)
{
	static unsigned long long counter;
	unsigned long long seed;
	struct timespec ts;

	if (getentropy(&seed, sizeof(seed)) == 0)
		return seed;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((unsigned long long)ts.tv_sec << 32) ^
	       (unsigned long long)ts.tv_nsec ^
	       ((unsigned long long)getpid() << 16) ^ ++counter;
}

static int
valid_name(const char *name)
{
	const char *p;

	if (name == NULL || !((*name >= 'A' && *name <= 'Z') ||
	                        (*name >= 'a' && *name <= 'z') || *name == '_'))
		return 0;
	for (p = name + 1; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		        (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

/* Appends all of data to path in one write where possible. On failure
 * returns -1 with errno set. *written gets the bytes that did land. */
static int
append_file(const char *path, const char *data, size_t len, size_t *written)
{
	ssize_t n;
	int fd, saved;

	*written = 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1)
		return -1;
	while (*written < len) {
		n = write(fd, data + *written, len - *written);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n == 0 ? EIO : errno;
			close(fd);
			errno = saved;
			return -1;
		}
		*written += (size_t)n;
	}
	if (close(fd) == -1)
		return -1;
	return 0;
}

/* A bad name in an error message must not break the log line. */
static const char *
printable(const char *s, char *out, size_t outlen)
{
	size_t i;

	if (s == NULL)
		return "(null)";
	for (i = 0; s[i] != '\0' && i + 1 < outlen; i++)
		out[i] = (char)(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
	out[i] = '\0';
	return out;
}

int
gha_set_output(struct gha *g, const char *name, const char *value, char *err,
    size_t errlen)
{
	struct buf rec = {0};
	char delim[64], shown[65];
	size_t written;
	int rc = -1;

	if (g == NULL || g->output_path[0] == '\0')
		return 0;
	if (value == NULL)
		value = "";
	if (!valid_name(name)) {
		str_printf(err, errlen,
		    "invalid output name '%s' (want "
		    "[A-Za-z_][A-Za-z0-9_-]*)",
		    printable(name, shown, sizeof(shown)));
		return -1;
	}
	if (gha_heredoc_delimiter(value, random_seed(), delim) != 0) {
		str_printf(
		    err, errlen, "output %s: no heredoc delimiter", name);
		return -1;
	}
	if (buf_printf(&rec, "%s<<%s\n", name, delim) != 0 ||
	    buf_puts(&rec, value) != 0 ||
	    buf_printf(&rec, "\n%s\n", delim) != 0) {
		str_printf(err, errlen, "output %s: out of memory", name);
		goto out;
	}
	if (append_file(g->output_path, rec.data, rec.len, &written) != 0) {
		str_printf(err, errlen, "cannot write GITHUB_OUTPUT (%s): %s",
		    g->output_path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	buf_free(&rec);
	return rc;
}

int
gha_summary_append(
    struct gha *g, const char *markdown, char *err, size_t errlen)
{
	struct buf safe = {0};
	size_t len, written;
	int rc;

	if (g == NULL || g->summary_path[0] == '\0' || markdown == NULL)
		return 0;
	/* Not parsed by the runner, but shown beside the log: the same
	 * text in both places. */
	if (gha_neutralise(markdown, &safe) != 0) {
		buf_free(&safe);
		str_printf(err, errlen, "out of memory");
		return -1;
	}
	markdown = buf_str(&safe);
	len = strlen(markdown);
	/* Refuse the whole chunk: half a table is worse than none, and a
	 * summary over the limit is not shown at all. */
	if (len > SUMMARY_LIMIT - summary_written) {
		str_printf(err, errlen,
		    "step summary would exceed 1 MiB (%zu bytes written, "
		    "%zu more refused)",
		    summary_written, len);
		buf_free(&safe);
		return -1;
	}
	rc = append_file(g->summary_path, markdown, len, &written);
	summary_written += written;
	buf_free(&safe);
	if (rc != 0) {
		str_printf(err, errlen,
		    "cannot write GITHUB_STEP_SUMMARY (%s): %s",
		    g->summary_path, strerror(errno));
		return -1;
	}
	return 0;
}
