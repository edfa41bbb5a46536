/*
 * test_props: properties of the parser, the writer and the 3-way merge,
 * checked on thousands of generated inputs.
 *
 * Two generators, both driven by a seeded PRNG so that every failure can be
 * replayed (the message names the seed and the case):
 *
 *   - hostile documents: random mixes of frontmatter (good, broken,
 *     unterminated, misplaced, anchors and aliases), ATX and setext
 *     headings, XML-style tags (nested, unclosed, stray closings), code
 *     fences (some unclosed), lists, quotes, long lines, NUL bytes, escape
 *     sequences, invalid UTF-8 and a BOM, with LF, CRLF, lone CR or mixed
 *     line endings and sometimes no final newline;
 *   - agent definitions built from a model (frontmatter fields, a tools
 *     list, headings and tags whose lines are unique), and edits of them
 *     that a person makes: a line changed, added or deleted, a section
 *     renamed, deleted or added, a field changed, a tool added or removed.
 *     Each edit records the lines it adds and removes.
 *
 * Properties:
 *   - parse -> write unchanged is byte-identical: every promise of doc.h
 *     (fuzz/invariants.c: spans tile the input and give it back), with the
 *     default limits and tiny ones, and a document written with
 *     ad_write_file_atomic() and loaded back is the same bytes;
 *   - merge(B, X, X) == X, merge(B, B, X) == X, merge(X, Y, X) == Y, byte for
 *     byte and without conflicts, structured and as plain lines, on hostile
 *     documents and on edited agents;
 *   - a clean 3-way merge (the two sides edit different sections and
 *     fields) has no conflict and contains every change made on either side:
 *     each line a side added is there, each line a side removed is gone,
 *     each untouched line of the base is kept, a field changed on one side
 *     has that side's value, and tools are base + added - removed;
 *   - when both sides change the same line differently, the conflict
 *     region holds both sides (and, in the diff3 style, the base), between
 *     markers; a section deleted on one side and edited on the other is a
 *     conflict that keeps the edit.
 *
 * AD_PROPS_SEED and AD_PROPS_CASES override the seed and the number of
 * cases (fewer under valgrind).
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "doc.h"
#include "fileio.h"
#include "frontmatter.h"
#include "invariants.h"
#include "merge.h"
#include "util.h"

/* ------------------------------------------------------------ PRNG */

typedef struct {
	uint64_t s;
} rng;

/* xorshift64*: small, fast and good enough to pick among choices. */
static uint64_t rnd(rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ull;
}

static unsigned below(rng *r, unsigned n)
{
	return n ? (unsigned)((rnd(r) >> 11) % n) : 0;
}

static bool chance(rng *r, unsigned percent)
{
	return below(r, 100) < percent;
}

static uint64_t g_seed = 20250611;
static unsigned g_cases = 3000;

static void settings(void)
{
	const char *s = getenv("AD_PROPS_SEED"), *c = getenv("AD_PROPS_CASES");

	if (s && *s)
		g_seed = strtoull(s, NULL, 10);
	if (c && *c)
		g_cases = (unsigned)strtoul(c, NULL, 10);
}

/* The PRNG of case i: each case replays on its own. */
static rng case_rng(unsigned i)
{
	rng r = { g_seed * 6364136223846793005ull + i * 1442695040888963407ull + 1 };

	rnd(&r);
	return r;
}

/* ------------------------------------------------------------ hostile documents */

typedef enum { EOL_LF, EOL_CRLF, EOL_CR, EOL_MIXED } eol_mode;

typedef struct {
	rng *r;
	eol_mode eol;
	ad_buf *out;
	int open_tags;
	char tags[8][16];
} gen;

static void put_eol(gen *g)
{
	static const char *const eols[] = { "\n", "\r\n", "\r" };
	eol_mode m = g->eol == EOL_MIXED ? (eol_mode)below(g->r, 3) : g->eol;

	ad_buf_puts(g->out, eols[m]);
}

/* Words, including the awkward ones: markup, escapes, invalid UTF-8. */
static void put_word(gen *g)
{
	static const char *const words[] = {
		"role", "the", "agent", "Review", "code", "tools", "name:", "a:b", "x",
		"caf\xC3\xA9", "\xE8\xA6\x8B\xE5\x87\xBA\xE3\x81\x97", "\xF0\x9F\x9A\x80",
		"#", "##", "<", "</", ">", "<b>", "`code`", "```", "~~~", "---", "===",
		"*", "-", "&anchor", "*alias", "[a, b]", "{k: v}", "|", ">-", "'q'",
		"\"dq\"", "\\", "\t", "  ", "\x1B[31m", "\x1B]0;t\x07", "\xC2\x9B", "\x7F",
		"\xC0\xAF", "\xFF\xFE", "\xE2\x82", "\xED\xA0\x80", "\xEF\xBB\xBF",
		"\xE2\x80\xAE", "...", "<!--", "-->",
	};
	unsigned k = below(g->r, sizeof(words) / sizeof(words[0]) + 2);

	if (k == sizeof(words) / sizeof(words[0]))
		ad_buf_put(g->out, "\0", 1);
	else if (k > sizeof(words) / sizeof(words[0]))
		ad_buf_printf(g->out, "w%u", below(g->r, 50));
	else
		ad_buf_puts(g->out, words[k]);
}

