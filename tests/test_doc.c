/* Unit tests of the section parser (src/doc.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc.h"

static ad_doc *parse(const char *text)
{
	ad_doc *doc = NULL;
	ad_error err = AD_ERROR_INIT;

	assert_int_equal(ad_doc_parse(&doc, "t.md", text, strlen(text), NULL, &err), 0);
	assert_non_null(doc);
	return doc;
}

static ad_doc *parse_bytes(const char *data, size_t len)
{
	ad_doc *doc = NULL;

	assert_int_equal(ad_doc_parse(&doc, NULL, data, len, NULL, NULL), 0);
	return doc;
}

/* The section at pre-order position i, checked to exist. */
static const ad_section *sec(const ad_doc *doc, size_t i)
{
	assert_true(i < ad_doc_section_count(doc));
	return &ad_doc_sections(doc)[i];
}

static bool has_diag(const ad_doc *doc, const char *id, int line)
{
	size_t i;

	for (i = 0; i < ad_doc_diag_count(doc); i++)
		if (!strcmp(ad_doc_diags(doc)[i].id, id) && ad_doc_diags(doc)[i].line == line)
			return true;
	return false;
}

/*
 * The invariants of doc.h: the frontmatter and the top-level sections tile
 * the file, children tile their parent after its lead-in, and the spans
 * agree with the line numbers.
 */
static void check_tiling(const ad_doc *doc)
{
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);
	const ad_section *s = ad_doc_sections(doc);
	size_t n = ad_doc_section_count(doc), i, pos = 0;
	int top = ad_doc_first_section(doc);
	bool fm_done = fm == NULL;

	while (top >= 0 || !fm_done) {
		if (!fm_done && (top < 0 || fm->start <= s[top].start) && fm->start == pos) {
			pos = fm->end;
			fm_done = true;
			continue;
		}
		assert_true(top >= 0);
		assert_int_equal(s[top].start, pos);
		pos = s[top].end;
		top = s[top].next_sibling;
	}
	assert_int_equal(pos, ad_doc_size(doc));

	for (i = 0; i < n; i++) {
		int c;
		size_t at = s[i].lead_end;

		assert_true(s[i].start <= s[i].head_end);
		assert_true(s[i].head_end <= s[i].end || s[i].kind == AD_SECTION_PREAMBLE);
		assert_true(s[i].start <= s[i].lead_end && s[i].lead_end <= s[i].end);
		if (s[i].kind != AD_SECTION_PREAMBLE)
			assert_int_equal(ad_doc_line_of(doc, s[i].start), s[i].line);
		for (c = s[i].first_child; c >= 0; c = s[c].next_sibling) {
			assert_int_equal(s[c].parent, (int)i);
			assert_true(c > (int)i);
			assert_int_equal(s[c].depth, s[i].depth + 1);
			assert_int_equal(s[c].start, at);
			at = s[c].end;
		}
		assert_int_equal(at, s[i].end);
	}
}

static void test_empty(void **state)
{
	ad_doc *doc = parse("");

	(void)state;
	assert_int_equal(ad_doc_size(doc), 0);
	assert_int_equal(ad_doc_section_count(doc), 0);
	assert_int_equal(ad_doc_first_section(doc), -1);
	assert_null(ad_doc_frontmatter(doc));
	assert_int_equal(ad_doc_line_count(doc), 0);
	check_tiling(doc);
	ad_doc_free(doc);
}

