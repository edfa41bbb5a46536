/*
 * cmpviews: what the two comparison views (sbs.c, matrix.c) offer each
 * other and their tests, beyond the fixed contract of compare.h.
 */
#ifndef AD_CMPVIEWS_H
#define AD_CMPVIEWS_H

#include <stdbool.h>
#include <stddef.h>

#include "compare.h"
#include "screen.h"

/* ad_sbs_view_new() starting at section_a of a or, when that is -1, at
 * section_b of b (-1 for both: the top). */
ad_view *ad_sbs_view_new_at(const ad_doc *a, const ad_doc *b, const char *label_a,
			    const char *label_b, int section_a, int section_b,
			    ad_error *err);

/* The matrix view's last request to compare two cells when it had no app
 * to open the side-by-side view in (host NULL, as in unit tests): the
 * variants (left, right) and their sections in the row (-1 where absent).
 * False when nothing was requested. */
bool ad_matrix_view_request(const ad_view *v, size_t *a, size_t *b, int *section_a,
			    int *section_b);

/* Draws label s in at most w columns at (y, x); when it is wider, its end
 * after a "…" (the end of a path is what tells variants apart). */
void ad_cmpviews_put_tail(ad_screen *scr, int y, int x, int w, const char *s, ad_slot slot,
			  unsigned attrs);

#endif
