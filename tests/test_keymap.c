#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"
#include "util.h"

/* ------------------------------------------------------------ helpers */

static int setup(void **state)
{
	*state = ad_keymap_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	ad_keymap_free(*state);
	return 0;
}

/* Feeds n keys, all but the last expected to be pending, and checks that
 * the last one triggers expect (AD_ACTION_NONE: nothing). */
static void expect_keys(ad_keymap *km, const int *keys, size_t n, ad_action expect)
{
	ad_action a = AD_ACTION_NONE;
	ad_keymap_result r = AD_KEYMAP_NONE;
	size_t i;

	for (i = 0; i < n; i++) {
		r = ad_keymap_feed(km, keys[i], &a);
		if (i + 1 < n)
			assert_int_equal(r, AD_KEYMAP_PENDING);
	}
	if (expect == AD_ACTION_NONE) {
		assert_int_equal(r, AD_KEYMAP_NONE);
	} else {
		assert_int_equal(r, AD_KEYMAP_ACTION);
		if (a != expect)
			fail_msg("got %s, expected %s", ad_action_name(a), ad_action_name(expect));
	}
}

static void expect_key(ad_keymap *km, int key, ad_action expect)
{
	expect_keys(km, &key, 1, expect);
}

static void expect_describe(const ad_keymap *km, ad_action action, const char *expect)
{
	ad_buf out = AD_BUF_INIT;

	ad_keymap_describe(km, action, &out);
	assert_string_equal(ad_buf_cstr(&out), expect);
	ad_buf_free(&out);
}

static void expect_parse(const char *name, int n, int k0, int k1)
{
	int keys[2] = { -99, -99 };
	ad_error err = AD_ERROR_INIT;

	if (ad_key_parse(name, keys, &err) != n)
		fail_msg("'%s': %s", name, err.message ? err.message : "wrong count");
	assert_int_equal(keys[0], k0);
	if (n == 2)
		assert_int_equal(keys[1], k1);
	assert_null(err.message);
}

static void expect_parse_error(const char *name, const char *message)
{
	int keys[2];
	ad_error err = AD_ERROR_INIT;

	assert_int_equal(ad_key_parse(name, keys, &err), -1);
	assert_int_equal(err.code, AD_EPARSE);
	assert_string_equal(err.message, message);
	ad_error_clear(&err);
}

static void expect_name(int key, const char *name)
{
	ad_buf out = AD_BUF_INIT;

	ad_buf_puts(&out, "x"); /* appends, never replaces */
	ad_key_name(&out, key);
	assert_true(out.ptr[0] == 'x');
	assert_string_equal(out.ptr + 1, name);
	ad_buf_free(&out);
}

/* ------------------------------------------------------------ defaults */

/* Every action has its AD_ACTIONS keys bound, in that order, and the help
 * screen's line reads them back: the table and the keymap agree. */
static void test_defaults_match_table(void **state)
{
	ad_keymap *km = *state;
	int a;

	for (a = AD_ACTION_NONE + 1; a < AD_ACTION_COUNT; a++) {
		ad_buf want = AD_BUF_INIT;
		const char *p;

		for (p = ad_action_default_keys((ad_action)a); *p; p++) {
			if (*p == ' ')
				ad_buf_puts(&want, ", ");
			else
				ad_buf_putc(&want, *p);
		}
		expect_describe(km, (ad_action)a, ad_buf_cstr(&want));
		assert_true(want.size > 0);
		ad_buf_free(&want);
	}
	expect_describe(km, AD_ACTION_PAGE_DOWN, "PgDn, C-f, Space");
	expect_describe(km, AD_ACTION_PREV_CHANGE, "[c, p");
}

static void test_default_keys_act(void **state)
{
	ad_keymap *km = *state;

	expect_key(km, 'j', AD_ACTION_MOVE_DOWN);
	expect_key(km, AD_KEY_DOWN, AD_ACTION_MOVE_DOWN);
	expect_key(km, 'k', AD_ACTION_MOVE_UP);
	expect_key(km, AD_KEY_CTRL('d'), AD_ACTION_HALF_PAGE_DOWN);
	expect_key(km, AD_KEY_PGDN, AD_ACTION_PAGE_DOWN);
	expect_key(km, ' ', AD_ACTION_PAGE_DOWN);
	expect_key(km, AD_KEY_ENTER, AD_ACTION_ENTER);
	expect_key(km, AD_KEY_TAB, AD_ACTION_SWITCH_PANE);
	expect_key(km, AD_KEY_ESC, AD_ACTION_CLOSE);
	expect_key(km, AD_KEY_F1, AD_ACTION_HELP);
	expect_key(km, '?', AD_ACTION_HELP);
	expect_key(km, '\\', AD_ACTION_SEARCH_BACK);
	expect_key(km, 'n', AD_ACTION_SEARCH_NEXT);
	expect_key(km, 'N', AD_ACTION_SEARCH_PREV);
	expect_key(km, 'x', AD_ACTION_NONE);
	expect_key(km, AD_KEY_F12, AD_ACTION_NONE);
	expect_key(km, -1, AD_ACTION_NONE);
}

