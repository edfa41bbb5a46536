/*
 * invariants: what the model and the diff engine promise in their headers,
 * checked on any input.  Shared by the fuzz targets (which abort on the
 * first broken promise, so that libFuzzer keeps the input) and by
 * tests/test_props.c (which fails the test and names the input).
 *
 * Each function appends one line per broken promise to why ("what: detail")
 * and returns how many it found; 0 means the result is as documented.  They
 * only read what they are given.
 *
 *   ad_inv_doc       doc.h, frontmatter.h, lines.h: the frontmatter and the
 *                    top-level sections tile the file, children tile their
 *                    parent after its lead-in, the array is the tree's
 *                    pre-order, lines, fields and escapes agree with the
 *                    bytes, and the spans written back give the input byte
 *                    for byte;
 *   ad_inv_textdiff  textdiff.h: the runs cover both inputs in order and
 *                    rebuild them (byte for byte when no IGNORE or REFLOW
 *                    flag was given);
 *   ad_inv_align     align.h: every section of every variant in exactly
 *                    one row, valid cells, statuses and similarities;
 *   ad_inv_fmdiff    fmdiff.h: a row per key, each cell the first field of
 *                    that key, statuses that agree with the cells.
 *
 * With identical inputs (same = true) the comparisons must also find no
 * difference at all.
 */
#ifndef AD_INVARIANTS_H
#define AD_INVARIANTS_H

#include <stdbool.h>
#include <stddef.h>

#include "align.h"
#include "doc.h"
#include "fmdiff.h"
#include "textdiff.h"
#include "util.h"

/* doc was parsed from the len bytes at orig. */
int ad_inv_doc(ad_buf *why, const ad_doc *doc, const char *orig, size_t len);

/* diff is ad_textdiff_lines() or _words() of a and b with flags. */
int ad_inv_textdiff(ad_buf *why, const ad_textdiff *diff, const char *a,
		    size_t alen, const char *b, size_t blen, unsigned flags);

int ad_inv_align(ad_buf *why, const ad_align *align,
		 const ad_doc *const *docs, size_t ndocs, bool same);

int ad_inv_fmdiff(ad_buf *why, const ad_fmdiff *fd,
		  const ad_doc *const *docs, size_t ndocs, bool same);

/* Whether check is named in AD_FUZZ_IGNORE, a comma-separated list of
 * checks turned off so that a known bug, reported and waiting for its fix,
 * does not stop a fuzzer from looking for others: "align-identical"
 * (fuzz_diff), "merge-items" (fuzz_merge). */
bool ad_inv_ignored(const char *check);

#endif
