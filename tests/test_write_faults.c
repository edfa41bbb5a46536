/*
 * test_write_faults: ad_write_file_atomic() under failures and kills.
 *
 * Every step of the write is made to fail in turn (AD_FAULT_INJECT, see
 * src/util.c: creating the temporary file, a write that fails, a short
 * write followed by a full disk, fsync, close, rename, the folder's fsync),
 * over an existing file and over none; then a writer is killed with SIGKILL
 * at each step, and at random moments while it rewrites a large file in a
 * loop.  After each, the target must hold exactly the old bytes or exactly
 * the new ones (and keep its permissions), and no file but the target may
 * be left in the folder, except the temporary file of a killed writer,
 * which nothing can remove.
 *
 * The folders are made below $AD_BUILDDIR/tests (the build's file system)
 * or $TMPDIR, and removed.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

#define TARGET "agent.md"

typedef struct {
	char dir[512];
	char path[600];
	ad_buf old, new; /* two contents of different sizes */
} fixture;

static void fill(ad_buf *b, const char *word, size_t lines)
{
	size_t i;

	for (i = 0; i < lines; i++)
		ad_buf_printf(b, "%s line %zu of %zu\n", word, i, lines);
}

static int setup(void **state)
{
	fixture *f = ad_xcalloc(1, sizeof(*f));
	const char *base = getenv("AD_BUILDDIR"), *tmp = getenv("TMPDIR");

	if (base && *base)
		snprintf(f->dir, sizeof(f->dir), "%s/tests/write-faults-XXXXXX", base);
	else
		snprintf(f->dir, sizeof(f->dir), "%s/ad-write-faults-XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/" TARGET, f->dir);
	fill(&f->old, "old", 20000); /* ~460 KB */
	fill(&f->new, "new", 50000); /* ~1.2 MB */
	*state = f;
	return 0;
}

/* Removes everything in the folder, then the folder. */
static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[1024];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

static int teardown(void **state)
{
	fixture *f = *state;

	empty_dir(f->dir);
	rmdir(f->dir);
	ad_buf_free(&f->old);
	ad_buf_free(&f->new);
	free(f);
	return 0;
}

static void put_file(const char *path, const ad_buf *b, mode_t mode)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(b->ptr, 1, b->size, fp), b->size);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* 0: the file holds exactly b; else a description of what it holds. */
static const char *holds(const char *path, const ad_buf *b)
{
	char *data = NULL;
	size_t len = 0;
	const char *what = NULL;

	if (ad_read_file(&data, &len, path, (size_t)16 << 20, NULL) < 0)
		return "cannot be read";
	if (len != b->size)
		what = "a different size";
	else if (memcmp(data, b->ptr, len) != 0)
		what = "different bytes of the same size";
	free(data);
	return what;
}

/* Names in the folder other than the target: temporaries counts those
 * named like ours, others the rest. */
static void leftovers(const char *dir, int *temporaries, int *others, bool *target)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*temporaries = *others = 0;
	*target = false;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, TARGET))
			*target = true;
		else if (!strncmp(e->d_name, "." TARGET ".agentdiff-", strlen("." TARGET ".agentdiff-")))
			(*temporaries)++;
		else
			(*others)++;
	}
	closedir(d);
}

static void remove_temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[1024];

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "." TARGET ".agentdiff-", strlen("." TARGET ".agentdiff-")))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* ------------------------------------------------------------ failures */

typedef struct {
	const char *step;
	const char *message; /* what the error says */
} failure;

static const failure failures[] = {
	{ "open", "cannot create a temporary file: Input/output error" },
	{ "write", "write failed: No space left on device" },
	{ "short-write", "write failed: No space left on device" },
	{ "fsync", "cannot sync: Input/output error" },
	{ "close", "close failed: Input/output error" },
	{ "rename", "cannot replace the file: Input/output error" },
};