static void put_text(gen *g, unsigned max_words)
{
	unsigned i, n = below(g->r, max_words + 1);

	for (i = 0; i < n; i++) {
		if (i)
			ad_buf_putc(g->out, ' ');
		put_word(g);
	}
}

static void gen_frontmatter(gen *g)
{
	static const char *const keys[] = {
		"name", "description", "tools", "model", "color", "allowed-tools",
		"name", "x-extra", "\"quoted key\"", "? complex", "a b", "",
	};
	unsigned i, n = below(g->r, 7);

	if (chance(g->r, 10)) { /* pasted above the block */
		put_text(g, 5);
		put_eol(g);
		put_eol(g);
	}
	ad_buf_puts(g->out, chance(g->r, 90) ? "---" : "--- \t");
	put_eol(g);
	for (i = 0; i < n; i++) {
		ad_buf_puts(g->out, keys[below(g->r, sizeof(keys) / sizeof(keys[0]))]);
		ad_buf_putc(g->out, ':');
		switch (below(g->r, 9)) {
		case 0: /* null */
			break;
		case 1: /* block list */
			put_eol(g);
			for (unsigned k = below(g->r, 4); k > 0; k--) {
				ad_buf_puts(g->out, chance(g->r, 80) ? "  - " : "\t- ");
				put_text(g, 2);
				put_eol(g);
			}
			continue;
		case 2: /* flow list */
			ad_buf_puts(g->out, " [");
			put_text(g, 3);
			ad_buf_puts(g->out, chance(g->r, 80) ? "]" : "");
			break;
		case 3: /* block scalar */
			ad_buf_puts(g->out, chance(g->r, 50) ? " |" : " >-");
			put_eol(g);
			for (unsigned k = below(g->r, 3) + 1; k > 0; k--) {
				ad_buf_puts(g->out, "  ");
				put_text(g, 5);
				put_eol(g);
			}
			continue;
		case 4: /* anchor and alias */
			ad_buf_puts(g->out, chance(g->r, 50) ? " &a [x, y]" : " *a");
			break;
		case 5: /* quoted, with escapes */
			ad_buf_puts(g->out, " \"\\e[31m");
			put_text(g, 3);
			ad_buf_puts(g->out, chance(g->r, 80) ? "\"" : "");
			break;
		case 6: /* nested map */
			put_eol(g);
			ad_buf_puts(g->out, "  k: ");
			put_text(g, 2);
			break;
		default:
			ad_buf_putc(g->out, ' ');
			put_text(g, 6);
		}
		put_eol(g);
		if (chance(g->r, 10)) {
			ad_buf_puts(g->out, "# a comment");
			put_eol(g);
		}
	}
	if (chance(g->r, 85)) { /* else unterminated */
		ad_buf_puts(g->out, chance(g->r, 90) ? "---" : "...");
		put_eol(g);
	}
}

static void gen_block(gen *g)
{
	unsigned k;

	switch (below(g->r, 16)) {
	case 0:
	case 1:
	case 2: /* ATX heading, 0 to 7 hashes */
		for (k = below(g->r, 8); k > 0; k--)
			ad_buf_putc(g->out, '#');
		ad_buf_putc(g->out, chance(g->r, 90) ? ' ' : '\t');
		put_text(g, 4);
		if (chance(g->r, 10))
			ad_buf_puts(g->out, " ##");
		put_eol(g);
		break;
	case 3: /* setext heading */
		put_text(g, 4);
		put_eol(g);
		ad_buf_puts(g->out, chance(g->r, 50) ? "===" : "---");
		put_eol(g);
		break;
	case 4:
	case 5: /* opening tag */
		if (g->open_tags < 8) {
			static const char *const names[] = { "role", "rules", "d", "example", "x-y" };
			const char *name = names[below(g->r, 5)];

			snprintf(g->tags[g->open_tags++], sizeof(g->tags[0]), "%s", name);
			ad_buf_printf(g->out, "%s<%s%s>", chance(g->r, 10) ? "  " : "", name,
				      chance(g->r, 30) ? " name=\"n\"" : "");
			put_eol(g);
			if (chance(g->r, 20)) {
				ad_buf_puts(g->out, "<title>");
				put_text(g, 3);
				ad_buf_puts(g->out, "</title>");
				put_eol(g);
			}
		}
		break;
	case 6:
	case 7: /* closing tag: the innermost, or a stray one */
		if (g->open_tags > 0 && chance(g->r, 85))
			ad_buf_printf(g->out, "</%s>", g->tags[--g->open_tags]);
		else
			ad_buf_puts(g->out, "</stray>");
		put_eol(g);
		break;
	case 8: /* code fence, sometimes unclosed, with markup inside */
		ad_buf_puts(g->out, chance(g->r, 70) ? "```" : "~~~");
		put_eol(g);
		ad_buf_puts(g->out, "# not a heading");
		put_eol(g);
		ad_buf_puts(g->out, "<role>");
		put_eol(g);
		if (chance(g->r, 80)) {
			ad_buf_puts(g->out, "```");
			put_eol(g);
		}
		break;
	case 9: /* list item, quote, indented code */
		ad_buf_puts(g->out, (const char *[]){ "- ", "> ", "    ", "1. " }[below(g->r, 4)]);
		put_text(g, 6);
		put_eol(g);
		break;
	case 10: /* blank lines */
		for (k = below(g->r, 3) + 1; k > 0; k--)
			put_eol(g);
		break;
	case 11: /* a "---" line, a second frontmatter */
		ad_buf_puts(g->out, "---");
		put_eol(g);
		if (chance(g->r, 30)) {
			ad_buf_puts(g->out, "name: again");
			put_eol(g);
			ad_buf_puts(g->out, "---");
			put_eol(g);
		}
		break;
	case 12: /* a long line, now and then */
		if (chance(g->r, 10)) {
			for (k = below(g->r, 2000) + 500; k > 0; k--)
				ad_buf_puts(g->out, "long ");
			put_eol(g);
			break;
		}
		/* fall through */
	default: /* paragraph */
		put_text(g, 12);
		put_eol(g);
	}
}

