/*
 * cli: the subcommands of the agentdiff program.
 *
 * Each takes the arguments after its own name (argv[0] is the subcommand)
 * and returns the process exit status.  They print results on stdout and
 * messages on stderr, through the shared helpers below, which sanitize any
 * text that came from a file.
 */
#ifndef AD_CLI_H
#define AD_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "util.h"

int ad_cli_show(int argc, char **argv);
int ad_cli_ls(int argc, char **argv);
int ad_cli_check(int argc, char **argv);
int ad_cli_diff(int argc, char **argv);
/* Curated merges (cli_apply.c): write a starting plan, re-apply one. */
int ad_cli_plan(int argc, char **argv);
int ad_cli_apply(int argc, char **argv);
/* No command: the terminal UI (cli_tui.c); argv[0] is the program. */
int ad_cli_tui(int argc, char **argv);
int ad_cli_merge(int argc, char **argv);
int ad_cli_merge_driver(int argc, char **argv);

/* Appends doc's section tree, a line each ("  12    ## Title"), every line
 * prefixed with indent; sections deeper than max_depth (if >= 0) are left
 * out.  Titles are sanitized and cut. */
struct ad_doc;
void ad_cli_outline(ad_buf *out, const struct ad_doc *doc, const char *indent, int max_depth);

/* "agentdiff: " + message on stderr, with a newline. */
void ad_cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints an ad_error as "agentdiff: path:line:col: message". */
void ad_cli_error(const ad_error *err);
/* Writes text from a file to fp with controls made visible. */
void ad_cli_put_sanitized(FILE *fp, const char *s, size_t len);
/* Prints text from a file on stdout, sanitized (NUL-terminated form). */
void ad_cli_print(const char *s);
/* one when n == 1, else many. */
const char *ad_cli_plural(size_t n, const char *one, const char *many);
/* Appends s sanitized and cut to at most width characters, on a
 * character boundary; "..." marks a cut. */
void ad_cli_put_cut(ad_buf *out, const char *s, size_t len, size_t width);
/* Writes a result file's bytes to stdout as they are, or, when stdout is
 * a terminal, line by line with controls made visible; 0 or -1. */
int ad_cli_write_result(const char *data, size_t len);
/* Writes a whole buffer to stdout; returns 0 or -1 on a write error. */
int ad_cli_write_stdout(const ad_buf *buf);

#endif
