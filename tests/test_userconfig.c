#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userconfig.h"
#include "util.h"

#include "testutil.h"

/* ------------------------------------------------------------ helpers */

/* $XDG_CONFIG_HOME and $HOME, and the config loaded in the test. */
typedef struct {
	tu_home home;
	ad_config cfg;
} fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));

	if (!fx || tu_home_make(&fx->home, "adconf") < 0) {
		free(fx);
		return -1;
	}
	unsetenv("NO_COLOR");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;

	ad_config_free(&fx->cfg);
	tu_home_remove(&fx->home);
	free(fx);
	return 0;
}

#define PARSE(fx, text, override, nocolor, err) \
	ad_config_parse(&(fx)->cfg, "cfg", text, sizeof(text) - 1, override, nocolor, err)

static void assert_style(const ad_theme *t, ad_slot slot, int fg, int bg,
			 unsigned attrs)
{
	assert_int_equal(t->slots[slot].fg, fg);
	assert_int_equal(t->slots[slot].bg, bg);
	assert_int_equal(t->slots[slot].attrs, attrs);
}

static void assert_theme(const ad_theme *t, const char *name)
{
	ad_theme want;

	assert_int_equal(ad_theme_load(&want, name, NULL), 0);
	assert_string_equal(t->name, name);
	assert_memory_equal(t->slots, want.slots, sizeof(want.slots));
}

static ad_action feed(ad_keymap *km, const char *keys)
{
	ad_action a = AD_ACTION_NONE;
	int k[2];
	int n = ad_key_parse(keys, k, NULL), i;
	ad_keymap_result r = AD_KEYMAP_NONE;

	assert_true(n > 0);
	for (i = 0; i < n; i++)
		r = ad_keymap_feed(km, k[i], &a);
	return r == AD_KEYMAP_ACTION ? a : AD_ACTION_NONE;
}

/* Parses text, expecting exactly one problem, at line:column. */
static void expect_problem(fixture *fx, const char *text, int line, int column,
			   const char *message)
{
	ad_error err = AD_ERROR_INIT;
	char want[1024];
	int rc;

	ad_config_free(&fx->cfg);
	rc = ad_config_parse(&fx->cfg, "cfg", text, strlen(text), NULL, false, &err);
	assert_true(rc < 0);
	assert_int_equal(rc, err.code);
	assert_string_equal(err.path, "cfg");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, column);
	assert_string_equal(err.message, message);
	assert_int_equal(fx->cfg.nproblems, 1);
	snprintf(want, sizeof(want), "cfg:%d:%d: %s", line, column, message);
	assert_string_equal(fx->cfg.problems[0], want);
	ad_error_clear(&err);
}

/* ------------------------------------------------------------ settings */

static void test_empty_config_is_defaults(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;

	assert_int_equal(PARSE(fx, "", NULL, false, &err), 0);
	assert_null(err.message);
	assert_theme(&fx->cfg.theme, "dark");
	assert_false(fx->cfg.no_color);
	assert_int_equal(fx->cfg.nproblems, 0);
	assert_int_equal(feed(fx->cfg.keymap, "j"), AD_ACTION_MOVE_DOWN);
	assert_int_equal(feed(fx->cfg.keymap, "]c"), AD_ACTION_NEXT_CHANGE);
}

static void test_theme_line(void **state)
{
	fixture *fx = *state;

	assert_int_equal(PARSE(fx, "# mine\n\ntheme light\n", NULL, false, NULL), 0);
	assert_theme(&fx->cfg.theme, "light");
	ad_config_free(&fx->cfg);
	/* The last theme line wins. */
	assert_int_equal(PARSE(fx, "theme mono\r\ntheme light\r\n", NULL, false, NULL), 0);
	assert_theme(&fx->cfg.theme, "light");
}

/* --theme beats the config's theme line. */
static void test_theme_override(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;

	assert_int_equal(PARSE(fx, "theme light\n", "mono", false, NULL), 0);
	assert_theme(&fx->cfg.theme, "mono");
	ad_config_free(&fx->cfg);
	assert_int_equal(PARSE(fx, "theme light\n", "nope", false, &err), AD_EUSAGE);
	assert_non_null(strstr(err.message, "unknown theme 'nope'"));
	ad_error_clear(&err);
}