/* A hostile document into out (cleared first). */
static void gen_hostile(rng *r, ad_buf *out)
{
	gen g = { r, (eol_mode)below(r, 4), out, 0, { { 0 } } };
	unsigned i, n;

	ad_buf_clear(out);
	if (chance(r, 5))
		return; /* empty */
	if (chance(r, 10))
		ad_buf_puts(out, "\xEF\xBB\xBF");
	if (chance(r, 70))
		gen_frontmatter(&g);
	n = below(r, 30);
	for (i = 0; i < n; i++)
		gen_block(&g);
	while (g.open_tags > 0 && chance(r, 70)) {
		ad_buf_printf(out, "</%s>", g.tags[--g.open_tags]);
		put_eol(&g);
	}
	if (chance(r, 15)) { /* no final line ending */
		while (out->size && (out->ptr[out->size - 1] == '\n' || out->ptr[out->size - 1] == '\r'))
			out->size--;
		if (out->ptr)
			out->ptr[out->size] = '\0';
	}
}

/* ------------------------------------------------------------ reporting */

/* Fails the test with the case, the problems and the input (escaped). */
static void fail_case(const char *test, unsigned i, const char *what, const ad_buf *why,
		      const char *data, size_t len)
{
	ad_buf esc = AD_BUF_INIT;
	size_t k;

	for (k = 0; k < len && k < 600; k++) {
		unsigned char c = (unsigned char)data[k];

		if (c == '\n')
			ad_buf_puts(&esc, "\\n\n");
		else if (c < 0x20 || c >= 0x7F || c == '\\')
			ad_buf_printf(&esc, "\\x%02X", c);
		else
			ad_buf_putc(&esc, (char)c);
	}
	print_error("%s: case %u (AD_PROPS_SEED=%llu): %s\n%s--- input (%zu bytes)%s\n%s\n",
		    test, i, (unsigned long long)g_seed, what, why ? ad_buf_cstr((ad_buf *)why) : "",
		    len, len > 600 ? ", first 600" : "", ad_buf_cstr(&esc));
	ad_buf_free(&esc);
	fail();
}

/* ------------------------------------------------------------ parse -> write */

static void test_roundtrip(void **state)
{
	ad_doc_options tiny = AD_DOC_OPTIONS_INIT;
	ad_buf in = AD_BUF_INIT, why = AD_BUF_INIT;
	char dir[] = "/tmp/ad-props-XXXXXX", path[64];
	unsigned i, sections = 0, frontmatters = 0;

	(void)state;
	tiny.max_tag_depth = 2;
	tiny.max_sections = 5;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/agent.md", dir);
	for (i = 0; i < g_cases; i++) {
		rng r = case_rng(i);
		ad_doc *doc = NULL, *small = NULL, *again = NULL;
		ad_error err = AD_ERROR_INIT;

		gen_hostile(&r, &in);
		assert_int_equal(ad_doc_parse(&doc, "gen.md", in.ptr ? in.ptr : "", in.size,
					      NULL, NULL), 0);
		if (ad_inv_doc(&why, doc, in.ptr, in.size))
			fail_case("roundtrip", i, "parse", &why, in.ptr, in.size);
		assert_int_equal(ad_doc_parse(&small, "gen.md", in.ptr ? in.ptr : "", in.size,
					      &tiny, NULL), 0);
		if (ad_inv_doc(&why, small, in.ptr, in.size))
			fail_case("roundtrip", i, "parse with tiny limits", &why, in.ptr, in.size);
		assert_true(ad_doc_section_count(small) <= tiny.max_sections);
		sections += ad_doc_section_count(doc) > 1;
		frontmatters += ad_doc_frontmatter(doc) != NULL;

		/* Written unchanged through the real writer, then read back. */
		if (i % 64 == 0) {
			if (ad_write_file_atomic(path, ad_doc_data(doc), ad_doc_size(doc), &err) < 0)
				fail_case("roundtrip", i, "ad_write_file_atomic failed", NULL, in.ptr,
					  in.size);
			assert_int_equal(ad_doc_load(&again, path, NULL, NULL), 0);
			if (ad_doc_size(again) != in.size ||
			    memcmp(ad_doc_data(again), ad_doc_data(doc), in.size) != 0 ||
			    ad_doc_section_count(again) != ad_doc_section_count(doc))
				fail_case("roundtrip", i, "written and loaded back, it differs", NULL,
					  in.ptr, in.size);
			ad_doc_free(again);
		}
		ad_error_clear(&err);
		ad_doc_free(doc);
		ad_doc_free(small);
	}
	/* The generator reaches what it is meant to. */
	assert_true(sections > g_cases / 2);
	assert_true(frontmatters > g_cases / 3);
	unlink(path);
	rmdir(dir);
	ad_buf_free(&in);
	ad_buf_free(&why);
}

