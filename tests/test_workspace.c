#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "doc.h"
#include "workspace.h"

/* Each test builds its tree in a fresh temporary folder and runs from
 * inside it, so paths read as a user in that folder would see them. */
typedef struct {
	char root[64];
	char cwd[PATH_MAX];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->root, "/tmp/agentdiff-ws-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	assert_non_null(getcwd(f->cwd, sizeof(f->cwd)));
	assert_int_equal(chdir(f->root), 0);
	*state = f;
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DNR)
		chmod(path, 0700); /* a locked (and empty) folder from a test */
	if (flag == FTW_DP || flag == FTW_DNR)
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

/* Writes len bytes to path, creating its folders. */
static void put_bytes(const char *path, const char *data, size_t len)
{
	char dir[PATH_MAX];
	char *p;
	FILE *fp;

	snprintf(dir, sizeof(dir), "%s", path);
	for (p = strchr(dir, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(dir, 0755) < 0)
			assert_int_equal(errno, EEXIST);
		*p = '/';
	}
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void put(const char *path, const char *text)
{
	put_bytes(path, text, strlen(text));
}

/* An agent file with a frontmatter name and two sections. */
static void put_agent(const char *path, const char *name)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "---\nname: %s\ndescription: does things\n---\n"
		 "# Role\n\nYou review code.\n\n## Rules\n\n- be kind\n", name);
	put(path, text);
}

static void make_dirs(const char *path)
{
	char file[PATH_MAX];

	snprintf(file, sizeof(file), "%s/.keep", path);
	put(file, "");
	assert_int_equal(unlink(file), 0);
}

static ad_workspace *scan_opts(const char *const *paths, size_t n, const ad_ws_options *opts)
{
	ad_workspace *ws = NULL;
	ad_error err = AD_ERROR_INIT;
	int rc = ad_ws_scan(&ws, paths, n, opts, &err);

	if (rc < 0)
		fail_msg("ad_ws_scan failed: %s", err.message ? err.message : "?");
	assert_non_null(ws);
	ad_error_clear(&err);
	return ws;
}

static ad_workspace *scan_dot(void)
{
	static const char *const dot[] = { "." };
	return scan_opts(dot, 1, NULL);
}

/* What `agentdiff ls` shows, as plain text: one line per agent, one per
 * variant, one per skipped file.  Caller frees. */
static char *dump(const ad_workspace *ws)
{
	ad_buf b = AD_BUF_INIT;
	size_t i, j;

	for (i = 0; i < ad_ws_agent_count(ws); i++) {
		const ad_ws_agent *a = ad_ws_agent_at(ws, i);

		ad_buf_printf(&b, "%s %zu in %zu\n", a->name, a->nvariants, a->nfolders);
		for (j = 0; j < a->nvariants; j++)
			ad_buf_printf(&b, "  %s [%s]\n", a->variants[j].path,
				      a->variants[j].name ? a->variants[j].name : "-");
	}
	for (i = 0; i < ad_ws_skipped_count(ws); i++) {
		const ad_ws_skipped *s = ad_ws_skipped_at(ws, i);
		ad_buf_printf(&b, "skip %s %s\n", s->path, ad_ws_skip_reason_name(s->reason));
	}
	return ad_buf_detach(&b);
}

static void assert_dump(const ad_workspace *ws, const char *want)
{
	char *got = dump(ws);
	assert_string_equal(got, want);
	free(got);
}

static const ad_ws_skipped *find_skipped(const ad_workspace *ws, const char *path)
{
	size_t i;

	for (i = 0; i < ad_ws_skipped_count(ws); i++)
		if (strcmp(ad_ws_skipped_at(ws, i)->path, path) == 0)
			return ad_ws_skipped_at(ws, i);
	return NULL;
}

/* A scan that loops forever fails the test instead of hanging the suite. */
static void on_alarm(int sig)
{
	static const char msg[] = "test_workspace: scan did not finish\n";
	(void)sig;
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

static void arm_watchdog(void)
{
	signal(SIGALRM, on_alarm);
	alarm(20);
}

/* ---------------------------------------------------------------- tests */

static void test_normalize_name(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "Backend Architect", "backend-architect" },
		{ "backend_architect", "backend-architect" },
		{ "backend-architect", "backend-architect" },
		{ "  Backend  Architect\t\n", "backend-architect" },
		{ "backend _- architect", "backend-architect" },
		{ "Code-Reviewer2", "code-reviewer2" },
		{ "   ", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ad_buf b = AD_BUF_INIT;

		ad_ws_normalize_name(&b, cases[i].in, strlen(cases[i].in));
		assert_string_equal(ad_buf_cstr(&b), cases[i].want);
		ad_buf_free(&b);
	}
}

