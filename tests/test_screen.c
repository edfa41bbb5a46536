#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "view.h"

#include "testutil.h"

/* ------------------------------------------------------------ helpers */

static int setup(void **state)
{
	*state = ad_screen_new(4, 20);
	return 0;
}

static int teardown(void **state)
{
	ad_screen_free(*state);
	return 0;
}

/* ------------------------------------------------------------ tests */

static void test_plain_text_and_clip(void **state)
{
	ad_screen *scr = *state;

	assert_int_equal(ad_screen_puts(scr, 0, 2, 100, "hello", AD_SLOT_TITLE_BAR, 0), 5);
	tu_assert_screen_row(scr, 0, "  hello");
	assert_int_equal(ad_screen_cell(scr, 0, 2)->slot, AD_SLOT_TITLE_BAR);
	assert_int_equal(ad_screen_cell(scr, 0, 1)->slot, AD_SLOT_DEFAULT);
	/* maxcols and the screen's edge both cut. */
	assert_int_equal(ad_screen_puts(scr, 1, 0, 3, "abcdef", AD_SLOT_DEFAULT, 0), 3);
	tu_assert_screen_row(scr, 1, "abc");
	assert_int_equal(ad_screen_puts(scr, 2, 17, 100, "abcdef", AD_SLOT_DEFAULT, 0), 3);
	tu_assert_screen_row(scr, 2, "                 abc");
	/* Off the screen: nothing. */
	assert_int_equal(ad_screen_puts(scr, 4, 0, 10, "x", AD_SLOT_DEFAULT, 0), 0);
	assert_int_equal(ad_screen_puts(scr, -1, 0, 10, "x", AD_SLOT_DEFAULT, 0), 0);
	assert_int_equal(ad_screen_puts(scr, 0, 20, 10, "x", AD_SLOT_DEFAULT, 0), 0);
	assert_null(ad_screen_cell(scr, 4, 0));
	assert_null(ad_screen_cell(scr, 0, -1));
	tu_assert_screen_sane(scr);
}

static void test_controls_become_escapes(void **state)
{
	ad_screen *scr = *state;
	/* ESC [ 2 J, BEL, NUL, DEL, a newline, and the C1 CSI U+009B. */
	static const char hostile[] = "a\033[2J\a\0\x7f\n\xc2\x9bz";

	ad_screen_resize(scr, 2, 40);
	assert_int_equal(ad_screen_put(scr, 0, 0, 40, hostile, sizeof(hostile) - 1,
				       AD_SLOT_DEFAULT, 0), 23);
	tu_assert_screen_row(scr, 0, "a^[[2J^G^@^?^J<U+009B>z");
	tu_assert_screen_sane(scr);
	/* An escape that does not fit whole is left out, not cut. */
	ad_screen_clear(scr, AD_SLOT_DEFAULT);
	assert_int_equal(ad_screen_put(scr, 1, 0, 5, "ab\xc2\x85", 4, AD_SLOT_DEFAULT, 0), 2);
	tu_assert_screen_row(scr, 1, "ab");
	/* Line and paragraph separators are escapes too. */
	assert_int_equal(ad_screen_puts(scr, 0, 0, 40, "\xe2\x80\xa8", AD_SLOT_DEFAULT, 0), 8);
	tu_assert_screen_row(scr, 0, "<U+2028>");
}

