/*
 * test_write_faults: ad_write_file() (src/fileio.h) under failures, kills,
 * and the files an editor's save must not break.
 *
 * Every step of the write is made to fail in turn (AD_FAULT_INJECT, see
 * src/fileio.c: creating the temporary file, a write that fails, a short
 * write followed by a full disk, fsync, close, rename, the folder's fsync),
 * over an existing file and over none; then a writer is killed with SIGKILL
 * at each step, and at random moments while it rewrites a large file in a
 * loop.  After each, the target must hold exactly the old bytes or exactly
 * the new ones (and keep its permissions), and no file but the target may
 * be left in the folder, except the temporary file of a killed writer,
 * which nothing can remove.
 *
 * Then what a save keeps: modes (0600 stays 0600; a new file gets the
 * umask's), owner and group (as root), extended attributes and ACLs (where
 * the file system has them), symbolic links (the link stays, the file it
 * leads to changes), hard links (every name sees the new content); special
 * files (a device node, a FIFO with a reader, /dev/null and /dev/stdout are
 * written, not replaced; a directory and a socket are refused); names of
 * 255 bytes; a file size limit (SIGXFSZ ignored, "file too large");
 * exclusive creation raced by several writers; and a replacement refused
 * when the file changed since it was read, also while the writer waits for
 * the lock.
 *
 * The folders are made below $AD_BUILDDIR/tests (the build's file system)
 * or $TMPDIR, and removed.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "util.h"

#define TARGET "agent.md"
/* The temporary file's name, whatever the target's. */
#define TEMP_PREFIX ".agentdiff-"

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

/* Removes everything in the folder (and in its folders), then the folder. */
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
		if (unlink(p) < 0 && errno == EISDIR)
			empty_dir(p);
	}
	closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	fixture *f = *state;

	empty_dir(f->dir);
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
		else if (!strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)))
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
		if (strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)))
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
	ad_write_options opts = AD_WRITE_OPTIONS_INIT;
	ad_error err = AD_ERROR_INIT;
	int temporaries, others;
	bool target;

	put_file(f->path, &f->old, 0640);
	setenv("AD_FAULT_INJECT", "fsync", 1);
	opts.flags = AD_WRITE_NO_SYNC;
	assert_int_equal(ad_write_file(f->path, f->new.ptr, f->new.size, &opts, &err), 0);
	assert_null(holds(f->path, &f->new));
	/* Synced as usual without the flag: the same fault fails it. */
	assert_true(ad_write_file(f->path, f->old.ptr, f->old.size, NULL, &err) < 0);
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

/* ------------------------------------------------------------ what a save keeps */

/* In the fixture's folder: the path of name, in a buffer of PATH_SIZE. */
#define PATH_SIZE 1024
static const char *in_dir(char *out, const fixture *f, const char *name)
{
	snprintf(out, PATH_SIZE, "%s/%s", f->dir, name);
	return out;
}

/* Entries of dir, and how many of them are temporary files. */
static void census(const char *dir, int *entries, int *temporaries)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*entries = *temporaries = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		(*entries)++;
		if (!strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)))
			(*temporaries)++;
	}
	closedir(d);
}

static void expect_census(const char *dir, int entries)
{
	int n, temporaries;

	census(dir, &n, &temporaries);
	if (n != entries || temporaries)
		fail_msg("%s holds %d names (expected %d), %d of them temporary files", dir, n,
			 entries, temporaries);
}

/* A 0600 file stays 0600 (and others keep theirs); a new file gets
 * 0666 less the umask, not a fixed mode. */
