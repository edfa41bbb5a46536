/*
 * view: what the UI shows in a pane, behind one small interface.
 *
 * The tree, a variant's text, the side-by-side comparison, the alignment
 * matrix and the help screen are views.  The app (tui.c) owns a stack of
 * them, lays them out, feeds them actions and mouse events, and draws them
 * into the screen; a view knows nothing of curses or of the terminal.
 *
 * A view is a struct whose first member is an ad_view, made by its own
 * constructor (ad_sbs_view_new() and so on) and freed through ops->free.
 */
#ifndef AD_VIEW_H
#define AD_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "doc.h"
#include "list.h"
#include "screen.h"

typedef struct ad_tui ad_tui;
typedef struct ad_view ad_view;

typedef struct {
	int row, col, rows, cols;
} ad_rect;

typedef enum {
	AD_MOUSE_CLICK,
	AD_MOUSE_DOUBLE_CLICK,
	AD_MOUSE_WHEEL_UP,
	AD_MOUSE_WHEEL_DOWN
} ad_mouse_kind;

typedef struct {
	ad_mouse_kind kind;
	int row, col; /* relative to the view's rectangle */
} ad_mouse;

typedef struct {
	const char *name; /* "tree", "text", "sbs", "matrix", "help" */
	/* Draws the view into r; focused when it has the keyboard. */
	void (*draw)(ad_view *v, ad_screen *scr, const ad_rect *r, bool focused);
	/* Handles an action; false when the view has no use for it (the app
	 * then applies its own meaning, if any).  tui may be NULL in unit
	 * tests; a view then cannot open other views. */
	bool (*action)(ad_view *v, ad_tui *tui, ad_action action);
	/* Moves to the next (dir > 0) or previous (dir < 0) match of needle
	 * (plain text, case-insensitive for ASCII letters), wrapping around
	 * (ad_list_find() says how), and highlights matches when drawn;
	 * needle NULL clears.  AD_SEARCH_NOT_FOUND (false) when nothing
	 * matches.  May be NULL: the view cannot be searched. */
	ad_search_result (*search)(ad_view *v, const char *needle, int dir);
	/* May be NULL. */
	bool (*mouse)(ad_view *v, ad_tui *tui, const ad_mouse *ev);
	/* One line for the status bar ("line 12/340, 3 of 9 changes");
	 * may be NULL. */
	void (*status)(ad_view *v, ad_buf *out);
	/* The variants the view compares and their labels (borrowed, living
	 * as long as the view), for the app to start a merge of them; returns
	 * how many.  May be NULL: nothing to merge. */
	size_t (*variants)(ad_view *v, const ad_doc *const **docs, const char *const **labels);
	void (*free)(ad_view *v);
} ad_view_ops;

struct ad_view {
	const ad_view_ops *ops;
	ad_rect rect; /* where it was last drawn; set by the app */
	/* The last search made in this view and its direction (the app's:
	 * n and N repeat it in this view only); NULL: none. */
	char *needle;
	int search_dir;
};

/* Frees what the app keeps in the view, then the view (ops->free);
 * accepts NULL. */
void ad_view_free(ad_view *v);

/* Where needle (NUL-terminated) first occurs in the hlen bytes of hay at
 * or after from, ASCII letters compared without case, as every view's
 * search does; *at is set when it does.  False for an empty needle. */
bool ad_view_find(const char *hay, size_t hlen, const char *needle, size_t from,
		  size_t *at);

/* For views: open another view on top of the stack (the app takes it),
 * and say something in the status bar. */
void ad_tui_push_view(ad_tui *tui, ad_view *view);
void ad_tui_message(ad_tui *tui, ad_slot slot, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
