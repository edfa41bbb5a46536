#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "term.h"
#include "utf8.h"
#include "util.h"
#include "workspace.h"

static const char ls_usage[] =
	"usage: agentdiff ls [--json | --outline] [--] [PATH...]\n"
	"\n"
	"Lists the agent definitions found in the PATHs (default: the current\n"
	"folder), grouped by name, and the files that were skipped and why.\n"
	"Folders are searched recursively; a Markdown file counts when its\n"
	"frontmatter has a name or it lies under an agents/ folder.  A file named\n"
	"on the command line always counts.  Exits 2 when a folder could not be\n"
	"searched (it cannot be read, its path is too long, it is too deep).\n"
	"\n"
	"  --json      print JSON instead of text\n"
	"  --outline   under each variant, its top two levels of sections\n"
	"  -h, --help  show this help\n";

/* Display columns of s once sanitized (a CJK name takes two a character). */
static size_t display_width(const char *s)
{
	ad_buf tmp = AD_BUF_INIT;
	size_t width;

	ad_term_sanitize(&tmp, s, strlen(s), false);
	width = ad_utf8_width(tmp.ptr, tmp.size);
	ad_buf_free(&tmp);
	return width;
}

static int digits(size_t n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static void print_text(const ad_workspace *ws, bool outline)
{
	size_t nagents = ad_ws_agent_count(ws), nskipped = ad_ws_skipped_count(ws);
	size_t path_w = 0, not_markdown = 0, i, j;
	int sections_w = 1, bytes_w = 1;

	for (i = 0; i < nagents; i++) {
		const ad_ws_agent *a = ad_ws_agent_at(ws, i);

		for (j = 0; j < a->nvariants; j++) {
			const ad_ws_variant *v = &a->variants[j];
			size_t w = display_width(v->path);

			if (w > path_w)
				path_w = w;
			if (digits(v->nsections) > sections_w)
				sections_w = digits(v->nsections);
			if (digits(v->size) > bytes_w)
				bytes_w = digits(v->size);
		}
	}

	for (i = 0; i < nagents; i++) {
		const ad_ws_agent *a = ad_ws_agent_at(ws, i);

		ad_cli_print(a->name);
		printf("  %zu %s", a->nvariants, ad_cli_plural(a->nvariants, "variant", "variants"));
		if (a->nfolders > 1)
			printf(" in %zu folders", a->nfolders);
		putchar('\n');
		for (j = 0; j < a->nvariants; j++) {
			const ad_ws_variant *v = &a->variants[j];

			fputs("  ", stdout);
			ad_cli_print(v->path);
			printf("%*s  %*zu %-8s  %*zu %s\n", (int)(path_w - display_width(v->path)), "",
			       sections_w, v->nsections, ad_cli_plural(v->nsections, "section", "sections"),
			       bytes_w, v->size, ad_cli_plural(v->size, "byte", "bytes"));
			if (outline && v->doc) {
				ad_buf tree = AD_BUF_INIT;

				ad_cli_outline(&tree, v->doc, "    ", 1);
				fwrite(ad_buf_cstr(&tree), 1, tree.size, stdout);
				ad_buf_free(&tree);
			}
		}
	}
	if (nagents == 0)
		puts("no agent definitions found");

	if (nskipped == 0)
		return;
	printf("skipped %zu %s:\n", nskipped, ad_cli_plural(nskipped, "file", "files"));
	for (i = 0; i < nskipped; i++) {
		const ad_ws_skipped *sk = ad_ws_skipped_at(ws, i);

		/* Every other file of a source tree would be listed here. */
		if (sk->reason == AD_WS_SKIP_NOT_MARKDOWN) {
			not_markdown++;
			continue;
		}
		fputs("  ", stdout);
		ad_cli_print(sk->path);
		fputs(": ", stdout);
		ad_cli_print(sk->message);
		putchar('\n');
	}
	if (not_markdown)
		printf("  %zu %s not Markdown (--json lists them)\n", not_markdown,
		       ad_cli_plural(not_markdown, "file is", "files are"));
}

/* What may hold agents that were not looked for (a folder that cannot be
 * read, a path too long, a folder too deep), each on stderr as
 * "agentdiff: PATH: why" (the listing has it too); how many. */
static size_t report_unread(const ad_workspace *ws)
{
	size_t i, n = 0;

	for (i = 0; i < ad_ws_skipped_count(ws); i++) {
		const ad_ws_skipped *sk = ad_ws_skipped_at(ws, i);

		if (!sk->not_searched)
			continue;
		fputs("agentdiff: ", stderr);
		ad_cli_put_sanitized(stderr, sk->path, strlen(sk->path));
		fputs(": ", stderr);
		ad_cli_put_sanitized(stderr, sk->message, strlen(sk->message));
		fputc('\n', stderr);
		n++;
	}
	return n;
}

static void print_json(ad_buf *out, const ad_workspace *ws)
{
	ad_json j;
	size_t i, k;

	ad_json_init(&j, out, true);
	ad_json_object_begin(&j);
	ad_json_key(&j, "agents");
	ad_json_array_begin(&j);
	for (i = 0; i < ad_ws_agent_count(ws); i++) {
		const ad_ws_agent *a = ad_ws_agent_at(ws, i);

		ad_json_object_begin(&j);
		ad_json_key(&j, "name");
		ad_json_string(&j, a->name);
		ad_json_key(&j, "folders");
		ad_json_uint(&j, a->nfolders);
		ad_json_key(&j, "variants");
		ad_json_array_begin(&j);
		for (k = 0; k < a->nvariants; k++) {
			const ad_ws_variant *v = &a->variants[k];

			ad_json_object_begin(&j);
			ad_json_key(&j, "path");
			ad_json_string(&j, v->path);
			ad_json_key(&j, "sections");
			ad_json_uint(&j, v->nsections);
			ad_json_key(&j, "bytes");
			ad_json_uint(&j, v->size);
			ad_json_key(&j, "name");
			if (v->name)
				ad_json_string(&j, v->name);
			else
				ad_json_null(&j);
			ad_json_object_end(&j);
		}
		ad_json_array_end(&j);
		ad_json_object_end(&j);
	}
	ad_json_array_end(&j);
	ad_json_key(&j, "skipped");
	ad_json_array_begin(&j);
	for (i = 0; i < ad_ws_skipped_count(ws); i++) {
		const ad_ws_skipped *sk = ad_ws_skipped_at(ws, i);

		ad_json_object_begin(&j);
		ad_json_key(&j, "path");
		ad_json_string(&j, sk->path);
		ad_json_key(&j, "reason");
		ad_json_string(&j, ad_ws_skip_reason_name(sk->reason));
		ad_json_key(&j, "message");
		ad_json_string(&j, sk->message);
		ad_json_object_end(&j);
	}
	ad_json_array_end(&j);
	ad_json_object_end(&j);
	if (out->size == 0 || out->ptr[out->size - 1] != '\n')
		ad_buf_putc(out, '\n');
}

int ad_cli_ls(int argc, char **argv)
{
	static const char *const default_paths[] = { "." };
	ad_ws_options opts = AD_WS_OPTIONS_INIT;
	ad_error err = AD_ERROR_INIT;
	ad_workspace *ws = NULL;
	ad_buf out = AD_BUF_INIT;
	const char **paths = NULL;
	const char *const *scan_paths;
	size_t npaths = 0;
	bool json = false, outline = false, options_done = false;
	int i, status = 0;

	paths = ad_xcalloc((size_t)(argc > 0 ? argc : 1), sizeof(*paths));
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
			paths[npaths++] = arg;
		} else if (strcmp(arg, "--") == 0) {
			options_done = true;
		} else if (strcmp(arg, "--json") == 0) {
			json = true;
		} else if (strcmp(arg, "--outline") == 0) {
			outline = true;
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(ls_usage, stdout);
			goto done;
		} else {
			ad_cli_errorf("ls: unknown option '%s' (see 'agentdiff ls --help')", arg);
			status = 2;
			goto done;
		}
	}

	/* A listing needs no document, only its summary; an outline does. */
	opts.summary_only = !outline;
	if (npaths == 0)
		scan_paths = default_paths;
	else
		scan_paths = paths;
	if (ad_ws_scan(&ws, scan_paths, npaths ? npaths : 1, &opts, &err) < 0) {
		ad_cli_error(&err);
		status = 2;
		goto done;
	}

	if (json) {
		print_json(&out, ws);
		if (ad_cli_write_stdout(&out) < 0)
			status = 2;
	} else {
		print_text(ws, outline);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			ad_cli_errorf("cannot write the listing: %s", strerror(errno));
			status = 2;
		}
	}
	if (report_unread(ws) > 0)
		status = 2;
done:
	ad_buf_free(&out);
	ad_error_clear(&err);
	ad_ws_free(ws);
	free(paths);
	return status;
}