/* color lines apply on top of the theme, wherever they stand. */
static void test_color_lines(void **state)
{
	fixture *fx = *state;
	ad_theme light;

	assert_int_equal(PARSE(fx, "color added 196 default bold\n"
			       "theme light\n"
			       "color cursor black bright-yellow\n", NULL, false, NULL), 0);
	assert_style(&fx->cfg.theme, AD_SLOT_ADDED, 196, AD_COLOR_DEFAULT, AD_STYLE_BOLD);
	assert_style(&fx->cfg.theme, AD_SLOT_CURSOR, 0, 11, 0);
	assert_int_equal(ad_theme_load(&light, "light", NULL), 0);
	assert_memory_equal(&fx->cfg.theme.slots[AD_SLOT_TITLE_BAR],
			    &light.slots[AD_SLOT_TITLE_BAR], sizeof(ad_style));
}

static void test_bind_lines(void **state)
{
	fixture *fx = *state;

	assert_int_equal(PARSE(fx, "bind j quit\n"
			       "bind C-n move-down\n"
			       "  bind ]c   none\n"
			       "bind z none\n"
			       "bind z fold-toggle\n"
			       "bind \xC3\xA9 search\n"
			       "bind # search-back\n", NULL, false, NULL), 0);
	assert_int_equal(feed(fx->cfg.keymap, "j"), AD_ACTION_QUIT);
	assert_int_equal(feed(fx->cfg.keymap, "C-n"), AD_ACTION_MOVE_DOWN);
	/* ] starts nothing now: no pending state, and c is compare again. */
	assert_int_equal(feed(fx->cfg.keymap, "]"), AD_ACTION_NONE);
	assert_int_equal(feed(fx->cfg.keymap, "c"), AD_ACTION_COMPARE);
	assert_int_equal(feed(fx->cfg.keymap, "[c"), AD_ACTION_PREV_CHANGE);
	assert_int_equal(feed(fx->cfg.keymap, "z"), AD_ACTION_FOLD_TOGGLE);
	assert_int_equal(feed(fx->cfg.keymap, "\xC3\xA9"), AD_ACTION_SEARCH);
	assert_int_equal(feed(fx->cfg.keymap, "#"), AD_ACTION_SEARCH_BACK);
	assert_int_equal(feed(fx->cfg.keymap, "k"), AD_ACTION_MOVE_UP);
}

/* The example in README.md, as written there. */
static void test_readme_example(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;

	assert_int_equal(PARSE(fx, "# ~/.config/agentdiff/config\n"
			       "# a theme name, or a path (a relative one is from this folder)\n"
			       "theme light\n"
			       "# bind KEY ACTION; the actions are listed by `?` and in agentdiff(1)\n"
			       "bind C-n move-down\n"
			       "# none unbinds a key; a prefix key's sequences go with it\n"
			       "bind ]c none\n"
			       "bind z none\n"
			       "# one slot's style, on top of the theme\n"
			       "color added 34 default bold\n", NULL, false, &err), 0);
	assert_null(err.message);
	assert_string_equal(fx->cfg.theme.name, "light");
	assert_style(&fx->cfg.theme, AD_SLOT_ADDED, 34, AD_COLOR_DEFAULT, AD_STYLE_BOLD);
	assert_int_equal(feed(fx->cfg.keymap, "C-n"), AD_ACTION_MOVE_DOWN);
	assert_int_equal(feed(fx->cfg.keymap, "z"), AD_ACTION_NONE);
}

/* ------------------------------------------------------------ NO_COLOR */

