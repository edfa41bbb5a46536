#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "invariants.h"

/* Broken promises counted and described; only the first few described. */
#define MAX_DESCRIBED 16

typedef struct {
	ad_buf *why;
	int count;
} report;

static void fail(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->count++ >= MAX_DESCRIBED)
		return;
	va_start(ap, fmt);
	ad_buf_vprintf(r->why, fmt, ap);
	va_end(ap);
	ad_buf_putc(r->why, '\n');
}

/* ------------------------------------------------------------ documents */

static void check_lines(report *r, const ad_doc *doc, const char *d, size_t len)
{
	int n = ad_doc_line_count(doc), i;
	size_t expect = 0;

	for (i = 1; i <= n; i++) {
		size_t s = ad_doc_line_start(doc, i), e = ad_doc_line_start(doc, i + 1), k;

		if (s != expect || e <= s || e > len) {
			fail(r, "lines: line %d spans [%zu, %zu), expected to start at %zu",
			     i, s, e, expect);
			return;
		}
		/* One line ending, at the very end (or none on the last line). */
		for (k = s; k < e; k++) {
			bool ending = d[k] == '\n' || d[k] == '\r';
			bool last = k + 1 == e ||
				    (k + 2 == e && d[k] == '\r' && d[k + 1] == '\n');

			if (ending && !last) {
				fail(r, "lines: line %d holds a line ending at byte %zu", i, k);
				return;
			}
			if (last)
				break;
		}
		if (i < n && d[e - 1] != '\n' && d[e - 1] != '\r') {
			fail(r, "lines: line %d of %d does not end in a line ending", i, n);
			return;
		}
		if (ad_doc_line_of(doc, s) != i || ad_doc_line_of(doc, e - 1) != i) {
			fail(r, "lines: line_of(%zu) = %d, line_of(%zu) = %d, expected %d", s,
			     ad_doc_line_of(doc, s), e - 1, ad_doc_line_of(doc, e - 1), i);
			return;
		}
		expect = e;
	}
	if (expect != len)
		fail(r, "lines: %d lines end at %zu, the data at %zu", n, expect, len);
}

