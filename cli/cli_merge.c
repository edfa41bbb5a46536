/*
 * agentdiff merge [-o OUT] [-L LABEL]... [--marker-size N] [--style S]
 *                 [--report] [--json] BASE OURS THEIRS
 * agentdiff merge-driver BASE CURRENT OTHER [MARKER-SIZE [PATH [S X Y]]]
 *
 * Both run diff/merge.h's section-level three-way merge.  `merge` prints
 * the result (or writes OUT); `merge-driver` follows git's contract for a
 * merge driver (gitattributes(5)): git runs it as
 * `agentdiff merge-driver %O %A %B %L %P` and it leaves the result in %A.
 *
 * When the section merge fails (an input the parser refuses, a limit, a
 * bug), both fall back to a line-level diff3 of the whole files, as `git
 * merge-file` makes it, and when that fails too, to ours then theirs whole
 * between conflict markers: the result always holds both sides, so that a
 * `git add` after the driver can never silently drop theirs.  Marker sizes
 * are any positive number, as git's conflict-marker-size; past
 * AD_MERGE_MAX_MARKER_SIZE the markers are written at that length.
 *
 * Exit status of both: 0 merged cleanly, 1 conflicts were left (marked in
 * the result), 2 trouble: nothing written (an input could not be read, the
 * result could not be written), or a fallback result written (see above),
 * as the message says.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "json.h"
#include "merge.h"
#include "term.h"
#include "util.h"

/* Larger inputs cannot be read (nothing is written).  Up to
 * AD_MERGE_MAX_STRUCTURED they are merged section by section, up to
 * AD_MERGE_MAX_TEXT as plain lines, above that written whole (see above). */
#define READ_LIMIT ((size_t)1 << 30)

static const char merge_usage[] =
	"usage: agentdiff merge [options] BASE OURS THEIRS\n"
	"\n"
	"Merges the changes from BASE to OURS and from BASE to THEIRS, section by\n"
	"section: a section changed on one side takes that side, one moved on one\n"
	"side and edited on the other keeps both, frontmatter is merged field by\n"
	"field with tools as a set, and text edited on both sides is merged line\n"
	"by line with conflict markers where the edits overlap.  The result goes\n"
	"to standard output (shown with control characters made visible when it\n"
	"is a terminal), or to OUT.\n"
	"\n"
	"  -o, --output OUT     write the result to OUT (atomically)\n"
	"  -L, --label LABEL    label after the conflict markers; up to three times,\n"
	"                       for BASE, OURS and THEIRS in that order (default:\n"
	"                       the file names)\n"
	"  --marker-size N      length of the conflict markers (default 7; above\n"
	"                       1048576, markers of that length)\n"
	"  --style diff3|merge  show the base text in conflicts (diff3, default) or not\n"
	"  --report             say on standard error what happened to each field\n"
	"                       and section that changed\n"
	"  --json               print the report as JSON (with the merged text unless\n"
	"                       -o is given) instead of the merged text\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 merged cleanly, 1 conflicts left, 2 trouble: nothing\n"
	"written, or, when the section merge failed, the files merged as lines\n"
	"(or ours and theirs whole between conflict markers), as the message says.\n";

static const char driver_usage[] =
	"usage: agentdiff merge-driver BASE CURRENT OTHER [MARKER-SIZE [PATH [S X Y]]]\n"
	"\n"
	"A git merge driver: merges like 'agentdiff merge BASE CURRENT OTHER' and\n"
	"writes the result over CURRENT.  Configure it with\n"
	"\n"
	"  git config merge.agentdiff.name 'agentdiff section-level merge'\n"
	"  git config merge.agentdiff.driver 'agentdiff merge-driver %O %A %B %L %P'\n"
	"\n"
	"and a line such as '.claude/agents/*.md merge=agentdiff' in .gitattributes.\n"
	"Git 2.44 and later can also pass %S %X %Y, the names of the revisions,\n"
	"which then label the conflict markers.\n"
	"\n"
	"Exit status: 0 merged cleanly, 1 conflicts left, 2 trouble: CURRENT left\n"
	"as it was when an input could not be read, else (the section merge\n"
	"failed) the files merged as lines with conflict markers, or ours and\n"
	"theirs whole between markers, as the message says.  Either way git\n"
	"leaves the file unmerged.\n";