static void test_modes_and_umask(void **state)
{
	static const mode_t modes[] = { 0600, 0640, 0755, 0444 };
	static const mode_t masks[] = { 077, 027, 022, 002 };
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		put_file(f->path, &f->old, modes[i]);
		assert_int_equal(ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err), 0);
		assert_null(holds(f->path, &f->new));
		if (mode_of(f->path) != modes[i])
			fail_msg("a %04o file became %04o", (unsigned)modes[i],
				 (unsigned)mode_of(f->path));
	}
	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		mode_t old = umask(masks[i]);
		int rc;

		unlink(f->path);
		rc = ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err);
		umask(old);
		assert_int_equal(rc, 0);
		if (mode_of(f->path) != (0666 & ~masks[i]))
			fail_msg("a new file under umask %03o got %04o, not %04o", (unsigned)masks[i],
				 (unsigned)mode_of(f->path), (unsigned)(0666 & ~masks[i]));
	}
	expect_census(f->dir, 1);
}

/* As root, another user's file keeps its owner and group. */
static void test_owner_and_group(void **state)
{
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	struct stat st;

	if (geteuid() != 0) {
		skip();
		return;
	}
	put_file(f->path, &f->old, 0640);
	assert_int_equal(chown(f->path, 4242, 4343), 0);
	assert_int_equal(ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err), 0);
	assert_int_equal(stat(f->path, &st), 0);
	if (st.st_uid != 4242 || st.st_gid != 4343)
		fail_msg("owner %u:%u became %u:%u", 4242u, 4343u, (unsigned)st.st_uid,
			 (unsigned)st.st_gid);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_null(holds(f->path, &f->new));
}

/* An access ACL as Linux stores it (posix_acl_xattr): user::rw-,
 * user:4242:r--, group::r--, mask::r--, other::---. */
static size_t acl_blob(unsigned char *out)
{
	static const struct {
		unsigned tag, perm, id;
	} e[] = {
		{ 0x01, 6, 0xFFFFFFFFu }, { 0x02, 4, 4242 }, { 0x04, 4, 0xFFFFFFFFu },
		{ 0x10, 4, 0xFFFFFFFFu }, { 0x20, 0, 0xFFFFFFFFu },
	};
	size_t n = 0, i;

	out[n++] = 2, out[n++] = 0, out[n++] = 0, out[n++] = 0; /* version 2 */
	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		out[n++] = (unsigned char)e[i].tag;
		out[n++] = (unsigned char)(e[i].tag >> 8);
		out[n++] = (unsigned char)e[i].perm;
		out[n++] = (unsigned char)(e[i].perm >> 8);
		out[n++] = (unsigned char)e[i].id;
		out[n++] = (unsigned char)(e[i].id >> 8);
		out[n++] = (unsigned char)(e[i].id >> 16);
		out[n++] = (unsigned char)(e[i].id >> 24);
	}
	return n;
}

/* Extended attributes, an ACL among them, survive the replacement. */
static void test_xattrs_and_acl(void **state)
{
	static const char value[] = "kept \0 with a NUL";
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	unsigned char acl[64], got[64];
	size_t acl_len = acl_blob(acl);
	bool have_acl;
	char buf[64];
	ssize_t n;

	put_file(f->path, &f->old, 0640);
	if (setxattr(f->path, "user.agentdiff.test", value, sizeof(value), 0) < 0) {
		print_message("no user.* extended attributes here (%s); skipped\n", strerror(errno));
		skip();
		return;
	}
	have_acl = setxattr(f->path, "system.posix_acl_access", acl, acl_len, 0) == 0;
	assert_int_equal(ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err), 0);
	assert_null(holds(f->path, &f->new));
	n = getxattr(f->path, "user.agentdiff.test", buf, sizeof(buf));
	if (n != (ssize_t)sizeof(value) || memcmp(buf, value, sizeof(value)))
		fail_msg("the extended attribute user.agentdiff.test was lost (%s)",
			 n < 0 ? strerror(errno) : "different value");
	if (have_acl) {
		n = getxattr(f->path, "system.posix_acl_access", got, sizeof(got));
		if (n != (ssize_t)acl_len || memcmp(got, acl, acl_len))
			fail_msg("the ACL was lost (%s)", n < 0 ? strerror(errno) : "different");
	} else {
		print_message("no ACLs here; only user.* attributes checked\n");
	}
	assert_int_equal(mode_of(f->path), 0640);
	expect_census(f->dir, 1);
}

