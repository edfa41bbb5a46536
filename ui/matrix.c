/*
 * matrix: the alignment matrix of n variants (see compare.h).
 *
 * A row per aligned section (and one for the frontmatter), a column per
 * variant.  A cell shows the size of that variant's section (lines of its
 * own text; fields for the frontmatter) and how far it is from the row's
 * most common version: "=" identical to it, "~12%" that share of its words
 * differs, "·" absent.  Everything is computed once, when the view is made;
 * drawing touches only the cells in sight.
 *
 * Enter marks a cell; Enter on a second cell of the same row opens the
 * side-by-side view of those two variants at that section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "cmpviews.h"
#include "fmdiff.h"
#include "list.h"
#include "pair.h"
#include "sbsmodel.h"
#include "screen.h"
#include "term.h"
#include "textdiff.h"

#define CELL_MIN 10        /* "1234 ~100%" */
#define CELL_MAX 16
#define WHEEL_ROWS 3
#define MAX_INDENT 6
/* Above this many bytes a pair is compared by word sketches, not a diff. */
#define EXACT_BYTES (64 * 1024)

typedef struct {
	int sec;      /* section index; -1 absent (for the frontmatter row: 0 or -1) */
	int size;     /* lines, or fields */
	int pct;      /* -1 absent, 0 identical to the most common version, else 1-100 */
	uint8_t slot;
} cell;

typedef struct {
	const char *title;  /* display label (unsanitized) */
	int depth;
	bool differs;       /* not the same everywhere */
	bool frontmatter;
} mrow;

typedef struct {
	ad_view base;
	size_t n;
	const ad_doc **docs;
	const char **labels;
	mrow *rows;
	cell *cells;        /* nrows * n */
	size_t nrows;
	ad_arena arena;
	int title_w;        /* widest title, indented */
	int cell_w;

	ad_list list;       /* over rows: the cursor's row, the first in sight */
	size_t ccol;        /* the cursor's variant */
	size_t left;        /* first variant column in sight */
	int ncols_fit;      /* variant columns in sight at the last draw */
	bool marked;
	size_t mrow_i, mcol;
	char *needle;

	bool requested;     /* what Enter asked for with no app (tests) */
	size_t req_a, req_b;
	int req_sec_a, req_sec_b;
} matrix_view;

static const ad_view_ops matrix_ops;

static cell *cell_at(const matrix_view *v, size_t r, size_t d)
{
	return &v->cells[r * v->n + d];
}

/* ------------------------------------------------------------ building */

static int percent_from(double similarity)
{
	int pct = (int)((1.0 - similarity) * 100.0 + 0.5);

	return pct < 1 ? 1 : pct > 100 ? 100 : pct;
}

static double similarity(const char *a, size_t la, const char *b, size_t lb)
{
	if (la + lb > EXACT_BYTES) {
		ad_textdiff_sketch sa, sb;

		ad_textdiff_sketch_build(&sa, a, la);
		ad_textdiff_sketch_build(&sb, b, lb);
		return ad_textdiff_sketch_similarity(&sa, &sb);
	}
	return ad_textdiff_similarity(a, la, b, lb, AD_TEXTDIFF_WORDS, NULL);
}

static bool same_names(const ad_fmdiff_names *x, const ad_fmdiff_names *y)
{
	size_t i, j;

	if (x->nnames != y->nnames)
		return false;
	for (i = 0; i < x->nnames; i++) {
		for (j = 0; j < y->nnames && strcmp(x->names[i], y->names[j]); j++)
			;
		if (j == y->nnames)
			return false;
	}
	return true;
}

/* Whether two variants' values of a frontmatter key are equal, the way
 * fmdiff compares them (absent equals only absent). */
static bool field_equal(const ad_fmdiff_row *r, size_t x, size_t y)
{
	const ad_fm_field *fx = r->cells[x], *fy = r->cells[y];
	size_t k;

	if (!fx || !fy)
		return fx == fy;
	if (r->set && r->names)
		return same_names(&r->names[x], &r->names[y]);
	if (fx->items && fy->items) {
		if (fx->nitems != fy->nitems)
			return false;
		for (k = 0; k < fx->nitems; k++)
			if (strcmp(fx->items[k], fy->items[k]))
				return false;
		return true;
	}
	return !strcmp(fx->value, fy->value);
}

