/*
 * mergemodel: the choices of a curated merge (see mergemodel.h).
 *
 * Rows are made once: the frontmatter block, its fields (keyed by name and
 * by which occurrence of that name they are, as plans name them), and the
 * alignment's rows.  A choice changes a row; the plan, the result and the
 * findings are made again, lazily, the next time one is asked for.
 */
/* realpath-free stat(); ncurses' flags may already ask for an older X/Open. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "align.h"
#include "fileio.h"
#include "fmdiff.h"
#include "frontmatter.h"
#include "lint.h"
#include "mergemodel.h"
#include "output.h"
#include "term.h"

typedef struct {
	ad_merge_row pub;
	int *cells;
	int *order;
	char *text;
	int ordinal;  /* fields: 1-based among a variant's fields of that key */
} mrow;

struct ad_mergemodel {
	size_t n;
	const ad_doc **docs;
	ad_vsource *srcs;     /* copies */
	const char **blobs;
	ad_plan_ref **refs;   /* per variant, per section */
	mrow *rows;           /* as made */
	size_t nrows;
	size_t *seq;          /* the result's order: indices into rows */
	bool modified;

	/* What the choices make, when not dirty. */
	bool dirty;
	ad_plan *plan;
	ad_plan_result *res;
	size_t *item_row;     /* per plan item: its row (index into rows) */
	ad_doc *rdoc;         /* the result, parsed */
	ad_diags findings;
	ad_arena arena;

	/* The last write. */
	char *wpath;
	char *wdata;
	size_t wlen;
	ad_plan *wplan;
	ad_plan_result *wres;
	char *wplan_path;
	char *wplan_text;     /* what the plan file got, or NULL */
	size_t wplan_len;
};

/* ------------------------------------------------------------ sources */

static char *S_dup(const char *s)
{
	return s ? ad_xstrdup(s) : NULL;
}

static void S_copy_source(ad_vsource *dst, const ad_vsource *src)
{
	*dst = *src;
	dst->spec = S_dup(src->spec);
	dst->label = S_dup(src->label);
	dst->short_label = S_dup(src->short_label);
	dst->path = S_dup(src->path);
	dst->rev = S_dup(src->rev);
	dst->subject = S_dup(src->subject);
	dst->data = ad_xmalloc(src->size + 1);
	memcpy(dst->data, src->data, src->size);
	dst->data[src->size] = '\0';
}

/* A file variant known only by its document: its path and its bytes. */
static void S_file_source(ad_vsource *dst, const ad_doc *doc)
{
	const char *path = ad_doc_path(doc), *slash = strrchr(path, '/');

	memset(dst, 0, sizeof(*dst));
	dst->kind = AD_VSOURCE_FILE;
	dst->spec = ad_xstrdup(path);
	dst->label = ad_xstrdup(path);
	dst->short_label = ad_xstrdup(slash && slash[1] ? slash + 1 : path);
	dst->size = ad_doc_size(doc);
	dst->data = ad_xmalloc(dst->size + 1);
	memcpy(dst->data, ad_doc_data(doc), dst->size);
	dst->data[dst->size] = '\0';
}

/* ------------------------------------------------------------ rows */

static mrow *S_add_row(ad_mergemodel *m, size_t *cap, ad_merge_row_kind kind, const char *title,
		       int depth)
{
	mrow *r;
	size_t v;

	ad_xgrow((void **)&m->rows, cap, m->nrows + 1, sizeof(*m->rows));
	r = &m->rows[m->nrows++];
	memset(r, 0, sizeof(*r));
	r->cells = ad_xmalloc(m->n * sizeof(int));
	r->order = ad_xmalloc(m->n * sizeof(int));
	for (v = 0; v < m->n; v++)
		r->cells[v] = -1;
	r->pub.kind = kind;
	r->pub.id = m->nrows - 1;
	r->pub.title = title;
	r->pub.depth = depth;
	r->pub.cells = r->cells;
	r->pub.order = r->order;
	r->pub.choice = AD_MERGE_TAKE;
	r->pub.base = -1;
	return r;
}

/* What a row starts as: as the first variant has it. */
static void S_default_choice(mrow *r)
{
	r->pub.norder = 0;
	if (r->cells[0] >= 0)
		r->order[r->pub.norder++] = 0;
}

static bool S_same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || !memcmp(a, b, alen));
}

/* An open-addressing table from (key, ordinal) to a field row. */
typedef struct {
	size_t *slots; /* 1 + row index; 0 empty */
	size_t cap;
} field_table;

static size_t S_hash(const char *key, int ordinal)
{
	size_t h = 2166136261u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return (h ^ (size_t)ordinal) * 16777619u;
}

static size_t *S_slot(field_table *t, const ad_mergemodel *m, const char *key, int ordinal)
{
	size_t i = S_hash(key, ordinal) & (t->cap - 1);

	for (;; i = (i + 1) & (t->cap - 1)) {
		const mrow *r;

		if (!t->slots[i])
			return &t->slots[i];
		r = &m->rows[t->slots[i] - 1];
		if (r->ordinal == ordinal && !strcmp(r->pub.title, key))
			return &t->slots[i];
	}
}

