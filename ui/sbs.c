/*
 * sbs: the side-by-side view of two variants (see compare.h).
 *
 * The rows come from sbsmodel, built once.  What the view keeps on top of
 * them is cheap to rebuild and rebuilt only when it changes: `vis`, the
 * model rows shown (a folded block shows its one folded row), and
 * `screen`, those rows cut into screen rows for the current column widths
 * (a long line wraps onto several when wrapping is on).  Drawing then only
 * touches the screen rows in sight, so a keypress that scrolls costs the
 * same on a 10-line file as on a 10,000-line one.
 *
 * Both columns share one scroll position and one cursor (a model row).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmpviews.h"
#include "list.h"
#include "sbsmodel.h"
#include "screen.h"
#include "term.h"

#define GAP_CHAR 0x2571     /* '╱': a side that has nothing on this row */
#define SEP_CHAR 0x2502     /* '│' between the two columns */
#define WHEEL_ROWS 3
#define DEFAULT_COLS 80     /* geometry before the first draw */
#define DEFAULT_ROWS 24

typedef struct {
	uint32_t vis;            /* index into vis */
	uint32_t off[2], len[2]; /* the piece of each side's text on this row */
	bool first;              /* the first screen row of its model row */
} screen_row;

typedef struct {
	ad_view base;
	const char *label[2];
	const ad_doc *doc[2];    /* for a merge of the two */
	ad_sbsmodel *m;
	bool *folded;            /* per block */

	int *vis;                /* model rows shown */
	size_t nvis;
	size_t *vstart;          /* nvis + 1: first screen row of each vis row */
	size_t *chg;             /* vis index where each change starts */
	size_t nchg;

	screen_row *rows;        /* the screen rows of vis */
	size_t nrows, arows;
	int laid_w[2];           /* text widths the rows were cut for */
	bool laid_wrap;
	bool dirty;              /* vis changed: cut again */
	int max_width;           /* widest text, for scrolling right */

	bool wrap;
	size_t cursor;           /* vis index */
	size_t top;              /* screen row at the top */
	int hscroll;
	bool to_top;             /* put the cursor at the top once laid out */
	int digits;              /* width of the line numbers */
	char *needle;            /* the last search, for highlighting */
} sbs_view;

typedef struct {
	int x[2], w[2];    /* each side's column and width */
	int gut;           /* gutter (line numbers and a space) */
	int tw[2];         /* text width of each side */
	int sep;           /* column of the separator */
	int body;          /* screen rows for text (below the heads row) */
} geometry;

static const ad_view_ops sbs_ops;

/* ------------------------------------------------------------ layout */

static void geometry_of(const sbs_view *v, const ad_rect *r, geometry *g)
{
	int cols = r->cols > 0 ? r->cols : DEFAULT_COLS;
	int rows = r->rows > 0 ? r->rows : DEFAULT_ROWS;
	int s;

	g->w[0] = (cols - 1) / 2;
	g->w[1] = cols - 1 - g->w[0];
	if (g->w[1] < 0)
		g->w[1] = 0;
	g->x[0] = r->col;
	g->sep = r->col + g->w[0];
	g->x[1] = g->sep + 1;
	g->gut = v->digits + 1;
	/* A narrow column keeps its text and drops the line numbers. */
	if (g->w[0] - g->gut < 8)
		g->gut = 0;
	for (s = 0; s < 2; s++)
		g->tw[s] = g->w[s] - g->gut;
	g->body = rows - 1;
	if (g->body < 0)
		g->body = 0;
}

