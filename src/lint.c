#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "term.h"

enum {
#define X(name, id, severity, summary) R_##name,
	AD_LINT_RULES(X)
#undef X
	R_COUNT
};

static const ad_lint_rule rules[] = {
#define X(name, id, severity, summary) { id, severity, summary },
	AD_LINT_RULES(X)
#undef X
};

/* How many characters of file text a message quotes at most. */
#define EXCERPT_CHARS 40

typedef struct {
	ad_diags *out;
	ad_arena *arena;
	const ad_doc *doc;
	const char *data;
	size_t size;
	const ad_lint_options *opts;
} lint;

static void S_report(lint *L, int rule, ad_diag_severity severity, int line,
		     int column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void S_report(lint *L, int rule, ad_diag_severity severity, int line,
		     int column, const char *fmt, ...)
{
	ad_buf msg = AD_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ad_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	ad_diags_add(L->out, L->arena, severity, rules[rule].id, line, column,
		     "%s", ad_buf_cstr(&msg));
	ad_buf_free(&msg);
}

#define REPORT(L, rule, line, column, ...) \
	S_report((L), R_##rule, rules[R_##rule].severity, (line), (column), __VA_ARGS__)

/* ---------------------------------------------------------------- text */

static size_t S_char_len(const char *s, size_t len)
{
	unsigned cp;
	size_t n = ad_utf8_decode(s, len, &cp);

	return n ? n : 1;
}

static bool S_has_bom(const char *data, size_t size)
{
	return size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
}

/* Characters in [from, to); a BOM at the start of the file counts none. */
static size_t S_chars(const char *data, size_t from, size_t to)
{
	size_t n = 0, i = from;

	if (i == 0 && S_has_bom(data, to))
		i = 3;
	while (i < to) {
		i += S_char_len(data + i, to - i);
		n++;
	}
	return n;
}

static void S_pos(const lint *L, size_t off, int *line, int *column)
{
	int ln;

	if (off > L->size)
		off = L->size;
	ln = ad_doc_line_of(L->doc, off);
	if (ln < 1)
		ln = 1;
	*line = ln;
	*column = 1 + (int)S_chars(L->data, ad_doc_line_start(L->doc, ln), off);
}

static bool S_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The trimmed part of s as [*start, *start + *len). */
static void S_trim(const char *s, const char **start, size_t *len)
{
	size_t n = strlen(s);

	while (n > 0 && S_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && S_space(s[n - 1]))
		n--;
	*start = s;
	*len = n;
}

/* Whitespace and HTML comments only. */
static bool S_blank(const char *data, size_t from, size_t to)
{
	size_t i = from;

	while (i < to) {
		if (S_space(data[i])) {
			i++;
		} else if (to - i >= 4 && memcmp(data + i, "<!--", 4) == 0) {
			size_t j = i + 4;

			while (j + 3 <= to && memcmp(data + j, "-->", 3) != 0)
				j++;
			if (j + 3 > to)
				return false; /* unclosed: shown as text */
			i = j + 3;
		} else {
			return false;
		}
	}
	return true;
}

/* Up to EXCERPT_CHARS characters of s, cut on a character boundary, with
 * controls made visible. */
static const char *S_excerpt(ad_buf *buf, const char *s, size_t len)
{
	size_t i = 0, n = 0;

	ad_buf_clear(buf);
	while (i < len && n < EXCERPT_CHARS) {
		i += S_char_len(s + i, len - i);
		n++;
	}
	ad_term_sanitize(buf, s, i, false);
	if (i < len)
		ad_buf_puts(buf, "...");
	return ad_buf_cstr(buf);
}

/* Whitespace outside parentheses, as in "Bash(git log:*)". */
static bool S_has_bare_space(const char *s, size_t len)
{
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
		else if (depth == 0 && S_space(s[i]))
			return true;
	}
	return false;
}

static bool S_parser_has(const lint *L, const char *id)
{
	const ad_diag *d = ad_doc_diags(L->doc);
	size_t n = ad_doc_diag_count(L->doc);

	for (size_t i = 0; i < n; i++)
		if (d[i].id && strcmp(d[i].id, id) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- fields */

static void S_value_pos(const lint *L, const ad_fm_field *f, int *line, int *column)
{
	size_t i = f->value_start;

	while (i < f->value_end && i < L->size && S_space(L->data[i]))
		i++;
	if (i < f->value_end && i < L->size) {
		S_pos(L, i, line, column);
	} else {
		*line = f->line;
		*column = f->column;
	}
}

static bool S_is_text(const ad_fm_field *f)
{
	return f->kind == AD_FM_SCALAR || f->kind == AD_FM_LITERAL ||
	       f->kind == AD_FM_FOLDED;
}

/* A key spelled with other case, for a hint on a missing one. */
static const ad_fm_field *S_get_nocase(const ad_frontmatter *fm, const char *key)
{
	for (size_t i = 0; i < fm->nfields; i++) {
		const char *a = fm->fields[i].key, *b = key;

		while (*a && *b && (*a | 0x20) == *b) {
			a++;
			b++;
		}
		if (!*a && !*b)
			return &fm->fields[i];
	}
	return NULL;
}

static void S_missing(lint *L, const ad_frontmatter *fm, int rule, const char *key)
{
	const ad_fm_field *other = S_get_nocase(fm, key);
	ad_buf ex = AD_BUF_INIT;

	if (other)
		S_report(L, rule, rules[rule].severity, fm->line, 1,
			 "no %s in the frontmatter; keys are case-sensitive and "
			 "'%s' on line %d is a different key",
			 key, S_excerpt(&ex, other->key, strlen(other->key)), other->line);
	else
		S_report(L, rule, rules[rule].severity, fm->line, 1,
			 "no %s in the frontmatter; loaders skip an agent without one", key);
	ad_buf_free(&ex);
}

static bool S_lower_hyphen(const char *s, size_t len)
{
	bool prev_hyphen = true; /* no leading hyphen */

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			prev_hyphen = false;
		else if (c == '-' && !prev_hyphen)
			prev_hyphen = true;
		else
			return false;
	}
	return !prev_hyphen;
}

/* "Code Reviewer" -> "code-reviewer"; "" when s is not all printable
 * ASCII, since dropping the rest would suggest a different name. */
static void S_suggest_name(ad_buf *out, const char *s, size_t len)
{
	bool hyphen = false;

	ad_buf_clear(out);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (hyphen && out->size > 0)
				ad_buf_putc(out, '-');
			hyphen = false;
			ad_buf_putc(out, c);
		} else {
			hyphen = true;
		}
	}
	ad_buf_cstr(out);
}