static void test_headings_nest_by_level(void **state)
{
	ad_doc *doc = parse("intro\n"
			    "# Role\n"
			    "You review code.\n"
			    "## Scope\n"
			    "### Deep\n"
			    "## Limits\n"
			    "# Output\n"
			    "done\n");

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 6);
	assert_int_equal(sec(doc, 0)->kind, AD_SECTION_PREAMBLE);
	assert_int_equal(sec(doc, 0)->end, 6);
	assert_string_equal(sec(doc, 1)->title, "Role");
	assert_int_equal(sec(doc, 1)->line, 2);
	assert_int_equal(sec(doc, 1)->level, 1);
	assert_int_equal(sec(doc, 1)->end_line, 6);
	assert_string_equal(sec(doc, 2)->title, "Scope");
	assert_int_equal(sec(doc, 2)->parent, 1);
	assert_string_equal(sec(doc, 3)->title, "Deep");
	assert_int_equal(sec(doc, 3)->parent, 2);
	assert_int_equal(sec(doc, 3)->depth, 2);
	assert_string_equal(sec(doc, 4)->title, "Limits");
	assert_int_equal(sec(doc, 4)->parent, 1);
	assert_string_equal(sec(doc, 5)->title, "Output");
	assert_int_equal(sec(doc, 5)->parent, -1);
	/* "# Role\nYou review code.\n" is Role's own lead-in. */
	assert_int_equal(sec(doc, 1)->head_end - sec(doc, 1)->start, strlen("# Role\n"));
	assert_int_equal(sec(doc, 1)->lead_end, sec(doc, 2)->start);
	check_tiling(doc);
	ad_doc_free(doc);
}

static void test_setext_and_inline_markup(void **state)
{
	ad_doc *doc = parse("The **Role**\n"
			    "============\n"
			    "text\n"
			    "\n"
			    "Using `grep`\n"
			    "------------\n");

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 2);
	assert_int_equal(sec(doc, 0)->kind, AD_SECTION_SETEXT);
	assert_string_equal(sec(doc, 0)->title, "The Role");
	assert_int_equal(sec(doc, 0)->head_end, strlen("The **Role**\n============\n"));
	assert_int_equal(sec(doc, 1)->level, 2);
	assert_string_equal(sec(doc, 1)->title, "Using grep");
	assert_int_equal(sec(doc, 1)->line, 5);
	assert_int_equal(sec(doc, 1)->end_line, 6);
	check_tiling(doc);
	ad_doc_free(doc);
}

static void test_heading_in_fence_is_not_a_section(void **state)
{
	ad_doc *doc = parse("# Real\n"
			    "```bash\n"
			    "# a shell comment\n"
			    "<example>\n"
			    "</example>\n"
			    "```\n"
			    "~~~\n"
			    "## also not\n"
			    "~~~\n"
			    "    # indented code, not a heading\n");

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 1);
	assert_string_equal(sec(doc, 0)->title, "Real");
	assert_int_equal(sec(doc, 0)->end, ad_doc_size(doc));
	ad_doc_free(doc);
}

/* An HTML comment hides tags as it hides headings: on lines of their own,
 * across many lines, in a list item, a comment closed on a tag's line, an
 * unclosed one to the end.  Tags outside the comments still count. */
static void test_tags_in_html_comments_are_not_sections(void **state)
{
	ad_doc *doc = parse("# Real\n"
			    "<!--\n"
			    "<instructions>\n"
			    "Old text.\n"
			    "</instructions>\n"
			    "# not a heading either\n"
			    "-->\n"
			    "\n"
			    "<!-- <rules>\n"
			    "</rules> -->\n"
			    "\n"
			    "- item\n"
			    "  <!--\n"
			    "  <nested>\n"
			    "  </nested>\n"
			    "  -->\n"
			    "\n"
			    "<keep>\n"
			    "<!-- a comment inside a live tag -->\n"
			    "kept\n"
			    "</keep>\n"
			    "<!-- note <x a=\"-->\">\n"
			    "<after>\n"
			    "</after>\n"
			    "\n"
			    "<!--\n"
			    "<unclosed>\n"
			    "</unclosed>\n");

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 3);
	assert_string_equal(sec(doc, 0)->title, "Real");
	assert_int_equal(sec(doc, 1)->kind, AD_SECTION_TAG);
	assert_string_equal(sec(doc, 1)->tag, "keep");
	assert_int_equal(sec(doc, 1)->line, 18);
	assert_int_equal(sec(doc, 1)->close_start, ad_doc_line_start(doc, 21));
	assert_string_equal(sec(doc, 2)->tag, "after");
	assert_int_equal(sec(doc, 2)->line, 23);
	assert_int_equal(ad_doc_diag_count(doc), 0);
	check_tiling(doc);
	ad_doc_free(doc);
}

