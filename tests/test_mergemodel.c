/*
 * test_mergemodel: the curated merge's model (app/mergemodel.c): choices ->
 * plan -> bytes, check's findings on the result, and the rules of writing
 * (never over a file that changed since it was read, unless forced) and of
 * committing (nothing before a write; refusals outside a repository).
 *
 * The central promise is tested on every file we have: taking every row
 * from variant A reproduces A byte for byte, with A compared against each
 * other variant of its agent (examples/, and $AD_SHARED's seeds when they
 * are there).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "doc.h"
#include "fileio.h"
#include "mergemodel.h"
#include "output.h"
#include "plan.h"
#include "util.h"

/* ------------------------------------------------------------ fixtures */

static const char A[] =
	"---\n"
	"name: reviewer\n"
	"description: Reviews changes.\n"
	"tools: Read, Grep\n"
	"model: sonnet\n"
	"---\n"
	"\n"
	"# Reviewer\n"
	"\n"
	"You review code.\n"
	"\n"
	"## Scope\n"
	"\n"
	"Only the diff.\n"
	"\n"
	"## Rules\n"
	"\n"
	"Be kind.\n"
	"\n"
	"## Output\n"
	"\n"
	"A list of findings.\n";

/* B: other tools (a block list), another model, Scope reworded, no Rules,
 * a section of its own. */
static const char B[] =
	"---\n"
	"name: reviewer\n"
	"description: Reviews pull requests strictly.\n"
	"tools:\n"
	"  - Read\n"
	"  - Bash\n"
	"model: opus\n"
	"---\n"
	"\n"
	"# Reviewer\n"
	"\n"
	"You review code.\n"
	"\n"
	"## Scope\n"
	"\n"
	"The diff and what it calls.\n"
	"\n"
	"## Output\n"
	"\n"
	"A list of findings.\n"
	"\n"
	"## Escalation\n"
	"\n"
	"Ask a human.\n";

/* CRLF, a tag around headings, a BOM, and no newline at the end. */
static const char C[] =
	"\xEF\xBB\xBF---\r\n"
	"name: reviewer\r\n"
	"description: >\r\n"
	"  Reviews.\r\n"
	"---\r\n"
	"<instructions>\r\n"
	"## Scope\r\n"
	"\r\n"
	"Only the diff.\r\n"
	"</instructions>\r\n"
	"\r\n"
	"## Output\r\n"
	"\r\n"
	"Findings";

#define MAXV 8

typedef struct {
	ad_doc *docs[MAXV];
	size_t n;
	ad_mergemodel *m;
	char dir[256];
} fx;

static int setup(void **state)
{
	*state = calloc(1, sizeof(fx));
	return *state ? 0 : -1;
}

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	fx *f = *state;
	size_t i;

	ad_mergemodel_free(f->m);
	for (i = 0; i < f->n; i++)
		ad_doc_free(f->docs[i]);
	if (f->dir[0])
		rm_tree(f->dir);
	free(f);
	return 0;
}

static void add(fx *f, const char *path, const char *text, size_t len)
{
	assert_true(f->n < MAXV);
	assert_int_equal(ad_doc_parse(&f->docs[f->n], path, text, len, NULL, NULL), 0);
	f->n++;
}

static void model(fx *f)
{
	ad_error err = AD_ERROR_INIT;

	ad_mergemodel_free(f->m);
	assert_int_equal(ad_mergemodel_new(&f->m, (const ad_doc *const *)f->docs, NULL, f->n, &err),
			 0);
	ad_error_clear(&err);
}

static void ab(fx *f)
{
	add(f, "a.md", A, strlen(A));
	add(f, "b.md", B, strlen(B));
	model(f);
}

static const char *result(fx *f)
{
	const ad_plan_result *res = ad_mergemodel_result(f->m);

	return res->text.ptr ? res->text.ptr : "";
}

/* The shown row titled title (a field's key, or a section's title). */
static size_t row_of(fx *f, const char *title)
{
	size_t i;

	for (i = 0; i < ad_mergemodel_row_count(f->m); i++) {
		const ad_merge_row *r = ad_mergemodel_row(f->m, i);

		if (!r->blank && !strcmp(r->title, title))
			return i;
	}
	fail_msg("no row titled %s", title);
	return 0;
}

