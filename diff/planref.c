/*
 * planref: how a plan names a section, and finds it again (see plan.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "plan.h"
#include "plan_private.h"
#include "util.h"

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
void ad_plan__own_span(const ad_plan_docindex *x, int i, size_t *start, size_t *end)
{
	const ad_section *s = &ad_doc_sections(x->doc)[i];

	*start = s->start;
	*end = s->first_child >= 0 ? ad_doc_sections(x->doc)[s->first_child].start : x->eff_end[i];
	if (*end < *start)
		*end = *start;
}

void ad_plan__index(ad_plan_docindex *x, const ad_doc *doc)
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

		ad_plan__own_span(x, (int)i, &start, &end);
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

void ad_plan__index_free(ad_plan_docindex *x)
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

void ad_plan__ref_in(ad_plan_ref *out, const ad_plan_docindex *x, int variant, int section)
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
	ad_plan_docindex x;

	if (section < 0 || (size_t)section >= ad_doc_section_count(doc)) {
		memset(out, 0, sizeof(*out));
		out->variant = variant;
		out->title = "";
		out->ordinal = 1;
		return;
	}
	ad_plan__index(&x, doc);
	ad_plan__ref_in(out, &x, variant, section);
	ad_plan__index_free(&x);
}

void ad_plan_refs_of(ad_plan_ref *out, const ad_doc *doc, int variant)
{
	ad_plan_docindex x;
	size_t i;

	ad_plan__index(&x, doc);
	for (i = 0; i < x.n; i++)
		ad_plan__ref_in(&out[i], &x, variant, (int)i);
	ad_plan__index_free(&x);
}

/*
 * The section ref names: when the variant is unchanged, the ordinal-th
 * with its title; else the one with its title and its words, then the
 * ordinal-th with its title, then the one section anywhere with its words
 * (renamed).
 */
int ad_plan__find_in(const ad_plan_docindex *x, const ad_plan_ref *ref, bool exact)
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
	ad_plan_docindex x;
	int r;

	ad_plan__index(&x, doc);
	r = ad_plan__find_in(&x, ref, exact);
	ad_plan__index_free(&x);
	return r;
}