static void test_no_color(void **state)
{
	fixture *fx = *state;
	int i;

	assert_int_equal(PARSE(fx, "theme light\ncolor added red default underline\n",
			       NULL, true, NULL), 0);
	assert_true(fx->cfg.no_color);
	for (i = 0; i < AD_SLOT_COUNT; i++) {
		assert_int_equal(fx->cfg.theme.slots[i].fg, AD_COLOR_DEFAULT);
		assert_int_equal(fx->cfg.theme.slots[i].bg, AD_COLOR_DEFAULT);
	}
	assert_style(&fx->cfg.theme, AD_SLOT_ADDED, AD_COLOR_DEFAULT, AD_COLOR_DEFAULT,
		     AD_STYLE_UNDERLINE);
	assert_style(&fx->cfg.theme, AD_SLOT_CURSOR, AD_COLOR_DEFAULT, AD_COLOR_DEFAULT,
		     AD_STYLE_REVERSE);
	ad_config_free(&fx->cfg);

	/* --theme on the command line overrides NO_COLOR. */
	assert_int_equal(PARSE(fx, "color added red default underline\n", "light", true,
			       NULL), 0);
	assert_false(fx->cfg.no_color);
	assert_style(&fx->cfg.theme, AD_SLOT_ADDED, 1, AD_COLOR_DEFAULT, AD_STYLE_UNDERLINE);

	/* A terminal without colours. */
	ad_config_monochrome(&fx->cfg);
	assert_true(fx->cfg.no_color);
	assert_style(&fx->cfg.theme, AD_SLOT_ADDED, AD_COLOR_DEFAULT, AD_COLOR_DEFAULT,
		     AD_STYLE_UNDERLINE);
	assert_style(&fx->cfg.theme, AD_SLOT_TITLE_BAR, AD_COLOR_DEFAULT, AD_COLOR_DEFAULT,
		     AD_STYLE_REVERSE | AD_STYLE_BOLD);
}

static void test_no_color_env(void **state)
{
	fixture *fx = *state;

	unsetenv("NO_COLOR");
	assert_false(ad_config_no_color_env());
	setenv("NO_COLOR", "", 1);
	assert_false(ad_config_no_color_env());
	setenv("NO_COLOR", "1", 1);
	assert_true(ad_config_no_color_env());
	assert_int_equal(ad_config_load(&fx->cfg, NULL, NULL), 0);
	assert_true(fx->cfg.no_color);
	assert_theme(&fx->cfg.theme, "mono");
	unsetenv("NO_COLOR");
}

/* ------------------------------------------------------------ errors */

static void test_error_commands(void **state)
{
	fixture *fx = *state;

	expect_problem(fx, "\n  colour added red default\n", 2, 3,
		       "unknown command 'colour' (expected theme, bind or color)");
	expect_problem(fx, "theme\n", 1, 6, "missing theme name after 'theme'");
	expect_problem(fx, "theme light dark\n", 1, 13,
		       "unexpected 'dark' after the theme name");
	expect_problem(fx, "theme light # nice\n", 1, 13,
		       "unexpected '#' after the theme name (a comment must be on a"
		       " line of its own)");
}

static void test_error_theme_not_found(void **state)
{
	fixture *fx = *state;

	ad_error err = AD_ERROR_INIT;

	assert_int_equal(PARSE(fx, "bind j quit\ntheme nope\n", NULL, false, &err),
			 AD_ENOTFOUND);
	assert_string_equal(err.path, "cfg");
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 7);
	assert_non_null(strstr(err.message, "unknown theme 'nope': not found as "));
	assert_non_null(strstr(fx->cfg.problems[0], "cfg:2:7: unknown theme 'nope'"));
	assert_theme(&fx->cfg.theme, "dark");
	assert_int_equal(feed(fx->cfg.keymap, "j"), AD_ACTION_QUIT);
	ad_error_clear(&err);
}

static void test_error_bind(void **state)
{
	fixture *fx = *state;

	expect_problem(fx, "bind\n", 1, 5, "missing key after 'bind'");
	expect_problem(fx, "bind j\n", 1, 7, "missing action after the key");
	expect_problem(fx, "bind \xC3\xA9 serch\n", 1, 8,
		       "unknown action 'serch' (the actions are listed in the help"
		       " screen and in agentdiff(1))");
	expect_problem(fx, "bind j quit now\n", 1, 13, "unexpected 'now' after the action");
	expect_problem(fx, "bind Foo quit\n", 1, 6,
		       "unknown key name 'Foo' (a key is a character, C-x, or one of"
		       " Up Down Left Right Home End PgUp PgDn Enter Tab Esc Space"
		       " Backspace Delete F1-F12; two characters make a sequence)");
	expect_problem(fx, "bind ] quit\n", 1, 6,
		       "cannot bind ']': it starts the sequence ]c (next-change);"
		       " unbind its sequences first with 'bind ] none'");
}

static void test_error_color(void **state)
{
	fixture *fx = *state;

	expect_problem(fx, "theme light\ncolor added purpel default\n", 2, 13,
		       "unknown colour 'purpel' (colours: default, black, red, green,"
		       " yellow, blue, magenta, cyan, white, bright-<colour>, 0-255)");
	expect_problem(fx, "color added red default blink\n", 1, 25,
		       "unknown attribute 'blink' (attributes: bold, dim, underline,"
		       " reverse, italic)");
}