typedef struct {
	char *data;
	size_t len;
} input;

static void error_path(const char *what, const char *path, const char *why)
{
	ad_buf msg = AD_BUF_INIT;

	ad_term_sanitize(&msg, path, strlen(path), false);
	ad_cli_errorf("%s%s: %s", what, ad_buf_cstr(&msg), why);
	ad_buf_free(&msg);
}

static int read_inputs(input in[3], char *const paths[3])
{
	ad_error err = AD_ERROR_INIT;
	int i;

	for (i = 0; i < 3; i++) {
		if (ad_read_file(&in[i].data, &in[i].len, paths[i], READ_LIMIT, &err) < 0) {
			ad_cli_error(&err);
			ad_error_clear(&err);
			return -1;
		}
	}
	return 0;
}

static void free_inputs(input in[3])
{
	int i;

	for (i = 0; i < 3; i++)
		free(in[i].data);
}

/* Whether writing to out would replace an input that changed since it was
 * read (merge -o OURS, or git's %A): then we refuse rather than lose it. */
/* Which input out is (the same file, by device and inode), or -1. */
static int input_at(const char *out, char *const paths[3])
{
	struct stat so, si;
	int i;

	if (stat(out, &so) < 0)
		return -1;
	for (i = 0; i < 3; i++)
		if (stat(paths[i], &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
			return i;
	return -1;
}

static bool changed_since_read(const char *out, char *const paths[3], const input in[3])
{
	struct stat so, si;
	int i;

	if (stat(out, &so) < 0)
		return false;
	for (i = 0; i < 3; i++) {
		char *now = NULL;
		size_t len = 0;
		bool differs;

		if (stat(paths[i], &si) < 0 || si.st_dev != so.st_dev || si.st_ino != so.st_ino)
			continue;
		if (ad_read_file(&now, &len, paths[i], READ_LIMIT, NULL) < 0)
			return true;
		differs = len != in[i].len || memcmp(now, in[i].data, len) != 0;
		free(now);
		if (differs)
			return true;
	}
	return false;
}

/* A marker size as git takes it: any positive number (cmd and what name
 * it in messages); past AD_MERGE_MAX_MARKER_SIZE, that, with a warning. */
static int parse_marker_size(const char *s, const char *cmd, const char *what, int *out)
{
	const char *p = s;
	bool big = false;
	long v = 0;

	while (*p == '0')
		p++;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > AD_MERGE_MAX_MARKER_SIZE) {
			big = true;
			v = AD_MERGE_MAX_MARKER_SIZE;
		}
	}
	if (*p || p == s || (!big && v == 0)) {
		ad_buf msg = AD_BUF_INIT;

		ad_term_sanitize(&msg, s, strlen(s), false);
		ad_cli_errorf("%s: %s must be a positive number, not '%s'", cmd, what,
			      ad_buf_cstr(&msg));
		ad_buf_free(&msg);
		return -1;
	}
	if (big)
		ad_cli_errorf("%s: warning: %s is over %d; conflict markers of %d written", cmd,
			      what, AD_MERGE_MAX_MARKER_SIZE, AD_MERGE_MAX_MARKER_SIZE);
	*out = (int)v;
	return 0;
}

/*
 * Fault injection for the tests, as fileio.c does it: with
 * AD_FAULT_INJECT=merge the section merge fails as if it had, with
 * AD_FAULT_INJECT=merge-lines the line merge after it as well.
 */
static bool injected(const char *step)
{
	const char *v = getenv("AD_FAULT_INJECT");

	if (!v)
		return false;
	return !strcmp(v, step) || (!strcmp(step, "merge") && !strcmp(v, "merge-lines"));
}

/* How the result was made. */
typedef enum {
	BY_SECTIONS = 0, /* ad_merge3_buffers: the normal case */
	BY_LINES,        /* the section merge failed: a diff3 of lines */
	BY_WHOLE         /* that failed too: ours, then theirs, as one conflict */
} merged_by;

