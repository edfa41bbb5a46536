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

#include "textdiff.h"
#include "util.h"

/* ------------------------------------------------------------ helpers */

/* Checks that d is an edit script from A to B: runs cover both sides in
 * order, and A's EQUAL bytes with B's INSERT bytes rebuild B.  With exact
 * set (no IGNORE flags) the EQUAL bytes must also be identical. */
static void check_script(const ad_textdiff *d, const char *a, size_t alen,
			 const char *b, size_t blen, int exact)
{
	ad_buf rebuilt = AD_BUF_INIT;
	int ai = 0, bi = 0, del = 0, ins = 0;
	size_t ao = 0, bo = 0, k;

	assert_non_null(d);
	for (k = 0; k < d->count; k++) {
		const ad_textdiff_op *op = &d->ops[k];

		assert_int_equal(op->a_start, ai);
		assert_int_equal(op->b_start, bi);
		if (d->unit != AD_TEXTDIFF_KEYS) {
			assert_int_equal(op->a_off, ao);
			assert_int_equal(op->b_off, bo);
		}
		switch (op->kind) {
		case AD_TEXTDIFF_EQUAL:
			if (exact) {
				assert_int_equal(op->a_count, op->b_count);
				assert_int_equal(op->a_len, op->b_len);
				assert_memory_equal(a + op->a_off, b + op->b_off,
						    op->a_len);
			}
			ad_buf_put(&rebuilt, b + op->b_off, op->b_len);
			break;
		case AD_TEXTDIFF_DELETE:
			assert_int_equal(op->b_count, 0);
			assert_true(op->a_count > 0);
			del += op->a_count;
			break;
		case AD_TEXTDIFF_INSERT:
			assert_int_equal(op->a_count, 0);
			assert_true(op->b_count > 0);
			ins += op->b_count;
			ad_buf_put(&rebuilt, b + op->b_off, op->b_len);
			break;
		}
		ai += op->a_count;
		bi += op->b_count;
		ao += op->a_len;
		bo += op->b_len;
	}
	assert_int_equal(ai, d->a_units);
	assert_int_equal(bi, d->b_units);
	assert_int_equal(del, d->deleted);
	assert_int_equal(ins, d->inserted);
	if (d->unit != AD_TEXTDIFF_KEYS) {
		assert_int_equal(ao, alen);
		assert_int_equal(bo, blen);
		assert_int_equal(rebuilt.size, blen);
		if (blen)
			assert_memory_equal(rebuilt.ptr, b, blen);
	}
	ad_buf_free(&rebuilt);
}

/* The shape of a script, e.g. "=2 -1 +2 =3". */
static const char *shape(const ad_textdiff *d, char *buf, size_t size)
{
	size_t k, used = 0;

	buf[0] = '\0';
	for (k = 0; k < d->count && used < size; k++) {
		const ad_textdiff_op *op = &d->ops[k];
		char c = op->kind == AD_TEXTDIFF_EQUAL    ? '='
			 : op->kind == AD_TEXTDIFF_DELETE ? '-'
							  : '+';
		int n = op->kind == AD_TEXTDIFF_INSERT ? op->b_count
						       : op->a_count;

		used += (size_t)snprintf(buf + used, size - used, "%s%c%d",
					 k ? " " : "", c, n);
	}
	return buf;
}

static ad_textdiff *lines(const char *a, const char *b, unsigned flags,
			  ad_textdiff_algorithm_t algo)
{
	ad_textdiff_options opts = AD_TEXTDIFF_OPTIONS_INIT;
	ad_textdiff *d = NULL;

	opts.flags = flags;
	opts.algorithm = algo;
	assert_int_equal(ad_textdiff_lines(&d, a, strlen(a), b, strlen(b),
					   &opts), 0);
	check_script(d, a, strlen(a), b, strlen(b), flags == 0);
	return d;
}

static ad_textdiff *words(const char *a, const char *b, unsigned flags)
{
	ad_textdiff_options opts = AD_TEXTDIFF_OPTIONS_INIT;
	ad_textdiff *d = NULL;

	opts.flags = flags;
	assert_int_equal(ad_textdiff_words(&d, a, strlen(a), b, strlen(b),
					   &opts), 0);
	check_script(d, a, strlen(a), b, strlen(b), flags == 0);
	return d;
}

