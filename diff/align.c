/*
 * align: N-way section alignment.
 *
 * Variants are folded one at a time into a growing row set (a "consensus"):
 * variant 0 makes one row per section; each later variant is matched
 * against the rows, each row represented by its first cell (title, hashes
 * and sketches computed once per section).  So the cost grows linearly with
 * the number of variants, not with the number of pairs.
 *
 * Matching a variant against the rows, in phases, each on what is left:
 *   P0  same normalised title and the same words below the heading;
 *   P1  same normalised title, unique among the free sections of both sides
 *       (whatever the content: a rewritten "Role" is still the Role);
 *   P2  scored candidates, best first: 0.45 title + 0.55 content + small
 *       bonuses for the same parent row and a similar relative position.
 *       Content is first bounded by the sketches (a cheap upper bound of the
 *       word similarity), and only the survivors get a real word diff.
 *   Then split / merge: an unmatched section whose words come from the
 *   row next to it, and which with that row's counterpart covers the row.
 * Past opts->max_sections only P0, P1 and identical content are tried.
 *
 * MOVED is the complement of a longest increasing subsequence of each
 * variant's positions along the first variant's order (as in patience
 * diff).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "textdiff.h"
#include "util.h"

#define MAX_TOKENS 16
#define MIN_CONTENT 4 /* words below which a section's text says little */

/* Bounds on the work of matching one variant (see match_scored). */
#define PAIR_BUDGET ((size_t)1 << 18) /* free pairs past which a match is large */
#define WINDOW_MIN 64                 /* rows a section is scored against, at least */
#define CAND_MAX 8                    /* candidates a section keeps in a large match */
#define DIFF_BUDGET ((size_t)1 << 22) /* words word-diffed, both sides counted */
#define MAX_ROUNDS 8                  /* rounds of a large match */
#define MH_K 16                       /* hashes in a bigram sketch */

typedef struct {
	uint64_t title;        /* hash of the normalised title; 0 when empty */
	uint32_t tok[MAX_TOKENS];
	int ntok;
	size_t body, body_end; /* text under the heading */
	uint64_t body_hash;    /* hash of the body's words, whitespace ignored */
	uint32_t words;        /* non-space tokens in the body */
	size_t key0;           /* its first token key in var.keys (unguarded) */
	size_t sub_keys;       /* keys of its subtree: [key0, key0 + sub_keys) */
	int sketch;            /* index in var.sk of the content sketch, -1 none */
	bool content_is_body;
} sec_info;

typedef struct {
	const ad_doc *doc;
	const ad_section *secs;
	const char *data;
	int n;
	sec_info *info;
	int *prev;             /* previous sibling */
	ad_textdiff_sketch *sk; /* 2 per section: body, subtree */
	/* Every body's non-space tokens as keys (ad_textdiff_word_keys), one
	 * run per section from info.key0: tokenised once, compared often.
	 * NULL when guarded. */
	uint64_t *keys;
	size_t nkeys, kcap;
	int *row;              /* row of each section */
	double *sim;           /* body similarity to the row's reference; <0 unknown */
	bool guard;            /* too many sections: no sketches */
	/* Bigram sketches (prepare_bigrams), MH_K hashes a section, nmh[i]
	 * of them used; NULL until a large match needs them. */
	uint32_t *mh;
	uint8_t *nmh;
} var;

typedef struct {
	int ref_doc, ref_sec;  /* the representative: first cell */
	unsigned status;
	int group;
	double sim;
} row_info;

struct ad_align {
	size_t ndocs, nrows;
	ad_align_row *rows;
	int *cells;
};

typedef struct {
	const ad_align_options *opts;
	size_t ndocs;
	var *v;
	row_info *rows;
	size_t nrows, arows;
	int *cells; /* nrows x ndocs */
	size_t acells;
	int ngroups;
} ctx;

/* ----------------------------------------------------------- titles */

static bool is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c >= 0x80;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

