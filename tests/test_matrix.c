#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "cmpviews.h"
#include "compare.h"
#include "doc.h"
#include "sbsmodel.h"
#include "screen.h"
#include "viewtest.h"

/* ------------------------------------------------------------ helpers */

#define MAXDOCS 16

typedef struct {
	ad_doc *docs[MAXDOCS];
	const char *labels[MAXDOCS];
	size_t n;
	ad_view *v;
	ad_screen *scr;
} fixture;

static int setup(void **state)
{
	*state = calloc(1, sizeof(fixture));
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;
	size_t i;

	if (fx->v)
		fx->v->ops->free(fx->v);
	ad_screen_free(fx->scr);
	for (i = 0; i < fx->n; i++)
		ad_doc_free(fx->docs[i]);
	free(fx);
	return 0;
}

static void add(fixture *fx, const char *rel, const char *label)
{
	fx->docs[fx->n] = vt_load(rel);
	fx->labels[fx->n++] = label;
}

/* left.md, right.md and third.md of tests/fixtures/views. */
static void three(fixture *fx)
{
	add(fx, "tests/fixtures/views/left.md", "left.md");
	add(fx, "tests/fixtures/views/right.md", "right.md");
	add(fx, "tests/fixtures/views/third.md", "third.md");
}

/* The four variants of examples/code-reviewer. */
static void reviewers(fixture *fx)
{
	add(fx, "examples/code-reviewer/community.md", "community.md");
	add(fx, "examples/code-reviewer/strict.md", "strict.md");
	add(fx, "examples/code-reviewer/team.md", "team.md");
	add(fx, "examples/code-reviewer/xml.md", "xml.md");
}

static ad_view *open_view(fixture *fx, int cols, int rows)
{
	ad_error err = AD_ERROR_INIT;

	fx->v = ad_matrix_view_new((const ad_doc *const *)fx->docs, fx->labels, fx->n, &err);
	assert_non_null(fx->v);
	assert_string_equal(fx->v->ops->name, "matrix");
	fx->scr = ad_screen_new(rows, cols);
	vt_draw(fx->v, fx->scr, true);
	return fx->v;
}

static void act(fixture *fx, ad_action a)
{
	assert_true(fx->v->ops->action(fx->v, NULL, a));
	vt_draw(fx->v, fx->scr, true);
}

/* The rows the matrix should have: the frontmatter's, and one per aligned
 * row with a section that is not blank (computed, so that the tests on the
 * examples follow the aligner's decisions). */
static size_t shown_rows(const fixture *fx)
{
	ad_align *al = NULL;
	size_t i, d, n = 0;
	bool fm = false;

	assert_int_equal(ad_align_docs(&al, (const ad_doc *const *)fx->docs, fx->n, NULL), 0);
	for (i = 0; i < ad_align_row_count(al); i++) {
		const ad_align_row *row = ad_align_row_at(al, i);
		bool shown = false;

		for (d = 0; d < fx->n; d++)
			if (row->cells[d] >= 0 && !ad_doc_sections(fx->docs[d])[row->cells[d]].blank)
				shown = true;
		n += shown;
	}
	for (d = 0; d < fx->n; d++)
		fm |= ad_doc_frontmatter(fx->docs[d]) != NULL;
	ad_align_free(al);
	return n + fm;
}

static void assert_status(fixture *fx, size_t row, size_t variant)
{
	char want[128];

	snprintf(want, sizeof(want), "row %zu/%zu \xC2\xB7 variant %zu/%zu", row,
		 shown_rows(fx), variant, fx->n);
	vt_assert_status(fx->v, want);
}

static void assert_row(const ad_screen *scr, const char *title, const char *cells)
{
	char buf[512];
	int r = vt_find_row(scr, title);

	if (r < 0)
		fail_msg("no row '%s'", title);
	tu_screen_row(scr, r, buf, sizeof(buf));
	if (!strstr(buf, cells))
		fail_msg("row '%s' is '%s', expected cells '%s'", title, buf, cells);
}

/* ------------------------------------------------------------ tests */