static void test_groups_by_name_across_folders(void **state)
{
	ad_workspace *ws;
	const ad_ws_agent *a;
	size_t i;

	(void)state;
	put_agent("team-a/backend.md", "Backend Architect");
	put_agent("team-b/be.md", "backend_architect");
	put_agent("team-b/be-v2.md", "backend-architect");
	put_agent("team-c/agents/old.md", "\"  BACKEND ARCHITECT \"");
	put_agent("team-a/review.md", "code-reviewer");

	ws = scan_dot();
	assert_dump(ws,
		    "backend-architect 4 in 3\n"
		    "  team-a/backend.md [Backend Architect]\n"
		    "  team-b/be-v2.md [backend-architect]\n"
		    "  team-b/be.md [backend_architect]\n"
		    "  team-c/agents/old.md [  BACKEND ARCHITECT ]\n"
		    "code-reviewer 1 in 1\n"
		    "  team-a/review.md [code-reviewer]\n");

	/* Any spelling finds the group; each variant keeps its parsed
	 * document and the counts `ls` prints come from it. */
	a = ad_ws_find_agent(ws, "Backend_Architect");
	assert_non_null(a);
	assert_ptr_equal(a, ad_ws_agent_at(ws, 0));
	assert_null(ad_ws_find_agent(ws, "frontend"));
	for (i = 0; i < a->nvariants; i++) {
		const ad_ws_variant *v = &a->variants[i];

		assert_non_null(v->doc);
		assert_string_equal(ad_doc_path(v->doc), v->path);
		assert_int_equal(v->nsections, ad_doc_section_count(v->doc));
		assert_true(v->nsections >= 2);
		assert_int_equal(v->size, ad_doc_size(v->doc));
		assert_false(v->explicit_path);
	}
	assert_string_equal(a->variants[0].folder, "team-a");
	assert_string_equal(a->variants[3].folder, "team-c/agents");
	ad_ws_free(ws);
}

static void test_summary_only_keeps_counts(void **state)
{
	ad_ws_options opts = AD_WS_OPTIONS_INIT;
	static const char *const dot[] = { "." };
	ad_workspace *full, *summary;
	const ad_ws_variant *vf, *vs;

	(void)state;
	put_agent("x.md", "x");
	opts.summary_only = true;
	full = scan_opts(dot, 1, NULL);
	summary = scan_opts(dot, 1, &opts);
	assert_int_equal(ad_ws_agent_count(summary), 1);
	vf = &ad_ws_agent_at(full, 0)->variants[0];
	vs = &ad_ws_agent_at(summary, 0)->variants[0];
	assert_null(vs->doc);
	assert_non_null(vf->doc);
	assert_int_equal(vs->nsections, vf->nsections);
	assert_int_equal(vs->size, vf->size);
	assert_string_equal(vs->name, "x");
	ad_ws_free(full);
	ad_ws_free(summary);
}

static void test_file_name_fallback_under_agents(void **state)
{
	ad_workspace *ws;
	const ad_ws_skipped *s;

	(void)state;
	put("agents/team/Code_Reviewer.md", "# Reviewer\n\nReview the diff.\n");
	put(".claude/agents/helper.md", "---\ndescription: no name here\n---\nHelp.\n");
	put("prompts/agents/Code Reviewer.markdown", "# Another reviewer\n");
	put("notes/readme.md", "# Notes\n\nNot an agent.\n");
	put("notes/empty-name.md", "---\nname: \"  \"\n---\nbody\n");

	ws = scan_dot();
	assert_dump(ws,
		    "code-reviewer 2 in 2\n"
		    "  agents/team/Code_Reviewer.md [-]\n"
		    "  prompts/agents/Code Reviewer.markdown [-]\n"
		    "helper 1 in 1\n"
		    "  .claude/agents/helper.md [-]\n"
		    "skip notes/empty-name.md no-name\n"
		    "skip notes/readme.md no-name\n");
	s = find_skipped(ws, "notes/readme.md");
	assert_string_equal(s->message, "no frontmatter name and not under an agents/ folder");
	ad_ws_free(ws);

	/* A folder named on the command line counts as the agents/ folder. */
	{
		static const char *const p[] = { "agents/" };
		ws = scan_opts(p, 1, NULL);
		assert_dump(ws, "code-reviewer 1 in 1\n"
				"  agents/team/Code_Reviewer.md [-]\n");
		ad_ws_free(ws);
	}
}

