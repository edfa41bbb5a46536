#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "diag.h"
#include "doc.h"
#include "fileio.h"
#include "lint.h"
#include "util.h"

/* One linted document per test; freed by the teardown. */
typedef struct {
	ad_doc *doc;
	ad_diags diags;
	ad_arena arena;
} fixture;

static int setup(void **state)
{
	fixture *f = ad_xcalloc(1, sizeof(*f));

	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	ad_doc_free(f->doc);
	ad_diags_free(&f->diags);
	ad_arena_free(&f->arena);
	free(f);
	return 0;
}

/* Parses len bytes and lints them with opts (NULL: defaults). */
static size_t lint_opts(fixture *f, const char *text, size_t len,
			const ad_lint_options *opts)
{
	int n;

	ad_doc_free(f->doc);
	f->doc = NULL;
	ad_diags_free(&f->diags);
	assert_int_equal(ad_doc_parse(&f->doc, "t.md", text, len, NULL, NULL), 0);
	n = ad_lint_doc(&f->diags, &f->arena, f->doc, opts);
	assert_true(n >= 0);
	assert_int_equal((size_t)n, f->diags.count);
	return f->diags.count;
}

static size_t lint(fixture *f, const char *text)
{
	return lint_opts(f, text, strlen(text), NULL);
}

static void dump(const fixture *f)
{
	for (size_t i = 0; i < f->diags.count; i++) {
		const ad_diag *d = &f->diags.items[i];

		print_message("  %d:%d %s %s: %s\n", d->line, d->column,
			      ad_diag_severity_name(d->severity), d->id, d->message);
	}
}

/* Asserts finding i; prints all of them first when it does not match. */
static void expect_at(const fixture *f, size_t i, const char *id,
		      ad_diag_severity severity, int line, int column)
{
	const ad_diag *d;

	if (i >= f->diags.count || strcmp(f->diags.items[i].id, id) != 0 ||
	    f->diags.items[i].severity != severity ||
	    f->diags.items[i].line != line || f->diags.items[i].column != column) {
		print_message("expected #%zu %d:%d %s %s; got:\n", i, line, column,
			      ad_diag_severity_name(severity), id);
		dump(f);
	}
	assert_true(i < f->diags.count);
	d = &f->diags.items[i];
	assert_string_equal(d->id, id);
	assert_int_equal(d->severity, severity);
	assert_int_equal(d->line, line);
	assert_int_equal(d->column, column);
}

/* Exactly one finding, as given. */
static void expect_only(const fixture *f, const char *id,
			ad_diag_severity severity, int line, int column)
{
	if (f->diags.count != 1)
		dump(f);
	assert_int_equal(f->diags.count, 1);
	expect_at(f, 0, id, severity, line, column);
}

static void expect_none(const fixture *f)
{
	if (f->diags.count != 0)
		dump(f);
	assert_int_equal(f->diags.count, 0);
}

static const ad_diag *find(const fixture *f, const char *id)
{
	for (size_t i = 0; i < f->diags.count; i++)
		if (strcmp(f->diags.items[i].id, id) == 0)
			return &f->diags.items[i];
	return NULL;
}

static size_t count_id(const fixture *f, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < f->diags.count; i++)
		n += strcmp(f->diags.items[i].id, id) == 0;
	return n;
}

#define FM(extra) "---\nname: code-reviewer\ndescription: Reviews code changes.\n" extra "---\n"
#define BODY "\n# Role\n\nYou review code.\n"

/* ---------------------------------------------------------------- clean */

