#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontmatter.h"

typedef struct {
	ad_arena arena;
	ad_diags diags;
	ad_lines lines;
	char *data;
	size_t len;
} fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture *fx = *state;

	ad_arena_free(&fx->arena);
	ad_diags_free(&fx->diags);
	ad_lines_free(&fx->lines);
	free(fx->data);
	free(fx);
	return 0;
}

/* Parses len bytes (a copy with no NUL after it, so that reading past
 * the end shows up under valgrind). */
static const ad_frontmatter *parse_n(fixture *fx, const char *text, size_t len)
{
	fx->data = ad_xmalloc(len ? len : 1);
	memcpy(fx->data, text, len);
	fx->len = len;
	assert_int_equal(ad_lines_build(&fx->lines, fx->data, len), 0);
	return ad_fm_parse(&fx->arena, &fx->diags, fx->data, len, &fx->lines);
}

static const ad_frontmatter *parse(fixture *fx, const char *text)
{
	return parse_n(fx, text, strlen(text));
}

static const ad_diag *find_diag(fixture *fx, const char *id)
{
	size_t i;

	for (i = 0; i < fx->diags.count; i++)
		if (strcmp(fx->diags.items[i].id, id) == 0)
			return &fx->diags.items[i];
	return NULL;
}

/* The raw bytes of a field's value. */
static char *raw_value(fixture *fx, const ad_fm_field *f)
{
	return ad_arena_strndup(&fx->arena, fx->data + f->value_start,
				f->value_end - f->value_start);
}

/* Every field's span starts at its key's line and the spans tile
 * [first field's start, yaml_end). */
static void assert_tiles(fixture *fx, const ad_frontmatter *fm)
{
	size_t i;

	for (i = 0; i < fm->nfields; i++) {
		const ad_fm_field *f = &fm->fields[i];

		assert_int_equal(f->start, ad_lines_start(&fx->lines, f->line));
		assert_true(f->start <= f->value_start);
		assert_true(f->value_start <= f->value_end);
		assert_true(f->value_end <= f->end);
		if (i + 1 < fm->nfields)
			assert_int_equal(f->end, fm->fields[i + 1].start);
		else
			assert_int_equal(f->end, fm->yaml_end);
	}
	if (fm->nfields)
		assert_true(fm->fields[0].start >= fm->yaml_start);
}

static void assert_key_at(fixture *fx, const ad_fm_field *f)
{
	size_t n = strlen(f->key);

	assert_true(f->start + n <= fx->len);
	assert_memory_equal(fx->data + f->start, f->key, n);
}

static void assert_items(fixture *fx, const ad_fm_field *f, const char *const *want, size_t n)
{
	const char **items;
	size_t i, got;

	assert_non_null(f);
	got = ad_fm_list_items(&items, &fx->arena, f);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++)
		assert_string_equal(items[i], want[i]);
	assert_null(items[n]);
}

/* ---------------------------------------------------------------- basics */

static void test_basic_fields(void **state)
{
	fixture *fx = *state;
	const char *text =
		"---\n"
		"name: code-reviewer\n"
		"description: Reviews code for bugs\n"
		"tools: Read, Grep, Glob\n"
		"model: sonnet\n"
		"---\n"
		"\n"
		"# Code reviewer\n";
	const ad_frontmatter *fm = parse(fx, text);
	const ad_fm_field *f;

	assert_non_null(fm);
	assert_int_equal(fm->line, 1);
	assert_int_equal(fm->end_line, 6);
	assert_int_equal(fm->start, 0);
	assert_int_equal(fm->yaml_start, 4);
	assert_int_equal(fm->yaml_end, strstr(text, "---\n\n#") - text);
	assert_int_equal(fm->end, strstr(text, "\n#") - text);
	assert_false(fm->misplaced);
	assert_false(fm->lenient);
	assert_false(fm->not_mapping);
	assert_null(fm->error);
	assert_int_equal(fx->diags.count, 0);
	assert_int_equal(fm->nfields, 4);

	f = &fm->fields[0];
	assert_string_equal(f->key, "name");
	assert_int_equal(f->kind, AD_FM_SCALAR);
	assert_string_equal(f->value, "code-reviewer");
	assert_int_equal(f->line, 2);
	assert_int_equal(f->column, 1);
	assert_string_equal(raw_value(fx, f), "code-reviewer");

	f = ad_fm_get(fm, "description");
	assert_ptr_equal(f, &fm->fields[1]);
	assert_string_equal(f->value, "Reviews code for bugs");
	assert_int_equal(f->line, 3);

	f = ad_fm_get(fm, "model");
	assert_int_equal(f->line, 5);
	assert_string_equal(f->value, "sonnet");
	assert_null(ad_fm_get(fm, "color"));
	assert_null(ad_fm_get(NULL, "name"));

	assert_tiles(fx, fm);
	for (size_t i = 0; i < fm->nfields; i++)
		assert_key_at(fx, &fm->fields[i]);
}

/* Duplicated keys: each field knows which occurrence of its key it is, and
 * ad_fm_get_nth() finds any of them, in the YAML and in the lenient
 * reading after an error. */
static void test_duplicate_keys_indexed(void **state)
{
	fixture *fx = *state;
	static const char *const texts[] = {
		"---\nname: a\ntools: x\nname: b\n\"\": e\nname: c\n---\n",
		"---\nname: a\ntools: x\nname: b\n\"\": e\nname: c\nbad: [\n---\n",
	};
	size_t t;

	for (t = 0; t < 2; t++) {
		const ad_frontmatter *fm;

		if (t) { /* a fresh text: the first one's buffers go */
			ad_lines_free(&fx->lines);
			free(fx->data);
		}
		fm = parse(fx, texts[t]);
		assert_non_null(fm);
		assert_int_equal(fm->lenient, t == 1);
		assert_string_equal(ad_fm_get(fm, "name")->value, "a");
		assert_string_equal(ad_fm_get_nth(fm, "name", 1)->value, "a");
		assert_string_equal(ad_fm_get_nth(fm, "name", 2)->value, "b");
		assert_string_equal(ad_fm_get_nth(fm, "name", 3)->value, "c");
		assert_ptr_equal(ad_fm_get_nth(fm, "name", 3), &fm->fields[4]);
		assert_null(ad_fm_get_nth(fm, "name", 4));
		assert_null(ad_fm_get_nth(fm, "name", 0));
		assert_null(ad_fm_get_nth(fm, "nam", 1));
		assert_null(ad_fm_get_nth(NULL, "name", 1));
		assert_string_equal(ad_fm_get(fm, "")->value, "e");
		assert_int_equal(fm->fields[0].occurrence, 0);
		assert_int_equal(fm->fields[1].occurrence, 0);
		assert_int_equal(fm->fields[2].occurrence, 1);
		assert_int_equal(fm->fields[3].occurrence, 0);
		assert_int_equal(fm->fields[4].occurrence, 2);
	}
}

