/*
 * tree: the browser's left pane.
 *
 * Agents, under each its variants, under each variant its frontmatter (with
 * a row per field) and its sections, nested as in the file; then the files
 * the scan skipped.  Items fold and unfold (agents and variants start
 * folded when there are many), and each shows a count of what it holds.
 * Variants can be marked for comparing; one whose parse found errors is
 * marked as such, and selecting it shows the errors.
 *
 * Whenever the selection changes, the tree shows the selected item in the
 * text view it was given: a variant's file, a section's lines, a field's
 * lines, an agent's summary.  Comparing (the "compare" action) opens the
 * side-by-side view for two variants, the matrix for more (compare.h).
 *
 * The workspace and the text view are borrowed and must outlive the tree.
 */
#ifndef AD_TREE_H
#define AD_TREE_H

#include <stddef.h>

#include "view.h"
#include "workspace.h"

/* text may be NULL (nothing is shown). */
ad_view *ad_tree_view_new(const ad_workspace *ws, ad_view *text);

/* Shows the selected item in the text view again (after the tree is made,
 * or when the text pane was changed by something else). */
void ad_tree_show_selection(ad_view *v, ad_view_host *host);

size_t ad_tree_marked_count(const ad_view *v);
/* Total variants and agents shown. */
size_t ad_tree_variant_count(const ad_view *v);

#endif
