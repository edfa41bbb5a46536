/*
 * tui: the app, its layout and main loop, and the curses front end
 * (see tui.h).
 *
 * Everything above the "curses front end" line works on the ad_screen
 * only; below it is the one place in agentdiff that talks to the terminal.
 * The front end copies to curses only the rows of the screen that changed
 * since the last time (a shadow copy remembers what the terminal shows),
 * and curses sends only the characters that changed within them.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE_EXTENDED 1

#include <errno.h>
#include <langinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "compare.h"
#include "editor.h"
#include "fileio.h"
#include "help.h"
#include "mergeview.h"
#include "textview.h"
#include "tree.h"
#include "tui.h"
#include "utf8.h"
#include "workspace.h"

/* term.h (terminfo) defines lines and columns as macros. */
#undef lines
#undef columns

#define PROMPT_MAX 256

struct ad_tui {
	ad_view_host host; /* first: what the views ask of the app */
	char **paths;
	size_t npaths;
	ad_screen *scr;
	ad_theme theme;
	ad_keymap *km;

	/* The scan: the thread writes these under lock until finished. */
	pthread_mutex_t lock;
	pthread_t thread;
	bool thread_started, joined, finished;
	size_t files_seen, files_drawn;
	ad_buf scan_path;
	ad_workspace *ws;
	int scan_status;
	ad_error scan_err;

	/* The browser: tree and text panes, and the views over them. */
	ad_view *tree, *text;
	int pane; /* 0: tree, 1: text */
	ad_view **stack;
	size_t nstack, capstack;

	ad_buf msg;
	ad_slot msg_slot;
	bool prompting;
	int prompt_dir;
	ad_buf prompt;
	int pending; /* first key of a sequence, or -1 */
	bool quit, full_redraw;
	/* A view's question (ad_host_ask): the prompt's text is the answer. */
	ad_buf ask;
	ad_view_answer_fn ask_fn;
	void *ask_payload;
	bool on_terminal; /* inside ad_tui_run_terminal() */
	/* The command line's own variants (ad_tui_open_variants), borrowed. */
	const ad_doc *const *var_docs;
	const ad_vsource *var_srcs;
	size_t nvars;
	char *output;

	double *times, *cpu_times;
	size_t ntimes, captimes;
	struct timespec t0, cpu0;
	bool timing;
};

/* ------------------------------------------------------------ creation */

static const ad_view_host_ops host_ops;

ad_tui *ad_tui_new(const ad_tui_options *opts)
{
	ad_tui *tui = ad_xcalloc(1, sizeof(*tui));
	size_t i;

	tui->host.ops = &host_ops;
	tui->npaths = opts->npaths;
	tui->paths = ad_xcalloc(opts->npaths ? opts->npaths : 1, sizeof(char *));
	for (i = 0; i < opts->npaths; i++)
		tui->paths[i] = ad_xstrdup(opts->paths[i]);
	tui->scr = ad_screen_new(opts->rows, opts->cols);
	if (opts->theme)
		tui->theme = *opts->theme;
	else
		ad_theme_default(&tui->theme);
	tui->km = opts->keymap ? opts->keymap : ad_keymap_new();
	pthread_mutex_init(&tui->lock, NULL);
	tui->text = ad_text_view_new("text");
	tui->pending = -1;
	if (opts->output)
		tui->output = ad_xstrdup(opts->output);
	return tui;
}

static void join_scan(ad_tui *tui)
{
	if (tui->thread_started && !tui->joined) {
		pthread_join(tui->thread, NULL);
		tui->joined = true;
	}
}

void ad_tui_free(ad_tui *tui)
{
	size_t i;

	if (!tui)
		return;
	join_scan(tui);
	for (i = tui->nstack; i > 0; i--)
		ad_view_free(tui->stack[i - 1]);
	free(tui->stack);
	if (tui->tree)
		ad_view_free(tui->tree);
	ad_view_free(tui->text);
	ad_ws_free(tui->ws);
	ad_error_clear(&tui->scan_err);
	ad_buf_free(&tui->scan_path);
	pthread_mutex_destroy(&tui->lock);
	for (i = 0; i < tui->npaths; i++)
		free(tui->paths[i]);
	free(tui->paths);
	ad_screen_free(tui->scr);
	ad_keymap_free(tui->km);
	ad_buf_free(&tui->msg);
	ad_buf_free(&tui->prompt);
	ad_buf_free(&tui->ask);
	free(tui->output);
	free(tui->times);
	free(tui->cpu_times);
	free(tui);
}

/* ------------------------------------------------------------ scanning */

static void on_progress(size_t files_seen, const char *path, void *payload)
{
	ad_tui *tui = payload;

	pthread_mutex_lock(&tui->lock);
	tui->files_seen = files_seen;
	ad_buf_clear(&tui->scan_path);
	ad_buf_puts(&tui->scan_path, path);
	pthread_mutex_unlock(&tui->lock);
}

static void *scan_main(void *arg)
{
	ad_tui *tui = arg;
	ad_ws_options opts = AD_WS_OPTIONS_INIT;
	ad_workspace *ws = NULL;
	ad_error err = AD_ERROR_INIT;
	int status;

	opts.progress = on_progress;
	opts.payload = tui;
	status = ad_ws_scan(&ws, (const char *const *)tui->paths, tui->npaths, &opts, &err);
	pthread_mutex_lock(&tui->lock);
	tui->ws = ws;
	tui->scan_status = status;
	tui->scan_err = err;
	tui->finished = true;
	pthread_mutex_unlock(&tui->lock);
	return NULL;
}

