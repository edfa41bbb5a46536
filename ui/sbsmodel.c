/*
 * sbsmodel: the rows of a side-by-side comparison (see sbsmodel.h).
 *
 * The comparison itself is diff/'s: ad_fmdiff_docs for the frontmatter,
 * ad_align_docs for the sections, ad_pair_of for what a row says about the
 * pair, a line diff per modified section grouped with ad_pair_changes, and
 * ad_pair_word_diff for the changed words of a block, so the view and
 * `agentdiff diff` agree on every decision.  This file only lays it out.
 */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "fmdiff.h"
#include "lines.h"
#include "pair.h"
#include "sbsmodel.h"
#include "textdiff.h"

struct ad_sbsmodel {
	ad_sbs_row *rows;
	size_t nrows, arows;
	ad_sbs_block *blocks;
	size_t nblocks, ablocks;
	ad_sbs_mark *marks;
	size_t nmarks, amarks;
	ad_arena arena;
	int *sec_block[2]; /* section index -> block, -1 */
	size_t nsec[2];
	bool large;
	int max_line;
};

/* ------------------------------------------------------------ building */

static size_t new_row(ad_sbsmodel *m, ad_sbs_row_kind kind, int block)
{
	ad_sbs_row *r;
	int s;

	if (m->nrows + 1 > m->arows)
		ad_xgrow((void **)&m->rows, &m->arows, m->nrows + 1, sizeof(*m->rows));
	r = &m->rows[m->nrows];
	memset(r, 0, sizeof(*r));
	r->kind = (uint8_t)kind;
	r->block = block;
	for (s = 0; s < 2; s++)
		r->side[s].slot = AD_SLOT_GAP;
	return m->nrows++;
}

static void set_side(ad_sbsmodel *m, size_t row, int s, const char *text, size_t len,
		     int line, ad_slot slot)
{
	ad_sbs_side *sd = &m->rows[row].side[s];

	sd->text = text;
	sd->len = (uint32_t)len;
	sd->line = line;
	sd->slot = (uint8_t)slot;
	sd->mark = (uint32_t)m->nmarks;
	sd->nmarks = 0;
	if (line > m->max_line)
		m->max_line = line;
}

/* Marks of a side must be added right after its set_side(), in order. */
static void add_mark(ad_sbsmodel *m, size_t row, int s, size_t off, size_t len, ad_slot slot)
{
	ad_sbs_side *sd = &m->rows[row].side[s];

	if (!len)
		return;
	if (m->nmarks + 1 > m->amarks)
		ad_xgrow((void **)&m->marks, &m->amarks, m->nmarks + 1, sizeof(*m->marks));
	m->marks[m->nmarks].off = (uint32_t)off;
	m->marks[m->nmarks].len = (uint32_t)len;
	m->marks[m->nmarks].slot = (uint8_t)slot;
	m->nmarks++;
	sd->nmarks++;
}

static const char *keep(ad_sbsmodel *m, ad_buf *buf)
{
	return ad_arena_strndup(&m->arena, ad_buf_cstr(buf), buf->size);
}

static int lineno(int base, int i, bool number_all)
{
	if (base <= 0)
		return 0;
	if (number_all)
		return base + i;
	return i == 0 ? base : 0;
}

/* One side of a text: its line table, and where it starts in the file. */
typedef struct {
	const char *text; /* NULL when absent */
	size_t len;
	ad_lines lines;
	int line;         /* file line of its first line, 0 for none */
} side_text;

static void side_open(side_text *st, const char *text, size_t len, int line)
{
	ad_lines empty = AD_LINES_INIT;

	st->text = text;
	st->len = len;
	st->line = line;
	st->lines = empty;
	if (text && ad_lines_build(&st->lines, text, len) < 0)
		st->lines = empty;
}

static void side_close(side_text *st)
{
	ad_lines_free(&st->lines);
}

/* Line i (0-based) of a side: start and length without its ending. */
static void line_at(const side_text *st, int i, size_t *off, size_t *len)
{
	*off = st->lines.starts[i];
	*len = ad_lines_content_end(&st->lines, st->text, i + 1) - *off;
}