/* ------------------------------------------------------------ merge identities */

enum { STRUCTURED, PLAIN };

static ad_merge_result *merge_bytes(int how, const ad_buf *b, const ad_buf *o,
				    const ad_buf *t, const ad_merge_options *opts)
{
	ad_merge_result *res = NULL;
	const char *bp = b->ptr ? b->ptr : "", *op = o->ptr ? o->ptr : "",
		   *tp = t->ptr ? t->ptr : "";
	int rc;

	if (how == STRUCTURED)
		rc = ad_merge3_buffers(&res, bp, b->size, op, o->size, tp, t->size, opts, NULL);
	else
		rc = ad_merge3_text(&res, bp, b->size, op, o->size, tp, t->size, opts, NULL);
	assert_int_equal(rc, 0);
	assert_non_null(res);
	return res;
}

/* merge(b, o, t) must be want, without conflicts. */
static void expect_merge(unsigned i, const char *name, int how, const ad_buf *b,
			 const ad_buf *o, const ad_buf *t, const ad_buf *want)
{
	ad_merge_result *res = merge_bytes(how, b, o, t, NULL);

	if (ad_merge_result_conflicts(res) != 0 || ad_merge_result_size(res) != want->size ||
	    (want->size && memcmp(ad_merge_result_data(res), want->ptr, want->size) != 0)) {
		ad_buf why = AD_BUF_INIT;

		ad_buf_printf(&why, "%s merge: %zu bytes with %zu conflicts, expected %zu bytes\n",
			      how == PLAIN ? "plain" : "structured", ad_merge_result_size(res),
			      ad_merge_result_conflicts(res), want->size);
		ad_merge_result_free(res);
		fail_case("merge identities", i, name, &why, want->ptr, want->size);
	}
	ad_merge_result_free(res);
}

static void test_merge_identities_hostile(void **state)
{
	ad_buf b = AD_BUF_INIT, x = AD_BUF_INIT, y = AD_BUF_INIT;
	unsigned i, n = g_cases / 4;
	int how;

	(void)state;
	for (i = 0; i < n; i++) {
		rng r = case_rng(i + 100000);

		gen_hostile(&r, &b);
		gen_hostile(&r, &x);
		gen_hostile(&r, &y);
		for (how = STRUCTURED; how <= PLAIN; how++) {
			expect_merge(i, "merge(B, X, X) == X", how, &b, &x, &x, &x);
			expect_merge(i, "merge(B, B, X) == X", how, &b, &b, &x, &x);
			expect_merge(i, "merge(B, X, B) == X", how, &b, &x, &b, &x);
			expect_merge(i, "merge(X, Y, X) == Y", how, &x, &y, &x, &y);
			expect_merge(i, "merge(X, X, X) == X", how, &x, &x, &x, &x);
		}
	}
	ad_buf_free(&b);
	ad_buf_free(&x);
	ad_buf_free(&y);
}

/* ------------------------------------------------------------ agent model */

#define MAX_SECTIONS 24
#define MAX_LINES 10
#define MAX_TOOLS 8

typedef struct {
	bool tag;            /* <name> ... </name>, else a heading */
	int level;           /* headings: 1-3 */
	char title[48];      /* headings: the title; tags: the tag name */
	char lines[MAX_LINES][96];
	int nlines;
	int origin;          /* index in the base model, -1 for an added one */
	bool touched;        /* edited by this side */
} msection;

typedef struct {
	char name[32], description[96], model[32], color[32];
	char tools[MAX_TOOLS][24];
	int ntools;
	msection s[MAX_SECTIONS];
	int ns;
	bool crlf;
} model;

/* What one side did: lines it added and removed (whole lines of text). */
typedef struct {
	char added[64][96];
	int nadded;
	char removed[64][96];
	int nremoved;
	char tool_added[24], tool_removed[24];
	bool model_changed, color_changed;
} edits;

static const char *const vocab[] = {
	"review", "the", "change", "carefully", "report", "findings", "by", "severity",
	"tests", "cover", "every", "branch", "security", "matters", "most", "names",
	"clear", "errors", "handled", "data", "users", "deploy", "release", "notes",
};

static void make_line(rng *r, char *out, size_t size, const char *prefix, unsigned id)
{
	size_t n = (size_t)snprintf(out, size, "%s%u", prefix, id);
	unsigned k, words = below(r, 5) + 5;

	for (k = 0; k < words && n + 16 < size; k++)
		n += (size_t)snprintf(out + n, size - n, " %s",
				      vocab[below(r, sizeof(vocab) / sizeof(vocab[0]))]);
}

