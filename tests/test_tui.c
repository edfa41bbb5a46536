/*
 * test_tui: the app, the tree, text and help views, and the scripted mode,
 * without a terminal.  The screens themselves are golden-tested by
 * tests/tui.sh; here are the rules behind them.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "help.h"
#include "keymap.h"
#include "textview.h"
#include "tree.h"
#include "tui.h"
#include "workspace.h"

#include "testutil.h"

/* ------------------------------------------------------------ helpers */

/* Paths are relative to the source tree (main() goes there), so that
 * what the screens show does not depend on where it is. */
static char *srcpath(const char *rel)
{
	return ad_xstrdup(rel);
}

static bool screen_has_quiet(const ad_screen *scr, const char *what)
{
	char *text = tu_screen_dump(scr, false);
	bool found = strstr(text, what) != NULL;

	free(text);
	return found;
}

static bool screen_has(const ad_screen *scr, const char *what)
{
	char *text = tu_screen_dump(scr, false);
	bool found = strstr(text, what) != NULL;

	if (!found)
		fprintf(stderr, "--- %s not on the screen:\n%s", what, text);
	free(text);
	return found;
}

static ad_tui *examples_tui(int rows, int cols)
{
	ad_tui_options opts = AD_TUI_OPTIONS_INIT;
	char *path = srcpath("examples");
	const char *paths[1];
	ad_tui *tui;

	paths[0] = path;
	opts.paths = paths;
	opts.npaths = 1;
	opts.rows = rows;
	opts.cols = cols;
	tui = ad_tui_new(&opts);
	assert_int_equal(ad_tui_scan(tui, true, NULL), 0);
	assert_false(ad_tui_scanning(tui));
	ad_tui_draw(tui);
	free(path);
	return tui;
}

static void keys(ad_tui *tui, const char *names)
{
	char *copy = ad_xstrdup(names), *save = NULL, *w;
	int k[2], n, i;

	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		n = ad_key_parse(w, k, NULL);
		assert_true(n > 0);
		/* A redraw after each key, as the front ends do. */
		for (i = 0; i < n; i++) {
			ad_tui_key(tui, k[i]);
			ad_tui_draw(tui);
		}
	}
	free(copy);
}

static void type(ad_tui *tui, const char *s)
{
	for (; *s; s++)
		ad_tui_key(tui, (unsigned char)*s);
	ad_tui_draw(tui);
}

/* Text between the lines holding begin and end in a file. */
static char *between(const char *path, const char *begin, const char *end)
{
	char *data = NULL, *b, *e, *out;
	size_t len;

	if (ad_read_file(&data, &len, path, 1 << 20, NULL) < 0)
		return NULL;
	b = strstr(data, begin);
	e = b ? strstr(b, end) : NULL;
	if (!b || !e) {
		free(data);
		return NULL;
	}
	b = strchr(b, '\n') + 1;
	while (e > b && e[-1] != '\n')
		e--;
	out = ad_xstrndup(b, (size_t)(e - b));
	free(data);
	return out;
}

/* ------------------------------------------------------------ help */

/* The key lists of the man page and the README are exactly what
 * AD_ACTIONS says: the same table that binds the keys. */
static void check_doc(const char *rel, const char *begin, const char *end,
		      void (*gen)(ad_buf *))
{
	char *path = srcpath(rel), *have = between(path, begin, end);
	ad_buf want = AD_BUF_INIT;

	gen(&want);
	if (!have || strcmp(have, ad_buf_cstr(&want))) {
		fprintf(stderr, "%s: the key list between '%s' and '%s' should read:\n%s", rel,
			begin, end, ad_buf_cstr(&want));
		fail();
	}
	free(have);
	free(path);
	ad_buf_free(&want);
}

static void test_man_keys_match_actions(void **state)
{
	(void)state;
	check_doc("man/agentdiff.1", ".\\\" BEGIN KEYS", ".\\\" END KEYS", ad_help_keys_man);
}

static void test_readme_keys_match_actions(void **state)
{
	(void)state;
	check_doc("README.md", "<!-- BEGIN KEYS", "<!-- END KEYS", ad_help_keys_markdown);
}