static void test_xml_tags_nest_and_take_titles(void **state)
{
	ad_doc *doc = parse("<role>\n"
			    "You are careful.\n"
			    "</role>\n"
			    "<responsibilities>\n"
			    "  <responsibility id=\"1\">\n"
			    "    <title>API Design</title>\n"
			    "    text\n"
			    "  </responsibility>\n"
			    "  <responsibility id=\"2\">\n"
			    "    <title>\n"
			    "    Data Layer\n"
			    "    </title>\n"
			    "  </responsibility>\n"
			    "  <step name='verify'>\n"
			    "  </step>\n"
			    "  <step id=\"s2\">\n"
			    "  </step>\n"
			    "</responsibilities>\n");

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 6);
	assert_int_equal(sec(doc, 0)->kind, AD_SECTION_TAG);
	assert_string_equal(sec(doc, 0)->tag, "role");
	assert_string_equal(sec(doc, 0)->title, "role");
	assert_int_equal(sec(doc, 0)->end_line, 3);
	assert_int_equal(sec(doc, 0)->close_start, ad_doc_line_start(doc, 3));
	assert_string_equal(sec(doc, 1)->title, "responsibilities");
	assert_string_equal(sec(doc, 2)->title, "API Design");
	assert_int_equal(sec(doc, 2)->parent, 1);
	assert_int_equal(sec(doc, 2)->level, 2);
	/* A <title> block is the parent's title, not a child section. */
	assert_string_equal(sec(doc, 3)->title, "Data Layer");
	assert_int_equal(sec(doc, 3)->first_child, -1);
	assert_string_equal(sec(doc, 4)->title, "verify");
	assert_string_equal(sec(doc, 5)->title, "s2");
	check_tiling(doc);
	ad_doc_free(doc);
}

static void test_headings_inside_tags(void **state)
{
	ad_doc *doc = parse("# Agent\n"
			    "<instructions>\n"
			    "# Step one\n"
			    "do it\n"
			    "## Detail\n"
			    "</instructions>\n"
			    "## After\n");

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 5);
	assert_string_equal(sec(doc, 1)->title, "instructions");
	assert_int_equal(sec(doc, 1)->parent, 0);
	/* A level-1 heading inside the tag does not close the outer "# Agent". */
	assert_string_equal(sec(doc, 2)->title, "Step one");
	assert_int_equal(sec(doc, 2)->parent, 1);
	assert_string_equal(sec(doc, 3)->title, "Detail");
	assert_int_equal(sec(doc, 3)->parent, 2);
	/* Children run to their parent's end, closing tag line included. */
	assert_int_equal(sec(doc, 2)->end, sec(doc, 1)->end);
	assert_string_equal(sec(doc, 4)->title, "After");
	assert_int_equal(sec(doc, 4)->parent, 0);
	check_tiling(doc);
	ad_doc_free(doc);
}

static void test_tags_that_are_not_sections(void **state)
{
	ad_doc *doc = parse("<inline>closed on the same line</inline>\n"
			    "<open-only>\n"
			    "text\n"
			    "</stray>\n"
			    "<br/>\n"
			    "<https://example.com>\n"
			    "< spaced>\n"
			    "</br>\n");

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 1);
	assert_int_equal(sec(doc, 0)->kind, AD_SECTION_PREAMBLE);
	assert_true(has_diag(doc, "unclosed-tag", 2));
	check_tiling(doc);
	ad_doc_free(doc);
}

static void test_interleaved_close_leaves_inner_unclosed(void **state)
{
	/* <b> is never closed; </a> closes <a> past it. */
	ad_doc *doc = parse("<a>\n<b>\n</a>\n");

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 1);
	assert_string_equal(sec(doc, 0)->tag, "a");
	assert_true(has_diag(doc, "unclosed-tag", 2));
	ad_doc_free(doc);
}