static void gen_model(rng *r, model *m, unsigned id)
{
	static const char *const tools[] = { "Read", "Grep", "Glob", "Bash", "Edit", "Write" };
	static const char *const tags[] = { "role", "rules", "process", "output", "scope" };
	int k, j, ntags = 0;

	memset(m, 0, sizeof(*m));
	m->crlf = chance(r, 25);
	snprintf(m->name, sizeof(m->name), "agent-%u", id);
	snprintf(m->description, sizeof(m->description), "Reviews changes for team %u.", id);
	snprintf(m->model, sizeof(m->model), "sonnet");
	snprintf(m->color, sizeof(m->color), "blue");
	m->ntools = (int)below(r, 4) + 2;
	for (k = 0; k < m->ntools; k++)
		snprintf(m->tools[k], sizeof(m->tools[k]), "%s", tools[k]);
	m->ns = (int)below(r, 8) + 4;
	for (k = 0; k < m->ns; k++) {
		msection *s = &m->s[k];

		s->tag = ntags < 5 && chance(r, 25);
		s->level = k == 0 ? 1 : (int)below(r, 2) + 2;
		if (s->tag)
			snprintf(s->title, sizeof(s->title), "%s", tags[ntags++]);
		else
			snprintf(s->title, sizeof(s->title), "Part %d %s", k,
				 vocab[below(r, sizeof(vocab) / sizeof(vocab[0]))]);
		s->nlines = (int)below(r, 3) + 3;
		for (j = 0; j < s->nlines; j++) {
			char prefix[32];

			snprintf(prefix, sizeof(prefix), "s%dl%d-", k, j);
			make_line(r, s->lines[j], sizeof(s->lines[j]), prefix, id);
		}
		s->origin = k;
	}
}

static void put_line(ad_buf *out, const model *m, const char *text)
{
	ad_buf_puts(out, text);
	ad_buf_puts(out, m->crlf ? "\r\n" : "\n");
}

static void render(const model *m, ad_buf *out)
{
	char line[160];
	int k, j;

	ad_buf_clear(out);
	put_line(out, m, "---");
	snprintf(line, sizeof(line), "name: %s", m->name);
	put_line(out, m, line);
	snprintf(line, sizeof(line), "description: %s", m->description);
	put_line(out, m, line);
	put_line(out, m, "tools:");
	for (k = 0; k < m->ntools; k++) {
		snprintf(line, sizeof(line), "  - %s", m->tools[k]);
		put_line(out, m, line);
	}
	snprintf(line, sizeof(line), "model: %s", m->model);
	put_line(out, m, line);
	snprintf(line, sizeof(line), "color: %s", m->color);
	put_line(out, m, line);
	put_line(out, m, "---");
	for (k = 0; k < m->ns; k++) {
		const msection *s = &m->s[k];

		put_line(out, m, "");
		if (s->tag) {
			snprintf(line, sizeof(line), "<%s>", s->title);
			put_line(out, m, line);
		} else {
			snprintf(line, sizeof(line), "%.*s %s", s->level, "###", s->title);
			put_line(out, m, line);
			put_line(out, m, "");
		}
		for (j = 0; j < s->nlines; j++)
			put_line(out, m, s->lines[j]);
		if (s->tag) {
			snprintf(line, sizeof(line), "</%s>", s->title);
			put_line(out, m, line);
		}
	}
}

static void note(char (*list)[96], int *n, const char *text)
{
	if (*n < 64)
		snprintf(list[(*n)++], 96, "%s", text);
}

static void heading_line(const msection *s, char *out, size_t size)
{
	if (s->tag)
		snprintf(out, size, "<%s>", s->title);
	else
		snprintf(out, size, "%.*s %s", s->level, "###", s->title);
}

/* Edits section k of m in one of several ways, recording what changed. */
static void edit_section(rng *r, model *m, int k, edits *e, const char *side, unsigned id)
{
	msection *s = &m->s[k];
	char prefix[32], old[96];
	int j;

	s->touched = true;
	switch (below(r, s->tag ? 3 : 4)) {
	case 0: /* change a line */
		j = (int)below(r, (unsigned)s->nlines);
		note(e->removed, &e->nremoved, s->lines[j]);
		snprintf(prefix, sizeof(prefix), "%s-edit-%d-", side, k);
		make_line(r, s->lines[j], sizeof(s->lines[j]), prefix, id);
		note(e->added, &e->nadded, s->lines[j]);
		break;
	case 1: /* add a line */
		if (s->nlines < MAX_LINES) {
			j = (int)below(r, (unsigned)s->nlines + 1);
			memmove(&s->lines[j + 1], &s->lines[j],
				(size_t)(s->nlines - j) * sizeof(s->lines[0]));
			s->nlines++;
			snprintf(prefix, sizeof(prefix), "%s-add-%d-", side, k);
			make_line(r, s->lines[j], sizeof(s->lines[j]), prefix, id);
			note(e->added, &e->nadded, s->lines[j]);
		}
		break;
	case 2: /* delete a line (keep at least two) */
		if (s->nlines > 2) {
			j = (int)below(r, (unsigned)s->nlines);
			note(e->removed, &e->nremoved, s->lines[j]);
			memmove(&s->lines[j], &s->lines[j + 1],
				(size_t)(s->nlines - j - 1) * sizeof(s->lines[0]));
			s->nlines--;
		}
		break;
	default: /* rename the heading */
		heading_line(s, old, sizeof(old));
		note(e->removed, &e->nremoved, old);
		snprintf(s->title, sizeof(s->title), "Renamed %d by %s", k, side);
		heading_line(s, old, sizeof(old));
		note(e->added, &e->nadded, old);
		break;
	}
}

