/*
 * test_plan: merge plans (diff/plan.c): the text format, and applying.
 *
 * The central promise is tested over every file we have: a plan that takes
 * everything from variant A writes A back byte for byte, both as built and
 * after a trip through the plan's text (examples/, tests/fixtures/, and
 * $AD_SHARED's seeds and corpus when they are there).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "doc.h"
#include "plan.h"
#include "util.h"

/* ------------------------------------------------------------ helpers */

#define MAXV 8

typedef struct {
	ad_doc *docs[MAXV];
	const char *specs[MAXV];
	size_t n;
	ad_plan *plan;
	ad_plan_result *res;
} fx;

static int setup(void **state)
{
	*state = calloc(1, sizeof(fx));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	fx *f = *state;
	size_t i;

	for (i = 0; i < f->n; i++)
		ad_doc_free(f->docs[i]);
	ad_plan_free(f->plan);
	ad_plan_result_free(f->res);
	free(f);
	return 0;
}

static void add(fx *f, const char *spec, const char *text)
{
	assert_true(f->n < MAXV);
	assert_int_equal(ad_doc_parse(&f->docs[f->n], spec, text, strlen(text), NULL, NULL), 0);
	f->specs[f->n] = spec;
	f->n++;
}

static void parse_plan(fx *f, const char *text)
{
	ad_error err = AD_ERROR_INIT;
	char buf[512];

	ad_plan_free(f->plan);
	f->plan = NULL;
	if (ad_plan_parse(&f->plan, "t.plan", text, strlen(text), &err) < 0)
		fail_msg("plan does not parse: %s", ad_error_format(&err, buf, sizeof(buf)));
	ad_error_clear(&err);
}

/* Applies f->plan to f->docs, all treated as unchanged unless blobs. */
static const char *apply(fx *f, const char *const *blobs)
{
	ad_plan_result_free(f->res);
	f->res = NULL;
	assert_int_equal(ad_plan_apply(&f->res, f->plan, (const ad_doc *const *)f->docs, blobs, f->n,
				       NULL),
			 0);
	return f->res->text.ptr ? f->res->text.ptr : "";
}

static const char *const SAME[MAXV] = { "a", "a", "a", "a", "a", "a", "a", "a" };

static void header(ad_buf *b, size_t n)
{
	size_t i;

	ad_buf_puts(b, "agentdiff-plan 1\n");
	for (i = 0; i < n; i++)
		ad_buf_printf(b, "variant %zu \"v%zu.md\"\n", i + 1, i + 1);
}

/* Parses a plan made of the variant header and body, applies it. */
static const char *run(fx *f, const char *body)
{
	ad_buf b = AD_BUF_INIT;
	const char *out;

	header(&b, f->n);
	ad_buf_puts(&b, body);
	parse_plan(f, b.ptr);
	ad_buf_free(&b);
	out = apply(f, NULL);
	return out;
}

/* ------------------------------------------------------------ the format */

static const char ROUND[] =
	"# a comment about the plan\n"
	"agentdiff-plan 1\n"
	"\n"
	"variant 1 \"agents/a.md\" blob 3b18e512dba79e4c8300dd08aeb37f8e728b8dad\n"
	"variant 2 \"HEAD~1:agents/b \\\"q\\\".md\"\n"
	"output \"out/merged.md\" blob 0123456789abcdef0123456789abcdef01234567\n"
	"\n"
	"frontmatter from 2\n"
	"field \"name\" from 1\n"
	"# tools from both\n"
	"field \"tools\" union 2 1\n"
	"field \"skills\" intersection\n"
	"field \"x\" #2 from 1\n"
	"field \"model\" text <<END\n"
	"model: opus\n"
	"END\n"
	"field \"color\" text \"color: red\"\n"
	"\n"
	"take preamble from 1\n"
	"take \"Role \\t\\x01 \\\\\" from 2 body 0badf00d\n"
	"  take \"Examples\" #3 from 1\n"
	"  drop \"Hotfixes\" from 2\n"
	"  edit \"Scope\" from 1 <<END2\n"
	"END\n"
	"text\n"
	"END2\n"
	"text \"no newline at the end\"\n"
	"text <<END\n"
	"\xc3\xa9t\xc3\xa9\r\n"
	"END\n"
	"# the end\n";

