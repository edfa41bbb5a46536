#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "lines.h"
#include "textdiff.h"
#include "utf8.h"
#include "util.h"

/*
 * Sources.  Histogram diff follows the idea of JGit's HistogramDiff and
 * git's xdiff/xhistogram.c: index one side's units by class, anchor on the
 * longest common run whose rarest unit occurs least (a unique unit first, as
 * Bram Cohen's Patience diff does), recurse on both sides of it.  Where every
 * common unit is too frequent (more than S_MAX_CHAIN occurrences) the range
 * goes to Myers, E. W. Myers, "An O(ND) Difference Algorithm and Its
 * Variations", Algorithmica 1 (1986), section 4b (linear space: find the
 * middle snake, divide and conquer), with xdiff's cost cap (xdl_split's
 * mxcost) and its pre-pass that takes out units that occur in one side only
 * (xdl_cleanup_records).  Compaction is xdiff's xdl_change_compact (slide
 * each change up and down, prefer to line up with a change on the other
 * side) with a simpler scoring of blank lines and indentation than git's
 * indent heuristic.  The word cleanup is Neil Fraser's diff-match-patch
 * cleanupSemantic.
 */

#define S_MAX_CHAIN 64     /* xhistogram's max_chain_length */
#define S_MIN_COST 256     /* xdiff's XDL_MAX_COST_MIN */
#define S_MAX_SLIDE 100    /* INDENT_HEURISTIC_MAX_SLIDING */
#define S_HEUR_MIN 256     /* XDL_HEUR_MIN_COST */
#define S_SNAKE 20         /* XDL_SNAKE_CNT */
#define S_K_HEUR 4         /* XDL_K_HEUR */

enum { S_LINES, S_TOKENS, S_KEYS };
enum { TK_SPACE, TK_BREAK, TK_WORD, TK_PUNCT };
enum { CC_SPACE, CC_WORD, CC_CJK, CC_PUNCT };

typedef struct {
	int mode;
	unsigned flags;
	const unsigned char *data[2];
	const size_t *off[2];       /* len + 1 unit starts (lines, tokens) */
	const unsigned char *kind[2]; /* token kinds */
	const uint64_t *keys[2];
	int len[2];
	int *cls[2];                /* class of each unit */
	int nclass;
	char *chg[2];               /* changed marks, [-1] and [len] are 0 */
	int *cnt[2], *head, *next;  /* per class / per unit scratch */
	int max_cost;
	long long budget;           /* histogram work before giving up */
	unsigned degraded;
} S_env;

/* ------------------------------------------------------------ hashing */

static uint64_t S_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* Inlined: called once a token, it is much of the cost of tokenising. */
static inline __attribute__((always_inline)) uint64_t
S_hash(const unsigned char *p, size_t len)
{
	/* The length spread over all bits: XORed in low, it cancelled the
	 * first byte of a short tail ("7" and "47" had one hash). */
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xc2b2ae3d27d4eb4fULL), w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
		h ^= h >> 29;
	}
	/* The tail, most of a word: two overlapping fixed-size loads (a
	 * memcpy of a variable length would be a library call). */
	if (len >= 4) {
		uint32_t x, y;

		memcpy(&x, p, 4);
		memcpy(&y, p + len - 4, 4);
		w = x | (uint64_t)y << 32;
	} else if (len) {
		w = p[0] | (uint64_t)p[len / 2] << 8 | (uint64_t)p[len - 1] << 16;
	} else {
		w = 0;
	}
	return S_mix(h ^ w);
}

static int S_is_blank(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

#define S_WS_FLAGS (AD_TEXTDIFF_IGNORE_WHITESPACE | \
		    AD_TEXTDIFF_IGNORE_WHITESPACE_CHANGE)

/* Yields the bytes of a unit as the flags see them, -1 at the end. */
typedef struct {
	const unsigned char *p, *end;
	unsigned flags;
} S_norm;

static int S_norm_next(S_norm *it)
{
	while (it->p < it->end) {
		unsigned c = *it->p++;

		if ((it->flags & S_WS_FLAGS) && S_is_blank(c)) {
			while (it->p < it->end && S_is_blank(*it->p))
				it->p++;
			if ((it->flags & AD_TEXTDIFF_IGNORE_WHITESPACE) ||
			    it->p == it->end)
				continue;
			return ' ';
		}
		if (c == '\r' && (it->flags & AD_TEXTDIFF_IGNORE_EOL)) {
			if (it->p < it->end && *it->p == '\n')
				it->p++;
			return '\n';
		}
		return (int)c;
	}
	return -1;
}

static size_t S_content_len(const unsigned char *p, size_t len)
{
	if (len && p[len - 1] == '\n')
		len--;
	if (len && p[len - 1] == '\r')
		len--;
	return len;
}

static void S_unit(const S_env *e, int s, int i, const unsigned char **p,
		   size_t *len)
{
	*p = e->data[s] + e->off[s][i];
	*len = e->off[s][i + 1] - e->off[s][i];
}

/* How a unit is compared: raw bytes (0), normalised bytes (1), or only by
 * its token kind (2, whitespace under REFLOW and the whitespace flags). */
static int S_unit_rule(const S_env *e, int s, int i)
{
	if (e->mode == S_LINES)
		return (e->flags & (S_WS_FLAGS | AD_TEXTDIFF_IGNORE_EOL)) != 0;
	if (e->kind[s][i] != TK_SPACE && e->kind[s][i] != TK_BREAK)
		return 0;
	if (e->flags & (S_WS_FLAGS | AD_TEXTDIFF_REFLOW))
		return 2;
	return (e->flags & AD_TEXTDIFF_IGNORE_EOL) != 0;
}

static void S_norm_init(const S_env *e, int s, int i, S_norm *it)
{
	const unsigned char *p;
	size_t len;

	S_unit(e, s, i, &p, &len);
	it->flags = e->flags & (S_WS_FLAGS | AD_TEXTDIFF_IGNORE_EOL);
	if (e->mode == S_LINES)
		len = S_content_len(p, len); /* every rule here drops the EOL */
	it->p = p;
	it->end = p + len;
}

static uint64_t S_unit_hash(const S_env *e, int s, int i)
{
	const unsigned char *p;
	size_t len;
	S_norm it;
	uint64_t h;
	int c;

	if (e->mode == S_KEYS)
		return S_mix(e->keys[s][i]);
	switch (S_unit_rule(e, s, i)) {
	case 0:
		S_unit(e, s, i, &p, &len);
		return S_hash(p, len);
	case 2:
		return S_mix(0x5157ULL + e->kind[s][i]);
	default:
		S_norm_init(e, s, i, &it);
		h = 0xcbf29ce484222325ULL; /* FNV-1a */
		while ((c = S_norm_next(&it)) >= 0)
			h = (h ^ (unsigned)c) * 0x100000001b3ULL;
		return S_mix(h);
	}
}