static void check_frontmatter(report *r, const ad_doc *doc, size_t len)
{
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);
	size_t i, j;

	if (ad_doc_body_start(doc) != (fm ? fm->end : 0))
		fail(r, "frontmatter: body starts at %zu, the frontmatter ends at %zu",
		     ad_doc_body_start(doc), fm ? fm->end : 0);
	if (!fm)
		return;
	if (!(fm->start <= fm->yaml_start && fm->yaml_start <= fm->yaml_end &&
	      fm->yaml_end < fm->end && fm->end <= len)) {
		fail(r, "frontmatter: block [%zu, %zu), yaml [%zu, %zu), size %zu out of order",
		     fm->start, fm->end, fm->yaml_start, fm->yaml_end, len);
		return;
	}
	if (fm->line != ad_doc_line_of(doc, fm->start) || fm->line > fm->end_line ||
	    fm->end_line != ad_doc_line_of(doc, fm->end - 1))
		fail(r, "frontmatter: fences on lines %d and %d, block on lines %d-%d",
		     fm->line, fm->end_line, ad_doc_line_of(doc, fm->start),
		     ad_doc_line_of(doc, fm->end - 1));
	if (fm->misplaced != (fm->line != 1))
		fail(r, "frontmatter: misplaced = %d on line %d", fm->misplaced, fm->line);
	if (fm->lenient != (fm->error != NULL))
		fail(r, "frontmatter: lenient = %d with error %s", fm->lenient,
		     fm->error ? fm->error : "(none)");
	if (fm->nfields && !fm->fields) {
		fail(r, "frontmatter: %zu fields and no array", fm->nfields);
		return;
	}
	for (i = 0; i < fm->nfields; i++) {
		const ad_fm_field *f = &fm->fields[i];
		size_t next = i + 1 < fm->nfields ? fm->fields[i + 1].start : fm->yaml_end;

		if (!f->key || !f->value) {
			fail(r, "fields: #%zu has a NULL key or value", i);
			continue;
		}
		if (f->start < fm->yaml_start || f->start >= f->end || f->end != next)
			fail(r, "fields: %s spans [%zu, %zu); the next field or fence is at %zu",
			     f->key, f->start, f->end, next);
		if (!(f->start <= f->value_start && f->value_start <= f->value_end &&
		      f->value_end <= f->end))
			fail(r, "fields: %s value [%zu, %zu) outside the field [%zu, %zu)",
			     f->key, f->value_start, f->value_end, f->start, f->end);
		if (f->line < fm->line || f->line > fm->end_line || f->column < 1)
			fail(r, "fields: %s at %d:%d, outside the block (lines %d-%d)", f->key,
			     f->line, f->column, fm->line, fm->end_line);
		if ((f->kind == AD_FM_BLOCK_LIST || f->kind == AD_FM_FLOW_LIST)) {
			if (f->nitems && !f->items)
				fail(r, "fields: %s has %zu items and no array", f->key, f->nitems);
			for (j = 0; f->items && j < f->nitems; j++)
				if (!f->items[j])
					fail(r, "fields: %s item %zu is NULL", f->key, j);
		} else if (f->items || f->nitems) {
			fail(r, "fields: %s is a %s with %zu items", f->key,
			     ad_fm_kind_name(f->kind), f->nitems);
		}
	}
	/* Escapes: in file order, inside the YAML, each a backslash and an
	 * escape that stands for a character listed as unsafe. */
	if ((fm->nescapes != 0) != (fm->escapes != NULL)) {
		fail(r, "escapes: %zu escapes, array %p", fm->nescapes, (const void *)fm->escapes);
		return;
	}
	for (i = 0; i < fm->nescapes; i++) {
		const ad_fm_escape *e = &fm->escapes[i];
		const char *data = ad_doc_data(doc);

		if (e->offset < fm->yaml_start || e->len < 2 || e->len > 10 ||
		    e->offset + e->len > fm->yaml_end || data[e->offset] != '\\' ||
		    (i > 0 && e->offset < fm->escapes[i - 1].offset + fm->escapes[i - 1].len))
			fail(r, "escapes: #%zu at [%zu, +%zu) is out of place (yaml [%zu, %zu))", i,
			     e->offset, e->len, fm->yaml_start, fm->yaml_end);
		else if (!ad_fm_escape_cp_unsafe(e->cp))
			fail(r, "escapes: #%zu stands for U+%04X, a safe character", i, e->cp);
	}
}

typedef struct {
	size_t start, end;
} span;

