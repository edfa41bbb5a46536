/*
 * planfile: the plan file's text, read and written (see plan.h).
 *
 * The grammar.  A plan is lines; each holds one statement, or a comment,
 * or nothing.  Blanks (spaces and tabs) separate tokens; the indentation of
 * an item is presentation only (its depth, two columns a level).  Comment
 * lines and blank lines are kept with the statement below them (or, after
 * the last one, at the end) and written back as they were.
 *
 *   plan        ::= header statement*
 *   header      ::= "agentdiff-plan" 1                    (the first statement)
 *   statement   ::= variant | output | frontmatter | field | item
 *   variant     ::= "variant" N SPEC [ "blob" HEX40 ]     (N: 1, 2, ... in order)
 *   output      ::= "output" PATH [ "blob" HEX40 ]        (at most once)
 *   frontmatter ::= "frontmatter" ( "from" V | "none" )   (at most once; placed
 *                                                          before the next item)
 *   field       ::= "field" KEY [ "#"K ] ( "from" V
 *                                        | "union" V*
 *                                        | "intersection" V*
 *                                        | "text" TEXT )
 *   item        ::= "take" REF | "drop" REF | "edit" REF TEXT | "text" TEXT
 *   REF         ::= ( "preamble" | TITLE [ "#"K ] ) "from" V [ "body" HEX8 ]
 *   TEXT        ::= STRING                                (then the end of the line)
 *                 | "<<"WORD EOL LINE* WORD EOL           (the lines byte for byte, up
 *                                                          to one holding only WORD)
 *   SPEC, PATH, KEY, TITLE ::= STRING | BARE              (not empty; no NUL)
 *   STRING      ::= '"' ( byte | '\"' | '\\' | '\n' | '\t' | '\r' | '\x' HEX HEX )* '"'
 *   BARE        ::= a run of bytes other than blanks      (keywords are BARE:
 *                                                          a quoted "take" is a title)
 *   comment     ::= "#" byte*                             (alone on its line)
 *   N, K        ::= decimal digits, from 1
 *   V           ::= N naming a variant declared above
 *   HEX8, HEX40 ::= 8 or 40 hex digits (written lower-case)
 *   WORD        ::= letters, digits and "_"
 *   EOL         ::= "\n" | "\r\n" | "\r" | the end of the text
 *
 * Every error names the plan's line and column (in characters) and what was
 * expected there; a token shown in a message has its controls escaped.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "plan.h"
#include "plan_private.h"
#include "term.h"
#include "util.h"

/* ---------------------------------------------------------------- parsing */

typedef struct {
	const char *data;
	size_t len;
	const char *path;
	ad_error *err;
	int line;            /* 1-based number of the current line */
	size_t ls, le, next; /* current line: [ls, le) without its ending; next line at next */
	size_t pos;          /* cursor in the current line */
} parser;

typedef struct {
	bool quoted;
	size_t start;       /* offset of the token in data */
	ad_buf text;        /* decoded */
} token;