static void put_line(ad_sbsmodel *m, size_t row, int s, const side_text *st, int i,
		     bool number_all, ad_slot slot)
{
	size_t off, len;

	line_at(st, i, &off, &len);
	set_side(m, row, s, st->text + off, len, lineno(st->line, i, number_all), slot);
}

/* Byte ranges of one side of a word diff to mark, in order. */
typedef struct {
	size_t *off, *len;
	size_t n, next;
} ranges;

static void ranges_collect(ranges *rg, const ad_textdiff *wd, const char *text, bool side_a)
{
	size_t k;

	rg->n = rg->next = 0;
	rg->off = ad_xmalloc((wd->count + 1) * sizeof(size_t));
	rg->len = ad_xmalloc((wd->count + 1) * sizeof(size_t));
	for (k = 0; k < wd->count; k++) {
		const ad_textdiff_op *op = &wd->ops[k];
		size_t off = side_a ? op->a_off : op->b_off;
		size_t len = side_a ? op->a_len : op->b_len;

		if (op->kind != (side_a ? AD_TEXTDIFF_DELETE : AD_TEXTDIFF_INSERT) || !len ||
		    ad_pair_all_space(text + off, len))
			continue;
		rg->off[rg->n] = off;
		rg->len[rg->n] = len;
		rg->n++;
	}
}

static void ranges_free(ranges *rg)
{
	free(rg->off);
	free(rg->len);
}

/* Marks the parts of ranges (offsets relative to base) that fall on the
 * line [lstart, lstart + llen) of text, as offsets into the line. */
static void mark_line(ad_sbsmodel *m, size_t row, int s, ranges *rg, const char *text,
		      size_t base, size_t lstart, size_t llen, ad_slot slot)
{
	size_t j, a = lstart - base, b = a + llen;

	while (rg->next < rg->n && rg->off[rg->next] + rg->len[rg->next] <= a)
		rg->next++;
	for (j = rg->next; j < rg->n && rg->off[j] < b; j++) {
		size_t from = rg->off[j] > a ? rg->off[j] : a;
		size_t to = rg->off[j] + rg->len[j] < b ? rg->off[j] + rg->len[j] : b;

		/* Blanks around a changed run are not worth marking. */
		while (to > from && ad_pair_is_space(text[base + from]))
			from++;
		while (to > from && ad_pair_is_space(text[base + to - 1]))
			to--;
		if (to > from)
			add_mark(m, row, s, from - a, to - from, slot);
	}
}

/* A changed block: A's lines [a0, a0 + na) became B's [b0, b0 + nb). */
static void add_change(ad_sbsmodel *m, int block, const side_text *sa, int a0, int na,
		       const side_text *sb, int b0, int nb, bool number_all)
{
	size_t ba0 = na ? sa->lines.starts[a0] : 0, ba1 = na ? sa->lines.starts[a0 + na] : 0;
	size_t bb0 = nb ? sb->lines.starts[b0] : 0, bb1 = nb ? sb->lines.starts[b0 + nb] : 0;
	ad_textdiff *wd = NULL;
	ranges ra = { 0 }, rb = { 0 };
	int k, n = na > nb ? na : nb;

	if (na && nb &&
	    ad_pair_word_diff(&wd, sa->text + ba0, ba1 - ba0, sb->text + bb0, bb1 - bb0) == 0 &&
	    wd) {
		ranges_collect(&ra, wd, sa->text + ba0, true);
		ranges_collect(&rb, wd, sb->text + bb0, false);
	}
	for (k = 0; k < n; k++) {
		size_t row = new_row(m, AD_SBS_ROW_LINE, block), off, len;

		m->rows[row].differs = true;
		if (k < na) {
			put_line(m, row, 0, sa, a0 + k, number_all,
				 wd ? AD_SLOT_CHANGED : AD_SLOT_REMOVED);
			if (wd) {
				line_at(sa, a0 + k, &off, &len);
				mark_line(m, row, 0, &ra, sa->text, ba0, off, len,
					  AD_SLOT_WORD_REMOVED);
			}
		}
		if (k < nb) {
			put_line(m, row, 1, sb, b0 + k, number_all,
				 wd ? AD_SLOT_CHANGED : AD_SLOT_ADDED);
			if (wd) {
				line_at(sb, b0 + k, &off, &len);
				mark_line(m, row, 1, &rb, sb->text, bb0, off, len,
					  AD_SLOT_WORD_ADDED);
			}
		}
	}
	if (wd) {
		ranges_free(&ra);
		ranges_free(&rb);
	}
	ad_textdiff_free(wd);
}

