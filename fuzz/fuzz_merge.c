/*
 * fuzz_merge: the 3-way merge (diff/merge.h) on any bytes.
 *
 * The input is cut at the first two "\f\f" into base, ours and theirs
 * (with one separator: base and ours, theirs = base; with none: all three
 * the same).  Options (marker size, style, labels holding control
 * characters) come from a hash of the input.  Checked on every input:
 *
 *   - merge(B, O, T), structured and as plain lines: a result whose items
 *     lie inside the output in order, whose conflicts add up, and, when no
 *     input holds an ESC byte, no ESC byte (labels are made safe);
 *   - the identities merge.h promises, through ad_merge3, ad_merge3_buffers
 *     and ad_merge3_text: merge(B, X, X) == X, merge(B, B, X) == X and
 *     merge(B, X, B) == X, byte for byte and without conflicts, for X = O
 *     and X = T;
 *   - a merge is a function of its inputs: run twice, the same bytes.
 *
 * A broken promise aborts, so that libFuzzer keeps the input.
 * AD_FUZZ_IGNORE=merge-items (see invariants.h) turns off the check of the
 * items' spans.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "invariants.h"
#include "merge.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	const char *p;
	size_t len;
} text;

enum { STRUCTURED, BUFFERS, PLAIN };

static void die(const char *what)
{
	fprintf(stderr, "fuzz_merge: %s\n", what);
	abort();
}

static const char *find_sep(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (s[i] == '\f' && s[i + 1] == '\f')
			return s + i;
	return NULL;
}

static bool has_byte(const text *t, char c)
{
	return t->len && memchr(t->p, c, t->len) != NULL;
}

/* Advances *line (the 1-based line of byte *pos of s) to byte off, with
 * lines ending at "\n", "\r\n" or a lone "\r". */
static void advance_line(const char *s, size_t size, size_t *pos, int *line, size_t off)
{
	for (; *pos < off; (*pos)++)
		if (s[*pos] == '\n' || (s[*pos] == '\r' && (*pos + 1 >= size || s[*pos + 1] != '\n')))
			(*line)++;
}

static ad_merge_result *merge(int how, const text *b, const text *o, const text *t,
			      const ad_merge_options *opts)
{
	ad_merge_result *res = NULL;
	ad_error err = AD_ERROR_INIT;
	int rc;

	if (how == STRUCTURED) {
		ad_doc *d[3] = { NULL, NULL, NULL };
		const text *in[3] = { b, o, t };
		int k;

		for (k = 0; k < 3; k++)
			if (ad_doc_parse(&d[k], NULL, in[k]->p, in[k]->len, NULL, NULL) < 0)
				die("ad_doc_parse failed");
		rc = ad_merge3(&res, d[0], d[1], d[2], opts, &err);
		/* The result is a copy: the documents may go first. */
		for (k = 0; k < 3; k++)
			ad_doc_free(d[k]);
	} else if (how == BUFFERS) {
		rc = ad_merge3_buffers(&res, b->p, b->len, o->p, o->len, t->p, t->len, opts, &err);
	} else {
		rc = ad_merge3_text(&res, b->p, b->len, o->p, o->len, t->p, t->len, opts, &err);
	}
	if (rc < 0 || !res) {
		fprintf(stderr, "merge %d failed: %d %s\n", how, rc,
			err.message ? err.message : "");
		die("a merge failed");
	}
	ad_error_clear(&err);
	return res;
}

static void check_result(const ad_merge_result *res, const text *b, const text *o,
			 const text *t)
{
	const char *out = ad_merge_result_data(res);
	size_t size = ad_merge_result_size(res), n = ad_merge_result_item_count(res);
	size_t i, conflicts = 0, last = 0, pos = 0;
	int line = 1;

	if (!out || out[size] != '\0')
		die("the merged bytes are not NUL-terminated");
	for (i = 0; i < n; i++) {
		const ad_merge_item *it = ad_merge_result_item(res, i);

		if (!it || !it->name)
			die("a missing item or item name");
		if ((it->start > it->end || it->end > size || it->start < last) &&
		    !ad_inv_ignored("merge-items")) {
			fprintf(stderr, "item %zu: [%zu, %zu), previous ends at %zu, size %zu\n", i,
				it->start, it->end, last, size);
			die("an item outside the output or out of order");
		}
		advance_line(out, size, &pos, &line, it->start);
		if (it->start < it->end && it->line != line) {
			fprintf(stderr, "item %zu at %zu: line %d, expected %d\n", i, it->start,
				it->line, line);
			die("an item's line is wrong");
		}
		if (it->conflicts && !ad_merge_action_is_conflict(it->action))
			die("conflicts in an item whose action is not a conflict");
		last = it->end;
		conflicts += it->conflicts;
	}
	if (conflicts != ad_merge_result_conflicts(res)) {
		fprintf(stderr, "items hold %zu conflicts, the result %zu\n", conflicts,
			ad_merge_result_conflicts(res));
		die("item conflicts do not add up");
	}
	if (!has_byte(b, '\033') && !has_byte(o, '\033') && !has_byte(t, '\033') &&
	    memchr(out, '\033', size))
		die("an ESC byte in the output that no input holds (from a label?)");
}