static int span_cmp(const void *a, const void *b)
{
	const span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void check_sections(report *r, const ad_doc *doc, const char *orig, size_t len)
{
	const ad_section *s = ad_doc_sections(doc);
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);
	const char *d = ad_doc_data(doc);
	size_t n = ad_doc_section_count(doc), i, k, nspans = 0, at = 0;
	span *spans;
	ad_buf out = AD_BUF_INIT;
	int c, visited;

	if (n && !s) {
		fail(r, "sections: %zu sections and no array", n);
		return;
	}
	for (i = 0; i < n; i++) {
		const ad_section *x = &s[i];
		size_t pos;
		int guard;

		if (!(x->start < x->end && x->end <= len && x->start <= x->head_end &&
		      x->head_end <= x->lead_end && x->lead_end <= x->end &&
		      x->close_start <= x->end)) {
			fail(r, "section %zu: start %zu head_end %zu lead_end %zu close_start "
				"%zu end %zu (size %zu) out of order",
			     i, x->start, x->head_end, x->lead_end, x->close_start, x->end, len);
			goto done;
		}
		if (!x->title)
			fail(r, "section %zu: NULL title", i);
		if ((x->kind == AD_SECTION_TAG) != (x->tag != NULL))
			fail(r, "section %zu: a %s with tag name %s", i,
			     ad_section_kind_name(x->kind), x->tag ? x->tag : "(none)");
		if (x->kind != AD_SECTION_PREAMBLE && x->line != ad_doc_line_of(doc, x->start))
			fail(r, "section %zu: line %d, but it starts on line %d", i, x->line,
			     ad_doc_line_of(doc, x->start));
		if (x->end_line != ad_doc_line_of(doc, x->end - 1))
			fail(r, "section %zu: end_line %d, but it ends on line %d", i,
			     x->end_line, ad_doc_line_of(doc, x->end - 1));
		if ((x->kind == AD_SECTION_ATX && (x->level < 1 || x->level > 6)) ||
		    (x->kind == AD_SECTION_SETEXT && x->level != 1 && x->level != 2) ||
		    (x->kind == AD_SECTION_PREAMBLE && x->level != 0) ||
		    (x->kind == AD_SECTION_TAG && (x->level < 1 || x->level > AD_DOC_MAX_TAG_DEPTH)))
			fail(r, "section %zu: a %s of level %d", i, ad_section_kind_name(x->kind),
			     x->level);
		/* Links: parents come first, the first child right after. */
		if (x->parent < -1 || x->parent >= (int)i ||
		    (x->first_child != -1 && (size_t)x->first_child != i + 1) ||
		    (x->next_sibling != -1 &&
		     (x->next_sibling <= (int)i || (size_t)x->next_sibling >= n))) {
			fail(r, "section %zu: parent %d, first child %d, next sibling %d", i,
			     x->parent, x->first_child, x->next_sibling);
			goto done;
		}
		if (x->depth != (x->parent < 0 ? 0 : s[x->parent].depth + 1))
			fail(r, "section %zu: depth %d under parent %d", i, x->depth, x->parent);
		if (x->first_child >= 0 && i + 1 < n && s[i + 1].parent != (int)i)
			fail(r, "section %zu: first child %zu names parent %d", i, i + 1,
			     s[i + 1].parent);
		/* Children cover [lead_end, end) in order. */
		if (x->lead_end != (x->first_child >= 0 ? s[x->first_child].start : x->end))
			fail(r, "section %zu: lead_end %zu is not its first child's start or its end",
			     i, x->lead_end);
		pos = x->lead_end;
		for (c = x->first_child, guard = 0; c >= 0 && guard <= (int)n;
		     c = s[c].next_sibling, guard++) {
			if (s[c].parent != (int)i || s[c].start != pos) {
				fail(r, "section %zu: child %d (parent %d) starts at %zu, expected %zu",
				     i, c, s[c].parent, s[c].start, pos);
				break;
			}
			pos = s[c].end;
		}
		if (x->first_child >= 0 && pos != x->end)
			fail(r, "section %zu: children end at %zu, the section at %zu", i, pos,
			     x->end);
	}

	/* The frontmatter and the top-level sections tile [0, len). */
	spans = ad_xmalloc((n + 1) * sizeof(*spans));
	if (fm)
		spans[nspans++] = (span){ fm->start, fm->end };
	for (c = ad_doc_first_section(doc); c >= 0 && nspans <= n; c = s[c].next_sibling) {
		if ((size_t)c >= n || s[c].parent != -1) {
			fail(r, "tiling: top-level chain reaches section %d", c);
			break;
		}
		spans[nspans++] = (span){ s[c].start, s[c].end };
	}
	qsort(spans, nspans, sizeof(*spans), span_cmp);
	for (k = 0; k < nspans; k++) {
		if (spans[k].start != at) {
			fail(r, "tiling: a span starts at %zu, expected %zu (%s)", spans[k].start,
			     at, spans[k].start > at ? "gap" : "overlap");
			break;
		}
		at = spans[k].end;
	}
	if (k == nspans && at != len)
		fail(r, "tiling: the spans end at %zu, the file at %zu", at, len);
	/* Written back from its spans, the document is its input. */
	for (k = 0; k < nspans; k++)
		if (spans[k].start < spans[k].end && spans[k].end <= len)
			ad_buf_put(&out, d + spans[k].start, spans[k].end - spans[k].start);
	if (out.size != len || (len && memcmp(out.ptr, orig, len) != 0))
		fail(r, "round trip: the spans give %zu bytes, %s the input's %zu", out.size,
		     out.size == len ? "different from" : "not", len);
	ad_buf_free(&out);
	free(spans);

	/* Walking the links visits 0, 1, ..., n - 1. */
	visited = 0;
	c = ad_doc_first_section(doc);
	while (c >= 0 && visited <= (int)n) {
		if (c != visited) {
			fail(r, "pre-order: the walk reaches section %d in place %d", c, visited);
			goto done;
		}
		visited++;
		if (s[c].first_child >= 0) {
			c = s[c].first_child;
			continue;
		}
		while (c >= 0 && s[c].next_sibling < 0)
			c = s[c].parent;
		if (c >= 0)
			c = s[c].next_sibling;
	}
	if ((size_t)visited != n)
		fail(r, "pre-order: the walk visits %d of %zu sections", visited, n);
done:
	return;
}

