/*
 * textview: notes and a span of a document's lines (see textview.h).
 *
 * Rows are numbered from 0: the notes first, then the document's lines.
 * Nothing is copied out of the document; a row's text is found from the
 * document's line table when it is drawn, so showing a large file costs
 * nothing until its lines are on screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "term.h"
#include "textview.h"

typedef struct {
	ad_slot label_slot, slot;
	char *label, *text; /* label NULL: none, the text from column 0 */
} note;

typedef struct {
	ad_view base;
	ad_view_ops ops;
	char *title;
	note *notes;
	size_t nnotes;
	int label_w;
	const ad_doc *doc;
	int first_line, nlines;
	ad_list list; /* rows: the notes, then the lines */
	int hscroll;
	bool wrap;
	char *needle;
	/* Filled by draw: the row shown on each screen row (-1: none), and
	 * the geometry the actions page by. */
	long *rowmap;
	int nrowmap;
	int height;
} textview;

static size_t nrows(const textview *tv)
{
	return tv->nnotes + (size_t)tv->nlines;
}

static void clear_notes(textview *tv)
{
	size_t i;

	for (i = 0; i < tv->nnotes; i++) {
		free(tv->notes[i].label);
		free(tv->notes[i].text);
	}
	free(tv->notes);
	tv->notes = NULL;
	tv->nnotes = 0;
}

/* The text of a document line without its line ending. */
static const char *line_text(const textview *tv, int line, size_t *len)
{
	const char *data = ad_doc_data(tv->doc);
	size_t s = ad_doc_line_start(tv->doc, line), e = ad_doc_line_start(tv->doc, line + 1);

	if (e > s && data[e - 1] == '\n')
		e--;
	if (e > s && data[e - 1] == '\r')
		e--;
	*len = e - s;
	return data + s;
}

/* Row i's text, and for a note its label (else NULL). */
static const char *row_text(const textview *tv, size_t i, size_t *len,
			    const note **n)
{
	if (i < tv->nnotes) {
		*n = &tv->notes[i];
		*len = strlen(tv->notes[i].text);
		return tv->notes[i].text;
	}
	*n = NULL;
	return line_text(tv, tv->first_line + (int)(i - tv->nnotes), len);
}