/* Lines [a0, a0 + n) of A beside [b0, b0 + n) of B, unchanged. */
static void add_equal(ad_sbsmodel *m, int block, const side_text *sa, int a0,
		      const side_text *sb, int b0, int n, bool number_all)
{
	int k;

	for (k = 0; k < n; k++) {
		size_t row = new_row(m, AD_SBS_ROW_LINE, block);

		put_line(m, row, 0, sa, a0 + k, number_all, AD_SLOT_DEFAULT);
		put_line(m, row, 1, sb, b0 + k, number_all, AD_SLOT_DEFAULT);
	}
}

/*
 * Two texts (either may be NULL: absent) as rows: a line diff with the
 * changed words marked.  line_x is the file line of the first line (0:
 * none); with number_all every line is numbered, else only the first.
 * same: show them side by side as unchanged whatever their bytes (a
 * frontmatter field fmdiff calls the same).
 */
static int add_texts(ad_sbsmodel *m, int block, const char *ta, size_t la, int line_a,
		     const char *tb, size_t lb, int line_b, bool number_all, bool same)
{
	side_text sa, sb;
	ad_textdiff *ld = NULL;
	ad_pair_change *ch = NULL;
	size_t nch, k;
	int error = 0, ia = 0, ib = 0, na, nb;

	side_open(&sa, ta, la, line_a);
	side_open(&sb, tb, lb, line_b);
	na = sa.lines.count;
	nb = sb.lines.count;
	if (!ta || !tb) {
		add_change(m, block, &sa, 0, na, &sb, 0, nb, number_all);
		goto done;
	}
	if (same || (la == lb && !memcmp(ta, tb, la))) {
		int n = na < nb ? na : nb;

		add_equal(m, block, &sa, 0, &sb, 0, n, number_all);
		if (na != nb) {
			/* Only for "same" fields spelled on more lines. */
			int k2;

			for (k2 = n; k2 < (na > nb ? na : nb); k2++) {
				size_t row = new_row(m, AD_SBS_ROW_LINE, block);

				if (k2 < na)
					put_line(m, row, 0, &sa, k2, number_all, AD_SLOT_DEFAULT);
				if (k2 < nb)
					put_line(m, row, 1, &sb, k2, number_all, AD_SLOT_DEFAULT);
			}
		}
		goto done;
	}
	if ((error = ad_textdiff_lines(&ld, ta, la, tb, lb, NULL)) < 0)
		goto done;
	nch = ad_pair_changes(&ch, ld);
	for (k = 0; k < nch; k++) {
		add_equal(m, block, &sa, ia, &sb, ib, ch[k].a_start - ia, number_all);
		add_change(m, block, &sa, ch[k].a_start, ch[k].a_count, &sb, ch[k].b_start,
			   ch[k].b_count, number_all);
		ia = ch[k].a_start + ch[k].a_count;
		ib = ch[k].b_start + ch[k].b_count;
	}
	add_equal(m, block, &sa, ia, &sb, ib, na - ia, number_all);
done:
	free(ch);
	ad_textdiff_free(ld);
	side_close(&sa);
	side_close(&sb);
	return error;
}

static int new_block(ad_sbsmodel *m, bool frontmatter, int align_row)
{
	ad_sbs_block *b;

	if (m->nblocks + 1 > m->ablocks)
		ad_xgrow((void **)&m->blocks, &m->ablocks, m->nblocks + 1, sizeof(*m->blocks));
	b = &m->blocks[m->nblocks];
	memset(b, 0, sizeof(*b));
	b->first = (int)m->nrows;
	b->fold = -1;
	b->frontmatter = frontmatter;
	b->align_row = align_row;
	b->sec[0] = b->sec[1] = -1;
	return (int)m->nblocks++;
}

/* The folded row of a block: its header (annotations and all) and
 * "… N unchanged lines". */