/* Column (1-based, in characters) of offset off on the current line. */
static int S_col(const parser *p, size_t off)
{
	int col = 1;
	size_t i;

	for (i = p->ls; i < off && i < p->le; i++)
		if (((unsigned char)p->data[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static int S_fail(parser *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int S_fail(parser *p, size_t off, const char *fmt, ...)
{
	ad_buf msg = AD_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	ad_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	rc = ad_error_set(p->err, AD_EPARSE, p->path, p->line, S_col(p, off), "%s", ad_buf_cstr(&msg));
	ad_buf_free(&msg);
	return rc;
}

/* Finds the line starting at off: its content end and the next line. */
static void S_line_at(const parser *p, size_t off, size_t *le, size_t *next)
{
	size_t i = off;

	while (i < p->len && p->data[i] != '\n' && p->data[i] != '\r')
		i++;
	*le = i;
	if (i < p->len && p->data[i] == '\r' && i + 1 < p->len && p->data[i + 1] == '\n')
		*next = i + 2;
	else if (i < p->len)
		*next = i + 1;
	else
		*next = i;
}

static void S_skip_blanks(parser *p)
{
	while (p->pos < p->le && (p->data[p->pos] == ' ' || p->data[p->pos] == '\t'))
		p->pos++;
}

static bool S_at_end(parser *p)
{
	S_skip_blanks(p);
	return p->pos >= p->le;
}

static int S_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads the next token: a "quoted string" with C escapes (\" \\ \n \t \r
 * \xHH) or a run of non-blank bytes.  0 when there is one, 1 at the end of
 * the line, negative on a bad string. */
static int S_token(parser *p, token *t)
{
	const char *d = p->data;

	ad_buf_clear(&t->text);
	S_skip_blanks(p);
	if (p->pos >= p->le)
		return 1;
	t->start = p->pos;
	t->quoted = d[p->pos] == '"';
	if (!t->quoted) {
		while (p->pos < p->le && d[p->pos] != ' ' && d[p->pos] != '\t') {
			if (d[p->pos] == '\0')
				return S_fail(p, p->pos, "a NUL byte in a plan");
			ad_buf_putc(&t->text, d[p->pos++]);
		}
		ad_buf_cstr(&t->text);
		return 0;
	}
	p->pos++;
	for (;;) {
		char c;

		if (p->pos >= p->le)
			return S_fail(p, t->start, "a string that is not closed by '\"'");
		c = d[p->pos++];
		if (c == '"')
			break;
		if (c == '\0')
			return S_fail(p, p->pos - 1, "a NUL byte in a string (write \\x00 to mean one)");
		if (c != '\\') {
			ad_buf_putc(&t->text, c);
			continue;
		}
		if (p->pos >= p->le)
			return S_fail(p, p->pos - 1, "a '\\' at the end of the line");
		c = d[p->pos++];
		switch (c) {
		case 'n': ad_buf_putc(&t->text, '\n'); break;
		case 't': ad_buf_putc(&t->text, '\t'); break;
		case 'r': ad_buf_putc(&t->text, '\r'); break;
		case '"': ad_buf_putc(&t->text, '"'); break;
		case '\\': ad_buf_putc(&t->text, '\\'); break;
		case 'x': {
			int hi = p->pos < p->le ? S_hexval(d[p->pos]) : -1;
			int lo = p->pos + 1 < p->le ? S_hexval(d[p->pos + 1]) : -1;

			if (hi < 0 || lo < 0)
				return S_fail(p, p->pos - 2, "\\x needs two hex digits");
			ad_buf_putc(&t->text, (char)(hi * 16 + lo));
			p->pos += 2;
			break;
		}
		default:
			if ((unsigned char)c <= 0x20 || (unsigned char)c >= 0x7f)
				return S_fail(p, p->pos - 2, "unknown escape: '\\' and byte 0x%02X "
					      "(use \\\\ for a backslash)", (unsigned char)c);
			return S_fail(p, p->pos - 2, "unknown escape '\\%s' (use \\\\ for a backslash)",
				      (char[]){ c, 0 });
		}
	}
	ad_buf_cstr(&t->text);
	return 0;
}

/* The token's text for a message, in buf (size bytes, at least 8): cut
 * on a character boundary with "..." when it does not fit, and with
 * controls, bytes that are not UTF-8 and what ad_term_sanitize() escapes
 * written as \x escapes, as in a plan's strings. */
static const char *S_shown(token *t, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const char *s = t->text.ptr ? t->text.ptr : "";
	size_t i = 0, o = 0, len = t->text.size;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp;
		size_t n = c >= 0x80 ? ad_utf8_decode(s + i, len - i, &cp) : 1;
		bool plain = c >= 0x80 ? n && !ad_term_escaped_cp(cp) : c >= 0x20 && c < 0x7f;
		size_t need = plain ? n : 4 * (n ? n : 1);

		if (o + need + 4 > size)
			break;
		for (size_t k = 0; k < (n ? n : 1); k++) {
			unsigned char b = (unsigned char)s[i + k];

			if (plain) {
				buf[o++] = (char)b;
			} else {
				buf[o++] = '\\';
				buf[o++] = 'x';
				buf[o++] = hex[b >> 4];
				buf[o++] = hex[b & 15];
			}
		}
		i += n ? n : 1;
	}
	strcpy(buf + o, i < len ? "..." : "");
	return buf;
}

/* Expects a keyword (unquoted); what says what came before, for the
 * message. */
static int S_expect(parser *p, token *t, const char *kw, const char *after)
{
	char shown[48];
	int rc = S_token(p, t);

	if (rc < 0)
		return rc;
	if (rc == 0 && !t->quoted && !strcmp(t->text.ptr, kw))
		return 0;
	if (rc)
		return S_fail(p, p->pos, "expected '%s' %s, found the end of the line", kw, after);
	return S_fail(p, t->start, "expected '%s' %s, found '%s'", kw, after,
		      S_shown(t, shown, sizeof(shown)));
}

static int S_number(parser *p, token *t, const char *what, long max, long *out)
{
	const char *s;
	long v = 0;
	int rc = S_token(p, t);

	if (rc < 0)
		return rc;
	if (rc)
		return S_fail(p, p->pos, "expected %s", what);
	s = t->text.ptr;
	if (t->quoted || !*s)
		return S_fail(p, t->start, "expected %s", what);
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > max)
			return S_fail(p, t->start, "expected %s", what);
		v = v * 10 + (*s - '0');
	}
	if (v < 1 || v > max)
		return S_fail(p, t->start, "expected %s", what);
	*out = v;
	return 0;
}

static int S_variant_number(parser *p, token *t, const ad_plan *plan, int *out)
{
	long v;
	int rc = S_number(p, t, "a variant number", 1000000, &v);

	if (rc < 0)
		return rc;
	if ((size_t)v > plan->nvariants)
		return S_fail(p, t->start, "no variant %ld (variant lines come first)", v);
	*out = (int)v - 1;
	return 0;
}

static int S_hex(parser *p, token *t, size_t digits, const char *what)
{
	size_t i;
	int rc = S_token(p, t);

	if (rc < 0)
		return rc;
	if (rc)
		return S_fail(p, p->pos, "expected %s (%zu hex digits)", what, digits);
	if (t->text.size != digits)
		return S_fail(p, t->start, "expected %s (%zu hex digits)", what, digits);
	for (i = 0; i < digits; i++) {
		if (S_hexval(t->text.ptr[i]) < 0)
			return S_fail(p, t->start, "expected %s (%zu hex digits)", what, digits);
		if (t->text.ptr[i] >= 'A' && t->text.ptr[i] <= 'F')
			t->text.ptr[i] += 32;
	}
	return 0;
}

static int S_end(parser *p, token *t)
{
	char shown[48];
	int rc = S_token(p, t);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return S_fail(p, t->start, "unexpected '%s' at the end of the statement (comments go "
				       "on their own line)", S_shown(t, shown, sizeof(shown)));
	return 0;
}

/* A text argument: a quoted string, or "<<WORD" and the lines up to one
 * holding only WORD, taken byte for byte.  Moves the parser past them. */
static int S_text(parser *p, token *t, const char **out, size_t *out_len, ad_plan *plan)
{
	size_t word_len, off, le, next, start;
	const char *word;
	int rc = S_token(p, t);

	if (rc < 0)
		return rc;
	if (rc)
		return S_fail(p, p->pos, "expected the text: a \"string\" or <<END and lines up to END");
	if (t->quoted) {
		*out = ad_plan__dupn(plan, t->text.ptr ? t->text.ptr : "", t->text.size);
		*out_len = t->text.size;
		return S_end(p, t);
	}
	if (t->text.size < 3 || strncmp(t->text.ptr, "<<", 2))
		return S_fail(p, t->start, "expected the text: a \"string\" or <<END and lines up to END");
	word = t->text.ptr + 2;
	word_len = t->text.size - 2;
	for (off = 0; off < word_len; off++) {
		char c = word[off];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return S_fail(p, t->start, "the word after << is letters, digits and _");
	}
	{
		/* The word lives in t, which the next token call would reuse. */
		char *w = ad_xstrndup(word, word_len);
		int heredoc_line = p->line;
		size_t heredoc_at = t->start;

		if ((rc = S_end(p, t)) < 0) {
			free(w);
			return rc;
		}
		start = p->next;
		for (off = start;; off = next) {
			if (off >= p->len) {
				p->line = heredoc_line;
				rc = S_fail(p, heredoc_at,
					    "the text started here is not ended by a line holding only '%s'", w);
				free(w);
				return rc;
			}
			S_line_at(p, off, &le, &next);
			p->line++;
			if (le - off == word_len && !memcmp(p->data + off, w, word_len))
				break;
		}
		free(w);
	}
	*out = ad_plan__dupn(plan, p->data + start, off - start);
	*out_len = off - start;
	/* Continue after the terminator line. */
	p->ls = off;
	p->le = le;
	p->next = next;
	p->pos = le;
	return 0;
}

/* "#N" (the token just read): an ordinal, 1 or more. */
static int S_ordinal(parser *p, token *t, int *out)
{
	const char *s = t->text.ptr + 1;
	long n = 0;

	if (!*s)
		return S_fail(p, t->start, "expected a number after '#'");
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > 10000000)
			return S_fail(p, t->start, "expected a number after '#'");
		n = n * 10 + (*s - '0');
	}
	if (n < 1)
		return S_fail(p, t->start, "ordinals start at #1");
	*out = (int)n;
	return 0;
}