static void test_round_trip(void **state)
{
	fx *f = *state;
	ad_buf out = AD_BUF_INIT, again = AD_BUF_INIT;
	const ad_plan_item *it;
	const ad_plan_field *fl;
	ad_plan *p2 = NULL;

	parse_plan(f, ROUND);
	assert_int_equal(ad_plan_variant_count(f->plan), 2);
	assert_string_equal(ad_plan_variant_at(f->plan, 1)->spec, "HEAD~1:agents/b \"q\".md");
	assert_null(ad_plan_variant_at(f->plan, 1)->blob);
	assert_string_equal(ad_plan_output(f->plan), "out/merged.md");
	assert_int_equal(ad_plan_frontmatter(f->plan), 1);
	assert_int_equal(ad_plan_field_count(f->plan), 6);
	fl = ad_plan_field_at(f->plan, 1);
	assert_int_equal(fl->mode, AD_PLAN_FIELD_UNION);
	assert_int_equal(fl->nvariants, 2);
	assert_int_equal(fl->variants[0], 1);
	assert_int_equal(fl->line, 11);
	assert_int_equal(ad_plan_field_at(f->plan, 2)->nvariants, 0);
	assert_int_equal(ad_plan_field_at(f->plan, 3)->ordinal, 2);
	fl = ad_plan_field_at(f->plan, 4);
	assert_int_equal(fl->mode, AD_PLAN_FIELD_TEXT);
	assert_int_equal(fl->text_len, 12);
	assert_memory_equal(fl->text, "model: opus\n", 12);

	assert_int_equal(ad_plan_item_count(f->plan), 7);
	it = ad_plan_item_at(f->plan, 0);
	assert_int_equal(it->kind, AD_PLAN_TAKE);
	assert_true(it->ref.preamble);
	it = ad_plan_item_at(f->plan, 1);
	assert_string_equal(it->ref.title, "Role \t\x01 \\");
	assert_int_equal(it->ref.variant, 1);
	assert_true(it->ref.has_body);
	assert_int_equal(it->ref.body, 0x0badf00d);
	it = ad_plan_item_at(f->plan, 2);
	assert_int_equal(it->ref.ordinal, 3);
	assert_int_equal(it->depth, 1);
	assert_int_equal(it->line, 21);
	assert_int_equal(ad_plan_item_at(f->plan, 3)->kind, AD_PLAN_DROP);
	it = ad_plan_item_at(f->plan, 4);
	assert_int_equal(it->kind, AD_PLAN_EDIT);
	assert_int_equal(it->text_len, 9);
	assert_memory_equal(it->text, "END\ntext\n", 9);
	it = ad_plan_item_at(f->plan, 5);
	assert_int_equal(it->kind, AD_PLAN_TEXT);
	assert_string_equal(it->text, "no newline at the end");
	it = ad_plan_item_at(f->plan, 6);
	assert_int_equal(it->line, 28);
	assert_memory_equal(it->text, "\xc3\xa9t\xc3\xa9\r\n", 7);

	/* Written back: the same text, comments and all. */
	ad_plan_write(&out, f->plan);
	assert_string_equal(out.ptr, ROUND);
	assert_int_equal(ad_plan_parse(&p2, NULL, out.ptr, out.size, NULL), 0);
	ad_plan_write(&again, p2);
	assert_string_equal(again.ptr, out.ptr);
	ad_plan_free(p2);
	ad_buf_free(&out);
	ad_buf_free(&again);
}

static void test_built_plan_writes_and_reads(void **state)
{
	fx *f = *state;
	ad_plan *p, *q = NULL;
	ad_plan_item it;
	ad_plan_field fl;
	ad_buf a = AD_BUF_INIT, b = AD_BUF_INIT;
	int vs[2] = { 1, 0 };

	(void)f;
	ad_plan_new(&p);
	assert_int_equal(ad_plan_add_variant(p, "a.md", NULL), 0);
	assert_int_equal(ad_plan_add_variant(p, "b c.md", "0123456789abcdef0123456789abcdef01234567"), 1);
	ad_plan_set_frontmatter(p, 0);
	memset(&fl, 0, sizeof(fl));
	fl.key = "tools";
	fl.mode = AD_PLAN_FIELD_INTERSECTION;
	fl.variants = vs;
	fl.nvariants = 2;
	fl.comment = "not a comment line yet";
	ad_plan_add_field(p, &fl);
	memset(&it, 0, sizeof(it));
	it.kind = AD_PLAN_TAKE;
	it.ref.variant = 1;
	it.ref.title = "Role";
	ad_plan_insert_item(p, 0, &it);
	it.kind = AD_PLAN_TEXT;
	it.text = "x\nEND\n";
	it.text_len = 6;
	ad_plan_insert_item(p, 0, &it);
	ad_plan_move_item(p, 0, 1);
	assert_int_equal(ad_plan_item_at(p, 0)->kind, AD_PLAN_TAKE);
	ad_plan_write(&a, p);
	assert_non_null(strstr(a.ptr, "# not a comment line yet\nfield \"tools\" intersection 2 1\n"));
	assert_non_null(strstr(a.ptr, "text <<END2\nx\nEND\nEND2\n"));
	assert_int_equal(ad_plan_parse(&q, NULL, a.ptr, a.size, NULL), 0);
	ad_plan_write(&b, q);
	assert_string_equal(a.ptr, b.ptr);
	ad_plan_remove_item(q, 1);
	assert_int_equal(ad_plan_item_count(q), 1);
	ad_plan_free(p);
	ad_plan_free(q);
	ad_buf_free(&a);
	ad_buf_free(&b);
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *text;
		int line, col;
		const char *says;
	} cases[] = {
		{ "take \"A\" from 1\n", 1, 1, "not an agentdiff plan" },
		{ "", 1, 1, "no 'agentdiff-plan 1' line" },
		{ "# only a comment\n", 1, 1, "no 'agentdiff-plan 1'" },
		{ "agentdiff-plan 2\n", 1, 16, "format 2 is not supported" },
		{ "agentdiff-plan 1\n", 1, 1, "names no variants" },
		{ "agentdiff-plan 1\nvariant 2 \"a\"\n", 2, 9, "expected 1" },
		{ "agentdiff-plan 1\nvariant 1 \"a\nx\"\n", 2, 11, "not closed" },
		{ "agentdiff-plan 1\nvariant 1 a\ntake \"A\" form 1\n", 3, 10, "expected 'from'" },
		{ "agentdiff-plan 1\nvariant 1 a\ntake \"A\" from 2\n", 3, 15, "no variant 2" },
		{ "agentdiff-plan 1\nvariant 1 a\ntake \"A\" from\n", 3, 14, "expected a variant number" },
		{ "agentdiff-plan 1\nvariant 1 a\n  take \"A\" #0 from 1\n", 3, 12, "ordinals start" },
		{ "agentdiff-plan 1\nvariant 1 a\ntake \"A\" from 1 # note\n", 3, 17, "comments go" },
		{ "agentdiff-plan 1\nvariant 1 a\nedit \"A\" from 1 <<END\nx\n", 3, 17, "not ended" },
		{ "agentdiff-plan 1\nvariant 1 a\nedit \"A\" from 1\n", 3, 16, "expected the text" },
		{ "agentdiff-plan 1\nvariant 1 a\nfield tools union 1 x\n", 3, 21, "variant number" },
		{ "agentdiff-plan 1\nvariant 1 a\nfield tools mix\n", 3, 13, "union, intersection" },
		{ "agentdiff-plan 1\nvariant 1 a\nfrontmatter from 1\nfrontmatter none\n", 4, 1,
		  "second frontmatter" },
		{ "agentdiff-plan 1\nvariant 1 a blob 12\n", 2, 18, "blob id" },
		{ "agentdiff-plan 1\nvariant 1 a\ntake \"A\\q\" from 1\n", 3, 8, "unknown escape" },
		{ "agentdiff-plan 1\nvariant 1 a\ntake \"\xc3\xa9\xc3\xa9\" from x\n", 3, 16,
		  "variant number" },
		{ "agentdiff-plan 1\nvariant 1 a\nmerge everything\n", 3, 1, "unknown statement" },
		{ "agentdiff-plan 1\r\nvariant 1 a\r\ntake \"A\" from 1 x\r\n", 3, 17, "unexpected 'x'" },
		/* File text quoted in a message: controls and invalid bytes as
		 * \x escapes, cut on a character boundary. */
		{ "agentdiff-plan 1\nvariant 1 a\ntake \"A\" fr\x1b[2J\x86om 1\n", 3, 10,
		  "found 'fr\\x1b[2J\\x86om'" },
		{ "agentdiff-plan 1\nvariant 1 a\ntake \"A\\\x1b\" from 1\n", 3, 8,
		  "unknown escape: '\\' and byte 0x1B" },
		{ "agentdiff-plan 1\nvariant 1 a\ntake \"A\" \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 1\n", 3, 10,
		  "found '\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...'" },
		{ "agentdiff-plan 1\nvariant 1 a\ntake \"A\0\" from 1\n", 3, 8, "NUL" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ad_plan *p = NULL;
		ad_error err = AD_ERROR_INIT;
		size_t len = strlen(cases[i].text);

		if (i == sizeof(cases) / sizeof(cases[0]) - 1)
			len = 44; /* the NUL case: past the NUL */
		assert_int_equal(ad_plan_parse(&p, "m.plan", cases[i].text, len, &err), AD_EPARSE);
		assert_null(p);
		if (err.line != cases[i].line || err.column != cases[i].col ||
		    !strstr(err.message, cases[i].says))
			fail_msg("case %zu: got %d:%d: %s; expected %d:%d: ...%s...", i, err.line,
				 err.column, err.message, cases[i].line, cases[i].col, cases[i].says);
		assert_string_equal(err.path, "m.plan");
		ad_error_clear(&err);
	}
}