static void tmpdir(fx *f)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(f->dir, sizeof(f->dir), "%s/agentdiff-mm-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->dir));
}

static void put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static char *get_file(const char *path)
{
	char *data = NULL;
	size_t len = 0;

	if (ad_read_file(&data, &len, path, 1 << 20, NULL) < 0)
		return NULL;
	return data;
}

/* ------------------------------------------------------------ rows */

static void test_rows(void **state)
{
	fx *f = *state;
	const ad_merge_row *r;

	ab(f);
	r = ad_mergemodel_row(f->m, 0);
	assert_int_equal(r->kind, AD_MERGE_ROW_FRONTMATTER);
	assert_true(r->differs);
	r = ad_mergemodel_row(f->m, row_of(f, "tools"));
	assert_int_equal(r->kind, AD_MERGE_ROW_FIELD);
	assert_true(r->set);
	assert_true(r->differs);
	r = ad_mergemodel_row(f->m, row_of(f, "name"));
	assert_false(r->differs);
	/* Rules only in A: taken; Escalation only in B: left out. */
	r = ad_mergemodel_row(f->m, row_of(f, "Rules"));
	assert_int_equal(r->kind, AD_MERGE_ROW_SECTION);
	assert_int_equal(r->cells[1], -1);
	assert_int_equal(r->norder, 1);
	r = ad_mergemodel_row(f->m, row_of(f, "Escalation"));
	assert_int_equal(r->cells[0], -1);
	assert_int_equal(r->norder, 0);
	assert_false(ad_mergemodel_modified(f->m));
}

/* ------------------------------------------------------------ choices -> bytes */

static void test_take_all_from_a_is_a(void **state)
{
	fx *f = *state;

	ab(f);
	assert_string_equal(result(f), A);
	/* The same from a model where A is second: every row taken from it. */
	ad_mergemodel_free(f->m);
	f->m = NULL;
	ad_doc_free(f->docs[0]);
	ad_doc_free(f->docs[1]);
	f->n = 0;
	add(f, "b.md", B, strlen(B));
	add(f, "a.md", A, strlen(A));
	model(f);
	assert_int_equal(ad_mergemodel_take(f->m, 0, 1), 0);
	for (size_t i = 1; i < ad_mergemodel_row_count(f->m); i++) {
		const ad_merge_row *r = ad_mergemodel_row(f->m, i);

		if (r->kind != AD_MERGE_ROW_SECTION)
			continue;
		if (r->cells[1] >= 0)
			assert_int_equal(ad_mergemodel_take(f->m, i, 1), 0);
		else
			assert_int_equal(ad_mergemodel_drop(f->m, i), 0);
	}
	assert_string_equal(result(f), A);
	assert_true(ad_mergemodel_modified(f->m));
}

static void test_take_all_odd_bytes(void **state)
{
	fx *f = *state;
	const ad_plan_result *res;

	add(f, "c.md", C, sizeof(C) - 1);
	add(f, "a.md", A, strlen(A));
	model(f);
	res = ad_mergemodel_result(f->m);
	assert_int_equal(res->text.size, sizeof(C) - 1);
	assert_memory_equal(res->text.ptr, C, sizeof(C) - 1);
}

static void test_mixed(void **state)
{
	fx *f = *state;
	static const char want[] =
		"---\n"
		"name: reviewer\n"
		"description: Reviews pull requests strictly.\n"
		"tools: Read, Grep\n"
		"model: sonnet\n"
		"---\n"
		"\n"
		"# Reviewer\n"
		"\n"
		"You review code.\n"
		"\n"
		"## Scope\n"
		"\n"
		"The diff and what it calls.\n"
		"\n"
		"## Rules\n"
		"\n"
		"Be kind.\n"
		"\n"
		"## Output\n"
		"\n"
		"A list of findings.\n"
		"\n"
		"## Escalation\n"
		"\n"
		"Ask a human.\n";

	ab(f);
	assert_int_equal(ad_mergemodel_take(f->m, row_of(f, "description"), 1), 0);
	assert_int_equal(ad_mergemodel_take(f->m, row_of(f, "Scope"), 1), 0);
	assert_int_equal(ad_mergemodel_take(f->m, row_of(f, "Escalation"), 1), 0);
	/* A variant that lacks the row cannot be taken. */
	assert_int_equal(ad_mergemodel_take(f->m, row_of(f, "Rules"), 1), AD_ENOTFOUND);
	assert_string_equal(result(f), want);
	assert_int_equal(ad_mergemodel_row(f->m, row_of(f, "Scope"))->order[0], 1);
}

