/*
 * test_git: src/git.c against real repositories.
 *
 * Each test builds its repositories with the git command in a fresh
 * temporary folder, with HOME, XDG_CONFIG_HOME and GIT_CONFIG_NOSYSTEM set
 * so that no configuration of the machine leaks in, and
 * GIT_CEILING_DIRECTORIES so that no repository around the temporary
 * folder is found.  Without git on the PATH every test is skipped.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <ftw.h>
#include <limits.h>
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

#include "git.h"
#include "util.h"

typedef struct {
	char root[PATH_MAX];
	char cwd[PATH_MAX];
} fixture;

static bool have_git(void)
{
	return system("git --version >/dev/null 2>&1") == 0;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	char home[PATH_MAX + 16];

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "%s/agentdiff-git-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->root));
	assert_non_null(getcwd(f->cwd, sizeof(f->cwd)));
	snprintf(home, sizeof(home), "%s/home", f->root);
	assert_int_equal(mkdir(home, 0700), 0);
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CEILING_DIRECTORIES", f->root, 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	unsetenv("GIT_COMMITTER_NAME");
	unsetenv("GIT_COMMITTER_EMAIL");
	assert_int_equal(chdir(f->root), 0);
	*state = f;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

static int teardown(void **state)
{
	fixture *f = *state;

	if (!f)
		return 0;
	assert_int_equal(chdir(f->cwd), 0);
	nftw(f->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Runs a shell command in the fixture's folder; fails the test unless it
 * exits 0. */
static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	ad_buf cmd = AD_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	ad_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	ad_buf_puts(&cmd, " >/dev/null 2>&1");
	rc = system(cmd.ptr);
	if (rc != 0)
		fail_msg("command failed (%d): %s", rc, cmd.ptr);
	ad_buf_free(&cmd);
}