int ad_inv_doc(ad_buf *why, const ad_doc *doc, const char *orig, size_t len)
{
	report r = { why, 0 };
	const ad_diag *dg = ad_doc_diags(doc);
	size_t i, visible = 0;

	if (ad_doc_size(doc) != len || !ad_doc_data(doc) ||
	    (len && memcmp(ad_doc_data(doc), orig, len) != 0) || ad_doc_data(doc)[len]) {
		fail(&r, "data: the document's %zu bytes are not the input's %zu, "
			 "NUL-terminated", ad_doc_size(doc), len);
		return r.count;
	}
	if (!ad_doc_path(doc))
		fail(&r, "data: NULL path");
	for (i = 0; i < ad_doc_diag_count(doc); i++) {
		if (!dg[i].id || !dg[i].message || dg[i].line < 0 || dg[i].column < 0 ||
		    dg[i].line > ad_doc_line_count(doc) + 1 ||
		    (dg[i].severity != AD_DIAG_ERROR && dg[i].severity != AD_DIAG_WARNING &&
		     dg[i].severity != AD_DIAG_INFO))
			fail(&r, "diags: #%zu (%s) at %d:%d is malformed", i,
			     dg[i].id ? dg[i].id : "no id", dg[i].line, dg[i].column);
	}
	for (i = 0; i < ad_doc_section_count(doc); i++)
		visible += !ad_doc_sections(doc)[i].blank;
	if (visible != ad_doc_visible_section_count(doc))
		fail(&r, "sections: %zu visible, %zu not blank",
		     ad_doc_visible_section_count(doc), visible);
	check_lines(&r, doc, ad_doc_data(doc), len);
	check_frontmatter(&r, doc, len);
	check_sections(&r, doc, orig, len);
	return r.count;
}

/* ------------------------------------------------------------ textdiff */