static int S_unit_eq(const S_env *e, int s1, int i1, int s2, int i2)
{
	const unsigned char *p1, *p2;
	size_t n1, n2;
	S_norm x, y;
	int c;

	if (e->mode == S_KEYS)
		return e->keys[s1][i1] == e->keys[s2][i2];
	if (S_unit_rule(e, s1, i1) != S_unit_rule(e, s2, i2))
		return 0;
	switch (S_unit_rule(e, s1, i1)) {
	case 0:
		S_unit(e, s1, i1, &p1, &n1);
		S_unit(e, s2, i2, &p2, &n2);
		return n1 == n2 && memcmp(p1, p2, n1) == 0;
	case 2:
		return e->kind[s1][i1] == e->kind[s2][i2];
	default:
		S_norm_init(e, s1, i1, &x);
		S_norm_init(e, s2, i2, &y);
		do {
			c = S_norm_next(&x);
			if (c != S_norm_next(&y))
				return 0;
		} while (c >= 0);
		return 1;
	}
}

typedef struct {
	uint64_t hash;
	int cls;   /* -1 for an empty slot */
	int rep;   /* a unit of the class: i in A, len[0] + j in B */
} S_slot;

static S_slot *S_slots_new(size_t cap)
{
	S_slot *t = ad_xmalloc(cap * sizeof(*t));

	memset(t, 0xff, cap * sizeof(*t)); /* every cls -1: empty */
	return t;
}

/* Gives every unit a class number; equal units share one (xdl_classify).
 * The table holds one slot per class and doubles past 3/4 full, so it stays
 * small (and in cache) when units repeat, as words do. */
static void S_classify(S_env *e)
{
	size_t cap = 16, mask, k;
	S_slot *t;
	int s, i;

	/* Room for every unit being distinct at under 3/4 full, up to 256
	 * slots: small diffs (a hunk's words) clear a small table. */
	while (cap < 256 && cap * 3 <= ((size_t)e->len[0] + e->len[1]) * 4)
		cap *= 2;
	mask = cap - 1;
	t = S_slots_new(cap);
	e->nclass = 0;
	for (s = 0; s < 2; s++) {
		e->cls[s] = ad_xmalloc(((size_t)e->len[s] + 1) * sizeof(int));
		for (i = 0; i < e->len[s]; i++) {
			uint64_t h = S_unit_hash(e, s, i);

			for (k = (size_t)h & mask;; k = (k + 1) & mask) {
				int r = t[k].rep;

				if (t[k].cls < 0) {
					t[k].hash = h;
					t[k].rep = s ? e->len[0] + i : i;
					t[k].cls = e->nclass++;
					break;
				}
				/* Keys: S_mix is one-to-one, so the same hash is
				 * the same key. */
				if (t[k].hash == h &&
				    (e->mode == S_KEYS ||
				     (r < e->len[0] ? S_unit_eq(e, 0, r, s, i)
				      : S_unit_eq(e, 1, r - e->len[0], s, i))))
					break;
			}
			e->cls[s][i] = t[k].cls;
			if ((size_t)e->nclass * 4 > cap * 3) {
				S_slot *old = t;
				size_t j, oldcap = cap;

				cap *= 2;
				mask = cap - 1;
				t = S_slots_new(cap);
				for (j = 0; j < oldcap; j++) {
					if (old[j].cls < 0)
						continue;
					for (k = (size_t)old[j].hash & mask;
					     t[k].cls >= 0; k = (k + 1) & mask)
						;
					t[k] = old[j];
				}
				free(old);
			}
		}
	}
	free(t);
}

/* -------------------------------------------------------------- Myers */

typedef struct {
	const int *A, *B;     /* classes of the units kept */
	const int *ma, *mb;   /* their indexes in the whole sequences */
	char *ca, *cb;
	int *fw, *bw;         /* furthest reach per diagonal k = i - j */
	int max_cost;
	unsigned *degraded;
} S_myers;

static void S_mark(char *chg, const int *map, int from, int to)
{
	for (; from < to; from++)
		chg[map[from]] = 1;
}

/* Past S_HEUR_MIN rounds, xdiff's heuristic: a diagonal that has made
 * good progress (more than S_K_HEUR per round) and ends in a run of at
 * least S_SNAKE matches is a good enough place to split. */
static int S_snake_split(const S_myers *my, int a1, int a2, int b1, int b2,
			 int ec, int fmin, int fmax, int bmin, int bmax,
			 int *sa, int *sb)
{
	const int *A = my->A, *B = my->B;
	int fmid = a1 - b1, bmid = a2 - b2, d, k, i, j;
	long best = 0, v;

	for (d = fmax; d >= fmin; d -= 2) {
		i = my->fw[d];
		j = i - d;
		v = (long)(i - a1) + (j - b1) - (d > fmid ? d - fmid : fmid - d);
		if (v > (long)S_K_HEUR * ec && v > best && a1 + S_SNAKE <= i &&
		    i < a2 && b1 + S_SNAKE <= j && j < b2) {
			for (k = 1; A[i - k] == B[j - k]; k++)
				if (k == S_SNAKE) {
					best = v, *sa = i, *sb = j;
					break;
				}
		}
	}
	if (best > 0)
		return 1;
	for (d = bmax; d >= bmin; d -= 2) {
		i = my->bw[d];
		j = i - d;
		v = (long)(a2 - i) + (b2 - j) - (d > bmid ? d - bmid : bmid - d);
		if (v > (long)S_K_HEUR * ec && v > best && a1 < i &&
		    i <= a2 - S_SNAKE && b1 < j && j <= b2 - S_SNAKE) {
			for (k = 0; A[i + k] == B[j + k]; k++)
				if (k == S_SNAKE - 1) {
					best = v, *sa = i, *sb = j;
					break;
				}
		}
	}
	return best > 0;
}

/* Middle snake of A[a1,a2) x B[b1,b2), both non-empty.  Forward paths grow
 * from (a1,b1), backward ones from (a2,b2), one edit per round each, until
 * they overlap on a diagonal; the overlap point splits the problem in two
 * of about half the cost.  Past max_cost rounds, the point that got furthest
 * is taken instead. */