/* ------------------------------------------------------------ sequences */

static void test_sequences(void **state)
{
	ad_keymap *km = *state;
	ad_action a = AD_ACTION_NONE;
	static const int next[] = { ']', 'c' }, prev[] = { '[', 'c' };
	static const int fold_all[] = { 'z', 'M' }, toggle[] = { 'z', 'a' };
	static const int unfold[] = { 'z', 'R' }, bad[] = { 'z', 'j' };

	expect_keys(km, next, 2, AD_ACTION_NEXT_CHANGE);
	expect_keys(km, prev, 2, AD_ACTION_PREV_CHANGE);
	expect_keys(km, fold_all, 2, AD_ACTION_FOLD_ALL);
	expect_keys(km, toggle, 2, AD_ACTION_FOLD_TOGGLE);
	expect_keys(km, unfold, 2, AD_ACTION_UNFOLD_ALL);
	/* A key that completes no sequence is dropped with the prefix... */
	expect_keys(km, bad, 2, AD_ACTION_NONE);
	/* ...and the keymap is back to single keys. */
	expect_key(km, 'j', AD_ACTION_MOVE_DOWN);
	expect_key(km, 'c', AD_ACTION_COMPARE);

	/* reset forgets a pending prefix: 'c' alone is compare again. */
	assert_int_equal(ad_keymap_feed(km, ']', &a), AD_KEYMAP_PENDING);
	ad_keymap_reset(km);
	expect_key(km, 'c', AD_ACTION_COMPARE);
}

/* ------------------------------------------------------------ key names */

static void test_parse_names(void **state)
{
	expect_parse("j", 1, 'j', 0);
	expect_parse("?", 1, '?', 0);
	expect_parse("\\", 1, '\\', 0);
	expect_parse("\xC3\xA9", 1, 0xE9, 0);
	expect_parse("\xF0\x9F\x98\x80", 1, 0x1F600, 0);
	expect_parse("C-d", 1, 4, 0);
	expect_parse("C-D", 1, 4, 0);
	expect_parse("C-[", 1, 27, 0);
	expect_parse("C-@", 1, 0, 0);
	expect_parse("C-?", 1, 0x7F, 0);
	expect_parse("Up", 1, AD_KEY_UP, 0);
	expect_parse("Down", 1, AD_KEY_DOWN, 0);
	expect_parse("Left", 1, AD_KEY_LEFT, 0);
	expect_parse("Right", 1, AD_KEY_RIGHT, 0);
	expect_parse("Home", 1, AD_KEY_HOME, 0);
	expect_parse("End", 1, AD_KEY_END, 0);
	expect_parse("PgUp", 1, AD_KEY_PGUP, 0);
	expect_parse("PgDn", 1, AD_KEY_PGDN, 0);
	expect_parse("Enter", 1, '\n', 0);
	expect_parse("Tab", 1, '\t', 0);
	expect_parse("Esc", 1, 27, 0);
	expect_parse("Space", 1, ' ', 0);
	expect_parse("Backspace", 1, AD_KEY_BACKSPACE, 0);
	expect_parse("Delete", 1, AD_KEY_DELETE, 0);
	expect_parse("F1", 1, AD_KEY_F1, 0);
	expect_parse("F9", 1, AD_KEY_F1 + 8, 0);
	expect_parse("F10", 1, AD_KEY_F1 + 9, 0);
	expect_parse("F12", 1, AD_KEY_F12, 0);
	/* Two characters are a sequence. */
	expect_parse("]c", 2, ']', 'c');
	expect_parse("zM", 2, 'z', 'M');
	expect_parse("F0", 2, 'F', '0');
	expect_parse("C-", 2, 'C', '-');
	expect_parse("g\xC3\xA9", 2, 'g', 0xE9);
}

static void test_parse_errors(void **state)
{
	expect_parse_error("", "unknown key name '' (empty)");
	expect_parse_error("F13", "unknown key name 'F13' (function keys are F1 to F12)");
	expect_parse_error("C-1", "unknown key name 'C-1' (control keys are C-a to C-z,"
			   " C-@, C-[, C-\\, C-], C-^, C-_ and C-?)");
}