/* A link stays a link, to the same place; the file it leads to changes,
 * its temporary file made beside it.  A dangling link creates the file it
 * names; a loop is refused. */
static void test_symlinks(void **state)
{
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	char sub[PATH_SIZE], real[PATH_SIZE], chain[PATH_SIZE], abs_real[PATH_SIZE],
		a[PATH_SIZE], b[PATH_SIZE], lnk[PATH_SIZE];
	struct stat st;
	ssize_t n;

	in_dir(sub, f, "sub");
	in_dir(real, f, "sub/real.md");
	assert_int_equal(mkdir(sub, 0755), 0);
	put_file(real, &f->old, 0640);
	assert_int_equal(symlink("sub/real.md", f->path), 0); /* relative */
	assert_int_equal(ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err), 0);
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(f->path, lnk, sizeof(lnk) - 1);
	assert_true(n > 0);
	lnk[n] = '\0';
	assert_string_equal(lnk, "sub/real.md");
	assert_null(holds(real, &f->new));
	assert_int_equal(mode_of(real), 0640);
	expect_census(sub, 1);
	expect_census(f->dir, 2); /* the link and sub */

	/* Two links, the second absolute. */
	in_dir(chain, f, "chain.md");
	snprintf(abs_real, sizeof(abs_real), "%s", real);
	unlink(f->path);
	assert_int_equal(symlink(abs_real, chain), 0);
	assert_int_equal(symlink("chain.md", f->path), 0);
	assert_int_equal(ad_write_file_atomic(f->path, f->old.ptr, f->old.size, &err), 0);
	assert_null(holds(real, &f->old));
	assert_int_equal(lstat(chain, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	expect_census(sub, 1);
	expect_census(f->dir, 3);

	/* Dangling: the file the link names is made. */
	unlink(real);
	assert_int_equal(ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err), 0);
	assert_null(holds(real, &f->new));
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));

	/* A loop: refused, nothing made. */
	in_dir(a, f, "loop-a.md");
	in_dir(b, f, "loop-b.md");
	assert_int_equal(symlink("loop-b.md", a), 0);
	assert_int_equal(symlink("loop-a.md", b), 0);
	assert_true(ad_write_file_atomic(a, f->new.ptr, f->new.size, &err) < 0);
	assert_non_null(err.message);
	assert_non_null(strstr(err.message, "symbolic links"));
	ad_error_clear(&err);
	expect_census(f->dir, 5);
}

/* Every name of a file with several links sees the new content. */
static void test_hard_links(void **state)
{
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	char other[PATH_SIZE];
	struct stat a, b;
	int entries, temporaries;

	in_dir(other, f, "other-name.md");
	put_file(f->path, &f->old, 0640);
	assert_int_equal(link(f->path, other), 0);
	assert_int_equal(ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err), 0);
	assert_null(holds(f->path, &f->new));
	if (holds(other, &f->new))
		fail_msg("the other name of the file holds %s, not the new content",
			 holds(other, &f->new));
	assert_int_equal(stat(f->path, &a), 0);
	assert_int_equal(stat(other, &b), 0);
	assert_true(a.st_ino == b.st_ino && a.st_nlink == 2);
	assert_int_equal(a.st_mode & 07777, 0640);
	expect_census(f->dir, 2);
	/* Shorter content: the rest of the old one is cut. */
	assert_int_equal(ad_write_file_atomic(other, f->old.ptr, f->old.size, &err), 0);
	assert_null(holds(f->path, &f->old));

	/* The write in place fails half-way: the error names the temporary
	 * file, which holds the whole new content. */
	setenv("AD_FAULT_INJECT", "rename", 1);
	assert_int_equal(ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err), AD_EIO);
	unsetenv("AD_FAULT_INJECT");
	assert_non_null(strstr(err.message, "several links"));
	assert_non_null(strstr(err.message, TEMP_PREFIX));
	assert_null(holds(strstr(err.message, f->dir), &f->new));
	census(f->dir, &entries, &temporaries);
	assert_true(entries == 3 && temporaries == 1);
	ad_error_clear(&err);
}