static void rebuild_vis(sbs_view *v)
{
	size_t nb = ad_sbsmodel_block_count(v->m), b, i;

	v->nvis = 0;
	for (b = 0; b < nb; b++) {
		const ad_sbs_block *blk = ad_sbsmodel_block(v->m, b);
		int k;

		if (v->folded[b]) {
			v->vis[v->nvis++] = blk->fold;
			continue;
		}
		for (k = 0; k < blk->count; k++)
			v->vis[v->nvis++] = blk->first + k;
	}
	v->nchg = 0;
	/* A change is a run of rows that differ, within one block: a moved
	 * section right after an added one is a change of its own. */
	for (i = 0; i < v->nvis; i++) {
		const ad_sbs_row *r = ad_sbsmodel_row(v->m, (size_t)v->vis[i]);
		const ad_sbs_row *p = i ? ad_sbsmodel_row(v->m, (size_t)v->vis[i - 1]) : NULL;

		if (r->differs && (!p || !p->differs || p->block != r->block))
			v->chg[v->nchg++] = i;
	}
	if (v->cursor >= v->nvis)
		v->cursor = v->nvis ? v->nvis - 1 : 0;
	v->dirty = true;
}

/* Byte length of the character at s (at least 1): what a piece of a
 * wrapped line holds when not even one character fits. */
static size_t char_len(const char *s, size_t len)
{
	unsigned cp;
	size_t n = ad_utf8_decode(s, len, &cp);

	return n ? n : 1;
}

static bool is_wide_at(const char *s, size_t len)
{
	return len && (unsigned char)*s >= 0xE1 && ad_text_width(s, char_len(s, len)) == 2;
}

/* Where to end a wrapped piece of n bytes (of len left in the line): after
 * its last blank, or next to a wide character (CJK text breaks between
 * any two), when that is not at its very start, so that words stay
 * whole. */
static size_t word_break(const char *s, size_t n, size_t len)
{
	size_t i, prev;

	for (i = n; i > 1; i--) {
		if ((s[i] & 0xC0) == 0x80 && i < len)
			continue; /* inside a character */
		if (s[i - 1] == ' ' || s[i - 1] == '\t')
			return i;
		if (i < len && is_wide_at(s + i, len - i))
			return i;
		for (prev = i - 1; prev > 0 && (s[prev] & 0xC0) == 0x80; prev--)
			;
		if (is_wide_at(s + prev, len - prev))
			return i;
	}
	return n;
}

static void push_row(sbs_view *v, size_t vi, bool first)
{
	screen_row *sr;

	if (v->nrows + 1 > v->arows)
		ad_xgrow((void **)&v->rows, &v->arows, v->nrows + 1, sizeof(*v->rows));
	sr = &v->rows[v->nrows++];
	memset(sr, 0, sizeof(*sr));
	sr->vis = (uint32_t)vi;
	sr->first = first;
}

/* Cuts the vis rows into screen rows for text widths tw. */
static void layout(sbs_view *v, const int tw[2])
{
	size_t i;
	int s;

	v->nrows = 0;
	v->max_width = 0;
	for (i = 0; i < v->nvis; i++) {
		const ad_sbs_row *row = ad_sbsmodel_row(v->m, (size_t)v->vis[i]);
		size_t start = v->nrows, k;

		v->vstart[i] = start;
		push_row(v, i, true);
		for (s = 0; s < 2; s++) {
			const ad_sbs_side *sd = &row->side[s];
			size_t off = 0, n;
			int w = tw[s] > 0 ? tw[s] : 1;

			if (!sd->text)
				continue;
			if (!v->wrap) {
				int width = ad_text_width(sd->text, sd->len);

				v->rows[start].len[s] = sd->len;
				if (width > v->max_width)
					v->max_width = width;
				continue;
			}
			k = start;
			do {
				n = ad_text_fit(sd->text + off, sd->len - off, w, NULL);
				if (!n && off < sd->len)
					n = char_len(sd->text + off, sd->len - off);
				else if (off + n < sd->len)
					n = word_break(sd->text + off, n, sd->len - off);
				if (k == v->nrows)
					push_row(v, i, false);
				v->rows[k].off[s] = (uint32_t)off;
				v->rows[k].len[s] = (uint32_t)n;
				off += n;
				k++;
			} while (off < sd->len);
		}
	}
	v->vstart[v->nvis] = v->nrows;
	v->laid_w[0] = tw[0];
	v->laid_w[1] = tw[1];
	v->laid_wrap = v->wrap;
	v->dirty = false;
}