/* The most common version among n items, given "equal(i, j)": the first
 * of the largest group.  *out_of[i] = whether i is in it. */
typedef bool (*equal_fn)(const void *ctx, size_t i, size_t j);

static size_t most_common(const void *ctx, size_t n, const bool *present, equal_fn eq)
{
	size_t i, j, best = (size_t)-1, best_count = 0;

	for (i = 0; i < n; i++) {
		size_t count = 0;

		if (!present[i])
			continue;
		for (j = 0; j < n; j++)
			if (present[j] && (i == j || eq(ctx, i, j)))
				count++;
		if (count > best_count) {
			best = i;
			best_count = count;
		}
	}
	return best;
}

typedef struct {
	const ad_fmdiff_row *r;
} fm_ctx;

static bool fm_eq(const void *ctx, size_t i, size_t j)
{
	return field_equal(((const fm_ctx *)ctx)->r, i, j);
}

static void build_frontmatter(matrix_view *v, size_t r)
{
	ad_fmdiff *fd = NULL;
	size_t d, k, nkeys;
	int *differ = ad_xcalloc(v->n, sizeof(int));
	bool *all = ad_xmalloc(v->n * sizeof(bool));

	for (d = 0; d < v->n; d++)
		all[d] = true;
	v->rows[r].title = "frontmatter";
	v->rows[r].frontmatter = true;
	if (ad_fmdiff_docs(&fd, v->docs, v->n) < 0)
		goto done;
	nkeys = ad_fmdiff_row_count(fd);
	for (k = 0; k < nkeys; k++) {
		fm_ctx ctx = { ad_fmdiff_row_at(fd, k) };
		size_t best = most_common(&ctx, v->n, all, fm_eq);

		for (d = 0; d < v->n; d++)
			if (best != (size_t)-1 && !field_equal(ctx.r, d, best))
				differ[d]++;
	}
	for (d = 0; d < v->n; d++) {
		const ad_frontmatter *fm = ad_doc_frontmatter(v->docs[d]);
		cell *c = cell_at(v, r, d);

		if (!fm) {
			c->sec = -1;
			c->pct = -1;
			c->slot = AD_SLOT_GAP;
			v->rows[r].differs = true;
			continue;
		}
		c->sec = -1;
		c->size = (int)fm->nfields;
		c->pct = differ[d] ? (int)((differ[d] * 100 + nkeys - 1) / (nkeys ? nkeys : 1)) : 0;
		c->slot = c->pct ? AD_SLOT_CHANGED : AD_SLOT_DEFAULT;
		if (c->pct)
			v->rows[r].differs = true;
	}
done:
	ad_fmdiff_free(fd);
	free(differ);
	free(all);
}

typedef struct {
	const matrix_view *v;
	const ad_align_row *row;
} sec_ctx;

static bool sec_eq(const void *ctx, size_t i, size_t j)
{
	const sec_ctx *c = ctx;
	const ad_section *si = &ad_doc_sections(c->v->docs[i])[c->row->cells[i]];
	const ad_section *sj = &ad_doc_sections(c->v->docs[j])[c->row->cells[j]];

	return ad_pair_same_text(c->v->docs[i], si, c->v->docs[j], sj);
}

