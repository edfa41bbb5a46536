/*
 * tree: agents, variants, frontmatter fields and sections (see tree.h).
 *
 * The fold state lives with the items (an agent, a variant, its
 * frontmatter, each section); the rows on screen are a flat list rebuilt
 * from it whenever something folds or unfolds, so moving and drawing only
 * index an array.  After a rebuild the cursor stays on the same item, or on
 * the nearest item above it that is still shown.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "compare.h"
#include "list.h"
#include "textview.h"
#include "tree.h"

/* With more agents than this the tree opens with the agents folded. */
#define UNFOLD_AGENTS_MAX 50

typedef enum {
	ROW_AGENT,
	ROW_VARIANT,
	ROW_FRONTMATTER,
	ROW_FIELD,
	ROW_SECTION,
	ROW_SKIPPED_HEAD,
	ROW_SKIPPED,
	ROW_NONE
} row_kind;

typedef struct {
	row_kind kind;
	int depth;
	size_t item; /* agent, variant or skipped index */
	int sub;     /* field or section index; -1 */
} row;

typedef struct {
	const ad_ws_agent *a;
	size_t first; /* index of its first variant */
	bool open;
	size_t nerrors; /* variants with errors */
} agent_st;

typedef struct {
	const ad_ws_variant *v;
	size_t agent;
	const char *label; /* v->path without the folder its agent's share */
	bool open, fm_open, marked;
	unsigned char *sec_open; /* per section; NULL until first unfolded */
	size_t nerrors, nwarnings;
} variant_st;

typedef struct {
	ad_view base;
	const ad_workspace *ws;
	ad_view *text;
	agent_st *agents;
	size_t nagents;
	variant_st *vars;
	size_t nvars;
	size_t *skipped; /* indices of the skipped files shown */
	size_t nskipped;
	bool skipped_open;
	size_t nmarked;

	row *rows;
	size_t nrows, cap;
	bool dirty;
	ad_list list; /* over rows */
	int height;
	row *all; /* scratch for search: every item's row, unfolded */
	size_t nall, capall;
	char *needle;
	ad_buf tmp, tmp2;
} tree;

static const ad_view_ops tree_ops;

/* ------------------------------------------------------------ items */

static const ad_doc *var_doc(const tree *t, size_t vi)
{
	return t->vars[vi].v->doc;
}

static const ad_section *sections(const tree *t, size_t vi, size_t *n)
{
	const ad_doc *doc = var_doc(t, vi);

	*n = doc ? ad_doc_section_count(doc) : 0;
	return doc ? ad_doc_sections(doc) : NULL;
}

static const ad_frontmatter *var_fm(const tree *t, size_t vi)
{
	const ad_doc *doc = var_doc(t, vi);

	return doc ? ad_doc_frontmatter(doc) : NULL;
}

static size_t child_count(const ad_section *secs, int i)
{
	size_t n = 0;
	int c;

	for (c = secs[i].first_child; c >= 0; c = secs[c].next_sibling)
		n++;
	return n;
}

/* The first time a variant opens, its top-level sections show their
 * children and deeper ones start folded: the top two levels, as
 * `agentdiff ls --outline` prints. */
static void ensure_sec_state(tree *t, size_t vi)
{
	variant_st *vs = &t->vars[vi];
	size_t n, i;
	const ad_section *secs = sections(t, vi, &n);

	if (vs->sec_open || n == 0)
		return;
	vs->sec_open = ad_xcalloc(n, 1);
	for (i = 0; i < n; i++)
		vs->sec_open[i] = secs[i].depth == 0;
}

static bool row_has_children(const tree *t, const row *r)
{
	size_t n;
	const ad_section *secs;
	const ad_frontmatter *fm;

	switch (r->kind) {
	case ROW_AGENT:
		return true;
	case ROW_VARIANT:
		return var_doc(t, r->item) &&
		       (ad_doc_visible_section_count(var_doc(t, r->item)) > 0 ||
			var_fm(t, r->item));
	case ROW_FRONTMATTER:
		fm = var_fm(t, r->item);
		return fm && fm->nfields > 0;
	case ROW_SECTION:
		secs = sections(t, r->item, &n);
		return secs[r->sub].first_child >= 0;
	case ROW_SKIPPED_HEAD:
		return t->nskipped > 0;
	default:
		return false;
	}
}

static bool row_is_open(const tree *t, const row *r)
{
	switch (r->kind) {
	case ROW_AGENT:
		return t->agents[r->item].open;
	case ROW_VARIANT:
		return t->vars[r->item].open;
	case ROW_FRONTMATTER:
		return t->vars[r->item].fm_open;
	case ROW_SECTION:
		return t->vars[r->item].sec_open && t->vars[r->item].sec_open[r->sub];
	case ROW_SKIPPED_HEAD:
		return t->skipped_open;
	default:
		return false;
	}
}

static void set_open(tree *t, const row *r, bool open)
{
	switch (r->kind) {
	case ROW_AGENT:
		t->agents[r->item].open = open;
		break;
	case ROW_VARIANT:
		t->vars[r->item].open = open;
		if (open)
			ensure_sec_state(t, r->item);
		break;
	case ROW_FRONTMATTER:
		t->vars[r->item].fm_open = open;
		break;
	case ROW_SECTION:
		ensure_sec_state(t, r->item);
		if (t->vars[r->item].sec_open)
			t->vars[r->item].sec_open[r->sub] = open;
		break;
	case ROW_SKIPPED_HEAD:
		t->skipped_open = open;
		break;
	default:
		return;
	}
	t->dirty = true;
}

