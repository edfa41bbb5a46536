/*
 * splice: pieces and their renderer (see splice.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "splice.h"

typedef struct {
	int input;          /* -1: new bytes, kept in the splice's buffer */
	const char *data;   /* the input's text; NULL for new bytes */
	size_t start, end;  /* in data, or in bytes */
	int cont_input;     /* what a following span continues */
	size_t cont_end;
	unsigned flags;
	size_t out_start, out_end;
} piece;

struct ad_splice {
	piece *v;
	size_t n, cap;
	ad_buf bytes;
	const char *eol;
};

int ad_splice_new(ad_splice **out)
{
	*out = ad_xcalloc(1, sizeof(**out));
	return 0;
}

void ad_splice_free(ad_splice *sp)
{
	if (!sp)
		return;
	free(sp->v);
	ad_buf_free(&sp->bytes);
	free(sp);
}

void ad_splice_set_eol(ad_splice *sp, const char *eol)
{
	sp->eol = eol;
}

static piece *S_push(ad_splice *sp)
{
	piece *p;

	ad_xgrow((void **)&sp->v, &sp->cap, sp->n + 1, sizeof(*sp->v));
	p = &sp->v[sp->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

size_t ad_splice_span(ad_splice *sp, int input, const char *data, size_t start, size_t end,
		      unsigned flags)
{
	piece *p = S_push(sp);

	p->input = p->cont_input = input;
	p->data = data;
	p->start = start < end ? start : end;
	p->end = p->cont_end = end;
	p->flags = flags;
	return sp->n - 1;
}

size_t ad_splice_replace(ad_splice *sp, int input, size_t end, const char *s, size_t len,
			 unsigned flags)
{
	piece *p = S_push(sp);

	p->input = -1;
	p->start = sp->bytes.size;
	ad_buf_put(&sp->bytes, s, len);
	p->end = sp->bytes.size;
	p->cont_input = input;
	p->cont_end = end;
	p->flags = flags;
	return sp->n - 1;
}

size_t ad_splice_bytes(ad_splice *sp, const char *s, size_t len, unsigned flags)
{
	return ad_splice_replace(sp, -1, 0, s, len, flags);
}

size_t ad_splice_count(const ad_splice *sp)
{
	return sp->n;
}

static bool S_ends_eol(const ad_buf *b)
{
	return b->size && (b->ptr[b->size - 1] == '\n' || b->ptr[b->size - 1] == '\r');
}

/* Whether b ends with an empty line (or is empty). */
static bool S_ends_blank(const ad_buf *b)
{
	size_t n = b->size;

	if (n == 0)
		return true;
	if (b->ptr[n - 1] == '\n')
		n -= (n >= 2 && b->ptr[n - 2] == '\r') ? 2 : 1;
	else if (b->ptr[n - 1] == '\r')
		n--;
	else
		return false;
	return n == 0 || b->ptr[n - 1] == '\n' || b->ptr[n - 1] == '\r';
}

/* The first line ending in s, or NULL. */
static const char *S_first_eol(const char *s, size_t len)
{
	const char *nl, *cr;

	if (!s || !len)
		return NULL;
	nl = memchr(s, '\n', len);
	cr = memchr(s, '\r', nl ? (size_t)(nl - s) : len);
	if (cr)
		return cr + 1 < s + len && cr[1] == '\n' ? "\r\n" : "\r";
	return nl ? "\n" : NULL;
}

void ad_splice_render(ad_buf *out, ad_splice *sp)
{
	const char *eol = sp->eol;
	int last_input = -1;
	size_t last_end = 0, i, base = out->size;

	for (i = 0; i < sp->n; i++) {
		piece *p = &sp->v[i];
		const char *text = p->data ? p->data : sp->bytes.ptr;
		size_t len = p->end - p->start;
		bool adjacent = p->input >= 0 && p->input == last_input && p->start == last_end;

		if (len) {
			if (!eol)
				eol = S_first_eol(out->ptr + base, out->size - base);
			if (!eol)
				eol = S_first_eol(text + p->start, len);
			if (out->size > base && !adjacent) {
				const char *e = eol ? eol : "\n";

				if (!S_ends_eol(out))
					ad_buf_puts(out, e);
				if ((p->flags & AD_SPLICE_SECTION) && !S_ends_blank(out))
					ad_buf_puts(out, e);
			}
		}
		p->out_start = out->size;
		ad_buf_put(out, len ? text + p->start : "", len);
		if ((p->flags & AD_SPLICE_LINES) && len && !S_ends_eol(out))
			ad_buf_puts(out, eol ? eol : "\n");
		p->out_end = out->size;
		last_input = p->cont_input;
		last_end = p->cont_end;
	}
	ad_buf_cstr(out);
}

void ad_splice_piece_out(const ad_splice *sp, size_t i, size_t *start, size_t *end)
{
	*start = i < sp->n ? sp->v[i].out_start : 0;
	*end = i < sp->n ? sp->v[i].out_end : 0;
}