static void test_frontmatter_from_b(void **state)
{
	fx *f = *state;

	ab(f);
	assert_int_equal(ad_mergemodel_take(f->m, 0, 1), 0);
	assert_int_equal(ad_mergemodel_frontmatter(f->m), 1);
	assert_non_null(strstr(result(f), "---\nname: reviewer\ndescription: Reviews pull requests "
					  "strictly.\ntools:\n  - Read\n  - Bash\nmodel: opus\n---\n"));
	/* No frontmatter at all. */
	assert_int_equal(ad_mergemodel_drop(f->m, 0), 0);
	assert_int_equal(ad_mergemodel_frontmatter(f->m), -1);
	assert_int_equal(strncmp(result(f), "\n# Reviewer\n", 12), 0);
	/* A field taken then brings a block back. */
	assert_int_equal(ad_mergemodel_take(f->m, row_of(f, "model"), 1), 0);
	assert_int_equal(ad_mergemodel_frontmatter(f->m), 1);
	assert_non_null(strstr(result(f), "model: opus\n---\n"));
}

static void test_drop(void **state)
{
	fx *f = *state;
	const ad_plan *plan;
	size_t i;
	bool dropped = false;

	ab(f);
	assert_int_equal(ad_mergemodel_drop(f->m, row_of(f, "Rules")), 0);
	assert_int_equal(ad_mergemodel_drop(f->m, row_of(f, "model")), 0);
	assert_null(strstr(result(f), "## Rules"));
	assert_null(strstr(result(f), "Be kind."));
	assert_null(strstr(result(f), "model:"));
	assert_non_null(strstr(result(f), "Only the diff.\n\n## Output\n"));
	/* The plan says so: a drop line, so that apply does not take Rules
	 * for a section it has never seen. */
	plan = ad_mergemodel_plan(f->m);
	for (i = 0; i < ad_plan_item_count(plan); i++) {
		const ad_plan_item *it = ad_plan_item_at(plan, i);

		if (it->kind == AD_PLAN_DROP && !strcmp(it->ref.title, "Rules"))
			dropped = true;
	}
	assert_true(dropped);
}

static void test_several_in_order(void **state)
{
	fx *f = *state;
	size_t scope;

	ab(f);
	scope = row_of(f, "Scope");
	/* B's version after A's, then only B's, then B's and A's. */
	assert_int_equal(ad_mergemodel_toggle(f->m, scope, 1), 0);
	assert_non_null(strstr(result(f), "## Scope\n\nOnly the diff.\n\n## Scope\n\nThe diff and "
					  "what it calls.\n\n## Rules"));
	assert_int_equal(ad_mergemodel_toggle(f->m, scope, 0), 0);
	assert_non_null(strstr(result(f), "You review code.\n\n## Scope\n\nThe diff and what it "
					  "calls.\n\n## Rules"));
	assert_int_equal(ad_mergemodel_toggle(f->m, scope, 0), 0);
	assert_non_null(strstr(result(f), "## Scope\n\nThe diff and what it calls.\n\n## Scope\n\n"
					  "Only the diff.\n\n## Rules"));
	assert_int_equal(ad_mergemodel_row(f->m, scope)->norder, 2);
}

