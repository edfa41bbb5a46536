#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "fileio.h"
#include "frontmatter.h"
#include "merge.h"
#include "util.h"

/* ------------------------------------------------------------ helpers */

typedef struct {
	ad_merge_result *res;
} fixture;

static int setup(void **state)
{
	*state = calloc(1, sizeof(fixture));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	fixture *fx = *state;

	if (fx)
		ad_merge_result_free(fx->res);
	free(fx);
	*state = NULL;
	return 0;
}

static ad_merge_result *merge_n(const char *b, size_t bl, const char *o, size_t ol,
				const char *t, size_t tl, const ad_merge_options *opts)
{
	ad_merge_result *res = NULL;
	ad_error err = AD_ERROR_INIT;

	assert_int_equal(ad_merge3_buffers(&res, b, bl, o, ol, t, tl, opts, &err), 0);
	assert_non_null(res);
	ad_error_clear(&err);
	/* The data is a C string too. */
	assert_int_equal(ad_merge_result_data(res)[ad_merge_result_size(res)], '\0');
	return res;
}

static ad_merge_result *merge_s(fixture *fx, const char *b, const char *o, const char *t,
				const ad_merge_options *opts)
{
	ad_merge_result_free(fx->res);
	fx->res = merge_n(b, strlen(b), o, strlen(o), t, strlen(t), opts);
	return fx->res;
}

static void assert_result(const ad_merge_result *res, const char *expect, size_t conflicts)
{
	if (ad_merge_result_size(res) != strlen(expect) ||
	    memcmp(ad_merge_result_data(res), expect, strlen(expect)))
		fail_msg("merged:\n%s\n---- expected:\n%s\n----", ad_merge_result_data(res), expect);
	assert_int_equal(ad_merge_result_conflicts(res), conflicts);
}

static const ad_merge_item *item_named(const ad_merge_result *res, ad_merge_item_kind kind,
				       const char *name)
{
	size_t i;

	for (i = 0; i < ad_merge_result_item_count(res); i++) {
		const ad_merge_item *it = ad_merge_result_item(res, i);

		if (it->kind == kind && !strcmp(it->name, name))
			return it;
	}
	fail_msg("no %s item named '%s'", ad_merge_item_kind_name(kind), name);
	return NULL;
}

static bool contains(const ad_merge_result *res, const char *s)
{
	return strstr(ad_merge_result_data(res), s) != NULL;
}

/* Offset of s in the result; fails when absent. */
static size_t where(const ad_merge_result *res, const char *s)
{
	const char *p = strstr(ad_merge_result_data(res), s);

	if (!p)
		fail_msg("'%s' is not in the result:\n%s", s, ad_merge_result_data(res));
	return (size_t)(p - ad_merge_result_data(res));
}

static bool mem_has(const char *hay, size_t hl, const char *needle, size_t nl)
{
	size_t i;

	if (nl == 0)
		return true;
	for (i = 0; i + nl <= hl; i++)
		if (hay[i] == needle[0] && !memcmp(hay + i, needle, nl))
			return true;
	return false;
}

/* Length of the line at p (through its ending). */
static size_t line_len(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] != '\n' && p[i] != '\r')
		i++;
	if (i < n && p[i] == '\r')
		return i + 1 < n && p[i + 1] == '\n' ? i + 2 : i + 1;
	return i < n ? i + 1 : i;
}

static bool is_marker(const char *p, size_t n, char ch, int size)
{
	int i;

	if (n < (size_t)size)
		return false;
	for (i = 0; i < size; i++)
		if (p[i] != ch)
			return false;
	return n == (size_t)size || p[size] == ' ' || p[size] == '\n' || p[size] == '\r';
}

/* Whether the lines of part are lines of src in the same order (a line
 * that ends src may have gained a line ending in part). */
static bool lines_in_order(const char *src, size_t sl, const char *part, size_t pl)
{
	size_t at = 0, i = 0;

	while (i < pl) {
		size_t l = line_len(part + i, pl - i), body = l;
		bool found = false;

		while (body > 0 && (part[i + body - 1] == '\n' || part[i + body - 1] == '\r'))
			body--;
		while (at < sl && !found) {
			size_t k = line_len(src + at, sl - at);

			found = (k == l && !memcmp(src + at, part + i, l)) ||
				(at + k == sl && k == body && !memcmp(src + at, part + i, body));
			at += k;
		}
		if (!found)
			return false;
		i += l;
	}
	return true;
}

/*
 * Every conflict block of the result is well formed, and holds text of the
 * right input in each part: ours' part is bytes of ours, base's of base,
 * theirs' of theirs (a part may have gained a final line ending), or, where
 * sections whose pairing was in doubt were merged as lines, lines of that
 * input in its order.  Returns the number of blocks, which must be the
 * reported count.
 */
static size_t check_conflicts(const ad_merge_result *res, const char *b, size_t bl,
			      const char *o, size_t ol, const char *t, size_t tl)
{
	const char *p = ad_merge_result_data(res);
	size_t n = ad_merge_result_size(res), i = 0, blocks = 0;
	const char *src[3] = { o, b, t };
	size_t srclen[3] = { ol, bl, tl };

	while (i < n) {
		size_t l = line_len(p + i, n - i);

		if (is_marker(p + i, l, '<', 7)) {
			size_t start[3] = { 0, 0, 0 }, end[3] = { 0, 0, 0 };
			int part = 0, k;

			i += l;
			start[0] = i;
			while (i < n) {
				l = line_len(p + i, n - i);
				if (part == 0 && is_marker(p + i, l, '|', 7)) {
					end[0] = i;
					part = 1;
					start[1] = i + l;
				} else if (part <= 1 && is_marker(p + i, l, '=', 7)) {
					end[part] = i;
					part = 2;
					start[2] = i + l;
				} else if (part == 2 && is_marker(p + i, l, '>', 7)) {
					end[2] = i;
					part = 3;
					i += l;
					break;
				}
				i += l;
			}
			assert_int_equal(part, 3);
			for (k = 0; k < 3; k++) {
				size_t len = end[k] - start[k];

				if (mem_has(src[k], srclen[k], p + start[k], len))
					continue;
				/* A part that ends the input gets a line ending. */
				while (len > 0 && (p[start[k] + len - 1] == '\n' || p[start[k] + len - 1] == '\r'))
					len--;
				if (!mem_has(src[k], srclen[k], p + start[k], len) &&
				    !lines_in_order(src[k], srclen[k], p + start[k], end[k] - start[k]))
					fail_msg("conflict part %d is not text of its input:\n%.*s", k,
						 (int)(end[k] - start[k]), p + start[k]);
			}
			blocks++;
			continue;
		}
		assert_false(is_marker(p + i, l, '>', 7));
		i += l;
	}
	assert_int_equal(blocks, ad_merge_result_conflicts(res));
	return blocks;
}

/* ------------------------------------------------------------ the rules */

#define FM "---\nname: demo\ndescription: A demo agent.\ntools: Read, Grep\nmodel: sonnet\n---\n"
#define ROLE "# Role\n\nYou review code.\nYou are terse.\n\n"
#define STEPS "## Steps\n\n1. Read the diff.\n2. Run the tests.\n3. Write the review.\n\n"
#define RULES "## Rules\n\n- Be kind.\n- Be specific.\n"

static const char base_doc[] = FM ROLE STEPS RULES;

static void test_one_side_changed(void **state)
{
	fixture *fx = *state;
	const char *ours = FM ROLE "## Steps\n\n1. Read the whole diff.\n2. Run the tests.\n3. Write the review.\n\n" RULES;
	const char *theirs = FM ROLE STEPS "## Rules\n\n- Be kind.\n- Be specific.\n- Cite lines.\n";
	ad_merge_result *res;

	res = merge_s(fx, base_doc, ours, base_doc, NULL);
	assert_result(res, ours, 0);
	res = merge_s(fx, base_doc, base_doc, theirs, NULL);
	assert_result(res, theirs, 0);
	/* Both, in different sections. */
	res = merge_s(fx, base_doc, ours, theirs, NULL);
	assert_result(res, FM ROLE "## Steps\n\n1. Read the whole diff.\n2. Run the tests.\n3. Write the review.\n\n"
			   "## Rules\n\n- Be kind.\n- Be specific.\n- Cite lines.\n", 0);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Steps")->action, AD_MERGE_OURS);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Rules")->action, AD_MERGE_THEIRS);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Role")->action, AD_MERGE_KEPT);
	assert_false(ad_merge_result_plain(res));
}

static void test_same_change_both(void **state)
{
	fixture *fx = *state;
	const char *edit = FM ROLE STEPS "## Rules\n\n- Be kind, always.\n- Be specific.\n";
	const char *ours = FM ROLE "## Steps\n\n1. Read the diff first.\n2. Run the tests.\n3. Write the review.\n\n"
		"## Rules\n\n- Be kind, always.\n- Be specific.\n";
	ad_merge_result *res;

	res = merge_s(fx, base_doc, ours, edit, NULL);
	assert_result(res, ours, 0);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Rules")->action, AD_MERGE_BOTH);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Steps")->action, AD_MERGE_OURS);
}

static void test_moved_and_edited(void **state)
{
	fixture *fx = *state;
	/* Ours moves Rules (the last section, no blank line after it) to the
	 * top; theirs edits it.  Then the other way round. */
	const char *moved = FM RULES "\n" ROLE "## Steps\n\n1. Read the diff.\n2. Run the tests.\n3. Write the review.\n";
	const char *edited = FM ROLE STEPS "## Rules\n\n- Be kind.\n- Be very specific.\n";
	const char *expect = FM "## Rules\n\n- Be kind.\n- Be very specific.\n\n" ROLE "## Steps\n\n1. Read the diff.\n2. Run the tests.\n3. Write the review.\n";
	ad_merge_result *res;
	const ad_merge_item *it;

	res = merge_s(fx, base_doc, moved, edited, NULL);
	assert_result(res, expect, 0);
	it = item_named(res, AD_MERGE_ITEM_SECTION, "Rules");
	assert_int_equal(it->action, AD_MERGE_COMBINED); /* text from theirs, blank line from ours */
	assert_int_equal(it->moved, AD_MERGE_MOVED_OURS);
	assert_int_equal(it->line, 7);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Role")->moved, 0);

	res = merge_s(fx, base_doc, edited, moved, NULL);
	assert_result(res, expect, 0);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Rules")->moved, AD_MERGE_MOVED_THEIRS);
}

#define SEC(t) "## " t "\n\nText of " t ".\n\n"