/* Made here: a device node (as root), a FIFO with a reader; a directory
 * and a socket are refused. */
static void test_special_files(void **state)
{
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	char node[PATH_SIZE], fifo[PATH_SIZE], dir[PATH_SIZE], sock[PATH_SIZE], got[PATH_SIZE];
	struct sockaddr_un sa;
	struct stat st;
	int s, status;
	pid_t pid;

	if (geteuid() == 0) {
		in_dir(node, f, "null-node");
		assert_int_equal(mknod(node, S_IFCHR | 0666, makedev(1, 3)), 0);
		assert_int_equal(ad_write_file_atomic(node, f->new.ptr, f->new.size, &err), 0);
		assert_int_equal(lstat(node, &st), 0);
		if (!S_ISCHR(st.st_mode))
			fail_msg("a character device was replaced by a regular file");
		unlink(node);
	}

	/* A FIFO: a reader copies what comes to a file. */
	in_dir(fifo, f, "fifo");
	in_dir(got, f, "fifo-got");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char buf[65536];
		int in = open(fifo, O_RDONLY), out = open(got, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ssize_t n;

		while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n)
				_exit(1);
		_exit(in >= 0 && out >= 0 && close(out) == 0 ? 0 : 1);
	}
	assert_int_equal(ad_write_file_atomic(fifo, f->new.ptr, f->new.size, &err), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_null(holds(got, &f->new));
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	/* Not what a file to create or a file read before may be. */
	{
		ad_write_options opts = AD_WRITE_OPTIONS_INIT;

		opts.flags = AD_WRITE_EXCLUSIVE;
		assert_int_equal(ad_write_file(fifo, "x", 1, &opts, &err), AD_EEXISTS);
		opts.flags = AD_WRITE_IF_UNCHANGED;
		assert_int_equal(ad_write_file(fifo, "x", 1, &opts, &err), AD_ECHANGED);
		ad_error_clear(&err);
	}

	in_dir(dir, f, "folder.md");
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(ad_write_file_atomic(dir, "x", 1, &err), AD_EINVALID);
	assert_non_null(strstr(err.message, "is a directory"));
	ad_error_clear(&err);
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));

	in_dir(sock, f, "sock");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(s >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(sock) < sizeof(sa.sun_path)) {
		strcpy(sa.sun_path, sock);
		assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
		assert_int_equal(ad_write_file_atomic(sock, "x", 1, &err), AD_EINVALID);
		assert_non_null(strstr(err.message, "socket"));
		ad_error_clear(&err);
		assert_int_equal(lstat(sock, &st), 0);
		assert_true(S_ISSOCK(st.st_mode));
	}
	close(s);
	expect_census(f->dir, 4); /* fifo, fifo-got, folder.md, sock */
}

/* /dev/null stays a device; /dev/stdout writes to standard output, be it a
 * pipe or a file (which is written, not replaced). */