static void S_check_name(lint *L, const ad_frontmatter *fm)
{
	const ad_fm_field *f = ad_fm_get(fm, "name");
	ad_buf ex = AD_BUF_INIT, fix = AD_BUF_INIT;
	const char *v;
	size_t len, nchars;
	int line, column;

	if (!f) {
		S_missing(L, fm, R_MISSING_NAME, "name");
		return;
	}
	S_value_pos(L, f, &line, &column);
	if (!S_is_text(f) && f->kind != AD_FM_NULL) {
		S_report(L, R_NAME_FORMAT, AD_DIAG_ERROR, line, column,
			 "name is a %s, not a string; loaders cannot use it",
			 ad_fm_kind_name(f->kind));
		goto done;
	}
	S_trim(f->value, &v, &len);
	if (len == 0) {
		REPORT(L, EMPTY_NAME, f->line, f->column,
		       "name is empty; loaders skip an agent without one");
		goto done;
	}
	len = strlen(f->value);
	nchars = S_chars(f->value, 0, len);
	if (!S_lower_hyphen(f->value, len)) {
		S_suggest_name(&fix, f->value, len);
		if (fix.size > 0 && fix.size <= L->opts->name_max)
			REPORT(L, NAME_FORMAT, line, column,
			       "name '%s' is not lowercase letters, digits and hyphens; "
			       "loaders expect a name like '%s'",
			       S_excerpt(&ex, f->value, len), fix.ptr);
		else
			REPORT(L, NAME_FORMAT, line, column,
			       "name '%s' is not lowercase letters, digits and hyphens",
			       S_excerpt(&ex, f->value, len));
	} else if (L->opts->name_max && nchars > L->opts->name_max) {
		REPORT(L, NAME_FORMAT, line, column,
		       "name is %zu characters long; some loaders accept at most %zu",
		       nchars, L->opts->name_max);
	}
done:
	ad_buf_free(&ex);
	ad_buf_free(&fix);
}

