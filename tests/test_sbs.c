#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmpviews.h"
#include "compare.h"
#include "doc.h"
#include "sbsmodel.h"
#include "screen.h"
#include "viewtest.h"

/* ------------------------------------------------------------ helpers */

typedef struct {
	ad_doc *a, *b;
	ad_view *v;
	ad_screen *scr;
} fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));

	fx->a = vt_load("tests/fixtures/views/left.md");
	fx->b = vt_load("tests/fixtures/views/right.md");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;

	if (fx->v)
		fx->v->ops->free(fx->v);
	ad_screen_free(fx->scr);
	ad_doc_free(fx->a);
	ad_doc_free(fx->b);
	free(fx);
	return 0;
}

/* The view of the fixture pair, drawn once at cols x rows. */
static ad_view *open_view(fixture *fx, int cols, int rows, int section_a)
{
	ad_error err = AD_ERROR_INIT;

	fx->v = ad_sbs_view_new(fx->a, fx->b, "left.md", "right.md", section_a, &err);
	assert_non_null(fx->v);
	assert_string_equal(fx->v->ops->name, "sbs");
	fx->scr = ad_screen_new(rows, cols);
	vt_draw(fx->v, fx->scr, true);
	return fx->v;
}

static void act(fixture *fx, ad_action a)
{
	assert_true(fx->v->ops->action(fx->v, NULL, a));
	vt_draw(fx->v, fx->scr, true);
}

/* The header row of the block holding section title of the left side
 * (or the right side when the left lacks it). */
static const ad_sbs_row *head_of(const ad_sbsmodel *m, const ad_doc *doc, int side,
				 const char *title)
{
	int b = ad_sbsmodel_block_of_section(m, side, vt_section_index(doc, title));

	assert_true(b >= 0);
	return ad_sbsmodel_row(m, (size_t)ad_sbsmodel_block(m, (size_t)b)->first);
}

/* The first line row whose side s text is exactly text. */
static const ad_sbs_row *line_row(const ad_sbsmodel *m, int s, const char *text)
{
	size_t i;

	for (i = 0; i < ad_sbsmodel_row_count(m); i++) {
		const ad_sbs_row *r = ad_sbsmodel_row(m, i);

		if (r->kind != AD_SBS_ROW_LINE || !r->side[s].text)
			continue;
		if (r->side[s].len == strlen(text) && !memcmp(r->side[s].text, text, r->side[s].len))
			return r;
	}
	fail_msg("no row with '%s' on side %d", text, s);
	return NULL;
}

/* The text of mark k of side s, in buf. */
static const char *mark_text(const ad_sbsmodel *m, const ad_sbs_row *r, int s, uint32_t k,
			     ad_slot *slot, char *buf, size_t size)
{
	const ad_sbs_mark *mk = &ad_sbsmodel_marks(m)[r->side[s].mark + k];
	size_t n = mk->len < size - 1 ? mk->len : size - 1;

	assert_true(k < r->side[s].nmarks);
	assert_true((size_t)mk->off + mk->len <= r->side[s].len);
	memcpy(buf, r->side[s].text + mk->off, n);
	buf[n] = '\0';
	*slot = (ad_slot)mk->slot;
	return buf;
}

static bool side_is(const ad_sbs_side *sd, const char *text)
{
	return sd->text && sd->len == strlen(text) && !memcmp(sd->text, text, sd->len);
}

/* ------------------------------------------------------------ the model */

