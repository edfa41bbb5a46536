#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "fmdiff.h"

/* ------------------------------------------------------------ helpers */

#define MAXDOCS 4

typedef struct {
	ad_doc *docs[MAXDOCS];
	size_t ndocs;
	ad_fmdiff *fd;
} fixture;

static int teardown(void **state)
{
	fixture *fx = *state;
	size_t i;

	if (!fx)
		return 0;
	ad_fmdiff_free(fx->fd);
	for (i = 0; i < fx->ndocs; i++)
		ad_doc_free(fx->docs[i]);
	free(fx);
	*state = NULL;
	return 0;
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(fixture));
	return *state ? 0 : -1;
}

/* Parses the texts (NULL-terminated) and diffs their frontmatter. */
static void run(fixture *fx, ...)
{
	va_list ap;
	const char *text;

	va_start(ap, fx);
	while ((text = va_arg(ap, const char *)) != NULL) {
		assert_true(fx->ndocs < MAXDOCS);
		assert_int_equal(ad_doc_parse(&fx->docs[fx->ndocs], "t.md", text,
					      strlen(text), NULL, NULL), 0);
		fx->ndocs++;
	}
	va_end(ap);
	assert_int_equal(ad_fmdiff_docs(&fx->fd, (const ad_doc *const *)fx->docs,
					fx->ndocs), 0);
	assert_int_equal(ad_fmdiff_doc_count(fx->fd), fx->ndocs);
}

static const ad_fmdiff_row *row_of(const fixture *fx, const char *key)
{
	size_t i;

	for (i = 0; i < ad_fmdiff_row_count(fx->fd); i++)
		if (!strcmp(ad_fmdiff_row_at(fx->fd, i)->key, key)) {
			/* The lookup by key finds the same row. */
			assert_ptr_equal(ad_fmdiff_find(fx->fd, key), ad_fmdiff_row_at(fx->fd, i));
			return ad_fmdiff_row_at(fx->fd, i);
		}
	fail_msg("no row for key '%s'", key);
	return NULL;
}

static void assert_names(const char *const *names, size_t n, const char *expect)
{
	char buf[256] = "";
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, names[i]);
	}
	assert_string_equal(buf, expect);
	if (n == 0)
		assert_null(names);
}

/* ------------------------------------------------------------ tests */

static void test_statuses_two_way(void **state)
{
	fixture *fx = *state;
	const ad_fmdiff_row *r;

	run(fx,
	    "---\nname: a\nmodel: sonnet\ncolor: blue\nold: x\n---\nbody\n",
	    "---\nname: a\nmodel: opus\ncolor: blue\nnew: y\n---\nbody\n",
	    NULL);
	assert_int_equal(ad_fmdiff_row_count(fx->fd), 5);
	/* Union in first-appearance order. */
	assert_string_equal(ad_fmdiff_row_at(fx->fd, 0)->key, "name");
	assert_string_equal(ad_fmdiff_row_at(fx->fd, 3)->key, "old");
	assert_string_equal(ad_fmdiff_row_at(fx->fd, 4)->key, "new");

	assert_int_equal(row_of(fx, "name")->status, AD_FMDIFF_SAME);
	r = row_of(fx, "model");
	assert_int_equal(r->status, AD_FMDIFF_CHANGED);
	assert_false(r->reflowed);
	assert_string_equal(r->cells[0]->value, "sonnet");
	assert_string_equal(r->cells[1]->value, "opus");
	assert_int_equal(r->cells[1]->line, 3);
	r = row_of(fx, "old");
	assert_int_equal(r->status, AD_FMDIFF_REMOVED);
	assert_non_null(r->cells[0]);
	assert_null(r->cells[1]);
	r = row_of(fx, "new");
	assert_int_equal(r->status, AD_FMDIFF_ADDED);
	assert_null(r->cells[0]);
	assert_non_null(r->cells[1]);
	assert_true(ad_fmdiff_has_changes(fx->fd));
	assert_string_equal(ad_fmdiff_status_name(AD_FMDIFF_ADDED), "added");
}

static void test_identical_has_no_changes(void **state)
{
	fixture *fx = *state;
	const char *t = "---\nname: a\ntools: [Read]\n---\n# X\n";

	run(fx, t, t, NULL);
	assert_false(ad_fmdiff_has_changes(fx->fd));
	assert_int_equal(row_of(fx, "tools")->status, AD_FMDIFF_SAME);
}