/* 20,000 keys, each twice: every field found by key and occurrence. */
static void test_many_keys_indexed(void **state)
{
	fixture *fx = *state;
	ad_buf b = AD_BUF_INIT;
	const ad_frontmatter *fm;
	char key[32];
	size_t i, n = 20000;

	ad_buf_puts(&b, "---\n");
	for (i = 0; i < 2 * n; i++)
		ad_buf_printf(&b, "k%zu: v%zu\n", i % n, i);
	ad_buf_puts(&b, "---\n");
	fm = parse(fx, ad_buf_cstr(&b));
	assert_non_null(fm);
	assert_int_equal(fm->nfields, 2 * n);
	for (i = 0; i < 2 * n; i++) {
		snprintf(key, sizeof(key), "k%zu", i % n);
		assert_int_equal(fm->fields[i].occurrence, i / n);
		assert_ptr_equal(ad_fm_get_nth(fm, key, i / n + 1), &fm->fields[i]);
	}
	assert_null(ad_fm_get(fm, "k20000"));
	ad_buf_free(&b);
}

static void test_value_kinds(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx,
		"---\n"
		"empty:\n"
		"quoted: \"a \\\"b\\\" c\"\n"
		"single: 'it''s'\n"
		"literal: |\n"
		"  line one\n"
		"  line two\n"
		"folded: >-\n"
		"  one\n"
		"  two\n"
		"block:\n"
		"  - Read\n"
		"  - 'Write'\n"
		"flow: [Bash, \"Edit\" ,  Glob]\n"
		"map:\n"
		"  author: me\n"
		"  version: 2\n"
		"fmap: {a: 1}\n"
		"maps:\n"
		"  - a: 1\n"
		"  - b: 2\n"
		"nested: [[a, b], c]\n"
		"anchor: &x hello\n"
		"alias: *x\n"
		"---\n");
	const ad_fm_field *f;

	assert_non_null(fm);
	assert_null(fm->error);
	assert_int_equal(fm->nfields, 13);
	assert_tiles(fx, fm);

	f = ad_fm_get(fm, "empty");
	assert_int_equal(f->kind, AD_FM_NULL);
	assert_string_equal(f->value, "");
	assert_int_equal(f->value_start, f->value_end);
	/* Right after the colon, on the key's own line. */
	assert_int_equal(f->value_start, f->start + strlen("empty:"));

	f = ad_fm_get(fm, "quoted");
	assert_int_equal(f->kind, AD_FM_SCALAR);
	assert_string_equal(f->value, "a \"b\" c");
	assert_string_equal(raw_value(fx, f), "\"a \\\"b\\\" c\"");

	f = ad_fm_get(fm, "single");
	assert_string_equal(f->value, "it's");

	f = ad_fm_get(fm, "literal");
	assert_int_equal(f->kind, AD_FM_LITERAL);
	assert_string_equal(f->value, "line one\nline two\n");
	assert_string_equal(raw_value(fx, f), "|\n  line one\n  line two");

	f = ad_fm_get(fm, "folded");
	assert_int_equal(f->kind, AD_FM_FOLDED);
	assert_string_equal(f->value, "one two");

	f = ad_fm_get(fm, "block");
	assert_int_equal(f->kind, AD_FM_BLOCK_LIST);
	assert_int_equal(f->nitems, 2);
	assert_string_equal(f->items[0], "Read");
	assert_string_equal(f->items[1], "Write");
	assert_string_equal(f->value, "- Read\n  - 'Write'");
	assert_string_equal(raw_value(fx, f), f->value);

	f = ad_fm_get(fm, "flow");
	assert_int_equal(f->kind, AD_FM_FLOW_LIST);
	assert_int_equal(f->nitems, 3);
	assert_string_equal(f->items[1], "Edit");
	assert_string_equal(f->value, "[Bash, \"Edit\" ,  Glob]");

	f = ad_fm_get(fm, "map");
	assert_int_equal(f->kind, AD_FM_MAP);
	assert_null(f->items);
	assert_string_equal(f->value, "author: me\n  version: 2");

	f = ad_fm_get(fm, "fmap");
	assert_int_equal(f->kind, AD_FM_MAP);
	assert_string_equal(f->value, "{a: 1}");

	f = ad_fm_get(fm, "maps");
	assert_int_equal(f->kind, AD_FM_OTHER);
	assert_int_equal(f->nitems, 0);
	assert_string_equal(f->value, "- a: 1\n  - b: 2");

	f = ad_fm_get(fm, "nested");
	assert_int_equal(f->kind, AD_FM_FLOW_LIST);
	assert_int_equal(f->nitems, 2);
	assert_string_equal(f->items[0], "[a, b]");
	assert_string_equal(f->items[1], "c");

	f = ad_fm_get(fm, "anchor");
	assert_int_equal(f->kind, AD_FM_SCALAR);
	assert_string_equal(f->value, "hello");

	/* Aliases are never expanded. */
	f = ad_fm_get(fm, "alias");
	assert_int_equal(f->kind, AD_FM_OTHER);
	assert_string_equal(f->value, "*x");
}

