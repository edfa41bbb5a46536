#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confparse.h"
#include "fileio.h"
#include "theme.h"
#include "util.h"

#include "testutil.h"

/* ------------------------------------------------------------ helpers */

/* $XDG_CONFIG_HOME and $HOME, for the tests that load themes by name. */
typedef tu_home fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));

	if (!fx || tu_home_make(fx, "adtheme") < 0) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	tu_home_remove(*state);
	free(*state);
	return 0;
}

static void blank(ad_theme *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < AD_SLOT_COUNT; i++)
		t->slots[i].fg = t->slots[i].bg = AD_COLOR_DEFAULT;
}

static void assert_same_slots(const ad_theme *a, const ad_theme *b)
{
	int i;

	for (i = 0; i < AD_SLOT_COUNT; i++) {
		if (a->slots[i].fg != b->slots[i].fg || a->slots[i].bg != b->slots[i].bg ||
		    a->slots[i].attrs != b->slots[i].attrs)
			fail_msg("slot %s differs: %d/%d/%u against %d/%d/%u",
				 ad_slot_name((ad_slot)i), a->slots[i].fg, a->slots[i].bg,
				 a->slots[i].attrs, b->slots[i].fg, b->slots[i].bg,
				 b->slots[i].attrs);
	}
}

static void assert_style(const ad_theme *t, ad_slot slot, int fg, int bg,
			 unsigned attrs)
{
	assert_int_equal(t->slots[slot].fg, fg);
	assert_int_equal(t->slots[slot].bg, bg);
	assert_int_equal(t->slots[slot].attrs, attrs);
}

/* Reads themes/NAME.theme from the source tree; NULL (and the test
 * skipped) when AD_SRCDIR is not set. */
static char *read_theme_file(const char *name, size_t *len)
{
	const char *src = getenv("AD_SRCDIR");
	ad_buf path = AD_BUF_INIT;
	char *data = NULL;

	if (!src)
		return NULL;
	ad_buf_printf(&path, "%s/themes/%s.theme", src, name);
	assert_int_equal(ad_read_file(&data, len, ad_buf_cstr(&path), 1 << 20, NULL), 0);
	ad_buf_free(&path);
	return data;
}

/* Parses text on top of the default theme, expecting an error; checks
 * its place and message. */
static void expect_error(const char *text, size_t len, int line, int column,
			 const char *message)
{
	ad_theme t, before;
	ad_error err = AD_ERROR_INIT;

	ad_theme_default(&t);
	before = t;
	assert_int_equal(ad_theme_parse(&t, "my.theme", text, len, &err), AD_EPARSE);
	assert_non_null(err.message);
	assert_string_equal(err.path, "my.theme");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, column);
	assert_string_equal(err.message, message);
	assert_memory_equal(&t, &before, sizeof(t));
	ad_error_clear(&err);
}

/* ------------------------------------------------------------ the built-in themes */

/* The compiled-in default is exactly what themes/dark.theme says. */
static void test_default_is_dark_theme_file(void **state)
{
	ad_theme file, def;
	size_t len;
	char *data = read_theme_file("dark", &len);
	int i;

	if (!data)
		skip();
	blank(&file);
	assert_int_equal(ad_theme_parse(&file, "dark.theme", data, len, NULL), 0);
	ad_theme_default(&def);
	assert_same_slots(&file, &def);
	assert_string_equal(def.name, "dark");
	/* The file names every slot, so nothing is left to chance. */
	for (i = 0; i < AD_SLOT_COUNT; i++) {
		ad_buf line = AD_BUF_INIT;

		ad_buf_printf(&line, "\ncolor %s ", ad_slot_name((ad_slot)i));
		if (!strstr(data, ad_buf_cstr(&line)))
			fail_msg("dark.theme has no line for %s", ad_slot_name((ad_slot)i));
		ad_buf_free(&line);
	}
	free(data);
}

static void test_default_values(void **state)
{
	ad_theme t;

	ad_theme_default(&t);
	assert_style(&t, AD_SLOT_DEFAULT, AD_COLOR_DEFAULT, AD_COLOR_DEFAULT, 0);
	assert_style(&t, AD_SLOT_TITLE_BAR, 0, 6, AD_STYLE_BOLD);
	assert_style(&t, AD_SLOT_PANE_BORDER, 8, AD_COLOR_DEFAULT, 0);
	assert_style(&t, AD_SLOT_TREE_AGENT, 15, AD_COLOR_DEFAULT, AD_STYLE_BOLD);
	assert_style(&t, AD_SLOT_WORD_REMOVED, 0, 1, 0);
	assert_style(&t, AD_SLOT_HELP_KEY, 2, AD_COLOR_DEFAULT, AD_STYLE_BOLD);
}

