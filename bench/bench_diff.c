/*
 * bench_diff: timings of the structural diff, in process.
 *
 *   bench_diff EXAMPLES_DIR [AGENTDIFF_BINARY]
 *
 * 1. 2-way structural diff of two ~12 KB variants (parsing excluded), as
 *    `agentdiff diff` computes it: align + fmdiff + a line diff per
 *    modified pair with word diffs of its changed hunks.  Target < 200 us.
 * 2. N-way alignment of 2, 4, 8, 10 and 16 variants of ~12 KB.  Target for
 *    10: < 5 ms; growth should be about linear.
 * 3. With a binary given and git on PATH: a 3.5 MB pair written to /tmp,
 *    `agentdiff diff` against `git diff --no-index`, both timed here (best
 *    of 3, output to /dev/null).  Target: within 2x of git.
 *
 * The variants are built from the example agents: their bodies are
 * concatenated to ~12 KB, then mutated deterministically (words changed,
 * lines dropped, headings renamed) so that each variant differs.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmark.h>

#include "align.h"
#include "benchutil.h"
#include "doc.h"
#include "fmdiff.h"
#include "textdiff.h"
#include "util.h"

#define TARGET_SIZE 12000
#define MAX_VARIANTS 16

/* Word diffs of the changed hunks of a line diff, as `agentdiff diff`
 * renders a modified section: words only where the two sides' line counts
 * pair up (within one line). */
static size_t hunk_words(const char *a, size_t alen, const char *b, size_t blen)
{
	ad_textdiff *ld = NULL;
	size_t k, words = 0, *la, *lb;
	int i, n;

	if (ad_textdiff_same_words(a, alen, b, blen))
		return 0; /* reflowed: shown as such, no diff */
	if (ad_textdiff_lines(&ld, a, alen, b, blen, NULL) < 0)
		return 0;
	/* Line starts, for the byte span of each hunk. */
	la = ad_xmalloc((ld->a_units + 2) * sizeof(*la));
	lb = ad_xmalloc((ld->b_units + 2) * sizeof(*lb));
	for (i = 0, n = 0, la[0] = 0; (size_t)i < alen; i++)
		if (a[i] == '\n')
			la[++n] = (size_t)i + 1;
	la[ld->a_units] = alen;
	for (i = 0, n = 0, lb[0] = 0; (size_t)i < blen; i++)
		if (b[i] == '\n')
			lb[++n] = (size_t)i + 1;
	lb[ld->b_units] = blen;
	for (k = 0; k < ld->count; k++) {
		const ad_textdiff_op *op = &ld->ops[k];
		int ac = op->a_count, bc = op->b_count;
		ad_textdiff *wd = NULL;

		if (op->kind == AD_TEXTDIFF_EQUAL)
			continue;
		/* A DELETE followed by an INSERT is one change. */
		if (k + 1 < ld->count && ld->ops[k + 1].kind != AD_TEXTDIFF_EQUAL &&
		    ld->ops[k + 1].kind != op->kind) {
			ac += ld->ops[k + 1].a_count;
			bc += ld->ops[k + 1].b_count;
			k++;
		}
		if (!ac || !bc || ac - bc > 1 || bc - ac > 1)
			continue;
		ad_textdiff_words(&wd, a + la[op->a_start],
				  la[op->a_start + ac] - la[op->a_start],
				  b + lb[op->b_start],
				  lb[op->b_start + bc] - lb[op->b_start], NULL);
		words += wd ? wd->count : 0;
		ad_textdiff_free(wd);
	}
	free(la);
	free(lb);
	ad_textdiff_free(ld);
	return words;
}

/* The 2-way pipeline minus parsing, as `agentdiff diff A B` runs it:
 * align, fmdiff, and for each modified pair a line diff with word diffs
 * of its changed hunks. */