static void test_comments_go_with_field_above(void **state)
{
	fixture *fx = *state;
	const char *text =
		"---\n"
		"# leading comment\n"
		"name: a\n"
		"\n"
		"# about tools\n"
		"tools:\n"
		"  - Read\n"
		"# trailing\n"
		"\n"
		"model: opus\n"
		"---\n";
	const ad_frontmatter *fm = parse(fx, text);
	const ad_fm_field *f;

	assert_non_null(fm);
	assert_int_equal(fm->nfields, 3);
	assert_tiles(fx, fm);
	/* Fields start at the first key, after the leading comment. */
	assert_int_equal(fm->fields[0].start, strstr(text, "name:") - text);
	assert_int_equal(fm->fields[0].end, strstr(text, "tools:") - text);
	f = ad_fm_get(fm, "tools");
	/* The comment and blank line below the list are in the field's span
	 * but not in its value. */
	assert_int_equal(f->end, strstr(text, "model:") - text);
	assert_string_equal(f->value, "- Read");
	assert_int_equal(f->nitems, 1);
}

static void test_dots_closer_and_trailing_blanks(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx, "---  \nname: a\n... \t\nbody\n");

	assert_non_null(fm);
	assert_int_equal(fm->end_line, 3);
	assert_int_equal(fm->end, strlen("---  \nname: a\n... \t\n"));
	assert_string_equal(ad_fm_get(fm, "name")->value, "a");
}

static void test_no_final_newline(void **state)
{
	fixture *fx = *state;
	const char *text = "---\nname: a\ndescription: b\n---";
	const ad_frontmatter *fm = parse(fx, text);

	assert_non_null(fm);
	assert_int_equal(fm->end_line, 4);
	assert_int_equal(fm->end, strlen(text));
	assert_int_equal(fm->yaml_end, strlen(text) - 3);
	assert_int_equal(fm->nfields, 2);
	assert_tiles(fx, fm);
}

static void test_empty_block(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx, "---\n# nothing yet\n---\nbody\n");

	assert_non_null(fm);
	assert_int_equal(fm->nfields, 0);
	assert_false(fm->not_mapping);
	assert_null(fm->error);
	assert_int_equal(fx->diags.count, 0);
}

/* ---------------------------------------------------------------- encodings */

static void test_crlf(void **state)
{
	fixture *fx = *state;
	const char *text =
		"---\r\n"
		"name: a\r\n"
		"description: |\r\n"
		"  one\r\n"
		"  two\r\n"
		"tools: [Read, Write]\r\n"
		"---\r\n"
		"body\r\n";
	const ad_frontmatter *fm = parse(fx, text);
	const ad_fm_field *f;

	assert_non_null(fm);
	assert_null(fm->error);
	assert_int_equal(fm->yaml_start, 5);
	assert_int_equal(fm->end, strstr(text, "body") - text);
	assert_int_equal(fm->nfields, 3);
	assert_tiles(fx, fm);
	f = ad_fm_get(fm, "name");
	assert_string_equal(f->value, "a");
	assert_string_equal(raw_value(fx, f), "a");
	f = ad_fm_get(fm, "description");
	assert_int_equal(f->line, 3);
	assert_string_equal(f->value, "one\ntwo\n");
	f = ad_fm_get(fm, "tools");
	assert_int_equal(f->line, 6);
	assert_key_at(fx, f);
	assert_string_equal(raw_value(fx, f), "[Read, Write]");
}

static void test_lone_cr(void **state)
{
	fixture *fx = *state;
	const char *text = "---\rname: a\rmodel: b\r---\rbody";
	const ad_frontmatter *fm = parse(fx, text);

	assert_non_null(fm);
	assert_int_equal(fm->end_line, 4);
	assert_int_equal(ad_fm_get(fm, "model")->line, 3);
	assert_string_equal(ad_fm_get(fm, "model")->value, "b");
	assert_tiles(fx, fm);
}

static void test_bom(void **state)
{
	fixture *fx = *state;
	const char *text = "\xEF\xBB\xBF---\nname: a\n---\n";
	const ad_frontmatter *fm = parse(fx, text);

	assert_non_null(fm);
	assert_false(fm->misplaced);
	assert_int_equal(fm->start, 3);
	assert_int_equal(fm->yaml_start, 7);
	assert_int_equal(fm->fields[0].start, 7);
	assert_key_at(fx, &fm->fields[0]);
}

/* Columns count characters, and U+0085 (a line break to libyaml, not to
 * CommonMark) does not shift the lines of the fields below it. */
static void test_utf8_marks(void **state)
{
	fixture *fx = *state;
	const char *text =
		"---\n"
		"name: h\xC3\xA9h\xC3\xA9\n"
		"description: \"x\xC2\x85y\"\n"
		"tools: [\xE2\x9C\x93, b]\n"
		"model: opus\n"
		"---\n";
	const ad_frontmatter *fm = parse(fx, text);
	const ad_fm_field *f;

	assert_non_null(fm);
	assert_null(fm->error);
	assert_int_equal(fm->nfields, 4);
	f = ad_fm_get(fm, "tools");
	assert_int_equal(f->line, 4);
	assert_key_at(fx, f);
	assert_string_equal(raw_value(fx, f), "[\xE2\x9C\x93, b]");
	f = ad_fm_get(fm, "model");
	assert_int_equal(f->line, 5);
	assert_string_equal(raw_value(fx, f), "opus");
	assert_tiles(fx, fm);
}

/* ---------------------------------------------------------------- errors */

static void test_tab_indent_error(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx,
		"---\n"
		"name: a\n"
		"\tdescription: b\n"
		"model: c\n"
		"---\n");
	const ad_diag *d;

	assert_non_null(fm);
	assert_non_null(fm->error);
	assert_non_null(strstr(fm->error, "tab"));
	assert_null(strchr(fm->error, '\n'));
	assert_int_equal(fm->error_line, 3);
	assert_int_equal(fm->error_column, 1);
	d = find_diag(fx, "yaml-error");
	assert_non_null(d);
	assert_int_equal(d->severity, AD_DIAG_ERROR);
	assert_int_equal(d->line, 3);
	assert_int_equal(d->column, 1);
	assert_string_equal(d->message, fm->error);
	/* The lenient reader still finds the fields at the left edge. */
	assert_true(fm->lenient);
	assert_int_equal(fm->nfields, 2);
	assert_string_equal(fm->fields[0].key, "name");
	assert_string_equal(fm->fields[1].key, "model");
	assert_string_equal(fm->fields[1].value, "c");
	assert_tiles(fx, fm);
}

