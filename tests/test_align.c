#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "align.h"
#include "doc.h"
#include "util.h"

/* ------------------------------------------------------------ helpers */

static ad_doc *parse(const char *text)
{
	ad_doc *doc = NULL;
	ad_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(ad_doc_parse(&doc, NULL, text, strlen(text), NULL, &err), 0);
	return doc;
}

/* Index of the first section titled title, failing the test if none. */
static int sec(const ad_doc *doc, const char *title)
{
	const ad_section *s = ad_doc_sections(doc);
	size_t i;

	for (i = 0; i < ad_doc_section_count(doc); i++)
		if (strcmp(s[i].title, title) == 0)
			return (int)i;
	fail_msg("no section \"%s\"", title);
	return -1;
}

/* Row holding section s of variant d. */
static size_t row_of(const ad_align *al, size_t d, int s)
{
	size_t r;

	for (r = 0; r < ad_align_row_count(al); r++)
		if (ad_align_row_at(al, r)->cells[d] == s)
			return r;
	fail_msg("section %d of variant %zu in no row", s, d);
	return 0;
}

/* Every section of every variant is in exactly one row. */
static void check_cover(const ad_align *al, const ad_doc *const *docs, size_t n)
{
	size_t d, r;

	assert_int_equal(ad_align_doc_count(al), n);
	for (d = 0; d < n; d++) {
		size_t count = ad_doc_section_count(docs[d]);
		int *seen = calloc(count + 1, sizeof(int));
		size_t i;

		for (r = 0; r < ad_align_row_count(al); r++) {
			int c = ad_align_row_at(al, r)->cells[d];

			if (c >= 0) {
				assert_true((size_t)c < count);
				seen[c]++;
			}
		}
		for (i = 0; i < count; i++)
			assert_int_equal(seen[i], 1);
		free(seen);
	}
	for (r = 0; r < ad_align_row_count(al); r++) {
		const ad_align_row *row = ad_align_row_at(al, r);
		int present = 0;

		for (d = 0; d < n; d++)
			present += row->cells[d] >= 0;
		assert_true(present >= 1);
		assert_true(row->similarity >= 0.0 && row->similarity <= 1.0);
	}
}

typedef struct {
	ad_doc *doc[AD_ALIGN_MAX_DOCS];
	size_t n;
	ad_align *al;
} fixture;

static fixture *fx_new(void)
{
	return calloc(1, sizeof(fixture));
}

static void fx_align(fixture *f, const ad_align_options *opts)
{
	assert_int_equal(ad_align_docs(&f->al, (const ad_doc *const *)f->doc, f->n, opts), 0);
	check_cover(f->al, (const ad_doc *const *)f->doc, f->n);
}

static void fx_add(fixture *f, const char *text)
{
	f->doc[f->n++] = parse(text);
}

static int teardown(void **state)
{
	fixture *f = *state;
	size_t i;

	if (!f)
		return 0;
	ad_align_free(f->al);
	for (i = 0; i < f->n; i++)
		ad_doc_free(f->doc[i]);
	free(f);
	*state = NULL;
	return 0;
}

static int setup(void **state)
{
	*state = fx_new();
	return 0;
}

/* 2-way: the row of title ta in A; asserts B's tb is in it. */
static const ad_align_row *pair2(fixture *f, const char *ta, const char *tb)
{
	size_t r = row_of(f->al, 0, sec(f->doc[0], ta));
	const ad_align_row *row = ad_align_row_at(f->al, r);

	if (row->cells[1] != sec(f->doc[1], tb))
		fail_msg("\"%s\" not paired with \"%s\"", ta, tb);
	return row;
}

static const ad_align_row *alone(fixture *f, size_t d, const char *t)
{
	const ad_align_row *row = ad_align_row_at(f->al, row_of(f->al, d, sec(f->doc[d], t)));
	size_t k;

	for (k = 0; k < f->n; k++)
		if (k != d && row->cells[k] >= 0)
			fail_msg("\"%s\" paired in variant %zu", t, k);
	return row;
}

#define BODY_ROLE "You are a backend architect who designs services, APIs and data stores.\n"
#define BODY_RULES "Never deploy on Fridays. Always write a rollback plan first.\n"
#define BODY_SEC "Validate every input, store secrets in a vault, rotate keys each quarter.\n"

/* ---------------------------------------------------------- statuses */