static void test_invalid_utf8(void **state)
{
	ad_screen *scr = *state;

	/* Overlong slash, a lone continuation, a truncated euro, a surrogate:
	 * one U+FFFD per bad byte (2 + 1 + 2 + 3, and three bars). */
	assert_int_equal(ad_screen_puts(scr, 0, 0, 20, "\xc0\xaf|\x80|\xe2\x82|\xed\xa0\x80",
					AD_SLOT_DEFAULT, 0), 11);
	tu_assert_screen_row(scr, 0,
			     "\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
			     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(ad_text_width("\xc0\xaf", 2), 2);
	tu_assert_screen_sane(scr);
}

static void test_wide_characters(void **state)
{
	ad_screen *scr = *state;
	const ad_cell *c;

	/* 日本 is four columns; the emoji two. */
	assert_int_equal(ad_text_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4);
	assert_int_equal(ad_text_width("\xf0\x9f\x98\x80", 4), 2);
	assert_int_equal(ad_screen_puts(scr, 0, 0, 20, "a\xe6\x97\xa5" "b", AD_SLOT_DEFAULT, 0), 4);
	c = ad_screen_cell(scr, 0, 1);
	assert_int_equal(c->cp, 0x65E5);
	assert_int_equal(c->width, 2);
	c = ad_screen_cell(scr, 0, 2);
	assert_int_equal(c->cp, 0);
	assert_int_equal(c->width, 0);
	assert_int_equal(ad_screen_cell(scr, 0, 3)->cp, 'b');
	tu_assert_screen_row(scr, 0, "a\xe6\x97\xa5" "b");

	/* One that does not fit becomes a space. */
	assert_int_equal(ad_screen_puts(scr, 1, 0, 2, "a\xe6\x97\xa5", AD_SLOT_DEFAULT, 0), 2);
	assert_int_equal(ad_screen_cell(scr, 1, 1)->cp, ' ');
	assert_int_equal(ad_screen_cell(scr, 1, 1)->width, 1);
	assert_int_equal(ad_screen_puts(scr, 2, 19, 5, "\xe6\x97\xa5", AD_SLOT_DEFAULT, 0), 1);
	assert_int_equal(ad_screen_cell(scr, 2, 19)->width, 1);

	/* Writing over either half of a wide character blanks the other. */
	ad_screen_puts(scr, 3, 0, 20, "\xe6\x97\xa5\xe6\x9c\xac", AD_SLOT_DEFAULT, 0);
	ad_screen_puts(scr, 3, 1, 1, "x", AD_SLOT_DEFAULT, 0);
	assert_int_equal(ad_screen_cell(scr, 3, 0)->cp, ' ');
	assert_int_equal(ad_screen_cell(scr, 3, 1)->cp, 'x');
	ad_screen_puts(scr, 3, 2, 1, "y", AD_SLOT_DEFAULT, 0);
	assert_int_equal(ad_screen_cell(scr, 3, 3)->cp, ' ');
	assert_int_equal(ad_screen_cell(scr, 3, 3)->width, 1);
	tu_assert_screen_row(scr, 3, " xy");
	/* A wide character over the second half of another. */
	ad_screen_puts(scr, 3, 5, 20, "\xe6\x97\xa5", AD_SLOT_DEFAULT, 0);
	ad_screen_puts(scr, 3, 6, 20, "\xe6\x9c\xac", AD_SLOT_DEFAULT, 0);
	assert_int_equal(ad_screen_cell(scr, 3, 5)->cp, ' ');
	assert_int_equal(ad_screen_cell(scr, 3, 6)->cp, 0x672C);
	ad_screen_fill(scr, 3, 7, 1, '-', AD_SLOT_DEFAULT);
	assert_int_equal(ad_screen_cell(scr, 3, 6)->cp, ' ');
	tu_assert_screen_sane(scr);
}

static void test_zero_width_dropped(void **state)
{
	ad_screen *scr = *state;

	/* e + combining acute, a ZWJ between two emoji, a variation selector,
	 * a right-to-left override: none takes a cell. */
	assert_int_equal(ad_text_width("e\xcc\x81", 3), 1);
	assert_int_equal(ad_text_width("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", 11), 4);
	assert_int_equal(ad_text_width("\xe2\x9d\xa4\xef\xb8\x8f", 6), 1);
	assert_int_equal(ad_screen_puts(scr, 0, 0, 20, "a\xe2\x80\xae" "bc", AD_SLOT_DEFAULT, 0), 3);
	tu_assert_screen_row(scr, 0, "abc");
	tu_assert_screen_sane(scr);
}

static void test_tabs(void **state)
{
	ad_screen *scr = *state;

	/* Tab stops count from the start column given. */
	assert_int_equal(ad_screen_puts(scr, 0, 3, 20, "ab\tc", AD_SLOT_DEFAULT, 0), 9);
	tu_assert_screen_row(scr, 0, "   ab      c");
	assert_int_equal(ad_text_width("\t\t", 2), 16);
	assert_int_equal(ad_text_width("abcdefgh\tx", 10), 17);
	/* A tab cut by the limit draws what fits. */
	assert_int_equal(ad_screen_puts(scr, 1, 0, 5, "a\tb", AD_SLOT_CURSOR, 0), 5);
	assert_int_equal(ad_screen_cell(scr, 1, 4)->slot, AD_SLOT_CURSOR);
}

static void test_text_fit(void **state)
{
	int used = -1;

	(void)state;
	assert_int_equal(ad_text_fit("hello", 5, 3, &used), 3);
	assert_int_equal(used, 3);
	/* Never in the middle of a character, nor of a wide one's columns. */
	assert_int_equal(ad_text_fit("a\xe6\x97\xa5" "b", 5, 2, &used), 1);
	assert_int_equal(used, 1);
	assert_int_equal(ad_text_fit("a\xe6\x97\xa5" "b", 5, 3, &used), 4);
	assert_int_equal(used, 3);
	/* An escape is whole or out. */
	assert_int_equal(ad_text_fit("a\033b", 3, 2, &used), 1);
	assert_int_equal(ad_text_fit("a\033b", 3, 3, &used), 2);
	assert_int_equal(used, 3);
	/* Zero-width characters go with the one before them. */
	assert_int_equal(ad_text_fit("e\xcc\x81x", 4, 1, &used), 3);
	assert_int_equal(ad_text_fit("", 0, 10, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(ad_text_fit("abc", 3, 0, NULL), 0);
}

static void test_fill_paint_and_slots_dump(void **state)
{
	ad_screen *scr = *state;
	ad_buf out = AD_BUF_INIT;

	ad_screen_resize(scr, 2, 8);
	ad_screen_fill(scr, 0, 0, 8, ' ', AD_SLOT_TITLE_BAR);
	ad_screen_puts(scr, 0, 1, 8, "Title", AD_SLOT_TITLE_BAR, AD_CELL_BOLD);
	ad_screen_puts(scr, 1, 0, 8, "ab cd", AD_SLOT_DEFAULT, 0);
	ad_screen_paint(scr, 1, 3, 2, AD_SLOT_SEARCH_MATCH, AD_CELL_REVERSE);
	/* A control filled in is a space: fill cannot smuggle one in. */
	ad_screen_fill(scr, 1, 6, 1, 0x1B, AD_SLOT_DEFAULT);
	assert_int_equal(ad_screen_cell(scr, 1, 6)->cp, ' ');
	assert_int_equal(ad_screen_cell(scr, 1, 3)->cp, 'c');
	assert_int_equal(ad_screen_cell(scr, 1, 3)->attrs, AD_CELL_REVERSE);
	assert_int_equal(ad_screen_cell(scr, 0, 1)->attrs, AD_CELL_BOLD);
	ad_screen_dump(scr, &out, true);
	assert_string_equal(ad_buf_cstr(&out),
			    " Title\n"
			    "aaaaaaaa\n"
			    "ab cd\n"
			    "...uu\n");
	assert_int_equal(ad_screen_slot_letter(AD_SLOT_DEFAULT), '.');
	assert_int_equal(ad_screen_slot_letter(AD_SLOT_CURSOR), 'e');
	ad_buf_free(&out);
}

static void test_resize_clears(void **state)
{
	ad_screen *scr = *state;
	ad_buf out = AD_BUF_INIT;

	ad_screen_puts(scr, 0, 0, 20, "x", AD_SLOT_DEFAULT, 0);
	ad_screen_resize(scr, 0, -3);
	assert_int_equal(ad_screen_rows(scr), 1);
	assert_int_equal(ad_screen_cols(scr), 1);
	ad_screen_dump(scr, &out, false);
	assert_string_equal(ad_buf_cstr(&out), "\n");
	ad_buf_free(&out);
}

/* Every byte value, and random byte strings, drawn at every width: the
 * screen never holds a control or half a wide character, and put never
 * reports more columns than it was allowed. */
static void test_any_bytes(void **state)
{
	ad_screen *scr = *state;
	unsigned char bytes[256];
	uint32_t seed = 12345;
	int i, w, round;

	for (i = 0; i < 256; i++)
		bytes[i] = (unsigned char)i;
	ad_screen_resize(scr, 3, 64);
	for (w = 0; w <= 64; w += 7) {
		ad_screen_clear(scr, AD_SLOT_DEFAULT);
		assert_true(ad_screen_put(scr, 0, 64 - w, w, (const char *)bytes, 256,
					  AD_SLOT_DEFAULT, 0) <= w);
		tu_assert_screen_sane(scr);
	}
	for (round = 0; round < 2000; round++) {
		char buf[40];
		size_t n = (size_t)(round % 40), fit;
		int used;

		for (i = 0; (size_t)i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* Lean towards UTF-8 lead and continuation bytes. */
			buf[i] = (char)((seed >> 16) & 1 ? 0x80 | ((seed >> 8) & 0x7F) : (seed >> 8) & 0xFF);
		}
		w = round % 23;
		assert_true(ad_screen_put(scr, round % 3, round % 50, w, buf, n,
					  AD_SLOT_DEFAULT, 0) <= w);
		fit = ad_text_fit(buf, n, w, &used);
		assert_true(fit <= n);
		assert_true(used <= w);
		assert_int_equal(ad_text_width(buf, fit), used);
		tu_assert_screen_sane(scr);
	}
}

/* The search every view shares: ASCII letters without case, other bytes
 * as they are, from an offset, within the length given. */
static void test_view_find(void **state)
{
	static const char hay[] = "Role: the ROLE of \xc3\x89t\xc3\xa9";
	size_t at = 99;

	(void)state;
	assert_true(ad_view_find(hay, strlen(hay), "role", 0, &at));
	assert_int_equal(at, 0);
	assert_true(ad_view_find(hay, strlen(hay), "rOlE", 1, &at));
	assert_int_equal(at, 10);
	assert_false(ad_view_find(hay, 13, "role", 1, &at)); /* cut by the length */
	assert_true(ad_view_find(hay, strlen(hay), "\xc3\xa9", 0, &at));
	assert_int_equal(at, 21);
	assert_false(ad_view_find(hay, strlen(hay), "\xc3\xa9t", 0, &at)); /* no case for non-ASCII */
	assert_false(ad_view_find(hay, strlen(hay), "", 0, &at));
	assert_false(ad_view_find(NULL, 0, "x", 0, &at));
	assert_false(ad_view_find(hay, strlen(hay), "role", strlen(hay), &at));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_plain_text_and_clip),
		T(test_controls_become_escapes),
		T(test_invalid_utf8),
		T(test_wide_characters),
		T(test_zero_width_dropped),
		T(test_tabs),
		T(test_text_fit),
		T(test_fill_paint_and_slots_dump),
		T(test_resize_clears),
		T(test_any_bytes),
		cmocka_unit_test(test_view_find),
	};

	return cmocka_run_group_tests_name("screen", tests, NULL, NULL);
}
