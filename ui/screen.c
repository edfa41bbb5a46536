/*
 * screen: the cell grid views draw into (see screen.h).
 *
 * Every way text gets into a cell goes through next_glyph(), which turns
 * the bytes at hand into what a terminal may safely show: code points of
 * width 1 or 2, never a control.  Besides what screen.h lists, the line and
 * paragraph separators U+2028 and U+2029 are shown as "<U+2028>" escapes
 * (some terminals move the cursor on them), and format characters (category
 * Cf: ZWJ, bidi overrides, the BOM) are dropped with the other zero-width
 * characters, so text cannot reorder itself on screen.
 *
 * A cell is never left half of a wide character: writing over either half
 * turns the other half into a space.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "term.h"
#include "utf8.h"

struct ad_screen {
	int rows, cols;
	ad_cell *cells;
};

/*
 * What one character of the input draws as: n code points of width 1
 * (an escape, or a tab's spaces), or one code point of width 1 or 2, or
 * nothing (a zero-width character).  pos is the column relative to the
 * start of the text, for tabs.
 */
typedef struct {
	uint32_t cp[16];
	int n;
	int width;     /* columns, the sum over cp[] */
	bool wide;     /* one code point of width 2 */
	bool divisible; /* a tab: draw what fits */
	size_t bytes;  /* input consumed */
} glyph;

static void glyph_ascii(glyph *g, const char *s)
{
	g->n = 0;
	while (*s)
		g->cp[g->n++] = (unsigned char)*s++;
	g->width = g->n;
}

static void next_glyph(glyph *g, const char *s, size_t len, int pos)
{
	unsigned char c = (unsigned char)s[0];
	unsigned cp;
	size_t n;
	int w;

	g->wide = false;
	g->divisible = false;
	g->bytes = 1;
	if (c >= 0x20 && c < 0x7F) {
		g->cp[0] = c;
		g->n = g->width = 1;
		return;
	}
	if (c == '\t') {
		int i;

		g->width = g->n = 8 - pos % 8;
		for (i = 0; i < g->n; i++)
			g->cp[i] = ' ';
		g->divisible = true;
		return;
	}
	if (c < 0x20 || c == 0x7F) {
		g->cp[0] = '^';
		g->cp[1] = c == 0x7F ? '?' : (uint32_t)c + 0x40;
		g->n = g->width = 2;
		return;
	}
	n = ad_utf8_decode(s, len, &cp);
	if (n == 0) {
		g->cp[0] = 0xFFFD;
		g->n = g->width = 1;
		return;
	}
	g->bytes = n;
	w = ad_utf8_cp_width(cp);
	if (w < 0) {
		char esc[16];
		static const char hex[] = "0123456789ABCDEF";
		int k = 0, shift;

		esc[k++] = '<';
		esc[k++] = 'U';
		esc[k++] = '+';
		for (shift = 12; shift >= 0; shift -= 4)
			esc[k++] = hex[(cp >> shift) & 0xF];
		esc[k++] = '>';
		esc[k] = '\0';
		glyph_ascii(g, esc);
		return;
	}
	if (w == 0) {
		g->n = g->width = 0;
		return;
	}
	g->cp[0] = cp;
	g->n = 1;
	g->width = w;
	g->wide = w == 2;
}

ad_screen *ad_screen_new(int rows, int cols)
{
	ad_screen *scr = ad_xcalloc(1, sizeof(*scr));

	ad_screen_resize(scr, rows, cols);
	return scr;
}

void ad_screen_free(ad_screen *scr)
{
	if (!scr)
		return;
	free(scr->cells);
	free(scr);
}

void ad_screen_resize(ad_screen *scr, int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	free(scr->cells);
	scr->rows = rows;
	scr->cols = cols;
	scr->cells = ad_xcalloc((size_t)rows * (size_t)cols, sizeof(ad_cell));
	ad_screen_clear(scr, AD_SLOT_DEFAULT);
}

int ad_screen_rows(const ad_screen *scr)
{
	return scr->rows;
}

int ad_screen_cols(const ad_screen *scr)
{
	return scr->cols;
}

static ad_cell *cell_at(ad_screen *scr, int row, int col)
{
	return &scr->cells[(size_t)row * (size_t)scr->cols + (size_t)col];
}

void ad_screen_clear(ad_screen *scr, ad_slot slot)
{
	size_t i, n = (size_t)scr->rows * (size_t)scr->cols;

	for (i = 0; i < n; i++) {
		scr->cells[i].cp = ' ';
		scr->cells[i].width = 1;
		scr->cells[i].slot = (uint8_t)slot;
		scr->cells[i].attrs = 0;
	}
}

/* Makes (row, col) free to take a new character: the other half of a wide
 * character over it becomes a space. */
static void unhook(ad_screen *scr, int row, int col)
{
	ad_cell *c = cell_at(scr, row, col);

	if (c->width == 0 && col > 0) {
		ad_cell *lead = cell_at(scr, row, col - 1);

		if (lead->width == 2) {
			lead->cp = ' ';
			lead->width = 1;
		}
	} else if (c->width == 2 && col + 1 < scr->cols) {
		ad_cell *cont = cell_at(scr, row, col + 1);

		cont->cp = ' ';
		cont->width = 1;
	}
}

/* Caller checks the position; a wide character needs col + 1 in range. */
static void set_cell(ad_screen *scr, int row, int col, uint32_t cp, int width,
		     ad_slot slot, unsigned attrs)
{
	ad_cell *c;

	unhook(scr, row, col);
	if (width == 2)
		unhook(scr, row, col + 1);
	c = cell_at(scr, row, col);
	c->cp = cp;
	c->width = (uint8_t)width;
	c->slot = (uint8_t)slot;
	c->attrs = (uint8_t)attrs;
	if (width == 2) {
		c = cell_at(scr, row, col + 1);
		c->cp = 0;
		c->width = 0;
		c->slot = (uint8_t)slot;
		c->attrs = (uint8_t)attrs;
	}
}