static void test_moved_on_both_sides_takes_ours(void **state)
{
	fixture *fx = *state;
	const char *b = SEC("A") SEC("B") SEC("C") SEC("D") SEC("E");
	ad_merge_result *res;

	/* Both move A: ours' place wins, and A is there once. */
	res = merge_s(fx, b, SEC("B") SEC("C") SEC("A") SEC("D") SEC("E"),
		      SEC("B") SEC("C") SEC("D") SEC("E") SEC("A"), NULL);
	assert_result(res, SEC("B") SEC("C") SEC("A") SEC("D") SEC("E"), 0);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "A")->moved,
			 AD_MERGE_MOVED_OURS | AD_MERGE_MOVED_THEIRS);
	/* Each moves a different section: both moves are kept. */
	res = merge_s(fx, b, SEC("B") SEC("A") SEC("C") SEC("D") SEC("E"),
		      SEC("A") SEC("B") SEC("C") SEC("E") SEC("D"), NULL);
	assert_result(res, SEC("B") SEC("A") SEC("C") SEC("E") SEC("D"), 0);
	/* One moves a section, the other deletes the one it was put after. */
	res = merge_s(fx, b, SEC("B") SEC("C") SEC("D") SEC("A") SEC("E"),
		      SEC("A") SEC("B") SEC("C") SEC("E"), NULL);
	assert_result(res, SEC("B") SEC("C") SEC("A") SEC("E"), 0);
}

static void test_added_sections(void **state)
{
	fixture *fx = *state;
	const char *ours = FM ROLE "## Inputs\n\nA pull request.\n\n" STEPS RULES;
	const char *theirs = FM ROLE "## Tone\n\nPlain words.\n\n" STEPS RULES "\n## Output\n\nA list.\n";
	ad_merge_result *res;

	res = merge_s(fx, base_doc, ours, theirs, NULL);
	/* Both added after Role: ours first, then theirs; Output at the end
	 * after Rules, which gained the blank line theirs gave it. */
	assert_result(res, FM ROLE "## Inputs\n\nA pull request.\n\n" "## Tone\n\nPlain words.\n\n" STEPS
			   RULES "\n## Output\n\nA list.\n", 0);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Inputs")->action, AD_MERGE_ADDED_OURS);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Tone")->action, AD_MERGE_ADDED_THEIRS);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Output")->action, AD_MERGE_ADDED_THEIRS);

	/* The same section added on both sides is taken once. */
	res = merge_s(fx, base_doc, ours, ours, NULL);
	assert_result(res, ours, 0);
	res = merge_s(fx, base_doc, FM ROLE STEPS RULES "\n## Notes\n\nSame.\n",
		      FM "# Role\n\nYou review code.\nYou are kind.\n\n" STEPS RULES "\n## Notes\n\nSame.\n", NULL);
	assert_result(res, FM "# Role\n\nYou review code.\nYou are kind.\n\n" STEPS RULES "\n## Notes\n\nSame.\n", 0);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Notes")->action, AD_MERGE_ADDED_BOTH);
}

static void test_blank_line_after_a_former_last_section(void **state)
{
	fixture *fx = *state;
	ad_merge_result *res;

	/* Both append a section at the end of the file, without a blank line
	 * after it: the first of the two gets one, as a person would write. */
	res = merge_s(fx, "# A\na\n\n# B\nb\n", "# A\na\n\n# B\nb\n\n## D\nd\n",
		      "# A\na\n\n# B\nb\n\n## C\nc\n", NULL);
	assert_result(res, "# A\na\n\n# B\nb\n\n## D\nd\n\n## C\nc\n", 0);
	/* A side that wrote sections without blank lines keeps that. */
	res = merge_s(fx, "# A\na\n# B\nb\n", "# A\na\n# B\nb\n# D\nd\n", "# A\nA\n# B\nb\n", NULL);
	assert_result(res, "# A\nA\n# B\nb\n# D\nd\n", 0);
}

static void test_added_differently_on_both(void **state)
{
	fixture *fx = *state;
	ad_merge_result *res;

	res = merge_s(fx, base_doc, FM ROLE STEPS RULES "\n## Notes\n\nOurs.\n",
		      FM ROLE STEPS RULES "\n## Notes\n\nTheirs.\n", NULL);
	/* One heading, the text below it in conflict against an empty base. */
	assert_result(res, FM ROLE STEPS RULES "\n## Notes\n\n"
			   "<<<<<<< ours\nOurs.\n||||||| base\n=======\nTheirs.\n>>>>>>> theirs\n", 1);
	/* Lines both added around the difference stay outside the markers. */
	res = merge_s(fx, base_doc, FM ROLE STEPS RULES "\n## Notes\n\nSame start.\nOurs.\nSame end.\n",
		      FM ROLE STEPS RULES "\n## Notes\n\nSame start.\nTheirs.\nSame end.\n", NULL);
	assert_result(res, FM ROLE STEPS RULES "\n## Notes\n\nSame start.\n"
			   "<<<<<<< ours\nOurs.\n||||||| base\n=======\nTheirs.\n>>>>>>> theirs\nSame end.\n", 1);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Notes")->action, AD_MERGE_CONFLICT);
}

static void test_deleted_unchanged(void **state)
{
	fixture *fx = *state;
	const char *ours = FM ROLE RULES;
	const char *theirs = FM "# Role\n\nYou review code.\nYou are kind.\n\n" STEPS RULES;
	ad_merge_result *res;
	const ad_merge_item *it;

	res = merge_s(fx, base_doc, ours, theirs, NULL);
	assert_result(res, FM "# Role\n\nYou review code.\nYou are kind.\n\n" RULES, 0);
	it = item_named(res, AD_MERGE_ITEM_SECTION, "Steps");
	assert_int_equal(it->action, AD_MERGE_DELETED_OURS);
	assert_int_equal(it->start, it->end);
	assert_int_equal(it->line, 0);
	assert_true(it->section[0] >= 0 && it->section[1] < 0 && it->section[2] >= 0);

	res = merge_s(fx, base_doc, theirs, ours, NULL);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Steps")->action, AD_MERGE_DELETED_THEIRS);
	assert_result(res, FM "# Role\n\nYou review code.\nYou are kind.\n\n" RULES, 0);
}

static void test_deleted_and_modified_conflicts(void **state)
{
	fixture *fx = *state;
	const char *ours = FM ROLE RULES;
	const char *theirs = FM ROLE "## Steps\n\n1. Read the diff.\n2. Run all the tests.\n3. Write the review.\n\n" RULES;
	ad_merge_result *res;

	res = merge_s(fx, base_doc, ours, theirs, NULL);
	assert_result(res, FM ROLE "<<<<<<< ours\n||||||| base\n" STEPS "=======\n"
			   "## Steps\n\n1. Read the diff.\n2. Run all the tests.\n3. Write the review.\n\n"
			   ">>>>>>> theirs\n" RULES, 1);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Steps")->action,
			 AD_MERGE_CONFLICT_DELETED_OURS);
	assert_true(ad_merge_action_is_conflict(AD_MERGE_CONFLICT_DELETED_OURS));

	res = merge_s(fx, base_doc, theirs, ours, NULL);
	assert_int_equal(ad_merge_result_conflicts(res), 1);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Steps")->action,
			 AD_MERGE_CONFLICT_DELETED_THEIRS);
	assert_true(where(res, "<<<<<<< ours\n## Steps") < where(res, "=======\n>>>>>>> theirs\n"));
}

static void test_line_merge_inside_section(void **state)
{
	fixture *fx = *state;
	const char *ours = FM ROLE "## Steps\n\n1. Read the whole diff.\n2. Run the tests.\n3. Write the review.\n\n" RULES;
	const char *theirs = FM ROLE "## Steps\n\n1. Read the diff.\n2. Run the tests.\n3. Write the review in English.\n\n" RULES;
	ad_merge_result *res;

	res = merge_s(fx, base_doc, ours, theirs, NULL);
	assert_result(res, FM ROLE "## Steps\n\n1. Read the whole diff.\n2. Run the tests.\n"
			   "3. Write the review in English.\n\n" RULES, 0);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Steps")->action, AD_MERGE_COMBINED);
}

static void test_same_line_conflict_markers(void **state)
{
	fixture *fx = *state;
	const char *ours = FM ROLE "## Steps\n\n1. Read the diff.\n2. Run the unit tests.\n3. Write the review.\n\n" RULES;
	const char *theirs = FM ROLE "## Steps\n\n1. Read the diff.\n2. Run the tests twice.\n3. Write the review.\n\n" RULES;
	ad_merge_options opts = AD_MERGE_OPTIONS_INIT;
	ad_merge_result *res;

	res = merge_s(fx, base_doc, ours, theirs, NULL);
	assert_result(res, FM ROLE "## Steps\n\n1. Read the diff.\n"
			   "<<<<<<< ours\n2. Run the unit tests.\n||||||| base\n2. Run the tests.\n"
			   "=======\n2. Run the tests twice.\n>>>>>>> theirs\n"
			   "3. Write the review.\n\n" RULES, 1);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Steps")->conflicts, 1);

	opts.label_base = "B";
	opts.label_ours = "HEAD";
	opts.label_theirs = "feature\nx"; /* a line break in a label never breaks a marker */
	opts.marker_size = 10;
	opts.style = AD_MERGE_STYLE_MERGE;
	res = merge_s(fx, base_doc, ours, theirs, &opts);
	assert_result(res, FM ROLE "## Steps\n\n1. Read the diff.\n"
			   "<<<<<<<<<< HEAD\n2. Run the unit tests.\n"
			   "==========\n2. Run the tests twice.\n>>>>>>>>>> feature?x\n"
			   "3. Write the review.\n\n" RULES, 1);

	opts.label_ours = "";
	opts.style = AD_MERGE_STYLE_DIFF3;
	opts.marker_size = 1;
	res = merge_s(fx, base_doc, ours, theirs, &opts);
	assert_true(contains(res, "\n<\n2. Run the unit tests.\n| B\n2. Run the tests.\n=\n"));
}

static void test_adjacent_changes_conflict_like_git(void **state)
{
	fixture *fx = *state;
	ad_merge_result *res;

	/* Changes to neighbouring lines touch: git conflicts, so do we. */
	res = merge_s(fx, base_doc,
		      FM ROLE "## Steps\n\n1. Read the diff!\n2. Run the tests.\n3. Write the review.\n\n" RULES,
		      FM ROLE "## Steps\n\n1. Read the diff.\n2. Run the tests!\n3. Write the review.\n\n" RULES, NULL);
	assert_int_equal(ad_merge_result_conflicts(res), 1);
	/* A renamed heading and an edited first line do not touch. */
	res = merge_s(fx, base_doc,
		      FM ROLE "## Procedure\n\n1. Read the diff.\n2. Run the tests.\n3. Write the review.\n\n" RULES,
		      FM ROLE "## Steps\n1. Read the diff.\n2. Run the tests.\n3. Write the review.\n\n" RULES, NULL);
	assert_result(res, FM ROLE "## Procedure\n1. Read the diff.\n2. Run the tests.\n3. Write the review.\n\n" RULES, 0);
}