static void S_field_rows(ad_mergemodel *m, size_t *cap)
{
	field_table t;
	size_t total = 0, v, i, k;

	for (v = 0; v < m->n; v++) {
		const ad_frontmatter *fm = ad_doc_frontmatter(m->docs[v]);

		total += fm ? fm->nfields : 0;
	}
	for (t.cap = 16; t.cap < total * 2 + 2; t.cap *= 2)
		;
	t.slots = ad_xcalloc(t.cap, sizeof(size_t));
	for (v = 0; v < m->n; v++) {
		const ad_frontmatter *fm = ad_doc_frontmatter(m->docs[v]);

		for (i = 0; fm && i < fm->nfields; i++) {
			const ad_fm_field *f = &fm->fields[i];
			int ordinal = (int)f->occurrence + 1;
			size_t *slot = S_slot(&t, m, f->key, ordinal);
			mrow *r;

			if (!*slot) {
				r = S_add_row(m, cap, AD_MERGE_ROW_FIELD, f->key, 1);
				r->ordinal = ordinal;
				r->pub.set = ad_fmdiff_is_set_key(f->key);
				*slot = m->nrows;
			}
			m->rows[*slot - 1].cells[v] = (int)i;
		}
	}
	free(t.slots);
	/* Whether the versions differ: as sets of names for list fields
	 * (however they are spelled), else by their bytes. */
	for (k = 0; k < m->nrows; k++) {
		mrow *r = &m->rows[k];
		ad_arena arena = AD_ARENA_INIT;
		const char **first = NULL;
		size_t nfirst = 0;
		const ad_fm_field *f0 = NULL;
		const ad_doc *d0 = NULL;

		if (r->pub.kind != AD_MERGE_ROW_FIELD)
			continue;
		for (v = 0; v < m->n && !r->pub.differs; v++) {
			const ad_fm_field *f;
			const ad_doc *d = m->docs[v];

			if (r->cells[v] < 0) {
				r->pub.differs = true;
				break;
			}
			f = &ad_doc_frontmatter(d)->fields[r->cells[v]];
			if (!f0) {
				f0 = f;
				d0 = d;
				if (r->pub.set)
					nfirst = ad_fm_list_items(&first, &arena, f);
				continue;
			}
			if (r->pub.set) {
				const char **names = NULL;
				size_t nn = ad_fm_list_items(&names, &arena, f), a, b;

				r->pub.differs = nn != nfirst;
				for (a = 0; a < nn && !r->pub.differs; a++) {
					for (b = 0; b < nfirst && strcmp(names[a], first[b]); b++)
						;
					r->pub.differs = b == nfirst;
				}
			} else {
				r->pub.differs = !S_same_bytes(ad_doc_data(d) + f->value_start,
							       f->value_end - f->value_start,
							       ad_doc_data(d0) + f0->value_start,
							       f0->value_end - f0->value_start);
			}
		}
		ad_arena_free(&arena);
		S_default_choice(r);
	}
}

static void S_section_rows(ad_mergemodel *m, size_t *cap, const ad_align *al)
{
	size_t nr = al ? ad_align_row_count(al) : ad_doc_section_count(m->docs[0]), r, v;

	for (r = 0; r < nr; r++) {
		const ad_align_row *ar = al ? ad_align_row_at(al, r) : NULL;
		const ad_section *ref = NULL, *any = NULL;
		mrow *row = S_add_row(m, cap, AD_MERGE_ROW_SECTION, "", 0);

		for (v = 0; v < m->n; v++) {
			int s = ar ? ar->cells[v] : (v == 0 ? (int)r : -1);
			const ad_section *sec;

			row->cells[v] = s;
			if (s < 0)
				continue;
			sec = &ad_doc_sections(m->docs[v])[s];
			if (!any)
				any = sec;
			if (!ref && !sec->blank)
				ref = sec;
		}
		if (!ref) {
			ref = any;
			row->pub.blank = true;
		}
		if (ref) {
			row->pub.title = ref->kind == AD_SECTION_PREAMBLE ? "(preamble)" : ref->title;
			row->pub.depth = ref->depth;
			row->pub.preamble = ref->kind == AD_SECTION_PREAMBLE;
			row->pub.section = ref;
		}
		row->pub.differs = !row->pub.blank && ar && ar->status != AD_ROW_SAME;
		S_default_choice(row);
	}
}