static void S_check_description(lint *L, const ad_frontmatter *fm)
{
	const ad_fm_field *f = ad_fm_get(fm, "description");
	const char *v;
	size_t len, nchars;
	int line, column;

	if (!f) {
		S_missing(L, fm, R_MISSING_DESCRIPTION, "description");
		return;
	}
	S_value_pos(L, f, &line, &column);
	if (!S_is_text(f) && f->kind != AD_FM_NULL) {
		REPORT(L, DESCRIPTION_FORM, line, column,
		       "description is a %s, not text; loaders cannot use it to "
		       "decide when to call the agent", ad_fm_kind_name(f->kind));
		return;
	}
	S_trim(f->value, &v, &len);
	if (len == 0) {
		REPORT(L, EMPTY_DESCRIPTION, f->line, f->column,
		       "description is empty; it is what decides when the agent is used");
		return;
	}
	nchars = S_chars(v, 0, len);
	if (L->opts->description_max && nchars > L->opts->description_max)
		REPORT(L, DESCRIPTION_TOO_LONG, line, column,
		       "description is %zu characters long (over %zu); all of it is "
		       "loaded into every session's context", nchars,
		       L->opts->description_max);
}

static bool S_looks_like_map(const char *s, size_t len)
{
	if (len > 0 && s[0] == '{')
		return true;
	if (len > 0 && s[len - 1] == ':')
		return true;
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == ':' && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			return true;
	return false;
}

static void S_tools_empty(lint *L, int line, int column)
{
	REPORT(L, TOOLS_FORM, line, column,
	       "tools is empty; some loaders read that as no tools, others as "
	       "all of them (remove the line to allow all tools)");
}

static void S_tools_star(lint *L, int line, int column)
{
	REPORT(L, TOOLS_FORM, line, column,
	       "'*' in tools is not understood by every loader (some look for "
	       "a tool named '*'); remove the tools line to allow all tools");
}

static void S_check_tools_string(lint *L, const ad_fm_field *f, int line, int column)
{
	ad_buf ex = AD_BUF_INIT;
	const char *v;
	size_t len;

	S_trim(f->value, &v, &len);
	if (len == 0) {
		S_tools_empty(L, line, column);
	} else if (len == 1 && v[0] == '*') {
		S_tools_star(L, line, column);
	} else if (v[0] == '[') {
		REPORT(L, TOOLS_FORM, line, column,
		       "tools \"%s\" is a quoted string, not a list; loaders that "
		       "split it on commas get names with brackets in them",
		       S_excerpt(&ex, v, len));
	} else if (memchr(v, '[', len) || memchr(v, ']', len) ||
		   memchr(v, '{', len) || memchr(v, '}', len)) {
		REPORT(L, TOOLS_FORM, line, column,
		       "tools '%s' has brackets in a comma-separated string; they "
		       "become part of the tool names", S_excerpt(&ex, v, len));
	} else if (!memchr(v, ',', len)) {
		if (S_has_bare_space(v, len))
			REPORT(L, TOOLS_FORM, line, column,
			       "tools '%s' is separated by whitespace only; loaders "
			       "that split on commas see one tool with that whole name",
			       S_excerpt(&ex, v, len));
	} else {
		size_t i = 0;

		while (i < len) {
			const char *comma = memchr(v + i, ',', len - i);
			size_t end = comma ? (size_t)(comma - v) : len;
			const char *item = v + i;
			size_t ilen = end - i;

			while (ilen > 0 && S_space(*item)) {
				item++;
				ilen--;
			}
			while (ilen > 0 && S_space(item[ilen - 1]))
				ilen--;
			if (ilen == 1 && item[0] == '*') {
				S_tools_star(L, line, column);
				break;
			}
			if (S_has_bare_space(item, ilen)) {
				REPORT(L, TOOLS_FORM, line, column,
				       "tools item '%s' holds a space; is a comma missing?",
				       S_excerpt(&ex, item, ilen));
				break;
			}
			i = end + 1;
		}
	}
	ad_buf_free(&ex);
}

static void S_check_tools_list(lint *L, const ad_fm_field *f, int line, int column)
{
	ad_buf ex = AD_BUF_INIT;

	for (size_t i = 0; i < f->nitems; i++) {
		const char *item;
		size_t len;

		S_trim(f->items[i] ? f->items[i] : "", &item, &len);
		if (len == 1 && item[0] == '*') {
			S_tools_star(L, line, column);
			break;
		}
		if (S_looks_like_map(item, len)) {
			REPORT(L, TOOLS_FORM, line, column,
			       "tools item '%s' is a mapping, not a tool name",
			       S_excerpt(&ex, item, len));
			break;
		}
		if (memchr(item, ',', len)) {
			REPORT(L, TOOLS_FORM, line, column,
			       "tools item '%s' holds commas; in a YAML list it is one "
			       "tool name", S_excerpt(&ex, item, len));
			break;
		}
	}
	ad_buf_free(&ex);
}