static void test_reorder(void **state)
{
	fx *f = *state;
	size_t rules;
	int at;

	ab(f);
	rules = row_of(f, "Rules");
	at = ad_mergemodel_move(f->m, rules, 1);
	assert_true(at > (int)rules);
	assert_string_equal(ad_mergemodel_row(f->m, (size_t)at)->title, "Rules");
	assert_non_null(strstr(result(f), "Only the diff.\n\n## Output\n\nA list of findings.\n\n"
					  "## Rules\n\nBe kind.\n"));
	/* Fields and the first section stay where they are. */
	assert_int_equal(ad_mergemodel_move(f->m, row_of(f, "tools"), 1), AD_EINVALID);
	at = ad_mergemodel_move(f->m, (size_t)at, -1);
	at = ad_mergemodel_move(f->m, (size_t)at, -1);
	assert_string_equal(ad_mergemodel_row(f->m, (size_t)at)->title, "Rules");
	assert_non_null(strstr(result(f), "You review code.\n\n## Rules\n\nBe kind.\n\n## Scope\n"));
}

static void test_tools_union_intersection(void **state)
{
	fx *f = *state;
	size_t tools;

	ab(f);
	tools = row_of(f, "tools");
	assert_int_equal(ad_mergemodel_set_mode(f->m, tools, AD_MERGE_UNION), 0);
	/* In the form of the first variant that has the key: A's scalar. */
	assert_non_null(strstr(result(f), "\ntools: Read, Grep, Bash\nmodel: sonnet\n"));
	assert_int_equal(ad_mergemodel_set_mode(f->m, tools, AD_MERGE_INTERSECTION), 0);
	assert_non_null(strstr(result(f), "\ntools: Read\nmodel: sonnet\n"));
	/* Not for other fields, nor for sections. */
	assert_int_equal(ad_mergemodel_set_mode(f->m, row_of(f, "model"), AD_MERGE_UNION),
			 AD_EINVALID);
	assert_int_equal(ad_mergemodel_set_mode(f->m, row_of(f, "Scope"), AD_MERGE_UNION),
			 AD_EINVALID);
	/* What editing the field starts from is the field as written. */
	{
		ad_buf b = AD_BUF_INIT;

		assert_int_equal(ad_mergemodel_edit_text(f->m, tools, &b), 0);
		assert_string_equal(ad_buf_cstr(&b), "tools: Read\n");
		ad_buf_free(&b);
	}
}

static void test_edited_section(void **state)
{
	fx *f = *state;
	ad_buf b = AD_BUF_INIT;
	size_t scope;
	static const char text[] = "## Scope\n\nThe diff, and nothing else.\n\n";

	ab(f);
	scope = row_of(f, "Scope");
	/* Editing starts from the section's own text, as the result has it. */
	assert_int_equal(ad_mergemodel_edit_text(f->m, scope, &b), 0);
	assert_string_equal(ad_buf_cstr(&b), "## Scope\n\nOnly the diff.\n\n");
	assert_int_equal(ad_mergemodel_set_text(f->m, scope, text, strlen(text)), 0);
	assert_int_equal(ad_mergemodel_row(f->m, scope)->choice, AD_MERGE_EDITED);
	assert_non_null(strstr(result(f), "You review code.\n\n## Scope\n\nThe diff, and nothing "
					  "else.\n\n## Rules\n"));
	assert_int_equal(ad_mergemodel_edit_text(f->m, scope, &b), 0);
	assert_string_equal(ad_buf_cstr(&b), text);
	/* A field edited: its lines as written. */
	assert_int_equal(ad_mergemodel_set_text(f->m, row_of(f, "model"), "model: haiku\n", 13), 0);
	assert_non_null(strstr(result(f), "\nmodel: haiku\n---\n"));
	/* Taking a version again ends the edit. */
	assert_int_equal(ad_mergemodel_take(f->m, scope, 0), 0);
	assert_non_null(strstr(result(f), "## Scope\n\nOnly the diff.\n"));
	/* The block itself is not edited. */
	assert_int_equal(ad_mergemodel_set_text(f->m, 0, "x", 1), AD_EINVALID);
	ad_buf_free(&b);
}

static void test_edit_text_of_dropped_row(void **state)
{
	fx *f = *state;
	ad_buf b = AD_BUF_INIT;

	ab(f);
	/* Escalation is left out: editing starts from B's version. */
	assert_int_equal(ad_mergemodel_edit_text(f->m, row_of(f, "Escalation"), &b), 0);
	assert_string_equal(ad_buf_cstr(&b), "## Escalation\n\nAsk a human.\n");
	ad_buf_free(&b);
}