#define assert_shape(d, expected)                                           \
	do {                                                                \
		char sbuf_[512];                                            \
		assert_string_equal(shape((d), sbuf_, sizeof(sbuf_)),       \
				    (expected));                            \
	} while (0)

/* Bytes of the only DELETE (side A) or INSERT (side B) run of a script. */
static void assert_only_change(const ad_textdiff *d, const char *a,
			       const char *b, const char *old_text,
			       const char *new_text)
{
	size_t k;
	int dels = 0, inss = 0;

	for (k = 0; k < d->count; k++) {
		const ad_textdiff_op *op = &d->ops[k];

		if (op->kind == AD_TEXTDIFF_DELETE) {
			dels++;
			assert_int_equal(op->a_len, strlen(old_text));
			assert_memory_equal(a + op->a_off, old_text, op->a_len);
		} else if (op->kind == AD_TEXTDIFF_INSERT) {
			inss++;
			assert_int_equal(op->b_len, strlen(new_text));
			assert_memory_equal(b + op->b_off, new_text, op->b_len);
		}
	}
	assert_int_equal(dels, *old_text ? 1 : 0);
	assert_int_equal(inss, *new_text ? 1 : 0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33);
}

/* --------------------------------------------------------- line diffs */

static void test_identical(void **state)
{
	const char *t = "alpha\nbeta\n\ngamma\n";
	ad_textdiff *d = lines(t, t, 0, AD_TEXTDIFF_HISTOGRAM);

	assert_shape(d, "=4");
	assert_int_equal(d->deleted + d->inserted, 0);
	ad_textdiff_free(d);

	d = lines("", "", 0, AD_TEXTDIFF_HISTOGRAM);
	assert_int_equal(d->count, 0);
	ad_textdiff_free(d);
	ad_textdiff_free(NULL);
	(void)state;
}

static void test_insert_delete(void **state)
{
	const char *a = "a\nb\nc\n", *b = "a\nb\nX\nY\nc\n";
	ad_textdiff *d = lines(a, b, 0, AD_TEXTDIFF_HISTOGRAM);

	assert_shape(d, "=2 +2 =1");
	assert_only_change(d, a, b, "", "X\nY\n");
	assert_int_equal(d->ops[1].a_start, 2); /* where it goes in A */
	assert_int_equal(d->ops[1].a_off, 4);
	ad_textdiff_free(d);

	d = lines(b, a, 0, AD_TEXTDIFF_MYERS);
	assert_shape(d, "=2 -2 =1");
	assert_only_change(d, b, a, "X\nY\n", "");
	ad_textdiff_free(d);

	d = lines("", a, 0, AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "+3");
	ad_textdiff_free(d);
	d = lines(a, "", 0, AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "-3");
	ad_textdiff_free(d);
}

static void test_moved_block(void **state)
{
	const char *a = "p1\np2\np3\nq1\nq2\nq3\nq4\nq5\nq6\nend\n";
	const char *b = "q1\nq2\nq3\nq4\nq5\nq6\np1\np2\np3\nend\n";
	ad_textdiff *d = lines(a, b, 0, AD_TEXTDIFF_HISTOGRAM);

	/* the shorter block moves; the longer one stays matched */
	assert_shape(d, "-3 =6 +3 =1");
	assert_memory_equal(a + d->ops[0].a_off, "p1\np2\np3\n", 9);
	ad_textdiff_free(d);
	(void)state;
}

/* Bram Cohen's example: Myers pairs the braces and "return 1;" of two
 * different functions; histogram shows one function removed and one added. */
static const char *frob_a =
	"#include <stdio.h>\n"
	"\n"
	"// Frobs foo heartily\n"
	"int frobnitz(int foo)\n"
	"{\n"
	"    int i;\n"
	"    for(i = 0; i < 10; i++)\n"
	"    {\n"
	"        printf(\"Your answer is: \");\n"
	"        printf(\"%d\\n\", foo);\n"
	"    }\n"
	"}\n"
	"\n"
	"int fact(int n)\n"
	"{\n"
	"    if(n > 1)\n"
	"    {\n"
	"        return fact(n-1) * n;\n"
	"    }\n"
	"    return 1;\n"
	"}\n"
	"\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"    frobnitz(fact(10));\n"
	"}\n";