int ad_mergemodel_new(ad_mergemodel **out, const ad_doc *const *docs,
		      const ad_vsource *const *srcs, size_t n, ad_error *err)
{
	ad_mergemodel *m;
	ad_align *al = NULL;
	size_t cap = 0, v, i;
	mrow *fmrow;
	const ad_frontmatter *first_fm = NULL;
	const ad_doc *first_doc = NULL;
	bool missing = false;

	*out = NULL;
	if (n == 0 || n > AD_PLAN_MAX_VARIANTS)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0, "a merge needs 1 to %d variants",
				    AD_PLAN_MAX_VARIANTS);
	for (v = 0; v < n; v++)
		if (ad_doc_section_count(docs[v]) > AD_MERGE_MAX_SECTIONS)
			return ad_error_set(err, AD_ETOOBIG, ad_doc_path(docs[v]), 0, 0,
					    "%zu sections: too many to merge here (at most %d)",
					    ad_doc_section_count(docs[v]), AD_MERGE_MAX_SECTIONS);
	if (n >= 2 && ad_align_docs(&al, docs, n, NULL) < 0)
		return ad_error_set(err, AD_EIO, NULL, 0, 0, "cannot align the variants");
	m = ad_xcalloc(1, sizeof(*m));
	m->n = n;
	m->docs = ad_xcalloc(n, sizeof(*m->docs));
	m->srcs = ad_xcalloc(n, sizeof(*m->srcs));
	m->blobs = ad_xcalloc(n, sizeof(*m->blobs));
	m->refs = ad_xcalloc(n, sizeof(*m->refs));
	for (v = 0; v < n; v++) {
		size_t ns = ad_doc_section_count(docs[v]);

		m->docs[v] = docs[v];
		if (srcs && srcs[v])
			S_copy_source(&m->srcs[v], srcs[v]);
		else
			S_file_source(&m->srcs[v], docs[v]);
		m->blobs[v] = ad_vsource_blob(&m->srcs[v]);
		m->refs[v] = ad_xcalloc(ns ? ns : 1, sizeof(ad_plan_ref));
		/* Named once: a plan names a section by its title, which of
		 * that title it is and the fingerprint of its words. */
		ad_plan_refs_of(m->refs[v], docs[v], (int)v);
	}

	/* The block differs when some variant lacks it or has other bytes. */
	fmrow = S_add_row(m, &cap, AD_MERGE_ROW_FRONTMATTER, "frontmatter", 0);
	for (v = 0; v < n; v++) {
		const ad_frontmatter *fm = ad_doc_frontmatter(docs[v]);

		fmrow->cells[v] = fm ? 0 : -1;
		if (!fm) {
			missing = true;
		} else if (!first_fm) {
			first_fm = fm;
			first_doc = docs[v];
		} else if (!S_same_bytes(ad_doc_data(first_doc) + first_fm->start,
					 first_fm->end - first_fm->start, ad_doc_data(docs[v]) + fm->start,
					 fm->end - fm->start)) {
			fmrow->pub.differs = true;
		}
	}
	if (first_fm && missing)
		fmrow->pub.differs = true;
	S_default_choice(&m->rows[0]);
	S_field_rows(m, &cap);
	S_section_rows(m, &cap, al);
	ad_align_free(al);
	m->seq = ad_xcalloc(m->nrows, sizeof(size_t));
	for (i = 0; i < m->nrows; i++)
		m->seq[i] = i;
	m->dirty = true;
	*out = m;
	return 0;
}

static void S_clear_result(ad_mergemodel *m)
{
	ad_plan_free(m->plan);
	ad_plan_result_free(m->res);
	ad_doc_free(m->rdoc);
	ad_diags_free(&m->findings);
	ad_arena_free(&m->arena);
	free(m->item_row);
	m->plan = NULL;
	m->res = NULL;
	m->rdoc = NULL;
	m->item_row = NULL;
	m->dirty = true;
}

void ad_mergemodel_free(ad_mergemodel *m)
{
	size_t i;

	if (!m)
		return;
	S_clear_result(m);
	for (i = 0; i < m->nrows; i++) {
		free(m->rows[i].cells);
		free(m->rows[i].order);
		free(m->rows[i].text);
	}
	free(m->rows);
	free(m->seq);
	for (i = 0; i < m->n; i++)
		free(m->refs[i]);
	free(m->refs);
	ad_vsources_free(m->srcs, m->n);
	free(m->blobs);
	free(m->docs);
	free(m->wpath);
	free(m->wdata);
	ad_plan_free(m->wplan);
	ad_plan_result_free(m->wres);
	free(m->wplan_path);
	free(m->wplan_text);
	free(m);
}

size_t ad_mergemodel_variant_count(const ad_mergemodel *m)
{
	return m->n;
}

const ad_doc *ad_mergemodel_doc(const ad_mergemodel *m, size_t v)
{
	return v < m->n ? m->docs[v] : NULL;
}

const ad_vsource *ad_mergemodel_source(const ad_mergemodel *m, size_t v)
{
	return v < m->n ? &m->srcs[v] : NULL;
}

size_t ad_mergemodel_row_count(const ad_mergemodel *m)
{
	return m->nrows;
}

static mrow *S_row(const ad_mergemodel *m, size_t i)
{
	return i < m->nrows ? &m->rows[m->seq[i]] : NULL;
}

const ad_merge_row *ad_mergemodel_row(const ad_mergemodel *m, size_t i)
{
	mrow *r = S_row(m, i);

	return r ? &r->pub : NULL;
}

static const ad_fm_field *S_field(const ad_mergemodel *m, const mrow *r, size_t v)
{
	return r->cells[v] >= 0 ? &ad_doc_frontmatter(m->docs[v])->fields[r->cells[v]] : NULL;
}

void ad_mergemodel_cell_text(const ad_mergemodel *m, size_t i, size_t v, const char **text,
			     size_t *len)
{
	const mrow *r = S_row(m, i);
	const char *d;

	*text = "";
	*len = 0;
	if (!r || v >= m->n || r->cells[v] < 0)
		return;
	d = ad_doc_data(m->docs[v]);
	switch (r->pub.kind) {
	case AD_MERGE_ROW_FRONTMATTER: {
		const ad_frontmatter *fm = ad_doc_frontmatter(m->docs[v]);

		*text = d + fm->start;
		*len = fm->end - fm->start;
		break;
	}
	case AD_MERGE_ROW_FIELD: {
		const ad_fm_field *f = S_field(m, r, v);

		*text = d + f->start;
		*len = f->end - f->start;
		break;
	}
	case AD_MERGE_ROW_SECTION: {
		const ad_section *s = &ad_doc_sections(m->docs[v])[r->cells[v]];

		*text = d + s->start;
		*len = s->lead_end > s->start ? s->lead_end - s->start : 0;
		break;
	}
	}
}