static void test_findings(void **state)
{
	fx *f = *state;
	const ad_diags *d;
	size_t e, w, n, i;
	bool missing = false;

	ab(f);
	ad_mergemodel_finding_counts(f->m, &e, &w, &n);
	assert_int_equal(e, 0);
	assert_int_equal(ad_mergemodel_drop(f->m, row_of(f, "description")), 0);
	d = ad_mergemodel_findings(f->m);
	for (i = 0; i < d->count; i++)
		if (!strcmp(d->items[i].id, "missing-description"))
			missing = true;
	assert_true(missing);
	ad_mergemodel_finding_counts(f->m, &e, &w, &n);
	assert_int_equal(e, 1);
}

static void test_too_many_sections(void **state)
{
	fx *f = *state;
	ad_buf big = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	int i;

	for (i = 0; i <= AD_MERGE_MAX_SECTIONS; i++)
		ad_buf_printf(&big, "## S%d\n\nText.\n\n", i);
	add(f, "big.md", big.ptr, big.size);
	add(f, "a.md", A, strlen(A));
	assert_int_equal(ad_mergemodel_new(&f->m, (const ad_doc *const *)f->docs, NULL, f->n, &err),
			 AD_ETOOBIG);
	assert_null(f->m);
	assert_non_null(strstr(err.message, "too many to merge"));
	ad_error_clear(&err);
	ad_buf_free(&big);
}

static void test_plan_path(void **state)
{
	ad_buf b = AD_BUF_INIT;

	(void)state;
	ad_output_plan_path(&b, "agents/x.md");
	assert_string_equal(ad_buf_cstr(&b), "agents/x.plan");
	ad_output_plan_path(&b, "x");
	assert_string_equal(ad_buf_cstr(&b), "x.plan");
	ad_output_plan_path(&b, "a.b/.hidden");
	assert_string_equal(ad_buf_cstr(&b), "a.b/.hidden.plan");
	ad_buf_free(&b);
}

/* ------------------------------------------------------------ writing */

static void test_write_and_redo(void **state)
{
	fx *f = *state;
	char a_path[512], b_path[512], out[512], plan_path[512], *data;
	ad_merge_written w;
	ad_error err = AD_ERROR_INIT;
	ad_plan *plan = NULL;
	ad_plan_result *res = NULL;

	tmpdir(f);
	snprintf(a_path, sizeof(a_path), "%s/a.md", f->dir);
	snprintf(b_path, sizeof(b_path), "%s/b.md", f->dir);
	snprintf(out, sizeof(out), "%s/merged.md", f->dir);
	snprintf(plan_path, sizeof(plan_path), "%s/merged.plan", f->dir);
	put_file(a_path, A);
	put_file(b_path, B);
	add(f, a_path, A, strlen(A));
	add(f, b_path, B, strlen(B));
	model(f);
	assert_int_equal(ad_mergemodel_take(f->m, row_of(f, "Scope"), 1), 0);
	assert_int_equal(ad_mergemodel_set_mode(f->m, row_of(f, "tools"), AD_MERGE_UNION), 0);
	assert_int_equal(ad_mergemodel_write(f->m, out, false, &w, &err), 0);
	assert_true(w.written);
	assert_true(w.plan_saved);
	assert_null(w.plan_note);
	assert_string_equal(w.plan_path, plan_path);
	assert_false(ad_mergemodel_modified(f->m));
	assert_string_equal(ad_mergemodel_written_path(f->m), out);
	data = get_file(out);
	assert_non_null(data);
	assert_string_equal(data, result(f));
	free(data);
	ad_merge_written_clear(&w);

	/* The plan redoes the merge: the variants named from its folder. */
	data = get_file(plan_path);
	assert_non_null(data);
	assert_non_null(strstr(data, "variant 1 \"a.md\""));
	assert_non_null(strstr(data, "output \"merged.md\""));
	assert_non_null(strstr(data, "field \"tools\" union"));
	assert_int_equal(ad_plan_parse(&plan, plan_path, data, strlen(data), &err), 0);
	free(data);
	{
		char blob[AD_GIT_HEXSIZE + 1];

		/* The plan records what it wrote, so apply may write there again. */
		ad_git_hash_blob(blob, result(f), strlen(result(f)));
		assert_non_null(ad_plan_output_blob(plan));
		assert_string_equal(ad_plan_output_blob(plan), blob);
	}
	assert_int_equal(ad_plan_apply(&res, plan, (const ad_doc *const *)f->docs, NULL, 2, &err), 0);
	assert_int_equal(res->nmissing, 0);
	assert_string_equal(res->text.ptr, result(f));
	ad_plan_result_free(res);
	ad_plan_free(plan);

	/* Written again, unchanged: nothing to write, no refusal. */
	assert_int_equal(ad_mergemodel_write(f->m, out, false, &w, &err), 0);
	assert_false(w.written);
	ad_merge_written_clear(&w);

	/* Changed on disk since: refused, and the file is left alone. */
	put_file(out, "someone else's\n");
	assert_int_equal(ad_mergemodel_drop(f->m, row_of(f, "Rules")), 0);
	assert_int_equal(ad_mergemodel_write(f->m, out, false, &w, &err), AD_ECONFLICT);
	assert_non_null(strstr(err.message, "changed on disk"));
	ad_error_clear(&err);
	ad_merge_written_clear(&w);
	data = get_file(out);
	assert_string_equal(data, "someone else's\n");
	free(data);
	/* Told to: written. */
	assert_int_equal(ad_mergemodel_write(f->m, out, true, &w, &err), 0);
	assert_true(w.written);
	data = get_file(out);
	assert_null(strstr(data, "Be kind."));
	free(data);
	ad_merge_written_clear(&w);
	ad_error_clear(&err);
}