/* Each theme compiled in is its file, byte for byte. */
static void test_builtins_are_the_files(void **state)
{
	static const char *const names[] = { "dark", "light", "mono" };
	size_t i, j;

	for (i = 0; i < 3; i++) {
		size_t len;
		char *data = read_theme_file(names[i], &len);

		if (!data)
			skip();
		for (j = 0; j < ad_theme_builtin_count; j++)
			if (!strcmp(ad_theme_builtins[j].name, names[i]))
				break;
		if (j == ad_theme_builtin_count)
			fail_msg("%s is not built in", names[i]);
		assert_string_equal(ad_theme_builtins[j].text, data);
		free(data);
	}
	assert_int_equal(ad_theme_builtin_count, 3);
}

/* light and mono load by name with no installed or user copy. */
static void test_load_builtin_by_name(void **state)
{
	ad_theme t, file;
	ad_error err = AD_ERROR_INIT;
	size_t len;
	char *data;
	int i;

	assert_int_equal(ad_theme_load(&t, "mono", &err), 0);
	assert_null(err.message);
	assert_string_equal(t.name, "mono");
	for (i = 0; i < AD_SLOT_COUNT; i++) {
		assert_int_equal(t.slots[i].fg, AD_COLOR_DEFAULT);
		assert_int_equal(t.slots[i].bg, AD_COLOR_DEFAULT);
	}
	assert_style(&t, AD_SLOT_CURSOR, AD_COLOR_DEFAULT, AD_COLOR_DEFAULT,
		     AD_STYLE_REVERSE);
	assert_style(&t, AD_SLOT_SEARCH_MATCH, AD_COLOR_DEFAULT, AD_COLOR_DEFAULT,
		     AD_STYLE_REVERSE | AD_STYLE_UNDERLINE);

	assert_int_equal(ad_theme_load(&t, "light", &err), 0);
	assert_string_equal(t.name, "light");
	assert_style(&t, AD_SLOT_TITLE_BAR, 7, 4, AD_STYLE_BOLD);
	if ((data = read_theme_file("light", &len)) != NULL) {
		ad_theme_default(&file);
		assert_int_equal(ad_theme_parse(&file, "light.theme", data, len, NULL), 0);
		assert_same_slots(&t, &file);
		free(data);
	}
	assert_int_equal(ad_theme_load(&t, "dark", &err), 0);
	ad_theme_default(&file);
	assert_same_slots(&t, &file);
}

/* ------------------------------------------------------------ the format */

static void test_parse_colours_and_attributes(void **state)
{
	static const char text[] =
		"\xEF\xBB\xBF# a comment\n"
		"\n"
		"   # an indented comment\r\n"
		"color added 0 255\r\n"
		"\tcolor   removed\tbright-black  bright-white bold dim underline reverse italic\n"
		"color moved default 7 bold bold\n"
		"color gap  bright-red 9";
	ad_theme t, before;

	ad_theme_default(&t);
	before = t;
	assert_int_equal(ad_theme_parse(&t, "x.theme", text, strlen(text), NULL), 0);
	assert_style(&t, AD_SLOT_ADDED, 0, 255, 0);
	assert_style(&t, AD_SLOT_REMOVED, 8, 15,
		     AD_STYLE_BOLD | AD_STYLE_DIM | AD_STYLE_UNDERLINE |
		     AD_STYLE_REVERSE | AD_STYLE_ITALIC);
	assert_style(&t, AD_SLOT_MOVED, AD_COLOR_DEFAULT, 7, AD_STYLE_BOLD);
	assert_style(&t, AD_SLOT_GAP, 9, 9, 0);
	/* What the file leaves out keeps its style. */
	assert_memory_equal(&t.slots[AD_SLOT_TITLE_BAR], &before.slots[AD_SLOT_TITLE_BAR],
			    sizeof(ad_style));
	assert_memory_equal(&t.slots[AD_SLOT_CHANGED], &before.slots[AD_SLOT_CHANGED],
			    sizeof(ad_style));
	assert_string_equal(t.name, before.name);
}

static void test_every_colour_name(void **state)
{
	static const char *const names[] = {
		"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
	};
	int i;

	for (i = 0; i < 8; i++) {
		ad_buf text = AD_BUF_INIT;
		ad_theme t;

		ad_buf_printf(&text, "color dim %s bright-%s\n", names[i], names[i]);
		ad_theme_default(&t);
		assert_int_equal(ad_theme_parse(&t, "x", text.ptr, text.size, NULL), 0);
		assert_style(&t, AD_SLOT_DIM, i, 8 + i, 0);
		ad_buf_free(&text);
	}
}