static void test_tag_level_ignores_unclosed_tags(void **state)
{
	ad_doc *doc = parse("<notes>\n"
			    "<a>\n"
			    "<b>\n"
			    "</b>\n"
			    "</a>\n"
			    "<summary>\n"
			    "</summary>\n");

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 4);
	assert_int_equal(sec(doc, 1)->level, 1);
	assert_string_equal(sec(doc, 2)->tag, "b");
	assert_int_equal(sec(doc, 2)->level, 2);
	assert_string_equal(sec(doc, 3)->tag, "summary");
	assert_int_equal(sec(doc, 3)->level, 1);
	assert_true(has_diag(doc, "unclosed-tag", 1));
	check_tiling(doc);
	ad_doc_free(doc);
}

static void test_blank_preambles(void **state)
{
	ad_doc *doc = parse("\xEF\xBB\xBF\n  \n# T\n");
	ad_doc *doc2 = parse("\xEF\xBB\xBFtext\n# T\n");

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 2);
	assert_true(sec(doc, 0)->blank);
	assert_false(sec(doc, 1)->blank);
	assert_int_equal(ad_doc_visible_section_count(doc), 1);
	assert_false(sec(doc2, 0)->blank);
	assert_int_equal(ad_doc_visible_section_count(doc2), 2);
	ad_doc_free(doc);
	ad_doc_free(doc2);
}

static void test_byte_exact_odd_input(void **state)
{
	static const char crlf[] = "\xEF\xBB\xBF# T\xC3\xADtulo\r\nbody\r\n\r\n## Two\rlone cr\r"
				   "\x00nul\xFF\xFE bad utf8\t\x1B[31mred";
	ad_doc *doc = parse_bytes(crlf, sizeof(crlf) - 1);

	(void)state;
	assert_int_equal(ad_doc_size(doc), sizeof(crlf) - 1);
	assert_memory_equal(ad_doc_data(doc), crlf, sizeof(crlf) - 1);
	/* "\r\n", "\r\n", "\r\n", "\r", "\r", then a last line with no ending. */
	assert_int_equal(ad_doc_line_count(doc), 6);
	assert_int_equal(ad_doc_section_count(doc), 2);
	assert_string_equal(sec(doc, 0)->title, "T\xC3\xADtulo");
	assert_string_equal(sec(doc, 1)->title, "Two");
	assert_int_equal(sec(doc, 1)->line, 4);
	assert_int_equal(sec(doc, 1)->end, sizeof(crlf) - 1);
	check_tiling(doc);
	ad_doc_free(doc);
}

static void test_deep_tag_nesting_is_capped(void **state)
{
	ad_doc_options opts = AD_DOC_OPTIONS_INIT;
	ad_buf b = AD_BUF_INIT;
	ad_doc *doc = NULL;
	int i, depth = 100000;

	(void)state;
	for (i = 0; i < depth; i++)
		ad_buf_puts(&b, "<t>\n");
	for (i = 0; i < depth; i++)
		ad_buf_puts(&b, "</t>\n");
	assert_int_equal(ad_doc_parse(&doc, NULL, b.ptr, b.size, &opts, NULL), 0);
	/* Only the innermost tags pair up once the outer ones are text... */
	assert_true(ad_doc_section_count(doc) <= (size_t)opts.max_tag_depth + 1);
	assert_true(has_diag(doc, "nesting-limit", opts.max_tag_depth + 1));
	check_tiling(doc);
	ad_doc_free(doc);
	ad_buf_free(&b);
}

static void test_many_headings_and_limit(void **state)
{
	ad_doc_options opts = AD_DOC_OPTIONS_INIT;
	ad_buf b = AD_BUF_INIT;
	ad_doc *doc = NULL;
	int i;

	(void)state;
	for (i = 0; i < 100000; i++)
		ad_buf_printf(&b, "%.*s h%d\n", i % 6 + 1, "######", i);
	opts.max_sections = 5000;
	assert_int_equal(ad_doc_parse(&doc, NULL, b.ptr, b.size, &opts, NULL), 0);
	assert_int_equal(ad_doc_section_count(doc), 5000);
	assert_true(has_diag(doc, "section-limit", 5001));
	check_tiling(doc);
	ad_doc_free(doc);
	ad_buf_free(&b);
}