static void build_section(matrix_view *v, size_t r, const ad_align_row *arow)
{
	bool *present = ad_xmalloc(v->n * sizeof(bool));
	sec_ctx ctx = { v, arow };
	const ad_section *ref = NULL, *best_sec;
	size_t d, best;
	ad_buf t = AD_BUF_INIT;

	for (d = 0; d < v->n; d++) {
		present[d] = arow->cells[d] >= 0;
		if (present[d] && !ref)
			ref = &ad_doc_sections(v->docs[d])[arow->cells[d]];
	}
	best = most_common(&ctx, v->n, present, sec_eq);
	best_sec = &ad_doc_sections(v->docs[best])[arow->cells[best]];
	ad_section_label(&t, ref);
	v->rows[r].title = ad_arena_strndup(&v->arena, ad_buf_cstr(&t), t.size);
	v->rows[r].depth = ref->depth;
	for (d = 0; d < v->n; d++) {
		cell *c = cell_at(v, r, d);
		const ad_section *s;
		const char *p, *pb;
		size_t len, lb;

		c->sec = arow->cells[d];
		if (!present[d]) {
			c->pct = -1;
			c->slot = AD_SLOT_GAP;
			v->rows[r].differs = true;
			continue;
		}
		s = &ad_doc_sections(v->docs[d])[c->sec];
		ad_pair_own_text(v->docs[d], s, &p, &len);
		c->size = ad_pair_count_lines(p, len);
		if (d == best || sec_eq(&ctx, d, best)) {
			c->pct = 0;
			c->slot = AD_SLOT_DEFAULT;
			continue;
		}
		v->rows[r].differs = true;
		ad_pair_own_text(v->docs[best], best_sec, &pb, &lb);
		c->pct = percent_from(similarity(p, len, pb, lb));
		c->slot = ad_pair_titles_differ(s, best_sec) ? AD_SLOT_RENAMED : AD_SLOT_CHANGED;
	}
	ad_buf_free(&t);
	free(present);
}

static int build(matrix_view *v)
{
	ad_align *al = NULL;
	size_t i, r = 0, d, nal;
	bool any_fm = false;
	int error;

	if ((error = ad_align_docs(&al, v->docs, v->n, NULL)) < 0)
		return error;
	for (d = 0; d < v->n; d++)
		any_fm |= ad_doc_frontmatter(v->docs[d]) != NULL;
	nal = ad_align_row_count(al);
	v->rows = ad_xcalloc(nal + 1, sizeof(*v->rows));
	v->cells = ad_xcalloc((nal + 1) * v->n, sizeof(*v->cells));
	if (any_fm)
		build_frontmatter(v, r++);
	for (i = 0; i < nal; i++) {
		const ad_align_row *arow = ad_align_row_at(al, i);
		bool shown = false;

		/* Blank preambles hold only white space: nothing to compare. */
		for (d = 0; d < v->n; d++)
			if (arow->cells[d] >= 0 &&
			    !ad_doc_sections(v->docs[d])[arow->cells[d]].blank)
				shown = true;
		if (shown)
			build_section(v, r++, arow);
	}
	v->nrows = r;
	ad_list_set_count(&v->list, r);
	v->title_w = 7; /* "section" */
	for (r = 0; r < v->nrows; r++) {
		int depth = v->rows[r].depth < MAX_INDENT ? v->rows[r].depth : MAX_INDENT;
		int w = 2 * depth + ad_text_width(v->rows[r].title, strlen(v->rows[r].title));

		if (w > v->title_w)
			v->title_w = w;
	}
	v->cell_w = CELL_MIN;
	for (d = 0; d < v->n; d++) {
		int w = ad_text_width(v->labels[d], strlen(v->labels[d]));

		if (w > v->cell_w)
			v->cell_w = w > CELL_MAX ? CELL_MAX : w;
	}
	ad_align_free(al);
	return 0;
}

/* ------------------------------------------------------------ drawing */

typedef struct {
	int tw;       /* title column */
	int ncols;    /* variant columns in sight */
	int body;     /* rows in sight below the heads */
} mgeom;

static void geom_of(const matrix_view *v, const ad_rect *r, mgeom *g)
{
	int cols = r->cols > 0 ? r->cols : 80, rows = r->rows > 0 ? r->rows : 24;
	int most = cols * 2 / 5 > 20 ? cols * 2 / 5 : 20;

	g->tw = v->title_w + 1 < most ? v->title_w + 1 : most;
	if (g->tw > cols - (v->cell_w + 1))
		g->tw = cols - (v->cell_w + 1);
	if (g->tw < 1)
		g->tw = cols > 1 ? 1 : 0;
	g->ncols = (cols - g->tw) / (v->cell_w + 1);
	if (g->ncols < 1)
		g->ncols = 1;
	g->body = rows - 1 > 0 ? rows - 1 : 0;
}