static void test_skipped_reasons(void **state)
{
	ad_ws_options opts = AD_WS_OPTIONS_INIT;
	static const char *const dot[] = { "." };
	static const char blob[] = "---\nname: blob\n---\n\0\1\2";
	char big[4096];
	ad_workspace *ws;

	(void)state;
	arm_watchdog();
	put_agent("agents/good.md", "good");
	put("notes/readme.md", "# just notes\n");
	put("src/main.c", "int main(void) { return 0; }\n");
	put_bytes("agents/blob.md", blob, sizeof(blob) - 1);
	memset(big, 'x', sizeof(big));
	put_bytes("agents/huge.md", big, sizeof(big));
	assert_int_equal(mkfifo("agents/pipe.md", 0644), 0);
	assert_int_equal(symlink("missing.md", "agents/dangling.md"), 0);

	opts.max_file_size = 1024;
	ws = scan_opts(dot, 1, &opts);
	assert_dump(ws,
		    "good 1 in 1\n"
		    "  agents/good.md [good]\n"
		    "skip agents/blob.md binary\n"
		    "skip agents/dangling.md unreadable\n"
		    "skip agents/huge.md too-large\n"
		    "skip agents/pipe.md not-regular\n"
		    "skip notes/readme.md no-name\n"
		    "skip src/main.c not-markdown\n");
	assert_non_null(strstr(find_skipped(ws, "agents/dangling.md")->message,
			       "No such file or directory"));
	assert_non_null(strstr(find_skipped(ws, "agents/huge.md")->message, "too large"));
	assert_string_equal(find_skipped(ws, "src/main.c")->message, "not a Markdown file");
	ad_ws_free(ws);
	alarm(0);
}

static void test_unreadable_file(void **state)
{
	ad_workspace *ws;
	const ad_ws_skipped *s;

	(void)state;
	if (geteuid() == 0)
		skip(); /* root reads it anyway */
	put_agent("agents/secret.md", "secret");
	put_agent("agents/open.md", "open");
	assert_int_equal(chmod("agents/secret.md", 0), 0);
	make_dirs("agents/locked");
	assert_int_equal(chmod("agents/locked", 0), 0);

	ws = scan_dot();
	assert_dump(ws,
		    "open 1 in 1\n"
		    "  agents/open.md [open]\n"
		    "skip agents/locked unreadable\n"
		    "skip agents/secret.md unreadable\n");
	s = find_skipped(ws, "agents/secret.md");
	assert_non_null(strstr(s->message, strerror(EACCES)));
	s = find_skipped(ws, "agents/locked");
	assert_non_null(strstr(s->message, strerror(EACCES)));
	ad_ws_free(ws);
}

static void test_deep_nesting_is_cut_off(void **state)
{
	ad_buf dirs = AD_BUF_INIT, file = AD_BUF_INIT;
	const ad_ws_skipped *sk;
	ad_workspace *ws;
	int i;

	(void)state;
	/* "." is depth 0, so the (AD_WS_MAX_DEPTH + 1)th "d" is one too deep. */
	for (i = 0; i <= AD_WS_MAX_DEPTH; i++)
		ad_buf_puts(&dirs, i ? "/d" : "d");
	ad_buf_printf(&file, "%s/agents/deep.md", ad_buf_cstr(&dirs));
	put_agent(ad_buf_cstr(&file), "deep");
	put_agent("d/agents/shallow.md", "shallow");

	ws = scan_dot();
	assert_int_equal(ad_ws_agent_count(ws), 1);
	assert_string_equal(ad_ws_agent_at(ws, 0)->name, "shallow");
	assert_int_equal(ad_ws_skipped_count(ws), 1);
	sk = ad_ws_skipped_at(ws, 0);
	assert_string_equal(sk->path, ad_buf_cstr(&dirs));
	assert_int_equal(sk->reason, AD_WS_SKIP_TOO_DEEP);
	assert_true(sk->not_searched);
	ad_buf_free(&dirs);
	ad_buf_free(&file);
	ad_ws_free(ws);
}