static void test_identical(void **state)
{
	fixture *f = *state;
	const char *t = "---\nname: x\n---\n# Role\n" BODY_ROLE "# Rules\n" BODY_RULES
			"## Sub\ntext here\n";
	size_t r;

	fx_add(f, t);
	fx_add(f, t);
	fx_align(f, NULL);
	assert_int_equal(ad_align_row_count(f->al), 3);
	for (r = 0; r < 3; r++) {
		const ad_align_row *row = ad_align_row_at(f->al, r);

		assert_int_equal(row->status, AD_ROW_SAME);
		assert_true(row->similarity == 1.0);
		assert_int_equal(row->cells[0], (int)r);
		assert_int_equal(row->cells[1], (int)r);
		assert_int_equal(row->group, -1);
	}
}

static void test_modified(void **state)
{
	fixture *f = *state;
	const ad_align_row *row;

	fx_add(f, "# Role\n" BODY_ROLE "# Rules\n" BODY_RULES);
	fx_add(f, "# Role\nYou are a frontend developer who builds interfaces.\n# Rules\n" BODY_RULES);
	fx_align(f, NULL);
	row = pair2(f, "Role", "Role");
	assert_int_equal(row->status, AD_ROW_MODIFIED);
	assert_true(row->similarity < 1.0);
	assert_int_equal(pair2(f, "Rules", "Rules")->status, AD_ROW_SAME);
	assert_int_equal(ad_align_row_count(f->al), 2);
}

static void test_same_title_different_content(void **state)
{
	fixture *f = *state;

	/* A rewritten section keeps its title: still the same section. */
	fx_add(f, "# Role\n" BODY_ROLE "# Rules\n" BODY_RULES);
	fx_add(f, "# Rules\nCompletely different words about lunch menus.\n# Role\n" BODY_ROLE);
	fx_align(f, NULL);
	assert_true(pair2(f, "Rules", "Rules")->status & AD_ROW_MODIFIED);
	pair2(f, "Role", "Role");
}

static void test_renamed(void **state)
{
	fixture *f = *state;
	const ad_align_row *row;

	fx_add(f, "# Security\n" BODY_SEC "# Omega\n" BODY_RULES "# Tools\nUse grep.\n");
	fx_add(f, "# Security Implementation\n" BODY_SEC "# Alpha\n" BODY_RULES
		  "# Tools\nUse grep.\n");
	fx_align(f, NULL);
	row = pair2(f, "Security", "Security Implementation");
	assert_int_equal(row->status, AD_ROW_RENAMED);
	assert_true(row->similarity == 1.0);
	/* Different titles, same text: a rename. */
	assert_int_equal(pair2(f, "Omega", "Alpha")->status, AD_ROW_RENAMED);
	assert_int_equal(ad_align_row_count(f->al), 3);
}

static void test_renamed_similar_title(void **state)
{
	fixture *f = *state;
	const ad_align_row *row;

	fx_add(f, "# Security\n" BODY_SEC "# Rules\n" BODY_RULES);
	fx_add(f, "# Rules\n" BODY_RULES "# Security Review\n"
		  "Validate every input, keep secrets in a vault, rotate keys monthly.\n");
	fx_align(f, NULL);
	row = pair2(f, "Security", "Security Review");
	assert_true(row->status & AD_ROW_RENAMED);
	assert_true(row->status & AD_ROW_MODIFIED);
}

static void test_moved(void **state)
{
	fixture *f = *state;

	fx_add(f, "# One\nfirst text\n# Two\nsecond text\n# Three\nthird text\n# Four\nfourth\n");
	fx_add(f, "# One\nfirst text\n# Three\nthird text\n# Four\nfourth\n# Two\nsecond text\n");
	fx_align(f, NULL);
	assert_int_equal(pair2(f, "Two", "Two")->status, AD_ROW_MOVED);
	assert_int_equal(pair2(f, "One", "One")->status, AD_ROW_SAME);
	assert_int_equal(pair2(f, "Three", "Three")->status, AD_ROW_SAME);
	assert_int_equal(pair2(f, "Four", "Four")->status, AD_ROW_SAME);
	/* Rows follow the first variant. */
	assert_int_equal(row_of(f->al, 0, sec(f->doc[0], "Two")), 1);
}