/* Any bytes at all: an error or a plan, never a crash (run it under ASan). */
static void test_parse_hostile(void **state)
{
	static const char *const bits[] = {
		"agentdiff-plan 1\n", "variant 1 a\n", "variant 2 \"b\"\n", "take ", "edit ", "drop ",
		"text ", "field ", "\"T\" ", "#2 ", "from 1 ", "from 2 ", "body 0badf00d ", "<<END\n",
		"END\n", "\n", "\r\n", "\"", "\\", "\\x4", "\xff", "\0", "union 1 2\n", "preamble ",
		"output o blob ", "frontmatter from 1\n", "#", "   ",
	};
	uint32_t seed = 12345;
	int round, k;

	(void)state;
	for (round = 0; round < 3000; round++) {
		ad_buf b = AD_BUF_INIT, w = AD_BUF_INIT;
		ad_plan *p = NULL;
		ad_error err = AD_ERROR_INIT;
		int n = 1 + (int)(seed % 30);

		for (k = 0; k < n; k++) {
			const char *s;

			seed = seed * 1103515245u + 12345u;
			s = bits[(seed >> 16) % (sizeof(bits) / sizeof(bits[0]))];
			ad_buf_put(&b, s, s[0] ? strlen(s) : 1);
		}
		if (ad_plan_parse(&p, NULL, b.ptr, b.size, &err) == 0) {
			ad_plan *q = NULL;
			ad_buf w2 = AD_BUF_INIT;

			ad_plan_write(&w, p);
			assert_int_equal(ad_plan_parse(&q, NULL, w.ptr, w.size, NULL), 0);
			ad_plan_write(&w2, q);
			assert_string_equal(w.ptr, w2.ptr);
			ad_plan_free(q);
			ad_buf_free(&w2);
		} else {
			assert_true(err.line >= 1 && err.column >= 1);
		}
		ad_plan_free(p);
		ad_error_clear(&err);
		ad_buf_free(&b);
		ad_buf_free(&w);
	}
}

