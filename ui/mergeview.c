/*
 * mergeview: the curated merge view (see mergeview.h).
 *
 * Two panes in one view: the rows (a row per block, field and section, a
 * column per variant, and what the result takes), and below them the text
 * of the cell under the cursor; the last line says what check finds in the
 * result.  The preview replaces both with the findings and the result's
 * lines.  Choices go straight to the model; what it makes is asked for
 * when drawn, so a choice costs one plan and one lint, not one per frame.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmpviews.h"
#include "list.h"
#include "mergeview.h"
#include "screen.h"
#include "term.h"

#define HBAR 0x2500        /* '─' */
#define VBAR 0x2502        /* '│' */
#define CELL_W 9           /* "[1] 123 ~" */
#define CELL_MAX 22
#define RESULT_W 16
#define MAX_INDENT 6
#define WHEEL_ROWS 3
#define BOX_MAX_W 72

typedef struct {
	ad_view base;
	ad_view_host *host;
	ad_mergemodel *m;
	size_t n;
	char **labels;
	/* The labels end alike ("abc1234:agents/x.md", "def5678:agents/x.md"):
	 * their starts tell them apart, so heads show those. */
	bool heads;
	size_t *vis;          /* the rows shown (not blank), as model indices */
	size_t nvis;
	/* Per row id and variant: the cell's lines, and the first variant
	 * whose version has the same bytes (made once: drawing a screen
	 * then costs the same for a long section as for a short one). */
	int *lines;
	int *same;

	ad_list list;         /* over vis: the cursor, the first row in sight */
	size_t ccol;          /* the variant under the cursor */
	size_t left;          /* first variant column in sight */
	int list_rows;        /* rows of the list at the last draw */
	int title_w;

	bool preview;
	size_t ptop;          /* first preview line in sight */
	int page;             /* preview lines in sight at the last draw */
	size_t *lstart;       /* the result's line starts, for the preview */
	size_t nlines;
	bool lines_dirty;

	bool close_armed;     /* q once more closes without writing */
	char *box;            /* a message over the view, until the next key */
	ad_slot box_slot;
	char *output;         /* the file written last, the next default */
	char *pending;        /* the file a confirmation is about */
	char *needle;
} merge_view;

static const ad_view_ops merge_ops;

/* ------------------------------------------------------------ helpers */

static const ad_merge_row *cur_row(const merge_view *v, size_t *index)
{
	if (!v->nvis)
		return NULL;
	if (index)
		*index = v->vis[v->list.cursor];
	return ad_mergemodel_row(v->m, v->vis[v->list.cursor]);
}

static void changed(merge_view *v)
{
	v->lines_dirty = true;
}