static size_t max_top(const sbs_view *v, const geometry *g)
{
	size_t h = g->body > 0 ? (size_t)g->body : 1;

	return v->nrows > h ? v->nrows - h : 0;
}

static void scroll_to_cursor(sbs_view *v, const geometry *g)
{
	size_t h = g->body > 0 ? (size_t)g->body : 1, first, last;

	if (!v->nvis) {
		v->top = 0;
		return;
	}
	first = v->vstart[v->cursor];
	last = v->vstart[v->cursor + 1] - 1;
	if (v->to_top) {
		v->top = first;
		v->to_top = false;
	} else if (first < v->top) {
		v->top = first;
	} else if (last >= v->top + h) {
		v->top = last - h + 1;
		if (v->top > first)
			v->top = first;
	}
	if (v->top > max_top(v, g))
		v->top = max_top(v, g);
}

/* Makes the screen rows fit the geometry; returns it. */
static void ensure_layout(sbs_view *v, geometry *g)
{
	geometry_of(v, &v->base.rect, g);
	if (v->dirty || v->laid_wrap != v->wrap || v->laid_w[0] != g->tw[0] ||
	    v->laid_w[1] != g->tw[1]) {
		layout(v, g->tw);
		scroll_to_cursor(v, g);
	}
	if (v->to_top)
		scroll_to_cursor(v, g);
}

/* ------------------------------------------------------------ drawing */

static bool contains(const char *s, size_t len, const char *needle)
{
	size_t at;

	return ad_view_find(s, len, needle, 0, &at);
}

/* What is drawn of one side's text on one screen row. */
typedef struct {
	ad_screen *scr;
	int y, x, w;
	const char *t;
	size_t start, end;  /* bytes drawn */
	int pad;            /* columns of a character cut at the left edge */
	size_t cut;         /* that character's offset (when pad > 0) */
} piece;

/* Paints bytes [a, b) of the side's text where they are on screen. */
static void paint_range(const piece *p, size_t a, size_t b, ad_slot slot)
{
	size_t from = a > p->start ? a : p->start, to = b < p->end ? b : p->end;
	int c0, c1;

	if (p->pad && a <= p->cut && b > p->cut)
		ad_screen_paint(p->scr, p->y, p->x, p->pad, slot, 0);
	if (to <= from)
		return;
	c0 = p->pad + ad_text_width(p->t + p->start, from - p->start);
	c1 = p->pad + ad_text_width(p->t + p->start, to - p->start);
	if (c1 > p->w)
		c1 = p->w;
	if (c1 > c0)
		ad_screen_paint(p->scr, p->y, p->x + c0, c1 - c0, slot, 0);
}

static void draw_text(const sbs_view *v, ad_screen *scr, int y, int x, int w,
		      const ad_sbs_side *sd, const screen_row *sr, int s)
{
	const ad_sbs_mark *marks = ad_sbsmodel_marks(v->m);
	piece p = { .scr = scr, .y = y, .x = x, .w = w, .t = sd->text };
	size_t k;

	if (v->wrap) {
		p.start = sr->off[s];
		p.end = p.start + sr->len[s];
	} else {
		int used;

		p.start = ad_text_fit(sd->text, sd->len, v->hscroll, &used);
		if (used < v->hscroll && p.start < sd->len) {
			/* A wide character or a tab across the left edge:
			 * show the part of it that is in sight as blanks. */
			size_t n = char_len(sd->text + p.start, sd->len - p.start);
			int gw = sd->text[p.start] == '\t' ? 8 - used % 8
							    : ad_text_width(sd->text + p.start, n);

			p.pad = used + gw - v->hscroll;
			if (p.pad > w)
				p.pad = w;
			p.cut = p.start;
			p.start += n;
			ad_screen_fill(scr, y, x, p.pad, ' ', (ad_slot)sd->slot);
		}
		p.end = sd->len;
	}
	if (w - p.pad <= 0)
		return;
	/* Only what fits matters from here on (a line may be megabytes). */
	p.end = p.start + ad_text_fit(sd->text + p.start, p.end - p.start, w - p.pad, NULL);
	if (p.end == p.start && p.start < (v->wrap ? p.start + sr->len[s] : sd->len))
		p.end = p.start + char_len(sd->text + p.start, sd->len - p.start);
	ad_screen_put(scr, y, x + p.pad, w - p.pad, sd->text + p.start, p.end - p.start,
		      (ad_slot)sd->slot, 0);
	for (k = 0; k < sd->nmarks; k++) {
		const ad_sbs_mark *mk = &marks[sd->mark + k];

		paint_range(&p, mk->off, (size_t)mk->off + mk->len, (ad_slot)mk->slot);
	}
	if (v->needle && *v->needle) {
		size_t nl = strlen(v->needle);
		size_t from = p.start >= nl ? p.start - nl + 1 : 0, i, at;
		size_t to = p.end + nl - 1 < sd->len ? p.end + nl - 1 : sd->len;

		if (p.pad && p.cut < from)
			from = p.cut;
		for (i = from; ad_view_find(sd->text, to, v->needle, i, &at); i = at + 1)
			paint_range(&p, at, at + nl, AD_SLOT_SEARCH_MATCH);
	}
}

