/*
 * pair: one aligned row seen from two variants (see pair.h).
 */
#include <stdlib.h>
#include <string.h>

#include "pair.h"
#include "util.h"

void ad_pair_own_text(const ad_doc *doc, const ad_section *s, const char **p,
		      size_t *len)
{
	*p = ad_doc_data(doc) + s->start;
	*len = s->lead_end - s->start;
}

bool ad_pair_titles_differ(const ad_section *a, const ad_section *b)
{
	ad_buf na = AD_BUF_INIT, nb = AD_BUF_INIT;
	bool differ;

	ad_align_normalize_title(&na, a->title);
	ad_align_normalize_title(&nb, b->title);
	differ = strcmp(ad_buf_cstr(&na), ad_buf_cstr(&nb)) != 0;
	ad_buf_free(&na);
	ad_buf_free(&nb);
	return differ;
}

bool ad_pair_same_text(const ad_doc *da, const ad_section *a, const ad_doc *db,
		       const ad_section *b)
{
	const char *pa, *pb;
	size_t la, lb;

	if (!a || !b)
		return false;
	ad_pair_own_text(da, a, &pa, &la);
	ad_pair_own_text(db, b, &pb, &lb);
	return la == lb && !memcmp(pa, pb, la);
}

void ad_pair_of(ad_pair *out, const ad_doc *const *docs, size_t ndocs,
		const ad_align_row *row, size_t da, size_t db)
{
	const char *pa, *pb;
	size_t la, lb;

	out->a = row->cells[da] >= 0 ? &ad_doc_sections(docs[da])[row->cells[da]] : NULL;
	out->b = row->cells[db] >= 0 ? &ad_doc_sections(docs[db])[row->cells[db]] : NULL;
	out->status = row->status;
	out->similarity = row->similarity;
	if (ndocs == 2 && da == 0 && db == 1) {
		if (out->a && out->b) {
			if (ad_pair_same_text(docs[da], out->a, docs[db], out->b))
				out->status &= ~(unsigned)AD_ROW_MODIFIED;
			else
				out->status |= AD_ROW_MODIFIED;
		}
		return;
	}
	out->status = 0;
	out->similarity = 1.0;
	if (!out->a && !out->b)
		return;
	if (!out->a || !out->b) {
		out->status = out->a ? AD_ROW_REMOVED : AD_ROW_ADDED;
		out->similarity = 0.0;
		return;
	}
	if (!ad_pair_same_text(docs[da], out->a, docs[db], out->b)) {
		ad_pair_own_text(docs[da], out->a, &pa, &la);
		ad_pair_own_text(docs[db], out->b, &pb, &lb);
		out->status |= AD_ROW_MODIFIED;
		out->similarity = ad_textdiff_similarity(pa, la, pb, lb, AD_TEXTDIFF_WORDS, NULL);
	}
	if (ad_pair_titles_differ(out->a, out->b))
		out->status |= AD_ROW_RENAMED;
	out->status |= row->status & (AD_ROW_SPLIT | AD_ROW_MERGED);
}

size_t ad_pair_changes(ad_pair_change **out, const ad_textdiff *ld)
{
	ad_pair_change *ch = ad_xmalloc((ld->count + 1) * sizeof(*ch));
	size_t k, n = 0;

	for (k = 0; k < ld->count; k++) {
		const ad_textdiff_op *op = &ld->ops[k];

		if (op->kind == AD_TEXTDIFF_EQUAL)
			continue;
		if (n && ch[n - 1].a_start + ch[n - 1].a_count == op->a_start &&
		    ch[n - 1].b_start + ch[n - 1].b_count == op->b_start) {
			ch[n - 1].a_count += op->a_count;
			ch[n - 1].b_count += op->b_count;
			continue;
		}
		ch[n].a_start = op->a_start;
		ch[n].a_count = op->a_count;
		ch[n].b_start = op->b_start;
		ch[n].b_count = op->b_count;
		n++;
	}
	*out = ch;
	return n;
}

bool ad_pair_is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\v';
}

bool ad_pair_all_space(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!ad_pair_is_space(s[i]))
			return false;
	return true;
}

bool ad_pair_words_paired(const ad_textdiff *wd, const char *a, const char *b)
{
	size_t k, common = 0, total = 0, i;

	for (k = 0; k < wd->count; k++) {
		const ad_textdiff_op *op = &wd->ops[k];
		size_t na = 0, nb = 0;

		for (i = 0; i < op->a_len; i++)
			na += !ad_pair_is_space(a[op->a_off + i]);
		for (i = 0; i < op->b_len; i++)
			nb += !ad_pair_is_space(b[op->b_off + i]);
		if (op->kind == AD_TEXTDIFF_EQUAL)
			common += na + nb;
		total += na + nb;
	}
	return total && common * 3 >= total;
}

int ad_pair_count_lines(const char *s, size_t len)
{
	size_t i;
	int n = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')))
			n++;
	if (len && s[len - 1] != '\n' && s[len - 1] != '\r')
		n++;
	return n;
}

int ad_pair_word_diff(ad_textdiff **out, const char *a, size_t alen,
		      const char *b, size_t blen)
{
	ad_textdiff *wd = NULL;
	int na, nb, error;

	*out = NULL;
	if (!alen || !blen)
		return 0;
	na = ad_pair_count_lines(a, alen);
	nb = ad_pair_count_lines(b, blen);
	if (na - nb > 1 || nb - na > 1)
		return 0;
	if ((error = ad_textdiff_words(&wd, a, alen, b, blen, NULL)) < 0)
		return error;
	if (ad_pair_words_paired(wd, a, b))
		*out = wd;
	else
		ad_textdiff_free(wd);
	return 0;
}