static void test_added_removed_and_order(void **state)
{
	fixture *f = *state;
	size_t r;

	fx_add(f, "# One\nfirst text\n# Two\nsecond text\n## Two A\nchild\n# Gone\nold stuff\n"
		  "# Three\nthird text\n");
	fx_add(f, "# New First\nbrand new opening\n# One\nfirst text\n# Two\nsecond text\n"
		  "## Two A\nchild\n# Fresh\nnew stuff here\n# Three\nthird text\n");
	fx_align(f, NULL);
	assert_int_equal(alone(f, 0, "Gone")->status, AD_ROW_REMOVED);
	assert_int_equal(alone(f, 1, "Fresh")->status, AD_ROW_ADDED);
	assert_int_equal(alone(f, 1, "New First")->status, AD_ROW_ADDED);
	/* An added section follows its preceding sibling's subtree. */
	r = row_of(f->al, 1, sec(f->doc[1], "Fresh"));
	assert_int_equal(r, row_of(f->al, 1, sec(f->doc[1], "Two A")) + 1);
	/* Without a preceding sibling it goes first. */
	assert_int_equal(row_of(f->al, 1, sec(f->doc[1], "New First")), 0);
	assert_int_equal(ad_align_row_count(f->al), 7);
}

#define PARA1 "Unit tests cover every public function with table driven cases and mocks for the database layer.\n"
#define PARA2 "Integration tests start real containers for postgres and redis and run the whole request path end to end.\n"

static void test_split(void **state)
{
	fixture *f = *state;
	const ad_align_row *a, *b;

	fx_add(f, "# Role\n" BODY_ROLE "# Testing\n" PARA1 "\n" PARA2 "# Rules\n" BODY_RULES);
	fx_add(f, "# Role\n" BODY_ROLE "# Testing\n" PARA1 "# Integration\n" PARA2
		  "# Rules\n" BODY_RULES);
	fx_align(f, NULL);
	a = pair2(f, "Testing", "Testing");
	b = alone(f, 1, "Integration");
	assert_true(a->status & AD_ROW_SPLIT);
	assert_true(b->status & AD_ROW_SPLIT);
	assert_true(a->group >= 0);
	assert_int_equal(a->group, b->group);
	assert_int_equal(pair2(f, "Role", "Role")->group, -1);
	assert_false(pair2(f, "Rules", "Rules")->status & (AD_ROW_SPLIT | AD_ROW_MERGED));
}

/* Identical documents pair every section with itself, a heading with no
 * title and no text ("#" alone) included (found by fuzz_diff). */
static void test_identical_empty_heading(void **state)
{
	fixture *f = *state;
	static const char text[] = "# A\n\nx\n\n#\n\n# B\n\ny\n\n#\n";
	size_t r;

	fx_add(f, text);
	fx_add(f, text);
	fx_align(f, NULL);
	assert_int_equal(ad_align_row_count(f->al), ad_doc_section_count(f->doc[0]));
	for (r = 0; r < ad_align_row_count(f->al); r++) {
		const ad_align_row *row = ad_align_row_at(f->al, r);

		assert_int_equal(row->cells[0], row->cells[1]);
		assert_int_equal(row->status, AD_ROW_SAME);
	}
}

/* A section split in two where neither part keeps its title or most of
 * its words: the whole pairs with the larger part, the other is the split
 * part beside it. */
static void test_split_renamed_parts(void **state)
{
	fixture *f = *state;
	const ad_align_row *a, *b;

	fx_add(f, "# Role\n" BODY_ROLE "# Checklist\n" PARA1 "\n" PARA2 "# Rules\n" BODY_RULES);
	fx_add(f, "# Role\n" BODY_ROLE "# Before Tagging\n" PARA1 "# After Publishing\n" PARA2
		  "# Rules\n" BODY_RULES);
	fx_align(f, NULL);
	a = ad_align_row_at(f->al, row_of(f->al, 0, sec(f->doc[0], "Checklist")));
	b = ad_align_row_at(f->al, row_of(f->al, 1, sec(f->doc[1], "After Publishing")));
	assert_true(a->cells[1] == sec(f->doc[1], "Before Tagging") ||
		    a->cells[1] == sec(f->doc[1], "After Publishing"));
	assert_true(a->status & AD_ROW_SPLIT);
	assert_true(a->status & AD_ROW_RENAMED);
	if (a != b) {
		assert_true(b->status & AD_ROW_SPLIT);
		assert_int_equal(a->group, b->group);
	} else {
		b = ad_align_row_at(f->al, row_of(f->al, 1, sec(f->doc[1], "Before Tagging")));
		assert_true(b->status & AD_ROW_SPLIT);
		assert_int_equal(a->group, b->group);
	}
	assert_true(a->group >= 0);
	assert_int_equal(pair2(f, "Role", "Role")->group, -1);

	/* And the other way round: two sections merged into one new one. */
	teardown(state);
	setup(state);
	f = *state;
	fx_add(f, "# Role\n" BODY_ROLE "# Before Tagging\n" PARA1 "# After Publishing\n" PARA2
		  "# Rules\n" BODY_RULES);
	fx_add(f, "# Role\n" BODY_ROLE "# Checklist\n" PARA1 "\n" PARA2 "# Rules\n" BODY_RULES);
	fx_align(f, NULL);
	a = ad_align_row_at(f->al, row_of(f->al, 1, sec(f->doc[1], "Checklist")));
	assert_true(a->status & AD_ROW_MERGED);
	assert_true(a->cells[0] >= 0);
}