/* Bad lines are skipped; the others still count. */
static void test_error_keeps_good_lines(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;
	ad_buf text = AD_BUF_INIT;
	int i;

	assert_int_equal(PARSE(fx, "bind j quit\n"
			       "bind k nothing\n"
			       "color added 1 default\n"
			       "wat\n"
			       "theme mono\n", NULL, false, &err), AD_EPARSE);
	assert_int_equal(err.line, 2);
	assert_int_equal(fx->cfg.nproblems, 2);
	assert_non_null(strstr(fx->cfg.problems[0], "cfg:2:8: unknown action 'nothing'"));
	assert_string_equal(fx->cfg.problems[1],
			    "cfg:4:1: unknown command 'wat' (expected theme, bind or color)");
	assert_int_equal(feed(fx->cfg.keymap, "j"), AD_ACTION_QUIT);
	assert_int_equal(feed(fx->cfg.keymap, "k"), AD_ACTION_MOVE_UP);
	assert_string_equal(fx->cfg.theme.name, "mono");
	assert_style(&fx->cfg.theme, AD_SLOT_ADDED, 1, AD_COLOR_DEFAULT, 0);
	ad_config_free(&fx->cfg);

	/* Many bad lines: the first twenty are kept, the rest counted. */
	for (i = 0; i < 30; i++)
		ad_buf_printf(&text, "bad%d\n", i);
	assert_int_equal(ad_config_parse(&fx->cfg, "cfg", text.ptr, text.size, NULL,
					 false, &err), AD_EPARSE);
	assert_int_equal(fx->cfg.nproblems, AD_CONFIG_MAX_PROBLEMS);
	assert_int_equal(fx->cfg.nmore, 30 - AD_CONFIG_MAX_PROBLEMS);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(fx->cfg.problems[19], "cfg:20:1: unknown command 'bad19'"));
	ad_buf_free(&text);
	ad_error_clear(&err);
}

static void test_hostile(void **state)
{
	fixture *fx = *state;
	static const char nul[] = "bind j\0k quit\nbind j qu\0it\ntheme a\0b\n";
	ad_error err = AD_ERROR_INIT;
	unsigned seed = 99;
	int round;
	size_t i;

	assert_int_equal(ad_config_parse(&fx->cfg, "cfg", nul, sizeof(nul) - 1, NULL,
					 false, &err), AD_EPARSE);
	assert_int_equal(fx->cfg.nproblems, 3);
	assert_string_equal(fx->cfg.problems[0], "cfg:1:6: unknown key name 'j^@k' (a NUL byte)");
	assert_non_null(strstr(fx->cfg.problems[1], "cfg:2:8: unknown action 'qu^@it'"));
	assert_string_equal(fx->cfg.problems[2], "cfg:3:7: unknown theme 'a^@b'");
	assert_theme(&fx->cfg.theme, "dark");
	ad_config_free(&fx->cfg);

	for (round = 0; round < 1000; round++) {
		static const char alphabet[] = "bind theme color j ]c none quit red\n#\t\r\0\xFF\xE9\x1b";
		char text[200];
		size_t len = (size_t)(round % 199);

		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = round % 2 ? (char)(seed >> 16)
					    : alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		ad_config_parse(&fx->cfg, "cfg", text, len, NULL, false, &err);
		assert_non_null(fx->cfg.keymap);
		for (i = 0; i < fx->cfg.nproblems; i++)
			tu_assert_printable(fx->cfg.problems[i]);
		ad_config_free(&fx->cfg);
	}
	ad_error_clear(&err);
}

/* ------------------------------------------------------------ the file */