/* REF := ("preamble" | TITLE ["#"N]) "from" N ["body" HEX8] */
static int S_ref(parser *p, token *t, ad_plan *plan, ad_plan_ref *ref)
{
	int rc;
	size_t save;

	memset(ref, 0, sizeof(*ref));
	ref->ordinal = 1;
	if ((rc = S_token(p, t)) < 0)
		return rc;
	if (rc)
		return S_fail(p, p->pos, "expected a section title in quotes, or preamble");
	if (!t->quoted && !strcmp(t->text.ptr, "preamble")) {
		ref->preamble = true;
		ref->title = "";
	} else {
		if (memchr(t->text.ptr, '\0', t->text.size))
			return S_fail(p, t->start, "a title cannot hold a NUL byte");
		ref->title = ad_plan__dup(plan, t->text.ptr);
	}
	save = p->pos;
	if ((rc = S_token(p, t)) < 0)
		return rc;
	if (rc == 0 && !t->quoted && t->text.ptr[0] == '#') {
		if ((rc = S_ordinal(p, t, &ref->ordinal)) < 0)
			return rc;
	} else {
		p->pos = save;
	}
	if ((rc = S_expect(p, t, "from", "after the section")) < 0 ||
	    (rc = S_variant_number(p, t, plan, &ref->variant)) < 0)
		return rc;
	save = p->pos;
	if ((rc = S_token(p, t)) < 0)
		return rc;
	if (rc == 0 && !t->quoted && !strcmp(t->text.ptr, "body")) {
		if ((rc = S_hex(p, t, 8, "a body fingerprint")) < 0)
			return rc;
		ref->has_body = true;
		ref->body = (uint32_t)strtoul(t->text.ptr, NULL, 16);
	} else {
		p->pos = save;
	}
	return 0;
}