int ad_inv_textdiff(ad_buf *why, const ad_textdiff *diff, const char *a,
		    size_t alen, const char *b, size_t blen, unsigned flags)
{
	report r = { why, 0 };
	ad_buf ra = AD_BUF_INIT, rb = AD_BUF_INIT;
	int ai = 0, bi = 0, del = 0, ins = 0;
	size_t ao = 0, bo = 0, i;
	bool exact = (flags & (AD_TEXTDIFF_IGNORE_WHITESPACE_CHANGE | AD_TEXTDIFF_IGNORE_WHITESPACE |
			       AD_TEXTDIFF_IGNORE_EOL | AD_TEXTDIFF_REFLOW)) == 0;

	if (diff->count && !diff->ops) {
		fail(&r, "textdiff: %zu runs and no array", diff->count);
		return r.count;
	}
	for (i = 0; i < diff->count; i++) {
		const ad_textdiff_op *op = &diff->ops[i];

		if (op->a_start != ai || op->b_start != bi || op->a_off != ao || op->b_off != bo) {
			fail(&r, "textdiff: run %zu at units %d/%d bytes %zu/%zu, expected "
				 "%d/%d %zu/%zu", i, op->a_start, op->b_start, op->a_off,
			     op->b_off, ai, bi, ao, bo);
			goto done;
		}
		if (op->a_count < 0 || op->b_count < 0 || op->a_len > alen - ao ||
		    op->b_len > blen - bo ||
		    (op->kind == AD_TEXTDIFF_DELETE && (op->b_count || op->b_len)) ||
		    (op->kind == AD_TEXTDIFF_INSERT && (op->a_count || op->a_len)) ||
		    (op->kind == AD_TEXTDIFF_EQUAL && op->a_count != op->b_count &&
		     !(flags & AD_TEXTDIFF_REFLOW)) ||
		    (op->a_count == 0 && op->b_count == 0) ||
		    (op->kind != AD_TEXTDIFF_EQUAL && op->kind != AD_TEXTDIFF_DELETE &&
		     op->kind != AD_TEXTDIFF_INSERT)) {
			fail(&r, "textdiff: run %zu (kind %d) has counts %d/%d and lengths "
				 "%zu/%zu", i, (int)op->kind, op->a_count, op->b_count,
			     op->a_len, op->b_len);
			goto done;
		}
		if (op->kind == AD_TEXTDIFF_DELETE && i > 0 &&
		    diff->ops[i - 1].kind == AD_TEXTDIFF_INSERT)
			fail(&r, "textdiff: run %zu deletes right after an insert", i);
		if (op->kind == AD_TEXTDIFF_EQUAL && exact &&
		    (op->a_len != op->b_len || memcmp(a + op->a_off, b + op->b_off, op->a_len)))
			fail(&r, "textdiff: EQUAL run %zu pairs different bytes", i);
		if (op->kind != AD_TEXTDIFF_INSERT)
			ad_buf_put(&ra, a + op->a_off, op->a_len);
		if (op->kind != AD_TEXTDIFF_DELETE)
			ad_buf_put(&rb, b + op->b_off, op->b_len);
		del += op->kind == AD_TEXTDIFF_DELETE ? op->a_count : 0;
		ins += op->kind == AD_TEXTDIFF_INSERT ? op->b_count : 0;
		ai += op->a_count;
		bi += op->b_count;
		ao += op->a_len;
		bo += op->b_len;
	}
	if (ai != diff->a_units || bi != diff->b_units || ao != alen || bo != blen)
		fail(&r, "textdiff: runs cover %d/%d units and %zu/%zu bytes of %d/%d and "
			 "%zu/%zu", ai, bi, ao, bo, diff->a_units, diff->b_units, alen, blen);
	if (del != diff->deleted || ins != diff->inserted)
		fail(&r, "textdiff: %d deleted and %d inserted, the runs say %d and %d",
		     diff->deleted, diff->inserted, del, ins);
	if (ra.size != alen || (alen && memcmp(ra.ptr, a, alen)))
		fail(&r, "textdiff: EQUAL and DELETE runs do not rebuild A");
	if (rb.size != blen || (blen && memcmp(rb.ptr, b, blen)))
		fail(&r, "textdiff: EQUAL and INSERT runs do not rebuild B");
	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0) &&
	    (diff->deleted || diff->inserted))
		fail(&r, "textdiff: equal texts with %d deleted and %d inserted units",
		     diff->deleted, diff->inserted);
done:
	ad_buf_free(&ra);
	ad_buf_free(&rb);
	return r.count;
}

/* ------------------------------------------------------------ align */