static const char *frob_b =
	"#include <stdio.h>\n"
	"\n"
	"int fib(int n)\n"
	"{\n"
	"    if(n > 2)\n"
	"    {\n"
	"        return fib(n-1) + fib(n-2);\n"
	"    }\n"
	"    return 1;\n"
	"}\n"
	"\n"
	"// Frobs foo heartily\n"
	"int frobnitz(int foo)\n"
	"{\n"
	"    int i;\n"
	"    for(i = 0; i < 10; i++)\n"
	"    {\n"
	"        printf(\"%d\\n\", foo);\n"
	"    }\n"
	"}\n"
	"\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"    frobnitz(fib(10));\n"
	"}\n";

static void test_histogram_vs_myers(void **state)
{
	ad_textdiff *h = lines(frob_a, frob_b, 0, AD_TEXTDIFF_HISTOGRAM);
	ad_textdiff *m = lines(frob_a, frob_b, 0, AD_TEXTDIFF_MYERS);

	/* histogram: fib() is one inserted block, fact() one deleted block */
	assert_shape(h, "=2 +9 =6 -1 =4 -9 =2 -1 +1 =1");
	assert_memory_equal(frob_b + h->ops[1].b_off, "int fib(int n)\n", 15);
	assert_memory_equal(frob_a + h->ops[5].a_off, "int fact(int n)\n", 16);
	/* Myers: minimal, so no longer, but fact's body is matched piecewise
	 * against fib's */
	assert_true(m->deleted + m->inserted <= h->deleted + h->inserted);
	assert_true(m->count > h->count);
	ad_textdiff_free(h);
	ad_textdiff_free(m);
	(void)state;
}

static void test_compaction_blank_lines(void **state)
{
	const char *a = "Para one.\n\nPara three.\n";
	const char *b = "Para one.\n\nPara two.\n\nPara three.\n";
	const char *ca = "int f() {\n  x;\n}\n\nint h() {\n}\n";
	const char *cb = "int f() {\n  x;\n}\n\nint g() {\n  x;\n}\n\n"
			 "int h() {\n}\n";
	ad_textdiff *d = lines(a, b, 0, AD_TEXTDIFF_HISTOGRAM);

	/* the added paragraph starts after a blank line and takes its own
	 * blank line along, rather than "\nPara two.\n" */
	assert_shape(d, "=2 +2 =1");
	assert_only_change(d, a, b, "", "Para two.\n\n");
	ad_textdiff_free(d);

	d = lines(ca, cb, 0, AD_TEXTDIFF_HISTOGRAM);
	assert_only_change(d, ca, cb, "", "int g() {\n  x;\n}\n\n");
	ad_textdiff_free(d);

	/* The matcher alone puts this one after the common prefix, as
	 * "\nx\n"; sliding it finds the place that follows a blank line. */
	d = lines("x\n\nx\ny\n", "x\n\nx\n\nx\ny\n", AD_TEXTDIFF_NO_COMPACT,
		  AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "=3 +2 =1");
	assert_only_change(d, "", "x\n\nx\n\nx\ny\n", "", "\nx\n");
	ad_textdiff_free(d);
	d = lines("x\n\nx\ny\n", "x\n\nx\n\nx\ny\n", 0, AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "=2 +2 =2");
	assert_only_change(d, "", "x\n\nx\n\nx\ny\n", "", "x\n\n");
	ad_textdiff_free(d);
	/* a deletion slides the same way */
	d = lines("x\n\nx\n\nx\ny\n", "x\n\nx\ny\n", 0, AD_TEXTDIFF_MYERS);
	assert_shape(d, "=2 -2 =2");
	ad_textdiff_free(d);
	(void)state;
}