/*
 * Merges the three inputs, falling back as the top of this file says, and
 * says on standard error why it fell back (shown: the file to name).  The
 * options were checked, so the last step cannot fail.
 */
static merged_by merge_inputs(ad_merge_result **out, const input in[3],
			      const ad_merge_options *opts, const char *shown)
{
	ad_error err = AD_ERROR_INIT;
	ad_buf name = AD_BUF_INIT;
	merged_by by = BY_SECTIONS;

	ad_term_sanitize(&name, shown, strlen(shown), false);
	if (injected("merge"))
		ad_error_set(&err, AD_ERROR, NULL, 0, 0, "injected fault");
	else if (ad_merge3_buffers(out, in[0].data, in[0].len, in[1].data, in[1].len, in[2].data,
				   in[2].len, opts, &err) >= 0)
		goto done;
	by = BY_LINES;
	ad_cli_errorf("%s: cannot merge section by section: %s; merging as lines",
		      ad_buf_cstr(&name), err.message ? err.message : "unknown error");
	ad_error_clear(&err);
	if (injected("merge-lines"))
		ad_error_set(&err, AD_ERROR, NULL, 0, 0, "injected fault");
	else if (ad_merge3_text(out, in[0].data, in[0].len, in[1].data, in[1].len, in[2].data,
				in[2].len, opts, &err) >= 0)
		goto done;
	by = BY_WHOLE;
	ad_cli_errorf("%s: cannot merge as lines either: %s; writing ours, then theirs, "
		      "whole between conflict markers", ad_buf_cstr(&name),
		      err.message ? err.message : "unknown error");
	ad_error_clear(&err);
	if (ad_merge3_whole(out, in[1].data, in[1].len, in[2].data, in[2].len, opts, &err) < 0)
		abort(); /* options checked by the caller */
done:
	ad_error_clear(&err);
	ad_buf_free(&name);
	return by;
}

static const char *moved_text(unsigned moved)
{
	switch (moved) {
	case AD_MERGE_MOVED_OURS: return "moved by ours";
	case AD_MERGE_MOVED_THEIRS: return "moved by theirs";
	case AD_MERGE_MOVED_OURS | AD_MERGE_MOVED_THEIRS: return "moved by both";
	}
	return NULL;
}

static void item_label(ad_buf *out, const ad_merge_item *it)
{
	switch (it->kind) {
	case AD_MERGE_ITEM_FILE:
		ad_buf_puts(out, "(whole file)");
		break;
	case AD_MERGE_ITEM_HEAD:
		ad_buf_puts(out, "(frontmatter)");
		break;
	case AD_MERGE_ITEM_FIELD:
		ad_cli_put_cut(out, it->name, strlen(it->name), 50);
		ad_buf_putc(out, ':');
		break;
	case AD_MERGE_ITEM_CLOSE:
		ad_buf_puts(out, "</");
		ad_cli_put_cut(out, it->name, strlen(it->name), 50);
		ad_buf_putc(out, '>');
		break;
	case AD_MERGE_ITEM_SECTION:
		if (*it->name)
			ad_cli_put_cut(out, it->name, strlen(it->name), 60);
		else
			ad_buf_puts(out, "(text before the first heading)");
		break;
	}
}

/* "  conflict     section  Role  (line 12, moved by theirs)" per item that
 * is not plainly kept. */