static void S_check_tools(lint *L, const ad_frontmatter *fm)
{
	const ad_fm_field *f = ad_fm_get(fm, "tools");
	int line, column;

	if (!f)
		return;
	S_value_pos(L, f, &line, &column);
	switch (f->kind) {
	case AD_FM_NULL:
		S_tools_empty(L, line, column);
		break;
	case AD_FM_SCALAR:
	case AD_FM_LITERAL:
	case AD_FM_FOLDED:
		S_check_tools_string(L, f, line, column);
		break;
	case AD_FM_BLOCK_LIST:
	case AD_FM_FLOW_LIST:
		S_check_tools_list(L, f, line, column);
		break;
	case AD_FM_MAP:
		REPORT(L, TOOLS_FORM, line, column,
		       "tools is a mapping (OpenCode's 'tool: true' form); other "
		       "loaders expect a comma-separated list of tool names");
		break;
	case AD_FM_OTHER:
		REPORT(L, TOOLS_FORM, line, column,
		       "tools is a list of mappings, not of tool names; loaders "
		       "will not find the tools in it");
		break;
	}
}

static bool S_known_model(const char *v, size_t len)
{
	static const char *const aliases[] = { "sonnet", "opus", "haiku", "inherit" };

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strlen(aliases[i]) == len && memcmp(aliases[i], v, len) == 0)
			return true;
	/* A full model id: claude-..., also with a provider prefix such as
	 * Bedrock's "us.anthropic.claude-..." or a Vertex "@date" suffix. */
	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == '_' || c == ':' || c == '@'))
			return false;
	}
	for (size_t i = 0; i + 7 <= len; i++)
		if (memcmp(v + i, "claude-", 7) == 0 && (i == 0 || v[i - 1] == '.'))
			return i + 7 < len;
	return false;
}

static void S_check_model(lint *L, const ad_frontmatter *fm)
{
	const ad_fm_field *f = ad_fm_get(fm, "model");
	ad_buf ex = AD_BUF_INIT, low = AD_BUF_INIT;
	const char *v;
	size_t len;
	int line, column;

	if (!f)
		return;
	S_value_pos(L, f, &line, &column);
	if (!S_is_text(f) && f->kind != AD_FM_NULL) {
		REPORT(L, UNKNOWN_MODEL, line, column,
		       "model is a %s, not a model name", ad_fm_kind_name(f->kind));
		goto done;
	}
	S_trim(f->value, &v, &len);
	if (len == 0) {
		REPORT(L, UNKNOWN_MODEL, f->line, f->column,
		       "model is empty; loaders use their default model");
		goto done;
	}
	if (S_known_model(v, len))
		goto done;
	for (size_t i = 0; i < len; i++)
		ad_buf_putc(&low, (v[i] >= 'A' && v[i] <= 'Z') ? (char)(v[i] | 0x20) : v[i]);
	if (S_known_model(low.ptr, low.size))
		REPORT(L, UNKNOWN_MODEL, line, column,
		       "model '%s' is not lowercase; some loaders match model names "
		       "exactly", S_excerpt(&ex, v, len));
	else
		REPORT(L, UNKNOWN_MODEL, line, column,
		       "model '%s' is not sonnet, opus, haiku, inherit or a claude-... "
		       "model id; some loaders reject it or use their default",
		       S_excerpt(&ex, v, len));
done:
	ad_buf_free(&ex);
	ad_buf_free(&low);
}

typedef struct {
	const char *key;
	size_t index;
} key_ref;