static void test_crlf(void **state)
{
	const char *a = "one\r\ntwo\r\nthree\r\n", *b = "one\ntwo\nthree\n";
	ad_textdiff *d = lines(a, b, 0, AD_TEXTDIFF_HISTOGRAM);

	assert_shape(d, "-3 +3");
	ad_textdiff_free(d);

	d = lines(a, b, AD_TEXTDIFF_IGNORE_EOL, AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "=3");
	assert_int_equal(d->ops[0].a_len, strlen(a));
	assert_int_equal(d->ops[0].b_len, strlen(b));
	ad_textdiff_free(d);

	/* a lone CR ends a line too */
	d = lines("one\rtwo\rthree", "one\ntwo\nthree", AD_TEXTDIFF_IGNORE_EOL,
		  AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "=3");
	ad_textdiff_free(d);
	d = lines("one\rtwo\rthree", "one\rTWO\rthree", 0,
		  AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "=1 -1 +1 =1");
	ad_textdiff_free(d);
	(void)state;
}

static void test_whitespace_flags(void **state)
{
	const char *a = "if (x)  {\n\treturn 1;\n}\n";
	const char *b = "if (x) {\n    return 1;   \n}\r\n";
	const char *c = "if(x){\nreturn 1;\n}\n";
	ad_textdiff *d = lines(a, b, 0, AD_TEXTDIFF_HISTOGRAM);

	assert_shape(d, "-3 +3");
	ad_textdiff_free(d);
	d = lines(a, b, AD_TEXTDIFF_IGNORE_WHITESPACE_CHANGE,
		  AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "=3");
	ad_textdiff_free(d);
	/* -b still sees a space that is there against one that is not */
	d = lines(a, c, AD_TEXTDIFF_IGNORE_WHITESPACE_CHANGE,
		  AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "-2 +2 =1");
	ad_textdiff_free(d);
	d = lines(a, c, AD_TEXTDIFF_IGNORE_WHITESPACE, AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "=3");
	ad_textdiff_free(d);
	(void)state;
}

static void test_nul_bytes(void **state)
{
	static const char a[] = "head\nbin\0ary\0x\ntail\n";
	static const char b[] = "head\nbin\0ary\0y\ntail\n";
	ad_textdiff *d = NULL;

	assert_int_equal(ad_textdiff_lines(&d, a, sizeof(a) - 1, b,
					   sizeof(b) - 1, NULL), 0);
	check_script(d, a, sizeof(a) - 1, b, sizeof(b) - 1, 1);
	assert_shape(d, "=1 -1 +1 =1");
	assert_int_equal(d->ops[1].a_len, 10);
	ad_textdiff_free(d);

	/* invalid UTF-8 is just bytes */
	d = lines("ok\n\xff\xfe\n", "ok\n\xff\xfd\n", 0, AD_TEXTDIFF_MYERS);
	assert_shape(d, "=1 -1 +1");
	ad_textdiff_free(d);
	(void)state;
}

static void test_no_final_newline(void **state)
{
	ad_textdiff *d = lines("a\nb", "a\nb\n", 0, AD_TEXTDIFF_HISTOGRAM);

	assert_shape(d, "=1 -1 +1");
	ad_textdiff_free(d);
	d = lines("a\nb", "a\nb\n", AD_TEXTDIFF_IGNORE_EOL,
		  AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "=2");
	ad_textdiff_free(d);
	d = lines("a\nb", "a\nb\nc", 0, AD_TEXTDIFF_HISTOGRAM);
	assert_shape(d, "=1 -1 +2");
	ad_textdiff_free(d);
	(void)state;
}

static void test_keys(void **state)
{
	const uint64_t a[] = { 10, 20, 30, 40 }, b[] = { 10, 30, 40, 50 };
	ad_textdiff *d = NULL;

	assert_int_equal(ad_textdiff_keys(&d, a, 4, b, 4, NULL), 0);
	check_script(d, NULL, 0, NULL, 0, 1);
	assert_shape(d, "=1 -1 =2 +1");
	ad_textdiff_free(d);
	(void)state;
}

/* --------------------------------------------------------- word diffs */

static const char *lorem[] = {
	"agent", "should", "answer", "the", "user", "with", "care", "and",
	"cite", "sources", "when", "asked", "about", "code", "review",
	"never", "invent", "facts", "always", "prefer", "short", "replies",
	"unless", "detail", "is", "requested", "explicitly", "by", "them"
};

