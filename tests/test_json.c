/* Unit tests of cli/json.c and src/term.c: what we print must be safe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "term.h"

static void test_structure(void **state)
{
	ad_buf b = AD_BUF_INIT;
	ad_json j;

	(void)state;
	ad_json_init(&j, &b, false);
	ad_json_object_begin(&j);
	ad_json_key(&j, "a");
	ad_json_int(&j, -3);
	ad_json_key(&j, "list");
	ad_json_array_begin(&j);
	ad_json_string(&j, "x");
	ad_json_null(&j);
	ad_json_bool(&j, true);
	ad_json_double(&j, 0.5);
	ad_json_double(&j, 1.0);
	ad_json_array_end(&j);
	ad_json_key(&j, "empty");
	ad_json_object_begin(&j);
	ad_json_object_end(&j);
	ad_json_key(&j, "none");
	ad_json_string(&j, NULL);
	ad_json_object_end(&j);
	assert_string_equal(b.ptr, "{\"a\":-3,\"list\":[\"x\",null,true,0.5,1],\"empty\":{},\"none\":null}");
	ad_buf_free(&b);
}

static void test_pretty(void **state)
{
	ad_buf b = AD_BUF_INIT;
	ad_json j;

	(void)state;
	ad_json_init(&j, &b, true);
	ad_json_object_begin(&j);
	ad_json_key(&j, "k");
	ad_json_array_begin(&j);
	ad_json_uint(&j, 1);
	ad_json_array_end(&j);
	ad_json_key(&j, "e");
	ad_json_array_begin(&j);
	ad_json_array_end(&j);
	ad_json_object_end(&j);
	assert_string_equal(b.ptr, "{\n  \"k\": [\n    1\n  ],\n  \"e\": []\n}\n");
	ad_buf_free(&b);
}

static void test_escaping(void **state)
{
	ad_buf b = AD_BUF_INIT;
	static const char in[] = "q\"b\\\n\t\r\x1b[31m\x7f\xC3\xA9\xFF\xE2\x80\xA8\xC2\x85\0z";

	(void)state;
	ad_json_quote(&b, in, sizeof(in) - 1);
	assert_string_equal(b.ptr, "\"q\\\"b\\\\\\n\\t\\r\\u001b[31m\\u007f\xC3\xA9\\ufffd\\u2028\\u0085\\u0000z\"");
	ad_buf_free(&b);
}

static void test_sanitize(void **state)
{
	ad_buf b = AD_BUF_INIT;
	static const char in[] = "ok \x1b]0;pwned\x07 \x1b[2J\t|\x7f|\xC2\x9b|\xE6\x97\xA5|\xF0\x9F\x98\x80|\xC0\xAF|\xED\xA0\x80|\0";

	(void)state;
	ad_term_sanitize(&b, in, sizeof(in) - 1, false);
	assert_string_equal(b.ptr, "ok ^[]0;pwned^G ^[[2J^I|^?|<U+009B>|\xE6\x97\xA5|\xF0\x9F\x98\x80|"
				   "\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|^@");
	ad_buf_clear(&b);
	ad_term_sanitize(&b, "a\tb", 3, true);
	assert_string_equal(b.ptr, "a\tb");
	ad_buf_free(&b);
}

/* Bidirectional controls and the line and paragraph separators would
 * reorder or move what follows them on a terminal: escaped like C1
 * controls, in terminal text and in JSON.  Their neighbours (LRM U+200E,
 * U+202F, U+2065, U+206A) are ordinary text. */
static void test_bidi(void **state)
{
	ad_buf b = AD_BUF_INIT;
	static const char in[] = "a\xE2\x80\xAA" "b\xE2\x80\xAE" "c\xE2\x81\xA6" "d\xE2\x81\xA9" "e"
				 "\xE2\x80\xA8" "f\xE2\x80\xA9" "g|\xE2\x80\x8E\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA";

	(void)state;
	ad_term_sanitize(&b, in, sizeof(in) - 1, false);
	assert_string_equal(b.ptr, "a<U+202A>b<U+202E>c<U+2066>d<U+2069>e<U+2028>f<U+2029>g|"
				   "\xE2\x80\x8E\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA");
	ad_buf_clear(&b);
	ad_json_quote(&b, in, sizeof(in) - 1);
	assert_string_equal(b.ptr, "\"a\\u202ab\\u202ec\\u2066d\\u2069e\\u2028f\\u2029g|"
				   "\xE2\x80\x8E\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA\"");
	assert_true(ad_term_escaped_cp(0x202B) && ad_term_escaped_cp(0x2068) && ad_term_escaped_cp(0x85));
	assert_false(ad_term_escaped_cp(0x200F) || ad_term_escaped_cp(0x202F) ||
		     ad_term_escaped_cp(0x2065) || ad_term_escaped_cp(0x206A) || ad_term_escaped_cp(0xA0));
	ad_buf_free(&b);
}

static void test_utf8_decode(void **state)
{
	unsigned cp;

	(void)state;
	assert_int_equal(ad_utf8_decode("\xE2\x82\xAC", 3, &cp), 3);
	assert_int_equal(cp, 0x20AC);
	assert_int_equal(ad_utf8_decode("\xE2\x82", 2, &cp), 0);
	assert_int_equal(ad_utf8_decode("\xF4\x90\x80\x80", 4, &cp), 0); /* > U+10FFFF */
	assert_int_equal(ad_utf8_decode("\xE0\x80\x80", 3, &cp), 0);     /* overlong */
	assert_int_equal(ad_utf8_decode("\x80", 1, &cp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_utf8_decode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