static void test_help_lists_every_action(void **state)
{
	ad_keymap *km = ad_keymap_new();
	ad_view *help;
	ad_screen *scr = ad_screen_new(200, 100);
	ad_rect r = { 0, 0, 200, 100 };
	int a;

	(void)state;
	/* A rebound key shows as bound: the help is made from the keymap. */
	assert_int_equal(ad_keymap_bind(km, "x", AD_ACTION_QUIT, NULL), 0);
	help = ad_help_view_new(km);
	assert_string_equal(help->ops->name, "help");
	help->ops->draw(help, scr, &r, true);
	for (a = AD_ACTION_NONE + 1; a < AD_ACTION_COUNT; a++)
		assert_true(screen_has(scr, ad_action_help((ad_action)a)));
	assert_true(screen_has(scr, "Q, x "));
	assert_true(screen_has(scr, "Searching"));
	/* Searchable, by description and by key. */
	assert_true(help->ops->search(help, "unchanged", 1));
	assert_true(help->ops->search(help, "zM", 1));
	assert_false(help->ops->search(help, "no such action", 1));
	help->ops->free(help);
	ad_keymap_free(km);
	ad_screen_free(scr);
}

/* ------------------------------------------------------------ text view */

static const char text_doc[] =
	"---\nname: t\n---\n\n# One\n\nalpha beta\n\n## Two\n\nGamma delta alpha\n";

static void test_text_view_span_and_notes(void **state)
{
	ad_doc *doc = NULL;
	ad_view *v = ad_text_view_new("text");
	ad_text_note notes[] = {
		{ .label_slot = AD_SLOT_ERROR, .label = "error", .slot = AD_SLOT_DEFAULT, .text = "3:1: bad" },
	};
	ad_screen *scr = ad_screen_new(10, 40);
	ad_rect r = { 1, 2, 8, 30 };
	int c;

	(void)state;
	assert_int_equal(ad_doc_parse(&doc, "t.md", text_doc, strlen(text_doc), NULL, NULL), 0);
	/* Lines 5-8: the section "# One" up to "## Two". */
	ad_text_view_set(v, "t.md > # One", notes, 1, doc, ad_doc_line_start(doc, 5),
			 ad_doc_line_start(doc, 9));
	assert_int_equal(ad_text_view_rows(v), 1 + 4);
	ad_screen_fill(scr, 0, 0, 40, '#', AD_SLOT_DEFAULT);
	ad_screen_fill(scr, 9, 0, 40, '#', AD_SLOT_DEFAULT);
	v->ops->draw(v, scr, &r, true);
	tu_assert_screen_row(scr, 1, "   t.md > # One");
	tu_assert_screen_row(scr, 2, "  error  3:1: bad");
	tu_assert_screen_row(scr, 3, "  5 # One");
	tu_assert_screen_row(scr, 5, "  7 alpha beta");
	/* Nothing drawn outside the rectangle. */
	for (c = 0; c < 40; c++) {
		assert_int_equal(ad_screen_cell(scr, 0, c)->cp, '#');
		assert_int_equal(ad_screen_cell(scr, 9, c)->cp, '#');
	}
	/* The cursor row is painted when focused. */
	assert_int_equal(ad_screen_cell(scr, 2, 2)->slot, AD_SLOT_CURSOR);

	/* Search: forward from the cursor, wrapping, case-insensitive. */
	assert_true(v->ops->search(v, "ALPHA", 1));
	assert_int_equal(ad_text_view_cursor(v), 3);
	assert_true(v->ops->search(v, "alpha", 1));
	assert_int_equal(ad_text_view_cursor(v), 3); /* the only match: wraps to itself */
	assert_true(v->ops->search(v, "bad", -1));
	assert_int_equal(ad_text_view_cursor(v), 0);
	assert_false(v->ops->search(v, "delta", 1)); /* outside the span */
	v->ops->draw(v, scr, &r, true);
	assert_true(v->ops->action(v, NULL, AD_ACTION_LAST));
	assert_int_equal(ad_text_view_cursor(v), 4);
	assert_true(v->ops->action(v, NULL, AD_ACTION_FIRST));
	assert_int_equal(ad_text_view_cursor(v), 0);
	assert_false(v->ops->action(v, NULL, AD_ACTION_COMPARE));
	v->ops->free(v);
	ad_doc_free(doc);
	ad_screen_free(scr);
}