/* An agent below a folder chain longer than PATH_MAX: the entry whose path
 * is too long is unreadable and not searched, whatever its name (it was
 * "not a Markdown file").  The chain is built and taken apart by renames,
 * so that no call needs a long path. */
static void test_path_too_long(void **state)
{
	char name[201], inner[210];
	const ad_ws_skipped *sk;
	ad_workspace *ws;
	int i, steps = PATH_MAX / (int)(sizeof(name) - 1) + 2;

	(void)state;
	memset(name, 'd', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(inner, sizeof(inner), "wrap/%s", name);
	put_agent("chain/agents/deep.md", "deep");
	put_agent("top/agents/shallow.md", "shallow");
	for (i = 0; i < steps; i++) {
		assert_int_equal(mkdir("wrap", 0755), 0);
		assert_int_equal(rename("chain", inner), 0);
		assert_int_equal(rename("wrap", "chain"), 0);
	}

	ws = scan_dot();
	assert_int_equal(ad_ws_agent_count(ws), 1);
	assert_string_equal(ad_ws_agent_at(ws, 0)->name, "shallow");
	assert_int_equal(ad_ws_skipped_count(ws), 1);
	sk = ad_ws_skipped_at(ws, 0);
	assert_true(strlen(sk->path) >= PATH_MAX);
	assert_int_equal(sk->reason, AD_WS_SKIP_UNREADABLE);
	assert_true(sk->not_searched);
	assert_non_null(strstr(sk->message, "path too long"));
	ad_ws_free(ws);

	/* Taken apart the same way, for the teardown's nftw(). */
	for (i = 0; i < steps; i++) {
		assert_int_equal(rename("chain", "wrap"), 0);
		assert_int_equal(rename(inner, "chain"), 0);
		assert_int_equal(rmdir("wrap"), 0);
	}
}

/* A folder that can be listed but not searched: none of its entries can
 * be examined, so the folder is unreadable (its subfolder "team" was "not
 * a Markdown file"); one that cannot be listed is too. */
static void test_unsearchable_folder(void **state)
{
	const ad_ws_skipped *sk;
	ad_workspace *ws;

	(void)state;
	if (geteuid() == 0)
		skip(); /* root searches it anyway */
	put_agent("agents/team/x.md", "x");
	put_agent("open/agents/y.md", "y");
	assert_int_equal(chmod("agents", 0644), 0);

	ws = scan_dot();
	assert_int_equal(chmod("agents", 0755), 0);
	assert_dump(ws,
		    "y 1 in 1\n"
		    "  open/agents/y.md [y]\n"
		    "skip agents unreadable\n");
	sk = find_skipped(ws, "agents");
	assert_true(sk->not_searched);
	assert_string_equal(sk->message, "cannot read folder: Permission denied");
	ad_ws_free(ws);
}

static void test_explicit_file_always_taken(void **state)
{
	static const char *const paths[] = { "notes/readme.md", "prompt.txt", "notes" };
	ad_workspace *ws;

	(void)state;
	put("notes/readme.md", "# Notes\n\nNo frontmatter at all.\n");
	put("notes/other.md", "# Other\n");
	put("prompt.txt", "You are a helpful agent.\n");

	/* notes/readme.md is also inside "notes": it is listed once. */
	ws = scan_opts(paths, 3, NULL);
	assert_dump(ws,
		    "prompt 1 in 1\n"
		    "  prompt.txt [-]\n"
		    "readme 1 in 1\n"
		    "  notes/readme.md [-]\n"
		    "skip notes/other.md no-name\n");
	assert_true(ad_ws_agent_at(ws, 1)->variants[0].explicit_path);
	ad_ws_free(ws);
}

static void test_missing_path_is_an_error(void **state)
{
	static const char *const paths[] = { "agents", "no/such/place" };
	ad_workspace *ws = (ad_workspace *)&ws;
	ad_error err = AD_ERROR_INIT;

	(void)state;
	put_agent("agents/a.md", "a");
	assert_int_equal(ad_ws_scan(&ws, paths, 2, NULL, &err), AD_ENOTFOUND);
	assert_null(ws);
	assert_string_equal(err.path, "no/such/place");
	assert_string_equal(err.message, strerror(ENOENT));
	ad_error_clear(&err);
}

static void test_symlink_loop_is_reported(void **state)
{
	ad_workspace *ws;
	const ad_ws_skipped *s;

	(void)state;
	arm_watchdog();
	put_agent("agents/x.md", "x");
	assert_int_equal(symlink("..", "agents/up"), 0);      /* back to "." */
	assert_int_equal(symlink("agents", "mirror"), 0);     /* a second way in */
	assert_int_equal(symlink("agents/x.md", "x-link.md"), 0);

	ws = scan_dot();
	assert_dump(ws,
		    "x 1 in 1\n"
		    "  agents/x.md [x]\n"
		    "skip agents/up symlink-loop\n"
		    "skip mirror duplicate\n"
		    "skip x-link.md duplicate\n");
	s = find_skipped(ws, "agents/up");
	assert_string_equal(s->message, "symlink loop (leads back to .)");
	assert_string_equal(find_skipped(ws, "mirror")->message, "same folder as agents");
	assert_string_equal(find_skipped(ws, "x-link.md")->message, "same file as agents/x.md");
	ad_ws_free(ws);
	alarm(0);
}

static void test_hidden_and_vendor_folders_skipped(void **state)
{
	static const char *const hidden[] = { ".hidden" };
	ad_workspace *ws;

	(void)state;
	put_agent(".git/agents/in-git.md", "in-git");
	put_agent("node_modules/pkg/agents/vendored.md", "vendored");
	put_agent(".hidden/agents/secret.md", "secret");
	put(".claude/agents/reviewer.md", "# Reviewer\n");
	put_agent("agents/.cache/cached.md", "cached");

	ws = scan_dot();
	assert_dump(ws,
		    "reviewer 1 in 1\n"
		    "  .claude/agents/reviewer.md [-]\n");
	ad_ws_free(ws);

	/* Named explicitly, a hidden folder is searched. */
	ws = scan_opts(hidden, 1, NULL);
	assert_dump(ws,
		    "secret 1 in 1\n"
		    "  .hidden/agents/secret.md [secret]\n");
	ad_ws_free(ws);
}

static void test_order_is_deterministic(void **state)
{
	static const char *const ab[] = { "a", "b" };
	static const char *const ba[] = { "b", "a" };
	ad_workspace *ws1, *ws2;
	char *d1, *d2;

	(void)state;
	/* Created out of order, so that directory order is not name order. */
	put_agent("b/zeta.md", "zeta");
	put_agent("a/zeta.md", "Zeta");
	put_agent("b/alpha.md", "alpha");
	put("a/agents/mid.md", "# m\n");
	put_agent("a/beta.md", "beta");
	put("b/z.md", "plain");
	put("a/y.md", "plain");

	ws1 = scan_opts(ab, 2, NULL);
	ws2 = scan_opts(ba, 2, NULL);
	d1 = dump(ws1);
	d2 = dump(ws2);
	assert_string_equal(d1,
			    "alpha 1 in 1\n"
			    "  b/alpha.md [alpha]\n"
			    "beta 1 in 1\n"
			    "  a/beta.md [beta]\n"
			    "mid 1 in 1\n"
			    "  a/agents/mid.md [-]\n"
			    "zeta 2 in 2\n"
			    "  a/zeta.md [Zeta]\n"
			    "  b/zeta.md [zeta]\n"
			    "skip a/y.md no-name\n"
			    "skip b/z.md no-name\n");
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
	ad_ws_free(ws1);
	ad_ws_free(ws2);
}

typedef struct {
	size_t calls, last;
	bool increasing, saw_agent;
} progress_log;

static void on_progress(size_t files_seen, const char *path, void *payload)
{
	progress_log *log = payload;

	if (files_seen != log->last + 1)
		log->increasing = false;
	log->last = files_seen;
	log->calls++;
	if (strcmp(path, "agents/x.md") == 0)
		log->saw_agent = true;
}

static void test_progress_callback(void **state)
{
	static const char *const dot[] = { "." };
	ad_ws_options opts = AD_WS_OPTIONS_INIT;
	progress_log log = { 0, 0, true, false };
	ad_workspace *ws;
	char path[64];
	int i;

	(void)state;
	put_agent("agents/x.md", "x");
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "src/file%02d.c", i);
		put(path, "int x;\n");
	}
	make_dirs("empty/deeper");
	opts.progress = on_progress;
	opts.payload = &log;
	ws = scan_opts(dot, 1, &opts);
	/* Every file met counts, folders do not. */
	assert_int_equal(log.calls, 21);
	assert_true(log.increasing);
	assert_true(log.saw_agent);
	assert_int_equal(ad_ws_files_seen(ws), 21);
	assert_int_equal(ad_ws_skipped_count(ws), 20);
	ad_ws_free(ws);
}

