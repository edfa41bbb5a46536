/*
 * The merge is done on pieces: each input is cut into byte ranges that tile
 * it, and a piece of one input is "the same" as a piece of another when it
 * has the same id.
 *
 *   head:  [0, first field), one piece per frontmatter field, the closing
 *          fence [yaml_end, body_start); ids are the field keys.  When the
 *          frontmatter cannot be split on every side, [0, body_start) is one
 *          piece.
 *   body:  per section (file order), its own text [start, lead_end) up to
 *          the first closing tag line inside it, then one piece per closing
 *          tag line (the tag's close, up to the next one); ids are the rows
 *          of ad_align_docs() (closes: nrows + the tag's row).
 *
 * Then: presence of each id (the add/delete rules), order of the ids
 * (merge_order), and the text of each id (merge_text, which falls back to
 * diff3 of lines).  The last piece of an input that lacks a final line
 * ending gets one for the comparison, and whether the file ends with one is
 * merged on its own, so moving the last section elsewhere is not an edit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "fmdiff.h"
#include "merge.h"
#include "textdiff.h"
#include "util.h"

enum { B = 0, O = 1, T = 2 }; /* base, ours, theirs */

struct ad_merge_result {
	ad_buf out;
	size_t conflicts;
	bool plain;
	ad_merge_item *items;
	size_t nitems, items_cap;
	ad_arena arena; /* item names */
};

typedef struct {
	const char *p;
	size_t len;
	size_t head; /* bytes of the heading line(s); 0 for none */
} text;

typedef struct {
	ad_merge_result *res;
	int marker_size;
	ad_merge_style style;
	const char *label[3];
	const char *eol; /* for marker lines */
	size_t last_marker_end; /* output size right after the last ">>>>>>>" line */
	size_t marker_bytes, marker_budget; /* written by put_marker, and its cap */
	bool too_big;    /* a marker was over the budget (and not written) */
	ad_arena tmp;    /* scratch strings of this merge */
} merger;

typedef struct {
	ad_merge_action action;
	size_t conflicts;
} outcome;

/* ---------------------------------------------------------------- names */

const char *ad_merge_action_name(ad_merge_action action)
{
	switch (action) {
	case AD_MERGE_KEPT: return "kept";
	case AD_MERGE_OURS: return "ours";
	case AD_MERGE_THEIRS: return "theirs";
	case AD_MERGE_BOTH: return "both";
	case AD_MERGE_COMBINED: return "combined";
	case AD_MERGE_ADDED_OURS: return "added-ours";
	case AD_MERGE_ADDED_THEIRS: return "added-theirs";
	case AD_MERGE_ADDED_BOTH: return "added-both";
	case AD_MERGE_DELETED_OURS: return "deleted-ours";
	case AD_MERGE_DELETED_THEIRS: return "deleted-theirs";
	case AD_MERGE_DELETED_BOTH: return "deleted-both";
	case AD_MERGE_CONFLICT: return "conflict";
	case AD_MERGE_CONFLICT_DELETED_OURS: return "conflict-deleted-ours";
	case AD_MERGE_CONFLICT_DELETED_THEIRS: return "conflict-deleted-theirs";
	}
	return "unknown";
}

const char *ad_merge_item_kind_name(ad_merge_item_kind kind)
{
	switch (kind) {
	case AD_MERGE_ITEM_FILE: return "file";
	case AD_MERGE_ITEM_HEAD: return "head";
	case AD_MERGE_ITEM_FIELD: return "field";
	case AD_MERGE_ITEM_SECTION: return "section";
	case AD_MERGE_ITEM_CLOSE: return "close";
	}
	return "unknown";
}

bool ad_merge_action_is_conflict(ad_merge_action action)
{
	return action == AD_MERGE_CONFLICT || action == AD_MERGE_CONFLICT_DELETED_OURS ||
	       action == AD_MERGE_CONFLICT_DELETED_THEIRS;
}

/* ---------------------------------------------------------------- result */

void ad_merge_result_free(ad_merge_result *res)
{
	if (!res)
		return;
	ad_buf_free(&res->out);
	free(res->items);
	ad_arena_free(&res->arena);
	free(res);
}

const char *ad_merge_result_data(const ad_merge_result *res)
{
	return res->out.ptr ? res->out.ptr : "";
}

size_t ad_merge_result_size(const ad_merge_result *res)
{
	return res->out.size;
}

size_t ad_merge_result_conflicts(const ad_merge_result *res)
{
	return res->conflicts;
}

bool ad_merge_result_plain(const ad_merge_result *res)
{
	return res->plain;
}

size_t ad_merge_result_item_count(const ad_merge_result *res)
{
	return res->nitems;
}

const ad_merge_item *ad_merge_result_item(const ad_merge_result *res, size_t i)
{
	return i < res->nitems ? &res->items[i] : NULL;
}

