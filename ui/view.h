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
 *
 * What a view asks of the app goes through an ad_view_host, handed to its
 * action and mouse handlers (and to the merge view's constructor): open
 * another view, say something, ask a question, let the user edit text,
 * and where a variant came from.  The app (tui.c) is one host; a test can
 * be another, or pass NULL, which every view accepts: it then opens
 * nothing, says nothing and edits nothing.
 */
#ifndef AD_VIEW_H
#define AD_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "doc.h"
#include "error.h"
#include "list.h"
#include "screen.h"
#include "util.h"
#include "vsource.h"

typedef struct ad_view ad_view;
typedef struct ad_view_host ad_view_host;

/* Gets the answer to ad_host_ask(): NULL when the user cancelled. */
typedef void (*ad_view_answer_fn)(ad_view_host *host, void *payload, const char *answer);

typedef struct {
	/* Opens view on top of the stack; the host takes it. */
	void (*push)(ad_view_host *h, ad_view *view);
	/* Shows msg in the status bar until the next key. */
	void (*message)(ad_view_host *h, ad_slot slot, const char *msg);
	/* Asks question in the status bar, with initial as the answer to
	 * edit; fn gets the answer on Enter, NULL on Esc (and may ask
	 * again).  Until then the keys go to the question. */
	void (*ask)(ad_view_host *h, const char *question, const char *initial,
		    ad_view_answer_fn fn, void *payload);
	/* Lets the user edit the len bytes of text in their editor; out
	 * gets what they saved.  suffix (".md") tells the editor the kind
	 * of text.  The host does the files and the terminal. */
	int (*edit_text)(ad_view_host *h, const char *text, size_t len, const char *suffix,
			 ad_buf *out, ad_error *err);
	/* Where doc came from, for variants the command line loaded itself
	 * (REV:PATH, --history); NULL for a workspace file.  Borrowed. */
	const ad_vsource *(*source_of)(ad_view_host *h, const ad_doc *doc);
	/* Where a merge is written unless the user says otherwise; NULL:
	 * the view decides. */
	const char *(*output)(ad_view_host *h);
} ad_view_host_ops;

struct ad_view_host {
	const ad_view_host_ops *ops;
};

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
	 * then applies its own meaning, if any).  host may be NULL. */
	bool (*action)(ad_view *v, ad_view_host *host, ad_action action);
	/* Moves to the next (dir > 0) or previous (dir < 0) match of needle
	 * (plain text, case-insensitive for ASCII letters), wrapping around
	 * (ad_list_find() says how), and highlights matches when drawn;
	 * needle NULL clears.  AD_SEARCH_NOT_FOUND (false) when nothing
	 * matches.  May be NULL: the view cannot be searched. */
	ad_search_result (*search)(ad_view *v, const char *needle, int dir);
	/* May be NULL. */
	bool (*mouse)(ad_view *v, ad_view_host *host, const ad_mouse *ev);
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

/*
 * The host's functions, for views: each accepts a NULL host (or one
 * without the function), and then does nothing; ad_host_push() then frees
 * the view, ad_host_edit_text() fails with AD_EINVALID and the sources
 * are NULL.
 */
void ad_host_push(ad_view_host *h, ad_view *view);
void ad_host_message(ad_view_host *h, ad_slot slot, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ad_host_ask(ad_view_host *h, const char *question, const char *initial,
		 ad_view_answer_fn fn, void *payload);
int ad_host_edit_text(ad_view_host *h, const char *text, size_t len, const char *suffix,
		      ad_buf *out, ad_error *err);
const ad_vsource *ad_host_source_of(ad_view_host *h, const ad_doc *doc);
const char *ad_host_output(ad_view_host *h);

#endif
