/*
 * test_corpus: the document model's invariants over real and hostile files.
 *
 * Every file under $AD_SHARED/seeds and $AD_SHARED/corpus (*.md, *.txt,
 * recursively) is loaded, and so is a set of inputs made up here (random
 * bytes, deep tag nesting, 100,000 headings, a 1 MB line, "---" lines, NUL
 * bytes, CRLF and CR variants and prefixes of every real file).  For each
 * one, check_doc() asserts what doc.h and frontmatter.h promise:
 *
 *   (a) tiling: the frontmatter and the top-level sections, by start, cover
 *       [0, size) with no gap and no overlap;
 *   (b) every section is well formed (start <= head_end <= lead_end <= end,
 *       lines agree with the line table, kind-specific shape) and its
 *       children cover [lead_end, end) in order;
 *   (c) round trip: the spans' bytes, concatenated, are the file;
 *   (d) frontmatter fields lie in [yaml_start, yaml_end), in order, and tile
 *       it from the first field on;
 *   (e) the array is the tree's pre-order: parents before children, and the
 *       first_child / next_sibling links walk it exactly.
 *
 * A failure names the input and the invariant; all of them are printed
 * before the test fails, so one run shows every broken file.  Without
 * AD_SHARED (or its folders) the tests over real files are skipped.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "doc.h"
#include "error.h"
#include "fileio.h"
#include "frontmatter.h"
#include "util.h"

/* Failures printed per input; the rest are only counted. */
#define MAX_REPORTED 8

/* ------------------------------------------------------------ reporting */

typedef struct {
	const char *label; /* the input being checked */
	unsigned failures; /* in this input */
	unsigned total;    /* in the whole test */
	unsigned inputs;   /* inputs checked */
	unsigned bad_inputs;
} checker;