static void make_paragraph(ad_buf *buf, int nwords, unsigned seed,
			   int wrap)
{
	int i, col = 0;

	rng_state = seed;
	for (i = 0; i < nwords; i++) {
		const char *w = lorem[rng() % (sizeof(lorem) / sizeof(*lorem))];

		if (i && wrap && col + (int)strlen(w) + 1 > wrap) {
			ad_buf_putc(buf, '\n');
			col = 0;
		} else if (i) {
			ad_buf_putc(buf, ' ');
			col++;
		}
		ad_buf_puts(buf, w);
		col += (int)strlen(w);
		if (i % 17 == 16)
			ad_buf_putc(buf, ',');
	}
	ad_buf_puts(buf, ".\n");
}

static void test_one_word_changed(void **state)
{
	ad_buf a = AD_BUF_INIT, b = AD_BUF_INIT;
	ad_textdiff *d;
	char *p;

	make_paragraph(&a, 200, 7, 0);
	ad_buf_puts(&b, a.ptr);
	/* replace the 100th word by "carefully" */
	p = b.ptr;
	for (int i = 0; i < 99; i++)
		p = strchr(p, ' ') + 1;
	{
		size_t wl = strcspn(p, " ,.");
		size_t at = (size_t)(p - b.ptr);
		ad_buf c = AD_BUF_INIT;
		char old[64];

		memcpy(old, p, wl);
		old[wl] = '\0';
		ad_buf_put(&c, b.ptr, at);
		ad_buf_puts(&c, "carefully");
		ad_buf_puts(&c, p + wl);
		d = words(a.ptr, c.ptr, 0);
		assert_int_equal(d->count, 4);
		assert_int_equal(d->ops[1].kind, AD_TEXTDIFF_DELETE);
		assert_int_equal(d->ops[2].kind, AD_TEXTDIFF_INSERT);
		assert_only_change(d, a.ptr, c.ptr, old, "carefully");
		assert_int_equal(d->deleted, 1);
		assert_int_equal(d->inserted, 1);
		ad_textdiff_free(d);
		ad_buf_free(&c);
	}
	ad_buf_free(&a);
	ad_buf_free(&b);
	(void)state;
}

static void test_phrase_is_one_change(void **state)
{
	const char *a = "The cat sat on the mat.";
	const char *b = "The dog ran on the mat.";
	ad_textdiff *d = words(a, b, 0);

	assert_only_change(d, a, b, "cat sat", "dog ran");
	ad_textdiff_free(d);

	/* without the cleanup the space between stays matched */
	d = words(a, b, AD_TEXTDIFF_NO_SEMANTIC_CLEANUP);
	assert_int_equal(d->deleted, 2);
	assert_int_equal(d->count, 7);
	ad_textdiff_free(d);
	(void)state;
}

static void test_words_utf8(void **state)
{
	const char *a = "Un café très naïve, s'il vous plaît.";
	const char *b = "Un café très naïf, s'il vous plaît.";
	const char *ja = "私は東京に住んでいます。";
	const char *jb = "私は大阪に住んでいます。";
	ad_textdiff *d = words(a, b, 0);

	/* é and ï are letters: the whole word is the change */
	assert_only_change(d, a, b, "naïve", "naïf");
	ad_textdiff_free(d);

	/* CJK has no spaces: characters are tokens */
	d = words(ja, jb, 0);
	assert_only_change(d, ja, jb, "東京", "大阪");
	ad_textdiff_free(d);

	/* invalid bytes stand alone and do not swallow neighbours */
	d = words("abc \xff\xfe def", "abc \xff\xfd def", 0);
	assert_only_change(d, "abc \xff\xfe def", "abc \xff\xfd def", "\xfe",
			   "\xfd");
	ad_textdiff_free(d);
	(void)state;
}