static const char *S_comment(ad_plan *plan, const parser *p, size_t start, size_t end)
{
	return end > start ? ad_plan__dupn(plan, p->data + start, end - start) : NULL;
}

/* An optional "blob HEX40" after a statement's argument, into *out. */
static int S_opt_blob(parser *p, token *t, ad_plan *plan, const char **out)
{
	size_t save = p->pos;
	int rc = S_token(p, t);

	if (rc < 0)
		return rc;
	if (rc == 0 && !t->quoted && !strcmp(t->text.ptr, "blob")) {
		if ((rc = S_hex(p, t, 40, "a blob id")) < 0)
			return rc;
		*out = ad_plan__dup(plan, t->text.ptr);
	} else {
		p->pos = save;
	}
	return 0;
}

/* A path-like argument: any non-empty string without NUL. */
static int S_path_arg(parser *p, token *t, const char *what)
{
	int rc = S_token(p, t);

	if (rc < 0)
		return rc;
	if (rc || !t->text.size || memchr(t->text.ptr, '\0', t->text.size))
		return S_fail(p, rc ? p->pos : t->start, "expected %s", what);
	return 0;
}

/* variant N SPEC [blob HEX] */
static int S_stmt_variant(parser *p, token *t, ad_plan *plan, const char *comment)
{
	long n;
	int rc, idx;

	if ((rc = S_number(p, t, "a variant number", 1000000, &n)) < 0)
		return rc;
	if ((size_t)n != plan->nvariants + 1)
		return S_fail(p, t->start, "variants are numbered 1, 2, ... in order: expected %zu",
			      plan->nvariants + 1);
	if ((rc = S_path_arg(p, t, "the variant's path or REV:PATH")) < 0)
		return rc;
	if ((idx = ad_plan_add_variant(plan, t->text.ptr, NULL)) < 0)
		return S_fail(p, t->start, "too many variants (at most %d)", AD_PLAN_MAX_VARIANTS);
	plan->variants[idx].line = p->line;
	plan->variants[idx].column = S_col(p, t->start);
	plan->variants[idx].comment = comment;
	if ((rc = S_opt_blob(p, t, plan, &plan->variants[idx].blob)) < 0 || (rc = S_end(p, t)) < 0)
		return rc;
	plan->output_insert = p->next;
	return 0;
}