/* ------------------------------------------------------------ choosing */

static void S_changed(ad_mergemodel *m)
{
	S_clear_result(m);
	m->modified = true;
}

static void S_set_take(mrow *r, int v)
{
	free(r->text);
	r->text = NULL;
	r->pub.text = NULL;
	r->pub.text_len = 0;
	r->pub.base = -1;
	r->pub.choice = AD_MERGE_TAKE;
	r->pub.norder = 0;
	if (v >= 0)
		r->order[r->pub.norder++] = v;
}

static mrow *S_fm_row(const ad_mergemodel *m)
{
	return &m->rows[0];
}

/* A field is chosen while the result has no frontmatter block: it gets
 * the block of variant v (which has the field, so it has one). */
static void S_ensure_block(ad_mergemodel *m, int v)
{
	mrow *fm = S_fm_row(m);

	if (fm->pub.norder == 0 && v >= 0 && fm->cells[v] >= 0)
		S_set_take(fm, v);
}

int ad_mergemodel_take(ad_mergemodel *m, size_t i, size_t v)
{
	mrow *r = S_row(m, i);
	size_t k;

	if (!r || v >= m->n)
		return AD_EINVALID;
	if (r->cells[v] < 0)
		return AD_ENOTFOUND;
	S_set_take(r, (int)v);
	if (r->pub.kind == AD_MERGE_ROW_FRONTMATTER) {
		for (k = 0; k < m->nrows; k++)
			if (m->rows[k].pub.kind == AD_MERGE_ROW_FIELD)
				S_set_take(&m->rows[k], m->rows[k].cells[v] >= 0 ? (int)v : -1);
	} else if (r->pub.kind == AD_MERGE_ROW_FIELD) {
		S_ensure_block(m, (int)v);
	}
	S_changed(m);
	return 0;
}

int ad_mergemodel_toggle(ad_mergemodel *m, size_t i, size_t v)
{
	mrow *r = S_row(m, i);
	size_t k;

	if (!r || v >= m->n)
		return AD_EINVALID;
	if (r->pub.kind != AD_MERGE_ROW_SECTION)
		return ad_mergemodel_take(m, i, v);
	if (r->cells[v] < 0)
		return AD_ENOTFOUND;
	if (r->pub.choice != AD_MERGE_TAKE)
		S_set_take(r, -1);
	for (k = 0; k < r->pub.norder && r->order[k] != (int)v; k++)
		;
	if (k < r->pub.norder) {
		memmove(&r->order[k], &r->order[k + 1], (r->pub.norder - k - 1) * sizeof(int));
		r->pub.norder--;
	} else {
		r->order[r->pub.norder++] = (int)v;
	}
	S_changed(m);
	return 0;
}

int ad_mergemodel_drop(ad_mergemodel *m, size_t i)
{
	mrow *r = S_row(m, i);

	if (!r)
		return AD_EINVALID;
	S_set_take(r, -1);
	S_changed(m);
	return 0;
}

int ad_mergemodel_set_mode(ad_mergemodel *m, size_t i, ad_merge_choice mode)
{
	mrow *r = S_row(m, i);
	size_t v;

	if (!r || r->pub.kind != AD_MERGE_ROW_FIELD || !r->pub.set ||
	    (mode != AD_MERGE_UNION && mode != AD_MERGE_INTERSECTION))
		return AD_EINVALID;
	S_set_take(r, -1);
	r->pub.choice = mode;
	for (v = 0; v < m->n && r->cells[v] < 0; v++)
		;
	S_ensure_block(m, v < m->n ? (int)v : -1);
	S_changed(m);
	return 0;
}

/* The first variant whose version of r is worth starting from: the first
 * taken, else the first having a non-blank one. */
static int S_base_of(const ad_mergemodel *m, const mrow *r)
{
	size_t v;

	if (r->pub.choice == AD_MERGE_EDITED)
		return r->pub.base;
	if (r->pub.choice == AD_MERGE_TAKE && r->pub.norder)
		return r->order[0];
	for (v = 0; v < m->n; v++)
		if (r->cells[v] >= 0 &&
		    (r->pub.kind != AD_MERGE_ROW_SECTION ||
		     !ad_doc_sections(m->docs[v])[r->cells[v]].blank))
			return (int)v;
	for (v = 0; v < m->n; v++)
		if (r->cells[v] >= 0)
			return (int)v;
	return -1;
}

int ad_mergemodel_set_text(ad_mergemodel *m, size_t i, const char *text, size_t len)
{
	mrow *r = S_row(m, i);
	int base;

	if (!r || r->pub.kind == AD_MERGE_ROW_FRONTMATTER)
		return AD_EINVALID;
	base = S_base_of(m, r);
	if (base < 0)
		return AD_ENOTFOUND;
	S_set_take(r, -1);
	r->text = ad_xmalloc(len + 1);
	memcpy(r->text, text, len);
	r->text[len] = '\0';
	r->pub.choice = AD_MERGE_EDITED;
	r->pub.base = base;
	r->pub.text = r->text;
	r->pub.text_len = len;
	if (r->pub.kind == AD_MERGE_ROW_FIELD)
		S_ensure_block(m, base);
	S_changed(m);
	return 0;
}