/* ------------------------------------------------------------ rows */

static void push_row(tree *t, row_kind kind, int depth, size_t item, int sub)
{
	row *r;

	if (t->nrows == t->cap)
		ad_xgrow((void **)&t->rows, &t->cap, t->nrows + 1, sizeof(*t->rows));
	r = &t->rows[t->nrows++];
	r->kind = kind;
	r->depth = depth;
	r->item = item;
	r->sub = sub;
}

/* all: as if every item were unfolded. */
static void push_variant_rows(tree *t, size_t vi, bool all)
{
	const variant_st *vs = &t->vars[vi];
	const ad_frontmatter *fm = var_fm(t, vi);
	size_t n, i, f;
	const ad_section *secs = sections(t, vi, &n);
	int closed_depth = -1; /* inside a folded section of this depth */

	if (fm) {
		push_row(t, ROW_FRONTMATTER, 2, vi, -1);
		for (f = 0; (all || vs->fm_open) && f < fm->nfields; f++)
			push_row(t, ROW_FIELD, 3, vi, (int)f);
	}
	for (i = 0; i < n; i++) {
		if (closed_depth >= 0 && secs[i].depth > closed_depth)
			continue;
		closed_depth = -1;
		if (secs[i].blank)
			continue;
		push_row(t, ROW_SECTION, 2 + secs[i].depth, vi, (int)i);
		if (!all && (!vs->sec_open || !vs->sec_open[i]))
			closed_depth = secs[i].depth;
	}
}

static bool same_item(const row *a, const row *b)
{
	return a->kind == b->kind && a->item == b->item && a->sub == b->sub;
}

/* The rows shown into t->rows; all: every item's, as if unfolded. */
static void collect(tree *t, bool all)
{
	size_t ai, vi, k;

	t->nrows = 0;
	for (ai = 0; ai < t->nagents; ai++) {
		const agent_st *as = &t->agents[ai];

		push_row(t, ROW_AGENT, 0, ai, -1);
		if (!all && !as->open)
			continue;
		for (vi = as->first; vi < as->first + as->a->nvariants; vi++) {
			push_row(t, ROW_VARIANT, 1, vi, -1);
			if (all || t->vars[vi].open)
				push_variant_rows(t, vi, all);
		}
	}
	if (t->nskipped) {
		push_row(t, ROW_SKIPPED_HEAD, 0, 0, -1);
		for (k = 0; (all || t->skipped_open) && k < t->nskipped; k++)
			push_row(t, ROW_SKIPPED, 1, k, -1);
	}
}

static void rebuild(tree *t)
{
	row keep = { ROW_NONE, 0, 0, -1 };
	size_t k;

	if (!t->dirty)
		return;
	if (t->list.cursor < t->nrows)
		keep = t->rows[t->list.cursor];
	collect(t, false);
	ad_list_set_count(&t->list, t->nrows);
	t->dirty = false;

	/* The same item, else the nearest shown item that holds it. */
	t->list.cursor = 0;
	while (keep.kind != ROW_NONE) {
		size_t nsec;
		const ad_section *secs;

		for (k = 0; k < t->nrows; k++) {
			if (same_item(&t->rows[k], &keep)) {
				t->list.cursor = k;
				return;
			}
		}
		switch (keep.kind) {
		case ROW_SECTION:
			secs = sections(t, keep.item, &nsec);
			if (secs[keep.sub].parent >= 0) {
				keep.sub = secs[keep.sub].parent;
			} else {
				keep.kind = ROW_VARIANT;
				keep.sub = -1;
			}
			break;
		case ROW_FIELD:
			keep.kind = ROW_FRONTMATTER;
			keep.sub = -1;
			break;
		case ROW_FRONTMATTER:
			keep.kind = ROW_VARIANT;
			break;
		case ROW_VARIANT:
			keep.kind = ROW_AGENT;
			keep.item = t->vars[keep.item].agent;
			break;
		case ROW_SKIPPED:
			keep.kind = ROW_SKIPPED_HEAD;
			keep.item = 0;
			break;
		default:
			keep.kind = ROW_NONE;
			break;
		}
	}
}

/* ------------------------------------------------------------ labels */

/* The first line of s, for a one-line field value. */
static size_t first_line_len(const char *s)
{
	size_t n = strcspn(s, "\r\n");

	return n;
}

/* The row's searchable text: what its label says. */
static void row_label(tree *t, const row *r, ad_buf *out)
{
	size_t n, i;
	const ad_section *secs;
	const ad_frontmatter *fm;
	const ad_fm_field *f;
	const ad_ws_skipped *sk;

	switch (r->kind) {
	case ROW_AGENT:
		ad_buf_puts(out, t->agents[r->item].a->name);
		break;
	case ROW_VARIANT:
		ad_buf_puts(out, t->vars[r->item].label);
		break;
	case ROW_FRONTMATTER:
		ad_buf_puts(out, "frontmatter");
		break;
	case ROW_FIELD:
		fm = var_fm(t, r->item);
		f = &fm->fields[r->sub];
		ad_buf_puts(out, f->key);
		ad_buf_puts(out, ": ");
		if (f->nitems) {
			for (i = 0; i < f->nitems; i++) {
				if (i)
					ad_buf_puts(out, ", ");
				ad_buf_puts(out, f->items[i]);
			}
		} else {
			ad_buf_put(out, f->value, first_line_len(f->value));
			if (f->value[first_line_len(f->value)])
				ad_buf_puts(out, " ...");
		}
		break;
	case ROW_SECTION:
		secs = sections(t, r->item, &n);
		ad_section_label(out, &secs[r->sub]);
		break;
	case ROW_SKIPPED_HEAD:
		ad_buf_puts(out, "skipped files");
		break;
	case ROW_SKIPPED:
		sk = ad_ws_skipped_at(t->ws, t->skipped[r->item]);
		ad_buf_puts(out, sk->path);
		break;
	default:
		break;
	}
}

