#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "doc.h"
#include "fmdiff.h"
#include "frontmatter.h"
#include "plan.h"
#include "splice.h"
#include "term.h"
#include "util.h"

struct ad_plan {
	ad_arena arena;
	ad_plan_variant *variants;
	size_t nvariants, cvariants;
	ad_plan_field *fields;
	size_t nfields, cfields;
	ad_plan_item *items;
	size_t nitems, citems;
	const char *output, *output_blob;
	int output_line, output_column; /* where the parsed output's path is */
	int frontmatter;         /* variant, or -1 for none */
	/* The frontmatter goes before item fm_at (after them all when it
	 * equals nitems): after a preamble that sits above a misplaced block. */
	size_t fm_at;
	/* Comments above the header, output and frontmatter statements, and
	 * after the last statement; NULL when none. */
	const char *header_comment, *output_comment, *frontmatter_comment, *tail_comment;
	/* Where the parsed text had its output statement (a line span), or
	 * where one would go: after the last variant line. */
	bool has_output_span;
	size_t output_start, output_end, output_insert;
};

/* ---------------------------------------------------------------- basics */

int ad_plan_new(ad_plan **out)
{
	ad_plan *p = ad_xcalloc(1, sizeof(*p));

	p->frontmatter = -1;
	*out = p;
	return 0;
}

void ad_plan_free(ad_plan *plan)
{
	if (!plan)
		return;
	free(plan->variants);
	free(plan->fields);
	free(plan->items);
	ad_arena_free(&plan->arena);
	free(plan);
}

static const char *S_dup(ad_plan *p, const char *s)
{
	return s ? ad_arena_strndup(&p->arena, s, strlen(s)) : NULL;
}

static const char *S_dupn(ad_plan *p, const char *s, size_t n)
{
	return s ? ad_arena_strndup(&p->arena, s, n) : NULL;
}

int ad_plan_add_variant(ad_plan *plan, const char *spec, const char *blob)
{
	ad_plan_variant *v;

	if (plan->nvariants >= AD_PLAN_MAX_VARIANTS)
		return AD_ETOOBIG;
	ad_xgrow((void **)&plan->variants, &plan->cvariants, plan->nvariants + 1,
		 sizeof(*plan->variants));
	v = &plan->variants[plan->nvariants];
	memset(v, 0, sizeof(*v));
	v->spec = S_dup(plan, spec ? spec : "");
	v->blob = S_dup(plan, blob);
	return (int)plan->nvariants++;
}

size_t ad_plan_variant_count(const ad_plan *plan)
{
	return plan->nvariants;
}

const ad_plan_variant *ad_plan_variant_at(const ad_plan *plan, size_t i)
{
	return i < plan->nvariants ? &plan->variants[i] : NULL;
}

void ad_plan_set_output(ad_plan *plan, const char *path, const char *blob)
{
	plan->output = S_dup(plan, path);
	plan->output_blob = S_dup(plan, blob);
	plan->output_line = plan->output_column = 0;
}

const char *ad_plan_output(const ad_plan *plan)
{
	return plan->output;
}

const char *ad_plan_output_blob(const ad_plan *plan)
{
	return plan->output_blob;
}

void ad_plan_output_at(const ad_plan *plan, int *line, int *column)
{
	*line = plan->output_line;
	*column = plan->output_column;
}

void ad_plan_set_frontmatter(ad_plan *plan, int variant)
{
	plan->frontmatter = variant < 0 ? -1 : variant;
}

int ad_plan_frontmatter(const ad_plan *plan)
{
	return plan->frontmatter;
}

void ad_plan_set_frontmatter_at(ad_plan *plan, size_t i)
{
	plan->fm_at = i < plan->nitems ? i : plan->nitems;
}

size_t ad_plan_frontmatter_at(const ad_plan *plan)
{
	return plan->fm_at;
}

size_t ad_plan_field_count(const ad_plan *plan)
{
	return plan->nfields;
}

const ad_plan_field *ad_plan_field_at(const ad_plan *plan, size_t i)
{
	return i < plan->nfields ? &plan->fields[i] : NULL;
}

void ad_plan_add_field(ad_plan *plan, const ad_plan_field *field)
{
	ad_plan_field *f;

	ad_xgrow((void **)&plan->fields, &plan->cfields, plan->nfields + 1, sizeof(*plan->fields));
	f = &plan->fields[plan->nfields++];
	*f = *field;
	f->key = S_dup(plan, field->key ? field->key : "");
	if (f->ordinal < 1)
		f->ordinal = 1;
	f->comment = S_dup(plan, field->comment);
	if (field->text) {
		f->text = S_dupn(plan, field->text, field->text_len);
	} else {
		f->text = NULL;
		f->text_len = 0;
	}
	if (field->nvariants) {
		int *vs = ad_arena_alloc(&plan->arena, field->nvariants * sizeof(int));

		memcpy(vs, field->variants, field->nvariants * sizeof(int));
		f->variants = vs;
	} else {
		f->variants = NULL;
	}
}

void ad_plan_remove_field(ad_plan *plan, size_t i)
{
	if (i >= plan->nfields)
		return;
	memmove(&plan->fields[i], &plan->fields[i + 1],
		(plan->nfields - i - 1) * sizeof(*plan->fields));
	plan->nfields--;
}

size_t ad_plan_item_count(const ad_plan *plan)
{
	return plan->nitems;
}

const ad_plan_item *ad_plan_item_at(const ad_plan *plan, size_t i)
{
	return i < plan->nitems ? &plan->items[i] : NULL;
}

void ad_plan_insert_item(ad_plan *plan, size_t i, const ad_plan_item *item)
{
	ad_plan_item *it;

	if (i > plan->nitems)
		i = plan->nitems;
	ad_xgrow((void **)&plan->items, &plan->citems, plan->nitems + 1, sizeof(*plan->items));
	memmove(&plan->items[i + 1], &plan->items[i], (plan->nitems - i) * sizeof(*plan->items));
	plan->nitems++;
	if (i < plan->fm_at)
		plan->fm_at++;
	it = &plan->items[i];
	*it = *item;
	it->ref.title = S_dup(plan, item->ref.title ? item->ref.title : "");
	if (it->ref.ordinal < 1)
		it->ref.ordinal = 1;
	it->comment = S_dup(plan, item->comment);
	if (item->text) {
		it->text = S_dupn(plan, item->text, item->text_len);
	} else {
		it->text = NULL;
		it->text_len = 0;
	}
}