static void test_clean_agents(void **state)
{
	fixture *f = *state;
	static const char *const clean[] = {
		/* the usual form */
		"---\nname: code-reviewer\ndescription: Use after code changes to review them.\n"
		"tools: Read, Grep, Glob, Bash\nmodel: sonnet\n---\n\n"
		"You are a senior reviewer.\n\n## Checklist\n\n- Naming\n- Tests\n",
		/* lists, a folded description, a full model id, permissions */
		"---\nname: a1-b2\ndescription: >\n  Folded text\n  over lines.\n"
		"tools: [Read, Write]\nmodel: claude-sonnet-4-5-20250929\n---\nBody.\n",
		"---\nname: x\ndescription: \"Quoted\\nwith an escape\"\ntools:\n  - Read\n"
		"  - mcp__github__create_issue\nmodel: inherit\n---\nBody.\n",
		"---\nname: git-helper\ndescription: d\ntools: Bash(git log:*), Bash(git diff:*), Read\n"
		"model: us.anthropic.claude-opus-4-1-20250805-v1:0\n---\nBody.\n",
		/* one tool; XML sections; tabs, emoji with ZWJ, CJK */
		"---\nname: x\ndescription: d\ntools: Read\nmodel: haiku\n---\n"
		"<instructions>\nDo it\tnow \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB 日本語.\n"
		"</instructions>\n\n<examples>\n<example>\nOne.\n</example>\n</examples>\n",
		/* CRLF throughout, no final newline */
		"---\r\nname: x\r\ndescription: d\r\n---\r\n# Role\r\nText.\r\n## Sub\r\nMore.",
		/* a heading with only subsections is not empty */
		"---\nname: x\ndescription: d\nmodel: opus\n---\n# Guide\n## One\nA.\n## Two\nB.\n",
	};

	for (size_t i = 0; i < sizeof(clean) / sizeof(clean[0]); i++) {
		print_message("clean #%zu\n", i);
		lint(f, clean[i]);
		expect_none(f);
	}
}

/* ---------------------------------------------------------------- frontmatter */

static void test_no_frontmatter(void **state)
{
	fixture *f = *state;

	lint(f, "# Reviewer\n\nYou review code.\n");
	expect_only(f, "no-frontmatter", AD_DIAG_ERROR, 1, 1);

	lint(f, "");
	expect_only(f, "no-frontmatter", AD_DIAG_ERROR, 1, 1);
}

static void test_frontmatter_unterminated(void **state)
{
	fixture *f = *state;

	/* The parser's finding, and nothing that follows from it: not
	 * no-frontmatter, not the setext heading "description: d\n---". */
	lint(f, "---\nname: x\ndescription: d\n\nBody text.\n");
	expect_only(f, "frontmatter-unterminated", AD_DIAG_ERROR, 1, 1);
	lint(f, "---\nname: x\ndescription: d\n---------\n\nBody text.\n");
	expect_only(f, "frontmatter-unterminated", AD_DIAG_ERROR, 1, 1);
}

static void test_frontmatter_misplaced(void **state)
{
	fixture *f = *state;

	lint(f, "Copied from the web\n\n---\nname: x\ndescription: d\n---\nBody.\n");
	expect_only(f, "frontmatter-misplaced", AD_DIAG_WARNING, 3, 1);
}

static void test_yaml_error(void **state)
{
	fixture *f = *state;
	const char *bad = "---\nname: x\ndescription: Use when: the user asks\n---\nBody.\n";
	const ad_diag *d;

	/* "Use when: ..." is a mapping inside a plain scalar: libyaml's error
	 * with its place, and the fields still read leniently, so no
	 * missing-name or missing-description. */
	lint(f, bad);
	expect_only(f, "yaml-error", AD_DIAG_ERROR, 3, 22); /* the second colon */
	d = find(f, "yaml-error");
	assert_non_null(d->message);
	assert_true(strlen(d->message) > 0);

	/* Without the parser's diagnostics, nothing is left. */
	{
		ad_lint_options o = AD_LINT_OPTIONS_INIT;

		o.parser_diags = false;
		lint_opts(f, bad, strlen(bad), &o);
		expect_none(f);
	}
}

static void test_not_mapping(void **state)
{
	fixture *f = *state;

	/* The parser's finding only: no missing-name on top. */
	lint(f, "---\n- a\n- b\n---\nBody.\n");
	assert_int_equal(f->diags.count, 1);
	assert_string_equal(f->diags.items[0].id, "yaml-not-mapping");
}

static void test_missing_fields(void **state)
{
	fixture *f = *state;
	const ad_diag *d;

	lint(f, "---\ndescription: d\n---\nBody.\n");
	expect_only(f, "missing-name", AD_DIAG_ERROR, 1, 1);

	lint(f, "---\nname: x\n---\nBody.\n");
	expect_only(f, "missing-description", AD_DIAG_ERROR, 1, 1);

	lint(f, "---\ntools: Read\n---\nBody.\n");
	assert_int_equal(f->diags.count, 2);
	expect_at(f, 0, "missing-name", AD_DIAG_ERROR, 1, 1);
	expect_at(f, 1, "missing-description", AD_DIAG_ERROR, 1, 1);

	/* Keys are case-sensitive; the message says where the other one is. */
	lint(f, "---\nName: x\ndescription: d\n---\nBody.\n");
	expect_only(f, "missing-name", AD_DIAG_ERROR, 1, 1);
	d = find(f, "missing-name");
	assert_non_null(strstr(d->message, "'Name' on line 2"));
}