static void draw_row(const sbs_view *v, ad_screen *scr, int y, const geometry *g,
		     const screen_row *sr, bool cursor)
{
	const ad_sbs_row *row = ad_sbsmodel_row(v->m, (size_t)v->vis[sr->vis]);
	int s;

	for (s = 0; s < 2; s++) {
		const ad_sbs_side *sd = &row->side[s];
		int x = g->x[s];

		if (g->w[s] <= 0)
			continue;
		if (g->gut > 0) {
			char num[16];

			ad_screen_fill(scr, y, x, g->gut, ' ', AD_SLOT_LINE_NUMBER);
			if (sd->text && sr->first && sd->line > 0) {
				snprintf(num, sizeof(num), "%*d", v->digits, sd->line);
				ad_screen_puts(scr, y, x, v->digits, num, AD_SLOT_LINE_NUMBER, 0);
			}
			if (cursor)
				ad_screen_paint(scr, y, x, g->gut - 1, AD_SLOT_CURSOR, 0);
		}
		if (g->tw[s] <= 0)
			continue;
		if (!sd->text)
			ad_screen_fill(scr, y, x + g->gut, g->tw[s], GAP_CHAR, AD_SLOT_GAP);
		else if (!v->wrap || sr->len[s] || sr->first)
			draw_text(v, scr, y, x + g->gut, g->tw[s], sd, sr, s);
	}
	if (g->w[0] > 0)
		ad_screen_fill(scr, y, g->sep, 1, SEP_CHAR, AD_SLOT_PANE_BORDER);
}

static void sbs_draw(ad_view *view, ad_screen *scr, const ad_rect *r, bool focused)
{
	sbs_view *v = (sbs_view *)view;
	geometry g;
	int y, s;

	v->base.rect = *r;
	ensure_layout(v, &g);
	for (y = 0; y < r->rows; y++)
		ad_screen_fill(scr, r->row + y, r->col, r->cols, ' ', AD_SLOT_DEFAULT);
	if (r->rows <= 0 || r->cols <= 0)
		return;
	for (s = 0; s < 2; s++)
		if (g.w[s] > 0)
			ad_cmpviews_put_tail(scr, r->row, g.x[s], g.w[s], v->label[s],
					     AD_SLOT_PANE_TITLE, AD_CELL_BOLD);
	if (g.w[0] > 0)
		ad_screen_fill(scr, r->row, g.sep, 1, SEP_CHAR, AD_SLOT_PANE_BORDER);
	for (y = 0; y < g.body; y++) {
		size_t i = v->top + (size_t)y;

		if (g.w[0] > 0)
			ad_screen_fill(scr, r->row + 1 + y, g.sep, 1, SEP_CHAR, AD_SLOT_PANE_BORDER);
		if (i >= v->nrows)
			continue;
		draw_row(v, scr, r->row + 1 + y, &g, &v->rows[i],
			 focused && v->rows[i].vis == v->cursor);
	}
}

