#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "doc.h"
#include "pair.h"
#include "textdiff.h"

static ad_doc *parse(const char *text)
{
	ad_doc *doc = NULL;

	assert_int_equal(ad_doc_parse(&doc, "t.md", text, strlen(text), NULL, NULL), 0);
	return doc;
}

static const ad_section *find(const ad_doc *doc, const char *title)
{
	size_t i;

	for (i = 0; i < ad_doc_section_count(doc); i++)
		if (!strcmp(ad_doc_sections(doc)[i].title, title))
			return &ad_doc_sections(doc)[i];
	fail_msg("no section %s", title);
	return NULL;
}

/* The own text stops at the first child: every byte in one cell. */
static void test_own_text(void **state)
{
	ad_doc *d = parse("# Top\n\nlead in\n\n## Child\n\nbody\n");
	const char *p;
	size_t len;

	(void)state;
	ad_pair_own_text(d, find(d, "Top"), &p, &len);
	assert_int_equal(len, strlen("# Top\n\nlead in\n\n"));
	assert_memory_equal(p, "# Top\n\nlead in\n\n", len);
	ad_pair_own_text(d, find(d, "Child"), &p, &len);
	assert_memory_equal(p, "## Child\n\nbody\n", len);
	assert_true(ad_pair_same_text(d, find(d, "Child"), d, find(d, "Child")));
	assert_false(ad_pair_same_text(d, find(d, "Child"), d, find(d, "Top")));
	assert_false(ad_pair_same_text(d, NULL, d, find(d, "Top")));
	ad_doc_free(d);
}

static void test_titles(void **state)
{
	ad_doc *a = parse("## 1. Scope\n\nx\n\n## Style\n\ny\n");
	ad_doc *b = parse("## scope:\n\nx\n\n## Tone\n\ny\n");

	(void)state;
	assert_false(ad_pair_titles_differ(find(a, "1. Scope"), find(b, "scope:")));
	assert_true(ad_pair_titles_differ(find(a, "Style"), find(b, "Tone")));
	ad_doc_free(a);
	ad_doc_free(b);
}

/* 2-way: the row's status with "modified" decided by bytes; N-way pairs
 * other than the first are recomputed. */
static void test_pair_of(void **state)
{
	ad_doc *docs[3];
	ad_align *al = NULL;
	size_t i;
	bool seen_renamed = false, seen_added = false, seen_same = false;

	(void)state;
	docs[0] = parse("# A\n\nsame words here\n\n## Old Name\n\none two three four five six\n");
	docs[1] = parse("# A\n\nsame words here\n\n## New Name\n\none two three four five six\n"
			"\n## Extra\n\nonly here\n");
	docs[2] = parse("# A\n\nother words here\n\n## Old Name\n\none two three four five six\n");
	assert_int_equal(ad_align_docs(&al, (const ad_doc *const *)docs, 2, NULL), 0);
	for (i = 0; i < ad_align_row_count(al); i++) {
		ad_pair pr;

		ad_pair_of(&pr, (const ad_doc *const *)docs, 2, ad_align_row_at(al, i), 0, 1);
		if (pr.a && pr.b && !strcmp(pr.a->title, "Old Name")) {
			assert_true(pr.status & AD_ROW_RENAMED);
			seen_renamed = true;
		}
		if (pr.a && !strcmp(pr.a->title, "A")) {
			assert_int_equal(pr.status, AD_ROW_SAME);
			seen_same = true;
		}
		if (!pr.a) {
			assert_true(pr.status & AD_ROW_ADDED);
			assert_string_equal(pr.b->title, "Extra");
			seen_added = true;
		}
	}
	assert_true(seen_renamed && seen_added && seen_same);
	ad_align_free(al);
	/* Three variants, the pair (2, 0): recomputed from the cells. */
	assert_int_equal(ad_align_docs(&al, (const ad_doc *const *)docs, 3, NULL), 0);
	for (i = 0; i < ad_align_row_count(al); i++) {
		ad_pair pr;

		ad_pair_of(&pr, (const ad_doc *const *)docs, 3, ad_align_row_at(al, i), 2, 0);
		if (pr.a && !strcmp(pr.a->title, "A")) {
			assert_int_equal(pr.status, AD_ROW_MODIFIED);
			assert_true(pr.similarity > 0.3 && pr.similarity < 1.0);
		}
		if (pr.b && !strcmp(pr.b->title, "Extra"))
			fail_msg("Extra is not in variants 0 or 2");
		if (!pr.a && !pr.b)
			assert_int_equal(pr.status, AD_ROW_SAME);
	}
	ad_align_free(al);
	for (i = 0; i < 3; i++)
		ad_doc_free(docs[i]);
}

static void test_changes(void **state)
{
	const char *a = "one\ntwo\nthree\nfour\nfive\n";
	const char *b = "one\n2\nthree\nfour\nfour and a half\nfive\n";
	ad_textdiff *ld = NULL;
	ad_pair_change *ch = NULL;
	size_t n;

	(void)state;
	assert_int_equal(ad_textdiff_lines(&ld, a, strlen(a), b, strlen(b), NULL), 0);
	n = ad_pair_changes(&ch, ld);
	assert_int_equal(n, 2);
	assert_int_equal(ch[0].a_start, 1);
	assert_int_equal(ch[0].a_count, 1);
	assert_int_equal(ch[0].b_start, 1);
	assert_int_equal(ch[0].b_count, 1);
	assert_int_equal(ch[1].a_start, 4);
	assert_int_equal(ch[1].a_count, 0);
	assert_int_equal(ch[1].b_start, 4);
	assert_int_equal(ch[1].b_count, 1);
	free(ch);
	ad_textdiff_free(ld);
}

/* Word by word only where the lines pair up. */
static void test_word_diff_rule(void **state)
{
	const char *a = "The quick brown fox jumps over the lazy dog.\n";
	const char *b = "The quick red fox jumps over the lazy dog.\n";
	const char *c = "Nothing in common at all, really nothing.\n";
	const char *many = "The quick\nbrown\nfox\njumps over\nthe lazy dog.\n";
	ad_textdiff *wd = NULL;

	(void)state;
	assert_int_equal(ad_pair_word_diff(&wd, a, strlen(a), b, strlen(b)), 0);
	assert_non_null(wd);
	assert_true(ad_pair_words_paired(wd, a, b));
	ad_textdiff_free(wd);
	assert_int_equal(ad_pair_word_diff(&wd, a, strlen(a), c, strlen(c)), 0);
	assert_null(wd);
	assert_int_equal(ad_pair_word_diff(&wd, a, strlen(a), many, strlen(many)), 0);
	assert_null(wd);
	assert_int_equal(ad_pair_word_diff(&wd, a, 0, b, strlen(b)), 0);
	assert_null(wd);
	assert_int_equal(ad_pair_count_lines("a\r\nb\rc", 6), 3);
	assert_int_equal(ad_pair_count_lines("", 0), 0);
	assert_true(ad_pair_all_space(" \t\r\n", 4));
	assert_false(ad_pair_all_space(" x ", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_text),
		cmocka_unit_test(test_titles),
		cmocka_unit_test(test_pair_of),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_word_diff_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