/* ad_ws_is_agent() says of a file what a scan of its folder does: taken as
 * a variant, or skipped with the same reason. */
static void test_is_agent_matches_the_scan(void **state)
{
	static const struct {
		const char *path, *text;
		size_t len;
	} files[] = {
		{ "named.md", "---\nname: named\ndescription: d\n---\n# Role\n", 0 },
		{ "Upper.MARKDOWN", "---\nname: upper\n---\n", 0 },
		{ "agents/plain.md", "# Just text, but under agents/\n", 0 },
		{ "notes.md", "# Notes\n\nNo frontmatter.\n", 0 },
		{ "blank-name.md", "---\nname: \"  \"\n---\n", 0 },
		{ "list-name.md", "---\nname: [a, b]\n---\n", 0 },
		{ "passwd", "root:x:0:0:root:/root:/bin/sh\n", 0 },
		{ "named.txt", "---\nname: text\n---\n", 0 },
		{ "agents/nul.md", "---\nname: nul\n---\n\0\0binary", 25 },
	};
	ad_workspace *ws;
	size_t i, k, n = sizeof(files) / sizeof(files[0]);

	(void)state;
	for (i = 0; i < n; i++)
		put_bytes(files[i].path, files[i].text,
			  files[i].len ? files[i].len : strlen(files[i].text));
	ws = scan_dot();
	for (i = 0; i < n; i++) {
		size_t len = files[i].len ? files[i].len : strlen(files[i].text);
		const char *why = "unset", *skipped = NULL;
		ad_doc *doc = NULL;
		bool taken = false, is;

		for (k = 0; k < ad_ws_skipped_count(ws); k++)
			if (!strcmp(ad_ws_skipped_at(ws, k)->path, files[i].path))
				skipped = ad_ws_skipped_at(ws, k)->message;
		for (k = 0; k < ad_ws_agent_count(ws); k++) {
			const ad_ws_agent *a = ad_ws_agent_at(ws, k);
			size_t v;

			for (v = 0; v < a->nvariants; v++)
				taken = taken || !strcmp(a->variants[v].path, files[i].path);
		}
		assert_int_equal(ad_doc_parse(&doc, files[i].path, files[i].text, len, NULL, NULL), 0);
		is = ad_ws_is_agent(files[i].path, files[i].text, len, doc, &why);
		if (is != taken || (is ? why != NULL : !skipped || strcmp(why, skipped)))
			fail_msg("%s: ad_ws_is_agent says %d (%s), the scan %s (%s)", files[i].path, is,
				 why ? why : "-", taken ? "took it" : "skipped it", skipped ? skipped : "-");
		ad_doc_free(doc);
	}
	ad_ws_free(ws);
	/* The reasons, for plans' messages. */
	assert_false(ad_ws_is_agent("/etc/passwd", "root:x:0:0\n", 11, NULL, NULL));
	assert_true(ad_ws_is_agent("/r/agents/x.md", "", 0, NULL, NULL));
}

static void test_empty_and_bad_options(void **state)
{
	static const char *const dot[] = { "." };
	ad_ws_options opts = AD_WS_OPTIONS_INIT;
	ad_workspace *ws = NULL;
	ad_error err = AD_ERROR_INIT;

	(void)state;
	ws = scan_dot();
	assert_int_equal(ad_ws_agent_count(ws), 0);
	assert_int_equal(ad_ws_skipped_count(ws), 0);
	assert_null(ad_ws_agent_at(ws, 0));
	assert_null(ad_ws_find_agent(ws, "x"));
	ad_ws_free(ws);
	ad_ws_free(NULL);

	opts.version = 99;
	assert_int_equal(ad_ws_scan(&ws, dot, 1, &opts, &err), AD_EUSAGE);
	assert_null(ws);
	ad_error_clear(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_name),
		cmocka_unit_test_setup_teardown(test_groups_by_name_across_folders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary_only_keeps_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_name_fallback_under_agents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skipped_reasons, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep_nesting_is_cut_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsearchable_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explicit_file_always_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_path_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_loop_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hidden_and_vendor_folders_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_is_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_is_agent_matches_the_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_bad_options, setup, teardown),
	};

	return cmocka_run_group_tests_name("workspace", tests, NULL, NULL);
}