static void test_empty_fields(void **state)
{
	fixture *f = *state;

	lint(f, "---\nname:\ndescription: d\n---\nBody.\n");
	expect_only(f, "empty-name", AD_DIAG_ERROR, 2, 1);
	lint(f, "---\nname: \"  \"\ndescription: d\n---\nBody.\n");
	expect_only(f, "empty-name", AD_DIAG_ERROR, 2, 1);
	lint(f, "---\nname: x\ndescription: ''\n---\nBody.\n");
	expect_only(f, "empty-description", AD_DIAG_ERROR, 3, 1);
	lint(f, "---\nname: x\ndescription:\n  - a\n  - b\n---\nBody.\n");
	expect_only(f, "description-form", AD_DIAG_ERROR, 4, 3);
}

static void test_name_format(void **state)
{
	fixture *f = *state;
	const ad_diag *d;

	lint(f, "---\nname: Code Reviewer\ndescription: d\n---\nBody.\n");
	expect_only(f, "name-format", AD_DIAG_WARNING, 2, 7);
	d = find(f, "name-format");
	assert_non_null(strstr(d->message, "'Code Reviewer'"));
	assert_non_null(strstr(d->message, "'code-reviewer'"));

	lint(f, "---\nname: code_reviewer\ndescription: d\n---\nBody.\n");
	expect_only(f, "name-format", AD_DIAG_WARNING, 2, 7);
	lint(f, "---\nname: -x-\ndescription: d\n---\nBody.\n");
	expect_only(f, "name-format", AD_DIAG_WARNING, 2, 7);
	lint(f, "---\nname: a--b\ndescription: d\n---\nBody.\n");
	expect_only(f, "name-format", AD_DIAG_WARNING, 2, 7);

	/* Non-ASCII names get no made-up suggestion. */
	lint(f, "---\nname: コードレビュー\ndescription: d\n---\nBody.\n");
	expect_only(f, "name-format", AD_DIAG_WARNING, 2, 7);
	d = find(f, "name-format");
	assert_null(strstr(d->message, "like"));

	/* 65 characters is one too many. */
	lint(f, "---\nname: aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa\n"
		"description: d\n---\nBody.\n");
	expect_only(f, "name-format", AD_DIAG_WARNING, 2, 7);
	assert_non_null(strstr(find(f, "name-format")->message, "65 characters"));
	lint(f, "---\nname: aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaaa-aaaaaaaaa\n"
		"description: d\n---\nBody.\n");
	expect_none(f);

	/* A list is no name at all: an error. */
	lint(f, "---\nname: [a, b]\ndescription: d\n---\nBody.\n");
	expect_only(f, "name-format", AD_DIAG_ERROR, 2, 7);
}

static void test_message_sanitized(void **state)
{
	fixture *f = *state;
	const ad_diag *d;

	/* A name holding ESC: the message shows ^[ and is one line. */
	lint(f, "---\nname: \"a\\e[31mb\\nc\"\ndescription: d\n---\nBody.\n");
	d = find(f, "name-format");
	assert_non_null(d);
	assert_null(strchr(d->message, '\x1b'));
	assert_null(strchr(d->message, '\n'));
	assert_non_null(strstr(d->message, "^["));

	/* Long values are cut, on a character boundary. */
	lint(f, "---\nname: ééééééééééééééééééééééééééééééééééééééééééééééééééééé\n"
		"description: d\n---\nBody.\n");
	d = find(f, "name-format");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "é..."));
}