void ad_cmpviews_put_tail(ad_screen *scr, int y, int x, int w, const char *s, ad_slot slot,
			  unsigned attrs)
{
	size_t len = strlen(s), i = 0;

	if (w <= 0)
		return;
	if (ad_text_width(s, len) <= w || w < 2) {
		ad_screen_put(scr, y, x, w, s, len, slot, attrs);
		return;
	}
	while (i < len && ad_text_width(s + i, len - i) > w - 1) {
		unsigned cp;
		size_t n = ad_utf8_decode(s + i, len - i, &cp);

		i += n ? n : 1;
	}
	ad_screen_put(scr, y, x, 1, "\xE2\x80\xA6", 3, slot, attrs);
	ad_screen_put(scr, y, x + 1, w - 1, s + i, len - i, slot, attrs);
}

static void draw_title(const matrix_view *v, ad_screen *scr, int y, int x, int w,
		       const mrow *row, bool cursor)
{
	int indent = 2 * (row->depth < MAX_INDENT ? row->depth : MAX_INDENT);
	size_t len = strlen(row->title);

	if (indent > w - 1)
		indent = w > 1 ? w - 1 : 0;
	if (ad_text_width(row->title, len) > w - 1 - indent && w - 2 - indent > 0) {
		/* Cut, with "…" to say so. */
		int used = ad_screen_put(scr, y, x + indent, w - 2 - indent, row->title, len,
					 AD_SLOT_DEFAULT, cursor ? AD_CELL_BOLD : 0);

		ad_screen_puts(scr, y, x + indent + used, 1, "\xE2\x80\xA6", AD_SLOT_DIM, 0);
	} else {
		ad_screen_put(scr, y, x + indent, w - 1 - indent, row->title, len,
			      AD_SLOT_DEFAULT, cursor ? AD_CELL_BOLD : 0);
	}
	if (v->needle && *v->needle) {
		size_t nl = strlen(v->needle), i, at;

		for (i = 0; ad_view_find(row->title, len, v->needle, i, &at); i = at + 1) {
			int c0, c1;

			c0 = indent + ad_text_width(row->title, at);
			c1 = indent + ad_text_width(row->title, at + nl);
			if (c1 > w - 1)
				c1 = w - 1;
			if (c1 > c0)
				ad_screen_paint(scr, y, x + c0, c1 - c0, AD_SLOT_SEARCH_MATCH, 0);
		}
	}
}

static void cell_text(char *buf, size_t size, const cell *c, int w)
{
	char mark[16];

	if (c->pct < 0) {
		/* In the column of the sizes' last digits. */
		snprintf(buf, size, "%*s\xC2\xB7", w - 7, "");
		return;
	}
	if (c->pct == 0)
		snprintf(mark, sizeof(mark), "=");
	else
		snprintf(mark, sizeof(mark), "~%d%%", c->pct);
	snprintf(buf, size, "%*d %-5s", w - 6, c->size, mark);
}

