/*
 * compare: the two comparison views.
 *
 * The side-by-side view shows two variants with their aligned sections on
 * the same rows, gaps where one side has nothing, word-level highlights,
 * renamed and moved sections labelled, and changes to jump between.  The
 * matrix view shows three or more variants as the alignment table: a row
 * per section, a column per variant; entering a cell and then another in
 * the same row opens the side-by-side view of those two variants at that
 * section.
 *
 * The documents and labels are borrowed and must outlive the view (the app
 * keeps the workspace until it quits).  Labels are what the column heads
 * show (usually the variant's path).
 */
#ifndef AD_COMPARE_H
#define AD_COMPARE_H

#include <stddef.h>

#include "doc.h"
#include "error.h"
#include "view.h"

/* Side by side, starting at section_a of a (an index into
 * ad_doc_sections(), or -1 for the top). */
ad_view *ad_sbs_view_new(const ad_doc *a, const ad_doc *b, const char *label_a,
			 const char *label_b, int section_a, ad_error *err);

/* The alignment matrix of n >= 2 documents (at most AD_ALIGN_MAX_DOCS). */
ad_view *ad_matrix_view_new(const ad_doc *const *docs, const char *const *labels,
			    size_t n, ad_error *err);

#endif