static void test_text_view_wrap_and_cut(void **state)
{
	static const char longline[] = "one two three four five six seven eight nine ten\n";
	ad_doc *doc = NULL;
	ad_view *v = ad_text_view_new("text");
	ad_screen *scr = ad_screen_new(8, 20);
	ad_rect r = { 0, 0, 8, 20 };

	(void)state;
	assert_int_equal(ad_doc_parse(&doc, "t.md", longline, strlen(longline), NULL, NULL), 0);
	ad_text_view_set(v, "t", NULL, 0, doc, 0, ad_doc_size(doc));
	v->ops->draw(v, scr, &r, false);
	/* Wrapped at word boundaries, the next row without the blank. */
	tu_assert_screen_row(scr, 1, "1 one two three four");
	tu_assert_screen_row(scr, 2, "  five six seven");
	/* Cut, then scrolled sideways by 8 columns. */
	assert_true(v->ops->action(v, NULL, AD_ACTION_WRAP));
	ad_screen_clear(scr, AD_SLOT_DEFAULT);
	v->ops->draw(v, scr, &r, false);
	tu_assert_screen_row(scr, 1, "1 one two three four");
	tu_assert_screen_row(scr, 2, "");
	assert_true(v->ops->action(v, NULL, AD_ACTION_RIGHT));
	ad_screen_clear(scr, AD_SLOT_DEFAULT);
	v->ops->draw(v, scr, &r, false);
	tu_assert_screen_row(scr, 1, "1 three four five si");
	assert_true(v->ops->action(v, NULL, AD_ACTION_LEFT));
	/* Wrapped, left and right are not the view's. */
	assert_true(v->ops->action(v, NULL, AD_ACTION_WRAP));
	assert_false(v->ops->action(v, NULL, AD_ACTION_LEFT));
	v->ops->free(v);
	ad_doc_free(doc);
	ad_screen_free(scr);
}

/* ------------------------------------------------------------ tree */

typedef struct {
	ad_workspace *ws;
	ad_view *text, *tree;
	ad_screen *scr;
	ad_rect r;
} tree_fx;

static int tree_setup(void **state)
{
	tree_fx *fx = ad_xcalloc(1, sizeof(*fx));
	char *path = srcpath("examples");
	const char *paths[1];

	paths[0] = path;
	if (ad_ws_scan(&fx->ws, paths, 1, NULL, NULL) < 0) {
		free(path);
		free(fx);
		return -1;
	}
	free(path);
	fx->text = ad_text_view_new("text");
	fx->tree = ad_tree_view_new(fx->ws, fx->text);
	ad_tree_show_selection(fx->tree, NULL);
	fx->scr = ad_screen_new(40, 60);
	fx->r = (ad_rect){ 0, 0, 40, 60 };
	*state = fx;
	return 0;
}

static int tree_teardown(void **state)
{
	tree_fx *fx = *state;

	fx->tree->ops->free(fx->tree);
	fx->text->ops->free(fx->text);
	ad_ws_free(fx->ws);
	ad_screen_free(fx->scr);
	free(fx);
	return 0;
}

static void draw_tree(tree_fx *fx)
{
	ad_screen_clear(fx->scr, AD_SLOT_DEFAULT);
	fx->tree->ops->draw(fx->tree, fx->scr, &fx->r, true);
}