static void print_report(FILE *fp, const ad_merge_result *res)
{
	ad_buf line = AD_BUF_INIT;
	size_t i;

	for (i = 0; i < ad_merge_result_item_count(res); i++) {
		const ad_merge_item *it = ad_merge_result_item(res, i);
		const char *mv = moved_text(it->moved);

		if (it->action == AD_MERGE_KEPT && !mv)
			continue;
		ad_buf_clear(&line);
		ad_buf_printf(&line, "  %-24s %-8s ", ad_merge_action_name(it->action),
			      ad_merge_item_kind_name(it->kind));
		item_label(&line, it);
		if (it->line > 0 || mv || it->as_lines || it->changed_inside) {
			const char *sep = "";

			ad_buf_puts(&line, "  (");
			if (it->line > 0) {
				ad_buf_printf(&line, "line %d", it->line);
				sep = ", ";
			}
			if (mv) {
				ad_buf_printf(&line, "%s%s", sep, mv);
				sep = ", ";
			}
			if (it->changed_inside) {
				ad_buf_printf(&line, "%sa subsection changed by %s", sep,
					      it->action == AD_MERGE_CONFLICT_DELETED_OURS ? "theirs" : "ours");
				sep = ", ";
			}
			if (it->as_lines)
				ad_buf_printf(&line, "%ssections not surely paired, merged as lines", sep);
			ad_buf_putc(&line, ')');
		}
		ad_buf_putc(&line, '\n');
		fputs(ad_buf_cstr(&line), fp);
	}
	fprintf(fp, "%zu %s\n", ad_merge_result_conflicts(res),
		ad_cli_plural(ad_merge_result_conflicts(res), "conflict", "conflicts"));
	ad_buf_free(&line);
}

static void json_report(ad_buf *out, const ad_merge_result *res, const char *output,
			bool with_text)
{
	static const char *const side[3] = { "base", "ours", "theirs" };
	ad_json j;
	size_t i;
	int s;

	ad_json_init(&j, out, true);
	ad_json_object_begin(&j);
	ad_json_key(&j, "conflicts");
	ad_json_uint(&j, ad_merge_result_conflicts(res));
	ad_json_key(&j, "plain");
	ad_json_bool(&j, ad_merge_result_plain(res));
	ad_json_key(&j, "output");
	if (output)
		ad_json_string(&j, output);
	else
		ad_json_null(&j);
	ad_json_key(&j, "items");
	ad_json_array_begin(&j);
	for (i = 0; i < ad_merge_result_item_count(res); i++) {
		const ad_merge_item *it = ad_merge_result_item(res, i);

		ad_json_object_begin(&j);
		ad_json_key(&j, "kind");
		ad_json_string(&j, ad_merge_item_kind_name(it->kind));
		ad_json_key(&j, "name");
		ad_json_string(&j, it->name);
		ad_json_key(&j, "action");
		ad_json_string(&j, ad_merge_action_name(it->action));
		ad_json_key(&j, "moved");
		ad_json_array_begin(&j);
		if (it->moved & AD_MERGE_MOVED_OURS)
			ad_json_string(&j, "ours");
		if (it->moved & AD_MERGE_MOVED_THEIRS)
			ad_json_string(&j, "theirs");
		ad_json_array_end(&j);
		ad_json_key(&j, "conflicts");
		ad_json_uint(&j, it->conflicts);
		ad_json_key(&j, "line");
		ad_json_int(&j, it->line);
		ad_json_key(&j, "as_lines");
		ad_json_bool(&j, it->as_lines);
		ad_json_key(&j, "changed_inside");
		ad_json_bool(&j, it->changed_inside);
		if (it->kind == AD_MERGE_ITEM_SECTION || it->kind == AD_MERGE_ITEM_CLOSE) {
			ad_json_key(&j, "sections");
			ad_json_object_begin(&j);
			for (s = 0; s < 3; s++) {
				ad_json_key(&j, side[s]);
				if (it->section[s] >= 0)
					ad_json_int(&j, it->section[s]);
				else
					ad_json_null(&j);
			}
			ad_json_object_end(&j);
		}
		ad_json_object_end(&j);
	}
	ad_json_array_end(&j);
	if (with_text) {
		ad_json_key(&j, "text");
		ad_json_stringn(&j, ad_merge_result_data(res), ad_merge_result_size(res));
	}
	ad_json_object_end(&j);
	ad_buf_putc(out, '\n');
}