static void S_split(S_myers *my, int a1, int a2, int b1, int b2, int *sa,
		    int *sb)
{
	const int *A = my->A, *B = my->B;
	int *fw = my->fw, *bw = my->bw;
	int dmin = a1 - b2, dmax = a2 - b1;
	int fmid = a1 - b1, bmid = a2 - b2;
	int odd = (fmid - bmid) & 1;
	int fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
	int ec, d, i, j;

	fw[fmid] = a1;
	bw[bmid] = a2;
	for (ec = 1;; ec++) {
		if (fmin > dmin)
			fw[--fmin - 1] = -1;
		else
			++fmin;
		if (fmax < dmax)
			fw[++fmax + 1] = -1;
		else
			--fmax;
		for (d = fmax; d >= fmin; d -= 2) {
			i = fw[d - 1] >= fw[d + 1] ? fw[d - 1] + 1 : fw[d + 1];
			j = i - d;
			while (i < a2 && j < b2 && A[i] == B[j])
				i++, j++;
			fw[d] = i;
			if (odd && bmin <= d && d <= bmax && bw[d] <= i) {
				*sa = i;
				*sb = j;
				return;
			}
		}
		if (bmin > dmin)
			bw[--bmin - 1] = INT_MAX;
		else
			++bmin;
		if (bmax < dmax)
			bw[++bmax + 1] = INT_MAX;
		else
			--bmax;
		for (d = bmax; d >= bmin; d -= 2) {
			i = bw[d - 1] < bw[d + 1] ? bw[d - 1] : bw[d + 1] - 1;
			j = i - d;
			while (i > a1 && j > b1 && A[i - 1] == B[j - 1])
				i--, j--;
			bw[d] = i;
			if (!odd && fmin <= d && d <= fmax && i <= fw[d]) {
				*sa = i;
				*sb = j;
				return;
			}
		}
		if (my->max_cost < INT_MAX && ec > S_HEUR_MIN &&
		    S_snake_split(my, a1, a2, b1, b2, ec, fmin, fmax, bmin,
				  bmax, sa, sb)) {
			*my->degraded |= AD_TEXTDIFF_DEGRADED_COST;
			return;
		}
		if (ec >= my->max_cost) {
			long fbest = -1, fi = a1, bbest = LONG_MAX, bi = a2;

			for (d = fmax; d >= fmin; d -= 2) {
				i = fw[d] < a2 ? fw[d] : a2;
				j = i - d;
				if (j > b2)
					i = b2 + d, j = b2;
				if (fbest < (long)i + j)
					fbest = (long)i + j, fi = i;
			}
			for (d = bmax; d >= bmin; d -= 2) {
				i = bw[d] > a1 ? bw[d] : a1;
				j = i - d;
				if (j < b1)
					i = b1 + d, j = b1;
				if ((long)i + j < bbest)
					bbest = (long)i + j, bi = i;
			}
			*my->degraded |= AD_TEXTDIFF_DEGRADED_COST;
			if ((long)a2 + b2 - bbest < fbest - ((long)a1 + b1)) {
				*sa = (int)fi;
				*sb = (int)(fbest - fi);
			} else {
				*sa = (int)bi;
				*sb = (int)(bbest - bi);
			}
			return;
		}
	}
}

static void S_myers_rec(S_myers *my, int a1, int a2, int b1, int b2)
{
	const int *A = my->A, *B = my->B;
	int sa, sb;

	for (;;) {
		while (a1 < a2 && b1 < b2 && A[a1] == B[b1])
			a1++, b1++;
		while (a1 < a2 && b1 < b2 && A[a2 - 1] == B[b2 - 1])
			a2--, b2--;
		if (a1 == a2 || b1 == b2)
			break;
		S_split(my, a1, a2, b1, b2, &sa, &sb);
		if (sa < a1 || sa > a2 || sb < b1 || sb > b2 ||
		    (sa == a1 && sb == b1) || (sa == a2 && sb == b2))
			break; /* no progress: cannot happen, but stay valid */
		S_myers_rec(my, a1, sa, b1, sb);
		a1 = sa;
		b1 = sb;
	}
	S_mark(my->ca, my->ma, a1, a2);
	S_mark(my->cb, my->mb, b1, b2);
}

/* Myers on A[a1,a2) x B[b1,b2) of the environment.  Units whose class is
 * absent from the other range are changes whatever happens; they are taken
 * out first, which is what keeps real files fast. */
static void S_myers_range(S_env *e, int a1, int a2, int b1, int b2)
{
	int na = a2 - a1, nb = b2 - b1, ka = 0, kb = 0, i;
	int *A, *B, *ma, *mb, *fw;
	S_myers my;

	for (i = a1; i < a2; i++)
		e->cnt[0][e->cls[0][i]]++;
	for (i = b1; i < b2; i++)
		e->cnt[1][e->cls[1][i]]++;
	A = ad_xmalloc(((size_t)na + 1) * sizeof(int));
	ma = ad_xmalloc(((size_t)na + 1) * sizeof(int));
	B = ad_xmalloc(((size_t)nb + 1) * sizeof(int));
	mb = ad_xmalloc(((size_t)nb + 1) * sizeof(int));
	for (i = a1; i < a2; i++) {
		if (e->cnt[1][e->cls[0][i]]) {
			A[ka] = e->cls[0][i];
			ma[ka++] = i;
		} else {
			e->chg[0][i] = 1;
		}
	}
	for (i = b1; i < b2; i++) {
		if (e->cnt[0][e->cls[1][i]]) {
			B[kb] = e->cls[1][i];
			mb[kb++] = i;
		} else {
			e->chg[1][i] = 1;
		}
	}
	for (i = a1; i < a2; i++)
		e->cnt[0][e->cls[0][i]] = 0;
	for (i = b1; i < b2; i++)
		e->cnt[1][e->cls[1][i]] = 0;

	fw = ad_xmalloc(2 * ((size_t)ka + kb + 3) * sizeof(int));
	my.A = A;
	my.B = B;
	my.ma = ma;
	my.mb = mb;
	my.ca = e->chg[0];
	my.cb = e->chg[1];
	my.fw = fw + kb + 1;
	my.bw = fw + (ka + kb + 3) + kb + 1;
	my.max_cost = e->max_cost;
	my.degraded = &e->degraded;
	S_myers_rec(&my, 0, ka, 0, kb);
	free(fw);
	free(A);
	free(B);
	free(ma);
	free(mb);
}

/* ---------------------------------------------------------- histogram */

typedef struct {
	int a1, a2, b1, b2;
} S_range;

enum { S_LCS_FOUND, S_LCS_NONE, S_LCS_FALLBACK };

/* The anchor for A[a1,a2) x B[b1,b2): among common runs, the one whose
 * rarest unit is rarest in A, the longest of those. */