/* ------------------------------------------------------------ moving */

static void set_cursor(sbs_view *v, size_t vi)
{
	geometry g;

	if (!v->nvis)
		return;
	v->cursor = vi < v->nvis ? vi : v->nvis - 1;
	ensure_layout(v, &g);
	scroll_to_cursor(v, &g);
}

/* Scrolls by n screen rows (negative: up), dragging the cursor along when
 * it would leave the screen. */
static void scroll_by(sbs_view *v, long n, bool move_cursor)
{
	geometry g;
	size_t h, mt, first, last;
	long top;

	ensure_layout(v, &g);
	if (!v->nvis)
		return;
	h = g.body > 0 ? (size_t)g.body : 1;
	mt = max_top(v, &g);
	top = (long)v->top + n;
	if (top < 0)
		top = 0;
	if ((size_t)top > mt)
		top = (long)mt;
	if (move_cursor) {
		long c = (long)v->vstart[v->cursor] + n;

		if (c < 0)
			c = 0;
		if ((size_t)c >= v->nrows)
			c = (long)v->nrows - 1;
		v->cursor = v->rows[c].vis;
	}
	v->top = (size_t)top;
	/* A cursor scrolled out of sight moves to the first (or last) row
	 * wholly in sight, so that the screen does not jump back to it. */
	first = v->vstart[v->cursor];
	last = v->vstart[v->cursor + 1] - 1;
	if (first < v->top) {
		size_t vi = v->rows[v->top].vis;

		if (!v->rows[v->top].first && vi + 1 < v->nvis)
			vi++;
		v->cursor = vi;
	} else if (last >= v->top + h) {
		size_t bottom = v->top + h - 1 < v->nrows ? v->top + h - 1 : v->nrows - 1;
		size_t vi = v->rows[bottom].vis;

		if (v->vstart[vi + 1] - 1 > bottom && vi > 0 && v->vstart[vi] > v->top)
			vi--;
		v->cursor = vi;
	}
	scroll_to_cursor(v, &g);
}

static void goto_change(sbs_view *v, ad_view_host *host, int dir)
{
	geometry g;
	size_t k, h, ctx;
	long found = -1;

	if (!v->nchg) {
		if (host)
			ad_host_message(host, AD_SLOT_DEFAULT, "no changes");
		return;
	}
	if (dir > 0) {
		for (k = 0; k < v->nchg && found < 0; k++)
			if (v->chg[k] > v->cursor)
				found = (long)k;
	} else {
		/* vim's [c: the start of this change, or of the one before. */
		for (k = v->nchg; k-- > 0 && found < 0;)
			if (v->chg[k] < v->cursor)
				found = (long)k;
	}
	if (found < 0) {
		if (host)
			ad_host_message(host, AD_SLOT_DEFAULT, "%s change",
				       dir > 0 ? "no next" : "no previous");
		return;
	}
	v->cursor = v->chg[found];
	ensure_layout(v, &g);
	h = g.body > 0 ? (size_t)g.body : 1;
	if (v->vstart[v->cursor] < v->top || v->vstart[v->cursor] >= v->top + h) {
		/* A little of what comes before, as context. */
		ctx = h >= 12 ? 3 : 0;
		v->top = v->vstart[v->cursor] > ctx ? v->vstart[v->cursor] - ctx : 0;
		if (v->top > max_top(v, &g))
			v->top = max_top(v, &g);
	}
	scroll_to_cursor(v, &g);
}

/* Refolds and keeps the cursor on the model row it was on, or on its
 * block. */
