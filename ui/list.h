/*
 * list: the cursor, scroll position, paging and wrap-around search that
 * every view of rows shares (the tree, the text and help panes, the
 * matrix, the side by side and merge views).
 *
 * An ad_list is plain state, embedded in the view: count rows, a cursor
 * row, the first row shown (top) and how many rows the last draw showed
 * (height; 0 before the first draw).  Rows are one screen row high here; a
 * view whose rows wrap onto several screen rows keeps its own scroll
 * position and uses the cursor and the search only.
 *
 * Every function keeps cursor < count and top < count (both 0 for an empty
 * list), so a view can index its rows with the cursor whenever count > 0.
 */
#ifndef AD_LIST_H
#define AD_LIST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	size_t count, cursor, top;
	size_t height;
	/* Rows of one page that the next keeps in sight (1 in the tree and
	 * the text panes, as less does; 0 in the matrix). */
	size_t overlap;
} ad_list;

/* What a search found; false (0) is nothing. */
typedef enum {
	AD_SEARCH_NOT_FOUND = 0,
	AD_SEARCH_FOUND,   /* a match ahead of the cursor, in the search's direction */
	AD_SEARCH_WRAPPED, /* ahead only after wrapping around the end (or the start) */
	AD_SEARCH_ONLY     /* the only match is the row the cursor was on */
} ad_search_result;

/* A new row count; the cursor and the top stay, clamped. */
void ad_list_set_count(ad_list *l, size_t count);
/* The cursor on row i (clamped); true when it moved. */
bool ad_list_goto(ad_list *l, size_t i);
/* The cursor delta rows on (negative: back), clamped; true when it moved. */
bool ad_list_move(ad_list *l, long delta);
/* Rows a page moves: height less the overlap, at least 1; half a page is
 * half that, rounded up. */
size_t ad_list_page_size(const ad_list *l, bool half);
/*
 * The top follows the cursor: the least scrolling that shows it, and no
 * rows past the end shown while earlier ones could be (after the list
 * shrank or the height grew).
 */
void ad_list_follow(ad_list *l);
/* Scrolls the top by delta rows (clamped so that the last page is full
 * when the list is longer than the height), and the cursor with it when
 * drag, or else only as far as it must to stay in sight. */
void ad_list_scroll(ad_list *l, long delta, bool drag);

/*
 * Wrap-around search over n rows: the first row after from (before it,
 * dir < 0) for which match() is true, going round to from itself last.
 * Returns how it was found, *at the row (untouched when not found).
 */
typedef bool (*ad_list_match_fn)(size_t row, void *payload);
ad_search_result ad_list_find(size_t n, size_t from, int dir, ad_list_match_fn match,
			      void *payload, size_t *at);
/* ad_list_find() from the cursor, which moves to the match (and the top
 * follows). */
ad_search_result ad_list_search(ad_list *l, int dir, ad_list_match_fn match, void *payload);

#endif