/* Size and distance from the most common version, per cell. */
static void test_cells(void **state)
{
	fixture *fx = *state;
	int r, c;

	three(fx);
	open_view(fx, 80, 12);
	vt_expect_screen(fx->scr, "matrix-three-80x12");
	/* 4, 5 and 3 fields: the right one differs in 3 keys of 5 (description,
	 * tools, color), the third lacks model (1 of 5); tools "Read, Grep"
	 * and "[Read, Grep]" are the same set. */
	assert_row(fx->scr, "frontmatter", "4 =        5 ~60%     3 ~20%");
	assert_row(fx->scr, "# Helper", "4 =        4 =        4 =");
	assert_row(fx->scr, "## Scope", "5 =        5 ~6%      5 =");
	/* Renamed in two variants, titled by the first that has it. */
	assert_row(fx->scr, "## Steps", "6 =        6 ~5%      5 ~5%");
	assert_row(fx->scr, "## Examples", "   \xC2\xB7          3 =        \xC2\xB7");
	assert_row(fx->scr, "## Legacy", "3 =        \xC2\xB7          \xC2\xB7");
	/* Slots: changed cells, renamed ones, gaps. */
	r = vt_find_row(fx->scr, "## Steps");
	c = vt_find_col(fx->scr, r, "6 ~5%");
	assert_int_equal(ad_screen_cell(fx->scr, r, c)->slot, AD_SLOT_RENAMED);
	r = vt_find_row(fx->scr, "## Scope");
	c = vt_find_col(fx->scr, r, "5 ~6%");
	assert_int_equal(ad_screen_cell(fx->scr, r, c)->slot, AD_SLOT_CHANGED);
	c = vt_find_col(fx->scr, r, "5 =");
	assert_int_equal(ad_screen_cell(fx->scr, r, c)->slot, AD_SLOT_DEFAULT);
	r = vt_find_row(fx->scr, "## Legacy");
	c = vt_find_col(fx->scr, r, "\xC2\xB7");
	assert_int_equal(ad_screen_cell(fx->scr, r, c)->slot, AD_SLOT_GAP);
	/* The cursor cell. */
	r = vt_find_row(fx->scr, "frontmatter");
	c = vt_find_col(fx->scr, r, "4 =");
	assert_int_equal(ad_screen_cell(fx->scr, r, c)->slot, AD_SLOT_CURSOR);
	vt_assert_status(fx->v, "row 1/7 \xC2\xB7 variant 1/3");
}

/* The examples: heads, the frontmatter row (fmdiff's, not the aligner's
 * business) and a row per aligned section; the whole screen is checked
 * by the scripted golden tests. */
static void test_examples(void **state)
{
	fixture *fx = *state;
	size_t r;

	reviewers(fx);
	open_view(fx, 100, 30);
	assert_row(fx->scr, "section", "community.md strict.md    team.md      xml.md");
	assert_row(fx->scr, "frontmatter", "4 ~20%       5 ~60%       5 ~60%       4 ~60%");
	assert_row(fx->scr, "## Blocking Criteria", "\xC2\xB7           12 =          \xC2\xB7");
	assert_status(fx, 1, 1);
	for (r = 1; r <= shown_rows(fx); r++) {
		char row[256];

		assert_true(strlen(tu_screen_row(fx->scr, (int)r, row, sizeof(row))) > 30);
	}
	tu_assert_screen_sane(fx->scr);
}

/* Enter marks a cell; Enter on another cell of its row asks for the two
 * side by side at that section (recorded: there is no app here). */