/* output PATH [blob HEX] */
static int S_stmt_output(parser *p, token *t, ad_plan *plan, const char *comment, size_t at)
{
	int rc;

	if (plan->has_output_span)
		return S_fail(p, t->start, "a second output statement");
	if ((rc = S_path_arg(p, t, "the output path")) < 0)
		return rc;
	plan->output = ad_plan__dup(plan, t->text.ptr);
	plan->output_line = p->line;
	plan->output_column = S_col(p, t->start);
	if ((rc = S_opt_blob(p, t, plan, &plan->output_blob)) < 0 || (rc = S_end(p, t)) < 0)
		return rc;
	plan->output_comment = comment;
	plan->has_output_span = true;
	plan->output_start = at;
	plan->output_end = p->next;
	return 0;
}

/* frontmatter (from N | none) */
static int S_stmt_frontmatter(parser *p, token *t, ad_plan *plan, const char *comment, bool *seen)
{
	int rc;

	if (*seen)
		return S_fail(p, t->start, "a second frontmatter statement");
	*seen = true;
	if ((rc = S_token(p, t)) < 0)
		return rc;
	if (rc == 0 && !t->quoted && !strcmp(t->text.ptr, "none")) {
		plan->frontmatter = -1;
	} else if (rc == 0 && !t->quoted && !strcmp(t->text.ptr, "from")) {
		if ((rc = S_variant_number(p, t, plan, &plan->frontmatter)) < 0)
			return rc;
	} else {
		return S_fail(p, rc ? p->pos : t->start, "expected 'from N' or 'none' after frontmatter");
	}
	if ((rc = S_end(p, t)) < 0)
		return rc;
	plan->frontmatter_comment = comment;
	plan->fm_at = plan->nitems;
	return 0;
}

/* field KEY [#K] (from N | union N... | intersection N... | text TEXT) */
static int S_stmt_field(parser *p, token *t, ad_plan *plan, const char *comment)
{
	ad_plan_field f;
	int *vs = NULL, rc;
	size_t nvs = 0, cvs = 0;
	char shown[48];

	memset(&f, 0, sizeof(f));
	f.ordinal = 1;
	f.line = p->line;
	f.comment = comment;
	if ((rc = S_path_arg(p, t, "the field's key")) < 0)
		return rc;
	f.key = ad_plan__dup(plan, t->text.ptr);
	if ((rc = S_token(p, t)) < 0)
		return rc;
	if (rc == 0 && !t->quoted && t->text.ptr[0] == '#' &&
	    ((rc = S_ordinal(p, t, &f.ordinal)) < 0 || (rc = S_token(p, t)) < 0))
		return rc;
	if (rc || t->quoted)
		return S_fail(p, rc ? p->pos : t->start,
			      "expected from, union, intersection or text after the key");
	if (!strcmp(t->text.ptr, "from")) {
		f.mode = AD_PLAN_FIELD_FROM;
		if ((rc = S_variant_number(p, t, plan, &f.variant)) < 0 || (rc = S_end(p, t)) < 0)
			return rc;
	} else if (!strcmp(t->text.ptr, "union") || !strcmp(t->text.ptr, "intersection")) {
		f.mode = !strcmp(t->text.ptr, "union") ? AD_PLAN_FIELD_UNION : AD_PLAN_FIELD_INTERSECTION;
		while (!S_at_end(p)) {
			int v;

			if ((rc = S_variant_number(p, t, plan, &v)) < 0) {
				free(vs);
				return rc;
			}
			ad_xgrow((void **)&vs, &cvs, nvs + 1, sizeof(int));
			vs[nvs++] = v;
		}
		f.variants = vs;
		f.nvariants = nvs;
	} else if (!strcmp(t->text.ptr, "text")) {
		f.mode = AD_PLAN_FIELD_TEXT;
		if ((rc = S_text(p, t, &f.text, &f.text_len, plan)) < 0)
			return rc;
	} else {
		return S_fail(p, t->start, "expected from, union, intersection or text, found '%s'",
			      S_shown(t, shown, sizeof(shown)));
	}
	ad_plan_add_field(plan, &f); /* copies; the arena keeps the first copies */
	free(vs);
	return 0;
}