static void test_splice_output(void **state)
{
	static const char with[] = "agentdiff-plan 1\nvariant 1 a\n# out\noutput \"o.md\"\ntake preamble from 1\n";
	static const char without[] = "agentdiff-plan 1\r\nvariant 1 a\r\n\r\n# keep me\r\ntake preamble from 1\r\n";
	ad_plan *p = NULL;
	ad_buf out = AD_BUF_INIT;

	(void)state;
	assert_int_equal(ad_plan_parse(&p, NULL, with, strlen(with), NULL), 0);
	ad_plan_splice_output(&out, p, with, strlen(with), "new dir/o.md",
			      "0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(out.ptr, "agentdiff-plan 1\nvariant 1 a\n# out\noutput \"new dir/o.md\" "
				     "blob 0123456789abcdef0123456789abcdef01234567\ntake preamble from 1\n");
	ad_plan_free(p);
	ad_buf_clear(&out);
	assert_int_equal(ad_plan_parse(&p, NULL, without, strlen(without), NULL), 0);
	ad_plan_splice_output(&out, p, without, strlen(without), "o.md", NULL);
	assert_string_equal(out.ptr, "agentdiff-plan 1\r\nvariant 1 a\r\noutput \"o.md\"\n\r\n# keep "
				     "me\r\ntake preamble from 1\r\n");
	ad_plan_free(p);
	ad_buf_free(&out);
}

/* Where a plan names its files, for apply's messages about them
 * ("x.plan:4:8: output ... is outside the repository"): the line and the
 * column, in characters, of the path. */
static void test_paths_are_located(void **state)
{
	static const char text[] = "agentdiff-plan 1\n"
				   "variant 1   \"a.md\"\n"
				   "  variant 2 \"\xc3\xa9/HEAD:x.md\"\n"
				   "\n"
				   "output \"../.git/config\" blob 0123456789abcdef0123456789abcdef01234567\n"
				   "take preamble from 1\n";
	ad_plan *p = NULL;
	int line = -1, col = -1;

	(void)state;
	assert_int_equal(ad_plan_parse(&p, "x.plan", text, strlen(text), NULL), 0);
	assert_int_equal(ad_plan_variant_at(p, 0)->line, 2);
	assert_int_equal(ad_plan_variant_at(p, 0)->column, 13);
	assert_int_equal(ad_plan_variant_at(p, 1)->line, 3);
	assert_int_equal(ad_plan_variant_at(p, 1)->column, 13);
	ad_plan_output_at(p, &line, &col);
	assert_int_equal(line, 5);
	assert_int_equal(col, 8);
	/* A path set afterwards is not where the file had it. */
	ad_plan_set_output(p, "elsewhere.md", NULL);
	ad_plan_output_at(p, &line, &col);
	assert_int_equal(line, 0);
	assert_int_equal(col, 0);
	ad_plan_free(p);
	/* A built plan has no place in a file. */
	assert_int_equal(ad_plan_new(&p), 0);
	assert_int_equal(ad_plan_add_variant(p, "a.md", NULL), 0);
	assert_int_equal(ad_plan_variant_at(p, 0)->column, 0);
	ad_plan_output_at(p, &line, &col);
	assert_int_equal(line, 0);
	ad_plan_free(p);
}

/* ------------------------------------------------------------ applying */

static const char A[] =
	"---\n"
	"name: reviewer\n"
	"description: Reviews code.\n"
	"tools:\n"
	"  - Read\n"
	"  - Grep\n"
	"model: sonnet\n"
	"---\n"
	"\n"
	"# Reviewer\n"
	"\n"
	"You review code.\n"
	"\n"
	"## Scope\n"
	"\n"
	"Only the diff.\n"
	"\n"
	"## Output\n"
	"\n"
	"A list.\n";

static const char B[] =
	"---\n"
	"name: reviewer\n"
	"description: Strict reviews.\n"
	"tools: [Read, Bash, WebFetch]\n"
	"model: opus\n"
	"color: red\n"
	"---\n"
	"\n"
	"# Reviewer\n"
	"\n"
	"You review code strictly.\n"
	"\n"
	"## Scope\n"
	"\n"
	"The diff and what it calls.\n"
	"\n"
	"## Blocking\n"
	"\n"
	"Block on secrets.\n";

static const char X[] =
	"---\n"
	"name: reviewer\n"
	"tools: Read, Grep, Bash\n"
	"---\n"
	"<role>\n"
	"You review.\n"
	"</role>\n"
	"\n"
	"<instructions>\n"
	"Follow these.\n"
	"\n"
	"<scope>\n"
	"Only the diff.\n"
	"</scope>\n"
	"\n"
	"<process>\n"
	"Read, then write.\n"
	"</process>\n"
	"</instructions>\n";

static void test_take_all_is_identity(void **state)
{
	fx *f = *state;
	ad_plan *p = NULL;
	ad_buf text = AD_BUF_INIT;
	size_t first;

	add(f, "a.md", A);
	add(f, "b.md", B);
	add(f, "x.md", X);
	for (first = 0; first < 3; first++) {
		const ad_doc *docs[3] = { f->docs[first], f->docs[(first + 1) % 3],
					  f->docs[(first + 2) % 3] };
		ad_plan_result *r = NULL;

		static const char *const then[3] = { "1111111111111111111111111111111111111111",
						     "2222222222222222222222222222222222222222",
						     "3333333333333333333333333333333333333333" };
		static const char *const now[3] = { "4444444444444444444444444444444444444444",
						    "5555555555555555555555555555555555555555",
						    "6666666666666666666666666666666666666666" };

		assert_int_equal(ad_plan_default(&p, docs, f->specs, then, 3, NULL), 0);
		/* All changed: found again by title and words, to the byte. */
		assert_int_equal(ad_plan_apply(&r, p, docs, now, 3, NULL), 0);
		assert_int_equal(r->text.size, ad_doc_size(docs[0]));
		assert_memory_equal(r->text.ptr, ad_doc_data(docs[0]), r->text.size);
		assert_int_equal(r->nmissing, 0);
		assert_int_equal(r->nunplanned, 0); /* the drop lines cover the rest */
		ad_plan_result_free(r);
		ad_plan_free(p);
		p = NULL;
	}
	ad_buf_free(&text);
}