/* The scan has ended: fill the browser. */
static void open_browser(ad_tui *tui)
{
	char msg[1024];

	tui->tree = ad_tree_view_new(tui->ws, tui->text);
	ad_tree_show_selection(tui->tree, &tui->host);
	if (tui->scan_status < 0)
		ad_tui_message(tui, AD_SLOT_ERROR, "%s",
			       ad_error_format(&tui->scan_err, msg, sizeof(msg)));
}

int ad_tui_scan(ad_tui *tui, bool wait, ad_error *err)
{
	int rc;

	if (tui->thread_started)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0, "the scan has already started");
	if (tui->npaths == 0)
		return ad_error_set(err, AD_EUSAGE, NULL, 0, 0, "nothing to scan");
	rc = pthread_create(&tui->thread, NULL, scan_main, tui);
	if (rc != 0)
		return ad_error_set(err, AD_ERROR, NULL, 0, 0, "cannot start the scan: %s",
				    strerror(rc));
	tui->thread_started = true;
	if (wait) {
		join_scan(tui);
		ad_tui_poll(tui);
	}
	return 0;
}

bool ad_tui_poll(ad_tui *tui)
{
	bool finished, changed;

	if (!tui->thread_started || tui->tree)
		return false;
	pthread_mutex_lock(&tui->lock);
	finished = tui->finished;
	changed = tui->files_seen != tui->files_drawn;
	pthread_mutex_unlock(&tui->lock);
	if (finished) {
		join_scan(tui);
		open_browser(tui);
		return true;
	}
	return changed;
}

bool ad_tui_scanning(const ad_tui *tui)
{
	return tui->thread_started && !tui->tree;
}

/* ------------------------------------------------------------ views */

static void push_view(ad_tui *tui, ad_view *view)
{
	if (tui->nstack == tui->capstack)
		ad_xgrow((void **)&tui->stack, &tui->capstack, tui->nstack + 1, sizeof(*tui->stack));
	tui->stack[tui->nstack++] = view;
}

static void pop_view(ad_tui *tui)
{
	ad_view *v;

	if (tui->nstack == 0)
		return;
	v = tui->stack[--tui->nstack];
	ad_view_free(v);
}

void ad_tui_message(ad_tui *tui, ad_slot slot, const char *fmt, ...)
{
	va_list ap;

	ad_buf_clear(&tui->msg);
	va_start(ap, fmt);
	ad_buf_vprintf(&tui->msg, fmt, ap);
	va_end(ap);
	tui->msg_slot = slot;
}

ad_view *ad_tui_focus(const ad_tui *tui)
{
	if (tui->nstack)
		return tui->stack[tui->nstack - 1];
	if (!tui->tree)
		return NULL;
	return tui->pane == 0 ? tui->tree : tui->text;
}

int ad_tui_open_variants(ad_tui *tui, const ad_doc *const *docs, const ad_vsource *srcs,
			 size_t n, ad_error *err)
{
	const char **labels;
	ad_view *v;
	size_t i;

	if (n < 2)
		return ad_error_set(err, AD_EUSAGE, NULL, 0, 0, "two or more variants are compared");
	labels = ad_xcalloc(n, sizeof(*labels));
	for (i = 0; i < n; i++)
		labels[i] = ad_doc_path(docs[i]);
	v = n == 2 ? ad_sbs_view_new(docs[0], docs[1], labels[0], labels[1], -1, err)
		   : ad_matrix_view_new(docs, labels, n, err);
	free(labels);
	if (!v)
		return err && err->code ? err->code : AD_ERROR;
	tui->var_docs = docs;
	tui->var_srcs = srcs;
	tui->nvars = n;
	push_view(tui, v);
	return 0;
}

const ad_vsource *ad_tui_source_of(const ad_tui *tui, const ad_doc *doc)
{
	size_t i;

	for (i = 0; tui && tui->var_srcs && i < tui->nvars; i++)
		if (tui->var_docs[i] == doc)
			return &tui->var_srcs[i];
	return NULL;
}

const char *ad_tui_output(const ad_tui *tui)
{
	return tui ? tui->output : NULL;
}

const ad_screen *ad_tui_screen(const ad_tui *tui)
{
	return tui->scr;
}

const ad_theme *ad_tui_theme(const ad_tui *tui)
{
	return &tui->theme;
}

bool ad_tui_quit_requested(const ad_tui *tui)
{
	return tui->quit;
}

static bool too_small(const ad_tui *tui)
{
	return ad_screen_rows(tui->scr) < AD_TUI_MIN_ROWS ||
	       ad_screen_cols(tui->scr) < AD_TUI_MIN_COLS;
}

/* ------------------------------------------------------------ drawing */

static int tree_width(int cols)
{
	int w = cols * 2 / 5;

	if (w > 60)
		w = 60;
	if (w < 20)
		w = 20;
	return w;
}

static void draw_too_small(ad_tui *tui)
{
	int rows = ad_screen_rows(tui->scr), cols = ad_screen_cols(tui->scr);
	char need[64];
	const char *say = "terminal too small";
	int w = ad_text_width(say, strlen(say));

	snprintf(need, sizeof(need), "need %dx%d, have %dx%d", AD_TUI_MIN_COLS, AD_TUI_MIN_ROWS,
		 cols, rows);
	ad_screen_puts(tui->scr, rows / 2 - (rows > 1), cols > w ? (cols - w) / 2 : 0, cols, say,
		       AD_SLOT_ERROR, AD_CELL_BOLD);
	w = ad_text_width(need, strlen(need));
	if (rows > 1)
		ad_screen_puts(tui->scr, rows / 2, cols > w ? (cols - w) / 2 : 0, cols, need,
			       AD_SLOT_DIM, 0);
}

