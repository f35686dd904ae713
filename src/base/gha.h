/*
 * gha: the GitHub Actions runtime as seen from inside the container:
 * workflow commands (add-mask, annotations, groups) on stdout, the
 * GITHUB_OUTPUT file (heredoc form) and the GITHUB_STEP_SUMMARY file.
 *
 * Workflow commands are written only under Actions (GITHUB_ACTIONS ==
 * "true"); the output and summary files whenever GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY name them, so other runners that set them work.
 * gha_escape_* and gha_heredoc_delimiter are pure.
 *
 * Return convention: 0 on success, -1 on failure (the file could not be
 * written; err says why when given). Nothing here allocates memory that
 * outlives a call.
 */
#ifndef PORT_ACM_GHA_H
#define PORT_ACM_GHA_H

#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"

enum gha_level { GHA_NOTICE, GHA_WARNING, GHA_ERROR };

struct gha {
	int active;              /* running under GitHub Actions */
	FILE *cmd;               /* where workflow commands go (stdout) */
	char output_path[4096];  /* GITHUB_OUTPUT, "" when unset */
	char summary_path[4096]; /* GITHUB_STEP_SUMMARY, "" when unset */
};

/* getenv_fn lets tests inject an environment; pass getenv normally. */
void gha_init(struct gha *g, FILE *cmd, const char *(*getenv_fn)(const char *));

/* ::add-mask::<value> for a secret, before anything could print it.
 * Each line of a multi-line secret is masked separately. */
void gha_mask(struct gha *g, const char *secret);

/* ::error title=...::message (and ::warning / ::notice). */
void gha_annotate(struct gha *g, enum gha_level level, const char *title,
    const char *message);

void gha_group_begin(struct gha *g, const char *title);
void gha_group_end(struct gha *g);

/* Appends NAME<<DELIM\nvalue\nDELIM\n to GITHUB_OUTPUT. */
int gha_set_output(struct gha *g, const char *name, const char *value,
    char *err, size_t errlen);

/* Appends Markdown to GITHUB_STEP_SUMMARY (limit 1 MiB per step). */
int gha_summary_append(
    struct gha *g, const char *markdown, char *err, size_t errlen);

/* Pure. The neutraliser every echoed value goes through (text from
 * inputs, port_context, AWS and Port): the runner parses "##[cmd]data"
 * anywhere in a line of stdout or stderr and "::cmd::data" at a line's
 * start (after whitespace); "##[" becomes "##\[" and a leading "::"
 * becomes ":\:". Appends to out. Annotations and the step summary use
 * it too. */
int gha_neutralise(const char *s, struct buf *out);
/* printf to f (stdout or stderr) through the neutraliser: the only way
 * port-acm prints text that is not a workflow command. */
void gha_echo(FILE *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Pure. Workflow-command escaping per @actions/core: data escapes
 * % CR LF; property values also escape ':' and ','. Appends to out. */
int gha_escape_data(const char *s, struct buf *out);
int gha_escape_property(const char *s, struct buf *out);

/* Pure. Writes a heredoc delimiter ("ghadelimiter_" + 32 hex digits
 * derived from seed) that does not occur in value; out holds 64 bytes.
 * Returns -1 only if no such delimiter is found (not in practice). */
int gha_heredoc_delimiter(
    const char *value, unsigned long long seed, char out[64]);

#endif