static void test_model_sections(void **state)
{
	fixture *fx = *state;
	ad_sbsmodel *m = NULL;
	const ad_sbs_row *r;
	const ad_sbs_block *blk;
	char buf[128];
	ad_slot slot;

	assert_int_equal(ad_sbsmodel_build(&m, fx->a, fx->b), 0);
	assert_false(ad_sbsmodel_large(m));
	/* The frontmatter comes first and differs. */
	blk = ad_sbsmodel_block(m, 0);
	assert_true(blk->frontmatter);
	assert_false(blk->unchanged);
	/* Unchanged section: same on both sides, not a change. */
	r = head_of(m, fx->a, 0, "Helper");
	assert_true(side_is(&r->side[0], "# Helper") && side_is(&r->side[1], "# Helper"));
	assert_false(r->differs);
	assert_true(ad_sbsmodel_block(m, (size_t)r->block)->unchanged);
	assert_int_equal(r->side[0].line, 8);
	assert_int_equal(r->side[1].line, 12);
	/* Renamed: labelled on the right. */
	r = head_of(m, fx->a, 0, "Steps");
	assert_true(side_is(&r->side[0], "## Steps"));
	assert_true(r->differs);
	assert_int_equal(r->side[1].nmarks, 1);
	assert_string_equal(mark_text(m, r, 1, 0, &slot, buf, sizeof(buf)),
			    "renamed from ## Steps");
	assert_int_equal(slot, AD_SLOT_RENAMED);
	assert_true(side_is(&r->side[1], "## Procedure  renamed from ## Steps"));
	/* Moved. */
	r = head_of(m, fx->a, 0, "Style");
	assert_int_equal(r->side[1].nmarks, 1);
	assert_string_equal(mark_text(m, r, 1, 0, &slot, buf, sizeof(buf)), "moved");
	assert_int_equal(slot, AD_SLOT_MOVED);
	assert_int_equal(r->side[1].line, 16);
	/* Removed: a gap on the right; added: a gap on the left. */
	r = head_of(m, fx->a, 0, "Legacy");
	assert_null(r->side[1].text);
	assert_int_equal(r->side[0].slot, AD_SLOT_REMOVED);
	r = line_row(m, 0, "This section goes away.");
	assert_null(r->side[1].text);
	assert_int_equal(r->side[1].slot, AD_SLOT_GAP);
	assert_int_equal(r->side[0].slot, AD_SLOT_REMOVED);
	assert_true(r->differs);
	r = head_of(m, fx->b, 1, "Examples");
	assert_null(r->side[0].text);
	assert_int_equal(r->side[1].slot, AD_SLOT_ADDED);
	/* A modified section: the changed line beside its new version, the
	 * changed word marked on each side. */
	r = line_row(m, 0, "Only the build folder and its scripts.");
	assert_true(side_is(&r->side[1], "Only the build folder and its tests."));
	assert_int_equal(r->side[0].slot, AD_SLOT_CHANGED);
	assert_int_equal(r->side[1].slot, AD_SLOT_CHANGED);
	assert_int_equal(r->side[0].nmarks, 1);
	assert_string_equal(mark_text(m, r, 0, 0, &slot, buf, sizeof(buf)), "scripts");
	assert_int_equal(slot, AD_SLOT_WORD_REMOVED);
	assert_int_equal(r->side[1].nmarks, 1);
	assert_string_equal(mark_text(m, r, 1, 0, &slot, buf, sizeof(buf)), "tests");
	assert_int_equal(slot, AD_SLOT_WORD_ADDED);
	assert_int_equal(r->side[0].line, 14);
	assert_int_equal(r->side[1].line, 22);
	/* Unchanged lines around it are not changes. */
	r = line_row(m, 0, "Never the release notes.");
	assert_false(r->differs);
	assert_int_equal(r->side[0].slot, AD_SLOT_DEFAULT);
	ad_sbsmodel_free(m);
}

static void test_model_frontmatter(void **state)
{
	fixture *fx = *state;
	ad_sbsmodel *m = NULL;
	const ad_sbs_row *r;
	char buf[128];
	ad_slot slot;

	assert_int_equal(ad_sbsmodel_build(&m, fx->a, fx->b), 0);
	/* tools compared as a set: "Read, Grep" and a block list of Grep,
	 * Read, Bash differ by Bash only. */
	r = line_row(m, 0, "tools: Read, Grep");
	assert_true(side_is(&r->side[1], "tools: Grep, Read, Bash"));
	assert_int_equal(r->side[0].nmarks, 0);
	assert_int_equal(r->side[1].nmarks, 1);
	assert_string_equal(mark_text(m, r, 1, 0, &slot, buf, sizeof(buf)), "Bash");
	assert_int_equal(slot, AD_SLOT_WORD_ADDED);
	assert_int_equal(r->side[1].line, 4);
	/* A scalar changed by a word. */
	r = line_row(m, 0, "description: Answers questions about the build.");
	assert_int_equal(r->side[1].nmarks, 1);
	assert_string_equal(mark_text(m, r, 1, 0, &slot, buf, sizeof(buf)), "whole");
	/* Same value: unchanged. */
	r = line_row(m, 0, "model: haiku");
	assert_true(side_is(&r->side[1], "model: haiku"));
	assert_false(r->differs);
	assert_int_equal(r->side[1].line, 8);
	/* Added field. */
	r = line_row(m, 1, "color: green");
	assert_null(r->side[0].text);
	assert_int_equal(r->side[1].slot, AD_SLOT_ADDED);
	ad_sbsmodel_free(m);
}

/* Every section of both variants is in a block, and each block's fold row
 * says how many lines it hides. */
static void test_model_covers_everything(void **state)
{
	fixture *fx = *state;
	ad_sbsmodel *m = NULL;
	const ad_doc *docs[2] = { fx->a, fx->b };
	size_t i, b;
	int s;

	assert_int_equal(ad_sbsmodel_build(&m, fx->a, fx->b), 0);
	for (s = 0; s < 2; s++)
		for (i = 0; i < ad_doc_section_count(docs[s]); i++)
			if (!ad_doc_sections(docs[s])[i].blank)
				assert_true(ad_sbsmodel_block_of_section(m, s, (int)i) >= 0);
	for (b = 0; b < ad_sbsmodel_block_count(m); b++) {
		const ad_sbs_block *blk = ad_sbsmodel_block(m, b);
		const ad_sbs_row *fold = ad_sbsmodel_row(m, (size_t)blk->fold);

		assert_int_equal(fold->kind, AD_SBS_ROW_FOLD);
		assert_int_equal(fold->block, (int)b);
		assert_true(blk->count >= 1);
		assert_int_equal(ad_sbsmodel_row(m, (size_t)blk->first)->kind, AD_SBS_ROW_HEAD);
	}
	/* The unchanged "# Helper" folds to "… 4 unchanged lines". */
	b = (size_t)ad_sbsmodel_block_of_section(m, 0, vt_section_index(fx->a, "Helper"));
	assert_true(side_is(&ad_sbsmodel_row(m, (size_t)ad_sbsmodel_block(m, b)->fold)->side[0],
			    "# Helper  \xE2\x80\xA6 4 unchanged lines"));
	ad_sbsmodel_free(m);
}