static void test_enter_compares(void **state)
{
	fixture *fx = *state;
	size_t a, b;
	int sa, sb;

	three(fx);
	open_view(fx, 80, 12);
	assert_false(ad_matrix_view_request(fx->v, &a, &b, &sa, &sb));
	assert_true(fx->v->ops->search(fx->v, "steps", 1));
	act(fx, AD_ACTION_ENTER);
	vt_assert_status(fx->v, "row 4/7 \xC2\xB7 variant 1/3 \xC2\xB7 marked left.md");
	/* The marked cell is drawn reversed. */
	assert_int_equal(ad_screen_cell(fx->scr, vt_find_row(fx->scr, "## Steps"), 17)->attrs &
				 AD_CELL_REVERSE,
			 AD_CELL_REVERSE);
	/* Enter again on it: unmarked. */
	act(fx, AD_ACTION_ENTER);
	vt_assert_status(fx->v, "row 4/7 \xC2\xB7 variant 1/3");
	act(fx, AD_ACTION_ENTER);
	/* A mark on another row moves there. */
	act(fx, AD_ACTION_MOVE_UP);
	act(fx, AD_ACTION_RIGHT);
	act(fx, AD_ACTION_ENTER);
	vt_assert_status(fx->v, "row 3/7 \xC2\xB7 variant 2/3 \xC2\xB7 marked right.md");
	assert_false(ad_matrix_view_request(fx->v, &a, &b, &sa, &sb));
	act(fx, AD_ACTION_MOVE_DOWN);
	act(fx, AD_ACTION_ENTER);
	act(fx, AD_ACTION_RIGHT);
	act(fx, AD_ACTION_ENTER);
	assert_true(ad_matrix_view_request(fx->v, &a, &b, &sa, &sb));
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(sa, vt_section_index(fx->docs[1], "Procedure"));
	assert_int_equal(sb, vt_section_index(fx->docs[2], "Method"));
	vt_assert_status(fx->v, "row 4/7 \xC2\xB7 variant 3/3");
	/* An absent cell compares too: the side-by-side starts at the other's
	 * section. */
	act(fx, AD_ACTION_LAST);
	act(fx, AD_ACTION_ENTER);
	act(fx, AD_ACTION_LEFT);
	act(fx, AD_ACTION_LEFT);
	act(fx, AD_ACTION_ENTER);
	assert_true(ad_matrix_view_request(fx->v, &a, &b, &sa, &sb));
	assert_int_equal(a, 2);
	assert_int_equal(b, 0);
	assert_int_equal(sa, -1);
	assert_int_equal(sb, vt_section_index(fx->docs[0], "Legacy"));
	/* The frontmatter row compares from the top. */
	act(fx, AD_ACTION_FIRST);
	act(fx, AD_ACTION_ENTER);
	act(fx, AD_ACTION_RIGHT);
	act(fx, AD_ACTION_ENTER);
	assert_true(ad_matrix_view_request(fx->v, &a, &b, &sa, &sb));
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_equal(sa, -1);
	assert_int_equal(sb, -1);
}

/* What the request asks for opens: the side-by-side view of the pair at
 * that section. */
static void test_request_opens_side_by_side(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;
	ad_view *sbs;
	ad_screen *scr = ad_screen_new(6, 80);
	size_t a, b;
	int sa, sb;
	char row[256];

	three(fx);
	open_view(fx, 80, 12);
	assert_true(fx->v->ops->search(fx->v, "examples", 1));
	act(fx, AD_ACTION_ENTER);
	act(fx, AD_ACTION_RIGHT);
	act(fx, AD_ACTION_ENTER);
	assert_true(ad_matrix_view_request(fx->v, &a, &b, &sa, &sb));
	sbs = ad_sbs_view_new_at(fx->docs[a], fx->docs[b], fx->labels[a], fx->labels[b], sa, sb,
				 &err);
	assert_non_null(sbs);
	vt_draw(sbs, scr, true);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	assert_int_equal(sa, -1);
	tu_screen_row(scr, 0, row, sizeof(row));
	assert_non_null(strstr(row, "left.md"));
	assert_non_null(strstr(row, "right.md"));
	tu_screen_row(scr, 1, row, sizeof(row));
	assert_non_null(strstr(row, "31 ## Examples"));
	sbs->ops->free(sbs);
	ad_screen_free(scr);
}