static void test_tree_folds_with_counts(void **state)
{
	tree_fx *fx = *state;

	draw_tree(fx);
	tu_assert_screen_row(fx->scr, 1, "\xe2\x96\xbe code-reviewer  4 variants");
	tu_assert_screen_row(fx->scr, 2, "  \xe2\x96\xb8 community.md  8 sections");
	/* Open the variant: its frontmatter, then its sections. */
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MOVE_DOWN));
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_RIGHT));
	draw_tree(fx);
	tu_assert_screen_row(fx->scr, 3, "    \xe2\x96\xb8 frontmatter  4 fields");
	tu_assert_screen_row(fx->scr, 4, "    \xe2\x96\xbe # Code Reviewer  7");
	tu_assert_screen_row(fx->scr, 5, "        ## Scope");
	/* h on a child goes to its parent; on an open item folds it. */
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MOVE_DOWN));
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MOVE_DOWN));
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MOVE_DOWN));
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_LEFT));
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_LEFT));
	draw_tree(fx);
	tu_assert_screen_row(fx->scr, 4, "    \xe2\x96\xb8 # Code Reviewer  7");
	/* zM folds everything, zR unfolds everything. */
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_FOLD_ALL));
	draw_tree(fx);
	tu_assert_screen_row(fx->scr, 2, "\xe2\x96\xb8 release-manager  3 variants");
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_UNFOLD_ALL));
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_LAST));
	draw_tree(fx);
	assert_true(screen_has(fx->scr, "examples/README.md"));
	assert_false(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_NEXT_CHANGE));
}

static void test_tree_selection_shows_text(void **state)
{
	tree_fx *fx = *state;
	ad_rect tr = { 0, 0, 40, 60 };

	/* The agent: a summary of its variants. */
	fx->text->ops->draw(fx->text, fx->scr, &tr, false);
	assert_true(screen_has(fx->scr, "code-reviewer: 4 variants"));
	assert_true(screen_has(fx->scr, "8 sections, 3548 bytes"));
	/* A variant: its whole file, from line 1. */
	fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MOVE_DOWN);
	ad_screen_clear(fx->scr, AD_SLOT_DEFAULT);
	fx->text->ops->draw(fx->text, fx->scr, &tr, false);
	assert_true(screen_has(fx->scr, " examples/code-reviewer/community.md\n"));
	assert_true(screen_has(fx->scr, " 1 ---"));
	/* A section: its own lines. */
	fx->tree->ops->action(fx->tree, NULL, AD_ACTION_RIGHT);
	fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MOVE_DOWN);
	fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MOVE_DOWN);
	fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MOVE_DOWN);
	ad_screen_clear(fx->scr, AD_SLOT_DEFAULT);
	fx->text->ops->draw(fx->text, fx->scr, &tr, false);
	assert_true(screen_has(fx->scr, "community.md > ## Scope"));
	assert_true(screen_has(fx->scr, "15 ## Scope"));
	assert_false(screen_has_quiet(fx->scr, " 1 ---"));
}

/* The first screen row holding s; fails the test if none. */
static int row_with(const ad_screen *scr, const char *s)
{
	char buf[1024];
	int r;

	for (r = 0; r < ad_screen_rows(scr); r++)
		if (strstr(tu_screen_row(scr, r, buf, sizeof(buf)), s))
			return r;
	fail_msg("no row holds '%s'", s);
	return -1;
}

static void test_tree_marks_and_search(void **state)
{
	tree_fx *fx = *state;

	/* Only variants are marked. */
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MARK));
	assert_int_equal(ad_tree_marked_count(fx->tree), 0);
	fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MOVE_DOWN);
	fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MARK);
	fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MOVE_DOWN);
	fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MARK);
	assert_int_equal(ad_tree_marked_count(fx->tree), 2);
	draw_tree(fx);
	assert_true(screen_has(fx->scr, " \xe2\x97\x8f\xe2\x96\xb8 strict.md"));
	assert_true(screen_has(fx->scr, "(2 marked)"));
	fx->tree->ops->action(fx->tree, NULL, AD_ACTION_MARK);
	assert_int_equal(ad_tree_marked_count(fx->tree), 1);
	assert_int_equal(ad_tree_variant_count(fx->tree), 7);
	/* Compare with no app to open a view in: nothing happens. */
	assert_true(fx->tree->ops->action(fx->tree, NULL, AD_ACTION_COMPARE));

	/* Search the labels, forward and back, wrapping. */
	assert_true(fx->tree->ops->search(fx->tree, "V2", 1));
	draw_tree(fx);
	assert_int_equal(ad_screen_cell(fx->scr, 9, 4)->slot, AD_SLOT_SEARCH_MATCH);
	assert_int_equal(ad_screen_cell(fx->scr, 9, 0)->slot, AD_SLOT_CURSOR);
	/* Back from v2.md, the search goes through the items folded inside
	 * v1.md too, and unfolds it to show the match. */
	assert_int_equal(fx->tree->ops->search(fx->tree, "release", -1), AD_SEARCH_FOUND);
	draw_tree(fx);
	assert_int_equal(ad_screen_cell(fx->scr, row_with(fx->scr, "Release Notes"), 0)->slot,
			 AD_SLOT_CURSOR);
	assert_true(screen_has(fx->scr, "\xe2\x96\xbe v1.md"));
	assert_false(fx->tree->ops->search(fx->tree, "zzz", 1));
	/* From the last match forward, the search wraps to the top. */
	assert_int_equal(fx->tree->ops->search(fx->tree, "code-reviewer", 1), AD_SEARCH_WRAPPED);
	draw_tree(fx);
	assert_int_equal(ad_screen_cell(fx->scr, 1, 0)->slot, AD_SLOT_CURSOR);
	/* Found once, then again from itself: the only match. */
	assert_int_equal(fx->tree->ops->search(fx->tree, "skipped files", 1), AD_SEARCH_FOUND);
	assert_int_equal(fx->tree->ops->search(fx->tree, "skipped files", 1), AD_SEARCH_ONLY);
	assert_int_equal(fx->tree->ops->search(fx->tree, "skipped files", -1), AD_SEARCH_ONLY);
}