int ad_mergemodel_move(ad_mergemodel *m, size_t i, int dir)
{
	const mrow *r = S_row(m, i);
	size_t j = i, t;

	if (!r || r->pub.kind != AD_MERGE_ROW_SECTION || r->pub.blank || dir == 0)
		return AD_EINVALID;
	for (;;) {
		const mrow *o;

		if (dir < 0 ? j == 0 : j + 1 >= m->nrows)
			return AD_EINVALID;
		j = dir < 0 ? j - 1 : j + 1;
		o = S_row(m, j);
		if (o->pub.kind != AD_MERGE_ROW_SECTION)
			return AD_EINVALID;
		if (!o->pub.blank)
			break;
	}
	t = m->seq[i];
	m->seq[i] = m->seq[j];
	m->seq[j] = t;
	S_changed(m);
	return (int)j;
}

int ad_mergemodel_frontmatter(const ad_mergemodel *m)
{
	const mrow *fm = S_fm_row(m);

	return fm->pub.norder ? fm->order[0] : -1;
}

bool ad_mergemodel_modified(const ad_mergemodel *m)
{
	return m->modified;
}

/* ------------------------------------------------------------ the plan */

/* The plan of the choices; specs name the variants.  item_row (may be
 * NULL) gets each item's row. */
static ad_plan *S_build_plan(const ad_mergemodel *m, const char *const *specs, size_t **item_row)
{
	ad_plan *p;
	size_t i, k, nitems = 0, cap = 0;
	int fmv = ad_mergemodel_frontmatter(m);
	size_t *rows_of = NULL;

	ad_plan_new(&p);
	for (i = 0; i < m->n; i++)
		ad_plan_add_variant(p, specs[i], m->blobs[i]);
	ad_plan_set_frontmatter(p, fmv);
	for (i = 0; i < m->nrows; i++) {
		const mrow *r = S_row(m, i);
		ad_plan_field f;

		if (r->pub.kind != AD_MERGE_ROW_FIELD)
			continue;
		memset(&f, 0, sizeof(f));
		f.key = r->pub.title;
		f.ordinal = r->ordinal;
		switch (r->pub.choice) {
		case AD_MERGE_TAKE:
			if (!r->pub.norder)
				continue;
			f.mode = AD_PLAN_FIELD_FROM;
			f.variant = r->order[0];
			break;
		case AD_MERGE_UNION:
			f.mode = AD_PLAN_FIELD_UNION;
			break;
		case AD_MERGE_INTERSECTION:
			f.mode = AD_PLAN_FIELD_INTERSECTION;
			break;
		case AD_MERGE_EDITED:
			f.mode = AD_PLAN_FIELD_TEXT;
			f.text = r->text;
			f.text_len = r->pub.text_len;
			break;
		}
		ad_plan_add_field(p, &f);
	}
	for (i = 0; i < m->nrows; i++) {
		const mrow *r = S_row(m, i);
		size_t count = 1;
		int v = -1;

		if (r->pub.kind != AD_MERGE_ROW_SECTION)
			continue;
		if (r->pub.choice == AD_MERGE_TAKE && r->pub.norder) {
			count = r->pub.norder;
		} else if (r->pub.choice == AD_MERGE_TAKE) {
			/* Left out on purpose: a drop line records the decision,
			 * so that apply does not take the row for a new one. */
			if (r->pub.blank || (v = S_base_of(m, r)) < 0)
				continue;
		} else {
			v = r->pub.base;
		}
		for (k = 0; k < count; k++) {
			ad_plan_item it;

			memset(&it, 0, sizeof(it));
			it.depth = r->pub.depth;
			if (r->pub.choice == AD_MERGE_EDITED) {
				it.kind = AD_PLAN_EDIT;
				it.text = r->text;
				it.text_len = r->pub.text_len;
			} else if (r->pub.norder) {
				v = r->order[k];
				it.kind = AD_PLAN_TAKE;
			} else {
				it.kind = AD_PLAN_DROP;
			}
			it.ref = m->refs[v][r->cells[v]];
			ad_plan_insert_item(p, ad_plan_item_count(p), &it);
			ad_xgrow((void **)&rows_of, &cap, nitems + 1, sizeof(*rows_of));
			rows_of[nitems++] = m->seq[i];
		}
	}
	/* A preamble above a misplaced frontmatter block stays above it. */
	if (fmv >= 0) {
		const ad_frontmatter *fm = ad_doc_frontmatter(m->docs[fmv]);
		size_t at = 0;

		while (fm && at < ad_plan_item_count(p)) {
			const ad_plan_item *it = ad_plan_item_at(p, at);
			const mrow *r = &m->rows[rows_of[at]];

			if (it->kind != AD_PLAN_TAKE || it->ref.variant != fmv ||
			    ad_doc_sections(m->docs[fmv])[r->cells[fmv]].start >= fm->start)
				break;
			at++;
		}
		ad_plan_set_frontmatter_at(p, at);
	}
	if (item_row)
		*item_row = rows_of;
	else
		free(rows_of);
	return p;
}

static void S_ensure(ad_mergemodel *m)
{
	const char **labels;
	size_t v;

	if (!m->dirty)
		return;
	labels = ad_xcalloc(m->n, sizeof(*labels));
	for (v = 0; v < m->n; v++)
		labels[v] = m->srcs[v].label;
	m->plan = S_build_plan(m, labels, &m->item_row);
	free(labels);
	if (ad_plan_apply(&m->res, m->plan, m->docs, m->blobs, m->n, NULL) < 0) {
		/* Only a count mismatch fails, and the plan is made for these. */
		m->res = ad_xcalloc(1, sizeof(*m->res));
	}
	if (ad_doc_parse(&m->rdoc, NULL, m->res->text.ptr ? m->res->text.ptr : "", m->res->text.size,
			 NULL, NULL) == 0)
		ad_lint_doc(&m->findings, &m->arena, m->rdoc, NULL);
	m->dirty = false;
}

