/*
 * textview: a pane of text lines: a span of a document, with notes above it.
 *
 * The browser's right pane shows the item selected in the tree with it: a
 * variant's whole file, a section's or a field's lines, and above them notes
 * such as the file's diagnostics.  The help screen is a text view of notes
 * only.  Lines of the document are shown with their line numbers, cut or
 * wrapped (the "wrap" action toggles), searchable, with a cursor line when
 * the pane has the focus.
 *
 * A note is one line in two parts: a label drawn in label_slot (a
 * severity, a key name) padded to the widest label of the view, and text in
 * slot.  A note whose label is NULL has its text from the first column (a
 * heading, a blank line).  Notes are copied; the document is borrowed and must outlive the
 * view or the next ad_text_view_set().
 */
#ifndef AD_TEXTVIEW_H
#define AD_TEXTVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "view.h"

typedef struct {
	ad_slot label_slot;
	const char *label; /* NULL: none, and no label column either */
	ad_slot slot;
	const char *text;
} ad_text_note;

/* name is what ops->name says ("text", "help"). */
ad_view *ad_text_view_new(const char *name);

/*
 * Shows title in the pane's heading row, the notes, and the lines of doc
 * that bytes [start, end) touch (doc NULL or start == end: none), from
 * the first row, with the search highlight kept.
 */
void ad_text_view_set(ad_view *v, const char *title, const ad_text_note *notes,
		      size_t nnotes, const ad_doc *doc, size_t start, size_t end);

/* Rows (notes and lines) the view holds, and the cursor's row. */
size_t ad_text_view_rows(const ad_view *v);
size_t ad_text_view_cursor(const ad_view *v);

#endif