static void matrix_draw(ad_view *view, ad_screen *scr, const ad_rect *r, bool focused)
{
	matrix_view *v = (matrix_view *)view;
	mgeom g;
	int y, k;
	char buf[64];

	v->base.rect = *r;
	geom_of(v, r, &g);
	v->list.height = g.body > 0 ? (size_t)g.body : 0;
	v->ncols_fit = g.ncols;
	for (y = 0; y < r->rows; y++)
		ad_screen_fill(scr, r->row + y, r->col, r->cols, ' ', AD_SLOT_DEFAULT);
	if (r->rows <= 0 || r->cols <= 0)
		return;
	/* Use the room a larger screen gives, and keep the cursor in sight
	 * (a resize may have hidden it). */
	if (v->left + (size_t)g.ncols > v->n)
		v->left = v->n > (size_t)g.ncols ? v->n - (size_t)g.ncols : 0;
	ad_list_follow(&v->list);
	if (v->ccol < v->left)
		v->left = v->ccol;
	if (v->ccol >= v->left + (size_t)g.ncols)
		v->left = v->ccol - (size_t)g.ncols + 1;

	ad_screen_put(scr, r->row, r->col, g.tw - 1, "section", 7, AD_SLOT_PANE_TITLE,
		      AD_CELL_BOLD);
	for (k = 0; k < g.ncols && v->left + (size_t)k < v->n; k++) {
		int x = r->col + g.tw + k * (v->cell_w + 1);
		size_t d = v->left + (size_t)k;

		ad_cmpviews_put_tail(scr, r->row, x, v->cell_w < r->col + r->cols - x ? v->cell_w
			 : r->col + r->cols - x, v->labels[d], AD_SLOT_PANE_TITLE,
			 AD_CELL_BOLD | (focused && d == v->ccol ? AD_CELL_UNDERLINE : 0));
	}
	for (y = 0; y < g.body; y++) {
		size_t i = v->list.top + (size_t)y;
		int row_y = r->row + 1 + y;

		if (i >= v->nrows)
			break;
		draw_title(v, scr, row_y, r->col, g.tw, &v->rows[i], focused && i == v->list.cursor);
		for (k = 0; k < g.ncols && v->left + (size_t)k < v->n; k++) {
			size_t d = v->left + (size_t)k;
			const cell *c = cell_at(v, i, d);
			int x = r->col + g.tw + k * (v->cell_w + 1);
			int w = v->cell_w < r->col + r->cols - x ? v->cell_w : r->col + r->cols - x;
			unsigned attrs = 0;

			if (w <= 0)
				break;
			cell_text(buf, sizeof(buf), c, v->cell_w);
			if (v->marked && v->mrow_i == i && v->mcol == d)
				attrs |= AD_CELL_REVERSE;
			ad_screen_puts(scr, row_y, x, w, buf, (ad_slot)c->slot, attrs);
			if (focused && i == v->list.cursor && d == v->ccol)
				ad_screen_paint(scr, row_y, x, w, AD_SLOT_CURSOR, attrs);
		}
	}
}

/* ------------------------------------------------------------ actions */

static void clamp_cursor(matrix_view *v)
{
	ad_list_follow(&v->list);
	if (v->ccol >= v->n)
		v->ccol = v->n - 1;
	if (v->ccol < v->left)
		v->left = v->ccol;
	if (v->ncols_fit > 0 && v->ccol >= v->left + (size_t)v->ncols_fit)
		v->left = v->ccol - (size_t)v->ncols_fit + 1;
}

static void compare_cells(matrix_view *v, ad_view_host *host)
{
	size_t a = v->mcol, b = v->ccol;
	const cell *ca = cell_at(v, v->list.cursor, a), *cb = cell_at(v, v->list.cursor, b);
	ad_error err = AD_ERROR_INIT;
	ad_view *sbs;

	v->marked = false;
	if (!host) {
		v->requested = true;
		v->req_a = a;
		v->req_b = b;
		v->req_sec_a = ca->sec;
		v->req_sec_b = cb->sec;
		return;
	}
	sbs = ad_sbs_view_new_at(v->docs[a], v->docs[b], v->labels[a], v->labels[b], ca->sec,
				 cb->sec, &err);
	if (sbs)
		ad_host_push(host, sbs);
	else
		ad_host_message(host, AD_SLOT_ERROR, "%s", err.message ? err.message
				: "cannot compare these variants");
	ad_error_clear(&err);
}

static void enter(matrix_view *v, ad_view_host *host)
{
	if (!v->nrows)
		return;
	if (v->marked && v->mrow_i == v->list.cursor && v->mcol == v->ccol) {
		v->marked = false;
		return;
	}
	if (v->marked && v->mrow_i == v->list.cursor) {
		compare_cells(v, host);
		return;
	}
	v->marked = true;
	v->mrow_i = v->list.cursor;
	v->mcol = v->ccol;
	if (host)
		ad_host_message(host, AD_SLOT_DEFAULT,
			       "marked; Enter on another cell of this row compares the two");
}

static void next_differing(matrix_view *v, ad_view_host *host, int dir)
{
	size_t i = v->list.cursor;

	while (dir > 0 ? i + 1 < v->nrows : i > 0) {
		i = dir > 0 ? i + 1 : i - 1;
		if (v->rows[i].differs) {
			v->list.cursor = i;
			clamp_cursor(v);
			return;
		}
	}
	if (host)
		ad_host_message(host, AD_SLOT_DEFAULT, "no %s row with differences",
			       dir > 0 ? "next" : "previous");
}