void ad_align_normalize_title(ad_buf *out, const char *title)
{
	const char *p = title ? title : "";
	const char *s, *e, *w1s, *w1e, *w2s, *w2e, *q;

	ad_buf_clear(out);
	/* Numbering: "1.", "2)", "1.2:", "Step 2:", "Example 1 -". */
	s = p;
	while (*s && !is_word_byte((unsigned char)*s))
		s++;
	w1s = s;
	while (is_word_byte((unsigned char)*s))
		s++;
	w1e = s;
	q = s;
	while (*q == '.' && q[1] >= '0' && q[1] <= '9') { /* 1.2.3 */
		q++;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (all_digits(w1s, (size_t)(w1e - w1s)) && (*q == '.' || *q == ')' || *q == ':' ||
						       *q == ' ' || *q == '-')) {
		p = q + 1;
	} else {
		while (*s == ' ')
			s++;
		w2s = s;
		while (*s >= '0' && *s <= '9')
			s++;
		w2e = s;
		while (*s == ' ')
			s++;
		if (w2e > w2s && w1e > w1s && w1e - w1s <= 12 &&
		    (*s == ':' || *s == '.' || *s == ')' || *s == '-'))
			p = s + 1;
	}
	for (e = p; *e; e++)
		if (is_word_byte((unsigned char)*e))
			break;
	if (!*e) /* nothing left: keep the number */
		p = title ? title : "";
	for (s = p; *s;) {
		if (!is_word_byte((unsigned char)*s)) {
			s++;
			continue;
		}
		if (out->size)
			ad_buf_putc(out, ' ');
		while (is_word_byte((unsigned char)*s)) {
			char c = *s++;

			ad_buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
		}
	}
}

static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

#define HASH_INIT 14695981039346656037ULL

static bool is_stopword(const char *s, size_t n)
{
	static const char *const stop[] = { "a", "an", "and", "the", "of", "to", "for",
					    "in", "on", "by", "with", "or", "your" };
	size_t i;

	for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		if (strlen(stop[i]) == n && memcmp(stop[i], s, n) == 0)
			return true;
	return false;
}

/* Title tokens of a normalised title: stop words and bare numbers
 * dropped, plurals folded ("responsibilities" ~ "responsibility"). */
static int title_tokens(uint32_t *tok, const char *s)
{
	int n = 0;

	while (*s && n < MAX_TOKENS) {
		const char *w = s;
		size_t len;
		int k;
		uint32_t h;

		while (*s && *s != ' ')
			s++;
		len = (size_t)(s - w);
		if (*s)
			s++;
		if (all_digits(w, len) || is_stopword(w, len))
			continue;
		if (len > 4 && memcmp(w + len - 3, "ies", 3) == 0) {
			h = (uint32_t)hash_bytes(hash_bytes(HASH_INIT, w, len - 3), "y", 1);
		} else if (len > 3 && w[len - 1] == 's' && w[len - 2] != 's') {
			h = (uint32_t)hash_bytes(HASH_INIT, w, len - 1);
		} else {
			h = (uint32_t)hash_bytes(HASH_INIT, w, len);
		}
		for (k = 0; k < n; k++)
			if (tok[k] == h)
				break;
		if (k == n)
			tok[n++] = h;
	}
	return n;
}

static double title_sim(const sec_info *a, const sec_info *b)
{
	int i, j, common = 0, small;

	if (a->title && a->title == b->title)
		return 1.0;
	if (!a->ntok || !b->ntok)
		return 0.0;
	for (i = 0; i < a->ntok; i++)
		for (j = 0; j < b->ntok; j++)
			if (a->tok[i] == b->tok[j]) {
				common++;
				break;
			}
	small = a->ntok < b->ntok ? a->ntok : b->ntok;
	/* Mean of Jaccard and containment: "security" in "security
	 * implementation" is 0.75, "api design" in "api design standards" 0.83. */
	return 0.5 * common / (a->ntok + b->ntok - common) + 0.5 * common / small;
}

/* ---------------------------------------------------------- prepare */

/* Hash of a run of token keys: the words and punctuation of a text,
 * whitespace ignored. */
static uint64_t keys_hash(const uint64_t *keys, size_t n)
{
	uint64_t h = HASH_INIT;
	size_t k;

	for (k = 0; k < n; k++) {
		h = (h ^ keys[k]) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	h ^= h >> 32;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 29);
}

static void sketch_add(ad_textdiff_sketch *to, const ad_textdiff_sketch *from)
{
	int k;

	for (k = 0; k < AD_TEXTDIFF_SKETCH_BUCKETS; k++)
		to->bucket[k] += from->bucket[k];
	to->total += from->total;
}

static void prepare(var *v, const ad_doc *doc, size_t max_sections)
{
	ad_buf norm = AD_BUF_INIT;
	int i, n, *last;

	v->doc = doc;
	v->secs = ad_doc_sections(doc);
	v->data = ad_doc_data(doc);
	v->n = n = (int)ad_doc_section_count(doc);
	v->guard = (size_t)n > max_sections;
	v->info = ad_xcalloc((size_t)n + 1, sizeof(*v->info));
	v->prev = ad_xmalloc(((size_t)n + 1) * sizeof(int));
	v->row = ad_xmalloc(((size_t)n + 1) * sizeof(int));
	v->sim = ad_xmalloc(((size_t)n + 1) * sizeof(double));
	last = ad_xmalloc(((size_t)n + 1) * sizeof(int));
	/* Every sketch is written below; no need to clear them first. */
	v->sk = v->guard ? NULL : ad_xmalloc((2 * (size_t)n + 1) * sizeof(*v->sk));

	for (i = 0; i < n; i++)
		last[i] = -1;
	for (i = 0; i < n; i++) {
		const ad_section *s = &v->secs[i];
		sec_info *in = &v->info[i];

		v->row[i] = -1;
		v->sim[i] = -1.0;
		v->prev[i] = -1;
		if (s->parent >= 0) {
			v->prev[i] = last[s->parent];
			last[s->parent] = i;
		}
		if (s->kind == AD_SECTION_PREAMBLE) {
			in->title = hash_bytes(HASH_INIT, "\x01preamble", 9);
			in->ntok = 0;
		} else {
			ad_align_normalize_title(&norm, s->title);
			in->title = norm.size ? hash_bytes(HASH_INIT, norm.ptr, norm.size) : 0;
			in->ntok = title_tokens(in->tok, ad_buf_cstr(&norm));
		}
		in->body = s->kind == AD_SECTION_PREAMBLE ? s->start : s->head_end;
		in->body_end = s->first_child < 0 ? s->close_start : s->lead_end;
		if (in->body_end > s->lead_end)
			in->body_end = s->lead_end;
		if (in->body > in->body_end)
			in->body = in->body_end;
		/* Guarded variants keep no keys: one run at a time. */
		if (v->guard)
			v->nkeys = 0;
		in->key0 = v->nkeys;
		in->words = (uint32_t)ad_textdiff_word_keys(&v->keys, &v->nkeys, &v->kcap,
							    v->data + in->body,
							    in->body_end - in->body);
		in->body_hash = keys_hash(v->keys + in->key0, in->words);
		in->sketch = -1;
	}
	/* Top-level previous siblings: parent -1 */
	{
		int p = -1;

		for (i = 0; i < n; i++)
			if (v->secs[i].parent < 0) {
				v->prev[i] = p;
				p = i;
			}
	}
	if (!v->guard) {
		for (i = 0; i < n; i++) {
			sec_info *in = &v->info[i];

			ad_textdiff_sketch_keys(&v->sk[2 * i], v->keys + in->key0, in->words);
			v->sk[2 * i + 1] = v->sk[2 * i];
		}
		/* Subtree sketches and key runs bottom-up: pre-order, so
		 * children follow, and a subtree's bodies are one run. */
		for (i = 0; i < n; i++)
			v->info[i].sub_keys = v->info[i].words;
		for (i = n - 1; i >= 0; i--)
			if (v->secs[i].parent >= 0) {
				sketch_add(&v->sk[2 * v->secs[i].parent + 1], &v->sk[2 * i + 1]);
				v->info[v->secs[i].parent].sub_keys += v->info[i].sub_keys;
			}
		for (i = 0; i < n; i++) {
			sec_info *in = &v->info[i];

			if (in->words >= MIN_CONTENT) {
				in->sketch = 2 * i;
				in->content_is_body = true;
			} else if (v->sk[2 * i + 1].total >= MIN_CONTENT) {
				in->sketch = 2 * i + 1;
			}
		}
	}
	if (v->guard) {
		free(v->keys);
		v->keys = NULL;
		v->nkeys = v->kcap = 0;
	}
	free(last);
	ad_buf_free(&norm);
}

static void var_free(var *v)
{
	free(v->info);
	free(v->prev);
	free(v->sk);
	free(v->keys);
	free(v->row);
	free(v->sim);
	free(v->mh);
	free(v->nmh);
}

/* ------------------------------------------------------------- rows */

static int new_row(ctx *c, int doc, int sec)
{
	size_t r = c->nrows, d;

	ad_xgrow((void **)&c->rows, &c->arows, r + 1, sizeof(*c->rows));
	ad_xgrow((void **)&c->cells, &c->acells, (r + 1) * c->ndocs, sizeof(int));
	c->rows[r].ref_doc = doc;
	c->rows[r].ref_sec = sec;
	c->rows[r].status = 0;
	c->rows[r].group = -1;
	c->rows[r].sim = 1.0;
	for (d = 0; d < c->ndocs; d++)
		c->cells[r * c->ndocs + d] = -1;
	c->cells[r * c->ndocs + (size_t)doc] = sec;
	c->v[doc].row[sec] = (int)r;
	c->nrows++;
	return (int)r;
}

static void assign(ctx *c, int d, int sec, int row, double sim)
{
	c->cells[(size_t)row * c->ndocs + (size_t)d] = sec;
	c->v[d].row[sec] = row;
	c->v[d].sim[sec] = sim;
}

static bool row_free(const ctx *c, int row, int d)
{
	return c->cells[(size_t)row * c->ndocs + (size_t)d] < 0;
}

static const sec_info *row_rep(const ctx *c, int row)
{
	return &c->v[c->rows[row].ref_doc].info[c->rows[row].ref_sec];
}

/* ------------------------------------------------------------ match */

typedef struct {
	uint64_t key;
	int idx;
	int side; /* 0 variant section, 1 row */
} keyed;

static int cmp_keyed(const void *pa, const void *pb)
{
	const keyed *a = pa, *b = pb;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->side != b->side)
		return a->side - b->side;
	return a->idx - b->idx;
}