/* take REF | drop REF | edit REF TEXT | text TEXT */
static int S_stmt_item(parser *p, token *t, ad_plan *plan, const char *comment)
{
	ad_plan_item it;
	size_t k, indent = 0;
	int rc;

	memset(&it, 0, sizeof(it));
	it.line = p->line;
	it.comment = comment;
	for (k = p->ls; k < p->le && (p->data[k] == ' ' || p->data[k] == '\t'); k++)
		indent += p->data[k] == '\t' ? 8 : 1;
	it.depth = (int)(indent / 2);
	if (!strcmp(t->text.ptr, "text")) {
		it.kind = AD_PLAN_TEXT;
		it.ref.variant = -1;
		if ((rc = S_text(p, t, &it.text, &it.text_len, plan)) < 0)
			return rc;
	} else {
		it.kind = !strcmp(t->text.ptr, "take")   ? AD_PLAN_TAKE
			  : !strcmp(t->text.ptr, "drop") ? AD_PLAN_DROP
							 : AD_PLAN_EDIT;
		if ((rc = S_ref(p, t, plan, &it.ref)) < 0)
			return rc;
		rc = it.kind == AD_PLAN_EDIT ? S_text(p, t, &it.text, &it.text_len, plan) : S_end(p, t);
		if (rc < 0)
			return rc;
	}
	ad_plan_insert_item(plan, plan->nitems, &it);
	return 0;
}

/* agentdiff-plan 1 */
static int S_stmt_header(parser *p, token *t, ad_plan *plan, const char *comment)
{
	long v;
	int rc;

	if (t->quoted || strcmp(t->text.ptr, "agentdiff-plan"))
		return S_fail(p, t->start, "not an agentdiff plan: the first statement must be "
					   "'agentdiff-plan %d'", AD_PLAN_VERSION);
	if ((rc = S_number(p, t, "the plan format number", 1000000, &v)) < 0)
		return rc;
	if (v != AD_PLAN_VERSION)
		return S_fail(p, t->start, "plan format %ld is not supported (this agentdiff reads "
					   "format %d)", v, AD_PLAN_VERSION);
	if ((rc = S_end(p, t)) < 0)
		return rc;
	plan->header_comment = comment;
	plan->output_insert = p->next;
	return 0;
}

int ad_plan_parse(ad_plan **out, const char *path, const char *data, size_t len, ad_error *err)
{
	ad_plan *plan = NULL;
	parser p;
	token t = { false, 0, AD_BUF_INIT };
	size_t comment_start = 0;
	bool seen_header = false, seen_fm = false;
	int error = 0;

	*out = NULL;
	ad_plan_new(&plan);
	memset(&p, 0, sizeof(p));
	p.data = data ? data : "";
	p.len = data ? len : 0;
	p.path = path;
	p.err = err;
	while (p.next < p.len && error == 0) {
		size_t ls = p.next;
		const char *comment, *kw;

		p.line++;
		p.ls = ls;
		S_line_at(&p, ls, &p.le, &p.next);
		p.pos = ls;
		S_skip_blanks(&p);
		if (p.pos >= p.le || p.data[p.pos] == '#')
			continue; /* a comment or blank line: kept with the statement below */
		comment = S_comment(plan, &p, comment_start, ls);
		if ((error = S_token(&p, &t)) < 0)
			break;
		kw = t.quoted ? "" : t.text.ptr;
		if (!seen_header) {
			error = S_stmt_header(&p, &t, plan, comment);
			seen_header = true;
		} else if (!strcmp(kw, "variant")) {
			error = S_stmt_variant(&p, &t, plan, comment);
		} else if (!strcmp(kw, "output")) {
			error = S_stmt_output(&p, &t, plan, comment, ls);
		} else if (!strcmp(kw, "frontmatter")) {
			error = S_stmt_frontmatter(&p, &t, plan, comment, &seen_fm);
		} else if (!strcmp(kw, "field")) {
			error = S_stmt_field(&p, &t, plan, comment);
		} else if (!strcmp(kw, "take") || !strcmp(kw, "drop") || !strcmp(kw, "edit") ||
			   !strcmp(kw, "text")) {
			error = S_stmt_item(&p, &t, plan, comment);
		} else {
			char shown[48];

			error = S_fail(&p, t.start,
				       "unknown statement '%s' (expected variant, output, frontmatter, "
				       "field, take, edit, drop or text)",
				       S_shown(&t, shown, sizeof(shown)));
		}
		comment_start = p.next;
	}
	if (error < 0)
		goto done;
	if (!seen_header) {
		error = ad_error_set(err, AD_EPARSE, path, p.line ? p.line : 1, 1,
				     "not an agentdiff plan: no 'agentdiff-plan 1' line");
		goto done;
	}
	if (plan->nvariants == 0) {
		error = ad_error_set(err, AD_EPARSE, path, p.line ? p.line : 1, 1,
				     "the plan names no variants");
		goto done;
	}
	plan->tail_comment = S_comment(plan, &p, comment_start, p.len);
	*out = plan;
	plan = NULL;
done:
	ad_buf_free(&t.text);
	ad_plan_free(plan);
	return error;
}