static void test_tree_mouse(void **state)
{
	tree_fx *fx = *state;
	ad_mouse click = { AD_MOUSE_CLICK, 3, 20 };
	ad_mouse marker = { AD_MOUSE_CLICK, 3, 2 };
	ad_mouse wheel = { AD_MOUSE_WHEEL_DOWN, 5, 5 };

	draw_tree(fx);
	assert_true(fx->tree->ops->mouse(fx->tree, NULL, &click));
	draw_tree(fx);
	assert_int_equal(ad_screen_cell(fx->scr, 3, 0)->slot, AD_SLOT_CURSOR);
	assert_true(screen_has(fx->scr, "\xe2\x96\xb8 strict.md"));
	/* On the fold marker: unfolds. */
	assert_true(fx->tree->ops->mouse(fx->tree, NULL, &marker));
	draw_tree(fx);
	assert_true(screen_has(fx->scr, "\xe2\x96\xbe strict.md"));
	assert_true(fx->tree->ops->mouse(fx->tree, NULL, &wheel));
}

/* ------------------------------------------------------------ the app */

static void test_app_focus_and_close(void **state)
{
	ad_tui *tui = examples_tui(24, 80);

	(void)state;
	assert_string_equal(ad_tui_focus(tui)->ops->name, "tree");
	keys(tui, "j Enter");
	assert_string_equal(ad_tui_focus(tui)->ops->name, "text");
	keys(tui, "Tab");
	assert_string_equal(ad_tui_focus(tui)->ops->name, "tree");
	keys(tui, "Tab q");
	assert_string_equal(ad_tui_focus(tui)->ops->name, "tree");
	keys(tui, "?");
	assert_string_equal(ad_tui_focus(tui)->ops->name, "help");
	assert_true(screen_has(ad_tui_screen(tui), "[help]"));
	keys(tui, "? Esc");
	assert_string_equal(ad_tui_focus(tui)->ops->name, "tree");
	assert_false(ad_tui_quit_requested(tui));
	keys(tui, "q");
	assert_true(ad_tui_quit_requested(tui));
	assert_false(ad_tui_key(tui, 'j'));
	ad_tui_free(tui);
}

static void test_app_sequences_and_unbound(void **state)
{
	ad_tui *tui = examples_tui(24, 80);
	char row[512];

	(void)state;
	/* The first key of a sequence waits, and says so. */
	ad_tui_key(tui, 'z');
	ad_tui_draw(tui);
	assert_non_null(strstr(tu_screen_row(ad_tui_screen(tui), 23, row, sizeof(row)), "z-"));
	ad_tui_key(tui, 'M');
	ad_tui_draw(tui);
	assert_true(screen_has(ad_tui_screen(tui), "\xe2\x96\xb8 code-reviewer"));
	/* A key bound to nothing is named on the status bar. */
	keys(tui, "C-x");
	assert_true(screen_has(ad_tui_screen(tui), "C-x is not bound to anything"));
	/* ...until the next key. */
	keys(tui, "j");
	assert_null(strstr(tu_screen_row(ad_tui_screen(tui), 23, row, sizeof(row)), "not bound"));
	ad_tui_free(tui);
}