static void add_fold(ad_sbsmodel *m, int block, const int count[2], const char *unit)
{
	ad_sbs_block *b = &m->blocks[block];
	size_t row = new_row(m, AD_SBS_ROW_FOLD, block), head = (size_t)b->first;
	ad_buf t = AD_BUF_INIT;
	int s;

	b->count = (int)row - b->first;
	b->fold = (int)row;
	m->rows[row].differs = !b->unchanged;
	for (s = 0; s < 2; s++) {
		const ad_sbs_side *h = &m->rows[head].side[s];
		size_t mark, k;

		if (!h->text)
			continue;
		ad_buf_clear(&t);
		ad_buf_put(&t, h->text, h->len);
		ad_buf_puts(&t, "  ");
		mark = t.size;
		ad_buf_printf(&t, "\xE2\x80\xA6 %d %s%s%s", count[s], b->unchanged ? "unchanged " : "",
			      unit, count[s] == 1 ? "" : "s");
		set_side(m, row, s, keep(m, &t), t.size, h->line, (ad_slot)h->slot);
		for (k = 0; k < h->nmarks; k++) {
			ad_sbs_mark mk = m->marks[h->mark + k];

			add_mark(m, row, s, mk.off, mk.len, (ad_slot)mk.slot);
		}
		add_mark(m, row, s, mark, t.size - mark, AD_SLOT_DIM);
	}
	ad_buf_free(&t);
}

/* ------------------------------------------------------------ frontmatter */

/* "key: value" for a field: set names or list items joined by ", ",
 * scalars as decoded, anything else as its source text.  marks: for set
 * rows, the offsets of the names in `mark` (NULL: none) get slot. */
static void field_text(ad_buf *out, const ad_fmdiff_row *r, int d, const char *const *mark,
		       size_t nmark, size_t *moff, size_t *mlen, size_t *nm)
{
	const ad_fm_field *f = r->cells[d];
	const char *v;
	size_t k, j;

	ad_buf_puts(out, r->key);
	ad_buf_putc(out, ':');
	if (r->set && r->names) {
		for (k = 0; k < r->names[d].nnames; k++) {
			const char *name = r->names[d].names[k];

			ad_buf_puts(out, k ? ", " : " ");
			for (j = 0; j < nmark; j++) {
				if (!strcmp(mark[j], name)) {
					moff[*nm] = out->size;
					mlen[*nm] = strlen(name);
					(*nm)++;
					break;
				}
			}
			ad_buf_puts(out, name);
		}
		return;
	}
	if (f->items) {
		for (k = 0; k < f->nitems; k++) {
			ad_buf_puts(out, k ? ", " : " ");
			ad_buf_puts(out, f->items[k]);
		}
		return;
	}
	v = f->value;
	while (*v == '\n' || *v == '\r')
		v++;
	if (!*v)
		return;
	ad_buf_putc(out, v == f->value ? ' ' : '\n');
	ad_buf_puts(out, v);
	/* A literal block's final line break would be an empty row. */
	while (out->size && (out->ptr[out->size - 1] == '\n' || out->ptr[out->size - 1] == '\r'))
		out->size--;
	out->ptr[out->size] = '\0';
}

