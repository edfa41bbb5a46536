#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "diag.h"
#include "doc.h"
#include "json.h"
#include "lint.h"
#include "util.h"
#include "workspace.h"

static const char check_usage[] =
	"usage: agentdiff check [--json] [--] PATH...\n"
	"\n"
	"Lints agent definitions for what makes them fail to load or behave\n"
	"differently than their author thinks: missing or misplaced frontmatter,\n"
	"YAML errors, a missing name or description, tools written in a form some\n"
	"loaders misread, duplicate keys, control characters, empty sections.\n"
	"A PATH may be a file or a folder; folders are searched recursively for\n"
	"Markdown files (.md, .markdown), skipping .git, node_modules and hidden\n"
	"folders other than .claude.\n"
	"\n"
	"Each finding is printed as 'path:line:column: severity: message [id]'.\n"
	"Exit status: 0 when there is no error or warning (infos alone do not\n"
	"count), 1 when there is, 2 when the check could not run.\n"
	"\n"
	"  --json      print JSON instead of text\n"
	"  -h, --help  show this help\n";

typedef struct {
	const char *path; /* borrowed from the workspace */
	const ad_doc *doc;
	ad_doc *owned;    /* read here: a Markdown file the workspace skipped */
} entry;

typedef struct {
	size_t files, errors, warnings, infos;
} totals;