/* With a host, Enter on two cells opens them side by side on its stack. */
static void test_host_gets_side_by_side(void **state)
{
	fixture *fx = *state;
	vt_host host;
	size_t a, b;
	int sa, sb;

	vt_host_init(&host);
	three(fx);
	open_view(fx, 80, 12);
	assert_true(fx->v->ops->search(fx->v, "examples", 1));
	assert_true(fx->v->ops->action(fx->v, &host.base, AD_ACTION_ENTER));
	assert_true(fx->v->ops->action(fx->v, &host.base, AD_ACTION_RIGHT));
	assert_true(fx->v->ops->action(fx->v, &host.base, AD_ACTION_ENTER));
	assert_int_equal(host.npushed, 1);
	assert_string_equal(host.pushed[0]->ops->name, "sbs");
	/* At the section the cursor was on: ## Examples. */
	vt_assert_status(host.pushed[0], "change 5/7 \xC2\xB7 line 22/31");
	/* Nothing was left for a caller without a host. */
	assert_false(ad_matrix_view_request(fx->v, &a, &b, &sa, &sb));
	vt_host_clear(&host);
}

/* Columns that do not fit scroll sideways with the cursor. */
static void test_narrow(void **state)
{
	fixture *fx = *state;
	char row[256];
	int k;

	reviewers(fx);
	open_view(fx, 44, 10);
	tu_screen_row(fx->scr, 0, row, sizeof(row));
	assert_non_null(strstr(row, "community.md"));
	assert_null(strstr(row, "xml.md"));
	for (k = 0; k < 5; k++)
		act(fx, AD_ACTION_RIGHT);
	assert_status(fx, 1, 4);
	tu_screen_row(fx->scr, 0, row, sizeof(row));
	assert_non_null(strstr(row, "xml.md"));
	assert_null(strstr(row, "community.md"));
	for (k = 0; k < 5; k++)
		act(fx, AD_ACTION_LEFT);
	assert_status(fx, 1, 1);
	tu_screen_row(fx->scr, 0, row, sizeof(row));
	assert_non_null(strstr(row, "community.md"));
	/* Rows scroll too. */
	for (k = 0; k < 20; k++)
		act(fx, AD_ACTION_MOVE_DOWN);
	assert_status(fx, shown_rows(fx), 1);
	assert_true(vt_find_row(fx->scr, "## First-Time Co\xE2\x80\xA6") == 9);
	act(fx, AD_ACTION_PAGE_UP);
	assert_status(fx, shown_rows(fx) - 9, 1);
	act(fx, AD_ACTION_FIRST);
	assert_true(vt_find_row(fx->scr, "frontmatter") == 1);
}

/* The narrow layout, on our own fixture (the examples' rows follow the
 * aligner's decisions): one column in sight, titles cut with "…". */
static void test_narrow_screen(void **state)
{
	fixture *fx = *state;

	three(fx);
	open_view(fx, 27, 8);
	act(fx, AD_ACTION_RIGHT);
	act(fx, AD_ACTION_RIGHT);
	act(fx, AD_ACTION_MOVE_DOWN);
	vt_expect_screen(fx->scr, "matrix-narrow-27x8");
	assert_status(fx, 2, 3);
}

/* Long labels show their ends, cut with "…". */
static void test_long_labels(void **state)
{
	fixture *fx = *state;
	char row[256];

	add(fx, "tests/fixtures/views/left.md", "some/long/folder/of/agents/left.md");
	add(fx, "tests/fixtures/views/right.md", "another/long/folder/right.md");
	open_view(fx, 60, 6);
	tu_screen_row(fx->scr, 0, row, sizeof(row));
	/* 16 columns at most: "…" and 15 of the end. */
	assert_non_null(strstr(row, "\xE2\x80\xA6" "/agents/left.md "));
	assert_non_null(strstr(row, "\xE2\x80\xA6" "folder/right.md"));
}