static int add_frontmatter(ad_sbsmodel *m, const ad_doc *const docs[2])
{
	const ad_frontmatter *fm[2] = { ad_doc_frontmatter(docs[0]), ad_doc_frontmatter(docs[1]) };
	ad_fmdiff *fd = NULL;
	ad_buf t[2] = { AD_BUF_INIT, AD_BUF_INIT };
	static const char label[] = "frontmatter";
	int count[2] = { 0, 0 }, block, s, error;
	size_t i, row;

	if (!fm[0] && !fm[1])
		return 0;
	if ((error = ad_fmdiff_docs(&fd, docs, 2)) < 0)
		return error;
	block = new_block(m, true, -1);
	m->blocks[block].unchanged = fm[0] && fm[1] && !ad_fmdiff_has_changes(fd);
	row = new_row(m, AD_SBS_ROW_HEAD, block);
	m->rows[row].differs = !fm[0] || !fm[1];
	for (s = 0; s < 2; s++) {
		if (!fm[s])
			continue;
		count[s] = (int)fm[s]->nfields;
		set_side(m, row, s, label, strlen(label), fm[s]->line,
			 !fm[1 - s] ? (s ? AD_SLOT_ADDED : AD_SLOT_REMOVED) : AD_SLOT_PANE_TITLE);
	}
	for (i = 0; i < ad_fmdiff_row_count(fd) && error == 0; i++) {
		const ad_fmdiff_row *r = ad_fmdiff_row_at(fd, i);
		const char *txt[2] = { NULL, NULL };
		size_t *moff[2] = { NULL, NULL }, *mlen[2] = { NULL, NULL }, nm[2] = { 0, 0 };

		for (s = 0; s < 2; s++) {
			const char *const *names = NULL;
			size_t nnames = 0;

			ad_buf_clear(&t[s]);
			if (!r->cells[s])
				continue;
			if (r->set && r->names && r->status == AD_FMDIFF_CHANGED) {
				names = s ? r->names[1].added : r->names[1].removed;
				nnames = s ? r->names[1].nadded : r->names[1].nremoved;
			}
			moff[s] = ad_xmalloc((nnames + 1) * sizeof(size_t));
			mlen[s] = ad_xmalloc((nnames + 1) * sizeof(size_t));
			field_text(&t[s], r, s, names, nnames, moff[s], mlen[s], &nm[s]);
			txt[s] = keep(m, &t[s]);
		}
		if (r->set && r->status == AD_FMDIFF_CHANGED) {
			/* One line each, the names that differ marked. */
			size_t k;

			row = new_row(m, AD_SBS_ROW_LINE, block);
			m->rows[row].differs = true;
			for (s = 0; s < 2; s++) {
				set_side(m, row, s, txt[s], t[s].size, r->cells[s]->line,
					 AD_SLOT_CHANGED);
				for (k = 0; k < nm[s]; k++)
					add_mark(m, row, s, moff[s][k], mlen[s][k],
						 s ? AD_SLOT_WORD_ADDED : AD_SLOT_WORD_REMOVED);
			}
		} else {
			error = add_texts(m, block, txt[0], t[0].size,
					  r->cells[0] ? r->cells[0]->line : 0, txt[1], t[1].size,
					  r->cells[1] ? r->cells[1]->line : 0, false,
					  r->status == AD_FMDIFF_SAME);
		}
		for (s = 0; s < 2; s++) {
			free(moff[s]);
			free(mlen[s]);
		}
	}
	m->blocks[block].lines = count[0] > count[1] ? count[0] : count[1];
	add_fold(m, block, count, "field");
	ad_buf_free(&t[0]);
	ad_buf_free(&t[1]);
	ad_fmdiff_free(fd);
	return error;
}

/* ------------------------------------------------------------ sections */

/* The text below a section's heading, and the file line it starts on. */
static void body_of(const ad_doc *doc, const ad_section *s, const char **p, size_t *len,
		    int *line)
{
	size_t from = s->kind == AD_SECTION_PREAMBLE ? s->start : s->head_end;

	if (from > s->lead_end)
		from = s->lead_end;
	*p = ad_doc_data(doc) + from;
	*len = s->lead_end - from;
	*line = *len ? ad_doc_line_of(doc, from) : 0;
}

static bool heading_differs(const ad_doc *const docs[2], const ad_section *a,
			    const ad_section *b)
{
	size_t la = a->head_end - a->start, lb = b->head_end - b->start;

	if (a->kind == AD_SECTION_PREAMBLE || b->kind == AD_SECTION_PREAMBLE)
		return a->kind != b->kind;
	return la != lb || memcmp(ad_doc_data(docs[0]) + a->start,
				  ad_doc_data(docs[1]) + b->start, la);
}

/* Appends "  text" to a header and remembers it as a mark in slot. */
static void annotate(ad_buf *t, const char *text, ad_slot slot, size_t *moff, size_t *mlen,
		     ad_slot *mslot, size_t *nm)
{
	ad_buf_puts(t, "  ");
	moff[*nm] = t->size;
	ad_buf_puts(t, text);
	mlen[*nm] = t->size - moff[*nm];
	mslot[*nm] = slot;
	(*nm)++;
}