/* Deletes section k (a leaf: the next section is not below it). */
static bool delete_section(model *m, int k, edits *e)
{
	char line[96];
	int j;

	if (k + 1 < m->ns && !m->s[k].tag && !m->s[k + 1].tag && m->s[k + 1].level > m->s[k].level)
		return false;
	if (k == 0 || m->ns <= 3)
		return false;
	heading_line(&m->s[k], line, sizeof(line));
	note(e->removed, &e->nremoved, line);
	for (j = 0; j < m->s[k].nlines; j++)
		note(e->removed, &e->nremoved, m->s[k].lines[j]);
	memmove(&m->s[k], &m->s[k + 1], (size_t)(m->ns - k - 1) * sizeof(m->s[0]));
	m->ns--;
	return true;
}

/* Adds a new heading section after section k. */
static void add_section(rng *r, model *m, int k, edits *e, const char *side, unsigned id)
{
	msection *s;
	char prefix[32], line[96];
	int j;

	if (m->ns >= MAX_SECTIONS)
		return;
	memmove(&m->s[k + 2], &m->s[k + 1], (size_t)(m->ns - k - 1) * sizeof(m->s[0]));
	m->ns++;
	s = &m->s[k + 1];
	memset(s, 0, sizeof(*s));
	s->level = m->s[k].tag ? 2 : m->s[k].level < 2 ? 2 : m->s[k].level;
	s->origin = -1;
	s->touched = true;
	snprintf(s->title, sizeof(s->title), "New %s section after %d", side, k);
	heading_line(s, line, sizeof(line));
	note(e->added, &e->nadded, line);
	s->nlines = 3;
	for (j = 0; j < s->nlines; j++) {
		snprintf(prefix, sizeof(prefix), "%s-new-%d-%d-", side, k, j);
		make_line(r, s->lines[j], sizeof(s->lines[j]), prefix, id);
		note(e->added, &e->nadded, s->lines[j]);
	}
}

/* Whether line (whole) is a line of text. */
static bool has_line(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line), i = 0;

	while (i < len) {
		size_t e = i;

		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		if (e - i == n && memcmp(text + i, line, n) == 0)
			return true;
		if (e < len && text[e] == '\r')
			e++;
		if (e < len && text[e] == '\n')
			e++;
		i = e > i ? e : i + 1;
	}
	return false;
}

static size_t count_marker_lines(const char *text, size_t len, char c)
{
	size_t i, n = 0;

	for (i = 0; i + 7 <= len; i++)
		if ((i == 0 || text[i - 1] == '\n' || text[i - 1] == '\r') &&
		    memcmp(text + i, (char[]){ c, c, c, c, c, c, c }, 7) == 0)
			n++;
	return n;
}

/* The sections of base, indexed by their position, that side edited. */
static void mark_origins(const model *side, bool *touched, int nbase)
{
	int k;

	for (k = 0; k < side->ns; k++)
		if (side->s[k].origin >= 0 && side->s[k].origin < nbase && side->s[k].touched)
			touched[side->s[k].origin] = true;
}

/* Applies 1-3 edits to sections of m that are free in busy (marking them). */
static void edit_side(rng *r, model *m, bool *busy, edits *e, const char *side, unsigned id)
{
	int n = (int)below(r, 3) + 1, tries;

	for (tries = 0; n > 0 && tries < 20; tries++) {
		int k = (int)below(r, (unsigned)m->ns);
		int origin = m->s[k].origin;

		if (origin < 0 || busy[origin])
			continue;
		/* The neighbours stay free too, so that no two edits touch. */
		busy[origin] = true;
		if (origin > 0)
			busy[origin - 1] = true;
		if (origin + 1 < MAX_SECTIONS)
			busy[origin + 1] = true;
		switch (below(r, 6)) {
		case 0:
			if (delete_section(m, k, e))
				break;
			/* fall through */
		case 1:
			if (below(r, 2)) {
				add_section(r, m, k, e, side, id);
				break;
			}
			/* fall through */
		default:
			edit_section(r, m, k, e, side, id);
		}
		n--;
	}
}