enum { KEY_TITLE_BODY, KEY_TITLE, KEY_BODY };

static uint64_t key_of(const sec_info *in, int which)
{
	switch (which) {
	case KEY_TITLE_BODY:
		/* Identical sections pair first, an empty title ("#" alone)
		 * and an empty body included. */
		return ((in->title ? in->title : 0x5bd1e9955bd1e995ULL) ^
			(in->body_hash * 31)) | 1;
	case KEY_TITLE:
		return in->title;
	default:
		return in->words >= MIN_CONTENT ? in->body_hash | 1 : 0;
	}
}

/* Pairs free sections of variant d with free rows of equal key.  With
 * unique set, only keys that occur once on each side; else duplicates pair
 * in order. */
static void match_keys(ctx *c, int d, int which, bool unique)
{
	var *v = &c->v[d];
	keyed *k = ad_xmalloc(((size_t)v->n + c->nrows + 1) * sizeof(*k));
	size_t nk = 0, i, j;
	int s;

	for (s = 0; s < v->n; s++)
		if (v->row[s] < 0 && key_of(&v->info[s], which)) {
			k[nk].key = key_of(&v->info[s], which);
			k[nk].idx = s;
			k[nk++].side = 0;
		}
	for (i = 0; i < c->nrows; i++)
		if (row_free(c, (int)i, d) && key_of(row_rep(c, (int)i), which)) {
			k[nk].key = key_of(row_rep(c, (int)i), which);
			k[nk].idx = (int)i;
			k[nk++].side = 1;
		}
	qsort(k, nk, sizeof(*k), cmp_keyed);
	for (i = 0; i < nk; i = j) {
		size_t na = 0, nb, m;

		for (j = i; j < nk && k[j].key == k[i].key; j++)
			na += k[j].side == 0;
		nb = (j - i) - na;
		if (unique && (na != 1 || nb != 1))
			continue;
		for (m = 0; m < na && m < nb; m++) {
			const sec_info *a = &v->info[k[i + m].idx];

			assign(c, d, k[i + m].idx, k[i + na + m].idx,
			       which == KEY_TITLE ? -1.0 : (a->words ? 1.0 : -1.0));
		}
	}
	free(k);
}

typedef struct {
	double score, content, title, bonus, need;
	double cheap; /* the content estimate that stands when not diffed */
	int exact;    /* content is final */
	int diffed;   /* content is a word diff's (or the same words) */
	int sec, row;
} cand;

static int cmp_cand(const void *pa, const void *pb)
{
	const cand *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->sec != b->sec)
		return a->sec - b->sec;
	return a->row - b->row;
}

/* The sketch bound of the similarity of a and b (nz: a's non-zero
 * buckets): Dice's, or with contain the overlap (see by_containment). */
static double sparse_sim(const ad_textdiff_sketch *a, const uint8_t *nz, int nnz,
			 const ad_textdiff_sketch *b, bool contain)
{
	uint64_t common = 0;
	int k;

	if (!a->total && !b->total)
		return 1.0;
	for (k = 0; k < nnz; k++) {
		uint32_t x = a->bucket[nz[k]], y = b->bucket[nz[k]];

		common += x < y ? x : y;
	}
	if (contain)
		return (double)common / sqrt((double)a->total * b->total);
	return 2.0 * (double)common / ((double)a->total + (double)b->total);
}

static const ad_textdiff_sketch *sketch_of(const ctx *c, int d, int s)
{
	int k = c->v[d].info[s].sketch;

	return k < 0 ? NULL : &c->v[d].sk[k];
}

static double body_similarity(const var *a, int sa, const var *b, int sb)
{
	const sec_info *x = &a->info[sa], *y = &b->info[sb];

	if (x->words == y->words && x->body_hash == y->body_hash)
		return 1.0;
	if (a->keys && b->keys)
		return ad_textdiff_keys_similarity(a->keys + x->key0, (int)x->words,
						   b->keys + y->key0, (int)y->words, NULL);
	return ad_textdiff_similarity(a->data + x->body, x->body_end - x->body,
				      b->data + y->body, y->body_end - y->body,
				      AD_TEXTDIFF_WORDS, NULL);
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return a < b ? -1 : a > b;
}

/* How many of a's keys b has too, as multisets. */
static size_t bag_common(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	uint64_t *x = ad_xmalloc((na + nb + 1) * sizeof(*x)), *y = x + na;
	size_t i = 0, j = 0, common = 0;

	memcpy(x, a, na * sizeof(*x));
	memcpy(y, b, nb * sizeof(*y));
	qsort(x, na, sizeof(*x), cmp_u64);
	qsort(y, nb, sizeof(*y), cmp_u64);
	while (i < na && j < nb) {
		if (x[i] == y[j])
			common++, i++, j++;
		else if (x[i] < y[j])
			i++;
		else
			j++;
	}
	free(x);
	return common;
}

/* Whether a candidate pair is compared by overlap, not by Dice's share of
 * common words: a section whose words are spread over subsections on one
 * side and in one section on the other ("## API Design" over "### REST",
 * "### GraphQL" against one "## API Design"), under titles that already
 * agree.  The overlap coefficient common / sqrt(|a| |b|) (Ochiai's) is
 * kinder than Dice to the difference in size, but still prefers the
 * candidate of the closest size (the <examples> wrapper over one of its
 * <example>s). */
static bool by_containment(const sec_info *x, const sec_info *y, double title)
{
	return title >= 0.75 && x->content_is_body != y->content_is_body;
}

/* The word similarity of what two sections are compared by (their body,
 * or their subtree when the body says too little), exact: a word diff of
 * two bodies, else bags of words (never above the sketches' bound). */
static double content_similarity(const var *a, int sa, const var *b, int sb,
				 double title)
{
	const sec_info *x = &a->info[sa], *y = &b->info[sb];
	int nx, ny, na, nb;
	size_t common;

	if (x->content_is_body && y->content_is_body)
		return body_similarity(a, sa, b, sb);
	if (!a->keys || !b->keys)
		return 0.0;
	na = nx = (int)(x->content_is_body ? x->words : x->sub_keys);
	nb = ny = (int)(y->content_is_body ? y->words : y->sub_keys);
	if (!na && !nb)
		return 1.0;
	if (!na || !nb)
		return 0.0;
	/* Where subtrees are compared, their parts may come in another order
	 * than the other side's paragraphs: a bag of words, not a diff. */
	common = bag_common(a->keys + x->key0, (size_t)nx, b->keys + y->key0, (size_t)ny);
	if (by_containment(x, y, title))
		return (double)common / sqrt((double)na * nb);
	return 2.0 * (double)common / ((double)na + nb);
}