static void test_huge_line_title_is_cut(void **state)
{
	size_t n = 1 << 20;
	char *big = malloc(n + 3);
	ad_doc *doc;

	(void)state;
	memcpy(big, "# ", 2);
	memset(big + 2, 'x', n);
	big[n + 2] = '\0';
	doc = parse(big);
	assert_int_equal(ad_doc_section_count(doc), 1);
	/* 200 characters and an ellipsis. */
	assert_int_equal(strlen(sec(doc, 0)->title), 200 + 3);
	check_tiling(doc);
	ad_doc_free(doc);
	free(big);
}

static void test_too_big_is_refused(void **state)
{
	ad_doc_options opts = AD_DOC_OPTIONS_INIT;
	ad_error err = AD_ERROR_INIT;
	ad_doc *doc = NULL;

	(void)state;
	opts.max_size = 4;
	assert_int_equal(ad_doc_parse(&doc, "big.md", "hello", 5, &opts, &err), AD_ETOOBIG);
	assert_null(doc);
	assert_non_null(strstr(err.message, "too large"));
	assert_string_equal(err.path, "big.md");
	ad_error_clear(&err);
}

static void test_load_missing_file(void **state)
{
	ad_error err = AD_ERROR_INIT;
	ad_doc *doc = NULL;

	(void)state;
	assert_int_equal(ad_doc_load(&doc, "/nonexistent/agent.md", NULL, &err), AD_ENOTFOUND);
	assert_null(doc);
	assert_string_equal(err.path, "/nonexistent/agent.md");
	ad_error_clear(&err);
}

static void test_line_lookup(void **state)
{
	ad_doc *doc = parse("a\nbb\r\nccc");

	(void)state;
	assert_int_equal(ad_doc_line_count(doc), 3);
	assert_int_equal(ad_doc_line_start(doc, 1), 0);
	assert_int_equal(ad_doc_line_start(doc, 2), 2);
	assert_int_equal(ad_doc_line_start(doc, 3), 6);
	assert_int_equal(ad_doc_line_start(doc, 4), 9);
	assert_int_equal(ad_doc_line_of(doc, 0), 1);
	assert_int_equal(ad_doc_line_of(doc, 5), 2);
	assert_int_equal(ad_doc_line_of(doc, 6), 3);
	assert_int_equal(ad_doc_line_of(doc, 9), 3);
	ad_doc_free(doc);
}

/* How sections are named to people, in every command and view. */
static void test_section_label(void **state)
{
	static const char *const want[] = {
		"(preamble)", "## Role", "<scope>", "<rule> No force pushes", "### Deep",
	};
	ad_doc *doc = parse("intro\n\n## Role\n\n<scope>\n<rule name=\"No force pushes\">\n"
			    "x\n</rule>\n</scope>\n\n### Deep\n");
	ad_buf out = AD_BUF_INIT;
	size_t i;

	(void)state;
	assert_int_equal(ad_doc_section_count(doc), 5);
	for (i = 0; i < 5; i++) {
		ad_buf_clear(&out);
		ad_section_label(&out, &ad_doc_sections(doc)[i]);
		assert_string_equal(ad_buf_cstr(&out), want[i]);
	}
	ad_buf_free(&out);
	ad_doc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_headings_nest_by_level),
		cmocka_unit_test(test_setext_and_inline_markup),
		cmocka_unit_test(test_heading_in_fence_is_not_a_section),
		cmocka_unit_test(test_tags_in_html_comments_are_not_sections),
		cmocka_unit_test(test_xml_tags_nest_and_take_titles),
		cmocka_unit_test(test_headings_inside_tags),
		cmocka_unit_test(test_tags_that_are_not_sections),
		cmocka_unit_test(test_interleaved_close_leaves_inner_unclosed),
		cmocka_unit_test(test_tag_level_ignores_unclosed_tags),
		cmocka_unit_test(test_blank_preambles),
		cmocka_unit_test(test_byte_exact_odd_input),
		cmocka_unit_test(test_deep_tag_nesting_is_capped),
		cmocka_unit_test(test_many_headings_and_limit),
		cmocka_unit_test(test_huge_line_title_is_cut),
		cmocka_unit_test(test_too_big_is_refused),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_line_lookup),
		cmocka_unit_test(test_section_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