/* ---------------------------------------------------------------- writing */

/* A string as the plan's reader reads it back, in plain text that is safe
 * to show on a terminal: controls, bytes that are not UTF-8 and what
 * ad_term_sanitize() escapes (C1 controls, bidirectional controls, line and
 * paragraph separators) are written as \x escapes. */
static void S_quote(ad_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n, k;
	unsigned cp;

	ad_buf_putc(out, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			n = ad_utf8_decode(s + i, len - i, &cp);
			if (n && !ad_term_escaped_cp(cp)) {
				ad_buf_put(out, s + i, n);
			} else {
				for (k = 0; k < (n ? n : 1); k++) {
					ad_buf_puts(out, "\\x");
					ad_buf_putc(out, hex[(unsigned char)s[i + k] >> 4]);
					ad_buf_putc(out, hex[(unsigned char)s[i + k] & 15]);
				}
			}
			i += (n ? n : 1) - 1;
		} else if (c == '"' || c == '\\') {
			ad_buf_putc(out, '\\');
			ad_buf_putc(out, (char)c);
		} else if (c == '\n') {
			ad_buf_puts(out, "\\n");
		} else if (c == '\t') {
			ad_buf_puts(out, "\\t");
		} else if (c == '\r') {
			ad_buf_puts(out, "\\r");
		} else if (c < 0x20 || c == 0x7f) {
			ad_buf_puts(out, "\\x");
			ad_buf_putc(out, hex[c >> 4]);
			ad_buf_putc(out, hex[c & 15]);
		} else {
			ad_buf_putc(out, (char)c);
		}
	}
	ad_buf_putc(out, '"');
}

void ad_plan__quotes(ad_buf *out, const char *s)
{
	S_quote(out, s, strlen(s));
}

/* Comment lines as they were; a line that is not blank and does not start
 * with '#' (a built plan's comment) gets "# " in front. */
static void S_put_comment(ad_buf *out, const char *c)
{
	const char *p = c, *e;

	if (!c)
		return;
	while (*p) {
		const char *q;

		e = p;
		while (*e && *e != '\n')
			e++;
		q = p;
		while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < e && *q != '#')
			ad_buf_puts(out, "# ");
		ad_buf_put(out, p, (size_t)(e - p));
		ad_buf_putc(out, '\n');
		p = *e ? e + 1 : e;
	}
}

/* Whether some line of text (split as the parser splits) is exactly word. */
static bool S_has_line(const char *text, size_t len, const char *word)
{
	size_t wl = strlen(word), i = 0;

	while (i <= len) {
		size_t e = i;

		while (e < len && text[e] != '\n' && text[e] != '\r')
			e++;
		if (e - i == wl && !memcmp(text + i, word, wl))
			return true;
		if (e >= len)
			break;
		i = e + (text[e] == '\r' && e + 1 < len && text[e + 1] == '\n' ? 2 : 1);
	}
	return false;
}

static void S_put_text(ad_buf *out, const char *text, size_t len)
{
	char word[32];
	int n = 1;

	if (len == 0 || text[len - 1] != '\n') {
		S_quote(out, text, len);
		ad_buf_putc(out, '\n');
		return;
	}
	strcpy(word, "END");
	while (S_has_line(text, len, word))
		snprintf(word, sizeof(word), "END%d", ++n);
	ad_buf_printf(out, "<<%s\n", word);
	ad_buf_put(out, text, len);
	ad_buf_printf(out, "%s\n", word);
}

void ad_plan__put_ref(ad_buf *out, const ad_plan_ref *ref)
{
	if (ref->preamble)
		ad_buf_puts(out, "preamble");
	else
		ad_plan__quotes(out, ref->title ? ref->title : "");
	if (ref->ordinal > 1)
		ad_buf_printf(out, " #%d", ref->ordinal);
	ad_buf_printf(out, " from %d", ref->variant + 1);
	if (ref->has_body)
		ad_buf_printf(out, " body %08lx", (unsigned long)ref->body);
}

static void S_put_output(ad_buf *out, const char *path, const char *blob)
{
	ad_buf_puts(out, "output ");
	ad_plan__quotes(out, path);
	if (blob)
		ad_buf_printf(out, " blob %s", blob);
	ad_buf_putc(out, '\n');
}