static void test_merged(void **state)
{
	fixture *f = *state;
	const ad_align_row *a, *b;

	fx_add(f, "# Role\n" BODY_ROLE "# Testing\n" PARA1 "# Integration\n" PARA2
		  "# Rules\n" BODY_RULES);
	fx_add(f, "# Role\n" BODY_ROLE "# Testing\n" PARA1 "\n" PARA2 "# Rules\n" BODY_RULES);
	fx_align(f, NULL);
	a = pair2(f, "Testing", "Testing");
	b = alone(f, 0, "Integration");
	assert_true(a->status & AD_ROW_MERGED);
	assert_true(b->status & AD_ROW_MERGED);
	assert_true(b->status & AD_ROW_REMOVED);
	assert_true(a->group >= 0);
	assert_int_equal(a->group, b->group);
}

static void test_heading_vs_tag(void **state)
{
	fixture *f = *state;
	const ad_align_row *row;

	fx_add(f, "# Role\n" BODY_ROLE "# Tool Usage\nUse grep before editing.\n"
		  "# Responsibilities\n## API Design\nREST first, version every endpoint.\n");
	fx_add(f, "<role>\n" BODY_ROLE "</role>\n<tool_usage>\nUse grep before editing.\n"
		  "</tool_usage>\n<responsibilities>\n<api-design>\nREST first, version every "
		  "endpoint.\n</api-design>\n</responsibilities>\n");
	fx_align(f, NULL);
	row = pair2(f, "Role", "role");
	assert_false(row->status & AD_ROW_RENAMED);
	assert_true(row->similarity == 1.0);
	pair2(f, "Tool Usage", "tool_usage");
	pair2(f, "Responsibilities", "responsibilities");
	pair2(f, "API Design", "api-design");
	assert_int_equal(ad_align_row_count(f->al), 4);
}

static void test_wrapper_vs_none(void **state)
{
	fixture *f = *state;

	fx_add(f, "# Backend Agent\nAn agent for backends.\n## Role\n" BODY_ROLE
		  "## Rules\n" BODY_RULES "## Security\n" BODY_SEC);
	fx_add(f, "# Role\n" BODY_ROLE "# Rules\n" BODY_RULES "# Security Practices\n" BODY_SEC);
	fx_align(f, NULL);
	pair2(f, "Role", "Role");
	pair2(f, "Rules", "Rules");
	pair2(f, "Security", "Security Practices");
	assert_true(alone(f, 0, "Backend Agent")->status & AD_ROW_REMOVED);
}

static void test_cross_level(void **state)
{
	fixture *f = *state;

	fx_add(f, "# Responsibilities\n## API Design\nVersion every endpoint, paginate lists, "
		  "return problem+json errors.\n## Data\nPostgres first.\n");
	fx_add(f, "# Intro\nhello\n## API Design Standards\nVersion every endpoint, paginate "
		  "lists with cursors, return problem+json errors.\n");
	fx_align(f, NULL);
	pair2(f, "API Design", "API Design Standards");
}

static void test_generic_repeated(void **state)
{
	fixture *f = *state;

	fx_add(f, "# Examples\n## Example\nUser asks for a REST API for orders with pagination.\n"
		  "## Example\nUser wants a message queue between billing and shipping services.\n"
		  "## Example\nUser needs a cache in front of a slow product catalogue database.\n");
	fx_add(f, "# Examples\n## Example\nUser needs a cache in front of the slow product "
		  "catalogue database.\n## Example\nUser asks for a REST API for orders with "
		  "pagination.\n## Example\nUser wants a message queue between billing and "
		  "shipping services.\n");
	fx_align(f, NULL);
	{
		const ad_section *a = ad_doc_sections(f->doc[0]);
		const ad_section *b = ad_doc_sections(f->doc[1]);
		int i;

		(void)a;
		(void)b;
		/* A's examples 1, 2, 3 are B's 2, 3, 1. */
		for (i = 1; i <= 3; i++) {
			const ad_align_row *row =
				ad_align_row_at(f->al, row_of(f->al, 0, i));

			assert_int_equal(row->cells[1], i == 3 ? 1 : i + 1);
		}
	}
}