void ad_plan_remove_item(ad_plan *plan, size_t i)
{
	if (i >= plan->nitems)
		return;
	memmove(&plan->items[i], &plan->items[i + 1], (plan->nitems - i - 1) * sizeof(*plan->items));
	plan->nitems--;
	if (i < plan->fm_at)
		plan->fm_at--;
}

void ad_plan_move_item(ad_plan *plan, size_t from, size_t to)
{
	ad_plan_item tmp;

	if (from >= plan->nitems || to >= plan->nitems || from == to)
		return;
	tmp = plan->items[from];
	/* As a removal and an insertion (see above). */
	if (from < plan->fm_at)
		plan->fm_at--;
	if (to < plan->fm_at)
		plan->fm_at++;
	if (from < to)
		memmove(&plan->items[from], &plan->items[from + 1], (to - from) * sizeof(tmp));
	else
		memmove(&plan->items[to + 1], &plan->items[to], (from - to) * sizeof(tmp));
	plan->items[to] = tmp;
}

/* ---------------------------------------------------------------- naming sections */

/*
 * The key titles are compared by: ASCII letters lower-cased, runs of other
 * ASCII bytes (punctuation, spaces) made one space, leading numbering
 * ("1.", "2.3)", "4:") dropped.  Kept here rather than shared with align so
 * that a plan file written by one version still reads the same in the next.
 */
static void S_title_key(ad_buf *out, const char *title)
{
	const unsigned char *s = (const unsigned char *)(title ? title : "");
	const unsigned char *p = s;
	bool space = false;

	ad_buf_clear(out);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p >= '0' && *p <= '9') {
		const unsigned char *q = p;

		while ((*q >= '0' && *q <= '9') || *q == '.')
			q++;
		if (*q == '.' || *q == ')' || *q == ':' || q[-1] == '.')
			p = q + (*q == ')' || *q == ':');
	}
	for (; *p; p++) {
		unsigned char c = *p;
		bool word = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z');

		if (!word) {
			space = out->size > 0;
			continue;
		}
		if (space)
			ad_buf_putc(out, ' ');
		space = false;
		ad_buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
	}
	if (out->size == 0) /* all punctuation or numbering: the title as it is */
		ad_buf_puts(out, (const char *)s);
	ad_buf_cstr(out);
}

/* The fingerprint of no words at all: it names nothing in particular. */
#define EMPTY_PRINT 2166136261u

static bool S_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* FNV-1a over the words joined by one space, so that rewrapping the text
 * does not change it. */
static uint32_t S_fingerprint(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i = 0;
	bool first = true;

	while (i < len) {
		while (i < len && S_space(s[i]))
			i++;
		if (i >= len)
			break;
		if (!first) {
			h ^= ' ';
			h *= 16777619u;
		}
		first = false;
		while (i < len && !S_space(s[i])) {
			h ^= (unsigned char)s[i++];
			h *= 16777619u;
		}
	}
	return h;
}

/*
 * What the plan needs to know of one variant, computed once: each
 * section's extent within its parent (a tag's closing line is the tag's
 * own tail, not its last child's, so that a subsection taken alone never
 * carries its parent's closing tag), its title key, its ordinal among the
 * sections with that key, and the fingerprint of the words below its
 * heading.
 */
typedef struct {
	const ad_doc *doc;
	size_t n;
	size_t *eff_end;   /* end of the section's extent inside its parent */
	size_t *inner_end; /* where its children's extents end; its tail starts here */
	char **keys;       /* "" for the preamble */
	int *ordinal;
	uint32_t *prints;
} docindex;

/* Preambles are counted apart from titled sections. */
typedef struct {
	bool preamble;
	const char *key;
	int index;
} keyed;