static ad_search_result matrix_search(ad_view *view, const char *needle, int dir);

static bool matrix_action(ad_view *view, ad_view_host *host, ad_action action)
{
	matrix_view *v = (matrix_view *)view;
	long page = (long)ad_list_page_size(&v->list, action == AD_ACTION_HALF_PAGE_UP ||
							      action == AD_ACTION_HALF_PAGE_DOWN);

	switch (action) {
	case AD_ACTION_MOVE_UP:
		ad_list_move(&v->list, -1);
		break;
	case AD_ACTION_MOVE_DOWN:
		ad_list_move(&v->list, 1);
		break;
	case AD_ACTION_PAGE_UP:
	case AD_ACTION_HALF_PAGE_UP:
		ad_list_scroll(&v->list, -page, true);
		break;
	case AD_ACTION_PAGE_DOWN:
	case AD_ACTION_HALF_PAGE_DOWN:
		ad_list_scroll(&v->list, page, true);
		break;
	case AD_ACTION_FIRST:
		ad_list_goto(&v->list, 0);
		break;
	case AD_ACTION_LAST:
		ad_list_goto(&v->list, v->nrows);
		break;
	case AD_ACTION_LEFT:
		if (v->ccol > 0)
			v->ccol--;
		break;
	case AD_ACTION_RIGHT:
		v->ccol++;
		break;
	case AD_ACTION_ENTER:
	case AD_ACTION_MARK:
	case AD_ACTION_COMPARE:
		enter(v, host);
		break;
	case AD_ACTION_NEXT_CHANGE:
	case AD_ACTION_PREV_CHANGE:
		next_differing(v, host, action == AD_ACTION_NEXT_CHANGE ? 1 : -1);
		break;
	case AD_ACTION_SEARCH_NEXT:
	case AD_ACTION_SEARCH_PREV:
		if (v->needle && *v->needle) {
			char *needle = ad_xstrdup(v->needle);

			if (!matrix_search(view, needle, action == AD_ACTION_SEARCH_NEXT ? 1 : -1) &&
			    host)
				ad_host_message(host, AD_SLOT_WARNING, "not found");
			free(needle);
		} else {
			next_differing(v, host, action == AD_ACTION_SEARCH_NEXT ? 1 : -1);
		}
		break;
	default:
		return false;
	}
	clamp_cursor(v);
	return true;
}

static bool contains(const char *s, const char *needle)
{
	size_t at;

	return ad_view_find(s, strlen(s), needle, 0, &at);
}

/* A row matches by its title, or by any variant's own title for it. */
static bool row_matches(const matrix_view *v, size_t r, const char *needle)
{
	size_t d;

	if (contains(v->rows[r].title, needle))
		return true;
	for (d = 0; d < v->n && !v->rows[r].frontmatter; d++) {
		const cell *c = cell_at(v, r, d);

		if (c->sec >= 0 && contains(ad_doc_sections(v->docs[d])[c->sec].title, needle))
			return true;
	}
	return false;
}

typedef struct {
	const matrix_view *v;
	const char *needle;
} match_ctx;

static bool match_row(size_t r, void *payload)
{
	const match_ctx *c = payload;

	return row_matches(c->v, r, c->needle);
}

static ad_search_result matrix_search(ad_view *view, const char *needle, int dir)
{
	matrix_view *v = (matrix_view *)view;
	match_ctx ctx = { v, needle };
	ad_search_result res;

	free(v->needle);
	v->needle = NULL;
	if (!needle || !*needle)
		return AD_SEARCH_NOT_FOUND;
	v->needle = ad_xstrdup(needle);
	res = ad_list_search(&v->list, dir, match_row, &ctx);
	clamp_cursor(v);
	return res;
}