static void test_search(void **state)
{
	fixture *fx = *state;
	int r, c, k;

	three(fx);
	open_view(fx, 80, 12);
	assert_true(fx->v->ops->search(fx->v, "SCOPE", 1));
	vt_draw(fx->v, fx->scr, true);
	vt_assert_status(fx->v, "row 3/7 \xC2\xB7 variant 1/3");
	r = vt_find_row(fx->scr, "## Scope");
	c = vt_find_col(fx->scr, r, "Scope");
	for (k = 0; k < 5; k++)
		assert_int_equal(ad_screen_cell(fx->scr, r, c + k)->slot, AD_SLOT_SEARCH_MATCH);
	assert_int_not_equal(ad_screen_cell(fx->scr, r, c - 1)->slot, AD_SLOT_SEARCH_MATCH);
	/* A variant's own title for the row counts ("Procedure" is right's
	 * name for the Steps row). */
	assert_true(fx->v->ops->search(fx->v, "procedure", 1));
	vt_draw(fx->v, fx->scr, true);
	vt_assert_status(fx->v, "row 4/7 \xC2\xB7 variant 1/3");
	assert_false(fx->v->ops->search(fx->v, "nothing like it", 1));
	/* n and N; wrapping around. */
	assert_true(fx->v->ops->search(fx->v, "s", 1));
	vt_draw(fx->v, fx->scr, true);
	vt_assert_status(fx->v, "row 5/7 \xC2\xB7 variant 1/3");
	act(fx, AD_ACTION_SEARCH_NEXT);
	vt_assert_status(fx->v, "row 6/7 \xC2\xB7 variant 1/3");
	act(fx, AD_ACTION_SEARCH_PREV);
	vt_assert_status(fx->v, "row 5/7 \xC2\xB7 variant 1/3");
	act(fx, AD_ACTION_SEARCH_NEXT);
	act(fx, AD_ACTION_SEARCH_NEXT);
	vt_assert_status(fx->v, "row 3/7 \xC2\xB7 variant 1/3");
	vt_expect_screen(fx->scr, "matrix-search-80x12");
}

/* Next change: rows that are not the same everywhere. */
static void test_next_change(void **state)
{
	fixture *fx = *state;

	three(fx);
	open_view(fx, 80, 12);
	act(fx, AD_ACTION_NEXT_CHANGE);
	vt_assert_status(fx->v, "row 3/7 \xC2\xB7 variant 1/3");
	act(fx, AD_ACTION_SEARCH_NEXT);
	vt_assert_status(fx->v, "row 4/7 \xC2\xB7 variant 1/3");
	act(fx, AD_ACTION_LAST);
	act(fx, AD_ACTION_NEXT_CHANGE);
	vt_assert_status(fx->v, "row 7/7 \xC2\xB7 variant 1/3");
	act(fx, AD_ACTION_FIRST);
	act(fx, AD_ACTION_MOVE_DOWN);
	act(fx, AD_ACTION_PREV_CHANGE);
	vt_assert_status(fx->v, "row 1/7 \xC2\xB7 variant 1/3");
}

static void test_mouse(void **state)
{
	fixture *fx = *state;
	ad_mouse ev = { AD_MOUSE_CLICK, 3, 0 };
	size_t a, b;
	int sa, sb, c;

	three(fx);
	open_view(fx, 80, 12);
	c = vt_find_col(fx->scr, 0, "third.md");
	ev.col = c + 2;
	assert_true(fx->v->ops->mouse(fx->v, NULL, &ev));
	vt_draw(fx->v, fx->scr, true);
	vt_assert_status(fx->v, "row 3/7 \xC2\xB7 variant 3/3");
	/* A click on a title picks the row only. */
	ev.row = 2;
	ev.col = 1;
	assert_true(fx->v->ops->mouse(fx->v, NULL, &ev));
	vt_assert_status(fx->v, "row 2/7 \xC2\xB7 variant 3/3");
	/* Double clicks mark and compare. */
	ev.kind = AD_MOUSE_DOUBLE_CLICK;
	ev.row = 3;
	ev.col = vt_find_col(fx->scr, 0, "left.md");
	assert_true(fx->v->ops->mouse(fx->v, NULL, &ev));
	ev.col = c;
	assert_true(fx->v->ops->mouse(fx->v, NULL, &ev));
	assert_true(ad_matrix_view_request(fx->v, &a, &b, &sa, &sb));
	assert_int_equal(a, 0);
	assert_int_equal(b, 2);
	assert_int_equal(sa, vt_section_index(fx->docs[0], "Scope"));
	/* Outside the rows: nothing. */
	ev.kind = AD_MOUSE_CLICK;
	ev.row = 11;
	assert_false(fx->v->ops->mouse(fx->v, NULL, &ev));
	ev.row = 0;
	assert_false(fx->v->ops->mouse(fx->v, NULL, &ev));
}