static int S_by_key(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	int c = (int)x->preamble - (int)y->preamble;

	if (!c)
		c = strcmp(x->key, y->key);
	return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* [start, end) of the text section i contributes by itself: up to its
 * first child, or for a leaf its whole extent. */
static void S_own_span(const docindex *x, int i, size_t *start, size_t *end)
{
	const ad_section *s = &ad_doc_sections(x->doc)[i];

	*start = s->start;
	*end = s->first_child >= 0 ? ad_doc_sections(x->doc)[s->first_child].start : x->eff_end[i];
	if (*end < *start)
		*end = *start;
}

static void S_index(docindex *x, const ad_doc *doc)
{
	const ad_section *secs = ad_doc_sections(doc);
	size_t n = ad_doc_section_count(doc), i;
	ad_buf key = AD_BUF_INIT;
	keyed *order;

	memset(x, 0, sizeof(*x));
	x->doc = doc;
	x->n = n;
	x->eff_end = ad_xcalloc(n ? n : 1, sizeof(size_t));
	x->inner_end = ad_xcalloc(n ? n : 1, sizeof(size_t));
	x->keys = ad_xcalloc(n ? n : 1, sizeof(char *));
	x->ordinal = ad_xcalloc(n ? n : 1, sizeof(int));
	x->prints = ad_xcalloc(n ? n : 1, sizeof(uint32_t));
	/* Pre-order: a parent comes before its children. */
	for (i = 0; i < n; i++) {
		const ad_section *s = &secs[i];
		size_t e;

		if (s->next_sibling >= 0)
			e = secs[s->next_sibling].start;
		else if (s->parent >= 0)
			e = x->inner_end[s->parent];
		else
			e = s->end;
		if (e > s->end || e < s->start)
			e = s->end;
		x->eff_end[i] = e;
		x->inner_end[i] = e;
		if (s->kind == AD_SECTION_TAG && s->first_child >= 0 && s->close_start >= s->start &&
		    s->close_start <= e && s->close_start >= secs[s->first_child].start)
			x->inner_end[i] = s->close_start;
		if (s->kind == AD_SECTION_PREAMBLE) {
			x->keys[i] = ad_xstrdup("");
		} else {
			S_title_key(&key, s->title);
			x->keys[i] = ad_xstrndup(key.ptr, key.size);
		}
	}
	for (i = 0; i < n; i++) {
		size_t start, end, from;

		S_own_span(x, (int)i, &start, &end);
		from = secs[i].kind == AD_SECTION_PREAMBLE ? start : secs[i].head_end;
		if (from < start || from > end)
			from = start;
		x->prints[i] = S_fingerprint(ad_doc_data(doc) + from, end - from);
	}
	/* Ordinals: sort by key, then by position, and count within a key. */
	order = ad_xcalloc(n ? n : 1, sizeof(*order));
	for (i = 0; i < n; i++) {
		order[i].preamble = secs[i].kind == AD_SECTION_PREAMBLE;
		order[i].key = x->keys[i];
		order[i].index = (int)i;
	}
	qsort(order, n, sizeof(*order), S_by_key);
	for (i = 0; i < n; i++)
		x->ordinal[order[i].index] = i > 0 && order[i].preamble == order[i - 1].preamble &&
						     !strcmp(order[i].key, order[i - 1].key)
						     ? x->ordinal[order[i - 1].index] + 1
						     : 1;
	free(order);
	ad_buf_free(&key);
}

static void S_index_free(docindex *x)
{
	size_t i;

	for (i = 0; x->keys && i < x->n; i++)
		free(x->keys[i]);
	free(x->keys);
	free(x->eff_end);
	free(x->inner_end);
	free(x->ordinal);
	free(x->prints);
	memset(x, 0, sizeof(*x));
}

static void S_ref_of(ad_plan_ref *out, const docindex *x, int variant, int section)
{
	const ad_section *s = &ad_doc_sections(x->doc)[section];

	memset(out, 0, sizeof(*out));
	out->variant = variant;
	out->preamble = s->kind == AD_SECTION_PREAMBLE;
	out->title = out->preamble ? "" : s->title;
	out->ordinal = x->ordinal[section];
	out->has_body = x->prints[section] != EMPTY_PRINT;
	out->body = out->has_body ? x->prints[section] : 0;
}

void ad_plan_ref_of(ad_plan_ref *out, const ad_doc *doc, int variant, int section)
{
	docindex x;

	if (section < 0 || (size_t)section >= ad_doc_section_count(doc)) {
		memset(out, 0, sizeof(*out));
		out->variant = variant;
		out->title = "";
		out->ordinal = 1;
		return;
	}
	S_index(&x, doc);
	S_ref_of(out, &x, variant, section);
	S_index_free(&x);
}

void ad_plan_refs_of(ad_plan_ref *out, const ad_doc *doc, int variant)
{
	docindex x;
	size_t i;

	S_index(&x, doc);
	for (i = 0; i < x.n; i++)
		S_ref_of(&out[i], &x, variant, (int)i);
	S_index_free(&x);
}

/*
 * The section ref names: when the variant is unchanged, the ordinal-th
 * with its title; else the one with its title and its words, then the
 * ordinal-th with its title, then the one section anywhere with its words
 * (renamed).
 */
static int S_find(const docindex *x, const ad_plan_ref *ref, bool exact)
{
	const ad_section *secs = ad_doc_sections(x->doc);
	ad_buf key = AD_BUF_INIT;
	int nth = -1, printed = -1, anywhere = -1, anywhere_count = 0, result = -1;
	size_t i;

	if (ref->preamble) {
		for (i = 0; i < x->n; i++)
			if (secs[i].kind == AD_SECTION_PREAMBLE && x->ordinal[i] == ref->ordinal)
				return (int)i;
		return -1;
	}
	S_title_key(&key, ref->title);
	for (i = 0; i < x->n; i++) {
		bool same_body;

		if (secs[i].kind == AD_SECTION_PREAMBLE)
			continue;
		same_body = ref->has_body && ref->body != EMPTY_PRINT && x->prints[i] == ref->body;
		if (!strcmp(key.ptr, x->keys[i])) {
			if (x->ordinal[i] == ref->ordinal)
				nth = (int)i;
			if (same_body && printed < 0)
				printed = (int)i;
		} else if (same_body) {
			if (anywhere < 0)
				anywhere = (int)i;
			anywhere_count++;
		}
	}
	if (exact)
		result = nth;
	else if (printed >= 0)
		result = printed;
	else if (nth >= 0)
		result = nth;
	else if (anywhere_count == 1)
		result = anywhere;
	ad_buf_free(&key);
	return result;
}

int ad_plan_find(const ad_doc *doc, const ad_plan_ref *ref, bool exact)
{
	docindex x;
	int r;

	S_index(&x, doc);
	r = S_find(&x, ref, exact);
	S_index_free(&x);
	return r;
}

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
		*out = S_dupn(plan, t->text.ptr ? t->text.ptr : "", t->text.size);
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
	*out = S_dupn(plan, p->data + start, off - start);
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
		ref->title = S_dup(plan, t->text.ptr);
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
	return end > start ? S_dupn(plan, p->data + start, end - start) : NULL;
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
		*out = S_dup(plan, t->text.ptr);
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
	plan->output = S_dup(plan, t->text.ptr);
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
	f.key = S_dup(plan, t->text.ptr);
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

static void S_quotes(ad_buf *out, const char *s)
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

static void S_put_ref(ad_buf *out, const ad_plan_ref *ref)
{
	if (ref->preamble)
		ad_buf_puts(out, "preamble");
	else
		S_quotes(out, ref->title ? ref->title : "");
	if (ref->ordinal > 1)
		ad_buf_printf(out, " #%d", ref->ordinal);
	ad_buf_printf(out, " from %d", ref->variant + 1);
	if (ref->has_body)
		ad_buf_printf(out, " body %08lx", (unsigned long)ref->body);
}

static void S_put_output(ad_buf *out, const char *path, const char *blob)
{
	ad_buf_puts(out, "output ");
	S_quotes(out, path);
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
		S_quotes(out, f->key);
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
		S_quotes(out, v->spec);
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
			S_put_ref(out, &it->ref);
			ad_buf_putc(out, '\n');
			break;
		case AD_PLAN_EDIT:
			ad_buf_puts(out, "edit ");
			S_put_ref(out, &it->ref);
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

/* ---------------------------------------------------------------- the default plan */

static bool S_same_own(const docindex *a, int sa, const docindex *b, int sb)
{
	size_t s1, e1, s2, e2;

	S_own_span(a, sa, &s1, &e1);
	S_own_span(b, sb, &s2, &e2);
	return e1 - s1 == e2 - s2 && !memcmp(ad_doc_data(a->doc) + s1, ad_doc_data(b->doc) + s2, e1 - s1);
}

/* "# or: take "Scope" from 2" lines for the versions of a row that differ
 * from the one taken (variant `taken`; -1 for none), skipping `skip`. */
static void S_alternatives(ad_buf *c, const ad_align_row *row, size_t ndocs, int taken, int skip,
			   const docindex *xs, int depth)
{
	size_t v;
	int d;

	for (v = 0; v < ndocs; v++) {
		ad_plan_ref ref;
		int s = row->cells[v];

		if (s < 0 || (int)v == taken || (int)v == skip)
			continue;
		if (ad_doc_sections(xs[v].doc)[s].blank)
			continue;
		if (taken >= 0 && S_same_own(&xs[taken], row->cells[taken], &xs[v], s))
			continue;
		S_ref_of(&ref, &xs[v], (int)v, s);
		for (d = 0; d < depth && d < 32; d++)
			ad_buf_puts(c, "  ");
		ad_buf_puts(c, "# or: take ");
		S_put_ref(c, &ref);
		ad_buf_putc(c, '\n');
	}
}

static void S_default_fields(ad_plan *plan, const ad_doc *const *docs, size_t ndocs,
			     const ad_fmdiff *fd)
{
	const ad_frontmatter *fm0 = ad_doc_frontmatter(docs[0]);
	ad_buf c = AD_BUF_INIT;
	size_t i, r, v;

	plan->frontmatter = fm0 ? 0 : -1;
	if (!fm0) {
		for (v = 1; v < ndocs; v++) {
			if (ad_doc_frontmatter(docs[v])) {
				ad_buf_printf(&c, "\n# or: frontmatter from %zu\n", v + 1);
				plan->frontmatter_comment = S_dup(plan, c.ptr);
				break;
			}
		}
		ad_buf_free(&c);
		return;
	}
	for (i = 0; i < fm0->nfields; i++) {
		const ad_fm_field *f = &fm0->fields[i];
		const ad_fmdiff_row *row = f->occurrence ? NULL : ad_fmdiff_find(fd, f->key);
		ad_plan_field pf;

		memset(&pf, 0, sizeof(pf));
		pf.key = f->key;
		pf.mode = AD_PLAN_FIELD_FROM;
		pf.ordinal = (int)f->occurrence + 1; /* fields are fewer than bytes */
		ad_buf_clear(&c);
		if (row && row->differs) {
			if (row->set) {
				ad_buf_puts(&c, "# or: field ");
				S_quotes(&c, f->key);
				ad_buf_puts(&c, " union\n# or: field ");
				S_quotes(&c, f->key);
				ad_buf_puts(&c, " intersection\n");
			}
			for (v = 1; v < ndocs; v++) {
				if (!row->cells[v])
					continue;
				ad_buf_puts(&c, "# or: field ");
				S_quotes(&c, f->key);
				ad_buf_printf(&c, " from %zu\n", v + 1);
			}
		}
		pf.comment = c.size ? c.ptr : NULL;
		ad_plan_add_field(plan, &pf);
	}
	/* Keys only the others have, as suggestions above the first field. */
	ad_buf_clear(&c);
	ad_buf_putc(&c, '\n');
	for (r = 0; r < ad_fmdiff_row_count(fd); r++) {
		const ad_fmdiff_row *row = ad_fmdiff_row_at(fd, r);

		if (row->cells[0])
			continue;
		for (v = 1; v < ndocs; v++) {
			if (!row->cells[v])
				continue;
			ad_buf_puts(&c, "# or: field ");
			S_quotes(&c, row->key);
			ad_buf_printf(&c, " from %zu\n", v + 1);
			break;
		}
	}
	if (c.size > 1)
		plan->frontmatter_comment = S_dup(plan, c.ptr);
	ad_buf_free(&c);
}

int ad_plan_default(ad_plan **out, const ad_doc *const *docs, const char *const *specs,
		    const char *const *blobs, size_t ndocs, ad_error *err)
{
	ad_plan *plan = NULL;
	ad_align *al = NULL;
	ad_fmdiff *fd = NULL;
	docindex *xs = NULL;
	ad_buf c = AD_BUF_INIT;
	size_t v, i, r, n0;
	size_t *pos_of = NULL; /* per section of docs[0]: 1 + the index of its item */
	int error = 0;

	*out = NULL;
	if (ndocs == 0 || ndocs > AD_PLAN_MAX_VARIANTS)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0, "a plan needs 1 to %d variants",
				    AD_PLAN_MAX_VARIANTS);
	ad_plan_new(&plan);
	for (v = 0; v < ndocs; v++)
		ad_plan_add_variant(plan, specs[v], blobs ? blobs[v] : NULL);
	xs = ad_xcalloc(ndocs, sizeof(*xs));
	for (v = 0; v < ndocs; v++)
		S_index(&xs[v], docs[v]);
	if (ad_fmdiff_docs(&fd, docs, ndocs) < 0) {
		error = ad_error_set(err, AD_EIO, NULL, 0, 0, "cannot compare the frontmatter");
		goto done;
	}
	S_default_fields(plan, docs, ndocs, fd);

	/* Every section of the first variant, in its order. */
	n0 = xs[0].n;
	pos_of = ad_xcalloc(n0 ? n0 : 1, sizeof(*pos_of));
	for (i = 0; i < n0; i++) {
		const ad_section *secs = ad_doc_sections(docs[0]);
		ad_plan_item it;

		memset(&it, 0, sizeof(it));
		it.kind = AD_PLAN_TAKE;
		S_ref_of(&it.ref, &xs[0], 0, (int)i);
		it.depth = secs[i].depth;
		if (i == 0)
			it.comment = "\n";
		ad_plan_insert_item(plan, plan->nitems, &it);
		pos_of[i] = plan->nitems;
	}
	/* A preamble above a misplaced frontmatter comes before it. */
	{
		const ad_frontmatter *fm0 = ad_doc_frontmatter(docs[0]);

		for (i = 0; fm0 && i < n0; i++)
			if (ad_doc_sections(docs[0])[i].start < fm0->start)
				plan->fm_at = i + 1;
	}
	/* Rows the first variant lacks: a drop line each, where the alignment's
	 * reading order has them (after the row before).  Made a take, such a
	 * section closes what it is not inside of, so the structure stays
	 * sound wherever it goes. */
	if (ndocs >= 2) {
		size_t anchor = 0;

		if (ad_align_docs(&al, docs, ndocs, NULL) < 0) {
			error = ad_error_set(err, AD_EIO, NULL, 0, 0, "cannot align the variants");
			goto done;
		}
		for (r = 0; r < ad_align_row_count(al); r++) {
			const ad_align_row *row = ad_align_row_at(al, r);
			int s0 = row->cells[0], first = -1;
			ad_plan_item it;

			ad_buf_clear(&c);
			if (s0 >= 0) {
				size_t at = pos_of[s0] - 1;

				S_alternatives(&c, row, ndocs, 0, -1, xs, plan->items[at].depth);
				if (c.size) {
					ad_buf both = AD_BUF_INIT;

					if (plan->items[at].comment)
						ad_buf_puts(&both, plan->items[at].comment);
					ad_buf_put(&both, c.ptr, c.size);
					plan->items[at].comment = S_dup(plan, both.ptr);
					ad_buf_free(&both);
				}
				anchor = pos_of[s0];
				continue;
			}
			for (v = 1; v < ndocs && first < 0; v++)
				if (row->cells[v] >= 0 && !ad_doc_sections(docs[v])[row->cells[v]].blank)
					first = (int)v;
			if (first < 0)
				continue;
			memset(&it, 0, sizeof(it));
			it.kind = AD_PLAN_DROP;
			S_ref_of(&it.ref, &xs[first], first, row->cells[first]);
			it.depth = ad_doc_sections(docs[first])[row->cells[first]].depth;
			S_alternatives(&c, row, ndocs, -1, first, xs, it.depth);
			it.comment = c.size ? c.ptr : NULL;
			if (anchor == 0 && plan->nitems == 0)
				it.comment = c.size ? c.ptr : "\n";
			ad_plan_insert_item(plan, anchor, &it);
			for (i = 0; i < n0; i++)
				if (pos_of[i] > anchor)
					pos_of[i]++;
			anchor++;
		}
	}
	*out = plan;
	plan = NULL;
done:
	for (v = 0; xs && v < ndocs; v++)
		S_index_free(&xs[v]);
	free(xs);
	free(pos_of);
	ad_align_free(al);
	ad_fmdiff_free(fd);
	ad_buf_free(&c);
	ad_plan_free(plan);
	return error;
}

/* ---------------------------------------------------------------- applying */

typedef struct {
	int variant, section;
} open_entry;

typedef struct {
	const ad_plan *plan;
	const ad_doc *const *docs;
	size_t ndocs;
	docindex *xs;
	const ad_align *al;  /* NULL for one variant */
	int **row_of;        /* per variant, per section: its alignment row */
	ad_plan_result *res;
	size_t cpieces, cmissing, cunplanned;
	ad_splice *sp;       /* the output, rendered at the end */
	bool body;           /* a body piece has been added */
	open_entry *stack;   /* sections whose children may follow */
	size_t depth, cap;
} applier;

static void S_add_missing(applier *a, bool field, size_t index, int line, ad_buf *msg)
{
	ad_plan_result *res = a->res;
	ad_plan_missing *m;

	ad_xgrow((void **)&res->missing, &a->cmissing, res->nmissing + 1, sizeof(*res->missing));
	m = &res->missing[res->nmissing++];
	m->field = field;
	m->index = index;
	m->line = line;
	m->message = ad_buf_detach(msg);
}

/* A piece of the result; its start and end hold the number of its piece
 * in the splice until the render (see S_pieces_out). */
static void S_add_piece(applier *a, size_t item, int v, int s, bool edited, size_t piece_no)
{
	ad_plan_result *res = a->res;
	ad_plan_piece *p;

	ad_xgrow((void **)&res->pieces, &a->cpieces, res->npieces + 1, sizeof(*res->pieces));
	p = &res->pieces[res->npieces++];
	p->item = item;
	p->variant = v;
	p->section = s;
	p->edited = edited;
	p->start = p->end = piece_no;
}

static void S_pieces_out(applier *a)
{
	size_t i;

	for (i = 0; i < a->res->npieces; i++) {
		ad_plan_piece *p = &a->res->pieces[i];

		ad_splice_piece_out(a->sp, p->start, &p->start, &p->end);
	}
}

/* Closes the top open section: writes its tail (a tag's closing line and
 * what follows it up to the section's end). */
static void S_pop(applier *a)
{
	open_entry e = a->stack[--a->depth];
	const docindex *x = &a->xs[e.variant];

	ad_splice_span(a->sp, e.variant, ad_doc_data(x->doc), x->inner_end[e.section],
		       x->eff_end[e.section], 0);
}

/* Whether open section e contains section s of variant v: e is one of
 * its ancestors (the very section, or the one aligned with it), or in e's
 * own variant the section aligned with s lies inside e. */
static bool S_contains(const applier *a, open_entry e, int v, int s)
{
	const ad_section *secs = ad_doc_sections(a->docs[v]);
	const ad_section *esecs = ad_doc_sections(a->docs[e.variant]);
	int anc, row = a->row_of[v][s], twin;

	for (anc = secs[s].parent; anc >= 0; anc = secs[anc].parent)
		if ((e.variant == v && e.section == anc) ||
		    a->row_of[e.variant][e.section] == a->row_of[v][anc])
			return true;
	if (!a->al || row < 0 || e.variant == v)
		return false;
	twin = ad_align_row_at(a->al, (size_t)row)->cells[e.variant];
	for (anc = twin >= 0 ? esecs[twin].parent : -1; anc >= 0; anc = esecs[anc].parent)
		if (anc == e.section)
			return true;
	return false;
}

/* Closes open sections until the top one contains section s of variant
 * v; when none does, closes them all. */
static void S_close_to_parent(applier *a, int v, int s)
{
	size_t k;

	for (k = a->depth; k > 0; k--)
		if (S_contains(a, a->stack[k - 1], v, s))
			break;
	while (a->depth > k)
		S_pop(a);
}

/* ---- frontmatter */

static const ad_fm_field *S_field_nth(const ad_frontmatter *fm, const char *key, int nth)
{
	return nth > 0 ? ad_fm_get_nth(fm, key, (size_t)nth) : NULL;
}

/* The line ending of the line holding offset at. */
static const char *S_eol_at(const char *d, size_t len, size_t at)
{
	while (at < len && d[at] != '\n' && d[at] != '\r')
		at++;
	if (at < len && d[at] == '\r')
		return at + 1 < len && d[at + 1] == '\n' ? "\r\n" : "\r";
	return "\n";
}

/* Writes names in the form field f of doc has: a block list indented as
 * its items are, a flow list, or a comma-separated scalar (a flow list
 * when a name would need quotes there).  No names: "key: []", which says
 * "none" where an empty value could mean "all" to a loader. */
static void S_write_names(ad_buf *out, const ad_doc *doc, const ad_fm_field *f,
			  const char *const *names, size_t n)
{
	const char *d = ad_doc_data(doc);
	const char *eol = S_eol_at(d, ad_doc_size(doc), f->start);
	size_t mark = out->size;

	if (n == 0) {
		ad_fm_put_scalar(out, f->key, false);
		ad_buf_printf(out, ": []%s", eol);
		return;
	}
	if (f->kind == AD_FM_SCALAR) {
		ad_fm_put_scalar(out, f->key, false);
		ad_buf_puts(out, ": ");
		if (ad_fm_put_comma_string(out, names, n, ", ", AD_FM_QUOTE_ANY)) {
			ad_buf_puts(out, eol);
			return;
		}
		out->size = mark; /* a name cannot be in a comma string: a flow list */
	}
	if (f->kind == AD_FM_FLOW_LIST || f->kind == AD_FM_SCALAR) {
		if (f->kind == AD_FM_FLOW_LIST && f->value_start > f->start && f->value_start < f->end) {
			ad_buf_put(out, d + f->start, f->value_start - f->start);
		} else {
			ad_fm_put_scalar(out, f->key, false);
			ad_buf_puts(out, ": ");
		}
		ad_fm_put_flow_list(out, names, n);
		ad_buf_puts(out, eol);
		return;
	}
	{
		ad_buf prefix = AD_BUF_INIT;
		size_t key_end = f->start, p;

		while (key_end < f->end && d[key_end] != '\n' && d[key_end] != '\r')
			key_end++;
		for (p = key_end; f->kind == AD_FM_BLOCK_LIST && p < f->end;) {
			size_t q;

			while (p < f->end && (d[p] == '\n' || d[p] == '\r'))
				p++;
			q = p;
			while (q < f->end && (d[q] == ' ' || d[q] == '\t'))
				q++;
			if (q < f->end && d[q] == '-' && (q + 1 >= f->end || d[q + 1] == ' ')) {
				ad_buf_put(&prefix, d + p, q - p);
				ad_buf_puts(&prefix, "- ");
				break;
			}
			while (p < f->end && d[p] != '\n' && d[p] != '\r')
				p++;
		}
		if (!prefix.size)
			ad_buf_puts(&prefix, "  - ");
		if (f->kind == AD_FM_BLOCK_LIST) {
			ad_buf_put(out, d + f->start, key_end - f->start);
		} else {
			ad_fm_put_scalar(out, f->key, false);
			ad_buf_putc(out, ':');
		}
		ad_buf_puts(out, eol);
		ad_fm_put_block_items(out, prefix.ptr, names, n, eol);
		ad_buf_free(&prefix);
	}
}

static bool S_has_name(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* The number of doc among the variants, as the splice knows it. */
static int S_input_of(const applier *a, const ad_doc *doc)
{
	size_t v;

	for (v = 0; v < a->ndocs && a->docs[v] != doc; v++)
		;
	return (int)v;
}

/* A union or intersection: the names of the listed variants that have the
 * key (in first-seen order), written in the form of the first of them;
 * byte for byte as it is when the names are its own.  False when no listed
 * variant has the key. */
static bool S_set_field(applier *a, const ad_plan_field *pf)
{
	ad_buf out = AD_BUF_INIT;
	ad_arena arena = AD_ARENA_INIT;
	const char **names = NULL, **first_names = NULL;
	size_t n = 0, cap = 0, k, i, nfirst = 0;
	size_t nv = pf->nvariants ? pf->nvariants : a->ndocs;
	const ad_fm_field *form = NULL;
	const ad_doc *form_doc = NULL;

	for (k = 0; k < nv; k++) {
		int v = pf->nvariants ? pf->variants[k] : (int)k;
		const ad_fm_field *f;
		const char **vn = NULL;
		size_t nn;

		if (v < 0 || (size_t)v >= a->ndocs)
			continue;
		f = S_field_nth(ad_doc_frontmatter(a->docs[v]), pf->key, pf->ordinal);
		if (!f)
			continue;
		nn = ad_fm_list_items(&vn, &arena, f);
		if (!form) {
			form = f;
			form_doc = a->docs[v];
			first_names = vn;
			nfirst = nn;
		}
		if (form == f || pf->mode == AD_PLAN_FIELD_UNION) {
			for (i = 0; i < nn; i++) {
				if (S_has_name(names, n, vn[i]))
					continue;
				ad_xgrow((void **)&names, &cap, n + 1, sizeof(*names));
				names[n++] = vn[i];
			}
		} else {
			size_t w = 0;

			for (i = 0; i < n; i++)
				if (S_has_name(vn, nn, names[i]))
					names[w++] = names[i];
			n = w;
		}
	}
	if (form) {
		bool same = n == nfirst && form->kind != AD_FM_MAP && form->kind != AD_FM_OTHER &&
			    form->kind != AD_FM_NULL;

		for (i = 0; same && i < n; i++)
			same = !strcmp(names[i], first_names[i]);
		if (same) {
			ad_splice_span(a->sp, S_input_of(a, form_doc), ad_doc_data(form_doc),
				       form->start, form->end, AD_SPLICE_LINES);
		} else {
			S_write_names(&out, form_doc, form, names, n);
			ad_splice_bytes(a->sp, out.ptr ? out.ptr : "", out.size, AD_SPLICE_LINES);
		}
	}
	ad_buf_free(&out);
	free(names);
	ad_arena_free(&arena);
	return form != NULL;
}

/* The frontmatter: the base variant's fences, and whatever is outside the
 * fields (a BOM, comments above the first field), around the fields. */
static void S_frontmatter(applier *a)
{
	const ad_plan *plan = a->plan;
	const ad_doc *base;
	const ad_frontmatter *fm;
	const char *d;
	size_t i, lead_end;

	if (plan->frontmatter < 0 || (size_t)plan->frontmatter >= a->ndocs)
		return;
	base = a->docs[plan->frontmatter];
	fm = ad_doc_frontmatter(base);
	d = ad_doc_data(base);
	if (!fm && plan->nfields == 0)
		return;
	/* Whatever is above the block (a BOM, text pasted above it) is a
	 * preamble section of its own, taken or not like any other. */
	if (fm) {
		lead_end = fm->nfields ? fm->fields[0].start : fm->yaml_end;
		if (lead_end < fm->yaml_start)
			lead_end = fm->yaml_start;
		ad_splice_span(a->sp, plan->frontmatter, d, fm->start, lead_end, 0);
	} else {
		ad_splice_bytes(a->sp, "---\n", 4, 0);
	}
	for (i = 0; i < plan->nfields; i++) {
		const ad_plan_field *pf = &plan->fields[i];
		ad_buf msg = AD_BUF_INIT;
		const ad_doc *src;
		const ad_fm_field *f;

		switch (pf->mode) {
		case AD_PLAN_FIELD_FROM:
			src = (size_t)pf->variant < a->ndocs ? a->docs[pf->variant] : NULL;
			f = src ? S_field_nth(ad_doc_frontmatter(src), pf->key, pf->ordinal) : NULL;
			if (f) {
				ad_splice_span(a->sp, pf->variant, ad_doc_data(src), f->start, f->end,
					       AD_SPLICE_LINES);
				break;
			}
			ad_buf_puts(&msg, "field ");
			S_quotes(&msg, pf->key);
			if (pf->ordinal > 1)
				ad_buf_printf(&msg, " #%d", pf->ordinal);
			ad_buf_printf(&msg, " from %d: variant %d has no such field", pf->variant + 1,
				      pf->variant + 1);
			S_add_missing(a, true, i, pf->line, &msg);
			break;
		case AD_PLAN_FIELD_UNION:
		case AD_PLAN_FIELD_INTERSECTION:
			if (S_set_field(a, pf))
				break;
			ad_buf_puts(&msg, "field ");
			S_quotes(&msg, pf->key);
			ad_buf_printf(&msg, " %s: no variant has it",
				      pf->mode == AD_PLAN_FIELD_UNION ? "union" : "intersection");
			S_add_missing(a, true, i, pf->line, &msg);
			break;
		case AD_PLAN_FIELD_TEXT:
			ad_splice_bytes(a->sp, pf->text ? pf->text : "", pf->text_len,
					AD_SPLICE_LINES);
			break;
		}
		ad_buf_free(&msg);
	}
	if (fm) {
		size_t end = fm->end > fm->yaml_end ? fm->end : fm->yaml_end;

		ad_splice_span(a->sp, plan->frontmatter, d, fm->yaml_end, end, 0);
	} else {
		ad_splice_bytes(a->sp, "---\n", 4, 0);
	}
}

/* ---- the body */

/* Each section's alignment row; a section no row holds is a row of its
 * own (a negative id no other section has). */
static void S_rows(applier *a, const ad_align *al)
{
	size_t v, r, c;

	a->row_of = ad_xcalloc(a->ndocs, sizeof(*a->row_of));
	for (v = 0; v < a->ndocs; v++) {
		a->row_of[v] = ad_xcalloc(a->xs[v].n ? a->xs[v].n : 1, sizeof(int));
		for (c = 0; c < a->xs[v].n; c++)
			a->row_of[v][c] = -1 - (int)(v * (size_t)AD_DOC_MAX_SECTIONS + c);
	}
	if (!al) {
		for (c = 0; c < a->xs[0].n; c++)
			a->row_of[0][c] = (int)c;
		return;
	}
	for (r = 0; r < ad_align_row_count(al); r++) {
		const ad_align_row *row = ad_align_row_at(al, r);

		for (v = 0; v < a->ndocs; v++)
			if (row->cells[v] >= 0)
				a->row_of[v][row->cells[v]] = (int)r;
	}
}

static void S_find_all(applier *a, int *found)
{
	const ad_plan *plan = a->plan;
	size_t i;

	for (i = 0; i < plan->nitems; i++) {
		const ad_plan_item *it = &plan->items[i];
		int v = it->ref.variant;
		ad_buf msg = AD_BUF_INIT;

		found[i] = -1;
		if (it->kind == AD_PLAN_TEXT || v < 0 || (size_t)v >= a->ndocs)
			continue;
		found[i] = S_find(&a->xs[v], &it->ref, !a->res->changed[v]);
		if (found[i] >= 0 || it->kind == AD_PLAN_DROP)
			continue;
		ad_buf_puts(&msg, it->kind == AD_PLAN_EDIT ? "edit " : "take ");
		{
			ad_plan_ref shown = it->ref;

			shown.has_body = false;
			S_put_ref(&msg, &shown);
		}
		if (it->ref.preamble)
			ad_buf_printf(&msg, ": variant %d has no preamble", v + 1);
		else
			ad_buf_printf(&msg, ": variant %d has no such section%s", v + 1,
				      a->res->changed[v] && a->plan->variants[v].blob
					      ? " (it changed since the plan was made)"
					      : "");
		S_add_missing(a, false, i, it->line, &msg);
	}
}

static void S_body(applier *a, const int *found)
{
	const ad_plan *plan = a->plan;
	size_t i, start;

	for (i = 0; i <= plan->nitems; i++) {
		const ad_plan_item *it;
		const docindex *x;
		const ad_section *sec;
		size_t os, oe;
		unsigned flags;
		int v, s;

		if (i == plan->fm_at) {
			/* The frontmatter is never inside a section. */
			while (a->depth > 0)
				S_pop(a);
			S_frontmatter(a);
		}
		if (i == plan->nitems)
			break;
		it = &plan->items[i];
		v = it->ref.variant;
		s = found[i];
		if (it->kind == AD_PLAN_DROP)
			continue;
		if (it->kind == AD_PLAN_TEXT) {
			/* Written where it stands, inside whatever is open. */
			start = ad_splice_bytes(a->sp, it->text ? it->text : "", it->text_len, 0);
			a->body = true;
			S_add_piece(a, i, -1, -1, true, start);
			continue;
		}
		if (s < 0)
			continue;
		x = &a->xs[v];
		sec = &ad_doc_sections(x->doc)[s];
		S_close_to_parent(a, v, s);
		S_own_span(x, s, &os, &oe);
		flags = a->body && sec->kind != AD_SECTION_PREAMBLE ? AD_SPLICE_SECTION : 0;
		if (it->kind == AD_PLAN_EDIT)
			/* What follows in the variant continues the edited text. */
			start = ad_splice_replace(a->sp, v, oe, it->text ? it->text : "",
						  it->text_len, flags);
		else
			start = ad_splice_span(a->sp, v, ad_doc_data(x->doc), os, oe, flags);
		a->body = true;
		S_add_piece(a, i, v, s, it->kind == AD_PLAN_EDIT, start);
		if (sec->first_child >= 0) {
			ad_xgrow((void **)&a->stack, &a->cap, a->depth + 1, sizeof(*a->stack));
			a->stack[a->depth].variant = v;
			a->stack[a->depth].section = s;
			a->depth++;
		}
	}
	while (a->depth > 0)
		S_pop(a);
}

/* Rows of the alignment that no item decides on and that a variant which
 * changed since the plan was made has, by that variant's cell. */
static void S_unplanned(applier *a, const ad_align *al, const int *found)
{
	const ad_plan *plan = a->plan;
	ad_plan_result *res = a->res;
	size_t nrows = al ? ad_align_row_count(al) : a->xs[0].n, i, r, v;
	bool *covered = ad_xcalloc(nrows ? nrows : 1, sizeof(bool));

	for (i = 0; i < plan->nitems; i++) {
		int row;

		if (found[i] < 0)
			continue;
		row = a->row_of[plan->items[i].ref.variant][found[i]];
		if (row >= 0 && (size_t)row < nrows)
			covered[row] = true;
	}
	for (r = 0; r < nrows; r++) {
		int cv = -1, cs = -1;

		if (covered[r])
			continue;
		for (v = 0; v < a->ndocs && cv < 0; v++) {
			int s = al ? ad_align_row_at(al, r)->cells[v] : (v == 0 ? (int)r : -1);

			/* New since the plan was made: only a variant known to
			 * have changed can have new sections. */
			if (!res->changed[v] || !plan->variants[v].blob)
				continue;
			if (s >= 0 && !ad_doc_sections(a->docs[v])[s].blank) {
				cv = (int)v;
				cs = s;
			}
		}
		if (cv < 0)
			continue;
		ad_xgrow((void **)&res->unplanned, &a->cunplanned, res->nunplanned + 1,
			 sizeof(*res->unplanned));
		res->unplanned[res->nunplanned].variant = cv;
		res->unplanned[res->nunplanned].section = cs;
		res->nunplanned++;
	}
	free(covered);
}

int ad_plan_apply(ad_plan_result **out, const ad_plan *plan, const ad_doc *const *docs,
		  const char *const *blobs, size_t ndocs, ad_error *err)
{
	applier a;
	ad_align *al = NULL;
	int *found;
	size_t v;

	*out = NULL;
	if (ndocs != plan->nvariants || ndocs == 0)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0,
				    "the plan has %zu variants, %zu were given", plan->nvariants, ndocs);
	memset(&a, 0, sizeof(a));
	a.plan = plan;
	a.docs = docs;
	a.ndocs = ndocs;
	a.res = ad_xcalloc(1, sizeof(*a.res));
	a.res->changed = ad_xcalloc(ndocs, sizeof(bool));
	ad_splice_new(&a.sp);
	a.xs = ad_xcalloc(ndocs, sizeof(*a.xs));
	for (v = 0; v < ndocs; v++) {
		const char *now = blobs ? blobs[v] : NULL, *then = plan->variants[v].blob;

		S_index(&a.xs[v], docs[v]);
		a.res->changed[v] = !now || !then || strcmp(now, then) != 0;
	}
	/* Only nesting across variants and the unplanned notes need the
	 * alignment; without one, each section is a row of its own. */
	if (ndocs >= 2 && ad_align_docs(&al, docs, ndocs, NULL) < 0)
		al = NULL;
	a.al = al;
	S_rows(&a, al);
	found = ad_xcalloc(plan->nitems ? plan->nitems : 1, sizeof(int));
	S_find_all(&a, found);
	S_body(&a, found);
	ad_splice_render(&a.res->text, a.sp);
	S_pieces_out(&a);
	S_unplanned(&a, al, found);

	*out = a.res;
	for (v = 0; v < ndocs; v++) {
		S_index_free(&a.xs[v]);
		free(a.row_of[v]);
	}
	free(a.xs);
	free(a.row_of);
	free(a.stack);
	free(found);
	ad_splice_free(a.sp);
	ad_align_free(al);
	return 0;
}

void ad_plan_result_free(ad_plan_result *result)
{
	size_t i;

	if (!result)
		return;
	ad_buf_free(&result->text);
	free(result->pieces);
	for (i = 0; i < result->nmissing; i++)
		free(result->missing[i].message);
	free(result->missing);
	free(result->unplanned);
	free(result->changed);
	free(result);
}

/* ---------------------------------------------------------------- trailers */

/* s sanitized and cut to max characters, for one line of a message. */
static void S_oneline(ad_buf *out, const char *s, size_t max)
{
	ad_buf clean = AD_BUF_INIT;
	size_t i, chars = 0;

	ad_term_sanitize(&clean, s, strlen(s), false);
	for (i = 0; i < clean.size; i++) {
		if (((unsigned char)clean.ptr[i] & 0xC0) != 0x80 && ++chars > max) {
			ad_buf_puts(out, "...");
			break;
		}
		ad_buf_putc(out, clean.ptr[i]);
	}
	ad_buf_free(&clean);
}

void ad_plan_trailers(ad_buf *out, const ad_plan *plan, const ad_plan_result *res,
		      const ad_doc *const *docs, const char *const *names, const char *plan_name)
{
	int fm = plan->frontmatter;
	size_t i, k, n;

	if (fm >= 0) {
		ad_buf_printf(out, "Frontmatter-Source: %s\n", names[fm]);
		for (i = 0; i < plan->nfields; i++) {
			const ad_plan_field *f = &plan->fields[i];

			if (f->mode == AD_PLAN_FIELD_FROM && f->variant == fm)
				continue;
			ad_buf_puts(out, "Field-Source: ");
			S_oneline(out, f->key, 60);
			ad_buf_puts(out, " <- ");
			switch (f->mode) {
			case AD_PLAN_FIELD_FROM:
				ad_buf_puts(out, names[f->variant]);
				break;
			case AD_PLAN_FIELD_UNION:
			case AD_PLAN_FIELD_INTERSECTION:
				ad_buf_puts(out, f->mode == AD_PLAN_FIELD_UNION ? "union of" : "intersection of");
				n = f->nvariants ? f->nvariants : plan->nvariants;
				for (k = 0; k < n; k++)
					ad_buf_printf(out, "%s %d", k ? "," : "",
						      (f->nvariants ? f->variants[k] : (int)k) + 1);
				break;
			case AD_PLAN_FIELD_TEXT:
				ad_buf_puts(out, "text in ");
				S_oneline(out, plan_name, 200);
				break;
			}
			ad_buf_putc(out, '\n');
		}
	}
	for (i = 0; i < res->npieces; i++) {
		const ad_plan_piece *p = &res->pieces[i];
		const ad_section *s;

		if (p->variant < 0) {
			ad_buf_puts(out, "Section-Source: (text) <- ");
			S_oneline(out, plan_name, 200);
			ad_buf_putc(out, '\n');
			continue;
		}
		s = &ad_doc_sections(docs[p->variant])[p->section];
		if (s->blank)
			continue;
		ad_buf_puts(out, "Section-Source: ");
		S_oneline(out, s->kind == AD_SECTION_PREAMBLE ? "(preamble)" : s->title, 80);
		ad_buf_printf(out, " <- %s%s\n", names[p->variant], p->edited ? ", edited" : "");
	}
}

void ad_plan_commit_message(ad_buf *out, const char *subject, const ad_plan *plan,
			    const ad_plan_result *res, const ad_doc *const *docs,
			    const char *const *names, const char *plan_name)
{
	size_t start = out->size;

	ad_buf_puts(out, subject);
	while (out->size > start &&
	       (out->ptr[out->size - 1] == '\n' || out->ptr[out->size - 1] == ' '))
		out->size--;
	ad_buf_puts(out, "\n\n");
	ad_plan_trailers(out, plan, res, docs, names, plan_name);
}