static void test_mixed_choices(void **state)
{
	fx *f = *state;
	const char *out;

	add(f, "a.md", A);
	add(f, "b.md", B);
	out = run(f, "frontmatter from 1\n"
		     "field name from 1\n"
		     "field description from 2\n"
		     "field tools from 1\n"
		     "field model from 2\n"
		     "field color from 2\n"
		     "take preamble from 1\n"
		     "take \"Reviewer\" from 2\n"
		     "take \"Scope\" from 1\n"
		     "take \"Blocking\" from 2\n"
		     "take \"Output\" from 1\n");
	assert_string_equal(out, "---\n"
				 "name: reviewer\n"
				 "description: Strict reviews.\n"
				 "tools:\n"
				 "  - Read\n"
				 "  - Grep\n"
				 "model: opus\n"
				 "color: red\n"
				 "---\n"
				 "\n"
				 "# Reviewer\n"
				 "\n"
				 "You review code strictly.\n"
				 "\n"
				 "## Scope\n"
				 "\n"
				 "Only the diff.\n"
				 "\n"
				 "## Blocking\n"
				 "\n"
				 "Block on secrets.\n"
				 "\n"
				 "## Output\n"
				 "\n"
				 "A list.\n");
	assert_int_equal(f->res->nmissing, 0);
	/* Pieces say where each part came from. */
	assert_int_equal(f->res->npieces, 5);
	assert_int_equal(f->res->pieces[1].variant, 1);
	assert_int_equal(f->res->pieces[3].variant, 1);
	assert_int_equal(f->res->pieces[4].variant, 0);
	assert_memory_equal(out + f->res->pieces[3].start, "## Blocking\n",
			    12);
	{
		static const char *const names[2] = { "a.md (blob 1111111)", "b.md@abc1234" };
		ad_buf t = AD_BUF_INIT;

		ad_plan_trailers(&t, f->plan, f->res, (const ad_doc *const *)f->docs, names, "m.plan");
		assert_string_equal(t.ptr, "Frontmatter-Source: a.md (blob 1111111)\n"
					   "Field-Source: description <- b.md@abc1234\n"
					   "Field-Source: model <- b.md@abc1234\n"
					   "Field-Source: color <- b.md@abc1234\n"
					   "Section-Source: Reviewer <- b.md@abc1234\n"
					   "Section-Source: Scope <- a.md (blob 1111111)\n"
					   "Section-Source: Blocking <- b.md@abc1234\n"
					   "Section-Source: Output <- a.md (blob 1111111)\n");
		ad_buf_free(&t);
	}
}

static void test_none_and_several(void **state)
{
	fx *f = *state;
	const char *out;

	add(f, "a.md", A);
	add(f, "b.md", B);
	/* No frontmatter; Scope from both, in order; Output left out. */
	out = run(f, "frontmatter none\n"
		     "take \"Scope\" from 2\n"
		     "take \"Scope\" from 1\n");
	assert_string_equal(out, "## Scope\n"
				 "\n"
				 "The diff and what it calls.\n"
				 "\n"
				 "## Scope\n"
				 "\n"
				 "Only the diff.\n"
				 "\n");
	/* Nobody decided on Reviewer, Output, Blocking: not missing; and
	 * with no blob ids in the plan, nothing is known to be new. */
	assert_int_equal(f->res->nmissing, 0);
	assert_int_equal(f->res->nunplanned, 0);
	{
		static const char *const now[2] = { "1111111111111111111111111111111111111111",
						    "2222222222222222222222222222222222222222" };

		parse_plan(f, "agentdiff-plan 1\n"
			      "variant 1 a.md blob 1111111111111111111111111111111111111111\n"
			      "variant 2 b.md blob 3333333333333333333333333333333333333333\n"
			      "take \"Scope\" from 2\n");
		apply(f, now);
		/* b changed: its Reviewer and Blocking are news; a's Output is
		 * not (a is as it was, so leaving it out was a choice). */
		assert_int_equal(f->res->nunplanned, 2);
		assert_int_equal(f->res->unplanned[0].variant, 1);
		assert_int_equal(f->res->unplanned[1].variant, 1);
	}
}

static void test_reorder_and_separation(void **state)
{
	fx *f = *state;
	const char *out;

	add(f, "a.md", A);
	/* The last section, which has no blank line after it, moved up: a
	 * blank line keeps the headings apart. */
	out = run(f, "take \"Output\" from 1\n"
		     "take \"Scope\" from 1\n");
	assert_string_equal(out, "## Output\n\nA list.\n\n## Scope\n\nOnly the diff.\n\n");
	/* Adjacent spans are written as they are, even reordered around. */
	out = run(f, "take \"Scope\" from 1\ntake \"Output\" from 1\n");
	assert_string_equal(out, "## Scope\n\nOnly the diff.\n\n## Output\n\nA list.\n");
}

