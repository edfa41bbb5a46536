/*
 * viewtest: helpers the view tests (test_sbs.c, test_matrix.c) share;
 * the screen helpers they use with them are in testutil.h.
 *
 * Include after <cmocka.h>.  Expected screens live in
 * tests/fixtures/views/screens/NAME.txt (the dump as text, then with
 * slots); AD_UPDATE_GOLDEN=1 rewrites them instead of comparing, to be
 * reviewed by hand like the golden CLI tests.
 */
#ifndef AD_VIEWTEST_H
#define AD_VIEWTEST_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "fileio.h"
#include "screen.h"
#include "util.h"
#include "view.h"

#include "testutil.h"

/* A host (view.h) that keeps what a view asks of it: the last message
 * and the views pushed, for tests to look at.  vt_host_init() sets it up,
 * vt_host_clear() frees what it kept. */
typedef struct {
	ad_view_host base;
	ad_buf msg;
	ad_slot slot;
	ad_view *pushed[8];
	size_t npushed;
} vt_host;

static void vt_host_push(ad_view_host *h, ad_view *view)
{
	vt_host *t = (vt_host *)h;

	if (t->npushed == sizeof(t->pushed) / sizeof(t->pushed[0]))
		fail_msg("too many views pushed");
	t->pushed[t->npushed++] = view;
}

static void vt_host_message(ad_view_host *h, ad_slot slot, const char *msg)
{
	vt_host *t = (vt_host *)h;

	ad_buf_clear(&t->msg);
	ad_buf_puts(&t->msg, msg);
	t->slot = slot;
}

static const ad_view_host_ops vt_host_ops = {
	.push = vt_host_push,
	.message = vt_host_message,
};

static void vt_host_init(vt_host *t)
{
	memset(t, 0, sizeof(*t));
	t->base.ops = &vt_host_ops;
}

static void vt_host_clear(vt_host *t)
{
	size_t i;

	for (i = 0; i < t->npushed; i++)
		ad_view_free(t->pushed[i]);
	ad_buf_free(&t->msg);
	t->npushed = 0;
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

/* The index of the section of doc titled title; fails the test if none. */
static int vt_section_index(const ad_doc *doc, const char *title)
{
	size_t i;

	for (i = 0; i < ad_doc_section_count(doc); i++)
		if (!strcmp(ad_doc_sections(doc)[i].title, title))
			return (int)i;
	fail_msg("no section '%s'", title);
	return -1;
}

/* The files of $AD_SHARED/seeds, at most max, in name order (so that
 * failures read the same everywhere): each loaded into docs, its name in
 * names; the caller frees both.  0 when AD_SHARED is not set. */
static size_t vt_load_seeds(ad_doc **docs, char **names, size_t max)
{
	const char *shared = getenv("AD_SHARED");
	ad_buf dir = AD_BUF_INIT;
	struct dirent *e;
	size_t n = 0, i, j;
	DIR *d;

	if (!shared || !*shared)
		return 0;
	ad_buf_printf(&dir, "%s/seeds", shared);
	d = opendir(ad_buf_cstr(&dir));
	while (d && (e = readdir(d)) != NULL && n < max) {
		if (e->d_name[0] != '.')
			names[n++] = ad_xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				char *t = names[i];

				names[i] = names[j], names[j] = t;
			}
	for (i = 0; i < n; i++) {
		ad_buf p = AD_BUF_INIT;

		ad_buf_printf(&p, "%s/%s", ad_buf_cstr(&dir), names[i]);
		if (ad_doc_load(&docs[i], ad_buf_cstr(&p), NULL, NULL) < 0)
			fail_msg("cannot load the seed %s", ad_buf_cstr(&p));
		ad_buf_free(&p);
	}
	ad_buf_free(&dir);
	return n;
}

static void vt_draw(ad_view *v, ad_screen *scr, bool focused)
{
	ad_rect r = { 0, 0, ad_screen_rows(scr), ad_screen_cols(scr) };

	v->ops->draw(v, scr, &r, focused);
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

/* The first screen row whose text contains s, or -1. */
static int vt_find_row(const ad_screen *scr, const char *s)
{
	char buf[4096];
	int r;

	for (r = 0; r < ad_screen_rows(scr); r++)
		if (strstr(tu_screen_row(scr, r, buf, sizeof(buf)), s))
			return r;
	return -1;
}

/* The screen column where s starts on row r (counting cells), or -1. */
static int vt_find_col(const ad_screen *scr, int r, const char *s)
{
	char buf[4096];
	const char *row = tu_screen_row(scr, r, buf, sizeof(buf)), *hit = strstr(row, s);
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
	text = tu_screen_dump(scr, false);
	slots = tu_screen_dump(scr, true);
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