static void test_write_over_variants(void **state)
{
	fx *f = *state;
	char a_path[512], b_path[512], other[512], *data;
	ad_merge_written w;
	ad_error err = AD_ERROR_INIT;

	tmpdir(f);
	snprintf(a_path, sizeof(a_path), "%s/a.md", f->dir);
	snprintf(b_path, sizeof(b_path), "%s/b.md", f->dir);
	snprintf(other, sizeof(other), "%s/other.md", f->dir);
	put_file(a_path, A);
	put_file(b_path, B);
	put_file(other, "not ours\n");
	add(f, a_path, A, strlen(A));
	add(f, b_path, B, strlen(B));
	model(f);
	assert_int_equal(ad_mergemodel_take(f->m, row_of(f, "Escalation"), 1), 0);
	/* A file that is none of the variants. */
	assert_int_equal(ad_mergemodel_write(f->m, other, false, &w, &err), AD_ECONFLICT);
	assert_non_null(strstr(err.message, "not one of the variants"));
	ad_merge_written_clear(&w);
	ad_error_clear(&err);
	/* A variant's own file, unchanged since it was read: fine. */
	put_file(b_path, "B changed meanwhile\n");
	assert_int_equal(ad_mergemodel_write(f->m, b_path, false, &w, &err), AD_ECONFLICT);
	ad_merge_written_clear(&w);
	ad_error_clear(&err);
	assert_int_equal(ad_mergemodel_write(f->m, a_path, false, &w, &err), 0);
	assert_true(w.written);
	data = get_file(a_path);
	assert_non_null(strstr(data, "## Escalation\n\nAsk a human.\n"));
	free(data);
	ad_merge_written_clear(&w);
}

/* W through a symlink writes the file it leads to and keeps the link; a
 * file another program changes while W waits for its lock is not replaced,
 * even when forced. */