static void test_no_final_newline(void **state)
{
	fx *f = *state;
	const char *out;

	add(f, "a.md", "# One\n\nend without newline");
	add(f, "b.md", "# Two\r\n\r\ntext\r\n");
	out = run(f, "take \"One\" from 1\ntake \"Two\" from 2\n");
	/* The first line ending met (\n) is the one added. */
	assert_string_equal(out, "# One\n\nend without newline\n\n# Two\r\n\r\ntext\r\n");
	out = run(f, "take \"Two\" from 2\ntake \"One\" from 1\n");
	assert_string_equal(out, "# Two\r\n\r\ntext\r\n\r\n# One\n\nend without newline");
}

static void test_tags_nest_across_variants(void **state)
{
	fx *f = *state;
	const char *out;

	add(f, "x.md", X);
	add(f, "a.md", A);
	/* <instructions> from x with A's Scope inside it: x's closing tag
	 * comes after it. */
	out = run(f, "take \"instructions\" from 1\n"
		     "take \"Scope\" from 2\n"
		     "take \"process\" from 1\n");
	assert_string_equal(out, "<instructions>\n"
				 "Follow these.\n"
				 "\n"
				 "## Scope\n"
				 "\n"
				 "Only the diff.\n"
				 "\n"
				 "<process>\n"
				 "Read, then write.\n"
				 "</process>\n"
				 "</instructions>\n");
	/* A child taken alone never carries its parent's closing tag. */
	out = run(f, "take \"process\" from 1\n");
	assert_string_equal(out, "<process>\nRead, then write.\n</process>\n");
	/* A parent without its children still closes. */
	out = run(f, "take \"role\" from 1\ntake \"instructions\" from 1\n");
	assert_string_equal(out, "<role>\nYou review.\n</role>\n\n<instructions>\nFollow these.\n\n"
				 "</instructions>\n");
	/* Moved out of its parent: closes the parent first. */
	out = run(f, "take \"instructions\" from 1\ntake \"role\" from 1\ntake \"scope\" from 1\n");
	assert_string_equal(out, "<instructions>\nFollow these.\n\n</instructions>\n\n<role>\nYou "
				 "review.\n</role>\n\n<scope>\nOnly the diff.\n</scope>\n\n");
}

static void test_edit_and_text(void **state)
{
	fx *f = *state;
	const char *out;

	add(f, "x.md", X);
	out = run(f, "edit \"instructions\" from 1 <<END\n"
		     "<instructions>\n"
		     "Follow these, in order.\n"
		     "\n"
		     "END\n"
		     "take \"scope\" from 1\n"
		     "text <<END\n"
		     "<limits>\n"
		     "Forty lines.\n"
		     "</limits>\n"
		     "END\n");
	assert_string_equal(out, "<instructions>\n"
				 "Follow these, in order.\n"
				 "\n"
				 "<scope>\n"
				 "Only the diff.\n"
				 "</scope>\n"
				 "\n"
				 "<limits>\n"
				 "Forty lines.\n"
				 "</limits>\n"
				 "</instructions>\n");
	assert_true(f->res->pieces[0].edited);
	assert_int_equal(f->res->pieces[2].variant, -1);
}

static void test_tools_union_intersection(void **state)
{
	fx *f = *state;
	const char *out;

	add(f, "a.md", A); /* block list: Read, Grep */
	add(f, "b.md", B); /* flow list: Read, Bash, WebFetch */
	add(f, "x.md", X); /* scalar: Read, Grep, Bash */
	out = run(f, "frontmatter from 1\nfield tools union\n");
	assert_string_equal(out, "---\ntools:\n  - Read\n  - Grep\n  - Bash\n  - WebFetch\n---\n");
	out = run(f, "frontmatter from 1\nfield tools intersection\n");
	assert_string_equal(out, "---\ntools:\n  - Read\n---\n");
	/* The form of the first listed variant that has the key. */
	out = run(f, "frontmatter from 1\nfield tools union 2 1\n");
	assert_string_equal(out, "---\ntools: [Read, Bash, WebFetch, Grep]\n---\n");
	out = run(f, "frontmatter from 1\nfield tools intersection 3 1\n");
	assert_string_equal(out, "---\ntools: Read, Grep\n---\n");
	/* Its own names: byte for byte. */
	out = run(f, "frontmatter from 1\nfield tools union 3\n");
	assert_string_equal(out, "---\ntools: Read, Grep, Bash\n---\n");
	/* Nothing shared: an explicit empty list, never an empty value. */
	add(f, "n.md", "---\ntools: [Task]\n---\n");
	out = run(f, "frontmatter from 1\nfield tools intersection 1 4\n");
	assert_string_equal(out, "---\ntools: []\n---\n");
	/* Variants without the key do not count. */
	out = run(f, "frontmatter from 4\nfield color union 2 4\n");
	assert_string_equal(out, "---\ncolor: red\n---\n");
	out = run(f, "frontmatter from 1\nfield skills union\n");
	assert_int_equal(f->res->nmissing, 1);
	assert_true(f->res->missing[0].field);
	assert_int_equal(f->res->missing[0].line, 7);
}

static void test_tools_quoting(void **state)
{
	fx *f = *state;
	const char *out;

	add(f, "a.md", "---\ntools: Read\n---\n");
	add(f, "b.md", "---\ntools:\n- \"Bash(git: *)\"\n- 'a, b'\n---\n");
	out = run(f, "frontmatter from 1\nfield tools union\n");
	/* A comma string cannot hold these: a flow list, quoted. */
	assert_string_equal(out, "---\ntools: [Read, \"Bash(git: *)\", \"a, b\"]\n---\n");
	out = run(f, "frontmatter from 2\nfield tools union 2 1\n");
	assert_string_equal(out, "---\ntools:\n- \"Bash(git: *)\"\n- \"a, b\"\n- Read\n---\n");
}