static void expect(int how, const text *b, const text *o, const text *t, const text *want,
		   const ad_merge_options *opts, const char *what)
{
	ad_merge_result *res = merge(how, b, o, t, opts);

	check_result(res, b, o, t);
	if (ad_merge_result_size(res) != want->len ||
	    memcmp(ad_merge_result_data(res), want->p, want->len) != 0 ||
	    ad_merge_result_conflicts(res) != 0) {
		fprintf(stderr, "%s (merge %d): %zu bytes with %zu conflicts, expected %zu bytes\n",
			what, how, ad_merge_result_size(res), ad_merge_result_conflicts(res),
			want->len);
		die("a merge identity does not hold");
	}
	ad_merge_result_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const labels[] = {
		NULL, "ours", "a\nb", "\033[31mred\033[0m", "x\r\033]0;t\007", ""
	};
	const char *in = (const char *)data, *sep;
	text b, o, t;
	ad_merge_options opts = AD_MERGE_OPTIONS_INIT;
	ad_merge_result *r1, *r2;
	uint64_t h = 1469598103934665603ull;
	size_t i;
	int how;

	b.p = in;
	b.len = size;
	o = t = b;
	if ((sep = find_sep(in, size)) != NULL) {
		b.len = (size_t)(sep - in);
		o.p = sep + 2;
		o.len = size - b.len - 2;
		t = b;
		if ((sep = find_sep(o.p, o.len)) != NULL) {
			t.p = sep + 2;
			t.len = o.len - (size_t)(sep - o.p) - 2;
			o.len = (size_t)(sep - o.p);
		}
	}
	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 1099511628211ull;
	opts.marker_size = h % 5 == 0 ? (int)((h >> 3) % 12) + 1 : 0;
	opts.style = (h >> 7) % 2 ? AD_MERGE_STYLE_MERGE : AD_MERGE_STYLE_DIFF3;
	opts.label_ours = labels[(h >> 9) % 6];
	opts.label_theirs = labels[(h >> 12) % 6];
	opts.label_base = labels[(h >> 15) % 6];
	opts.max_structured = (h >> 18) % 8 == 0 ? 64 : 0;

	/* The merge itself: well formed, and the same twice. */
	how = (h >> 21) % 2 ? BUFFERS : STRUCTURED;
	r1 = merge(how, &b, &o, &t, &opts);
	check_result(r1, &b, &o, &t);
	r2 = merge(how, &b, &o, &t, &opts);
	if (ad_merge_result_size(r1) != ad_merge_result_size(r2) ||
	    memcmp(ad_merge_result_data(r1), ad_merge_result_data(r2),
		   ad_merge_result_size(r1)) != 0 ||
	    ad_merge_result_conflicts(r1) != ad_merge_result_conflicts(r2))
		die("the same merge twice gives different results");
	ad_merge_result_free(r1);
	ad_merge_result_free(r2);
	r1 = merge(PLAIN, &b, &o, &t, &opts);
	check_result(r1, &b, &o, &t);
	ad_merge_result_free(r1);

	/* The identities, for X = ours and X = theirs. */
	for (how = STRUCTURED; how <= PLAIN; how++) {
		expect(how, &b, &o, &o, &o, &opts, "merge(B, O, O) == O");
		expect(how, &b, &b, &o, &o, &opts, "merge(B, B, O) == O");
		expect(how, &b, &o, &b, &o, &opts, "merge(B, O, B) == O");
		if (how != STRUCTURED)
			continue;
		expect(how, &b, &t, &t, &t, &opts, "merge(B, T, T) == T");
		expect(how, &b, &b, &t, &t, &opts, "merge(B, B, T) == T");
		expect(how, &o, &t, &o, &t, &opts, "merge(O, T, O) == T");
	}
	return 0;
}
