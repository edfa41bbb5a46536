/*
 * test_confine: where a file named by a plan may be (src/confine.c): paths
 * resolved as the kernel resolves them, the root of a plan, the git control
 * folders nothing is written into, and the verdict for a plan's path.  All
 * on the filesystem, without git.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
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

#include "confine.h"

/* Each test runs in a fresh temporary folder; phys is its physical path
 * (the temporary folder may be reached through a link). */
typedef struct {
	char root[64];
	char cwd[PATH_MAX];
	char phys[PATH_MAX];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->root, "/tmp/agentdiff-confine-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	assert_non_null(realpath(f->root, f->phys));
	assert_non_null(getcwd(f->cwd, sizeof(f->cwd)));
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
	int rc;

	assert_int_equal(chdir(f->cwd), 0);
	rc = nftw(f->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return rc;
}

static void make_dir(const char *path)
{
	char dir[PATH_MAX];
	char *p;

	snprintf(dir, sizeof(dir), "%s/", path);
	for (p = strchr(dir, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0755) < 0)
			assert_int_equal(errno, EEXIST);
		*p = '/';
	}
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

static void link_to(const char *target, const char *path)
{
	assert_int_equal(symlink(target, path), 0);
}

/* f->phys + "/" + rest, in buf. */
static const char *P(const fixture *f, const char *rest, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s%s", f->phys, *rest ? "/" : "", rest);

	assert_true(n > 0 && (size_t)n < size);
	return buf;
}

/* ad_confine_resolve(path, base) gives phys/expect. */
static void assert_resolves(const fixture *f, const char *path, const char *base, const char *expect)
{
	ad_buf out = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	char want[PATH_MAX];

	assert_int_equal(ad_confine_resolve(&out, path, base, &err), 0);
	P(f, expect, want, sizeof(want));
	if (strcmp(ad_buf_cstr(&out), want))
		fail_msg("%s (from %s) resolves to '%s', expected '%s'", path, base ? base : ".",
			 ad_buf_cstr(&out), want);
	ad_buf_free(&out);
	ad_error_clear(&err);
}

/* ------------------------------------------------------------ resolving */

static void test_resolve_lexical_parts(void **state)
{
	fixture *f = *state;
	char abs[PATH_MAX];

	make_dir("d/e");
	assert_resolves(f, "d/./e/../x.md", NULL, "d/x.md");
	assert_resolves(f, "x.md", "d", "d/x.md");
	assert_resolves(f, "../x.md", "d/e", "d/x.md");
	/* What does not exist is taken as written, ".." included. */
	assert_resolves(f, "no/such/../x.md", NULL, "no/x.md");
	assert_resolves(f, "d//e///", NULL, "d/e");
	P(f, "d/e/../../x.md", abs, sizeof(abs));
	assert_resolves(f, abs, "ignored/for/an/absolute/path", "x.md");
	/* ".." above "/" stays at "/". */
	{
		ad_buf out = AD_BUF_INIT;

		assert_int_equal(ad_confine_resolve(&out, "/../../", NULL, NULL), 0);
		assert_string_equal(ad_buf_cstr(&out), "/");
		ad_buf_free(&out);
	}
}

static void test_resolve_follows_links(void **state)
{
	fixture *f = *state;
	char abs[PATH_MAX];

	make_dir("sub/d");
	make_dir("e");
	put("sub/d/f.md", "x");
	link_to("sub/d", "l");
	link_to("..", "sub/d/up");
	link_to("f.md", "sub/d/alias.md");
	assert_resolves(f, "l/f.md", NULL, "sub/d/f.md");
	/* ".." after a link goes up from where the link led, as the kernel
	 * does: l/.. is sub, not the folder holding l. */
	assert_resolves(f, "l/../x.md", NULL, "sub/x.md");
	assert_resolves(f, "sub/d/up/d/up/../e", NULL, "e");
	assert_resolves(f, "l/alias.md", NULL, "sub/d/f.md");
	/* An absolute target. */
	P(f, "e", abs, sizeof(abs));
	link_to(abs, "abs");
	assert_resolves(f, "abs/new.md", NULL, "e/new.md");
	/* The base is resolved too. */
	assert_resolves(f, "../e/x.md", "l", "sub/e/x.md");
}

static void test_resolve_dangling_link(void **state)
{
	fixture *f = *state;

	make_dir("d");
	/* A file "created" through a dangling link is created where the link
	 * points, so that is its path. */
	link_to("../elsewhere/new.md", "d/dangling.md");
	assert_resolves(f, "d/dangling.md", NULL, "elsewhere/new.md");
	link_to("d/dangling.md", "chain.md");
	assert_resolves(f, "chain.md", NULL, "elsewhere/new.md");
}

static void test_resolve_loop_fails(void **state)
{
	ad_buf out = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;

	(void)state;
	link_to("b", "a");
	link_to("a", "b");
	assert_int_equal(ad_confine_resolve(&out, "a/x.md", NULL, &err), AD_EINVALID);
	assert_non_null(err.message);
	assert_non_null(strstr(err.message, "symbolic links"));
	assert_string_equal(err.path, "a/x.md");
	ad_buf_free(&out);
	ad_error_clear(&err);
}

/* ------------------------------------------------------------ the root */

static void test_root_is_the_repository(void **state)
{
	fixture *f = *state;
	ad_buf root = AD_BUF_INIT;
	char want[PATH_MAX];
	bool in_repo = false;

	make_dir("repo/.git");
	make_dir("repo/agents/deep");
	assert_int_equal(ad_confine_root(&root, &in_repo, "repo/agents/deep", NULL), 0);
	assert_true(in_repo);
	assert_string_equal(ad_buf_cstr(&root), P(f, "repo", want, sizeof(want)));
	/* The folder itself, reached through a link, and a .git file (a
	 * worktree's or a submodule's) as well as a folder. */
	link_to("repo/agents", "into");
	assert_int_equal(ad_confine_root(&root, &in_repo, "into", NULL), 0);
	assert_string_equal(ad_buf_cstr(&root), P(f, "repo", want, sizeof(want)));
	make_dir("repo/mod");
	put("repo/mod/.git", "gitdir: ../.git/modules/mod\n");
	assert_int_equal(ad_confine_root(&root, &in_repo, "repo/mod", NULL), 0);
	assert_true(in_repo);
	assert_string_equal(ad_buf_cstr(&root), P(f, "repo/mod", want, sizeof(want)));
	assert_int_equal(ad_confine_root(&root, &in_repo, "repo", NULL), 0);
	assert_string_equal(ad_buf_cstr(&root), P(f, "repo", want, sizeof(want)));
	ad_buf_free(&root);
}

static void test_root_outside_a_repository(void **state)
{
	fixture *f = *state;
	ad_buf root = AD_BUF_INIT;
	char want[PATH_MAX], probe[PATH_MAX];
	bool in_repo = true;
	char *p;

	/* Only meaningful when nothing above the temporary folder is a
	 * repository. */
	snprintf(probe, sizeof(probe), "%s", f->phys);
	while ((p = strrchr(probe, '/')) != NULL) {
		char git[PATH_MAX + 8];

		*p = '\0';
		snprintf(git, sizeof(git), "%s/.git", probe);
		if (access(git, F_OK) == 0)
			skip();
	}
	make_dir("plans/sub");
	assert_int_equal(ad_confine_root(&root, &in_repo, "plans/sub", NULL), 0);
	assert_false(in_repo);
	assert_string_equal(ad_buf_cstr(&root), P(f, "plans/sub", want, sizeof(want)));
	assert_int_equal(ad_confine_root(&root, NULL, "", NULL), 0);
	assert_string_equal(ad_buf_cstr(&root), f->phys);
	ad_buf_free(&root);
}

static void test_inside_compares_components(void **state)
{
	(void)state;
	assert_true(ad_confine_inside("/a/b", "/a"));
	assert_true(ad_confine_inside("/a/b", "/a/"));
	assert_true(ad_confine_inside("/a", "/a"));
	assert_true(ad_confine_inside("/a/b/c.md", "/"));
	assert_false(ad_confine_inside("/a/bc", "/a/b"));
	assert_false(ad_confine_inside("/a", "/a/b"));
	assert_false(ad_confine_inside("/b/a", "/a"));
	assert_false(ad_confine_inside("a/b", "a"));
}

/* ------------------------------------------------------------ git folders */

static void test_git_dir_by_name(void **state)
{
	const char *what = NULL;

	(void)state;
	assert_true(ad_confine_in_git_dir("/r/.git/config", &what));
	assert_string_equal(what, "is inside a .git folder");
	assert_true(ad_confine_in_git_dir("/r/.GIT/hooks/pre-commit", NULL));
	assert_true(ad_confine_in_git_dir("/r/.Git/x", NULL));
	assert_true(ad_confine_in_git_dir("/r/sub/.git", &what));
	assert_string_equal(what, "is a .git file or folder");
	assert_false(ad_confine_in_git_dir("/r/.gitignore", &what));
	assert_null(what);
	assert_false(ad_confine_in_git_dir("/r/git/x.md", NULL));
	assert_false(ad_confine_in_git_dir("/r/x.git/y.md", NULL));
}

static void test_git_dir_by_layout(void **state)
{
	fixture *f = *state;
	char path[PATH_MAX];
	const char *what = NULL;

	/* A separate git folder (git init --separate-git-dir, a submodule's
	 * .git/modules/x under another name): HEAD, objects and refs. */
	make_dir("gd/objects");
	make_dir("gd/refs");
	make_dir("gd/info");
	put("gd/HEAD", "ref: refs/heads/main\n");
	assert_true(ad_confine_in_git_dir(P(f, "gd/config", path, sizeof(path)), &what));
	assert_non_null(strstr(what, "git folder"));
	assert_true(ad_confine_in_git_dir(P(f, "gd/info/exclude", path, sizeof(path)), NULL));
	/* A linked worktree's folder: HEAD and commondir. */
	make_dir("wt");
	put("wt/HEAD", "ref: refs/heads/topic\n");
	put("wt/commondir", "../..\n");
	assert_true(ad_confine_in_git_dir(P(f, "wt/index", path, sizeof(path)), NULL));
	/* A project with a file called HEAD is not a git folder. */
	make_dir("proj/objects");
	put("proj/HEAD", "not git\n");
	assert_false(ad_confine_in_git_dir(P(f, "proj/x.md", path, sizeof(path)), NULL));
}

static void test_git_dir_from_environment(void **state)
{
	fixture *f = *state;
	char path[PATH_MAX], dir[PATH_MAX];
	const char *what = NULL;

	make_dir("envgit");
	assert_false(ad_confine_in_git_dir(P(f, "envgit/config", path, sizeof(path)), NULL));
	assert_int_equal(setenv("GIT_DIR", P(f, "envgit", dir, sizeof(dir)), 1), 0);
	assert_true(ad_confine_in_git_dir(P(f, "envgit/config", path, sizeof(path)), &what));
	assert_string_equal(what, "is inside $GIT_DIR");
	assert_false(ad_confine_in_git_dir(P(f, "other/config", path, sizeof(path)), NULL));
	unsetenv("GIT_DIR");
	assert_int_equal(setenv("GIT_COMMON_DIR", "envgit", 1), 0);
	assert_true(ad_confine_in_git_dir(P(f, "envgit/objects/x", path, sizeof(path)), NULL));
	unsetenv("GIT_COMMON_DIR");
}

/* ------------------------------------------------------------ the verdict */

static ad_confine_verdict verdict(const ad_confine *c, const char *path, const char *base,
				  bool write)
{
	ad_confine_verdict v = AD_CONFINE_OK;
	ad_buf resolved = AD_BUF_INIT;

	assert_int_equal(ad_confine_check(&v, &resolved, c, path, base, write, NULL), 0);
	assert_int_equal(ad_buf_cstr(&resolved)[0], '/');
	ad_buf_free(&resolved);
	return v;
}

static void test_check_plan_paths(void **state)
{
	fixture *f = *state;
	char root[PATH_MAX], ok[PATH_MAX], cfg[PATH_MAX];
	const char *allowed[2];
	ad_confine c = { 0 };

	make_dir("repo/.git");
	make_dir("repo/agents");
	make_dir("out");
	put("repo/.git/config", "[core]\n");
	put("out/ok.md", "x");
	put("out/other.md", "x");
	link_to("../../out/other.md", "repo/agents/link.md");
	link_to("../../out", "repo/agents/outdir");
	allowed[0] = P(f, "out/ok.md", ok, sizeof(ok));
	allowed[1] = P(f, "repo/.git/config", cfg, sizeof(cfg));
	c.root = P(f, "repo", root, sizeof(root));
	c.allowed = allowed;
	c.nallowed = 2;

	/* Plan paths, from the plan's folder. */
	assert_int_equal(verdict(&c, "a.md", "repo/agents", false), AD_CONFINE_OK);
	assert_int_equal(verdict(&c, "../new/x.md", "repo/agents", true), AD_CONFINE_OK);
	assert_int_equal(verdict(&c, "../../out/other.md", "repo/agents", false), AD_CONFINE_OUTSIDE);
	assert_int_equal(verdict(&c, "link.md", "repo/agents", false), AD_CONFINE_OUTSIDE);
	assert_int_equal(verdict(&c, "outdir/../repo/agents/a.md", "repo/agents", false),
			 AD_CONFINE_OK);
	assert_int_equal(verdict(&c, "outdir/../x.md", "repo/agents", true), AD_CONFINE_OUTSIDE);
	assert_int_equal(verdict(&c, "/etc/passwd", "repo/agents", false), AD_CONFINE_OUTSIDE);
	/* Allowed: exactly those files, however they are spelt. */
	assert_int_equal(verdict(&c, "../../out/ok.md", "repo/agents", false), AD_CONFINE_OK);
	assert_int_equal(verdict(&c, "outdir/ok.md", "repo/agents", true), AD_CONFINE_OK);
	assert_int_equal(verdict(&c, "../../out", "repo/agents", false), AD_CONFINE_OUTSIDE);
	/* Git folders: read inside the root, never written, allowed or not. */
	assert_int_equal(verdict(&c, "../.git/config", "repo/agents", false), AD_CONFINE_OK);
	assert_int_equal(verdict(&c, "../.git/config", "repo/agents", true), AD_CONFINE_GIT_DIR);
	assert_int_equal(verdict(&c, "../.git/hooks/post-checkout", "repo/agents", true),
			 AD_CONFINE_GIT_DIR);
	link_to("../.git/config", "repo/agents/cfg.md");
	assert_int_equal(verdict(&c, "cfg.md", "repo/agents", true), AD_CONFINE_GIT_DIR);
	/* A file with other hard links may be anywhere else as well: not
	 * written unless allowed; read, since reading it changes nothing. */
	put("repo/agents/hard.md", "x");
	assert_int_equal(link("repo/agents/hard.md", "out/hard.md"), 0);
	assert_int_equal(verdict(&c, "hard.md", "repo/agents", true), AD_CONFINE_HARD_LINKS);
	assert_int_equal(verdict(&c, "hard.md", "repo/agents", false), AD_CONFINE_OK);
	assert_int_equal(verdict(&c, "../../out/hard.md", "repo/agents", true),
			 AD_CONFINE_HARD_LINKS);
	allowed[0] = P(f, "repo/agents/hard.md", ok, sizeof(ok));
	assert_int_equal(verdict(&c, "hard.md", "repo/agents", true), AD_CONFINE_OK);
	/* No root: only the allowed paths. */
	allowed[0] = P(f, "out/ok.md", ok, sizeof(ok));
	c.root = NULL;
	assert_int_equal(verdict(&c, "a.md", "repo/agents", false), AD_CONFINE_OUTSIDE);
	assert_int_equal(verdict(&c, "out/ok.md", NULL, false), AD_CONFINE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolve_lexical_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_follows_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_dangling_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_loop_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_is_the_repository, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_outside_a_repository, setup, teardown),
		cmocka_unit_test(test_inside_compares_components),
		cmocka_unit_test(test_git_dir_by_name),
		cmocka_unit_test_setup_teardown(test_git_dir_by_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_git_dir_from_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_plan_paths, setup, teardown),
	};

	unsetenv("GIT_DIR");
	unsetenv("GIT_COMMON_DIR");
	return cmocka_run_group_tests_name("confine", tests, NULL, NULL);
}