static void test_empty_theme(void **state)
{
	ad_theme t, before;

	ad_theme_default(&t);
	before = t;
	assert_int_equal(ad_theme_parse(&t, "x", "", 0, NULL), 0);
	assert_int_equal(ad_theme_parse(&t, "x", "\n\n# nothing\n  \t\n", 14, NULL), 0);
	assert_memory_equal(&t, &before, sizeof(t));
}

/* ------------------------------------------------------------ errors */

#define ERR(text, line, col, msg) expect_error(text, sizeof(text) - 1, line, col, msg)

static void test_error_unknown_slot(void **state)
{
	ERR("color added red default\ncolor titel-bar red default\n", 2, 7,
	    "unknown slot 'titel-bar'");
	ERR("color \xE8\x89\xB2 red default", 1, 7, "unknown slot '\xE8\x89\xB2'");
}

static void test_error_unknown_colour(void **state)
{
	static const char why[] = " (colours: default, black, red, green, yellow,"
		" blue, magenta, cyan, white, bright-<colour>, 0-255)";
	char msg[256];

	snprintf(msg, sizeof(msg), "unknown colour 'purpel'%s", why);
	ERR("\n\ncolor added purpel default\n", 3, 13, msg);
	snprintf(msg, sizeof(msg), "unknown colour 'bright-default'%s", why);
	ERR("color added red bright-default\n", 1, 17, msg);
	snprintf(msg, sizeof(msg), "unknown colour 'Red'%s", why);
	ERR("color added Red default\n", 1, 13, msg);
	ERR("color added 12x default\n", 1, 13, "unknown colour '12x' (a number is 0-255)");
	ERR("color added -1 default\n", 1, 13, "unknown colour '-1' (colours: default,"
	    " black, red, green, yellow, blue, magenta, cyan, white, bright-<colour>, 0-255)");
}

static void test_error_number_out_of_range(void **state)
{
	ERR("color added 256 default\n", 1, 13, "colour number '256' is out of range (0-255)");
	ERR("color added 1 99999999999999999999999999\n", 1, 15,
	    "colour number '99999999999999999999999999' is out of range (0-255)");
}

static void test_error_unknown_attribute(void **state)
{
	ERR("color added red default bold blink\n", 1, 30,
	    "unknown attribute 'blink' (attributes: bold, dim, underline, reverse, italic)");
}

static void test_error_missing_fields(void **state)
{
	ERR("color\n", 1, 6, "missing slot name after 'color'");
	ERR("color added\n", 1, 12, "missing foreground colour after the slot");
	ERR("color added red   \r\n", 1, 19, "missing background colour after the foreground");
}

static void test_error_extra_and_commands(void **state)
{
	ERR("color added red default bold # green is nicer\n", 1, 30,
	    "a comment must be on a line of its own");
	ERR("colour added red default\n", 1, 1,
	    "unknown command 'colour' (a theme has only 'color <slot> <foreground>"
	    " <background> [attribute...]' lines)");
	ERR("  bind j quit\n", 1, 3,
	    "unknown command 'bind' (a theme has only 'color <slot> <foreground>"
	    " <background> [attribute...]' lines)");
}

/* A bad line anywhere leaves the theme as it was, good lines before it
 * included (expect_error checks that). */
static void test_error_is_all_or_nothing(void **state)
{
	ERR("color added blue default\ncolor removed blue default\ncolor x y z\n", 3, 7,
	    "unknown slot 'x'");
}

/* ------------------------------------------------------------ hostile files */

static void test_hostile_bytes_in_messages(void **state)
{
	ad_theme t;
	ad_error err = AD_ERROR_INIT;
	static const char nul[] = "color add\0ed red default\n";
	static const char esc[] = "color added \x1b[31mred default\n";
	static const char bad[] = "color added r\xFF\xFE" "d default\n";

	ad_theme_default(&t);
	assert_int_equal(ad_theme_parse(&t, "x", nul, sizeof(nul) - 1, &err), AD_EPARSE);
	assert_string_equal(err.message, "unknown slot 'add^@ed'");
	assert_int_equal(ad_theme_parse(&t, "x", esc, sizeof(esc) - 1, &err), AD_EPARSE);
	assert_int_equal(err.column, 13);
	assert_non_null(strstr(err.message, "unknown colour '^[[31mred'"));
	assert_int_equal(ad_theme_parse(&t, "x", bad, sizeof(bad) - 1, &err), AD_EPARSE);
	assert_non_null(strstr(err.message, "'r\xEF\xBF\xBD\xEF\xBF\xBD" "d'"));
	tu_assert_printable(err.message);
	ad_error_clear(&err);
}