/* What content_similarity() costs: the words it compares. */
static size_t content_cost(const var *a, int sa, const var *b, int sb)
{
	const sec_info *x = &a->info[sa], *y = &b->info[sb];

	return (x->content_is_body ? x->words : x->sub_keys) +
	       (y->content_is_body ? y->words : y->sub_keys);
}

/* A max-heap of candidates by score. */
static void heap_push(cand **h, size_t *n, size_t *cap, cand x)
{
	size_t i = (*n)++;

	ad_xgrow((void **)h, cap, *n, sizeof(**h));
	while (i > 0 && cmp_cand(&x, &(*h)[(i - 1) / 2]) < 0) {
		(*h)[i] = (*h)[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	(*h)[i] = x;
}

static cand heap_pop(cand *h, size_t *n)
{
	cand top = h[0], x = h[--(*n)];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, m = l;

		if (l >= *n)
			break;
		if (l + 1 < *n && cmp_cand(&h[l + 1], &h[l]) < 0)
			m = l + 1;
		if (cmp_cand(&h[m], &x) >= 0)
			break;
		h[i] = h[m];
		i = m;
	}
	if (*n)
		h[i] = x;
	return top;
}

/* Title similarity with the small things that break ties: a title that
 * begins the other ("API Design" / "API Design Standards") beats one that
 * only occurs in it ("gRPC API Design"), and the same level helps. */
static double title_score(const var *va, int sa, const var *vb, int sb)
{
	const sec_info *a = &va->info[sa], *b = &vb->info[sb];
	double t = title_sim(a, b);

	if (t > 0.0 && t < 1.0 && a->ntok && b->ntok) {
		int k = a->ntok < b->ntok ? a->ntok : b->ntok, i;

		for (i = 0; i < k && a->tok[i] == b->tok[i]; i++)
			;
		if (i == k)
			t += 0.1;
		if (t > 0.95)
			t = 0.95;
	}
	return t;
}

/* ------------------------------------------------------- large inputs */

/* Word bigrams of a section's content as a bottom-k sketch: the MH_K
 * smallest distinct hashes of its pairs of consecutive words (Broder's
 * min-wise estimate).  Unlike the bag-of-words sketch it sees word order,
 * so two texts drawn from the same few words, which the bags cannot tell
 * apart, compare by how much of their text they share. */
static uint32_t bigram_hash(uint64_t a, uint64_t b)
{
	uint64_t x = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL);

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	return (uint32_t)x;
}

static void bottom_add(uint32_t *mh, uint8_t *n, uint32_t h)
{
	int i = *n;

	if (i == MH_K && h >= mh[MH_K - 1])
		return;
	while (i > 0 && mh[i - 1] > h)
		i--;
	if (i > 0 && mh[i - 1] == h)
		return;
	if (*n < MH_K)
		(*n)++;
	memmove(mh + i + 1, mh + i, (size_t)(*n - 1 - i) * sizeof(*mh));
	mh[i] = h;
}

/* The bigram sketches of every section of v with content, once. */
static void prepare_bigrams(var *v)
{
	int i;

	if (v->mh || !v->keys)
		return;
	v->mh = ad_xmalloc(((size_t)v->n * MH_K + 1) * sizeof(*v->mh));
	v->nmh = ad_xcalloc((size_t)v->n + 1, sizeof(*v->nmh));
	for (i = 0; i < v->n; i++) {
		const sec_info *in = &v->info[i];
		const uint64_t *k = v->keys + in->key0;
		size_t n = in->content_is_body ? in->words : in->sub_keys, j;

		if (in->sketch < 0)
			continue;
		if (n == 1)
			bottom_add(v->mh + (size_t)i * MH_K, &v->nmh[i], bigram_hash(k[0], 0));
		for (j = 0; j + 1 < n; j++)
			bottom_add(v->mh + (size_t)i * MH_K, &v->nmh[i], bigram_hash(k[j], k[j + 1]));
	}
}

/* The bigram sketches' estimate of the word similarity of two sections:
 * the share of the smallest hashes of the union found in both (Jaccard's),
 * as Dice's 2J / (1 + J) like the word similarity. */
static double bigram_sim(const var *a, int sa, const var *b, int sb)
{
	const uint32_t *x = a->mh + (size_t)sa * MH_K, *y = b->mh + (size_t)sb * MH_K;
	int nx = a->nmh[sa], ny = b->nmh[sb], i = 0, j = 0, seen = 0, common = 0;
	double jac;

	if (!nx || !ny)
		return nx == ny ? 1.0 : 0.0;
	while (seen < MH_K && (i < nx || j < ny)) {
		if (j >= ny || (i < nx && x[i] < y[j])) {
			i++;
		} else if (i >= nx || y[j] < x[i]) {
			j++;
		} else {
			common++;
			i++;
			j++;
		}
		seen++;
	}
	jac = (double)common / seen;
	return 2.0 * jac / (1.0 + jac);
}

/* The free rows of d, in row order. */
static size_t free_rows(const ctx *c, int d, int *out)
{
	size_t r, n = 0;

	for (r = 0; r < c->nrows; r++)
		if (row_free(c, (int)r, d))
			out[n++] = (int)r;
	return n;
}

/* The first of the n sorted rows fr[] above row, or n. */
static size_t rows_after(const int *fr, size_t n, int row)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (fr[mid] <= row)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The candidates kept for one section in a large match: the best
 * CAND_MAX by their cheap score, as a min-heap (the worst on top). */
