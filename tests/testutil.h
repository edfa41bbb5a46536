/*
 * testutil: helpers several unit tests share.
 *
 *   - the screen as text, one of its rows, and the checks every screen
 *     test makes (test_screen.c, test_tui.c, and the view tests through
 *     viewtest.h);
 *   - a temporary folder standing in for $XDG_CONFIG_HOME and $HOME, with
 *     files made in it and removed again (test_theme.c, test_userconfig.c);
 *   - a message a terminal can show as is.
 *
 * Include after <cmocka.h>.  The helpers are static inline so that a test
 * that uses only some of them is not warned about the others.
 */
#ifndef AD_TESTUTIL_H
#define AD_TESTUTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "screen.h"
#include "term.h"
#include "util.h"

/* ------------------------------------------------------------ screens */

/* The screen's text, one line a row, with each cell's slot if slots; the
 * caller frees it. */
static inline char *tu_screen_dump(const ad_screen *scr, bool slots)
{
	ad_buf out = AD_BUF_INIT;

	ad_screen_dump(scr, &out, slots);
	return ad_buf_detach(&out);
}

/* Row r of the screen's text, without its newline, in buf. */
static inline const char *tu_screen_row(const ad_screen *scr, int r, char *buf, size_t size)
{
	char *all = tu_screen_dump(scr, false), *p = all;
	size_t i = 0;
	int k;

	for (k = 0; k < r && p; k++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	assert_non_null(p);
	while (p[i] && p[i] != '\n' && i + 1 < size) {
		buf[i] = p[i];
		i++;
	}
	buf[i] = '\0';
	free(all);
	return buf;
}

/* Row r of the screen reads exactly expect. */
static inline void tu_assert_screen_row(const ad_screen *scr, int r, const char *expect)
{
	char buf[4096];

	if (strcmp(tu_screen_row(scr, r, buf, sizeof(buf)), expect))
		fail_msg("row %d is '%s', expected '%s'", r, buf, expect);
}

/* Every cell holds a printable code point and no wide character is cut
 * in half: nothing from a file can reach the terminal raw. */
static inline void tu_assert_screen_sane(const ad_screen *scr)
{
	int r, c;

	for (r = 0; r < ad_screen_rows(scr); r++) {
		for (c = 0; c < ad_screen_cols(scr); c++) {
			const ad_cell *cell = ad_screen_cell(scr, r, c);

			if (cell->width == 0) {
				assert_true(c > 0);
				assert_int_equal(ad_screen_cell(scr, r, c - 1)->width, 2);
				continue;
			}
			assert_true(cell->cp >= 0x20);
			assert_false(cell->cp >= 0x7F && cell->cp < 0xA0);
			if (cell->width == 2) {
				assert_true(c + 1 < ad_screen_cols(scr));
				assert_int_equal(ad_screen_cell(scr, r, c + 1)->width, 0);
			}
		}
	}
}

/* ------------------------------------------------------------ a home */

/* A temporary folder set as $XDG_CONFIG_HOME and $HOME; what is made in
 * it is removed, last first, by tu_home_remove. */
typedef struct {
	char dir[64];
	char *made[32];
	size_t nmade;
} tu_home;

/* Makes the folder, named after prefix, under $TMPDIR (if short) or /tmp.
 * 0, or -1 if it could not be made. */
static inline int tu_home_make(tu_home *home, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(home->dir, sizeof(home->dir), "%s/%sXXXXXX",
		 tmp && tmp[0] == '/' && strlen(tmp) < 40 ? tmp : "/tmp", prefix);
	if (!mkdtemp(home->dir))
		return -1;
	setenv("XDG_CONFIG_HOME", home->dir, 1);
	setenv("HOME", home->dir, 1);
	return 0;
}

/* Makes rel in the folder: a file holding text, or a folder when text is
 * NULL. */
static inline void tu_home_put(tu_home *home, const char *rel, const char *text)
{
	ad_buf path = AD_BUF_INIT;

	assert_true(home->nmade < sizeof(home->made) / sizeof(home->made[0]));
	ad_buf_printf(&path, "%s/%s", home->dir, rel);
	if (text) {
		FILE *f = fopen(ad_buf_cstr(&path), "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
		assert_int_equal(fclose(f), 0);
	} else {
		assert_int_equal(mkdir(ad_buf_cstr(&path), 0700), 0);
	}
	home->made[home->nmade++] = ad_buf_detach(&path);
}

static inline void tu_home_remove(tu_home *home)
{
	while (home->nmade > 0) {
		char *p = home->made[--home->nmade];

		if (remove(p) != 0)
			fprintf(stderr, "cannot remove %s\n", p);
		free(p);
	}
	rmdir(home->dir);
}

/* ------------------------------------------------------------ messages */

/* A message a terminal can show as is: valid UTF-8, no control bytes. */
static inline void tu_assert_printable(const char *s)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		unsigned cp;
		size_t n = ad_utf8_decode(s + i, len - i, &cp);

		assert_true(n > 0);
		assert_false(cp < 0x20 || (cp >= 0x7F && cp < 0xA0));
		i += n;
	}
}

#endif
