/* Unit tests of src/lines.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lines.h"
#include "util.h"

static void check(const char *s, size_t len, int count, const size_t *starts)
{
	ad_lines l = AD_LINES_INIT;
	int i;

	assert_int_equal(ad_lines_build(&l, s, len), 0);
	assert_int_equal(l.count, count);
	for (i = 0; i <= count; i++)
		assert_int_equal(l.starts[i], starts[i]);
	ad_lines_free(&l);
}

static void test_endings(void **state)
{
	static const size_t lf[] = { 0, 2, 4 };
	static const size_t crlf[] = { 0, 3, 6 };
	static const size_t cr[] = { 0, 2, 4 };
	static const size_t mixed[] = { 0, 2, 3, 6 };
	static const size_t noeol[] = { 0, 2, 3 };
	static const size_t empty[] = { 0 };
	static const size_t blank[] = { 0, 1, 2 };

	(void)state;
	check("a\nb\n", 4, 2, lf);
	check("a\r\nb\r\n", 6, 2, crlf);
	check("a\rb\r", 4, 2, cr);
	/* "\n\r" is two endings: LF, then a lone CR. */
	check("a\n\rb\r\n", 6, 3, mixed);
	check("a\nb", 3, 2, noeol);
	check("", 0, 0, empty);
	check("\n\n", 2, 2, blank);
}

static void test_nul_bytes(void **state)
{
	static const size_t starts[] = { 0, 3, 5 };

	(void)state;
	check("\0x\n\0\0", 5, 2, starts);
}

static void test_lookup(void **state)
{
	ad_lines l = AD_LINES_INIT;
	const char *s = "ab\r\ncd\nef";

	(void)state;
	assert_int_equal(ad_lines_build(&l, s, strlen(s)), 0);
	assert_int_equal(ad_lines_of(&l, 0), 1);
	assert_int_equal(ad_lines_of(&l, 3), 1);
	assert_int_equal(ad_lines_of(&l, 4), 2);
	assert_int_equal(ad_lines_of(&l, 8), 3);
	assert_int_equal(ad_lines_of(&l, 9), 3);
	assert_int_equal(ad_lines_start(&l, 0), 0);
	assert_int_equal(ad_lines_start(&l, 3), 7);
	assert_int_equal(ad_lines_start(&l, 99), 9);
	assert_int_equal(ad_lines_content_end(&l, s, 1), 2);
	assert_int_equal(ad_lines_content_end(&l, s, 2), 6);
	assert_int_equal(ad_lines_content_end(&l, s, 3), 9);
	ad_lines_free(&l);
}

static void test_many_lines(void **state)
{
	ad_buf b = AD_BUF_INIT;
	ad_lines l = AD_LINES_INIT;
	int i;

	(void)state;
	for (i = 0; i < 200000; i++)
		ad_buf_puts(&b, i % 2 ? "x\r\n" : "\n");
	assert_int_equal(ad_lines_build(&l, b.ptr, b.size), 0);
	assert_int_equal(l.count, 200000);
	assert_int_equal(ad_lines_of(&l, b.size - 1), 200000);
	assert_int_equal(ad_lines_start(&l, 200000), b.size - 3);
	ad_lines_free(&l);
	ad_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endings),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_many_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