static int S_find_lcs(S_env *e, const S_range *r, S_range *lcs)
{
	const int *A = e->cls[0], *B = e->cls[1];
	int *cnt = e->cnt[0], *head = e->head, *next = e->next;
	int best = S_MAX_CHAIN + 1, found = 0, common = 0, i, b;

	for (i = r->a2 - 1; i >= r->a1; i--) {
		int c = A[i];

		next[i] = cnt[c] ? head[c] : -1;
		head[c] = i;
		cnt[c]++;
	}
	e->budget -= r->a2 - r->a1;
	for (b = r->b1; b < r->b2;) {
		int c = B[b], bnext = b + 1, as0;

		if (!cnt[c]) {
			b = bnext;
			continue;
		}
		common = 1;
		if (cnt[c] > best) {
			b = bnext;
			continue;
		}
		for (as0 = head[c]; as0 >= 0;) {
			int as = as0, bs = b, ae = as0 + 1, be = b + 1;
			int rc = cnt[c];

			while (as > r->a1 && bs > r->b1 && A[as - 1] == B[bs - 1]) {
				as--, bs--;
				if (rc > 1 && cnt[A[as]] < rc)
					rc = cnt[A[as]];
			}
			while (ae < r->a2 && be < r->b2 && A[ae] == B[be]) {
				if (rc > 1 && cnt[A[ae]] < rc)
					rc = cnt[A[ae]];
				ae++, be++;
			}
			e->budget -= ae - as;
			if (bnext < be)
				bnext = be;
			if (!found || lcs->a2 - lcs->a1 < ae - as || rc < best) {
				lcs->a1 = as, lcs->a2 = ae;
				lcs->b1 = bs, lcs->b2 = be;
				best = rc;
				found = 1;
			}
			for (as0 = next[as0]; as0 >= 0 && as0 < ae;)
				as0 = next[as0];
		}
		b = bnext;
	}
	for (i = r->a1; i < r->a2; i++)
		cnt[A[i]] = 0;
	if (found)
		return S_LCS_FOUND;
	return common ? S_LCS_FALLBACK : S_LCS_NONE;
}

static void S_histogram(S_env *e, int a1, int a2, int b1, int b2)
{
	S_range *stack = NULL, r, lcs;
	size_t cap = 0, top = 0;

	ad_xgrow((void **)&stack, &cap, 64, sizeof(*stack));
	stack[top++] = (S_range){ a1, a2, b1, b2 };
	while (top) {
		r = stack[--top];
		while (r.a1 < r.a2 && r.b1 < r.b2 &&
		       e->cls[0][r.a1] == e->cls[1][r.b1])
			r.a1++, r.b1++;
		while (r.a1 < r.a2 && r.b1 < r.b2 &&
		       e->cls[0][r.a2 - 1] == e->cls[1][r.b2 - 1])
			r.a2--, r.b2--;
		if (r.a1 == r.a2 || r.b1 == r.b2) {
			memset(e->chg[0] + r.a1, 1, (size_t)(r.a2 - r.a1));
			memset(e->chg[1] + r.b1, 1, (size_t)(r.b2 - r.b1));
			continue;
		}
		if (e->budget < 0) {
			S_myers_range(e, r.a1, r.a2, r.b1, r.b2);
			continue;
		}
		switch (S_find_lcs(e, &r, &lcs)) {
		case S_LCS_FALLBACK:
			S_myers_range(e, r.a1, r.a2, r.b1, r.b2);
			break;
		case S_LCS_NONE:
			memset(e->chg[0] + r.a1, 1, (size_t)(r.a2 - r.a1));
			memset(e->chg[1] + r.b1, 1, (size_t)(r.b2 - r.b1));
			break;
		default:
			if (top + 2 > cap)
				ad_xgrow((void **)&stack, &cap, top + 2,
					 sizeof(*stack));
			stack[top++] = (S_range){ lcs.a2, r.a2, lcs.b2, r.b2 };
			stack[top++] = (S_range){ r.a1, lcs.a1, r.b1, lcs.b1 };
			break;
		}
	}
	free(stack);
}

/* ------------------------------------------------------------ setup */

static void S_env_init(S_env *e, int mode, const ad_textdiff_options *opts)
{
	memset(e, 0, sizeof(*e));
	e->mode = mode;
	e->flags = opts ? opts->flags : 0;
}

/* Points e at the lines of a and b; la and lb are the caller's to free. */
static int S_lines_env(S_env *e, ad_lines *la, ad_lines *lb, const char *a, size_t alen,
		       const char *b, size_t blen)
{
	int error;

	if ((error = ad_lines_build(la, a, alen)) < 0 ||
	    (error = ad_lines_build(lb, b, blen)) < 0)
		return error;
	e->data[0] = (const unsigned char *)a;
	e->data[1] = (const unsigned char *)b;
	e->off[0] = la->starts;
	e->off[1] = lb->starts;
	e->len[0] = la->count;
	e->len[1] = lb->count;
	return 0;
}

/* Classes, scratch and the match: everything up to compaction. */
static void S_match(S_env *e, const ad_textdiff_options *opts)
{
	int s, a1 = 0, a2 = e->len[0], b1 = 0, b2 = e->len[1];
	long long units = (long long)a2 + b2;
	int cost = 1;

	S_classify(e);
	for (s = 0; s < 2; s++) {
		char *c = ad_xcalloc((size_t)e->len[s] + 2, 1);

		e->chg[s] = c + 1;
		e->cnt[s] = ad_xcalloc((size_t)e->nclass + 1, sizeof(int));
	}
	e->head = ad_xmalloc(((size_t)e->nclass + 1) * sizeof(int));
	e->next = ad_xmalloc(((size_t)e->len[0] + 1) * sizeof(int));

	while ((long long)cost * cost < units)
		cost++;
	e->max_cost = opts && opts->max_cost > 0 ? opts->max_cost
		      : cost < S_MIN_COST ? S_MIN_COST : cost;
	if (e->flags & AD_TEXTDIFF_MINIMAL)
		e->max_cost = INT_MAX;
	e->budget = 32 * units + 1000000;

	while (a1 < a2 && b1 < b2 && e->cls[0][a1] == e->cls[1][b1])
		a1++, b1++;
	while (a1 < a2 && b1 < b2 && e->cls[0][a2 - 1] == e->cls[1][b2 - 1])
		a2--, b2--;
	if (opts && opts->algorithm == AD_TEXTDIFF_MYERS)
		S_myers_range(e, a1, a2, b1, b2);
	else
		S_histogram(e, a1, a2, b1, b2);
}

static void S_env_free(S_env *e)
{
	int s;

	for (s = 0; s < 2; s++) {
		free(e->cls[s]);
		if (e->chg[s])
			free(e->chg[s] - 1);
		free(e->cnt[s]);
	}
	free(e->head);
	free(e->next);
}

/* ------------------------------------------------------- compaction */

typedef struct {
	int start, end;
} S_group;

static void S_group_init(const char *chg, S_group *g)
{
	g->start = g->end = 0;
	while (chg[g->end])
		g->end++;
}

static int S_group_next(const char *chg, int n, S_group *g)
{
	if (g->end == n)
		return -1;
	g->start = g->end + 1;
	for (g->end = g->start; chg[g->end]; g->end++)
		;
	return 0;
}

static int S_group_prev(const char *chg, S_group *g)
{
	if (g->start == 0)
		return -1;
	g->end = g->start - 1;
	for (g->start = g->end; chg[g->start - 1]; g->start--)
		;
	return 0;
}

static int S_slide_down(const int *cls, char *chg, int n, S_group *g)
{
	if (g->end < n && cls[g->start] == cls[g->end]) {
		chg[g->start++] = 0;
		chg[g->end++] = 1;
		while (chg[g->end])
			g->end++;
		return 0;
	}
	return -1;
}