static void draw_title(ad_tui *tui)
{
	int cols = ad_screen_cols(tui->scr), x, w;
	ad_buf left = AD_BUF_INIT, right = AD_BUF_INIT;
	size_t i;

	ad_screen_fill(tui->scr, 0, 0, cols, ' ', AD_SLOT_TITLE_BAR);
	ad_buf_puts(&left, "agentdiff ");
	for (i = 0; i < tui->npaths; i++) {
		ad_buf_putc(&left, ' ');
		ad_buf_puts(&left, tui->paths[i]);
	}
	if (tui->tree && tui->ws) {
		size_t na = ad_ws_agent_count(tui->ws), nv = ad_tree_variant_count(tui->tree);

		ad_buf_printf(&right, "%zu agent%s, %zu variant%s", na, na == 1 ? "" : "s", nv,
			      nv == 1 ? "" : "s");
	} else if (!tui->tree) {
		ad_buf_puts(&right, "scanning");
	}
	if (tui->nstack)
		ad_buf_printf(&right, "  [%s]", tui->stack[tui->nstack - 1]->ops->name);
	ad_buf_putc(&right, ' ');
	w = ad_text_width(ad_buf_cstr(&right), right.size);
	x = ad_screen_puts(tui->scr, 0, 1, cols - 1 - w - 1, ad_buf_cstr(&left), AD_SLOT_TITLE_BAR,
			   AD_CELL_BOLD);
	if (1 + x + 1 + w <= cols)
		ad_screen_puts(tui->scr, 0, cols - w, w, ad_buf_cstr(&right), AD_SLOT_TITLE_BAR, 0);
	ad_buf_free(&left);
	ad_buf_free(&right);
}

static void draw_status(ad_tui *tui)
{
	int rows = ad_screen_rows(tui->scr), cols = ad_screen_cols(tui->scr), y = rows - 1, x, w;
	ad_buf left = AD_BUF_INIT, right = AD_BUF_INIT;
	ad_view *focus = ad_tui_focus(tui);

	ad_screen_fill(tui->scr, y, 0, cols, ' ', AD_SLOT_STATUS_BAR);
	if (tui->prompting) {
		if (tui->ask_fn)
			x = ad_screen_put(tui->scr, y, 0, cols - 1, ad_buf_cstr(&tui->ask), tui->ask.size,
					  AD_SLOT_STATUS_BAR, AD_CELL_BOLD);
		else
			x = ad_screen_puts(tui->scr, y, 0, cols, tui->prompt_dir < 0 ? "\\" : "/",
					   AD_SLOT_STATUS_BAR, AD_CELL_BOLD);
		x += ad_screen_put(tui->scr, y, x, cols - x - 1, tui->prompt.ptr ? tui->prompt.ptr : "",
				   tui->prompt.size, AD_SLOT_STATUS_BAR, 0);
		/* The prompt's cursor. */
		ad_screen_paint(tui->scr, y, x, 1, AD_SLOT_STATUS_BAR, AD_CELL_REVERSE);
		return;
	}
	if (tui->pending >= 0) {
		ad_key_name(&right, tui->pending);
		ad_buf_puts(&right, "-");
	} else {
		ad_buf_puts(&right, "? help");
	}
	ad_buf_putc(&right, ' ');
	w = ad_text_width(ad_buf_cstr(&right), right.size);
	if (tui->msg.size) {
		x = ad_screen_put(tui->scr, y, 1, cols - w - 2, tui->msg.ptr, tui->msg.size,
				  tui->msg_slot == AD_SLOT_DEFAULT ? AD_SLOT_STATUS_BAR : tui->msg_slot,
				  AD_CELL_BOLD);
	} else {
		if (focus && focus->ops->status)
			focus->ops->status(focus, &left);
		x = ad_screen_put(tui->scr, y, 1, cols - w - 2, ad_buf_cstr(&left), left.size,
				  AD_SLOT_STATUS_BAR, 0);
	}
	if (1 + x + 1 + w <= cols)
		ad_screen_puts(tui->scr, y, cols - w, w, ad_buf_cstr(&right), AD_SLOT_STATUS_BAR, 0);
	ad_buf_free(&left);
	ad_buf_free(&right);
}

static void draw_progress(ad_tui *tui, const ad_rect *r)
{
	ad_buf line = AD_BUF_INIT, path = AD_BUF_INIT;
	size_t seen;

	pthread_mutex_lock(&tui->lock);
	seen = tui->files_seen;
	ad_buf_puts(&path, ad_buf_cstr(&tui->scan_path));
	pthread_mutex_unlock(&tui->lock);
	tui->files_drawn = seen;
	ad_buf_printf(&line, "Scanning for agent definitions: %zu file%s", seen,
		      seen == 1 ? "" : "s");
	ad_screen_puts(tui->scr, r->row + 1, r->col + 2, r->cols - 4, ad_buf_cstr(&line),
		       AD_SLOT_DEFAULT, AD_CELL_BOLD);
	ad_screen_put(tui->scr, r->row + 2, r->col + 2, r->cols - 4, ad_buf_cstr(&path), path.size,
		      AD_SLOT_DIM, 0);
	ad_screen_puts(tui->scr, r->row + 4, r->col + 2, r->cols - 4, "q quits, ? shows the keys",
		       AD_SLOT_DIM, 0);
	ad_buf_free(&line);
	ad_buf_free(&path);
}