/* ------------------------------------------------------------ drawing */

static void test_draw_screen(void **state)
{
	fixture *fx = *state;

	open_view(fx, 80, 30, -1);
	vt_expect_screen(fx->scr, "sbs-left-right-80x30");
	vt_assert_status(fx->v, "change 0/7 \xC2\xB7 line 1/31");
	tu_assert_screen_sane(fx->scr);
}

/* Both columns are one scroll: the separator and the heads stay, and each
 * row of the left is beside its aligned row of the right. */
static void test_scroll_together(void **state)
{
	fixture *fx = *state;
	char row[256];
	int r;

	open_view(fx, 80, 12, -1);
	act(fx, AD_ACTION_PAGE_DOWN);
	tu_screen_row(fx->scr, 0, row, sizeof(row));
	assert_non_null(strstr(row, "left.md"));
	assert_non_null(strstr(row, "right.md"));
	for (r = 0; r < 12; r++)
		assert_int_equal(ad_screen_cell(fx->scr, r, 39)->cp, 0x2502);
	r = vt_find_row(fx->scr, "14 Only the build folder and its");
	if (r < 0)
		r = vt_find_row(fx->scr, "# Scope");
	assert_true(r > 0);
	r = vt_find_row(fx->scr, "Only the build folder and its");
	assert_true(r > 0);
	tu_screen_row(fx->scr, r, row, sizeof(row));
	assert_non_null(strstr(row, "22 Only the build folder and its tests."));
	vt_expect_screen(fx->scr, "sbs-page-down-80x12");
}

/* The rows of the fixture pair, unfolded: 1 frontmatter, 2 name,
 * 3 description, 4 tools, 5 model, 6 color, 7 # Helper ... 11 ## Scope,
 * 13 its changed line, 16 ## Steps/Procedure, 22 ## Examples (added),
 * 25 ## Style (moved), 29 ## Legacy (removed), 31 rows in all.  Changes
 * are runs of differing rows within a section: 7 of them. */
static void assert_cursor_on(fixture *fx, const char *text)
{
	int r = vt_find_row(fx->scr, text);

	if (r <= 0)
		fail_msg("'%s' is not on screen", text);
	assert_int_equal(ad_screen_cell(fx->scr, r, 0)->slot, AD_SLOT_CURSOR);
	assert_int_equal(ad_screen_cell(fx->scr, r, 40)->slot, AD_SLOT_CURSOR);
}

static void test_next_prev_change(void **state)
{
	/* Each key, the status it leaves, the text the cursor is then on. */
	static const struct {
		ad_action key;
		const char *status, *cursor;
	} forward[] = {
		{ AD_ACTION_NEXT_CHANGE, "change 1/7 \xC2\xB7 line 3/31", "description: Answers" },
		{ AD_ACTION_NEXT_CHANGE, "change 2/7 \xC2\xB7 line 6/31", "color: green" },
		{ AD_ACTION_NEXT_CHANGE, "change 3/7 \xC2\xB7 line 13/31", "Only the build folder" },
		/* n with nothing searched is next change too. */
		{ AD_ACTION_SEARCH_NEXT, "change 4/7 \xC2\xB7 line 16/31",
		  "## Procedure  renamed from ## Steps" },
		{ AD_ACTION_NEXT_CHANGE, "change 5/7 \xC2\xB7 line 22/31", "## Examples" },
		{ AD_ACTION_NEXT_CHANGE, "change 6/7 \xC2\xB7 line 25/31", "## Style  moved" },
	};
	fixture *fx = *state;
	size_t i;
	int k;

	open_view(fx, 80, 20, -1);
	vt_assert_status(fx->v, "change 0/7 \xC2\xB7 line 1/31");
	for (i = 0; i < sizeof(forward) / sizeof(forward[0]); i++) {
		act(fx, forward[i].key);
		vt_assert_status(fx->v, forward[i].status);
		assert_cursor_on(fx, forward[i].cursor);
	}
	for (k = 0; k < 3; k++)
		act(fx, AD_ACTION_NEXT_CHANGE);
	vt_assert_status(fx->v, "change 7/7 \xC2\xB7 line 29/31");
	assert_cursor_on(fx, "27 ## Legacy");
	vt_expect_screen(fx->scr, "sbs-last-change-80x20");
	/* From inside a change, [c goes to its start first. */
	act(fx, AD_ACTION_MOVE_DOWN);
	act(fx, AD_ACTION_PREV_CHANGE);
	vt_assert_status(fx->v, "change 7/7 \xC2\xB7 line 29/31");
	act(fx, AD_ACTION_PREV_CHANGE);
	vt_assert_status(fx->v, "change 6/7 \xC2\xB7 line 25/31");
	act(fx, AD_ACTION_SEARCH_PREV);
	vt_assert_status(fx->v, "change 5/7 \xC2\xB7 line 22/31");
	act(fx, AD_ACTION_FIRST);
	act(fx, AD_ACTION_PREV_CHANGE);
	vt_assert_status(fx->v, "change 0/7 \xC2\xB7 line 1/31");
}