static ad_merge_item *add_item(ad_merge_result *res, ad_merge_item_kind kind,
			       const char *name, outcome oc, size_t start)
{
	ad_merge_item *it;

	ad_xgrow((void **)&res->items, &res->items_cap, res->nitems + 1, sizeof(*res->items));
	it = &res->items[res->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->action = oc.action;
	it->name = ad_arena_strndup(&res->arena, name ? name : "", name ? strlen(name) : 0);
	it->section[0] = it->section[1] = it->section[2] = -1;
	it->conflicts = oc.conflicts;
	it->start = start;
	it->end = res->out.size;
	return it;
}

/* Output line of each item, in one pass (items are in output order). */
static void number_items(ad_merge_result *res)
{
	const char *p = ad_merge_result_data(res);
	size_t i, off = 0;
	int line = 1;

	for (i = 0; i < res->nitems; i++) {
		ad_merge_item *it = &res->items[i];

		for (; off < it->start && off < res->out.size; off++)
			if (p[off] == '\n' || (p[off] == '\r' && (off + 1 == res->out.size || p[off + 1] != '\n')))
				line++;
		it->line = it->end > it->start ? line : 0;
	}
}

/* ---------------------------------------------------------------- text helpers */

static bool text_eq(const text *a, const text *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

static text make_text(const char *p, size_t len)
{
	text t = { p, len, 0 };
	return t;
}

static bool ends_with_eol(const char *p, size_t len)
{
	return len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r');
}

/* Bytes of the line ending that ends p[0..len), 0 if none. */
static size_t eol_size(const char *p, size_t len)
{
	if (len >= 2 && p[len - 2] == '\r' && p[len - 1] == '\n')
		return 2;
	return ends_with_eol(p, len) ? 1 : 0;
}

/* The first line ending of p, "\n" when it has none. */
static const char *first_eol(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\n')
			return "\n";
		if (p[i] == '\r')
			return i + 1 < len && p[i + 1] == '\n' ? "\r\n" : "\r";
	}
	return "\n";
}

/* The end of the line starting at off, past its line ending. */
static size_t line_end_of(const char *p, size_t len, size_t off)
{
	while (off < len && p[off] != '\n' && p[off] != '\r')
		off++;
	if (off < len && p[off] == '\r')
		return off + 1 < len && p[off + 1] == '\n' ? off + 2 : off + 1;
	return off < len ? off + 1 : off;
}

static bool is_blank_line(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
	return true;
}

/* Length of the text without its trailing blank lines (the gap before the
 * next piece).  A line counts as blank only if it has its line ending. */
static size_t core_len(const char *p, size_t len)
{
	size_t end = len;

	while (end > 0) {
		size_t s = end - eol_size(p, end), k;

		if (s == end)
			break; /* last line without an ending: content */
		for (k = s; k > 0 && p[k - 1] != '\n' && p[k - 1] != '\r'; k--)
			;
		if (!is_blank_line(p + k, s - k))
			break;
		end = k;
	}
	return end;
}

/* Equal but for the blank lines at the end (which a section loses when it
 * moves to the end of its file): for deletions, which are not edits then. */
static bool same_core(const text *a, const text *b)
{
	size_t ca = core_len(a->p, a->len), cb = core_len(b->p, b->len);

	return ca == cb && (ca == 0 || memcmp(a->p, b->p, ca) == 0);
}

/* ---------------------------------------------------------------- diff3 of lines */

typedef struct {
	int b0, b1;         /* base lines [b0, b1) */
	size_t bo0, bo1;    /* their bytes */
	size_t so0, so1;    /* the side's replacement bytes */
} hunk;

/* The changes of a diff as hunks: maximal runs of non-EQUAL ops. */
static hunk *hunks_of(const ad_textdiff *d, size_t *out_n)
{
	hunk *h = NULL;
	size_t cap = 0, n = 0, i = 0;

	while (i < d->count) {
		const ad_textdiff_op *op = &d->ops[i];
		hunk x;

		if (op->kind == AD_TEXTDIFF_EQUAL) {
			i++;
			continue;
		}
		x.b0 = op->a_start;
		x.bo0 = op->a_off;
		x.so0 = op->b_off;
		x.b1 = op->a_start;
		x.bo1 = op->a_off;
		x.so1 = op->b_off;
		for (; i < d->count && d->ops[i].kind != AD_TEXTDIFF_EQUAL; i++) {
			op = &d->ops[i];
			if (op->a_count) {
				x.b1 = op->a_start + op->a_count;
				x.bo1 = op->a_off + op->a_len;
			}
			if (op->b_count)
				x.so1 = op->b_off + op->b_len;
		}
		ad_xgrow((void **)&h, &cap, n + 1, sizeof(*h));
		h[n++] = x;
	}
	*out_n = n;
	return h;
}

/* A marker line.  Its run is written at full length (git's markers can be
 * any size); past the budget nothing is written and the merge fails. */
static void put_marker(merger *m, char ch, const char *label)
{
	ad_buf *out = &m->res->out;
	size_t run = (size_t)m->marker_size;
	size_t need = run + (label && *label ? strlen(label) + 1 : 0) + strlen(m->eol);

	if (m->too_big || need > m->marker_budget - m->marker_bytes) {
		m->too_big = true;
		return;
	}
	m->marker_bytes += need;
	ad_buf_grow(out, run);
	memset(out->ptr + out->size, ch, run);
	out->size += run;
	if (label && *label) {
		ad_buf_putc(out, ' ');
		ad_buf_puts(out, label);
	}
	ad_buf_puts(out, m->eol);
}

/* Text of one side in a conflict, ending with a line ending. */
static void put_side(merger *m, const char *p, size_t len)
{
	ad_buf_put(&m->res->out, p, len);
	if (len && !ends_with_eol(p, len))
		ad_buf_puts(&m->res->out, m->eol);
}

static void put_conflict(merger *m, const text *o, const text *b, const text *t)
{
	put_marker(m, '<', m->label[O]);
	put_side(m, o->p, o->len);
	if (m->style == AD_MERGE_STYLE_DIFF3) {
		put_marker(m, '|', m->label[B]);
		put_side(m, b->p, b->len);
	}
	put_marker(m, '=', NULL);
	put_side(m, t->p, t->len);
	put_marker(m, '>', m->label[T]);
	m->last_marker_end = m->res->out.size;
}

/* Length of the common leading lines of a and b, whole lines only. */
static size_t common_prefix_lines(const text *a, const text *b)
{
	size_t at = 0;

	while (at < a->len && at < b->len) {
		size_t le = line_end_of(a->p, a->len, at);

		if (le > b->len || memcmp(a->p + at, b->p + at, le - at) ||
		    line_end_of(b->p, b->len, at) != le || !ends_with_eol(a->p, le))
			break;
		at = le;
	}
	return at;
}

/* Start of the last line of p[from, len). */
static size_t last_line_start(const char *p, size_t from, size_t len)
{
	size_t k = len - eol_size(p, len);

	while (k > from && p[k - 1] != '\n' && p[k - 1] != '\r')
		k--;
	return k;
}

/* Length of the common trailing lines of a and b after skip bytes. */
static size_t common_suffix_lines(const text *a, const text *b, size_t skip)
{
	size_t ae = a->len, be = b->len, suf = 0;

	while (ae > skip && be > skip && ends_with_eol(a->p, ae) && ends_with_eol(b->p, be)) {
		size_t as = last_line_start(a->p, skip, ae), bs = last_line_start(b->p, skip, be);

		if (ae - as != be - bs || memcmp(a->p + as, b->p + bs, ae - as))
			break;
		suf += ae - as;
		ae = as;
		be = bs;
	}
	return suf;
}

/* A conflict; when the base part is empty (both sides inserted text),
 * lines both inserted at its start or end are written once outside it.
 * Git trims the same way at its "zealous" level, which the diff3 style
 * cannot use in general because the base part would no longer match. */
static void put_conflict_trimmed(merger *m, const text *o, const text *b, const text *t)
{
	ad_buf *out = &m->res->out;
	size_t pre = 0, suf = 0;
	text mo = *o, mt = *t;

	if (b->len == 0) {
		pre = common_prefix_lines(o, t);
		suf = common_suffix_lines(o, t, pre);
		mo = make_text(o->p + pre, o->len - pre - suf);
		mt = make_text(t->p + pre, t->len - pre - suf);
	}
	ad_buf_put(out, o->p, pre);
	if (out->size && !ends_with_eol(out->ptr, out->size))
		ad_buf_puts(out, m->eol);
	put_conflict(m, &mo, b, &mt);
	ad_buf_put(out, o->p + o->len - suf, suf);
}

/* Whether hunk x overlaps or touches one of other[0..n) (diff3_lines
 * would group them). */
static bool touches(const hunk *x, const hunk *other, size_t n)
{
	size_t i;

	for (i = 0; i < n && other[i].b0 <= x->b1; i++)
		if (x->b0 <= other[i].b1)
			return true;
	return false;
}

/* Bytes of the line at off when it equals the line at p2[off2]; else 0. */
static size_t same_line(const char *p, size_t len, size_t off,
			const char *p2, size_t len2, size_t off2)
{
	size_t e = line_end_of(p, len, off), e2 = line_end_of(p2, len2, off2);

	if (e == off || e - off != e2 - off2 || memcmp(p + off, p2 + off2, e - off))
		return 0;
	return e - off;
}

/*
 * An insertion among equal lines can sit at several places ("x\n\n"
 * after a blank line, or "\nx\n" before it): the diff picks one.  Where
 * that one touches the other side's change, it is slid down over the
 * equal lines after it to where it does not, as long as the
 * side's text stays the same; git's diff heuristics often put it there
 * anyway, and then git merges without a conflict.
 */
static void slide_insertions(hunk *h, size_t n, const hunk *other, size_t nother,
			     const text *b, const text *sd)
{
	size_t i;
	int step;

	/* Only down: slid up, an insertion lands before lines the other side
	 * may have rewritten around it, and the people who merged such cases
	 * by hand often dropped it (a conflict is better then). */
	for (i = 0; i < n; i++) {
		hunk x = h[i];

		if (x.b0 != x.b1 || x.so0 == x.so1 || !touches(&x, other, nother))
			continue;
		for (step = 0; step < 64; step++) {
			size_t ll;

			/* base line x.b0, after the insertion, is not changed */
			if (x.bo0 >= b->len || (i + 1 < n && x.b0 + 1 >= h[i + 1].b0))
				break;
			ll = same_line(b->p, b->len, x.bo0, sd->p, sd->len, x.so0);
			if (!ll || !same_line(b->p, b->len, x.bo0, sd->p, sd->len, x.so1))
				break;
			x.b0++, x.b1++;
			x.bo0 += ll, x.bo1 = x.bo0;
			x.so0 += ll, x.so1 += ll;
			if (!touches(&x, other, nother)) {
				h[i] = x;
				break;
			}
		}
	}
}

/*
 * diff3 as git's xdl_merge does it at its "eager" level (the one it uses
 * for the diff3 style): the hunks of base->ours and base->theirs are
 * grouped where they overlap or touch; a group changed by one side only
 * takes that side, one changed by both takes the change once when both
 * replacements are the same bytes and is a conflict otherwise.  Returns
 * the number of conflicts written.
 */
static size_t diff3_lines(merger *m, const text *b, const text *o, const text *t)
{
	ad_textdiff *d1 = NULL, *d2 = NULL;
	hunk *h1 = NULL, *h2 = NULL;
	size_t n1 = 0, n2 = 0, i = 0, j = 0, conflicts = 0;
	size_t pos = 0; /* base bytes written up to here */
	ad_buf *out = &m->res->out;

	if (ad_textdiff_lines(&d1, b->p, b->len, o->p, o->len, NULL) < 0 ||
	    ad_textdiff_lines(&d2, b->p, b->len, t->p, t->len, NULL) < 0) {
		/* Only past INT_MAX lines: no line structure to work with. */
		put_conflict(m, o, b, t);
		conflicts = 1;
		goto done;
	}
	h1 = hunks_of(d1, &n1);
	h2 = hunks_of(d2, &n2);
	slide_insertions(h1, n1, h2, n2, b, o);
	slide_insertions(h2, n2, h1, n1, b, t);

	while (i < n1 || j < n2) {
		size_t fi = i, fj = j;
		int gb1;        /* the group: base lines up to gb1 */
		size_t gbo0, gbo1; /* and its bytes */
		bool grew = true;

		if (j >= n2 || (i < n1 && h1[i].b0 <= h2[j].b0)) {
			gbo0 = h1[i].bo0, gb1 = h1[i].b1, gbo1 = h1[i].bo1;
			i++;
		} else {
			gbo0 = h2[j].bo0, gb1 = h2[j].b1, gbo1 = h2[j].bo1;
			j++;
		}
		while (grew) {
			grew = false;
			if (i < n1 && h1[i].b0 <= gb1) {
				if (h1[i].b1 > gb1)
					gb1 = h1[i].b1, gbo1 = h1[i].bo1;
				i++;
				grew = true;
			}
			if (j < n2 && h2[j].b0 <= gb1) {
				if (h2[j].b1 > gb1)
					gb1 = h2[j].b1, gbo1 = h2[j].bo1;
				j++;
				grew = true;
			}
		}
		ad_buf_put(out, b->p + pos, gbo0 - pos);
		pos = gbo1;
		{
			/* Each side's bytes for base [gbo0, gbo1): its hunks, and
			 * the equal lines around them, which are base's bytes. */
			text so, st, sb = make_text(b->p + gbo0, gbo1 - gbo0);
			bool co = i > fi, ct = j > fj;

			if (co)
				so = make_text(o->p + h1[fi].so0 - (h1[fi].bo0 - gbo0),
					       (h1[i - 1].so1 + (gbo1 - h1[i - 1].bo1)) -
					       (h1[fi].so0 - (h1[fi].bo0 - gbo0)));
			if (ct)
				st = make_text(t->p + h2[fj].so0 - (h2[fj].bo0 - gbo0),
					       (h2[j - 1].so1 + (gbo1 - h2[j - 1].bo1)) -
					       (h2[fj].so0 - (h2[fj].bo0 - gbo0)));
			if (co && ct && !text_eq(&so, &st)) {
				put_conflict_trimmed(m, &so, &sb, &st);
				conflicts++;
			} else if (co) {
				ad_buf_put(out, so.p, so.len);
			} else {
				ad_buf_put(out, st.p, st.len);
			}
		}
	}
	ad_buf_put(out, b->p + pos, b->len - pos);
done:
	free(h1);
	free(h2);
	ad_textdiff_free(d1);
	ad_textdiff_free(d2);
	return conflicts;
}

/* ---------------------------------------------------------------- text of one id */

static text part(const text *x, int which)
{
	size_t head = x->head <= x->len ? x->head : x->len;
	size_t core = head + core_len(x->p + head, x->len - head);

	if (which == 0)
		return make_text(x->p, head);
	if (which == 1)
		return make_text(x->p + head, core - head);
	return make_text(x->p + core, x->len - core);
}

/*
 * Writes the merge of three present texts that all differ.  The heading
 * line, the text below it and the trailing blank lines are merged apart:
 * a renamed heading and an edited first paragraph do not touch, and the
 * blank lines that separate sections, which change when a section moves to
 * or from the end of the file, never conflict (ours wins if both changed
 * them).
 */
static size_t merge_parts_apart(merger *m, const text *b, const text *o, const text *t)
{
	size_t conflicts = 0;
	int k;

	for (k = 0; k < 3; k++) {
		text pb = part(b, k), po = part(o, k), pt = part(t, k);

		if (text_eq(&pb, &po) && !text_eq(&po, &pt))
			ad_buf_put(&m->res->out, pt.p, pt.len);
		else if (text_eq(&po, &pt) || text_eq(&pb, &pt) || k == 2)
			ad_buf_put(&m->res->out, po.p, po.len);
		else
			conflicts += diff3_lines(m, &pb, &po, &pt);
	}
	return conflicts;
}

/* What put_marker and put_conflict change, to take back a trial merge. */
typedef struct {
	size_t size, last_marker_end, marker_bytes;
	bool too_big;
} out_mark;

static out_mark mark_out(const merger *m)
{
	out_mark k = { m->res->out.size, m->last_marker_end, m->marker_bytes, m->too_big };
	return k;
}

static void undo_out(merger *m, const out_mark *k)
{
	m->res->out.size = k->size;
	m->last_marker_end = k->last_marker_end;
	m->marker_bytes = k->marker_bytes;
	m->too_big = k->too_big;
}

/*
 * The parts merged apart (above), unless that conflicts where a diff3 of
 * the whole texts, as git would do it, conflicts less: an insertion after
 * the blank line that ends a section does not touch an edit of the
 * section's last line in git, and must not here either.
 */
static size_t merge_parts(merger *m, const text *b, const text *o, const text *t)
{
	out_mark k = mark_out(m);
	size_t apart = merge_parts_apart(m, b, o, t), whole;

	if (!apart)
		return 0;
	undo_out(m, &k);
	whole = diff3_lines(m, b, o, t);
	if (whole < apart)
		return whole;
	undo_out(m, &k);
	return merge_parts_apart(m, b, o, t);
}

/*
 * Writes the merged text of one id, given the sides that have it (NULL
 * where absent), and says what happened.  An id absent from the result
 * (deleted) writes nothing.
 */
static outcome merge_text(merger *m, const text *b, const text *o, const text *t)
{
	outcome oc = { AD_MERGE_KEPT, 0 };
	ad_buf *out = &m->res->out;
	static const text empty = { "", 0, 0 };

	if (o && t) {
		if (text_eq(o, t)) {
			ad_buf_put(out, o->p, o->len);
			oc.action = !b ? AD_MERGE_ADDED_BOTH : text_eq(b, o) ? AD_MERGE_KEPT : AD_MERGE_BOTH;
		} else if (b && text_eq(b, o)) {
			ad_buf_put(out, t->p, t->len);
			oc.action = AD_MERGE_THEIRS;
		} else if (b && text_eq(b, t)) {
			ad_buf_put(out, o->p, o->len);
			oc.action = AD_MERGE_OURS;
		} else {
			oc.conflicts = merge_parts(m, b ? b : &empty, o, t);
			oc.action = oc.conflicts ? AD_MERGE_CONFLICT : AD_MERGE_COMBINED;
		}
	} else if (o || t) {
		const text *x = o ? o : t;

		if (!b) {
			ad_buf_put(out, x->p, x->len);
			oc.action = o ? AD_MERGE_ADDED_OURS : AD_MERGE_ADDED_THEIRS;
		} else if (same_core(b, x)) {
			oc.action = o ? AD_MERGE_DELETED_THEIRS : AD_MERGE_DELETED_OURS;
		} else {
			if (out->size && !ends_with_eol(out->ptr, out->size))
				ad_buf_puts(out, m->eol);
			put_conflict(m, o ? o : &empty, b, t ? t : &empty);
			oc.conflicts = 1;
			oc.action = o ? AD_MERGE_CONFLICT_DELETED_THEIRS : AD_MERGE_CONFLICT_DELETED_OURS;
		}
	} else if (b) {
		oc.action = AD_MERGE_DELETED_BOTH;
	}
	return oc;
}

/* Whether merge_text() keeps the id in the result. */
static bool is_present(const text *b, const text *o, const text *t)
{
	if (o && t)
		return true;
	if (o)
		return !b || !same_core(b, o);
	if (t)
		return !b || !same_core(b, t);
	return false;
}

/* ---------------------------------------------------------------- order */

/*
 * The order of the ids in the result.  Ours' order is the frame; an id
 * theirs moved (it is outside the longest common subsequence of base and
 * theirs) and ours did not is taken out of it, together with the ids ours
 * added or moved right after it (ours put them after that id, so they
 * follow it); then every id of theirs not yet placed goes right after its
 * nearest predecessor in theirs that is placed, past anything only ours
 * has there (so at one spot ours' additions come first).  Ids in the
 * result that neither ordering placed cannot exist, but are appended.
 * Deleted ids follow their nearest placed predecessor in base, for the
 * report.
 *
 * ids: seq[s] lists side s's ids in file order (each at most once);
 * present[id] says which are in the result.  *out gets every id of any
 * side once; moved[id] gets AD_MERGE_MOVED_* bits.
 */
typedef struct {
	int *next, *prev;    /* list over ids; nids is the head sentinel */
	bool *placed;
} idlist;

static void list_insert_after(idlist *l, int after, int id)
{
	int nx = l->next[after];

	l->next[id] = nx;
	l->prev[id] = after;
	l->prev[nx] = id;
	l->next[after] = id;
	l->placed[id] = true;
}

static int merge_order(int **out, size_t *nout, unsigned char *moved,
		       int *const seq[3], const size_t n[3], const bool *present,
		       size_t nids)
{
	idlist l;
	int head = (int)nids, anchor, s, k, id, carrier, last_att = -1;
	int *next_att; /* ids placed along with a carrier, in order */
	int *bpos, *at_o, *at_t; /* base position; base anchors in ours, theirs */
	bool *in[3], *attached;
	uint64_t *keys[3];
	size_t i, cnt = 0;
	int error = 0;

	bpos = ad_xmalloc((nids + 1) * sizeof(int));
	at_o = ad_xmalloc((nids + 1) * sizeof(int));
	at_t = ad_xmalloc((nids + 1) * sizeof(int));
	for (i = 0; i <= nids; i++)
		bpos[i] = at_o[i] = at_t[i] = -1;
	for (i = 0; i < n[B]; i++)
		bpos[seq[B][i]] = (int)i;
	next_att = ad_xmalloc((nids + 1) * sizeof(int));
	attached = ad_xcalloc(nids + 1, sizeof(bool));
	for (i = 0; i <= nids; i++)
		next_att[i] = -1;
	l.next = ad_xmalloc((nids + 1) * sizeof(int));
	l.prev = ad_xmalloc((nids + 1) * sizeof(int));
	l.placed = ad_xcalloc(nids + 1, sizeof(bool));
	l.next[head] = l.prev[head] = head;
	for (s = 0; s < 3; s++) {
		in[s] = ad_xcalloc(nids + 1, sizeof(bool));
		keys[s] = ad_xmalloc((n[s] + 1) * sizeof(uint64_t));
		for (i = 0; i < n[s]; i++) {
			in[s][seq[s][i]] = true;
			keys[s][i] = (uint64_t)seq[s][i];
		}
	}
	memset(moved, 0, nids);
	for (s = O; s <= T; s++) {
		ad_textdiff *d = NULL;
		bool *stable = ad_xcalloc(nids + 1, sizeof(bool));

		if ((error = ad_textdiff_keys(&d, keys[B], (int)n[B], keys[s], (int)n[s], NULL)) < 0) {
			free(stable);
			goto done;
		}
		for (i = 0; i < d->count; i++)
			if (d->ops[i].kind == AD_TEXTDIFF_EQUAL)
				for (k = 0; k < d->ops[i].b_count; k++)
					stable[seq[s][d->ops[i].b_start + k]] = true;
		for (i = 0; i < n[s]; i++) {
			id = seq[s][i];
			if (in[B][id] && !stable[id])
				moved[id] |= s == O ? AD_MERGE_MOVED_OURS : AD_MERGE_MOVED_THEIRS;
		}
		ad_textdiff_free(d);
		free(stable);
	}

	/* Where each side's ids sit relative to base: the base position of the
	 * id itself, or of the nearest id before it that the side kept in
	 * place (-1 for none). */
	for (s = O; s <= T; s++) {
		int a = -1;

		for (i = 0; i < n[s]; i++) {
			id = seq[s][i];
			if (in[B][id] && !(moved[id] & (s == O ? AD_MERGE_MOVED_OURS :
							   AD_MERGE_MOVED_THEIRS)))
				a = bpos[id];
			(s == O ? at_o : at_t)[id] = a;
		}
	}

	/* Ours' frame.  What ours placed right after an id theirs moved
	 * (sections it added or moved there) goes along with that id. */
	anchor = head;
	carrier = -1;
	for (i = 0; i < n[O]; i++) {
		id = seq[O][i];
		if (!present[id])
			continue;
		if (moved[id] == AD_MERGE_MOVED_THEIRS) {
			carrier = id;
			last_att = id;
		} else if (carrier >= 0 && (!in[B][id] || (moved[id] & AD_MERGE_MOVED_OURS)) &&
			   (!in[T][id] || in[B][id])) {
			next_att[last_att] = id;
			last_att = id;
			attached[id] = true;
		} else {
			carrier = -1;
			list_insert_after(&l, anchor, id);
			anchor = id;
		}
	}
	anchor = head;
	for (i = 0; i < n[T]; i++) {
		id = seq[T][i];
		if (!present[id] || attached[id])
			continue;
		if (!l.placed[id]) {
			int at = anchor, a;

			/* Past what only ours has here, unless ours has it
			 * further down in base than theirs has this id (ours
			 * added it after a section theirs replaced). */
			while (l.next[at] != head && !in[T][l.next[at]] &&
			       at_o[l.next[at]] <= at_t[id])
				at = l.next[at];
			list_insert_after(&l, at, id);
			for (a = next_att[id], at = id; a >= 0; at = a, a = next_att[a])
				list_insert_after(&l, at, a);
		}
		anchor = id;
	}
	for (id = 0; id < (int)nids; id++)
		if (present[id] && !l.placed[id])
			list_insert_after(&l, l.prev[head], id);
	anchor = head;
	for (i = 0; i < n[B]; i++) {
		id = seq[B][i];
		if (l.placed[id]) {
			anchor = id;
		} else if (!present[id]) {
			list_insert_after(&l, anchor, id);
			anchor = id;
		}
	}
	/* Deleted ids of ours or theirs that base lacks cannot exist either
	 * (an id only one side has is present), but keep the list whole. */
	for (id = 0; id < (int)nids; id++)
		if (!l.placed[id] && (in[O][id] || in[T][id]))
			list_insert_after(&l, l.prev[head], id);

	*out = ad_xmalloc((nids + 1) * sizeof(int));
	for (id = l.next[head]; id != head; id = l.next[id])
		(*out)[cnt++] = id;
	*nout = cnt;
done:
	for (s = 0; s < 3; s++) {
		free(in[s]);
		free(keys[s]);
	}
	free(l.next);
	free(l.prev);
	free(l.placed);
	free(next_att);
	free(attached);
	free(bpos);
	free(at_o);
	free(at_t);
	return error;
}

/* ---------------------------------------------------------------- pieces */

typedef struct {
	int id;
	text t;
	int section;              /* section index, or -1 */
	bool close;               /* a closing tag piece */
	const ad_fm_field *field; /* for fields */
} piece;

typedef struct {
	piece *v;
	size_t n, cap;
} pieces;

static void add_piece(pieces *ps, int id, const char *data, size_t start, size_t end,
		      size_t head, int section, bool close, const ad_fm_field *field)
{
	piece *p;

	ad_xgrow((void **)&ps->v, &ps->cap, ps->n + 1, sizeof(*ps->v));
	p = &ps->v[ps->n++];
	p->id = id;
	p->t.p = data + start;
	p->t.len = end - start;
	p->t.head = head;
	p->section = section;
	p->close = close;
	p->field = field;
}

typedef struct {
	const ad_doc *doc;
	const char *data;
	size_t size;
	bool final_eol;   /* ends with a line ending (or is empty) */
	const char *eol;  /* its first line ending */
	bool split_head;  /* frontmatter taken apart into fields */
	text pre, post;   /* split: [0, first field), [yaml_end, body_start) */
	text whole_head;  /* not split: [0, body_start) */
	pieces fields;    /* split: ids are key ids */
	pieces body;      /* ids are row ids */
	const int *ids;   /* section index -> id of its own text (+ 1: its close) */
} side;

/* The frontmatter fields tile [first field, yaml_end) and the block ends
 * where the body starts: then it can be merged field by field. */
static bool can_split(const ad_doc *doc)
{
	const ad_frontmatter *fm = ad_doc_frontmatter(doc);
	size_t i, at;

	if (!fm || fm->not_mapping || fm->end != ad_doc_body_start(doc) ||
	    fm->yaml_end > fm->end || fm->yaml_start > fm->yaml_end)
		return false;
	at = fm->nfields ? fm->fields[0].start : fm->yaml_end;
	if (at < fm->yaml_start)
		return false;
	for (i = 0; i < fm->nfields; i++) {
		if (fm->fields[i].start != at || fm->fields[i].end < at)
			return false;
		at = fm->fields[i].end;
	}
	return at == fm->yaml_end;
}

/* Appends a line ending to the text that ends the file, when it lacks one,
 * so that it compares equal to the same text elsewhere. */
static void normalize_last(merger *m, side *sd)
{
	text *last = NULL;
	char *copy;

	if (sd->final_eol)
		return;
	if (sd->body.n)
		last = &sd->body.v[sd->body.n - 1].t;
	else if (sd->split_head)
		last = &sd->post;
	else
		last = &sd->whole_head;
	if (!last->len)
		return;
	copy = ad_arena_alloc(&m->tmp, last->len + 3);
	memcpy(copy, last->p, last->len);
	memcpy(copy + last->len, sd->eol, strlen(sd->eol) + 1);
	last->p = copy;
	last->len += strlen(sd->eol);
}

/* Body pieces of one side; ids[sec] is the id of section sec's own text,
 * ids[sec] + 1 that of its close.  Returns false when they do not tile the
 * body (then the merge is done as plain lines). */
static bool cut_body(side *sd, const int *ids)
{
	const ad_section *secs = ad_doc_sections(sd->doc);
	size_t nsec = ad_doc_section_count(sd->doc), i, at = ad_doc_body_start(sd->doc);
	int closes[AD_DOC_MAX_TAG_DEPTH * 8 + 16];

	for (i = 0; i < nsec; i++) {
		const ad_section *s = &secs[i];
		size_t end = s->lead_end, cut = end;
		int nc = 0, k, a;

		if (s->start < ad_doc_body_start(sd->doc))
			continue; /* above a misplaced frontmatter: part of the head */
		if (s->start != at || end < s->start || end > sd->size)
			return false;
		/* The closing tag lines in this piece: its own, or for the
		 * last descendant of tags, theirs. */
		for (a = (int)i; a >= 0; a = secs[a].parent) {
			const ad_section *t = &secs[a];

			if (t->kind == AD_SECTION_TAG && t->close_start > s->start &&
			    t->close_start < end && nc < (int)(sizeof(closes) / sizeof(closes[0])))
				closes[nc++] = a;
		}
		/* Ancestors come later in this walk and close later in the
		 * file: sort by offset anyway, since the spans are the truth. */
		for (k = 1; k < nc; k++) {
			int x = closes[k], y = k;

			while (y > 0 && secs[closes[y - 1]].close_start > secs[x].close_start) {
				closes[y] = closes[y - 1];
				y--;
			}
			closes[y] = x;
		}
		if (nc)
			cut = secs[closes[0]].close_start;
		add_piece(&sd->body, ids[i], sd->data, s->start, cut,
			  s->kind == AD_SECTION_PREAMBLE ? 0 :
			  (s->head_end > s->start && s->head_end <= cut ? s->head_end - s->start : 0),
			  (int)i, false, NULL);
		for (k = 0; k < nc; k++) {
			size_t cs = secs[closes[k]].close_start;
			size_t ce = k + 1 < nc ? secs[closes[k + 1]].close_start : end;

			if (ce > cs)
				add_piece(&sd->body, ids[closes[k]] + 1, sd->data, cs, ce,
					  0, closes[k], true, NULL);
		}
		at = end;
	}
	return at == sd->size;
}

/* ---------------------------------------------------------------- field ids */

typedef struct {
	const char *key;
	size_t occ; /* occurrence of this key in its side */
	int side;
	size_t index;
} keyref;

static int cmp_keyref(const void *pa, const void *pb)
{
	const keyref *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	return a->occ < b->occ ? -1 : a->occ > b->occ;
}

/* Gives each field an id: the same key (and occurrence) is the same id. */
static size_t field_ids(side sd[3])
{
	keyref *refs;
	size_t total = 0, n = 0, i, nids = 0;
	int s;

	for (s = 0; s < 3; s++)
		total += sd[s].fields.n;
	refs = ad_xmalloc((total + 1) * sizeof(*refs));
	for (s = 0; s < 3; s++) {
		for (i = 0; i < sd[s].fields.n; i++) {
			/* The pieces are the frontmatter's fields, in order. */
			refs[n].key = sd[s].fields.v[i].field->key;
			refs[n].occ = sd[s].fields.v[i].field->occurrence;
			refs[n].side = s;
			refs[n].index = i;
			n++;
		}
	}
	qsort(refs, n, sizeof(*refs), cmp_keyref);
	for (i = 0; i < n; i++) {
		if (i > 0 && cmp_keyref(&refs[i - 1], &refs[i]))
			nids++;
		sd[refs[i].side].fields.v[refs[i].index].id = (int)nids;
	}
	free(refs);
	return n ? nids + 1 : 0;
}

/* ---------------------------------------------------------------- sets */

static bool has_name(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* The names of a field, deduplicated, in arena. */
static size_t names_of(const char ***out, ad_arena *arena, const ad_fm_field *f)
{
	const char **items = NULL;
	size_t n = f ? ad_fm_list_items(&items, arena, f) : 0, i, k = 0;

	for (i = 0; i < n; i++)
		if (!has_name(items, k, items[i]))
			items[k++] = items[i];
	*out = items;
	return k;
}

static bool list_like(const ad_fm_field *f)
{
	return !f || f->kind == AD_FM_NULL || f->kind == AD_FM_SCALAR ||
	       f->kind == AD_FM_BLOCK_LIST || f->kind == AD_FM_FLOW_LIST;
}

/* The start of the line holding off in text [0, len). */
static size_t line_start_of(const char *p, size_t off)
{
	while (off > 0 && p[off - 1] != '\n' && p[off - 1] != '\r')
		off--;
	return off;
}


/* A block list rewritten: item lines of names not kept are dropped (with
 * the lines that continue them), new names are added after the last item
 * line in its style.  false when the item lines cannot be matched to the
 * items. */
static bool render_block(ad_buf *out, const text *ot, const ad_fm_field *fo,
			 size_t fstart, const char *const *names, size_t n)
{
	const char *p = ot->p;
	size_t vs = fo->value_start - fstart, ve = fo->value_end - fstart;
	size_t at, item = 0, i, indent = 0;
	const char *eol = "\n";
	bool keep = true, first = true;
	const char **written = NULL;
	size_t nwritten = 0;
	ad_buf body = AD_BUF_INIT;
	bool ok = false;

	if (vs > ot->len || ve > ot->len || vs > ve)
		return false;
	written = ad_xcalloc(n + 1, sizeof(*written));
	at = line_start_of(p, vs);
	ad_buf_put(out, p, at);
	while (at < ot->len) {
		size_t le = line_end_of(p, ot->len, at), k = at;

		while (k < le && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (at <= ve && k < le && p[k] == '-' && (k + 1 == le || p[k + 1] == ' ' ||
							   p[k + 1] == '\t' || p[k + 1] == '\n' || p[k + 1] == '\r')) {
			const char *name;

			if (item >= fo->nitems)
				goto done;
			if (first) {
				indent = k - at;
				eol = first_eol(p + at, le - at);
				first = false;
			}
			name = fo->items[item++];
			/* Trimmed as ad_fm_list_items trims. */
			{
				size_t sl = strlen(name), s0 = 0;
				char *tn;

				while (s0 < sl && (name[s0] == ' ' || name[s0] == '\t'))
					s0++;
				while (sl > s0 && (name[sl - 1] == ' ' || name[sl - 1] == '\t'))
					sl--;
				tn = ad_xstrndup(name + s0, sl - s0);
				keep = has_name(names, n, tn) && !has_name(written, nwritten, tn);
				if (keep)
					for (i = 0; i < n; i++)
						if (!strcmp(names[i], tn))
							written[nwritten++] = names[i];
				free(tn);
			}
		} else if (at > ve) {
			break; /* trailing comments and blank lines */
		}
		if (keep)
			ad_buf_put(&body, p + at, le - at);
		at = le;
	}
	if (item != fo->nitems || first)
		goto done;
	ad_buf_put(out, body.ptr ? body.ptr : "", body.size);
	if (out->size && !ends_with_eol(out->ptr, out->size))
		ad_buf_puts(out, eol);
	for (i = 0; i < n; i++) {
		size_t k;

		if (has_name(written, nwritten, names[i]))
			continue;
		for (k = 0; k < indent; k++)
			ad_buf_putc(out, ' ');
		ad_buf_puts(out, "- ");
		ad_fm_put_scalar(out, names[i], false);
		ad_buf_puts(out, eol);
	}
	ad_buf_put(out, p + at, ot->len - at);
	ok = true;
done:
	free(written);
	ad_buf_free(&body);
	return ok;
}

/* The value [value_start, value_end) of ours' field replaced. */
static void render_inline(ad_buf *out, const text *ot, const ad_fm_field *fo,
			  size_t fstart, const char *const *names, size_t n)
{
	size_t vs = fo->value_start - fstart, ve = fo->value_end - fstart;
	const char *raw = ot->p + vs;
	bool space = ve > vs && !memchr(raw, ',', ve - vs) && n > 1 && fo->value &&
		     strchr(fo->value, ' ');

	if (fo->kind == AD_FM_SCALAR && ve > vs &&
	    ad_fm_put_comma_string(out, names, n, space ? " " : ", ",
				   *raw == '\'' ? AD_FM_QUOTE_SINGLE :
				   *raw == '"' ? AD_FM_QUOTE_DOUBLE : AD_FM_QUOTE_ANY)) {
		/* written in the scalar's form */
	} else {
		/* Flow list, or a null value: "[a, b]". */
		if (fo->kind == AD_FM_NULL && vs > 0 && ot->p[vs - 1] == ':')
			ad_buf_putc(out, ' ');
		ad_fm_put_flow_list(out, names, n);
	}
}

/*
 * A list-like field (tools, ...) changed differently on both sides, merged
 * as a set: (base ∩ ours ∩ theirs) ∪ (ours − base) ∪ (theirs − base), in
 * ours' order then theirs', written in ours' form.  The rewritten field is
 * parsed back and must give exactly those names; false (nothing written)
 * when the fields are not lists of names or the check fails.
 */
static bool merge_set(merger *m, const piece *pb, const piece *po, const piece *pt,
		      const ad_doc *ours)
{
	const ad_fm_field *fb = pb ? pb->field : NULL, *fo = po->field, *ft = pt->field;
	const char **nb, **no, **nt, **res;
	size_t cb, co, ct, n = 0, i, fstart;
	ad_buf field = AD_BUF_INIT, doc = AD_BUF_INIT;
	ad_doc *check = NULL;
	bool ok = false;

	if (!ad_fmdiff_is_set_key(fo->key) || !list_like(fo) || !list_like(ft) ||
	    (fb && !list_like(fb) && fb->kind != AD_FM_LITERAL && fb->kind != AD_FM_FOLDED))
		return false;
	cb = names_of(&nb, &m->tmp, fb);
	co = names_of(&no, &m->tmp, fo);
	ct = names_of(&nt, &m->tmp, ft);
	res = ad_arena_alloc(&m->tmp, (co + ct + 1) * sizeof(*res));
	for (i = 0; i < co; i++)
		if (!has_name(nb, cb, no[i]) || has_name(nt, ct, no[i]))
			res[n++] = no[i];
	for (i = 0; i < ct; i++)
		if (!has_name(nb, cb, nt[i]) && !has_name(no, co, nt[i]))
			res[n++] = nt[i];

	fstart = (size_t)(po->t.p - ad_doc_data(ours));
	if (po->t.p < ad_doc_data(ours) || fstart > ad_doc_size(ours))
		goto done; /* ours' text is a copy: it ends the file */
	if (fo->kind == AD_FM_BLOCK_LIST && n > 0) {
		if (!render_block(&field, &po->t, fo, fstart, res, n))
			goto done;
	} else {
		size_t vs = fo->value_start - fstart, ve = fo->value_end - fstart;

		if (fo->value_start < fstart || vs > ve || ve > po->t.len)
			goto done;
		ad_buf_put(&field, po->t.p, vs);
		render_inline(&field, &po->t, fo, fstart, res, n);
		ad_buf_put(&field, po->t.p + ve, po->t.len - ve);
	}

	/* Parse it back. */
	{
		const ad_frontmatter *fm;
		const char **got;
		size_t ng;

		ad_buf_puts(&doc, "---\n");
		ad_buf_put(&doc, field.ptr ? field.ptr : "", field.size);
		if (!ends_with_eol(doc.ptr, doc.size))
			goto done;
		ad_buf_puts(&doc, "---\n");
		if (ad_doc_parse(&check, NULL, doc.ptr, doc.size, NULL, NULL) < 0)
			goto done;
		fm = ad_doc_frontmatter(check);
		if (!fm || fm->error || fm->nfields != 1 || strcmp(fm->fields[0].key, fo->key))
			goto done;
		ng = ad_fm_list_items(&got, &m->tmp, &fm->fields[0]);
		if (ng != n)
			goto done;
		for (i = 0; i < n; i++)
			if (strcmp(got[i], res[i]))
				goto done;
	}
	ad_buf_put(&m->res->out, field.ptr, field.size);
	ok = true;
done:
	ad_doc_free(check);
	ad_buf_free(&field);
	ad_buf_free(&doc);
	return ok;
}

/* ---------------------------------------------------------------- driver */

static const text *cell_text(const piece *p)
{
	return p ? &p->t : NULL;
}

/* One id: its text, and its report line. */
static void emit_piece(merger *m, bool fields, const piece *c[3], unsigned moved,
		       bool gutted, const side sd[3])
{
	static const int pref[3] = { O, T, B };
	size_t start = m->res->out.size;
	ad_merge_item_kind kind = AD_MERGE_ITEM_FIELD;
	outcome oc;
	ad_merge_item *it;
	const char *name = "";
	int s, k;

	for (k = 0; k < 3 && !fields; k++)
		if (c[pref[k]])
			kind = c[pref[k]]->close ? AD_MERGE_ITEM_CLOSE : AD_MERGE_ITEM_SECTION;

	if (gutted) {
		/* Added by one side where the other gutted the file. */
		static const text empty = { "", 0, 0 };

		if (m->res->out.size && !ends_with_eol(m->res->out.ptr, m->res->out.size))
			ad_buf_puts(&m->res->out, m->eol);
		put_conflict(m, c[O] ? &c[O]->t : &empty, &empty, c[T] ? &c[T]->t : &empty);
		oc.action = AD_MERGE_CONFLICT;
		oc.conflicts = 1;
	} else if (kind == AD_MERGE_ITEM_FIELD && c[O] && c[T] && !text_eq(&c[O]->t, &c[T]->t) &&
	    (!c[B] || (!text_eq(&c[B]->t, &c[O]->t) && !text_eq(&c[B]->t, &c[T]->t))) &&
	    merge_set(m, c[B], c[O], c[T], sd[O].doc)) {
		oc.action = AD_MERGE_COMBINED;
		oc.conflicts = 0;
	} else {
		oc = merge_text(m, cell_text(c[B]), cell_text(c[O]), cell_text(c[T]));
	}
	m->res->conflicts += oc.conflicts;
	if (kind == AD_MERGE_ITEM_CLOSE && oc.action == AD_MERGE_KEPT)
		return;
	for (k = 0; k < 3; k++) {
		s = pref[k];
		if (!c[s])
			continue;
		if (kind == AD_MERGE_ITEM_FIELD)
			name = c[s]->field->key;
		else if (kind == AD_MERGE_ITEM_CLOSE)
			name = ad_doc_sections(sd[s].doc)[c[s]->section].tag;
		else
			name = ad_doc_sections(sd[s].doc)[c[s]->section].title;
		break;
	}
	it = add_item(m->res, kind, name ? name : "", oc, start);
	it->moved = moved;
	if (kind == AD_MERGE_ITEM_SECTION || kind == AD_MERGE_ITEM_CLOSE)
		for (s = 0; s < 3; s++)
			it->section[s] = c[s] ? c[s]->section : -1;
}

/* Whether the output ends with a blank line. */
static bool ends_with_blank_line(const ad_buf *out)
{
	size_t e, k;

	if (!out->size || !ends_with_eol(out->ptr, out->size))
		return false;
	e = out->size - eol_size(out->ptr, out->size);
	for (k = e; k > 0 && out->ptr[k - 1] != '\n' && out->ptr[k - 1] != '\r'; k--)
		;
	return is_blank_line(out->ptr + k, e - k);
}

/* A section with a heading (or an opening tag). */
static bool starts_with_heading(const piece *c[3], const side sd[3])
{
	int s;

	for (s = 0; s < 3; s++)
		if (c[s] && c[s]->section >= 0)
			return !c[s]->close &&
			       ad_doc_sections(sd[s].doc)[c[s]->section].kind != AD_SECTION_PREAMBLE;
	return false;
}

/*
 * Whether a piece lacks the blank line after it only because it ended its
 * file: it is the last piece of some side without trailing blank lines,
 * and wherever it is not last it has them.  Moved or added before another
 * section, it then gets a blank line, as whoever moved it would have
 * written.
 */
static bool ended_a_file(const piece *c[3], const side sd[3])
{
	bool last_somewhere = false;
	int s;

	for (s = 0; s < 3; s++) {
		const pieces *ps = &sd[s].body;
		bool last, gap;

		if (!c[s])
			continue;
		last = ps->n && &ps->v[ps->n - 1] == c[s];
		gap = core_len(c[s]->t.p, c[s]->t.len) < c[s]->t.len;
		if (last && !gap)
			last_somewhere = true;
		else if (!gap)
			return false;
	}
	return last_somewhere;
}


/* ---------------------------------------------------------------- groups */

/*
 * Runs of the output order written as one text per side (each side's
 * pieces there, in its file order) instead of piece by piece:
 *
 *   GROUP_INSIDE  a section one side deleted while the other added or
 *                 edited a section inside it: one conflict over all of it;
 *   GROUP_LINES   pieces whose pairing is in doubt (see merge.h): a diff3
 *                 of lines, as git would merge them.
 */
typedef enum { GROUP_LINES, GROUP_INSIDE } group_kind;

typedef struct {
	size_t start, end;  /* positions in the order, [start, end) */
	group_kind kind;
	int deleted_by;     /* INSIDE: the side that deleted the section */
	int sec[3];         /* INSIDE: the section in base and the side keeping it */
} group;

typedef struct {
	group *v;
	size_t n, cap;
} groups;

/* What the group finders look at. */
typedef struct {
	const side *sd;
	const piece *const *cell[3];
	const int *order;
	size_t norder;
	const size_t *pos;            /* id -> position in order, NO_POS if absent */
	const bool *present;
	const unsigned char *moved;
} layout;

#define NO_POS SIZE_MAX

static void add_group(groups *gs, size_t start, size_t end, group_kind kind)
{
	group *g;

	ad_xgrow((void **)&gs->v, &gs->cap, gs->n + 1, sizeof(*gs->v));
	g = &gs->v[gs->n++];
	g->start = start;
	g->end = end;
	g->kind = kind;
	g->deleted_by = -1;
	g->sec[B] = g->sec[O] = g->sec[T] = -1;
}

/* Widens [*lo, *hi] to the positions of section top of sd and of every
 * section inside it (their own texts and closes). */
static void subtree_span(size_t *lo, size_t *hi, const layout *l, const side *sd, int top)
{
	const ad_section *secs = ad_doc_sections(sd->doc);
	size_t nsec = ad_doc_section_count(sd->doc), i;
	int k;

	for (i = (size_t)top; i < nsec && (i == (size_t)top || secs[i].start < secs[top].end);
	     i++) {
		for (k = 0; k < 2; k++) {
			size_t p = l->pos[sd->ids[i] + k];

			if (p == NO_POS)
				continue;
			if (p < *lo)
				*lo = p;
			if (p > *hi)
				*hi = p;
		}
	}
}

/* Whether side u has none of base section bsec and what is inside it. */
static bool subtree_gone(const layout *l, int u, int bsec)
{
	const side *sb = &l->sd[B];
	const ad_section *secs = ad_doc_sections(sb->doc);
	size_t nsec = ad_doc_section_count(sb->doc), i;

	for (i = (size_t)bsec; i < nsec && (i == (size_t)bsec || secs[i].start < secs[bsec].end);
	     i++)
		if (l->cell[u][sb->ids[i]])
			return false;
	return true;
}

/*
 * A section side s added or edited, that the other side u lacks, inside a
 * section s kept and u deleted with all that was inside it: the outermost
 * such deleted section and all that is inside it, in base and in s, become
 * one GROUP_INSIDE.  When u kept the inner section, or some of the deleted
 * section's subsections (it took out the heading, or moved them), u's
 * structure places what s added among them: no conflict.
 */
static void inside_groups(groups *gs, const layout *l)
{
	int s;

	for (s = O; s <= T; s++) {
		const side *sd = &l->sd[s];
		const ad_section *secs = ad_doc_sections(sd->doc);
		size_t nsec = ad_doc_section_count(sd->doc), i;
		bool *done = ad_xcalloc(nsec + 1, sizeof(bool));
		/* Per section of s: 0 not known, 1 deleted by u with its subtree, 2 not. */
		unsigned char *gone = ad_xcalloc(nsec + 1, 1);
		int u = s == O ? T : O;

		for (i = 0; i < sd->body.n; i++) {
			const piece *p = &sd->body.v[i];
			const piece *pb = l->cell[B][p->id];
			int top = -1, a;
			size_t lo = NO_POS, hi = 0;

			if (p->close || p->section < 0 || !l->present[p->id] || l->cell[u][p->id] ||
			    (pb && same_core(&pb->t, &p->t)))
				continue;
			for (a = secs[p->section].parent; a >= 0; a = secs[a].parent) {
				int aid = sd->ids[a];

				if (!gone[a])
					gone[a] = l->cell[B][aid] && !l->cell[u][aid] &&
						  subtree_gone(l, u, l->cell[B][aid]->section) ? 1 : 2;
				if (gone[a] != 1)
					break;
				top = a;
			}
			if (top < 0 || done[top])
				continue;
			done[top] = true;
			pb = l->cell[B][sd->ids[top]];
			subtree_span(&lo, &hi, l, sd, top);
			subtree_span(&lo, &hi, l, &l->sd[B], pb->section);
			if (lo == NO_POS)
				continue;
			add_group(gs, lo, hi + 1, GROUP_INSIDE);
			gs->v[gs->n - 1].deleted_by = u;
			gs->v[gs->n - 1].sec[s] = top;
			gs->v[gs->n - 1].sec[B] = pb->section;
		}
		free(done);
		free(gone);
	}
}

typedef struct {
	uint64_t hash;
	int side;
	const piece *p;
} heading_ref;

static int cmp_heading_ref(const void *pa, const void *pb)
{
	const heading_ref *a = pa, *b = pb;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return a->side - b->side;
}

static uint64_t hash_bytes(const char *p, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/* Whether sections only ours added and sections only theirs added in
 * order[from, to) share a heading line. */
static bool same_heading_added(const layout *l, size_t from, size_t to)
{
	heading_ref *refs = NULL;
	size_t n = 0, cap = 0, i, j, k;
	bool found = false;

	for (i = from; i < to; i++) {
		int id = l->order[i];
		const piece *o = l->cell[O][id], *t = l->cell[T][id], *x = o ? o : t;

		if (l->cell[B][id] || (o && t) || !x || x->close || !x->t.head)
			continue;
		ad_xgrow((void **)&refs, &cap, n + 1, sizeof(*refs));
		refs[n].hash = hash_bytes(x->t.p, x->t.head);
		refs[n].side = o ? O : T;
		refs[n++].p = x;
	}
	if (n > 1)
		qsort(refs, n, sizeof(*refs), cmp_heading_ref);
	for (i = 0; i < n && !found; i = j) {
		for (j = i; j < n && refs[j].hash == refs[i].hash; j++)
			;
		for (k = i; k < j && !found; k++) {
			size_t q;

			for (q = k + 1; q < j && !found; q++)
				found = refs[k].side != refs[q].side &&
					refs[k].p->t.head == refs[q].p->t.head &&
					!memcmp(refs[k].p->t.p, refs[q].p->t.p, refs[k].p->t.head);
		}
	}
	free(refs);
	return found;
}

/* Present in all three and moved by neither side: a pairing to trust. */
static bool is_anchor(const layout *l, int id)
{
	return l->cell[B][id] && l->cell[O][id] && l->cell[T][id] && !l->moved[id];
}

/* Past this many pairs to compare in one run, a run that has the shape of
 * a wrong pairing is taken as one without looking. */
#define MAX_RESEMBLE_PAIRS 256

/*
 * Whether piece a of side sa could be a version of piece x of base: the
 * same normalised title, or at least half the words in common.  What the
 * aligner would have paired had it looked (it may not have: see align.h).
 */
static bool resembles(const layout *l, const piece *x, int sa, const piece *a, ad_buf *tmp)
{
	const ad_section *sx, *sy;
	char *nx;
	bool same;

	if (x->close || a->close || x->section < 0 || a->section < 0)
		return false;
	sx = &ad_doc_sections(l->sd[B].doc)[x->section];
	sy = &ad_doc_sections(l->sd[sa].doc)[a->section];
	if (sx->kind != AD_SECTION_PREAMBLE && sy->kind != AD_SECTION_PREAMBLE &&
	    sx->title && sy->title) {
		ad_align_normalize_title(tmp, sx->title);
		nx = ad_xstrndup(ad_buf_cstr(tmp), tmp->size);
		ad_align_normalize_title(tmp, sy->title);
		same = *nx && !strcmp(nx, ad_buf_cstr(tmp));
		free(nx);
		if (same)
			return true;
	}
	return ad_textdiff_similarity(x->t.p, x->t.len, a->t.p, a->t.len, AD_TEXTDIFF_WORDS,
				      NULL) >= 0.5;
}

/* Whether some base piece of lost[0..nlost) resembles some piece of side
 * s in add[0..nadd) (and, with s2 > 0, also one of side s2 in add2). */
static bool any_resembles(const layout *l, const piece *const *lost, size_t nlost,
			  int s, const piece *const *add, size_t nadd,
			  int s2, const piece *const *add2, size_t nadd2)
{
	ad_buf tmp = AD_BUF_INIT;
	size_t i, k;
	bool found = false;

	if (!nlost || !nadd || (s2 > 0 && !nadd2))
		return false;
	if (nlost * (nadd + nadd2) > MAX_RESEMBLE_PAIRS)
		return true;
	for (i = 0; i < nlost && !found; i++) {
		bool one = false, two = s2 <= 0;

		for (k = 0; k < nadd && !one; k++)
			one = resembles(l, lost[i], s, add[k], &tmp);
		for (k = 0; k < nadd2 && one && !two; k++)
			two = resembles(l, lost[i], s2, add2[k], &tmp);
		found = one && two;
	}
	ad_buf_free(&tmp);
	return found;
}

typedef struct {
	const piece **v;
	size_t n, cap;
} piece_list;

static void piece_push(piece_list *pl, const piece *p)
{
	ad_xgrow((void **)&pl->v, &pl->cap, pl->n + 1, sizeof(*pl->v));
	pl->v[pl->n++] = p;
}

/*
 * The runs of the order between anchors whose pairing is in doubt (see
 * merge.h) become GROUP_LINES: a base section gone from both sides where
 * both added (or moved) a section that resembles it; one gone from a side
 * that added such a section there while the other side edited it; or
 * sections added on both sides under the same heading.
 */
static void doubt_groups(groups *gs, const layout *l)
{
	/* lost by both, lost by ours (edited by theirs), lost by theirs
	 * (edited by ours); what ours and theirs added or moved there */
	piece_list lost2 = { NULL, 0, 0 }, lost_o = { NULL, 0, 0 }, lost_t = { NULL, 0, 0 };
	piece_list add_o = { NULL, 0, 0 }, add_t = { NULL, 0, 0 };
	size_t i = 0, j, k;

	while (i < l->norder) {
		if (is_anchor(l, l->order[i])) {
			i++;
			continue;
		}
		for (j = i; j < l->norder && !is_anchor(l, l->order[j]); j++)
			;
		lost2.n = lost_o.n = lost_t.n = add_o.n = add_t.n = 0;
		for (k = i; k < j; k++) {
			int id = l->order[k];
			const piece *b = l->cell[B][id], *o = l->cell[O][id], *t = l->cell[T][id];

			if (b && !o && !t)
				piece_push(&lost2, b);
			if (b && !o && t && !same_core(&b->t, &t->t))
				piece_push(&lost_o, b);
			if (b && !t && o && !same_core(&b->t, &o->t))
				piece_push(&lost_t, b);
			if (o && (!b || (l->moved[id] & AD_MERGE_MOVED_OURS)))
				piece_push(&add_o, o);
			if (t && (!b || (l->moved[id] & AD_MERGE_MOVED_THEIRS)))
				piece_push(&add_t, t);
		}
		if (any_resembles(l, lost2.v, lost2.n, O, add_o.v, add_o.n, T, add_t.v, add_t.n) ||
		    any_resembles(l, lost_o.v, lost_o.n, O, add_o.v, add_o.n, -1, NULL, 0) ||
		    any_resembles(l, lost_t.v, lost_t.n, T, add_t.v, add_t.n, -1, NULL, 0) ||
		    (add_o.n && add_t.n && same_heading_added(l, i, j)))
			add_group(gs, i, j, GROUP_LINES);
		i = j;
	}
	free(lost2.v);
	free(lost_o.v);
	free(lost_t.v);
	free(add_o.v);
	free(add_t.v);
}

static int cmp_group(const void *pa, const void *pb)
{
	const group *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (int)b->kind - (int)a->kind; /* INSIDE first */
}

/* All groups, sorted and made disjoint: overlapping ones are joined, as an
 * INSIDE group when one of them is. */
static void find_groups(groups *gs, const layout *l)
{
	size_t i, n = 0;

	inside_groups(gs, l);
	doubt_groups(gs, l);
	if (gs->n > 1)
		qsort(gs->v, gs->n, sizeof(*gs->v), cmp_group);
	for (i = 0; i < gs->n; i++) {
		group *last = n ? &gs->v[n - 1] : NULL;

		if (last && gs->v[i].start < last->end) {
			if (gs->v[i].end > last->end)
				last->end = gs->v[i].end;
			if (last->kind != GROUP_INSIDE && gs->v[i].kind == GROUP_INSIDE) {
				size_t start = last->start, end = last->end;

				*last = gs->v[i];
				last->start = start;
				last->end = end;
			}
		} else {
			gs->v[n++] = gs->v[i];
		}
	}
	gs->n = n;
}

static int cmp_piece_ptr(const void *pa, const void *pb)
{
	const piece *a = *(const piece *const *)pa, *b = *(const piece *const *)pb;

	return a < b ? -1 : a > b;
}

/* The name of a piece for the report: section title or tag name. */
static const char *piece_name(const piece *p, const side *sd)
{
	const ad_section *sec;

	if (!p || p->section < 0)
		return "";
	sec = &ad_doc_sections(sd->doc)[p->section];
	return (p->close ? sec->tag : sec->title) ? (p->close ? sec->tag : sec->title) : "";
}

/* Writes one group and its report line. */
static void emit_group(merger *m, const layout *l, const group *g)
{
	ad_buf side_text[3] = { AD_BUF_INIT, AD_BUF_INIT, AD_BUF_INIT };
	const piece **v = ad_xmalloc((g->end - g->start + 1) * sizeof(*v));
	const piece *first[3];
	text tx[3];
	size_t start = m->res->out.size, i, n;
	const char *name = "";
	outcome oc;
	ad_merge_item *it;
	int s;

	for (s = 0; s < 3; s++) {
		n = 0;
		for (i = g->start; i < g->end; i++)
			if (l->cell[s][l->order[i]])
				v[n++] = l->cell[s][l->order[i]];
		if (n > 1)
			qsort(v, n, sizeof(*v), cmp_piece_ptr);
		for (i = 0; i < n; i++)
			ad_buf_put(&side_text[s], v[i]->t.p, v[i]->t.len);
		first[s] = n ? v[0] : NULL;
		tx[s] = make_text(side_text[s].ptr ? side_text[s].ptr : "", side_text[s].size);
	}
	free(v);

	if (g->kind == GROUP_INSIDE) {
		int keep = g->deleted_by == O ? T : O;
		text core[3], gap = part(&tx[keep], 2);

		for (s = 0; s < 3; s++)
			core[s] = make_text(tx[s].p, tx[s].len - part(&tx[s], 2).len);
		if (m->res->out.size && !ends_with_eol(m->res->out.ptr, m->res->out.size))
			ad_buf_puts(&m->res->out, m->eol);
		if (text_eq(&core[O], &core[T])) {
			ad_buf_put(&m->res->out, tx[O].p, tx[O].len);
			oc.action = AD_MERGE_BOTH;
			oc.conflicts = 0;
		} else {
			put_conflict(m, &core[O], &core[B], &core[T]);
			ad_buf_put(&m->res->out, gap.p, gap.len);
			oc.action = g->deleted_by == O ? AD_MERGE_CONFLICT_DELETED_OURS :
							 AD_MERGE_CONFLICT_DELETED_THEIRS;
			oc.conflicts = 1;
		}
		name = ad_doc_sections(l->sd[keep].doc)[g->sec[keep]].title;
	} else {
		oc = merge_text(m, first[B] ? &tx[B] : NULL, first[O] ? &tx[O] : NULL,
				first[T] ? &tx[T] : NULL);
		for (s = 0; s < 3 && !*name; s++)
			name = piece_name(first[s], &l->sd[s]);
	}
	m->res->conflicts += oc.conflicts;
	it = add_item(m->res, AD_MERGE_ITEM_SECTION, name ? name : "", oc, start);
	if (g->kind == GROUP_INSIDE) {
		it->changed_inside = true;
		for (s = 0; s < 3; s++)
			it->section[s] = g->sec[s];
	} else {
		it->as_lines = true;
		for (s = 0; s < 3; s++)
			it->section[s] = first[s] ? first[s]->section : -1;
	}
	for (s = 0; s < 3; s++)
		ad_buf_free(&side_text[s]);
}

/* A base section piece: one with a heading (not the preamble, not a
 * closing tag). */
static bool is_section_piece(const piece *p, const side *sd)
{
	return p && !p->close && p->section >= 0 &&
	       ad_doc_sections(sd->doc)[p->section].kind != AD_SECTION_PREAMBLE;
}

/*
 * The sections one side added where the other gutted the file: the other
 * side deleted most of base's sections (more than half, two at least),
 * including the base sections next to the addition on the adding side.
 * Pasting the addition into what is left would read as if it belonged
 * there, so it is a conflict (issue 13, class 5).  NULL when there are
 * none; else an array over the ids, for the caller to free.
 */
static bool *gutted_additions(const side sd[3], const piece **const cell[3],
			      int *const seq[3], const size_t n[3], size_t nids)
{
	size_t nbase = 0, gone[3] = { 0, 0, 0 }, i, k;
	bool *out = NULL;
	int s;

	for (i = 0; i < n[B]; i++) {
		int id = seq[B][i];

		if (!is_section_piece(cell[B][id], &sd[B]))
			continue;
		nbase++;
		for (s = O; s <= T; s++)
			gone[s] += !cell[s][id];
	}
	for (s = O; s <= T; s++) {
		int other = s == O ? T : O;

		if (gone[other] < 2 || gone[other] * 2 <= nbase)
			continue;
		for (i = 0; i < n[s]; i++) {
			int id = seq[s][i];
			bool before_gone = true, after_gone = true;

			if (cell[B][id] || cell[other][id] || !is_section_piece(cell[s][id], &sd[s]))
				continue;
			for (k = i; k-- > 0;)
				if (cell[B][seq[s][k]]) {
					before_gone = !cell[other][seq[s][k]] ||
						      !is_section_piece(cell[B][seq[s][k]], &sd[B]);
					break;
				}
			for (k = i + 1; k < n[s]; k++)
				if (cell[B][seq[s][k]]) {
					after_gone = !cell[other][seq[s][k]];
					break;
				}
			if (!before_gone || !after_gone)
				continue;
			if (!out)
				out = ad_xcalloc(nids + 1, sizeof(bool));
			out[id] = true;
		}
	}
	return out;
}

/* Merges the fields or the body pieces by id: presence, order, text. */
static int merge_pieces(merger *m, side sd[3], bool fields, size_t nids)
{
	const piece **cell[3];
	int *seq[3], *order = NULL;
	size_t n[3], norder = 0, i, *pos = NULL, next_group = 0;
	bool *present = ad_xcalloc(nids + 1, sizeof(bool));
	unsigned char *moved = ad_xcalloc(nids + 1, 1);
	bool *gutted = NULL;
	groups gs = { NULL, 0, 0 };
	layout l;
	int s, error = 0;
	bool sep = false;

	for (s = 0; s < 3; s++) {
		const pieces *ps = fields ? &sd[s].fields : &sd[s].body;

		cell[s] = ad_xcalloc(nids + 1, sizeof(piece *));
		seq[s] = ad_xmalloc((ps->n + 1) * sizeof(int));
		n[s] = ps->n;
		for (i = 0; i < ps->n; i++) {
			seq[s][i] = ps->v[i].id;
			cell[s][ps->v[i].id] = &ps->v[i];
		}
	}
	for (i = 0; i < nids; i++)
		present[i] = is_present(cell_text(cell[B][i]), cell_text(cell[O][i]),
					cell_text(cell[T][i]));
	if ((error = merge_order(&order, &norder, moved, seq, n, present, nids)) < 0)
		goto done;
	memset(&l, 0, sizeof(l));
	if (!fields) {
		pos = ad_xmalloc((nids + 1) * sizeof(*pos));
		for (i = 0; i <= nids; i++)
			pos[i] = NO_POS;
		for (i = 0; i < norder; i++)
			pos[order[i]] = i;
		l.sd = sd;
		for (s = 0; s < 3; s++)
			l.cell[s] = cell[s];
		l.order = order;
		l.norder = norder;
		l.pos = pos;
		l.present = present;
		l.moved = moved;
		find_groups(&gs, &l);
		gutted = gutted_additions(sd, cell, seq, n, nids);
	}
	for (i = 0; i < norder; i++) {
		const piece *c[3];
		int id = order[i];
		size_t before;

		if (next_group < gs.n && gs.v[next_group].start == i) {
			const group *g = &gs.v[next_group++];

			if (sep && !ends_with_blank_line(&m->res->out))
				ad_buf_puts(&m->res->out, m->eol);
			emit_group(m, &l, g);
			sep = false;
			i = g->end - 1;
			continue;
		}
		for (s = 0; s < 3; s++)
			c[s] = cell[s][id];
		if (!fields && sep && present[id] && starts_with_heading(c, sd) &&
		    !ends_with_blank_line(&m->res->out))
			ad_buf_puts(&m->res->out, m->eol);
		before = m->res->out.size;
		emit_piece(m, fields, c, moved[id], gutted && gutted[id], sd);
		if (m->res->out.size > before)
			sep = !fields && ended_a_file(c, sd);
	}
done:
	for (s = 0; s < 3; s++) {
		free(cell[s]);
		free(seq[s]);
	}
	free(order);
	free(present);
	free(moved);
	free(pos);
	free(gutted);
	free(gs.v);
	return error;
}

static void emit_unit(merger *m, ad_merge_item_kind kind, const text *b, const text *o,
		      const text *t, bool report_kept)
{
	size_t start = m->res->out.size;
	outcome oc;

	if (!b->len && !o->len && !t->len)
		return;
	oc = merge_text(m, b->len ? b : NULL, o->len ? o : NULL, t->len ? t : NULL);
	m->res->conflicts += oc.conflicts;
	if (oc.action != AD_MERGE_KEPT || report_kept)
		add_item(m->res, kind, "", oc, start);
}

/* inputs: the three inputs' sizes added up, for the markers' budget. */
static void merger_init(merger *m, ad_merge_result *res, const ad_merge_options *opts,
			const char *ours, size_t ours_len, size_t inputs)
{
	static const char *const defaults[3] = { "base", "ours", "theirs" };
	const char *given[3];
	int s;

	memset(m, 0, sizeof(*m));
	m->res = res;
	m->marker_size = opts->marker_size ? opts->marker_size : AD_MERGE_MARKER_SIZE;
	m->style = opts->style;
	given[B] = opts->label_base;
	given[O] = opts->label_ours;
	given[T] = opts->label_theirs;
	for (s = 0; s < 3; s++) {
		const char *l = given[s] ? given[s] : defaults[s];
		size_t len = strlen(l), i;
		char *c = ad_arena_strndup(&m->tmp, l, len);

		for (i = 0; i < len; i++)
			if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
				c[i] = '?';
		m->label[s] = c;
	}
	m->eol = first_eol(ours, ours_len);
	m->marker_budget = inputs > AD_MERGE_MAX_MARKER_BYTES ? inputs : AD_MERGE_MAX_MARKER_BYTES;
}

static size_t total_size(size_t a, size_t b, size_t c)
{
	size_t ab = a + b < a ? SIZE_MAX : a + b;

	return ab + c < ab ? SIZE_MAX : ab + c;
}

static int markers_too_big(const merger *m, ad_error *err)
{
	return ad_error_set(err, AD_ETOOBIG, NULL, 0, 0,
			    "conflict markers of %d characters would take more than %zu bytes",
			    m->marker_size, m->marker_budget);
}

static int check_options(const ad_merge_options *opts, ad_error *err)
{
	if (opts->marker_size < 0 || opts->marker_size > AD_MERGE_MAX_MARKER_SIZE)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0,
				    "marker size must be from 1 to %d", AD_MERGE_MAX_MARKER_SIZE);
	if (opts->style != AD_MERGE_STYLE_DIFF3 && opts->style != AD_MERGE_STYLE_MERGE)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0, "unknown conflict style");
	return 0;
}

/* When one side is unchanged, or both made the same change, the answer is
 * a whole input, whatever the structures say. */
static const text *shortcut(const text *b, const text *o, const text *t, ad_merge_action *action)
{
	if (text_eq(o, t)) {
		*action = text_eq(b, o) ? AD_MERGE_KEPT : AD_MERGE_BOTH;
		return o;
	}
	if (text_eq(b, o)) {
		*action = AD_MERGE_THEIRS;
		return t;
	}
	if (text_eq(b, t)) {
		*action = AD_MERGE_OURS;
		return o;
	}
	return NULL;
}

int ad_merge3_text(ad_merge_result **out,
		   const char *base, size_t base_len,
		   const char *ours, size_t ours_len,
		   const char *theirs, size_t theirs_len,
		   const ad_merge_options *opts, ad_error *err)
{
	ad_merge_options defaults = AD_MERGE_OPTIONS_INIT;
	ad_merge_result *res;
	merger m;
	text b = make_text(base, base_len), o = make_text(ours, ours_len),
	     t = make_text(theirs, theirs_len);
	const text *whole;
	outcome oc = { AD_MERGE_KEPT, 0 };
	size_t limit;
	int error;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((error = check_options(opts, err)) < 0)
		return error;
	limit = opts->max_text ? opts->max_text : AD_MERGE_MAX_TEXT;
	whole = shortcut(&b, &o, &t, &oc.action);
	if (!whole && (base_len > limit || ours_len > limit || theirs_len > limit))
		return ad_error_set(err, AD_ETOOBIG, NULL, 0, 0,
				    "too large to merge as lines (%zu, %zu and %zu bytes; "
				    "the limit is %zu)", base_len, ours_len, theirs_len, limit);
	res = ad_xcalloc(1, sizeof(*res));
	res->plain = true;
	merger_init(&m, res, opts, ours, ours_len, total_size(base_len, ours_len, theirs_len));
	if (whole) {
		ad_buf_put(&res->out, whole->p, whole->len);
	} else {
		oc.conflicts = diff3_lines(&m, &b, &o, &t);
		oc.action = oc.conflicts ? AD_MERGE_CONFLICT : AD_MERGE_COMBINED;
	}
	if (m.too_big) {
		error = markers_too_big(&m, err);
		ad_merge_result_free(res);
		ad_arena_free(&m.tmp);
		return error;
	}
	res->conflicts = oc.conflicts;
	add_item(res, AD_MERGE_ITEM_FILE, "", oc, 0);
	number_items(res);
	ad_buf_putc(&res->out, '\0');
	res->out.size--;
	ad_arena_free(&m.tmp);
	*out = res;
	return 0;
}

int ad_merge3_whole(ad_merge_result **out,
		    const char *ours, size_t ours_len,
		    const char *theirs, size_t theirs_len,
		    const ad_merge_options *opts, ad_error *err)
{
	ad_merge_options defaults = AD_MERGE_OPTIONS_INIT;
	ad_merge_result *res;
	merger m;
	text o = make_text(ours, ours_len), t = make_text(theirs, theirs_len);
	outcome oc = { AD_MERGE_BOTH, 0 };
	int error;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((error = check_options(opts, err)) < 0)
		return error;
	res = ad_xcalloc(1, sizeof(*res));
	res->plain = true;
	/* Three markers always fit: the budget is the point of the others. */
	merger_init(&m, res, opts, ours, ours_len, SIZE_MAX);
	m.style = AD_MERGE_STYLE_MERGE;
	if (text_eq(&o, &t)) {
		ad_buf_put(&res->out, ours, ours_len);
	} else {
		put_conflict(&m, &o, NULL, &t);
		oc.action = AD_MERGE_CONFLICT;
		oc.conflicts = 1;
	}
	res->conflicts = oc.conflicts;
	add_item(res, AD_MERGE_ITEM_FILE, "", oc, 0);
	number_items(res);
	ad_buf_putc(&res->out, '\0');
	res->out.size--;
	ad_arena_free(&m.tmp);
	*out = res;
	return 0;
}

static void side_free(side *sd)
{
	free(sd->fields.v);
	free(sd->body.v);
}

int ad_merge3(ad_merge_result **out, const ad_doc *base, const ad_doc *ours,
	      const ad_doc *theirs, const ad_merge_options *opts, ad_error *err)
{
	ad_merge_options defaults = AD_MERGE_OPTIONS_INIT;
	const ad_doc *docs[3];
	ad_merge_result *res = NULL;
	ad_align *align = NULL;
	side sd[3];
	merger m;
	int **rowof = NULL;
	size_t nrows = 0, nids = 0, limit, i, nfield_ids;
	int s, error = 0;
	bool split, final_eol, plain = false;
	text whole[3], got;
	const text *same;
	ad_merge_action whole_action;

	*out = NULL;
	docs[B] = base;
	docs[O] = ours;
	docs[T] = theirs;
	if (!opts)
		opts = &defaults;
	if ((error = check_options(opts, err)) < 0)
		return error;
	limit = opts->max_structured ? opts->max_structured : AD_MERGE_MAX_STRUCTURED;
	for (s = 0; s < 3; s++)
		if (ad_doc_size(docs[s]) > limit)
			plain = true;
	if (plain)
		return ad_merge3_text(out, ad_doc_data(base), ad_doc_size(base),
				      ad_doc_data(ours), ad_doc_size(ours),
				      ad_doc_data(theirs), ad_doc_size(theirs), opts, err);

	memset(sd, 0, sizeof(sd));
	res = ad_xcalloc(1, sizeof(*res));
	merger_init(&m, res, opts, ad_doc_data(ours), ad_doc_size(ours),
		    total_size(ad_doc_size(base), ad_doc_size(ours), ad_doc_size(theirs)));

	/* Failures here are bugs, not input: the caller (which may merge as
	 * lines instead) hears of them. */
	if ((error = ad_align_docs(&align, docs, 3, NULL)) < 0) {
		ad_error_set(err, error, NULL, 0, 0, "internal error: the sections cannot be aligned");
		goto done;
	}
	nrows = ad_align_row_count(align);
	rowof = ad_xcalloc(3, sizeof(*rowof));
	for (s = 0; s < 3; s++) {
		size_t nsec = ad_doc_section_count(docs[s]);

		rowof[s] = ad_xmalloc((nsec + 1) * sizeof(int));
		for (i = 0; i < nsec; i++)
			rowof[s][i] = -1;
	}
	for (i = 0; i < nrows; i++) {
		const ad_align_row *row = ad_align_row_at(align, i);

		for (s = 0; s < 3; s++)
			if (row->cells[s] >= 0 && (size_t)row->cells[s] < ad_doc_section_count(docs[s]))
				rowof[s][row->cells[s]] = (int)i;
	}
	/* Two sections added on both sides are one section added twice only
	 * when their headings are the same; else, two additions. */
	for (i = 0; i < nrows; i++) {
		const ad_align_row *row = ad_align_row_at(align, i);
		const ad_section *so, *st;

		if (row->cells[B] >= 0 || row->cells[O] < 0 || row->cells[T] < 0 ||
		    rowof[O][row->cells[O]] != (int)i || rowof[T][row->cells[T]] != (int)i)
			continue;
		so = &ad_doc_sections(ours)[row->cells[O]];
		st = &ad_doc_sections(theirs)[row->cells[T]];
		if (so->head_end - so->start != st->head_end - st->start ||
		    memcmp(ad_doc_data(ours) + so->start, ad_doc_data(theirs) + st->start,
			   so->head_end - so->start))
			rowof[T][row->cells[T]] = -1;
	}
	/* Ids: 2 * row for a section's own text, 2 * row + 1 for its close; a
	 * section in no row gets ids of its own. */
	nids = 2 * nrows;
	for (s = 0; s < 3; s++) {
		for (i = 0; i < ad_doc_section_count(docs[s]); i++)
			rowof[s][i] = rowof[s][i] < 0 ? (int)(nids += 2) - 2 : 2 * rowof[s][i];
		sd[s].doc = docs[s];
		sd[s].data = ad_doc_data(docs[s]);
		sd[s].size = ad_doc_size(docs[s]);
		sd[s].final_eol = sd[s].size == 0 || ends_with_eol(sd[s].data, sd[s].size);
		sd[s].eol = first_eol(sd[s].data, sd[s].size);
		sd[s].ids = rowof[s];
		if (!cut_body(&sd[s], rowof[s])) {
			error = ad_error_set(err, AD_ERROR, NULL, 0, 0,
					     "internal error: the sections do not tile the %s",
					     s == B ? "base" : s == O ? "ours" : "theirs");
			goto done;
		}
	}

	split = can_split(base) && can_split(ours) && can_split(theirs);
	for (s = 0; s < 3; s++) {
		size_t body_start = ad_doc_body_start(docs[s]);

		sd[s].split_head = split;
		if (split) {
			const ad_frontmatter *fm = ad_doc_frontmatter(docs[s]);
			size_t first = fm->nfields ? fm->fields[0].start : fm->yaml_end;

			sd[s].pre = make_text(sd[s].data, first);
			sd[s].post = make_text(sd[s].data + fm->yaml_end, body_start - fm->yaml_end);
			for (i = 0; i < fm->nfields; i++)
				add_piece(&sd[s].fields, 0, sd[s].data, fm->fields[i].start,
					  fm->fields[i].end, 0, -1, false, &fm->fields[i]);
		} else {
			sd[s].whole_head = make_text(sd[s].data, body_start);
		}
		normalize_last(&m, &sd[s]);
	}

	if (split) {
		nfield_ids = field_ids(sd);
		emit_unit(&m, AD_MERGE_ITEM_HEAD, &sd[B].pre, &sd[O].pre, &sd[T].pre, false);
		if ((error = merge_pieces(&m, sd, true, nfield_ids)) < 0) {
			ad_error_set(err, error, NULL, 0, 0, "cannot order the frontmatter fields");
			goto done;
		}
		emit_unit(&m, AD_MERGE_ITEM_HEAD, &sd[B].post, &sd[O].post, &sd[T].post, false);
	} else {
		emit_unit(&m, AD_MERGE_ITEM_HEAD, &sd[B].whole_head, &sd[O].whole_head,
			  &sd[T].whole_head, false);
	}
	if ((error = merge_pieces(&m, sd, false, nids)) < 0) {
		ad_error_set(err, error, NULL, 0, 0, "cannot order the sections");
		goto done;
	}

	/* Whether the file ends with a line ending, merged like a field. */
	if (sd[O].final_eol == sd[T].final_eol || sd[B].final_eol == sd[T].final_eol)
		final_eol = sd[O].final_eol;
	else
		final_eol = sd[T].final_eol;
	if (!final_eol && res->out.size > m.last_marker_end) {
		size_t e = eol_size(res->out.ptr, res->out.size);

		res->out.size -= e;
		if (e && res->items && res->nitems) {
			for (i = 0; i < res->nitems; i++) {
				/* An item that held only the dropped line
				 * ending becomes empty at the end. */
				if (res->items[i].start > res->out.size)
					res->items[i].start = res->out.size;
				if (res->items[i].end > res->out.size)
					res->items[i].end = res->out.size;
			}
		}
	}

	if (m.too_big) {
		error = markers_too_big(&m, err);
		goto done;
	}

	/* Identity whatever the alignment did. */
	for (s = 0; s < 3; s++)
		whole[s] = make_text(ad_doc_data(docs[s]), ad_doc_size(docs[s]));
	got = make_text(res->out.ptr ? res->out.ptr : "", res->out.size);
	if ((same = shortcut(&whole[B], &whole[O], &whole[T], &whole_action)) != NULL &&
	    (res->conflicts || !text_eq(same, &got))) {
		outcome oc = { whole_action, 0 };

		ad_buf_clear(&res->out);
		ad_buf_put(&res->out, same->p, same->len);
		res->conflicts = 0;
		res->nitems = 0;
		add_item(res, AD_MERGE_ITEM_FILE, "", oc, 0);
	}

done:
	if (error < 0) {
		ad_merge_result_free(res);
		res = NULL;
	} else {
		number_items(res);
		ad_buf_putc(&res->out, '\0');
		res->out.size--;
	}
	for (s = 0; s < 3; s++)
		side_free(&sd[s]);
	if (rowof)
		for (s = 0; s < 3; s++)
			free(rowof[s]);
	free(rowof);
	ad_align_free(align);
	ad_arena_free(&m.tmp);
	*out = res;
	return error;
}

int ad_merge3_buffers(ad_merge_result **out,
		      const char *base, size_t base_len,
		      const char *ours, size_t ours_len,
		      const char *theirs, size_t theirs_len,
		      const ad_merge_options *opts, ad_error *err)
{
	ad_merge_options defaults = AD_MERGE_OPTIONS_INIT;
	ad_doc *docs[3] = { NULL, NULL, NULL };
	const char *data[3] = { base, ours, theirs };
	size_t len[3] = { base_len, ours_len, theirs_len }, limit;
	int s, error = 0;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	limit = opts->max_structured ? opts->max_structured : AD_MERGE_MAX_STRUCTURED;
	if (base_len > limit || ours_len > limit || theirs_len > limit)
		return ad_merge3_text(out, base, base_len, ours, ours_len, theirs, theirs_len,
				      opts, err);
	for (s = 0; s < 3; s++)
		if ((error = ad_doc_parse(&docs[s], NULL, data[s], len[s], NULL, err)) < 0)
			goto done;
	error = ad_merge3(out, docs[B], docs[O], docs[T], opts, err);
done:
	for (s = 0; s < 3; s++)
		ad_doc_free(docs[s]);
	return error;
}