static void test_unclosed_quote_error(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx,
		"Some text pasted above\n"
		"\n"
		"---\n"
		"name: a\n"
		"description: \"never closed\n"
		"---\n");

	assert_non_null(fm);
	assert_true(fm->misplaced);
	assert_non_null(fm->error);
	assert_non_null(strstr(fm->error, "quoted scalar on line 5"));
	/* libyaml reaches the end of the block: the closing fence's line. */
	assert_int_equal(fm->error_line, 6);
	assert_int_equal(fm->error_column, 1);
	assert_true(fm->lenient);
	assert_string_equal(ad_fm_get(fm, "description")->value, "\"never closed");
}

static void test_error_column_counts_characters(void **state)
{
	fixture *fx = *state;
	/* The second ':' is the 14th character of its line, the 16th byte. */
	const ad_frontmatter *fm = parse(fx,
		"---\n"
		"name: a\n"
		"note: d\xC3\xA9j\xC3\xA0 vu: x\n"
		"---\n");

	assert_non_null(fm);
	assert_non_null(fm->error);
	assert_string_equal(fm->error, "mapping values are not allowed in this context");
	assert_int_equal(fm->error_line, 3);
	assert_int_equal(fm->error_column, 14);
}

/* The most common real-world rejection: a plain scalar holding ": ". */
static void test_colon_in_plain_description(void **state)
{
	fixture *fx = *state;
	const char *text =
		"---\n"
		"name: helper\n"
		"description: Use this agent when needed. Examples: <example>Context: the user asks</example>\n"
		"tools: Read, Write, Bash\n"
		"model: sonnet\n"
		"---\n"
		"Body\n";
	const ad_frontmatter *fm = parse(fx, text);
	const ad_fm_field *f;
	const char *tools[] = { "Read", "Write", "Bash" };

	assert_non_null(fm);
	assert_non_null(fm->error);
	assert_int_equal(fm->error_line, 3);
	assert_int_equal(fm->error_column, 50);
	assert_true(fm->lenient);
	assert_int_equal(fm->nfields, 4);
	f = ad_fm_get(fm, "description");
	assert_int_equal(f->kind, AD_FM_SCALAR);
	assert_string_equal(f->value,
		"Use this agent when needed. Examples: <example>Context: the user asks</example>");
	assert_string_equal(raw_value(fx, f), f->value);
	assert_items(fx, ad_fm_get(fm, "tools"), tools, 3);
	assert_string_equal(ad_fm_get(fm, "model")->value, "sonnet");
	assert_tiles(fx, fm);
	for (size_t i = 0; i < fm->nfields; i++)
		assert_key_at(fx, &fm->fields[i]);
}

static void test_lenient_value_forms(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx,
		"---\n"
		"name: x\n"
		"description: Broken: yes\n"
		"  and continued\n"
		"\n"
		"  after a blank\n"
		"tools: ['Read', \"Write\", Bash,\n"
		"  Glob] trailing junk\n"
		"skills:\n"
		"  - one\n"
		"  - \"one\"\n"
		"  - two\n"
		"    wrapped\n"
		"notes: |\n"
		"  first\n"
		"    indented\n"
		"folded: >\n"
		"  a\n"
		"  b\n"
		"meta:\n"
		"  author: me\n"
		"  tags:\n"
		"    - a\n"
		"empty:\n"
		"star: *\n"
		"\"quoted key\": v\n"
		"---\n");
	const ad_fm_field *f;
	const char *tools[] = { "Read", "Write", "Bash", "Glob" };
	const char *skills[] = { "one", "one", "two wrapped" };

	assert_non_null(fm);
	assert_true(fm->lenient);
	assert_int_equal(fm->nfields, 10);
	assert_tiles(fx, fm);

	f = ad_fm_get(fm, "description");
	assert_int_equal(f->kind, AD_FM_SCALAR);
	assert_string_equal(f->value, "Broken: yes and continued\nafter a blank");
	assert_string_equal(raw_value(fx, f), "Broken: yes\n  and continued\n\n  after a blank");

	f = ad_fm_get(fm, "tools");
	assert_int_equal(f->kind, AD_FM_FLOW_LIST);
	assert_int_equal(f->nitems, 4);
	assert_string_equal(f->items[0], "Read");
	assert_string_equal(raw_value(fx, f), "['Read', \"Write\", Bash,\n  Glob]");
	assert_items(fx, f, tools, 4);

	f = ad_fm_get(fm, "skills");
	assert_int_equal(f->kind, AD_FM_BLOCK_LIST);
	assert_items(fx, f, skills, 3);

	f = ad_fm_get(fm, "notes");
	assert_int_equal(f->kind, AD_FM_LITERAL);
	assert_string_equal(f->value, "first\n  indented\n");

	f = ad_fm_get(fm, "folded");
	assert_int_equal(f->kind, AD_FM_FOLDED);
	assert_string_equal(f->value, "a b\n");

	f = ad_fm_get(fm, "meta");
	assert_int_equal(f->kind, AD_FM_MAP);
	assert_string_equal(f->value, "author: me\n  tags:\n    - a");

	f = ad_fm_get(fm, "empty");
	assert_int_equal(f->kind, AD_FM_NULL);
	assert_string_equal(f->value, "");

	f = ad_fm_get(fm, "star");
	assert_int_equal(f->kind, AD_FM_SCALAR);
	assert_string_equal(f->value, "*");

	f = ad_fm_get(fm, "quoted key");
	assert_non_null(f);
	assert_string_equal(f->value, "v");
}

static void test_not_mapping(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx, "---\n- a\n- b\n---\n");
	const ad_diag *d;

	assert_non_null(fm);
	assert_true(fm->not_mapping);
	assert_false(fm->lenient);
	assert_null(fm->error);
	assert_int_equal(fm->nfields, 0);
	d = find_diag(fx, "yaml-not-mapping");
	assert_non_null(d);
	assert_int_equal(d->line, 2);
	assert_non_null(strstr(d->message, "a list"));
}