static void test_parse_error_messages(void **state)
{
	static const char many[] = " (a key is a character, C-x, or one of Up Down"
		" Left Right Home End PgUp PgDn Enter Tab Esc Space Backspace Delete"
		" F1-F12; two characters make a sequence)";
	char msg[512];

	snprintf(msg, sizeof(msg), "unknown key name 'Foo'%s", many);
	expect_parse_error("Foo", msg);
	snprintf(msg, sizeof(msg), "unknown key name 'pgdn'%s", many);
	expect_parse_error("pgdn", msg);
	snprintf(msg, sizeof(msg), "unknown key name 'abc'%s", many);
	expect_parse_error("abc", msg);
	expect_parse_error("\x01", "unknown key name '^A' (a control character: write"
			   " C-x for control-x, or Enter, Tab, Esc)");
	expect_parse_error("a\x1b[2J", "unknown key name 'a^[[2J' (a control character:"
			   " write C-x for control-x, or Enter, Tab, Esc)");
	expect_parse_error("\xC2\x85", "unknown key name '<U+0085>' (a control character:"
			   " write C-x for control-x, or Enter, Tab, Esc)");
	expect_parse_error("\xFF", "unknown key name '\xEF\xBF\xBD' (invalid UTF-8)");
}

static void test_key_names(void **state)
{
	expect_name('j', "j");
	expect_name(' ', "Space");
	expect_name('\n', "Enter");
	expect_name('\t', "Tab");
	expect_name(27, "Esc");
	expect_name(4, "C-d");
	expect_name(0, "C-@");
	expect_name(13, "C-m");
	expect_name(29, "C-]");
	expect_name(0x7F, "C-?");
	expect_name(0xE9, "\xC3\xA9");
	expect_name(0x4E2D, "\xE4\xB8\xAD");
	expect_name(0x1F600, "\xF0\x9F\x98\x80");
	expect_name(0x85, "<U+0085>");
	expect_name(0xD800, "<U+D800>");
	expect_name(AD_KEY_PGDN, "PgDn");
	expect_name(AD_KEY_F1 + 4, "F5");
	expect_name(AD_KEY_F12, "F12");
	expect_name(AD_KEY_RESIZE, "<resize>");
	expect_name(AD_KEY_MOUSE, "<mouse>");
	expect_name(-5, "<key -5>");
}

/* Every key that has a name reads back as itself. */
static void test_names_round_trip(void **state)
{
	int key;

	for (key = 0; key <= AD_KEY_F12; key++) {
		ad_buf name = AD_BUF_INIT;
		int keys[2];

		if (key == 0x800)
			key = 0x10FF00; /* the middle of Unicode is more of the same */
		if ((key >= 0x80 && key < 0xA0) || (key >= 0xD800 && key <= 0xDFFF))
			continue;
		ad_key_name(&name, key);
		if (ad_key_parse(ad_buf_cstr(&name), keys, NULL) != 1 || keys[0] != key)
			fail_msg("key %d named '%s' does not read back", key, ad_buf_cstr(&name));
		ad_buf_free(&name);
	}
}

/* ------------------------------------------------------------ binding */

static void test_bind_replaces(void **state)
{
	ad_keymap *km = *state;
	ad_error err = AD_ERROR_INIT;

	assert_int_equal(ad_keymap_bind(km, "j", AD_ACTION_QUIT, &err), 0);
	expect_key(km, 'j', AD_ACTION_QUIT);
	expect_describe(km, AD_ACTION_MOVE_DOWN, "Down");
	expect_describe(km, AD_ACTION_QUIT, "Q, j");
	/* A new key goes after the others. */
	assert_int_equal(ad_keymap_bind(km, "C-n", AD_ACTION_MOVE_DOWN, &err), 0);
	assert_int_equal(ad_keymap_bind(km, "gx", AD_ACTION_COMPARE, &err), AD_ECONFLICT);
	assert_int_equal(ad_keymap_bind(km, "x", AD_ACTION_COMPARE, &err), 0);
	assert_int_equal(ad_keymap_bind(km, "\xC3\xA9", AD_ACTION_COMPARE, &err), 0);
	expect_describe(km, AD_ACTION_MOVE_DOWN, "Down, C-n");
	expect_describe(km, AD_ACTION_COMPARE, "c, x, \xC3\xA9");
	expect_key(km, 0xE9, AD_ACTION_COMPARE);
	/* New sequences on a fresh prefix. */
	assert_int_equal(ad_keymap_bind(km, "\xC3\xA9q", AD_ACTION_QUIT, &err), AD_ECONFLICT);
	assert_int_equal(ad_keymap_bind(km, "]]", AD_ACTION_LAST, &err), 0);
	{
		static const int seq[] = { ']', ']' };

		expect_keys(km, seq, 2, AD_ACTION_LAST);
	}
	ad_error_clear(&err);
}

