/*
 * fuzz_parse: the document parser (frontmatter + sections) and the linter on
 * any bytes.
 *
 * Each input is parsed twice, with the default limits and with tiny ones
 * (so that the depth and section caps are reached often), and must keep
 * every promise of doc.h and frontmatter.h (fuzz/invariants.c): the spans
 * tile the input and written back give it byte for byte.  Then the linter
 * runs over it; its findings must be sorted as lint.h says and quote no raw
 * control character.  A broken promise aborts, so libFuzzer keeps the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "frontmatter.h"
#include "invariants.h"
#include "lint.h"
#include "term.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const ad_buf *why)
{
	fprintf(stderr, "fuzz_parse: %s\n%s", what, why ? ad_buf_cstr((ad_buf *)why) : "");
	abort();
}

static void check_lint(const ad_doc *doc)
{
	ad_diags diags = AD_DIAGS_INIT;
	ad_arena arena = AD_ARENA_INIT;
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);
	size_t i, k;
	int n;

	n = ad_lint_doc(&diags, &arena, doc, NULL);
	if (n < 0 || (size_t)n != diags.count)
		die("ad_lint_doc's count is not the number of findings", NULL);
	for (i = 0; i < diags.count; i++) {
		const ad_diag *d = &diags.items[i];

		if (!d->id || !d->message)
			die("a finding without an id or a message", NULL);
		for (k = 0; d->message[k]; k++) {
			unsigned char c = (unsigned char)d->message[k];
			if (c < 0x20 || c == 0x7F) {
				fprintf(stderr, "finding %s: %s\n", d->id, d->message);
				die("a raw control character in a lint message", NULL);
			}
		}
		if (i > 0) {
			const ad_diag *p = &diags.items[i - 1];
			if (p->line > d->line || (p->line == d->line && p->column > d->column) ||
			    (p->line == d->line && p->column == d->column &&
			     p->severity > d->severity)) {
				fprintf(stderr, "%d:%d %s then %d:%d %s\n", p->line, p->column,
					p->id, d->line, d->column, d->id);
				die("lint findings out of order", NULL);
			}
		}
	}
	/* Every list-like reading of every field. */
	for (i = 0; fm && i < fm->nfields; i++) {
		const char **items = NULL;
		size_t count = ad_fm_list_items(&items, &arena, &fm->fields[i]);

		if ((count == 0) != (items == NULL))
			die("ad_fm_list_items: count and array disagree", NULL);
		for (k = 0; k < count; k++)
			if (!items[k] || !items[k][0])
				die("ad_fm_list_items: a NULL or empty name", NULL);
		if (items && items[count])
			die("ad_fm_list_items: the array is not NULL-terminated", NULL);
	}
	ad_diags_free(&diags);
	ad_arena_free(&arena);
}

static void parse_and_check(const char *data, size_t size, const ad_doc_options *opts)
{
	ad_doc *doc = NULL;
	ad_error err = AD_ERROR_INIT;
	ad_buf why = AD_BUF_INIT;

	if (ad_doc_parse(&doc, "fuzz.md", data, size, opts, &err) < 0 || !doc)
		die("ad_doc_parse failed on input under the size limit", NULL);
	if (ad_inv_doc(&why, doc, data, size) > 0)
		die("a document invariant is broken", &why);
	if (opts && ad_doc_section_count(doc) > opts->max_sections)
		die("more sections than max_sections", NULL);
	check_lint(doc);
	ad_buf_free(&why);
	ad_error_clear(&err);
	ad_doc_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ad_doc_options tiny = AD_DOC_OPTIONS_INIT;
	ad_buf clean = AD_BUF_INIT;
	size_t i;

	parse_and_check((const char *)data, size, NULL);
	tiny.max_tag_depth = 3;
	tiny.max_sections = 12;
	parse_and_check((const char *)data, size, &tiny);

	/* What the terminal gets is valid UTF-8 without control characters,
	 * bidirectional controls or line separators. */
	ad_term_sanitize(&clean, (const char *)data, size, true);
	for (i = 0; i < clean.size;) {
		unsigned cp = 0;
		size_t n = ad_utf8_decode(clean.ptr + i, clean.size - i, &cp);

		if (n == 0)
			die("ad_term_sanitize let invalid UTF-8 through", NULL);
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 ||
		    cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
			die("ad_term_sanitize let a control character through", NULL);
		i += n;
	}
	ad_buf_free(&clean);
	return 0;
}
