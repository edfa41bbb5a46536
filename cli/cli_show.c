/*
 * agentdiff show [--json] FILE: the outline of one agent definition.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "doc.h"
#include "json.h"
#include "term.h"

#define VALUE_WIDTH 60

static void show_usage(FILE *fp)
{
	fputs("usage: agentdiff show [--json] FILE\n"
	      "\n"
	      "Prints the frontmatter fields and the section tree of FILE with line\n"
	      "numbers; --json prints the same with byte spans.\n",
	      fp);
}

/* ---------------------------------------------------------------- JSON */

static void json_error(ad_json *j, const char *msg, int line, int column)
{
	ad_json_object_begin(j);
	ad_json_key(j, "message");
	ad_json_string(j, msg);
	ad_json_key(j, "line");
	ad_json_int(j, line);
	ad_json_key(j, "column");
	ad_json_int(j, column);
	ad_json_object_end(j);
}

static void json_frontmatter(ad_json *j, const ad_frontmatter *fm)
{
	size_t i, k;

	if (!fm) {
		ad_json_null(j);
		return;
	}
	ad_json_object_begin(j);
	ad_json_key(j, "start");
	ad_json_uint(j, fm->start);
	ad_json_key(j, "end");
	ad_json_uint(j, fm->end);
	ad_json_key(j, "line");
	ad_json_int(j, fm->line);
	ad_json_key(j, "end_line");
	ad_json_int(j, fm->end_line);
	ad_json_key(j, "misplaced");
	ad_json_bool(j, fm->misplaced);
	ad_json_key(j, "lenient");
	ad_json_bool(j, fm->lenient);
	ad_json_key(j, "fields");
	ad_json_array_begin(j);
	for (i = 0; i < fm->nfields; i++) {
		const ad_fm_field *f = &fm->fields[i];

		ad_json_object_begin(j);
		ad_json_key(j, "key");
		ad_json_string(j, f->key);
		ad_json_key(j, "line");
		ad_json_int(j, f->line);
		ad_json_key(j, "column");
		ad_json_int(j, f->column);
		ad_json_key(j, "kind");
		ad_json_string(j, ad_fm_kind_name(f->kind));
		ad_json_key(j, "value");
		ad_json_string(j, f->value);
		if (f->kind == AD_FM_BLOCK_LIST || f->kind == AD_FM_FLOW_LIST) {
			ad_json_key(j, "items");
			ad_json_array_begin(j);
			for (k = 0; k < f->nitems; k++)
				ad_json_string(j, f->items[k]);
			ad_json_array_end(j);
		}
		ad_json_key(j, "start");
		ad_json_uint(j, f->start);
		ad_json_key(j, "end");
		ad_json_uint(j, f->end);
		ad_json_object_end(j);
	}
	ad_json_array_end(j);
	ad_json_key(j, "error");
	if (fm->error)
		json_error(j, fm->error, fm->error_line, fm->error_column);
	else
		ad_json_null(j);
	ad_json_object_end(j);
}

/*
 * Writes the section tree.  Depth-first without recursion: the sections are
 * in pre-order, so a section's subtree ends where the next section at its
 * depth or shallower begins; we close as many "children" arrays as the depth
 * drops.
 */
static void json_sections(ad_json *j, const ad_doc *doc)
{
	const ad_section *secs = ad_doc_sections(doc);
	size_t n = ad_doc_section_count(doc), i;
	int depth = 0, d;

	ad_json_array_begin(j);
	for (i = 0; i < n; i++) {
		const ad_section *s = &secs[i];

		for (d = depth; d > s->depth; d--) {
			ad_json_array_end(j);
			ad_json_object_end(j);
		}
		depth = s->depth;
		ad_json_object_begin(j);
		ad_json_key(j, "title");
		ad_json_string(j, s->title);
		ad_json_key(j, "kind");
		ad_json_string(j, ad_section_kind_name(s->kind));
		if (s->kind == AD_SECTION_PREAMBLE) {
			ad_json_key(j, "blank");
			ad_json_bool(j, s->blank);
		}
		if (s->tag) {
			ad_json_key(j, "tag");
			ad_json_string(j, s->tag);
		}
		ad_json_key(j, "level");
		ad_json_int(j, s->level);
		ad_json_key(j, "line");
		ad_json_int(j, s->line);
		ad_json_key(j, "end_line");
		ad_json_int(j, s->end_line);
		ad_json_key(j, "start");
		ad_json_uint(j, s->start);
		ad_json_key(j, "end");
		ad_json_uint(j, s->end);
		ad_json_key(j, "children");
		ad_json_array_begin(j);
		if (s->first_child >= 0) {
			depth = s->depth + 1;
			continue;
		}
		ad_json_array_end(j);
		ad_json_object_end(j);
	}
	for (d = depth; d > 0; d--) {
		ad_json_array_end(j);
		ad_json_object_end(j);
	}
	ad_json_array_end(j);
}