int ad_inv_align(ad_buf *why, const ad_align *align,
		 const ad_doc *const *docs, size_t ndocs, bool same)
{
	report r = { why, 0 };
	const unsigned known = AD_ROW_MODIFIED | AD_ROW_RENAMED | AD_ROW_MOVED |
			       AD_ROW_ADDED | AD_ROW_REMOVED | AD_ROW_PARTIAL |
			       AD_ROW_SPLIT | AD_ROW_MERGED;
	size_t nrows = ad_align_row_count(align), d, i;
	int **seen;

	if (ad_align_doc_count(align) != ndocs) {
		fail(&r, "align: %zu variants, given %zu", ad_align_doc_count(align), ndocs);
		return r.count;
	}
	seen = ad_xcalloc(ndocs, sizeof(*seen));
	for (d = 0; d < ndocs; d++)
		seen[d] = ad_xcalloc(ad_doc_section_count(docs[d]) + 1, sizeof(int));
	for (i = 0; i < nrows; i++) {
		const ad_align_row *row = ad_align_row_at(align, i);
		size_t present = 0;

		if (!row || !row->cells) {
			fail(&r, "align: row %zu is missing", i);
			continue;
		}
		for (d = 0; d < ndocs; d++) {
			int c = row->cells[d];

			if (c < -1 || (c >= 0 && (size_t)c >= ad_doc_section_count(docs[d]))) {
				fail(&r, "align: row %zu cell %zu is %d, of %zu sections", i, d, c,
				     ad_doc_section_count(docs[d]));
				continue;
			}
			if (c >= 0) {
				seen[d][c]++;
				present++;
			}
		}
		if (present == 0)
			fail(&r, "align: row %zu is empty", i);
		if (row->status & ~known)
			fail(&r, "align: row %zu has status bits %#x", i, row->status);
		if (!(row->similarity >= 0.0 && row->similarity <= 1.0))
			fail(&r, "align: row %zu has similarity %g", i, row->similarity);
		if (row->group < -1)
			fail(&r, "align: row %zu is in group %d", i, row->group);
		if (ndocs == 2 &&
		    (((row->status & AD_ROW_ADDED) != 0) != (row->cells[0] < 0) ||
		     ((row->status & AD_ROW_REMOVED) != 0) != (row->cells[1] < 0)))
			fail(&r, "align: row %zu has cells %d, %d and status %#x", i,
			     row->cells[0], row->cells[1], row->status);
		if (ndocs > 2 && ((row->status & AD_ROW_PARTIAL) != 0) != (present < ndocs))
			fail(&r, "align: row %zu has %zu of %zu cells and status %#x", i,
			     present, ndocs, row->status);
		if (same) {
			for (d = 1; d < ndocs; d++)
				if (row->cells[d] != row->cells[0])
					break;
			if (d < ndocs || row->status != AD_ROW_SAME)
				fail(&r, "align: identical variants, but row %zu has cells %d, %d "
					 "and status %#x", i, row->cells[0],
				     row->cells[ndocs > 1 ? 1 : 0], row->status);
		}
	}
	for (d = 0; d < ndocs; d++) {
		for (i = 0; i < ad_doc_section_count(docs[d]); i++)
			if (seen[d][i] != 1)
				fail(&r, "align: section %zu of variant %zu is in %d rows", i, d,
				     seen[d][i]);
		free(seen[d]);
	}
	free(seen);
	return r.count;
}

/* ------------------------------------------------------------ fmdiff */

static const ad_fm_field *first_field(const ad_doc *doc, const char *key)
{
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);

	return fm ? ad_fm_get(fm, key) : NULL;
}