static void test_fold_unchanged(void **state)
{
	fixture *fx = *state;
	char *before, *after;

	open_view(fx, 80, 30, -1);
	before = tu_screen_dump(fx->scr, true);
	act(fx, AD_ACTION_FOLD_UNCHANGED);
	assert_true(vt_find_row(fx->scr, "# Helper  \xE2\x80\xA6 4 unchanged lines") > 0);
	assert_int_equal(vt_find_row(fx->scr, "You answer questions"), -1);
	/* Changed sections stay open. */
	assert_true(vt_find_row(fx->scr, "Only the build folder") > 0);
	vt_assert_status(fx->v, "change 0/7 \xC2\xB7 line 1/28");
	vt_expect_screen(fx->scr, "sbs-fold-unchanged-80x30");
	act(fx, AD_ACTION_FOLD_UNCHANGED);
	after = tu_screen_dump(fx->scr, true);
	assert_string_equal(before, after);
	/* zM folds every block, changed ones too. */
	act(fx, AD_ACTION_FOLD_ALL);
	assert_true(vt_find_row(fx->scr, "## Scope  \xE2\x80\xA6 5 lines") > 0);
	assert_int_equal(vt_find_row(fx->scr, "Only the build folder"), -1);
	act(fx, AD_ACTION_UNFOLD_ALL);
	free(after);
	after = tu_screen_dump(fx->scr, true);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_wrap_and_cut(void **state)
{
	fixture *fx = *state;
	int r, r2, k;
	char row[256];

	open_view(fx, 60, 40, -1);
	/* Wrapped at a word boundary, the continuation without a number. */
	r = vt_find_row(fx->scr, "Ask \"where is the linker");
	assert_true(r > 0);
	tu_screen_row(fx->scr, r + 1, row, sizeof(row));
	assert_non_null(strstr(row, "\xE2\x94\x82   flag set?\" and get one"));
	assert_true(vt_find_row(fx->scr, "open it.") > r);
	vt_expect_screen(fx->scr, "sbs-wrap-60x40");
	act(fx, AD_ACTION_WRAP);
	assert_int_equal(vt_find_row(fx->scr, "open it."), -1);
	r2 = vt_find_row(fx->scr, "Ask \"where is the linker");
	assert_true(r2 > 0);
	tu_screen_row(fx->scr, r2 + 1, row, sizeof(row));
	assert_null(strstr(row, "linker"));
	/* Scrolling right shows the rest of the line, both sides moving. */
	/* Scrolling stops when the longest line's end is in sight. */
	for (k = 0; k < 20; k++)
		act(fx, AD_ACTION_RIGHT);
	r = vt_find_row(fx->scr, "open it.");
	assert_true(r > 0);
	tu_screen_row(fx->scr, r, row, sizeof(row));
	assert_int_equal(strlen(row) - strlen(strstr(row, "open it.")) + 8, strlen(row));
	assert_int_equal(vt_find_col(fx->scr, r, "open it.") + 8, 60);
	assert_int_equal(vt_find_row(fx->scr, "Ask \"where"), -1);
	vt_expect_screen(fx->scr, "sbs-cut-right-60x40");
	for (k = 0; k < 20; k++)
		act(fx, AD_ACTION_LEFT);
	assert_int_equal(vt_find_row(fx->scr, "Ask \"where is the linker"), r2);
}

static void test_search(void **state)
{
	fixture *fx = *state;
	int r, c, k;

	open_view(fx, 80, 20, -1);
	assert_true(fx->v->ops->search(fx->v, "LINKER", 1));
	vt_draw(fx->v, fx->scr, true);
	vt_assert_status(fx->v, "change 5/7 \xC2\xB7 line 24/31");
	r = vt_find_row(fx->scr, "linker");
	assert_true(r > 0);
	c = vt_find_col(fx->scr, r, "linker");
	for (k = 0; k < 6; k++)
		assert_int_equal(ad_screen_cell(fx->scr, r, c + k)->slot, AD_SLOT_SEARCH_MATCH);
	assert_int_not_equal(ad_screen_cell(fx->scr, r, c + 6)->slot, AD_SLOT_SEARCH_MATCH);
	assert_int_not_equal(ad_screen_cell(fx->scr, r, c - 1)->slot, AD_SLOT_SEARCH_MATCH);
	assert_false(fx->v->ops->search(fx->v, "no such words", 1));
	/* n goes on to the next match, wrapping around; N back. */
	assert_true(fx->v->ops->search(fx->v, "the build", 1));
	vt_draw(fx->v, fx->scr, true);
	vt_assert_status(fx->v, "change 1/7 \xC2\xB7 line 3/31");
	act(fx, AD_ACTION_SEARCH_NEXT);
	vt_assert_status(fx->v, "change 2/7 \xC2\xB7 line 9/31");
	act(fx, AD_ACTION_SEARCH_NEXT);
	vt_assert_status(fx->v, "change 3/7 \xC2\xB7 line 13/31");
	act(fx, AD_ACTION_SEARCH_NEXT);
	vt_assert_status(fx->v, "change 1/7 \xC2\xB7 line 3/31");
	act(fx, AD_ACTION_SEARCH_PREV);
	vt_assert_status(fx->v, "change 3/7 \xC2\xB7 line 13/31");
	/* A match inside a folded block opens it. */
	act(fx, AD_ACTION_FOLD_ALL);
	assert_int_equal(vt_find_row(fx->scr, "No jargon"), -1);
	assert_true(fx->v->ops->search(fx->v, "jargon", 1));
	vt_draw(fx->v, fx->scr, true);
	r = vt_find_row(fx->scr, "No jargon");
	assert_true(r > 0);
	vt_expect_screen(fx->scr, "sbs-search-folded-80x20");
	/* Clearing the search: n is next change again. */
	assert_false(fx->v->ops->search(fx->v, NULL, 1));
	vt_draw(fx->v, fx->scr, true);
	c = vt_find_col(fx->scr, r, "jargon");
	assert_int_not_equal(ad_screen_cell(fx->scr, r, c)->slot, AD_SLOT_SEARCH_MATCH);
}

static void test_mouse(void **state)
{
	fixture *fx = *state;
	ad_mouse ev = { AD_MOUSE_WHEEL_DOWN, 5, 10 };
	char first[256], row[256];

	open_view(fx, 80, 12, -1);
	tu_screen_row(fx->scr, 4, first, sizeof(first));
	assert_true(fx->v->ops->mouse(fx->v, NULL, &ev));
	vt_draw(fx->v, fx->scr, true);
	/* Three rows down: what was on row 4 is on row 1. */
	assert_string_equal(tu_screen_row(fx->scr, 1, row, sizeof(row)), first);
	ev.kind = AD_MOUSE_CLICK;
	ev.row = 6;
	assert_true(fx->v->ops->mouse(fx->v, NULL, &ev));
	vt_draw(fx->v, fx->scr, true);
	assert_int_equal(ad_screen_cell(fx->scr, 6, 0)->slot, AD_SLOT_CURSOR);
	/* Three screen rows scrolled off, screen row 6 holds the ninth: the
	 * blank line below "# Helper", line 8 (the description takes two
	 * screen rows). */
	vt_assert_status(fx->v, "change 2/7 \xC2\xB7 line 8/31");
	ev.kind = AD_MOUSE_WHEEL_UP;
	assert_true(fx->v->ops->mouse(fx->v, NULL, &ev));
	vt_draw(fx->v, fx->scr, true);
	assert_string_equal(tu_screen_row(fx->scr, 4, row, sizeof(row)), first);
	/* The heads row is not a line to click. */
	ev.kind = AD_MOUSE_CLICK;
	ev.row = 0;
	assert_false(fx->v->ops->mouse(fx->v, NULL, &ev));
}

static void test_start_at_section(void **state)
{
	fixture *fx = *state;
	char row[256];

	open_view(fx, 80, 10, vt_section_index(fx->a, "Scope"));
	/* At the top of the screen, the cursor on it. */
	tu_screen_row(fx->scr, 1, row, sizeof(row));
	assert_non_null(strstr(row, "12 ## Scope"));
	assert_non_null(strstr(row, "20 ## Scope"));
	assert_int_equal(ad_screen_cell(fx->scr, 1, 0)->slot, AD_SLOT_CURSOR);
	vt_assert_status(fx->v, "change 2/7 \xC2\xB7 line 11/31");
	/* Near the end the screen cannot scroll past the last row. */
	fx->v->ops->free(fx->v);
	ad_screen_free(fx->scr);
	open_view(fx, 80, 10, vt_section_index(fx->a, "Style"));
	assert_true(vt_find_row(fx->scr, "23 ## Style") > 0);
	assert_cursor_on(fx, "23 ## Style");
	assert_true(vt_find_row(fx->scr, "This section goes away.") == 9);
}

/* A section the left lacks: ad_sbs_view_new_at starts at the right's. */
static void test_start_at_right_section(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;
	char row[256];

	fx->v = ad_sbs_view_new_at(fx->a, fx->b, "l", "r", -1,
				   vt_section_index(fx->b, "Examples"), &err);
	assert_non_null(fx->v);
	fx->scr = ad_screen_new(8, 80);
	vt_draw(fx->v, fx->scr, true);
	tu_screen_row(fx->scr, 1, row, sizeof(row));
	assert_non_null(strstr(row, "31 ## Examples"));
}

static void test_identical(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;

	fx->v = ad_sbs_view_new(fx->a, fx->a, "left.md", "left.md", -1, &err);
	fx->scr = ad_screen_new(12, 70);
	vt_draw(fx->v, fx->scr, true);
	vt_assert_status(fx->v, "no changes \xC2\xB7 line 1/27");
	act(fx, AD_ACTION_NEXT_CHANGE);
	vt_assert_status(fx->v, "no changes \xC2\xB7 line 1/27");
	act(fx, AD_ACTION_FOLD_UNCHANGED);
	vt_assert_status(fx->v, "no changes \xC2\xB7 line 1/6");
	vt_expect_screen(fx->scr, "sbs-identical-folded-70x12");
}

/* With a host, the view says what a key could not do. */
static void test_host_messages(void **state)
{
	fixture *fx = *state;
	vt_host host;
	int k;

	vt_host_init(&host);
	open_view(fx, 80, 20, -1);
	for (k = 0; k < 7; k++)
		assert_true(fx->v->ops->action(fx->v, &host.base, AD_ACTION_NEXT_CHANGE));
	assert_int_equal(host.msg.size, 0);
	assert_true(fx->v->ops->action(fx->v, &host.base, AD_ACTION_NEXT_CHANGE));
	assert_string_equal(ad_buf_cstr(&host.msg), "no next change");
	assert_int_equal(host.npushed, 0);
	vt_host_clear(&host);
}

/* Empty and blank files: no rows, and every key still works. */
static void test_empty(void **state)
{
	ad_doc *a = vt_parse("", 0), *b = vt_parse("\n\n\n", 3);
	ad_error err = AD_ERROR_INIT;
	ad_view *v = ad_sbs_view_new(a, b, "empty.md", "blank.md", -1, &err);
	ad_screen *scr = ad_screen_new(6, 50);
	ad_mouse ev = { AD_MOUSE_CLICK, 2, 3 };
	int k;

	(void)state;
	assert_non_null(v);
	for (k = AD_ACTION_NONE + 1; k < AD_ACTION_COUNT; k++) {
		v->ops->action(v, NULL, (ad_action)k);
		vt_draw(v, scr, true);
	}
	assert_false(v->ops->search(v, "x", 1));
	assert_false(v->ops->mouse(v, NULL, &ev));
	ev.kind = AD_MOUSE_WHEEL_DOWN;
	assert_true(v->ops->mouse(v, NULL, &ev));
	vt_draw(v, scr, true);
	tu_assert_screen_sane(scr);
	vt_assert_status(v, "no changes \xC2\xB7 line 0/0");
	v->ops->free(v);
	ad_screen_free(scr);
	ad_doc_free(a);
	ad_doc_free(b);
}

/* ------------------------------------------------------------ hostile input */

static const char hostile_a[] =
	"---\nname: wide\ndescription: \x1b[31mred\x1b[0m and \xff\xfe bytes\n---\n"
	"\n# \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe8\xa6\x8b\xe5\x87\xba\xe3\x81\x97\n"
	"\n\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 emoji \xf0\x9f\x98\x80 here\tand a tab.\n"
	"\n## Escapes\n\nBell \x07 and ESC \x1b]0;title\x07 here.\x01\x02\x7f end\n";
static const char hostile_b[] =
	"---\nname: wide\ndescription: \x1b[32mgreen\x1b[0m and \xff bytes\n---\n"
	"\n# \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe8\xa6\x8b\xe5\x87\xba\xe3\x81\x97\n"
	"\n\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 emoji \xf0\x9f\x98\x83 there\tand a tab.\n"
	"\n## Escapes\n\nBell \x07 and ESC \x1b]0;other\x07 here.\x01\x02\x7f end\n";

static void test_hostile_text(void **state)
{
	fixture *fx = *state;
	ad_doc *a = vt_parse(hostile_a, sizeof(hostile_a) - 1);
	ad_doc *b = vt_parse(hostile_b, sizeof(hostile_b) - 1);
	ad_error err = AD_ERROR_INIT;
	int sizes[][2] = { { 80, 20 }, { 41, 10 }, { 33, 7 }, { 24, 6 } };
	size_t k;
	int r, wrap;

	(void)fx;
	for (wrap = 0; wrap < 2; wrap++) {
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			ad_view *v = ad_sbs_view_new(a, b, "a\x1b[2J.md", "b\xff.md", -1, &err);
			ad_screen *scr = ad_screen_new(sizes[k][1], sizes[k][0]);
			int sep = (sizes[k][0] - 1) / 2;
			char *dump;

			assert_non_null(v);
			if (wrap)
				assert_true(v->ops->action(v, NULL, AD_ACTION_WRAP));
			vt_draw(v, scr, true);
			tu_assert_screen_sane(scr);
			dump = tu_screen_dump(scr, false);
			assert_null(strchr(dump, '\x1b'));
			assert_null(strchr(dump, '\x07'));
			assert_non_null(strstr(dump, "^["));
			/* Wide characters never push the right column. */
			for (r = 0; r < sizes[k][1]; r++)
				assert_int_equal(ad_screen_cell(scr, r, sep)->cp, 0x2502);
			if (k == 0 && !wrap)
				vt_expect_screen(scr, "sbs-hostile-80x20");
			if (k == 0)
				assert_non_null(strstr(dump, "\xef\xbf\xbd"));
			free(dump);
			/* Scrolling sideways through wide characters and tabs. */
			for (r = 0; r < 12; r++) {
				assert_true(v->ops->action(v, NULL, AD_ACTION_RIGHT));
				vt_draw(v, scr, true);
				tu_assert_screen_sane(scr);
			}
			v->ops->free(v);
			ad_screen_free(scr);
		}
	}
	ad_doc_free(a);
	ad_doc_free(b);
}