/* The same names as a merge writes them: "true" quoted, the commas in a
 * tool's arguments kept inside it. */
static void test_tools_true_and_arguments(void **state)
{
	fx *f = *state;
	const char *out;

	add(f, "a.md", "---\ntools: Read, Agent(worker, researcher)\n---\n");
	add(f, "b.md", "---\ntools:\n  - \"true\"\n  - Agent(worker, researcher)\n---\n");
	out = run(f, "frontmatter from 1\nfield tools union 1 2\n");
	/* In a comma string "true" is a part of one string, no boolean. */
	assert_string_equal(out, "---\ntools: Read, Agent(worker, researcher), true\n---\n");
	out = run(f, "frontmatter from 2\nfield tools union 2 1\n");
	assert_string_equal(out, "---\ntools:\n  - \"true\"\n  - Agent(worker, researcher)\n  - Read\n---\n");
	out = run(f, "frontmatter from 1\nfield tools intersection 1 2\n");
	assert_string_equal(out, "---\ntools: Agent(worker, researcher)\n---\n");
}

/* The item that takes section s of docs[v], as the UI makes one. */
static void take(ad_plan *p, const ad_doc *doc, int v, int s)
{
	ad_plan_item it;

	memset(&it, 0, sizeof(it));
	it.kind = AD_PLAN_TAKE;
	ad_plan_ref_of(&it.ref, doc, v, s);
	ad_plan_insert_item(p, ad_plan_item_count(p), &it);
}

static int section_titled(const ad_doc *doc, const char *title, int nth)
{
	size_t i;

	for (i = 0; i < ad_doc_section_count(doc); i++)
		if (!strcmp(ad_doc_sections(doc)[i].title, title) && --nth == 0)
			return (int)i;
	fail_msg("no section %s", title);
	return -1;
}

static void test_changed_upstream(void **state)
{
	fx *f = *state;
	ad_plan *made = NULL;
	ad_buf text = AD_BUF_INIT;
	const char *then[2] = { "1111111111111111111111111111111111111111",
				"2222222222222222222222222222222222222222" };
	const char *now[2] = { "1111111111111111111111111111111111111111",
			       "3333333333333333333333333333333333333333" };
	const char *out;
	ad_doc *b2;
	size_t i;
	bool noted = false;
	static const char B2[] =
		"---\nname: reviewer\n---\n"
		"# Reviewer\n\nYou review code strictly.\n\n"
		"## Blocking\n\nA new section of the same title, first.\n\n"
		"## What to look at\n\nThe diff and what it calls.\n\n"
		"## Blocking\n\nBlock on secrets.\n";

	add(f, "a.md", A);
	add(f, "b.md", B);
	/* Reviewer, Scope and Blocking from b, Output from a; then written
	 * out and read back, as a plan file is. */
	ad_plan_new(&made);
	ad_plan_add_variant(made, "a.md", then[0]);
	ad_plan_add_variant(made, "b.md", then[1]);
	take(made, f->docs[1], 1, section_titled(f->docs[1], "Reviewer", 1));
	take(made, f->docs[1], 1, section_titled(f->docs[1], "Scope", 1));
	take(made, f->docs[1], 1, section_titled(f->docs[1], "Blocking", 1));
	take(made, f->docs[0], 0, section_titled(f->docs[0], "Output", 1));
	ad_plan_write(&text, made);
	ad_plan_free(made);
	parse_plan(f, text.ptr);
	out = apply(f, then);
	assert_non_null(strstr(out, "The diff and what it calls."));
	assert_non_null(strstr(out, "Block on secrets."));

	/* Upstream b changes: Scope renamed (its words kept), and a second
	 * "Blocking" inserted before the first. */
	assert_int_equal(ad_doc_parse(&b2, "b.md", B2, strlen(B2), NULL, NULL), 0);
	ad_doc_free(f->docs[1]);
	f->docs[1] = b2;
	out = apply(f, now);
	assert_false(f->res->changed[0]);
	assert_true(f->res->changed[1]);
	assert_int_equal(f->res->nmissing, 0);
	/* Found by their words: the renamed section, and the right one of
	 * the two "Blocking". */
	assert_non_null(strstr(out, "## What to look at\n\nThe diff and what it calls."));
	assert_non_null(strstr(out, "Block on secrets."));
	assert_null(strstr(out, "A new section of the same title"));
	/* The new one is noted as in no line of the plan. */
	for (i = 0; i < f->res->nunplanned; i++)
		if (f->res->unplanned[i].variant == 1 &&
		    f->res->unplanned[i].section == section_titled(b2, "Blocking", 1))
			noted = true;
	assert_true(noted);

	/* Were b unchanged as far as the plan knows, the ordinal rules, and
	 * the Scope line names nothing there: missing, with its line. */
	out = apply(f, then);
	assert_non_null(strstr(out, "A new section of the same title"));
	assert_int_equal(f->res->nmissing, 1);
	assert_non_null(strstr(f->res->missing[0].message, "take \"Scope\" from 2: variant 2 has"));
	assert_int_equal(f->res->missing[0].line, 11);
	ad_buf_free(&text);
}