static void test_partial_n_way(void **state)
{
	fixture *fx = *state;
	const ad_fmdiff_row *r;

	run(fx,
	    "---\nname: a\nmodel: opus\n---\n",
	    "---\nname: a\n---\n",
	    "---\nname: a\nmodel: opus\ncolor: red\n---\n",
	    NULL);
	r = row_of(fx, "model");
	assert_int_equal(r->status, AD_FMDIFF_PARTIAL);
	assert_false(r->differs);
	assert_null(r->cells[1]);
	r = row_of(fx, "color");
	assert_int_equal(r->status, AD_FMDIFF_PARTIAL);
	assert_null(r->cells[0]);
	assert_non_null(r->cells[2]);
	assert_int_equal(row_of(fx, "name")->status, AD_FMDIFF_SAME);
}

static void test_changed_n_way(void **state)
{
	fixture *fx = *state;
	const ad_fmdiff_row *r;

	run(fx, "---\nmodel: opus\n---\n", "---\nmodel: opus\n---\n",
	    "---\nmodel: haiku\n---\n", NULL);
	r = row_of(fx, "model");
	assert_int_equal(r->status, AD_FMDIFF_CHANGED);
	assert_true(r->differs);
}

/* The three spellings of a list of tools are one set. */
static void test_tools_spellings_equal(void **state)
{
	fixture *fx = *state;
	const ad_fmdiff_row *r;

	run(fx,
	    "---\ntools:\n  - Read\n  - Grep\n  - Bash\n---\n",
	    "---\ntools: [Grep, \"Read\", Bash]\n---\n",
	    "---\ntools: Bash, Read,Grep\n---\n",
	    NULL);
	r = row_of(fx, "tools");
	assert_true(r->set);
	assert_int_equal(r->status, AD_FMDIFF_SAME);
	assert_non_null(r->names);
	assert_names(r->names[1].names, r->names[1].nnames, "Grep,Read,Bash");
	assert_int_equal(r->names[1].nadded, 0);
	assert_int_equal(r->names[2].nremoved, 0);
	assert_false(ad_fmdiff_has_changes(fx->fd));
}

static void test_tools_added_removed(void **state)
{
	fixture *fx = *state;
	const ad_fmdiff_row *r;

	run(fx,
	    "---\ntools: Read, Grep, WebFetch\n---\n",
	    "---\ntools:\n  - Grep\n  - Read\n  - Bash\n  - Bash\n---\n",
	    NULL);
	r = row_of(fx, "tools");
	assert_int_equal(r->status, AD_FMDIFF_CHANGED);
	assert_false(r->reflowed);
	assert_names(r->names[1].added, r->names[1].nadded, "Bash");
	assert_names(r->names[1].removed, r->names[1].nremoved, "WebFetch");
	/* Duplicates count once, in file order. */
	assert_names(r->names[1].names, r->names[1].nnames, "Grep,Read,Bash");
	assert_int_equal(r->names[0].nadded, 0);
}

/* A tool pattern with commas in its arguments is one name, not two. */
static void test_tools_with_arguments(void **state)
{
	fixture *fx = *state;
	const ad_fmdiff_row *r;

	run(fx,
	    "---\ntools: Read, Agent(worker)\n---\n",
	    "---\ntools: Read, Agent(worker, researcher)\n---\n",
	    NULL);
	r = row_of(fx, "tools");
	assert_int_equal(r->status, AD_FMDIFF_CHANGED);
	assert_int_equal(r->names[1].nadded, 1);
	assert_string_equal(r->names[1].added[0], "Agent(worker, researcher)");
	assert_names(r->names[1].removed, r->names[1].nremoved, "Agent(worker)");
	assert_int_equal(r->names[1].nnames, 2);
}

/* Other spellings of list-like keys are sets too; a key absent from the
 * first variant is compared with the empty set. */
static void test_other_set_keys(void **state)
{
	fixture *fx = *state;
	const ad_fmdiff_row *r;

	assert_true(ad_fmdiff_is_set_key("disallowedTools"));
	assert_true(ad_fmdiff_is_set_key("allowed-tools"));
	assert_true(ad_fmdiff_is_set_key("Tools"));
	assert_false(ad_fmdiff_is_set_key("model"));
	assert_false(ad_fmdiff_is_set_key("toolsets-description"));
	run(fx,
	    "---\nallowed-tools: [Read, Edit]\n---\n",
	    "---\nallowed-tools: Edit Read\ndisallowedTools: Bash\n---\n",
	    NULL);
	assert_int_equal(row_of(fx, "allowed-tools")->status, AD_FMDIFF_SAME);
	r = row_of(fx, "disallowedTools");
	assert_int_equal(r->status, AD_FMDIFF_ADDED);
	assert_names(r->names[1].added, r->names[1].nadded, "Bash");
}