static int S_key_cmp(const void *a, const void *b)
{
	const key_ref *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void S_check_duplicates(lint *L, const ad_frontmatter *fm)
{
	key_ref *refs;
	ad_buf ex = AD_BUF_INIT;

	/* After a YAML error the fields are a line-by-line guess, and a
	 * description's "Context:" lines would show up as duplicates. */
	if (fm->nfields < 2 || fm->lenient || S_parser_has(L, rules[R_DUPLICATE_KEY].id))
		return;
	refs = ad_xmalloc(fm->nfields * sizeof(*refs));
	for (size_t i = 0; i < fm->nfields; i++) {
		refs[i].key = fm->fields[i].key ? fm->fields[i].key : "";
		refs[i].index = i;
	}
	qsort(refs, fm->nfields, sizeof(*refs), S_key_cmp);
	for (size_t i = 1, first = 0; i < fm->nfields; i++) {
		const ad_fm_field *f;

		if (strcmp(refs[i].key, refs[first].key) != 0) {
			first = i;
			continue;
		}
		f = &fm->fields[refs[i].index];
		REPORT(L, DUPLICATE_KEY, f->line, f->column,
		       "key '%s' appears again (first on line %d); some loaders "
		       "reject the file, others keep one of the values",
		       S_excerpt(&ex, f->key, strlen(f->key)),
		       fm->fields[refs[first].index].line);
	}
	free(refs);
	ad_buf_free(&ex);
}

static void S_check_frontmatter(lint *L)
{
	const ad_frontmatter *fm = ad_doc_frontmatter(L->doc);

	if (!fm) {
		/* An unterminated block is the parser's finding already. */
		if (!S_parser_has(L, "frontmatter-unterminated"))
			REPORT(L, NO_FRONTMATTER, 1, 1,
			       "no frontmatter: the file must start with a '---' line, "
			       "YAML with name and description, and a closing '---'");
		return;
	}
	/* The parser reports it as yaml-not-mapping; there are no fields. */
	if (fm->not_mapping)
		return;
	S_check_duplicates(L, fm);
	S_check_name(L, fm);
	S_check_description(L, fm);
	S_check_tools(L, fm);
	S_check_model(L, fm);
}

/* ---------------------------------------------------------------- body */

static int S_first_nonspace_column(const lint *L, int line)
{
	size_t start = ad_doc_line_start(L->doc, line);
	size_t end = ad_doc_line_start(L->doc, line + 1);
	size_t i = start;

	if (i == 0 && S_has_bom(L->data, L->size))
		i = 3;
	while (i < end && (L->data[i] == ' ' || L->data[i] == '\t'))
		i++;
	if (i >= end || L->data[i] == '\n' || L->data[i] == '\r')
		return 1;
	return 1 + (int)S_chars(L->data, start, i);
}

static void S_check_sections(lint *L)
{
	const ad_section *secs = ad_doc_sections(L->doc);
	size_t n = ad_doc_section_count(L->doc);
	ad_buf ex = AD_BUF_INIT;
	/* An unclosed frontmatter block is read as body, its last YAML line
	 * and the next "---" as a setext heading: not worth a second finding. */
	bool unterminated = S_parser_has(L, "frontmatter-unterminated");

	for (size_t i = 0; i < n; i++) {
		const ad_section *s = &secs[i];
		size_t end = s->kind == AD_SECTION_TAG ? s->close_start : s->end;
		const char *title = s->title ? s->title : "";

		bool first_after_unterminated = unterminated;

		if (s->kind == AD_SECTION_PREAMBLE)
			continue;
		unterminated = false;
		if (s->first_child >= 0 ||
		    (first_after_unterminated && s->kind == AD_SECTION_SETEXT))
			continue;
		if (end > L->size || s->head_end > end || !S_blank(L->data, s->head_end, end))
			continue;
		if (s->kind == AD_SECTION_TAG)
			REPORT(L, EMPTY_SECTION, s->line, S_first_nonspace_column(L, s->line),
			       "<%s> is empty: nothing between it and its closing tag",
			       S_excerpt(&ex, s->tag ? s->tag : title,
					 strlen(s->tag ? s->tag : title)));
		else
			REPORT(L, EMPTY_SECTION, s->line, S_first_nonspace_column(L, s->line),
			       "section '%s' is empty: nothing under its heading "
			       "before the next one", S_excerpt(&ex, title, strlen(title)));
	}
	ad_buf_free(&ex);
}

static void S_check_body(lint *L)
{
	const ad_frontmatter *fm = ad_doc_frontmatter(L->doc);
	size_t start = ad_doc_body_start(L->doc);
	int line, column;

	if (!fm || start > L->size || !S_blank(L->data, start, L->size))
		return;
	if (start < L->size) {
		S_pos(L, start, &line, &column);
	} else {
		line = fm->end_line;
		column = 1;
	}
	REPORT(L, EMPTY_BODY, line, column,
	       "nothing follows the frontmatter: the agent has no instructions");
}

/* ---------------------------------------------------------------- bytes */

enum { EOL_LF, EOL_CRLF, EOL_CR, EOL_KINDS };
static const char *const eol_names[EOL_KINDS] = { "LF", "CRLF", "CR" };

typedef enum { HIT_C0, HIT_ESC, HIT_DEL, HIT_C1, HIT_BIDI, HIT_UTF8 } hit_kind;

typedef struct {
	hit_kind kind;
	unsigned cp;            /* the control's code point */
	unsigned char bytes[4]; /* invalid UTF-8: the first bytes of the run */
	size_t nbytes;          /* invalid UTF-8: the run's length */
	const ad_fm_escape *escape; /* a YAML escape that stands for the control */
	int line, column;
} hit;

typedef struct {
	hit *items;
	size_t count, cap;
	size_t total;
} hits;

static const char *const c0_names[32] = {
	"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL",
	"BS",  "HT",  "LF",  "VT",  "FF",  "CR",  "SO",  "SI",
	"DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB",
	"CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"
};

static hit *S_hit(hits *h, size_t max, hit_kind kind, int line, int column)
{
	hit *x;

	h->total++;
	if (h->count >= max)
		return NULL;
	ad_xgrow((void **)&h->items, &h->cap, h->count + 1, sizeof(*h->items));
	x = &h->items[h->count++];
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->line = line;
	x->column = column;
	return x;
}

/* End of the escape sequence starting with ESC at i (ECMA-48 CSI and OSC;
 * otherwise ESC and one more character). */
static size_t S_escape_end(const char *d, size_t size, size_t i)
{
	size_t j = i + 1;

	if (j >= size)
		return j;
	if (d[j] == '[') {
		for (j++; j < size && d[j] != '\n' && d[j] != '\r'; j++)
			if ((unsigned char)d[j] >= 0x40 && (unsigned char)d[j] <= 0x7e)
				return j + 1;
		return j;
	}
	if (d[j] == ']') {
		for (j++; j < size; j++) {
			if (d[j] == '\a')
				return j + 1;
			if (d[j] == '\x1b' && j + 1 < size && d[j + 1] == '\\')
				return j + 2;
			if (d[j] == '\n' || d[j] == '\r')
				return j;
		}
		return j;
	}
	return (unsigned char)d[j] >= 0x20 && (unsigned char)d[j] < 0x7f ? j + 1 : j;
}

/* A control that a YAML escape stands for: what loaders read, said the
 * way the byte scan says it of a raw one. */
static void S_escape_message(const lint *L, ad_buf *msg, const hit *x)
{
	ad_buf ex = AD_BUF_INIT;

	ad_buf_printf(msg, "\"%s\" in a double-quoted value is ",
		      S_excerpt(&ex, L->data + x->escape->offset, x->escape->len));
	switch (x->kind) {
	case HIT_C0:
		if (x->cp == 0)
			ad_buf_puts(msg, "a NUL character; many tools stop reading the value there");
		else
			ad_buf_printf(msg, "control character U+%04X (%s), invisible in most editors",
				      x->cp, c0_names[x->cp]);
		break;
	case HIT_ESC:
		ad_buf_puts(msg, "ESC, which starts an escape sequence; it can hide or restyle "
			    "text on a terminal");
		break;
	case HIT_DEL:
		ad_buf_puts(msg, "control character U+007F (DEL), invisible in most editors");
		break;
	case HIT_C1:
		ad_buf_printf(msg, "C1 control character U+%04X, invisible in most editors", x->cp);
		break;
	case HIT_BIDI:
		ad_buf_printf(msg, "bidirectional control U+%04X; it reorders how the text after "
			      "it is displayed", x->cp);
		break;
	case HIT_UTF8:
		break;
	}
	ad_buf_free(&ex);
}

/* A raw control or a run of invalid UTF-8 in the file. */
static void S_raw_message(ad_buf *msg, const hit *x)
{
	switch (x->kind) {
	case HIT_C0:
		if (x->cp == 0)
			ad_buf_puts(msg, "NUL byte; many tools take the file "
				    "for binary or stop reading there");
		else
			ad_buf_printf(msg, "control character U+%04X (%s), "
				      "invisible in most editors",
				      x->cp, c0_names[x->cp]);
		break;
	case HIT_ESC:
		ad_buf_puts(msg, "escape sequence (ESC); it can hide or "
			    "restyle text on a terminal");
		break;
	case HIT_DEL:
		ad_buf_puts(msg, "control character U+007F (DEL), invisible "
			    "in most editors");
		break;
	case HIT_C1:
		ad_buf_printf(msg, "C1 control character U+%04X, invisible "
			      "in most editors", x->cp);
		break;
	case HIT_BIDI:
		ad_buf_printf(msg, "bidirectional control U+%04X; it "
			      "reorders how the text after it is displayed",
			      x->cp);
		break;
	case HIT_UTF8:
		ad_buf_puts(msg, "invalid UTF-8:");
		for (size_t k = 0; k < x->nbytes && k < sizeof(x->bytes); k++)
			ad_buf_printf(msg, " \\x%02X", x->bytes[k]);
		if (x->nbytes > sizeof(x->bytes))
			ad_buf_printf(msg, " ... (%zu bytes)", x->nbytes);
		break;
	}
}

static void S_emit_hits(lint *L, int rule, const hits *h)
{
	ad_buf msg = AD_BUF_INIT;

	for (size_t i = 0; i < h->count; i++) {
		const hit *x = &h->items[i];

		ad_buf_clear(&msg);
		if (x->escape)
			S_escape_message(L, &msg, x);
		else
			S_raw_message(&msg, x);
		if (i + 1 == h->count && h->total > h->count)
			ad_buf_printf(&msg, " (and %zu more in this file)",
				      h->total - h->count);
		S_report(L, rule, rules[rule].severity, x->line, x->column, "%s",
			 ad_buf_cstr(&msg));
	}
	ad_buf_free(&msg);
}

/* A hit for a YAML escape standing for a control (ad_fm_escape); line
 * and column are the backslash's.  Line and paragraph separators are not
 * reported, raw or escaped. */
static void S_escape_hit(hits *h, size_t max, const ad_fm_escape *e, int line, int column)
{
	hit_kind kind;
	hit *x;

	if (e->cp == 0x1b)
		kind = HIT_ESC;
	else if (e->cp < 0x20)
		kind = HIT_C0;
	else if (e->cp == 0x7f)
		kind = HIT_DEL;
	else if (e->cp >= 0x80 && e->cp <= 0x9f)
		kind = HIT_C1;
	else if ((e->cp >= 0x202a && e->cp <= 0x202e) || (e->cp >= 0x2066 && e->cp <= 0x2069))
		kind = HIT_BIDI;
	else
		return;
	if ((x = S_hit(h, max, kind, line, column)) != NULL) {
		x->cp = e->cp;
		x->escape = e;
	}
}

static void S_check_bytes(lint *L)
{
	const ad_frontmatter *fm = ad_doc_frontmatter(L->doc);
	const ad_fm_escape *esc = fm ? fm->escapes : NULL;
	size_t nesc = fm ? fm->nescapes : 0, e = 0;
	const char *d = L->data;
	size_t size = L->size, max = L->opts->max_char_findings;
	size_t i = 0, quiet_until = 0;
	size_t eol_count[EOL_KINDS] = { 0 };
	int eol_line[EOL_KINDS] = { 0 }, eol_column[EOL_KINDS] = { 0 };
	hits controls = { NULL, 0, 0, 0 }, bad = { NULL, 0, 0, 0 };
	hit *run = NULL;
	bool in_run = false;
	int line = 1, column = 1;

	if (S_has_bom(d, size)) {
		REPORT(L, BOM, 1, 1,
		       "the file starts with a UTF-8 byte order mark; some loaders "
		       "then do not see the frontmatter");
		i = 3;
	}
	while (i < size) {
		unsigned char c = (unsigned char)d[i];
		unsigned cp;
		size_t n = 1;
		int eol = -1;

		while (e < nesc && esc[e].offset <= i)
			S_escape_hit(&controls, max, &esc[e++], line, column);
		if (c == '\n') {
			eol = EOL_LF;
			n = 1;
		} else if (c == '\r') {
			eol = (i + 1 < size && d[i + 1] == '\n') ? EOL_CRLF : EOL_CR;
			n = eol == EOL_CRLF ? 2 : 1;
		}
		if (eol >= 0) {
			if (eol_count[eol]++ == 0) {
				eol_line[eol] = line;
				eol_column[eol] = column;
			}
			in_run = false;
			line++;
			column = 1;
			i += n;
			continue;
		}
		n = 1;
		if (c < 0x20 && c != '\t') {
			if (i >= quiet_until) {
				if (c == 0x1b) {
					S_hit(&controls, max, HIT_ESC, line, column);
					quiet_until = S_escape_end(d, size, i);
				} else {
					hit *x = S_hit(&controls, max, HIT_C0, line, column);

					if (x)
						x->cp = c;
				}
			}
			in_run = false;
		} else if (c == 0x7f) {
			if (i >= quiet_until)
				S_hit(&controls, max, HIT_DEL, line, column);
			in_run = false;
		} else if (c >= 0x80) {
			n = ad_utf8_decode(d + i, size - i, &cp);
			if (n == 0) {
				n = 1;
				if (!in_run) {
					run = S_hit(&bad, max, HIT_UTF8, line, column);
					in_run = true;
				}
				if (run) {
					if (run->nbytes < sizeof(run->bytes))
						run->bytes[run->nbytes] = c;
					run->nbytes++;
				}
			} else {
				in_run = false;
				if (cp >= 0x80 && cp <= 0x9f) {
					hit *x = S_hit(&controls, max, HIT_C1, line, column);

					if (x)
						x->cp = cp;
				} else if ((cp >= 0x202a && cp <= 0x202e) ||
					   (cp >= 0x2066 && cp <= 0x2069)) {
					hit *x = S_hit(&controls, max, HIT_BIDI, line, column);

					if (x)
						x->cp = cp;
				}
			}
		} else {
			in_run = false;
		}
		if (!in_run)
			run = NULL;
		i += n;
		column++;
	}

	while (e < nesc)
		S_escape_hit(&controls, max, &esc[e++], line, column);
	S_emit_hits(L, R_CONTROL_CHAR, &controls);
	S_emit_hits(L, R_INVALID_UTF8, &bad);
	free(controls.items);
	free(bad.items);

	/* Mixed line endings: point at the first line that ends unlike most. */
	{
		int major = EOL_LF, kinds = 0, at = -1;
		ad_buf counts = AD_BUF_INIT;

		for (int k = 0; k < EOL_KINDS; k++) {
			if (eol_count[k])
				kinds++;
			if (eol_count[k] > eol_count[major])
				major = k;
		}
		if (kinds < 2)
			return;
		for (int k = 0; k < EOL_KINDS; k++) {
			if (k == major || !eol_count[k])
				continue;
			if (at < 0 || eol_line[k] < eol_line[at])
				at = k;
		}
		for (int k = 0; k < EOL_KINDS; k++)
			if (eol_count[k])
				ad_buf_printf(&counts, "%s%zu %s", counts.size ? ", " : "",
					      eol_count[k], eol_names[k]);
		REPORT(L, MIXED_LINE_ENDINGS, eol_line[at], eol_column[at],
		       "mixed line endings (%s); this line ends in %s",
		       ad_buf_cstr(&counts), eol_names[at]);
		ad_buf_free(&counts);
	}
}

/* ---------------------------------------------------------------- main */

typedef struct {
	ad_diag diag;
	size_t seq;
} sort_item;

static int S_diag_cmp(const void *a, const void *b)
{
	const sort_item *x = a, *y = b;

	if (x->diag.line != y->diag.line)
		return x->diag.line < y->diag.line ? -1 : 1;
	if (x->diag.column != y->diag.column)
		return x->diag.column < y->diag.column ? -1 : 1;
	if (x->diag.severity != y->diag.severity) /* errors first */
		return x->diag.severity < y->diag.severity ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void S_sort(ad_diags *out, size_t base)
{
	size_t n = out->count - base;
	sort_item *tmp;

	if (n < 2)
		return;
	tmp = ad_xmalloc(n * sizeof(*tmp));
	for (size_t i = 0; i < n; i++) {
		tmp[i].diag = out->items[base + i];
		tmp[i].seq = i;
	}
	qsort(tmp, n, sizeof(*tmp), S_diag_cmp);
	for (size_t i = 0; i < n; i++)
		out->items[base + i] = tmp[i].diag;
	free(tmp);
}

int ad_lint_doc(ad_diags *out, ad_arena *arena, const ad_doc *doc,
		const ad_lint_options *opts)
{
	static const ad_lint_options defaults = AD_LINT_OPTIONS_INIT;
	lint L;
	size_t base;

	if (!out || !arena || !doc)
		return AD_EINVALID;
	L.out = out;
	L.arena = arena;
	L.doc = doc;
	L.data = ad_doc_data(doc);
	L.size = ad_doc_size(doc);
	L.opts = opts ? opts : &defaults;
	base = out->count;

	if (L.opts->parser_diags) {
		const ad_diag *d = ad_doc_diags(doc);
		size_t n = ad_doc_diag_count(doc);

		/* Copied, so the findings outlive the document. */
		for (size_t i = 0; i < n; i++)
			ad_diags_add(out, arena, d[i].severity, d[i].id, d[i].line,
				     d[i].column, "%s", d[i].message ? d[i].message : "");
	}
	S_check_frontmatter(&L);
	S_check_body(&L);
	S_check_sections(&L);
	S_check_bytes(&L);
	S_sort(out, base);
	return (int)(out->count - base);
}

const ad_lint_rule *ad_lint_rules(size_t *count)
{
	if (count)
		*count = R_COUNT;
	return rules;
}