static void test_unbind(void **state)
{
	ad_keymap *km = *state;
	static const int za[] = { 'z', 'a' }, nc[] = { ']', 'c' };

	assert_int_equal(ad_keymap_bind(km, "j", AD_ACTION_NONE, NULL), 0);
	expect_key(km, 'j', AD_ACTION_NONE);
	expect_describe(km, AD_ACTION_MOVE_DOWN, "Down");
	/* Unbinding what is not bound is fine. */
	assert_int_equal(ad_keymap_bind(km, "j", AD_ACTION_NONE, NULL), 0);
	/* A sequence alone. */
	assert_int_equal(ad_keymap_bind(km, "]c", AD_ACTION_NONE, NULL), 0);
	expect_keys(km, nc, 1, AD_ACTION_NONE);
	/* A prefix key takes its sequences with it... */
	assert_int_equal(ad_keymap_bind(km, "z", AD_ACTION_NONE, NULL), 0);
	expect_keys(km, za, 1, AD_ACTION_NONE);
	expect_describe(km, AD_ACTION_FOLD_ALL, "");
	/* ...and is then free for a key of its own. */
	assert_int_equal(ad_keymap_bind(km, "z", AD_ACTION_FOLD_TOGGLE, NULL), 0);
	expect_key(km, 'z', AD_ACTION_FOLD_TOGGLE);
}

static void test_bind_conflicts(void **state)
{
	ad_keymap *km = *state;
	ad_error err = AD_ERROR_INIT;

	assert_int_equal(ad_keymap_bind(km, "]", AD_ACTION_QUIT, &err), AD_ECONFLICT);
	assert_string_equal(err.message, "cannot bind ']': it starts the sequence ]c"
			    " (next-change); unbind its sequences first with 'bind ] none'");
	assert_int_equal(ad_keymap_bind(km, "gg", AD_ACTION_FIRST, &err), AD_ECONFLICT);
	assert_string_equal(err.message, "cannot bind the sequence 'gg': its first key g"
			    " is bound to first (unbind it first with 'bind g none')");
	assert_int_equal(ad_keymap_bind(km, "Enter", AD_ACTION_MARK, &err), 0);
	/* Nothing changed on a failure. */
	expect_key(km, 'g', AD_ACTION_FIRST);
	{
		static const int nc[] = { ']', 'c' };

		expect_keys(km, nc, 2, AD_ACTION_NEXT_CHANGE);
	}
	ad_error_clear(&err);
}

static void test_bind_errors(void **state)
{
	ad_keymap *km = *state;
	ad_error err = AD_ERROR_INIT;

	assert_int_equal(ad_keymap_bind(km, "Foo", AD_ACTION_QUIT, &err), AD_EPARSE);
	assert_non_null(strstr(err.message, "unknown key name 'Foo'"));
	assert_int_equal(ad_keymap_bind(km, "j", AD_ACTION_COUNT, &err), AD_EINVALID);
	assert_int_equal(ad_keymap_bind(km, "j", (ad_action)-3, &err), AD_EINVALID);
	expect_key(km, 'j', AD_ACTION_MOVE_DOWN);
	ad_error_clear(&err);
}

/* A config file binding thousands of keys meets a limit, not a slowdown. */
static void test_bind_limit(void **state)
{
	ad_keymap *km = *state;
	ad_error err = AD_ERROR_INIT;
	int i, rc = 0;

	for (i = 0; i < 5000 && rc == 0; i++) {
		ad_buf name = AD_BUF_INIT;

		ad_key_name(&name, 0x4E00 + i);
		rc = ad_keymap_bind(km, ad_buf_cstr(&name), AD_ACTION_QUIT, &err);
		ad_buf_free(&name);
	}
	assert_int_equal(rc, AD_ETOOBIG);
	assert_string_equal(err.message, "too many key bindings (at most 1024)");
	expect_key(km, 'j', AD_ACTION_MOVE_DOWN);
	/* Rebinding a key that is bound still works at the limit. */
	assert_int_equal(ad_keymap_bind(km, "j", AD_ACTION_QUIT, &err), 0);
	expect_key(km, 'j', AD_ACTION_QUIT);
	ad_error_clear(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults_match_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_keys_act, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequences, setup, teardown),
		cmocka_unit_test(test_parse_names),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_error_messages),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test_setup_teardown(test_bind_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_limit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