static int write_result(const char *path, char *const paths[3], const input in[3],
			const ad_merge_result *res, bool scratch)
{
	ad_write_options wopts = AD_WRITE_OPTIONS_INIT;
	ad_error err = AD_ERROR_INIT;
	int same = input_at(path, paths);

	if (changed_since_read(path, paths, in)) {
		error_path("", path, "changed on disk while merging; not overwritten");
		return -1;
	}
	/* git's %A is a scratch file git reads back at once and deletes:
	 * renamed into place atomically, but not synced (fsync of the file and
	 * its folder costs more than the whole merge).  Files the user keeps
	 * (merge -o) are synced.  An output that is one of the inputs is
	 * checked again under the writer's lock, right before the rename: a
	 * change another program makes meanwhile is never overwritten. */
	wopts.flags = scratch ? AD_WRITE_NO_SYNC : 0;
	if (same >= 0) {
		wopts.flags |= AD_WRITE_IF_UNCHANGED;
		wopts.expect = in[same].data;
		wopts.expect_len = in[same].len;
	}
	if (ad_write_file(path, ad_merge_result_data(res), ad_merge_result_size(res), &wopts,
			  &err) < 0) {
		ad_cli_error(&err);
		ad_error_clear(&err);
		return -1;
	}
	return 0;
}

int ad_cli_merge(int argc, char **argv)
{
	ad_merge_options opts = AD_MERGE_OPTIONS_INIT;
	ad_merge_result *res = NULL;
	merged_by by;
	input in[3];
	char *paths[3] = { NULL, NULL, NULL };
	const char *labels[3] = { NULL, NULL, NULL }, *output = NULL;
	bool opts_done = false, report = false, json = false;
	int i, npaths = 0, nlabels = 0, status = 2;

	memset(in, 0, sizeof(in));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;

		if (opts_done || a[0] != '-' || !a[1]) {
			if (npaths >= 3) {
				ad_cli_errorf("merge: needs exactly three files: BASE OURS THEIRS");
				fputs(merge_usage, stderr);
				goto done;
			}
			paths[npaths++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			opts_done = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(merge_usage, stdout);
			status = 0;
			goto done;
		} else if (!strcmp(a, "--report")) {
			report = true;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "-L") ||
			   !strcmp(a, "--label") || !strcmp(a, "--marker-size") ||
			   !strcmp(a, "--style") || !strncmp(a, "--marker-size=", 14) ||
			   !strncmp(a, "--style=", 8) || !strncmp(a, "--output=", 9) ||
			   !strncmp(a, "--label=", 8)) {
			const char *eq = strchr(a, '=');

			if (eq && !strncmp(a, "--", 2)) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				ad_cli_errorf("merge: %s needs a value", a);
				goto done;
			}
			if (a[1] == 'o' || !strncmp(a, "--output", 8)) {
				output = val;
			} else if (a[1] == 'L' || !strncmp(a, "--label", 7)) {
				if (nlabels >= 3) {
					ad_cli_errorf("merge: at most three labels");
					goto done;
				}
				labels[nlabels++] = val;
			} else if (!strncmp(a, "--marker-size", 13)) {
				if (parse_marker_size(val, "merge", "--marker-size", &opts.marker_size) < 0)
					goto done;
			} else if (!strcmp(val, "diff3")) {
				opts.style = AD_MERGE_STYLE_DIFF3;
			} else if (!strcmp(val, "merge")) {
				opts.style = AD_MERGE_STYLE_MERGE;
			} else {
				ad_cli_errorf("merge: --style is diff3 or merge");
				goto done;
			}
		} else {
			ad_buf msg = AD_BUF_INIT;

			ad_term_sanitize(&msg, a, strlen(a), false);
			ad_cli_errorf("merge: unknown option '%s'", ad_buf_cstr(&msg));
			ad_buf_free(&msg);
			fputs(merge_usage, stderr);
			goto done;
		}
	}
	if (npaths != 3) {
		ad_cli_errorf("merge: needs exactly three files: BASE OURS THEIRS");
		fputs(merge_usage, stderr);
		goto done;
	}
	opts.label_base = labels[0] ? labels[0] : paths[0];
	opts.label_ours = labels[1] ? labels[1] : paths[1];
	opts.label_theirs = labels[2] ? labels[2] : paths[2];

	if (read_inputs(in, paths) < 0)
		goto done;
	by = merge_inputs(&res, in, &opts, paths[1]);
	if (output && write_result(output, paths, in, res, false) < 0)
		goto done;
	if (json) {
		ad_buf out = AD_BUF_INIT;
		int w;

		json_report(&out, res, output, !output);
		w = ad_cli_write_stdout(&out);
		ad_buf_free(&out);
		if (w < 0) {
			ad_cli_errorf("error writing to standard output");
			goto done;
		}
	} else if (!output &&
		   ad_cli_write_result(ad_merge_result_data(res), ad_merge_result_size(res)) < 0) {
		ad_cli_errorf("error writing to standard output");
		goto done;
	}
	if (report)
		print_report(stderr, res);
	status = by != BY_SECTIONS ? 2 : ad_merge_result_conflicts(res) ? 1 : 0;