static bool matrix_mouse(ad_view *view, ad_view_host *host, const ad_mouse *ev)
{
	matrix_view *v = (matrix_view *)view;
	mgeom g;
	size_t r;

	geom_of(v, &v->base.rect, &g);
	switch (ev->kind) {
	case AD_MOUSE_WHEEL_UP:
	case AD_MOUSE_WHEEL_DOWN:
		v->list.height = g.body > 0 ? (size_t)g.body : 0;
		ad_list_scroll(&v->list, ev->kind == AD_MOUSE_WHEEL_UP ? -WHEEL_ROWS : WHEEL_ROWS,
			       false);
		return true;
	case AD_MOUSE_CLICK:
	case AD_MOUSE_DOUBLE_CLICK:
		if (ev->row < 1 || ev->row > g.body)
			return false;
		r = v->list.top + (size_t)(ev->row - 1);
		if (r >= v->nrows)
			return false;
		v->list.cursor = r;
		if (ev->col >= g.tw) {
			size_t k = (size_t)((ev->col - g.tw) / (v->cell_w + 1));

			if (v->left + k < v->n)
				v->ccol = v->left + k;
		}
		clamp_cursor(v);
		if (ev->kind == AD_MOUSE_DOUBLE_CLICK && ev->col >= g.tw)
			enter(v, host);
		return true;
	}
	return false;
}

static void matrix_status(ad_view *view, ad_buf *out)
{
	matrix_view *v = (matrix_view *)view;

	ad_buf_printf(out, "row %zu/%zu \xC2\xB7 variant %zu/%zu", v->nrows ? v->list.cursor + 1 : 0,
		      v->nrows, v->ccol + 1, v->n);
	if (v->marked) {
		ad_buf_puts(out, " \xC2\xB7 marked ");
		ad_term_sanitize(out, v->labels[v->mcol], strlen(v->labels[v->mcol]), false);
	}
}

static size_t matrix_variants(ad_view *view, const ad_doc *const **docs,
			      const char *const **labels)
{
	matrix_view *v = (matrix_view *)view;

	*docs = (const ad_doc *const *)v->docs;
	*labels = (const char *const *)v->labels;
	return v->n;
}

static void matrix_free(ad_view *view)
{
	matrix_view *v = (matrix_view *)view;

	if (!v)
		return;
	free(v->rows);
	free(v->cells);
	free(v->docs);
	free(v->labels);
	free(v->needle);
	ad_arena_free(&v->arena);
	free(v);
}

static const ad_view_ops matrix_ops = {
	.name = "matrix",
	.draw = matrix_draw,
	.action = matrix_action,
	.search = matrix_search,
	.mouse = matrix_mouse,
	.status = matrix_status,
	.variants = matrix_variants,
	.free = matrix_free,
};

ad_view *ad_matrix_view_new(const ad_doc *const *docs, const char *const *labels,
			    size_t n, ad_error *err)
{
	matrix_view *v;
	size_t d;
	int error;

	for (d = 0; docs && d < n; d++)
		if (!docs[d])
			docs = NULL;
	if (!docs || n < 2 || n > AD_ALIGN_MAX_DOCS) {
		ad_error_set(err, AD_EINVALID, NULL, 0, 0,
			     "the matrix needs 2 to %d variants", AD_ALIGN_MAX_DOCS);
		return NULL;
	}
	v = ad_xcalloc(1, sizeof(*v));
	v->base.ops = &matrix_ops;
	v->n = n;
	v->docs = ad_xmalloc(n * sizeof(*v->docs));
	v->labels = ad_xmalloc(n * sizeof(*v->labels));
	for (d = 0; d < n; d++) {
		v->docs[d] = docs[d];
		v->labels[d] = labels && labels[d] ? labels[d] : ad_doc_path(docs[d]);
	}
	if ((error = build(v)) < 0) {
		ad_error_set(err, error, NULL, 0, 0, "cannot align the variants");
		matrix_free(&v->base);
		return NULL;
	}
	return &v->base;
}

bool ad_matrix_view_request(const ad_view *view, size_t *a, size_t *b, int *section_a,
			    int *section_b)
{
	const matrix_view *v = (const matrix_view *)view;

	if (!v || v->base.ops != &matrix_ops || !v->requested)
		return false;
	*a = v->req_a;
	*b = v->req_b;
	*section_a = v->req_sec_a;
	*section_b = v->req_sec_b;
	return true;
}