static int add_section_row(ad_sbsmodel *m, const ad_doc *const docs[2],
			   const ad_align_row *arow, int align_row)
{
	ad_pair pr;
	const ad_section *sec[2];
	const char *body[2] = { NULL, NULL };
	size_t blen[2] = { 0, 0 }, row;
	int bline[2] = { 0, 0 }, count[2] = { 0, 0 }, block, s, error;
	ad_slot slot;
	ad_buf t = AD_BUF_INIT, la = AD_BUF_INIT;
	bool hdiff, reflowed = false;

	ad_pair_of(&pr, docs, 2, arow, 0, 1);
	sec[0] = pr.a;
	sec[1] = pr.b;
	if ((!sec[0] || sec[0]->blank) && (!sec[1] || sec[1]->blank))
		return 0;
	block = new_block(m, false, align_row);
	m->blocks[block].unchanged = sec[0] && sec[1] && pr.status == AD_ROW_SAME;
	hdiff = sec[0] && sec[1] && heading_differs(docs, sec[0], sec[1]);
	if (sec[0] && sec[1] && (pr.status & AD_ROW_MODIFIED)) {
		const char *pa, *pb;
		size_t na, nb;

		ad_pair_own_text(docs[0], sec[0], &pa, &na);
		ad_pair_own_text(docs[1], sec[1], &pb, &nb);
		reflowed = ad_textdiff_same_words(pa, na, pb, nb) == 1;
	}
	row = new_row(m, AD_SBS_ROW_HEAD, block);
	m->rows[row].differs =
		hdiff || (pr.status & (AD_ROW_RENAMED | AD_ROW_MOVED | AD_ROW_SPLIT |
				       AD_ROW_MERGED | AD_ROW_ADDED | AD_ROW_REMOVED)) ||
		!sec[0] || !sec[1];
	for (s = 0; s < 2; s++) {
		size_t moff[6], mlen[6], nm = 0, k;
		ad_slot mslot[6];
		/* Annotations go on the right, or on the only side present. */
		bool notes = s == 1 || !sec[1];
		const char *p;
		size_t n;

		if (!sec[s])
			continue;
		m->blocks[block].sec[s] = (int)(sec[s] - ad_doc_sections(docs[s]));
		m->sec_block[s][m->blocks[block].sec[s]] = block;
		slot = !sec[1 - s] ? (s ? AD_SLOT_ADDED : AD_SLOT_REMOVED)
			: hdiff && !(pr.status & AD_ROW_RENAMED) ? AD_SLOT_CHANGED
			: AD_SLOT_PANE_TITLE;
		ad_buf_clear(&t);
		ad_section_label(&t, sec[s]);
		ad_pair_own_text(docs[s], sec[s], &p, &n);
		count[s] = ad_pair_count_lines(p, n);
		if (notes) {
			if ((pr.status & AD_ROW_RENAMED) && sec[0] && s == 1) {
				ad_buf_clear(&la);
				ad_buf_puts(&la, "renamed from ");
				ad_section_label(&la, sec[0]);
				annotate(&t, ad_buf_cstr(&la), AD_SLOT_RENAMED, moff,
					 mlen, mslot, &nm);
			}
			if (pr.status & AD_ROW_MOVED)
				annotate(&t, "moved", AD_SLOT_MOVED, moff, mlen, mslot,
					 &nm);
			if (pr.status & AD_ROW_SPLIT)
				annotate(&t, "split", AD_SLOT_CHANGED, moff, mlen,
					 mslot, &nm);
			if (pr.status & AD_ROW_MERGED)
				annotate(&t, "merged", AD_SLOT_CHANGED, moff, mlen,
					 mslot, &nm);
			if (reflowed)
				annotate(&t, "reflowed", AD_SLOT_DIM, moff, mlen,
					 mslot, &nm);
		}
		set_side(m, row, s, keep(m, &t), t.size, sec[s]->line, slot);
		for (k = 0; k < nm; k++)
			add_mark(m, row, s, moff[k], mlen[k], mslot[k]);
		body_of(docs[s], sec[s], &body[s], &blen[s], &bline[s]);
	}
	error = add_texts(m, block, body[0], blen[0], bline[0], body[1], blen[1], bline[1],
			  true, false);
	m->blocks[block].lines = count[0] > count[1] ? count[0] : count[1];
	add_fold(m, block, count, "line");
	ad_buf_free(&t);
	ad_buf_free(&la);
	return error;
}

