/*
 * plan: the plan object, and the default plan made from an alignment (see
 * plan.h; the other files of the module are listed in plan_private.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "doc.h"
#include "fmdiff.h"
#include "frontmatter.h"
#include "plan.h"
#include "plan_private.h"
#include "util.h"

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

const char *ad_plan__dup(ad_plan *p, const char *s)
{
	return s ? ad_arena_strndup(&p->arena, s, strlen(s)) : NULL;
}

const char *ad_plan__dupn(ad_plan *p, const char *s, size_t n)
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
	v->spec = ad_plan__dup(plan, spec ? spec : "");
	v->blob = ad_plan__dup(plan, blob);
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
	plan->output = ad_plan__dup(plan, path);
	plan->output_blob = ad_plan__dup(plan, blob);
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
	f->key = ad_plan__dup(plan, field->key ? field->key : "");
	if (f->ordinal < 1)
		f->ordinal = 1;
	f->comment = ad_plan__dup(plan, field->comment);
	if (field->text) {
		f->text = ad_plan__dupn(plan, field->text, field->text_len);
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
	it->ref.title = ad_plan__dup(plan, item->ref.title ? item->ref.title : "");
	if (it->ref.ordinal < 1)
		it->ref.ordinal = 1;
	it->comment = ad_plan__dup(plan, item->comment);
	if (item->text) {
		it->text = ad_plan__dupn(plan, item->text, item->text_len);
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

/* ---------------------------------------------------------------- the default plan */

static bool S_same_own(const ad_plan_docindex *a, int sa, const ad_plan_docindex *b, int sb)
{
	size_t s1, e1, s2, e2;

	ad_plan__own_span(a, sa, &s1, &e1);
	ad_plan__own_span(b, sb, &s2, &e2);
	return e1 - s1 == e2 - s2 && !memcmp(ad_doc_data(a->doc) + s1, ad_doc_data(b->doc) + s2, e1 - s1);
}

/* "# or: take "Scope" from 2" lines for the versions of a row that differ
 * from the one taken (variant `taken`; -1 for none), skipping `skip`. */
static void S_alternatives(ad_buf *c, const ad_align_row *row, size_t ndocs, int taken, int skip,
			   const ad_plan_docindex *xs, int depth)
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
		ad_plan__ref_in(&ref, &xs[v], (int)v, s);
		for (d = 0; d < depth && d < 32; d++)
			ad_buf_puts(c, "  ");
		ad_buf_puts(c, "# or: take ");
		ad_plan__put_ref(c, &ref);
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
				plan->frontmatter_comment = ad_plan__dup(plan, c.ptr);
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
				ad_plan__quotes(&c, f->key);
				ad_buf_puts(&c, " union\n# or: field ");
				ad_plan__quotes(&c, f->key);
				ad_buf_puts(&c, " intersection\n");
			}
			for (v = 1; v < ndocs; v++) {
				if (!row->cells[v])
					continue;
				ad_buf_puts(&c, "# or: field ");
				ad_plan__quotes(&c, f->key);
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
			ad_plan__quotes(&c, row->key);
			ad_buf_printf(&c, " from %zu\n", v + 1);
			break;
		}
	}
	if (c.size > 1)
		plan->frontmatter_comment = ad_plan__dup(plan, c.ptr);
	ad_buf_free(&c);
}

int ad_plan_default(ad_plan **out, const ad_doc *const *docs, const char *const *specs,
		    const char *const *blobs, size_t ndocs, ad_error *err)
{
	ad_plan *plan = NULL;
	ad_align *al = NULL;
	ad_fmdiff *fd = NULL;
	ad_plan_docindex *xs = NULL;
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
		ad_plan__index(&xs[v], docs[v]);
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
		ad_plan__ref_in(&it.ref, &xs[0], 0, (int)i);
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
					plan->items[at].comment = ad_plan__dup(plan, both.ptr);
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
			ad_plan__ref_in(&it.ref, &xs[first], first, row->cells[first]);
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
		ad_plan__index_free(&xs[v]);
	free(xs);
	free(pos_of);
	ad_align_free(al);
	ad_fmdiff_free(fd);
	ad_buf_free(&c);
	ad_plan_free(plan);
	return error;
}