static size_t structural(const ad_doc *const *docs)
{
	ad_align *al = NULL;
	ad_fmdiff *fd = NULL;
	size_t i, words = 0;

	ad_align_docs(&al, docs, 2, NULL);
	ad_fmdiff_docs(&fd, docs, 2);
	for (i = 0; al && i < ad_align_row_count(al); i++) {
		const ad_align_row *row = ad_align_row_at(al, i);
		const ad_section *a, *b;

		if (row->cells[0] < 0 || row->cells[1] < 0)
			continue;
		a = &ad_doc_sections(docs[0])[row->cells[0]];
		b = &ad_doc_sections(docs[1])[row->cells[1]];
		if (a->lead_end - a->start == b->lead_end - b->start &&
		    !memcmp(ad_doc_data(docs[0]) + a->start, ad_doc_data(docs[1]) + b->start,
			    a->lead_end - a->start))
			continue;
		words += hunk_words(ad_doc_data(docs[0]) + a->start, a->lead_end - a->start,
				    ad_doc_data(docs[1]) + b->start, b->lead_end - b->start);
	}
	ad_fmdiff_free(fd);
	ad_align_free(al);
	return words;
}

/* Best of a few batches: seconds per call. */
#define TIME_IT(result, iters, stmt)                                              \
	do {                                                                      \
		int batch_, k_;                                                   \
		double best_ = 1e9, t0_;                                          \
		for (batch_ = 0; batch_ < 5; batch_++) {                          \
			t0_ = bench_now();                                        \
			for (k_ = 0; k_ < (iters); k_++) {                        \
				stmt;                                             \
			}                                                         \
			if ((bench_now() - t0_) / (iters) < best_)                \
				best_ = (bench_now() - t0_) / (iters);            \
		}                                                                 \
		(result) = best_;                                                 \
	} while (0)

/* Best of three runs of cmd, in seconds; -1 when it does not run or
 * exits with more than 1 (diff's "differences"), so that a missing binary
 * is not timed as a fast one. */
static double time_command(const char *cmd)
{
	double best = 1e9, t0;
	int k, status;

	for (k = 0; k < 3; k++) {
		t0 = bench_now();
		status = system(cmd);
		if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
			fprintf(stderr, "bench_diff: failed: %s\n", cmd);
			return -1;
		}
		if (bench_now() - t0 < best)
			best = bench_now() - t0;
	}
	return best;
}