static void test_not_mapping_scalar(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx, "---\njust some words\n---\n");

	assert_non_null(fm);
	assert_true(fm->not_mapping);
	assert_int_equal(fm->nfields, 0);
	assert_non_null(find_diag(fx, "yaml-not-mapping"));
}

static void test_invalid_utf8(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx, "---\nname: a\ndescription: b\xFF\xFE c\nmodel: m\n---\n");

	assert_non_null(fm);
	assert_non_null(fm->error);
	assert_non_null(strstr(fm->error, "UTF-8"));
	assert_int_equal(fm->error_line, 3);
	assert_int_equal(fm->error_column, 15);
	assert_true(fm->lenient);
	assert_int_equal(fm->nfields, 3);
	assert_string_equal(ad_fm_get(fm, "model")->value, "m");
}

static void test_nul_byte(void **state)
{
	fixture *fx = *state;
	static const char text[] = "---\nname: a\ndescription: b\0c\nmodel: m\n---\n";
	const ad_frontmatter *fm = parse_n(fx, text, sizeof(text) - 1);

	assert_non_null(fm);
	assert_non_null(fm->error);
	assert_int_equal(fm->error_line, 3);
	assert_int_equal(fm->error_column, 15);
	assert_non_null(find_diag(fx, "yaml-error"));
	assert_int_equal(fm->nfields, 3);
	assert_string_equal(ad_fm_get(fm, "model")->value, "m");
	assert_tiles(fx, fm);
}

/* ---------------------------------------------------------------- where */

static void test_unterminated(void **state)
{
	fixture *fx = *state;
	const ad_diag *d;

	assert_null(parse(fx, "---\nname: a\n\n# Body\n"));
	d = find_diag(fx, "frontmatter-unterminated");
	assert_non_null(d);
	assert_int_equal(d->severity, AD_DIAG_ERROR);
	assert_int_equal(d->line, 1);
}

static void test_no_frontmatter(void **state)
{
	fixture *fx = *state;

	assert_null(parse(fx, "# Title\n\ntext\n\n---\nname: not frontmatter\n---\n"));
	assert_int_equal(fx->diags.count, 0);
}

static void test_thematic_breaks_are_body(void **state)
{
	fixture *fx = *state;

	/* No name or description key between the breaks. */
	assert_null(parse(fx, "Intro\n\n---\n\nSome text: here\n\n---\n\nMore\n"));
	assert_int_equal(fx->diags.count, 0);
}

static void test_empty_input(void **state)
{
	fixture *fx = *state;

	assert_null(parse(fx, ""));
	assert_int_equal(fx->diags.count, 0);
}

static void test_misplaced_blank_first_line(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx, "\n---\nname: a\ndescription: b\n---\nbody\n");
	const ad_diag *d;

	assert_non_null(fm);
	assert_true(fm->misplaced);
	assert_false(fm->lenient);
	assert_int_equal(fm->line, 2);
	assert_int_equal(fm->start, 1);
	assert_int_equal(ad_fm_get(fm, "name")->line, 3);
	d = find_diag(fx, "frontmatter-misplaced");
	assert_non_null(d);
	assert_int_equal(d->severity, AD_DIAG_WARNING);
	assert_int_equal(d->line, 2);
	assert_string_equal(d->message,
		"frontmatter starts on line 2, not line 1: loaders only read it at the very top");
}

/* A file saved from GitHub's web view: a header, and a lone "|" between
 * the real lines. */
static void test_misplaced_github_paste(void **state)
{
	fixture *fx = *state;
	const char *text =
		"191 lines\n"
		"10 KiB\n"
		"Markdown\n"
		"---\n"
		"|\n"
		"name: backend-architect\n"
		"|\n"
		"description: |\n"
		"|\n"
		"Architectural guidance. Use when:\n"
		"|\n"
		"- Planning services\n"
		"|\n"
		"tools: Read, Grep\n"
		"|\n"
		"---\n"
		"|\n"
		"# Role\n";
	const ad_frontmatter *fm = parse(fx, text);
	const ad_fm_field *f;
	const char *tools[] = { "Read", "Grep" };

	assert_non_null(fm);
	assert_true(fm->misplaced);
	assert_int_equal(fm->line, 4);
	assert_int_equal(fm->end_line, 16);
	assert_non_null(find_diag(fx, "frontmatter-misplaced"));
	assert_true(fm->lenient);
	assert_int_equal(fm->nfields, 3);
	f = ad_fm_get(fm, "name");
	assert_string_equal(f->value, "backend-architect");
	assert_int_equal(f->line, 6);
	f = ad_fm_get(fm, "description");
	assert_int_equal(f->kind, AD_FM_LITERAL);
	assert_string_equal(f->value, "Architectural guidance. Use when:\n- Planning services\n");
	assert_items(fx, ad_fm_get(fm, "tools"), tools, 2);
	assert_tiles(fx, fm);
}

static void test_misplaced_with_bar_prefix(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx,
		"Raw view\n"
		"---\n"
		"| name: a\n"
		"| tools: [Read, \"Bash\"]\n"
		"---\n");
	const char *tools[] = { "Read", "Bash" };

	assert_non_null(fm);
	assert_true(fm->misplaced);
	assert_int_equal(fm->nfields, 2);
	assert_string_equal(ad_fm_get(fm, "name")->value, "a");
	assert_int_equal(ad_fm_get(fm, "name")->column, 3);
	assert_items(fx, ad_fm_get(fm, "tools"), tools, 2);
}

static void test_misplaced_not_after_heading(void **state)
{
	fixture *fx = *state;

	assert_null(parse(fx, "intro\n# Heading\n---\nname: a\n---\n"));
	assert_null(find_diag(fx, "frontmatter-misplaced"));
}

static void test_misplaced_only_near_top(void **state)
{
	fixture *fx = *state;
	ad_buf b = AD_BUF_INIT;
	int i;

	for (i = 0; i < 60; i++)
		ad_buf_puts(&b, "text\n");
	ad_buf_puts(&b, "---\nname: a\n---\n");
	assert_null(parse(fx, ad_buf_cstr(&b)));
	ad_buf_free(&b);
}

/* ---------------------------------------------------------------- hostile */