static void draw_view(ad_view *v, ad_screen *scr, ad_rect r, bool focused)
{
	v->rect = r;
	v->ops->draw(v, scr, &r, focused);
}

static double usec_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e6 + (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

void ad_tui_draw(ad_tui *tui)
{
	int rows = ad_screen_rows(tui->scr), cols = ad_screen_cols(tui->scr);
	ad_rect body = { 1, 0, rows - 2, cols };

	ad_screen_clear(tui->scr, AD_SLOT_DEFAULT);
	if (too_small(tui)) {
		draw_too_small(tui);
	} else {
		draw_title(tui);
		if (tui->nstack) {
			draw_view(tui->stack[tui->nstack - 1], tui->scr, body, true);
		} else if (!tui->tree) {
			draw_progress(tui, &body);
		} else {
			int tw = tree_width(cols), y;
			ad_rect left = { body.row, 0, body.rows, tw };
			ad_rect right = { body.row, tw + 1, body.rows, cols - tw - 1 };

			draw_view(tui->tree, tui->scr, left, tui->pane == 0);
			for (y = body.row; y < body.row + body.rows; y++)
				ad_screen_puts(tui->scr, y, tw, 1, "\xe2\x94\x82", AD_SLOT_PANE_BORDER, 0);
			draw_view(tui->text, tui->scr, right, tui->pane == 1);
		}
		draw_status(tui);
	}
	if (tui->timing) {
		struct timespec t1, c1;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
		ad_tui_record_time(tui, usec_between(&tui->t0, &t1), usec_between(&tui->cpu0, &c1));
		tui->timing = false;
	}
}

/* ------------------------------------------------------------ input */

/* Says how a search went, after the focused view's own status (where
 * the cursor is now), which a message otherwise hides. */
static void search_note(ad_tui *tui, ad_view *v, const char *note)
{
	ad_buf st = AD_BUF_INIT;

	if (v->ops->status)
		v->ops->status(v, &st);
	ad_tui_message(tui, AD_SLOT_DEFAULT, "%s%s%s", ad_buf_cstr(&st), st.size ? "  " : "",
		       note);
	ad_buf_free(&st);
}

/* Repeats v's search (v->needle) in direction dir. */
static void do_search(ad_tui *tui, ad_view *v, int dir)
{
	if (!v->ops->search) {
		ad_tui_message(tui, AD_SLOT_WARNING, "this view cannot be searched");
		return;
	}
	switch (v->ops->search(v, v->needle, dir)) {
	case AD_SEARCH_NOT_FOUND:
		ad_tui_message(tui, AD_SLOT_ERROR, "not found: %s", v->needle);
		break;
	case AD_SEARCH_WRAPPED:
		search_note(tui, v, dir < 0 ? "search wrapped to the bottom"
					    : "search wrapped to the top");
		break;
	case AD_SEARCH_ONLY:
		search_note(tui, v, "the only match");
		break;
	case AD_SEARCH_FOUND:
		break;
	}
}

/* Forgets v's search: no highlight, and n is what it is without one. */
static void clear_search(ad_view *v)
{
	free(v->needle);
	v->needle = NULL;
	if (v->ops->search)
		v->ops->search(v, NULL, 1);
}

static void view_action(ad_tui *tui, ad_action a)
{
	ad_view *v = ad_tui_focus(tui);

	if (v && v->ops->action(v, &tui->host, a))
		return;
	/* What the view had no use for. */
	switch (a) {
	case AD_ACTION_CLOSE:
		if (tui->nstack)
			pop_view(tui);
		else if (tui->pane == 1)
			tui->pane = 0;
		else
			tui->quit = true;
		break;
	case AD_ACTION_SWITCH_PANE:
		if (!tui->nstack && tui->tree)
			tui->pane = !tui->pane;
		break;
	case AD_ACTION_ENTER:
		if (!tui->nstack && tui->tree && tui->pane == 0)
			tui->pane = 1;
		break;
	case AD_ACTION_LEFT:
		if (!tui->nstack && tui->pane == 1)
			tui->pane = 0;
		break;
	case AD_ACTION_NEXT_CHANGE:
	case AD_ACTION_PREV_CHANGE:
		ad_tui_message(tui, AD_SLOT_WARNING,
			       "no changes here: mark two variants with m, then press c");
		break;
	case AD_ACTION_MERGE: {
		const ad_doc *const *docs = NULL;
		const char *const *labels = NULL;
		size_t n = v && v->ops->variants ? v->ops->variants(v, &docs, &labels) : 0;

		if (n >= 2)
			ad_merge_view_open(&tui->host, docs, labels, n);
		else
			ad_tui_message(tui, AD_SLOT_WARNING,
				       "nothing to merge here: compare variants (m, c), then M");
		break;
	}
	default:
		break;
	}
}

static void app_action(ad_tui *tui, ad_action a)
{
	switch (a) {
	case AD_ACTION_QUIT:
		tui->quit = true;
		break;
	case AD_ACTION_HELP:
		if (!tui->nstack || strcmp(tui->stack[tui->nstack - 1]->ops->name, "help"))
			push_view(tui, ad_help_view_new(tui->km));
		break;
	case AD_ACTION_REDRAW:
		tui->full_redraw = true;
		break;
	case AD_ACTION_SEARCH:
	case AD_ACTION_SEARCH_BACK:
		tui->prompting = true;
		tui->prompt_dir = a == AD_ACTION_SEARCH ? 1 : -1;
		ad_buf_clear(&tui->prompt);
		break;
	case AD_ACTION_SEARCH_NEXT:
	case AD_ACTION_SEARCH_PREV: {
		/* The focused view's search: one made in another view is not
		 * repeated here. */
		ad_view *v = ad_tui_focus(tui);

		if (v && v->needle)
			do_search(tui, v, a == AD_ACTION_SEARCH_NEXT ? v->search_dir : -v->search_dir);
		else if (a == AD_ACTION_SEARCH_NEXT)
			view_action(tui, AD_ACTION_NEXT_CHANGE);
		else
			ad_tui_message(tui, AD_SLOT_WARNING, "no search yet: / searches");
		break;
	}
	default:
		if (!tui->tree && !tui->nstack) {
			/* Still scanning: only quitting and help make sense. */
			if (a == AD_ACTION_CLOSE)
				tui->quit = true;
			break;
		}
		view_action(tui, a);
		break;
	}
}

/* Hands the answer (NULL: cancelled) to the view that asked; it may ask
 * again. */
static void answer_ask(ad_tui *tui, const char *answer)
{
	ad_view_answer_fn fn = tui->ask_fn;
	void *payload = tui->ask_payload;
	char *copy = answer ? ad_xstrdup(answer) : NULL;

	tui->ask_fn = NULL;
	tui->ask_payload = NULL;
	fn(&tui->host, payload, copy);
	free(copy);
}

static void ask(ad_tui *tui, const char *question, const char *initial, ad_view_answer_fn fn,
		void *payload)
{
	tui->prompting = true;
	tui->ask_fn = fn;
	tui->ask_payload = payload;
	ad_buf_clear(&tui->ask);
	ad_buf_puts(&tui->ask, question);
	ad_buf_clear(&tui->prompt);
	if (initial)
		ad_buf_puts(&tui->prompt, initial);
	ad_keymap_reset(tui->km);
	tui->pending = -1;
}

static void prompt_key(ad_tui *tui, int key)
{
	ad_view *v = ad_tui_focus(tui);
	size_t n;

	switch (key) {
	case AD_KEY_ENTER:
	case '\r':
		tui->prompting = false;
		if (tui->ask_fn) {
			answer_ask(tui, ad_buf_cstr(&tui->prompt));
			return;
		}
		if (!v)
			return;
		/* An empty search repeats this view's last one. */
		if (tui->prompt.size) {
			free(v->needle);
			v->needle = ad_xstrdup(ad_buf_cstr(&tui->prompt));
		}
		v->search_dir = tui->prompt_dir;
		if (v->needle)
			do_search(tui, v, v->search_dir);
		return;
	case AD_KEY_ESC:
	case AD_KEY_CTRL('g'):
		tui->prompting = false;
		if (tui->ask_fn)
			answer_ask(tui, NULL);
		else if (tui->prompt.size == 0 && key == AD_KEY_ESC && v)
			clear_search(v); /* as :noh in vim */
		return;
	case AD_KEY_CTRL('u'):
		ad_buf_clear(&tui->prompt);
		return;
	case AD_KEY_BACKSPACE:
	case AD_KEY_CTRL('h'):
	case 0x7F:
		if (tui->prompt.size == 0) {
			if (tui->ask_fn)
				return; /* a question is answered or cancelled, not erased */
			tui->prompting = false;
			return;
		}
		n = tui->prompt.size - 1;
		while (n > 0 && ((unsigned char)tui->prompt.ptr[n] & 0xC0) == 0x80)
			n--;
		tui->prompt.size = n;
		tui->prompt.ptr[n] = '\0';
		return;
	default:
		if (key < 0x20 || (key >= 0x7F && key < 0xA0) || key >= 0x110000 ||
		    (key >= 0xD800 && key <= 0xDFFF) || tui->prompt.size >= PROMPT_MAX)
			return;
		ad_utf8_put(&tui->prompt, (unsigned)key);
		return;
	}
}

bool ad_tui_key(ad_tui *tui, int key)
{
	ad_action a = AD_ACTION_NONE;
	ad_keymap_result res;

	if (tui->quit)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &tui->t0);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &tui->cpu0);
	tui->timing = true;
	ad_buf_clear(&tui->msg);
	if (tui->prompting) {
		prompt_key(tui, key);
		return !tui->quit;
	}
	res = ad_keymap_feed(tui->km, key, &a);
	if (res == AD_KEYMAP_PENDING) {
		tui->pending = key;
		return true;
	}
	if (res == AD_KEYMAP_NONE) {
		ad_buf name = AD_BUF_INIT;

		if (tui->pending >= 0)
			ad_key_name(&name, tui->pending);
		ad_key_name(&name, key);
		tui->pending = -1;
		ad_tui_message(tui, AD_SLOT_WARNING, "%s is not bound to anything; ? shows the keys",
			       ad_buf_cstr(&name));
		ad_buf_free(&name);
		return true;
	}
	tui->pending = -1;
	if (too_small(tui)) {
		if (a == AD_ACTION_QUIT || a == AD_ACTION_CLOSE)
			tui->quit = true;
		return !tui->quit;
	}
	app_action(tui, a);
	return !tui->quit;
}