static void test_missing_and_bad_variant_count(void **state)
{
	fx *f = *state;
	ad_plan_result *r = NULL;
	ad_error err = AD_ERROR_INIT;

	add(f, "a.md", A);
	run(f, "take \"Nope\" from 1\ntake preamble from 1\ndrop \"Gone\" from 1\n");
	assert_int_equal(f->res->nmissing, 1);
	assert_int_equal(f->res->missing[0].index, 0);
	assert_int_equal(f->res->missing[0].line, 3);
	assert_string_equal(f->res->missing[0].message,
			    "take \"Nope\" from 1: variant 1 has no such section");
	assert_int_equal(ad_plan_apply(&r, f->plan, (const ad_doc *const *)f->docs, SAME, 0, &err),
			 AD_EINVALID);
	assert_null(r);
	ad_error_clear(&err);
}

static void test_ref_of_and_find(void **state)
{
	fx *f = *state;
	ad_plan_ref ref;
	static const char D[] = "# 1. Setup\n\nx\n\n## Example\n\na\n\n## Example\n\nb\n";

	add(f, "d.md", D);
	ad_plan_ref_of(&ref, f->docs[0], 0, 2);
	assert_string_equal(ref.title, "Example");
	assert_int_equal(ref.ordinal, 2);
	assert_true(ref.has_body);
	assert_int_equal(ad_plan_find(f->docs[0], &ref, true), 2);
	ref.ordinal = 1;
	assert_int_equal(ad_plan_find(f->docs[0], &ref, true), 1);
	/* Changed: the words win over the ordinal. */
	assert_int_equal(ad_plan_find(f->docs[0], &ref, false), 2);
	/* Titles compare without case, punctuation or numbering. */
	ref.title = "setup";
	ref.has_body = false;
	assert_int_equal(ad_plan_find(f->docs[0], &ref, true), 0);
}

/* ------------------------------------------------------------ over real files */

/* Every take-all plan over these files writes them back exactly, built and
 * after a trip through its text.  Returns how many files were tried. */
static size_t identity_over(const char *dir, const char *suffix, bool recurse)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i, tried = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (recurse)
				tried += identity_over(path, suffix, true);
			continue;
		}
		if (len < strlen(suffix) || strcmp(e->d_name + len - strlen(suffix), suffix))
			continue;
		ad_xgrow((void **)&names, &cap, n + 1, sizeof(*names));
		names[n++] = ad_xstrdup(path);
	}
	closedir(d);
	for (i = 0; i < n; i++) {
		ad_doc *docs[2] = { NULL, NULL };
		const char *specs[2] = { "a", "b" };
		ad_plan *p = NULL, *q = NULL;
		ad_plan_result *r = NULL;
		ad_buf text = AD_BUF_INIT;
		size_t k, nd = n > 1 ? 2 : 1;

		for (k = 0; k < nd; k++)
			assert_int_equal(ad_doc_load(&docs[k], names[(i + k) % n], NULL, NULL), 0);
		assert_int_equal(ad_plan_default(&p, (const ad_doc *const *)docs, specs, NULL, nd, NULL), 0);
		assert_int_equal(ad_plan_apply(&r, p, (const ad_doc *const *)docs, NULL, nd, NULL), 0);
		if (r->text.size != ad_doc_size(docs[0]) ||
		    memcmp(r->text.ptr, ad_doc_data(docs[0]), r->text.size))
			fail_msg("take-all plan does not reproduce %s", names[i]);
		assert_int_equal(r->nmissing, 0);
		ad_plan_result_free(r);
		r = NULL;
		ad_plan_write(&text, p);
		assert_int_equal(ad_plan_parse(&q, NULL, text.ptr, text.size, NULL), 0);
		assert_int_equal(ad_plan_apply(&r, q, (const ad_doc *const *)docs, NULL, nd, NULL), 0);
		if (r->text.size != ad_doc_size(docs[0]) ||
		    memcmp(r->text.ptr, ad_doc_data(docs[0]), r->text.size))
			fail_msg("take-all plan, written and read back, does not reproduce %s", names[i]);
		ad_plan_result_free(r);
		ad_plan_free(p);
		ad_plan_free(q);
		ad_buf_free(&text);
		for (k = 0; k < nd; k++)
			ad_doc_free(docs[k]);
		tried++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return tried;
}

static void test_identity_examples(void **state)
{
	const char *src = getenv("AD_SRCDIR");
	char path[4096];
	size_t tried;

	(void)state;
	if (!src)
		skip();
	snprintf(path, sizeof(path), "%s/examples", src);
	tried = identity_over(path, ".md", true);
	assert_true(tried >= 7);
	snprintf(path, sizeof(path), "%s/tests/fixtures", src);
	tried = identity_over(path, ".md", false);
	assert_true(tried >= 20);
}

static void test_identity_shared(void **state)
{
	const char *shared = getenv("AD_SHARED");
	char path[4096];
	size_t tried;

	(void)state;
	if (!shared || !*shared)
		skip();
	snprintf(path, sizeof(path), "%s/seeds", shared);
	tried = identity_over(path, ".txt", false);
	snprintf(path, sizeof(path), "%s/corpus", shared);
	tried += identity_over(path, ".md", true);
	if (tried == 0)
		skip();
	print_message("take-all identity over %zu shared files\n", tried);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_built_plan_writes_and_reads, setup, teardown),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_splice_output),
		cmocka_unit_test(test_paths_are_located),
		cmocka_unit_test_setup_teardown(test_take_all_is_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_choices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none_and_several, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reorder_and_separation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_final_newline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tags_nest_across_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_and_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tools_union_intersection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tools_quoting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tools_true_and_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_upstream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_bad_variant_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ref_of_and_find, setup, teardown),
		cmocka_unit_test(test_identity_examples),
		cmocka_unit_test(test_identity_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