static int S_slide_up(const int *cls, char *chg, S_group *g)
{
	if (g->start > 0 && cls[g->start - 1] == cls[g->end - 1]) {
		chg[--g->start] = 1;
		chg[--g->end] = 0;
		while (chg[g->start - 1])
			g->start--;
		return 0;
	}
	return -1;
}

static int S_line_blank(const S_env *e, int s, int i)
{
	const unsigned char *p;
	size_t len, k;

	S_unit(e, s, i, &p, &len);
	for (k = 0; k < len; k++)
		if (!S_is_blank(p[k]))
			return 0;
	return 1;
}

static int S_line_indent(const S_env *e, int s, int i)
{
	const unsigned char *p;
	size_t len, k;
	int col = 0;

	S_unit(e, s, i, &p, &len);
	for (k = 0; k < len && col < 200; k++) {
		if (p[k] == ' ')
			col++;
		else if (p[k] == '\t')
			col += 8 - col % 8;
		else
			break;
	}
	return col;
}

/* Badness of a change boundary just before line i of side s: a hunk
 * should start and end where a block starts, i.e. after a blank line and
 * not in front of a more indented line. */
static int S_split_score(const S_env *e, int s, int i)
{
	int n = e->len[s], score = 0, pre, post, k;

	if (i == 0 || i == n)
		return 0;
	if (!S_line_blank(e, s, i - 1))
		score += 10;
	if (S_line_blank(e, s, i))
		score += 4;
	for (k = i - 1; k >= 0 && k > i - 20 && S_line_blank(e, s, k); k--)
		;
	pre = k >= 0 && k > i - 20 ? S_line_indent(e, s, k) : -1;
	for (k = i; k < n && k < i + 20 && S_line_blank(e, s, k); k++)
		;
	post = k < n && k < i + 20 ? S_line_indent(e, s, k) : -1;
	if (pre >= 0 && post > pre)
		score += 3;
	else if (post >= 0 && post < pre && !S_line_blank(e, s, i - 1))
		score += 2;
	return score;
}

/* xdl_change_compact for side s against side o. */
static void S_compact_side(S_env *e, int s)
{
	int o = !s, n = e->len[s], no = e->len[o];
	const int *cls = e->cls[s];
	char *chg = e->chg[s], *chgo = e->chg[o];
	S_group g, go;

	S_group_init(chg, &g);
	S_group_init(chgo, &go);
	for (;;) {
		if (g.end != g.start) {
			int size, earliest, other;

			do {
				size = g.end - g.start;
				while (!S_slide_up(cls, chg, &g))
					S_group_prev(chgo, &go);
				earliest = g.end;
				other = go.end > go.start ? g.end : -1;
				while (!S_slide_down(cls, chg, n, &g)) {
					S_group_next(chgo, no, &go);
					if (go.end > go.start)
						other = g.end;
				}
			} while (size != g.end - g.start);

			if (g.end == earliest) {
				/* nowhere to slide */
			} else if (other != -1) {
				while (go.end == go.start) {
					S_slide_up(cls, chg, &g);
					S_group_prev(chgo, &go);
				}
			} else if (e->mode == S_LINES) {
				int shift = earliest, best = -1, best_score = 0;

				if (shift < g.end - S_MAX_SLIDE)
					shift = g.end - S_MAX_SLIDE;
				for (; shift <= g.end; shift++) {
					int sc = S_split_score(e, s, shift - size) +
						 S_split_score(e, s, shift);

					if (best < 0 || sc <= best_score)
						best = shift, best_score = sc;
				}
				while (g.end > best) {
					S_slide_up(cls, chg, &g);
					S_group_prev(chgo, &go);
				}
			}
		}
		if (S_group_next(chg, n, &g))
			break;
		S_group_next(chgo, no, &go);
	}
}

static void S_compact(S_env *e)
{
	if (e->flags & AD_TEXTDIFF_NO_COMPACT)
		return;
	S_compact_side(e, 0);
	S_compact_side(e, 1);
}

/* ------------------------------------------------ semantic cleanup */

typedef struct {
	int a, b, len;
} S_eq;

static size_t S_bytes(const S_env *e, int s, int from, int to)
{
	return e->off[s][to] - e->off[s][from];
}

/* diff-match-patch's cleanupSemantic on the change marks: an equality no
 * longer than the changes on both sides of it becomes part of the change.
 * Equalities are kept on a stack; removing one makes the one below it a
 * candidate again, so the whole pass is linear. */
static void S_semantic_cleanup(S_env *e)
{
	S_eq *eq;
	int *st, neq = 0, top = 0, i = 0, j = 0, k;
	int n = e->len[0], m = e->len[1];

	eq = ad_xmalloc(((size_t)(n < m ? n : m) + 2) * sizeof(*eq));
	while (i < n || j < m) {
		if (i < n && j < m && !e->chg[0][i] && !e->chg[1][j]) {
			eq[neq].a = i, eq[neq].b = j;
			while (i < n && j < m && !e->chg[0][i] && !e->chg[1][j])
				i++, j++;
			eq[neq].len = i - eq[neq].a;
			neq++;
			continue;
		}
		while (i < n && e->chg[0][i])
			i++;
		while (j < m && e->chg[1][j])
			j++;
	}
	eq[neq] = (S_eq){ n, m, 0 }; /* sentinel at the end */
	st = ad_xmalloc(((size_t)neq + 1) * sizeof(*st));
	for (k = 0; k <= neq; k++) {
		st[top++] = k;
		while (top >= 2) {
			const S_eq *c = &eq[st[top - 2]], *nx = &eq[st[top - 1]];
			const S_eq *pv = top >= 3 ? &eq[st[top - 3]] : NULL;
			int pa = pv ? pv->a + pv->len : 0;
			int pb = pv ? pv->b + pv->len : 0;
			size_t del1 = S_bytes(e, 0, pa, c->a);
			size_t ins1 = S_bytes(e, 1, pb, c->b);
			size_t del2 = S_bytes(e, 0, c->a + c->len, nx->a);
			size_t ins2 = S_bytes(e, 1, c->b + c->len, nx->b);
			size_t len = S_bytes(e, 0, c->a, c->a + c->len);

			if (len > (del1 > ins1 ? del1 : ins1) ||
			    len > (del2 > ins2 ? del2 : ins2))
				break;
			memset(e->chg[0] + c->a, 1, (size_t)c->len);
			memset(e->chg[1] + c->b, 1, (size_t)c->len);
			st[top - 2] = st[top - 1];
			top--;
		}
	}
	free(st);
	free(eq);
}

/* ----------------------------------------------------- edit script */

static void S_put(ad_textdiff *d, const S_env *e, ad_textdiff_op_t kind,
		  int a, int na, int b, int nb)
{
	ad_textdiff_op *op = &d->ops[d->count++];

	op->kind = kind;
	op->a_start = a, op->a_count = na;
	op->b_start = b, op->b_count = nb;
	if (e->off[0]) {
		op->a_off = e->off[0][a];
		op->a_len = S_bytes(e, 0, a, a + na);
		op->b_off = e->off[1][b];
		op->b_len = S_bytes(e, 1, b, b + nb);
	} else {
		op->a_off = op->a_len = op->b_off = op->b_len = 0;
	}
}