static void test_write_link_and_lock(void **state)
{
	fx *f = *state;
	char a_path[512], b_path[512], real[512], link_path[512], *data;
	ad_merge_written w;
	ad_error err = AD_ERROR_INIT;
	struct stat st;
	int ready[2], status;
	char c;
	pid_t pid;

	tmpdir(f);
	snprintf(a_path, sizeof(a_path), "%s/a.md", f->dir);
	snprintf(b_path, sizeof(b_path), "%s/b.md", f->dir);
	snprintf(real, sizeof(real), "%s/real.md", f->dir);
	snprintf(link_path, sizeof(link_path), "%s/merged.md", f->dir);
	put_file(a_path, A);
	put_file(b_path, B);
	add(f, a_path, A, strlen(A));
	add(f, b_path, B, strlen(B));
	model(f);
	assert_int_equal(symlink("real.md", link_path), 0);
	assert_int_equal(ad_mergemodel_write(f->m, link_path, false, &w, &err), 0);
	ad_merge_written_clear(&w);
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	data = get_file(real);
	assert_non_null(data);
	assert_string_equal(data, result(f));
	free(data);

	/* Another program holds the lock and changes the file meanwhile. */
	assert_int_equal(ad_mergemodel_drop(f->m, row_of(f, "Rules")), 0);
	assert_int_equal(pipe(ready), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec ts = { 0, 300 * 1000 * 1000 };
		int fd = open(real, O_RDWR);

		if (fd < 0 || flock(fd, LOCK_EX) < 0 || write(ready[1], "x", 1) != 1)
			_exit(1);
		nanosleep(&ts, NULL);
		_exit(pwrite(fd, "CHANGED", 7, 0) == 7 ? 0 : 1);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_int_equal(ad_mergemodel_write(f->m, link_path, true, &w, &err), AD_ECONFLICT);
	assert_non_null(strstr(err.message, "changed on disk while writing"));
	ad_error_clear(&err);
	ad_merge_written_clear(&w);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	data = get_file(real);
	assert_non_null(data);
	assert_memory_equal(data, "CHANGED", 7);
	free(data);
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
}

static void test_foreign_plan_kept(void **state)
{
	fx *f = *state;
	char a_path[512], b_path[512], out[512], plan_path[512], *data;
	ad_merge_written w;
	ad_error err = AD_ERROR_INIT;

	tmpdir(f);
	snprintf(a_path, sizeof(a_path), "%s/a.md", f->dir);
	snprintf(b_path, sizeof(b_path), "%s/b.md", f->dir);
	snprintf(out, sizeof(out), "%s/m.md", f->dir);
	snprintf(plan_path, sizeof(plan_path), "%s/m.plan", f->dir);
	put_file(a_path, A);
	put_file(b_path, B);
	put_file(plan_path, "my notes, not a plan\n");
	add(f, a_path, A, strlen(A));
	add(f, b_path, B, strlen(B));
	model(f);
	assert_int_equal(ad_mergemodel_write(f->m, out, false, &w, &err), 0);
	assert_true(w.written);
	assert_false(w.plan_saved);
	assert_non_null(w.plan_note);
	assert_non_null(strstr(w.plan_note, "not a plan for"));
	data = get_file(plan_path);
	assert_string_equal(data, "my notes, not a plan\n");
	free(data);
	ad_merge_written_clear(&w);
}

static void test_commit_refusals(void **state)
{
	fx *f = *state;
	char a_path[512], out[512];
	ad_merge_written w;
	ad_error err = AD_ERROR_INIT;
	ad_git_commit_result res;
	ad_buf tmpl = AD_BUF_INIT;

	tmpdir(f);
	/* No repository above the temporary folder. */
	setenv("GIT_CEILING_DIRECTORIES", f->dir, 1);
	snprintf(a_path, sizeof(a_path), "%s/a.md", f->dir);
	snprintf(out, sizeof(out), "%s/m.md", f->dir);
	put_file(a_path, A);
	add(f, a_path, A, strlen(A));
	add(f, "b.md", B, strlen(B));
	model(f);
	assert_int_equal(ad_mergemodel_commit_check(f->m, &err), AD_EINVALID);
	assert_non_null(strstr(err.message, "nothing is written yet"));
	ad_error_clear(&err);
	assert_int_equal(ad_mergemodel_write(f->m, out, false, &w, &err), 0);
	ad_merge_written_clear(&w);
	assert_true(ad_mergemodel_commit_check(f->m, &err) < 0);
	ad_error_clear(&err);
	/* The message names where each part came from. */
	ad_mergemodel_commit_template(f->m, &tmpl);
	assert_non_null(strstr(ad_buf_cstr(&tmpl), "Merge m.md from a.md and b.md\n\n"));
	assert_non_null(strstr(ad_buf_cstr(&tmpl), "Frontmatter-Source: "));
	assert_non_null(strstr(ad_buf_cstr(&tmpl), "Section-Source: Scope <- "));
	assert_non_null(strstr(ad_buf_cstr(&tmpl), "\n# "));
	/* An empty message (comments only) is refused before git is asked. */
	assert_true(ad_mergemodel_commit(f->m, "# nothing\n\n", &res, &err) < 0);
	ad_git_commit_result_clear(&res);
	ad_error_clear(&err);
	ad_buf_free(&tmpl);
	unsetenv("GIT_CEILING_DIRECTORIES");
}

/* ------------------------------------------------------------ every file we have */

static int by_name(const void *a, const void *b);

/* The variants in folder dir (*.md, and the seeds' *.txt), each against
 * each other one (all_pairs) or against the next: taking everything from
 * the first reproduces it. */
static size_t take_all_in(const char *dir, bool all_pairs)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *names[64];
	size_t n = 0, i, j, checked = 0;
	char path[2048];

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL && n < 64) {
		size_t len = strlen(e->d_name);

		if (len > 3 && (!strcmp(e->d_name + len - 3, ".md") ||
				!strcmp(e->d_name + len - 4, ".txt")))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			ad_doc *docs[2] = { NULL, NULL };
			ad_mergemodel *m = NULL;
			const ad_plan_result *res;
			const char *idx[2] = { names[i], names[j] };
			size_t k;

			if (i == j || (!all_pairs && j != (i + 1) % n))
				continue;
			for (k = 0; k < 2; k++) {
				snprintf(path, sizeof(path), "%s/%s", dir, idx[k]);
				assert_int_equal(ad_doc_load(&docs[k], path, NULL, NULL), 0);
			}
			assert_int_equal(ad_mergemodel_new(&m, (const ad_doc *const *)docs, NULL, 2, NULL),
					 0);
			res = ad_mergemodel_result(m);
			if (res->text.size != ad_doc_size(docs[0]) ||
			    memcmp(res->text.ptr, ad_doc_data(docs[0]), res->text.size))
				fail_msg("%s/%s against %s: not reproduced", dir, names[i], names[j]);
			checked++;
			ad_mergemodel_free(m);
			ad_doc_free(docs[0]);
			ad_doc_free(docs[1]);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return checked;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_take_all_every_file(void **state)
{
	const char *src = getenv("AD_SRCDIR"), *shared = getenv("AD_SHARED");
	char dir[1024];
	size_t checked = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/examples/code-reviewer", src ? src : ".");
	checked += take_all_in(dir, true);
	snprintf(dir, sizeof(dir), "%s/examples/release-manager", src ? src : ".");
	checked += take_all_in(dir, true);
	assert_true(checked >= 18);
	if (!shared || !*shared)
		return;
	/* Real files, when they are there (nothing is checked when not). */
	snprintf(dir, sizeof(dir), "%s/seeds", shared);
	take_all_in(dir, true);
	snprintf(dir, sizeof(dir), "%s/corpus", shared);
	{
		DIR *d = opendir(dir);
		struct dirent *e;
		char sub[1400];

		while (d && (e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
			take_all_in(sub, false);
		}
		if (d)
			closedir(d);
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_rows),
		T(test_take_all_from_a_is_a),
		T(test_take_all_odd_bytes),
		T(test_mixed),
		T(test_frontmatter_from_b),
		T(test_drop),
		T(test_several_in_order),
		T(test_reorder),
		T(test_tools_union_intersection),
		T(test_edited_section),
		T(test_edit_text_of_dropped_row),
		T(test_findings),
		T(test_too_many_sections),
		T(test_plan_path),
		T(test_write_and_redo),
		T(test_write_over_variants),
		T(test_write_link_and_lock),
		T(test_foreign_plan_kept),
		T(test_commit_refusals),
		T(test_take_all_every_file),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