static bool in_rect(const ad_rect *r, int row, int col)
{
	return row >= r->row && row < r->row + r->rows && col >= r->col && col < r->col + r->cols;
}

bool ad_tui_mouse(ad_tui *tui, ad_mouse_kind kind, int row, int col)
{
	ad_view *v = NULL;
	ad_mouse ev;

	if (tui->quit)
		return false;
	ad_keymap_reset(tui->km);
	tui->pending = -1;
	ad_buf_clear(&tui->msg);
	if (too_small(tui) || tui->prompting)
		return true;
	if (tui->nstack) {
		v = tui->stack[tui->nstack - 1];
		if (!in_rect(&v->rect, row, col))
			return true;
	} else if (tui->tree) {
		if (in_rect(&tui->tree->rect, row, col))
			v = tui->tree;
		else if (in_rect(&tui->text->rect, row, col))
			v = tui->text;
		else
			return true;
		if (kind == AD_MOUSE_CLICK || kind == AD_MOUSE_DOUBLE_CLICK)
			tui->pane = v == tui->text;
	}
	if (!v || !v->ops->mouse)
		return true;
	ev.kind = kind;
	ev.row = row - v->rect.row;
	ev.col = col - v->rect.col;
	v->ops->mouse(v, &tui->host, &ev);
	return !tui->quit;
}

