/* Unit tests of src/utf8.c: the decoder, the encoder and display widths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"
#include "util.h"

static void test_decode_valid(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		unsigned cp;
	} cases[] = {
		{ "A", 1, 0x41 },
		{ "\0", 1, 0 },
		{ "\x7F", 1, 0x7F },
		{ "\xC2\x80", 2, 0x80 },            /* the first two-byte one */
		{ "\xC3\xA9", 2, 0xE9 },            /* é */
		{ "\xDF\xBF", 2, 0x7FF },
		{ "\xE0\xA0\x80", 3, 0x800 },       /* the first three-byte one */
		{ "\xE2\x82\xAC", 3, 0x20AC },      /* € */
		{ "\xED\x9F\xBF", 3, 0xD7FF },      /* just below the surrogates */
		{ "\xEE\x80\x80", 3, 0xE000 },      /* just above them */
		{ "\xEF\xBF\xBD", 3, 0xFFFD },
		{ "\xF0\x90\x80\x80", 4, 0x10000 }, /* the first four-byte one */
		{ "\xF0\x9F\x98\x80", 4, 0x1F600 }, /* 😀 */
		{ "\xF4\x8F\xBF\xBF", 4, 0x10FFFF },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned cp = 0xDEAD;

		assert_int_equal(ad_utf8_decode(cases[i].s, cases[i].len, &cp), cases[i].len);
		assert_int_equal(cp, cases[i].cp);
		/* Bytes after the sequence are not looked at. */
		cp = 0xDEAD;
		assert_int_equal(ad_utf8_next(cases[i].s, cases[i].len, &cp), cases[i].len);
		assert_int_equal(cp, cases[i].cp);
	}
}

static void test_decode_invalid(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} cases[] = {
		{ "\xC0\x80", 2 },             /* overlong NUL */
		{ "\xC1\xBF", 2 },             /* overlong U+007F */
		{ "\xE0\x80\x80", 3 },         /* overlong NUL in three */
		{ "\xE0\x9F\xBF", 3 },         /* overlong U+07FF */
		{ "\xF0\x80\x80\x80", 4 },     /* overlong NUL in four */
		{ "\xF0\x8F\xBF\xBF", 4 },     /* overlong U+FFFF */
		{ "\xED\xA0\x80", 3 },         /* U+D800, a surrogate */
		{ "\xED\xBF\xBF", 3 },         /* U+DFFF */
		{ "\xF4\x90\x80\x80", 4 },     /* U+110000 */
		{ "\xF7\xBF\xBF\xBF", 4 },     /* U+1FFFFF */
		{ "\xF8\x88\x80\x80\x80", 5 }, /* five-byte forms do not exist */
		{ "\xFE", 1 },
		{ "\xFF", 1 },
		{ "\x80", 1 },                 /* a stray continuation byte */
		{ "\xBF", 1 },
		{ "\xC3", 1 },                 /* cut short */
		{ "\xE2\x82", 2 },
		{ "\xF0\x9F\x98", 3 },
		{ "\xC3\x41", 2 },             /* a lead byte before ASCII */
		{ "\xE2\x28\xA1", 3 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned cp = 0xDEAD;

		assert_int_equal(ad_utf8_decode(cases[i].s, cases[i].len, &cp), 0);
		assert_int_equal(cp, 0xDEAD);
		/* A reader gets U+FFFD for the first byte and goes on. */
		assert_int_equal(ad_utf8_next(cases[i].s, cases[i].len, &cp), 1);
		assert_int_equal(cp, AD_UTF8_REPLACEMENT);
	}
}

/* Walking bad text with ad_utf8_next(): every byte of a bad sequence is a
 * U+FFFD of its own, and what follows is read as it is. */
static void test_next_walk(void **state)
{
	static const char text[] = "a\xE2\x82" "b\xED\xA0\x80\xC3\xA9";
	static const unsigned want[] = {
		'a', 0xFFFD, 0xFFFD, 'b', 0xFFFD, 0xFFFD, 0xFFFD, 0xE9,
	};
	size_t i = 0, len = sizeof(text) - 1, k = 0;
	unsigned cp;

	(void)state;
	while (i < len) {
		size_t n = ad_utf8_next(text + i, len - i, &cp);

		assert_true(n >= 1);
		assert_true(k < sizeof(want) / sizeof(want[0]));
		assert_int_equal(cp, want[k++]);
		i += n;
	}
	assert_int_equal(k, sizeof(want) / sizeof(want[0]));
	assert_int_equal(ad_utf8_next("", 0, &cp), 0);
	assert_int_equal(cp, AD_UTF8_REPLACEMENT);
	assert_int_equal(ad_utf8_decode("", 0, &cp), 0);
}