static void test_frontmatter_fields(void **state)
{
	fixture *fx = *state;
	const char *b = "---\nname: demo\ndescription: A demo.\nmodel: sonnet\ncolor: blue\n---\nBody.\n";
	ad_merge_result *res;

	/* One side each: taken. */
	res = merge_s(fx, b, "---\nname: demo\ndescription: A better demo.\nmodel: sonnet\ncolor: blue\n---\nBody.\n",
		      "---\nname: demo\ndescription: A demo.\nmodel: opus\ncolor: blue\n---\nBody.\n", NULL);
	assert_result(res, "---\nname: demo\ndescription: A better demo.\nmodel: opus\ncolor: blue\n---\nBody.\n", 0);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_FIELD, "description")->action, AD_MERGE_OURS);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_FIELD, "model")->action, AD_MERGE_THEIRS);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_FIELD, "model")->line, 4);

	/* Conflicting scalar: markers around the field line only. */
	res = merge_s(fx, b, "---\nname: demo\ndescription: A demo.\nmodel: opus\ncolor: blue\n---\nBody.\n",
		      "---\nname: demo\ndescription: A demo.\nmodel: haiku\ncolor: red\n---\nBody.\n", NULL);
	assert_result(res, "---\nname: demo\ndescription: A demo.\n"
			   "<<<<<<< ours\nmodel: opus\n||||||| base\nmodel: sonnet\n=======\nmodel: haiku\n>>>>>>> theirs\n"
			   "color: red\n---\nBody.\n", 1);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_FIELD, "model")->action, AD_MERGE_CONFLICT);

	/* Added on one side, deleted on the other (unchanged there). */
	res = merge_s(fx, b, "---\nname: demo\ndescription: A demo.\nmodel: sonnet\ncolor: blue\nversion: 2\n---\nBody.\n",
		      "---\nname: demo\ndescription: A demo.\nmodel: sonnet\n---\nBody.\n", NULL);
	assert_result(res, "---\nname: demo\ndescription: A demo.\nmodel: sonnet\nversion: 2\n---\nBody.\n", 0);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_FIELD, "color")->action, AD_MERGE_DELETED_THEIRS);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_FIELD, "version")->action, AD_MERGE_ADDED_OURS);

	/* Deleted on one side, changed on the other. */
	res = merge_s(fx, b, "---\nname: demo\ndescription: A demo.\ncolor: blue\n---\nBody.\n",
		      "---\nname: demo\ndescription: A demo.\nmodel: opus\ncolor: blue\n---\nBody.\n", NULL);
	assert_result(res, "---\nname: demo\ndescription: A demo.\n"
			   "<<<<<<< ours\n||||||| base\nmodel: sonnet\n=======\nmodel: opus\n>>>>>>> theirs\n"
			   "color: blue\n---\nBody.\n", 1);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_FIELD, "model")->action,
			 AD_MERGE_CONFLICT_DELETED_OURS);

	/* A literal block edited in two places merges by lines. */
	res = merge_s(fx, "---\nname: x\ndescription: |\n  one\n  two\n  three\n  four\n---\n",
		      "---\nname: x\ndescription: |\n  ONE\n  two\n  three\n  four\n---\n",
		      "---\nname: x\ndescription: |\n  one\n  two\n  three\n  FOUR\n---\n", NULL);
	assert_result(res, "---\nname: x\ndescription: |\n  ONE\n  two\n  three\n  FOUR\n---\n", 0);
}

static void test_tools_as_a_set(void **state)
{
	fixture *fx = *state;
	ad_merge_result *res;

	/* Comma string: ours adds Write, theirs adds Bash and drops Grep. */
	res = merge_s(fx, "---\nname: x\ntools: Read, Grep, Glob\n---\nB\n",
		      "---\nname: x\ntools: Read, Grep, Glob, Write\n---\nB\n",
		      "---\nname: x\ntools: Read, Glob, Bash\n---\nB\n", NULL);
	assert_result(res, "---\nname: x\ntools: Read, Glob, Write, Bash\n---\nB\n", 0);
	assert_int_equal(item_named(res, AD_MERGE_ITEM_FIELD, "tools")->action, AD_MERGE_COMBINED);

	/* Block list in ours, flow list in theirs: written as ours' block
	 * list, comments kept. */
	res = merge_s(fx, "---\nname: x\ntools:\n  - Read   # always\n  - Grep\n# end of tools\nmodel: opus\n---\nB\n",
		      "---\nname: x\ntools:\n  - Read   # always\n  - Grep\n  - Edit\n# end of tools\nmodel: opus\n---\nB\n",
		      "---\nname: x\ntools: [Read, WebFetch]\nmodel: opus\n---\nB\n", NULL);
	assert_result(res, "---\nname: x\ntools:\n  - Read   # always\n  - Edit\n  - WebFetch\n# end of tools\nmodel: opus\n---\nB\n", 0);

	/* Flow list in ours; a name that needs quotes. */
	res = merge_s(fx, "---\ntools: [Read]\n---\n",
		      "---\ntools: [Read, \"Bash(git diff:*)\"]\n---\n",
		      "---\ntools: [Read, Grep]\n---\n", NULL);
	assert_result(res, "---\ntools: [Read, \"Bash(git diff:*)\", Grep]\n---\n", 0);

	/* Added on both sides with different names: the union. */
	res = merge_s(fx, "---\nname: x\n---\n", "---\nname: x\ntools: Read\n---\n",
		      "---\nname: x\ntools: Grep\n---\n", NULL);
	assert_result(res, "---\nname: x\ntools: Read, Grep\n---\n", 0);

	/* Everything removed: an empty flow list. */
	res = merge_s(fx, "---\ntools:\n  - Read\n  - Grep\n---\n", "---\ntools:\n  - Grep\n---\n",
		      "---\ntools:\n  - Read\n---\n", NULL);
	assert_result(res, "---\ntools:\n  []\n---\n", 0);

	/* Not a set key: a conflict. */
	res = merge_s(fx, "---\nlist: [a]\n---\n", "---\nlist: [a, b]\n---\n", "---\nlist: [a, c]\n---\n", NULL);
	assert_int_equal(ad_merge_result_conflicts(res), 1);
}

/* The names merge writes read back as the same strings: a tool named
 * "true" keeps its quotes, and the commas inside a tool's arguments do
 * not split it. */
static void test_tools_quoting_and_arguments(void **state)
{
	fixture *fx = *state;
	ad_merge_result *res;

	res = merge_s(fx, "---\ntools:\n  - Read\n---\n", "---\ntools:\n  - Read\n  - Grep\n---\n",
		      "---\ntools:\n  - Read\n  - \"true\"\n---\n", NULL);
	assert_result(res, "---\ntools:\n  - Read\n  - Grep\n  - \"true\"\n---\n", 0);
	res = merge_s(fx, "---\ntools: [Read]\n---\n", "---\ntools: [Read, Grep]\n---\n",
		      "---\ntools: [Read, \"true\"]\n---\n", NULL);
	assert_result(res, "---\ntools: [Read, Grep, \"true\"]\n---\n", 0);

	res = merge_s(fx, "---\ntools: Read, Agent(worker)\n---\n",
		      "---\ntools: Read, Agent(worker, researcher)\n---\n",
		      "---\ntools: Read, Agent(worker), Grep\n---\n", NULL);
	assert_result(res, "---\ntools: Read, Agent(worker, researcher), Grep\n---\n", 0);
	/* A name a comma string cannot hold: ours' scalar becomes a flow list. */
	res = merge_s(fx, "---\ntools: Read\n---\n", "---\ntools: Read, Grep\n---\n",
		      "---\ntools: [Read, \"a, b\"]\n---\n", NULL);
	assert_result(res, "---\ntools: [Read, Grep, \"a, b\"]\n---\n", 0);
}

static void test_xml_sections(void **state)
{
	fixture *fx = *state;
	const char *b = "---\nname: x\n---\n<role>\nYou review.\n</role>\n\n<rules>\n## Style\nShort.\n\n## Tone\nKind.\n</rules>\n";
	/* Ours edits Style; theirs adds a section at the end of <rules>,
	 * which moves </rules> out of Tone's text. */
	const char *o = "---\nname: x\n---\n<role>\nYou review.\n</role>\n\n<rules>\n## Style\nVery short.\n\n## Tone\nKind.\n</rules>\n";
	const char *t = "---\nname: x\n---\n<role>\nYou review.\n</role>\n\n<rules>\n## Style\nShort.\n\n## Tone\nKind.\n\n## Scope\nThe diff only.\n</rules>\n";
	ad_merge_result *res;

	res = merge_s(fx, b, o, t, NULL);
	assert_result(res, "---\nname: x\n---\n<role>\nYou review.\n</role>\n\n<rules>\n## Style\nVery short.\n\n"
			   "## Tone\nKind.\n\n## Scope\nThe diff only.\n</rules>\n", 0);

	/* Ours edits Tone (whose text holds </rules>), theirs adds Scope. */
	o = "---\nname: x\n---\n<role>\nYou review.\n</role>\n\n<rules>\n## Style\nShort.\n\n## Tone\nAlways kind.\n</rules>\n";
	res = merge_s(fx, b, o, t, NULL);
	assert_result(res, "---\nname: x\n---\n<role>\nYou review.\n</role>\n\n<rules>\n## Style\nShort.\n\n"
			   "## Tone\nAlways kind.\n\n## Scope\nThe diff only.\n</rules>\n", 0);

	/* Theirs moves <role> after <rules>, ours edits it. */
	t = "---\nname: x\n---\n<rules>\n## Style\nShort.\n\n## Tone\nKind.\n</rules>\n\n<role>\nYou review.\n</role>\n";
	o = "---\nname: x\n---\n<role>\nYou review carefully.\n</role>\n\n<rules>\n## Style\nShort.\n\n## Tone\nKind.\n</rules>\n";
	res = merge_s(fx, b, o, t, NULL);
	assert_result(res, "---\nname: x\n---\n<rules>\n## Style\nShort.\n\n## Tone\nKind.\n</rules>\n\n"
			   "<role>\nYou review carefully.\n</role>\n", 0);
}