void ad_tui_resize(ad_tui *tui, int rows, int cols)
{
	ad_screen_resize(tui->scr, rows, cols);
	ad_keymap_reset(tui->km);
	tui->pending = -1;
	tui->full_redraw = true;
}

/* ------------------------------------------------------------ stats */

void ad_tui_record_time(ad_tui *tui, double usec, double cpu_usec)
{
	if (tui->ntimes == tui->captimes) {
		ad_xgrow((void **)&tui->times, &tui->captimes, tui->ntimes + 1, sizeof(double));
		tui->cpu_times = ad_xrealloc(tui->cpu_times, tui->captimes * sizeof(double));
	}
	tui->times[tui->ntimes] = usec;
	tui->cpu_times[tui->ntimes++] = cpu_usec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted values. */
static double percentile(const double *v, size_t n, double p)
{
	size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

void ad_tui_reset_stats(ad_tui *tui)
{
	tui->ntimes = 0;
}

void ad_tui_get_stats(const ad_tui *tui, ad_tui_stats *out)
{
	double *v;
	size_t n = tui->ntimes;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return;
	v = ad_xmalloc(n * sizeof(double));
	memcpy(v, tui->times, n * sizeof(double));
	qsort(v, n, sizeof(double), cmp_double);
	out->count = n;
	out->p50 = percentile(v, n, 50);
	out->p99 = percentile(v, n, 99);
	out->max = v[n - 1];
	memcpy(v, tui->cpu_times, n * sizeof(double));
	qsort(v, n, sizeof(double), cmp_double);
	out->cpu_p50 = percentile(v, n, 50);
	out->cpu_p99 = percentile(v, n, 99);
	free(v);
}

/* ------------------------------------------------------------ curses front end */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

typedef struct {
	bool utf8, color;
	attr_t attrs[AD_SLOT_COUNT];
	ad_screen *shadow; /* what the terminal shows */
} term_state;

/* The nearest of the 8 basic colours to xterm colour c (16-255). */
static short basic_color(int c)
{
	int r, g, b;

	if (c >= 232) {
		return c >= 244 ? COLOR_WHITE : COLOR_BLACK;
	}
	c -= 16;
	r = c / 36 >= 3;
	g = (c / 6) % 6 >= 3;
	b = c % 6 >= 3;
	return (short)(r * COLOR_RED | g * COLOR_GREEN | b * COLOR_BLUE);
}

/* A theme colour for this terminal; *bold is set for a bright colour
 * shown as bold on an 8-colour terminal. */
static short term_color(short c, bool *bold)
{
	if (c < 0)
		return -1;
	if (c < COLORS)
		return c;
	if (c < 16) {
		if (bold)
			*bold = true;
		return (short)(c - 8);
	}
	return basic_color(c);
}

static attr_t style_attrs(unsigned a)
{
	attr_t out = 0;

	if (a & AD_STYLE_BOLD)
		out |= A_BOLD;
	if (a & AD_STYLE_DIM)
		out |= A_DIM;
	if (a & AD_STYLE_UNDERLINE)
		out |= A_UNDERLINE;
	if (a & AD_STYLE_REVERSE)
		out |= A_REVERSE;
#ifdef A_ITALIC
	if (a & AD_STYLE_ITALIC)
		out |= A_ITALIC;
#endif
	return out;
}

static void setup_colors(term_state *ts, const ad_theme *theme, bool no_color)
{
	int s;

	ts->color = !no_color && has_colors() && start_color() == OK;
	if (ts->color)
		use_default_colors();
	for (s = 0; s < AD_SLOT_COUNT; s++) {
		const ad_style *st = &theme->slots[s];
		bool bold = false;

		ts->attrs[s] = style_attrs(st->attrs);
		if (ts->color && s > 0 && s < COLOR_PAIRS) {
			short fg = term_color(st->fg, &bold), bg = term_color(st->bg, NULL);

			init_pair((short)s, fg, bg);
			if (bold)
				ts->attrs[s] |= A_BOLD;
		}
	}
	if (ts->color)
		return;
	/* Without colour, what must stand out gets an attribute even when
	 * the theme gave it none. */
	if (!(ts->attrs[AD_SLOT_CURSOR] & (A_REVERSE | A_BOLD | A_UNDERLINE)))
		ts->attrs[AD_SLOT_CURSOR] |= A_REVERSE;
	if (!(ts->attrs[AD_SLOT_TITLE_BAR] & A_REVERSE))
		ts->attrs[AD_SLOT_TITLE_BAR] |= A_REVERSE;
	if (!(ts->attrs[AD_SLOT_STATUS_BAR] & A_REVERSE))
		ts->attrs[AD_SLOT_STATUS_BAR] |= A_REVERSE;
	if (!(ts->attrs[AD_SLOT_SEARCH_MATCH] & (A_REVERSE | A_UNDERLINE)))
		ts->attrs[AD_SLOT_SEARCH_MATCH] |= A_UNDERLINE;
}

/* What a non-UTF-8 terminal shows for the few characters we draw
 * ourselves; text from files becomes '?'. */
static wchar_t ascii_fallback(uint32_t cp)
{
	switch (cp) {
	case 0x25B8:
		return '>';
	case 0x25BE:
		return 'v';
	case 0x2502:
		return '|';
	case 0x2500:
		return '-';
	case 0x25CF:
		return '*';
	default:
		return cp < 0x7F ? (wchar_t)cp : '?';
	}
}

static void put_cell(term_state *ts, int row, int col, const ad_cell *c)
{
	wchar_t wc[2] = { (wchar_t)c->cp, 0 };
	attr_t a = ts->attrs[c->slot < AD_SLOT_COUNT ? c->slot : 0];
	short pair = ts->color && c->slot < COLOR_PAIRS ? (short)c->slot : 0;
	cchar_t cc;

	if (c->attrs & AD_CELL_BOLD)
		a |= A_BOLD;
	if (c->attrs & AD_CELL_REVERSE)
		a ^= A_REVERSE;
	if (c->attrs & AD_CELL_UNDERLINE)
		a |= A_UNDERLINE;
	if (c->width == 0)
		wc[0] = ' '; /* the right half of a wide character, on a non-UTF-8 terminal */
	else if (!ts->utf8)
		wc[0] = ascii_fallback(c->cp);
	setcchar(&cc, wc, a, pair, NULL);
	mvadd_wch(row, col, &cc);
}

static bool same_cell(const ad_cell *a, const ad_cell *b)
{
	return a->cp == b->cp && a->width == b->width && a->slot == b->slot && a->attrs == b->attrs;
}

/* Copies the rows that changed to curses and shows them. */
static void flush(ad_tui *tui, term_state *ts)
{
	const ad_screen *scr = tui->scr;
	int rows = ad_screen_rows(scr), cols = ad_screen_cols(scr), r, c;

	if (tui->full_redraw || ad_screen_rows(ts->shadow) != rows ||
	    ad_screen_cols(ts->shadow) != cols) {
		ad_screen_resize(ts->shadow, rows, cols);
		/* Attributes no screen holds, so that every cell differs. */
		for (r = 0; r < rows; r++)
			ad_screen_paint(ts->shadow, r, 0, cols, AD_SLOT_COUNT - 1, 0xFF);
		clearok(curscr, TRUE);
		tui->full_redraw = false;
	}
	for (r = 0; r < rows; r++) {
		int first = -1, last = -1;

		for (c = 0; c < cols; c++) {
			if (!same_cell(ad_screen_cell(scr, r, c), ad_screen_cell(ts->shadow, r, c))) {
				if (first < 0)
					first = c;
				last = c;
			}
		}
		if (first < 0)
			continue;
		/* Whole characters: start on the left half of a wide one. */
		while (first > 0 && ad_screen_cell(scr, r, first)->width == 0)
			first--;
		for (c = first; c <= last || (c < cols && ad_screen_cell(scr, r, c)->width == 0); c++) {
			const ad_cell *cell = ad_screen_cell(scr, r, c);

			if (cell->width == 0 && ts->utf8)
				continue;
			put_cell(ts, r, c, cell);
		}
	}
	ad_screen_copy(ts->shadow, scr);
	wnoutrefresh(stdscr);
	doupdate();
}

static int map_key(int rc, wint_t ch)
{
	if (rc == KEY_CODE_YES) {
		switch (ch) {
		case KEY_UP: return AD_KEY_UP;
		case KEY_DOWN: return AD_KEY_DOWN;
		case KEY_LEFT: return AD_KEY_LEFT;
		case KEY_RIGHT: return AD_KEY_RIGHT;
		case KEY_HOME: return AD_KEY_HOME;
		case KEY_END: return AD_KEY_END;
		case KEY_PPAGE: return AD_KEY_PGUP;
		case KEY_NPAGE: return AD_KEY_PGDN;
		case KEY_BACKSPACE: return AD_KEY_BACKSPACE;
		case KEY_DC: return AD_KEY_DELETE;
		case KEY_ENTER: return AD_KEY_ENTER;
		case KEY_RESIZE: return AD_KEY_RESIZE;
		case KEY_MOUSE: return AD_KEY_MOUSE;
		default:
			if (ch >= (wint_t)KEY_F(1) && ch <= (wint_t)KEY_F(12))
				return AD_KEY_F1 + (int)(ch - KEY_F(1));
			return -1;
		}
	}
	if (ch == '\r')
		return AD_KEY_ENTER;
	if (ch == 0x7F)
		return AD_KEY_BACKSPACE;
	return (int)ch;
}

static void handle_mouse(ad_tui *tui)
{
	MEVENT me;

	while (getmouse(&me) == OK) {
		if (me.bstate & BUTTON1_DOUBLE_CLICKED)
			ad_tui_mouse(tui, AD_MOUSE_DOUBLE_CLICK, me.y, me.x);
		else if (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
			ad_tui_mouse(tui, AD_MOUSE_CLICK, me.y, me.x);
		else if (me.bstate & BUTTON4_PRESSED)
			ad_tui_mouse(tui, AD_MOUSE_WHEEL_UP, me.y, me.x);
#ifdef BUTTON5_PRESSED
		else if (me.bstate & BUTTON5_PRESSED)
			ad_tui_mouse(tui, AD_MOUSE_WHEEL_DOWN, me.y, me.x);
#endif
		else
			continue;
		break;
	}
}

int ad_tui_run_terminal(ad_tui *tui, const ad_theme *mono_theme, bool no_color,
			ad_error *err)
{
	term_state ts = { 0 };
	SCREEN *sp;
	struct sigaction sa, old_int, old_term, old_hup;
	const char *cup;
	int rows, cols;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0, "not a terminal");
	ts.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (!getenv("ESCDELAY"))
		setenv("ESCDELAY", "25", 0);
	sp = newterm(NULL, stdout, stdin);
	if (!sp)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0, "cannot use the terminal '%s'",
				    getenv("TERM") ? getenv("TERM") : "");
	cup = tigetstr("cup");
	if (!cup || cup == (char *)-1) {
		endwin();
		delscreen(sp);
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0,
				    "the terminal '%s' cannot move the cursor",
				    getenv("TERM") ? getenv("TERM") : "");
	}
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
		  | BUTTON5_PRESSED
#endif
		  , NULL);
	if (!no_color && !has_colors() && mono_theme)
		tui->theme = *mono_theme;
	setup_colors(&ts, &tui->theme, no_color);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	getmaxyx(stdscr, rows, cols);
	ad_tui_resize(tui, rows, cols);
	ts.shadow = ad_screen_new(rows, cols);
	tui->on_terminal = true;
	ad_tui_draw(tui);
	flush(tui, &ts);
	while (!tui->quit && !got_signal) {
		wint_t ch;
		int rc, key;

		timeout(ad_tui_scanning(tui) ? 50 : -1);
		rc = wget_wch(stdscr, &ch);
		if (rc == ERR) {
			if (ad_tui_poll(tui)) {
				ad_tui_draw(tui);
				flush(tui, &ts);
			}
			continue;
		}
		key = map_key(rc, ch);
		if (key == AD_KEY_RESIZE) {
			getmaxyx(stdscr, rows, cols);
			ad_tui_resize(tui, rows, cols);
		} else if (key == AD_KEY_MOUSE) {
			handle_mouse(tui);
		} else if (key >= 0) {
			ad_tui_key(tui, key);
		}
		ad_tui_poll(tui);
		ad_tui_draw(tui);
		flush(tui, &ts);
	}
	tui->on_terminal = false;
	endwin();
	delscreen(sp);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	ad_screen_free(ts.shadow);
	return 0;
}