static void test_tools_form(void **state)
{
	fixture *f = *state;
	static const struct {
		const char *fm;
		int line, column;
		const char *says; /* which of the forms it was taken for */
	} bad[] = {
		/* all tools, for some loaders */
		{ "tools: \"*\"\n", 4, 8, "'*' in tools" },
		/* a flow list made one string */
		{ "tools: '[Read, Write]'\n", 4, 8, "quoted string, not a list" },
		/* brackets in a comma string */
		{ "tools: Read, [Write], Edit\n", 4, 8, "brackets" },
		{ "tools: Read Write Edit\n", 4, 8, "whitespace only" },
		{ "tools: Read, Write Edit\n", 4, 8, "'Write Edit' holds a space" },
		{ "tools: Read, *\n", 4, 8, "'*' in tools" },
		/* empty: none or all? */
		{ "tools:\n", 4, 1, "tools is empty" },
		{ "tools:\n  - name: Read\n  - name: Write\n", 5, 3, "mapping" },
		{ "tools:\n  - Read, Write\n", 5, 3, "holds commas" },
		{ "tools:\n  - '*'\n", 5, 3, "'*' in tools" },
		/* OpenCode's form */
		{ "tools:\n  read: true\n  write: false\n", 5, 3, "tools is a mapping" },
		/* newlines only */
		{ "tools: |\n  Read\n  Write\n", 4, 8, "whitespace only" },
	};
	ad_buf text = AD_BUF_INIT;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("tools #%zu: %s", i, bad[i].fm);
		ad_buf_clear(&text);
		ad_buf_printf(&text, "---\nname: x\ndescription: d\n%s---\nBody.\n", bad[i].fm);
		lint_opts(f, text.ptr, text.size, NULL);
		expect_only(f, "tools-form", AD_DIAG_WARNING, bad[i].line, bad[i].column);
		assert_non_null(strstr(f->diags.items[0].message, bad[i].says));
	}
	ad_buf_free(&text);
}

static void test_tools_star_unquoted(void **state)
{
	fixture *f = *state;

	/* `tools: *` is an alias to YAML: the parser's error, and the lenient
	 * reading still gets '*' for the lint to explain. */
	lint(f, "---\nname: x\ndescription: d\ntools: *\n---\nBody.\n");
	assert_non_null(find(f, "yaml-error"));
	assert_int_equal(count_id(f, "tools-form"), 1);
	assert_int_equal(find(f, "tools-form")->line, 4);
}

static void test_duplicate_key(void **state)
{
	fixture *f = *state;
	const ad_diag *d;

	lint(f, "---\nname: a\ndescription: d\ntools: Read\nname: b\n---\nBody.\n");
	expect_only(f, "duplicate-key", AD_DIAG_ERROR, 5, 1);
	d = find(f, "duplicate-key");
	assert_non_null(strstr(d->message, "'name'"));
	assert_non_null(strstr(d->message, "line 2"));

	/* Three times: two findings, both pointing at the first. */
	lint(f, "---\nname: a\ndescription: d\nmodel: sonnet\nmodel: opus\nmodel: haiku\n---\nBody.\n");
	assert_int_equal(f->diags.count, 2);
	expect_at(f, 0, "duplicate-key", AD_DIAG_ERROR, 5, 1);
	expect_at(f, 1, "duplicate-key", AD_DIAG_ERROR, 6, 1);
	assert_non_null(strstr(f->diags.items[1].message, "line 4"));
}

static void test_model(void **state)
{
	fixture *f = *state;

	lint(f, FM("model: gpt-4o\n") BODY);
	expect_only(f, "unknown-model", AD_DIAG_INFO, 4, 8);
	lint(f, FM("model: Sonnet\n") BODY);
	expect_only(f, "unknown-model", AD_DIAG_INFO, 4, 8);
	assert_non_null(strstr(f->diags.items[0].message, "lowercase"));
	lint(f, FM("model:\n") BODY);
	expect_only(f, "unknown-model", AD_DIAG_INFO, 4, 1);
	lint(f, FM("model: claude-\n") BODY);
	expect_only(f, "unknown-model", AD_DIAG_INFO, 4, 8);
	lint(f, FM("model: anthropic/claude-sonnet-4\n") BODY);
	expect_only(f, "unknown-model", AD_DIAG_INFO, 4, 8);

	lint(f, FM("model: claude-3-5-haiku-20241022\n") BODY);
	expect_none(f);
	lint(f, FM("model: claude-sonnet-4-5@20250929\n") BODY);
	expect_none(f);
}