static void test_reflow(void **state)
{
	ad_buf a = AD_BUF_INIT, b = AD_BUF_INIT, c = AD_BUF_INIT;
	ad_textdiff *d;

	make_paragraph(&a, 120, 3, 40);
	make_paragraph(&b, 120, 3, 72);
	ad_buf_puts(&c, "  ");
	make_paragraph(&c, 120, 4, 72);
	assert_string_not_equal(a.ptr, b.ptr);

	assert_true(ad_textdiff_same_words(a.ptr, a.size, b.ptr, b.size));
	assert_false(ad_textdiff_same_words(a.ptr, a.size, c.ptr, c.size));
	assert_true(ad_textdiff_same_words("  x y\n", 6, "x\ny", 3));
	assert_false(ad_textdiff_same_words("x y", 3, "xy", 2));
	assert_false(ad_textdiff_same_words("x\n\ny", 4, "x\ny", 3));

	d = words(a.ptr, b.ptr, AD_TEXTDIFF_REFLOW);
	assert_int_equal(d->count, 1);
	assert_int_equal(d->ops[0].kind, AD_TEXTDIFF_EQUAL);
	assert_int_equal(d->deleted + d->inserted, 0);
	ad_textdiff_free(d);

	/* leading/trailing whitespace only is still "no change" */
	d = words("  hello world", "hello\nworld\n", AD_TEXTDIFF_REFLOW);
	assert_int_equal(d->count, 1);
	assert_int_equal(d->deleted + d->inserted, 0);
	ad_textdiff_free(d);

	/* without REFLOW the new line breaks are changes */
	d = words(a.ptr, b.ptr, 0);
	assert_true(d->deleted > 0);
	ad_textdiff_free(d);

	/* a real word change under REFLOW is still reported */
	d = words("one two\nthree", "one two four", AD_TEXTDIFF_REFLOW);
	assert_only_change(d, "one two\nthree", "one two four", "three",
			   "four");
	ad_textdiff_free(d);
	ad_buf_free(&a);
	ad_buf_free(&b);
	ad_buf_free(&c);
	(void)state;
}

static void test_word_size_limit(void **state)
{
	ad_textdiff_options opts = AD_TEXTDIFF_OPTIONS_INIT;
	const char *a = "keep this start and change middle and keep the end";
	const char *b = "keep this start but alter center and keep the end";
	ad_textdiff *d = NULL;

	opts.max_tokens = 8;
	assert_int_equal(ad_textdiff_words(&d, a, strlen(a), b, strlen(b),
					   &opts), 0);
	check_script(d, a, strlen(a), b, strlen(b), 1);
	assert_true(d->degraded & AD_TEXTDIFF_DEGRADED_SIZE);
	assert_only_change(d, a, b, "and change middle", "but alter center");
	ad_textdiff_free(d);

	d = words(a, b, 0);
	assert_int_equal(d->degraded, 0);
	ad_textdiff_free(d);
	(void)state;
}

/* --------------------------------------------------------- similarity */

static void test_similarity(void **state)
{
	const char *a = "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\n";
	const char *h = "l1\nX2\nl3\nX4\nl5\nX6\nl7\nX8\nl9\nX10\n";
	const char *z = "z1\nz2\n";
	ad_textdiff_sketch sa, sb, sz;

	assert_true(ad_textdiff_similarity(a, strlen(a), a, strlen(a),
					   AD_TEXTDIFF_LINES, NULL) == 1.0);
	assert_true(ad_textdiff_similarity(a, strlen(a), z, strlen(z),
					   AD_TEXTDIFF_LINES, NULL) == 0.0);
	assert_true(ad_textdiff_similarity(a, strlen(a), h, strlen(h),
					   AD_TEXTDIFF_LINES, NULL) == 0.5);
	/* blank lines are not content */
	assert_true(ad_textdiff_similarity("a\n\n\nb\n", 6, "c\n\n\nd\n", 6,
					   AD_TEXTDIFF_LINES, NULL) == 0.0);
	assert_true(ad_textdiff_similarity("", 0, "", 0, AD_TEXTDIFF_LINES,
					   NULL) == 1.0);

	assert_true(ad_textdiff_similarity("the big red dog", 15,
					   "the big red dog", 15,
					   AD_TEXTDIFF_WORDS, NULL) == 1.0);
	assert_true(ad_textdiff_similarity("the big red dog", 15,
					   "a tiny blue cat", 15,
					   AD_TEXTDIFF_WORDS, NULL) == 0.0);
	assert_true(ad_textdiff_similarity("the big red dog", 15,
					   "the big blue cat", 16,
					   AD_TEXTDIFF_WORDS, NULL) == 0.5);

	ad_textdiff_sketch_build(&sa, a, strlen(a));
	ad_textdiff_sketch_build(&sb, a, strlen(a));
	ad_textdiff_sketch_build(&sz, "", 0);
	assert_true(ad_textdiff_sketch_similarity(&sa, &sb) == 1.0);
	assert_true(ad_textdiff_sketch_similarity(&sa, &sz) == 0.0);
	assert_true(ad_textdiff_sketch_similarity(&sz, &sz) == 1.0);
	(void)state;
}