static void test_wheel(void **state)
{
	fixture *fx = *state;
	ad_mouse ev = { AD_MOUSE_WHEEL_DOWN, 3, 3 };
	char first[256], row[256];

	reviewers(fx);
	open_view(fx, 100, 8);
	tu_screen_row(fx->scr, 4, first, sizeof(first));
	assert_true(fx->v->ops->mouse(fx->v, NULL, &ev));
	vt_draw(fx->v, fx->scr, true);
	assert_string_equal(tu_screen_row(fx->scr, 1, row, sizeof(row)), first);
	/* The cursor was scrolled off: it follows to the first row in sight. */
	assert_status(fx, 4, 1);
	ev.kind = AD_MOUSE_WHEEL_UP;
	assert_true(fx->v->ops->mouse(fx->v, NULL, &ev));
	vt_draw(fx->v, fx->scr, true);
	assert_string_equal(tu_screen_row(fx->scr, 4, row, sizeof(row)), first);
}

static const char *const hostile[] = {
	"---\nname: x\x1b[31m\n---\n# Ti\x1b]0;pwn\x07tle\n\nbody \xff\n\n"
	"## \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x98\x80 wide\n\ntext\n",
	"# Ti\x1b]0;pwn\x07tle\n\nbody two\n\n## \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
	"\xf0\x9f\x98\x80 wide\n\ntext\n\n<tag\x01>\nx\n</tag\x01>\n",
	"\xfe\xff# only \xc3\x28 invalid\n\n\t\ttabs\n",
};