static void test_fail_each_step(void **state)
{
	fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
		ad_error err = AD_ERROR_INIT;
		int temporaries, others, rc;
		bool target;
		const char *what;

		put_file(f->path, &f->old, 0640);
		setenv("AD_FAULT_INJECT", failures[i].step, 1);
		rc = ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err);
		unsetenv("AD_FAULT_INJECT");

		if (rc != AD_EIO || !err.message || strcmp(err.message, failures[i].message))
			fail_msg("%s: returned %d, \"%s\"; expected AD_EIO, \"%s\"", failures[i].step,
				 rc, err.message ? err.message : "", failures[i].message);
		if ((what = holds(f->path, &f->old)) != NULL)
			fail_msg("%s failed, and the file holds %s, not the old bytes",
				 failures[i].step, what);
		assert_int_equal(mode_of(f->path), 0640);
		leftovers(f->dir, &temporaries, &others, &target);
		if (temporaries || others || !target)
			fail_msg("%s failed, and left %d temporary and %d other files",
				 failures[i].step, temporaries, others);
		ad_error_clear(&err);
	}
}

static void test_fail_each_step_new_file(void **state)
{
	fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
		ad_error err = AD_ERROR_INIT;
		int temporaries, others;
		bool target;

		unlink(f->path);
		setenv("AD_FAULT_INJECT", failures[i].step, 1);
		assert_int_equal(ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err), AD_EIO);
		unsetenv("AD_FAULT_INJECT");
		leftovers(f->dir, &temporaries, &others, &target);
		if (temporaries || others || target)
			fail_msg("%s failed on a new file, and left %s, %d temporary and %d other "
				 "files", failures[i].step, target ? "the target" : "no target",
				 temporaries, others);
		ad_error_clear(&err);
	}
}

/* After the rename the file is replaced: a folder fsync that fails is not
 * an error, and the new bytes are there. */
static void test_dirsync_failure(void **state)
{
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	int temporaries, others;
	bool target;

	put_file(f->path, &f->old, 0600);
	setenv("AD_FAULT_INJECT", "dirsync", 1);
	assert_int_equal(ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err), 0);
	unsetenv("AD_FAULT_INJECT");
	assert_null(holds(f->path, &f->new));
	assert_int_equal(mode_of(f->path), 0600);
	leftovers(f->dir, &temporaries, &others, &target);
	assert_true(target && temporaries == 0 && others == 0);
}

/* Without injection: the new bytes, the old permissions, nothing else. */
static void test_no_fault(void **state)
{
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	int temporaries, others;
	bool target;

	put_file(f->path, &f->old, 0604);
	assert_int_equal(ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err), 0);
	assert_null(holds(f->path, &f->new));
	assert_int_equal(mode_of(f->path), 0604);
	/* An unknown step name injects nothing. */
	setenv("AD_FAULT_INJECT", "no-such-step", 1);
	assert_int_equal(ad_write_file_atomic(f->path, f->old.ptr, f->old.size, &err), 0);
	unsetenv("AD_FAULT_INJECT");
	assert_null(holds(f->path, &f->old));
	leftovers(f->dir, &temporaries, &others, &target);
	assert_true(target && temporaries == 0 && others == 0);
}

/* AD_WRITE_NO_SYNC (the merge driver's scratch result): never syncs, so a
 * failing fsync cannot stop it; still the whole new file or none. */
static void test_no_sync(void **state)
{
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	int temporaries, others;
	bool target;

	put_file(f->path, &f->old, 0640);
	setenv("AD_FAULT_INJECT", "fsync", 1);
	assert_int_equal(ad_write_file_atomic_flags(f->path, f->new.ptr, f->new.size,
						    AD_WRITE_NO_SYNC, &err), 0);
	assert_null(holds(f->path, &f->new));
	/* Synced as usual without the flag: the same fault fails it. */
	assert_true(ad_write_file_atomic_flags(f->path, f->old.ptr, f->old.size, 0, &err) < 0);
	ad_error_clear(&err);
	unsetenv("AD_FAULT_INJECT");
	assert_null(holds(f->path, &f->new));
	assert_int_equal(mode_of(f->path), 0640);
	leftovers(f->dir, &temporaries, &others, &target);
	assert_true(target && temporaries == 0 && others == 0);
}