static void check_clean_merge(unsigned i, const ad_buf *b, const ad_buf *o, const ad_buf *t,
			      const model *bm, const edits *eo, const edits *et,
			      const bool *touched_o, const bool *touched_t)
{
	ad_merge_result *res = merge_bytes(STRUCTURED, b, o, t, NULL);
	const char *out = ad_merge_result_data(res);
	size_t len = ad_merge_result_size(res);
	ad_buf why = AD_BUF_INIT;
	ad_doc *doc = NULL;
	const ad_frontmatter *fm;
	const ad_fm_field *f;
	const edits *sides[2] = { eo, et };
	int k, j, s;

	if (ad_merge_result_conflicts(res))
		ad_buf_printf(&why, "%zu conflicts\n", ad_merge_result_conflicts(res));
	for (s = 0; s < 2; s++) {
		for (k = 0; k < sides[s]->nadded; k++)
			if (!has_line(out, len, sides[s]->added[k]))
				ad_buf_printf(&why, "%s added \"%s\"; it is missing\n",
					      s ? "theirs" : "ours", sides[s]->added[k]);
		for (k = 0; k < sides[s]->nremoved; k++)
			if (has_line(out, len, sides[s]->removed[k]))
				ad_buf_printf(&why, "%s removed \"%s\"; it is still there\n",
					      s ? "theirs" : "ours", sides[s]->removed[k]);
	}
	/* Lines of sections neither side touched are all kept. */
	for (k = 0; k < bm->ns; k++) {
		if (touched_o[k] || touched_t[k])
			continue;
		for (j = 0; j < bm->s[k].nlines; j++)
			if (!has_line(out, len, bm->s[k].lines[j]))
				ad_buf_printf(&why, "untouched line \"%s\" is missing\n",
					      bm->s[k].lines[j]);
	}
	/* Fields: each side's change, tools as a set. */
	assert_int_equal(ad_doc_parse(&doc, NULL, out, len, NULL, NULL), 0);
	fm = ad_doc_frontmatter(doc);
	if (!fm) {
		ad_buf_puts(&why, "the result has no frontmatter\n");
	} else {
		const char **names = NULL;
		ad_arena arena = AD_ARENA_INIT;
		size_t n;

		if (!(f = ad_fm_get(fm, "model")) || strcmp(f->value, eo->model_changed ? "opus" : "sonnet"))
			ad_buf_printf(&why, "model is %s\n", f ? f->value : "(missing)");
		if (!(f = ad_fm_get(fm, "color")) || strcmp(f->value, et->color_changed ? "red" : "blue"))
			ad_buf_printf(&why, "color is %s\n", f ? f->value : "(missing)");
		n = ad_fm_list_items(&names, &arena, ad_fm_get(fm, "tools"));
		for (k = 0; k < bm->ntools; k++) {
			bool removed = !strcmp(bm->tools[k], et->tool_removed) ||
				       !strcmp(bm->tools[k], eo->tool_removed);
			bool found = false;

			for (j = 0; j < (int)n; j++)
				found |= !strcmp(names[j], bm->tools[k]);
			if (found == removed)
				ad_buf_printf(&why, "tool %s is %s\n", bm->tools[k],
					      found ? "still there" : "missing");
		}
		for (s = 0; s < 2; s++) {
			bool found = false;

			if (!sides[s]->tool_added[0])
				continue;
			for (j = 0; j < (int)n; j++)
				found |= !strcmp(names[j], sides[s]->tool_added);
			if (!found)
				ad_buf_printf(&why, "tool %s added by %s is missing\n",
					      sides[s]->tool_added, s ? "theirs" : "ours");
		}
		ad_arena_free(&arena);
	}
	ad_doc_free(doc);
	if (why.size) {
		ad_buf_puts(&why, "--- ours\n");
		ad_buf_put(&why, o->ptr, o->size);
		ad_buf_puts(&why, "--- theirs\n");
		ad_buf_put(&why, t->ptr, t->size);
		ad_buf_puts(&why, "--- merged\n");
		ad_buf_put(&why, out, len);
		ad_merge_result_free(res);
		fail_case("clean merge", i, "a change is lost or a conflict left", &why, b->ptr,
			  b->size);
	}
	ad_merge_result_free(res);
	ad_buf_free(&why);
}

/* Edits the tools list and the fields of one side. */
static void edit_fields(rng *r, model *m, edits *e, bool ours)
{
	static const char *const extra[] = { "WebFetch", "Task", "TodoWrite" };

	if (ours && chance(r, 50)) {
		snprintf(m->model, sizeof(m->model), "opus");
		e->model_changed = true;
	}
	if (!ours && chance(r, 50)) {
		snprintf(m->color, sizeof(m->color), "red");
		e->color_changed = true;
	}
	if (ours && chance(r, 40) && m->ntools < MAX_TOOLS) {
		snprintf(e->tool_added, sizeof(e->tool_added), "%s", extra[below(r, 3)]);
		snprintf(m->tools[m->ntools++], sizeof(m->tools[0]), "%s", e->tool_added);
	}
	if (!ours && chance(r, 40) && m->ntools > 2) {
		int k = (int)below(r, (unsigned)m->ntools);

		snprintf(e->tool_removed, sizeof(e->tool_removed), "%s", m->tools[k]);
		memmove(&m->tools[k], &m->tools[k + 1], (size_t)(m->ntools - k - 1) * sizeof(m->tools[0]));
		m->ntools--;
	}
}

static void test_merge_agents(void **state)
{
	ad_buf b = AD_BUF_INIT, o = AD_BUF_INIT, t = AD_BUF_INIT;
	model *bm = ad_xmalloc(sizeof(*bm)), *om = ad_xmalloc(sizeof(*om)),
	      *tm = ad_xmalloc(sizeof(*tm));
	edits *eo = ad_xmalloc(sizeof(*eo)), *et = ad_xmalloc(sizeof(*et));
	unsigned i, n = g_cases / 4, with_changes = 0;
	int how;

	(void)state;
	for (i = 0; i < n; i++) {
		rng r = case_rng(i + 200000);
		bool busy[MAX_SECTIONS + 1] = { false };
		bool touched_o[MAX_SECTIONS] = { false }, touched_t[MAX_SECTIONS] = { false };
		int k;

		gen_model(&r, bm, i);
		*om = *bm;
		*tm = *bm;
		memset(eo, 0, sizeof(*eo));
		memset(et, 0, sizeof(*et));
		edit_side(&r, om, busy, eo, "ours", i);
		edit_side(&r, tm, busy, et, "theirs", i);
		edit_fields(&r, om, eo, true);
		edit_fields(&r, tm, et, false);
		mark_origins(om, touched_o, bm->ns);
		mark_origins(tm, touched_t, bm->ns);
		/* A deleted section counts as touched by its side. */
		for (k = 0; k < bm->ns; k++) {
			int j;
			bool in_o = false, in_t = false;

			for (j = 0; j < om->ns; j++)
				in_o |= om->s[j].origin == k;
			for (j = 0; j < tm->ns; j++)
				in_t |= tm->s[j].origin == k;
			touched_o[k] |= !in_o;
			touched_t[k] |= !in_t;
		}
		render(bm, &b);
		render(om, &o);
		render(tm, &t);
		with_changes += eo->nadded + eo->nremoved > 0 && et->nadded + et->nremoved > 0;

		for (how = STRUCTURED; how <= PLAIN; how++) {
			expect_merge(i, "merge(B, O, O) == O", how, &b, &o, &o, &o);
			expect_merge(i, "merge(B, B, O) == O", how, &b, &b, &o, &o);
			expect_merge(i, "merge(B, O, B) == O", how, &b, &o, &b, &o);
			expect_merge(i, "merge(O, T, O) == T", how, &o, &t, &o, &t);
		}
		check_clean_merge(i, &b, &o, &t, bm, eo, et, touched_o, touched_t);
	}
	/* Most cases change something on both sides. */
	assert_true(with_changes > n / 2);
	free(bm);
	free(om);
	free(tm);
	free(eo);
	free(et);
	ad_buf_free(&b);
	ad_buf_free(&o);
	ad_buf_free(&t);
}