static void test_encode(void **state)
{
	char b[AD_UTF8_MAX];
	ad_buf out = AD_BUF_INIT;

	(void)state;
	assert_int_equal(ad_utf8_encode(b, 'x'), 1);
	assert_memory_equal(b, "x", 1);
	assert_int_equal(ad_utf8_encode(b, 0xE9), 2);
	assert_memory_equal(b, "\xC3\xA9", 2);
	assert_int_equal(ad_utf8_encode(b, 0x20AC), 3);
	assert_memory_equal(b, "\xE2\x82\xAC", 3);
	assert_int_equal(ad_utf8_encode(b, 0x1F600), 4);
	assert_memory_equal(b, "\xF0\x9F\x98\x80", 4);
	/* What cannot be encoded is written as U+FFFD. */
	assert_int_equal(ad_utf8_encode(b, 0xD800), 3);
	assert_memory_equal(b, "\xEF\xBF\xBD", 3);
	assert_int_equal(ad_utf8_encode(b, 0xDFFF), 3);
	assert_memory_equal(b, "\xEF\xBF\xBD", 3);
	assert_int_equal(ad_utf8_encode(b, 0x110000), 3);
	assert_memory_equal(b, "\xEF\xBF\xBD", 3);
	assert_int_equal(ad_utf8_encode(b, 0xFFFFFFFFu), 3);
	assert_memory_equal(b, "\xEF\xBF\xBD", 3);

	ad_utf8_put(&out, 'a');
	ad_utf8_put(&out, 0x4E2D);
	ad_utf8_put(&out, 0xD834);
	ad_utf8_put(&out, 0x10FFFF);
	assert_int_equal(out.size, 1 + 3 + 3 + 4);
	assert_memory_equal(out.ptr, "a\xE4\xB8\xAD\xEF\xBF\xBD\xF4\x8F\xBF\xBF", out.size);
	ad_buf_free(&out);
}

/* Every scalar value encodes to the shortest form and decodes back. */
static void test_round_trip(void **state)
{
	unsigned cp;

	(void)state;
	for (cp = 0; cp <= 0x10FFFF; cp++) {
		char b[AD_UTF8_MAX];
		unsigned back = 0xDEAD;
		size_t n, want;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		n = ad_utf8_encode(b, cp);
		if (n != want)
			fail_msg("U+%04X encodes in %zu bytes, not %zu", cp, n, want);
		if (ad_utf8_decode(b, n, &back) != n || back != cp)
			fail_msg("U+%04X does not decode back (got U+%04X)", cp, back);
		/* A sequence cut short is never a character. */
		if (n > 1 && ad_utf8_decode(b, n - 1, &back) != 0)
			fail_msg("U+%04X cut short decodes", cp);
	}
}

static void test_cp_width(void **state)
{
	static const struct {
		unsigned cp;
		int width;
	} cases[] = {
		{ 'a', 1 }, { ' ', 1 }, { '~', 1 },
		{ 0xA0, 1 },    /* no-break space */
		{ 0xAD, 1 },    /* soft hyphen: terminals show it */
		{ 0xE9, 1 },    /* é */
		{ 0x3B1, 1 },   /* α */
		{ 0x4E2D, 2 },  /* 中 */
		{ 0x3042, 2 },  /* あ */
		{ 0xAC00, 2 },  /* 가 */
		{ 0xD55C, 2 },  /* 한 */
		{ 0xFF21, 2 },  /* Ａ, fullwidth */
		{ 0x3000, 2 },  /* ideographic space */
		{ 0x20000, 2 }, /* CJK extension B */
		{ 0x1F600, 2 }, /* 😀 */
		{ 0x1F44D, 2 }, /* 👍 */
		{ 0x0301, 0 },  /* combining acute accent */
		{ 0x0308, 0 },  /* combining diaeresis */
		{ 0x20DD, 0 },  /* combining enclosing circle (Me) */
		{ 0x200B, 0 },  /* zero width space */
		{ 0x200D, 0 },  /* zero width joiner */
		{ 0xFE0F, 0 },  /* variation selector 16 */
		{ 0xFEFF, 0 },  /* BOM */
		{ 0x202E, 0 },  /* right-to-left override */
		{ 0x1160, 0 },  /* Hangul medial vowel */
		{ 0xE0001, 0 }, /* language tag */
		{ 0x00, -1 }, { 0x09, -1 }, { 0x0A, -1 }, { 0x1B, -1 },
		{ 0x1F, -1 }, { 0x7F, -1 }, { 0x80, -1 }, { 0x85, -1 },
		{ 0x9F, -1 }, { 0x2028, -1 }, { 0x2029, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int w = ad_utf8_cp_width(cases[i].cp);

		if (w != cases[i].width)
			fail_msg("U+%04X is %d columns, not %d", cases[i].cp, w,
				 cases[i].width);
	}
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(ad_utf8_width("", 0), 0);
	assert_int_equal(ad_utf8_width(NULL, 0), 0);
	assert_int_equal(ad_utf8_width("agent", 5), 5);
	assert_int_equal(ad_utf8_width("\xE4\xB8\xAD\xE6\x96\x87", 6), 4); /* 中文 */
	assert_int_equal(ad_utf8_width("e\xCC\x81", 3), 1);                /* e + U+0301 */
	assert_int_equal(ad_utf8_width("a\xE2\x80\x8D" "b", 5), 2);        /* a ZWJ b */
	assert_int_equal(ad_utf8_width("\xF0\x9F\x98\x80!", 5), 3);         /* 😀! */
	/* Each invalid byte is a U+FFFD, one column. */
	assert_int_equal(ad_utf8_width("a\xFF" "b", 3), 3);
	assert_int_equal(ad_utf8_width("\xE2\x82", 2), 2);
	assert_int_equal(ad_utf8_width("\xED\xA0\x80", 3), 3);
	/* A control counts one column (callers escape it first). */
	assert_int_equal(ad_utf8_width("a\tb", 3), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_valid),
		cmocka_unit_test(test_decode_invalid),
		cmocka_unit_test(test_next_walk),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_cp_width),
		cmocka_unit_test(test_width),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