static void test_duplicate_keys(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx, "---\nname: a\nmodel: x\nname: b\n---\n");

	assert_non_null(fm);
	assert_null(fm->error);
	assert_int_equal(fm->nfields, 3);
	assert_string_equal(fm->fields[0].value, "a");
	assert_string_equal(fm->fields[2].key, "name");
	assert_string_equal(fm->fields[2].value, "b");
	assert_ptr_equal(ad_fm_get(fm, "name"), &fm->fields[0]);
}

static const ad_frontmatter *parse_nested(fixture *fx, int depth)
{
	ad_buf b = AD_BUF_INIT;
	const ad_frontmatter *fm;
	int i;

	ad_buf_puts(&b, "---\nname: a\ndeep: ");
	for (i = 0; i < depth; i++)
		ad_buf_putc(&b, '[');
	for (i = 0; i < depth; i++)
		ad_buf_putc(&b, ']');
	ad_buf_puts(&b, "\nmodel: m\n---\n");
	fm = parse(fx, ad_buf_cstr(&b));
	ad_buf_free(&b);
	return fm;
}

static void test_nesting_limit_ok(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse_nested(fx, 64);

	assert_non_null(fm);
	assert_null(fm->error);
	assert_int_equal(ad_fm_get(fm, "deep")->kind, AD_FM_FLOW_LIST);
	assert_string_equal(ad_fm_get(fm, "model")->value, "m");
}

static void test_nesting_limit_exceeded(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse_nested(fx, 100000);

	assert_non_null(fm);
	assert_non_null(fm->error);
	assert_non_null(strstr(fm->error, "64"));
	assert_int_equal(fm->error_line, 3);
	assert_int_equal(fm->error_column, 6 + 65);
	assert_true(fm->lenient);
	assert_string_equal(ad_fm_get(fm, "model")->value, "m");
	assert_int_equal(ad_fm_get(fm, "model")->line, 4);
}

static void test_many_keys(void **state)
{
	fixture *fx = *state;
	ad_buf b = AD_BUF_INIT;
	const ad_frontmatter *fm;
	char key[32];
	int i, n = 20000;

	ad_buf_puts(&b, "---\n");
	for (i = 0; i < n; i++)
		ad_buf_printf(&b, "key%d: value %d\n", i, i);
	ad_buf_puts(&b, "---\n");
	fm = parse(fx, ad_buf_cstr(&b));
	ad_buf_free(&b);
	assert_non_null(fm);
	assert_int_equal(fm->nfields, (size_t)n);
	for (i = 0; i < n; i += 997) {
		snprintf(key, sizeof(key), "key%d", i);
		assert_string_equal(fm->fields[i].key, key);
		assert_int_equal(fm->fields[i].line, i + 2);
	}
	assert_tiles(fx, fm);
}

static void test_huge_line(void **state)
{
	fixture *fx = *state;
	ad_buf b = AD_BUF_INIT;
	const ad_frontmatter *fm;
	const ad_fm_field *f;
	int i, n = 100000;

	ad_buf_puts(&b, "---\ntools: [");
	for (i = 0; i < n; i++)
		ad_buf_printf(&b, "%s\xC3\xA9t%d", i ? ", " : "", i);
	ad_buf_puts(&b, "]\nmodel: m\n---\n");
	fm = parse(fx, ad_buf_cstr(&b));
	ad_buf_free(&b);
	assert_non_null(fm);
	assert_null(fm->error);
	f = ad_fm_get(fm, "tools");
	assert_int_equal(f->nitems, (size_t)n);
	assert_string_equal(f->items[n - 1], "\xC3\xA9t99999");
	assert_int_equal(fx->data[f->value_end - 1], ']');
	assert_int_equal(ad_fm_get(fm, "model")->line, 3);
}

/* ---------------------------------------------------------------- escapes */

static void assert_escape(fixture *fx, const ad_fm_escape *e, const char *text, unsigned cp)
{
	assert_int_equal(e->len, strlen(text));
	assert_memory_equal(fx->data + e->offset, text, e->len);
	assert_int_equal(e->cp, cp);
}

/* The escapes of double-quoted scalars that stand for controls, in file
 * order, wherever the scalar is: a key, a value across an escaped line
 * break, after an anchor and a tag, an item, a nested mapping.  An escaped
 * quote or backslash, "\t", "\n", "\_", single-quoted, plain and block
 * scalars hold none. */
static void test_escapes(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx,
		"---\n"
		"\"k\\e\": 1\n"
		"a: \"\\\"\\\\e\\x1B\\u009b\\\n  \\U0000202E \\t\\n\\L\\_\"\n"
		"b: &x !!str \"\\0\"\n"
		"c: ['\\e', \"\\N\", {d: \"\\x7f\"}, x\\e]\n"
		"e: |\n  \"\\e\"\n"
		"---\n");

	assert_non_null(fm);
	assert_null(fm->error);
	assert_int_equal(fm->nescapes, 8);
	assert_escape(fx, &fm->escapes[0], "\\e", 0x1B);
	assert_int_equal(fm->escapes[0].offset, 6);
	assert_escape(fx, &fm->escapes[1], "\\x1B", 0x1B);
	assert_escape(fx, &fm->escapes[2], "\\u009b", 0x9B);
	assert_escape(fx, &fm->escapes[3], "\\U0000202E", 0x202E);
	assert_int_equal(ad_lines_of(&fx->lines, fm->escapes[3].offset), 4);
	assert_escape(fx, &fm->escapes[4], "\\L", 0x2028);
	assert_escape(fx, &fm->escapes[5], "\\0", 0);
	assert_escape(fx, &fm->escapes[6], "\\N", 0x85);
	assert_escape(fx, &fm->escapes[7], "\\x7f", 0x7F);

	assert_true(ad_fm_escape_cp_unsafe(0x1B) && ad_fm_escape_cp_unsafe(0x0D) &&
		    ad_fm_escape_cp_unsafe(0x2069));
	assert_false(ad_fm_escape_cp_unsafe('\t') || ad_fm_escape_cp_unsafe('\n') ||
		     ad_fm_escape_cp_unsafe(0xA0) || ad_fm_escape_cp_unsafe(' '));
}