/* ------------------------------------------------------------ conflicts */

static void test_merge_conflicts(void **state)
{
	ad_buf b = AD_BUF_INIT, o = AD_BUF_INIT, t = AD_BUF_INIT, why = AD_BUF_INIT;
	model *bm = ad_xmalloc(sizeof(*bm)), *om = ad_xmalloc(sizeof(*om)),
	      *tm = ad_xmalloc(sizeof(*tm));
	edits *e = ad_xmalloc(sizeof(*e));
	unsigned i, n = g_cases / 8;

	(void)state;
	for (i = 0; i < n; i++) {
		rng r = case_rng(i + 300000);
		ad_merge_options opts = AD_MERGE_OPTIONS_INIT;
		ad_merge_result *res;
		const char *out;
		size_t len;
		char base_line[96], ours_line[96], theirs_line[96];
		int k, j;
		bool delete_case;

		gen_model(&r, bm, i);
		*om = *bm;
		*tm = *bm;
		memset(e, 0, sizeof(*e));
		k = (int)below(&r, (unsigned)bm->ns - 1) + 1;
		j = (int)below(&r, (unsigned)bm->s[k].nlines);
		snprintf(base_line, sizeof(base_line), "%s", bm->s[k].lines[j]);
		make_line(&r, theirs_line, sizeof(theirs_line), "theirs-conflict-", i);
		snprintf(tm->s[k].lines[j], sizeof(tm->s[k].lines[j]), "%s", theirs_line);
		/* Ours deletes the section, or changes the same line. */
		delete_case = chance(&r, 25) && delete_section(om, k, e);
		if (!delete_case) {
			make_line(&r, ours_line, sizeof(ours_line), "ours-conflict-", i);
			snprintf(om->s[k].lines[j], sizeof(om->s[k].lines[j]), "%s", ours_line);
		}
		render(bm, &b);
		render(om, &o);
		render(tm, &t);
		opts.style = chance(&r, 50) ? AD_MERGE_STYLE_DIFF3 : AD_MERGE_STYLE_MERGE;
		res = merge_bytes(STRUCTURED, &b, &o, &t, &opts);
		out = ad_merge_result_data(res);
		len = ad_merge_result_size(res);

		ad_buf_clear(&why);
		if (ad_merge_result_conflicts(res) < 1)
			ad_buf_puts(&why, "no conflict\n");
		if (!has_line(out, len, theirs_line))
			ad_buf_printf(&why, "theirs' line \"%s\" is missing\n", theirs_line);
		if (!delete_case && !has_line(out, len, ours_line))
			ad_buf_printf(&why, "ours' line \"%s\" is missing\n", ours_line);
		if (count_marker_lines(out, len, '<') < 1 || count_marker_lines(out, len, '>') < 1 ||
		    count_marker_lines(out, len, '=') < 1 ||
		    count_marker_lines(out, len, '<') != count_marker_lines(out, len, '>'))
			ad_buf_puts(&why, "conflict markers missing or unbalanced\n");
		if (opts.style == AD_MERGE_STYLE_DIFF3 && !delete_case &&
		    (count_marker_lines(out, len, '|') < 1 || !has_line(out, len, base_line)))
			ad_buf_printf(&why, "diff3 style, but no base part with \"%s\"\n", base_line);
		if (opts.style == AD_MERGE_STYLE_MERGE && count_marker_lines(out, len, '|') > 0)
			ad_buf_puts(&why, "merge style, but a base part\n");
		if (why.size) {
			ad_buf_puts(&why, "--- merged\n");
			ad_buf_put(&why, out, len);
			ad_merge_result_free(res);
			fail_case(delete_case ? "delete/modify conflict" : "conflict", i,
				  "the conflict region does not hold both sides", &why, b.ptr, b.size);
		}
		ad_merge_result_free(res);
	}
	free(bm);
	free(om);
	free(tm);
	free(e);
	ad_buf_free(&b);
	ad_buf_free(&o);
	ad_buf_free(&t);
	ad_buf_free(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_merge_identities_hostile),
		cmocka_unit_test(test_merge_agents),
		cmocka_unit_test(test_merge_conflicts),
	};

	settings();
	return cmocka_run_group_tests_name("props", tests, NULL, NULL);
}