static void test_bytes_kept(void **state)
{
	fixture *fx = *state;
	const char *b = "\xEF\xBB\xBF---\r\nname: x\r\ntools: Read\r\n---\r\n# A\r\none\r\n\r\n# B\r\ntwo";
	const char *o = "\xEF\xBB\xBF---\r\nname: x\r\ntools: Read, Grep\r\n---\r\n# A\r\none\r\n\r\n# B\r\ntwo";
	const char *t = "\xEF\xBB\xBF---\r\nname: x\r\ntools: Read\r\n---\r\n# A\r\nONE\r\n\r\n# B\r\ntwo";
	ad_merge_result *res;

	res = merge_s(fx, b, o, t, NULL);
	assert_result(res, "\xEF\xBB\xBF---\r\nname: x\r\ntools: Read, Grep\r\n---\r\n# A\r\nONE\r\n\r\n# B\r\ntwo", 0);

	/* Conflict markers use the file's line endings. */
	res = merge_s(fx, b, "\xEF\xBB\xBF---\r\nname: y\r\ntools: Read\r\n---\r\n# A\r\none\r\n\r\n# B\r\ntwo",
		      "\xEF\xBB\xBF---\r\nname: z\r\ntools: Read\r\n---\r\n# A\r\none\r\n\r\n# B\r\ntwo", NULL);
	assert_true(contains(res, "<<<<<<< ours\r\nname: y\r\n||||||| base\r\nname: x\r\n=======\r\nname: z\r\n>>>>>>> theirs\r\n"));

	/* Moving the last section (no final newline) keeps the file without one. */
	res = merge_s(fx, "# A\none\n\n# B\ntwo", "# B\ntwo\n\n# A\none", "# A\none\n\n# B\nTWO", NULL);
	assert_result(res, "# B\nTWO\n\n# A\none", 0);
	/* And adding a final newline on one side is kept. */
	res = merge_s(fx, "# A\none\n\n# B\ntwo", "# A\none\n\n# B\ntwo\n", "# A\nONE\n\n# B\ntwo", NULL);
	assert_result(res, "# A\nONE\n\n# B\ntwo\n", 0);
}

static void test_identities(void **state)
{
	fixture *fx = *state;
	const char *x = "---\nname: x\n---\n# A\n\n# A\n\n# A\n";
	const char *y = "---\nname: y\n---\n# A\nedited\n\n# A\n\n# A\n";
	ad_merge_result *res;

	/* Duplicated identical sections must not confuse the identities. */
	res = merge_s(fx, x, y, x, NULL);
	assert_result(res, y, 0);
	res = merge_s(fx, x, x, y, NULL);
	assert_result(res, y, 0);
	res = merge_s(fx, x, y, y, NULL);
	assert_result(res, y, 0);
	res = merge_s(fx, "", "", "", NULL);
	assert_result(res, "", 0);
	res = merge_s(fx, "", "# New\n", "", NULL);
	assert_result(res, "# New\n", 0);
}

static void test_hostile_bytes(void **state)
{
	fixture *fx = *state;
	static const char b[] = "# A\r\xff\xfe\0x\r\r# B\rtwo\r";
	static const char o[] = "# A\r\xff\xfe\0y\r\r# B\rtwo\r";
	static const char t[] = "# A\r\xff\xfe\0x\r\r# B\rthree\r";
	static const char expect[] = "# A\r\xff\xfe\0y\r\r# B\rthree\r";
	ad_merge_result *res;
	uint32_t seed = 7;
	int round;

	ad_merge_result_free(fx->res);
	fx->res = res = merge_n(b, sizeof(b) - 1, o, sizeof(o) - 1, t, sizeof(t) - 1, NULL);
	assert_int_equal(ad_merge_result_size(res), sizeof(expect) - 1);
	assert_memory_equal(ad_merge_result_data(res), expect, sizeof(expect) - 1);
	assert_int_equal(ad_merge_result_conflicts(res), 0);

	/* Random bytes with a few structural characters: never a crash, and
	 * conflicts are well formed. */
	for (round = 0; round < 300; round++) {
		char in[3][160];
		size_t len[3];
		static const char alphabet[] = "#\n\r-:<>/ab \0\xff\t`[]";
		int s;
		size_t i;

		for (s = 0; s < 3; s++) {
			seed = seed * 1103515245u + 12345u;
			len[s] = (seed >> 16) % sizeof(in[s]);
			for (i = 0; i < len[s]; i++) {
				seed = seed * 1103515245u + 12345u;
				in[s][i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
			}
			if (s > 0 && round % 3 == 0) /* often a small edit of base */
				memcpy(in[s], in[0], len[s] < len[0] ? len[s] : len[0]);
		}
		ad_merge_result_free(fx->res);
		fx->res = res = merge_n(in[0], len[0], in[1], len[1], in[2], len[2], NULL);
		/* Blocks can be told apart when no input holds a marker. */
		for (s = 0; s < 3; s++)
			if (mem_has(in[s], len[s], "<<<<<<<", 7) || mem_has(in[s], len[s], ">>>>>>>", 7))
				break;
		if (s == 3)
			check_conflicts(res, in[0], len[0], in[1], len[1], in[2], len[2]);
	}
}

/* ------------------------------------------------------------ re-parenting */

#define ALPHA "## Alpha\n\nAlpha text.\n\n"
#define BETA "## Beta\n\nBeta text.\n\n"
#define DETAIL "### Beta detail\n\nDetail text.\n\n"
#define GAMMA "## Gamma\n\nGamma text.\n"
#define TOP "# Agent\n\n"

static void test_child_of_deleted_parent(void **state)
{
	fixture *fx = *state;
	const char *base = TOP ALPHA BETA GAMMA;
	const char *added = TOP ALPHA BETA DETAIL GAMMA;
	const char *deleted = TOP ALPHA GAMMA;
	const ad_merge_item *it;
	ad_merge_result *res;

	/* Theirs deletes Beta, ours adds a subsection inside it: one conflict
	 * over Beta, not a clean merge with the subsection under Alpha. */
	res = merge_s(fx, base, added, deleted, NULL);
	assert_result(res, TOP ALPHA "<<<<<<< ours\n## Beta\n\nBeta text.\n\n"
			   "### Beta detail\n\nDetail text.\n||||||| base\n## Beta\n\nBeta text.\n"
			   "=======\n>>>>>>> theirs\n\n" GAMMA, 1);
	it = item_named(res, AD_MERGE_ITEM_SECTION, "Beta");
	assert_int_equal(it->action, AD_MERGE_CONFLICT_DELETED_THEIRS);
	assert_true(it->changed_inside);
	assert_int_equal(it->conflicts, 1);
	assert_true(it->line > 0);
	check_conflicts(res, base, strlen(base), added, strlen(added), deleted, strlen(deleted));

	/* The same the other way round. */
	res = merge_s(fx, base, deleted, added, NULL);
	assert_result(res, TOP ALPHA "<<<<<<< ours\n||||||| base\n## Beta\n\nBeta text.\n=======\n"
			   "## Beta\n\nBeta text.\n\n### Beta detail\n\nDetail text.\n"
			   ">>>>>>> theirs\n\n" GAMMA, 1);
	it = item_named(res, AD_MERGE_ITEM_SECTION, "Beta");
	assert_int_equal(it->action, AD_MERGE_CONFLICT_DELETED_OURS);
	assert_true(it->changed_inside);

	/* A subsection edited on one side, deleted with its parent on the
	 * other: one conflict over the parent's region. */
	res = merge_s(fx, added, TOP ALPHA BETA "### Beta detail\n\nDetail text, edited.\n\n" GAMMA,
		      deleted, NULL);
	assert_int_equal(ad_merge_result_conflicts(res), 1);
	assert_true(where(res, "<<<<<<< ours\n## Beta\n") < where(res, "Detail text, edited.\n"));
	assert_true(where(res, "Detail text, edited.\n") < where(res, "||||||| base\n## Beta\n"));
	assert_true(where(res, "=======\n>>>>>>> theirs\n") < where(res, "## Gamma"));
	assert_true(item_named(res, AD_MERGE_ITEM_SECTION, "Beta")->changed_inside);

	/* Deeper: the subsection added inside a subsection of the deleted
	 * section; the conflict is over the outermost deleted one. */
	res = merge_s(fx, added, TOP ALPHA BETA DETAIL "#### Deeper\n\nDeep text.\n\n" GAMMA,
		      deleted, NULL);
	assert_int_equal(ad_merge_result_conflicts(res), 1);
	assert_true(where(res, "<<<<<<< ours\n## Beta\n") < where(res, "#### Deeper"));
	assert_int_equal(item_named(res, AD_MERGE_ITEM_SECTION, "Beta")->action,
			 AD_MERGE_CONFLICT_DELETED_THEIRS);
}

static void test_deleted_parent_children_kept(void **state)
{
	fixture *fx = *state;
	const char *base = TOP ALPHA BETA DETAIL GAMMA;
	ad_merge_result *res;

	/* Theirs deletes Beta's heading but keeps (re-parents) its subsection
	 * under Alpha; ours edits the subsection: clean, where theirs put it. */
	res = merge_s(fx, base, TOP ALPHA BETA "### Beta detail\n\nDetail text, edited.\n\n" GAMMA,
		      TOP ALPHA DETAIL GAMMA, NULL);
	assert_result(res, TOP ALPHA "### Beta detail\n\nDetail text, edited.\n\n" GAMMA, 0);

	/* Theirs deletes Beta and moves its subsection under Gamma; ours edits
	 * the subsection: clean, the edit where theirs moved it. */
	res = merge_s(fx, base, TOP ALPHA BETA "### Beta detail\n\nDetail text, edited.\n\n" GAMMA,
		      TOP ALPHA GAMMA "\n" "### Beta detail\n\nDetail text.\n", NULL);
	assert_int_equal(ad_merge_result_conflicts(res), 0);
	assert_result(res, TOP ALPHA GAMMA "\n" "### Beta detail\n\nDetail text, edited.\n", 0);

	/* Ours moves the subsection out of Beta (unchanged), theirs deletes
	 * Beta with all that was in it: no conflict, nothing lands under
	 * Alpha, the subsection goes with its deletion (Gamma keeps the blank
	 * line ours gave it). */
	res = merge_s(fx, base, TOP ALPHA BETA GAMMA "\n" "### Beta detail\n\nDetail text.\n",
		      TOP ALPHA GAMMA, NULL);
	assert_result(res, TOP ALPHA GAMMA "\n", 0);

	/* Theirs deletes Beta's own text only; ours adds a second subsection
	 * after the kept one: it goes along with its sibling. */
	res = merge_s(fx, base, TOP ALPHA BETA DETAIL "### More\n\nMore text.\n\n" GAMMA,
		      TOP ALPHA DETAIL GAMMA, NULL);
	assert_result(res, TOP ALPHA DETAIL "### More\n\nMore text.\n\n" GAMMA, 0);
}

/* ------------------------------------------------------------ no duplicates */

/* n sections all titled "## S": base text "base text of section I", and
 * for every ours_every-th (theirs_every-th) section, when not 0, ours'
 * (theirs') own rewrite. */
static char *same_title_doc(int n, int every, const char *who)
{
	ad_buf b = AD_BUF_INIT;
	int i;

	ad_buf_puts(&b, "---\nname: same\ndescription: Many sections, one title.\n---\n\n");
	for (i = 1; i <= n; i++) {
		if (every && i % every == 0)
			ad_buf_printf(&b, "## S\n\n%s rewrote this, case %d\n\n", who, i);
		else
			ad_buf_printf(&b, "## S\n\nbase text of section %d, as it was\n\n", i);
	}
	return ad_buf_detach(&b);
}

/* How many times line occurs outside conflict blocks, and whether it occurs
 * inside one. */
static int count_outside(const ad_merge_result *res, const char *line, bool *inside)
{
	const char *p = ad_merge_result_data(res);
	size_t n = ad_merge_result_size(res), i = 0, ll = strlen(line);
	int count = 0;
	bool in = false;

	*inside = false;
	while (i < n) {
		size_t l = line_len(p + i, n - i);

		if (is_marker(p + i, l, '<', 7))
			in = true;
		else if (is_marker(p + i, l, '>', 7))
			in = false;
		else if (l == ll + 1 && !memcmp(p + i, line, ll)) {
			if (in)
				*inside = true;
			else
				count++;
		}
		i += l;
	}
	return count;
}

/* Each section rewritten by both sides is in a conflict, each one side
 * rewrote is there once in that side's version, the others once as they
 * were: never both versions of a section in a clean spot. */
static void check_no_duplicates(const ad_merge_result *res, int n, int every_o, int every_t)
{
	char line[96];
	int i;

	for (i = 1; i <= n; i++) {
		bool by_o = i % every_o == 0, by_t = i % every_t == 0, inside;
		int c_base, c_o, c_t;
		bool in_base, in_o, in_t;

		snprintf(line, sizeof(line), "base text of section %d, as it was", i);
		c_base = count_outside(res, line, &in_base);
		snprintf(line, sizeof(line), "ours rewrote this, case %d", i);
		c_o = count_outside(res, line, &in_o);
		snprintf(line, sizeof(line), "theirs rewrote this, case %d", i);
		c_t = count_outside(res, line, &in_t);
		inside = in_base || in_o || in_t;
		if (by_o && by_t) {
			if (c_o || c_t || c_base || !in_o || !in_t)
				fail_msg("section %d, rewritten on both sides: %d ours, %d theirs, %d base "
					 "outside conflicts", i, c_o, c_t, c_base);
		} else if (!inside && (c_base != (!by_o && !by_t) || c_o != by_o || c_t != by_t)) {
			fail_msg("section %d (rewritten by %s): %d base, %d ours, %d theirs", i,
				 by_o ? "ours" : by_t ? "theirs" : "neither", c_base, c_o, c_t);
		}
	}
}

static void test_same_title_sections_never_duplicated(void **state)
{
	fixture *fx = *state;
	/* 300 sections: the aligner scores them; 2100: past its section limit,
	 * where it pairs only identical and uniquely titled sections. */
	static const int sizes[] = { 300, 2100 };
	size_t k;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		char *b = same_title_doc(sizes[k], 0, NULL);
		char *o = same_title_doc(sizes[k], 7, "ours");
		char *t = same_title_doc(sizes[k], 11, "theirs");
		ad_merge_result *res = merge_s(fx, b, o, t, NULL);

		assert_true(ad_merge_result_conflicts(res) >= (size_t)(sizes[k] / 77));
		check_no_duplicates(res, sizes[k], 7, 11);
		check_conflicts(res, b, strlen(b), o, strlen(o), t, strlen(t));
		free(b);
		free(o);
		free(t);
	}
}

