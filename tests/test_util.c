/* Unit tests of src/util.c and src/error.c (file I/O: test_fileio.c). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

static void test_buf(void **state)
{
	ad_buf b = AD_BUF_INIT;
	char *s;
	int i;

	(void)state;
	assert_string_equal(ad_buf_cstr(&b), "");
	ad_buf_puts(&b, "ab");
	ad_buf_putc(&b, 'c');
	ad_buf_put(&b, "\0d", 2);
	assert_int_equal(b.size, 5);
	assert_memory_equal(b.ptr, "abc\0d", 6);
	ad_buf_clear(&b);
	for (i = 0; i < 1000; i++)
		ad_buf_printf(&b, "%04d", i);
	assert_int_equal(b.size, 4000);
	assert_memory_equal(b.ptr + 3996, "0999", 5);
	s = ad_buf_detach(&b);
	assert_null(b.ptr);
	assert_int_equal(strlen(s), 4000);
	free(s);
	s = ad_buf_detach(&b);
	assert_string_equal(s, "");
	free(s);
	ad_buf_free(NULL);
}

static void test_arena(void **state)
{
	ad_arena a = AD_ARENA_INIT;
	char *big, *small[100];
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		char tmp[16];
		snprintf(tmp, sizeof(tmp), "s%d", i);
		small[i] = ad_arena_strndup(&a, tmp, strlen(tmp));
	}
	big = ad_arena_alloc(&a, 100000);
	memset(big, 'x', 100000);
	for (i = 0; i < 100; i++) {
		char tmp[16];
		snprintf(tmp, sizeof(tmp), "s%d", i);
		assert_string_equal(small[i], tmp);
		assert_int_equal((uintptr_t)small[i] % _Alignof(max_align_t), 0);
	}
	assert_string_equal(ad_arena_strndup(&a, "abc", 0), "");
	ad_arena_free(&a);
	ad_arena_free(&a);
}

static void test_error_format(void **state)
{
	ad_error err = AD_ERROR_INIT;
	char buf[128];

	(void)state;
	assert_string_equal(ad_error_format(&err, buf, sizeof(buf)), "unknown error");
	assert_int_equal(ad_error_set(&err, AD_EPARSE, "a.md", 3, 7, "bad %s", "thing"), AD_EPARSE);
	assert_string_equal(ad_error_format(&err, buf, sizeof(buf)), "a.md:3:7: bad thing");
	ad_error_set(&err, AD_EIO, "a.md", 0, 0, "gone");
	assert_string_equal(ad_error_format(&err, buf, sizeof(buf)), "a.md: gone");
	ad_error_set(&err, AD_EIO, NULL, 0, 0, "plain");
	assert_string_equal(ad_error_format(&err, buf, sizeof(buf)), "plain");
	ad_error_clear(&err);
	assert_int_equal(ad_error_set(NULL, AD_ERROR, NULL, 0, 0, "x"), AD_ERROR);
}

static void test_path_dir(void **state)
{
	static const char *const cases[][2] = {
		{ "a/b", "a" }, { "a//b", "a" }, { "b", "." }, { "/b", "/" },
		{ "//b", "/" }, { "x/y/z.md", "x/y" }, { "./-", "." },
	};
	ad_buf out = AD_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ad_path_dir(&out, cases[i][0]);
		assert_string_equal(ad_buf_cstr(&out), cases[i][1]);
	}
	ad_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_path_dir),
		cmocka_unit_test(test_error_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