static void test_app_search_prompt(void **state)
{
	ad_tui *tui = examples_tui(24, 80);
	char row[512];

	(void)state;
	keys(tui, "/");
	type(tui, "v");
	/* Backspace removes a whole character, é being two bytes. */
	ad_tui_key(tui, 0xE9);
	ad_tui_key(tui, AD_KEY_BACKSPACE);
	type(tui, "2");
	tu_assert_screen_row(ad_tui_screen(tui), 23, "/v2");
	keys(tui, "Enter");
	assert_non_null(strstr(tu_screen_row(ad_tui_screen(tui), 23, row, sizeof(row)), " 9/10 "));
	/* N goes the other way; with one match it stays. */
	keys(tui, "N");
	assert_true(screen_has(ad_tui_screen(tui), " 9/10 "));
	keys(tui, "/");
	type(tui, "nowhere");
	keys(tui, "Enter");
	assert_true(screen_has(ad_tui_screen(tui), "not found: nowhere"));
	/* Esc cancels the prompt and keeps the last search. */
	keys(tui, "/");
	type(tui, "abc");
	keys(tui, "Esc");
	assert_null(strstr(tu_screen_row(ad_tui_screen(tui), 23, row, sizeof(row)), "abc"));
	ad_tui_free(tui);
}

static void test_app_too_small(void **state)
{
	ad_tui *tui = examples_tui(24, 80);

	(void)state;
	ad_tui_resize(tui, AD_TUI_MIN_ROWS - 1, 80);
	ad_tui_draw(tui);
	assert_true(screen_has(ad_tui_screen(tui), "terminal too small"));
	/* Keys wait, except quitting. */
	keys(tui, "j j ?");
	ad_tui_resize(tui, 24, 80);
	ad_tui_draw(tui);
	assert_string_equal(ad_tui_focus(tui)->ops->name, "tree");
	assert_true(screen_has(ad_tui_screen(tui), " 1/10 "));
	ad_tui_resize(tui, 24, AD_TUI_MIN_COLS - 1);
	ad_tui_draw(tui);
	assert_true(screen_has(ad_tui_screen(tui), "need 40x10, have 39x24"));
	keys(tui, "q");
	assert_true(ad_tui_quit_requested(tui));
	ad_tui_free(tui);
}

static void test_app_stats_count_keys(void **state)
{
	ad_tui *tui = examples_tui(24, 80);
	ad_tui_stats st;

	(void)state;
	ad_tui_get_stats(tui, &st);
	assert_int_equal(st.count, 0);
	keys(tui, "j j k ]c");
	ad_tui_get_stats(tui, &st);
	/* ]c is two keys. */
	assert_int_equal(st.count, 5);
	assert_true(st.p50 <= st.p99);
	assert_true(st.p99 <= st.max);
	assert_true(st.p50 >= 0);
	ad_tui_free(tui);
}

static void test_app_missing_path(void **state)
{
	ad_tui_options opts = AD_TUI_OPTIONS_INIT;
	const char *paths[] = { "no/such/folder" };
	ad_tui *tui;

	(void)state;
	opts.paths = paths;
	opts.npaths = 1;
	tui = ad_tui_new(&opts);
	assert_int_equal(ad_tui_scan(tui, true, NULL), 0);
	ad_tui_draw(tui);
	/* The scan's error is on the status bar; the tree is empty. */
	assert_true(screen_has(ad_tui_screen(tui), "no/such/folder: No such file or directory"));
	assert_true(screen_has(ad_tui_screen(tui), "no agent definitions found"));
	ad_tui_free(tui);
}

/* The scan runs in a thread: keys work meanwhile, progress is drawn, and
 * the tree appears when it ends. */