/* The output of a shell command (stdout only). */
static char *out_of_v(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *out_of_v(const char *fmt, va_list ap)
{
	ad_buf cmd = AD_BUF_INIT, out = AD_BUF_INIT;
	FILE *fp;
	char chunk[4096];
	size_t n;

	ad_buf_vprintf(&cmd, fmt, ap);
	fp = popen(cmd.ptr, "r");
	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ad_buf_put(&out, chunk, n);
	pclose(fp);
	ad_buf_free(&cmd);
	return ad_buf_detach(&out);
}

static char *out_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *out_of(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = out_of_v(fmt, ap);
	va_end(ap);
	return out;
}

/* Fails the test unless the shell command prints exactly expect. */
static void assert_output(const char *expect, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void assert_output(const char *expect, const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = out_of_v(fmt, ap);
	va_end(ap);
	assert_string_equal(out, expect);
	free(out);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

#define V1 "---\nname: x\n---\n\n# X\n\nfirst\n"
#define V2 "---\nname: x\n---\n\n# X\n\nsecond\n"
#define V3 "---\nname: x\n---\n\n# X\n\nthird\n"

/* repo/ with agents/x.md committed three times (V1, V2, V3) and one
 * commit in between that does not touch it. */
static void make_repo(void)
{
	sh("git init -q -b main repo");
	sh("cd repo && git config user.name Tester && git config user.email tester@example.com");
	sh("mkdir -p repo/agents repo/docs");
	write_file("repo/agents/x.md", V1);
	sh("cd repo && git add -A && git commit -q -m 'first x'");
	write_file("repo/agents/x.md", V2);
	sh("cd repo && git commit -q -a -m 'second x'");
	write_file("repo/docs/other.md", "other\n");
	sh("cd repo && git add -A && git commit -q -m 'not x'");
	write_file("repo/agents/x.md", V3);
	sh("cd repo && git commit -q -a -m 'third x' && git tag v3");
}

#define NEED_GIT()                                                                                 \
	do {                                                                                       \
		if (!have_git())                                                                   \
			skip();                                                                    \
	} while (0)

/* ------------------------------------------------------------ REV:PATH */

static void test_is_revpath(void **state)
{
	(void)state;
	NEED_GIT();
	assert_true(ad_git_is_revpath("HEAD:agents/x.md", NULL));
	assert_true(ad_git_is_revpath("HEAD@{1 day ago}:x.md", NULL));
	assert_false(ad_git_is_revpath(":x.md", NULL));
	assert_false(ad_git_is_revpath("x.md", NULL));
	assert_false(ad_git_is_revpath("HEAD@{10:00}", NULL));
	/* A file of that name wins. */
	write_file("a:b.md", "file\n");
	assert_false(ad_git_is_revpath("a:b.md", NULL));
	assert_true(ad_git_is_revpath("a:c.md", NULL));
}

static void test_read_revisions(void **state)
{
	ad_git_file f;
	ad_error err = AD_ERROR_INIT;
	char *head;

	(void)state;
	NEED_GIT();
	make_repo();
	assert_int_equal(ad_git_read(&f, "HEAD:agents/x.md", "repo", &err), 0);
	assert_int_equal(f.size, strlen(V3));
	assert_memory_equal(f.data, V3, f.size);
	assert_string_equal(f.label, "HEAD:agents/x.md");
	assert_string_equal(f.path, "agents/x.md");
	assert_string_equal(f.rev, "HEAD");
	head = out_of("cd repo && git rev-parse HEAD");
	assert_memory_equal(f.commit, head, 40);
	assert_true(strlen(f.short_id) >= 7);
	assert_memory_equal(f.short_id, head, strlen(f.short_id));
	assert_string_equal(f.subject, "third x");
	assert_int_equal(strlen(f.date), 10);
	free(head);
	head = out_of("cd repo && git rev-parse HEAD:agents/x.md");
	assert_memory_equal(f.blob, head, 40);
	free(head);
	ad_git_file_clear(&f);

	/* HEAD~2 skips the commit that did not touch the file... in the
	 * graph, not here: HEAD~2 is "second x". */
	assert_int_equal(ad_git_read(&f, "HEAD~2:agents/x.md", "repo", &err), 0);
	assert_memory_equal(f.data, V2, f.size);
	ad_git_file_clear(&f);
	assert_int_equal(ad_git_read(&f, "v3~3:agents/x.md", "repo", &err), 0);
	assert_memory_equal(f.data, V1, f.size);
	ad_git_file_clear(&f);

	/* "./x" starts from the folder we read from, as in git. */
	assert_int_equal(ad_git_read(&f, "HEAD~2:./x.md", "repo/agents", &err), 0);
	assert_memory_equal(f.data, V2, f.size);
	assert_string_equal(f.path, "agents/x.md");
	ad_git_file_clear(&f);
	assert_int_equal(ad_git_read(&f, "HEAD:../agents/x.md", "repo/docs", &err), 0);
	assert_string_equal(f.path, "agents/x.md");
	ad_git_file_clear(&f);
	ad_error_clear(&err);
}

static void test_read_errors(void **state)
{
	ad_git_file f;
	ad_error err = AD_ERROR_INIT;

	(void)state;
	NEED_GIT();
	make_repo();
	assert_int_equal(ad_git_read(&f, "nosuch:agents/x.md", "repo", &err), AD_ENOTFOUND);
	assert_non_null(strstr(err.message, "'nosuch' is not a revision"));
	assert_null(f.data);
	assert_int_equal(ad_git_read(&f, "HEAD:agents/y.md", "repo", &err), AD_ENOTFOUND);
	assert_non_null(strstr(err.message, "'agents/y.md' is not in HEAD"));
	/* Paths are from the root unless they start with ./ */
	assert_int_equal(ad_git_read(&f, "HEAD:x.md", "repo/agents", &err), AD_ENOTFOUND);
	assert_int_equal(ad_git_read(&f, "HEAD:agents", "repo", &err), AD_EINVALID);
	assert_non_null(strstr(err.message, "is a folder"));
	assert_int_equal(ad_git_read(&f, "HEAD:../x.md", "repo", &err), AD_EINVALID);
	assert_non_null(strstr(err.message, "outside the repository"));
	assert_int_equal(ad_git_read(&f, "HEAD:", "repo", &err), AD_EINVALID);
	/* Not in a repository at all. */
	sh("mkdir plain");
	assert_int_equal(ad_git_read(&f, "HEAD:x.md", "plain", &err), AD_ENOTFOUND);
	assert_non_null(strstr(err.message, "no git repository"));
	/* A branch with no commits yet. */
	sh("git init -q -b main empty");
	assert_int_equal(ad_git_read(&f, "HEAD:x.md", "empty", &err), AD_ENOTFOUND);
	assert_non_null(strstr(err.message, "no commits yet"));
	/* A symbolic link in the tree is not a file. */
	sh("cd repo && ln -s agents/x.md link.md && git add link.md && git commit -q -m link");
	assert_int_equal(ad_git_read(&f, "HEAD:link.md", "repo", &err), AD_EINVALID);
	assert_non_null(strstr(err.message, "symbolic link"));
	ad_error_clear(&err);
}

/* ------------------------------------------------------------ history */

static void test_history(void **state)
{
	ad_git_file *h = NULL;
	size_t n = 0;
	ad_error err = AD_ERROR_INIT;

	(void)state;
	NEED_GIT();
	make_repo();
	assert_int_equal(ad_git_history(&h, &n, "repo/agents/x.md", NULL, 10, &err), 0);
	/* Three changes; the commit that did not touch it is not one. */
	assert_int_equal(n, 3);
	assert_memory_equal(h[0].data, V3, h[0].size);
	assert_memory_equal(h[1].data, V2, h[1].size);
	assert_memory_equal(h[2].data, V1, h[2].size);
	assert_string_equal(h[0].subject, "third x");
	assert_string_equal(h[2].subject, "first x");
	{
		char label[64];

		snprintf(label, sizeof(label), "%s:agents/x.md", h[1].short_id);
		assert_string_equal(h[1].label, label);
	}
	ad_git_files_free(h, n);

	/* -n 2: the newest two. */
	assert_int_equal(ad_git_history(&h, &n, "agents/x.md", "repo", 2, &err), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(h[0].data, V3, h[0].size);
	assert_memory_equal(h[1].data, V2, h[1].size);
	ad_git_files_free(h, n);

	/* Followed through a rename, with an edit after it. */
	sh("cd repo && git mv agents/x.md agents/y.md && git commit -q -m rename");
	write_file("repo/agents/y.md", V3 "more\n");
	sh("cd repo && git commit -q -a -m 'after rename'");
	assert_int_equal(ad_git_history(&h, &n, "repo/agents/y.md", NULL, 10, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(h[0].path, "agents/y.md");
	assert_string_equal(h[1].path, "agents/x.md");
	assert_memory_equal(h[1].data, V3, h[1].size);
	assert_memory_equal(h[3].data, V1, h[3].size);
	ad_git_files_free(h, n);

	/* A file with no history, and a file outside any repository. */
	write_file("repo/new.md", "new\n");
	assert_int_equal(ad_git_history(&h, &n, "repo/new.md", NULL, 10, &err), AD_ENOTFOUND);
	assert_null(h);
	write_file("loose.md", "x\n");
	assert_int_equal(ad_git_history(&h, &n, "loose.md", NULL, 10, &err), AD_ENOTFOUND);
	ad_error_clear(&err);
}

static void test_history_merge(void **state)
{
	ad_git_file *h = NULL;
	size_t n = 0;
	ad_error err = AD_ERROR_INIT;

	(void)state;
	NEED_GIT();
	make_repo();
	/* A side branch changes the file; the merge takes its version, so
	 * the merge itself is no new revision. */
	sh("cd repo && git checkout -q -b side && printf 'side\\n' >> agents/x.md && "
	   "git commit -q -a -m side && git checkout -q main && "
	   "printf 'y\\n' > docs/y.md && git add -A && git commit -q -m 'main only' && "
	   "git merge -q --no-edit side");
	assert_int_equal(ad_git_history(&h, &n, "repo/agents/x.md", NULL, 10, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(h[0].subject, "side");
	ad_git_files_free(h, n);
	ad_error_clear(&err);
}

static void test_hash_blob(void **state)
{
	char id[AD_GIT_HEXSIZE + 1];
	char *expect;

	(void)state;
	NEED_GIT();
	write_file("f.md", V2);
	ad_git_hash_blob(id, V2, strlen(V2));
	expect = out_of("git hash-object f.md");
	assert_memory_equal(id, expect, 40);
	free(expect);
	ad_git_hash_blob(id, "", 0);
	assert_string_equal(id, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
}

/* ------------------------------------------------------------ commit */

/* The porcelain status without the lines about path. */
static char *status_without(const char *repo, const char *path)
{
	return out_of("cd %s && git status --porcelain --untracked-files=all | grep -v ' %s$' || true",
		      repo, path);
}

static void commit(ad_git_commit_result *res, const char *file, const char *msg, int expect,
		   ad_error *err)
{
	ad_git_commit_options o = AD_GIT_COMMIT_OPTIONS_INIT;

	o.message = msg;
	assert_int_equal(ad_git_commit_file(res, file, &o, err), expect);
}

static void test_commit_branch(void **state)
{
	ad_git_commit_result r;
	ad_error err = AD_ERROR_INIT;
	char *before, *after, *s, *head_before;

	(void)state;
	NEED_GIT();
	make_repo();
	/* The user's own work in progress: staged, unstaged, untracked. */
	write_file("repo/docs/other.md", "other, staged\n");
	sh("cd repo && git add docs/other.md");
	write_file("repo/docs/other.md", "other, staged, then edited\n");
	write_file("repo/docs/staged-new.md", "new\n");
	sh("cd repo && git add docs/staged-new.md");
	write_file("repo/untracked.md", "untracked\n");
	before = status_without("repo", "agents/x.md");
	head_before = out_of("cd repo && git rev-parse HEAD");

	write_file("repo/agents/x.md", V3 "merged\n");
	assert_int_equal(ad_git_commit_check("repo/agents/x.md", NULL, &err), 0);
	commit(&r, "repo/agents/x.md", "Curate x\n\nSection-Source: X <- a.md@1234567\n", 0, &err);
	assert_true(r.committed);
	assert_false(r.root);
	assert_string_equal(r.branch, "main");
	assert_string_equal(r.path, "agents/x.md");

	/* The file is clean; everything else is exactly as it was. */
	assert_output("", "cd repo && git status --porcelain -- agents/x.md");
	after = status_without("repo", "agents/x.md");
	assert_string_equal(after, before);
	assert_non_null(strstr(before, "MM docs/other.md"));
	assert_non_null(strstr(before, "A  docs/staged-new.md"));
	assert_output("other, staged, then edited\n", "cd repo && cat docs/other.md");

	/* The commit has only that file, on main, after the old HEAD. */
	assert_output(head_before, "cd repo && git rev-parse HEAD~1");
	assert_output("agents/x.md\n", "cd repo && git diff-tree --no-commit-id --name-only -r HEAD");
	assert_output("Curate x\n\nSection-Source: X <- a.md@1234567\n\n",
		      "cd repo && git log -1 --format=%%B");
	assert_output("Tester <tester@example.com>\n", "cd repo && git log -1 --format='%%an <%%ae>'");
	s = out_of("cd repo && git rev-parse HEAD");
	assert_memory_equal(s, r.id, 40);
	free(s);
	assert_output(V3 "merged\n", "cd repo && git show HEAD:agents/x.md");
	assert_output("commit: Curate x\n", "cd repo && git reflog -1 --format=%%gs");
	ad_git_commit_result_clear(&r);

	/* Again, unchanged: nothing to commit. */
	commit(&r, "repo/agents/x.md", "again", 0, &err);
	assert_false(r.committed);
	s = out_of("cd repo && git rev-parse HEAD");
	assert_memory_equal(s, r.id, 40);
	free(s);
	ad_git_commit_result_clear(&r);
	free(before);
	free(after);
	free(head_before);
	ad_error_clear(&err);
}

static void test_commit_unborn(void **state)
{
	ad_git_commit_result r;
	ad_error err = AD_ERROR_INIT;

	(void)state;
	NEED_GIT();
	sh("git init -q -b trunk fresh");
	sh("cd fresh && git config user.name Tester && git config user.email tester@example.com");
	write_file("fresh/a.md", V1);
	write_file("fresh/b.md", "untouched\n");
	commit(&r, "fresh/a.md", "First", 0, &err);
	assert_true(r.committed);
	assert_true(r.root);
	assert_string_equal(r.branch, "trunk");
	assert_output("1\n", "cd fresh && git rev-list --count trunk");
	assert_output("?? b.md\n", "cd fresh && git status --porcelain");
	assert_output("a.md\n", "cd fresh && git ls-tree --name-only HEAD");
	ad_git_commit_result_clear(&r);
	ad_error_clear(&err);
}

static void test_commit_detached(void **state)
{
	ad_git_commit_result r;
	ad_error err = AD_ERROR_INIT;
	char *main_before, *s;

	(void)state;
	NEED_GIT();
	make_repo();
	sh("cd repo && git checkout -q --detach HEAD~1");
	main_before = out_of("cd repo && git rev-parse main");
	write_file("repo/agents/x.md", "detached\n");
	commit(&r, "repo/agents/x.md", "On a detached HEAD", 0, &err);
	assert_true(r.committed);
	assert_null(r.branch);
	s = out_of("cd repo && git rev-parse HEAD");
	assert_memory_equal(s, r.id, 40);
	free(s);
	assert_output(main_before, "cd repo && git rev-parse main");
	assert_output("detached\n", "cd repo && git symbolic-ref -q HEAD || echo detached");
	assert_output("", "cd repo && git status --porcelain");
	free(main_before);
	ad_git_commit_result_clear(&r);
	ad_error_clear(&err);
}

/* A refusal changes nothing: same HEAD, same index, same status. */
static void refused(const char *repo, const char *file, const char *what)
{
	ad_git_commit_result r;
	ad_error err = AD_ERROR_INIT;
	char *head = out_of("cd %s && git rev-parse -q --verify HEAD; git ls-files -s", repo);
	char *status = out_of("cd %s && git status --porcelain", repo);

	assert_int_equal(ad_git_commit_check(file, NULL, &err), AD_EINVALID);
	assert_non_null(err.message);
	if (!strstr(err.message, what))
		fail_msg("'%s' does not say '%s'", err.message, what);
	commit(&r, file, "refused", AD_EINVALID, &err);
	if (!strstr(err.message, what))
		fail_msg("'%s' does not say '%s'", err.message, what);
	assert_output(head, "cd %s && git rev-parse -q --verify HEAD; git ls-files -s", repo);
	assert_output(status, "cd %s && git status --porcelain", repo);
	free(head);
	free(status);
	ad_error_clear(&err);
}

static void test_commit_refusals(void **state)
{
	ad_git_commit_result r;
	ad_git_commit_options o = AD_GIT_COMMIT_OPTIONS_INIT;
	ad_error err = AD_ERROR_INIT;
	struct stat st;

	(void)state;
	NEED_GIT();
	make_repo();
	write_file("repo/agents/x.md", "changed\n");

	/* Mid-merge. */
	sh("cd repo && git rev-parse HEAD > .git/MERGE_HEAD");
	refused("repo", "repo/agents/x.md", "middle of a merge");
	sh("rm repo/.git/MERGE_HEAD");
	/* Mid-rebase. */
	sh("mkdir repo/.git/rebase-merge");
	refused("repo", "repo/agents/x.md", "middle of a rebase");
	sh("rmdir repo/.git/rebase-merge");
	/* Mid-cherry-pick. */
	sh("cd repo && git rev-parse HEAD > .git/CHERRY_PICK_HEAD");
	refused("repo", "repo/agents/x.md", "cherry-pick");
	sh("rm repo/.git/CHERRY_PICK_HEAD");

	/* The index is locked: refused, and the lock is left alone. */
	write_file("repo/.git/index.lock", "");
	refused("repo", "repo/agents/x.md", "index is locked");
	assert_int_equal(stat("repo/.git/index.lock", &st), 0);
	sh("rm repo/.git/index.lock");

	/* A file outside the repository's work tree, or inside .git. */
	write_file("outside.md", "outside\n");
	o.repo = "repo";
	o.message = "outside";
	assert_int_equal(ad_git_commit_file(&r, "outside.md", &o, &err), AD_EINVALID);
	assert_non_null(strstr(err.message, "outside the repository's work tree"));
	assert_int_equal(ad_git_commit_check("outside.md", "repo", &err), AD_EINVALID);
	refused("repo", "repo/.git/description", ".git folder");
	/* Not in any repository. */
	assert_int_equal(ad_git_commit_check("outside.md", NULL, &err), AD_ENOTFOUND);

	/* A bare repository. */
	sh("git init -q --bare bare.git");
	o.repo = "bare.git";
	assert_int_equal(ad_git_commit_file(&r, "outside.md", &o, &err), AD_EINVALID);
	assert_non_null(strstr(err.message, "bare"));

	/* No identity in any configuration. */
	sh("git init -q -b main anon");
	write_file("anon/a.md", "a\n");
	refused("anon", "anon/a.md", "user.name and user.email are not set");

	/* Still fine afterwards. */
	commit(&r, "repo/agents/x.md", "fine", 0, &err);
	assert_true(r.committed);
	ad_git_commit_result_clear(&r);
	ad_error_clear(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_is_revpath, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_revisions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash_blob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_branch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_unborn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_detached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
