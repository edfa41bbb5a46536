/*
 * viewtest: helpers the view tests (test_sbs.c, test_matrix.c) share.
 *
 * Include after <cmocka.h>.  Expected screens live in
 * tests/fixtures/views/screens/NAME.txt (the dump as text, then with
 * slots); AD_UPDATE_GOLDEN=1 rewrites them instead of comparing, to be
 * reviewed by hand like the golden CLI tests.
 */
#ifndef AD_VIEWTEST_H
#define AD_VIEWTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "screen.h"
#include "util.h"
#include "view.h"

/* The views call these only with an app; unit tests drive them with a NULL
 * one, so reaching these is a failure. */
void ad_tui_push_view(ad_tui *tui, ad_view *view)
{
	(void)tui;
	(void)view;
	fail_msg("ad_tui_push_view called without an app");
}

void ad_tui_message(ad_tui *tui, ad_slot slot, const char *fmt, ...)
{
	(void)tui;
	(void)slot;
	(void)fmt;
	fail_msg("ad_tui_message called without an app");
}

static char *vt_path(const char *rel)
{
	const char *src = getenv("AD_SRCDIR");
	ad_buf p = AD_BUF_INIT;

	ad_buf_printf(&p, "%s/%s", src && *src ? src : "..", rel);
	return ad_buf_detach(&p);
}

/* Loads tests/fixtures/views/NAME (or any path below the source tree). */
static ad_doc *vt_load(const char *rel)
{
	char *path = vt_path(rel);
	ad_doc *doc = NULL;
	ad_error err = AD_ERROR_INIT;

	if (ad_doc_load(&doc, path, NULL, &err) < 0)
		fail_msg("cannot load %s: %s", path, err.message ? err.message : "?");
	free(path);
	ad_error_clear(&err);
	return doc;
}

static ad_doc *vt_parse(const char *text, size_t len)
{
	ad_doc *doc = NULL;

	assert_int_equal(ad_doc_parse(&doc, "t.md", text, len, NULL, NULL), 0);
	return doc;
}

static void vt_draw(ad_view *v, ad_screen *scr, bool focused)
{
	ad_rect r = { 0, 0, ad_screen_rows(scr), ad_screen_cols(scr) };

	v->ops->draw(v, scr, &r, focused);
}

static char *vt_dump(const ad_screen *scr, bool slots)
{
	ad_buf out = AD_BUF_INIT;

	ad_screen_dump(scr, &out, slots);
	return ad_buf_detach(&out);
}

static char *vt_status(ad_view *v)
{
	ad_buf out = AD_BUF_INIT;

	v->ops->status(v, &out);
	return ad_buf_detach(&out);
}

static void vt_assert_status(ad_view *v, const char *expect)
{
	char *st = vt_status(v);

	if (strcmp(st, expect))
		fail_msg("status '%s', expected '%s'", st, expect);
	free(st);
}

/* Row r of the screen as text (trailing spaces trimmed), in buf. */
static const char *vt_row(const ad_screen *scr, int r, char *buf, size_t size)
{
	char *all = vt_dump(scr, false), *p = all;
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

/* The first screen row whose text contains s, or -1. */
static int vt_find_row(const ad_screen *scr, const char *s)
{
	char buf[4096];
	int r;

	for (r = 0; r < ad_screen_rows(scr); r++)
		if (strstr(vt_row(scr, r, buf, sizeof(buf)), s))
			return r;
	return -1;
}

/* The screen column where s starts on row r (counting cells), or -1. */
static int vt_find_col(const ad_screen *scr, int r, const char *s)
{
	char buf[4096];
	const char *row = vt_row(scr, r, buf, sizeof(buf)), *hit = strstr(row, s);
	int col = 0;
	const char *p;

	if (!hit)
		return -1;
	/* Count cells up to the hit: a character of width 2 is two cells. */
	for (p = row; p < hit;) {
		unsigned char c = (unsigned char)*p;
		size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		const ad_cell *cell = ad_screen_cell(scr, r, col);

		col += cell && cell->width == 2 ? 2 : 1;
		p += n;
	}
	return col;
}

/* Every cell holds a printable code point and no wide character is cut
 * in half: nothing from a file can reach the terminal raw. */
static void vt_assert_sane(const ad_screen *scr)
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

/* Compares the screen (text, then text with slots) with
 * tests/fixtures/views/screens/NAME.txt, or writes it there when
 * AD_UPDATE_GOLDEN=1. */
static void vt_expect_screen(const ad_screen *scr, const char *name)
{
	ad_buf rel = AD_BUF_INIT, got = AD_BUF_INIT;
	char *path, *want = NULL, *text, *slots;
	size_t len = 0;
	const char *update = getenv("AD_UPDATE_GOLDEN");
	ad_error err = AD_ERROR_INIT;

	ad_buf_printf(&rel, "tests/fixtures/views/screens/%s.txt", name);
	path = vt_path(ad_buf_cstr(&rel));
	text = vt_dump(scr, false);
	slots = vt_dump(scr, true);
	ad_buf_printf(&got, "%s-- slots --\n%s", text, slots);
	if (update && !strcmp(update, "1")) {
		if (ad_write_file_atomic(path, got.ptr, got.size, &err) < 0)
			fail_msg("cannot write %s", path);
	} else {
		if (ad_read_file(&want, &len, path, (size_t)1 << 24, &err) < 0)
			fail_msg("missing expected screen %s (AD_UPDATE_GOLDEN=1 makes it)", path);
		if (len != got.size || memcmp(want, got.ptr, len)) {
			fprintf(stderr, "screen %s differs; got:\n%s\n", name, ad_buf_cstr(&got));
			fail_msg("screen %s differs from %s", name, path);
		}
	}
	free(want);
	free(text);
	free(slots);
	free(path);
	ad_buf_free(&rel);
	ad_buf_free(&got);
	ad_error_clear(&err);
}

#endif