static void refold(sbs_view *v)
{
	int row = v->nvis ? v->vis[v->cursor] : -1;
	int block = row >= 0 ? ad_sbsmodel_row(v->m, (size_t)row)->block : -1;
	size_t i;

	rebuild_vis(v);
	if (block < 0)
		return;
	for (i = 0; i < v->nvis && v->vis[i] != row; i++)
		;
	if (i == v->nvis)
		for (i = 0; i < v->nvis && ad_sbsmodel_row(v->m, (size_t)v->vis[i])->block != block; i++)
			;
	if (i < v->nvis)
		v->cursor = i;
	set_cursor(v, v->cursor);
}

static void fold_block(sbs_view *v, int block, bool fold)
{
	if (block < 0 || (size_t)block >= ad_sbsmodel_block_count(v->m))
		return;
	v->folded[block] = fold;
}

static void fold_unchanged(sbs_view *v)
{
	size_t nb = ad_sbsmodel_block_count(v->m), b;
	bool any_open = false;

	for (b = 0; b < nb; b++)
		if (ad_sbsmodel_block(v->m, b)->unchanged && !v->folded[b])
			any_open = true;
	for (b = 0; b < nb; b++)
		if (ad_sbsmodel_block(v->m, b)->unchanged)
			v->folded[b] = any_open;
	refold(v);
}

static ad_search_result sbs_search(ad_view *view, const char *needle, int dir);

static bool sbs_action(ad_view *view, ad_view_host *host, ad_action action)
{
	sbs_view *v = (sbs_view *)view;
	geometry g;
	long page;
	int block;
	size_t b;

	ensure_layout(v, &g);
	page = g.body > 1 ? g.body : 1;
	block = v->nvis ? ad_sbsmodel_row(v->m, (size_t)v->vis[v->cursor])->block : -1;
	switch (action) {
	case AD_ACTION_MOVE_UP:
		if (v->cursor > 0)
			set_cursor(v, v->cursor - 1);
		return true;
	case AD_ACTION_MOVE_DOWN:
		set_cursor(v, v->cursor + 1);
		return true;
	case AD_ACTION_PAGE_UP:
		scroll_by(v, -page, true);
		return true;
	case AD_ACTION_PAGE_DOWN:
		scroll_by(v, page, true);
		return true;
	case AD_ACTION_HALF_PAGE_UP:
		scroll_by(v, -(page / 2 > 0 ? page / 2 : 1), true);
		return true;
	case AD_ACTION_HALF_PAGE_DOWN:
		scroll_by(v, page / 2 > 0 ? page / 2 : 1, true);
		return true;
	case AD_ACTION_FIRST:
		set_cursor(v, 0);
		return true;
	case AD_ACTION_LAST:
		set_cursor(v, v->nvis ? v->nvis - 1 : 0);
		return true;
	case AD_ACTION_LEFT:
	case AD_ACTION_RIGHT:
		if (!v->wrap) {
			int step = g.tw[1] / 2 > 4 ? g.tw[1] / 2 : 4;
			int most = v->max_width - g.tw[1] > 0 ? v->max_width - g.tw[1] : 0;

			v->hscroll += action == AD_ACTION_LEFT ? -step : step;
			if (v->hscroll > most)
				v->hscroll = most;
			if (v->hscroll < 0)
				v->hscroll = 0;
		}
		return true;
	case AD_ACTION_ENTER:
	case AD_ACTION_FOLD_TOGGLE:
		if (block < 0)
			return true;
		fold_block(v, block, !v->folded[block]);
		refold(v);
		return true;
	case AD_ACTION_FOLD_ALL:
	case AD_ACTION_UNFOLD_ALL:
		for (b = 0; b < ad_sbsmodel_block_count(v->m); b++)
			v->folded[b] = action == AD_ACTION_FOLD_ALL;
		refold(v);
		return true;
	case AD_ACTION_FOLD_UNCHANGED:
		fold_unchanged(v);
		return true;
	case AD_ACTION_WRAP:
		v->wrap = !v->wrap;
		v->hscroll = 0;
		ensure_layout(v, &g);
		scroll_to_cursor(v, &g);
		return true;
	case AD_ACTION_NEXT_CHANGE:
		goto_change(v, host, 1);
		return true;
	case AD_ACTION_PREV_CHANGE:
		goto_change(v, host, -1);
		return true;
	case AD_ACTION_SEARCH_NEXT:
	case AD_ACTION_SEARCH_PREV:
		if (v->needle && *v->needle) {
			char *needle = ad_xstrdup(v->needle);

			if (!sbs_search(view, needle, action == AD_ACTION_SEARCH_NEXT ? 1 : -1) &&
			    host)
				ad_host_message(host, AD_SLOT_WARNING, "not found");
			free(needle);
		} else {
			goto_change(v, host, action == AD_ACTION_SEARCH_NEXT ? 1 : -1);
		}
		return true;
	default:
		return false;
	}
}