static void test_unpaired_rewrites_conflict(void **state)
{
	fixture *fx = *state;
	const char *same = "## S\n\nsame words\n\n";
	ad_buf b = AD_BUF_INIT, o = AD_BUF_INIT, t = AD_BUF_INIT;
	ad_merge_result *res;
	bool inside;
	int i;

	/* 2100 identical sections (past the aligner's limit: it pairs them in
	 * order): both sides rewrite the fifth, differently. */
	for (i = 1; i <= 2100; i++) {
		ad_buf_puts(&b, same);
		ad_buf_puts(&o, i == 5 ? "## S\n\nours' words\n\n" : same);
		ad_buf_puts(&t, i == 5 ? "## S\n\ntheirs' words\n\n" : same);
	}
	res = merge_s(fx, ad_buf_cstr(&b), ad_buf_cstr(&o), ad_buf_cstr(&t), NULL);
	assert_int_equal(ad_merge_result_conflicts(res), 1);
	assert_int_equal(count_outside(res, "ours' words", &inside), 0);
	assert_true(inside);
	assert_int_equal(count_outside(res, "theirs' words", &inside), 0);
	assert_true(inside);

	/* Both sides replace one section with sections of their own under
	 * other titles and words: two additions, as before. */
	res = merge_s(fx, base_doc, FM ROLE "## Checks\n\nLint first.\n\n" RULES,
		      FM ROLE "## Output\n\nOne comment per finding.\n\n" RULES, NULL);
	assert_result(res, FM ROLE "## Checks\n\nLint first.\n\n## Output\n\nOne comment per finding.\n\n"
			   RULES, 0);
	ad_buf_free(&b);
	ad_buf_free(&o);
	ad_buf_free(&t);
}

static void test_limits_and_last_resort(void **state)
{
	fixture *fx = *state;
	ad_merge_options opts = AD_MERGE_OPTIONS_INIT;
	ad_merge_result *res = NULL;
	ad_error err = AD_ERROR_INIT;
	ad_buf b = AD_BUF_INIT, o = AD_BUF_INIT, t = AD_BUF_INIT, want = AD_BUF_INIT;
	const char *p;
	int i;

	/* Long markers are written at their length. */
	opts.marker_size = 5000;
	res = merge_s(fx, "a\nb\nc\n", "a\nB\nc\n", "a\nbb\nc\n", &opts);
	assert_int_equal(ad_merge_result_conflicts(res), 1);
	p = strstr(ad_merge_result_data(res), "\n<");
	assert_non_null(p);
	assert_int_equal(strspn(p + 1, "<"), 5000);
	assert_int_equal(p[5001], ' ');
	p = strstr(p, "\n=");
	assert_non_null(p);
	assert_int_equal(strspn(p + 1, "="), 5000);
	assert_int_equal(p[5001], '\n');
	p = strstr(p, "\n>");
	assert_non_null(p);
	assert_int_equal(strspn(p + 1, ">"), 5000);

	/* Markers over their budget: the merge fails, as lines too. */
	for (i = 1; i <= 200; i++) {
		ad_buf_printf(&b, "line %d\n", i);
		ad_buf_printf(&o, i % 2 ? "line %d\n" : "ours %d\n", i);
		ad_buf_printf(&t, i % 2 ? "line %d\n" : "theirs %d\n", i);
	}
	opts.marker_size = AD_MERGE_MAX_MARKER_SIZE;
	assert_int_equal(ad_merge3_buffers(&res, b.ptr, b.size, o.ptr, o.size, t.ptr, t.size, &opts,
					   &err), AD_ETOOBIG);
	assert_null(res);
	assert_non_null(strstr(err.message, "conflict markers"));
	ad_error_clear(&err);
	assert_int_equal(ad_merge3_text(&res, b.ptr, b.size, o.ptr, o.size, t.ptr, t.size, &opts,
					&err), AD_ETOOBIG);
	assert_null(res);
	ad_error_clear(&err);

	/* The last resort: ours, then theirs, whole, between markers. */
	opts.marker_size = 0;
	assert_int_equal(ad_merge3_whole(&res, o.ptr, o.size, t.ptr, t.size, &opts, &err), 0);
	ad_merge_result_free(fx->res);
	fx->res = res;
	ad_buf_puts(&want, "<<<<<<< ours\n");
	ad_buf_put(&want, o.ptr, o.size);
	ad_buf_puts(&want, "=======\n");
	ad_buf_put(&want, t.ptr, t.size);
	ad_buf_puts(&want, ">>>>>>> theirs\n");
	assert_result(res, ad_buf_cstr(&want), 1);
	assert_int_equal(ad_merge_result_item(res, 0)->kind, AD_MERGE_ITEM_FILE);
	assert_int_equal(ad_merge_result_item(res, 0)->action, AD_MERGE_CONFLICT);
	assert_int_equal(ad_merge3_whole(&res, "x", 1, "x", 1, NULL, NULL), 0);
	ad_merge_result_free(fx->res);
	fx->res = res;
	assert_result(res, "x", 0);
	/* A side without a final line ending gets one before the marker. */
	assert_int_equal(ad_merge3_whole(&res, "x", 1, "y", 1, NULL, NULL), 0);
	ad_merge_result_free(fx->res);
	fx->res = res;
	assert_result(res, "<<<<<<< ours\nx\n=======\ny\n>>>>>>> theirs\n", 1);

	/* Past max_text, not merged at all, unless a side is unchanged. */
	opts.max_text = 16;
	assert_int_equal(ad_merge3_text(&res, b.ptr, b.size, o.ptr, o.size, t.ptr, t.size, &opts,
					&err), AD_ETOOBIG);
	assert_non_null(strstr(err.message, "too large to merge as lines"));
	ad_error_clear(&err);
	opts.max_structured = 16;
	assert_int_equal(ad_merge3_buffers(&res, b.ptr, b.size, o.ptr, o.size, t.ptr, t.size, &opts,
					   NULL), AD_ETOOBIG);
	res = merge_s(fx, b.ptr, o.ptr, b.ptr, &opts);
	assert_result(res, o.ptr, 0);

	ad_buf_free(&b);
	ad_buf_free(&o);
	ad_buf_free(&t);
	ad_buf_free(&want);
}

static void test_large_input_plain(void **state)
{
	fixture *fx = *state;
	ad_merge_options opts = AD_MERGE_OPTIONS_INIT;
	ad_merge_result *res;
	const char *o = FM ROLE "## Steps\n\n1. Read the whole diff.\n2. Run the tests.\n3. Write the review.\n\n" RULES;
	const char *t = FM ROLE STEPS "## Rules\n\n- Be kind.\n- Be specific.\n- Cite lines.\n";

	opts.max_structured = 64;
	res = merge_s(fx, base_doc, o, t, &opts);
	assert_true(ad_merge_result_plain(res));
	assert_result(res, FM ROLE "## Steps\n\n1. Read the whole diff.\n2. Run the tests.\n3. Write the review.\n\n"
			   "## Rules\n\n- Be kind.\n- Be specific.\n- Cite lines.\n", 0);
	assert_int_equal(ad_merge_result_item_count(res), 1);
	assert_int_equal(ad_merge_result_item(res, 0)->kind, AD_MERGE_ITEM_FILE);
	assert_int_equal(ad_merge_result_item(res, 0)->action, AD_MERGE_COMBINED);
	assert_null(ad_merge_result_item(res, 1));

	/* Plain merge of tools added on both sides: the conflict git makes. */
	res = merge_s(fx, "tools: Read\n", "tools: Read, Grep\n", "tools: Read, Bash\n", &opts);
	assert_result(res, "<<<<<<< ours\ntools: Read, Grep\n||||||| base\ntools: Read\n=======\n"
			   "tools: Read, Bash\n>>>>>>> theirs\n", 1);
}