/* Walks the marks; with d->ops NULL only counts the runs. */
static size_t S_walk(ad_textdiff *d, const S_env *e)
{
	int n = e->len[0], m = e->len[1], i = 0, j = 0, k;
	const char *ca = e->chg[0], *cb = e->chg[1];
	size_t runs = 0;

	while (i < n || j < m) {
		if (i < n && j < m && !ca[i] && !cb[j]) {
			for (k = 0; i + k < n && j + k < m && !ca[i + k] &&
				    !cb[j + k]; k++)
				;
			if (d->ops)
				S_put(d, e, AD_TEXTDIFF_EQUAL, i, k, j, k);
			i += k, j += k, runs++;
			continue;
		}
		if (i < n && (ca[i] || j == m)) {
			for (k = 0; i + k < n && (ca[i + k] || j == m); k++)
				;
			if (d->ops)
				S_put(d, e, AD_TEXTDIFF_DELETE, i, k, j, 0);
			d->deleted += d->ops ? k : 0;
			i += k, runs++;
		}
		if (j < m && (cb[j] || i == n)) {
			for (k = 0; j + k < m && (cb[j + k] || i == n); k++)
				;
			if (d->ops)
				S_put(d, e, AD_TEXTDIFF_INSERT, i, 0, j, k);
			d->inserted += d->ops ? k : 0;
			j += k, runs++;
		}
	}
	return runs;
}

static int S_all_space(const S_env *e, int s, int from, int to)
{
	for (; from < to; from++)
		if (e->kind[s][from] != TK_SPACE && e->kind[s][from] != TK_BREAK)
			return 0;
	return 1;
}

/* REFLOW: a change of whitespace alone joins its neighbouring EQUAL runs. */
static void S_reflow_merge(ad_textdiff *d, const S_env *e)
{
	size_t r = 0, w = 0, k;

	while (r < d->count) {
		size_t end = r;
		int quiet = 1;

		if (d->ops[r].kind == AD_TEXTDIFF_EQUAL) {
			d->ops[w++] = d->ops[r++];
			continue;
		}
		while (end < d->count && d->ops[end].kind != AD_TEXTDIFF_EQUAL)
			end++;
		for (k = r; k < end; k++) {
			const ad_textdiff_op *op = &d->ops[k];

			if (!S_all_space(e, 0, op->a_start,
					 op->a_start + op->a_count) ||
			    !S_all_space(e, 1, op->b_start,
					 op->b_start + op->b_count))
				quiet = 0;
		}
		if (!quiet) {
			while (r < end)
				d->ops[w++] = d->ops[r++];
			continue;
		}
		for (; r < end; r++) {
			d->deleted -= d->ops[r].a_count;
			d->inserted -= d->ops[r].b_count;
			d->ops[r].kind = AD_TEXTDIFF_EQUAL;
			d->ops[w++] = d->ops[r];
		}
	}
	d->count = w;
	/* join neighbouring EQUAL runs */
	for (r = 0, w = 0; r < d->count; r++) {
		ad_textdiff_op *prev = w ? &d->ops[w - 1] : NULL;

		if (prev && prev->kind == AD_TEXTDIFF_EQUAL &&
		    d->ops[r].kind == AD_TEXTDIFF_EQUAL) {
			prev->a_count += d->ops[r].a_count;
			prev->b_count += d->ops[r].b_count;
			prev->a_len += d->ops[r].a_len;
			prev->b_len += d->ops[r].b_len;
		} else {
			d->ops[w++] = d->ops[r];
		}
	}
	d->count = w;
}

static ad_textdiff *S_build(const S_env *e, ad_textdiff_unit_t unit)
{
	ad_textdiff *d = ad_xcalloc(1, sizeof(*d));
	size_t runs;

	d->unit = unit;
	d->a_units = e->len[0];
	d->b_units = e->len[1];
	d->degraded = e->degraded;
	runs = S_walk(d, e);
	d->ops = ad_xmalloc((runs ? runs : 1) * sizeof(*d->ops));
	S_walk(d, e);
	if (unit == AD_TEXTDIFF_WORDS && (e->flags & AD_TEXTDIFF_REFLOW))
		S_reflow_merge(d, e);
	return d;
}

void ad_textdiff_free(ad_textdiff *diff)
{
	if (!diff)
		return;
	free(diff->ops);
	free(diff);
}

/* ------------------------------------------------------------ lines */

int ad_textdiff_lines(ad_textdiff **out, const char *a, size_t alen,
		      const char *b, size_t blen,
		      const ad_textdiff_options *opts)
{
	ad_lines la = AD_LINES_INIT, lb = AD_LINES_INIT;
	S_env e;
	int error;

	*out = NULL;
	S_env_init(&e, S_LINES, opts);
	if ((error = S_lines_env(&e, &la, &lb, a, alen, b, blen)) < 0)
		goto done;
	S_match(&e, opts);
	S_compact(&e);
	*out = S_build(&e, AD_TEXTDIFF_LINES);
done:
	S_env_free(&e);
	ad_lines_free(&la);
	ad_lines_free(&lb);
	return error;
}

int ad_textdiff_keys(ad_textdiff **out, const uint64_t *a, int na,
		     const uint64_t *b, int nb,
		     const ad_textdiff_options *opts)
{
	S_env e;

	*out = NULL;
	if (na < 0 || nb < 0)
		return AD_EINVALID;
	S_env_init(&e, S_KEYS, opts);
	e.keys[0] = a;
	e.keys[1] = b;
	e.len[0] = na;
	e.len[1] = nb;
	S_match(&e, opts);
	S_compact(&e);
	*out = S_build(&e, AD_TEXTDIFF_KEYS);
	S_env_free(&e);
	return 0;
}

/* ------------------------------------------------------------ words */

/* Classes of the ASCII characters: blanks, then 0-9 A-Z _ a-z; bytes from
 * 0x80 are S_CC_UTF8, to be decoded. */