static void json_diags(ad_json *j, const ad_doc *doc)
{
	const ad_diag *d = ad_doc_diags(doc);
	size_t i, n = ad_doc_diag_count(doc);

	ad_json_array_begin(j);
	for (i = 0; i < n; i++) {
		ad_json_object_begin(j);
		ad_json_key(j, "severity");
		ad_json_string(j, ad_diag_severity_name(d[i].severity));
		ad_json_key(j, "id");
		ad_json_string(j, d[i].id);
		ad_json_key(j, "message");
		ad_json_string(j, d[i].message);
		ad_json_key(j, "line");
		ad_json_int(j, d[i].line);
		ad_json_key(j, "column");
		ad_json_int(j, d[i].column);
		ad_json_object_end(j);
	}
	ad_json_array_end(j);
}

static void show_json(ad_buf *out, const ad_doc *doc)
{
	ad_json j;

	ad_json_init(&j, out, true);
	ad_json_object_begin(&j);
	ad_json_key(&j, "path");
	ad_json_string(&j, ad_doc_path(doc));
	ad_json_key(&j, "bytes");
	ad_json_uint(&j, ad_doc_size(doc));
	ad_json_key(&j, "lines");
	ad_json_int(&j, ad_doc_line_count(doc));
	ad_json_key(&j, "frontmatter");
	json_frontmatter(&j, ad_doc_frontmatter(doc));
	ad_json_key(&j, "sections");
	json_sections(&j, doc);
	ad_json_key(&j, "diagnostics");
	json_diags(&j, doc);
	ad_json_object_end(&j);
}

/* ---------------------------------------------------------------- text */


static void text_field_value(ad_buf *out, const ad_fm_field *f)
{
	ad_buf v = AD_BUF_INIT;
	size_t k;

	if (f->items) {
		for (k = 0; k < f->nitems; k++) {
			if (k)
				ad_buf_puts(&v, ", ");
			ad_buf_puts(&v, f->items[k]);
		}
		ad_cli_put_cut(out, ad_buf_cstr(&v), v.size, VALUE_WIDTH);
		ad_buf_printf(out, "  (%s, %zu)", ad_fm_kind_name(f->kind), f->nitems);
	} else {
		/* Show a block of text by its first line. */
		const char *nl = strpbrk(f->value, "\r\n");
		size_t len = nl ? (size_t)(nl - f->value) : strlen(f->value);

		ad_cli_put_cut(out, f->value, len, VALUE_WIDTH);
		if (f->kind != AD_FM_SCALAR && f->kind != AD_FM_NULL)
			ad_buf_printf(out, "  (%s)", ad_fm_kind_name(f->kind));
		else if (nl)
			ad_buf_puts(out, " ...");
	}
	ad_buf_free(&v);
}

