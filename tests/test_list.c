/*
 * test_list: the cursor, scrolling, paging and search every view shares.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "list.h"

static ad_list make(size_t count, size_t height, size_t overlap)
{
	ad_list l = { .height = height, .overlap = overlap };

	ad_list_set_count(&l, count);
	return l;
}

static void test_empty(void **state)
{
	ad_list l = make(0, 10, 1);

	(void)state;
	assert_false(ad_list_move(&l, 1));
	assert_false(ad_list_move(&l, -1));
	assert_false(ad_list_goto(&l, 5));
	ad_list_scroll(&l, 3, true);
	ad_list_follow(&l);
	assert_int_equal(l.cursor, 0);
	assert_int_equal(l.top, 0);
}

static void test_cursor_clamps(void **state)
{
	ad_list l = make(5, 10, 1);

	(void)state;
	assert_false(ad_list_move(&l, -1));
	assert_true(ad_list_move(&l, 3));
	assert_int_equal(l.cursor, 3);
	assert_true(ad_list_move(&l, 100));
	assert_int_equal(l.cursor, 4);
	assert_false(ad_list_move(&l, 1));
	assert_true(ad_list_move(&l, -100));
	assert_int_equal(l.cursor, 0);
	assert_true(ad_list_goto(&l, 99));
	assert_int_equal(l.cursor, 4);
	/* The list shrinks under the cursor. */
	ad_list_set_count(&l, 2);
	assert_int_equal(l.cursor, 1);
	ad_list_set_count(&l, 0);
	assert_int_equal(l.cursor, 0);
}

static void test_page_size(void **state)
{
	ad_list l = make(100, 10, 1), m = make(100, 10, 0), tiny = make(100, 1, 1);
	ad_list undrawn = make(100, 0, 1);

	(void)state;
	assert_int_equal(ad_list_page_size(&l, false), 9);
	assert_int_equal(ad_list_page_size(&l, true), 5);
	assert_int_equal(ad_list_page_size(&m, false), 10);
	assert_int_equal(ad_list_page_size(&m, true), 5);
	/* Always moves on. */
	assert_int_equal(ad_list_page_size(&tiny, false), 1);
	assert_int_equal(ad_list_page_size(&tiny, true), 1);
	assert_int_equal(ad_list_page_size(&undrawn, false), 1);
}

static void test_follow(void **state)
{
	ad_list l = make(100, 10, 1);

	(void)state;
	ad_list_goto(&l, 25);
	ad_list_follow(&l);
	assert_int_equal(l.top, 16); /* the cursor on the last row */
	ad_list_goto(&l, 3);
	ad_list_follow(&l);
	assert_int_equal(l.top, 3);
	/* No rows past the end while earlier ones fit. */
	l.top = 95;
	ad_list_goto(&l, 97);
	ad_list_follow(&l);
	assert_int_equal(l.top, 90);
	/* A list shorter than the height starts at the top. */
	ad_list_set_count(&l, 4);
	ad_list_follow(&l);
	assert_int_equal(l.top, 0);
	assert_int_equal(l.cursor, 3);
}

static void test_page_at_edges(void **state)
{
	ad_list l = make(25, 10, 0);

	(void)state;
	/* Down a page, dragging the cursor. */
	ad_list_scroll(&l, 10, true);
	assert_int_equal(l.top, 10);
	assert_int_equal(l.cursor, 10);
	/* The last page stays full: the top stops at count - height. */
	ad_list_scroll(&l, 10, true);
	assert_int_equal(l.top, 15);
	assert_int_equal(l.cursor, 20);
	ad_list_scroll(&l, 10, true);
	assert_int_equal(l.top, 15);
	assert_int_equal(l.cursor, 24);
	/* Up past the start. */
	ad_list_scroll(&l, -10, true);
	assert_int_equal(l.top, 5);
	assert_int_equal(l.cursor, 14);
	ad_list_scroll(&l, -10, true);
	assert_int_equal(l.top, 0);
	assert_int_equal(l.cursor, 4);
	ad_list_scroll(&l, -10, true);
	assert_int_equal(l.top, 0);
	assert_int_equal(l.cursor, 0);
}

