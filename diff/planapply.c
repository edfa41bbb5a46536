/*
 * planapply: a plan applied to its variants (ad_plan_apply), written with
 * the splicer (diff/splice.h), and the trailers that describe the result.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "doc.h"
#include "error.h"
#include "frontmatter.h"
#include "plan.h"
#include "plan_private.h"
#include "splice.h"
#include "term.h"
#include "util.h"

/* ---------------------------------------------------------------- applying */

typedef struct {
	int variant, section;
} open_entry;

typedef struct {
	const ad_plan *plan;
	const ad_doc *const *docs;
	size_t ndocs;
	ad_plan_docindex *xs;
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
	const ad_plan_docindex *x = &a->xs[e.variant];

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
			ad_plan__quotes(&msg, pf->key);
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
			ad_plan__quotes(&msg, pf->key);
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
		found[i] = ad_plan__find_in(&a->xs[v], &it->ref, !a->res->changed[v]);
		if (found[i] >= 0 || it->kind == AD_PLAN_DROP)
			continue;
		ad_buf_puts(&msg, it->kind == AD_PLAN_EDIT ? "edit " : "take ");
		{
			ad_plan_ref shown = it->ref;

			shown.has_body = false;
			ad_plan__put_ref(&msg, &shown);
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
		const ad_plan_docindex *x;
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
		ad_plan__own_span(x, s, &os, &oe);
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

		ad_plan__index(&a.xs[v], docs[v]);
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
		ad_plan__index_free(&a.xs[v]);
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