static void test_description_too_long(void **state)
{
	fixture *f = *state;
	ad_buf text = AD_BUF_INIT;

	ad_buf_puts(&text, "---\nname: x\ndescription: ");
	for (int i = 0; i < 4000; i++)
		ad_buf_putc(&text, 'a');
	ad_buf_puts(&text, "\n---\nBody.\n");
	lint_opts(f, text.ptr, text.size, NULL);
	expect_none(f);

	ad_buf_clear(&text);
	/* Characters, not bytes: 4001 of them in 8002 bytes. */
	ad_buf_puts(&text, "---\nname: x\ndescription: ");
	for (int i = 0; i < 4001; i++)
		ad_buf_puts(&text, "é");
	ad_buf_puts(&text, "\n---\nBody.\n");
	lint_opts(f, text.ptr, text.size, NULL);
	expect_only(f, "description-too-long", AD_DIAG_INFO, 3, 14);
	assert_non_null(strstr(f->diags.items[0].message, "4001 characters"));
	ad_buf_free(&text);
}

/* ---------------------------------------------------------------- body */

static void test_empty_body(void **state)
{
	fixture *f = *state;

	lint(f, FM(""));
	expect_only(f, "empty-body", AD_DIAG_WARNING, 4, 1);
	lint(f, FM("") "\n  \n");
	expect_only(f, "empty-body", AD_DIAG_WARNING, 5, 1);
}

static void test_empty_section(void **state)
{
	fixture *f = *state;

	/* Same level next: empty. */
	lint(f, FM("") "# Role\n\n# Rules\nBe kind.\n");
	expect_only(f, "empty-section", AD_DIAG_WARNING, 5, 1);
	assert_non_null(strstr(f->diags.items[0].message, "'Role'"));

	/* Higher level next, and the last one at the end of the file. */
	lint(f, FM("") "# A\nText.\n### Deep\n## Up\nText.\n## Last\n\n   \n");
	assert_int_equal(f->diags.count, 2);
	expect_at(f, 0, "empty-section", AD_DIAG_WARNING, 7, 1);
	expect_at(f, 1, "empty-section", AD_DIAG_WARNING, 10, 1);

	/* An HTML comment is no content; a code fence is. */
	lint(f, FM("") "# A\n<!-- TODO -->\n\n# B\n```\ncode\n```\n");
	expect_only(f, "empty-section", AD_DIAG_WARNING, 5, 1);

	/* Tags, at their indentation; setext headings. */
	lint(f, FM("") "Intro.\n\n  <examples>\n\n  </examples>\n\nTitle\n=====\n\nNext\n=====\nText.\n");
	assert_int_equal(f->diags.count, 2);
	expect_at(f, 0, "empty-section", AD_DIAG_WARNING, 7, 3);
	assert_non_null(strstr(f->diags.items[0].message, "<examples>"));
	expect_at(f, 1, "empty-section", AD_DIAG_WARNING, 11, 1);
}

/* ---------------------------------------------------------------- bytes */

static void test_control_chars(void **state)
{
	fixture *f = *state;

	/* The column counts characters: "é" (2 bytes), "日本" (6), space,
	 * then BEL as the 5th character. */
	lint(f, FM("") "\xC3\xA9\xE6\x97\xA5\xE6\x9C\xAC \x07x\n");
	expect_only(f, "control-char", AD_DIAG_WARNING, 5, 5);
	assert_non_null(strstr(f->diags.items[0].message, "U+0007 (BEL)"));

	/* An escape sequence is one finding, at its ESC. */
	lint(f, FM("") "a \x1b[31mred\x1b[0m b\n");
	assert_int_equal(f->diags.count, 2);
	expect_at(f, 0, "control-char", AD_DIAG_WARNING, 5, 3);
	expect_at(f, 1, "control-char", AD_DIAG_WARNING, 5, 11);
	assert_non_null(strstr(f->diags.items[0].message, "escape sequence"));

	/* NUL, DEL, a C1 control (U+0085), a bidi override (U+202E). */
	lint_opts(f, FM("") "a\0b\x7f\xC2\x85\xE2\x80\xAEz\n", sizeof(FM("")) - 1 + 11, NULL);
	assert_int_equal(f->diags.count, 4);
	expect_at(f, 0, "control-char", AD_DIAG_WARNING, 5, 2);
	assert_non_null(strstr(f->diags.items[0].message, "NUL"));
	expect_at(f, 1, "control-char", AD_DIAG_WARNING, 5, 4);
	expect_at(f, 2, "control-char", AD_DIAG_WARNING, 5, 5);
	expect_at(f, 3, "control-char", AD_DIAG_WARNING, 5, 6);
	assert_non_null(strstr(f->diags.items[3].message, "U+202E"));

	/* In the frontmatter too, where YAML rejects it as well. */
	lint(f, "---\nname: x\ndescription: a\x0b b\n---\nBody.\n");
	assert_non_null(find(f, "yaml-error"));
	assert_int_equal(count_id(f, "control-char"), 1);
	assert_int_equal(find(f, "control-char")->line, 3);
	assert_int_equal(find(f, "control-char")->column, 15);
}