static void failf(checker *ck, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void failf(checker *ck, const char *expr, const char *fmt, ...)
{
	ad_buf msg = AD_BUF_INIT;
	va_list ap;

	if (ck->failures++ == 0)
		ck->bad_inputs++;
	ck->total++;
	if (ck->failures > MAX_REPORTED) {
		if (ck->failures == MAX_REPORTED + 1)
			print_error("%s: (more failures not shown)\n", ck->label);
		return;
	}
	va_start(ap, fmt);
	ad_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	print_error("%s: %s [%s]\n", ck->label, ad_buf_cstr(&msg), expr);
	ad_buf_free(&msg);
}

/* CHECK(ck, condition, "invariant: what, with %s", ...) */
#define CHECK(ck, cond, ...) \
	((cond) ? (void)0 : failf((ck), #cond, __VA_ARGS__))

/* ------------------------------------------------------------ line oracle */

/* Our own line table, so that the document's is checked against something
 * it does not share code with: lines end at "\n", "\r\n" or a lone "\r". */
typedef struct {
	size_t *starts; /* count + 1 entries */
	int count;
	size_t len;
} oracle;

static void oracle_build(oracle *o, const char *d, size_t len)
{
	size_t cap = 16, i = 0;

	o->starts = ad_xmalloc(cap * sizeof(*o->starts));
	o->count = 0;
	o->len = len;
	while (i < len) {
		if ((size_t)o->count + 2 > cap)
			ad_xgrow((void **)&o->starts, &cap, (size_t)o->count + 2,
				 sizeof(*o->starts));
		o->starts[o->count++] = i;
		while (i < len && d[i] != '\n' && d[i] != '\r')
			i++;
		if (i < len && d[i] == '\r')
			i++;
		if (i < len && d[i] == '\n')
			i++;
	}
	o->starts[o->count] = len;
}

static void oracle_free(oracle *o)
{
	free(o->starts);
	o->starts = NULL;
}

/* 1-based line holding off; the last line for off == len. */
static int oracle_line_of(const oracle *o, size_t off)
{
	int lo = 0, hi = o->count;

	if (o->count == 0)
		return 1;
	if (off >= o->len)
		return o->count;
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;
		if (o->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

static size_t oracle_line_start(const oracle *o, int line)
{
	if (line < 1)
		line = 1;
	if (line > o->count + 1)
		line = o->count + 1;
	return o->starts[line - 1];
}

/* Whether off is where a line starts, or the end of the data. */
static bool oracle_boundary(const oracle *o, size_t off)
{
	if (off > o->len)
		return false;
	return oracle_line_start(o, oracle_line_of(o, off)) == off || off == o->len;
}

/* The line's content, without its ending. */
static void line_content(const char *d, const oracle *o, int line,
			 const char **out, size_t *out_len)
{
	size_t s = oracle_line_start(o, line), e = oracle_line_start(o, line + 1);

	if (e > s && d[e - 1] == '\n')
		e--;
	if (e > s && d[e - 1] == '\r')
		e--;
	*out = d + s;
	*out_len = e - s;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static size_t trim_blanks_end(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* ------------------------------------------------------------ invariants */

static void check_lines(checker *ck, const ad_doc *doc, const oracle *o)
{
	int n = ad_doc_line_count(doc), i;

	CHECK(ck, n == o->count, "lines: line count %d, expected %d", n, o->count);
	if (n != o->count)
		return;
	for (i = 1; i <= n + 1; i++) {
		size_t got = ad_doc_line_start(doc, i);
		if (got != o->starts[i - 1]) {
			CHECK(ck, got == o->starts[i - 1],
			      "lines: line %d starts at %zu, expected %zu",
			      i, got, o->starts[i - 1]);
			return;
		}
	}
	for (i = 1; i <= n; i++) {
		int a = ad_doc_line_of(doc, o->starts[i - 1]);
		int b = ad_doc_line_of(doc, o->starts[i] - 1);
		if (a != i || b != i) {
			CHECK(ck, a == i && b == i,
			      "lines: line_of(first/last byte of line %d) = %d/%d", i, a, b);
			return;
		}
	}
	if (n > 0)
		CHECK(ck, ad_doc_line_of(doc, o->len) == n,
		      "lines: line_of(size) = %d, expected the last line %d",
		      ad_doc_line_of(doc, o->len), n);
}

static bool has_diag(const ad_doc *doc, const char *id)
{
	const ad_diag *d = ad_doc_diags(doc);
	size_t i, n = ad_doc_diag_count(doc);

	for (i = 0; i < n; i++)
		if (d[i].id && strcmp(d[i].id, id) == 0)
			return true;
	return false;
}

static void check_diags(checker *ck, const ad_doc *doc, const oracle *o)
{
	const ad_diag *d = ad_doc_diags(doc);
	size_t i, n = ad_doc_diag_count(doc);

	CHECK(ck, n == 0 || d != NULL, "diags: %zu diagnostics but no array", n);
	for (i = 0; d && i < n; i++) {
		CHECK(ck, d[i].id != NULL && d[i].id[0] != '\0', "diags: #%zu has no id", i);
		CHECK(ck, d[i].message != NULL, "diags: #%zu has no message", i);
		CHECK(ck, d[i].severity == AD_DIAG_ERROR || d[i].severity == AD_DIAG_WARNING ||
			  d[i].severity == AD_DIAG_INFO,
		      "diags: #%zu has severity %d", i, (int)d[i].severity);
		CHECK(ck, d[i].line >= 0 && d[i].line <= o->count + 1,
		      "diags: %s on line %d of %d", d[i].id ? d[i].id : "?",
		      d[i].line, o->count);
		CHECK(ck, d[i].column >= 0, "diags: %s at column %d",
		      d[i].id ? d[i].id : "?", d[i].column);
	}
}

static bool is_fence(const char *s, size_t n, bool closing)
{
	n = trim_blanks_end(s, n);
	if (n == 3 && memcmp(s, "---", 3) == 0)
		return true;
	return closing && n == 3 && memcmp(s, "...", 3) == 0;
}

/* (d) */
static void check_frontmatter(checker *ck, const ad_doc *doc, const char *d,
			      const oracle *o)
{
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);
	size_t len = o->len, i;
	const char *s;
	size_t sn;

	CHECK(ck, ad_doc_body_start(doc) == (fm ? fm->end : 0),
	      "frontmatter: body_start %zu, frontmatter ends at %zu",
	      ad_doc_body_start(doc), fm ? fm->end : 0);
	if (!fm)
		return;
	CHECK(ck, fm->start <= fm->yaml_start && fm->yaml_start <= fm->yaml_end &&
		  fm->yaml_end < fm->end && fm->end <= len,
	      "frontmatter: spans out of order: block [%zu, %zu) yaml [%zu, %zu) size %zu",
	      fm->start, fm->end, fm->yaml_start, fm->yaml_end, len);
	if (!(fm->start <= fm->yaml_start && fm->yaml_start <= fm->yaml_end &&
	      fm->yaml_end < fm->end && fm->end <= len))
		return;
	CHECK(ck, oracle_boundary(o, fm->start) ||
		  (fm->start == 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0),
	      "frontmatter: block starts at %zu, not at a line start or after a BOM",
	      fm->start);
	CHECK(ck, fm->line == oracle_line_of(o, fm->start),
	      "frontmatter: opening fence on line %d, expected %d", fm->line,
	      oracle_line_of(o, fm->start));
	CHECK(ck, fm->misplaced == (fm->line != 1),
	      "frontmatter: misplaced = %d on line %d", fm->misplaced, fm->line);
	CHECK(ck, fm->yaml_start == oracle_line_start(o, fm->line + 1),
	      "frontmatter: yaml starts at %zu, not on the line after the fence (%zu)",
	      fm->yaml_start, oracle_line_start(o, fm->line + 1));
	CHECK(ck, oracle_boundary(o, fm->yaml_end),
	      "frontmatter: yaml ends at %zu, not at a line start", fm->yaml_end);
	CHECK(ck, fm->end_line == oracle_line_of(o, fm->yaml_end) &&
		  fm->end_line == oracle_line_of(o, fm->end - 1),
	      "frontmatter: closing fence on line %d, expected %d", fm->end_line,
	      oracle_line_of(o, fm->yaml_end));
	CHECK(ck, fm->end == oracle_line_start(o, fm->end_line + 1),
	      "frontmatter: block ends at %zu, not after the closing fence line (%zu)",
	      fm->end, oracle_line_start(o, fm->end_line + 1));
	line_content(d, o, oracle_line_of(o, fm->start), &s, &sn);
	sn -= (size_t)(d + fm->start - s);
	CHECK(ck, is_fence(d + fm->start, sn, false),
	      "frontmatter: opening line is not a \"---\" fence");
	line_content(d, o, fm->end_line, &s, &sn);
	CHECK(ck, is_fence(s, sn, true), "frontmatter: closing line %d is not a fence",
	      fm->end_line);

	CHECK(ck, fm->lenient == (fm->error != NULL),
	      "frontmatter: lenient = %d but error = %s", fm->lenient,
	      fm->error ? fm->error : "(none)");
	CHECK(ck, !(fm->not_mapping && fm->error),
	      "frontmatter: not_mapping and a YAML error at once");
	if (fm->error) {
		CHECK(ck, fm->error_line >= fm->line && fm->error_line <= fm->end_line,
		      "frontmatter: YAML error on line %d, outside the block (lines %d-%d)",
		      fm->error_line, fm->line, fm->end_line);
		CHECK(ck, fm->error_column >= 1, "frontmatter: YAML error at column %d",
		      fm->error_column);
		CHECK(ck, has_diag(doc, "yaml-error"),
		      "frontmatter: YAML error without a yaml-error diagnostic");
	}
	if (fm->misplaced)
		CHECK(ck, has_diag(doc, "frontmatter-misplaced"),
		      "frontmatter: misplaced without a frontmatter-misplaced diagnostic");

	CHECK(ck, fm->nfields == 0 || fm->fields != NULL,
	      "frontmatter: %zu fields but no array", fm->nfields);
	if (fm->nfields == 0 || !fm->fields)
		return;
	CHECK(ck, fm->fields[0].start >= fm->yaml_start &&
		  oracle_boundary(o, fm->fields[0].start),
	      "fields: first field starts at %zu (yaml at %zu)", fm->fields[0].start,
	      fm->yaml_start);
	for (i = 0; i < fm->nfields; i++) {
		const ad_fm_field *f = &fm->fields[i];
		const ad_fm_field *first = NULL;
		size_t next = i + 1 < fm->nfields ? fm->fields[i + 1].start : fm->yaml_end;
		size_t j;

		CHECK(ck, f->key != NULL && f->value != NULL,
		      "fields: #%zu has a NULL key or value", i);
		if (!f->key || !f->value)
			continue;
		CHECK(ck, f->start < f->end && f->start >= fm->yaml_start &&
			  f->end <= fm->yaml_end,
		      "fields: %s spans [%zu, %zu), outside the yaml [%zu, %zu)", f->key,
		      f->start, f->end, fm->yaml_start, fm->yaml_end);
		CHECK(ck, f->end == next,
		      "fields: %s ends at %zu but the next field (or the fence) starts at %zu",
		      f->key, f->end, next);
		CHECK(ck, f->start == oracle_line_start(o, f->line),
		      "fields: %s starts at %zu, not at the start of its line %d", f->key,
		      f->start, f->line);
		CHECK(ck, f->line >= 1 && f->column >= 1 &&
			  oracle_line_start(o, f->line) + (size_t)f->column - 1 <
				  oracle_line_start(o, f->line + 1),
		      "fields: %s at line %d column %d, outside its line", f->key,
		      f->line, f->column);
		CHECK(ck, f->start <= f->value_start && f->value_start <= f->value_end &&
			  f->value_end <= f->end,
		      "fields: %s value [%zu, %zu) outside the field [%zu, %zu)", f->key,
		      f->value_start, f->value_end, f->start, f->end);
		CHECK(ck, f->kind >= AD_FM_NULL && f->kind <= AD_FM_OTHER,
		      "fields: %s has kind %d", f->key, (int)f->kind);
		if (f->kind == AD_FM_BLOCK_LIST || f->kind == AD_FM_FLOW_LIST) {
			CHECK(ck, f->nitems == 0 || f->items != NULL,
			      "fields: %s has %zu items but no array", f->key, f->nitems);
			for (j = 0; f->items && j < f->nitems; j++)
				CHECK(ck, f->items[j] != NULL, "fields: %s item %zu is NULL",
				      f->key, j);
		} else {
			CHECK(ck, f->items == NULL && f->nitems == 0,
			      "fields: %s is a %s but has %zu items", f->key,
			      ad_fm_kind_name(f->kind), f->nitems);
		}
		if (f->kind == AD_FM_NULL)
			CHECK(ck, f->value[0] == '\0', "fields: %s is null but has a value",
			      f->key);
		if (i >= 256)
			continue; /* ad_fm_get() is a linear search */
		for (j = 0; j <= i; j++)
			if (fm->fields[j].key && strcmp(fm->fields[j].key, f->key) == 0) {
				first = &fm->fields[j];
				break;
			}
		CHECK(ck, ad_fm_get(fm, f->key) == first,
		      "fields: ad_fm_get(\"%s\") is not the first field of that name", f->key);
	}
}

static int tag_ancestors(const ad_section *s, int i)
{
	int n = 0, p;

	for (p = s[i].parent; p >= 0; p = s[p].parent)
		if (s[p].kind == AD_SECTION_TAG)
			n++;
	return n;
}

static bool is_heading(ad_section_kind kind)
{
	return kind == AD_SECTION_ATX || kind == AD_SECTION_SETEXT;
}

/* The shape of a section's own lines: "#" * level, an underline, a tag. */
static void check_section_text(checker *ck, const ad_section *sec, int i,
			       const char *d, const oracle *o)
{
	const char *s;
	size_t n, k, hashes = 0;

	switch (sec->kind) {
	case AD_SECTION_ATX:
		CHECK(ck, sec->head_end == oracle_line_start(o, sec->line + 1),
		      "section %d: ATX heading ends at %zu, not at the end of line %d", i,
		      sec->head_end, sec->line);
		line_content(d, o, sec->line, &s, &n);
		k = skip_blanks(s, n, 0);
		while (k + hashes < n && s[k + hashes] == '#')
			hashes++;
		CHECK(ck, (int)hashes == sec->level &&
			  (k + hashes == n || s[k + hashes] == ' ' || s[k + hashes] == '\t'),
		      "section %d: line %d is not a level-%d ATX heading", i, sec->line,
		      sec->level);
		break;
	case AD_SECTION_SETEXT:
		CHECK(ck, sec->head_end > oracle_line_start(o, sec->line + 1) &&
			  oracle_boundary(o, sec->head_end),
		      "section %d: setext heading ends at %zu, not after an underline", i,
		      sec->head_end);
		line_content(d, o, oracle_line_of(o, sec->head_end - 1), &s, &n);
		k = skip_blanks(s, n, 0);
		n = trim_blanks_end(s, n);
		CHECK(ck, k < n, "section %d: empty setext underline", i);
		for (; k < n; k++)
			if (s[k] != (sec->level == 1 ? '=' : '-'))
				break;
		CHECK(ck, k == n, "section %d: line %d is not a level-%d setext underline",
		      i, oracle_line_of(o, sec->head_end - 1), sec->level);
		break;
	case AD_SECTION_TAG: {
		size_t tl = strlen(sec->tag);
		CHECK(ck, sec->head_end == oracle_line_start(o, sec->line + 1),
		      "section %d: tag <%s> line ends at %zu, not at the end of line %d", i,
		      sec->tag, sec->head_end, sec->line);
		line_content(d, o, sec->line, &s, &n);
		k = skip_blanks(s, n, 0);
		CHECK(ck, k + 1 + tl <= n && s[k] == '<' && memcmp(s + k + 1, sec->tag, tl) == 0,
		      "section %d: line %d does not open <%s>", i, sec->line, sec->tag);
		CHECK(ck, sec->close_start >= sec->head_end && sec->close_start < sec->end &&
			  oracle_boundary(o, sec->close_start),
		      "section %d: <%s> closes at %zu, outside [%zu, %zu) or mid-line", i,
		      sec->tag, sec->close_start, sec->head_end, sec->end);
		if (sec->close_start >= sec->end)
			break;
		line_content(d, o, oracle_line_of(o, sec->close_start), &s, &n);
		k = skip_blanks(s, n, 0);
		CHECK(ck, k + 2 + tl <= n && s[k] == '<' && s[k + 1] == '/' &&
			  memcmp(s + k + 2, sec->tag, tl) == 0,
		      "section %d: line %d does not close </%s>", i,
		      oracle_line_of(o, sec->close_start), sec->tag);
		break;
	}
	case AD_SECTION_PREAMBLE:
		break;
	}
}

/* (b) for one section, and its part of (e). */
static void check_section(checker *ck, const ad_doc *doc, const ad_section *s,
			  int n, int i, const char *d, const oracle *o,
			  const ad_doc_options *opts)
{
	const ad_section *sec = &s[i];
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);
	int c, guard;
	size_t at;

	CHECK(ck, sec->kind >= AD_SECTION_PREAMBLE && sec->kind <= AD_SECTION_TAG,
	      "section %d: kind %d", i, (int)sec->kind);
	CHECK(ck, sec->start < sec->end && sec->end <= o->len,
	      "section %d: span [%zu, %zu) is empty or past the size %zu", i,
	      sec->start, sec->end, o->len);
	CHECK(ck, sec->start <= sec->head_end && sec->head_end <= sec->end,
	      "section %d: head_end %zu outside [%zu, %zu]", i, sec->head_end,
	      sec->start, sec->end);
	CHECK(ck, sec->start <= sec->lead_end && sec->lead_end <= sec->end,
	      "section %d: lead_end %zu outside [%zu, %zu]", i, sec->lead_end,
	      sec->start, sec->end);
	CHECK(ck, sec->head_end <= sec->lead_end,
	      "section %d: head_end %zu after lead_end %zu", i, sec->head_end,
	      sec->lead_end);
	if (!(sec->start < sec->end && sec->end <= o->len &&
	      sec->start <= sec->head_end && sec->head_end <= sec->lead_end &&
	      sec->lead_end <= sec->end))
		return;
	/* A BOM before the frontmatter is a section of its own, [0, 3). */
	CHECK(ck, oracle_boundary(o, sec->start) &&
		  (oracle_boundary(o, sec->end) ||
		   (fm && sec->end == fm->start && fm->start == 3)),
	      "section %d: span [%zu, %zu) does not start and end at line starts", i,
	      sec->start, sec->end);
	CHECK(ck, sec->title != NULL, "section %d: NULL title", i);
	CHECK(ck, sec->end_line == oracle_line_of(o, sec->end - 1),
	      "section %d: end_line %d, expected %d", i, sec->end_line,
	      oracle_line_of(o, sec->end - 1));
	if (sec->kind != AD_SECTION_PREAMBLE)
		CHECK(ck, sec->line == ad_doc_line_of(doc, sec->start) &&
			  sec->line == oracle_line_of(o, sec->start),
		      "section %d: line %d, but it starts on line %d", i, sec->line,
		      oracle_line_of(o, sec->start));
	if (sec->kind == AD_SECTION_TAG)
		CHECK(ck, sec->tag != NULL && sec->tag[0] != '\0', "section %d: tag without a name", i);
	else
		CHECK(ck, sec->tag == NULL && sec->close_start == sec->end,
		      "section %d: a %s with a tag name or a close_start %zu != end %zu", i,
		      ad_section_kind_name(sec->kind), sec->close_start, sec->end);

	switch (sec->kind) {
	case AD_SECTION_PREAMBLE:
		CHECK(ck, sec->level == 0 && sec->parent == -1 && sec->first_child == -1,
		      "section %d: preamble with level %d, parent %d, first child %d", i,
		      sec->level, sec->parent, sec->first_child);
		break;
	case AD_SECTION_ATX:
		CHECK(ck, sec->level >= 1 && sec->level <= 6, "section %d: ATX level %d", i,
		      sec->level);
		break;
	case AD_SECTION_SETEXT:
		CHECK(ck, sec->level == 1 || sec->level == 2, "section %d: setext level %d",
		      i, sec->level);
		break;
	case AD_SECTION_TAG:
		CHECK(ck, sec->level == 1 + tag_ancestors(s, i),
		      "section %d: tag level %d inside %d tags", i, sec->level,
		      tag_ancestors(s, i));
		CHECK(ck, sec->level <= opts->max_tag_depth,
		      "section %d: tag level %d over the limit %d", i, sec->level,
		      opts->max_tag_depth);
		break;
	}
	if (sec->tag || sec->kind != AD_SECTION_TAG)
		check_section_text(ck, sec, i, d, o);

	/* (e): links point the right way and depth follows them. */
	CHECK(ck, sec->parent >= -1 && sec->parent < i,
	      "section %d: parent %d is not before it", i, sec->parent);
	CHECK(ck, sec->first_child == -1 || (sec->first_child == i + 1 && i + 1 < n),
	      "section %d: first child %d is not the next section", i, sec->first_child);
	CHECK(ck, sec->next_sibling == -1 || (sec->next_sibling > i && sec->next_sibling < n),
	      "section %d: next sibling %d is not after it", i, sec->next_sibling);
	if (!(sec->parent >= -1 && sec->parent < i) ||
	    !(sec->first_child == -1 || (sec->first_child == i + 1 && i + 1 < n)) ||
	    !(sec->next_sibling == -1 || (sec->next_sibling > i && sec->next_sibling < n)))
		return;
	CHECK(ck, sec->depth == (sec->parent < 0 ? 0 : s[sec->parent].depth + 1),
	      "section %d: depth %d under parent %d", i, sec->depth, sec->parent);
	if (sec->parent >= 0 && is_heading(sec->kind) && is_heading(s[sec->parent].kind))
		CHECK(ck, sec->level > s[sec->parent].level,
		      "section %d: level-%d heading under a level-%d heading", i,
		      sec->level, s[sec->parent].level);
	if (i + 1 < n)
		CHECK(ck, sec->start < s[i + 1].start,
		      "section %d: starts at %zu, not before section %d at %zu", i,
		      sec->start, i + 1, s[i + 1].start);

	/* (b): children cover [lead_end, end) in order. */
	CHECK(ck, sec->lead_end == (sec->first_child >= 0 ? s[sec->first_child].start : sec->end),
	      "section %d: lead_end %zu is neither its first child's start nor its end", i,
	      sec->lead_end);
	at = sec->lead_end;
	for (c = sec->first_child, guard = 0; c >= 0 && c < n && guard <= n;
	     c = s[c].next_sibling, guard++) {
		CHECK(ck, s[c].parent == i, "section %d: child %d names parent %d", i, c,
		      s[c].parent);
		if (s[c].start != at) {
			CHECK(ck, s[c].start == at,
			      "section %d: child %d starts at %zu, expected %zu (%s)", i, c,
			      s[c].start, at, s[c].start > at ? "gap" : "overlap");
			break;
		}
		at = s[c].end;
		if (s[c].next_sibling < 0)
			CHECK(ck, at == sec->end,
			      "section %d: last child %d ends at %zu, the parent at %zu", i, c,
			      at, sec->end);
	}
	CHECK(ck, guard <= n, "section %d: sibling chain loops", i);
}

typedef struct {
	size_t start, end;
} span;

static int span_cmp(const void *a, const void *b)
{
	const span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* (a), (c) and the rest of (e). */
static void check_tiling(checker *ck, const ad_doc *doc, const char *orig,
			 const oracle *o)
{
	const ad_section *s = ad_doc_sections(doc);
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);
	const char *d = ad_doc_data(doc);
	int n = (int)ad_doc_section_count(doc), c, visited, guard;
	size_t nspans = 0, at = 0, k;
	span *spans = ad_xmalloc(((size_t)n + 2) * sizeof(*spans));
	ad_buf out = AD_BUF_INIT;

	if (fm)
		spans[nspans++] = (span){ fm->start, fm->end };
	for (c = ad_doc_first_section(doc), guard = 0; c >= 0 && c < n && guard < n;
	     c = s[c].next_sibling, guard++) {
		CHECK(ck, s[c].parent == -1, "tiling: top-level section %d has parent %d", c,
		      s[c].parent);
		spans[nspans++] = (span){ s[c].start, s[c].end };
	}
	CHECK(ck, c < 0 || c >= n, "tiling: top-level chain loops or leaves the array");
	qsort(spans, nspans, sizeof(*spans), span_cmp);
	for (k = 0; k < nspans; k++) {
		if (spans[k].start != at) {
			CHECK(ck, spans[k].start == at,
			      "tiling: a span starts at %zu, expected %zu (%s)", spans[k].start,
			      at, spans[k].start > at ? "gap" : "overlap");
			break;
		}
		at = spans[k].end;
	}
	if (k == nspans)
		CHECK(ck, at == o->len, "tiling: spans end at %zu, the file at %zu", at,
		      o->len);

	/* (c) */
	for (k = 0; k < nspans; k++)
		if (spans[k].start < spans[k].end && spans[k].end <= o->len)
			ad_buf_put(&out, d + spans[k].start, spans[k].end - spans[k].start);
	CHECK(ck, out.size == o->len && (o->len == 0 || memcmp(out.ptr, orig, o->len) == 0),
	      "round trip: spans give %zu bytes, %s the file's %zu", out.size,
	      out.size == o->len ? "different from" : "not", o->len);
	ad_buf_free(&out);
	free(spans);

	/* (e): walking the links visits 0, 1, 2, ... n - 1. */
	visited = 0;
	c = ad_doc_first_section(doc);
	while (c >= 0 && c < n && visited <= n) {
		if (c != visited) {
			CHECK(ck, c == visited, "pre-order: walk reaches section %d in place %d",
			      c, visited);
			return;
		}
		visited++;
		if (s[c].first_child >= 0) {
			c = s[c].first_child;
			continue;
		}
		while (c >= 0 && c < n && s[c].next_sibling < 0)
			c = s[c].parent;
		if (c >= 0 && c < n)
			c = s[c].next_sibling;
	}
	CHECK(ck, visited == n, "pre-order: walk visits %d of %d sections", visited, n);
}

/* Everything above, on one parsed document whose input was orig. */
static void check_doc(checker *ck, const ad_doc *doc, const char *orig,
		      size_t len, const ad_doc_options *opts)
{
	ad_doc_options defaults = AD_DOC_OPTIONS_INIT;
	const ad_section *s;
	oracle o;
	int n, i;

	if (!opts)
		opts = &defaults;
	ck->inputs++;
	CHECK(ck, ad_doc_size(doc) == len, "data: size %zu, the input has %zu",
	      ad_doc_size(doc), len);
	if (ad_doc_size(doc) != len)
		return;
	CHECK(ck, ad_doc_data(doc) != NULL &&
		  (len == 0 || memcmp(ad_doc_data(doc), orig, len) == 0) &&
		  ad_doc_data(doc)[len] == '\0',
	      "data: bytes differ from the input or are not NUL-terminated");
	CHECK(ck, ad_doc_path(doc) != NULL, "data: NULL path");

	oracle_build(&o, orig, len);
	check_lines(ck, doc, &o);
	check_diags(ck, doc, &o);
	check_frontmatter(ck, doc, orig, &o);

	n = (int)ad_doc_section_count(doc);
	s = ad_doc_sections(doc);
	CHECK(ck, n == 0 || s != NULL, "sections: %d sections but no array", n);
	CHECK(ck, (size_t)n <= opts->max_sections, "sections: %d over the limit %zu", n,
	      opts->max_sections);
	CHECK(ck, ad_doc_first_section(doc) == (n > 0 ? 0 : -1),
	      "sections: first section %d", ad_doc_first_section(doc));
	if (n > 0 && s) {
		bool heading_seen = false;
		for (i = 0; i < n; i++) {
			check_section(ck, doc, s, n, i, orig, &o, opts);
			if (s[i].kind == AD_SECTION_PREAMBLE)
				CHECK(ck, !heading_seen,
				      "section %d: preamble after a heading or tag", i);
			else
				heading_seen = true;
		}
	}
	if (n == 0 || s)
		check_tiling(ck, doc, orig, &o);
	oracle_free(&o);
}

/* ------------------------------------------------------------ inputs */

typedef struct {
	char **paths;
	size_t count, cap;
} file_list;

static bool wanted(const char *name)
{
	size_t n = strlen(name);

	return (n > 3 && strcmp(name + n - 3, ".md") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".txt") == 0);
}

static void collect(file_list *list, const char *dir, int depth)
{
	DIR *dp;
	struct dirent *de;

	if (depth > 32 || !(dp = opendir(dir)))
		return;
	while ((de = readdir(dp))) {
		ad_buf path = AD_BUF_INIT;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		ad_buf_printf(&path, "%s/%s", dir, de->d_name);
		if (lstat(path.ptr, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				collect(list, path.ptr, depth + 1);
			} else if (S_ISREG(st.st_mode) && wanted(de->d_name)) {
				ad_xgrow((void **)&list->paths, &list->cap, list->count + 1,
					 sizeof(*list->paths));
				list->paths[list->count++] = ad_buf_detach(&path);
			}
		}
		ad_buf_free(&path);
	}
	closedir(dp);
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void file_list_free(file_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->paths[i]);
	free(list->paths);
	list->paths = NULL;
	list->count = list->cap = 0;
}

/* One real file: its bytes and its parsed document. */
typedef struct {
	const char *path;
	char *data;
	size_t len;
	ad_doc *doc;
} real_file;

typedef struct {
	char *root;         /* $AD_SHARED/<name>, NULL when absent */
	const char *name;   /* "seeds", "corpus" */
	real_file *files;
	size_t count;
	file_list list;
	unsigned load_failures;
} folder;

typedef struct {
	folder seeds, corpus;
} state;

static bool folder_present(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Loads every file with ad_doc_load(), and reads its bytes on the side. */
static void folder_open(folder *f, const char *shared, const char *name)
{
	ad_buf root = AD_BUF_INIT;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->name = name;
	if (!shared || !shared[0])
		return;
	ad_buf_printf(&root, "%s/%s", shared, name);
	if (!folder_present(root.ptr)) {
		ad_buf_free(&root);
		return;
	}
	f->root = ad_buf_detach(&root);
	collect(&f->list, f->root, 0);
	if (f->list.count)
		qsort(f->list.paths, f->list.count, sizeof(*f->list.paths), path_cmp);
	f->files = ad_xcalloc(f->list.count + 1, sizeof(*f->files));
	for (i = 0; i < f->list.count; i++) {
		real_file *rf = &f->files[f->count];
		ad_error err = AD_ERROR_INIT;
		int rc;

		rf->path = f->list.paths[i];
		rc = ad_read_file(&rf->data, &rf->len, rf->path, AD_DOC_MAX_SIZE, &err);
		if (rc == 0)
			rc = ad_doc_load(&rf->doc, rf->path, NULL, &err);
		if (rc < 0) {
			char buf[512];
			print_error("%s: cannot load (%d): %s\n", rf->path, rc,
				    ad_error_format(&err, buf, sizeof(buf)));
			f->load_failures++;
			free(rf->data);
			rf->data = NULL;
			rf->doc = NULL;
		} else {
			f->count++;
		}
		ad_error_clear(&err);
	}
}

static void folder_close(folder *f)
{
	size_t i;

	for (i = 0; i < f->count; i++) {
		ad_doc_free(f->files[i].doc);
		free(f->files[i].data);
	}
	free(f->files);
	file_list_free(&f->list);
	free(f->root);
	memset(f, 0, sizeof(*f));
}

static int setup(void **vstate)
{
	state *st = ad_xcalloc(1, sizeof(*st));
	const char *shared = getenv("AD_SHARED");

	folder_open(&st->seeds, shared, "seeds");
	folder_open(&st->corpus, shared, "corpus");
	*vstate = st;
	return 0;
}

static int teardown(void **vstate)
{
	state *st = *vstate;

	folder_close(&st->seeds);
	folder_close(&st->corpus);
	free(st);
	return 0;
}

static void require_folder(const folder *f)
{
	const char *shared = getenv("AD_SHARED");

	if (f->root)
		return;
	if (shared && shared[0])
		print_message("skipped: no folder %s/%s\n", shared, f->name);
	else
		print_message("skipped: AD_SHARED is not set (it names the folder "
			      "holding seeds/ and corpus/)\n");
	skip();
}

/* Parses bytes made up here, and checks the document. */
static void check_bytes(checker *ck, const char *label, const char *data, size_t len,
			const ad_doc_options *opts, ad_doc **keep)
{
	ad_error err = AD_ERROR_INIT;
	ad_doc *doc = NULL;
	int rc;

	ck->label = label;
	ck->failures = 0;
	rc = ad_doc_parse(&doc, label, data, len, opts, &err);
	CHECK(ck, rc == 0, "parse: failed with %d (%s)", rc,
	      err.message ? err.message : "no message");
	if (rc == 0)
		check_doc(ck, doc, data, len, opts);
	ad_error_clear(&err);
	if (keep)
		*keep = doc;
	else
		ad_doc_free(doc);
}

static void finish(checker *ck, const char *what)
{
	print_message("%s: %u inputs checked, %u invariant failures in %u inputs\n",
		      what, ck->inputs, ck->total, ck->bad_inputs);
	if (ck->total)
		fail_msg("%s: %u invariant failures in %u inputs (listed above)", what,
			 ck->total, ck->bad_inputs);
}

/* ------------------------------------------------------------ real files */

static void check_folder(folder *f)
{
	checker ck = { 0 };
	size_t i;

	require_folder(f);
	for (i = 0; i < f->count; i++) {
		ck.label = f->files[i].path;
		ck.failures = 0;
		check_doc(&ck, f->files[i].doc, f->files[i].data, f->files[i].len, NULL);
	}
	print_message("%s: %zu files checked in %s\n", f->name, f->count, f->root);
	assert_int_equal(f->load_failures, 0);
	assert_true(f->count > 0);
	finish(&ck, f->name);
}

static void test_seeds(void **vstate)
{
	check_folder(&((state *)*vstate)->seeds);
}

static void test_corpus(void **vstate)
{
	check_folder(&((state *)*vstate)->corpus);
}

/* Every line ending rewritten as eol; lone "\r", "\n" and "\r\n" alike. */
static char *with_eol(const char *d, size_t len, const char *eol, size_t *out_len)
{
	ad_buf b = AD_BUF_INIT;
	size_t i, el = strlen(eol);

	ad_buf_grow(&b, len * 2 + 1);
	for (i = 0; i < len; i++) {
		if (d[i] == '\r') {
			if (i + 1 < len && d[i + 1] == '\n')
				i++;
			ad_buf_put(&b, eol, el);
		} else if (d[i] == '\n') {
			ad_buf_put(&b, eol, el);
		} else {
			ad_buf_putc(&b, d[i]);
		}
	}
	*out_len = b.size;
	return ad_buf_detach(&b);
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Line endings must not change what the parser finds. */
static void check_same_structure(checker *ck, const ad_doc *a, const ad_doc *b)
{
	const ad_frontmatter *fa = ad_doc_frontmatter(a), *fb = ad_doc_frontmatter(b);
	const ad_section *sa = ad_doc_sections(a), *sb = ad_doc_sections(b);
	size_t n = ad_doc_section_count(a), i;

	CHECK(ck, ad_doc_line_count(a) == ad_doc_line_count(b),
	      "eol: %d lines, %d with other line endings", ad_doc_line_count(b),
	      ad_doc_line_count(a));
	CHECK(ck, !fa == !fb, "eol: frontmatter %s with other line endings",
	      fb ? "found only" : "lost");
	if (fa && fb) {
		CHECK(ck, fa->line == fb->line && fa->end_line == fb->end_line,
		      "eol: frontmatter on lines %d-%d, %d-%d with other line endings",
		      fb->line, fb->end_line, fa->line, fa->end_line);
		CHECK(ck, !fa->error == !fb->error,
		      "eol: YAML error %s with other line endings: %s",
		      fb->error ? "only" : "lost", fb->error ? fb->error : fa->error);
		CHECK(ck, fa->nfields == fb->nfields,
		      "eol: %zu fields, %zu with other line endings", fb->nfields,
		      fa->nfields);
		for (i = 0; fa->nfields == fb->nfields && i < fa->nfields; i++) {
			const ad_fm_field *x = &fa->fields[i], *y = &fb->fields[i];
			CHECK(ck, str_eq(x->key, y->key) && x->kind == y->kind &&
				  x->line == y->line,
			      "eol: field %zu is %s (%s, line %d), %s (%s, line %d) with other line endings",
			      i, y->key, ad_fm_kind_name(y->kind), y->line, x->key,
			      ad_fm_kind_name(x->kind), x->line);
			if (!fa->lenient && (x->kind == AD_FM_SCALAR || x->kind == AD_FM_LITERAL ||
					     x->kind == AD_FM_FOLDED))
				CHECK(ck, str_eq(x->value, y->value),
				      "eol: field %s has another value with other line endings",
				      x->key);
		}
	}
	CHECK(ck, n == ad_doc_section_count(b),
	      "eol: %zu sections, %zu with other line endings", ad_doc_section_count(b), n);
	if (n != ad_doc_section_count(b))
		return;
	for (i = 0; i < n; i++) {
		const ad_section *x = &sa[i], *y = &sb[i];
		CHECK(ck, x->kind == y->kind && x->level == y->level && x->line == y->line &&
			  x->end_line == y->end_line && x->parent == y->parent &&
			  x->depth == y->depth,
		      "eol: section %zu is %s %d at lines %d-%d, %s %d at lines %d-%d with other line endings",
		      i, ad_section_kind_name(y->kind), y->level, y->line, y->end_line,
		      ad_section_kind_name(x->kind), x->level, x->line, x->end_line);
		if (is_heading(x->kind) && x->kind == y->kind)
			CHECK(ck, str_eq(x->title, y->title),
			      "eol: section %zu titled \"%s\", \"%s\" with other line endings",
			      i, y->title ? y->title : "(null)", x->title ? x->title : "(null)");
	}
}

static void check_eol_variants(checker *ck, const folder *f)
{
	static const char *const eols[] = { "\r\n", "\r", "\n" };
	size_t i, e;

	for (i = 0; i < f->count; i++) {
		for (e = 0; e < sizeof(eols) / sizeof(eols[0]); e++) {
			ad_buf label = AD_BUF_INIT;
			size_t vlen;
			char *v = with_eol(f->files[i].data, f->files[i].len, eols[e], &vlen);
			ad_doc *doc = NULL;

			ad_buf_printf(&label, "%s [%s]", f->files[i].path,
				      e == 0 ? "CRLF" : e == 1 ? "CR" : "LF");
			check_bytes(ck, label.ptr, v, vlen, NULL, &doc);
			if (doc)
				check_same_structure(ck, f->files[i].doc, doc);
			ad_doc_free(doc);
			free(v);
			ad_buf_free(&label);
		}
	}
}

static void test_line_ending_variants(void **vstate)
{
	state *st = *vstate;
	checker ck = { 0 };

	require_folder(&st->corpus);
	check_eol_variants(&ck, &st->seeds);
	check_eol_variants(&ck, &st->corpus);
	finish(&ck, "CRLF, CR and LF variants");
}

/* A small deterministic generator (xorshift64*), the same on every libc. */
static uint64_t rng_next(uint64_t *st)
{
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return *st * 0x2545F4914F6CDD1DULL;
}

static void test_prefixes(void **vstate)
{
	state *st = *vstate;
	checker ck = { 0 };
	uint64_t rng = 0x70726566697865ULL;
	size_t i, k;

	require_folder(&st->corpus);
	for (i = 0; i < st->corpus.count; i++) {
		const real_file *rf = &st->corpus.files[i];
		for (k = 0; k < 3 && rf->len > 1; k++) {
			size_t cut = (size_t)(rng_next(&rng) % rf->len);
			ad_buf label = AD_BUF_INIT;
			ad_buf_printf(&label, "%s [first %zu bytes]", rf->path, cut);
			check_bytes(&ck, label.ptr, rf->data, cut, NULL, NULL);
			ad_buf_free(&label);
		}
	}
	finish(&ck, "prefixes of corpus files");
}

/* ------------------------------------------------------------ manifest */

typedef struct {
	const char *quirk;
	/* Whether the parsed document shows the quirk. */
	bool (*holds)(const ad_doc *doc);
	/* Files where the quirk tagger and the parser disagree, knowingly. */
	const char *const *exceptions;
} quirk_rule;

static bool has_yaml_error(const ad_doc *doc)
{
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);

	return fm && fm->error;
}

static bool has_no_frontmatter(const ad_doc *doc)
{
	return ad_doc_frontmatter(doc) == NULL;
}

static bool has_tag_section(const ad_doc *doc)
{
	const ad_section *s = ad_doc_sections(doc);
	size_t i;

	for (i = 0; i < ad_doc_section_count(doc); i++)
		if (s[i].kind == AD_SECTION_TAG)
			return true;
	return false;
}

/* Its "frontmatter" ends with a line of 56 dashes, which is no closing
 * fence: for us the block is unterminated, so there is no frontmatter and
 * no YAML error; the tagger fed the lines to a YAML parser anyway. */
#define LONG_DASH_FENCE \
	"frontend/vijaythecoder__awesome-claude-agents__frontend-developer.md"

static const char *const yaml_reject_exceptions[] = { LONG_DASH_FENCE, NULL };
static const char *const no_frontmatter_exceptions[] = { LONG_DASH_FENCE, NULL };
/* The tagger files <example>/<commentary> blocks under body-example-tags,
 * not xml-tag-sections; here they stand alone on their lines and are tags. */
static const char *const xml_tag_exceptions[] = {
	"image-generator/wshobson__agents__image-generator.md", NULL
};

static const quirk_rule quirk_rules[] = {
	{ .quirk = "yaml-reject", .holds = has_yaml_error,
	  .exceptions = yaml_reject_exceptions },
	{ .quirk = "no-frontmatter", .holds = has_no_frontmatter,
	  .exceptions = no_frontmatter_exceptions },
	{ .quirk = "xml-tag-sections", .holds = has_tag_section,
	  .exceptions = xml_tag_exceptions },
};

static bool has_quirk(const char *quirks, const char *q)
{
	size_t ql = strlen(q);
	const char *p = quirks;

	while ((p = strstr(p, q))) {
		if ((p == quirks || p[-1] == ',') && (p[ql] == ',' || p[ql] == '\0'))
			return true;
		p += ql;
	}
	return false;
}

static bool listed(const char *const *list, const char *path)
{
	for (; *list; list++)
		if (strcmp(*list, path) == 0)
			return true;
	return false;
}

static const real_file *find_file(const folder *f, const char *rel)
{
	size_t i, rl = strlen(f->root);

	for (i = 0; i < f->count; i++)
		if (strncmp(f->files[i].path, f->root, rl) == 0 &&
		    f->files[i].path[rl] == '/' && strcmp(f->files[i].path + rl + 1, rel) == 0)
			return &f->files[i];
	return NULL;
}

static void test_manifest(void **vstate)
{
	state *st = *vstate;
	checker ck = { 0 };
	ad_buf path = AD_BUF_INIT;
	char *text = NULL, *line, *save = NULL;
	size_t len, rows = 0, r, tagged[sizeof(quirk_rules) / sizeof(quirk_rules[0])] = { 0 };
	int rc;

	require_folder(&st->corpus);
	ad_buf_printf(&path, "%s/MANIFEST.tsv", st->corpus.root);
	rc = ad_read_file(&text, &len, path.ptr, AD_DOC_MAX_SIZE, NULL);
	ad_buf_free(&path);
	if (rc < 0) {
		print_message("skipped: no MANIFEST.tsv in %s\n", st->corpus.root);
		skip();
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *col[8] = { 0 }, *p = line;
		const real_file *rf;
		int c;

		for (c = 0; c < 8 && p; c++) {
			col[c] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (c < 8 || strcmp(col[0], "local_path") == 0)
			continue;
		rows++;
		ck.label = col[0];
		ck.failures = 0;
		ck.inputs++;
		rf = find_file(&st->corpus, col[0]);
		CHECK(&ck, rf != NULL, "manifest: file is missing from the corpus folder");
		if (!rf)
			continue;
		CHECK(&ck, ad_doc_size(rf->doc) == strtoull(col[5], NULL, 10),
		      "manifest: %zu bytes, the manifest says %s", ad_doc_size(rf->doc), col[5]);
		for (r = 0; r < sizeof(quirk_rules) / sizeof(quirk_rules[0]); r++) {
			const quirk_rule *q = &quirk_rules[r];
			bool tag = has_quirk(col[7], q->quirk), holds = q->holds(rf->doc);
			bool excepted = listed(q->exceptions, col[0]);

			tagged[r] += tag;
			if (excepted)
				CHECK(&ck, tag != holds,
				      "manifest: listed as an exception to %s, but now agrees: "
				      "remove it from the list", q->quirk);
			else
				CHECK(&ck, tag == holds, "manifest: %s %s, the parser says %s",
				      tag ? "tagged" : "not tagged", q->quirk,
				      holds ? "it is" : "it is not");
		}
	}
	free(text);
	for (r = 0; r < sizeof(quirk_rules) / sizeof(quirk_rules[0]); r++)
		print_message("manifest: %zu files tagged %s\n", tagged[r], quirk_rules[r].quirk);
	print_message("manifest: %zu rows for %zu corpus files\n", rows, st->corpus.count);
	assert_true(rows > 0);
	finish(&ck, "manifest quirks");
}

/* ------------------------------------------------------------ hostile inputs */

static void test_random_bytes(void **vstate)
{
	static const char *const tokens[] = {
		"\n", "\r\n", "\r", "# ", "## ", "###### ", "####### ", "---\n", "...\n",
		"===\n", "--\n", "<a>", "</a>", "<agent id=\"x\">", "</agent>", "<title>",
		"</title>", "```", "~~~", "    ", "\t", "name: ", "description: ",
		"tools: ", "  - ", "- ", "[", "]", "{", "}", ": ", "'", "\"", "|", ">",
		"&a ", "*a", "!!str ", "%YAML 1.1\n", "<!-- ", " -->", "\xEF\xBB\xBF",
		"\xC3\xA9", "\xFF", "\x80", "\0", "x", "word ", "> ", "1. ",
	};
	checker ck = { 0 };
	uint64_t rng = 0x5eed5eed5eedULL;
	ad_buf label = AD_BUF_INIT;
	int round;

	for (round = 0; round < 400; round++) {
		ad_buf b = AD_BUF_INIT;
		size_t size = (size_t)(rng_next(&rng) % 4096), i;
		bool raw = round % 8 == 7;

		if (round % 2 == 0 && !raw)
			ad_buf_puts(&b, "---\nname: r\n");
		for (i = 0; b.size < size; i++) {
			uint64_t x = rng_next(&rng);
			if (raw) {
				ad_buf_putc(&b, (char)(x & 0xff));
			} else {
				const char *t = tokens[x % (sizeof(tokens) / sizeof(tokens[0]))];
				ad_buf_put(&b, t, t[0] ? strlen(t) : 1);
			}
		}
		ad_buf_clear(&label);
		ad_buf_printf(&label, "random #%d (%zu bytes)", round, b.size);
		check_bytes(&ck, label.ptr, b.ptr ? b.ptr : "", b.size, NULL, NULL);
		ad_buf_free(&b);
	}
	{
		/* One large buffer of raw bytes. */
		size_t n = 1 << 20, i;
		char *big = ad_xmalloc(n);
		for (i = 0; i < n; i++)
			big[i] = (char)(rng_next(&rng) >> 56);
		check_bytes(&ck, "random 1 MB", big, n, NULL, NULL);
		free(big);
	}
	ad_buf_free(&label);
	finish(&ck, "random bytes");
}

static int count_kind(const ad_doc *doc, ad_section_kind kind, int *max_level)
{
	const ad_section *s = ad_doc_sections(doc);
	size_t i;
	int n = 0;

	if (max_level)
		*max_level = 0;
	for (i = 0; i < ad_doc_section_count(doc); i++)
		if (s[i].kind == kind) {
			n++;
			if (max_level && s[i].level > *max_level)
				*max_level = s[i].level;
		}
	return n;
}

static void test_nested_tags(void **vstate)
{
	checker ck = { 0 };
	ad_doc_options small = AD_DOC_OPTIONS_INIT;
	ad_buf b = AD_BUF_INIT;
	ad_doc *doc = NULL;
	int i, depth = 10000, max_level;

	/* Distinct names: the outer AD_DOC_MAX_TAG_DEPTH are tags, the rest text. */
	ad_buf_puts(&b, "---\nname: deep\n---\n");
	for (i = 0; i < depth; i++)
		ad_buf_printf(&b, "<t%d>\ntext %d\n", i, i);
	for (i = depth - 1; i >= 0; i--)
		ad_buf_printf(&b, "</t%d>\n", i);
	check_bytes(&ck, "10000 nested distinct tags", b.ptr, b.size, NULL, &doc);
	if (doc) {
		int n = count_kind(doc, AD_SECTION_TAG, &max_level);
		CHECK(&ck, n == AD_DOC_MAX_TAG_DEPTH && max_level == AD_DOC_MAX_TAG_DEPTH,
		      "limits: %d tag sections, deepest level %d, expected %d of both", n,
		      max_level, AD_DOC_MAX_TAG_DEPTH);
	}
	ad_doc_free(doc);

	small.max_tag_depth = 8;
	check_bytes(&ck, "10000 nested distinct tags, depth limit 8", b.ptr, b.size,
		    &small, &doc);
	if (doc) {
		int n = count_kind(doc, AD_SECTION_TAG, &max_level);
		CHECK(&ck, n == 8 && max_level == 8,
		      "limits: %d tag sections, deepest level %d, expected 8 of both", n,
		      max_level);
	}
	ad_doc_free(doc);

	/* One name, nested. */
	ad_buf_clear(&b);
	for (i = 0; i < depth; i++)
		ad_buf_puts(&b, "<div>\n");
	for (i = 0; i < depth; i++)
		ad_buf_puts(&b, "</div>\n");
	check_bytes(&ck, "10000 nested <div>", b.ptr, b.size, NULL, &doc);
	if (doc)
		CHECK(&ck, count_kind(doc, AD_SECTION_TAG, NULL) >= 1,
		      "limits: no tag sections at all");
	ad_doc_free(doc);

	/* Openings that never close are text. */
	ad_buf_clear(&b);
	for (i = 0; i < depth; i++)
		ad_buf_printf(&b, "<open%d>\n", i);
	check_bytes(&ck, "10000 unclosed tags", b.ptr, b.size, NULL, &doc);
	if (doc)
		CHECK(&ck, count_kind(doc, AD_SECTION_TAG, NULL) == 0,
		      "tags: %d tag sections without closing tags",
		      count_kind(doc, AD_SECTION_TAG, NULL));
	ad_doc_free(doc);

	/* Closings first, then headings inside tags. */
	ad_buf_clear(&b);
	for (i = 0; i < depth; i++)
		ad_buf_printf(&b, "</c%d>\n<c%d>\n# in %d\n", i % 7, i % 7, i);
	check_bytes(&ck, "10000 interleaved tags and headings", b.ptr, b.size, NULL, NULL);
	ad_buf_free(&b);
	finish(&ck, "nested tags");
}

static void test_many_headings(void **vstate)
{
	checker ck = { 0 };
	ad_doc_options small = AD_DOC_OPTIONS_INIT;
	ad_buf b = AD_BUF_INIT;
	ad_doc *doc = NULL;
	int i, n = 100000;

	for (i = 0; i < n; i++)
		ad_buf_printf(&b, "%.*s h%d\n", 1 + i % 6, "######", i);
	check_bytes(&ck, "100000 ATX headings", b.ptr, b.size, NULL, &doc);
	if (doc)
		CHECK(&ck, count_kind(doc, AD_SECTION_ATX, NULL) == n,
		      "headings: %d ATX sections, expected %d",
		      count_kind(doc, AD_SECTION_ATX, NULL), n);
	ad_doc_free(doc);

	small.max_sections = 1000;
	check_bytes(&ck, "100000 ATX headings, section limit 1000", b.ptr, b.size,
		    &small, &doc);
	if (doc)
		CHECK(&ck, ad_doc_section_count(doc) == 1000,
		      "limits: %zu sections, expected the limit 1000",
		      ad_doc_section_count(doc));
	ad_doc_free(doc);

	ad_buf_clear(&b);
	for (i = 0; i < n; i++)
		ad_buf_puts(&b, "#\n");
	check_bytes(&ck, "100000 lines of \"#\"", b.ptr, b.size, NULL, NULL);

	ad_buf_clear(&b);
	for (i = 0; i < n / 2; i++)
		ad_buf_printf(&b, "h%d\n%s\n", i, i % 2 ? "---" : "===");
	check_bytes(&ck, "50000 setext headings", b.ptr, b.size, NULL, &doc);
	if (doc)
		CHECK(&ck, count_kind(doc, AD_SECTION_SETEXT, NULL) == n / 2,
		      "headings: %d setext sections, expected %d",
		      count_kind(doc, AD_SECTION_SETEXT, NULL), n / 2);
	ad_doc_free(doc);
	ad_buf_free(&b);
	finish(&ck, "many headings");
}

static void test_long_line(void **vstate)
{
	static const char *const prefixes[] = { "", "# ", "<", "---\nname: ", "    ", "> " };
	checker ck = { 0 };
	size_t n = 1 << 20, p;

	for (p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
		ad_buf b = AD_BUF_INIT, label = AD_BUF_INIT;
		ad_buf_puts(&b, prefixes[p]);
		ad_buf_grow(&b, n);
		memset(b.ptr + b.size, p % 2 ? 'a' : '`', n);
		b.size += n;
		b.ptr[b.size] = '\0';
		ad_buf_printf(&label, "1 MB line after \"%s\"", prefixes[p]);
		check_bytes(&ck, label.ptr, b.ptr, b.size, NULL, NULL);
		ad_buf_putc(&b, '\n');
		check_bytes(&ck, label.ptr, b.ptr, b.size, NULL, NULL);
		ad_buf_free(&b);
		ad_buf_free(&label);
	}
	finish(&ck, "long lines");
}

static void test_fence_lines(void **vstate)
{
	static const char *const lines[] = { "---\n", "---\r\n", "---", "...\n", "--- \t\n" };
	static const int counts[] = { 1, 2, 3, 4, 10000 };
	checker ck = { 0 };
	size_t l, c;

	for (l = 0; l < sizeof(lines) / sizeof(lines[0]); l++)
		for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
			ad_buf b = AD_BUF_INIT, label = AD_BUF_INIT;
			int i;
			for (i = 0; i < counts[c]; i++)
				ad_buf_puts(&b, lines[l]);
			ad_buf_printf(&label, "%d lines of \"%s\"", counts[c],
				      l == 1 ? "---\\r\\n" : l == 2 ? "---" : lines[l]);
			check_bytes(&ck, label.ptr, b.ptr, b.size, NULL, NULL);
			ad_buf_free(&b);
			ad_buf_free(&label);
		}
	finish(&ck, "fence lines");
}

static void test_nul_bytes(void **vstate)
{
	static const char fm_nul[] =
		"---\nname: a\0b\ndesc\0ription: x\n\0: y\ntools: [A\0, B]\n---\n"
		"# He\0ad\n\0\n<t\0ag>\n</t\0ag>\n<tag>\n\0\n</tag>\nSet\0ext\n===\n";
	static const char bom_fm[] =
		"\xEF\xBB\xBF---\nname: bom\ndescription: x\n---\n# After a BOM\n";
	checker ck = { 0 };
	char zeros[4096];

	check_bytes(&ck, "NULs in frontmatter, headings and tags", fm_nul,
		    sizeof(fm_nul) - 1, NULL, NULL);
	memset(zeros, 0, sizeof(zeros));
	check_bytes(&ck, "4096 NUL bytes", zeros, sizeof(zeros), NULL, NULL);
	check_bytes(&ck, "a single NUL", zeros, 1, NULL, NULL);
	check_bytes(&ck, "empty input", "", 0, NULL, NULL);
	check_bytes(&ck, "BOM and frontmatter", bom_fm, sizeof(bom_fm) - 1, NULL, NULL);
	check_bytes(&ck, "BOM only", bom_fm, 3, NULL, NULL);
	check_bytes(&ck, "lone CR", "\r", 1, NULL, NULL);
	finish(&ck, "NUL bytes and tiny inputs");
}

static void test_hostile_yaml(void **vstate)
{
	checker ck = { 0 };
	ad_buf b = AD_BUF_INIT;
	int i;

	/* An alias bomb: never expanded, so it costs nothing. */
	ad_buf_puts(&b, "---\nname: bomb\na0: &a0 [x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 30; i++)
		ad_buf_printf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
			      i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	ad_buf_puts(&b, "---\n# Body\n");
	check_bytes(&ck, "alias bomb", b.ptr, b.size, NULL, NULL);

	ad_buf_clear(&b);
	ad_buf_puts(&b, "---\nname: deep\ndescription: ");
	for (i = 0; i < 10000; i++)
		ad_buf_putc(&b, '[');
	ad_buf_puts(&b, "\n---\n# Body\n");
	check_bytes(&ck, "10000 open flow sequences", b.ptr, b.size, NULL, NULL);

	ad_buf_clear(&b);
	ad_buf_puts(&b, "---\nname: unterminated\n");
	for (i = 0; i < 100000; i++)
		ad_buf_printf(&b, "k%d: v\n", i);
	check_bytes(&ck, "unterminated frontmatter of 100000 keys", b.ptr, b.size, NULL, NULL);
	ad_buf_puts(&b, "---\n");
	check_bytes(&ck, "frontmatter of 100000 keys", b.ptr, b.size, NULL, NULL);

	ad_buf_clear(&b);
	ad_buf_puts(&b, "pasted from a web page\n\n---\nname: late\ndescription: x\n---\n# H\n");
	check_bytes(&ck, "misplaced frontmatter", b.ptr, b.size, NULL, NULL);

	ad_buf_clear(&b);
	for (i = 0; i < 10000; i++)
		ad_buf_puts(&b, "> ");
	ad_buf_puts(&b, "# quoted\n");
	check_bytes(&ck, "10000 nested block quotes", b.ptr, b.size, NULL, NULL);
	ad_buf_free(&b);
	finish(&ck, "hostile YAML and Markdown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_line_ending_variants),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_nested_tags),
		cmocka_unit_test(test_many_headings),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_fence_lines),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_hostile_yaml),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