static int entry_cmp(const void *a, const void *b)
{
	const entry *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static bool is_markdown(const char *path)
{
	size_t n = strlen(path);

	return (n >= 3 && strcasecmp(path + n - 3, ".md") == 0) ||
	       (n >= 9 && strcasecmp(path + n - 9, ".markdown") == 0);
}

static void print_finding(const char *path, const ad_diag *d)
{
	ad_cli_print(path);
	if (d->line > 0) {
		printf(":%d", d->line);
		if (d->column > 0)
			printf(":%d", d->column);
	}
	printf(": %s: ", ad_diag_severity_name(d->severity));
	ad_cli_print(d->message ? d->message : "");
	fputs(" [", stdout);
	ad_cli_print(d->id ? d->id : "");
	fputs("]\n", stdout);
}

static void json_finding(ad_json *j, const ad_diag *d)
{
	ad_json_object_begin(j);
	ad_json_key(j, "line");
	ad_json_int(j, d->line);
	ad_json_key(j, "column");
	ad_json_int(j, d->column);
	ad_json_key(j, "severity");
	ad_json_string(j, ad_diag_severity_name(d->severity));
	ad_json_key(j, "id");
	ad_json_string(j, d->id ? d->id : "");
	ad_json_key(j, "message");
	ad_json_string(j, d->message ? d->message : "");
	ad_json_object_end(j);
}

static void check_one(const entry *e, bool json, ad_json *j, totals *t)
{
	ad_diags diags = AD_DIAGS_INIT;
	ad_arena arena = AD_ARENA_INIT;
	size_t i;

	ad_lint_doc(&diags, &arena, e->doc, NULL);
	t->files++;
	for (i = 0; i < diags.count; i++) {
		switch (diags.items[i].severity) {
		case AD_DIAG_ERROR:
			t->errors++;
			break;
		case AD_DIAG_WARNING:
			t->warnings++;
			break;
		case AD_DIAG_INFO:
			t->infos++;
			break;
		}
	}
	if (json) {
		ad_json_object_begin(j);
		ad_json_key(j, "path");
		ad_json_string(j, e->path);
		ad_json_key(j, "findings");
		ad_json_array_begin(j);
		for (i = 0; i < diags.count; i++)
			json_finding(j, &diags.items[i]);
		ad_json_array_end(j);
		ad_json_object_end(j);
	} else {
		for (i = 0; i < diags.count; i++)
			print_finding(e->path, &diags.items[i]);
	}
	ad_diags_free(&diags);
	ad_arena_free(&arena);
}

/*
 * Everything to lint: the workspace's agent definitions, and the Markdown
 * files it skipped for having no name (or NUL bytes), which are exactly
 * what a lint is for.  Files that cannot be read (unreadable, too large,
 * a FIFO or device named like Markdown) and folders that were not searched
 * (unreadable, a path too long, too deep) are reported and set *failed:
 * a lint that did not see every agent must not pass.
 */
static entry *collect(size_t *out_count, const ad_workspace *ws, bool *failed)
{
	ad_doc_options dopts = AD_DOC_OPTIONS_INIT;
	size_t cap = 0, n = 0, i, k;
	entry *list = NULL;

	for (i = 0; i < ad_ws_agent_count(ws); i++) {
		const ad_ws_agent *a = ad_ws_agent_at(ws, i);

		for (k = 0; k < a->nvariants; k++) {
			if (!a->variants[k].doc)
				continue;
			ad_xgrow((void **)&list, &cap, n + 1, sizeof(*list));
			list[n].path = a->variants[k].path;
			list[n].doc = a->variants[k].doc;
			list[n].owned = NULL;
			n++;
		}
	}
	for (i = 0; i < ad_ws_skipped_count(ws); i++) {
		const ad_ws_skipped *sk = ad_ws_skipped_at(ws, i);
		ad_error err = AD_ERROR_INIT;
		ad_doc *doc = NULL;

		switch (sk->reason) {
		case AD_WS_SKIP_NO_NAME:
		case AD_WS_SKIP_BINARY:
			if (!is_markdown(sk->path))
				break;
			if (ad_doc_load(&doc, sk->path, &dopts, &err) < 0) {
				if (!err.path)
					err.path = ad_xstrdup(sk->path);
				ad_cli_error(&err);
				*failed = true;
				break;
			}
			ad_xgrow((void **)&list, &cap, n + 1, sizeof(*list));
			list[n].path = sk->path;
			list[n].doc = doc;
			list[n].owned = doc;
			n++;
			break;
		case AD_WS_SKIP_UNREADABLE:
		case AD_WS_SKIP_TOO_LARGE:
		case AD_WS_SKIP_TOO_DEEP:
		case AD_WS_SKIP_NOT_REGULAR: /* only Markdown names get this far */
			fputs("agentdiff: ", stderr);
			ad_cli_put_sanitized(stderr, sk->path, strlen(sk->path));
			fputs(": ", stderr);
			ad_cli_put_sanitized(stderr, sk->message, strlen(sk->message));
			fputc('\n', stderr);
			*failed = true;
			break;
		default:
			break;
		}
		ad_error_clear(&err);
	}
	if (n > 1)
		qsort(list, n, sizeof(*list), entry_cmp);
	*out_count = n;
	return list;
}

int ad_cli_check(int argc, char **argv)
{
	ad_ws_options opts = AD_WS_OPTIONS_INIT;
	ad_error err = AD_ERROR_INIT;
	ad_workspace *ws = NULL;
	ad_buf out = AD_BUF_INIT;
	ad_json j;
	const char **paths = NULL;
	entry *list = NULL;
	size_t npaths = 0, nlist = 0, i;
	totals t = { 0, 0, 0, 0 };
	bool json = false, options_done = false, failed = false;
	int status = 0;

	paths = ad_xcalloc((size_t)(argc > 0 ? argc : 1), sizeof(*paths));
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
			paths[npaths++] = arg;
		} else if (strcmp(arg, "--") == 0) {
			options_done = true;
		} else if (strcmp(arg, "--json") == 0) {
			json = true;
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(check_usage, stdout);
			goto done;
		} else {
			ad_cli_errorf("check: unknown option '%s' (see 'agentdiff check --help')", arg);
			status = 2;
			goto done;
		}
	}
	if (npaths == 0) {
		ad_cli_errorf("check: no PATH given (see 'agentdiff check --help')");
		status = 2;
		goto done;
	}

	opts.max_file_size = AD_DOC_MAX_SIZE;
	if (ad_ws_scan(&ws, paths, npaths, &opts, &err) < 0) {
		ad_cli_error(&err);
		status = 2;
		goto done;
	}
	list = collect(&nlist, ws, &failed);

	if (json) {
		ad_json_init(&j, &out, true);
		ad_json_object_begin(&j);
		ad_json_key(&j, "files");
		ad_json_array_begin(&j);
	}
	for (i = 0; i < nlist; i++)
		check_one(&list[i], json, &j, &t);
	if (json) {
		ad_json_array_end(&j);
		ad_json_key(&j, "summary");
		ad_json_object_begin(&j);
		ad_json_key(&j, "files");
		ad_json_uint(&j, t.files);
		ad_json_key(&j, "errors");
		ad_json_uint(&j, t.errors);
		ad_json_key(&j, "warnings");
		ad_json_uint(&j, t.warnings);
		ad_json_key(&j, "infos");
		ad_json_uint(&j, t.infos);
		ad_json_object_end(&j);
		ad_json_object_end(&j);
		if (out.size == 0 || out.ptr[out.size - 1] != '\n')
			ad_buf_putc(&out, '\n');
		if (ad_cli_write_stdout(&out) < 0) {
			ad_cli_errorf("check: cannot write the results: %s", strerror(errno));
			failed = true;
		}
	} else {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			ad_cli_errorf("check: cannot write the results: %s", strerror(errno));
			failed = true;
		}
		fprintf(stderr, "%zu %s checked, %zu %s, %zu %s", t.files,
			ad_cli_plural(t.files, "file", "files"), t.errors,
			ad_cli_plural(t.errors, "error", "errors"), t.warnings,
			ad_cli_plural(t.warnings, "warning", "warnings"));
		if (t.infos)
			fprintf(stderr, ", %zu %s", t.infos, ad_cli_plural(t.infos, "info", "infos"));
		fputc('\n', stderr);
	}
	if (failed)
		status = 2;
	else if (t.errors || t.warnings)
		status = 1;
done:
	for (i = 0; list && i < nlist; i++)
		ad_doc_free(list[i].owned);
	free(list);
	ad_buf_free(&out);
	ad_error_clear(&err);
	ad_ws_free(ws);
	free(paths);
	return status;
}