static ad_slot row_slot(const tree *t, const row *r)
{
	switch (r->kind) {
	case ROW_AGENT:
		return AD_SLOT_TREE_AGENT;
	case ROW_VARIANT:
		return t->vars[r->item].nerrors ? AD_SLOT_ERROR : AD_SLOT_TREE_VARIANT;
	case ROW_FRONTMATTER:
	case ROW_FIELD:
		return AD_SLOT_TREE_FIELD;
	case ROW_SECTION:
		return AD_SLOT_TREE_SECTION;
	case ROW_SKIPPED:
		return AD_SLOT_DIM;
	default:
		return AD_SLOT_DEFAULT;
	}
}

/* The count shown after the label. */
static void row_count(tree *t, const row *r, ad_buf *out)
{
	size_t n, k;
	const ad_section *secs;
	const variant_st *vs;
	const ad_frontmatter *fm;

	switch (r->kind) {
	case ROW_AGENT:
		n = t->agents[r->item].a->nvariants;
		ad_buf_printf(out, "%zu variant%s", n, n == 1 ? "" : "s");
		break;
	case ROW_VARIANT:
		vs = &t->vars[r->item];
		n = var_doc(t, r->item) ? ad_doc_visible_section_count(var_doc(t, r->item))
					: vs->v->nsections;
		ad_buf_printf(out, "%zu section%s", n, n == 1 ? "" : "s");
		break;
	case ROW_FRONTMATTER:
		fm = var_fm(t, r->item);
		ad_buf_printf(out, "%zu field%s", fm->nfields, fm->nfields == 1 ? "" : "s");
		break;
	case ROW_SECTION:
		secs = sections(t, r->item, &n);
		k = child_count(secs, r->sub);
		if (k)
			ad_buf_printf(out, "%zu", k);
		break;
	case ROW_SKIPPED_HEAD:
		ad_buf_printf(out, "%zu", t->nskipped);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------ drawing */

/* Draws a row's text; returns where its label starts (-1: nowhere) with
 * its width in *label_w and the label itself in t->tmp2. */
static int draw_row_text(tree *t, ad_screen *scr, int y, int x0, int width, const row *r,
			 int *label_w)
{
	int x = x0 + r->depth * 2, end = x0 + width, used, lx;
	bool open = row_is_open(t, r), kids = row_has_children(t, r);
	ad_slot slot = row_slot(t, r);

	if (x >= end)
		return -1;
	ad_screen_puts(scr, y, x, end - x, kids ? (open ? "\xe2\x96\xbe" : "\xe2\x96\xb8") : " ",
		       AD_SLOT_PANE_BORDER, 0);
	x += 2;
	/* A marked variant's mark sits left of its fold marker. */
	if (r->kind == ROW_VARIANT && t->vars[r->item].marked)
		ad_screen_puts(scr, y, x - 3, 1, "\xe2\x97\x8f", AD_SLOT_CHANGED, AD_CELL_BOLD);
	if (x >= end)
		return -1;

	ad_buf_clear(&t->tmp2);
	row_label(t, r, &t->tmp2);
	if (r->kind == ROW_FIELD) {
		const ad_fm_field *f = &var_fm(t, r->item)->fields[r->sub];
		size_t klen = strlen(f->key) + 1;

		used = ad_screen_put(scr, y, x, end - x, t->tmp2.ptr, klen, AD_SLOT_TREE_FIELD, 0);
		used += ad_screen_put(scr, y, x + used, end - x - used, t->tmp2.ptr + klen,
				      t->tmp2.size - klen, AD_SLOT_DEFAULT, 0);
	} else {
		used = ad_screen_put(scr, y, x, end - x, t->tmp2.ptr, t->tmp2.size, slot,
				     r->kind == ROW_AGENT ? AD_CELL_BOLD : 0);
	}
	lx = x;
	*label_w = used;
	x += used;

	ad_buf_clear(&t->tmp);
	row_count(t, r, &t->tmp);
	if (t->tmp.size && x + 2 < end)
		x += 2 + ad_screen_put(scr, y, x + 2, end - x - 2, t->tmp.ptr, t->tmp.size,
				       AD_SLOT_COUNTER, 0);
	if (r->kind == ROW_VARIANT && t->vars[r->item].nerrors && x + 2 < end) {
		size_t ne = t->vars[r->item].nerrors;

		ad_buf_clear(&t->tmp);
		ad_buf_printf(&t->tmp, "%zu error%s", ne, ne == 1 ? "" : "s");
		ad_screen_puts(scr, y, x + 2, end - x - 2, t->tmp.ptr, AD_SLOT_ERROR, AD_CELL_BOLD);
	} else if (r->kind == ROW_AGENT && t->agents[r->item].nerrors && x + 2 < end) {
		ad_screen_puts(scr, y, x + 2, end - x - 2, "!", AD_SLOT_ERROR, AD_CELL_BOLD);
	}
	return lx;
}

/* cursor: 1 the focused cursor, -1 the cursor of a pane without the
 * focus, 0 none.  The search highlight goes over the cursor's, so that
 * the match stays visible. */
static void draw_row(tree *t, ad_screen *scr, int y, int x0, int width, const row *r,
		     int cursor)
{
	int used = 0, lx = draw_row_text(t, scr, y, x0, width, r, &used);
	size_t at, from = 0, nlen;

	if (cursor)
		ad_screen_paint(scr, y, x0, width, cursor > 0 ? AD_SLOT_CURSOR : AD_SLOT_DIM,
				cursor > 0 ? 0 : AD_CELL_REVERSE);
	if (!t->needle || lx < 0)
		return;
	nlen = strlen(t->needle);
	while (from < t->tmp2.size &&
	       ad_view_find(t->tmp2.ptr + from, t->tmp2.size - from, t->needle, 0, &at)) {
		int c0 = ad_text_width(t->tmp2.ptr, from + at);
		int c1 = ad_text_width(t->tmp2.ptr, from + at + nlen);

		if (c0 < used)
			ad_screen_paint(scr, y, lx + c0, (c1 < used ? c1 : used) - c0,
					AD_SLOT_SEARCH_MATCH, 0);
		from += at + nlen;
	}
}

static void draw(ad_view *v, ad_screen *scr, const ad_rect *r, bool focused)
{
	tree *t = (tree *)v;
	size_t i;
	int y;

	rebuild(t);
	ad_screen_fill(scr, r->row, r->col, r->cols, ' ', AD_SLOT_PANE_TITLE);
	ad_buf_clear(&t->tmp);
	ad_buf_printf(&t->tmp, "Agents  %zu", t->nagents);
	if (t->nmarked)
		ad_buf_printf(&t->tmp, "  (%zu marked)", t->nmarked);
	ad_screen_puts(scr, r->row, r->col + 1, r->cols - 2, t->tmp.ptr, AD_SLOT_PANE_TITLE, 0);
	t->height = r->rows - 1;
	if (t->height <= 0)
		return;
	if (t->nrows == 0) {
		ad_screen_puts(scr, r->row + 1, r->col + 1, r->cols - 1,
			       "no agent definitions found", AD_SLOT_DIM, 0);
		return;
	}
	t->list.height = (size_t)t->height;
	ad_list_follow(&t->list);

	for (i = t->list.top, y = 0; i < t->nrows && y < t->height; i++, y++) {
		draw_row(t, scr, r->row + 1 + y, r->col, r->cols, &t->rows[i],
			 i != t->list.cursor ? 0 : focused ? 1 : -1);
	}
}

/* ------------------------------------------------------------ selection */

/* A note per diagnostic of doc, its text appended to store (at
 * offsets[], since store may move). */
static void diag_notes(const ad_doc *doc, ad_text_note *notes, size_t *n, ad_buf *store,
		       size_t *offsets)
{
	const ad_diag *d = ad_doc_diags(doc);
	size_t i, nd = ad_doc_diag_count(doc);

	for (i = 0; i < nd; i++) {
		ad_text_note *note = &notes[(*n)++];

		note->label = ad_diag_severity_name(d[i].severity);
		note->label_slot = d[i].severity == AD_DIAG_ERROR ? AD_SLOT_ERROR :
				   d[i].severity == AD_DIAG_WARNING ? AD_SLOT_WARNING : AD_SLOT_DIM;
		note->slot = AD_SLOT_DEFAULT;
		offsets[*n - 1] = store->size;
		if (d[i].line)
			ad_buf_printf(store, "%d:%d: ", d[i].line, d[i].column);
		ad_buf_printf(store, "%s [%s]", d[i].message, d[i].id);
		ad_buf_putc(store, '\0');
	}
}

static void show(tree *t, ad_view_host *host)
{
	const row *r;
	ad_buf title = AD_BUF_INIT, store = AD_BUF_INIT;
	ad_text_note *notes = NULL;
	size_t *offsets = NULL, nnotes = 0, i, n;
	const ad_doc *doc = NULL;
	size_t start = 0, end = 0;

	rebuild(t);
	if (!t->text)
		return;
	if (t->nrows == 0) {
		ad_text_view_set(t->text, "", NULL, 0, NULL, 0, 0);
		return;
	}
	r = &t->rows[t->list.cursor];
	switch (r->kind) {
	case ROW_AGENT: {
		const agent_st *as = &t->agents[r->item];

		size_t prefix = (size_t)(t->vars[as->first].label - t->vars[as->first].v->path);

		ad_buf_printf(&title, "%s: %zu variant%s", as->a->name, as->a->nvariants,
			      as->a->nvariants == 1 ? "" : "s");
		if (as->a->nfolders > 1)
			ad_buf_printf(&title, " in %zu folders", as->a->nfolders);
		if (prefix) {
			/* The folder they share, which the labels leave out. */
			ad_buf_puts(&title, " in ");
			ad_buf_put(&title, t->vars[as->first].v->path, prefix);
		}
		n = as->a->nvariants;
		notes = ad_xcalloc(n + 2, sizeof(*notes));
		offsets = ad_xcalloc(n + 2, sizeof(*offsets));
		for (i = 0; i < n; i++) {
			const variant_st *vs = &t->vars[as->first + i];

			notes[nnotes].label = vs->label;
			notes[nnotes].label_slot = vs->nerrors ? AD_SLOT_ERROR : AD_SLOT_TREE_VARIANT;
			notes[nnotes].slot = AD_SLOT_DEFAULT;
			offsets[nnotes++] = store.size;
			ad_buf_printf(&store, "%zu section%s, %zu byte%s", vs->v->nsections,
				      vs->v->nsections == 1 ? "" : "s", vs->v->size,
				      vs->v->size == 1 ? "" : "s");
			if (vs->nerrors)
				ad_buf_printf(&store, ", %zu error%s", vs->nerrors,
					      vs->nerrors == 1 ? "" : "s");
			if (vs->nwarnings)
				ad_buf_printf(&store, ", %zu warning%s", vs->nwarnings,
					      vs->nwarnings == 1 ? "" : "s");
			ad_buf_putc(&store, '\0');
		}
		if (n >= 2) {
			notes[nnotes].slot = AD_SLOT_DIM;
			offsets[nnotes++] = store.size;
			ad_buf_putc(&store, '\0');
			notes[nnotes].slot = AD_SLOT_DIM;
			offsets[nnotes++] = store.size;
			ad_buf_puts(&store, n == 2 ? "c compares the two side by side"
						   : "c shows the alignment matrix of all of them");
			ad_buf_putc(&store, '\0');
		}
		break;
	}
	case ROW_VARIANT:
	case ROW_FRONTMATTER:
	case ROW_FIELD:
	case ROW_SECTION: {
		const variant_st *vs = &t->vars[r->item];

		doc = var_doc(t, r->item);
		ad_buf_puts(&title, vs->v->path);
		if (!doc)
			break;
		if (r->kind == ROW_VARIANT) {
			n = ad_doc_diag_count(doc);
			notes = ad_xcalloc(n + 1, sizeof(*notes));
			offsets = ad_xcalloc(n + 1, sizeof(*offsets));
			diag_notes(doc, notes, &nnotes, &store, offsets);
			start = 0;
			end = ad_doc_size(doc);
			if (vs->nerrors && host) {
				const ad_diag *d = ad_doc_diags(doc);

				for (i = 0; i < n && d[i].severity != AD_DIAG_ERROR; i++)
					;
				ad_host_message(host, AD_SLOT_ERROR, "%s:%d:%d: %s", vs->v->path,
					       d[i].line, d[i].column, d[i].message);
			}
		} else if (r->kind == ROW_FRONTMATTER) {
			const ad_frontmatter *fm = ad_doc_frontmatter(doc);

			ad_buf_puts(&title, " > frontmatter");
			start = fm->start;
			end = fm->end;
		} else if (r->kind == ROW_FIELD) {
			const ad_fm_field *f = &ad_doc_frontmatter(doc)->fields[r->sub];

			ad_buf_printf(&title, " > %s", f->key);
			start = f->start;
			end = f->end;
		} else {
			const ad_section *s = &ad_doc_sections(doc)[r->sub];

			ad_buf_puts(&title, " > ");
			row_label(t, r, &title);
			start = s->start;
			end = s->end;
		}
		break;
	}
	case ROW_SKIPPED_HEAD:
	case ROW_SKIPPED: {
		size_t from = r->kind == ROW_SKIPPED ? r->item : 0;
		size_t to = r->kind == ROW_SKIPPED ? r->item + 1 : t->nskipped;

		ad_buf_puts(&title, r->kind == ROW_SKIPPED
			    ? ad_ws_skipped_at(t->ws, t->skipped[r->item])->path : "skipped files");
		notes = ad_xcalloc(to - from + 1, sizeof(*notes));
		offsets = ad_xcalloc(to - from + 1, sizeof(*offsets));
		for (i = from; i < to; i++) {
			const ad_ws_skipped *sk = ad_ws_skipped_at(t->ws, t->skipped[i]);

			notes[nnotes].label = r->kind == ROW_SKIPPED ? "skipped" : NULL;
			notes[nnotes].label_slot = AD_SLOT_WARNING;
			notes[nnotes].slot = AD_SLOT_DEFAULT;
			offsets[nnotes++] = store.size;
			if (r->kind == ROW_SKIPPED_HEAD)
				ad_buf_printf(&store, "%s: ", sk->path);
			ad_buf_puts(&store, sk->message);
			ad_buf_putc(&store, '\0');
		}
		break;
	}
	default:
		break;
	}
	for (i = 0; i < nnotes; i++)
		notes[i].text = store.ptr + offsets[i];
	ad_text_view_set(t->text, ad_buf_cstr(&title), notes, nnotes, doc, start, end);
	free(notes);
	free(offsets);
	ad_buf_free(&title);
	ad_buf_free(&store);
}

void ad_tree_show_selection(ad_view *v, ad_view_host *host)
{
	show((tree *)v, host);
}

/* ------------------------------------------------------------ actions */

static void move_to(tree *t, ad_view_host *host, long pos)
{
	if (t->nrows && ad_list_goto(&t->list, pos < 0 ? 0 : (size_t)pos))
		show(t, host);
}

static long parent_row(const tree *t, size_t i)
{
	long k;

	for (k = (long)i - 1; k >= 0; k--) {
		if (t->rows[k].depth < t->rows[i].depth)
			return k;
	}
	return -1;
}

/* The variant a row belongs to, or -1. */
static long row_variant(const row *r)
{
	switch (r->kind) {
	case ROW_VARIANT:
	case ROW_FRONTMATTER:
	case ROW_FIELD:
	case ROW_SECTION:
		return (long)r->item;
	default:
		return -1;
	}
}

static void fold_all(tree *t, bool open)
{
	size_t i, n, k;

	for (i = 0; i < t->nagents; i++)
		t->agents[i].open = open;
	for (i = 0; i < t->nvars; i++) {
		t->vars[i].open = open;
		t->vars[i].fm_open = open;
		if (open)
			ensure_sec_state(t, i);
		sections(t, i, &n);
		for (k = 0; t->vars[i].sec_open && k < n; k++)
			t->vars[i].sec_open[k] = open;
	}
	t->skipped_open = open;
	t->dirty = true;
}

static void say(ad_view_host *host, ad_slot slot, const char *msg)
{
	if (host)
		ad_host_message(host, slot, "%s", msg);
}

/* The variants to compare: the marked ones, else those of the agent the
 * cursor is in.  Returns how many (0 when there is nothing to compare). */
static size_t to_compare(tree *t, ad_view_host *host, const ad_doc **docs, const char **labels)
{
	const row *r = &t->rows[t->list.cursor];
	size_t n = 0, i, from = 0, to = t->nvars, ai;
	bool marked = t->nmarked > 0;
	long vi = row_variant(r);

	if (!marked) {
		if (r->kind != ROW_AGENT && vi < 0) {
			say(host, AD_SLOT_WARNING,
			    "mark two or more variants with m, or select an agent, then press c");
			return 0;
		}
		ai = r->kind == ROW_AGENT ? r->item : t->vars[vi].agent;
		from = t->agents[ai].first;
		to = from + t->agents[ai].a->nvariants;
		if (to - from < 2) {
			if (host)
				ad_host_message(host, AD_SLOT_WARNING,
					       "%s has one variant; mark variants with m to compare them",
					       t->agents[ai].a->name);
			return 0;
		}
	}
	for (i = from; i < to; i++) {
		if ((marked && !t->vars[i].marked) || !var_doc(t, i))
			continue;
		if (n == AD_ALIGN_MAX_DOCS) {
			if (host)
				ad_host_message(host, AD_SLOT_WARNING,
					       "at most %d variants can be compared at once",
					       AD_ALIGN_MAX_DOCS);
			return 0;
		}
		docs[n] = var_doc(t, i);
		labels[n++] = t->vars[i].v->path;
	}
	if (n < 2) {
		say(host, AD_SLOT_WARNING,
		    "mark two or more variants with m, or select an agent, then press c");
		return 0;
	}
	return n;
}

static void compare(tree *t, ad_view_host *host)
{
	const ad_doc *docs[AD_ALIGN_MAX_DOCS];
	const char *labels[AD_ALIGN_MAX_DOCS];
	const row *r = &t->rows[t->list.cursor];
	ad_error err = AD_ERROR_INIT;
	ad_view *view;
	size_t n = to_compare(t, host, docs, labels);
	int section = -1;

	if (n < 2 || !host)
		return;
	if (n == 2) {
		/* Start at the section the cursor is on, when it is one of the
		 * left side's. */
		if (r->kind == ROW_SECTION && var_doc(t, r->item) == docs[0])
			section = r->sub;
		view = ad_sbs_view_new(docs[0], docs[1], labels[0], labels[1], section, &err);
	} else {
		view = ad_matrix_view_new(docs, labels, n, &err);
	}
	if (!view) {
		ad_host_message(host, AD_SLOT_ERROR, "cannot compare: %s",
			       err.message ? err.message : "unknown error");
		ad_error_clear(&err);
		return;
	}
	ad_host_push(host, view);
}

static bool action(ad_view *v, ad_view_host *host, ad_action a)
{
	tree *t = (tree *)v;
	long page, half, p, vi;
	row r;

	rebuild(t);
	if (t->nrows == 0)
		return false;
	r = t->rows[t->list.cursor];
	t->list.overlap = 1;
	page = (long)ad_list_page_size(&t->list, false);
	half = (long)ad_list_page_size(&t->list, true);
	switch (a) {
	case AD_ACTION_MOVE_UP:
		move_to(t, host, (long)t->list.cursor - 1);
		return true;
	case AD_ACTION_MOVE_DOWN:
		move_to(t, host, (long)t->list.cursor + 1);
		return true;
	case AD_ACTION_PAGE_UP:
		move_to(t, host, (long)t->list.cursor - page);
		return true;
	case AD_ACTION_PAGE_DOWN:
		move_to(t, host, (long)t->list.cursor + page);
		return true;
	case AD_ACTION_HALF_PAGE_UP:
		move_to(t, host, (long)t->list.cursor - half);
		return true;
	case AD_ACTION_HALF_PAGE_DOWN:
		move_to(t, host, (long)t->list.cursor + half);
		return true;
	case AD_ACTION_FIRST:
		move_to(t, host, 0);
		return true;
	case AD_ACTION_LAST:
		move_to(t, host, (long)t->nrows - 1);
		return true;
	case AD_ACTION_LEFT:
		if (row_has_children(t, &r) && row_is_open(t, &r)) {
			set_open(t, &r, false);
			rebuild(t);
		} else if ((p = parent_row(t, t->list.cursor)) >= 0) {
			move_to(t, host, p);
		}
		return true;
	case AD_ACTION_RIGHT:
		if (row_has_children(t, &r) && !row_is_open(t, &r)) {
			set_open(t, &r, true);
			rebuild(t);
		} else if (row_has_children(t, &r)) {
			move_to(t, host, (long)t->list.cursor + 1);
		}
		return true;
	case AD_ACTION_ENTER:
		/* Agents and groups unfold; an item with text lets the app
		 * move the focus to it. */
		if (r.kind == ROW_AGENT || r.kind == ROW_SKIPPED_HEAD ||
		    r.kind == ROW_FRONTMATTER) {
			set_open(t, &r, !row_is_open(t, &r));
			rebuild(t);
			return true;
		}
		return false;
	case AD_ACTION_FOLD_TOGGLE:
		if (!row_has_children(t, &r)) {
			/* A leaf folds what holds it, as in vim. */
			if ((p = parent_row(t, t->list.cursor)) < 0)
				return true;
			t->list.cursor = (size_t)p;
			r = t->rows[p];
		}
		set_open(t, &r, !row_is_open(t, &r));
		rebuild(t);
		show(t, host);
		return true;
	case AD_ACTION_FOLD_ALL:
	case AD_ACTION_UNFOLD_ALL:
		fold_all(t, a == AD_ACTION_UNFOLD_ALL);
		rebuild(t);
		show(t, host);
		return true;
	case AD_ACTION_MARK:
		vi = row_variant(&r);
		if (vi < 0) {
			if (host)
				ad_host_message(host, AD_SLOT_WARNING, "only variants can be marked");
			return true;
		}
		t->vars[vi].marked = !t->vars[vi].marked;
		t->nmarked += t->vars[vi].marked ? 1 : (size_t)-1;
		return true;
	case AD_ACTION_COMPARE:
		compare(t, host);
		return true;
	default:
		return false;
	}
}

/* t->all[i]'s label holds the needle. */
static bool all_matches(size_t i, void *payload)
{
	tree *t = payload;
	size_t at;

	ad_buf_clear(&t->tmp);
	row_label(t, &t->all[i], &t->tmp);
	return ad_view_find(t->tmp.ptr, t->tmp.size, t->needle, 0, &at);
}

/* Unfolds what holds r, so that it is shown. */
static void reveal(tree *t, const row *r)
{
	size_t n;
	const ad_section *secs;
	int p;

	switch (r->kind) {
	case ROW_SKIPPED:
		t->skipped_open = true;
		break;
	case ROW_VARIANT:
		t->agents[t->vars[r->item].agent].open = true;
		break;
	case ROW_FRONTMATTER:
	case ROW_FIELD:
	case ROW_SECTION:
		t->agents[t->vars[r->item].agent].open = true;
		t->vars[r->item].open = true;
		ensure_sec_state(t, r->item);
		if (r->kind == ROW_FIELD)
			t->vars[r->item].fm_open = true;
		if (r->kind != ROW_SECTION || !t->vars[r->item].sec_open)
			break;
		secs = sections(t, r->item, &n);
		for (p = secs[r->sub].parent; p >= 0; p = secs[p].parent)
			t->vars[r->item].sec_open[p] = 1;
		break;
	default:
		break;
	}
	t->dirty = true;
}

/* Searches every item, folded or not, and unfolds what holds the match. */
static ad_search_result search(ad_view *v, const char *needle, int dir)
{
	tree *t = (tree *)v;
	row cur, *rows;
	size_t nrows, cap, from = 0, at = 0, k;
	ad_search_result res;

	free(t->needle);
	t->needle = NULL;
	rebuild(t);
	if (!needle || !*needle || t->nrows == 0)
		return AD_SEARCH_NOT_FOUND;
	t->needle = ad_xstrdup(needle);
	cur = t->rows[t->list.cursor];
	/* collect() fills t->rows: lend it the scratch array. */
	rows = t->rows, nrows = t->nrows, cap = t->cap;
	t->rows = t->all, t->nrows = 0, t->cap = t->capall;
	collect(t, true);
	t->all = t->rows, t->nall = t->nrows, t->capall = t->cap;
	t->rows = rows, t->nrows = nrows, t->cap = cap;
	for (k = 0; k < t->nall; k++)
		if (same_item(&t->all[k], &cur)) {
			from = k;
			break;
		}
	res = ad_list_find(t->nall, from, dir, all_matches, t, &at);
	if (res == AD_SEARCH_NOT_FOUND)
		return res;
	if (!same_item(&t->all[at], &cur)) {
		reveal(t, &t->all[at]);
		/* rebuild() keeps the cursor on its item: put it on the match. */
		t->list.cursor = t->nrows;
		rebuild(t);
		for (k = 0; k < t->nrows; k++)
			if (same_item(&t->rows[k], &t->all[at]))
				t->list.cursor = k;
	}
	show(t, NULL);
	return res;
}

static bool mouse(ad_view *v, ad_view_host *host, const ad_mouse *ev)
{
	tree *t = (tree *)v;
	size_t i;
	row r;

	rebuild(t);
	switch (ev->kind) {
	case AD_MOUSE_CLICK:
	case AD_MOUSE_DOUBLE_CLICK:
		if (ev->row < 1)
			return false;
		i = t->list.top + (size_t)(ev->row - 1);
		if (i >= t->nrows)
			return false;
		move_to(t, host, (long)i);
		r = t->rows[i];
		/* On the fold marker, or a double click: fold or unfold. */
		if (row_has_children(t, &r) &&
		    (ev->kind == AD_MOUSE_DOUBLE_CLICK ||
		     (ev->col >= r.depth * 2 && ev->col <= r.depth * 2 + 1))) {
			set_open(t, &r, !row_is_open(t, &r));
			rebuild(t);
		}
		return true;
	case AD_MOUSE_WHEEL_UP:
	case AD_MOUSE_WHEEL_DOWN: {
		size_t old = t->list.cursor;

		ad_list_scroll(&t->list, ev->kind == AD_MOUSE_WHEEL_UP ? -3 : 3, false);
		/* The cursor stays on screen, and so is what the text shows. */
		if (t->list.cursor != old)
			show(t, host);
		return true;
	}
	}
	return false;
}

static void status(ad_view *v, ad_buf *out)
{
	tree *t = (tree *)v;

	rebuild(t);
	if (t->nrows)
		ad_buf_printf(out, "%zu/%zu", t->list.cursor + 1, t->nrows);
	if (t->nmarked)
		ad_buf_printf(out, "  %zu marked", t->nmarked);
}

static void view_free(ad_view *v)
{
	tree *t = (tree *)v;
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nvars; i++)
		free(t->vars[i].sec_open);
	free(t->vars);
	free(t->agents);
	free(t->skipped);
	free(t->rows);
	free(t->all);
	free(t->needle);
	ad_buf_free(&t->tmp);
	ad_buf_free(&t->tmp2);
	free(t);
}

static const ad_view_ops tree_ops = {
	.name = "tree",
	.draw = draw,
	.action = action,
	.search = search,
	.mouse = mouse,
	.status = status,
	.free = view_free,
};

/* Length of the folder part ("a/b/") that the paths of variants
 * [from, to) share: the tree shows the rest, the agent's summary the
 * whole. */
static size_t common_folder(const tree *t, size_t from, size_t to)
{
	size_t i, len, k;
	const char *first;

	if (from >= to)
		return 0;
	first = t->vars[from].v->path;
	len = strlen(first);
	for (i = from + 1; i < to; i++) {
		const char *p = t->vars[i].v->path;

		for (k = 0; k < len && p[k] == first[k]; k++)
			;
		len = k;
	}
	while (len > 0 && first[len - 1] != '/')
		len--;
	return len;
}

ad_view *ad_tree_view_new(const ad_workspace *ws, ad_view *text)
{
	tree *t = ad_xcalloc(1, sizeof(*t));
	size_t i, j, k, nv = 0, prefix;

	t->base.ops = &tree_ops;
	t->ws = ws;
	t->text = text;
	t->nagents = ws ? ad_ws_agent_count(ws) : 0;
	t->agents = ad_xcalloc(t->nagents ? t->nagents : 1, sizeof(*t->agents));
	for (i = 0; i < t->nagents; i++)
		nv += ad_ws_agent_at(ws, i)->nvariants;
	t->vars = ad_xcalloc(nv ? nv : 1, sizeof(*t->vars));
	for (i = 0; i < t->nagents; i++) {
		agent_st *as = &t->agents[i];

		as->a = ad_ws_agent_at(ws, i);
		as->first = t->nvars;
		as->open = t->nagents <= UNFOLD_AGENTS_MAX;
		for (j = 0; j < as->a->nvariants; j++) {
			variant_st *vs = &t->vars[t->nvars++];
			const ad_doc *doc;

			vs->v = &as->a->variants[j];
			vs->agent = i;
			doc = vs->v->doc;
			for (k = 0; doc && k < ad_doc_diag_count(doc); k++) {
				ad_diag_severity sev = ad_doc_diags(doc)[k].severity;

				vs->nerrors += sev == AD_DIAG_ERROR;
				vs->nwarnings += sev == AD_DIAG_WARNING;
			}
			if (vs->nerrors)
				as->nerrors++;
		}
	}
	for (i = 0; i < t->nagents; i++) {
		agent_st *as = &t->agents[i];

		prefix = common_folder(t, as->first, as->first + as->a->nvariants);
		for (j = as->first; j < as->first + as->a->nvariants; j++)
			t->vars[j].label = t->vars[j].v->path + prefix;
	}

	/* Skipped files, but not every other file of a source tree. */
	k = ws ? ad_ws_skipped_count(ws) : 0;
	t->skipped = ad_xcalloc(k ? k : 1, sizeof(*t->skipped));
	for (i = 0; i < k; i++) {
		if (ad_ws_skipped_at(ws, i)->reason != AD_WS_SKIP_NOT_MARKDOWN)
			t->skipped[t->nskipped++] = i;
	}
	t->dirty = true;
	rebuild(t);
	return &t->base;
}

size_t ad_tree_marked_count(const ad_view *v)
{
	return ((const tree *)v)->nmarked;
}

size_t ad_tree_variant_count(const ad_view *v)
{
	return ((const tree *)v)->nvars;
}
