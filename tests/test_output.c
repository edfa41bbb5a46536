/*
 * test_output: the output policy (app/output.c) that apply and the merge
 * view's W and C share: which files a result may go over, the guarded
 * write, a plan's output path, and committing only what was written.
 */
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
#include "git.h"
#include "output.h"
#include "plan.h"
#include "util.h"

typedef struct {
	char dir[256];
	char path[300];
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "%s/ad-output.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!f || !mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/out.md", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char p[320];

	unlink(f->path);
	snprintf(p, sizeof(p), "%s/other.md", f->dir);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void put(const char *path, const char *text)
{
	assert_int_equal(ad_write_file_atomic(path, text, strlen(text), NULL), 0);
}

static char *slurp(const char *path)
{
	char *data = NULL;
	size_t len = 0;

	assert_int_equal(ad_read_file(&data, &len, path, 1 << 20, NULL), 0);
	return data;
}

/* No file: NEW, allowed, and the write creates it. */
static void test_new_file(void **state)
{
	fx *f = *state;
	ad_output_target t;
	char *got;

	assert_int_equal(ad_output_check(&t, f->path, "new\n", 4, NULL, 0, NULL), 0);
	assert_int_equal(t.state, AD_OUTPUT_NEW);
	assert_true(ad_output_allowed(&t, false));
	assert_int_equal(ad_output_write(&t, "new\n", 4, NULL), 0);
	got = slurp(f->path);
	assert_string_equal(got, "new\n");
	free(got);
	ad_output_target_clear(&t);
}

/* A file that holds the result already is SAME and is not rewritten. */
static void test_same_bytes(void **state)
{
	fx *f = *state;
	ad_output_target t;
	struct stat before, after;

	put(f->path, "same\n");
	assert_int_equal(stat(f->path, &before), 0);
	assert_int_equal(ad_output_check(&t, f->path, "same\n", 5, NULL, 0, NULL), 0);
	assert_int_equal(t.state, AD_OUTPUT_SAME);
	assert_int_equal(ad_output_write(&t, "same\n", 5, NULL), 0);
	assert_int_equal(stat(f->path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	ad_output_target_clear(&t);
}

/* Known bytes (a variant read from the file, or the blob a plan recorded)
 * may be replaced; a file the caller never saw needs force; a known file
 * whose bytes changed since is CHANGED. */
static void test_known_changed_foreign(void **state)
{
	fx *f = *state;
	ad_output_target t;
	ad_output_known k = { .path = f->path, .data = "v1\n", .len = 3 };
	char blob[AD_GIT_HEXSIZE + 1];

	put(f->path, "v1\n");
	assert_int_equal(ad_output_check(&t, f->path, "result\n", 7, &k, 1, NULL), 0);
	assert_int_equal(t.state, AD_OUTPUT_KNOWN);
	assert_true(ad_output_allowed(&t, false));
	ad_output_target_clear(&t);

	ad_git_hash_blob(blob, "v1\n", 3);
	k.data = NULL;
	k.blob = blob;
	assert_int_equal(ad_output_check(&t, f->path, "result\n", 7, &k, 1, NULL), 0);
	assert_int_equal(t.state, AD_OUTPUT_KNOWN);
	ad_output_target_clear(&t);

	put(f->path, "edited by hand\n");
	assert_int_equal(ad_output_check(&t, f->path, "result\n", 7, &k, 1, NULL), 0);
	assert_int_equal(t.state, AD_OUTPUT_CHANGED);
	assert_false(ad_output_allowed(&t, false));
	assert_true(ad_output_allowed(&t, true));
	ad_output_target_clear(&t);

	/* The same bytes seen in another file do not make this one known. */
	{
		char other[320];
		ad_output_known ko = { .path = other, .data = "edited by hand\n", .len = 15 };

		snprintf(other, sizeof(other), "%s/other.md", f->dir);
		put(other, "edited by hand\n");
		assert_int_equal(ad_output_check(&t, f->path, "result\n", 7, &ko, 1, NULL), 0);
		assert_int_equal(t.state, AD_OUTPUT_FOREIGN);
		assert_false(ad_output_allowed(&t, false));
		ad_output_target_clear(&t);
	}
}

/* What the decision was made on is checked again at the write: a file
 * changed or created meanwhile is not replaced, even when forced. */
static void test_changed_meanwhile(void **state)
{
	fx *f = *state;
	ad_output_target t;
	ad_error err = AD_ERROR_INIT;
	char *got;

	put(f->path, "read\n");
	assert_int_equal(ad_output_check(&t, f->path, "result\n", 7, NULL, 0, NULL), 0);
	assert_true(ad_output_allowed(&t, true));
	put(f->path, "someone else\n");
	assert_int_equal(ad_output_write(&t, "result\n", 7, &err), AD_ECHANGED);
	got = slurp(f->path);
	assert_string_equal(got, "someone else\n");
	free(got);
	ad_output_target_clear(&t);
	ad_error_clear(&err);

	unlink(f->path);
	assert_int_equal(ad_output_check(&t, f->path, "result\n", 7, NULL, 0, NULL), 0);
	assert_int_equal(t.state, AD_OUTPUT_NEW);
	put(f->path, "created meanwhile\n");
	assert_int_equal(ad_output_write(&t, "result\n", 7, &err), AD_EEXISTS);
	got = slurp(f->path);
	assert_string_equal(got, "created meanwhile\n");
	free(got);
	ad_output_target_clear(&t);
	ad_error_clear(&err);
}

static void test_plan_paths(void **state)
{
	ad_buf b = AD_BUF_INIT;
	ad_plan *p = NULL;
	const char text[] = "agentdiff-plan 1\nvariant 1 \"a.md\"\noutput \"merged.md\"\n";

	(void)state;
	ad_output_plan_path(&b, "agents/x.md");
	assert_string_equal(b.ptr, "agents/x.plan");
	ad_output_plan_path(&b, "x");
	assert_string_equal(b.ptr, "x.plan");

	assert_int_equal(ad_plan_parse(&p, "t.plan", text, sizeof(text) - 1, NULL), 0);
	assert_true(ad_output_plan_target(&b, p, "plans"));
	assert_string_equal(b.ptr, "plans/merged.md");
	assert_true(ad_output_plan_target(&b, p, "."));
	assert_string_equal(b.ptr, "merged.md");
	ad_plan_free(p);
	ad_buf_free(&b);
}

/* Only what was written is committed; an empty message commits nothing.
 * (Both are refused before git is asked, so no repository is needed.) */
static void test_commit_refusals(void **state)
{
	fx *f = *state;
	ad_git_commit_result res;
	ad_error err = AD_ERROR_INIT;

	put(f->path, "written\n");
	assert_int_equal(ad_output_commit(&res, f->path, "written\n", 8, " \n\t\n", &err),
			 AD_EINVALID);
	assert_non_null(strstr(err.message, "message is empty"));
	ad_error_clear(&err);
	put(f->path, "changed after\n");
	assert_int_equal(ad_output_commit(&res, f->path, "written\n", 8, "Merge", &err),
			 AD_ECONFLICT);
	assert_non_null(strstr(err.message, "changed since it was written"));
	ad_error_clear(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_known_changed_foreign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_meanwhile, setup, teardown),
		cmocka_unit_test(test_plan_paths),
		cmocka_unit_test_setup_teardown(test_commit_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