/* The sketch is an upper bound of the word similarity, and a useful one:
 * unrelated paragraphs score low. */
static void test_sketch_bound(void **state)
{
	int t;

	for (t = 0; t < 200; t++) {
		ad_buf a = AD_BUF_INIT, b = AD_BUF_INIT;
		ad_textdiff_sketch sa, sb;
		double exact, est;

		make_paragraph(&a, 5 + t % 60, (unsigned)t, 30);
		make_paragraph(&b, 5 + t % 45, (unsigned)(t % 3 ? t : t + 1000),
			       50);
		ad_textdiff_sketch_build(&sa, a.ptr, a.size);
		ad_textdiff_sketch_build(&sb, b.ptr, b.size);
		exact = ad_textdiff_similarity(a.ptr, a.size, b.ptr, b.size,
					       AD_TEXTDIFF_WORDS, NULL);
		est = ad_textdiff_sketch_similarity(&sa, &sb);
		assert_true(est + 1e-12 >= exact);
		ad_buf_free(&a);
		ad_buf_free(&b);
	}
	{
		const char *x = "Review pull requests for security issues.";
		const char *y = "Write haiku about autumn leaves falling.";
		ad_textdiff_sketch sx, sy;

		ad_textdiff_sketch_build(&sx, x, strlen(x));
		ad_textdiff_sketch_build(&sy, y, strlen(y));
		assert_true(ad_textdiff_sketch_similarity(&sx, &sy) < 0.3);
	}
	(void)state;
}

/* ------------------------------------------------ pathological inputs */

static void test_pathological(void **state)
{
	ad_buf a = AD_BUF_INIT, b = AD_BUF_INIT;
	ad_textdiff *d = NULL;
	double t0, t1;
	int i;

	rng_state = 42;
	for (i = 0; i < 20000; i++) {
		ad_buf_puts(&a, i % 2 ? "b\n" : "a\n");
		ad_buf_puts(&b, rng() % 2 ? "b\n" : "a\n");
	}
	t0 = now();
	assert_int_equal(ad_textdiff_lines(&d, a.ptr, a.size, b.ptr, b.size,
					   NULL), 0);
	t1 = now();
	check_script(d, a.ptr, a.size, b.ptr, b.size, 1);
	assert_true(d->degraded & AD_TEXTDIFF_DEGRADED_COST);
	assert_true(t1 - t0 < 1.0);
	ad_textdiff_free(d);

	/* many distinct words, all shuffled */
	ad_buf_clear(&a);
	ad_buf_clear(&b);
	for (i = 0; i < 30000; i++) {
		ad_buf_printf(&a, "w%d ", i);
		ad_buf_printf(&b, "w%u ", rng() % 30000);
	}
	t0 = now();
	assert_int_equal(ad_textdiff_words(&d, a.ptr, a.size, b.ptr, b.size,
					   NULL), 0);
	t1 = now();
	check_script(d, a.ptr, a.size, b.ptr, b.size, 1);
	assert_true(t1 - t0 < 1.0);
	ad_textdiff_free(d);
	ad_buf_free(&a);
	ad_buf_free(&b);
	(void)state;
}

/* ------------------------------------------------- random properties */