const ad_plan *ad_mergemodel_plan(ad_mergemodel *m)
{
	S_ensure(m);
	return m->plan;
}

const ad_plan_result *ad_mergemodel_result(ad_mergemodel *m)
{
	S_ensure(m);
	return m->res;
}

const ad_diags *ad_mergemodel_findings(ad_mergemodel *m)
{
	S_ensure(m);
	return &m->findings;
}

void ad_mergemodel_finding_counts(ad_mergemodel *m, size_t *errors, size_t *warnings,
				  size_t *infos)
{
	const ad_diags *d = ad_mergemodel_findings(m);
	size_t i;

	*errors = *warnings = *infos = 0;
	for (i = 0; i < d->count; i++) {
		switch (d->items[i].severity) {
		case AD_DIAG_ERROR:
			(*errors)++;
			break;
		case AD_DIAG_WARNING:
			(*warnings)++;
			break;
		default:
			(*infos)++;
			break;
		}
	}
}

/* The nth field named key in doc's frontmatter. */
static const ad_fm_field *S_field_nth(const ad_doc *doc, const char *key, int nth)
{
	const ad_frontmatter *fm = doc ? ad_doc_frontmatter(doc) : NULL;

	return nth > 0 ? ad_fm_get_nth(fm, key, (size_t)nth) : NULL;
}

/* Section row r's own text as variant v has it, by applying a plan that
 * takes just that: the exact bytes an edit replaces. */
static void S_own_text(const ad_mergemodel *m, const mrow *r, int v, ad_buf *out)
{
	ad_plan *p;
	ad_plan_result *res = NULL;
	ad_plan_item it;
	const char **labels = ad_xcalloc(m->n, sizeof(*labels));
	size_t k;

	for (k = 0; k < m->n; k++)
		labels[k] = m->srcs[k].label;
	ad_plan_new(&p);
	for (k = 0; k < m->n; k++)
		ad_plan_add_variant(p, labels[k], m->blobs[k]);
	memset(&it, 0, sizeof(it));
	it.kind = AD_PLAN_TAKE;
	it.ref = m->refs[v][r->cells[v]];
	ad_plan_insert_item(p, 0, &it);
	if (ad_plan_apply(&res, p, m->docs, m->blobs, m->n, NULL) == 0 && res->npieces)
		ad_buf_put(out, res->text.ptr + res->pieces[0].start,
			   res->pieces[0].end - res->pieces[0].start);
	ad_plan_result_free(res);
	ad_plan_free(p);
	free(labels);
}

int ad_mergemodel_edit_text(ad_mergemodel *m, size_t i, ad_buf *out)
{
	const mrow *r = S_row(m, i);
	int base;
	size_t k;

	ad_buf_clear(out);
	if (!r || r->pub.kind == AD_MERGE_ROW_FRONTMATTER)
		return AD_EINVALID;
	if (r->pub.choice == AD_MERGE_EDITED) {
		ad_buf_put(out, r->text, r->pub.text_len);
		ad_buf_cstr(out);
		return 0;
	}
	base = S_base_of(m, r);
	if (base < 0)
		return AD_ENOTFOUND;
	S_ensure(m);
	if (r->pub.kind == AD_MERGE_ROW_FIELD) {
		/* As the result has it (a union is written out), else as the
		 * base variant has it. */
		const ad_fm_field *f = NULL;
		const ad_doc *d = NULL;

		if ((r->pub.choice != AD_MERGE_TAKE || r->pub.norder) && m->rdoc &&
		    ad_mergemodel_frontmatter(m) >= 0) {
			/* The result has the fields in the rows' order: this
			 * row's is the nth of its key, n counting the rows of
			 * that key down to it that put a field there. */
			int nth = 0;

			for (k = 0; k < m->nrows; k++) {
				const mrow *o = S_row(m, k);

				if (o->pub.kind == AD_MERGE_ROW_FIELD && !strcmp(o->pub.title, r->pub.title) &&
				    (o->pub.choice != AD_MERGE_TAKE || o->pub.norder))
					nth++;
				if (o == r)
					break;
			}
			f = S_field_nth(m->rdoc, r->pub.title, nth);
			d = m->rdoc;
		}
		if (!f) {
			d = m->docs[base];
			f = S_field(m, r, (size_t)base);
		}
		ad_buf_put(out, ad_doc_data(d) + f->start, f->end - f->start);
		ad_buf_cstr(out);
		return 0;
	}
	/* A section: the pieces of the result that are this row's. */
	for (k = 0; m->res && k < m->res->npieces; k++) {
		const ad_plan_piece *p = &m->res->pieces[k];

		if (m->item_row[p->item] == m->seq[i])
			ad_buf_put(out, m->res->text.ptr + p->start, p->end - p->start);
	}
	if (!out->size)
		S_own_text(m, r, base, out);
	ad_buf_cstr(out);
	return 0;
}

/* ------------------------------------------------------------ writing */

void ad_merge_written_clear(ad_merge_written *w)
{
	if (!w)
		return;
	free(w->plan_path);
	free(w->plan_note);
	memset(w, 0, sizeof(*w));
}