/* Horizontal scrolling lands in the middle of wide characters and tabs;
 * each column must still be one cell, the cut character shown blank. */
static void test_cut_wide_characters(void **state)
{
	static const char text[] =
		"# T\n\n\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
		"\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\t\tx"
		"\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
		"\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
		"\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad end\n";
	ad_doc *a = vt_parse(text, sizeof(text) - 1);
	ad_error err = AD_ERROR_INIT;
	ad_view *v = ad_sbs_view_new(a, a, "a", "a", -1, &err);
	ad_screen *scr = ad_screen_new(6, 41);
	int k;

	(void)state;
	assert_true(v->ops->action(v, NULL, AD_ACTION_WRAP));
	vt_draw(v, scr, true);
	/* 41 columns: 20 a side, 2 for numbers: text 18 wide, steps of 9. */
	for (k = 0; k < 8; k++) {
		char row[256];

		assert_true(v->ops->action(v, NULL, AD_ACTION_RIGHT));
		vt_draw(v, scr, true);
		tu_assert_screen_sane(scr);
		tu_screen_row(scr, 3, row, sizeof(row));
		assert_int_equal(ad_screen_cell(scr, 3, 20)->cp, 0x2502);
	}
	v->ops->free(v);
	ad_screen_free(scr);
	ad_doc_free(a);
}