static void test_scroll_keeps_cursor_in_sight(void **state)
{
	ad_list l = make(50, 10, 1);

	(void)state;
	ad_list_goto(&l, 2);
	/* The wheel: the cursor moves only as far as it must. */
	ad_list_scroll(&l, 3, false);
	assert_int_equal(l.top, 3);
	assert_int_equal(l.cursor, 3);
	ad_list_goto(&l, 12);
	ad_list_scroll(&l, -3, false);
	assert_int_equal(l.top, 0);
	assert_int_equal(l.cursor, 9);
	/* Shorter than the screen: nothing to scroll. */
	l = make(4, 10, 1);
	ad_list_scroll(&l, 3, false);
	assert_int_equal(l.top, 0);
	assert_int_equal(l.cursor, 0);
}

static const char *const words[] = { "alpha", "beta", "gamma", "beta", "delta" };

static bool has(size_t i, void *payload)
{
	return strstr(words[i], (const char *)payload) != NULL;
}

static void test_find_wraps(void **state)
{
	size_t at = 99;

	(void)state;
	assert_int_equal(ad_list_find(5, 0, 1, has, "beta", &at), AD_SEARCH_FOUND);
	assert_int_equal(at, 1);
	assert_int_equal(ad_list_find(5, 1, 1, has, "beta", &at), AD_SEARCH_FOUND);
	assert_int_equal(at, 3);
	assert_int_equal(ad_list_find(5, 3, 1, has, "beta", &at), AD_SEARCH_WRAPPED);
	assert_int_equal(at, 1);
	/* Backward. */
	assert_int_equal(ad_list_find(5, 3, -1, has, "beta", &at), AD_SEARCH_FOUND);
	assert_int_equal(at, 1);
	assert_int_equal(ad_list_find(5, 1, -1, has, "beta", &at), AD_SEARCH_WRAPPED);
	assert_int_equal(at, 3);
	assert_int_equal(ad_list_find(5, 0, -1, has, "delta", &at), AD_SEARCH_WRAPPED);
	assert_int_equal(at, 4);
	/* The only match: from itself, either way. */
	assert_int_equal(ad_list_find(5, 2, 1, has, "gamma", &at), AD_SEARCH_ONLY);
	assert_int_equal(at, 2);
	assert_int_equal(ad_list_find(5, 2, -1, has, "gamma", &at), AD_SEARCH_ONLY);
	/* The only match elsewhere is found, not "only". */
	assert_int_equal(ad_list_find(5, 0, 1, has, "gamma", &at), AD_SEARCH_FOUND);
	at = 99;
	assert_int_equal(ad_list_find(5, 0, 1, has, "omega", &at), AD_SEARCH_NOT_FOUND);
	assert_int_equal(at, 99);
	assert_int_equal(ad_list_find(0, 0, 1, has, "alpha", &at), AD_SEARCH_NOT_FOUND);
	/* One row. */
	assert_int_equal(ad_list_find(1, 0, 1, has, "alpha", &at), AD_SEARCH_ONLY);
}

static void test_search_moves_cursor(void **state)
{
	ad_list l = make(5, 2, 1);

	(void)state;
	assert_int_equal(ad_list_search(&l, 1, has, "delta"), AD_SEARCH_FOUND);
	assert_int_equal(l.cursor, 4);
	assert_int_equal(l.top, 3); /* in sight */
	assert_int_equal(ad_list_search(&l, 1, has, "alpha"), AD_SEARCH_WRAPPED);
	assert_int_equal(l.cursor, 0);
	assert_int_equal(l.top, 0);
	assert_int_equal(ad_list_search(&l, 1, has, "omega"), AD_SEARCH_NOT_FOUND);
	assert_int_equal(l.cursor, 0);
	l = make(0, 2, 1);
	assert_int_equal(ad_list_search(&l, 1, has, "alpha"), AD_SEARCH_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_cursor_clamps),
		cmocka_unit_test(test_page_size),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_page_at_edges),
		cmocka_unit_test(test_scroll_keeps_cursor_in_sight),
		cmocka_unit_test(test_find_wraps),
		cmocka_unit_test(test_search_moves_cursor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