static int digits(int n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* The label column's width: at most half the pane, so that long labels
 * leave room for the text (they are cut). */
static int label_width(const textview *tv, int cols)
{
	return tv->label_w < cols / 2 ? tv->label_w : cols / 2;
}

/* Columns left of the text of row i, in a pane of cols columns. */
static int indent_of(const textview *tv, const note *n, int cols)
{
	if (n)
		return n->label && tv->label_w ? label_width(tv, cols) + 2 : 0;
	return tv->nlines ? digits(tv->first_line + tv->nlines - 1) + 1 : 0;
}

/* Bytes of s that go on one wrapped row of width cols: up to the last
 * space that fits when a word would be cut, and at least one character,
 * so that wrapping always moves on. */
static size_t segment(const char *s, size_t len, int cols)
{
	size_t n = ad_text_fit(s, len, cols, NULL), k;
	unsigned cp;

	if (n == 0 && len > 0) {
		n = ad_utf8_decode(s, len, &cp);
		return n ? n : 1;
	}
	if (n < len && s[n] != ' ' && s[n - 1] != ' ') {
		for (k = n - 1; k > 0 && s[k] != ' '; k--)
			;
		if (k > 0)
			n = k + 1;
	}
	return n;
}

/* A wrapped row does not start with the spaces the break was made at. */
static size_t skip_blanks(const char *s, size_t len, size_t off)
{
	while (off < len && s[off] == ' ')
		off++;
	return off;
}

static int wrapped_rows(const textview *tv, size_t i, int cols)
{
	const note *n;
	size_t len, off = 0;
	const char *s = row_text(tv, i, &len, &n);
	int w = cols - indent_of(tv, n, cols), rows = 0;

	if (!tv->wrap || w < 1 || len == 0)
		return 1;
	while (off < len) {
		off += segment(s + off, len - off, w);
		off = skip_blanks(s, len, off);
		rows++;
	}
	return rows;
}

/* Paints the matches of the needle inside bytes [off, off + n) of s,
 * drawn from screen column col. */
static void paint_matches(const textview *tv, ad_screen *scr, int row, int col,
			  int maxcols, const char *s, size_t len, size_t off, size_t n)
{
	size_t nlen, at, from = 0;

	if (!tv->needle)
		return;
	nlen = strlen(tv->needle);
	while (ad_view_find(s, len, tv->needle, from, &at)) {
		size_t a = at > off ? at : off, b = at + nlen < off + n ? at + nlen : off + n;

		if (at >= off + n)
			break;
		if (a < b) {
			int c0 = ad_text_width(s + off, a - off);
			int c1 = ad_text_width(s + off, b - off);

			if (c0 < maxcols)
				ad_screen_paint(scr, row, col + c0,
						(c1 < maxcols ? c1 : maxcols) - c0,
						AD_SLOT_SEARCH_MATCH, 0);
		}
		from = at + nlen;
	}
}

static void ensure_visible(textview *tv, int cols)
{
	size_t i;
	int used;

	if (tv->list.cursor < tv->list.top)
		tv->list.top = tv->list.cursor;
	if (tv->height <= 0)
		return;
	for (;;) {
		used = 0;
		for (i = tv->list.top; i <= tv->list.cursor && used <= tv->height; i++)
			used += wrapped_rows(tv, i, cols);
		if (used <= tv->height || tv->list.top >= tv->list.cursor)
			break;
		tv->list.top++;
	}
}

static void draw(ad_view *v, ad_screen *scr, const ad_rect *r, bool focused)
{
	textview *tv = (textview *)v;
	int y, k;
	size_t i;

	ad_screen_fill(scr, r->row, r->col, r->cols, ' ', AD_SLOT_PANE_TITLE);
	ad_screen_puts(scr, r->row, r->col + 1, r->cols - 2, tv->title ? tv->title : "",
		       AD_SLOT_PANE_TITLE, 0);
	tv->height = r->rows - 1;
	if (tv->nrowmap < tv->height) {
		free(tv->rowmap);
		tv->rowmap = ad_xcalloc((size_t)tv->height, sizeof(*tv->rowmap));
		tv->nrowmap = tv->height;
	}
	for (k = 0; k < tv->nrowmap; k++)
		tv->rowmap[k] = -1;
	if (nrows(tv) == 0) {
		if (tv->height > 0)
			ad_screen_puts(scr, r->row + 1, r->col + 1, r->cols - 1, "(nothing to show)",
				       AD_SLOT_DIM, 0);
		return;
	}
	if (tv->list.cursor >= nrows(tv))
		tv->list.cursor = nrows(tv) - 1;
	ensure_visible(tv, r->cols);

	y = 0;
	for (i = tv->list.top; i < nrows(tv) && y < tv->height; i++) {
		const note *n;
		size_t len, off = 0;
		const char *s = row_text(tv, i, &len, &n);
		int ind = indent_of(tv, n, r->cols), w = r->cols - ind;
		bool cur = focused && i == tv->list.cursor;

		/* The left part: a line number or a note's label. */
		if (n) {
			if (n->label && *n->label)
				ad_screen_puts(scr, r->row + 1 + y, r->col, label_width(tv, r->cols),
					       n->label, n->label_slot, 0);
		} else if (ind > 0) {
			char num[16];
			int line = tv->first_line + (int)(i - tv->nnotes);

			snprintf(num, sizeof(num), "%*d", ind - 1, line);
			ad_screen_puts(scr, r->row + 1 + y, r->col, ind - 1, num,
				       AD_SLOT_LINE_NUMBER, 0);
		}
		if (w < 1) {
			tv->rowmap[y++] = (long)i;
			continue;
		}
		if (tv->wrap) {
			do {
				size_t seg = segment(s + off, len - off, w);

				ad_screen_put(scr, r->row + 1 + y, r->col + ind, w, s + off, seg,
					      n ? n->slot : AD_SLOT_DEFAULT, 0);
				if (cur)
					ad_screen_paint(scr, r->row + 1 + y, r->col, r->cols,
							AD_SLOT_CURSOR, 0);
				paint_matches(tv, scr, r->row + 1 + y, r->col + ind, w, s, len, off, seg);
				tv->rowmap[y++] = (long)i;
				off = skip_blanks(s, len, off + seg);
			} while (off < len && y < tv->height);
		} else {
			int skipped = 0;

			off = tv->hscroll ? ad_text_fit(s, len, tv->hscroll, &skipped) : 0;
			ad_screen_put(scr, r->row + 1 + y, r->col + ind, w, s + off, len - off,
				      n ? n->slot : AD_SLOT_DEFAULT, 0);
			if (cur)
				ad_screen_paint(scr, r->row + 1 + y, r->col, r->cols, AD_SLOT_CURSOR, 0);
			paint_matches(tv, scr, r->row + 1 + y, r->col + ind, w, s, len, off, len - off);
			tv->rowmap[y++] = (long)i;
		}
	}
}

static void scroll_top(textview *tv, long delta)
{
	long n = (long)nrows(tv), t = (long)tv->list.top + delta;

	if (t > n - 1)
		t = n - 1;
	if (t < 0)
		t = 0;
	tv->list.top = (size_t)t;
}

static bool action(ad_view *v, ad_view_host *host, ad_action a)
{
	textview *tv = (textview *)v;
	/* Rows wrap, so draw scrolls (list.height stays 0); a page is the
	 * pane's height less one row, as in less. */
	ad_list pg = { .height = tv->height > 0 ? (size_t)tv->height : 0, .overlap = 1 };
	long page;

	page = (long)ad_list_page_size(&pg, a == AD_ACTION_HALF_PAGE_UP ||
					    a == AD_ACTION_HALF_PAGE_DOWN);

	(void)host;
	switch (a) {
	case AD_ACTION_MOVE_UP:
		ad_list_move(&tv->list, -1);
		return true;
	case AD_ACTION_MOVE_DOWN:
		ad_list_move(&tv->list, 1);
		return true;
	case AD_ACTION_PAGE_UP:
	case AD_ACTION_HALF_PAGE_UP:
		scroll_top(tv, -page);
		ad_list_move(&tv->list, -page);
		return true;
	case AD_ACTION_PAGE_DOWN:
	case AD_ACTION_HALF_PAGE_DOWN:
		scroll_top(tv, page);
		ad_list_move(&tv->list, page);
		if (tv->list.cursor < tv->list.top)
			tv->list.cursor = tv->list.top;
		return true;
	case AD_ACTION_FIRST:
		tv->list.cursor = tv->list.top = 0;
		return true;
	case AD_ACTION_LAST:
		ad_list_move(&tv->list, (long)nrows(tv));
		return true;
	case AD_ACTION_LEFT:
		if (tv->wrap)
			return false;
		tv->hscroll = tv->hscroll > 8 ? tv->hscroll - 8 : 0;
		return true;
	case AD_ACTION_RIGHT:
		if (tv->wrap)
			return false;
		tv->hscroll += 8;
		return true;
	case AD_ACTION_WRAP:
		tv->wrap = !tv->wrap;
		tv->hscroll = 0;
		return true;
	default:
		return false;
	}
}

/* Row i holds tv->needle, in its text or its label. */
static bool row_matches(size_t i, void *payload)
{
	const textview *tv = payload;
	const note *nt;
	size_t len, at;
	const char *s = row_text(tv, i, &len, &nt);

	return ad_view_find(s, len, tv->needle, 0, &at) ||
	       (nt && nt->label && ad_view_find(nt->label, strlen(nt->label), tv->needle, 0, &at));
}

static ad_search_result search(ad_view *v, const char *needle, int dir)
{
	textview *tv = (textview *)v;

	free(tv->needle);
	tv->needle = NULL;
	if (!needle || !*needle)
		return AD_SEARCH_NOT_FOUND;
	tv->needle = ad_xstrdup(needle);
	return ad_list_search(&tv->list, dir, row_matches, tv);
}

static bool mouse(ad_view *v, ad_view_host *host, const ad_mouse *ev)
{
	textview *tv = (textview *)v;
	int y = ev->row - 1;

	(void)host;
	switch (ev->kind) {
	case AD_MOUSE_CLICK:
	case AD_MOUSE_DOUBLE_CLICK:
		if (y < 0 || y >= tv->nrowmap || tv->rowmap[y] < 0)
			return false;
		tv->list.cursor = (size_t)tv->rowmap[y];
		return true;
	case AD_MOUSE_WHEEL_UP:
		scroll_top(tv, -3);
		ad_list_move(&tv->list, -3);
		return true;
	case AD_MOUSE_WHEEL_DOWN:
		scroll_top(tv, 3);
		ad_list_move(&tv->list, 3);
		if (tv->list.cursor < tv->list.top)
			tv->list.cursor = tv->list.top;
		return true;
	}
	return false;
}

static void status(ad_view *v, ad_buf *out)
{
	textview *tv = (textview *)v;

	if (nrows(tv) == 0)
		return;
	if (tv->list.cursor >= tv->nnotes && tv->nlines > 0)
		ad_buf_printf(out, "line %d/%d", tv->first_line + (int)(tv->list.cursor - tv->nnotes),
			      tv->first_line + tv->nlines - 1);
	else
		ad_buf_printf(out, "%zu/%zu", tv->list.cursor + 1, nrows(tv));
	if (tv->nlines > 0)
		ad_buf_puts(out, tv->wrap ? "  wrap" : "  cut");
}

static void view_free(ad_view *v)
{
	textview *tv = (textview *)v;

	if (!tv)
		return;
	clear_notes(tv);
	free(tv->title);
	free(tv->needle);
	free(tv->rowmap);
	free(tv);
}

ad_view *ad_text_view_new(const char *name)
{
	textview *tv = ad_xcalloc(1, sizeof(*tv));

	tv->ops = (ad_view_ops){
		.name = name,
		.draw = draw,
		.action = action,
		.search = search,
		.mouse = mouse,
		.status = status,
		.free = view_free,
	};
	tv->base.ops = &tv->ops;
	tv->wrap = true;
	return &tv->base;
}

void ad_text_view_set(ad_view *v, const char *title, const ad_text_note *notes,
		      size_t nnotes, const ad_doc *doc, size_t start, size_t end)
{
	textview *tv = (textview *)v;
	size_t i;

	clear_notes(tv);
	free(tv->title);
	tv->title = title ? ad_xstrdup(title) : NULL;
	tv->label_w = 0;
	if (nnotes) {
		tv->notes = ad_xcalloc(nnotes, sizeof(*tv->notes));
		for (i = 0; i < nnotes; i++) {
			const char *label = notes[i].label;
			int w = label ? ad_text_width(label, strlen(label)) : 0;

			tv->notes[i].label_slot = notes[i].label_slot;
			tv->notes[i].slot = notes[i].slot;
			tv->notes[i].label = label ? ad_xstrdup(label) : NULL;
			tv->notes[i].text = ad_xstrdup(notes[i].text ? notes[i].text : "");
			if (w > tv->label_w)
				tv->label_w = w;
		}
		tv->nnotes = nnotes;
	}
	tv->list.cursor = tv->list.top = 0;
	tv->doc = doc;
	tv->first_line = tv->nlines = 0;
	if (doc && end > start && start < ad_doc_size(doc)) {
		if (end > ad_doc_size(doc))
			end = ad_doc_size(doc);
		tv->first_line = ad_doc_line_of(doc, start);
		tv->nlines = ad_doc_line_of(doc, end - 1) - tv->first_line + 1;
	}
	ad_list_set_count(&tv->list, nrows(tv));
	tv->hscroll = 0;
}

size_t ad_text_view_rows(const ad_view *v)
{
	return nrows((const textview *)v);
}

size_t ad_text_view_cursor(const ad_view *v)
{
	return ((const textview *)v)->list.cursor;
}
