/*
 * tui: the terminal UI application.
 *
 * An ad_tui holds the workspace being browsed, the key map, the theme, the
 * screen (ui/screen.h) and a stack of views (ui/view.h).  The bottom of the
 * stack is the browser: the tree of agents, variants, sections and fields
 * on the left and the selected item's text on the right; the comparison
 * views and the help screen open on top of it and take the whole body.
 * Row 0 is the title bar, the last row the status bar (messages, the search
 * prompt).
 *
 * The app itself never touches the terminal: keys, mouse events and resizes
 * come in through ad_tui_key(), ad_tui_mouse() and ad_tui_resize(), and
 * ad_tui_draw() redraws the screen.  Two front ends feed it: the curses one
 * (ad_tui_run_terminal(), the only code in ui/ that includes curses) and
 * the scripted mode (ad_tui_run_script()), which runs the same app at a
 * fixed size from a script and prints text dumps of the screen for tests.
 *
 * The workspace is scanned in a thread so that a large tree shows its
 * progress and the UI keeps answering keys meanwhile.
 *
 * Ownership: the caller owns the ad_tui (ad_tui_free).  The options'
 * strings are copied; the keymap is taken.
 */
#ifndef AD_TUI_H
#define AD_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "keymap.h"
#include "screen.h"
#include "theme.h"
#include "util.h"
#include "view.h"
#include "vsource.h"

typedef struct ad_tui ad_tui;

/* Below this the app shows only a "terminal too small" screen. */
#define AD_TUI_MIN_COLS 40
#define AD_TUI_MIN_ROWS 10

typedef struct {
	unsigned version;
	/* Folders and files to scan; at least one. */
	const char *const *paths;
	size_t npaths;
	/* Initial size (the terminal's replaces it in the curses front end). */
	int rows, cols;
	/* NULL: the compiled-in default theme. */
	const ad_theme *theme;
	/* Taken, even on failure; NULL: AD_ACTIONS' default keys. */
	ad_keymap *keymap;
	/* Where a merge is written unless the user says otherwise (--output);
	 * NULL: the first variant's file. */
	const char *output;
} ad_tui_options;

#define AD_TUI_OPTIONS_VERSION 1
#define AD_TUI_OPTIONS_INIT { AD_TUI_OPTIONS_VERSION, NULL, 0, 24, 80, NULL, NULL, NULL }

/* A new app with an empty browser; start the scan with ad_tui_scan(). */
ad_tui *ad_tui_new(const ad_tui_options *opts);
void ad_tui_free(ad_tui *tui);

/* Starts scanning the paths in a thread; the browser fills in when it ends
 * (see ad_tui_poll()).  With wait, returns once the scan has ended. */
int ad_tui_scan(ad_tui *tui, bool wait, ad_error *err);
/* Takes in what the scan thread found: true when the screen should be
 * redrawn (progress, or the scan has ended). */
bool ad_tui_poll(ad_tui *tui);
bool ad_tui_scanning(const ad_tui *tui);

/* Input.  ad_tui_key() takes our key codes (keymap.h); rows and columns
 * are screen positions.  Each returns false once the app has quit. */
bool ad_tui_key(ad_tui *tui, int key);
bool ad_tui_mouse(ad_tui *tui, ad_mouse_kind kind, int row, int col);
void ad_tui_resize(ad_tui *tui, int rows, int cols);
bool ad_tui_quit_requested(const ad_tui *tui);

/* Redraws everything into the screen. */
void ad_tui_draw(ad_tui *tui);
/* Borrowed; valid until the next call that changes the app. */
const ad_screen *ad_tui_screen(const ad_tui *tui);
const ad_theme *ad_tui_theme(const ad_tui *tui);

/* The focused view (the top of the stack, or the browser's focused
 * pane); borrowed. */
ad_view *ad_tui_focus(const ad_tui *tui);

/*
 * Variants the command line loaded itself (REV:PATH arguments,
 * --history): opened compared, side by side for two and in the matrix for
 * more, on top of the browser.  docs and srcs (n of each; srcs may be
 * NULL) are borrowed and must outlive the app.
 */
int ad_tui_open_variants(ad_tui *tui, const ad_doc *const *docs, const ad_vsource *srcs,
			 size_t n, ad_error *err);
/* Where doc came from when ad_tui_open_variants() was given it; NULL for
 * the workspace's files (a file at the document's path). */
const ad_vsource *ad_tui_source_of(const ad_tui *tui, const ad_doc *doc);
/* The options' output, or NULL. */
const char *ad_tui_output(const ad_tui *tui);

/* Says something in the status bar until the next key. */
void ad_tui_message(ad_tui *tui, ad_slot slot, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The app as its views' host (view.h): opens views on its stack, shows
 * messages and questions in the status bar, and runs the user's editor
 * (ui/editor.h), handing it the terminal, or $AD_EDITOR without one in
 * the scripted mode.  Borrowed. */
ad_view_host *ad_tui_host(ad_tui *tui);

/* Time taken by each key, from its arrival to the end of its redraw into
 * the screen, in microseconds: count, 50th and 99th percentile, maximum of
 * the wall-clock time, and the 50th and 99th percentile of the processor
 * time the thread spent (which a busy machine does not inflate). */
typedef struct {
	size_t count;
	double p50, p99, max;
	double cpu_p50, cpu_p99;
} ad_tui_stats;
void ad_tui_get_stats(const ad_tui *tui, ad_tui_stats *out);
/* Forgets the times so far (the scripted mode's `stats` reports the keys
 * since the previous one). */
void ad_tui_reset_stats(ad_tui *tui);
/* Records one key's handling and redraw, wall-clock and processor time
 * (ad_tui_key() and ad_tui_draw() call it). */
void ad_tui_record_time(ad_tui *tui, double usec, double cpu_usec);

/*
 * Runs the app on the terminal until it quits.  no_color draws with the
 * theme's attributes only; so does a terminal without colours, with
 * mono_theme (if not NULL) instead of the app's theme.  Fails, leaving the
 * terminal as it was, when stdin or stdout is not a terminal or the
 * terminal cannot place the cursor.
 */
int ad_tui_run_terminal(ad_tui *tui, const ad_theme *mono_theme, bool no_color,
			ad_error *err);

/*
 * Runs the script's len bytes (lines of commands, see the man page:
 * key, type, resize, click, wheel, dump, dump slots, stats, and # comments)
 * against the app, appending what dump and stats print to out.  Stops at
 * the end or when the app quits.  On a bad line fails with AD_EUSAGE and err
 * at the script's path and line.  The scan must have ended.
 */
int ad_tui_run_script(ad_tui *tui, const char *path, const char *script,
		      size_t len, ad_buf *out, ad_error *err);

#endif
