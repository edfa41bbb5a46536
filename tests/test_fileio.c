/*
 * Unit tests of src/fileio.c: reading a whole file, and the writer's plain
 * cases.  The writer under failures, kills and special files is
 * test_write_faults.c's.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/ad-test-fileio-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_read_file(void **state)
{
	char path[128], *data;
	size_t len;
	ad_error err = AD_ERROR_INIT;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/f.md", tmpdir);
	fp = fopen(path, "wb");
	fwrite("a\0b\r\n", 1, 5, fp);
	fclose(fp);
	assert_int_equal(ad_read_file(&data, &len, path, 100, &err), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(data, "a\0b\r\n", 6);
	free(data);

	assert_int_equal(ad_read_file(&data, &len, path, 4, &err), AD_ETOOBIG);
	assert_null(data);
	assert_non_null(strstr(err.message, "too large"));
	assert_int_equal(ad_read_file(&data, &len, tmpdir, 100, &err), AD_EINVALID);
	assert_string_equal(err.message, "is a directory");
	snprintf(path, sizeof(path), "%s/missing.md", tmpdir);
	assert_int_equal(ad_read_file(&data, &len, path, 100, &err), AD_ENOTFOUND);
	assert_string_equal(err.path, path);
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* A FIFO is refused, never blocked on. */
	assert_int_equal(ad_read_file(&data, &len, path, 100, &err), AD_EINVALID);
	ad_error_clear(&err);
	assert_null(err.message);
}

static void test_write_atomic(void **state)
{
	char path[128], *data;
	size_t len;
	struct stat st;
	ad_error err = AD_ERROR_INIT;

	(void)state;
	snprintf(path, sizeof(path), "%s/out.md", tmpdir);
	assert_int_equal(ad_write_file_atomic(path, "one\n", 4, &err), 0);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(ad_write_file_atomic(path, "two\n", 4, &err), 0);
	assert_int_equal(ad_read_file(&data, &len, path, 100, &err), 0);
	assert_string_equal(data, "two\n");
	free(data);
	/* The mode of the file it replaced is kept. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* A folder that does not exist fails cleanly. */
	snprintf(path, sizeof(path), "%s/no/such/out.md", tmpdir);
	assert_int_equal(ad_write_file_atomic(path, "x", 1, &err), AD_EIO);
	assert_non_null(strstr(err.message, "temporary"));
	ad_error_clear(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_write_atomic),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