static void keep_best(cand *best, size_t *n, cand x)
{
	size_t i;

	if (*n == CAND_MAX) {
		if (cmp_cand(&x, &best[0]) >= 0)
			return; /* no better than the worst kept */
		i = 0; /* x replaces the root: sift it down */
		for (;;) {
			size_t l = 2 * i + 1, m = l;

			if (l >= *n)
				break;
			if (l + 1 < *n && cmp_cand(&best[l + 1], &best[l]) > 0)
				m = l + 1;
			if (cmp_cand(&best[m], &x) <= 0)
				break;
			best[i] = best[m];
			i = m;
		}
		best[i] = x;
		return;
	}
	i = (*n)++;
	while (i > 0 && cmp_cand(&x, &best[(i - 1) / 2]) > 0) {
		best[i] = best[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	best[i] = x;
}

/* In a large match, the runs of free sections between two matched ones
 * (in d's order) that face, between the rows of those two, as many free
 * rows with the same titles in the same order: paired in order, as a line
 * diff pairs the lines between two anchors.  Where scoring every pair
 * costs too much, the order is the evidence that costs nothing; it keeps
 * 1,999 "## S" sections whose bodies share only their few words from
 * pairing across the file.  fr[0..nfree) are d's free rows in order. */
static void match_gaps(ctx *c, int d, const int *fr, size_t nfree)
{
	var *v = &c->v[d];
	int s = 0, prev_row = -1;

	while (s < v->n) {
		int e, next_row, k;
		size_t lo, hi;

		if (v->row[s] >= 0) {
			prev_row = v->row[s++];
			continue;
		}
		for (e = s; e < v->n && v->row[e] < 0; e++)
			;
		next_row = e < v->n ? v->row[e] : (int)c->nrows;
		lo = rows_after(fr, nfree, prev_row);
		hi = rows_after(fr, nfree, next_row - 1);
		if (next_row > prev_row && hi - lo == (size_t)(e - s)) {
			for (k = 0; k < e - s; k++)
				if (!v->info[s + k].title ||
				    v->info[s + k].title != row_rep(c, fr[lo + (size_t)k])->title)
					break;
			if (k == e - s)
				for (k = 0; k < e - s; k++)
					assign(c, d, s + k, fr[lo + (size_t)k], -1.0);
		}
		s = e;
	}
}

/* ------------------------------------------------------------ scored */

/* Greedy best-first on score = 0.45 title + 0.55 content + bonuses.  The
 * sketch gives every candidate an optimistic score; a candidate reaching
 * the top of the heap with an optimistic score gets its real word
 * similarity and goes back in, so only the contenders are diffed.
 *
 * The work is bounded, so that no input makes it quadratic (1,999
 * sections all titled "## S" over the same few words once took minutes):
 * past PAIR_BUDGET pairs of free sections and free rows the match is
 * large.  Then each section is scored against a window of the free rows
 * around where it would be (after the row of the nearest section before
 * it already matched), by a cheap score from word bigrams rather than
 * bags of words, and keeps its CAND_MAX best; the heap goes by the cheap
 * scores.  And in any match, once *diff_left words have been diffed, the
 * cheap score stands for the word diff.  Small inputs never reach either
 * bound, and align as they always did.
 *
 * Returns whether it left pairs unscored (a large match) and matched
 * something, so that another round may find the rest. */
static bool match_scored(ctx *c, int d, size_t *diff_left)
{
	var *v = &c->v[d];
	const ad_align_options *o = c->opts;
	cand *h = NULL, best[CAND_MAX];
	size_t nh = 0, ah = 0, nfree, nsec = 0, window, k, nbest;
	uint8_t nz[AD_TEXTDIFF_SKETCH_BUCKETS];
	int *fr = ad_xmalloc((c->nrows + 1) * sizeof(int));
	int s, anchor = -1;
	size_t gap = 0;
	bool large, matched = false;

	nfree = free_rows(c, d, fr);
	for (s = 0; s < v->n; s++)
		nsec += v->row[s] < 0;
	large = nsec && nfree && nsec * nfree > PAIR_BUDGET;
	window = nfree;
	if (large) {
		window = PAIR_BUDGET / nsec;
		if (window < WINDOW_MIN)
			window = WINDOW_MIN;
		if (window > nfree)
			window = nfree;
		prepare_bigrams(v);
		for (k = 0; k < c->nrows; k++)
			prepare_bigrams(&c->v[c->rows[k].ref_doc]);
		match_gaps(c, d, fr, nfree);
		nfree = free_rows(c, d, fr);
		for (nsec = 0, s = 0; s < v->n; s++)
			nsec += v->row[s] < 0;
		if (!nsec || !nfree) {
			free(fr);
			return false;
		}
		if (window > nfree)
			window = nfree;
	}

	for (s = 0; s < v->n; s++) {
		const sec_info *a = &v->info[s];
		const ad_textdiff_sketch *ska = sketch_of(c, d, s);
		int nnz = 0, pa_row;
		double pos_a = v->n > 1 ? (double)s / (v->n - 1) : 0.0;
		size_t lo = 0;

		if (v->row[s] >= 0) {
			anchor = v->row[s];
			gap = 0;
			continue;
		}
		if (large) {
			/* The free rows after the anchor's, in order, are
			 * where this section and those after it would go. */
			size_t at = rows_after(fr, nfree, anchor) + gap++;

			lo = at > window / 2 ? at - window / 2 : 0;
			if (lo + window > nfree)
				lo = nfree - window;
		}
		if (ska)
			for (k = 0; k < AD_TEXTDIFF_SKETCH_BUCKETS; k++)
				if (ska->bucket[k])
					nz[nnz++] = (uint8_t)k;
		pa_row = v->secs[s].parent >= 0 ? v->row[v->secs[s].parent] : -1;
		nbest = 0;
		for (k = lo; k < lo + window; k++) {
			int r = fr[k];
			const row_info *ri = &c->rows[r];
			const var *rv = &c->v[ri->ref_doc];
			const sec_info *b = &rv->info[ri->ref_sec];
			const ad_textdiff_sketch *skb;
			double t, need = 0.0, content = 0.0, cheap = 0.0, bonus, pos_b;
			int pb, exact = 1;
			cand x;

			if ((v->secs[s].kind == AD_SECTION_PREAMBLE) !=
			    (rv->secs[ri->ref_sec].kind == AD_SECTION_PREAMBLE) &&
			    (!a->words || !b->words))
				continue; /* an empty preamble pairs only with one */
			t = title_score(v, s, rv, ri->ref_sec);
			skb = sketch_of(c, ri->ref_doc, ri->ref_sec);
			if (!ska || !skb) {
				/* No text to go by: titles alone, and close ones. */
				if (t < 0.75)
					continue;
			} else {
				/* Titles the same but for plurals and such say
				 * enough alone, as in P1; close ones need some
				 * content in common, others more. */
				need = t >= 0.95 ? 0.0
				       : t >= 0.75 ? o->content_threshold / 2
				       : t >= 0.5 ? o->content_threshold : o->rename_threshold;
				/* The sizes alone may rule it out: Dice is at
				 * most 2 min / (sum), before any bucket. */
				if (!by_containment(a, b, t) &&
				    2.0 * (ska->total < skb->total ? ska->total : skb->total) <
					    need * ((double)ska->total + skb->total))
					continue;
				content = sparse_sim(ska, nz, nnz, skb, by_containment(a, b, t));
				if (content < need)
					continue;
				/* The sketch is an upper bound: the real similarity
				 * comes when the candidate reaches the top. */
				exact = a->content_is_body && b->content_is_body &&
					content >= 1.0 && a->body_hash == b->body_hash;
			}
			cheap = content;
			if (large && !exact && ska && skb) {
				cheap = bigram_sim(v, s, rv, ri->ref_sec);
				if (cheap > content)
					cheap = content;
			}
			bonus = 0.0;
			pb = rv->secs[ri->ref_sec].parent;
			if (pa_row >= 0 && pb >= 0 && rv->row[pb] == pa_row)
				bonus += 0.05;
			if (v->secs[s].level == rv->secs[ri->ref_sec].level)
				bonus += 0.02;
			pos_b = rv->n > 1 ? (double)ri->ref_sec / (rv->n - 1) : 0.0;
			bonus += 0.03 * (1.0 - (pos_a > pos_b ? pos_a - pos_b : pos_b - pos_a));
			x.content = content;
			x.cheap = cheap;
			x.score = 0.45 * t + 0.55 * (large ? cheap : content) + bonus;
			x.title = t;
			x.bonus = bonus;
			x.need = need;
			x.exact = exact;
			x.diffed = exact;
			x.sec = s;
			x.row = r;
			if (large)
				keep_best(best, &nbest, x);
			else
				heap_push(&h, &nh, &ah, x);
		}
		for (k = 0; k < nbest; k++)
			heap_push(&h, &nh, &ah, best[k]);
	}
	while (nh) {
		cand x = heap_pop(h, &nh);
		const row_info *ri = &c->rows[x.row];

		if (v->row[x.sec] >= 0 || !row_free(c, x.row, d))
			continue;
		if (!x.exact) {
			size_t cost = content_cost(v, x.sec, &c->v[ri->ref_doc], ri->ref_sec);

			if (cost <= *diff_left) {
				*diff_left -= cost;
				x.content = content_similarity(v, x.sec, &c->v[ri->ref_doc],
							       ri->ref_sec, x.title);
				if (x.content > 1.0)
					x.content = 1.0;
				x.diffed = 1;
			} else {
				/* Out of budget: the cheap score decides. */
				x.content = x.cheap;
			}
			if (x.content < x.need)
				continue;
			x.score = 0.45 * x.title + 0.55 * x.content + x.bonus;
			x.exact = 1;
			heap_push(&h, &nh, &ah, x);
			continue;
		}
		assign(c, d, x.sec, x.row,
		       x.diffed && v->info[x.sec].content_is_body &&
				       c->v[ri->ref_doc].info[ri->ref_sec].content_is_body
			       ? x.content : -1.0);
		matched = true;
	}
	free(h);
	free(fr);
	return large && matched;
}

/* Share of a's words found in b (+ b2). */
static double containment(const ad_textdiff_sketch *a, const ad_textdiff_sketch *b,
			  const ad_textdiff_sketch *b2)
{
	uint64_t common = 0;
	int k;

	if (!a->total)
		return 0.0;
	for (k = 0; k < AD_TEXTDIFF_SKETCH_BUCKETS; k++) {
		uint32_t y = b->bucket[k] + (b2 ? b2->bucket[k] : 0);

		common += a->bucket[k] < y ? a->bucket[k] : y;
	}
	return (double)common / a->total;
}

static void mark_group(ctx *c, int r1, int r2, unsigned flag)
{
	int g = c->rows[r1].group >= 0 ? c->rows[r1].group
		: c->rows[r2].group >= 0 ? c->rows[r2].group : c->ngroups++;

	c->rows[r1].group = c->rows[r2].group = g;
	c->rows[r1].status |= flag;
	c->rows[r2].status |= flag;
}

/* Is x (the whole) covered by y + z, where z's words come from x and y
 * alone does not cover x?  Body sketches only. */
static bool covers(const ad_textdiff_sketch *x, const ad_textdiff_sketch *y,
		   const ad_textdiff_sketch *z)
{
	if (x->total < MIN_CONTENT || z->total < MIN_CONTENT)
		return false;
	double with, without;

	if (z->total * 5 < x->total || containment(z, x, NULL) < 0.6)
		return false;
	with = containment(x, y, z);
	without = containment(x, y, NULL);
	return with >= 0.7 && without < 0.85 && with >= without + 0.15;
}

/* Is x split into its two neighbours y and z: both of their words mostly
 * from x, together covering x, neither alone?  Body sketches only. */
static bool split_in_two(const ad_textdiff_sketch *x, const ad_textdiff_sketch *y,
			 const ad_textdiff_sketch *z)
{
	if (x->total < MIN_CONTENT || y->total < MIN_CONTENT || z->total < MIN_CONTENT)
		return false;
	return containment(y, x, NULL) >= 0.6 && containment(z, x, NULL) >= 0.6 &&
	       containment(x, y, z) >= 0.7 && containment(x, y, NULL) < 0.85 &&
	       containment(x, z, NULL) < 0.85;
}

/* A section that no candidate matched because it became two (or two that
 * became one), none of them matched: pairs the whole with the larger part,
 * so that detect_split_merge() then finds the other part beside it.
 * ("## Checklist" -> "## Before Tagging" + "## After Publishing".) */
static void pair_split_parts(ctx *c, int d)
{
	var *v = &c->v[d];
	size_t r;
	int s;

	for (r = 0; r < c->nrows; r++) {
		const row_info *ri = &c->rows[r];
		const var *rv = &c->v[ri->ref_doc];
		const ad_textdiff_sketch *x = &rv->sk[2 * ri->ref_sec];

		if (!row_free(c, (int)r, d) || !rv->info[ri->ref_sec].content_is_body)
			continue;
		for (s = 0; s < v->n; s++) {
			int z = v->secs[s].next_sibling;

			if (v->row[s] >= 0 || z < 0 || v->row[z] >= 0 ||
			    !v->info[s].content_is_body || !v->info[z].content_is_body)
				continue;
			if (split_in_two(x, &v->sk[2 * s], &v->sk[2 * z])) {
				int big = v->info[s].words >= v->info[z].words ? s : z;

				assign(c, d, big, (int)r, -1.0);
				break;
			}
		}
	}
	/* Two rows next to each other (in their reference) that d has as one
	 * unmatched section. */
	for (s = 0; s < v->n; s++) {
		if (v->row[s] >= 0 || !v->info[s].content_is_body)
			continue;
		for (r = 0; r < c->nrows; r++) {
			const row_info *ri = &c->rows[r];
			const var *rv = &c->v[ri->ref_doc];
			int y = ri->ref_sec, z = rv->secs[y].next_sibling, rz;

			if (z < 0 || (rz = rv->row[z]) < 0 || !row_free(c, (int)r, d) ||
			    !row_free(c, rz, d) || !rv->info[y].content_is_body ||
			    !rv->info[z].content_is_body)
				continue;
			if (split_in_two(&v->sk[2 * s], &rv->sk[2 * y], &rv->sk[2 * z])) {
				assign(c, d, s, rv->info[y].words >= rv->info[z].words ? (int)r : rz,
				       -1.0);
				break;
			}
		}
	}
}

/* Splits: an unmatched section u of d next to a sibling w matched to row r.
 * Merges: a row r2 that d lacks, next to (in its reference) a row r whose
 * cell in d covers both.  Returns the rows to create for split parts in
 * split_row (section index -> row to group with), else -1. */
static void detect_split_merge(ctx *c, int d, int *split_with)
{
	var *v = &c->v[d];
	size_t r;
	int s;

	for (s = 0; s < v->n; s++) {
		int nb[2], k;

		split_with[s] = -1;
		if (v->row[s] >= 0 || !v->info[s].content_is_body)
			continue;
		nb[0] = v->prev[s];
		nb[1] = v->secs[s].next_sibling;
		for (k = 0; k < 2; k++) {
			int w = nb[k], row;
			const row_info *ri;

			if (w < 0 || (row = v->row[w]) < 0 || !v->info[w].content_is_body)
				continue;
			ri = &c->rows[row];
			if (!c->v[ri->ref_doc].info[ri->ref_sec].content_is_body)
				continue;
			if (covers(&c->v[ri->ref_doc].sk[2 * ri->ref_sec], &v->sk[2 * w],
				   &v->sk[2 * s])) {
				split_with[s] = row;
				break;
			}
		}
	}
	for (r = 0; r < c->nrows; r++) {
		const row_info *ri = &c->rows[r];
		const var *rv = &c->v[ri->ref_doc];
		int nb[2], k, s2 = ri->ref_sec;

		if (!row_free(c, (int)r, d) || !rv->info[s2].content_is_body)
			continue;
		nb[0] = rv->prev[s2];
		nb[1] = rv->secs[s2].next_sibling;
		for (k = 0; k < 2; k++) {
			int w = nb[k], row, x;

			if (w < 0 || (row = rv->row[w]) < 0 || !rv->info[w].content_is_body)
				continue;
			x = c->cells[(size_t)row * c->ndocs + (size_t)d];
			if (x < 0 || !v->info[x].content_is_body)
				continue;
			if (covers(&v->sk[2 * x], &rv->sk[2 * w], &rv->sk[2 * s2])) {
				mark_group(c, row, (int)r, AD_ROW_MERGED);
				break;
			}
		}
	}
}

/* Rows for the sections of d left unmatched, placed after the row of their
 * nearest preceding aligned sibling (after that sibling's subtree), else
 * right after their parent's row, else first; in d's order.  One pass. */
static void insert_rows(ctx *c, int d, const int *split_with)
{
	var *v = &c->v[d];
	size_t old = c->nrows, r, nnew = 0, o;
	int *submax = ad_xmalloc(((size_t)v->n + 1) * sizeof(int));
	int *anchor = ad_xmalloc(((size_t)v->n + 1) * sizeof(int));
	int *count = ad_xcalloc(old + 2, sizeof(int));
	int *order, *perm, s;
	row_info *nrows;
	int *ncells;

	/* submax[s]: highest existing row in s's subtree, -1 none. */
	for (s = 0; s < v->n; s++)
		submax[s] = v->row[s];
	for (s = v->n - 1; s >= 0; s--) {
		int p = v->secs[s].parent;

		if (p >= 0 && submax[s] > submax[p])
			submax[p] = submax[s];
	}
	for (s = 0; s < v->n; s++) {
		int p, a = -1;

		anchor[s] = -2; /* matched */
		if (v->row[s] >= 0)
			continue;
		for (p = v->prev[s]; p >= 0; p = v->prev[p])
			if (submax[p] >= 0) {
				a = submax[p];
				break;
			}
		if (p < 0 && (p = v->secs[s].parent) >= 0)
			a = v->row[p] >= 0 ? v->row[p] : anchor[p];
		anchor[s] = a;
		count[a + 1]++;
		nnew++;
	}
	if (!nnew)
		goto done;
	/* Output order: anchors -1 first, then each old row followed by its
	 * new rows in d's order.  Counting sort into slots. */
	order = ad_xmalloc((old + nnew) * sizeof(int));
	{
		int *start = ad_xmalloc((old + 2) * sizeof(int));
		size_t at = 0;

		for (r = 0; r <= old; r++) {
			if (r > 0)
				order[at++] = (int)r - 1;
			start[r] = (int)at;
			at += (size_t)count[r];
		}
		for (s = 0; s < v->n; s++)
			if (anchor[s] != -2)
				order[start[anchor[s] + 1]++] = -1 - s;
		free(start);
	}
	nrows = ad_xmalloc((old + nnew) * sizeof(*nrows));
	ncells = ad_xmalloc((old + nnew) * c->ndocs * sizeof(int));
	perm = ad_xmalloc((old + 1) * sizeof(int));
	for (o = 0; o < old + nnew; o++) {
		if (order[o] >= 0) {
			nrows[o] = c->rows[order[o]];
			memcpy(ncells + o * c->ndocs, c->cells + (size_t)order[o] * c->ndocs,
			       c->ndocs * sizeof(int));
			perm[order[o]] = (int)o;
		} else {
			size_t k;

			s = -1 - order[o];
			nrows[o].ref_doc = d;
			nrows[o].ref_sec = s;
			nrows[o].status = 0;
			nrows[o].group = -1;
			nrows[o].sim = 1.0;
			for (k = 0; k < c->ndocs; k++)
				ncells[o * c->ndocs + k] = -1;
			ncells[o * c->ndocs + (size_t)d] = s;
		}
	}
	free(c->rows);
	free(c->cells);
	c->rows = nrows;
	c->cells = ncells;
	c->nrows = c->arows = old + nnew;
	c->acells = c->nrows * c->ndocs;
	/* Renumber every variant's row references. */
	{
		size_t k;

		for (k = 0; k <= (size_t)d; k++)
			for (s = 0; s < c->v[k].n; s++)
				if (c->v[k].row[s] >= 0)
					c->v[k].row[s] = perm[c->v[k].row[s]];
		for (o = 0; o < c->nrows; o++) {
			if (order[o] < 0) {
				s = -1 - order[o];
				v->row[s] = (int)o;
			}
		}
		for (s = 0; s < v->n; s++)
			if (split_with[s] >= 0)
				mark_group(c, perm[split_with[s]], v->row[s], AD_ROW_SPLIT);
	}
	free(perm);
	free(order);
done:
	free(count);
	free(anchor);
	free(submax);
}

static void match_variant(ctx *c, int d)
{
	var *v = &c->v[d];
	int *split_with = ad_xmalloc(((size_t)v->n + 1) * sizeof(int));
	bool guard = v->guard || c->nrows > c->opts->max_sections;
	int s;

	match_keys(c, d, KEY_TITLE_BODY, false);
	match_keys(c, d, KEY_TITLE, true);
	if (guard) {
		match_keys(c, d, KEY_BODY, false);
		match_keys(c, d, KEY_TITLE, false);
	} else {
		/* Rows whose reference has no sketches (a guarded variant) are
		 * only reachable by keys. */
		size_t r;
		bool all = true;

		for (r = 0; r < c->nrows && all; r++)
			all = !c->v[c->rows[r].ref_doc].guard;
		if (all) {
			size_t diff_left = DIFF_BUDGET;
			int round;

			for (round = 0; round < MAX_ROUNDS && match_scored(c, d, &diff_left); round++)
				;
		} else {
			match_keys(c, d, KEY_BODY, false);
			match_keys(c, d, KEY_TITLE, false);
			guard = true;
		}
	}
	for (s = 0; s < v->n; s++)
		split_with[s] = -1;
	if (!guard) {
		pair_split_parts(c, d);
		detect_split_merge(c, d, split_with);
	}
	insert_rows(c, d, split_with);
	free(split_with);
}

/* --------------------------------------------------------- classify */

/* Rows of the sequence seq[0..n) (values) not on one longest increasing
 * subsequence get moved[i] = true. */
static void mark_non_lis(const int *seq, int n, bool *moved)
{
	int *tail = ad_xmalloc(((size_t)n + 1) * sizeof(int));
	int *prevx = ad_xmalloc(((size_t)n + 1) * sizeof(int));
	int len = 0, i, k;

	for (i = 0; i < n; i++) {
		int lo = 0, hi = len;

		while (lo < hi) {
			int mid = (lo + hi) / 2;

			if (seq[tail[mid]] < seq[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prevx[i] = lo > 0 ? tail[lo - 1] : -1;
		tail[lo] = i;
		if (lo == len)
			len++;
		moved[i] = true;
	}
	for (k = len ? tail[len - 1] : -1; k >= 0; k = prevx[k])
		moved[k] = false;
	free(tail);
	free(prevx);
}

static void classify(ctx *c)
{
	size_t r, d, n = 0;
	int *seq = ad_xmalloc((c->nrows + 1) * sizeof(int));
	int *rowat = ad_xmalloc((c->nrows + 1) * sizeof(int));
	bool *moved = ad_xmalloc((c->nrows + 1) * sizeof(bool));

	for (r = 0; r < c->nrows; r++) {
		row_info *ri = &c->rows[r];
		const var *rv = &c->v[ri->ref_doc];
		const int *cells = c->cells + r * c->ndocs;
		double sum = 0.0;
		int present = 0, missing = 0;
		for (d = 0; d < c->ndocs; d++) {
			const var *v = &c->v[d];
			int s = cells[d];
			double sim;

			if (s < 0) {
				missing++;
				continue;
			}
			present++;
			if ((int)d == ri->ref_doc)
				continue;
			sim = v->sim[s];
			/* Two variants: exact (a diff of keys is cheap); more:
			 * an estimate from the bags of words. */
			if (sim < 0 && c->ndocs == 2 && rv->keys && v->keys)
				sim = body_similarity(rv, ri->ref_sec, v, s);
			if (sim < 0 && rv->sk && v->sk) /* estimate: bags of words */
				sim = ad_textdiff_sketch_similarity(&rv->sk[2 * ri->ref_sec],
								    &v->sk[2 * s]);
			if (sim < 0)
				sim = body_similarity(rv, ri->ref_sec, v, s);
			if (sim > 1.0)
				sim = 1.0;
			if (sim < 1.0 && v->info[s].words == rv->info[ri->ref_sec].words &&
			    v->info[s].body_hash == rv->info[ri->ref_sec].body_hash)
				sim = 1.0;
			sum += sim;
			if (v->info[s].title != rv->info[ri->ref_sec].title)
				ri->status |= AD_ROW_RENAMED;
			if (v->info[s].words != rv->info[ri->ref_sec].words ||
			    v->info[s].body_hash != rv->info[ri->ref_sec].body_hash) {
				ri->status |= AD_ROW_MODIFIED;
			} else if (!(ri->status & AD_ROW_RENAMED)) {
				const ad_section *a = &rv->secs[ri->ref_sec], *b = &v->secs[s];

				if (!ad_textdiff_same_words(rv->data + a->start, a->lead_end - a->start,
							    v->data + b->start, b->lead_end - b->start))
					ri->status |= AD_ROW_MODIFIED;
			}
		}
		ri->sim = present > 1 ? sum / (present - 1) : 1.0;
		if (missing) {
			if (c->ndocs == 2)
				ri->status |= cells[0] >= 0 ? AD_ROW_REMOVED : AD_ROW_ADDED;
			else
				ri->status |= AD_ROW_PARTIAL;
		}
	}
	/* MOVED: against the first variant's order (the row order). */
	for (d = 1; d < c->ndocs; d++) {
		size_t i;

		n = 0;
		for (r = 0; r < c->nrows; r++) {
			const int *cells = c->cells + r * c->ndocs;

			if (cells[0] >= 0 && cells[d] >= 0) {
				seq[n] = cells[d];
				rowat[n++] = (int)r;
			}
		}
		mark_non_lis(seq, (int)n, moved);
		for (i = 0; i < n; i++)
			if (moved[i])
				c->rows[rowat[i]].status |= AD_ROW_MOVED;
	}
	free(seq);
	free(rowat);
	free(moved);
}

/* ------------------------------------------------------------- API */

int ad_align_docs(ad_align **out, const ad_doc *const *docs, size_t ndocs,
		  const ad_align_options *opts)
{
	ad_align_options defaults = AD_ALIGN_OPTIONS_INIT;
	ctx c;
	ad_align *a;
	size_t d, r;
	int s;

	*out = NULL;
	if (!docs || ndocs < 2 || ndocs > AD_ALIGN_MAX_DOCS)
		return AD_EINVALID;
	for (d = 0; d < ndocs; d++)
		if (!docs[d])
			return AD_EINVALID;
	memset(&c, 0, sizeof(c));
	c.opts = opts ? opts : &defaults;
	c.ndocs = ndocs;
	c.v = ad_xcalloc(ndocs, sizeof(*c.v));
	for (d = 0; d < ndocs; d++)
		prepare(&c.v[d], docs[d], c.opts->max_sections);
	for (s = 0; s < c.v[0].n; s++)
		new_row(&c, 0, s);
	for (d = 1; d < ndocs; d++)
		match_variant(&c, (int)d);
	classify(&c);

	a = ad_xcalloc(1, sizeof(*a));
	a->ndocs = ndocs;
	a->nrows = c.nrows;
	a->cells = c.cells;
	a->rows = ad_xcalloc(c.nrows + 1, sizeof(*a->rows));
	for (r = 0; r < c.nrows; r++) {
		a->rows[r].status = c.rows[r].status;
		a->rows[r].similarity = c.rows[r].sim;
		a->rows[r].cells = a->cells + r * ndocs;
		a->rows[r].group = c.rows[r].group;
	}
	free(c.rows);
	for (d = 0; d < ndocs; d++)
		var_free(&c.v[d]);
	free(c.v);
	*out = a;
	return 0;
}

void ad_align_free(ad_align *align)
{
	if (!align)
		return;
	free(align->rows);
	free(align->cells);
	free(align);
}

size_t ad_align_doc_count(const ad_align *align)
{
	return align->ndocs;
}

size_t ad_align_row_count(const ad_align *align)
{
	return align->nrows;
}

const ad_align_row *ad_align_row_at(const ad_align *align, size_t i)
{
	return i < align->nrows ? &align->rows[i] : NULL;
}

const char *ad_align_status_name(unsigned status, char *buf, size_t size)
{
	static const struct {
		unsigned flag;
		const char *name;
	} names[] = {
		{ AD_ROW_ADDED, "added" },     { AD_ROW_REMOVED, "removed" },
		{ AD_ROW_RENAMED, "renamed" }, { AD_ROW_MOVED, "moved" },
		{ AD_ROW_MODIFIED, "modified" }, { AD_ROW_PARTIAL, "partial" },
		{ AD_ROW_SPLIT, "split" },     { AD_ROW_MERGED, "merged" },
	};
	size_t i, at = 0;

	if (!buf || !size)
		return "";
	buf[0] = '\0';
	if (!status) {
		snprintf(buf, size, "same");
		return buf;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t len;

		if (!(status & names[i].flag))
			continue;
		len = strlen(names[i].name) + (at ? 1 : 0);
		if (at + len + 1 > size)
			break;
		at += (size_t)snprintf(buf + at, size - at, "%s%s", at ? "+" : "", names[i].name);
	}
	return buf;
}