done:
	ad_merge_result_free(res);
	free_inputs(in);
	return status;
}

/* "ours:PATH", or just "ours" without a path. */
static char *driver_label(const char *side, const char *path)
{
	ad_buf b = AD_BUF_INIT;

	ad_buf_puts(&b, side);
	if (path && *path) {
		ad_buf_putc(&b, ':');
		ad_buf_puts(&b, path);
	}
	return ad_buf_detach(&b);
}

int ad_cli_merge_driver(int argc, char **argv)
{
	ad_merge_options opts = AD_MERGE_OPTIONS_INIT;
	ad_merge_result *res = NULL;
	input in[3];
	char *paths[3], *labels[3] = { NULL, NULL, NULL };
	const char *path = NULL, *shown;
	ad_buf msg = AD_BUF_INIT;
	merged_by by;
	size_t n;
	int status = 2, s;

	memset(in, 0, sizeof(in));
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(driver_usage, stdout);
		return 0;
	}
	if (argc < 4 || argc > 9 || argc == 7 || argc == 8) {
		ad_cli_errorf("merge-driver: expects %%O %%A %%B [%%L [%%P [%%S %%X %%Y]]]");
		fputs(driver_usage, stderr);
		return 2;
	}
	paths[0] = argv[1];
	paths[1] = argv[2];
	paths[2] = argv[3];
	if (argc > 4 &&
	    parse_marker_size(argv[4], "merge-driver", "the marker size (%L)",
			      &opts.marker_size) < 0)
		return 2;
	if (argc > 5)
		path = argv[5];
	if (argc == 9) {
		/* %S %X %Y: the revisions' names, as git labels its own markers. */
		labels[0] = ad_xstrdup(argv[6]);
		labels[1] = ad_xstrdup(argv[7]);
		labels[2] = ad_xstrdup(argv[8]);
	} else {
		labels[0] = driver_label("base", path);
		labels[1] = driver_label("ours", path);
		labels[2] = driver_label("theirs", path);
	}
	opts.label_base = labels[0];
	opts.label_ours = labels[1];
	opts.label_theirs = labels[2];

	shown = path && *path ? path : paths[1];
	ad_term_sanitize(&msg, shown, strlen(shown), false);
	if (read_inputs(in, paths) < 0) {
		ad_cli_errorf("%s: not merged; left as it was", ad_buf_cstr(&msg));
		goto done;
	}
	by = merge_inputs(&res, in, &opts, shown);
	if (write_result(paths[1], paths, in, res, true) < 0)
		goto done;
	n = ad_merge_result_conflicts(res);
	if (by != BY_SECTIONS) {
		ad_cli_errorf("%s: left unmerged, %s with %zu %s: check it before git add",
			      ad_buf_cstr(&msg), by == BY_LINES ? "merged as lines" :
			      "ours and theirs whole", n, ad_cli_plural(n, "conflict", "conflicts"));
		status = 2;
	} else if (n) {
		ad_cli_errorf("%s: %zu %s left in the merge", ad_buf_cstr(&msg), n,
			      ad_cli_plural(n, "conflict", "conflicts"));
		status = 1;
	} else {
		status = 0;
	}
done:
	ad_merge_result_free(res);
	ad_buf_free(&msg);
	free_inputs(in);
	for (s = 0; s < 3; s++)
		free(labels[s]);
	return status;
}