/* Many escaped values along one line cost linear time. */
static void test_escapes_huge_line(void **state)
{
	fixture *fx = *state;
	ad_buf b = AD_BUF_INIT;
	const ad_frontmatter *fm;
	int i, n = 100000;

	ad_buf_puts(&b, "---\ntools: [");
	for (i = 0; i < n; i++)
		ad_buf_printf(&b, "%s\"\xC3\xA9\\e%d\"", i ? ", " : "", i);
	ad_buf_puts(&b, "]\n---\n");
	fm = parse(fx, ad_buf_cstr(&b));
	ad_buf_free(&b);
	assert_non_null(fm);
	assert_null(fm->error);
	assert_int_equal(fm->nescapes, (size_t)n);
	assert_escape(fx, &fm->escapes[n - 1], "\\e", 0x1B);
	assert_string_equal(ad_fm_get(fm, "tools")->items[n - 1], "\xC3\xA9\x1b" "99999");
}

/* ---------------------------------------------------------------- lists */

static void test_list_items_spellings(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx,
		"---\n"
		"block:\n"
		"  - Read\n"
		"  - '  Write '\n"
		"  - ''\n"
		"flow: [Read, Write, '']\n"
		"comma: Read, Write,, Bash ,\n"
		"spaces: Read  Write\tBash\n"
		"single: Read\n"
		"star: '*'\n"
		"empty:\n"
		"map: {a: b}\n"
		"---\n");
	const char *two[] = { "Read", "Write" };
	const char *three[] = { "Read", "Write", "Bash" };
	const char *one[] = { "Read" };
	const char *star[] = { "*" };
	const char **items;

	assert_non_null(fm);
	assert_items(fx, ad_fm_get(fm, "block"), two, 2);
	assert_items(fx, ad_fm_get(fm, "flow"), two, 2);
	assert_items(fx, ad_fm_get(fm, "comma"), three, 3);
	assert_items(fx, ad_fm_get(fm, "spaces"), three, 3);
	assert_items(fx, ad_fm_get(fm, "single"), one, 1);
	assert_items(fx, ad_fm_get(fm, "star"), star, 1);
	assert_int_equal(ad_fm_list_items(&items, &fx->arena, ad_fm_get(fm, "empty")), 0);
	assert_int_equal(ad_fm_list_items(&items, &fx->arena, ad_fm_get(fm, "map")), 0);
	assert_int_equal(ad_fm_list_items(&items, &fx->arena, NULL), 0);
}

/* Comma strings split at top-level commas only: the arguments of a tool
 * pattern stay with it, with or without other commas around. */
static void test_list_items_brackets(void **state)
{
	fixture *fx = *state;
	const ad_frontmatter *fm = parse(fx,
		"---\n"
		"tools: Read, Agent(worker, researcher), Bash(git log, git diff)\n"
		"alone: Agent(worker, researcher)\n"
		"spaced: Read Agent(worker, researcher) Grep\n"
		"nested: mcp[a, {b, c}], Write\n"
		"stray: a), b\n"
		"---\n");
	const char *tools[] = { "Read", "Agent(worker, researcher)", "Bash(git log, git diff)" };
	const char *alone[] = { "Agent(worker, researcher)" };
	const char *spaced[] = { "Read", "Agent(worker, researcher)", "Grep" };
	const char *nested[] = { "mcp[a, {b, c}]", "Write" };
	const char *stray[] = { "a)", "b" };
	const char **items;

	assert_non_null(fm);
	assert_items(fx, ad_fm_get(fm, "tools"), tools, 3);
	assert_items(fx, ad_fm_get(fm, "alone"), alone, 1);
	assert_items(fx, ad_fm_get(fm, "spaced"), spaced, 3);
	assert_items(fx, ad_fm_get(fm, "nested"), nested, 2);
	assert_items(fx, ad_fm_get(fm, "stray"), stray, 2);
	/* The splitter itself, on a string that is no field. */
	assert_int_equal(ad_fm_split_names(&items, &fx->arena, "x(a, b) , y", 11), 2);
	assert_string_equal(items[0], "x(a, b)");
	assert_string_equal(items[1], "y");
	assert_null(items[2]);
	assert_int_equal(ad_fm_split_names(&items, &fx->arena, " , ", 3), 0);
	assert_null(items);
}

/* ---------------------------------------------------------------- writing */

static void test_write_scalars(void **state)
{
	ad_buf b = AD_BUF_INIT;
	static const char *const quoted[] = {
		"true", "True", "FALSE", "yes", "no", "on", "off", "y", "null", "~", "",
		"12", "-3.5", "0x1F", "1e3", ".inf", "- x", "#x", "a: b", "a #b", "'x", "\"x",
		"x ", "x:", "*x", "&x", "!x", "|", ">", "%x", "@x", "`x",
	};
	static const char *const plain[] = {
		"Read", "Bash(git diff)", "a:b", "a#b", "mcp__github__search", "v1.2", "1a",
		"trueish", "Agent(worker, researcher)",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++) {
		assert_false(ad_fm_scalar_plain(quoted[i], false));
		assert_false(ad_fm_scalar_plain(quoted[i], true));
	}
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		assert_true(ad_fm_scalar_plain(plain[i], false));
	/* In a flow, commas, brackets, colons and quotes need quotes. */
	assert_false(ad_fm_scalar_plain("Agent(worker, researcher)", true));
	assert_false(ad_fm_scalar_plain("a[1]", true));
	assert_false(ad_fm_scalar_plain("a:b", true));
	assert_true(ad_fm_scalar_plain("Bash(git diff)", true));

	ad_fm_put_scalar(&b, "true", false);
	assert_string_equal(ad_buf_cstr(&b), "\"true\"");
	ad_buf_clear(&b);
	ad_fm_put_scalar(&b, "say \"hi\"\\\x1b\t", false);
	assert_string_equal(ad_buf_cstr(&b), "\"say \\\"hi\\\"\\\\\\x1b\\x09\"");
	ad_buf_clear(&b);
	ad_fm_put_scalar(&b, "Read", true);
	assert_string_equal(ad_buf_cstr(&b), "Read");
	ad_buf_free(&b);
}