/* The frontmatter statement and the field statements after it. */
static void S_put_frontmatter(ad_buf *out, const ad_plan *plan)
{
	size_t i, k;

	if (plan->frontmatter_comment)
		S_put_comment(out, plan->frontmatter_comment);
	else
		ad_buf_putc(out, '\n');
	if (plan->frontmatter >= 0)
		ad_buf_printf(out, "frontmatter from %d\n", plan->frontmatter + 1);
	else
		ad_buf_puts(out, "frontmatter none\n");
	for (i = 0; i < plan->nfields; i++) {
		const ad_plan_field *f = &plan->fields[i];

		S_put_comment(out, f->comment);
		ad_buf_puts(out, "field ");
		ad_plan__quotes(out, f->key);
		if (f->ordinal > 1)
			ad_buf_printf(out, " #%d", f->ordinal);
		switch (f->mode) {
		case AD_PLAN_FIELD_FROM:
			ad_buf_printf(out, " from %d\n", f->variant + 1);
			break;
		case AD_PLAN_FIELD_UNION:
		case AD_PLAN_FIELD_INTERSECTION:
			ad_buf_puts(out, f->mode == AD_PLAN_FIELD_UNION ? " union" : " intersection");
			for (k = 0; k < f->nvariants; k++)
				ad_buf_printf(out, " %d", f->variants[k] + 1);
			ad_buf_putc(out, '\n');
			break;
		case AD_PLAN_FIELD_TEXT:
			ad_buf_puts(out, " text ");
			S_put_text(out, f->text ? f->text : "", f->text_len);
			break;
		}
	}
}

void ad_plan_write(ad_buf *out, const ad_plan *plan)
{
	size_t i;
	int d;

	if (plan->header_comment)
		S_put_comment(out, plan->header_comment);
	else
		ad_buf_puts(out, "# agentdiff merge plan: 'agentdiff apply' with this file writes the result.\n"
				 "# One statement a line; see 'man agentdiff', MERGE PLANS.\n");
	ad_buf_printf(out, "agentdiff-plan %d\n", AD_PLAN_VERSION);
	for (i = 0; i < plan->nvariants; i++) {
		const ad_plan_variant *v = &plan->variants[i];

		if (v->comment)
			S_put_comment(out, v->comment);
		else if (i == 0)
			ad_buf_putc(out, '\n');
		ad_buf_printf(out, "variant %zu ", i + 1);
		ad_plan__quotes(out, v->spec);
		if (v->blob)
			ad_buf_printf(out, " blob %s", v->blob);
		ad_buf_putc(out, '\n');
	}
	if (plan->output) {
		S_put_comment(out, plan->output_comment);
		S_put_output(out, plan->output, plan->output_blob);
	}
	for (i = 0; i < plan->nitems; i++) {
		const ad_plan_item *it = &plan->items[i];

		if (i == plan->fm_at)
			S_put_frontmatter(out, plan);
		if (it->comment)
			S_put_comment(out, it->comment);
		else if (i == 0 || i == plan->fm_at)
			ad_buf_putc(out, '\n');
		for (d = 0; d < it->depth && d < 32; d++)
			ad_buf_puts(out, "  ");
		switch (it->kind) {
		case AD_PLAN_TAKE:
		case AD_PLAN_DROP:
			ad_buf_puts(out, it->kind == AD_PLAN_TAKE ? "take " : "drop ");
			ad_plan__put_ref(out, &it->ref);
			ad_buf_putc(out, '\n');
			break;
		case AD_PLAN_EDIT:
			ad_buf_puts(out, "edit ");
			ad_plan__put_ref(out, &it->ref);
			ad_buf_putc(out, ' ');
			S_put_text(out, it->text ? it->text : "", it->text_len);
			break;
		case AD_PLAN_TEXT:
			ad_buf_puts(out, "text ");
			S_put_text(out, it->text ? it->text : "", it->text_len);
			break;
		}
	}
	if (plan->fm_at >= plan->nitems)
		S_put_frontmatter(out, plan);
	if (plan->tail_comment)
		S_put_comment(out, plan->tail_comment);
}

void ad_plan_splice_output(ad_buf *out, const ad_plan *plan, const char *text, size_t len,
			   const char *path, const char *blob)
{
	size_t at = plan->has_output_span ? plan->output_start : plan->output_insert;
	size_t resume = plan->has_output_span ? plan->output_end : plan->output_insert;

	if (at > len)
		at = len;
	if (resume > len)
		resume = len;
	ad_buf_put(out, text, at);
	if (at > 0 && text[at - 1] != '\n' && text[at - 1] != '\r')
		ad_buf_putc(out, '\n');
	S_put_output(out, path, blob);
	ad_buf_put(out, text + resume, len - resume);
	ad_buf_cstr(out);
}