static void test_control_chars_capped(void **state)
{
	fixture *f = *state;
	ad_lint_options o = AD_LINT_OPTIONS_INIT;

	lint(f, FM("") "\x01\x01\x01\x01\x01\x01\x01\n");
	assert_int_equal(f->diags.count, 5);
	expect_at(f, 4, "control-char", AD_DIAG_WARNING, 5, 5);
	assert_non_null(strstr(f->diags.items[4].message, "and 2 more"));
	assert_null(strstr(f->diags.items[3].message, "more"));

	o.max_char_findings = 1;
	lint_opts(f, FM("") "\x01\x01\x01\n", sizeof(FM("")) - 1 + 4, &o);
	assert_int_equal(f->diags.count, 1);
	assert_non_null(strstr(f->diags.items[0].message, "and 2 more"));
}

/* "\e" in a double-quoted value is plain ASCII in the file but ESC in the
 * value loaders read: found where the escape is, once. */
static void test_yaml_escapes(void **state)
{
	fixture *f = *state;

	lint(f, "---\nname: \"x\\e[8my\"\ndescription: \"a \\x1b b \\u009b c \\u202E d\"\n---\n" BODY);
	assert_int_equal(count_id(f, "control-char"), 4);
	expect_at(f, 0, "name-format", AD_DIAG_WARNING, 2, 7);
	expect_at(f, 1, "control-char", AD_DIAG_WARNING, 2, 9);
	assert_non_null(strstr(f->diags.items[1].message, "\"\\e\" in a double-quoted value is ESC"));
	expect_at(f, 2, "control-char", AD_DIAG_WARNING, 3, 17);
	assert_non_null(strstr(f->diags.items[2].message, "\"\\x1b\""));
	expect_at(f, 3, "control-char", AD_DIAG_WARNING, 3, 24);
	assert_non_null(strstr(f->diags.items[3].message, "\"\\u009b\" in a double-quoted value is "
							  "C1 control character U+009B"));
	expect_at(f, 4, "control-char", AD_DIAG_WARNING, 3, 33);
	assert_non_null(strstr(f->diags.items[4].message, "bidirectional control U+202E"));

	/* Keys, list items and nested values too; "\0" (the model keeps the
	 * value up to it) and "\U" escapes; a character's width counts one
	 * column; the cap and "and N more" cover raw and escaped ones. */
	lint(f, FM("\"k\\ay\": 1\ntools: [\"Re\\u202dad\"]\nmeta:\n  - x: \"\\0\\U0000202e\"\n"
		   "note: \"\xC3\xA9\\N\"\n") "\n# Role\n\nYou\x01 review code.\n");
	assert_int_equal(count_id(f, "control-char"), 5);
	expect_at(f, 0, "control-char", AD_DIAG_WARNING, 4, 3);
	assert_non_null(strstr(f->diags.items[0].message, "U+0007 (BEL)"));
	expect_at(f, 1, "control-char", AD_DIAG_WARNING, 5, 12);
	expect_at(f, 2, "control-char", AD_DIAG_WARNING, 7, 9);
	assert_non_null(strstr(f->diags.items[2].message, "a NUL character"));
	expect_at(f, 3, "control-char", AD_DIAG_WARNING, 7, 11);
	assert_non_null(strstr(f->diags.items[3].message, "\"\\U0000202e\""));
	expect_at(f, 4, "control-char", AD_DIAG_WARNING, 8, 9);
	assert_non_null(strstr(f->diags.items[4].message, "U+0085"));
	assert_non_null(strstr(f->diags.items[4].message, "(and 1 more in this file)"));

	/* Not escapes: single-quoted and plain scalars keep the backslash, an
	 * escaped backslash is one, "\t" and "\n" are text, "\L" and "\P" are
	 * line breaks (not reported raw either), a block scalar has none. */
	lint(f, FM("a: 'x\\e'\nb: x\\e\nc: \"x\\\\e \\t \\n \\L \\P\"\nd: |\n  \\e\n") BODY);
	expect_none(f);

	/* A raw control inside a double-quoted value is found once, by the
	 * byte scan. */
	lint(f, FM("a: \"x\xE2\x80\xAE\\e\"\n") BODY);
	assert_int_equal(count_id(f, "control-char"), 2);
	assert_null(strstr(f->diags.items[0].message, "double-quoted"));
	assert_non_null(strstr(f->diags.items[1].message, "double-quoted"));
}