static void test_hostile_huge_line(void **state)
{
	size_t n = 4 << 20, i;
	char *text = malloc(n);
	ad_theme t;
	ad_error err = AD_ERROR_INIT;

	assert_non_null(text);
	memcpy(text, "color added ", 12);
	for (i = 12; i < n; i++)
		text[i] = (char)('a' + i % 26);
	ad_theme_default(&t);
	assert_int_equal(ad_theme_parse(&t, "x", text, n, &err), AD_EPARSE);
	assert_int_equal(err.column, 13);
	/* The word is cut in the message, on a character boundary. */
	assert_true(strlen(err.message) < 200);
	assert_non_null(strstr(err.message, "unknown colour 'mnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz'..."));
	ad_error_clear(&err);

	/* A long word of multibyte characters is cut between characters. */
	for (i = 12; i + 3 <= n; i += 3)
		memcpy(text + i, "\xE2\x82\xAC", 3);
	assert_int_equal(ad_theme_parse(&t, "x", text, i, &err), AD_EPARSE);
	tu_assert_printable(err.message);
	ad_error_clear(&err);
	free(text);
}

/* Random bytes, text-like and not: never a crash, and every message is
 * printable.  The generator is fixed so a failure can be replayed. */
static void test_hostile_random(void **state)
{
	static const char alphabet[] = "color added red default bold \n\t#\r\0\xFF\xC3\xA9\x1b";
	unsigned seed = 12345;
	int round;

	for (round = 0; round < 2000; round++) {
		char text[256];
		size_t len = (size_t)(round % 255), i;
		ad_theme t;
		ad_error err = AD_ERROR_INIT;
		int rc;

		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			if (round % 2)
				text[i] = (char)(seed >> 16);
			else
				text[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		ad_theme_default(&t);
		rc = ad_theme_parse(&t, "r.theme", text, len, &err);
		if (rc < 0) {
			assert_int_equal(rc, AD_EPARSE);
			assert_non_null(err.message);
			assert_true(err.line >= 1 && err.column >= 1);
			tu_assert_printable(err.message);
		}
		ad_error_clear(&err);
	}
}

/* ------------------------------------------------------------ loading */

static void test_load_by_path(void **state)
{
	fixture *fx = *state;
	ad_buf path = AD_BUF_INIT;
	ad_theme t, def;
	ad_error err = AD_ERROR_INIT;

	tu_home_put(fx, "my.theme", "# mine\ncolor added 33 default underline\n");
	ad_buf_printf(&path, "%s/my.theme", fx->dir);
	assert_int_equal(ad_theme_load(&t, ad_buf_cstr(&path), &err), 0);
	assert_string_equal(t.name, "my");
	assert_style(&t, AD_SLOT_ADDED, 33, AD_COLOR_DEFAULT, AD_STYLE_UNDERLINE);
	ad_theme_default(&def);
	assert_memory_equal(&t.slots[AD_SLOT_REMOVED], &def.slots[AD_SLOT_REMOVED],
			    sizeof(ad_style));

	ad_buf_clear(&path);
	ad_buf_printf(&path, "%s/missing.theme", fx->dir);
	assert_int_equal(ad_theme_load(&t, ad_buf_cstr(&path), &err), AD_ENOTFOUND);
	assert_string_equal(err.path, ad_buf_cstr(&path));
	assert_string_equal(t.name, "my");

	/* A folder is no theme. */
	ad_buf_clear(&path);
	ad_buf_printf(&path, "%s/", fx->dir);
	assert_int_equal(ad_theme_load(&t, ad_buf_cstr(&path), &err), AD_EINVALID);
	ad_error_clear(&err);
	ad_buf_free(&path);
}

static void test_load_error_in_file(void **state)
{
	fixture *fx = *state;
	ad_buf path = AD_BUF_INIT;
	ad_theme t;
	ad_error err = AD_ERROR_INIT;
	char msg[512];

	tu_home_put(fx, "bad.theme", "color added green default\n\ncolor added purpel default\n");
	ad_buf_printf(&path, "%s/bad.theme", fx->dir);
	ad_theme_default(&t);
	assert_int_equal(ad_theme_load(&t, ad_buf_cstr(&path), &err), AD_EPARSE);
	assert_string_equal(err.path, ad_buf_cstr(&path));
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 13);
	ad_error_format(&err, msg, sizeof(msg));
	assert_non_null(strstr(msg, "bad.theme:3:13: unknown colour 'purpel'"));
	assert_string_equal(t.name, "dark");
	ad_error_clear(&err);
	ad_buf_free(&path);
}