static void test_write_lists(void **state)
{
	ad_buf b = AD_BUF_INIT;
	const char *names[] = { "Read", "true", "Agent(worker, researcher)", "a, b" };

	(void)state;
	ad_fm_put_flow_list(&b, names, 4);
	assert_string_equal(ad_buf_cstr(&b),
			    "[Read, \"true\", \"Agent(worker, researcher)\", \"a, b\"]");
	ad_buf_clear(&b);
	ad_fm_put_flow_list(&b, NULL, 0);
	assert_string_equal(ad_buf_cstr(&b), "[]");
	ad_buf_clear(&b);
	/* A block item that a comma string would split is quoted too. */
	ad_fm_put_block_items(&b, "  - ", names, 4, "\r\n");
	assert_string_equal(ad_buf_cstr(&b),
			    "  - Read\r\n  - \"true\"\r\n  - Agent(worker, researcher)\r\n"
			    "  - \"a, b\"\r\n");
	ad_buf_free(&b);
}

static void test_write_comma_string(void **state)
{
	fixture *fx = *state;
	ad_buf b = AD_BUF_INIT;
	const char *names[] = { "Read", "Agent(worker, researcher)", "it's" };
	const char *truth[] = { "true" };
	const char *split[] = { "Read", "a, b" };
	const char *open[] = { "Agent(worker", "Read" };
	const char *ctl[] = { "a\x1b", "b'" };
	ad_buf doc = AD_BUF_INIT;
	const ad_frontmatter *fm;
	const char **items;

	assert_true(ad_fm_put_comma_string(&b, names, 3, ", ", AD_FM_QUOTE_ANY));
	assert_string_equal(ad_buf_cstr(&b), "Read, Agent(worker, researcher), it's");
	ad_buf_clear(&b);
	assert_true(ad_fm_put_comma_string(&b, names, 3, ", ", AD_FM_QUOTE_SINGLE));
	assert_string_equal(ad_buf_cstr(&b), "'Read, Agent(worker, researcher), it''s'");
	ad_buf_clear(&b);
	assert_true(ad_fm_put_comma_string(&b, names, 2, " ", AD_FM_QUOTE_DOUBLE));
	assert_string_equal(ad_buf_cstr(&b), "\"Read Agent(worker, researcher)\"");
	ad_buf_clear(&b);
	/* One name that alone would read as a boolean. */
	assert_true(ad_fm_put_comma_string(&b, truth, 1, ", ", AD_FM_QUOTE_ANY));
	assert_string_equal(ad_buf_cstr(&b), "\"true\"");
	ad_buf_clear(&b);
	/* Single quotes have no escapes for controls. */
	assert_true(ad_fm_put_comma_string(&b, ctl, 2, ", ", AD_FM_QUOTE_SINGLE));
	assert_string_equal(ad_buf_cstr(&b), "\"a\\x1b, b'\"");
	ad_buf_clear(&b);
	/* Names that would not split back: nothing written. */
	assert_false(ad_fm_put_comma_string(&b, split, 2, ", ", AD_FM_QUOTE_ANY));
	assert_false(ad_fm_put_comma_string(&b, open, 2, ", ", AD_FM_QUOTE_ANY));
	assert_false(ad_fm_put_comma_string(&b, names, 0, ", ", AD_FM_QUOTE_ANY));
	assert_int_equal(b.size, 0);
	/* What was written reads back as the names. */
	assert_true(ad_fm_put_comma_string(&b, names, 3, ", ", AD_FM_QUOTE_ANY));
	ad_buf_puts(&doc, "---\nname: x\ntools: ");
	ad_buf_puts(&doc, ad_buf_cstr(&b));
	ad_buf_puts(&doc, "\n---\n");
	fm = parse(fx, ad_buf_cstr(&doc));
	assert_int_equal(ad_fm_list_items(&items, &fx->arena, ad_fm_get(fm, "tools")), 3);
	assert_string_equal(items[1], "Agent(worker, researcher)");
	assert_string_equal(items[2], "it's");
	ad_buf_free(&doc);
	ad_buf_free(&b);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(ad_fm_kind_name(AD_FM_NULL), "null");
	assert_string_equal(ad_fm_kind_name(AD_FM_SCALAR), "scalar");
	assert_string_equal(ad_fm_kind_name(AD_FM_LITERAL), "literal");
	assert_string_equal(ad_fm_kind_name(AD_FM_FOLDED), "folded");
	assert_string_equal(ad_fm_kind_name(AD_FM_BLOCK_LIST), "block-list");
	assert_string_equal(ad_fm_kind_name(AD_FM_FLOW_LIST), "flow-list");
	assert_string_equal(ad_fm_kind_name(AD_FM_MAP), "map");
	assert_string_equal(ad_fm_kind_name(AD_FM_OTHER), "other");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_basic_fields),
		T(test_duplicate_keys_indexed),
		T(test_many_keys_indexed),
		T(test_value_kinds),
		T(test_comments_go_with_field_above),
		T(test_dots_closer_and_trailing_blanks),
		T(test_no_final_newline),
		T(test_empty_block),
		T(test_crlf),
		T(test_lone_cr),
		T(test_bom),
		T(test_utf8_marks),
		T(test_tab_indent_error),
		T(test_unclosed_quote_error),
		T(test_error_column_counts_characters),
		T(test_colon_in_plain_description),
		T(test_lenient_value_forms),
		T(test_not_mapping),
		T(test_not_mapping_scalar),
		T(test_invalid_utf8),
		T(test_nul_byte),
		T(test_unterminated),
		T(test_no_frontmatter),
		T(test_thematic_breaks_are_body),
		T(test_empty_input),
		T(test_misplaced_blank_first_line),
		T(test_misplaced_github_paste),
		T(test_misplaced_with_bar_prefix),
		T(test_misplaced_not_after_heading),
		T(test_misplaced_only_near_top),
		T(test_duplicate_keys),
		T(test_nesting_limit_ok),
		T(test_nesting_limit_exceeded),
		T(test_many_keys),
		T(test_huge_line),
		T(test_list_items_spellings),
		T(test_list_items_brackets),
		T(test_write_scalars),
		T(test_write_lists),
		T(test_write_comma_string),
		T(test_escapes),
		T(test_escapes_huge_line),
		T(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