void ad_screen_fill(ad_screen *scr, int row, int col, int width, uint32_t cp,
		    ad_slot slot)
{
	int end;

	if (row < 0 || row >= scr->rows || width <= 0)
		return;
	/* Only a character of width 1 can fill cells one by one. */
	if (ad_utf8_cp_width(cp) != 1)
		cp = ' ';
	end = col + width;
	if (col < 0)
		col = 0;
	if (end > scr->cols)
		end = scr->cols;
	for (; col < end; col++)
		set_cell(scr, row, col, cp, 1, slot, 0);
}

void ad_screen_paint(ad_screen *scr, int row, int col, int width, ad_slot slot,
		     unsigned attrs)
{
	int end;

	if (row < 0 || row >= scr->rows || width <= 0)
		return;
	end = col + width;
	if (col < 0)
		col = 0;
	if (end > scr->cols)
		end = scr->cols;
	for (; col < end; col++) {
		ad_cell *c = cell_at(scr, row, col);

		c->slot = (uint8_t)slot;
		c->attrs = (uint8_t)attrs;
	}
}

int ad_screen_put(ad_screen *scr, int row, int col, int maxcols, const char *s,
		  size_t len, ad_slot slot, unsigned attrs)
{
	int limit, used = 0;
	size_t i = 0;
	glyph g;

	if (row < 0 || row >= scr->rows || col >= scr->cols || maxcols <= 0 || !s)
		return 0;
	limit = maxcols;
	if (limit > scr->cols - col)
		limit = scr->cols - col;
	while (i < len && used < limit) {
		int k, room = limit - used;

		next_glyph(&g, s + i, len - i, used);
		if (g.width > room) {
			if (g.wide) {
				/* Half a wide character cannot be shown. */
				if (col + used >= 0)
					set_cell(scr, row, col + used, ' ', 1, slot, attrs);
				used++;
			} else if (g.divisible) {
				for (k = 0; k < room; k++, used++) {
					if (col + used >= 0)
						set_cell(scr, row, col + used, ' ', 1, slot, attrs);
				}
			}
			break;
		}
		if (g.wide) {
			if (col + used >= 0)
				set_cell(scr, row, col + used, g.cp[0], 2, slot, attrs);
			else if (col + used + 1 >= 0)
				set_cell(scr, row, col + used + 1, ' ', 1, slot, attrs);
			used += 2;
		} else {
			for (k = 0; k < g.n; k++, used++) {
				if (col + used >= 0)
					set_cell(scr, row, col + used, g.cp[k], 1, slot, attrs);
			}
		}
		i += g.bytes;
	}
	return used;
}

int ad_screen_puts(ad_screen *scr, int row, int col, int maxcols, const char *s,
		   ad_slot slot, unsigned attrs)
{
	return ad_screen_put(scr, row, col, maxcols, s, s ? strlen(s) : 0, slot, attrs);
}

int ad_text_width(const char *s, size_t len)
{
	size_t i = 0;
	int width = 0;
	glyph g;

	while (i < len) {
		next_glyph(&g, s + i, len - i, width);
		width += g.width;
		i += g.bytes;
	}
	return width;
}

size_t ad_text_fit(const char *s, size_t len, int cols, int *used)
{
	size_t i = 0;
	int width = 0;
	glyph g;

	while (i < len) {
		next_glyph(&g, s + i, len - i, width);
		if (width + g.width > cols)
			break;
		width += g.width;
		i += g.bytes;
	}
	if (used)
		*used = width;
	return i;
}

void ad_screen_copy(ad_screen *dst, const ad_screen *src)
{
	if (dst->rows != src->rows || dst->cols != src->cols)
		ad_screen_resize(dst, src->rows, src->cols);
	memcpy(dst->cells, src->cells, (size_t)src->rows * (size_t)src->cols * sizeof(ad_cell));
}

const ad_cell *ad_screen_cell(const ad_screen *scr, int row, int col)
{
	if (row < 0 || row >= scr->rows || col < 0 || col >= scr->cols)
		return NULL;
	return &scr->cells[(size_t)row * (size_t)scr->cols + (size_t)col];
}

/* '.' for the default slot, then a-z, then A-Z, in slots.h's order. */
char ad_screen_slot_letter(ad_slot slot)
{
	static const char letters[] =
		".abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

	if ((int)slot < 0 || (size_t)slot >= sizeof(letters) - 1)
		return '?';
	return letters[slot];
}

void ad_screen_dump(const ad_screen *scr, ad_buf *out, bool slots)
{
	int r, c;

	for (r = 0; r < scr->rows; r++) {
		const ad_cell *row = &scr->cells[(size_t)r * (size_t)scr->cols];
		size_t start = out->size, keep;
		int last;

		for (c = 0; c < scr->cols; c++) {
			if (row[c].width == 0)
				continue;
			ad_utf8_put(out, row[c].cp);
		}
		keep = out->size;
		while (keep > start && out->ptr[keep - 1] == ' ')
			keep--;
		out->size = keep;
		ad_buf_putc(out, '\n');
		if (!slots)
			continue;
		last = scr->cols;
		while (last > 0 && row[last - 1].slot == AD_SLOT_DEFAULT)
			last--;
		for (c = 0; c < last; c++)
			ad_buf_putc(out, ad_screen_slot_letter((ad_slot)row[c].slot));
		ad_buf_putc(out, '\n');
	}
}