static void test_invalid_utf8(void **state)
{
	fixture *f = *state;

	/* A run of bad bytes is one finding; each byte counts one column. */
	lint(f, FM("") "日x\xFF\xFE\xC3y\xE9z\n");
	assert_int_equal(f->diags.count, 2);
	expect_at(f, 0, "invalid-utf8", AD_DIAG_WARNING, 5, 3);
	assert_non_null(strstr(f->diags.items[0].message, "\\xFF \\xFE \\xC3"));
	expect_at(f, 1, "invalid-utf8", AD_DIAG_WARNING, 5, 7);
	/* An overlong form and a surrogate are invalid too. */
	lint(f, FM("") "\xC0\xAF \xED\xA0\x80\n");
	assert_int_equal(count_id(f, "invalid-utf8"), 2);
}

static void test_bom(void **state)
{
	fixture *f = *state;

	lint(f, "\xEF\xBB\xBF" FM("") BODY);
	expect_only(f, "bom", AD_DIAG_INFO, 1, 1);

	/* The BOM is no column: BEL is the first character.  At one place,
	 * errors come first. */
	lint(f, "\xEF\xBB\xBF\x07# Title\n");
	assert_int_equal(f->diags.count, 3);
	expect_at(f, 0, "no-frontmatter", AD_DIAG_ERROR, 1, 1);
	expect_at(f, 1, "control-char", AD_DIAG_WARNING, 1, 1);
	expect_at(f, 2, "bom", AD_DIAG_INFO, 1, 1);
}

static void test_mixed_line_endings(void **state)
{
	fixture *f = *state;
	const ad_diag *d;

	/* Mostly CRLF, one LF on line 3, right after "description: d". */
	lint(f, "---\r\nname: x\r\ndescription: d\n---\r\nBody.\r\n");
	expect_only(f, "mixed-line-endings", AD_DIAG_WARNING, 3, 15);
	d = find(f, "mixed-line-endings");
	assert_non_null(strstr(d->message, "1 LF, 4 CRLF"));
	assert_non_null(strstr(d->message, "ends in LF"));

	/* A lone CR at the end of an LF file. */
	lint(f, FM("") "Body.\nEnd.\r");
	expect_only(f, "mixed-line-endings", AD_DIAG_WARNING, 6, 5);
}

/* ---------------------------------------------------------------- all */

static void test_sorted_and_appended(void **state)
{
	fixture *f = *state;
	ad_diag keep = { AD_DIAG_ERROR, "earlier", "kept", 99, 1 };
	const char *text = "---\nname: A B\ndescription: x\nmodel: gpt\n---\n# E\n# F\ntext \x01\n";
	int n;

	assert_int_equal(ad_doc_parse(&f->doc, "t.md", text, strlen(text), NULL, NULL), 0);
	/* Findings already in the list stay first and untouched. */
	ad_diags_add(&f->diags, &f->arena, keep.severity, keep.id, keep.line,
		     keep.column, "%s", keep.message);
	n = ad_lint_doc(&f->diags, &f->arena, f->doc, NULL);
	assert_int_equal(n, 4);
	assert_int_equal(f->diags.count, 5);
	expect_at(f, 0, "earlier", AD_DIAG_ERROR, 99, 1);
	expect_at(f, 1, "name-format", AD_DIAG_WARNING, 2, 7);
	expect_at(f, 2, "unknown-model", AD_DIAG_INFO, 4, 8);
	expect_at(f, 3, "empty-section", AD_DIAG_WARNING, 6, 1);
	expect_at(f, 4, "control-char", AD_DIAG_WARNING, 8, 6);

	assert_int_equal(ad_lint_doc(NULL, &f->arena, f->doc, NULL), AD_EINVALID);
	assert_int_equal(ad_lint_doc(&f->diags, NULL, f->doc, NULL), AD_EINVALID);
	assert_int_equal(ad_lint_doc(&f->diags, &f->arena, NULL, NULL), AD_EINVALID);
}