static void test_whitespace_preamble(void **state)
{
	fixture *f = *state;

	fx_add(f, "\n\n# Role\n" BODY_ROLE);
	fx_add(f, "  \n# Role\n" BODY_ROLE);
	fx_add(f, "# Role\n" BODY_ROLE);
	fx_align(f, NULL);
	assert_int_equal(ad_doc_sections(f->doc[0])[0].kind, AD_SECTION_PREAMBLE);
	assert_int_equal(ad_align_row_at(f->al, row_of(f->al, 0, 0))->cells[1], 0);
	assert_int_equal(ad_align_row_count(f->al), 2);
}

static void test_nway_partial(void **state)
{
	fixture *f = *state;
	size_t d, r;

	for (d = 0; d < 5; d++) {
		ad_buf b = AD_BUF_INIT;

		ad_buf_printf(&b, "# Role\n" BODY_ROLE "%s# Rules\n" BODY_RULES "Variant %zu.\n",
			      d == 3 ? "" : "# Security\n" BODY_SEC, d);
		fx_add(f, ad_buf_cstr(&b));
		ad_buf_free(&b);
	}
	fx_align(f, NULL);
	assert_int_equal(ad_align_row_count(f->al), 3);
	r = row_of(f->al, 0, sec(f->doc[0], "Security"));
	assert_int_equal(ad_align_row_at(f->al, r)->status, AD_ROW_PARTIAL);
	assert_int_equal(ad_align_row_at(f->al, r)->cells[3], -1);
	for (d = 0; d < 5; d++)
		if (d != 3)
			assert_int_equal(ad_align_row_at(f->al, r)->cells[d], 1);
	r = row_of(f->al, 0, sec(f->doc[0], "Rules"));
	assert_int_equal(ad_align_row_at(f->al, r)->status, AD_ROW_MODIFIED);
	assert_int_equal(ad_align_row_at(f->al, 0)->status, AD_ROW_SAME);
}

static void test_nway_many(void **state)
{
	fixture *f = *state;
	size_t d;

	/* 16 variants, each with its own extra section: all in one table. */
	for (d = 0; d < 16; d++) {
		ad_buf b = AD_BUF_INIT;

		ad_buf_printf(&b, "# Role\n" BODY_ROLE "# %c%c%c\nq%zua q%zub q%zuc q%zud\n"
			      "# Rules\n" BODY_RULES, (char)('a' + d), (char)('z' - d),
			      (char)('b' + d), d, d, d, d);
		fx_add(f, ad_buf_cstr(&b));
		ad_buf_free(&b);
	}
	fx_align(f, NULL);
	assert_int_equal(ad_align_row_count(f->al), 2 + 16);
	assert_int_equal(ad_align_row_at(f->al, 0)->status, AD_ROW_SAME);
}

static void test_size_guard(void **state)
{
	fixture *f = *state;
	ad_align_options opts = AD_ALIGN_OPTIONS_INIT;

	opts.max_sections = 2;
	fx_add(f, "# Role\n" BODY_ROLE "# Omega\n" BODY_RULES "# Rules\nx\n");
	fx_add(f, "# Alpha\n" BODY_RULES "# Role\nchanged\n# Rules\nx\n");
	fx_align(f, &opts);
	pair2(f, "Role", "Role");
	pair2(f, "Rules", "Rules");
	pair2(f, "Omega", "Alpha"); /* identical content still pairs */
}

static void test_bad_args(void **state)
{
	ad_align *al = (ad_align *)state;
	ad_doc *d = parse("# A\n");
	const ad_doc *docs[2] = { d, d };

	assert_int_equal(ad_align_docs(&al, docs, 1, NULL), AD_EINVALID);
	assert_null(al);
	assert_int_equal(ad_align_docs(&al, docs, AD_ALIGN_MAX_DOCS + 1, NULL), AD_EINVALID);
	/* Aligning a document with itself, and an empty one. */
	assert_int_equal(ad_align_docs(&al, docs, 2, NULL), 0);
	assert_int_equal(ad_align_row_at(al, 0)->status, AD_ROW_SAME);
	assert_null(ad_align_row_at(al, 5));
	ad_align_free(al);
	ad_align_free(NULL);
	ad_doc_free(d);
}

