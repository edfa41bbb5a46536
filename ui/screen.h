/*
 * screen: a grid of character cells that views draw into.
 *
 * Nothing in ui/ but the curses backend (tui.c) talks to the terminal.
 * Views draw into an ad_screen; the backend copies the cells that changed
 * to curses, and the scripted mode dumps the grid as text.  So every view
 * is testable without a terminal and nothing from a file can reach the
 * terminal raw: ad_screen_put() is the only way text gets in, and it makes
 * every byte printable:
 *
 *   - invalid UTF-8 becomes U+FFFD, one cell per bad byte;
 *   - C0 controls, DEL and C1 controls become visible escapes: "^[" for
 *     ESC, "^@" for NUL, "^?" for DEL, "<U+0085>" style for C1; a tab
 *     advances to the next multiple of 8 columns (relative to the start
 *     column given) drawn as spaces;
 *   - a wide character (East Asian wide, emoji) takes two cells, the
 *     second a continuation cell (cp 0, width 0); one that does not fit in
 *     the remaining width becomes a single space;
 *   - zero-width characters (combining marks, ZWJ, variation selectors)
 *     are dropped, so a cell is always one code point of width 1 or 2.
 *
 * Widths are utf8.h's (our own tables, not wcwidth()), so that a dump is
 * the same on every machine and locale.
 *
 * Ownership: the caller owns the screen (ad_screen_free).
 */
#ifndef AD_SCREEN_H
#define AD_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slots.h"
#include "util.h"

/* Cell attributes a view may add on top of its slot's style. */
enum {
	AD_CELL_BOLD = 1 << 0,
	AD_CELL_REVERSE = 1 << 1,
	AD_CELL_UNDERLINE = 1 << 2
};

typedef struct {
	uint32_t cp;    /* code point; 0 in the right half of a wide character */
	uint8_t width;  /* 1 or 2; 0 for a continuation cell */
	uint8_t slot;   /* ad_slot */
	uint8_t attrs;  /* AD_CELL_* */
} ad_cell;

typedef struct ad_screen ad_screen;

ad_screen *ad_screen_new(int rows, int cols);
void ad_screen_free(ad_screen *scr);
/* Resizes and clears; rows and cols of at least 1. */
void ad_screen_resize(ad_screen *scr, int rows, int cols);
int ad_screen_rows(const ad_screen *scr);
int ad_screen_cols(const ad_screen *scr);

/* Every cell a space in slot. */
void ad_screen_clear(ad_screen *scr, ad_slot slot);
/* width cells from (row, col) set to code point cp (width 1) in slot;
 * clipped to the screen. */
void ad_screen_fill(ad_screen *scr, int row, int col, int width, uint32_t cp,
		    ad_slot slot);
/* Changes the slot and attributes of width cells, keeping their text
 * (search matches, the cursor line). */
void ad_screen_paint(ad_screen *scr, int row, int col, int width, ad_slot slot,
		     unsigned attrs);

/*
 * Draws len bytes of text (any bytes at all) at (row, col), at most
 * maxcols columns and never past the screen's edge, made printable as
 * described above.  A line break in the text is drawn as a visible escape
 * too; callers split lines themselves.  Returns the columns used.
 */
int ad_screen_put(ad_screen *scr, int row, int col, int maxcols, const char *s,
		  size_t len, ad_slot slot, unsigned attrs);
/* The same, NUL-terminated. */
int ad_screen_puts(ad_screen *scr, int row, int col, int maxcols, const char *s,
		   ad_slot slot, unsigned attrs);

/* The display width of text as ad_screen_put() would draw it from
 * column 0 with no limit. */
int ad_text_width(const char *s, size_t len);
/* The length in bytes of the longest prefix of s, ending on a character
 * boundary, that ad_screen_put() draws in at most cols columns; its width
 * in *used when used != NULL (for wrapping and cutting). */
size_t ad_text_fit(const char *s, size_t len, int cols, int *used);

/* Makes dst a copy of src, size and cells (the curses front end keeps
 * one of what the terminal shows). */
void ad_screen_copy(ad_screen *dst, const ad_screen *src);

/* Borrowed; NULL when out of range. */
const ad_cell *ad_screen_cell(const ad_screen *scr, int row, int col);

/*
 * Appends the screen as UTF-8 text, a line per row, trailing spaces
 * trimmed.  With slots, each row is followed by a second line giving each
 * column's slot as a letter ('.' for default), so that golden tests can
 * check colours as well as text.
 */
void ad_screen_dump(const ad_screen *scr, ad_buf *out, bool slots);
/* The letter ad_screen_dump() gives slot: '.' for AD_SLOT_DEFAULT, then
 * 'a'-'z' and 'A'-'Z' in slots.h's order ("cursor" is 'e'). */
char ad_screen_slot_letter(ad_slot slot);

#endif