int ad_inv_fmdiff(ad_buf *why, const ad_fmdiff *fd,
		  const ad_doc *const *docs, size_t ndocs, bool same)
{
	report r = { why, 0 };
	size_t nrows = ad_fmdiff_row_count(fd), d, i, j;

	if (ad_fmdiff_doc_count(fd) != ndocs) {
		fail(&r, "fmdiff: %zu variants, given %zu", ad_fmdiff_doc_count(fd), ndocs);
		return r.count;
	}
	for (i = 0; i < nrows; i++) {
		const ad_fmdiff_row *row = ad_fmdiff_row_at(fd, i);
		size_t present = 0;

		if (!row || !row->key || !row->cells) {
			fail(&r, "fmdiff: row %zu is missing", i);
			continue;
		}
		for (d = 0; d < ndocs; d++) {
			const ad_fm_field *f = row->cells[d];

			if (f != first_field(docs[d], row->key))
				fail(&r, "fmdiff: row %s cell %zu is not the first field of that key",
				     row->key, d);
			present += f != NULL;
		}
		for (j = i + 1; j < nrows && j < i + 256; j++)
			if (ad_fmdiff_row_at(fd, j) && !strcmp(ad_fmdiff_row_at(fd, j)->key, row->key))
				fail(&r, "fmdiff: key %s has rows %zu and %zu", row->key, i, j);
		if (present == 0)
			fail(&r, "fmdiff: row %s is empty", row->key);
		switch (row->status) {
		case AD_FMDIFF_SAME:
		case AD_FMDIFF_CHANGED:
			if (present != ndocs || (row->status == AD_FMDIFF_SAME) == row->differs)
				fail(&r, "fmdiff: row %s is %s with %zu of %zu cells, differs %d",
				     row->key, ad_fmdiff_status_name(row->status), present, ndocs,
				     row->differs);
			break;
		case AD_FMDIFF_ADDED:
		case AD_FMDIFF_REMOVED:
			if (ndocs != 2 || present != 1 ||
			    (row->status == AD_FMDIFF_ADDED) != (row->cells[0] == NULL))
				fail(&r, "fmdiff: row %s is %s with %zu of %zu cells", row->key,
				     ad_fmdiff_status_name(row->status), present, ndocs);
			break;
		case AD_FMDIFF_PARTIAL:
			if (ndocs < 3 || present == ndocs)
				fail(&r, "fmdiff: row %s is partial with %zu of %zu cells", row->key,
				     present, ndocs);
			break;
		default:
			fail(&r, "fmdiff: row %s has status %d", row->key, (int)row->status);
		}
		if (row->reflowed && !row->differs)
			fail(&r, "fmdiff: row %s is reflowed but does not differ", row->key);
		if (row->set != ad_fmdiff_is_set_key(row->key) || (row->set != (row->names != NULL)))
			fail(&r, "fmdiff: row %s set = %d with names %p", row->key, row->set,
			     (const void *)row->names);
		for (d = 0; row->names && d < ndocs; d++) {
			const ad_fmdiff_names *nm = &row->names[d];

			if ((nm->nnames && !nm->names) || (nm->nadded && !nm->added) ||
			    (nm->nremoved && !nm->removed) || nm->nadded > nm->nnames ||
			    (d == 0 && (nm->nadded || nm->nremoved)))
				fail(&r, "fmdiff: row %s cell %zu has %zu names, %zu added, %zu "
					 "removed", row->key, d, nm->nnames, nm->nadded, nm->nremoved);
		}
		if (same && row->status != AD_FMDIFF_SAME)
			fail(&r, "fmdiff: identical variants, but row %s is %s", row->key,
			     ad_fmdiff_status_name(row->status));
	}
	/* Every key of every variant has its row. */
	for (d = 0; d < ndocs; d++) {
		const ad_frontmatter *fm = ad_doc_frontmatter(docs[d]);

		for (j = 0; fm && j < fm->nfields && j < 512; j++) {
			for (i = 0; i < nrows; i++)
				if (!strcmp(ad_fmdiff_row_at(fd, i)->key, fm->fields[j].key))
					break;
			if (i == nrows)
				fail(&r, "fmdiff: key %s of variant %zu has no row", fm->fields[j].key, d);
		}
	}
	if (same && ad_fmdiff_has_changes(fd))
		fail(&r, "fmdiff: identical variants with changes");
	return r.count;
}

bool ad_inv_ignored(const char *check)
{
	const char *list = getenv("AD_FUZZ_IGNORE");
	size_t n = strlen(check);

	while (list && *list) {
		if (!strncmp(list, check, n) && (list[n] == ',' || list[n] == '\0'))
			return true;
		list = strchr(list, ',');
		if (list)
			list++;
	}
	return false;
}