static void test_plain_text_diff3(void **state)
{
	fixture *fx = *state;
	ad_error err = AD_ERROR_INIT;
	ad_merge_result *res = NULL;
	const char *b = "a\nb\nc\nd\ne\n", *o = "a\nB\nc\nd\ne\n", *t = "a\nb\nc\nD\ne\nf";

	assert_int_equal(ad_merge3_text(&res, b, strlen(b), o, strlen(o), t, strlen(t), NULL, &err), 0);
	ad_merge_result_free(fx->res);
	fx->res = res;
	assert_result(res, "a\nB\nc\nD\ne\nf", 0);
	assert_true(ad_merge_result_plain(res));
	/* A conflict at the end of a file without a final newline. */
	assert_int_equal(ad_merge3_text(&res, "x", 1, "y", 1, "z", 1, NULL, &err), 0);
	ad_merge_result_free(fx->res);
	fx->res = res;
	assert_result(res, "<<<<<<< ours\ny\n||||||| base\nx\n=======\nz\n>>>>>>> theirs\n", 1);
}

/* ------------------------------------------------------------ issue 13 classes */

/* Class 2: one side appends to a section after its blank line, the other
 * after its last line.  git merges this (the blank line between the two
 * insertions keeps them apart); so do we. */
static void test_appends_at_end_of_section(void **state)
{
	fixture *fx = *state;
	ad_merge_result *res;

	res = merge_s(fx, "---\nname: x\n---\n## A\n\n1. x\n2. y\n\n## B\n\nz\n",
		      "---\nname: x\n---\n## A\n\n1. x\n2. y\n\n3. o\n\n## B\n\nz\n",
		      "---\nname: x\n---\n## A\n\n1. x\n2. y\n3. t\n\n## B\n\nz\n", NULL);
	assert_result(res, "---\nname: x\n---\n## A\n\n1. x\n2. y\n3. t\n\n3. o\n\n## B\n\nz\n", 0);
	/* An edit of a section's last line against a paragraph added after it. */
	res = merge_s(fx, "---\nname: x\n---\n## A\n\nfirst\nlast\n\n## B\n\nz\n",
		      "---\nname: x\n---\n## A\n\nfirst\nlast\n\nmore\n\n## B\n\nz\n",
		      "---\nname: x\n---\n## A\n\nfirst\nLAST\n\n## B\n\nz\n", NULL);
	assert_result(res, "---\nname: x\n---\n## A\n\nfirst\nLAST\n\nmore\n\n## B\n\nz\n", 0);
	/* An insertion that could sit on either side of a blank line is put
	 * where it does not touch the other side's edit. */
	res = merge_s(fx, "---\nname: x\n---\n## A\n\nfirst\nlast\n\nafter\n\n## B\n\nz\n",
		      "---\nname: x\n---\n## A\n\nfirst\nlast\n\nmore\n\nafter\n\n## B\n\nz\n",
		      "---\nname: x\n---\n## A\n\nfirst\nLAST\n\nafter\n\n## B\n\nz\n", NULL);
	assert_result(res, "---\nname: x\n---\n## A\n\nfirst\nLAST\n\nmore\n\nafter\n\n## B\n\nz\n", 0);
	/* Both appending after the last line still conflict, as in git. */
	res = merge_s(fx, "---\nname: x\n---\n## A\n\n1. x\n\n## B\n\nz\n",
		      "---\nname: x\n---\n## A\n\n1. x\n2. o\n\n## B\n\nz\n",
		      "---\nname: x\n---\n## A\n\n1. x\n2. t\n\n## B\n\nz\n", NULL);
	assert_int_equal(ad_merge_result_conflicts(res), 1);
}

/* Class 4: ours adds a section after X, theirs replaces X by X'.  The new
 * section follows X', as git and the people put it. */
static void test_insertion_beside_replaced_neighbour(void **state)
{
	fixture *fx = *state;
	ad_merge_result *res;

	res = merge_s(fx, "---\nname: x\n---\n## X\n\nx\n\n## Y\n\ny\n",
		      "---\nname: x\n---\n## X\n\nx\n\n## N\n\nn\n\n## Y\n\ny\n",
		      "---\nname: x\n---\n## Quite other\n\nsomething else entirely\n\n## Y\n\ny\n", NULL);
	assert_result(res, "---\nname: x\n---\n## Quite other\n\nsomething else entirely\n\n"
		      "## N\n\nn\n\n## Y\n\ny\n", 0);
	/* Mirrored: theirs adds, ours replaces. */
	res = merge_s(fx, "---\nname: x\n---\n## X\n\nx\n\n## Y\n\ny\n",
		      "---\nname: x\n---\n## Quite other\n\nsomething else entirely\n\n## Y\n\ny\n",
		      "---\nname: x\n---\n## X\n\nx\n\n## N\n\nn\n\n## Y\n\ny\n", NULL);
	assert_result(res, "---\nname: x\n---\n## Quite other\n\nsomething else entirely\n\n"
		      "## N\n\nn\n\n## Y\n\ny\n", 0);
	/* Both adding at one spot: ours' first, as before. */
	res = merge_s(fx, "---\nname: x\n---\n## X\n\nx\n\n## Y\n\ny\n",
		      "---\nname: x\n---\n## X\n\nx\n\n## O\n\no\n\n## Y\n\ny\n",
		      "---\nname: x\n---\n## X\n\nx\n\n## T\n\nt\n\n## Y\n\ny\n", NULL);
	assert_result(res, "---\nname: x\n---\n## X\n\nx\n\n## O\n\no\n\n## T\n\nt\n\n## Y\n\ny\n", 0);
}

#define GUTTED_BASE "---\nname: big\n---\nIntro.\n\n" \
	"## Setup\n\nInstall the tool.\nConfigure it.\n\n" \
	"## Usage\n\nRun it on a file.\nRead the report.\n\n" \
	"## Options\n\n--fast skips checks.\n--deep adds checks.\n\n" \
	"## Troubleshooting\n\nIf it fails, rerun with --deep.\n"

/* Class 5: theirs cut the file to a stub; ours added a section that refers
 * to what is gone.  A conflict, not the section pasted into the stub. */
static void test_addition_into_gutted_file(void **state)
{
	fixture *fx = *state;
	const char *stub = "---\nname: big\n---\nIntro.\n\n## Moved\n\nSee the manual instead.\n";
	ad_merge_result *res;

	res = merge_s(fx, GUTTED_BASE,
		      GUTTED_BASE "\n## Examples\n\nUse --fast from Options after Setup.\n", stub, NULL);
	assert_true(ad_merge_result_conflicts(res) >= 1);
	assert_non_null(strstr(ad_merge_result_data(res), "## Examples"));
	assert_non_null(strstr(ad_merge_result_data(res), "## Moved"));
	/* Mirrored. */
	res = merge_s(fx, GUTTED_BASE, stub,
		      GUTTED_BASE "\n## Examples\n\nUse --fast from Options after Setup.\n", NULL);
	assert_true(ad_merge_result_conflicts(res) >= 1);
	/* One section deleted is not a gutted file: merged. */
	res = merge_s(fx, GUTTED_BASE,
		      GUTTED_BASE "\n## Examples\n\nRun it twice.\n",
		      "---\nname: big\n---\nIntro.\n\n"
		      "## Setup\n\nInstall the tool.\nConfigure it.\n\n"
		      "## Usage\n\nRun it on a file.\nRead the report.\n\n"
		      "## Options\n\n--fast skips checks.\n--deep adds checks.\n", NULL);
	assert_int_equal(ad_merge_result_conflicts(res), 0);
}

static void test_bad_options(void **state)
{
	ad_merge_options opts = AD_MERGE_OPTIONS_INIT;
	ad_merge_result *res = (ad_merge_result *)1;
	ad_error err = AD_ERROR_INIT;

	(void)state;
	opts.marker_size = -1;
	assert_int_equal(ad_merge3_buffers(&res, "a", 1, "b", 1, "c", 1, &opts, &err), AD_EINVALID);
	assert_null(res);
	assert_non_null(err.message);
	ad_error_clear(&err);
	opts.marker_size = AD_MERGE_MAX_MARKER_SIZE + 1;
	assert_int_equal(ad_merge3_text(&res, "a", 1, "b", 1, "c", 1, &opts, NULL), AD_EINVALID);
	opts.marker_size = 0;
	opts.style = (ad_merge_style)9;
	assert_int_equal(ad_merge3_text(&res, "a", 1, "b", 1, "c", 1, &opts, NULL), AD_EINVALID);
	ad_merge_result_free(NULL);
	assert_string_equal(ad_merge_action_name(AD_MERGE_CONFLICT_DELETED_THEIRS), "conflict-deleted-theirs");
	assert_string_equal(ad_merge_item_kind_name(AD_MERGE_ITEM_CLOSE), "close");
	assert_false(ad_merge_action_is_conflict(AD_MERGE_COMBINED));
}

/* ------------------------------------------------------------ generated merges */

static uint32_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Sections that can be cut and pasted as whole text: headings with no
 * children and no tag around them. */
static size_t simple_sections(const ad_doc *doc, int *out, size_t max)
{
	const ad_section *secs = ad_doc_sections(doc);
	size_t n = 0, i;

	for (i = 0; i < ad_doc_section_count(doc) && n < max; i++) {
		const ad_section *s = &secs[i];
		int a;
		bool ok = s->kind == AD_SECTION_ATX && s->first_child < 0 &&
			  s->start >= ad_doc_body_start(doc) && s->end > s->head_end;

		for (a = s->parent; ok && a >= 0; a = secs[a].parent)
			ok = secs[a].kind != AD_SECTION_TAG;
		/* Must end with a line ending, so it can go anywhere. */
		if (ok && s->end > 0) {
			char last = ad_doc_data(doc)[s->end - 1];

			ok = last == '\n';
		}
		if (ok)
			out[n++] = (int)i;
	}
	return n;
}

typedef enum { OP_EDIT, OP_DELETE, OP_MOVE, OP_ADD } op_kind;

typedef struct {
	op_kind kind;
	char title[128];  /* heading line of the target, for the checks */
	char anchor[128]; /* heading line it was put after */
	char text[96];    /* the line written by an edit or add */
} op;