/* Above the curses front end's loop, but it is the one other place that
 * suspends curses: the editor gets the terminal as the shell left it. */
static int edit_file(ad_tui *tui, const char *path, ad_error *err)
{
	const char *cmd = ad_editor_command(!tui->on_terminal);
	int rc;

	if (!cmd)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0,
				    "no editor without a terminal: set AD_EDITOR");
	if (tui->on_terminal) {
		def_prog_mode();
		endwin();
	}
	rc = ad_editor_run(cmd, path, !tui->on_terminal, err);
	if (tui->on_terminal) {
		reset_prog_mode();
		curs_set(0);
		refresh();
		tui->full_redraw = true;
	}
	return rc;
}

/* ------------------------------------------------------------ the views' host */

static void host_push(ad_view_host *h, ad_view *view)
{
	push_view((ad_tui *)h, view);
}

static void host_message(ad_view_host *h, ad_slot slot, const char *msg)
{
	ad_tui_message((ad_tui *)h, slot, "%s", msg);
}

static void host_ask(ad_view_host *h, const char *question, const char *initial,
		     ad_view_answer_fn fn, void *payload)
{
	ask((ad_tui *)h, question, initial, fn, payload);
}

/* The text goes to the editor in a file of its own, and comes back. */
static int host_edit_text(ad_view_host *h, const char *text, size_t len, const char *suffix,
			  ad_buf *out, ad_error *err)
{
	char *path = NULL, *data = NULL;
	size_t n = 0;
	int rc;

	if ((rc = ad_editor_tempfile(&path, text, len, suffix, err)) < 0 ||
	    (rc = edit_file((ad_tui *)h, path, err)) < 0 ||
	    (rc = ad_read_file(&data, &n, path, AD_DOC_MAX_SIZE, err)) < 0)
		goto done;
	ad_buf_clear(out);
	ad_buf_put(out, data, n);
done:
	if (path) {
		unlink(path);
		free(path);
	}
	free(data);
	return rc;
}

static const ad_vsource *host_source_of(ad_view_host *h, const ad_doc *doc)
{
	return ad_tui_source_of((ad_tui *)h, doc);
}

static const char *host_output(ad_view_host *h)
{
	return ad_tui_output((ad_tui *)h);
}

static const ad_view_host_ops host_ops = {
	.push = host_push,
	.message = host_message,
	.ask = host_ask,
	.edit_text = host_edit_text,
	.source_of = host_source_of,
	.output = host_output,
};

ad_view_host *ad_tui_host(ad_tui *tui)
{
	return &tui->host;
}