#define S_CC_UTF8 255
#define S_ASCII_CLASS(c)                                                    \
	((c) >= 0x80 ? S_CC_UTF8                                            \
	 : (c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r' ||        \
	   (c) == '\f' || (c) == '\v' ? CC_SPACE                             \
	 : ((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'z') ||      \
	   ((c) >= 'A' && (c) <= 'Z') || (c) == '_' ? CC_WORD : CC_PUNCT)
#define S_CC4(n) S_ASCII_CLASS(n), S_ASCII_CLASS((n) + 1), \
	S_ASCII_CLASS((n) + 2), S_ASCII_CLASS((n) + 3)
#define S_CC16(n) S_CC4(n), S_CC4((n) + 4), S_CC4((n) + 8), S_CC4((n) + 12)
#define S_CC64(n) S_CC16(n), S_CC16((n) + 16), S_CC16((n) + 32), S_CC16((n) + 48)

/* A table, since tokenising is most of the cost of comparing prose. */
static const unsigned char S_cc[256] = {
	S_CC64(0), S_CC64(64), S_CC64(128), S_CC64(192)
};

static int S_char_class(const unsigned char *p, size_t left, size_t *w)
{
	unsigned c = p[0];
	unsigned cp = 0;

	*w = 1;
	if (c < 0x80)
		return S_cc[c];
	if (!(*w = ad_utf8_decode((const char *)p, left, &cp))) {
		*w = 1;
		return CC_PUNCT; /* an invalid byte stands alone */
	}
	if (cp == 0xa0 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
	    cp == 0x205f || cp == 0x3000)
		return CC_SPACE;
	if ((cp >= 0xa1 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7 ||
	    (cp >= 0x2010 && cp <= 0x2bff) || (cp >= 0x3001 && cp <= 0x303f) ||
	    (cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20))
		return CC_PUNCT;
	if ((cp >= 0x2e80 && cp <= 0x2fdf) || (cp >= 0x3040 && cp <= 0x31ff) ||
	    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
	    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff))
		return CC_CJK;
	return CC_WORD;
}

/* End of the token that starts at i; its kind in *kind.  ASCII goes by
 * the table; only bytes from 0x80 are decoded. */
static size_t S_token(const unsigned char *p, size_t len, size_t i,
		      unsigned char *kind)
{
	size_t w, j;
	int cc = S_cc[p[i]], lines = 0;

	if (cc == S_CC_UTF8)
		cc = S_char_class(p + i, len - i, &w);
	else
		w = 1;
	switch (cc) {
	case CC_SPACE:
		for (j = i; j < len; j += w) {
			int k = S_cc[p[j]];

			w = 1;
			if (k == S_CC_UTF8)
				k = S_char_class(p + j, len - j, &w);
			if (k != CC_SPACE)
				break;
			if (p[j] == '\n' || (p[j] == '\r' &&
					     (j + 1 == len || p[j + 1] != '\n')))
				lines++;
		}
		*kind = lines >= 2 ? TK_BREAK : TK_SPACE;
		return j;
	case CC_WORD:
		for (j = i + w; j < len; j += w) {
			int k = S_cc[p[j]];

			w = 1;
			if (k == CC_WORD)
				continue;
			if (k != S_CC_UTF8 ||
			    S_char_class(p + j, len - j, &w) != CC_WORD)
				break;
		}
		*kind = TK_WORD;
		return j;
	case CC_CJK:
		*kind = TK_WORD;
		return i + w;
	default:
		*kind = TK_PUNCT;
		return i + w;
	}
}

/* Token starts (count + 1) and kinds; one array each. */
static int S_tokenize(size_t **off, unsigned char **kind, int *count,
		      const unsigned char *p, size_t len)
{
	size_t cap = 0, n = 0, i = 0;
	unsigned char k;

	*off = NULL;
	*kind = NULL;
	size_t kcap = 0;

	ad_xgrow((void **)off, &cap, len / 3 + 2, sizeof(**off));
	ad_xgrow((void **)kind, &kcap, cap, 1);
	while (i < len) {
		if (n + 2 > cap) {
			ad_xgrow((void **)off, &cap, n + 2, sizeof(**off));
			ad_xgrow((void **)kind, &kcap, cap, 1);
		}
		if (n >= INT_MAX - 1)
			return AD_ETOOBIG;
		(*off)[n] = i;
		i = S_token(p, len, i, &k);
		(*kind)[n++] = k;
	}
	(*off)[n] = len;
	*count = (int)n;
	return 0;
}

static int S_words_env(S_env *e, size_t **off, unsigned char **kind,
		       const char *a, size_t alen, const char *b, size_t blen,
		       const ad_textdiff_options *opts)
{
	int s, error = 0, limit;

	e->data[0] = (const unsigned char *)a;
	e->data[1] = (const unsigned char *)b;
	for (s = 0; s < 2; s++) {
		error = S_tokenize(&off[s], &kind[s], &e->len[s], e->data[s],
				   s ? blen : alen);
		if (error < 0)
			return error;
		e->off[s] = off[s];
		e->kind[s] = kind[s];
	}
	limit = opts && opts->max_tokens > 0 ? opts->max_tokens
					     : AD_TEXTDIFF_MAX_TOKENS;
	if (e->len[0] > limit || e->len[1] > limit) {
		/* Classes are still needed to trim; they are linear. */
		int a1 = 0, a2 = e->len[0], b1 = 0, b2 = e->len[1];

		for (s = 0; s < 2; s++)
			e->chg[s] = (char *)ad_xcalloc((size_t)e->len[s] + 2, 1) + 1;
		while (a1 < a2 && b1 < b2 && S_unit_eq(e, 0, a1, 1, b1))
			a1++, b1++;
		while (a1 < a2 && b1 < b2 && S_unit_eq(e, 0, a2 - 1, 1, b2 - 1))
			a2--, b2--;
		memset(e->chg[0] + a1, 1, (size_t)(a2 - a1));
		memset(e->chg[1] + b1, 1, (size_t)(b2 - b1));
		e->degraded |= AD_TEXTDIFF_DEGRADED_SIZE;
		return 1;
	}
	S_match(e, opts);
	return 0;
}

int ad_textdiff_words(ad_textdiff **out, const char *a, size_t alen,
		      const char *b, size_t blen,
		      const ad_textdiff_options *opts)
{
	size_t *off[2] = { NULL, NULL };
	unsigned char *kind[2] = { NULL, NULL };
	S_env e;
	int error;

	*out = NULL;
	S_env_init(&e, S_TOKENS, opts);
	if ((error = S_words_env(&e, off, kind, a, alen, b, blen, opts)) < 0)
		goto done;
	if (error == 0) {
		S_compact(&e);
		if (!(e.flags & AD_TEXTDIFF_NO_SEMANTIC_CLEANUP))
			S_semantic_cleanup(&e);
	}
	error = 0;
	*out = S_build(&e, AD_TEXTDIFF_WORDS);
done:
	S_env_free(&e);
	free(off[0]);
	free(off[1]);
	free(kind[0]);
	free(kind[1]);
	return error;
}

/* -------------------------------------------------------- similarity */

double ad_textdiff_similarity(const char *a, size_t alen,
			      const char *b, size_t blen,
			      ad_textdiff_unit_t unit,
			      const ad_textdiff_options *opts)
{
	size_t *off[2] = { NULL, NULL };
	unsigned char *kind[2] = { NULL, NULL };
	ad_lines la = AD_LINES_INIT, lb = AD_LINES_INIT;
	long matched = 0, total = 0;
	double result = 0.0;
	S_env e;
	int s, i;

	if (unit == AD_TEXTDIFF_KEYS)
		return 0.0;
	S_env_init(&e, unit == AD_TEXTDIFF_LINES ? S_LINES : S_TOKENS, opts);
	if (unit == AD_TEXTDIFF_LINES) {
		if (S_lines_env(&e, &la, &lb, a, alen, b, blen) < 0)
			goto done;
		S_match(&e, opts);
	} else if (S_words_env(&e, off, kind, a, alen, b, blen, opts) < 0) {
		goto done;
	}
	for (s = 0; s < 2; s++) {
		for (i = 0; i < e.len[s]; i++) {
			int content = unit == AD_TEXTDIFF_LINES
				      ? !S_line_blank(&e, s, i)
				      : e.kind[s][i] >= TK_WORD;

			total += content;
			matched += content && !e.chg[s][i];
		}
	}
	result = total ? (double)matched / (double)total : 1.0;
done:
	S_env_free(&e);
	ad_lines_free(&la);
	ad_lines_free(&lb);
	free(off[0]);
	free(off[1]);
	free(kind[0]);
	free(kind[1]);
	return result;
}

void ad_textdiff_sketch_build(ad_textdiff_sketch *out, const char *text,
			      size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, end;
	unsigned char kind;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		end = S_token(p, len, i, &kind);
		if (kind >= TK_WORD) {
			uint32_t *c = &out->bucket[S_hash(p + i, end - i) %
						    AD_TEXTDIFF_SKETCH_BUCKETS];

			if (*c < UINT32_MAX)
				(*c)++;
			out->total++;
		}
		i = end;
	}
}

double ad_textdiff_sketch_similarity(const ad_textdiff_sketch *a,
				     const ad_textdiff_sketch *b)
{
	uint64_t common = 0;
	int k;

	if (!a->total && !b->total)
		return 1.0;
	for (k = 0; k < AD_TEXTDIFF_SKETCH_BUCKETS; k++)
		common += a->bucket[k] < b->bucket[k] ? a->bucket[k]
						      : b->bucket[k];
	return 2.0 * (double)common / ((double)a->total + (double)b->total);
}

size_t ad_textdiff_word_keys(uint64_t **keys, size_t *n, size_t *cap,
			     const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, st, first = *n;
	unsigned char kind;

	/* A token per three bytes is generous for prose; grow when not. */
	ad_xgrow((void **)keys, cap, *n + len / 3 + 1, sizeof(**keys));
	while (i < len) {
		int k = S_cc[p[i]];

		/* S_token's tokens, with the ASCII cases inline: this loop is
		 * most of what aligning costs. */
		st = i;
		if (k == CC_SPACE) {
			i++;
			continue;
		} else if (k == CC_PUNCT) {
			i++;
		} else if (k == CC_WORD) {
			while (++i < len && S_cc[p[i]] == CC_WORD)
				;
			if (i < len && S_cc[p[i]] == S_CC_UTF8)
				i = S_token(p, len, st, &kind); /* "café" */
		} else {
			i = S_token(p, len, st, &kind);
			if (kind < TK_WORD)
				continue;
		}
		if (*n == *cap)
			ad_xgrow((void **)keys, cap, *n + 1, sizeof(**keys));
		(*keys)[(*n)++] = S_hash(p + st, i - st);
	}
	return *n - first;
}

void ad_textdiff_sketch_keys(ad_textdiff_sketch *out, const uint64_t *keys,
			     size_t n)
{
	size_t k;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < n; k++) {
		uint32_t *c = &out->bucket[keys[k] % AD_TEXTDIFF_SKETCH_BUCKETS];

		if (*c < UINT32_MAX)
			(*c)++;
	}
	out->total = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

double ad_textdiff_keys_similarity(const uint64_t *a, int na,
				   const uint64_t *b, int nb,
				   const ad_textdiff_options *opts)
{
	long matched = 0;
	S_env e;
	int s, i;

	if (na <= 0 && nb <= 0)
		return 1.0;
	if (na <= 0 || nb <= 0)
		return 0.0;
	S_env_init(&e, S_KEYS, opts);
	e.keys[0] = a;
	e.keys[1] = b;
	e.len[0] = na;
	e.len[1] = nb;
	S_match(&e, opts);
	for (s = 0; s < 2; s++)
		for (i = 0; i < e.len[s]; i++)
			matched += !e.chg[s][i];
	S_env_free(&e);
	return (double)matched / ((double)na + (double)nb);
}

/* ------------------------------------------------------- same words */

/* A text as the same-words test sees it: every run of white space one
 * ' ' (or '\n' when it holds two line breaks or more, a paragraph break),
 * none at either end, every other byte as is. */
typedef struct {
	const unsigned char *p;
	size_t len, i;
} S_sw;

/* The next byte of the normalised text, -1 at its end. */
static int S_sw_next(S_sw *t)
{
	size_t w, j;
	int k, lines = 0;

	if (t->i >= t->len)
		return -1;
	k = S_cc[t->p[t->i]];
	if (k == S_CC_UTF8)
		k = S_char_class(t->p + t->i, t->len - t->i, &w);
	if (k != CC_SPACE)
		return t->p[t->i++];
	for (j = t->i; j < t->len; j += w) {
		k = S_cc[t->p[j]];
		w = 1;
		if (k == S_CC_UTF8)
			k = S_char_class(t->p + j, t->len - j, &w);
		if (k != CC_SPACE)
			break;
		if (t->p[j] == '\n' || (t->p[j] == '\r' &&
					(j + 1 == t->len || t->p[j + 1] != '\n')))
			lines++;
	}
	t->i = j;
	if (j >= t->len)
		return -1; /* trailing white space */
	return lines >= 2 ? '\n' : ' ';
}

/* Leading white space is dropped. */
static void S_sw_skip_lead(S_sw *t)
{
	unsigned char kind;
	size_t end;

	if (t->len && (end = S_token(t->p, t->len, 0, &kind)) && kind <= TK_BREAK)
		t->i = end;
}

int ad_textdiff_same_words(const char *a, size_t alen,
			   const char *b, size_t blen)
{
	S_sw x = { (const unsigned char *)a, alen, 0 };
	S_sw y = { (const unsigned char *)b, blen, 0 };
	int c;

	if (alen == blen && (!alen || memcmp(a, b, alen) == 0))
		return 1;
	S_sw_skip_lead(&x);
	S_sw_skip_lead(&y);
	do {
		/* Equal bytes that are neither white space nor UTF-8 go as
		 * they are; the rest through S_sw_next. */
		while (x.i < x.len && y.i < y.len && x.p[x.i] == y.p[y.i] &&
		       S_cc[x.p[x.i]] >= CC_WORD && S_cc[x.p[x.i]] != S_CC_UTF8)
			x.i++, y.i++;
		c = S_sw_next(&x);
		if (c != S_sw_next(&y))
			return 0;
	} while (c >= 0);
	return 1;
}