static void test_small_terminals(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;
	int sizes[][2] = { { 1, 1 }, { 2, 1 }, { 3, 2 }, { 7, 3 }, { 12, 4 }, { 20, 5 }, { 40, 10 } };
	size_t k;
	int a;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		ad_view *v = ad_sbs_view_new(fx->a, fx->b, "left.md", "right.md", -1, &err);
		ad_screen *scr = ad_screen_new(sizes[k][1], sizes[k][0]);

		for (a = AD_ACTION_NONE + 1; a < AD_ACTION_COUNT; a++) {
			v->ops->action(v, NULL, (ad_action)a);
			vt_draw(v, scr, a % 2);
			tu_assert_screen_sane(scr);
		}
		if (sizes[k][0] == 40) {
			v->ops->action(v, NULL, AD_ACTION_FIRST);
			vt_draw(v, scr, true);
			vt_expect_screen(scr, "sbs-small-40x10");
		}
		v->ops->free(v);
		ad_screen_free(scr);
	}
}

/* A resize re-cuts the rows and keeps the cursor's row in sight. */
static void test_resize(void **state)
{
	fixture *fx = *state;
	char *a, *b;

	open_view(fx, 80, 20, -1);
	act(fx, AD_ACTION_LAST);
	vt_assert_status(fx->v, "change 7/7 \xC2\xB7 line 31/31");
	ad_screen_resize(fx->scr, 14, 44);
	vt_draw(fx->v, fx->scr, true);
	assert_true(vt_find_row(fx->scr, "This section goes") > 0);
	a = tu_screen_dump(fx->scr, false);
	ad_screen_resize(fx->scr, 20, 80);
	vt_draw(fx->v, fx->scr, true);
	ad_screen_resize(fx->scr, 14, 44);
	vt_draw(fx->v, fx->scr, true);
	b = tu_screen_dump(fx->scr, false);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* Inputs over the size guard: one plain line diff, still drawn. */
static void test_large_input(void **state)
{
	ad_buf x = AD_BUF_INIT, y = AD_BUF_INIT;
	ad_doc *a, *b;
	ad_sbsmodel *m = NULL;
	ad_error err = AD_ERROR_INIT;
	ad_view *v;
	ad_screen *scr = ad_screen_new(10, 120);
	int i;

	(void)state;
	/* Two files of about 700 KB: together over the 1 MB guard. */
	for (i = 0; i < 12000; i++) {
		ad_buf_printf(&x, "## Part %d\n\nline %d of the text, the same on both sides\n", i, i);
		ad_buf_printf(&y, "## Part %d\n\nline %d of the text, %s on both sides\n", i, i,
			      i % 1000 ? "the same" : "not the same");
	}
	a = vt_parse(x.ptr, x.size);
	b = vt_parse(y.ptr, y.size);
	assert_int_equal(ad_sbsmodel_build(&m, a, b), 0);
	assert_true(ad_sbsmodel_large(m));
	assert_int_equal(ad_sbsmodel_block_count(m), 1);
	ad_sbsmodel_free(m);
	v = ad_sbs_view_new(a, b, "x", "y", -1, &err);
	assert_non_null(v);
	assert_true(v->ops->action(v, NULL, AD_ACTION_NEXT_CHANGE));
	vt_draw(v, scr, true);
	assert_true(vt_find_row(scr, "not the same") > 0);
	assert_true(v->ops->action(v, NULL, AD_ACTION_LAST));
	vt_draw(v, scr, true);
	tu_assert_screen_sane(scr);
	v->ops->free(v);
	ad_screen_free(scr);
	ad_doc_free(a);
	ad_doc_free(b);
	ad_buf_free(&x);
	ad_buf_free(&y);
}

/* ------------------------------------------------------------ the shared seeds */

#define MAX_SEEDS 16

/* Every pair of seeds (both ways round) builds, draws at several sizes
 * and modes, and shows the header of every aligned row on screen. */
static void test_seeds(void **state)
{
	ad_doc *docs[MAX_SEEDS];
	char *names[MAX_SEEDS];
	size_t n = vt_load_seeds(docs, names, MAX_SEEDS), i, j, b;

	(void)state;
	if (n < 2) {
		for (i = 0; i < n; i++) {
			ad_doc_free(docs[i]);
			free(names[i]);
		}
		skip();
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			ad_error err = AD_ERROR_INIT;
			ad_view *v = ad_sbs_view_new(docs[i], docs[j], names[i], names[j], -1, &err);
			ad_sbsmodel *m = NULL;
			ad_screen *scr;
			char *dump;
			const char *at;
			int s, k;

			assert_non_null(v);
			assert_int_equal(ad_sbsmodel_build(&m, docs[i], docs[j]), 0);
			for (s = 0; s < 2; s++) {
				const ad_doc *d = s ? docs[j] : docs[i];

				for (k = 0; k < (int)ad_doc_section_count(d); k++)
					if (!ad_doc_sections(d)[k].blank &&
					    ad_sbsmodel_block_of_section(m, s, k) < 0)
						fail_msg("%s: section %d not shown", names[i], k);
			}
			/* Cut mode: a screen row per model row; tall enough for
			 * all, the headers must appear in order. */
			scr = ad_screen_new((int)ad_sbsmodel_row_count(m) + 2, 200);
			assert_true(v->ops->action(v, NULL, AD_ACTION_WRAP));
			vt_draw(v, scr, true);
			tu_assert_screen_sane(scr);
			dump = tu_screen_dump(scr, false);
			at = dump;
			for (b = 0; b < ad_sbsmodel_block_count(m); b++) {
				const ad_sbs_row *h = ad_sbsmodel_row(
					m, (size_t)ad_sbsmodel_block(m, b)->first);
				const ad_sbs_side *sd = h->side[0].text ? &h->side[0] : &h->side[1];
				char want[32];
				size_t len = 0;

				/* A plain-ASCII prefix of the header, as drawn. */
				while (len < 20 && len < sd->len &&
				       (unsigned char)sd->text[len] >= 0x20 &&
				       (unsigned char)sd->text[len] < 0x7f)
					want[len] = sd->text[len], len++;
				want[len] = '\0';
				at = strstr(at, want);
				if (!at)
					fail_msg("%s vs %s: block %zu '%s' not on screen", names[i],
						 names[j], b, want);
				if (*at)
					at++;
			}
			free(dump);
			/* Every page, wrapped, at a small size. */
			ad_screen_resize(scr, 24, 80);
			assert_true(v->ops->action(v, NULL, AD_ACTION_WRAP));
			for (k = 0; k < 60; k++) {
				assert_true(v->ops->action(v, NULL, AD_ACTION_NEXT_CHANGE));
				vt_draw(v, scr, true);
			}
			for (k = 0; k < 40; k++) {
				assert_true(v->ops->action(v, NULL, AD_ACTION_PAGE_DOWN));
				vt_draw(v, scr, true);
			}
			tu_assert_screen_sane(scr);
			ad_screen_free(scr);
			ad_sbsmodel_free(m);
			v->ops->free(v);
		}
	}
	for (i = 0; i < n; i++) {
		ad_doc_free(docs[i]);
		free(names[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_model_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_frontmatter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_covers_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draw_screen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scroll_together, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_prev_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fold_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrap_and_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mouse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_at_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_at_right_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identical, setup, teardown),
		cmocka_unit_test(test_empty),
		cmocka_unit_test_setup_teardown(test_hostile_text, setup, teardown),
		cmocka_unit_test(test_cut_wide_characters),
		cmocka_unit_test_setup_teardown(test_small_terminals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resize, setup, teardown),
		cmocka_unit_test(test_large_input),
		cmocka_unit_test(test_seeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