void ad_cli_outline(ad_buf *out, const ad_doc *doc, const char *indent, int max_depth)
{
	const ad_section *secs = ad_doc_sections(doc);
	size_t i, n = ad_doc_section_count(doc);

	for (i = 0; i < n; i++) {
		const ad_section *s = &secs[i];
		int ind = s->depth * 2;

		if (max_depth >= 0 && s->depth > max_depth)
			continue;
		if (s->kind == AD_SECTION_PREAMBLE) {
			if (s->blank)
				continue;
			ad_buf_printf(out, "%s%5d  %*s(preamble, %zu bytes)\n", indent, s->line, ind,
				      "", s->end - s->start);
			continue;
		}
		ad_buf_printf(out, "%s%5d  %*s", indent, s->line, ind, "");
		if (s->kind == AD_SECTION_TAG) {
			ad_buf_putc(out, '<');
			ad_cli_put_cut(out, s->tag, strlen(s->tag), 40);
			ad_buf_putc(out, '>');
			if (strcmp(s->title, s->tag)) {
				ad_buf_putc(out, ' ');
				ad_cli_put_cut(out, s->title, strlen(s->title), 80);
			}
		} else {
			ad_buf_printf(out, "%.*s ", s->level, "######");
			ad_cli_put_cut(out, s->title, strlen(s->title), 80);
		}
		ad_buf_putc(out, '\n');
	}
}

static void show_text(ad_buf *out, const ad_doc *doc)
{
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);
	const ad_diag *diags = ad_doc_diags(doc);
	size_t i, n, keyw = 0;

	ad_cli_put_cut(out, ad_doc_path(doc), strlen(ad_doc_path(doc)), 200);
	ad_buf_printf(out, "  %zu bytes, %d lines\n", ad_doc_size(doc), ad_doc_line_count(doc));
	if (!fm) {
		ad_buf_puts(out, "frontmatter  none\n");
	} else {
		ad_buf_printf(out, "frontmatter  lines %d-%d%s%s\n", fm->line, fm->end_line,
			      fm->misplaced ? ", not at the top" : "",
			      fm->error ? ", YAML error" : "");
		for (i = 0; i < fm->nfields; i++)
			if (strlen(fm->fields[i].key) > keyw)
				keyw = strlen(fm->fields[i].key);
		if (keyw > 24)
			keyw = 24;
		for (i = 0; i < fm->nfields; i++) {
			const ad_fm_field *f = &fm->fields[i];
			size_t klen = strlen(f->key);

			ad_buf_printf(out, "%5d  ", f->line);
			ad_cli_put_cut(out, f->key, klen, 24);
			ad_buf_printf(out, "%*s  ", (int)(keyw > klen ? keyw - klen : 0), "");
			text_field_value(out, f);
			ad_buf_putc(out, '\n');
		}
	}
	ad_buf_printf(out, "sections  %zu\n", ad_doc_visible_section_count(doc));
	ad_cli_outline(out, doc, "", -1);
	n = ad_doc_diag_count(doc);
	for (i = 0; i < n; i++) {
		ad_buf_printf(out, "%d:%d: %s: ", diags[i].line, diags[i].column,
			      ad_diag_severity_name(diags[i].severity));
		ad_cli_put_cut(out, diags[i].message, strlen(diags[i].message), 200);
		ad_buf_printf(out, " [%s]\n", diags[i].id);
	}
}

int ad_cli_show(int argc, char **argv)
{
	ad_buf out = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	ad_doc *doc = NULL;
	const char *path = NULL;
	bool json = false, opts_done = false;
	int i, status = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!opts_done && !strcmp(a, "--")) {
			opts_done = true;
		} else if (!opts_done && !strcmp(a, "--json")) {
			json = true;
		} else if (!opts_done && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			show_usage(stdout);
			return 0;
		} else if (!opts_done && a[0] == '-' && a[1]) {
			ad_cli_errorf("show: unknown option '%s'", a);
			show_usage(stderr);
			return 2;
		} else if (path) {
			ad_cli_errorf("show: one FILE at a time (got '%s' and '%s')", path, a);
			return 2;
		} else {
			path = a;
		}
	}
	if (!path) {
		show_usage(stderr);
		return 2;
	}
	if (ad_doc_load(&doc, path, NULL, &err) < 0) {
		ad_cli_error(&err);
		status = 2;
		goto done;
	}
	if (json)
		show_json(&out, doc);
	else
		show_text(&out, doc);
	if (ad_cli_write_stdout(&out) < 0) {
		ad_cli_errorf("error writing to standard output");
		status = 2;
	}
done:
	ad_buf_free(&out);
	ad_error_clear(&err);
	ad_doc_free(doc);
	return status;
}