static void test_load_file(void **state)
{
	fixture *fx = *state;
	ad_buf path = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;

	/* No file at all is fine. */
	assert_int_equal(ad_config_load(&fx->cfg, NULL, &err), 0);
	assert_theme(&fx->cfg.theme, "dark");
	ad_config_free(&fx->cfg);

	assert_true(ad_config_path(&path));
	assert_non_null(strstr(ad_buf_cstr(&path), "/agentdiff/config"));
	tu_home_put(&fx->home, "agentdiff", NULL);
	tu_home_put(&fx->home, "agentdiff/mine", NULL);
	tu_home_put(&fx->home, "agentdiff/mine/sea.theme", "color cursor white blue\n");
	tu_home_put(&fx->home, "agentdiff/config", "theme mine/sea.theme\nbind q quit\n");
	assert_int_equal(ad_config_load(&fx->cfg, NULL, &err), 0);
	assert_string_equal(fx->cfg.theme.name, "sea");
	assert_style(&fx->cfg.theme, AD_SLOT_CURSOR, 7, 4, 0);
	assert_int_equal(feed(fx->cfg.keymap, "q"), AD_ACTION_QUIT);
	ad_config_free(&fx->cfg);

	/* --theme wins over the file's theme line. */
	assert_int_equal(ad_config_load(&fx->cfg, "light", &err), 0);
	assert_theme(&fx->cfg.theme, "light");
	ad_config_free(&fx->cfg);
	ad_buf_free(&path);
	ad_error_clear(&err);
}

/* An error inside the theme file is reported at its own place. */
static void test_load_bad_theme_file(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;
	ad_buf want = AD_BUF_INIT;

	tu_home_put(&fx->home, "agentdiff", NULL);
	tu_home_put(&fx->home, "agentdiff/bad.theme", "\ncolor gap nothing default\n");
	tu_home_put(&fx->home, "agentdiff/config", "theme ./bad.theme\n");
	assert_int_equal(ad_config_load(&fx->cfg, NULL, &err), AD_EPARSE);
	ad_buf_printf(&want, "%s/agentdiff/./bad.theme", fx->home.dir);
	assert_string_equal(err.path, ad_buf_cstr(&want));
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 11);
	assert_theme(&fx->cfg.theme, "dark");
	ad_buf_free(&want);
	ad_error_clear(&err);
}

static void test_load_unreadable(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;

	tu_home_put(&fx->home, "agentdiff", NULL);
	tu_home_put(&fx->home, "agentdiff/config", NULL); /* a folder */
	assert_int_equal(ad_config_load(&fx->cfg, NULL, &err), AD_EINVALID);
	assert_int_equal(fx->cfg.nproblems, 1);
	assert_non_null(strstr(fx->cfg.problems[0], "/agentdiff/config: is a directory"));
	assert_theme(&fx->cfg.theme, "dark");
	assert_int_equal(feed(fx->cfg.keymap, "j"), AD_ACTION_MOVE_DOWN);
	ad_error_clear(&err);
}

/* Without XDG_CONFIG_HOME, ~/.config/agentdiff/config. */
static void test_load_home(void **state)
{
	fixture *fx = *state;
	ad_buf path = AD_BUF_INIT, want = AD_BUF_INIT;

	unsetenv("XDG_CONFIG_HOME");
	tu_home_put(&fx->home, ".config", NULL);
	tu_home_put(&fx->home, ".config/agentdiff", NULL);
	tu_home_put(&fx->home, ".config/agentdiff/config", "theme mono\n");
	assert_true(ad_config_path(&path));
	ad_buf_printf(&want, "%s/.config/agentdiff/config", fx->home.dir);
	assert_string_equal(ad_buf_cstr(&path), ad_buf_cstr(&want));
	assert_int_equal(ad_config_load(&fx->cfg, NULL, NULL), 0);
	assert_theme(&fx->cfg.theme, "mono");
	ad_config_free(&fx->cfg);
	/* With neither, no config and no failure. */
	unsetenv("HOME");
	ad_buf_clear(&path);
	assert_false(ad_config_path(&path));
	assert_int_equal(ad_config_load(&fx->cfg, NULL, NULL), 0);
	assert_theme(&fx->cfg.theme, "dark");
	setenv("HOME", fx->home.dir, 1);
	setenv("XDG_CONFIG_HOME", fx->home.dir, 1);
	ad_buf_free(&path);
	ad_buf_free(&want);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_empty_config_is_defaults),
		T(test_theme_line),
		T(test_theme_override),
		T(test_color_lines),
		T(test_bind_lines),
		T(test_readme_example),
		T(test_no_color),
		T(test_no_color_env),
		T(test_error_commands),
		T(test_error_theme_not_found),
		T(test_error_bind),
		T(test_error_color),
		T(test_error_keeps_good_lines),
		T(test_hostile),
		T(test_load_file),
		T(test_load_bad_theme_file),
		T(test_load_unreadable),
		T(test_load_home),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