int main(int argc, char **argv)
{
	size_t i, k;
	ad_buf base = AD_BUF_INIT, var[MAX_VARIANTS];
	ad_doc *docs[MAX_VARIANTS];
	volatile size_t sink = 0;
	double t;
	static const size_t ns[] = { 2, 4, 8, 10, 16 };

	if (argc < 2) {
		fprintf(stderr, "usage: bench_diff EXAMPLES_DIR [AGENTDIFF_BINARY]\n");
		return 2;
	}
	if (!bench_examples_base(&base, argv[1], TARGET_SIZE)) {
		fprintf(stderr, "bench_diff: no examples under %s\n", argv[1]);
		return 1;
	}
	for (i = 0; i < MAX_VARIANTS; i++) {
		ad_buf tmp = AD_BUF_INIT;

		var[i] = tmp;
		if (i == 0)
			ad_buf_put(&var[i], base.ptr, base.size);
		else
			bench_mutate(&var[i], base.ptr, base.size, (unsigned)i);
		if (ad_doc_parse(&docs[i], NULL, var[i].ptr, var[i].size, NULL, NULL) < 0)
			return 1;
	}
	printf("variants: %zu bytes, %zu sections (variant 0)\n\n", var[0].size,
	       ad_doc_section_count(docs[0]));
	if (getenv("AD_BENCH_PROFILE")) {
		/* For a profiler: only the 2-way pipeline, many times. */
		long n = atol(getenv("AD_BENCH_PROFILE"));

		while (n-- > 0)
			sink += structural((const ad_doc *const *)docs);
		goto done;
	}

	TIME_IT(t, 200, sink += structural((const ad_doc *const *)docs));
	printf("%-44s %10.1f us   (target < 200 us)\n",
	       "2-way structural diff (align+fmdiff+hunks)", t * 1e6);
	{
		/* A reference in the same run, since this machine's speed
		 * varies from run to run: bare cmark parsing the same pair. */
		double tc;

		TIME_IT(tc, 200, {
			int v_;

			for (v_ = 0; v_ < 2; v_++) {
				cmark_node *n_ = cmark_parse_document(var[v_].ptr, var[v_].size,
								      CMARK_OPT_DEFAULT);
				sink += n_ != NULL;
				cmark_node_free(n_);
			}
		});
		printf("%-44s %10.1f us   (2-way diff = %.2fx this)\n",
		       "  reference: cmark parsing the same pair", tc * 1e6, t / tc);
	}

	{
		ad_align *al = NULL;
		ad_fmdiff *fd = NULL;

		TIME_IT(t, 200, {
			ad_align_docs(&al, (const ad_doc *const *)docs, 2, NULL);
			sink += ad_align_row_count(al);
			ad_align_free(al);
		});
		printf("%-44s %10.1f us\n", "  of which align", t * 1e6);
		TIME_IT(t, 200, {
			ad_fmdiff_docs(&fd, (const ad_doc *const *)docs, 2);
			sink += ad_fmdiff_row_count(fd);
			ad_fmdiff_free(fd);
		});
		printf("%-44s %10.1f us\n", "  of which fmdiff", t * 1e6);
	}

	for (k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		ad_align *al = NULL;
		char label[64];

		TIME_IT(t, 20, {
			ad_align_docs(&al, (const ad_doc *const *)docs, ns[k], NULL);
			sink += ad_align_row_count(al);
			ad_align_free(al);
		});
		snprintf(label, sizeof(label), "N-way alignment, %zu variants", ns[k]);
		printf("%-44s %10.3f ms   %s\n", label, t * 1e3,
		       ns[k] == 10 ? "(target < 5 ms)" : "");
	}

	if (argc >= 3) {
		ad_buf big_a = AD_BUF_INIT, big_b = AD_BUF_INIT;
		const char *pa = "/tmp/agentdiff-bench-a.md", *pb = "/tmp/agentdiff-bench-b.md";
		char cmd[8192];
		double tg, ta;

		/* 3.5 MB: the 12 KB variants repeated, the second mutated. */
		for (i = 0; big_a.size < 3500000; i++) {
			ad_buf_put(&big_a, var[0].ptr, var[0].size);
			ad_buf_put(&big_b, var[1 + i % (MAX_VARIANTS - 1)].ptr,
				   var[1 + i % (MAX_VARIANTS - 1)].size);
		}
		if (bench_write_file(pa, big_a.ptr, big_a.size) < 0 ||
		    bench_write_file(pb, big_b.ptr, big_b.size) < 0) {
			fprintf(stderr, "bench_diff: cannot write %s\n", pa);
			return 1;
		}
		printf("\n3.5 MB pair: %s (%zu bytes), %s (%zu bytes)\n", pa, big_a.size, pb,
		       big_b.size);
		snprintf(cmd, sizeof(cmd), "git diff --no-index %s %s >/dev/null 2>&1", pa, pb);
		tg = time_command(cmd);
		snprintf(cmd, sizeof(cmd), "'%s' diff --color=never %s %s >/dev/null 2>&1",
			 argv[2], pa, pb);
		ta = time_command(cmd);
		if (tg < 0 || ta < 0)
			return 1;
		printf("%-44s %10.1f ms\n", "git diff --no-index", tg * 1e3);
		printf("%-44s %10.1f ms   ratio %.2f (target <= 2)\n", "agentdiff diff (large: line by line)",
		       ta * 1e3, tg > 0 ? ta / tg : 0.0);
		ad_buf_free(&big_a);
		ad_buf_free(&big_b);
	} else {
		printf("\n3.5 MB case: run `bench_diff EXAMPLES ./agentdiff` to time it against\n"
		       "`git diff --no-index` (pair written to /tmp/agentdiff-bench-[ab].md).\n");
	}

done:
	for (i = 0; i < MAX_VARIANTS; i++) {
		ad_doc_free(docs[i]);
		ad_buf_free(&var[i]);
	}
	ad_buf_free(&base);
	return sink == (size_t)-1;
}