static void test_load_from_user_folder(void **state)
{
	fixture *fx = *state;
	ad_theme t, def;
	ad_error err = AD_ERROR_INIT;

	tu_home_put(fx, "agentdiff", NULL);
	tu_home_put(fx, "agentdiff/themes", NULL);
	tu_home_put(fx, "agentdiff/themes/sea.theme", "color cursor white blue\n");
	tu_home_put(fx, "agentdiff/themes/light.theme", "color cursor red blue\n");
	assert_int_equal(ad_theme_load(&t, "sea", &err), 0);
	assert_string_equal(t.name, "sea");
	assert_style(&t, AD_SLOT_CURSOR, 7, 4, 0);
	/* The user's light.theme comes before the built-in one, and starts
	 * from the default theme, not from the built-in light. */
	assert_int_equal(ad_theme_load(&t, "light", &err), 0);
	assert_style(&t, AD_SLOT_CURSOR, 1, 4, 0);
	ad_theme_default(&def);
	assert_memory_equal(&t.slots[AD_SLOT_TITLE_BAR], &def.slots[AD_SLOT_TITLE_BAR],
			    sizeof(ad_style));

	/* Without XDG_CONFIG_HOME, ~/.config is searched. */
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(ad_theme_load(&t, "sea", &err), AD_ENOTFOUND);
	tu_home_put(fx, ".config", NULL);
	tu_home_put(fx, ".config/agentdiff", NULL);
	tu_home_put(fx, ".config/agentdiff/themes", NULL);
	tu_home_put(fx, ".config/agentdiff/themes/sea.theme", "color cursor green blue\n");
	assert_int_equal(ad_theme_load(&t, "sea", &err), 0);
	assert_style(&t, AD_SLOT_CURSOR, 2, 4, 0);
	/* A relative XDG_CONFIG_HOME is ignored, as the XDG spec says. */
	setenv("XDG_CONFIG_HOME", "relative", 1);
	assert_int_equal(ad_theme_load(&t, "sea", &err), 0);
	assert_style(&t, AD_SLOT_CURSOR, 2, 4, 0);
	setenv("XDG_CONFIG_HOME", fx->dir, 1);
	ad_error_clear(&err);
}

static void test_load_unknown_name(void **state)
{
	ad_theme t;
	ad_error err = AD_ERROR_INIT;

	ad_theme_default(&t);
	assert_int_equal(ad_theme_load(&t, "nope", &err), AD_ENOTFOUND);
	assert_non_null(strstr(err.message, "unknown theme 'nope': not found as "));
	assert_non_null(strstr(err.message, "/agentdiff/themes/nope.theme, "));
	assert_non_null(strstr(err.message, ", nor built in (dark, light, mono)"));
	assert_null(err.path);
	assert_string_equal(t.name, "dark");
	assert_int_equal(ad_theme_load(&t, "bad\x1b[2Jname", &err), AD_ENOTFOUND);
	tu_assert_printable(err.message);
	assert_int_equal(ad_theme_load(&t, "", &err), AD_EUSAGE);
	ad_error_clear(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_is_dark_theme_file),
		cmocka_unit_test(test_default_values),
		cmocka_unit_test(test_builtins_are_the_files),
		cmocka_unit_test_setup_teardown(test_load_builtin_by_name, setup, teardown),
		cmocka_unit_test(test_parse_colours_and_attributes),
		cmocka_unit_test(test_every_colour_name),
		cmocka_unit_test(test_empty_theme),
		cmocka_unit_test(test_error_unknown_slot),
		cmocka_unit_test(test_error_unknown_colour),
		cmocka_unit_test(test_error_number_out_of_range),
		cmocka_unit_test(test_error_unknown_attribute),
		cmocka_unit_test(test_error_missing_fields),
		cmocka_unit_test(test_error_extra_and_commands),
		cmocka_unit_test(test_error_is_all_or_nothing),
		cmocka_unit_test(test_hostile_bytes_in_messages),
		cmocka_unit_test(test_hostile_huge_line),
		cmocka_unit_test(test_hostile_random),
		cmocka_unit_test_setup_teardown(test_load_by_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_error_in_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_from_user_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_unknown_name, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