/* Too large to align: the whole files, line by line. */
static int add_large(ad_sbsmodel *m, const ad_doc *const docs[2])
{
	static const char head[] = "whole file (too large to align: compared line by line)";
	int count[2], block, s, error;
	size_t row;

	block = new_block(m, false, -1);
	m->blocks[block].unchanged = ad_doc_size(docs[0]) == ad_doc_size(docs[1]) &&
				     !memcmp(ad_doc_data(docs[0]), ad_doc_data(docs[1]),
					     ad_doc_size(docs[0]));
	row = new_row(m, AD_SBS_ROW_HEAD, block);
	for (s = 0; s < 2; s++) {
		count[s] = ad_doc_line_count(docs[s]);
		set_side(m, row, s, head, strlen(head), 1, AD_SLOT_PANE_TITLE);
	}
	error = add_texts(m, block, ad_doc_data(docs[0]), ad_doc_size(docs[0]), 1,
			  ad_doc_data(docs[1]), ad_doc_size(docs[1]), 1, true, false);
	m->blocks[block].lines = count[0] > count[1] ? count[0] : count[1];
	add_fold(m, block, count, "line");
	return error;
}

int ad_sbsmodel_build(ad_sbsmodel **out, const ad_doc *a, const ad_doc *b)
{
	const ad_doc *docs[2] = { a, b };
	ad_sbsmodel *m = ad_xcalloc(1, sizeof(*m));
	ad_align *al = NULL;
	size_t i;
	int s, error = 0;

	*out = NULL;
	for (s = 0; s < 2; s++) {
		m->nsec[s] = ad_doc_section_count(docs[s]);
		m->sec_block[s] = ad_xmalloc((m->nsec[s] + 1) * sizeof(int));
		for (i = 0; i < m->nsec[s]; i++)
			m->sec_block[s][i] = -1;
	}
	m->large = ad_doc_size(a) + ad_doc_size(b) > AD_SBSMODEL_LARGE_BYTES ||
		   m->nsec[0] > AD_SBSMODEL_LARGE_SECTIONS ||
		   m->nsec[1] > AD_SBSMODEL_LARGE_SECTIONS;
	if (m->large) {
		error = add_large(m, docs);
		goto done;
	}
	if ((error = add_frontmatter(m, docs)) < 0)
		goto done;
	if ((error = ad_align_docs(&al, docs, 2, NULL)) < 0)
		goto done;
	for (i = 0; i < ad_align_row_count(al) && error == 0; i++)
		error = add_section_row(m, docs, ad_align_row_at(al, i), (int)i);
done:
	ad_align_free(al);
	if (error < 0) {
		ad_sbsmodel_free(m);
		return error;
	}
	*out = m;
	return 0;
}

void ad_sbsmodel_free(ad_sbsmodel *m)
{
	if (!m)
		return;
	free(m->rows);
	free(m->blocks);
	free(m->marks);
	free(m->sec_block[0]);
	free(m->sec_block[1]);
	ad_arena_free(&m->arena);
	free(m);
}

size_t ad_sbsmodel_row_count(const ad_sbsmodel *m)
{
	return m->nrows;
}

const ad_sbs_row *ad_sbsmodel_row(const ad_sbsmodel *m, size_t i)
{
	return i < m->nrows ? &m->rows[i] : NULL;
}

size_t ad_sbsmodel_block_count(const ad_sbsmodel *m)
{
	return m->nblocks;
}

const ad_sbs_block *ad_sbsmodel_block(const ad_sbsmodel *m, size_t i)
{
	return i < m->nblocks ? &m->blocks[i] : NULL;
}

const ad_sbs_mark *ad_sbsmodel_marks(const ad_sbsmodel *m)
{
	return m->marks;
}

int ad_sbsmodel_block_of_section(const ad_sbsmodel *m, int side, int sec)
{
	if (side < 0 || side > 1 || sec < 0 || (size_t)sec >= m->nsec[side])
		return -1;
	return m->sec_block[side][sec];
}

bool ad_sbsmodel_large(const ad_sbsmodel *m)
{
	return m->large;
}

int ad_sbsmodel_max_line(const ad_sbsmodel *m)
{
	return m->max_line;
}