/* The first line of [s, e) as a C string. */
static void first_line(char *out, size_t size, const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && n + 1 < size && s[n] != '\n' && s[n] != '\r')
		n++;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* Applies one op to text (a malloc'd string, replaced) on section index
 * sec, anchor index anc of the parsed doc. */
static char *apply_op(op *o, const ad_doc *doc, int sec, int anc, const char *tag, int serial)
{
	const ad_section *secs = ad_doc_sections(doc);
	const char *d = ad_doc_data(doc);
	size_t size = ad_doc_size(doc);
	const ad_section *s = &secs[sec];
	ad_buf out = AD_BUF_INIT;

	first_line(o->title, sizeof(o->title), d + s->start, s->end - s->start);
	o->anchor[0] = '\0';
	o->text[0] = '\0';
	switch (o->kind) {
	case OP_EDIT:
		/* Replace the first line of the body after the heading. */
		snprintf(o->text, sizeof(o->text), "Edited by %s, change %d.", tag, serial);
		ad_buf_put(&out, d, s->head_end);
		ad_buf_puts(&out, o->text);
		ad_buf_putc(&out, '\n');
		{
			size_t e = s->head_end;

			while (e < s->end && d[e] != '\n')
				e++;
			if (e < s->end)
				e++;
			ad_buf_put(&out, d + e, size - e);
		}
		break;
	case OP_DELETE:
		ad_buf_put(&out, d, s->start);
		ad_buf_put(&out, d + s->end, size - s->end);
		break;
	case OP_MOVE:
	case OP_ADD: {
		const ad_section *a = &secs[anc];
		size_t at = a->end;

		first_line(o->anchor, sizeof(o->anchor), d + a->start, a->end - a->start);
		if (o->kind == OP_ADD) {
			snprintf(o->title, sizeof(o->title), "## Added by %s %d", tag, serial);
			snprintf(o->text, sizeof(o->text), "Text added by %s, number %d.", tag, serial);
		}
		if (o->kind == OP_MOVE) {
			/* Cut s, paste after a (their order decides the offsets). */
			if (anc == sec)
				return NULL;
			if (s->start < at) {
				ad_buf_put(&out, d, s->start);
				ad_buf_put(&out, d + s->end, at - s->end);
				ad_buf_put(&out, d + s->start, s->end - s->start);
				ad_buf_put(&out, d + at, size - at);
			} else {
				ad_buf_put(&out, d, at);
				ad_buf_put(&out, d + s->start, s->end - s->start);
				ad_buf_put(&out, d + at, s->start - at);
				ad_buf_put(&out, d + s->end, size - s->end);
			}
		} else {
			ad_buf_put(&out, d, at);
			if (at > 0 && d[at - 1] != '\n')
				ad_buf_putc(&out, '\n');
			ad_buf_printf(&out, "%s\n\n%s\n\n", o->title, o->text);
			ad_buf_put(&out, d + at, size - at);
		}
		break;
	}
	}
	return ad_buf_detach(&out);
}

/* The inputs of the merge under test, for failure reports. */
static const char *cur_in[3];

static void dump_failure(const ad_merge_result *res)
{
	const char *dir = getenv("AD_MERGE_DUMP");
	static const char *const names[3] = { "base", "ours", "theirs" };
	int s;

	fprintf(stderr, "---- merged:\n%s\n---- end\n", ad_merge_result_data(res));
	for (s = 0; dir && s < 3; s++) {
		char path[4096];
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s.md", dir, names[s]);
		if ((fp = fopen(path, "w")) != NULL) {
			fputs(cur_in[s], fp);
			fclose(fp);
		}
	}
}

typedef struct {
	op ops[8];
	int nops;
	char *text;
	/* The tools change, if any: a name added, a name removed. */
	bool tools_changed;
	char tool_added[32];
	char tool_removed[128];
} variant;

/* Rewrites the tools field of v->text (same form: block, flow or comma
 * list) with one name added and, when first or last is set and there are
 * two names or more, the first or last name removed. */
static void tools_op(variant *v, const char *tag, int serial, bool first, bool last)
{
	ad_doc *doc = NULL;
	const ad_frontmatter *fm;
	const ad_fm_field *f;
	const char **names = NULL;
	ad_arena arena = AD_ARENA_INIT;
	ad_buf out = AD_BUF_INIT;
	size_t n, i, drop = (size_t)-1;

	assert_int_equal(ad_doc_parse(&doc, NULL, v->text, strlen(v->text), NULL, NULL), 0);
	fm = ad_doc_frontmatter(doc);
	f = fm && !fm->lenient ? ad_fm_get(fm, "tools") : NULL;
	if (!f || (f->kind != AD_FM_SCALAR && f->kind != AD_FM_BLOCK_LIST && f->kind != AD_FM_FLOW_LIST))
		goto done;
	n = ad_fm_list_items(&names, &arena, f);
	for (i = 0; i < n; i++)
		if (strchr(names[i], ',') || strchr(names[i], ':') || strchr(names[i], '#') ||
		    strchr(names[i], '[') || strchr(names[i], '"'))
			goto done; /* keep the generator's own writing simple */
	if (n >= 2 && (first || last))
		drop = first ? 0 : n - 1;
	snprintf(v->tool_added, sizeof(v->tool_added), "Tool%s%d", tag, serial);
	snprintf(v->tool_removed, sizeof(v->tool_removed), "%s", drop < n ? names[drop] : "");
	ad_buf_put(&out, v->text, f->start);
	ad_buf_puts(&out, f->kind == AD_FM_BLOCK_LIST ? "tools:\n" : f->kind == AD_FM_FLOW_LIST ? "tools: [" : "tools: ");
	for (i = 0; i <= n; i++) {
		const char *name = i < n ? names[i] : v->tool_added;

		if (i == drop)
			continue;
		if (f->kind == AD_FM_BLOCK_LIST)
			ad_buf_printf(&out, "  - %s\n", name);
		else
			ad_buf_printf(&out, "%s%s", out.ptr[out.size - 1] == ' ' || out.ptr[out.size - 1] == '[' ? "" : ", ", name);
	}
	ad_buf_puts(&out, f->kind == AD_FM_BLOCK_LIST ? "" : f->kind == AD_FM_FLOW_LIST ? "]\n" : "\n");
	ad_buf_puts(&out, v->text + f->end);
	free(v->text);
	v->text = ad_buf_detach(&out);
	v->tools_changed = true;
done:
	ad_buf_free(&out);
	ad_arena_free(&arena);
	ad_doc_free(doc);
}

/* A clean merge holds base's tools plus both sides' additions, minus both
 * sides' removals. */
static void check_tools(const ad_merge_result *res, const char *base, size_t blen,
			const variant *o, const variant *t)
{
	ad_doc *bd = NULL, *rd = NULL;
	const char **bn = NULL, **rn = NULL;
	ad_arena arena = AD_ARENA_INIT;
	size_t nb, nr, i, expect = 0;

	if (!o->tools_changed && !t->tools_changed)
		return;
	assert_int_equal(ad_doc_parse(&bd, NULL, base, blen, NULL, NULL), 0);
	assert_int_equal(ad_doc_parse(&rd, NULL, ad_merge_result_data(res), ad_merge_result_size(res),
				      NULL, NULL), 0);
	nb = ad_fm_list_items(&bn, &arena, ad_fm_get(ad_doc_frontmatter(bd), "tools"));
	nr = ad_fm_list_items(&rn, &arena, ad_doc_frontmatter(rd) ? ad_fm_get(ad_doc_frontmatter(rd), "tools") : NULL);
	for (i = 0; i < nb; i++) {
		bool removed = (o->tools_changed && !strcmp(bn[i], o->tool_removed)) ||
			       (t->tools_changed && !strcmp(bn[i], t->tool_removed));
		size_t k;
		bool found = false;

		for (k = 0; k < nr; k++)
			found |= !strcmp(rn[k], bn[i]);
		if (found == removed) {
			dump_failure(res);
			fail_msg("tool '%s' should be %s", bn[i], removed ? "gone" : "there");
		}
		expect += !removed;
	}
	for (i = 0; i < 2; i++) {
		const variant *v = i ? t : o;
		size_t k;
		bool found = false;

		if (!v->tools_changed)
			continue;
		for (k = 0; k < nr; k++)
			found |= !strcmp(rn[k], v->tool_added);
		if (!found) {
			dump_failure(res);
			fail_msg("tool '%s' was lost", v->tool_added);
		}
		expect++;
	}
	assert_int_equal(nr, expect);
	ad_arena_free(&arena);
	ad_doc_free(bd);
	ad_doc_free(rd);
}

/*
 * Makes a variant of base by up to nops ops on sections from pool (indices
 * of base's simple sections; each op uses up its target and anchor so the
 * two sides' pools stay apart).  Ops are applied one at a time, finding
 * the section again by its heading line after each.
 */
static void make_variant(variant *v, const char *base, size_t blen, const int *pool, size_t npool,
			 const char *tag, int nops)
{
	size_t used = 0;
	int k;

	v->nops = 0;
	v->tools_changed = false;
	v->text = ad_xstrndup(base, blen);
	for (k = 0; k < nops && used + 2 <= npool; k++) {
		ad_doc *doc = NULL;
		ad_doc *orig = NULL;
		op *o = &v->ops[v->nops];
		char title[128], anchor[128];
		int sec = -1, anc = -1;
		size_t i;
		char *next;

		assert_int_equal(ad_doc_parse(&orig, NULL, base, blen, NULL, NULL), 0);
		first_line(title, sizeof(title), base + ad_doc_sections(orig)[pool[used]].start, 200);
		first_line(anchor, sizeof(anchor), base + ad_doc_sections(orig)[pool[used + 1]].start, 200);
		ad_doc_free(orig);
		used += 2;
		assert_int_equal(ad_doc_parse(&doc, NULL, v->text, strlen(v->text), NULL, NULL), 0);
		for (i = 0; i < ad_doc_section_count(doc); i++) {
			char l[128];
			const ad_section *s = &ad_doc_sections(doc)[i];

			first_line(l, sizeof(l), v->text + s->start, s->end - s->start);
			if (sec < 0 && !strcmp(l, title))
				sec = (int)i;
			if (anc < 0 && !strcmp(l, anchor))
				anc = (int)i;
		}
		if (sec < 0 || anc < 0) {
			ad_doc_free(doc);
			continue;
		}
		o->kind = (op_kind)(rng() % 4);
		next = apply_op(o, doc, sec, anc, tag, k);
		ad_doc_free(doc);
		if (!next)
			continue;
		free(v->text);
		v->text = next;
		v->nops++;
	}
	/* Each side removes a different name (ours the first, theirs the last). */
	if (rng() % 2)
		tools_op(v, tag, (int)(rng() % 100), tag[0] == 'o' && rng() % 2, tag[0] == 't' && rng() % 2);
}

static bool has_moves(const variant *v)
{
	int k;

	for (k = 0; k < v->nops; k++)
		if (v->ops[k].kind == OP_MOVE)
			return true;
	return false;
}

/* The number of times s occurs in the result. */
static size_t occurrences(const ad_merge_result *res, const char *s)
{
	const char *p = ad_merge_result_data(res);
	size_t n = 0;

	while ((p = strstr(p, s)) != NULL)
		n++, p++;
	return n;
}

/*
 * Each op of a side shows in a clean merge.  Where a section went is
 * checked only when the other side moved nothing: when both reorder, their
 * orders can contradict each other (ours: B right after A; theirs: C before
 * A, where base had A C B) and no order keeps every move; then each moved
 * section must still be there exactly once.
 */
static void check_ops(const ad_merge_result *res, const variant *v, const char *side,
		      bool positions)
{
	int k;

	for (k = 0; k < v->nops; k++) {
		const op *o = &v->ops[k];
		char line[140];

		snprintf(line, sizeof(line), "\n%s\n", o->title);
		switch (o->kind) {
		case OP_EDIT:
			if (!contains(res, o->text)) {
				dump_failure(res);
				fail_msg("%s's edit '%s' is lost", side, o->text);
			}
			break;
		case OP_DELETE:
			if (contains(res, line)) {
				dump_failure(res);
				fail_msg("%s deleted '%s', still there", side, o->title);
			}
			break;
		case OP_ADD:
			assert_true(contains(res, o->text));
			/* fall through */
		case OP_MOVE: {
			char aline[140];

			if (occurrences(res, line) != 1) {
				dump_failure(res);
				fail_msg("%s moved or added '%s': not there once", side, o->title);
			}
			snprintf(aline, sizeof(aline), "\n%s\n", o->anchor);
			if (positions && contains(res, aline) && where(res, line) < where(res, aline)) {
				dump_failure(res);
				fail_msg("%s put '%s' after '%s'", side, o->title, o->anchor);
			}
			break;
		}
		}
	}
}

static void check_identities(const char *b, size_t bl, const char *x, size_t xl)
{
	ad_merge_result *res;

	res = merge_n(b, bl, x, xl, x, xl, NULL);
	assert_int_equal(ad_merge_result_size(res), xl);
	assert_memory_equal(ad_merge_result_data(res), x, xl);
	assert_int_equal(ad_merge_result_conflicts(res), 0);
	ad_merge_result_free(res);
	res = merge_n(b, bl, b, bl, x, xl, NULL);
	assert_int_equal(ad_merge_result_size(res), xl);
	assert_memory_equal(ad_merge_result_data(res), x, xl);
	ad_merge_result_free(res);
	res = merge_n(b, bl, x, xl, b, bl, NULL);
	assert_int_equal(ad_merge_result_size(res), xl);
	assert_memory_equal(ad_merge_result_data(res), x, xl);
	ad_merge_result_free(res);
	/* merge(x, y, x) == y, with base x and ours y. */
	res = merge_n(x, xl, b, bl, x, xl, NULL);
	assert_int_equal(ad_merge_result_size(res), bl);
	assert_memory_equal(ad_merge_result_data(res), b, bl);
	ad_merge_result_free(res);
}

/* Generated merges of one base: disjoint ops must merge cleanly with
 * every op visible; overlapping ops must give well-formed conflicts. */
static void generated_merges(const char *name, const char *base, size_t blen, int rounds)
{
	ad_doc *doc = NULL;
	int pool[256], round;
	size_t npool;
	const char *stress = getenv("AD_MERGE_STRESS"); /* a multiplier, for long runs by hand */

	if (stress && atoi(stress) > 0)
		rounds *= atoi(stress);

	assert_int_equal(ad_doc_parse(&doc, name, base, blen, NULL, NULL), 0);
	npool = simple_sections(doc, pool, 256);
	ad_doc_free(doc);
	if (npool < 4)
		return;
	for (round = 0; round < rounds; round++) {
		variant o, t;
		int shuffled[256];
		size_t i, half;
		ad_merge_result *res;

		memcpy(shuffled, pool, npool * sizeof(int));
		for (i = npool - 1; i > 0; i--) {
			size_t j = rng() % (i + 1);
			int x = shuffled[i];

			shuffled[i] = shuffled[j];
			shuffled[j] = x;
		}
		half = npool / 2;
		make_variant(&o, base, blen, shuffled, half, "ours", 1 + (int)(rng() % 3));
		make_variant(&t, base, blen, shuffled + half, npool - half, "theirs", 1 + (int)(rng() % 3));
		check_identities(base, blen, o.text, strlen(o.text));

		res = merge_n(base, blen, o.text, strlen(o.text), t.text, strlen(t.text), NULL);
		cur_in[0] = base;
		cur_in[1] = o.text;
		cur_in[2] = t.text;
		if (ad_merge_result_conflicts(res)) {
			dump_failure(res);
			fail_msg("%s round %d: disjoint edits conflict", name, round);
		}
		check_ops(res, &o, "ours", !has_moves(&t));
		check_ops(res, &t, "theirs", !has_moves(&o));
		check_tools(res, base, blen, &o, &t);
		ad_merge_result_free(res);
		free(t.text);

		/* Overlapping: theirs from the same pool as ours. */
		make_variant(&t, base, blen, shuffled, npool, "theirs", 1 + (int)(rng() % 4));
		res = merge_n(base, blen, o.text, strlen(o.text), t.text, strlen(t.text), NULL);
		check_conflicts(res, base, blen, o.text, strlen(o.text), t.text, strlen(t.text));
		if (!ad_merge_result_conflicts(res)) {
			/* Edits and additions are never silently lost. */
			int k;

			for (k = 0; k < o.nops; k++)
				if (o.ops[k].kind == OP_ADD)
					assert_true(contains(res, o.ops[k].text));
			for (k = 0; k < t.nops; k++)
				if (t.ops[k].kind == OP_ADD)
					assert_true(contains(res, t.ops[k].text));
			check_tools(res, base, blen, &o, &t);
		}
		ad_merge_result_free(res);
		free(o.text);
		free(t.text);
	}
}

static const char gen_doc_md[] =
	"---\nname: gen\ndescription: Generated.\ntools: Read, Grep\n---\n"
	"# Role\n\nYou help.\n\n"
	"## One\n\nFirst text.\nMore.\n\n"
	"## Two\n\nSecond text.\n\n"
	"## Three\n\nThird text.\n\n"
	"## Four\n\nFourth text.\n\n"
	"## Five\n\nFifth text.\n\n"
	"## Six\n\nSixth text.\n\n"
	"## Seven\n\nSeventh text.\nLast.\n";

static const char gen_doc_tags[] =
	"---\nname: gen\n---\n<role>\nYou help.\n</role>\n\n"
	"# Alpha\n\nA text.\n\n"
	"# Beta\n\nB text.\n\n"
	"<rules>\n## Kept\nK.\n</rules>\n\n"
	"# Gamma\n\nC text.\n\n"
	"# Delta\n\nD text.\n\n"
	"# Epsilon\n\nE text.\n";

static void test_generated_fixtures(void **state)
{
	(void)state;
	rng_state = 0x9e3779b9u;
	generated_merges("gen_doc_md", gen_doc_md, sizeof(gen_doc_md) - 1, 60);
	generated_merges("gen_doc_tags", gen_doc_tags, sizeof(gen_doc_tags) - 1, 60);
}

/* Every file of a folder (examples/<agent>/, the shared seeds). */
static size_t read_folder(char ***names, char ***texts, size_t **lens, const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	size_t n = 0, cap = 0;

	*names = NULL;
	*texts = NULL;
	*lens = NULL;
	while (dp && (e = readdir(dp)) != NULL) {
		char path[4096];
		char *data;
		size_t len, c2 = cap, c3 = cap;

		if (e->d_name[0] == '.' || (!strstr(e->d_name, ".md") && !strstr(e->d_name, ".txt")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (ad_read_file(&data, &len, path, (size_t)1 << 24, NULL) < 0)
			continue;
		ad_xgrow((void **)names, &cap, n + 1, sizeof(char *));
		ad_xgrow((void **)texts, &c2, n + 1, sizeof(char *));
		ad_xgrow((void **)lens, &c3, n + 1, sizeof(size_t));
		(*names)[n] = ad_xstrdup(e->d_name);
		(*texts)[n] = data;
		(*lens)[n] = len;
		n++;
	}
	if (dp)
		closedir(dp);
	return n;
}

static void free_folder(char **names, char **texts, size_t *lens, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(names[i]);
		free(texts[i]);
	}
	free(names);
	free(texts);
	free(lens);
}

static void folder_merges(const char *dir, int rounds)
{
	char **names, **texts;
	size_t *lens, n = read_folder(&names, &texts, &lens, dir), a, b, c;

	for (a = 0; a < n; a++) {
		generated_merges(names[a], texts[a], lens[a], rounds);
		for (b = 0; b < n; b++) {
			if (a == b)
				continue;
			check_identities(texts[a], lens[a], texts[b], lens[b]);
			for (c = 0; c < n; c++) {
				ad_merge_result *res;

				if (c == a || c == b)
					continue;
				res = merge_n(texts[a], lens[a], texts[b], lens[b], texts[c], lens[c], NULL);
				check_conflicts(res, texts[a], lens[a], texts[b], lens[b], texts[c], lens[c]);
				ad_merge_result_free(res);
			}
		}
	}
	free_folder(names, texts, lens, n);
}

static void test_generated_examples(void **state)
{
	const char *src = getenv("AD_SRCDIR");
	char dir[4096];

	(void)state;
	if (!src) {
		skip();
		return;
	}
	rng_state = 12345;
	snprintf(dir, sizeof(dir), "%s/examples/code-reviewer", src);
	folder_merges(dir, 25);
	snprintf(dir, sizeof(dir), "%s/examples/release-manager", src);
	folder_merges(dir, 25);
}

static void test_generated_seeds(void **state)
{
	const char *shared = getenv("AD_SHARED");
	char dir[4096];
	DIR *dp;

	(void)state;
	if (!shared) {
		skip();
		return;
	}
	snprintf(dir, sizeof(dir), "%s/seeds", shared);
	if (!(dp = opendir(dir))) {
		skip();
		return;
	}
	closedir(dp);
	rng_state = 777;
	folder_merges(dir, 15);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_one_side_changed),
		T(test_same_change_both),
		T(test_moved_and_edited),
		T(test_moved_on_both_sides_takes_ours),
		T(test_added_sections),
		T(test_blank_line_after_a_former_last_section),
		T(test_added_differently_on_both),
		T(test_deleted_unchanged),
		T(test_deleted_and_modified_conflicts),
		T(test_line_merge_inside_section),
		T(test_same_line_conflict_markers),
		T(test_adjacent_changes_conflict_like_git),
		T(test_frontmatter_fields),
		T(test_tools_as_a_set),
		T(test_tools_quoting_and_arguments),
		T(test_xml_sections),
		T(test_bytes_kept),
		T(test_identities),
		T(test_hostile_bytes),
		T(test_child_of_deleted_parent),
		T(test_deleted_parent_children_kept),
		T(test_same_title_sections_never_duplicated),
		T(test_unpaired_rewrites_conflict),
		T(test_limits_and_last_resort),
		T(test_large_input_plain),
		T(test_plain_text_diff3),
		T(test_bad_options),
		T(test_appends_at_end_of_section),
		T(test_insertion_beside_replaced_neighbour),
		T(test_addition_into_gutted_file),
		T(test_generated_fixtures),
		T(test_generated_examples),
		T(test_generated_seeds),
	};

	return cmocka_run_group_tests_name("merge", tests, NULL, NULL);
}