static void say(merge_view *v, ad_slot slot, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The status bar, sanitized: messages quote titles and paths. */
static void say(merge_view *v, ad_slot slot, const char *fmt, ...)
{
	ad_buf msg = AD_BUF_INIT, clean = AD_BUF_INIT;
	va_list ap;

	if (!v->host)
		return;
	va_start(ap, fmt);
	ad_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	ad_term_sanitize(&clean, ad_buf_cstr(&msg), msg.size, false);
	ad_host_message(v->host, slot, "%s", ad_buf_cstr(&clean));
	ad_buf_free(&msg);
	ad_buf_free(&clean);
}

static void show_box(merge_view *v, ad_slot slot, const char *text)
{
	free(v->box);
	v->box = ad_xstrdup(text);
	v->box_slot = slot;
}

static void box_error(merge_view *v, const char *what, const ad_error *err)
{
	ad_buf b = AD_BUF_INIT;
	char msg[2048];

	ad_buf_printf(&b, "%s:\n%s", what, ad_error_format(err, msg, sizeof(msg)));
	show_box(v, AD_SLOT_ERROR, ad_buf_cstr(&b));
	ad_buf_free(&b);
}

/* What the title column shows for a row: as the tree shows it. */
static void row_title(const ad_merge_row *r, ad_buf *out)
{
	const ad_section *s = r->section;
	int k;

	ad_buf_clear(out);
	if (r->kind == AD_MERGE_ROW_FIELD) {
		ad_buf_puts(out, r->title);
		ad_buf_putc(out, ':');
	} else if (!s || s->kind == AD_SECTION_PREAMBLE) {
		ad_buf_puts(out, r->title);
	} else if (s->kind == AD_SECTION_TAG) {
		ad_buf_printf(out, "<%s>", s->tag);
		if (strcmp(s->title, s->tag)) {
			ad_buf_putc(out, ' ');
			ad_buf_puts(out, s->title);
		}
	} else {
		for (k = 0; k < s->level && k < 6; k++)
			ad_buf_putc(out, '#');
		ad_buf_putc(out, ' ');
		ad_buf_puts(out, s->title);
	}
	ad_buf_cstr(out);
}

static int count_lines(const char *s, size_t len)
{
	int n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')))
			n++;
	return n + (len && s[len - 1] != '\n' && s[len - 1] != '\r');
}

/* "from 1", "from 1+3", "left out", "union", "edited". */
static void result_text(const ad_merge_row *r, ad_buf *out)
{
	size_t k;

	ad_buf_clear(out);
	switch (r->choice) {
	case AD_MERGE_TAKE:
		if (!r->norder) {
			ad_buf_puts(out, r->kind == AD_MERGE_ROW_FRONTMATTER ? "none" : "left out");
			break;
		}
		ad_buf_puts(out, "from ");
		for (k = 0; k < r->norder; k++)
			ad_buf_printf(out, "%s%d", k ? "+" : "", r->order[k] + 1);
		break;
	case AD_MERGE_UNION:
		ad_buf_puts(out, "union");
		break;
	case AD_MERGE_INTERSECTION:
		ad_buf_puts(out, "intersection");
		break;
	case AD_MERGE_EDITED:
		ad_buf_printf(out, "edited (%d)", r->base + 1);
		break;
	}
}

/* The position (1-based) of v among the versions taken, 0 when not. */
static size_t taken_at(const ad_merge_row *r, size_t v)
{
	size_t k;

	if (r->choice == AD_MERGE_EDITED)
		return (int)v == r->base ? 1 : 0;
	if (r->choice != AD_MERGE_TAKE)
		return r->cells[v] >= 0 ? 1 : 0;
	for (k = 0; k < r->norder; k++)
		if ((size_t)r->order[k] == v)
			return k + 1;
	return 0;
}

/* ------------------------------------------------------------ layout */

typedef struct {
	int tw;       /* title column */
	int cw;       /* a variant's column */
	int ncols;    /* variant columns in sight */
	int rx;       /* result column */
	int list;     /* list rows */
	int text;     /* text pane rows (below the separator) */
} geometry;

static void geometry_of(const merge_view *v, const ad_rect *r, geometry *g)
{
	int room, body = r->rows - 2; /* the heads row and the check line */

	g->tw = v->title_w;
	if (g->tw > r->cols / 3)
		g->tw = r->cols / 3;
	if (g->tw < 12)
		g->tw = 12;
	room = r->cols - g->tw - RESULT_W;
	/* Wider columns when there is room, for the variants' names. */
	g->cw = room > 0 ? room / (int)v->n - 1 : CELL_W;
	if (g->cw > CELL_MAX)
		g->cw = CELL_MAX;
	if (g->cw < CELL_W)
		g->cw = CELL_W;
	g->ncols = room > 0 ? room / (g->cw + 1) : 0;
	if (g->ncols > (int)v->n)
		g->ncols = (int)v->n;
	if (g->ncols < 1)
		g->ncols = 1;
	g->rx = r->col + g->tw + g->ncols * (g->cw + 1);
	if (body < 1)
		body = 1;
	g->list = body >= 8 ? body / 2 : body;
	if (g->list > (int)v->nvis && body >= 8)
		g->list = (int)v->nvis < 3 ? 3 : (int)v->nvis;
	if (body >= 8 && body - g->list - 1 < 3)
		g->list = body - 4;
	g->text = body - g->list - 1;
	if (g->text < 0)
		g->text = 0;
}

static void keep_in_sight(merge_view *v, const geometry *g)
{
	size_t h = g->list > 0 ? (size_t)g->list : 1;

	v->list.height = h;
	ad_list_follow(&v->list);
	if (v->ccol < v->left)
		v->left = v->ccol;
	if (v->ccol >= v->left + (size_t)g->ncols)
		v->left = v->ccol - (size_t)g->ncols + 1;
}

/* ------------------------------------------------------------ drawing */

static void hbar(ad_screen *scr, int y, int x, int w, const char *label)
{
	int used = 0;

	ad_screen_fill(scr, y, x, w, HBAR, AD_SLOT_PANE_BORDER);
	if (label && w > 6) {
		ad_screen_fill(scr, y, x + 2, 1, ' ', AD_SLOT_PANE_BORDER);
		used = ad_screen_puts(scr, y, x + 3, w - 5, label, AD_SLOT_PANE_TITLE, 0);
		ad_screen_fill(scr, y, x + 3 + used, 1, ' ', AD_SLOT_PANE_BORDER);
	}
}

static void put_label(const merge_view *v, ad_screen *scr, int y, int x, int w, const char *s,
		      unsigned attrs)
{
	size_t len = strlen(s), fit;

	if (!v->heads || w < 2 || ad_text_width(s, len) <= w) {
		ad_cmpviews_put_tail(scr, y, x, w, s, AD_SLOT_PANE_TITLE, attrs);
		return;
	}
	fit = ad_text_fit(s, len, w - 1, NULL);
	x += ad_screen_put(scr, y, x, w - 1, s, fit, AD_SLOT_PANE_TITLE, attrs);
	ad_screen_put(scr, y, x, 1, "\xE2\x80\xA6", 3, AD_SLOT_PANE_TITLE, attrs);
}

/* Whether every label is longer than the part they all end with, and
 * that part is more than an extension. */
static bool ends_alike(char *const *labels, size_t n)
{
	size_t common = strlen(labels[0]), i, k;

	for (i = 1; i < n; i++) {
		size_t a = strlen(labels[0]), b = strlen(labels[i]);

		for (k = 0; k < common && k < a && k < b && labels[0][a - 1 - k] == labels[i][b - 1 - k];
		     k++)
			;
		common = k;
	}
	for (i = 0; i < n; i++)
		if (strlen(labels[i]) <= common)
			return false;
	return common > 4;
}

static void draw_cell(merge_view *v, ad_screen *scr, int y, int x, int cw, size_t i, size_t d,
		      bool cursor)
{
	const ad_merge_row *r = ad_mergemodel_row(v->m, i);
	const char *eq;
	size_t at;
	char buf[48];
	int ref = -1, lines;
	ad_slot slot = AD_SLOT_DEFAULT;

	ad_screen_fill(scr, y, x, cw, ' ', AD_SLOT_DEFAULT);
	if (r->cells[d] < 0) {
		ad_screen_puts(scr, y, x + 4, CELL_W - 4, "\xC2\xB7", AD_SLOT_DIM, 0);
	} else {
		const int *same = &v->same[r->id * v->n];

		lines = v->lines[r->id * v->n + d];
		/* Compared with the first version taken, else the first there is. */
		if (r->choice == AD_MERGE_TAKE && r->norder)
			ref = r->order[0];
		else if (r->choice == AD_MERGE_EDITED)
			ref = r->base;
		for (size_t k = 0; ref < 0 && k < v->n; k++)
			if (r->cells[k] >= 0)
				ref = (int)k;
		eq = same[d] == same[ref] ? "=" : "~";
		at = taken_at(r, d);
		if (r->choice == AD_MERGE_EDITED && at)
			snprintf(buf, sizeof(buf), "[e]%4d ~", lines);
		else if (at && r->choice == AD_MERGE_TAKE)
			snprintf(buf, sizeof(buf), "[%zu]%4d %s", at, lines, eq);
		else
			snprintf(buf, sizeof(buf), "   %4d %s", lines, eq);
		if (at && r->choice == AD_MERGE_TAKE)
			slot = AD_SLOT_ADDED;
		else if (at)
			slot = AD_SLOT_CHANGED;
		ad_screen_puts(scr, y, x, cw, buf, slot, at ? AD_CELL_BOLD : 0);
	}
	if (cursor)
		ad_screen_paint(scr, y, x, cw, AD_SLOT_CURSOR, 0);
}

static void draw_rows(merge_view *v, ad_screen *scr, const ad_rect *r, const geometry *g,
		      bool focused)
{
	ad_buf b = AD_BUF_INIT;
	int y, k;

	/* Heads. */
	ad_screen_puts(scr, r->row, r->col, g->tw - 1, "row", AD_SLOT_PANE_TITLE, AD_CELL_BOLD);
	for (k = 0; k < g->ncols && v->left + (size_t)k < v->n; k++) {
		size_t d = v->left + (size_t)k;
		int x = r->col + g->tw + k * (g->cw + 1);
		char num[16];
		int w = snprintf(num, sizeof(num), "%zu ", d + 1);

		ad_screen_puts(scr, r->row, x, g->cw, num, AD_SLOT_PANE_TITLE,
			       AD_CELL_BOLD | (focused && d == v->ccol ? AD_CELL_UNDERLINE : 0));
		put_label(v, scr, r->row, x + w, g->cw - w, v->labels[d],
			  AD_CELL_BOLD | (focused && d == v->ccol ? AD_CELL_UNDERLINE : 0));
	}
	if (g->rx < r->col + r->cols)
		ad_screen_puts(scr, r->row, g->rx, r->col + r->cols - g->rx, "result",
			       AD_SLOT_PANE_TITLE, AD_CELL_BOLD);

	for (y = 0; y < g->list; y++) {
		size_t vi = v->list.top + (size_t)y, i;
		const ad_merge_row *row;
		int yy = r->row + 1 + y, indent;
		bool cursor = focused && vi == v->list.cursor;
		ad_slot ts;

		if (vi >= v->nvis)
			break;
		i = v->vis[vi];
		row = ad_mergemodel_row(v->m, i);
		indent = 2 * (row->depth < MAX_INDENT ? row->depth : MAX_INDENT);
		if (indent > g->tw - 2)
			indent = g->tw > 2 ? g->tw - 2 : 0;
		row_title(row, &b);
		ts = row->differs ? AD_SLOT_DEFAULT : AD_SLOT_DIM;
		if (row->kind == AD_MERGE_ROW_FIELD)
			ts = row->differs ? AD_SLOT_TREE_FIELD : AD_SLOT_DIM;
		if (row->choice == AD_MERGE_TAKE && !row->norder)
			ts = AD_SLOT_REMOVED;
		ad_screen_put(scr, yy, r->col + indent, g->tw - 1 - indent, b.ptr, b.size, ts,
			      row->kind == AD_MERGE_ROW_FRONTMATTER ? AD_CELL_BOLD : 0);
		if (cursor)
			ad_screen_paint(scr, yy, r->col, g->tw - 1, AD_SLOT_CURSOR, 0);
		for (k = 0; k < g->ncols && v->left + (size_t)k < v->n; k++)
			draw_cell(v, scr, yy, r->col + g->tw + k * (g->cw + 1), g->cw, i, v->left + (size_t)k,
				  cursor && v->left + (size_t)k == v->ccol);
		if (g->rx < r->col + r->cols) {
			ad_slot rs = row->choice == AD_MERGE_TAKE && !row->norder ? AD_SLOT_REMOVED
				     : row->choice == AD_MERGE_TAKE		  ? AD_SLOT_DEFAULT
										  : AD_SLOT_CHANGED;

			result_text(row, &b);
			if (row->kind == AD_MERGE_ROW_FIELD && ad_mergemodel_frontmatter(v->m) < 0) {
				/* No block: the fields go nowhere. */
				ad_buf_clear(&b);
				ad_buf_puts(&b, "(no frontmatter)");
				rs = AD_SLOT_DIM;
			}
			ad_screen_put(scr, yy, g->rx, r->col + r->cols - g->rx, b.ptr, b.size, rs, 0);
		}
	}
	ad_buf_free(&b);
}

/* Lines of text (any bytes) from row y, at most rows of them. */
static void draw_lines(ad_screen *scr, int y, int x, int w, int rows, const char *t, size_t len,
		       size_t skip)
{
	size_t off = 0;
	int line = 0;

	while (off < len && line < rows + (int)skip) {
		size_t e = off;

		while (e < len && t[e] != '\n' && t[e] != '\r')
			e++;
		if (line >= (int)skip)
			ad_screen_put(scr, y + line - (int)skip, x, w, t + off, e - off, AD_SLOT_DEFAULT,
				      0);
		if (e < len && t[e] == '\r' && e + 1 < len && t[e + 1] == '\n')
			e++;
		off = e + 1;
		line++;
	}
}

static void draw_text_pane(merge_view *v, ad_screen *scr, const ad_rect *r, const geometry *g)
{
	int y = r->row + 1 + g->list;
	size_t i;
	const ad_merge_row *row = cur_row(v, &i);
	ad_buf label = AD_BUF_INIT, title = AD_BUF_INIT;
	const char *t;
	size_t len;

	if (!row) {
		hbar(scr, y, r->col, r->cols, NULL);
		return;
	}
	row_title(row, &title);
	ad_buf_printf(&label, "%zu %s: %s", v->ccol + 1, v->labels[v->ccol], ad_buf_cstr(&title));
	if (row->cells[v->ccol] < 0) {
		hbar(scr, y, r->col, r->cols, ad_buf_cstr(&label));
		if (g->text > 0)
			ad_screen_puts(scr, y + 1, r->col + 1, r->cols - 1,
				       row->kind == AD_MERGE_ROW_SECTION ? "(no such section in this variant)"
				       : row->kind == AD_MERGE_ROW_FIELD ? "(no such field in this variant)"
									 : "(no frontmatter in this variant)",
				       AD_SLOT_DIM, 0);
	} else {
		ad_mergemodel_cell_text(v->m, i, v->ccol, &t, &len);
		{
			int nl = v->lines[row->id * v->n + v->ccol];

			ad_buf_printf(&label, " (%d line%s)", nl, nl == 1 ? "" : "s");
		}
		/* Labels are drawn through the screen, which makes them printable. */
		hbar(scr, y, r->col, r->cols, ad_buf_cstr(&label));
		draw_lines(scr, y + 1, r->col + 1, r->cols - 1, g->text, t, len, 0);
	}
	ad_buf_free(&label);
	ad_buf_free(&title);
}

static void check_line(merge_view *v, ad_buf *out, ad_slot *slot)
{
	size_t e, w, n;

	ad_mergemodel_finding_counts(v->m, &e, &w, &n);
	ad_buf_clear(out);
	if (!e && !w && !n) {
		ad_buf_puts(out, "check: no findings in the result");
		*slot = AD_SLOT_DIM;
		return;
	}
	ad_buf_puts(out, "check:");
	if (e)
		ad_buf_printf(out, " %zu error%s", e, e == 1 ? "" : "s");
	if (w)
		ad_buf_printf(out, "%s %zu warning%s", e ? "," : "", w, w == 1 ? "" : "s");
	if (n)
		ad_buf_printf(out, "%s %zu note%s", e || w ? "," : "", n, n == 1 ? "" : "s");
	ad_buf_puts(out, " in the result (P shows them)");
	*slot = e ? AD_SLOT_ERROR : w ? AD_SLOT_WARNING : AD_SLOT_DIM;
}

static void ensure_lines(merge_view *v)
{
	const ad_plan_result *res = ad_mergemodel_result(v->m);
	const char *t = res->text.ptr;
	size_t len = res->text.size, i = 0, cap = 0;

	if (!v->lines_dirty && v->lstart)
		return;
	free(v->lstart);
	v->lstart = NULL;
	v->nlines = 0;
	while (i < len) {
		ad_xgrow((void **)&v->lstart, &cap, v->nlines + 1, sizeof(size_t));
		v->lstart[v->nlines++] = i;
		while (i < len && t[i] != '\n' && t[i] != '\r')
			i++;
		i += i + 1 < len && t[i] == '\r' && t[i + 1] == '\n' ? 2 : 1;
	}
	v->lines_dirty = false;
}

static void draw_preview(merge_view *v, ad_screen *scr, const ad_rect *r)
{
	const ad_plan_result *res = ad_mergemodel_result(v->m);
	const ad_diags *f = ad_mergemodel_findings(v->m);
	ad_buf b = AD_BUF_INIT;
	size_t total, i;
	int y, digits = 1, body = r->rows - 1;

	ensure_lines(v);
	for (i = v->nlines; i >= 10; i /= 10)
		digits++;
	total = f->count + 1 + v->nlines;
	v->page = body > 0 ? body : 1;
	if (v->ptop + (size_t)v->page > total)
		v->ptop = total > (size_t)v->page ? total - (size_t)v->page : 0;
	ad_buf_printf(&b, "result: %zu line%s, %zu byte%s", v->nlines, v->nlines == 1 ? "" : "s",
		      res->text.size, res->text.size == 1 ? "" : "s");
	ad_buf_puts(&b, "  (P: back to the rows, W writes it)");
	ad_screen_puts(scr, r->row, r->col, r->cols, ad_buf_cstr(&b), AD_SLOT_PANE_TITLE,
		       AD_CELL_BOLD);
	for (y = 0; y < body; y++) {
		size_t k = v->ptop + (size_t)y;
		int yy = r->row + 1 + y;

		if (k < f->count) {
			const ad_diag *d = &f->items[k];
			ad_slot s = d->severity == AD_DIAG_ERROR     ? AD_SLOT_ERROR
				    : d->severity == AD_DIAG_WARNING ? AD_SLOT_WARNING
								     : AD_SLOT_DIM;

			ad_buf_clear(&b);
			ad_buf_printf(&b, "%d:%d: %s %s: %s", d->line, d->column,
				      ad_diag_severity_name(d->severity), d->id, d->message);
			ad_screen_put(scr, yy, r->col, r->cols, b.ptr, b.size, s, 0);
		} else if (k == f->count) {
			hbar(scr, yy, r->col, r->cols, f->count ? "the result" : "the result: check has no findings");
		} else if (k - f->count - 1 < v->nlines) {
			size_t line = k - f->count - 1, s = v->lstart[line];
			size_t e = line + 1 < v->nlines ? v->lstart[line + 1] : res->text.size;
			while (e > s && (res->text.ptr[e - 1] == '\n' || res->text.ptr[e - 1] == '\r'))
				e--;
			ad_buf_clear(&b);
			ad_buf_printf(&b, "%*zu ", digits, line + 1);
			ad_screen_puts(scr, yy, r->col, r->cols, ad_buf_cstr(&b), AD_SLOT_LINE_NUMBER, 0);
			ad_screen_put(scr, yy, r->col + digits + 1, r->cols - digits - 1,
				      res->text.ptr + s, e - s, AD_SLOT_DEFAULT, 0);
		}
	}
	ad_buf_free(&b);
}

/* Wraps text at blanks into lines of at most w columns. */
static size_t wrap_box(const char *text, int w, size_t *starts, size_t *lens, size_t max)
{
	size_t n = 0, len = strlen(text), off = 0;

	while (off < len && n < max) {
		size_t e = off, fit, brk;

		while (e < len && text[e] != '\n')
			e++;
		fit = ad_text_fit(text + off, e - off, w, NULL);
		if (fit == 0 && e > off)
			fit = 1;
		brk = fit;
		if (off + fit < e) {
			while (brk > 0 && text[off + brk] != ' ')
				brk--;
			if (brk == 0)
				brk = fit;
		}
		starts[n] = off;
		lens[n++] = brk;
		off += brk;
		if (off < len && (text[off] == ' ' || text[off] == '\n'))
			off++;
	}
	return n;
}

static void draw_box(merge_view *v, ad_screen *scr, const ad_rect *r)
{
	size_t starts[32], lens[32], n, k;
	int w = r->cols - 4 < BOX_MAX_W ? r->cols - 4 : BOX_MAX_W, h, x, y;

	if (w < 10 || r->rows < 3)
		return;
	n = wrap_box(v->box, w - 2, starts, lens, r->rows - 2 < 32 ? (size_t)r->rows - 2 : 32);
	h = (int)n + 2;
	x = r->col + (r->cols - w) / 2;
	y = r->row + (r->rows - h) / 2;
	hbar(scr, y, x, w, NULL);
	for (k = 0; k < n; k++) {
		ad_screen_fill(scr, y + 1 + (int)k, x, w, ' ', AD_SLOT_DEFAULT);
		ad_screen_fill(scr, y + 1 + (int)k, x, 1, VBAR, AD_SLOT_PANE_BORDER);
		ad_screen_fill(scr, y + 1 + (int)k, x + w - 1, 1, VBAR, AD_SLOT_PANE_BORDER);
		ad_screen_put(scr, y + 1 + (int)k, x + 1, w - 2, v->box + starts[k], lens[k],
			      k == 0 ? v->box_slot : AD_SLOT_DEFAULT, k == 0 ? AD_CELL_BOLD : 0);
	}
	hbar(scr, y + h - 1, x, w, "any key goes on");
}

static void merge_draw(ad_view *view, ad_screen *scr, const ad_rect *r, bool focused)
{
	merge_view *v = (merge_view *)view;
	geometry g;
	ad_buf b = AD_BUF_INIT;
	ad_slot slot;
	int y;

	v->base.rect = *r;
	for (y = 0; y < r->rows; y++)
		ad_screen_fill(scr, r->row + y, r->col, r->cols, ' ', AD_SLOT_DEFAULT);
	if (r->rows <= 0 || r->cols <= 0)
		return;
	if (v->preview) {
		draw_preview(v, scr, r);
	} else {
		geometry_of(v, r, &g);
		v->list_rows = g.list;
		keep_in_sight(v, &g);
		draw_rows(v, scr, r, &g, focused);
		if (g.text >= 0 && r->rows >= 4)
			draw_text_pane(v, scr, r, &g);
		check_line(v, &b, &slot);
		ad_screen_put(scr, r->row + r->rows - 1, r->col, r->cols, b.ptr, b.size, slot, 0);
	}
	if (v->box)
		draw_box(v, scr, r);
	ad_buf_free(&b);
}

/* ------------------------------------------------------------ choosing */

static void move_cursor(merge_view *v, long d)
{
	ad_list_move(&v->list, d);
}

/* Says what a failed choice means. */
static void choice_failed(merge_view *v, int rc, size_t d)
{
	const ad_merge_row *r = cur_row(v, NULL);

	if (rc == AD_ENOTFOUND)
		say(v, AD_SLOT_WARNING, "variant %zu has no %s here", d + 1,
		    r && r->kind == AD_MERGE_ROW_SECTION ? "such section"
		    : r && r->kind == AD_MERGE_ROW_FIELD ? "such field"
							 : "frontmatter");
	else if (rc < 0)
		say(v, AD_SLOT_WARNING, "not for this row");
}

static void take(merge_view *v, size_t d, bool also)
{
	size_t i;
	int rc;

	if (!cur_row(v, &i))
		return;
	if (d >= v->n) {
		say(v, AD_SLOT_WARNING, "there are %zu variants", v->n);
		return;
	}
	rc = also ? ad_mergemodel_toggle(v->m, i, d) : ad_mergemodel_take(v->m, i, d);
	if (rc < 0) {
		choice_failed(v, rc, d);
		return;
	}
	changed(v);
}

static void edit_row(merge_view *v)
{
	size_t i;
	const ad_merge_row *r = cur_row(v, &i);
	ad_buf text = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	ad_buf data = AD_BUF_INIT;

	if (!r || !v->host)
		return;
	if (r->kind == AD_MERGE_ROW_FRONTMATTER) {
		say(v, AD_SLOT_WARNING, "edit the frontmatter's fields, one row each");
		return;
	}
	if (ad_mergemodel_edit_text(v->m, i, &text) < 0) {
		say(v, AD_SLOT_WARNING, "no variant has this row");
		goto done;
	}
	if (ad_host_edit_text(v->host, text.ptr ? text.ptr : "", text.size, ".md", &data,
			      &err) < 0) {
		box_error(v, "not edited", &err);
		goto done;
	}
	if (data.size == text.size && !memcmp(ad_buf_cstr(&data), text.ptr ? text.ptr : "",
					      data.size)) {
		say(v, AD_SLOT_DEFAULT, "unchanged");
		goto done;
	}
	ad_mergemodel_set_text(v->m, i, ad_buf_cstr(&data), data.size);
	changed(v);
	say(v, AD_SLOT_DEFAULT, "edited: %s (P shows the result)", r->title);
done:
	ad_buf_free(&data);
	ad_buf_free(&text);
	ad_error_clear(&err);
}

/* ------------------------------------------------------------ writing */

static void default_output(merge_view *v, ad_buf *out)
{
	size_t d;
	const char *colon;
	const ad_vsource *src;

	ad_buf_clear(out);
	if (v->output) {
		ad_buf_puts(out, v->output);
		return;
	}
	if (ad_host_output(v->host)) {
		ad_buf_puts(out, ad_host_output(v->host));
		return;
	}
	for (d = 0; d < v->n; d++) {
		src = ad_mergemodel_source(v->m, d);
		if (src->kind == AD_VSOURCE_FILE) {
			ad_buf_puts(out, src->label);
			return;
		}
	}
	/* Revisions only: the file in the working tree, as the first names
	 * it (from the repository's root, where one usually is). */
	src = ad_mergemodel_source(v->m, 0);
	colon = strchr(src->spec, ':');
	ad_buf_puts(out, colon ? colon + 1 : src->label);
}

static void report_write(merge_view *v, const char *path, const ad_merge_written *w)
{
	ad_buf b = AD_BUF_INIT;

	free(v->output);
	v->output = ad_xstrdup(path);
	ad_buf_printf(&b, "%s %s (%zu bytes)", w->written ? "wrote" : "unchanged:", path, w->size);
	if (w->plan_saved)
		ad_buf_printf(&b, "; plan: %s", w->plan_path);
	if (w->plan_note) {
		ad_buf_printf(&b, "\n%s", w->plan_note);
		show_box(v, AD_SLOT_WARNING, ad_buf_cstr(&b));
	} else {
		say(v, AD_SLOT_DEFAULT, "%s", ad_buf_cstr(&b));
	}
	ad_buf_free(&b);
}

static void do_write(merge_view *v, const char *path, bool force);

static void on_confirm(ad_view_host *host, void *payload, const char *answer)
{
	merge_view *v = payload;

	(void)host;
	if (answer && (answer[0] == 'y' || answer[0] == 'Y') && v->pending) {
		char *path = ad_xstrdup(v->pending);

		do_write(v, path, true);
		free(path);
	} else {
		say(v, AD_SLOT_DEFAULT, "not written");
	}
	free(v->pending);
	v->pending = NULL;
}

static void do_write(merge_view *v, const char *path, bool force)
{
	ad_merge_written w;
	ad_error err = AD_ERROR_INIT;
	ad_buf q = AD_BUF_INIT;
	int rc = ad_mergemodel_write(v->m, path, force, &w, &err);

	if (rc == AD_ECONFLICT) {
		free(v->pending);
		v->pending = ad_xstrdup(path);
		ad_term_sanitize(&q, path, strlen(path), false);
		ad_buf_printf(&q, " %s; overwrite it? (y/N) ", err.message ? err.message : "exists");
		ad_host_ask(v->host, ad_buf_cstr(&q), "", on_confirm, v);
	} else if (rc < 0) {
		box_error(v, "not written", &err);
	} else {
		report_write(v, path, &w);
	}
	ad_merge_written_clear(&w);
	ad_error_clear(&err);
	ad_buf_free(&q);
}

static void on_write_path(ad_view_host *host, void *payload, const char *answer)
{
	merge_view *v = payload;
	size_t n;
	char *path;

	(void)host;
	if (!answer) {
		say(v, AD_SLOT_DEFAULT, "not written");
		return;
	}
	answer += strspn(answer, " \t");
	n = strlen(answer);
	while (n && (answer[n - 1] == ' ' || answer[n - 1] == '\t'))
		n--;
	if (!n) {
		say(v, AD_SLOT_WARNING, "no file named: not written");
		return;
	}
	path = ad_xstrndup(answer, n);
	do_write(v, path, false);
	free(path);
}

static void start_write(merge_view *v)
{
	ad_buf q = AD_BUF_INIT, def = AD_BUF_INIT;
	size_t e, w, n;

	if (!v->host)
		return;
	ad_mergemodel_finding_counts(v->m, &e, &w, &n);
	ad_buf_puts(&q, "write");
	if (e)
		ad_buf_printf(&q, " (check: %zu error%s", e, e == 1 ? "" : "s");
	if (w)
		ad_buf_printf(&q, "%s%zu warning%s", e ? ", " : " (check: ", w, w == 1 ? "" : "s");
	ad_buf_puts(&q, e || w ? ") to: " : " to: ");
	default_output(v, &def);
	ad_host_ask(v->host, ad_buf_cstr(&q), ad_buf_cstr(&def), on_write_path, v);
	ad_buf_free(&q);
	ad_buf_free(&def);
}

static void commit(merge_view *v)
{
	ad_error err = AD_ERROR_INIT;
	ad_buf tmpl = AD_BUF_INIT, msg = AD_BUF_INIT;
	ad_git_commit_result res;

	memset(&res, 0, sizeof(res));
	if (!v->host)
		return;
	if (ad_mergemodel_written_path(v->m) && ad_mergemodel_modified(v->m)) {
		show_box(v, AD_SLOT_WARNING,
			 "not committed:\nthe choices changed since the result was written; W "
			 "writes them, then C commits");
		return;
	}
	if (ad_mergemodel_commit_check(v->m, &err) < 0) {
		box_error(v, "not committed", &err);
		goto done;
	}
	ad_mergemodel_commit_template(v->m, &tmpl);
	if (ad_host_edit_text(v->host, tmpl.ptr ? tmpl.ptr : "", tmpl.size, ".txt", &msg,
			      &err) < 0) {
		box_error(v, "not committed", &err);
		goto done;
	}
	if (ad_mergemodel_commit(v->m, ad_buf_cstr(&msg), &res, &err) < 0) {
		box_error(v, "not committed", &err);
		goto done;
	}
	if (res.committed)
		say(v, AD_SLOT_DEFAULT, "committed %s on %s: %s%s", res.short_id,
		    res.branch ? res.branch : "a detached HEAD", res.path,
		    res.root ? " (the branch's first commit)" : "");
	else
		say(v, AD_SLOT_DEFAULT, "nothing to commit: %s is as HEAD has it", res.path);
done:
	ad_buf_free(&msg);
	ad_git_commit_result_clear(&res);
	ad_buf_free(&tmpl);
	ad_error_clear(&err);
}

/* ------------------------------------------------------------ actions */

static void next_differing(merge_view *v, int dir)
{
	size_t k;

	for (k = 1; k < v->nvis; k++) {
		long c = (long)v->list.cursor + dir * (long)k;

		if (c < 0 || c >= (long)v->nvis)
			break;
		if (ad_mergemodel_row(v->m, v->vis[c])->differs) {
			v->list.cursor = (size_t)c;
			return;
		}
	}
	say(v, AD_SLOT_DEFAULT, "no %s row where the variants differ", dir > 0 ? "next" : "previous");
}

static bool preview_action(merge_view *v, ad_action a)
{
	long page = v->page > 1 ? v->page : 1;
	long top = (long)v->ptop;

	switch (a) {
	case AD_ACTION_MOVE_UP:
		top--;
		break;
	case AD_ACTION_MOVE_DOWN:
		top++;
		break;
	case AD_ACTION_PAGE_UP:
		top -= page;
		break;
	case AD_ACTION_PAGE_DOWN:
		top += page;
		break;
	case AD_ACTION_HALF_PAGE_UP:
		top -= page / 2 > 0 ? page / 2 : 1;
		break;
	case AD_ACTION_HALF_PAGE_DOWN:
		top += page / 2 > 0 ? page / 2 : 1;
		break;
	case AD_ACTION_FIRST:
		top = 0;
		break;
	case AD_ACTION_LAST:
		top = 1L << 30;
		break;
	default:
		return false;
	}
	v->ptop = top < 0 ? 0 : (size_t)top; /* drawing clamps the bottom */
	return true;
}

static bool merge_action(ad_view *view, ad_view_host *host, ad_action a)
{
	merge_view *v = (merge_view *)view;
	size_t i;
	int rc;

	(void)host;
	if (v->box) {
		/* The message is read: the key only dismisses it. */
		free(v->box);
		v->box = NULL;
		return true;
	}
	if (a != AD_ACTION_CLOSE)
		v->close_armed = false;
	if (v->preview && preview_action(v, a))
		return true;
	switch (a) {
	case AD_ACTION_CLOSE:
		if (v->preview) {
			v->preview = false;
			return true;
		}
		if (ad_mergemodel_modified(v->m) && !v->close_armed) {
			v->close_armed = true;
			say(v, AD_SLOT_WARNING, "the merge is not written: q again leaves it, W writes it");
			return true;
		}
		return false; /* the app closes the view */
	case AD_ACTION_MOVE_UP:
		move_cursor(v, -1);
		return true;
	case AD_ACTION_MOVE_DOWN:
		move_cursor(v, 1);
		return true;
	case AD_ACTION_PAGE_UP:
	case AD_ACTION_PAGE_DOWN:
	case AD_ACTION_HALF_PAGE_UP:
	case AD_ACTION_HALF_PAGE_DOWN: {
		ad_list pg = { .height = v->list_rows > 0 ? (size_t)v->list_rows : 0 };
		long page = (long)ad_list_page_size(&pg, a == AD_ACTION_HALF_PAGE_UP ||
							  a == AD_ACTION_HALF_PAGE_DOWN);

		move_cursor(v, a == AD_ACTION_PAGE_UP || a == AD_ACTION_HALF_PAGE_UP ? -page : page);
		return true;
	}
	case AD_ACTION_FIRST:
		ad_list_goto(&v->list, 0);
		return true;
	case AD_ACTION_LAST:
		ad_list_goto(&v->list, v->nvis);
		return true;
	case AD_ACTION_LEFT:
		if (v->ccol > 0)
			v->ccol--;
		return true;
	case AD_ACTION_RIGHT:
		if (v->ccol + 1 < v->n)
			v->ccol++;
		return true;
	case AD_ACTION_ENTER:
		take(v, v->ccol, false);
		return true;
	case AD_ACTION_TAKE_1:
	case AD_ACTION_TAKE_2:
	case AD_ACTION_TAKE_3:
	case AD_ACTION_TAKE_4:
	case AD_ACTION_TAKE_5:
	case AD_ACTION_TAKE_6:
	case AD_ACTION_TAKE_7:
	case AD_ACTION_TAKE_8:
	case AD_ACTION_TAKE_9:
		take(v, (size_t)(a - AD_ACTION_TAKE_1), false);
		return true;
	case AD_ACTION_TAKE_ALSO:
		take(v, v->ccol, true);
		return true;
	case AD_ACTION_DROP:
		if (cur_row(v, &i)) {
			ad_mergemodel_drop(v->m, i);
			changed(v);
		}
		return true;
	case AD_ACTION_EDIT:
		edit_row(v);
		return true;
	case AD_ACTION_MOVE_ROW_UP:
	case AD_ACTION_MOVE_ROW_DOWN:
		if (!cur_row(v, &i))
			return true;
		rc = ad_mergemodel_move(v->m, i, a == AD_ACTION_MOVE_ROW_UP ? -1 : 1);
		if (rc < 0) {
			say(v, AD_SLOT_WARNING, "only sections move, and not past the frontmatter or the ends");
			return true;
		}
		/* Shown rows keep their places; the cursor follows the section. */
		for (i = 0; i < v->nvis; i++)
			if (v->vis[i] == (size_t)rc)
				v->list.cursor = i;
		changed(v);
		return true;
	case AD_ACTION_UNION:
	case AD_ACTION_INTERSECTION:
		if (!cur_row(v, &i))
			return true;
		if (ad_mergemodel_set_mode(v->m, i, a == AD_ACTION_UNION ? AD_MERGE_UNION
									: AD_MERGE_INTERSECTION) < 0)
			say(v, AD_SLOT_WARNING, "union and intersection are for list fields (tools, ...)");
		else
			changed(v);
		return true;
	case AD_ACTION_PREVIEW:
		v->preview = !v->preview;
		v->ptop = 0;
		return true;
	case AD_ACTION_WRITE:
		start_write(v);
		return true;
	case AD_ACTION_COMMIT:
		commit(v);
		return true;
	case AD_ACTION_NEXT_CHANGE:
	case AD_ACTION_PREV_CHANGE:
		next_differing(v, a == AD_ACTION_NEXT_CHANGE ? 1 : -1);
		return true;
	case AD_ACTION_MERGE:
		say(v, AD_SLOT_DEFAULT, "this is the merge");
		return true;
	default:
		return false;
	}
}

/* ------------------------------------------------------------ search, mouse, status */

static bool match_row(size_t c, void *payload)
{
	const merge_view *v = payload;
	const char *title = ad_mergemodel_row(v->m, v->vis[c])->title;
	size_t at;

	return ad_view_find(title, strlen(title), v->needle, 0, &at);
}

static ad_search_result merge_search(ad_view *view, const char *needle, int dir)
{
	merge_view *v = (merge_view *)view;

	free(v->needle);
	v->needle = needle && *needle ? ad_xstrdup(needle) : NULL;
	if (!v->needle)
		return AD_SEARCH_NOT_FOUND;
	return ad_list_search(&v->list, dir, match_row, v);
}

static bool merge_mouse(ad_view *view, ad_view_host *host, const ad_mouse *ev)
{
	merge_view *v = (merge_view *)view;
	geometry g;
	int k;

	(void)host;
	if (v->box) {
		free(v->box);
		v->box = NULL;
		return true;
	}
	if (ev->kind == AD_MOUSE_WHEEL_UP || ev->kind == AD_MOUSE_WHEEL_DOWN) {
		if (v->preview)
			preview_action(v, ev->kind == AD_MOUSE_WHEEL_UP ? AD_ACTION_MOVE_UP
									: AD_ACTION_MOVE_DOWN);
		else
			move_cursor(v, ev->kind == AD_MOUSE_WHEEL_UP ? -WHEEL_ROWS : WHEEL_ROWS);
		return true;
	}
	if (v->preview)
		return false;
	geometry_of(v, &v->base.rect, &g);
	if (ev->row < 1 || ev->row > g.list || v->list.top + (size_t)(ev->row - 1) >= v->nvis)
		return false;
	v->list.cursor = v->list.top + (size_t)(ev->row - 1);
	k = (ev->col - g.tw) / (g.cw + 1);
	if (ev->col >= g.tw && k < g.ncols && v->left + (size_t)k < v->n)
		v->ccol = v->left + (size_t)k;
	if (ev->kind == AD_MOUSE_DOUBLE_CLICK)
		take(v, v->ccol, false);
	return true;
}

static void merge_status(ad_view *view, ad_buf *out)
{
	merge_view *v = (merge_view *)view;
	const char *w = ad_mergemodel_written_path(v->m);

	if (v->preview) {
		ad_buf_puts(out, "preview");
	} else {
		ad_buf_printf(out, "row %zu/%zu \xC2\xB7 variant %zu/%zu", v->nvis ? v->list.cursor + 1 : 0,
			      v->nvis, v->ccol + 1, v->n);
	}
	if (ad_mergemodel_modified(v->m))
		ad_buf_puts(out, " \xC2\xB7 not written");
	else if (w)
		ad_buf_puts(out, " \xC2\xB7 written");
}

static void merge_free(ad_view *view)
{
	merge_view *v = (merge_view *)view;
	size_t i;

	if (!v)
		return;
	free(v->lines);
	free(v->same);
	ad_mergemodel_free(v->m);
	for (i = 0; i < v->n; i++)
		free(v->labels[i]);
	free(v->labels);
	free(v->vis);
	free(v->lstart);
	free(v->box);
	free(v->output);
	free(v->pending);
	free(v->needle);
	free(v);
}

static const ad_view_ops merge_ops = {
	.name = "merge",
	.draw = merge_draw,
	.action = merge_action,
	.search = merge_search,
	.mouse = merge_mouse,
	.status = merge_status,
	.free = merge_free,
};

/* Fills lines and same for every cell. */
static void measure_cells(merge_view *v)
{
	size_t nr = ad_mergemodel_row_count(v->m), i, d, k;

	v->lines = ad_xcalloc(nr * v->n + 1, sizeof(int));
	v->same = ad_xcalloc(nr * v->n + 1, sizeof(int));
	for (i = 0; i < nr; i++) {
		const ad_merge_row *r = ad_mergemodel_row(v->m, i);
		int *lines = &v->lines[r->id * v->n], *same = &v->same[r->id * v->n];

		for (d = 0; d < v->n; d++) {
			const char *t, *u;
			size_t len, ulen;

			same[d] = (int)d;
			if (r->cells[d] < 0)
				continue;
			ad_mergemodel_cell_text(v->m, i, d, &t, &len);
			lines[d] = count_lines(t, len);
			for (k = 0; k < d; k++) {
				if (r->cells[k] < 0 || same[k] != (int)k)
					continue;
				ad_mergemodel_cell_text(v->m, i, k, &u, &ulen);
				if (ulen == len && !memcmp(t, u, len)) {
					same[d] = (int)k;
					break;
				}
			}
		}
	}
}

ad_view *ad_merge_view_new(ad_view_host *host, const ad_doc *const *docs, const char *const *labels,
			   size_t n, ad_error *err)
{
	const ad_vsource **srcs;
	merge_view *v;
	ad_buf b = AD_BUF_INIT;
	size_t i;
	int rc;

	if (n < 2) {
		ad_error_set(err, AD_EINVALID, NULL, 0, 0, "a merge needs two variants or more");
		return NULL;
	}
	v = ad_xcalloc(1, sizeof(*v));
	v->base.ops = &merge_ops;
	v->host = host;
	v->n = n;
	srcs = ad_xcalloc(n, sizeof(*srcs));
	for (i = 0; i < n; i++)
		srcs[i] = ad_host_source_of(host, docs[i]);
	rc = ad_mergemodel_new(&v->m, docs, srcs, n, err);
	free(srcs);
	if (rc < 0) {
		free(v);
		return NULL;
	}
	v->labels = ad_xcalloc(n, sizeof(*v->labels));
	for (i = 0; i < n; i++)
		v->labels[i] = ad_xstrdup(labels && labels[i] ? labels[i] : ad_doc_path(docs[i]));
	v->heads = ends_alike(v->labels, n);
	measure_cells(v);
	v->vis = ad_xcalloc(ad_mergemodel_row_count(v->m) + 1, sizeof(size_t));
	v->title_w = 12;
	for (i = 0; i < ad_mergemodel_row_count(v->m); i++) {
		const ad_merge_row *r = ad_mergemodel_row(v->m, i);
		int w;

		if (r->blank)
			continue;
		v->vis[v->nvis++] = i;
		ad_list_set_count(&v->list, v->nvis);
		row_title(r, &b);
		w = 2 * (r->depth < MAX_INDENT ? r->depth : MAX_INDENT) +
		    ad_text_width(b.ptr, b.size) + 2;
		if (w > v->title_w)
			v->title_w = w;
	}
	v->lines_dirty = true;
	ad_buf_free(&b);
	return &v->base;
}

ad_mergemodel *ad_merge_view_model(ad_view *view)
{
	return view && view->ops == &merge_ops ? ((merge_view *)view)->m : NULL;
}

void ad_merge_view_open(ad_view_host *host, const ad_doc *const *docs, const char *const *labels,
			size_t n)
{
	ad_error err = AD_ERROR_INIT;
	ad_view *v;

	if (!host)
		return;
	v = ad_merge_view_new(host, docs, labels, n, &err);
	if (!v) {
		ad_host_message(host, AD_SLOT_ERROR, "cannot merge: %s",
			       err.message ? err.message : "unknown error");
	} else {
		ad_host_push(host, v);
		ad_host_message(host, AD_SLOT_DEFAULT,
			       "merge: 1-9 take a variant's version, + adds, d drops, P previews, W writes");
	}
	ad_error_clear(&err);
}