static void test_app_scans_in_background(void **state)
{
	ad_tui_options opts = AD_TUI_OPTIONS_INIT;
	const char *paths[] = { "examples", "tests/fixtures", "tests" };
	ad_tui *tui;
	struct timespec ms = { 0, 1000000 };
	int waited = 0;

	(void)state;
	opts.paths = paths;
	opts.npaths = 3;
	tui = ad_tui_new(&opts);
	assert_int_equal(ad_tui_scan(tui, false, NULL), 0);
	ad_tui_draw(tui);
	if (ad_tui_scanning(tui))
		assert_true(screen_has(ad_tui_screen(tui), "Scanning for agent definitions"));
	keys(tui, "?");
	assert_string_equal(ad_tui_focus(tui)->ops->name, "help");
	keys(tui, "q");
	assert_false(ad_tui_quit_requested(tui));
	while (ad_tui_scanning(tui) && waited++ < 60000) {
		ad_tui_poll(tui);
		nanosleep(&ms, NULL);
	}
	assert_false(ad_tui_scanning(tui));
	ad_tui_draw(tui);
	assert_string_equal(ad_tui_focus(tui)->ops->name, "tree");
	assert_true(screen_has(ad_tui_screen(tui), "code-reviewer"));
	assert_int_equal(ad_tui_scan(tui, false, NULL), AD_EINVALID);
	ad_tui_free(tui);
}

static void test_script_errors_name_the_line(void **state)
{
	ad_tui *tui = examples_tui(24, 80);
	ad_buf out = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	static const char script[] = "# comment\n\nkey j\ndump\nkey Bogus\ndump\n";
	static const char bad_number[] = "click 3 x\n";
	static const char esc[] = "key j\n\033[2J\n";

	(void)state;
	assert_int_equal(ad_tui_run_script(tui, "s.txt", script, strlen(script), &out, &err),
			 AD_EUSAGE);
	assert_string_equal(err.path, "s.txt");
	assert_int_equal(err.line, 5);
	/* What ran before the bad line was done. */
	assert_non_null(strstr(ad_buf_cstr(&out), "-- screen at line 4 (80x24) --\n"));
	assert_null(strstr(ad_buf_cstr(&out), "line 6"));
	ad_error_clear(&err);
	assert_int_equal(ad_tui_run_script(tui, "s.txt", bad_number, strlen(bad_number), &out, &err),
			 AD_EUSAGE);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.message, "'x' is not a number"));
	ad_error_clear(&err);
	/* A hostile line is quoted harmlessly. */
	assert_int_equal(ad_tui_run_script(tui, "s.txt", esc, strlen(esc), &out, &err), AD_EUSAGE);
	assert_int_equal(err.line, 2);
	assert_null(strchr(err.message, '\033'));
	assert_non_null(strstr(err.message, "^["));
	ad_error_clear(&err);
	ad_buf_free(&out);
	ad_tui_free(tui);
}

static void test_script_quit_stops(void **state)
{
	ad_tui *tui = examples_tui(24, 80);
	ad_buf out = AD_BUF_INIT;
	static const char script[] = "key q\ndump\nkey Bogus\n";

	(void)state;
	assert_int_equal(ad_tui_run_script(tui, "s", script, strlen(script), &out, NULL), 0);
	assert_string_equal(ad_buf_cstr(&out), "-- quit at line 1 --\n");
	ad_buf_free(&out);
	ad_tui_free(tui);
}

#define T(f) cmocka_unit_test(f)
#define TT(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)

int main(void)
{
	const char *src = getenv("AD_SRCDIR");

	if (src && chdir(src) < 0) {
		perror(src);
		return 1;
	}

	const struct CMUnitTest tests[] = {
		T(test_man_keys_match_actions),
		T(test_readme_keys_match_actions),
		T(test_help_lists_every_action),
		T(test_text_view_span_and_notes),
		T(test_text_view_wrap_and_cut),
		TT(test_tree_folds_with_counts),
		TT(test_tree_selection_shows_text),
		TT(test_tree_marks_and_search),
		TT(test_tree_mouse),
		T(test_app_focus_and_close),
		T(test_app_sequences_and_unbound),
		T(test_app_search_prompt),
		T(test_app_too_small),
		T(test_app_stats_count_keys),
		T(test_app_missing_path),
		T(test_app_scans_in_background),
		T(test_script_errors_name_the_line),
		T(test_script_quit_stops),
	};

	return cmocka_run_group_tests_name("tui", tests, NULL, NULL);
}