/* The plan for a result written to output, its file at plan_path. */
static ad_plan *S_plan_for(ad_mergemodel *m, const char *plan_path, const char *output,
			   const char *blob)
{
	ad_buf dir = AD_BUF_INIT, b = AD_BUF_INIT;
	char **specs = ad_xcalloc(m->n, sizeof(*specs));
	ad_plan *p;
	size_t v;

	ad_path_dir(&dir, plan_path);
	for (v = 0; v < m->n; v++) {
		ad_vsource_spec_from(&b, &m->srcs[v], NULL, dir.ptr);
		specs[v] = ad_buf_detach(&b);
	}
	p = S_build_plan(m, (const char *const *)specs, NULL);
	ad_vsource_relative(&b, output, NULL, dir.ptr);
	ad_plan_set_output(p, ad_buf_cstr(&b), blob);
	for (v = 0; v < m->n; v++)
		free(specs[v]);
	free(specs);
	ad_buf_free(&dir);
	ad_buf_free(&b);
	return p;
}

void ad_mergemodel_plan_text(ad_mergemodel *m, ad_buf *out, const char *plan_path,
			     const char *output)
{
	const ad_plan_result *res = ad_mergemodel_result(m);
	char blob[AD_GIT_HEXSIZE + 1];
	ad_plan *p;

	ad_git_hash_blob(blob, res->text.ptr ? res->text.ptr : "", res->text.size);
	p = S_plan_for(m, plan_path, output, blob);
	ad_buf_clear(out);
	ad_plan_write(out, p);
	ad_plan_free(p);
}

/* Whether the plan file at plan_path, holding data, may be replaced by a
 * plan for output: it is what we wrote there, or a plan of that output. */
static bool S_may_replace_plan(const ad_mergemodel *m, const char *plan_path, const char *data,
			       size_t len, const char *output)
{
	ad_plan *p = NULL;
	ad_buf dir = AD_BUF_INIT, path = AD_BUF_INIT;
	bool ok = false;

	if (m->wplan_path && m->wplan_text && ad_output_same_file(m->wplan_path, plan_path) &&
	    S_same_bytes(m->wplan_text, m->wplan_len, data, len))
		return true;
	if (ad_plan_parse(&p, plan_path, data, len, NULL) == 0) {
		ad_path_dir(&dir, plan_path);
		ok = ad_output_plan_target(&path, p, dir.ptr) &&
		     ad_output_same_file(ad_buf_cstr(&path), output);
	}
	ad_plan_free(p);
	ad_buf_free(&dir);
	ad_buf_free(&path);
	return ok;
}

static void S_save_plan(ad_mergemodel *m, const char *path, ad_merge_written *out)
{
	ad_buf ppath = AD_BUF_INIT, text = AD_BUF_INIT, note = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	char *cur = NULL;
	size_t curlen = 0;
	int rc;

	ad_output_plan_path(&ppath, path);
	out->plan_path = ad_xstrdup(ad_buf_cstr(&ppath));
	ad_plan_write(&text, m->wplan);
	rc = ad_read_file(&cur, &curlen, ppath.ptr, AD_DOC_MAX_SIZE, &err);
	if (rc == 0 && !S_same_bytes(cur, curlen, text.ptr, text.size) &&
	    !S_may_replace_plan(m, ppath.ptr, cur, curlen, path)) {
		ad_buf_printf(&note, "%s exists and is not a plan for %s; the plan was not saved",
			      ppath.ptr, path);
	} else if (rc < 0 && err.code != AD_ENOTFOUND) {
		ad_buf_printf(&note, "the plan was not saved: %s", err.message ? err.message : "");
	} else {
		ad_error_clear(&err);
		/* Over the plan just read, or a new one, nothing else. */
		if ((rc == 0 && S_same_bytes(cur, curlen, text.ptr, text.size)) ||
		    ad_output_replace(ppath.ptr, rc == 0 ? cur : NULL, curlen, text.ptr, text.size,
				      &err) == 0) {
			out->plan_saved = true;
			free(m->wplan_path);
			free(m->wplan_text);
			m->wplan_path = ad_xstrdup(ppath.ptr);
			m->wplan_len = text.size;
			m->wplan_text = ad_buf_detach(&text);
		} else {
			ad_buf_printf(&note, "the plan was not saved: %s",
				      err.message ? err.message : "");
		}
	}
	if (note.size)
		out->plan_note = ad_buf_detach(&note);
	free(cur);
	ad_buf_free(&ppath);
	ad_buf_free(&text);
	ad_buf_free(&note);
	ad_error_clear(&err);
}