static int lcs_length(const int *x, int n, const int *y, int m)
{
	int *row = calloc((size_t)m + 1, sizeof(int)), i, j, r;

	for (i = 1; i <= n; i++) {
		int diag = 0;

		for (j = 1; j <= m; j++) {
			int up = row[j];

			row[j] = x[i - 1] == y[j - 1] ? diag + 1
				 : row[j] > row[j - 1] ? row[j] : row[j - 1];
			diag = up;
		}
	}
	r = row[m];
	free(row);
	return r;
}

static void random_text(ad_buf *buf, int *ids, int n, int alphabet)
{
	int i;

	for (i = 0; i < n; i++) {
		ids[i] = (int)(rng() % (unsigned)alphabet);
		ad_buf_printf(buf, "%c%s", 'a' + ids[i],
			      i + 1 < n || rng() % 4 ? "\n" : "");
	}
}

static void test_random_scripts(void **state)
{
	int t;

	rng_state = 12345;
	for (t = 0; t < 600; t++) {
		ad_buf a = AD_BUF_INIT, b = AD_BUF_INIT;
		int ia[120], ib[120], n = (int)(rng() % 120),
		    m = (int)(rng() % 120), alphabet = 2 + (int)(rng() % 12);
		ad_textdiff_options opts = AD_TEXTDIFF_OPTIONS_INIT;
		ad_textdiff *d = NULL;

		random_text(&a, ia, n, alphabet);
		/* B is A edited, or unrelated */
		if (t % 3) {
			int k = 0, i;

			for (i = 0; i < n && k < 120; i++) {
				unsigned r = rng() % 10;

				if (r == 0)
					continue;
				if (r == 1 && k < 119)
					ib[k++] = (int)(rng() % 26);
				ib[k++] = ia[i];
			}
			m = k;
			for (i = 0; i < m; i++)
				ad_buf_printf(&b, "%c\n", 'a' + ib[i]);
		} else {
			random_text(&b, ib, m, alphabet);
		}

		opts.algorithm = t % 2 ? AD_TEXTDIFF_MYERS
				       : AD_TEXTDIFF_HISTOGRAM;
		opts.flags = t % 5 == 0 ? AD_TEXTDIFF_MINIMAL : 0;
		if (t % 7 == 0)
			opts.max_cost = 2; /* force the heuristic split */
		assert_int_equal(ad_textdiff_lines(&d, a.ptr, a.size, b.ptr,
						   b.size, &opts), 0);
		check_script(d, a.ptr, a.size, b.ptr, b.size, 1);
		ad_textdiff_free(d);

		/* minimal Myers finds a longest common subsequence */
		opts.algorithm = AD_TEXTDIFF_MYERS;
		opts.flags = AD_TEXTDIFF_MINIMAL | AD_TEXTDIFF_IGNORE_EOL;
		opts.max_cost = 0;
		assert_int_equal(ad_textdiff_lines(&d, a.ptr, a.size, b.ptr,
						   b.size, &opts), 0);
		check_script(d, a.ptr, a.size, b.ptr, b.size, 0);
		assert_int_equal(d->a_units - d->deleted,
				 lcs_length(ia, d->a_units, ib, d->b_units));
		ad_textdiff_free(d);

		/* the same texts as words */
		opts.flags = t % 4 == 0 ? AD_TEXTDIFF_NO_SEMANTIC_CLEANUP : 0;
		assert_int_equal(ad_textdiff_words(&d, a.ptr, a.size, b.ptr,
						   b.size, &opts), 0);
		check_script(d, a.ptr, a.size, b.ptr, b.size, 1);
		ad_textdiff_free(d);
		ad_buf_free(&a);
		ad_buf_free(&b);
	}
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_insert_delete),
		cmocka_unit_test(test_moved_block),
		cmocka_unit_test(test_histogram_vs_myers),
		cmocka_unit_test(test_compaction_blank_lines),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_whitespace_flags),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_one_word_changed),
		cmocka_unit_test(test_phrase_is_one_change),
		cmocka_unit_test(test_words_utf8),
		cmocka_unit_test(test_reflow),
		cmocka_unit_test(test_word_size_limit),
		cmocka_unit_test(test_similarity),
		cmocka_unit_test(test_sketch_bound),
		cmocka_unit_test(test_pathological),
		cmocka_unit_test(test_random_scripts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
