/*
 * fuzz_diff: the structural diff on any bytes: section alignment
 * (diff/align.h), the frontmatter comparison (diff/fmdiff.h) and the line
 * and word diffs (diff/textdiff.h).
 *
 * The input is cut at each "\f\f" (two form feeds) into 2 to 4 variants
 * (further separators stay in the last one).  An input without a separator
 * is compared with itself, and then nothing may differ.  Alignment runs
 * with the default options and with a tiny section limit (the exact-only
 * path); the aligned sections are word-diffed cell by cell against their
 * row's reference, and the whole variants line-diffed against the first,
 * with flags and algorithm picked from a hash of the input.  Every result
 * must keep the promises of its header (fuzz/invariants.c); a broken one
 * aborts.
 *
 * AD_FUZZ_IGNORE=align-identical (see invariants.h) turns off the check
 * that identical variants align row for row.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "doc.h"
#include "fmdiff.h"
#include "invariants.h"
#include "textdiff.h"
#include "util.h"

#define MAX_DOCS 4
#define SEPARATOR "\f\f"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, ad_buf *why)
{
	fprintf(stderr, "fuzz_diff: %s\n%s", what, why ? ad_buf_cstr(why) : "");
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

static void check_textdiff(const char *a, size_t alen, const char *b, size_t blen,
			   bool words, const ad_textdiff_options *opts)
{
	ad_textdiff *diff = NULL;
	ad_buf why = AD_BUF_INIT;
	int rc;

	rc = words ? ad_textdiff_words(&diff, a, alen, b, blen, opts)
		   : ad_textdiff_lines(&diff, a, alen, b, blen, opts);
	if (rc < 0 || !diff)
		die("a text diff failed", NULL);
	if (ad_inv_textdiff(&why, diff, a, alen, b, blen, opts ? opts->flags : 0) > 0)
		die(words ? "a word diff invariant is broken" : "a line diff invariant is broken",
		    &why);
	ad_textdiff_free(diff);
	ad_buf_free(&why);
}

static void check_similarity(const char *a, size_t alen, const char *b, size_t blen)
{
	ad_textdiff_sketch sa, sb;
	double sim = ad_textdiff_similarity(a, alen, b, blen, AD_TEXTDIFF_WORDS, NULL);
	double est;

	ad_textdiff_sketch_build(&sa, a, alen);
	ad_textdiff_sketch_build(&sb, b, blen);
	est = ad_textdiff_sketch_similarity(&sa, &sb);
	if (!(sim >= 0.0 && sim <= 1.0) || !(est >= 0.0 && est <= 1.0))
		die("a similarity outside [0, 1]", NULL);
	if (est + 1e-9 < sim) {
		fprintf(stderr, "similarity %g, sketch %g\n", sim, est);
		die("the sketch similarity is below the exact one", NULL);
	}
	if (!ad_textdiff_same_words(a, alen, a, alen))
		die("a text does not have the same words as itself", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *docdata[MAX_DOCS];
	size_t doclen[MAX_DOCS], ndocs = 0, d, r;
	ad_doc *docs[MAX_DOCS] = { 0 };
	const ad_doc *cdocs[MAX_DOCS];
	ad_align *align = NULL;
	ad_fmdiff *fd = NULL;
	ad_align_options tiny = AD_ALIGN_OPTIONS_INIT;
	ad_textdiff_options topts = AD_TEXTDIFF_OPTIONS_INIT;
	ad_buf why = AD_BUF_INIT;
	uint64_t h = 1469598103934665603ull;
	const char *p = in, *sep;
	size_t left = size;
	bool same, same_rows;

	while (ndocs < MAX_DOCS - 1 && (sep = find_sep(p, left)) != NULL) {
		docdata[ndocs] = p;
		doclen[ndocs++] = (size_t)(sep - p);
		left -= (size_t)(sep - p) + 2;
		p = sep + 2;
	}
	docdata[ndocs] = p;
	doclen[ndocs++] = left;
	same = ndocs == 1;
	same_rows = same && !ad_inv_ignored("align-identical");
	if (same) {
		docdata[1] = docdata[0];
		doclen[1] = doclen[0];
		ndocs = 2;
	}
	for (d = 0; d < ndocs; d++) {
		if (ad_doc_parse(&docs[d], NULL, docdata[d], doclen[d], NULL, NULL) < 0)
			die("ad_doc_parse failed", NULL);
		cdocs[d] = docs[d];
	}
	for (r = 0; r < size; r++)
		h = (h ^ data[r]) * 1099511628211ull;

	/* Alignment, with the defaults and on the exact-only path. */
	if (ad_align_docs(&align, cdocs, ndocs, NULL) < 0 || !align)
		die("ad_align_docs failed", NULL);
	if (ad_inv_align(&why, align, cdocs, ndocs, same_rows) > 0)
		die("an alignment invariant is broken", &why);
	tiny.max_sections = 3;
	{
		ad_align *small = NULL;

		if (ad_align_docs(&small, cdocs, ndocs, &tiny) < 0 || !small)
			die("ad_align_docs failed with a tiny section limit", NULL);
		if (ad_inv_align(&why, small, cdocs, ndocs, same_rows) > 0)
			die("an alignment invariant is broken (exact-only path)", &why);
		ad_align_free(small);
	}

	/* Each aligned section's own text against its row's reference. */
	for (r = 0; r < ad_align_row_count(align); r++) {
		const ad_align_row *row = ad_align_row_at(align, r);
		const ad_section *ref = NULL;
		const char *refdata = NULL;

		for (d = 0; d < ndocs; d++) {
			const ad_section *s;

			if (row->cells[d] < 0)
				continue;
			s = &ad_doc_sections(docs[d])[row->cells[d]];
			if (!ref) {
				ref = s;
				refdata = ad_doc_data(docs[d]);
				continue;
			}
			check_textdiff(refdata + ref->start, ref->lead_end - ref->start,
				       ad_doc_data(docs[d]) + s->start, s->lead_end - s->start,
				       true, NULL);
			check_similarity(refdata + ref->start, ref->lead_end - ref->start,
					 ad_doc_data(docs[d]) + s->start, s->lead_end - s->start);
		}
	}

	/* Frontmatter, field by field. */
	if (ad_fmdiff_docs(&fd, cdocs, ndocs) < 0 || !fd)
		die("ad_fmdiff_docs failed", NULL);
	if (ad_inv_fmdiff(&why, fd, cdocs, ndocs, same) > 0)
		die("a frontmatter diff invariant is broken", &why);

	/* Whole variants, lines and words, with options from the hash. */
	{
		static const unsigned flag_sets[] = {
			0,
			AD_TEXTDIFF_IGNORE_WHITESPACE_CHANGE,
			AD_TEXTDIFF_IGNORE_WHITESPACE,
			AD_TEXTDIFF_IGNORE_EOL,
			AD_TEXTDIFF_MINIMAL,
			AD_TEXTDIFF_NO_COMPACT,
			AD_TEXTDIFF_IGNORE_EOL | AD_TEXTDIFF_IGNORE_WHITESPACE_CHANGE,
		};
		static const unsigned word_flag_sets[] = {
			0,
			AD_TEXTDIFF_REFLOW,
			AD_TEXTDIFF_NO_SEMANTIC_CLEANUP,
			AD_TEXTDIFF_REFLOW | AD_TEXTDIFF_NO_SEMANTIC_CLEANUP,
		};

		topts.flags = flag_sets[h % (sizeof(flag_sets) / sizeof(flag_sets[0]))];
		topts.algorithm = (h >> 8) % 2 ? AD_TEXTDIFF_MYERS : AD_TEXTDIFF_HISTOGRAM;
		topts.max_cost = (h >> 9) % 4 == 0 ? 4 : 0;
		for (d = 1; d < ndocs; d++)
			check_textdiff(docdata[0], doclen[0], docdata[d], doclen[d], false, &topts);
		topts.flags = word_flag_sets[(h >> 12) % 4];
		topts.max_tokens = (h >> 14) % 4 == 0 ? 16 : 0;
		check_textdiff(docdata[0], doclen[0], docdata[ndocs - 1], doclen[ndocs - 1],
			       true, &topts);
	}

	ad_fmdiff_free(fd);
	ad_align_free(align);
	for (d = 0; d < ndocs; d++)
		ad_doc_free(docs[d]);
	ad_buf_free(&why);
	return 0;
}