static void test_system_devices(void **state)
{
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	char out[PATH_SIZE];
	struct stat before, after;
	int status, fd;
	pid_t pid;

	assert_int_equal(ad_write_file_atomic("/dev/null", f->new.ptr, f->new.size, &err), 0);
	assert_int_equal(lstat("/dev/null", &after), 0);
	if (!S_ISCHR(after.st_mode))
		fail_msg("/dev/null is no longer a character device");

	in_dir(out, f, "stdout.md");
	put_file(out, &f->old, 0644);
	assert_int_equal(stat(out, &before), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(out, O_WRONLY);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(2);
		_exit(ad_write_file_atomic("/dev/stdout", f->new.ptr, f->new.size, NULL) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_null(holds(out, &f->new));
	assert_int_equal(stat(out, &after), 0);
	assert_true(before.st_ino == after.st_ino);
	assert_int_equal(lstat("/dev/null", &after), 0);
	assert_true(S_ISCHR(after.st_mode));
	expect_census(f->dir, 1);
}

/* A name of 255 bytes, and one of 80 CJK characters (240 bytes + ".md"). */
static void test_long_names(void **state)
{
	fixture *f = *state;
	ad_error err = AD_ERROR_INIT;
	char name[256], path[PATH_SIZE];
	int i, k;

	for (k = 0; k < 2; k++) {
		size_t n = 0;

		if (k == 0) {
			memset(name, 'n', 252);
			n = 252;
		} else {
			for (i = 0; i < 80; i++) {
				memcpy(name + n, "\xE8\x89\xB2", 3); /* U+8272 */
				n += 3;
			}
		}
		memcpy(name + n, ".md", 4);
		in_dir(path, f, name);
		put_file(path, &f->old, 0600);
		if (ad_write_file_atomic(path, f->new.ptr, f->new.size, &err) < 0)
			fail_msg("a name of %zu bytes cannot be written: %s", strlen(name),
				 err.message ? err.message : "");
		assert_null(holds(path, &f->new));
		assert_int_equal(mode_of(path), 0600);
		unlink(path);
		/* And new. */
		assert_int_equal(ad_write_file_atomic(path, f->new.ptr, f->new.size, &err), 0);
		unlink(path);
	}
	expect_census(f->dir, 0);
}

/* Under a file size limit the writer is not killed by SIGXFSZ: it fails
 * with "file too large", leaves the old file and no temporary file, and
 * gives SIGXFSZ back its disposition. */
static void test_file_size_limit(void **state)
{
	fixture *f = *state;
	int status;
	pid_t pid;

	put_file(f->path, &f->old, 0644);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 64 * 1024, 64 * 1024 };
		struct sigaction sa;
		ad_error err = AD_ERROR_INIT;
		int rc;

		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(10);
		rc = ad_write_file_atomic(f->path, f->new.ptr, f->new.size, &err);
		if (rc != AD_ETOOBIG)
			_exit(11);
		if (!err.message || !strstr(err.message, "file too large"))
			_exit(12);
		if (sigaction(SIGXFSZ, NULL, &sa) < 0 || sa.sa_handler != SIG_DFL)
			_exit(13);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("the writer was killed by signal %d", WTERMSIG(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the writer's check %d failed (11: not AD_ETOOBIG, 12: no \"file too "
			 "large\", 13: SIGXFSZ not restored)", WEXITSTATUS(status));
	assert_null(holds(f->path, &f->old));
	expect_census(f->dir, 1);
}

/* AD_WRITE_EXCLUSIVE: an existing file is not touched; of writers racing
 * to create one file, exactly one succeeds and its content is whole. */
static void test_exclusive_create(void **state)
{
	enum { WRITERS = 8 };
	fixture *f = *state;
	ad_write_options opts = AD_WRITE_OPTIONS_INIT;
	ad_error err = AD_ERROR_INIT;
	ad_buf content[WRITERS];
	int go[2], round, w, status;

	opts.flags = AD_WRITE_EXCLUSIVE;
	put_file(f->path, &f->old, 0640);
	assert_int_equal(ad_write_file(f->path, f->new.ptr, f->new.size, &opts, &err), AD_EEXISTS);
	assert_non_null(strstr(err.message, "exists"));
	ad_error_clear(&err);
	assert_null(holds(f->path, &f->old));
	expect_census(f->dir, 1);

	for (w = 0; w < WRITERS; w++) {
		memset(&content[w], 0, sizeof(content[w]));
		ad_buf_printf(&content[w], "writer %d\n", w);
		fill(&content[w], "w", 2000 + (size_t)w * 500);
	}
	for (round = 0; round < 5; round++) {
		pid_t pids[WRITERS];
		int won = 0, lost = 0, winner = -1;
		char c = 0;

		unlink(f->path);
		assert_int_equal(pipe(go), 0);
		fflush(NULL);
		for (w = 0; w < WRITERS; w++) {
			pids[w] = fork();
			assert_true(pids[w] >= 0);
			if (pids[w] == 0) {
				int rc;

				close(go[1]);
				if (read(go[0], &c, 1) < 0) /* all start at once */
					_exit(9);
				rc = ad_write_file(f->path, content[w].ptr, content[w].size, &opts, NULL);
				_exit(rc == 0 ? 0 : rc == AD_EEXISTS ? 3 : 4);
			}
		}
		close(go[0]);
		close(go[1]); /* go */
		for (w = 0; w < WRITERS; w++) {
			assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
			assert_true(WIFEXITED(status));
			if (WEXITSTATUS(status) == 0) {
				won++;
				winner = w;
			} else if (WEXITSTATUS(status) == 3) {
				lost++;
			}
		}
		if (won != 1 || lost != WRITERS - 1)
			fail_msg("round %d: %d writers created the file, %d were told it exists "
				 "(expected 1 and %d)", round, won, lost, WRITERS - 1);
		assert_null(holds(f->path, &content[winner]));
		expect_census(f->dir, 1);
	}
	for (w = 0; w < WRITERS; w++)
		ad_buf_free(&content[w]);
}

/* AD_WRITE_IF_UNCHANGED: the file is replaced only if it still holds what
 * the caller read, checked under the lock: a change made by a program
 * holding the lock while the writer waits is seen. */
static void test_changed_since_read(void **state)
{
	fixture *f = *state;
	ad_write_options opts = AD_WRITE_OPTIONS_INIT;
	ad_error err = AD_ERROR_INIT;
	int ready[2], status;
	char c;
	pid_t pid;

	opts.flags = AD_WRITE_IF_UNCHANGED;
	opts.expect = f->old.ptr;
	opts.expect_len = f->old.size;
	put_file(f->path, &f->old, 0640);
	assert_int_equal(ad_write_file(f->path, f->new.ptr, f->new.size, &opts, &err), 0);
	assert_null(holds(f->path, &f->new));

	/* Now it holds the new bytes, not the old ones the caller expects. */
	assert_int_equal(ad_write_file(f->path, f->old.ptr, f->old.size, &opts, &err), AD_ECHANGED);
	assert_non_null(strstr(err.message, "changed on disk since it was read"));
	ad_error_clear(&err);
	assert_null(holds(f->path, &f->new));
	expect_census(f->dir, 1);
	/* Removed since: not made again. */
	unlink(f->path);
	assert_int_equal(ad_write_file(f->path, f->new.ptr, f->new.size, &opts, &err), AD_ECHANGED);
	ad_error_clear(&err);
	expect_census(f->dir, 0);

	/* Another program locks the file, and changes it while we wait. */
	put_file(f->path, &f->old, 0640);
	assert_int_equal(pipe(ready), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec ts = { 0, 300 * 1000 * 1000 };
		int fd = open(f->path, O_RDWR);

		if (fd < 0 || flock(fd, LOCK_EX) < 0 || write(ready[1], "x", 1) != 1)
			_exit(1);
		nanosleep(&ts, NULL);
		if (pwrite(fd, "CHANGED", 7, 0) != 7)
			_exit(1);
		_exit(0); /* the lock goes with the process */
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_int_equal(ad_write_file(f->path, f->new.ptr, f->new.size, &opts, &err), AD_ECHANGED);
	ad_error_clear(&err);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	{
		char *data = NULL;
		size_t len = 0;

		assert_int_equal(ad_read_file(&data, &len, f->path, (size_t)16 << 20, NULL), 0);
		assert_true(len == f->old.size && !memcmp(data, "CHANGED", 7));
		free(data);
	}
	expect_census(f->dir, 1);
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
		cmocka_unit_test_setup_teardown(test_modes_and_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_and_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xattrs_and_acl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hard_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_special_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_system_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_size_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exclusive_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_since_read, setup, teardown),
	};

	return cmocka_run_group_tests_name("write_faults", tests, NULL, NULL);
}
