/*
 * mergeview: the curated merge, in the terminal UI.
 *
 * Opened from the side-by-side view or the matrix (the "merge" action) over
 * the variants they compare.  A row per frontmatter block, field and aligned
 * section, a column per variant; each cell marks whether that variant's
 * version is taken into the result and in which order, how long it is and
 * whether it is the same as the one taken.  Below the rows, the text of the
 * cell under the cursor, and the findings `agentdiff check` has on the
 * result.  The keys of the "Merging" group of actions.h choose; "preview"
 * shows the result itself; "write" writes it (and the plan that redoes it,
 * next to it); "commit" commits what was written.  The model behind it is
 * mergemodel.h.
 *
 * The documents and labels are borrowed from the view that opens it and
 * must outlive it (they do: that view stays below it on the stack).
 */
#ifndef AD_MERGEVIEW_H
#define AD_MERGEVIEW_H

#include <stddef.h>

#include "doc.h"
#include "error.h"
#include "mergemodel.h"
#include "view.h"

/*
 * A merge of n (2 or more) documents, labels naming their columns.  host
 * (may be NULL, as in unit tests) tells where each document came from
 * (ad_host_source_of) and where to write by default (ad_host_output); with
 * no app, every variant is a file at its document's path, and nothing can
 * be asked, edited or written.
 */
ad_view *ad_merge_view_new(ad_view_host *host, const ad_doc *const *docs, const char *const *labels,
			   size_t n, ad_error *err);

/* The view's model (for tests); borrowed. */
ad_mergemodel *ad_merge_view_model(ad_view *v);

/* Opens a merge of the documents on top of host's views, or says in the
 * status bar why it cannot (for the views that start one). */
void ad_merge_view_open(ad_view_host *host, const ad_doc *const *docs, const char *const *labels,
			size_t n);

#endif