static void test_hostile(void **state)
{
	fixture *fx = *state;
	const char *labels[] = { "a\x1b[2J", "\xe4\xb8\xad\xe6\x96\x87.md", "\xff" };
	ad_error err = AD_ERROR_INIT;
	int sizes[][2] = { { 100, 12 }, { 30, 6 }, { 12, 3 }, { 1, 1 } };
	size_t i, k;
	int a;

	for (i = 0; i < 3; i++)
		fx->docs[fx->n++] = vt_parse(hostile[i], strlen(hostile[i]));
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		ad_view *v = ad_matrix_view_new((const ad_doc *const *)fx->docs, labels, 3, &err);
		ad_screen *scr = ad_screen_new(sizes[k][1], sizes[k][0]);
		char *dump;

		assert_non_null(v);
		vt_draw(v, scr, true);
		tu_assert_screen_sane(scr);
		dump = tu_screen_dump(scr, false);
		assert_null(strchr(dump, '\x1b'));
		assert_null(strchr(dump, '\x07'));
		if (k == 0) {
			assert_non_null(strstr(dump, "Ti^[]0;pwn^Gtle"));
			assert_non_null(strstr(dump, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"));
			vt_expect_screen(scr, "matrix-hostile-100x12");
		}
		free(dump);
		for (a = AD_ACTION_NONE + 1; a < AD_ACTION_COUNT; a++) {
			v->ops->action(v, NULL, (ad_action)a);
			vt_draw(v, scr, a % 2);
			tu_assert_screen_sane(scr);
		}
		v->ops->free(v);
		ad_screen_free(scr);
	}
}

/* Nothing to align: no rows, and every key still works. */
static void test_empty(void **state)
{
	fixture *fx = *state;
	int a;

	fx->docs[fx->n++] = vt_parse("", 0);
	fx->docs[fx->n++] = vt_parse("\n\n", 2);
	fx->labels[0] = "empty.md";
	fx->labels[1] = "blank.md";
	open_view(fx, 60, 6);
	for (a = AD_ACTION_NONE + 1; a < AD_ACTION_COUNT; a++) {
		fx->v->ops->action(fx->v, NULL, (ad_action)a);
		vt_draw(fx->v, fx->scr, true);
	}
	assert_false(fx->v->ops->search(fx->v, "x", 1));
	vt_assert_status(fx->v, "row 0/0 \xC2\xB7 variant 2/2");
	assert_true(vt_find_row(fx->scr, "empty.md") == 0);
	assert_int_equal(vt_find_row(fx->scr, "frontmatter"), -1);
}

static void test_bad_arguments(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;

	three(fx);
	assert_null(ad_matrix_view_new((const ad_doc *const *)fx->docs, fx->labels, 1, &err));
	assert_int_equal(err.code, AD_EINVALID);
	ad_error_clear(&err);
	{
		ad_doc *keep = fx->docs[2];

		fx->docs[2] = NULL;
		assert_null(ad_matrix_view_new((const ad_doc *const *)fx->docs, fx->labels, 3,
					       &err));
		assert_int_equal(err.code, AD_EINVALID);
		ad_error_clear(&err);
		fx->docs[2] = keep;
	}
	/* NULL labels: the documents' paths. */
	fx->v = ad_matrix_view_new((const ad_doc *const *)fx->docs, NULL, 2, &err);
	assert_non_null(fx->v);
	fx->scr = ad_screen_new(4, 120);
	vt_draw(fx->v, fx->scr, true);
	assert_true(vt_find_row(fx->scr, "right.md") == 0);
}

/* ------------------------------------------------------------ the shared seeds */

static size_t load_seeds(fixture *fx)
{
	char *names[MAXDOCS];
	size_t i;

	fx->n = vt_load_seeds(fx->docs, names, MAXDOCS);
	for (i = 0; i < fx->n; i++) {
		fx->labels[i] = "seed";
		free(names[i]);
	}
	return fx->n;
}

/* Every aligned row of the seeds is on screen, in the alignment's order,
 * titled by its first variant's label. */
static void test_seeds(void **state)
{
	fixture *fx = *state;
	ad_align *al = NULL;
	char *dump;
	const char *at;
	size_t n = load_seeds(fx), i, d;

	if (n < 2)
		skip();
	assert_int_equal(ad_align_docs(&al, (const ad_doc *const *)fx->docs, n, NULL), 0);
	open_view(fx, 400, (int)ad_align_row_count(al) + 3);
	tu_assert_screen_sane(fx->scr);
	dump = tu_screen_dump(fx->scr, false);
	at = dump;
	for (i = 0; i < ad_align_row_count(al); i++) {
		const ad_align_row *row = ad_align_row_at(al, i);
		const ad_section *ref = NULL;
		bool blank = true;
		ad_buf label = AD_BUF_INIT;
		size_t len = 0;

		for (d = 0; d < n; d++) {
			if (row->cells[d] < 0)
				continue;
			if (!ref)
				ref = &ad_doc_sections(fx->docs[d])[row->cells[d]];
			blank &= ad_doc_sections(fx->docs[d])[row->cells[d]].blank;
		}
		if (blank)
			continue;
		ad_section_label(&label, ref);
		/* The plain-ASCII start of it, as drawn. */
		while (len < label.size && len < 30 && (unsigned char)label.ptr[len] >= 0x20 &&
		       (unsigned char)label.ptr[len] < 0x7f)
			len++;
		label.ptr[len] = '\0';
		at = strstr(at, label.ptr);
		if (!at)
			fail_msg("row %zu '%s' is not on screen", i, label.ptr);
		at++;
		ad_buf_free(&label);
	}
	free(dump);
	ad_align_free(al);
	/* And it moves about without trouble. */
	for (i = 0; i < 60; i++)
		act(fx, i % 3 ? AD_ACTION_MOVE_DOWN : AD_ACTION_RIGHT);
	act(fx, AD_ACTION_ENTER);
	act(fx, AD_ACTION_LEFT);
	act(fx, AD_ACTION_ENTER);
	assert_true(ad_matrix_view_request(fx->v, &i, &d, (int[]){ 0 }, (int[]){ 0 }));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(test_examples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enter_compares, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_opens_side_by_side, setup, teardown),
		cmocka_unit_test_setup_teardown(test_narrow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_narrow_screen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_gets_side_by_side, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mouse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wheel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seeds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