/* Lists that are not sets keep their order; spelling still does not matter. */
static void test_plain_list_order(void **state)
{
	fixture *fx = *state;

	run(fx,
	    "---\nsteps: [a, b]\nkeep:\n  - x\n  - y\n---\n",
	    "---\nsteps: [b, a]\nkeep: [x, y]\n---\n",
	    NULL);
	assert_false(row_of(fx, "steps")->set);
	assert_int_equal(row_of(fx, "steps")->status, AD_FMDIFF_CHANGED);
	assert_int_equal(row_of(fx, "keep")->status, AD_FMDIFF_SAME);
}

static void test_scalars_decoded(void **state)
{
	fixture *fx = *state;

	run(fx,
	    "---\nname: \"code reviewer\"\nmodel: 'opus'\n---\n",
	    "---\nname: code reviewer\nmodel: opus \n---\n",
	    NULL);
	assert_int_equal(row_of(fx, "name")->status, AD_FMDIFF_SAME);
	assert_int_equal(row_of(fx, "model")->status, AD_FMDIFF_SAME);
}

static void test_block_scalar_reflowed(void **state)
{
	fixture *fx = *state;
	const ad_fmdiff_row *r;

	run(fx,
	    "---\ndescription: |\n  Reviews code\n  carefully.\nnote: |\n  one two\n---\n",
	    "---\ndescription: |\n  Reviews code carefully.\nnote: |\n  one three\n---\n",
	    NULL);
	r = row_of(fx, "description");
	assert_int_equal(r->status, AD_FMDIFF_CHANGED);
	assert_true(r->reflowed);
	r = row_of(fx, "note");
	assert_int_equal(r->status, AD_FMDIFF_CHANGED);
	assert_false(r->reflowed);
}

/* A literal and a folded block with the same decoded text are equal. */
static void test_block_scalar_exact(void **state)
{
	fixture *fx = *state;

	run(fx,
	    "---\ndescription: >\n  one\n  two\n---\n",
	    "---\ndescription: |\n  one two\n---\n",
	    NULL);
	assert_int_equal(row_of(fx, "description")->status, AD_FMDIFF_SAME);
}

static void test_no_frontmatter(void **state)
{
	fixture *fx = *state;
	const ad_fmdiff_row *r;

	run(fx, "# Only body\n", "---\nname: x\n---\n# Only body\n", NULL);
	assert_int_equal(ad_fmdiff_row_count(fx->fd), 1);
	r = row_of(fx, "name");
	assert_int_equal(r->status, AD_FMDIFF_ADDED);
}

static void test_duplicate_key_first_wins(void **state)
{
	fixture *fx = *state;
	const ad_fmdiff_row *r;

	run(fx, "---\nmodel: opus\nmodel: haiku\n---\n", "---\nmodel: opus\n---\n", NULL);
	assert_int_equal(ad_fmdiff_row_count(fx->fd), 1);
	r = row_of(fx, "model");
	assert_int_equal(r->status, AD_FMDIFF_SAME);
	assert_null(ad_fmdiff_find(fx->fd, "name"));
	assert_null(ad_fmdiff_find(fx->fd, "mode"));
}

static void test_zero_docs(void **state)
{
	ad_fmdiff *fd = (ad_fmdiff *)1;

	(void)state;
	assert_int_equal(ad_fmdiff_docs(&fd, NULL, 0), AD_EINVALID);
	assert_null(fd);
	ad_fmdiff_free(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_statuses_two_way),
		T(test_identical_has_no_changes),
		T(test_partial_n_way),
		T(test_changed_n_way),
		T(test_tools_spellings_equal),
		T(test_tools_added_removed),
		T(test_tools_with_arguments),
		T(test_other_set_keys),
		T(test_plain_list_order),
		T(test_scalars_decoded),
		T(test_block_scalar_reflowed),
		T(test_block_scalar_exact),
		T(test_no_frontmatter),
		T(test_duplicate_key_first_wins),
		T(test_zero_docs),
	};

	return cmocka_run_group_tests_name("fmdiff", tests, NULL, NULL);
}