/* ------------------------------------------------------------ kills */

/* Runs ad_write_file_atomic(path, b) in a child with AD_FAULT_INJECT set to
 * inject; returns the child's wait status. */
static int write_in_child(const char *path, const ad_buf *b, const char *inject)
{
	pid_t pid;
	int status = 0;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (inject)
			setenv("AD_FAULT_INJECT", inject, 1);
		_exit(ad_write_file_atomic(path, b->ptr, b->size, NULL) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void test_kill_at_each_step(void **state)
{
	static const struct {
		const char *inject;
		bool replaced;   /* the new bytes are in place when it dies */
		int temporaries; /* left behind */
	} kills[] = {
		{ "kill:open", false, 0 },
		{ "kill:write", false, 1 },
		{ "kill:short-write", false, 1 },
		{ "kill:fsync", false, 1 },
		{ "kill:close", false, 1 },
		{ "kill:rename", false, 1 },
		{ "kill:dirsync", true, 0 },
	};
	fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(kills) / sizeof(kills[0]); i++) {
		int status, temporaries, others;
		bool target;
		const char *what;

		put_file(f->path, &f->old, 0644);
		status = write_in_child(f->path, &f->new, kills[i].inject);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			fail_msg("%s: the writer was not killed (status %#x)", kills[i].inject,
				 status);
		what = holds(f->path, kills[i].replaced ? &f->new : &f->old);
		if (what)
			fail_msg("%s: the file holds %s, not the %s bytes", kills[i].inject, what,
				 kills[i].replaced ? "new" : "old");
		leftovers(f->dir, &temporaries, &others, &target);
		if (!target || others || temporaries != kills[i].temporaries)
			fail_msg("%s: left %d temporary files (expected %d) and %d others",
				 kills[i].inject, temporaries, kills[i].temporaries, others);
		remove_temporaries(f->dir);
	}
}

/* A writer rewrites the file in a loop, alternating two contents, and is
 * killed at a random moment; the file must hold one of them, whole. */
static void test_kill_at_random_moments(void **state)
{
	fixture *f = *state;
	uint64_t x = 0x9E3779B97F4A7C15ull;
	int round, saw_old = 0, saw_new = 0, saw_temporary = 0;

	put_file(f->path, &f->old, 0644);
	for (round = 0; round < 40; round++) {
		struct timespec ts;
		int status, temporaries, others;
		bool target;
		pid_t pid;

		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			for (unsigned k = 0;; k++)
				ad_write_file_atomic(f->path, k % 2 ? f->old.ptr : f->new.ptr,
						     k % 2 ? f->old.size : f->new.size, NULL);
		}
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(x % 30000000); /* up to 30 ms */
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));

		if (!holds(f->path, &f->old))
			saw_old++;
		else if (!holds(f->path, &f->new))
			saw_new++;
		else
			fail_msg("round %d: killed writer left a file that is neither the old "
				 "nor the new content (%s)", round, holds(f->path, &f->new));
		leftovers(f->dir, &temporaries, &others, &target);
		if (!target || others || temporaries > 1)
			fail_msg("round %d: left %d temporary files and %d others", round,
				 temporaries, others);
		saw_temporary += temporaries;
		remove_temporaries(f->dir);
	}
	print_message("killed 40 writers: %d left the old content, %d the new, %d a "
		      "temporary file\n", saw_old, saw_new, saw_temporary);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fail_each_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_each_step_new_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dirsync_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_at_each_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_at_random_moments, setup, teardown),
	};

	return cmocka_run_group_tests_name("write_faults", tests, NULL, NULL);
}