int ad_mergemodel_write(ad_mergemodel *m, const char *path, bool force, ad_merge_written *out,
			ad_error *err)
{
	ad_buf ppath = AD_BUF_INIT;
	ad_plan *plan = NULL;
	ad_plan_result *res = NULL;
	ad_output_known *known = NULL;
	ad_output_target t = { 0 };
	size_t nknown = 0, v;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (!path || !*path)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0, "no file to write to");
	/* The plan names the variants from its own folder, and records the
	 * blob of what it wrote. */
	ad_output_plan_path(&ppath, path);
	plan = S_plan_for(m, ppath.ptr, path, NULL);
	if ((error = ad_plan_apply(&res, plan, m->docs, m->blobs, m->n, err)) < 0)
		goto done;
	out->size = res->text.size;
	ad_git_hash_blob(out->blob, res->text.ptr ? res->text.ptr : "", res->text.size);
	{
		char *rel = ad_xstrdup(ad_plan_output(plan));

		ad_plan_set_output(plan, rel, out->blob);
		free(rel);
	}

	/* Known there: a variant read from path, what the model last wrote. */
	known = ad_xcalloc(m->n + 1, sizeof(*known));
	for (v = 0; v < m->n; v++) {
		if (m->srcs[v].kind != AD_VSOURCE_FILE)
			continue;
		known[nknown].path = m->srcs[v].label;
		known[nknown].data = m->srcs[v].data;
		known[nknown++].len = m->srcs[v].size;
	}
	if (m->wpath) {
		known[nknown].path = m->wpath;
		known[nknown].data = m->wdata;
		known[nknown++].len = m->wlen;
	}
	if ((error = ad_output_check(&t, path, res->text.ptr, res->text.size, known, nknown,
				     err)) < 0)
		goto done;
	if (!ad_output_allowed(&t, force)) {
		error = ad_error_set(err, AD_ECONFLICT, path, 0, 0, "%s",
				     t.state == AD_OUTPUT_CHANGED
					     ? "changed on disk since it was read"
					     : "exists, and is not one of the variants");
		goto done;
	}
	/* Else the question is asked again about what is there now. */
	error = ad_output_write(&t, res->text.ptr, res->text.size, err);
	if (error == AD_EEXISTS || error == AD_ECHANGED)
		error = ad_error_set(err, AD_ECONFLICT, path, 0, 0, "%s",
				     error == AD_EEXISTS
					     ? "was created by another program while writing"
					     : "changed on disk while writing");
	if (error < 0)
		goto done;
	out->written = t.state != AD_OUTPUT_SAME;
	free(m->wpath);
	free(m->wdata);
	ad_plan_free(m->wplan);
	ad_plan_result_free(m->wres);
	m->wpath = ad_xstrdup(path);
	m->wlen = res->text.size;
	m->wdata = ad_xmalloc(m->wlen + 1);
	memcpy(m->wdata, res->text.ptr ? res->text.ptr : "", m->wlen);
	m->wdata[m->wlen] = '\0';
	m->wplan = plan;
	m->wres = res;
	plan = NULL;
	res = NULL;
	m->modified = false;
	S_save_plan(m, path, out);
done:
	ad_plan_free(plan);
	ad_plan_result_free(res);
	ad_buf_free(&ppath);
	ad_output_target_clear(&t);
	free(known);
	return error;
}

const char *ad_mergemodel_written_path(const ad_mergemodel *m)
{
	return m->wpath;
}

/* ------------------------------------------------------------ committing */

int ad_mergemodel_commit_check(const ad_mergemodel *m, ad_error *err)
{
	if (!m->wpath)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0,
				    "nothing is written yet: W writes the result, then C commits it");
	return ad_git_commit_check(m->wpath, NULL, err);
}

void ad_mergemodel_commit_template(const ad_mergemodel *m, ad_buf *out)
{
	ad_buf subject = AD_BUF_INIT;
	const char *name;
	size_t v;

	ad_buf_clear(out);
	if (!m->wpath || !m->wplan || !m->wres)
		return;
	name = strrchr(m->wpath, '/');
	name = name ? name + 1 : m->wpath;
	ad_buf_puts(&subject, "Merge ");
	ad_term_sanitize(&subject, name, strlen(name), false);
	ad_buf_puts(&subject, " from ");
	for (v = 0; v < m->n; v++) {
		const char *l = m->srcs[v].short_label ? m->srcs[v].short_label : m->srcs[v].label;

		if (v)
			ad_buf_puts(&subject, v + 1 == m->n ? " and " : ", ");
		ad_term_sanitize(&subject, l, strlen(l), false);
	}
	ad_output_commit_message(out, ad_buf_cstr(&subject), m->wplan, m->wres, m->docs, m->srcs,
				 m->n, m->wplan_path ? m->wplan_path : "the merge plan");
	ad_buf_puts(out, "\n# The first line is the summary; the Section-Source lines say where\n"
			 "# each part came from.  Lines starting with '#' are left out; an\n"
			 "# empty message commits nothing.  Only ");
	ad_term_sanitize(out, m->wpath, strlen(m->wpath), false);
	ad_buf_puts(out, " is committed.\n");
	ad_buf_free(&subject);
}

/* message without its '#' lines and trailing blank lines, as git's
 * "strip" cleanup leaves it. */
static void S_strip_comments(ad_buf *out, const char *message)
{
	const char *p = message;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (*p != '#')
			ad_buf_put(out, p, n);
		p += n;
	}
	while (out->size && (out->ptr[out->size - 1] == '\n' || out->ptr[out->size - 1] == ' ' ||
			     out->ptr[out->size - 1] == '\t' || out->ptr[out->size - 1] == '\r'))
		out->size--;
	ad_buf_cstr(out);
}

int ad_mergemodel_commit(ad_mergemodel *m, const char *message, ad_git_commit_result *out,
			 ad_error *err)
{
	ad_buf msg = AD_BUF_INIT;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = ad_mergemodel_commit_check(m, err)) < 0)
		return error;
	S_strip_comments(&msg, message ? message : "");
	error = ad_output_commit(out, m->wpath, m->wdata, m->wlen, ad_buf_cstr(&msg), err);
	if (error == AD_ECONFLICT)
		error = ad_error_set(err, AD_ECONFLICT, m->wpath, 0, 0,
				     "changed since it was written: nothing committed (W writes it "
				     "again)");
	ad_buf_free(&msg);
	return error;
}