static void test_normalize(void **state)
{
	ad_buf b = AD_BUF_INIT;
	static const char *const cases[][2] = {
		{ "Security Implementation", "security implementation" },
		{ "1. Process & Quality", "process quality" },
		{ "Step 2: Plan", "plan" },
		{ "tool_usage", "tool usage" },
		{ "  API-Design  ", "api design" },
		{ "Example 1: Clarifying Questions", "clarifying questions" },
		{ "2", "2" },
		{ "", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ad_align_normalize_title(&b, cases[i][0]);
		assert_string_equal(ad_buf_cstr(&b), cases[i][1]);
	}
	ad_buf_free(&b);
}

static void test_status_name(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(ad_align_status_name(AD_ROW_SAME, buf, sizeof(buf)), "same");
	assert_string_equal(ad_align_status_name(AD_ROW_RENAMED | AD_ROW_MODIFIED, buf,
						  sizeof(buf)),
			    "renamed+modified");
	assert_string_equal(ad_align_status_name(AD_ROW_SPLIT | AD_ROW_ADDED, buf, sizeof(buf)),
			    "added+split");
}

/* ------------------------------------------------------------- seeds */

static ad_doc *seed(const char *prefix)
{
	const char *shared = getenv("AD_SHARED");
	static const char *const names[] = {
		"000_17ac68e795019e51.txt", "001_0d2b4ff1587554f7.txt",
		"002_f0eda9c7b0a15142.txt", "003_3b6b6bcf387043f6.txt",
		"004_37e20bf15b005938.txt",
	};
	ad_buf path = AD_BUF_INIT;
	ad_doc *doc = NULL;
	size_t i;

	if (!shared)
		return NULL;
	for (i = 0; i < 5; i++)
		if (strncmp(names[i], prefix, 3) == 0)
			break;
	ad_buf_printf(&path, "%s/seeds/%s", shared, names[i]);
	if (ad_doc_load(&doc, ad_buf_cstr(&path), NULL, NULL) < 0)
		doc = NULL;
	ad_buf_free(&path);
	return doc;
}

static bool load_seeds(fixture *f, const char *a, const char *b)
{
	f->doc[0] = seed(a);
	f->doc[1] = seed(b);
	f->n = (f->doc[0] != NULL) + (f->doc[1] != NULL);
	if (f->n < 2) {
		ad_doc_free(f->doc[0]);
		ad_doc_free(f->doc[1]);
		f->n = 0;
		return false;
	}
	return true;
}

/* Asserts pairs[i][0] in A and pairs[i][1] in B share a row, and that
 * none of nots[i][0] / nots[i][1] do. */
static void check_pairs(fixture *f, const char *const (*pairs)[2], size_t np,
			const char *const (*nots)[2], size_t nn)
{
	size_t i;

	for (i = 0; i < np; i++)
		pair2(f, pairs[i][0], pairs[i][1]);
	for (i = 0; i < nn; i++) {
		size_t r = row_of(f->al, 0, sec(f->doc[0], nots[i][0]));

		if (ad_align_row_at(f->al, r)->cells[1] == sec(f->doc[1], nots[i][1]))
			fail_msg("\"%s\" wrongly paired with \"%s\"", nots[i][0], nots[i][1]);
	}
}

static void test_seed_000_001(void **state)
{
	fixture *f = *state;
	static const char *const pairs[][2] = {
		{ "Role", "Role" },
		{ "Core Principles", "Core Principles" },
		{ "Using context7", "Using context7 MCP" },
		{ "Workflow", "Workflow" },
		{ "Responsibilities", "Responsibilities" },
		{ "System Architecture", "System Architecture" },
		{ "API Design", "API Design" },
		{ "Data Architecture", "Data Architecture" },
		{ "Security", "Security" },
		{ "Compliance & Data Governance", "Compliance & Data Governance" },
		{ "Performance & Reliability", "Performance & Reliability" },
		{ "GitOps & Platform Engineering", "GitOps & Platform Engineering" },
		{ "Edge & Serverless Architecture", "Edge & Serverless Architecture" },
		{ "Technology Stack", "Technology Stack" },
		{ "Output Format", "Output Format" },
		{ "Anti-Patterns to Flag", "Anti-Patterns to Flag" },
		{ "Communication Guidelines", "Communication Guidelines" },
		{ "Pre-Response Checklist", "Pre-Response Checklist" },
	};
	size_t i;

	if (!load_seeds(f, "000", "001"))
		skip();
	fx_align(f, NULL);
	check_pairs(f, pairs, sizeof(pairs) / sizeof(pairs[0]), NULL, 0);
	assert_true(pair2(f, "Using context7", "Using context7 MCP")->status & AD_ROW_RENAMED);
	/* Only in 000 / only in 001: unrelated to anything on the other side. */
	alone(f, 0, "Constraints & Boundaries");
	alone(f, 0, "Response Examples");
	alone(f, 1, "When to Use context7");
	alone(f, 1, "Critical Rule");
	/* Nothing moved: 001 keeps 000's order. */
	for (i = 0; i < ad_align_row_count(f->al); i++)
		assert_false(ad_align_row_at(f->al, i)->status & AD_ROW_MOVED);
}

static void test_seed_002_004(void **state)
{
	fixture *f = *state;
	static const char *const pairs[][2] = {
		{ "Backend Architect", "Backend Architect" },
	};
	static const char *const nots[][2] = {
		{ "Core Development Philosophy", "Core Expertise" },
		{ "Success Metrics", "Use Cases" },
	};

	if (!load_seeds(f, "002", "004"))
		skip();
	fx_align(f, NULL);
	check_pairs(f, pairs, 1, nots, 2);
	assert_false(pair2(f, "Backend Architect", "Backend Architect")->status & AD_ROW_RENAMED);
}

static void test_seed_002_000(void **state)
{
	fixture *f = *state;
	static const char *const pairs[][2] = {
		{ "API Design Standards", "API Design" },
		{ "Security Implementation", "Security" },
	};
	static const char *const nots[][2] = {
		{ "gRPC API Design", "API Design" },
		{ "RESTful API Design", "API Design" },
		{ "Security Best Practices", "Security" },
		{ "Backend Architect", "Role" },
		{ "Go", "Workflow" },
		{ "Python", "Technology Stack" },
	};

	if (!load_seeds(f, "002", "000"))
		skip();
	fx_align(f, NULL);
	check_pairs(f, pairs, 2, nots, 6);
}

static void test_seed_003_000(void **state)
{
	fixture *f = *state;
	static const char *const pairs[][2] = {
		{ "role", "Role" },
		{ "responsibilities", "Responsibilities" },
		{ "boundaries", "Constraints & Boundaries" },
		{ "output_formats", "Output Format" },
		{ "examples", "Response Examples" },
		{ "System Architecture", "System Architecture" },
	};
	static const char *const nots[][2] = {
		{ "triggers", "Workflow" },
		{ "tool_usage", "Technology Stack" },
		{ "actions", "System Architecture" },
		{ "example", "Example 1: Clarifying Questions" },
		{ "uncertainty_protocol", "Communication Guidelines" },
	};

	if (!load_seeds(f, "003", "000"))
		skip();
	fx_align(f, NULL);
	check_pairs(f, pairs, 6, nots, 5);
	assert_false(pair2(f, "role", "Role")->status & AD_ROW_RENAMED);
}

static void test_seed_all_five(void **state)
{
	fixture *f = *state;
	static const char *const ids[] = { "000", "001", "002", "003", "004" };
	size_t i;

	for (i = 0; i < 5; i++)
		if ((f->doc[f->n] = seed(ids[i])) != NULL)
			f->n++;
	if (f->n < 5)
		skip();
	fx_align(f, NULL);
	{
		size_t r = row_of(f->al, 0, sec(f->doc[0], "Role"));
		const ad_align_row *row = ad_align_row_at(f->al, r);

		assert_int_equal(row->cells[1], sec(f->doc[1], "Role"));
		assert_int_equal(row->cells[3], sec(f->doc[3], "role"));
		assert_int_equal(row->cells[2], -1);
		assert_true(row->status & AD_ROW_PARTIAL);
		r = row_of(f->al, 2, sec(f->doc[2], "Backend Architect"));
		assert_int_equal(ad_align_row_at(f->al, r)->cells[4],
				 sec(f->doc[4], "Backend Architect"));
	}
}

/* ------------------------------------------------------------ degrade */

/* Words that differ are different words, however short: "7" and "47"
 * once hashed alike, and an identical-looking section paired with the
 * wrong one of two. */
static void test_short_words_differ(void **state)
{
	fixture *f = *state;
	const ad_align_row *row;

	fx_add(f, "## S\n\nbase text of section 7, as it was\n\n"
		  "## S\n\nbase text of section 47, as it was\n\n");
	fx_add(f, "## S\n\nbase text of section 47, as it was\n\n");
	fx_align(f, NULL);
	row = ad_align_row_at(f->al, row_of(f->al, 1, 0));
	assert_int_equal(row->cells[0], 1);
	assert_true(row->similarity == 1.0);
	row = ad_align_row_at(f->al, row_of(f->al, 0, 0));
	assert_int_equal(row->cells[1], -1);
}

/* 1,999 sections all titled "## S" over the same 30 words, a third kept:
 * too many pairs to score (the match degrades), yet each rewritten
 * section stays in its place, between the kept ones, not paired with
 * some section far away whose words happen to be closer. */
static void test_same_titles_degrade_in_order(void **state)
{
	fixture *f = *state;
	ad_buf a = AD_BUF_INIT, b = AD_BUF_INIT, body = AD_BUF_INIT;
	uint32_t seed = 10;
	int i, w, misplaced = 0;

	for (i = 1; i <= 1999; i++) {
		int v;

		for (v = 0; v < 2; v++) {
			if (v == 1 && i % 3 == 0) {
				ad_buf_put(&b, ad_buf_cstr(&body), body.size);
				continue;
			}
			ad_buf_clear(&body);
			ad_buf_puts(&body, "## S\n\n");
			for (w = 0; w < 70; w++) {
				seed = seed * 1103515245u + 12345u;
				ad_buf_printf(&body, "w%u ", (seed >> 16) % 30);
			}
			ad_buf_puts(&body, "\n\n");
			ad_buf_put(v ? &b : &a, ad_buf_cstr(&body), body.size);
		}
	}
	fx_add(f, ad_buf_cstr(&a));
	fx_add(f, ad_buf_cstr(&b));
	fx_align(f, NULL);
	assert_int_equal(ad_doc_section_count(f->doc[0]), 1999);
	assert_int_equal(ad_doc_section_count(f->doc[1]), 1999);
	for (i = 0; i < 1999; i++)
		misplaced += ad_align_row_at(f->al, row_of(f->al, 0, i))->cells[1] != i;
	assert_int_equal(misplaced, 0);
	ad_buf_free(&a);
	ad_buf_free(&b);
	ad_buf_free(&body);
}

/* ------------------------------------------------------------ timing */

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Not a pass/fail benchmark (machines vary): prints the best of several
 * runs next to the parse time of the same files, and fails only when
 * alignment is wildly slow. */
static void test_speed(void **state)
{
	fixture *f = *state;
	ad_doc *docs[10] = { NULL };
	const char *order[10] = { "000", "001", "002", "003", "004",
				  "001", "000", "002", "004", "003" };
	double best2 = 1e30, best10 = 1e30, bestp = 1e30;
	int it, i;

	for (i = 0; i < 10; i++)
		if (!(docs[i] = seed(order[i]))) {
			for (i = 0; i < 10; i++)
				ad_doc_free(docs[i]);
			skip();
		}
	for (it = 0; it < 30; it++) {
		double t0 = now_us(), t1;
		ad_align *al;
		ad_doc *p[2];

		assert_int_equal(ad_align_docs(&al, (const ad_doc *const *)docs + 0, 2, NULL), 0);
		t1 = now_us();
		ad_align_free(al);
		if (t1 - t0 < best2)
			best2 = t1 - t0;
		t0 = now_us();
		assert_int_equal(ad_align_docs(&al, (const ad_doc *const *)docs, 10, NULL), 0);
		t1 = now_us();
		ad_align_free(al);
		if (t1 - t0 < best10)
			best10 = t1 - t0;
		t0 = now_us();
		for (i = 0; i < 2; i++)
			assert_int_equal(ad_doc_parse(&p[i], NULL, ad_doc_data(docs[i]),
						      ad_doc_size(docs[i]), NULL, NULL),
					 0);
		t1 = now_us();
		ad_doc_free(p[0]);
		ad_doc_free(p[1]);
		if (t1 - t0 < bestp)
			bestp = t1 - t0;
	}
	fprintf(stderr, "align: 2-way 000/001 %.0f us (parse of both: %.0f us); "
		"10-way %.2f ms\n", best2, bestp, best10 / 1000.0);
	assert_true(best10 < 100000.0);
	for (i = 0; i < 10; i++)
		ad_doc_free(docs[i]);
	(void)f;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_identical),
		T(test_modified),
		T(test_same_title_different_content),
		T(test_renamed),
		T(test_renamed_similar_title),
		T(test_moved),
		T(test_added_removed_and_order),
		T(test_split),
		T(test_split_renamed_parts),
		T(test_identical_empty_heading),
		T(test_merged),
		T(test_heading_vs_tag),
		T(test_wrapper_vs_none),
		T(test_cross_level),
		T(test_generic_repeated),
		T(test_whitespace_preamble),
		T(test_nway_partial),
		T(test_nway_many),
		T(test_size_guard),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_status_name),
		T(test_seed_000_001),
		T(test_seed_002_004),
		T(test_seed_002_000),
		T(test_seed_003_000),
		T(test_seed_all_five),
		T(test_short_words_differ),
		T(test_same_titles_degrade_in_order),
		T(test_speed),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