/* ------------------------------------------------------------ search */

static bool row_matches(const ad_sbs_row *row, const char *needle)
{
	return contains(row->side[0].text, row->side[0].len, needle) ||
	       contains(row->side[1].text, row->side[1].len, needle);
}

typedef struct {
	const ad_sbsmodel *m;
	const char *needle;
} match_ctx;

static bool match_row(size_t i, void *payload)
{
	const match_ctx *c = payload;
	const ad_sbs_row *row = ad_sbsmodel_row(c->m, i);

	return row->kind != AD_SBS_ROW_FOLD && row_matches(row, c->needle);
}

static ad_search_result sbs_search(ad_view *view, const char *needle, int dir)
{
	sbs_view *v = (sbs_view *)view;
	size_t n = ad_sbsmodel_row_count(v->m), i = 0, j, from;
	const ad_sbs_row *cur, *row;
	match_ctx ctx = { v->m, needle };
	ad_search_result res;

	free(v->needle);
	v->needle = NULL;
	if (!needle || !*needle)
		return AD_SEARCH_NOT_FOUND;
	v->needle = ad_xstrdup(needle);
	if (!n || !v->nvis)
		return AD_SEARCH_NOT_FOUND;
	/* Model rows in order hold every block unfolded (the folded row of a
	 * block comes after its rows), so a match inside a folded block is
	 * found too, and its block opened. */
	from = (size_t)v->vis[v->cursor];
	cur = ad_sbsmodel_row(v->m, from);
	if (cur->kind == AD_SBS_ROW_FOLD)
		from = (size_t)ad_sbsmodel_block(v->m, (size_t)cur->block)->first;
	res = ad_list_find(n, from, dir, match_row, &ctx, &i);
	if (res == AD_SEARCH_NOT_FOUND)
		return res;
	/* On a folded row, the match in its block is not where the cursor
	 * was. */
	if (res == AD_SEARCH_ONLY && cur->kind == AD_SBS_ROW_FOLD)
		res = AD_SEARCH_FOUND;
	row = ad_sbsmodel_row(v->m, i);
	if (v->folded[row->block]) {
		v->folded[row->block] = false;
		rebuild_vis(v);
	}
	for (j = 0; j < v->nvis; j++) {
		if ((size_t)v->vis[j] == i) {
			set_cursor(v, j);
			break;
		}
	}
	return res;
}

/* ------------------------------------------------------------ mouse, status */

static bool sbs_mouse(ad_view *view, ad_view_host *host, const ad_mouse *ev)
{
	sbs_view *v = (sbs_view *)view;
	geometry g;
	size_t i;

	ensure_layout(v, &g);
	switch (ev->kind) {
	case AD_MOUSE_WHEEL_UP:
		scroll_by(v, -WHEEL_ROWS, false);
		return true;
	case AD_MOUSE_WHEEL_DOWN:
		scroll_by(v, WHEEL_ROWS, false);
		return true;
	case AD_MOUSE_CLICK:
	case AD_MOUSE_DOUBLE_CLICK:
		if (ev->row < 1 || ev->row > g.body)
			return false;
		i = v->top + (size_t)(ev->row - 1);
		if (i >= v->nrows)
			return false;
		set_cursor(v, v->rows[i].vis);
		if (ev->kind == AD_MOUSE_DOUBLE_CLICK)
			sbs_action(view, host, AD_ACTION_FOLD_TOGGLE);
		return true;
	}
	return false;
}