static void test_findings_outlive_doc(void **state)
{
	fixture *f = *state;

	lint(f, "---\nname: x\ndescription: a: b\n---\nBody.\n");
	ad_doc_free(f->doc);
	f->doc = NULL;
	/* valgrind would complain here if messages were borrowed. */
	assert_string_equal(f->diags.items[0].id, "yaml-error");
	assert_true(strlen(f->diags.items[0].message) > 0);
}

static void test_rules_table(void **state)
{
	size_t n, i, k;
	const ad_lint_rule *r = ad_lint_rules(&n);

	(void)state;
	assert_true(n >= 15);
	for (i = 0; i < n; i++) {
		assert_non_null(r[i].id);
		assert_non_null(r[i].summary);
		for (k = 0; k < i; k++)
			assert_string_not_equal(r[i].id, r[k].id);
	}
}

static void test_many_empty_sections(void **state)
{
	fixture *f = *state;
	ad_buf text = AD_BUF_INIT;

	/* Hostile input: every one is reported, in order, quickly. */
	ad_buf_puts(&text, FM(""));
	for (int i = 0; i < 20000; i++)
		ad_buf_puts(&text, "## h\n");
	lint_opts(f, text.ptr, text.size, NULL);
	assert_int_equal(count_id(f, "empty-section"), 20000);
	for (size_t i = 1; i < f->diags.count; i++)
		assert_true(f->diags.items[i - 1].line <= f->diags.items[i].line);
	ad_buf_free(&text);
}

/* Every file of the shared corpus: findings are well-formed and sorted. */
static void lint_tree(fixture *f, const char *dir, size_t *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		ad_buf path = AD_BUF_INIT;
		struct stat st;
		char *data = NULL;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		ad_buf_printf(&path, "%s/%s", dir, e->d_name);
		if (stat(path.ptr, &st) == 0 && S_ISDIR(st.st_mode)) {
			lint_tree(f, path.ptr, files);
		} else if (strlen(e->d_name) > 3 &&
			   strcmp(e->d_name + strlen(e->d_name) - 3, ".md") == 0 &&
			   ad_read_file(&data, &len, path.ptr, AD_DOC_MAX_SIZE, NULL) == 0) {
			int lines;

			lint_opts(f, data, len, NULL);
			lines = ad_doc_line_count(f->doc);
			for (size_t i = 0; i < f->diags.count; i++) {
				const ad_diag *g = &f->diags.items[i];

				assert_non_null(g->id);
				assert_null(strchr(g->message, '\n'));
				assert_null(strchr(g->message, '\x1b'));
				assert_true(g->line >= 0 && g->line <= (lines > 0 ? lines : 1));
				assert_true(g->column >= 0);
				if (i > 0)
					assert_true(f->diags.items[i - 1].line < g->line ||
						    (f->diags.items[i - 1].line == g->line &&
						     f->diags.items[i - 1].column <= g->column));
			}
			(*files)++;
			free(data);
		}
		ad_buf_free(&path);
	}
	closedir(d);
}

static void test_corpus(void **state)
{
	fixture *f = *state;
	const char *shared = getenv("AD_SHARED");
	ad_buf dir = AD_BUF_INIT;
	size_t files = 0;

	ad_buf_printf(&dir, "%s/corpus", shared ? shared : "../shared");
	lint_tree(f, dir.ptr, &files);
	ad_buf_free(&dir);
	if (files == 0)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_agents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_frontmatter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frontmatter_unterminated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frontmatter_misplaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_yaml_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_mapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_name_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_sanitized, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tools_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tools_star_unquoted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_description_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_chars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_chars_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_yaml_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mixed_line_endings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sorted_and_appended, setup, teardown),
		cmocka_unit_test_setup_teardown(test_findings_outlive_doc, setup, teardown),
		cmocka_unit_test(test_rules_table),
		cmocka_unit_test_setup_teardown(test_many_empty_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corpus, setup, teardown),
	};

	return cmocka_run_group_tests_name("lint", tests, NULL, NULL);
}