static void sbs_status(ad_view *view, ad_buf *out)
{
	sbs_view *v = (sbs_view *)view;
	size_t k = 0;

	while (k < v->nchg && v->chg[k] <= v->cursor)
		k++;
	if (v->nchg)
		ad_buf_printf(out, "change %zu/%zu", k, v->nchg);
	else
		ad_buf_puts(out, "no changes");
	ad_buf_printf(out, " \xC2\xB7 line %zu/%zu", v->nvis ? v->cursor + 1 : 0, v->nvis);
	if (!v->wrap && v->hscroll)
		ad_buf_printf(out, " \xC2\xB7 column %d", v->hscroll + 1);
}

static size_t sbs_variants(ad_view *view, const ad_doc *const **docs,
			   const char *const **labels)
{
	sbs_view *v = (sbs_view *)view;

	*docs = v->doc;
	*labels = v->label;
	return 2;
}

static void sbs_free(ad_view *view)
{
	sbs_view *v = (sbs_view *)view;

	if (!v)
		return;
	ad_sbsmodel_free(v->m);
	free(v->folded);
	free(v->vis);
	free(v->vstart);
	free(v->chg);
	free(v->rows);
	free(v->needle);
	free(v);
}

static const ad_view_ops sbs_ops = {
	.name = "sbs",
	.draw = sbs_draw,
	.action = sbs_action,
	.search = sbs_search,
	.mouse = sbs_mouse,
	.status = sbs_status,
	.variants = sbs_variants,
	.free = sbs_free,
};

ad_view *ad_sbs_view_new_at(const ad_doc *a, const ad_doc *b, const char *label_a,
			    const char *label_b, int section_a, int section_b,
			    ad_error *err)
{
	sbs_view *v;
	size_t nrows, nblocks, i;
	int block = -1, error, n;

	if (!a || !b) {
		ad_error_set(err, AD_EINVALID, NULL, 0, 0, "side by side needs two documents");
		return NULL;
	}
	v = ad_xcalloc(1, sizeof(*v));
	v->base.ops = &sbs_ops;
	v->label[0] = label_a ? label_a : ad_doc_path(a);
	v->label[1] = label_b ? label_b : ad_doc_path(b);
	v->doc[0] = a;
	v->doc[1] = b;
	if ((error = ad_sbsmodel_build(&v->m, a, b)) < 0) {
		ad_error_set(err, error, ad_doc_path(a), 0, 0, "cannot compare with %s",
			     ad_doc_path(b));
		free(v);
		return NULL;
	}
	nrows = ad_sbsmodel_row_count(v->m);
	nblocks = ad_sbsmodel_block_count(v->m);
	v->folded = ad_xcalloc(nblocks + 1, sizeof(bool));
	v->vis = ad_xmalloc((nrows + 1) * sizeof(int));
	v->vstart = ad_xmalloc((nrows + 2) * sizeof(size_t));
	v->chg = ad_xmalloc((nrows + 1) * sizeof(size_t));
	v->wrap = true;
	for (n = ad_sbsmodel_max_line(v->m), v->digits = 1; n >= 10; n /= 10)
		v->digits++;
	rebuild_vis(v);
	if (section_a >= 0)
		block = ad_sbsmodel_block_of_section(v->m, 0, section_a);
	if (block < 0 && section_b >= 0)
		block = ad_sbsmodel_block_of_section(v->m, 1, section_b);
	if (block >= 0) {
		int first = ad_sbsmodel_block(v->m, (size_t)block)->first;

		for (i = 0; i < v->nvis; i++)
			if (v->vis[i] == first)
				v->cursor = i;
		v->to_top = true;
	}
	return &v->base;
}

ad_view *ad_sbs_view_new(const ad_doc *a, const ad_doc *b, const char *label_a,
			 const char *label_b, int section_a, ad_error *err)
{
	return ad_sbs_view_new_at(a, b, label_a, label_b, section_a, -1, err);
}
